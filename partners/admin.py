"""Admin of partner organisations, their users and agreements, consent texts, and the records the portal keeps of
consents, keys, JAKI links and partners' reads. Every write goes through partners/services.py, so it is recorded in
the audit trail as the staff member's, under the same rules as on the pages: each form asks the service's checks
while it validates (a refusal shows on its field, nothing is saved), then saves through the service. Deleting
stays with administrators (ProgramAdmin); consents, keys, links and reads are read-only here (a key is issued on
the staff page, and revoked here with an action)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import APIKey

from accounts.models import User
from accounts.web import request_user
from core import audit
from core.admin import NEWEST_FIRST, ProgramAdmin, RecordAdmin, copy_saved, sees_whole_program
from core.files import private_file_response
from core.web import add_service_errors, error_text
from registration.choices import BusinessClass, Sector, Track

from . import permissions, selectors, services
from .choices import AgreementState, Step
from .models import (
    AccessLog,
    Agreement,
    AgreementDocument,
    AgreementMeeting,
    Consent,
    ConsentText,
    JakiLink,
    PartnerKey,
    PartnerMember,
    PartnerOrganisation,
)
from .values import AgreementData, OrganisationData, SigningData


class ServiceCheckedForm(forms.ModelForm):  # type: ignore[type-arg]
    """A model form that, once its fields and the model's own checks pass, asks the service's checks (writing
    nothing), so a refusal shows on the form and the service's later call does not refuse."""

    def service_check(self) -> None:
        """Raise the ValidationError the service would for the form's cleaned data."""

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]  # the stubs leave out ModelForm's model checks
        if not self.errors:
            try:
                self.service_check()
            except ValidationError as exc:
                add_service_errors(self, exc)


class ProgramInline:
    """An inline agency staff use like the page it sits on (they hold no model permissions: the role decides)."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return sees_whole_program(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return sees_whole_program(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return sees_whole_program(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return sees_whole_program(request)


# --- organisations and their users --------------------------------------------------------------------------------


def organisation_data(data: dict[str, Any]) -> OrganisationData:
    return OrganisationData(
        name=data["name"],
        kind=data["kind"],
        active=data["active"],
        is_city_app=data.get("is_city_app", False),
        contact_name=data.get("contact_name") or "",
        contact_email=data.get("contact_email") or "",
        contact_phone=data.get("contact_phone") or "",
        website=data.get("website") or "",
    )


class OrganisationAdminForm(ServiceCheckedForm):
    """Contacts are checked as the service does: the phone may be typed with spaces and dashes (stored +62…)."""

    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = PartnerOrganisation
        fields = ["name", "kind", "active", "is_city_app", "contact_name", "contact_email", "contact_phone", "website"]

    def service_check(self) -> None:
        services.check_organisation(
            data=organisation_data(self.cleaned_data), organisation=self.instance if self.instance.pk else None
        )


class PartnerMemberInline(admin.TabularInline[PartnerMember, PartnerOrganisation]):
    model = PartnerMember
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]
    extra = 0
    verbose_name_plural = _("users acting for this organisation")


class OrganisationAgreementInline(ProgramInline, admin.TabularInline[Agreement, PartnerOrganisation]):
    """The organisation's agreements, to open one (they are changed on their own page)."""

    model = Agreement
    fields = ["kind", "number", "title", "state_today", "ends_on"]
    readonly_fields = ["kind", "number", "title", "state_today", "ends_on"]
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("agreements")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("state today"))
    def state_today(self, obj: Agreement) -> str:
        return str(AgreementState(obj.state(timezone.localdate())).label)


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(ProgramAdmin):
    form = OrganisationAdminForm
    list_display = ["name", "kind", "active", "contact_name", "contact_email", "contact_phone", "created_at"]
    list_filter = ["kind", "active", "is_city_app"]
    search_fields = ["name"]
    readonly_fields = ["created_at"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "active", "is_city_app"]}),
        (_("Contacts"), {"fields": ["contact_name", "contact_email", "contact_phone", "website", "created_at"]}),
    ]
    inlines = [PartnerMemberInline, OrganisationAgreementInline]
    history_about_related = True  # its members' changes belong in its history

    def delete_model(self, request: HttpRequest, obj: PartnerOrganisation) -> None:
        services.organisation_delete(organisation=obj, acting_user=request_user(request))

    def save_model(
        self, request: HttpRequest, obj: PartnerOrganisation, form: ModelForm[PartnerOrganisation], change: bool
    ) -> None:
        data, acting_user = organisation_data(form.cleaned_data), request_user(request)
        if change:
            saved = services.organisation_update(organisation=obj, data=data, acting_user=acting_user)
        else:
            saved = services.organisation_create(data=data, acting_user=acting_user)
        copy_saved(saved, obj)

    def save_formset(
        self, request: HttpRequest, form: ModelForm[PartnerOrganisation], formset: Any, change: bool
    ) -> None:
        if not isinstance(formset, BaseInlineFormSet) or formset.model is not PartnerMember:
            super().save_formset(request, form, formset, change)
            return
        acting_user = request_user(request)
        organisation = form.instance
        formset.save(commit=False)
        for member in formset.deleted_objects:
            services.member_remove(member=member, acting_user=acting_user)
        for member in formset.new_objects:
            copy_saved(
                services.member_add(
                    organisation=organisation,
                    user=member.user,
                    is_administrator=member.is_administrator,
                    acting_user=acting_user,
                ),
                member,
            )
        for member, _fields in formset.changed_objects:
            services.member_update(
                member=member,
                organisation=organisation,
                user=member.user,
                is_administrator=member.is_administrator,
                acting_user=acting_user,
            )


@admin.register(PartnerMember)
class PartnerMemberAdmin(ProgramAdmin):
    list_display = ["user", "organisation", "is_administrator", "created_at"]
    list_filter = ["organisation__kind", "is_administrator"]
    list_select_related = ["user", "organisation"]
    search_fields = ["=user__email", "^user__full_name", "^organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    readonly_fields = ["created_at"]

    def save_model(
        self, request: HttpRequest, obj: PartnerMember, form: ModelForm[PartnerMember], change: bool
    ) -> None:
        data, acting_user = form.cleaned_data, request_user(request)
        values = {
            "organisation": data["organisation"],
            "user": data["user"],
            "is_administrator": data.get("is_administrator", False),
            "acting_user": acting_user,
        }
        saved = services.member_update(member=obj, **values) if change else services.member_add(**values)
        copy_saved(saved, obj)

    def delete_model(self, request: HttpRequest, obj: PartnerMember) -> None:
        services.member_remove(member=obj, acting_user=request_user(request))


# --- agreements ---------------------------------------------------------------------------------------------------

TERMS = [
    "kind",
    "title",
    "parties",
    "partner_offers",
    "program_offers",
    "steps",
    "criteria_tracks",
    "criteria_sectors",
    "criteria_classes",
    "criteria_kecamatan",
    "criteria_steps_done",
]
SIGNING = ["state_today", "number", "signed_on", "starts_on", "ends_on", "ended_on", "end_reason"]


def _checkboxes(choices: Any, label: Any, help_text: Any, *, required: bool = False) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=choices, label=label, help_text=help_text, required=required, widget=forms.CheckboxSelectMultiple
    )


def agreement_data(data: dict[str, Any]) -> AgreementData:
    return AgreementData(
        kind=data["kind"],
        title=data["title"],
        parties=data["parties"],
        steps=list(data["steps"]),
        partner_offers=data.get("partner_offers") or "",
        program_offers=data.get("program_offers") or "",
        criteria_tracks=list(data.get("criteria_tracks") or []),
        criteria_sectors=list(data.get("criteria_sectors") or []),
        criteria_classes=list(data.get("criteria_classes") or []),
        criteria_steps_done=list(data.get("criteria_steps_done") or []),
        criteria_kecamatan=list(data.get("criteria_kecamatan") or []),
    )


class AgreementAdminForm(ServiceCheckedForm):
    """An agreement's terms; the steps and criteria as checkboxes (an empty criterion: any participant)."""

    steps = _checkboxes(
        Step.choices,
        _("steps covered"),
        _("The program steps P1-P7 the partner works on under this agreement."),
        required=True,
    )
    criteria_tracks = _checkboxes(Track.choices, _("tracks wanted"), _("None ticked: any."))
    criteria_sectors = _checkboxes(Sector.choices, _("sectors wanted"), _("None ticked: any."))
    criteria_classes = _checkboxes(BusinessClass.choices, _("business classes wanted"), _("None ticked: any."))
    criteria_steps_done = _checkboxes(
        Step.choices, _("steps the participants have done"), _("None ticked: none asked.")
    )

    class Meta:
        model = Agreement
        fields = ["organisation", *TERMS]

    def service_check(self) -> None:
        if "kind" not in self.fields:
            return  # a closed agreement's terms are shown read-only: nothing of them was sent
        organisation = self.cleaned_data.get("organisation") or self.instance.organisation
        services.check_terms(
            organisation=organisation,
            data=agreement_data(self.cleaned_data),
            agreement=self.instance if self.instance.pk else None,
        )


class StateFilter(admin.SimpleListFilter):
    title = _("state today")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(AgreementState.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value not in AgreementState.values:
            return queryset
        return selectors.agreements_in_state(queryset, value, timezone.localdate())


class MeetingForm(ServiceCheckedForm):
    class Meta:
        model = AgreementMeeting
        fields = ["held_on", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def service_check(self) -> None:
        services.check_meeting(self.cleaned_data["held_on"], self.cleaned_data["notes"])


class MeetingInline(ProgramInline, admin.TabularInline[AgreementMeeting, Agreement]):
    model = AgreementMeeting
    form = MeetingForm
    fields = ["held_on", "notes", "recorded_by", "created_at"]
    readonly_fields = ["recorded_by", "created_at"]
    extra = 0
    verbose_name_plural = _("meetings of the talks")

    def get_queryset(self, request: HttpRequest) -> QuerySet[AgreementMeeting]:
        return super().get_queryset(request).select_related("recorded_by", "agreement")  # its name shows


class DocumentInline(ProgramInline, admin.TabularInline[AgreementDocument, Agreement]):
    """The documents kept: each opened through the admin (recorded), removed through the service."""

    model = AgreementDocument
    fields = ["title", "open_link", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = ["title", "open_link", "size", "uploaded_by", "uploaded_at"]
    extra = 0
    verbose_name_plural = _("documents")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[AgreementDocument]:
        return super().get_queryset(request).select_related("uploaded_by")

    @admin.display(description=_("file"))
    def open_link(self, obj: AgreementDocument) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:partners_agreement_document", args=[obj.public_id]),
            gettext("Download the PDF"),
        )


class NewDocumentForm(ServiceCheckedForm):
    file = forms.FileField(
        label=_("PDF file"),
        help_text=_("A PDF of at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )

    class Meta:
        model = AgreementDocument
        fields = ["title", "file"]

    def service_check(self) -> None:
        services.check_agreement_pdf(self.cleaned_data["file"])


class NewDocumentInline(ProgramInline, admin.TabularInline[AgreementDocument, Agreement]):
    """Attach a PDF: saved through agreement_document_attach."""

    model = AgreementDocument
    form = NewDocumentForm
    fields = ["title", "file"]
    extra = 1
    can_delete = False
    verbose_name = _("new document")
    verbose_name_plural = _("attach a document (PDF, at most 10 MB)")

    def get_queryset(self, request: HttpRequest) -> QuerySet[AgreementDocument]:
        return AgreementDocument.objects.none()


class SigningForm(forms.Form):
    number = forms.CharField(label=_("number"), max_length=80)
    signed_on = forms.DateField(label=_("signed on"), widget=forms.DateInput(attrs={"type": "date"}))
    starts_on = forms.DateField(label=_("starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("ends on"), widget=forms.DateInput(attrs={"type": "date"}))


class EndingForm(forms.Form):
    ended_on = forms.DateField(
        label=_("ends on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("From this day on the agreement grants nothing, to every key."),
    )
    end_reason = forms.CharField(label=_("why it ends early"), widget=forms.Textarea(attrs={"rows": 4}))


@admin.register(Agreement)
class AgreementAdmin(ProgramAdmin):
    """Agreements: the terms through agreement_create/agreement_update; signing and ending early on their own
    small pages (buttons on the change page); the meetings and documents inlines through their services. The
    change page shows how many verified participants match the criteria and how many consented."""

    form = AgreementAdminForm
    change_form_template = "admin/partners/agreement/change_form.html"
    list_display = ["organisation", "kind", "number", "title", "state_today", "ends_on"]
    list_filter = [StateFilter, "kind", "organisation__kind"]
    list_select_related = ["organisation"]
    search_fields = ["number", "title", "organisation__name"]
    autocomplete_fields = ["organisation", "criteria_kecamatan"]
    inlines = [MeetingInline, DocumentInline, NewDocumentInline]
    history_about_related = True  # its meetings and documents belong in its history

    def get_fieldsets(self, request: HttpRequest, obj: Agreement | None = None) -> Any:
        terms = [
            (None, {"fields": ["organisation", "kind", "title", "parties"]}),
            (_("What each side offers"), {"fields": ["partner_offers", "program_offers"]}),
            (
                _("Steps and the participants wanted"),
                {
                    "fields": [
                        "steps",
                        "criteria_tracks",
                        "criteria_sectors",
                        "criteria_classes",
                        "criteria_kecamatan",
                        "criteria_steps_done",
                        *(["match"] if obj is not None else []),
                    ]
                },
            ),
        ]
        if obj is None:
            return terms
        return [*terms, (_("Signing and dates"), {"fields": [*SIGNING, "expiry_reminded_on", "created_at"]})]

    def get_readonly_fields(self, request: HttpRequest, obj: Agreement | None = None) -> Any:
        if obj is None:
            return []
        readonly = ["organisation", "match", *SIGNING, "expiry_reminded_on", "created_at"]
        if not permissions.can_change_terms(obj):
            readonly += TERMS  # an expired or ended agreement keeps its terms; records may still be kept
        return readonly

    @admin.display(description=_("state today"))
    def state_today(self, obj: Agreement) -> str:
        return str(AgreementState(obj.state(timezone.localdate())).label)

    @admin.display(description=_("participants matching"))
    def match(self, obj: Agreement) -> str:
        found = selectors.counted_match(obj)
        if found is None:
            return gettext("Being counted: the figure appears within minutes of saving, and is counted every night.")
        matching = ngettext(
            "%(count)d participant matches the criteria",
            "%(count)d participants match the criteria",
            found.matching,
        ) % {"count": found.matching}
        consented = ngettext("%(count)d of them consented.", "%(count)d of them consented.", found.consented) % {
            "count": found.consented
        }
        when = formats.date_format(timezone.localtime(found.counted_at), "j M Y H:i")
        counted = gettext("Counted on %(when)s.") % {"when": when}
        return f"{matching}; {consented} {counted}"

    # saving, through the services

    def save_model(self, request: HttpRequest, obj: Agreement, form: ModelForm[Agreement], change: bool) -> None:
        acting_user = request_user(request)
        if change:
            if not permissions.can_change_terms(obj):
                return  # its terms were shown read-only: only its records (the inlines) may have changed
            saved = services.agreement_update(
                agreement=obj, data=agreement_data(form.cleaned_data), acting_user=acting_user
            )
        else:
            saved = services.agreement_create(
                organisation=form.cleaned_data["organisation"],
                data=agreement_data(form.cleaned_data),
                acting_user=acting_user,
            )
        copy_saved(saved, obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The kecamatan wanted were set by the service: only the inlines are saved here."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        acting_user, agreement = request_user(request), form.instance
        formset.save(commit=False)
        if formset.model is AgreementMeeting:
            for meeting in formset.deleted_objects:
                services.meeting_remove(meeting=meeting, acting_user=acting_user)
            for meeting in formset.new_objects:
                copy_saved(
                    services.meeting_add(
                        agreement=agreement, held_on=meeting.held_on, notes=meeting.notes, acting_user=acting_user
                    ),
                    meeting,
                )
            for meeting, _fields in formset.changed_objects:
                services.meeting_update(
                    meeting=meeting, held_on=meeting.held_on, notes=meeting.notes, acting_user=acting_user
                )
            return
        for document in formset.deleted_objects:
            services.agreement_document_remove(document=document, acting_user=acting_user)
        uploads = {id(f.instance): f.cleaned_data for f in formset.forms if getattr(f, "cleaned_data", None)}
        for document in formset.new_objects:
            data = uploads[id(document)]
            copy_saved(
                services.agreement_document_attach(
                    agreement=agreement, title=data["title"], upload=data["file"], acting_user=acting_user
                ),
                document,
            )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # an agreement is ended, never deleted: keys and consents refer to it

    # signing, ending early, documents: small pages of their own

    def get_urls(self) -> list[URLPattern]:
        own = [
            path("<path:object_id>/sign/", self.admin_site.admin_view(self.sign_view), name="partners_agreement_sign"),
            path("<path:object_id>/end/", self.admin_site.admin_view(self.end_view), name="partners_agreement_end"),
            path(
                "document/<uuid:public_id>/",
                self.admin_site.admin_view(self.document_view),
                name="partners_agreement_document",
            ),
        ]
        return [*own, *super().get_urls()]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if obj is not None:
            context["sign_url"] = (
                reverse("admin:partners_agreement_sign", args=[obj.pk]) if permissions.can_sign(obj) else ""
            )
            context["end_url"] = (
                reverse("admin:partners_agreement_end", args=[obj.pk]) if permissions.can_end(obj) else ""
            )
        return super().change_view(request, object_id, form_url, context)

    def _agreement_or_404(self, request: HttpRequest, object_id: str) -> Agreement:
        if not self.has_change_permission(request):
            raise PermissionDenied
        obj: Agreement | None = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        return obj

    def _step_page(
        self,
        request: HttpRequest,
        agreement: Agreement,
        *,
        form: forms.Form,
        title: str,
        intro: str,
        submit: str,
        status: int = 200,
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": agreement,
            "title": title,
            "intro": intro,
            "submit": submit,
            "form": form,
            "cancel_url": reverse("admin:partners_agreement_change", args=[agreement.pk]),
        }
        return TemplateResponse(request, "admin/step_form.html", context, status=status)

    def _refuse(self, request: HttpRequest, agreement: Agreement, exc: ValidationError) -> HttpResponseRedirect:
        self.message_user(request, error_text(exc), messages.ERROR)
        return redirect("admin:partners_agreement_change", agreement.pk)

    def _run_step(
        self,
        request: HttpRequest,
        agreement: Agreement,
        form: forms.Form,
        call: Callable[[dict[str, Any]], Agreement],
        done: str,
    ) -> HttpResponse | None:
        """Bind the step's form and call its service; None when the page is to be shown again."""
        if request.method != "POST" or not form.is_valid():
            return None
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                add_service_errors(form, exc)
                return None
            return self._refuse(request, agreement, exc)
        self.message_user(request, done, messages.SUCCESS)
        return redirect("admin:partners_agreement_change", agreement.pk)

    def sign_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Record the signing: number and dates, through agreement_sign."""
        agreement = self._agreement_or_404(request, object_id)
        refusal = permissions.can_sign(agreement)
        if not refusal:
            return self._refuse(request, agreement, ValidationError(refusal.reason))
        form = SigningForm(request.POST or None)
        acting_user = request_user(request)

        def sign(data: dict[str, Any]) -> Agreement:
            return services.agreement_sign(agreement=agreement, signing=SigningData(**data), acting_user=acting_user)

        done = self._run_step(
            request, agreement, form, sign, gettext("The agreement is signed: it grants from its start date.")
        )
        return done or self._step_page(
            request,
            agreement,
            form=form,
            title=gettext("Sign %(agreement)s") % {"agreement": agreement.title},
            intro=gettext(
                "Give the number and the dates written on the signed agreement. It grants from its start to its "
                "end date; its partner's users and staff are reminded 30 days before it ends."
            ),
            submit=gettext("Record the signing"),
            status=400 if form.is_bound else 200,
        )

    def end_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """End a signed agreement early: the day and the reason, through agreement_end."""
        agreement = self._agreement_or_404(request, object_id)
        refusal = permissions.can_end(agreement)
        if not refusal:
            return self._refuse(request, agreement, ValidationError(refusal.reason))
        form = EndingForm(request.POST or None, initial={"ended_on": timezone.localdate()})
        acting_user = request_user(request)

        def end(data: dict[str, Any]) -> Agreement:
            return services.agreement_end(
                agreement=agreement, on=data["ended_on"], reason=data["end_reason"], acting_user=acting_user
            )

        done = self._run_step(
            request, agreement, form, end, gettext("The agreement is ended: from that day it grants nothing.")
        )
        return done or self._step_page(
            request,
            agreement,
            form=form,
            title=gettext("End %(agreement)s early") % {"agreement": agreement.title},
            intro=gettext(
                "From the day you give, no key of the partner sees any participant under this agreement. This "
                "cannot be undone: a new agreement is signed instead."
            ),
            submit=gettext("End the agreement"),
            status=400 if form.is_bound else 200,
        )

    def document_view(self, request: HttpRequest, public_id: str) -> FileResponse:
        """Serve an agreement's PDF to staff; the opening is recorded in the document's history."""
        document = get_object_or_404(AgreementDocument.objects.select_related("agreement"), public_id=public_id)
        user = request_user(request)
        if not self.has_view_permission(request) or not permissions.can_see_agreement_document(user, document):
            raise Http404
        audit.record_view(document, user=user)
        return private_file_response(
            document.file.open("rb"),
            content_type="application/pdf",
            filename=f"{slugify(document.title) or 'agreement'}.pdf",
        )


# --- consent texts and the records of consents, keys, links and reads ---------------------------------------------


class ConsentTextForm(forms.ModelForm[ConsentText]):
    class Meta:
        model = ConsentText
        fields = ["purpose", "text_id", "text_en"]


@admin.register(ConsentText)
class ConsentTextAdmin(ProgramAdmin):
    """A consent text is never edited: a change is a new version (consents keep the version they were given on).
    "Add" publishes the next version of a purpose; opening a version offers to start a new one from it."""

    form = ConsentTextForm
    change_form_template = "admin/partners/consenttext/change_form.html"
    list_display = ["purpose", "version", "published_at"]
    list_filter = ["purpose"]
    ordering = ["purpose", "-version"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """A new version starts from the one it replaces (?from=<id>)."""
        wanted = request.GET.get("from", "")
        source = ConsentText.objects.filter(pk=int(wanted)).first() if wanted.isdigit() else None
        if source is None:
            return super().get_changeform_initial_data(request)
        return {"purpose": source.purpose, "text_id": source.text_id, "text_en": source.text_en}

    def save_model(self, request: HttpRequest, obj: ConsentText, form: ModelForm[ConsentText], change: bool) -> None:
        data = form.cleaned_data
        saved = services.consent_text_publish(
            purpose=data["purpose"],
            text_id=data["text_id"],
            text_en=data["text_en"],
            acting_user=request_user(request),
        )
        copy_saved(saved, obj)

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None) -> Any:
        context = {**(extra_context or {}), "title": gettext("Publish a new version of a consent text")}
        return super().add_view(request, form_url, context)


@admin.register(Consent)
class ConsentAdmin(RecordAdmin):
    ordering = NEWEST_FIRST
    list_display = ["participant", "organisation", "purpose", "text", "granted_at", "granted_channel", "withdrawn_at"]
    list_filter = ["purpose", "granted_channel", "organisation"]
    list_select_related = ["participant", "organisation", "text"]
    search_fields = ["^organisation__name", "=participant__id"]
    raw_id_fields = ["participant"]


@admin.register(AccessLog)
class AccessLogAdmin(RecordAdmin):
    ordering = NEWEST_FIRST
    list_display = ["at", "organisation", "key", "participant", "endpoint"]
    list_filter = ["organisation"]
    list_select_related = ["organisation", "key", "participant"]
    search_fields = ["=key__prefix", "=participant__id"]
    raw_id_fields = ["participant", "key"]


@admin.register(JakiLink)
class JakiLinkAdmin(RecordAdmin):
    list_display = ["participant", "account", "linked_at"]
    list_select_related = ["participant"]
    search_fields = ["=account"]
    raw_id_fields = ["participant"]


@admin.register(PartnerKey)
class PartnerKeyAdmin(RecordAdmin):
    """Keys are issued on the staff page (the secret is shown there once); here they are listed and revoked."""

    list_display = [
        "name",
        "prefix",
        "organisation",
        "agreement",
        "kind",
        "expiry_date",
        "revoked",
        "last_used_at",
    ]
    list_filter = ["kind", "revoked", "organisation"]
    list_select_related = ["organisation", "agreement"]
    search_fields = ["=prefix", "name", "^organisation__name"]
    fields = [
        "name",
        "prefix",
        "organisation",
        "agreement",
        "kind",
        "expiry_date",
        "revoked",
        "revoked_at",
        "replaced_by",
        "issued_by",
        "created",
        "last_used_at",
    ]
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[PartnerKey]) -> None:
        acting_user: User = request_user(request)
        revoked = 0
        for key in queryset:
            try:
                services.key_revoke(key=key, acting_user=acting_user)
            except ValidationError as exc:
                self.message_user(request, f"{key}: {error_text(exc)}", messages.ERROR)
            else:
                revoked += 1
        if revoked:
            self.message_user(
                request,
                ngettext("%(count)d key revoked.", "%(count)d keys revoked.", revoked) % {"count": revoked},
                messages.SUCCESS,
            )


# djangorestframework-api-key registers an admin of its own model, which this portal does not use (its keys are
# `PartnerKey`, issued on the staff page that shows the secret once): its add form would show a secret in a message.
admin.site.unregister(APIKey)
