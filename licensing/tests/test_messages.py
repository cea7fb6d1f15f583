"""Every licensing message fits an SMS (a body of at most 320 characters) in each language, even with the longest
values a person can type: a 150-character full name, a 120-character licence type, a 40-character number, long
subjects, notes and reasons, and the production address in the links. The names are shortened in the message
only; the pages show them whole."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from licensing import services
from licensing.choices import RequestStatus
from licensing.messages import MESSAGES
from licensing.models import LicenceType, add_months
from mentoring.tests.factories import AssignmentFactory, MentorFactory, verified_participant
from notifications.models import Channel, Message
from notifications.rendering import render_message

pytestmark = pytest.mark.django_db

LONGEST_NAME = ("Raden Ajeng Siti Nurhaliza Kusumawardhani Putri " * 4)[:150]
LONGEST_TYPE = ("Sertifikat Produksi Pangan Industri Rumah Tangga untuk Usaha Mikro " * 2)[:120]
LONGEST_NUMBER = ("P-IRT 2063174010123-30/" + "9" * 40)[:40]
LONG_TEXT = "Dokumen belum sesuai dengan ketentuan yang berlaku di kantor penerbit izin. " * 20


def test_every_message_fits_an_sms_in_every_language_with_the_longest_values(
    settings: Any, agency_staff: User
) -> None:
    settings.SITE_URL = "https://jakpreneur.jakarta.go.id"  # the production address, longer than the tests'
    kind = LicenceType.objects.create(
        code="panjang", name=LONGEST_TYPE, issuer="Dinas Kesehatan", validity_months=12, reminder_days=90
    )
    participant = verified_participant("Tebet", full_name=LONGEST_NAME)
    mentor = MentorFactory(full_name=LONGEST_NAME[::-1].strip())
    AssignmentFactory(participant=participant, mentor=mentor)
    owner = participant.user

    def ask() -> Any:
        return services.request_create(
            participant=participant, licence_type=kind, subject=LONG_TEXT[:150], note=LONG_TEXT, acting_user=owner
        ).request

    def move(made: Any, target: str, by: User, **extra: str) -> None:
        services.request_move(licence_request=made, target=target, acting_user=by, note=LONG_TEXT, **extra)

    made = ask()  # requested
    move(made, RequestStatus.DOCUMENTS_COMPLETE, mentor)
    move(made, RequestStatus.REQUESTED, mentor)  # documents missing, with the note
    move(made, RequestStatus.DOCUMENTS_COMPLETE, mentor)
    move(made, RequestStatus.SUBMITTED, agency_staff)
    services.request_issue(
        licence_request=made,
        licence=services.LicenceData(number=LONGEST_NUMBER, issued_on=timezone.localdate()),
        acting_user=agency_staff,
    )
    move(ask(), RequestStatus.REFUSED, agency_staff, reason=LONG_TEXT)
    move(ask(), RequestStatus.WITHDRAWN, owner)
    services.licence_record(
        participant=participant,
        licence_type=kind,
        licence=services.LicenceData(
            number=LONGEST_NUMBER[::-1], issued_on=add_months(timezone.localdate(), -12) + datetime.timedelta(days=10)
        ),
        subject=LONG_TEXT[:150],
        acting_user=agency_staff,
    )
    assert services.expiry_reminders_send() == 1  # to the holder and to their mentor

    messages = Message.objects.filter(channel=Channel.EMAIL)
    assert set(messages.values_list("template", flat=True)) == set(MESSAGES)
    for message in messages:
        for language in ("en", "id"):
            message.language = language
            rendered = render_message(message)
            assert len(rendered.body) <= 320, (message.template, language, len(rendered.body), rendered.body)
            assert rendered.subject.startswith("JakPreneur: ")
            assert "nik" not in rendered.body.lower().split()
