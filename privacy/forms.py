"""The breach-notice aid's choice: a partner, one key, or one staff account, and a time window. The partner, the
key and the window are the partners' reads form's own (its checks: a window of at most 31 days, the end after
the start, by default the last 72 hours); the staff account is added here, by its email address."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.logins import normalize_email
from accounts.models import Role, User
from partners.forms import ReadsFilterForm

FIELDS = ("organisation", "key", "account", "start", "end")


class BreachFilterForm(ReadsFilterForm):
    account = forms.EmailField(
        label=_("Or one staff account (email)"),
        required=False,
        help_text=_("What the account opened or changed, from the audit trail."),
    )

    field_order = list(FIELDS)

    @classmethod
    def with_defaults(cls, query: Any, now: Any) -> "BreachFilterForm":
        form = super().with_defaults(query, now)
        form.data = {**form.data, "account": query.get("account", "")}
        return form  # type: ignore[return-value]

    def clean_account(self) -> User | None:
        email = self.cleaned_data.get("account") or ""
        if not email:
            return None
        account = User.objects.exclude(role=Role.ENTREPRENEUR).filter(email=normalize_email(email)).first()
        if account is None:
            raise ValidationError(_("There is no staff account with this email address."), code="unknown_account")
        return account

    def clean(self) -> dict[str, Any]:
        account = self.cleaned_data.get("account")
        if account is None and not self.has_error("account"):
            return super().clean()  # a partner or a key, as on the partners' reads page
        # A staff account (or an unknown one, which its field already says): the partners' form would ask for a
        # partner or a key before checking the window, so the window is checked here by its own checks.
        cleaned = self.cleaned_data
        if cleaned.get("organisation") is not None or cleaned.get("key") is not None:
            raise ValidationError(_("Choose a partner, one key or one staff account, not two."), code="two_choices")
        self.check_window(cleaned)
        return cleaned

    def query(self) -> dict[str, str]:
        account = self.cleaned_data["account"]
        return {**super().query(), "account": account.email if account is not None else ""}
