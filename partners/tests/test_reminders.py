"""Thirty days before an agreement ends, agency staff and the partner's users are told, once per agreement."""

import datetime

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from core import audit
from notifications.models import Message
from partners import services, tasks
from partners.choices import Step
from partners.models import Agreement, PartnerOrganisation
from partners.tests.factories import PartnerMemberFactory, PartnerOrganisationFactory, agreement_in_force

pytestmark = pytest.mark.django_db

STAFF, PARTNER = "partners_agreement_expiring_staff", "partners_agreement_expiring_partner"


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def partner(partner_user: User) -> PartnerOrganisation:
    organisation = PartnerOrganisationFactory(name="Bank Mitra")
    PartnerMemberFactory(user=partner_user, organisation=organisation)
    return organisation


def test_staff_and_the_partner_s_users_are_reminded_once(
    agency_staff: User, partner_user: User, partner: PartnerOrganisation
) -> None:
    other_staff = UserFactory(role=Role.AGENCY, email="dinas2@example.id")
    UserFactory(role=Role.AGENCY, email="pensiun@example.id", is_active=False)
    gone = PartnerMemberFactory(organisation=partner).user
    User.objects.filter(pk=gone.pk).update(is_active=False)
    PartnerMemberFactory(organisation=PartnerOrganisationFactory())  # another partner's user hears nothing
    agreement = agreement_in_force(partner, steps=[Step.P7], staff=agency_staff, ends_on=in_days(30))

    assert tasks.send_agreement_expiry_reminders() == 1

    staff_messages = Message.objects.filter(template=STAFF)
    partner_messages = Message.objects.filter(template=PARTNER)
    assert {m.recipient_id for m in staff_messages} == {agency_staff.pk, other_staff.pk}
    assert {m.recipient_id for m in partner_messages} == {partner_user.pk}
    context = staff_messages.first().context  # type: ignore[union-attr]
    assert context["partner"] == "Bank Mitra" and context["number"] == agreement.number and context["days"] == 30
    assert context["link"].endswith(f"/admin/partners/agreement/{agreement.pk}/change/")
    agreement.refresh_from_db()
    assert agreement.expiry_reminded_on == timezone.localdate()
    count = Message.objects.count()

    # beat runs again, the same day or the next: nothing is sent twice
    assert tasks.send_agreement_expiry_reminders() == 0
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert services.agreements_remind_expiring(now=tomorrow) == 0
    assert Message.objects.count() == count
    with translation.override("en"):
        reminded = audit.history_of(agreement)[0]
    assert (reminded.kind, reminded.channel) == ("updated", "task")


def test_only_agreements_ending_within_thirty_days_are_reminded(agency_staff: User) -> None:
    later = agreement_in_force(PartnerOrganisationFactory(), steps=[Step.P2], staff=agency_staff, ends_on=in_days(31))
    ended = agreement_in_force(PartnerOrganisationFactory(), steps=[Step.P2], staff=agency_staff, ends_on=in_days(10))
    services.agreement_end(agreement=ended, on=timezone.localdate(), reason="Mitra tutup", acting_user=agency_staff)
    expired = agreement_in_force(PartnerOrganisationFactory(), steps=[Step.P2], staff=agency_staff)
    Agreement.objects.filter(pk=expired.pk).update(ends_on=in_days(-1))
    assert services.agreements_remind_expiring() == 0
    assert not Message.objects.filter(template__in=[STAFF, PARTNER]).exists()
    # the next day the first one is 30 days from its end
    assert services.agreements_remind_expiring(now=timezone.now() + datetime.timedelta(days=1)) == 1
    later.refresh_from_db()
    assert later.expiry_reminded_on is not None


def test_many_agreements_take_a_fixed_number_of_queries_each_batch(
    agency_staff: User, django_assert_max_num_queries: object
) -> None:
    for _index in range(12):
        organisation = PartnerOrganisationFactory()
        PartnerMemberFactory.create_batch(2, organisation=organisation)
        agreement_in_force(organisation, steps=[Step.P2], staff=agency_staff, ends_on=in_days(5))
    # one insert of messages per person told (the outbox's), and a fixed number per batch: the lock, staff,
    # members, the update, the empty batch after it, and the savepoints of both
    with django_assert_max_num_queries(12 * 3 + 9):  # type: ignore[operator]
        assert services.agreements_remind_expiring() == 12
    assert Message.objects.filter(template=PARTNER).count() == 24


@pytest.mark.parametrize("template", [STAFF, PARTNER])
@pytest.mark.parametrize("language", ["en", "id"])
def test_the_messages_render_in_both_languages(template: str, language: str) -> None:
    context = {
        "full_name": "Siti",
        "partner": "Bank Mitra",
        "title": "PKS permodalan",
        "number": "PKS/1/2026",
        "ends_on": "1 Januari 2027",
        "days": 30,
        "link": "https://jakpreneur.example/",
    }
    with translation.override(language):
        body = render_to_string(f"notifications/messages/{template}.body.txt", context)
        subject = render_to_string(f"notifications/messages/{template}.subject.txt", context)
    assert "Bank Mitra" in subject + body and "PKS/1/2026" in body and "30" in body
    assert "nik" not in (subject + body).lower().replace("teknik", "")


def test_the_beat_runs_the_reminder_every_morning() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["partners-agreement-expiry-reminders"]
    assert entry["task"] == "partners.tasks.send_agreement_expiry_reminders"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {30})
