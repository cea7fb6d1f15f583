"""Every capital message fits an SMS (a body of at most 320 characters) in each language, even with the longest
values a person can type: a 150-character full name (the participant's and the mentor's), a 150-character product
and lender name, a 500-character reason, the largest amounts and the production address in the links. The names
are shortened in the message only; the pages show them whole."""

from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from capital import services
from capital.choices import ReferralStatus
from capital.messages import MESSAGES
from capital.tests.factories import ProductFactory, ask, lender
from mentoring.tests.factories import AssignmentFactory, MentorFactory, verified_participant
from notifications.models import Channel, Message
from notifications.rendering import render_message
from partners.models import PartnerOrganisation

pytestmark = pytest.mark.django_db

LONGEST_NAME = ("Raden Ajeng Siti Nurhaliza Kusumawardhani Putri " * 4)[:150]
LONGEST_PRODUCT = ("Kredit Usaha Rakyat Mikro untuk Pelaku Usaha Pemula Binaan Kecamatan " * 3)[:150]
LONGEST_LENDER = ("PT Bank Pembangunan Daerah Khusus Ibukota Jakarta Unit Usaha Syariah " * 3)[:150]
LONG_TEXT = "Usaha belum berjalan cukup lama dan laporan keuangan belum lengkap untuk dinilai. " * 10


def test_every_message_fits_an_sms_in_every_language_with_the_longest_values(
    settings: Any, agency_staff: User
) -> None:
    settings.SITE_URL = "https://jakpreneur.jakarta.go.id"  # the production address, longer than the tests'
    bank = lender(staff=agency_staff)
    PartnerOrganisation.objects.filter(pk=bank.pk).update(name=LONGEST_LENDER)
    bank.refresh_from_db()
    product = ProductFactory(lender=bank, name=LONGEST_PRODUCT, amount_max=999_999_999_999)
    participant = verified_participant("Tebet", full_name=LONGEST_NAME)
    AssignmentFactory(participant=participant, mentor=MentorFactory(full_name=LONGEST_NAME[::-1].strip()))

    def move(made: Any, target: str, **extra: Any) -> None:
        services.referral_move(referral=made, to_status=target, acting_user=agency_staff, **extra)

    made = ask(participant, product, amount_requested=999_999_999_999, use_of_funds=LONG_TEXT[:500])
    move(made, ReferralStatus.SENT, note=LONG_TEXT[:500])
    move(made, ReferralStatus.UNDER_REVIEW, lender_reference="R" * 60)
    move(made, ReferralStatus.APPROVED, amount=999_999_999_999)
    move(made, ReferralStatus.DISBURSED, amount=999_999_999_999, day=timezone.localdate())
    refused = ProductFactory(lender=bank, name=LONGEST_PRODUCT[::-1])
    made = ask(participant, refused)
    move(made, ReferralStatus.SENT)
    move(made, ReferralStatus.UNDER_REVIEW)
    move(made, ReferralStatus.REFUSED, note=LONG_TEXT[:500])
    services.referral_withdraw(referral=ask(participant, refused), acting_user=participant.user)

    messages = Message.objects.filter(channel=Channel.EMAIL)
    assert set(messages.values_list("template", flat=True)) == set(MESSAGES)
    for message in messages:
        for language in ("en", "id"):
            message.language = language
            rendered = render_message(message)
            assert len(rendered.body) <= 320, (message.template, language, len(rendered.body), rendered.body)
            assert rendered.subject.startswith("JakPreneur: ")
            assert "/permodalan/rujukan/" in rendered.body
