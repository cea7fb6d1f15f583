"""A business's monthly indicators over the API: only for a key whose partner the participant consented to for a
purpose with reports (bookkeeping, loan assessment) that its agreement in force covers; newest month first,
cursor-paginated, each page logged as one read."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from finance.models import MonthlyRecord
from finance.tests.factories import MonthlyRecordFactory
from partners import services
from partners.choices import OrganisationKind, Purpose, Step
from partners.models import AccessLog, Agreement, Consent, PartnerOrganisation
from partners.tests.api_support import Partner, consented_participant, make_partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(agency_staff) -> Partner:
    return make_partner(agency_staff, steps=[Step.P6, Step.P7], name="Bank DKI", kind=OrganisationKind.BANK)


def url(participant) -> str:
    return f"/api/v1/businesses/{participant.business.pk}/indicators/"


def test_the_records_newest_month_first_with_their_fields(bank):
    siti = consented_participant(bank, Purpose.BOOKKEEPING)
    for month in (datetime.date(2026, 1, 1), datetime.date(2026, 3, 1), datetime.date(2026, 2, 1)):
        MonthlyRecordFactory(participant=siti, month=month, turnover=4_500_000)
    response = bank.client.get(url(siti))
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert [r["month"] for r in rows] == ["2026-03-01", "2026-02-01", "2026-01-01"]
    assert rows[0] == {
        "month": "2026-03-01",
        "turnover": 4_500_000,
        "workers": 2,
        "assets": 5_000_000,
        "source": "mentor",
    }
    assert list(AccessLog.objects.values_list("participant_id", "endpoint")) == [(siti.pk, url(siti))]


def test_loan_assessment_alone_shows_no_reports_here(bank):
    """The lender reads the reports a loan referral names through the referral (capital/api.py), not here."""
    budi = consented_participant(bank, Purpose.LOAN_ASSESSMENT)
    MonthlyRecordFactory(participant=budi)
    assert bank.client.get(url(budi)).status_code == 404


def test_an_empty_history_is_still_a_logged_read(bank):
    siti = consented_participant(bank, Purpose.BOOKKEEPING)
    assert bank.client.get(url(siti)).json()["results"] == []
    assert AccessLog.objects.filter(participant=siti).count() == 1


def test_a_purpose_without_reports_is_404(agency_staff):
    mentor = make_partner(agency_staff, steps=[Step.P2, Step.P3], name="Komunitas UMKM")
    siti = consented_participant(mentor, Purpose.MENTORING, Purpose.TRAINING)
    MonthlyRecordFactory(participant=siti)
    assert mentor.client.get(f"/api/v1/businesses/{siti.business.pk}/").status_code == 200  # the business: yes
    assert mentor.client.get(url(siti)).status_code == 404  # its figures: no
    assert AccessLog.objects.filter(endpoint=url(siti)).count() == 0


def test_no_consent_withdrawn_expired_ended_another_partner_or_inactive_is_404_or_401(bank, agency_staff):
    siti = consented_participant(bank, Purpose.BOOKKEEPING)
    MonthlyRecordFactory(participant=siti)
    stranger = consented_participant(
        make_partner(agency_staff, steps=[Step.P6], name="Fintech Lain"), Purpose.BOOKKEEPING
    )
    assert bank.client.get(url(stranger)).status_code == 404  # consented to another partner only
    assert bank.client.get("/api/v1/businesses/999999/indicators/").status_code == 404
    assert bank.client.get(url(siti)).status_code == 200
    Agreement.objects.filter(pk=bank.agreement.pk).update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    assert bank.client.get(url(siti)).status_code == 404
    Agreement.objects.filter(pk=bank.agreement.pk).update(ends_on=timezone.localdate() + datetime.timedelta(days=30))
    services.agreement_end(
        agreement=bank.agreement, on=timezone.localdate(), reason="Selesai", acting_user=agency_staff
    )
    assert bank.client.get(url(siti)).status_code == 404
    Agreement.objects.filter(pk=bank.agreement.pk).update(ended_on=None)
    assert bank.client.get(url(siti)).status_code == 200
    services.consent_withdraw(consent=Consent.objects.get(participant=siti), channel="web", acting_user=siti.user)
    assert bank.client.get(url(siti)).status_code == 404
    PartnerOrganisation.objects.filter(pk=bank.organisation.pk).update(active=False)
    assert bank.client.get(url(siti)).status_code == 401


def test_pages_follow_the_cursor_without_gaps_or_repeats(bank):
    siti = consented_participant(bank, Purpose.BOOKKEEPING)
    made = MonthlyRecordFactory.create_batch(7, participant=siti)
    months: list[str] = []
    next_url: str | None = url(siti) + "?page_size=3"
    while next_url:
        body = bank.client.get(next_url).json()
        months += [r["month"] for r in body["results"]]
        next_url = body["next"]
    assert months == [r.month.isoformat() for r in sorted(made, key=lambda r: r.month, reverse=True)]


def test_an_unchanged_page_is_304_on_if_none_match(bank):
    siti = consented_participant(bank, Purpose.BOOKKEEPING)
    MonthlyRecordFactory(participant=siti)
    first = bank.client.get(url(siti))
    assert first["ETag"]
    assert bank.client.get(url(siti), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    MonthlyRecordFactory(participant=siti)
    assert bank.client.get(url(siti), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_sixty_records_cost_a_pinned_number_of_queries_and_one_log_insert(bank, django_assert_max_num_queries):
    siti = consented_participant(bank, Purpose.BOOKKEEPING)
    MonthlyRecordFactory.create_batch(60, participant=siti)
    with django_assert_max_num_queries(5), CaptureQueriesContext(connection) as queries:
        response = bank.client.get(url(siti))
    assert len(response.json()["results"]) == 50 and response.json()["next"]
    assert sum('INSERT INTO "partners_accesslog"' in q["sql"] for q in queries) == 1
    assert MonthlyRecord.objects.count() == 60
