"""The JAKI city app's endpoints: it registers new participants (under the wizard's rules, through the same
services), links a participant's JAKI account with the code they read on "Data saya", reads the P1-P7 journey of
a linked participant who consented to it, and unlinks. Only the JAKI app's key opens them (a partner key gets 403:
a partner does not register people); a participant the key may not see is 404.

Field errors are flat, keyed by the path of the field in the request body: `person.nik`, `business.assets`,
`documents.ktp` (a document's check, by its kind), `documents.0.content_base64` (the entry's own shape),
`jaki_account`, `consent_text_version`. A NIK registered already is 409 with code `already_registered`: the person
exists, nothing about the request needs fixing."""

import base64
import binascii
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import routers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from core.api import NON_FIELD, error_body, error_responses
from core.decisions import Refused
from geography.models import Kecamatan, Kelurahan
from registration import probes
from registration.choices import DocumentKind, NonJakartaBasis, Sector, Sex, Track
from registration.documents import ALLOWED_TYPES
from registration.journey import State, journey
from registration.services import AlreadyRegistered
from registration.values import BusinessData, PersonData

from . import scope, services
from .api_access import IsJakiKey, key_of
from .choices import Purpose
from .models import Consent, JakiLink

TAGS = ["jaki"]
BUSINESS_FIELDS = set(BusinessData.__dataclass_fields__) - {"address", "kecamatan"}
# a service's field name -> its path in the request body (person and business both have an address and kecamatan:
# the services check only the person's)
SERVICE_FIELDS = {"account": "jaki_account", "consent_text_version": "consent_text_version", "__all__": NON_FIELD}


def _request_path(field: str) -> str:
    if field in SERVICE_FIELDS:
        return SERVICE_FIELDS[field]
    if field in BUSINESS_FIELDS:
        return f"business.{field}"
    if field in DocumentKind.values:
        return f"documents.{field}"
    return f"person.{field}"


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[ErrorDetail]]:
    """DRF's nested errors ({"person": {"nik": [...]}}, {"documents": [{}, {...}]}) keyed by their path."""
    if isinstance(detail, dict):
        flat: dict[str, list[ErrorDetail]] = {}
        for key, value in detail.items():
            flat.update(_flatten(value, f"{prefix}{key}."))
        return flat
    if isinstance(detail, list) and detail and all(isinstance(item, dict) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            flat.update(_flatten(item, f"{prefix}{index}."))
        return flat
    items = detail if isinstance(detail, list) else [detail]
    return {prefix.rstrip(".") or NON_FIELD: [item for item in items if isinstance(item, ErrorDetail)]}


def _service_errors(exc: DjangoValidationError, path: Callable[[str], str] = _request_path) -> DRFValidationError:
    """A service's field errors as the request's field errors (same messages and codes), each under `path` of the
    service's field name."""
    items = exc.error_dict.items() if hasattr(exc, "error_dict") else [("__all__", exc.error_list)]
    errors: dict[str, list[ErrorDetail]] = {}
    for field, found in items:
        for error in found:
            message = error.message % error.params if error.params else error.message
            errors.setdefault(path(field), []).append(ErrorDetail(str(message), error.code or "invalid"))
    return DRFValidationError(errors)


def _valid(serializer: serializers.Serializer[Any]) -> dict[str, Any]:
    if not serializer.is_valid():
        raise DRFValidationError(_flatten(serializer.errors))
    return dict(serializer.validated_data)


# --- registration ---------------------------------------------------------------------------------------------


class JakiPersonSerializer(serializers.Serializer[Any]):
    full_name = serializers.CharField(max_length=150, help_text="As on the KTP.")
    nik = serializers.CharField(max_length=20, help_text="The 16 digits on the KTP (spaces allowed).")
    birth_date = serializers.DateField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    phone = serializers.CharField(
        max_length=20, allow_blank=True, default="", help_text="Indonesian mobile number (08… or +628…)."
    )
    email = serializers.EmailField(allow_blank=True, default="")
    address = serializers.CharField(max_length=255, help_text="Domicile address.")
    kecamatan = serializers.SlugRelatedField(
        slug_field="code", queryset=Kecamatan.objects.all(), help_text="Kemendagri code, e.g. 31.74.01."
    )
    kelurahan = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Kelurahan.objects.all(),
        allow_null=True,
        default=None,
        help_text="Kemendagri code of a kelurahan of that kecamatan, e.g. 31.74.01.1001.",
    )
    track = serializers.ChoiceField(choices=Track.choices)
    jakarta_ktp = serializers.BooleanField(help_text="Whether the KTP is a DKI Jakarta one.")
    non_jakarta_basis = serializers.ChoiceField(
        choices=NonJakartaBasis.choices,
        allow_blank=True,
        default="",
        help_text="Without a Jakarta KTP: on what basis.",
    )
    domicile_since = serializers.DateField(
        allow_null=True, default=None, help_text="Without a Jakarta KTP, as in the lurah letter."
    )
    partner_activity = serializers.CharField(max_length=200, allow_blank=True, default="")

    @staticmethod
    def values(data: dict[str, Any]) -> PersonData:
        return PersonData(**data)


class JakiBusinessSerializer(serializers.Serializer[Any]):
    """A running business (track naik_kelas) gives its figures; a planned one (pemula) its planned start and
    capital. The figures of the other track are ignored."""

    name = serializers.CharField(max_length=150)
    sector = serializers.ChoiceField(choices=Sector.choices)
    address = serializers.CharField(max_length=255)
    kecamatan = serializers.SlugRelatedField(
        slug_field="code", queryset=Kecamatan.objects.all(), help_text="Kemendagri code, e.g. 31.74.01."
    )
    started_on = serializers.DateField(allow_null=True, default=None)
    workers = serializers.IntegerField(default=0)
    assets = serializers.IntegerField(default=0, help_text="Rupiah.")
    monthly_turnover = serializers.IntegerField(default=0, help_text="Rupiah.")
    planned_start = serializers.DateField(
        allow_null=True, default=None, help_text="Any day of the planned month: the month is what counts."
    )
    planned_capital = serializers.IntegerField(allow_null=True, default=None, help_text="Rupiah.")

    @staticmethod
    def values(data: dict[str, Any]) -> BusinessData:
        if data["planned_start"] is not None:
            data = {**data, "planned_start": data["planned_start"].replace(day=1)}
        return BusinessData(**data)


def _base64_limit() -> int:
    """The longest base64 text of a file within the wizard's size limit."""
    return 4 * ((settings.DOCUMENT_MAX_BYTES + 2) // 3)


class JakiDocumentSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    filename = serializers.CharField(max_length=200)
    content_type = serializers.ChoiceField(
        choices=sorted(ALLOWED_TYPES), help_text="Checked against the content, which decides."
    )
    content_base64 = serializers.CharField(
        help_text="The file, base64 (standard alphabet); at most the wizard's limit (5 MB) once decoded."
    )

    def validate_content_base64(self, value: str) -> bytes:
        if len(value) > _base64_limit():
            raise serializers.ValidationError(
                _("The file is %(size)s; the most we take is %(limit)s.")
                % {
                    "size": filesizeformat(len(value) * 3 // 4),
                    "limit": filesizeformat(settings.DOCUMENT_MAX_BYTES),
                },
                code="too_large",
            )
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise serializers.ValidationError(_("This is not base64 text."), code="not_base64") from exc


class JakiRegistrationSerializer(serializers.Serializer[Any]):
    person = JakiPersonSerializer()
    business = JakiBusinessSerializer()
    documents = JakiDocumentSerializer(
        many=True,
        help_text="One per kind. Which kinds are required follows the answers (track, KTP); others are not kept.",
    )
    jaki_account = serializers.CharField(max_length=64, help_text="The person's JAKI account id, linked at once.")
    consent_text_version = serializers.IntegerField(
        min_value=1, help_text="The version of the app_journey consent text the person agreed to in the app."
    )

    def validate_documents(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        kinds = [document["kind"] for document in value]
        if len(kinds) != len(set(kinds)):
            raise serializers.ValidationError(_("Send each kind of document once."), code="duplicate")
        return value


class JakiRegisteredSerializer(serializers.Serializer[Any]):
    reference = serializers.CharField(help_text="The registration's reference, e.g. JP-7KQ2M9XA.")
    status = serializers.CharField(help_text="submitted: waiting for verification by the kecamatan secretariat.")
    participant = serializers.IntegerField(help_text="The participant's id.")


@extend_schema(tags=TAGS)
class RegistrationViewSet(viewsets.ViewSet):
    permission_classes = [IsJakiKey]

    @extend_schema(
        summary="Register a new participant from the JAKI app",
        description=(
            "Registers the person under the rules of the portal's own registration, with their consent to show "
            "their journey in JAKI (the app_journey text version they read) and their JAKI account linked. They "
            "get an account without a password and a link to set one, by SMS (or email). All or nothing: on a "
            "400 nothing is saved; its `errors` are keyed by the path of the field in this body (`person.nik`, "
            "`business.assets`, `documents.ktp` for a document's check by its kind, `documents.0.content_base64` "
            "for an entry's shape, `jaki_account`, `consent_text_version`). 409 with code already_registered: "
            "the NIK is registered already; with code purpose_not_covered: the JAKI agreement is not in force."
        ),
        request=JakiRegistrationSerializer,
        responses={201: JakiRegisteredSerializer, **error_responses(400, 409)},
    )
    def create(self, request: Request) -> Response:
        data = _valid(JakiRegistrationSerializer(data=request.data))
        person = JakiPersonSerializer.values(data["person"])
        business = JakiBusinessSerializer.values(data["business"])
        uploads: dict[str, tuple[UploadedFile[Any], str]] = {
            document["kind"]: (
                SimpleUploadedFile(document["filename"], document["content_base64"], document["content_type"]),
                document["content_type"],
            )
            for document in data["documents"]
        }
        user = request.user
        assert isinstance(user, User)
        # the "already registered" answer tells the app a NIK is in the program: counted and recorded as the
        # wizard's are (registration.probes), with the app's own daily limit
        probes.can_check_nik(user, None).enforce()
        try:
            registration = services.jaki_register(
                person=person,
                business=business,
                uploads=uploads,
                account=data["jaki_account"],
                consent_text_version=data["consent_text_version"],
                acting_user=user,
            )
        except Refused:  # a predicate's refusal (a ValidationError too): 409 with its code, by the handler
            raise
        except AlreadyRegistered as exc:
            probes.nik_probe_record(nik=person.nik, address=None, acting_user=user)
            return Response(error_body("already_registered", str(exc.messages[0])), status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as exc:
            raise _service_errors(exc) from exc
        body = {
            "reference": registration.reference,
            "status": registration.status,
            "participant": registration.participant_id,
        }
        return Response(JakiRegisteredSerializer(body).data, status=status.HTTP_201_CREATED)


# --- links ------------------------------------------------------------------------------------------------------


class JakiLinkSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=20, help_text='The code the person read on "Data saya" (8 characters).')
    account = serializers.CharField(max_length=64, help_text="The person's JAKI account id.")


class JakiLinkedSerializer(serializers.Serializer[Any]):
    participant = serializers.IntegerField(help_text="The participant's id.")


@extend_schema(tags=TAGS)
class LinkViewSet(viewsets.ViewSet):
    permission_classes = [IsJakiKey]

    @extend_schema(
        summary="Link a JAKI account with the code the person read on the portal",
        description=(
            "The code works once, for 15 minutes. 400 with code invalid_code on `code`: unknown, expired or used; "
            "already_linked on `account`: the account is linked to another participant. Nothing changes then."
        ),
        request=JakiLinkSerializer,
        responses={201: JakiLinkedSerializer, **error_responses(400)},
    )
    def create(self, request: Request) -> Response:
        data = _valid(JakiLinkSerializer(data=request.data))
        user = request.user
        assert isinstance(user, User)
        try:
            link = services.jaki_link(code=data["code"], account=data["account"], acting_user=user)
        except Refused:  # as above
            raise
        except DjangoValidationError as exc:
            raise _service_errors(exc, path=lambda field: NON_FIELD if field == "__all__" else field) from exc
        scope.record_reads(key_of(request), [link.participant_id], request.path)  # the answer names the participant
        return Response(
            JakiLinkedSerializer({"participant": link.participant_id}).data, status=status.HTTP_201_CREATED
        )


# --- a linked account: the journey, unlinking -----------------------------------------------------------------


class JakiJourneyStepSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="P1 to P7.")
    title = serializers.CharField(help_text="The step's name in the request's language.")
    title_id = serializers.CharField(help_text="The program's own (Indonesian) name of the step.")
    state = serializers.ChoiceField(choices=[(state.value, state.value) for state in State])
    summary = serializers.CharField(help_text="Where the step stands, for the person.")
    next_action = serializers.CharField(help_text="What to do next, or empty.")


class JakiJourneySerializer(serializers.Serializer[Any]):
    participant = serializers.IntegerField()
    steps = JakiJourneyStepSerializer(many=True)


@extend_schema(tags=TAGS)
class AccountViewSet(viewsets.ViewSet):
    """A JAKI account linked to a participant: 404 unless it is linked and the participant's consent to show their
    journey in JAKI is active (and the JAKI agreement in force covers it)."""

    permission_classes = [IsJakiKey]
    lookup_field = "account"
    lookup_value_regex = "[^/]{1,64}"

    def _visible_link(self, account: str) -> JakiLink:
        key = key_of(self.request)
        if Purpose.APP_JOURNEY not in scope.covered_purposes(key):
            raise Http404
        consented = Consent.objects.active().filter(
            participant=OuterRef("participant"), organisation_id=key.organisation_id, purpose=Purpose.APP_JOURNEY
        )
        link = JakiLink.objects.filter(Exists(consented), account=account).select_related("participant__user").first()
        if link is None:
            raise Http404
        return link

    @extend_schema(
        summary="The P1-P7 journey of the participant linked to a JAKI account",
        responses={200: JakiJourneySerializer, **error_responses(404)},
    )
    @action(detail=True, methods=["get"])
    def journey(self, request: Request, account: str) -> Response:
        link = self._visible_link(account)
        participant = link.participant
        steps = [
            {
                "code": step.code,
                "title": str(step.title),
                "title_id": step.title_id,
                "state": step.status.state.value,
                "summary": str(step.status.summary),
                "next_action": str(step.status.next_action),
            }
            for step in journey(participant.user)
        ]
        scope.record_reads(key_of(request), [participant.pk], request.path)
        return Response(JakiJourneySerializer({"participant": participant.pk, "steps": steps}).data)

    @extend_schema(
        summary="The person unlinked their account in the JAKI app",
        description="Their consent to show the journey in JAKI is withdrawn (through the JAKI channel) and the "
        "link ends. 404 when the account is not linked.",
        responses={204: OpenApiResponse(description="Unlinked."), **error_responses(404)},
    )
    def destroy(self, request: Request, account: str) -> Response:
        user = request.user
        assert isinstance(user, User)
        if not services.jaki_unlink(account=account, acting_user=user):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router: routers.SimpleRouter) -> None:
    """The JAKI endpoints join the router here."""
    router.register("jaki/registrations", RegistrationViewSet, basename="jaki-registration")
    router.register("jaki/links", LinkViewSet, basename="jaki-link")
    router.register("jaki/accounts", AccountViewSet, basename="jaki-account")
