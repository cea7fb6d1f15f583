"""The participant's reports page (finance:reports) and the same page read by their mentor or agency staff
(finance:participant_reports): who may see and act, entering a month, the workers of a month from the books,
closing and reopening, bad input, the charts' data and tables, and the queries with two years of months."""

import datetime
import json
from typing import Any

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from accounts.models import User
from finance import services
from finance.choices import CATEGORY_RULES, Category
from finance.models import Entry, MonthEvent, MonthlyRecord, Source
from finance.tests.factories import EntryFactory, MonthlyRecordFactory, months_ago
from mentoring.tests.factories import verified_participant
from registration.links import participant_links
from registration.models import Participant
from registration.tests.conftest import login
from registration.tests.factories import ParticipantFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

EN = {"django_language": "en"}


@pytest.fixture
def siti(entrepreneur: User) -> Participant:
    return verified_participant("Tebet", user=entrepreneur)


def english(client: Client, user: User) -> Client:
    login(client, user)
    client.cookies.load(EN)
    return client


def add(participant: Participant, day: datetime.date, amount: int, category: str = Category.SALES) -> None:
    services.entry_add(
        participant=participant,
        day=day,
        direction=CATEGORY_RULES[category].direction,
        category=category,
        amount=amount,
        acting_user=participant.user,
    )


def own_url() -> str:
    return reverse("finance:reports")


def their_url(participant: Participant) -> str:
    return reverse("finance:participant_reports", args=[participant.pk])


def entry(**overrides: str) -> dict[str, str]:
    month = months_ago(1)
    return {
        "month": f"{month:%Y-%m}",
        "turnover": "4.500.000",
        "expenses": "1,5 juta",
        "workers": "3",
        "assets": "Rp 12.000.000",
        **overrides,
    }


# --- who sees what --------------------------------------------------------------------------------------------


def test_the_participant_sees_their_months_class_and_charts(client: Client, siti: Participant) -> None:
    add(siti, months_ago(2).replace(day=3), 2_000_000)
    add(siti, months_ago(2).replace(day=4), 500_000, Category.RAW_MATERIALS)
    MonthlyRecordFactory(participant=siti, month=months_ago(4), turnover=1_000_000, assets=4_000_000, workers=3)
    response = english(client, siti.user).get(own_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-month="{months_ago(2):%Y-%m}" data-source="books"' in html
    assert f'data-month="{months_ago(4):%Y-%m}" data-source="mentor"' in html
    assert "not reported" in html  # the third month back has no report
    assert 'id="before-after"' in html and "Micro" in html
    chart = response.context["chart"]
    assert chart["labels"][0] == f"{months_ago(4):%b %Y}"
    assert chart["turnover"] == [1_000_000, None, 2_000_000, None, None]
    assert chart["profit"] == [None, None, 1_500_000, None, None]
    assert chart["cash"] == [0, 0, 1_500_000, 1_500_000, 1_500_000]
    data = html.split('<script id="finance-chart-data" type="application/json">')[1].split("</script>")[0]
    assert json.loads(data) == chart
    assert 'src="/static/vendor/chartjs/chart.umd.min.js"' in html and 'src="/static/js/finance_charts.js"' in html
    # the tables beside the charts carry the same numbers, so the page needs no script
    assert 'id="table-turnover"' in html and 'id="table-cash"' in html and 'aria-label="Chart of' in html
    assert "<script>" not in html


def test_a_participant_not_verified_is_told_when_reports_open(client: Client, entrepreneur: User) -> None:
    RegistrationFactory(participant=ParticipantFactory(user=entrepreneur))
    response = english(client, entrepreneur).get(own_url())
    assert response.status_code == 200
    assert "open once your registration is verified" in response.content.decode()
    assert client.post(own_url(), entry()).status_code == 403
    assert not MonthlyRecord.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("entrepreneur", 200),  # the participant's own page is finance:reports; here: not theirs to open
        ("other_entrepreneur", 404),
        ("mentor_tebet", 200),
        ("mentor_gambir", 404),
        ("secretariat_tebet", 403),
        ("agency_staff", 200),
        ("partner_user", 404),
    ],
)
def test_who_reads_a_participants_reports(
    request: pytest.FixtureRequest, client: Client, siti: Participant, who: str, status: int
) -> None:
    MonthlyRecordFactory(participant=siti, month=months_ago(1))
    user = request.getfixturevalue(who)
    if who == "entrepreneur":
        status = 404  # the participant's own months are on finance:reports
    response = login(client, user).get(their_url(siti))
    assert response.status_code == status
    if status == 200:
        assert f'data-month="{months_ago(1):%Y-%m}"' in response.content.decode()


@pytest.mark.parametrize("who", ["mentor_tebet", "agency_staff", "partner_user"])
def test_only_participants_have_their_own_reports_page(
    request: pytest.FixtureRequest, client: Client, who: str
) -> None:
    assert login(client, request.getfixturevalue(who)).get(own_url()).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client: Client, siti: Participant) -> None:
    login_url = resolve_url(settings.LOGIN_URL)
    for response in (
        client.get(own_url()),
        client.get(their_url(siti)),
        client.post(reverse("finance:report_close"), {"month": f"{months_ago(1):%Y-%m}"}),
    ):
        assert response.status_code == 302 and response["Location"].startswith(login_url)


def test_staff_close_and_reopen_a_participants_month_and_a_mentor_does_not(
    client: Client, siti: Participant, mentor_tebet: User, agency_staff: User
) -> None:
    MonthlyRecordFactory(participant=siti, month=months_ago(1))
    close = reverse("finance:participant_report_close", args=[siti.pk])
    reopen = reverse("finance:participant_report_reopen", args=[siti.pk])
    month = f"{months_ago(1):%Y-%m}"
    response = english(client, mentor_tebet).get(their_url(siti))
    assert "Close the month" not in response.content.decode()
    response = client.post(close, {"month": month})
    assert response.status_code == 400
    assert "Only the participant and agency staff close a month." in response.content.decode()
    assert not MonthEvent.objects.exists()
    english(client, agency_staff)
    assert client.post(close, {"month": month}).status_code == 302
    assert MonthlyRecord.objects.get().closed_by == agency_staff
    assert client.post(reopen, {"month": month, "reason": "Salah hitung"}).status_code == 302
    assert not MonthlyRecord.objects.get().is_closed


def test_a_peer_cannot_close_anothers_month(client: Client, siti: Participant, other_entrepreneur: User) -> None:
    MonthlyRecordFactory(participant=siti, month=months_ago(1))
    verified_participant("Tebet", user=other_entrepreneur)
    login(client, other_entrepreneur)
    url = reverse("finance:participant_report_close", args=[siti.pk])
    assert client.post(url, {"month": f"{months_ago(1):%Y-%m}"}).status_code == 404
    # their own close acts on their own months only: siti's stays open
    assert client.post(reverse("finance:report_close"), {"month": f"{months_ago(1):%Y-%m}"}).status_code == 400
    assert not MonthlyRecord.objects.get().is_closed


# --- entering, closing, reopening --------------------------------------------------------------------------------


def test_the_participant_enters_a_month_directly(client: Client, siti: Participant) -> None:
    response = english(client, siti.user).post(own_url(), entry())
    assert response.status_code == 302
    record = MonthlyRecord.objects.get()
    assert (record.month, record.turnover, record.expenses, record.profit, record.assets, record.workers) == (
        months_ago(1),
        4_500_000,
        1_500_000,
        3_000_000,
        12_000_000,
        3,
    )
    assert record.source == Source.PARTICIPANT
    page = client.get(response["Location"])
    assert f"The report of {months_ago(1):%B %Y} is saved." in page.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"turnover": "banyak"}, "turnover"),
        ({"workers": "-1"}, "workers"),
        ({"month": "2025-13"}, "month"),
        ({"month": f"{datetime.date.today().year + 1}-01"}, "month"),
        ({"assets": ""}, "assets"),
    ],
)
def test_bad_input_is_refused_with_the_form_filled(
    client: Client, siti: Participant, overrides: dict[str, str], field: str
) -> None:
    response = english(client, siti.user).post(own_url(), entry(**overrides))
    assert response.status_code == 400
    form = response.context["entry_form"]
    assert field in form.errors
    assert form.data["expenses"] == "1,5 juta"  # nothing lost
    assert "The report was not saved: see below." in response.content.decode()
    assert not MonthlyRecord.objects.exists()


def test_a_month_with_entries_offers_its_workers_only(client: Client, siti: Participant) -> None:
    month = months_ago(1)
    add(siti, month.replace(day=5), 700_000)
    english(client, siti.user)
    page = client.get(own_url(), {"month": f"{month:%Y-%m}"})
    assert 'id="workers-form"' in page.content.decode() and 'id="entry-form"' not in page.content.decode()
    refused = client.post(own_url(), entry(month=f"{month:%Y-%m}"))
    assert refused.status_code == 400
    assert refused.context["entry_form"].errors["turnover"] == [
        "This month's figures come from the cash book: change its entries there."
    ]
    saved = client.post(reverse("finance:report_workers"), {"month": f"{month:%Y-%m}", "workers": "5"})
    assert saved.status_code == 302
    record = MonthlyRecord.objects.get()
    assert (record.source, record.turnover, record.workers) == (Source.BOOKS, 700_000, 5)
    bad = client.post(reverse("finance:report_workers"), {"month": f"{month:%Y-%m}", "workers": "many"})
    assert bad.status_code == 400 and bad.context["entry_form"].data["workers"] == "many"


def test_closing_then_reopening_a_month_from_the_page(client: Client, siti: Participant) -> None:
    for back in (3, 2):
        MonthlyRecordFactory(participant=siti, month=months_ago(back))
    english(client, siti.user)
    response = client.post(reverse("finance:report_close"), {"month": f"{months_ago(2):%Y-%m}"})
    assert response.status_code == 302
    page = client.get(own_url()).content.decode()
    assert f"{months_ago(2):%B %Y} is closed, with the open month before it." in page
    assert page.count("data-closed") == 2 and "Reopen the month" in page
    missing = client.post(reverse("finance:report_reopen"), {"month": f"{months_ago(3):%Y-%m}", "reason": " "})
    assert missing.status_code == 400
    assert missing.context["reopen_form"].errors["reason"] == ["This field is required."]
    assert missing.context["reopen_form"].data["month"] == f"{months_ago(3):%Y-%m}"
    assert MonthlyRecord.objects.filter(closed_at__isnull=False).count() == 2
    done = client.post(reverse("finance:report_reopen"), {"month": f"{months_ago(3):%Y-%m}", "reason": "Lupa"})
    assert done.status_code == 302
    assert not MonthlyRecord.objects.filter(closed_at__isnull=False).exists()


@pytest.mark.parametrize(
    ("month", "message"),
    [("nope", "Give the month as year and month"), ("current", "A month closes once it is over.")],
)
def test_closing_a_bad_month_says_why(client: Client, siti: Participant, month: str, message: str) -> None:
    MonthlyRecordFactory(participant=siti, month=months_ago(0))
    text = f"{months_ago(0):%Y-%m}" if month == "current" else month
    response = english(client, siti.user).post(reverse("finance:report_close"), {"month": text})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not MonthEvent.objects.exists()


# --- queries -----------------------------------------------------------------------------------------------------


def test_the_pages_queries_do_not_grow_with_two_years_of_months(
    client: Client, siti: Participant, mentor_tebet: User, django_assert_max_num_queries: Any
) -> None:
    for back in range(30):
        month = months_ago(back)
        if back % 2:
            EntryFactory.create_batch(3, participant=siti, day=month.replace(day=4), amount=10_000)
            MonthlyRecordFactory(participant=siti, month=month, source=Source.BOOKS, expenses=0, profit=30_000)
        else:
            MonthlyRecordFactory(participant=siti, month=month)
    services.month_close(participant=siti, month=months_ago(10), acting_user=siti.user)
    login(client, siti.user)
    with django_assert_max_num_queries(7):
        response = client.get(own_url())
    assert len(response.context["months"]) == 24
    login(client, mentor_tebet)
    with django_assert_max_num_queries(7):
        assert client.get(their_url(siti)).status_code == 200


# --- links from the participant's pages ----------------------------------------------------------------------------


def test_those_who_read_the_books_get_links_to_the_books_and_reports(
    siti: Participant, mentor_tebet: User, mentor_gambir: User, agency_staff: User
) -> None:
    books, reports = reverse("finance:participant_books", args=[siti.pk]), their_url(siti)
    for user in (mentor_tebet, agency_staff):
        urls = [url for _label, url in participant_links(user, siti)]
        assert books in urls and reports in urls
    for user in (siti.user, mentor_gambir):
        urls = [url for _label, url in participant_links(user, siti)]
        assert books not in urls and reports not in urls


# --- the admin -----------------------------------------------------------------------------------------------------


def test_the_admin_closes_and_reopens_months_through_the_services(
    client: Client, siti: Participant, agency_staff: User
) -> None:
    older = MonthlyRecordFactory(participant=siti, month=months_ago(3))
    newer = MonthlyRecordFactory(participant=siti, month=months_ago(2))
    english(client, agency_staff)
    url = reverse("admin:finance_monthlyrecord_changelist")
    response = client.post(url, {"action": "close_months", "_selected_action": [older.pk, newer.pk]}, follow=True)
    assert "1 participant&#x27;s months changed." in response.content.decode()
    assert MonthlyRecord.objects.filter(closed_at__isnull=False).count() == 2
    refused = client.post(url, {"action": "reopen_months", "_selected_action": [newer.pk], "reason": ""}, follow=True)
    assert "Say why the month is reopened." in refused.content.decode()
    assert MonthlyRecord.objects.filter(closed_at__isnull=False).count() == 2
    client.post(url, {"action": "reopen_months", "_selected_action": [older.pk, newer.pk], "reason": "Koreksi"})
    assert not MonthlyRecord.objects.filter(closed_at__isnull=False).exists()
    assert set(MonthEvent.objects.filter(action="reopen").values_list("reason", flat=True)) == {"Koreksi"}


def test_the_admin_changes_only_the_workers_of_a_month_from_the_books(
    client: Client, siti: Participant, agency_staff: User
) -> None:
    add(siti, months_ago(1).replace(day=3), 700_000)
    record = MonthlyRecord.objects.get()
    login(client, agency_staff)
    url = reverse("admin:finance_monthlyrecord_change", args=[record.pk])
    response = client.post(url, {"turnover": "1", "expenses": "1", "assets": "1", "workers": "8"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.turnover, record.assets, record.workers, record.source) == (700_000, 700_000, 8, Source.BOOKS)


def test_the_admin_refuses_a_closed_month_on_the_form(client: Client, siti: Participant, agency_staff: User) -> None:
    record = MonthlyRecordFactory(participant=siti, month=months_ago(2))
    services.month_close(participant=siti, month=months_ago(2), acting_user=siti.user)
    english(client, agency_staff)
    url = reverse("admin:finance_monthlyrecord_change", args=[record.pk])
    response = client.post(url, {"turnover": "1", "expenses": "", "assets": "1", "workers": "8"})
    assert response.status_code == 200
    assert "The books are closed up to" in response.content.decode()
    record.refresh_from_db()
    assert record.workers == 2


@pytest.mark.parametrize("model", ["entry", "debt", "monthevent", "classchange", "statement", "importbatch"])
def test_the_books_are_read_only_in_the_admin_and_found_by_reference(
    client: Client, siti: Participant, agency_staff: User, model: str
) -> None:
    add(siti, months_ago(1).replace(day=3), 700_000)
    login(client, agency_staff)
    changelist = reverse(f"admin:finance_{model}_changelist")
    assert client.get(changelist, {"q": siti.registration.reference}).status_code == 200
    assert client.get(reverse(f"admin:finance_{model}_add")).status_code == 403


def test_staff_find_a_participants_entries_by_registration_reference(
    client: Client, siti: Participant, other_entrepreneur: User, agency_staff: User
) -> None:
    peer = verified_participant("Tebet", user=other_entrepreneur)
    add(siti, months_ago(1).replace(day=3), 700_000)
    add(peer, months_ago(1).replace(day=3), 100_000)
    login(client, agency_staff)
    response = client.get(reverse("admin:finance_entry_changelist"), {"q": siti.registration.reference})
    assert [entry.participant_id for entry in response.context["cl"].result_list] == [siti.pk]
    entry_pk = response.context["cl"].result_list[0].pk
    change = reverse("admin:finance_entry_change", args=[entry_pk])
    assert client.get(change).status_code == 200  # to read
    client.post(change, {"amount": "1"})
    assert sorted(Entry.objects.values_list("amount", flat=True)) == [100_000, 700_000]
