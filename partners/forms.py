"""Forms of the partners' pages: what staff type to issue a key or to list partners' reads, and a partner's filter
of its consenting participants. They turn input into the values the services and selectors take, nothing more."""

import datetime
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import KeyKind, Purpose
from .models import Agreement, PartnerKey, PartnerOrganisation
from .selectors import agreements_for_keys

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
READS_DEFAULT_WINDOW = datetime.timedelta(hours=72)  # a breach notice is due within 3 x 24 hours
READS_MAX_WINDOW = datetime.timedelta(days=31)


def _datetime_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


class AgreementChoiceField(forms.ModelChoiceField[Agreement]):
    def label_from_instance(self, obj: Agreement) -> str:
        return f"{obj.organisation.name} · {obj}"


class KeyIssueForm(forms.Form):
    """A new key: for which agreement (so which partner), its name, its kind and an optional last day."""

    agreement = AgreementChoiceField(label=_("Agreement"), queryset=Agreement.objects.none())
    name = forms.CharField(
        label=_("Name"), max_length=50, help_text=_("Say what will use it, e.g. “Shopee seller onboarding”.")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=KeyKind.choices, initial=KeyKind.PARTNER)
    expires_at = forms.DateField(
        label=_("Last day of use"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Optional. The key stops working at the end of this day (Jakarta time)."),
    )

    def __init__(self, *args: Any, today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agreement"]
        assert isinstance(field, AgreementChoiceField)
        field.queryset = agreements_for_keys(today)
        field.error_messages["invalid_choice"] = _("Choose a signed agreement that has not expired or ended.")

    def expiry(self) -> datetime.datetime | None:
        """The moment the key stops: midnight after its last day, in Jakarta time."""
        day = self.cleaned_data.get("expires_at")
        if day is None:
            return None
        midnight = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
        return timezone.make_aware(midnight)


class KeyChoiceField(forms.ModelChoiceField[PartnerKey]):
    def label_from_instance(self, obj: PartnerKey) -> str:
        return f"{obj.organisation.name} · {obj.name} ({obj.prefix})"


class ReadsFilterForm(forms.Form):
    """Which reads to list: one partner's or one key's, from one moment to another (at most 31 days apart). The
    key goes by its prefix, which is not secret."""

    organisation = forms.ModelChoiceField(
        label=_("Partner"),
        queryset=PartnerOrganisation.objects.order_by("name"),
        required=False,
        error_messages={"invalid_choice": _("There is no such partner.")},
    )
    key = KeyChoiceField(
        label=_("Or one key"),
        queryset=PartnerKey.objects.select_related("organisation").order_by("organisation__name", "name", "pk"),
        to_field_name="prefix",
        required=False,
        error_messages={"invalid_choice": _("There is no key with this prefix.")},
    )
    start = forms.DateTimeField(label=_("From"), widget=_datetime_input())
    end = forms.DateTimeField(label=_("To"), widget=_datetime_input())

    @classmethod
    def with_defaults(cls, query: Mapping[str, Any], now: datetime.datetime) -> "ReadsFilterForm":
        """Bound to the page's query, the window defaulting to the last 72 hours."""
        data = {name: query.get(name, "") for name in ("organisation", "key", "start", "end")}
        local_now = timezone.localtime(now)
        if not data["start"]:
            data["start"] = (local_now - READS_DEFAULT_WINDOW).strftime(DATETIME_FORMAT)
        if not data["end"]:
            data["end"] = local_now.strftime(DATETIME_FORMAT)
        return cls(data)

    def window(self) -> tuple[datetime.datetime, datetime.datetime]:
        """From the start to just after the end: "to 14:05" includes the whole minute typed (a valid form only)."""
        return self.cleaned_data["start"], self.cleaned_data["end"] + datetime.timedelta(minutes=1)

    def query(self) -> dict[str, str]:
        """The chosen filter as a page address's query (for the CSV and the pages of a valid form)."""
        organisation, key = self.cleaned_data["organisation"], self.cleaned_data["key"]
        return {
            "organisation": str(organisation.pk) if organisation else "",
            "key": key.prefix if key else "",
            "start": timezone.localtime(self.cleaned_data["start"]).strftime(DATETIME_FORMAT),
            "end": timezone.localtime(self.cleaned_data["end"]).strftime(DATETIME_FORMAT),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        organisation, key = cleaned.get("organisation"), cleaned.get("key")
        if organisation is None and key is None and not self.has_error("organisation") and not self.has_error("key"):
            raise ValidationError(_("Choose a partner or one key."), code="no_choice")
        if organisation is not None and key is not None and key.organisation_id != organisation.pk:
            self.add_error("key", ValidationError(_("This key is not one of the partner's."), code="other_partner"))
        self.check_window(cleaned)
        return cleaned

    def check_window(self, cleaned: dict[str, Any]) -> None:
        """The window's own checks (the end after the start, at most READS_MAX_WINDOW), as errors on its end; the
        breach-notice aid's form applies them to a staff account's window too."""
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is not None and end is not None:
            if end < start:
                self.add_error("end", ValidationError(_("The end is before the start."), code="end_before_start"))
            elif end - start > READS_MAX_WINDOW:
                self.add_error(
                    "end",
                    ValidationError(
                        _("Choose a window of at most %(days)d days."),
                        code="window_too_long",
                        params={"days": READS_MAX_WINDOW.days},
                    ),
                )


class ParticipantsFilterForm(forms.Form):
    """A partner's consenting participants, for one purpose or all."""

    purpose = forms.ChoiceField(
        label=_("Purpose"), choices=[("", _("All purposes")), *Purpose.choices], required=False
    )


class ConsentGrantForm(forms.Form):
    agree = forms.BooleanField(
        label=_("I have read and agree"),
        error_messages={"required": _("Tick the box to show you have read the text and agree to it.")},
    )
    text_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, data: Any = None, *, text_version: int) -> None:
        """`text_version`: the version of the text shown with this form (a bound form keeps what was sent)."""
        super().__init__(data, initial={"text_version": text_version})
