"""The verification queue at work: counts per tab, search, how long each has waited, the oldest flagged."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from geography.models import Kecamatan
from registration import selectors
from registration.choices import Status
from registration.models import USUAL_WAITING_TIME
from registration.tests.conftest import login
from registration.tests.factories import ParticipantFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def gambir(**kwargs: Any) -> Any:
    participant = ParticipantFactory(kecamatan=Kecamatan.objects.get(name="Gambir"), nik="3173085708900003")
    return RegistrationFactory(participant=participant, **kwargs)


def test_each_tab_shows_its_count_within_the_verifiers_scope(client: Client, secretariat_tebet: User) -> None:
    RegistrationFactory.create_batch(3)
    RegistrationFactory(status=Status.NEEDS_FIX)
    RegistrationFactory.create_batch(2, status=Status.APPROVED)
    gambir()  # another kecamatan: not counted
    login(client, secretariat_tebet)
    tabs = {t["status"]: t["count"].total for t in client.get(reverse("registration:queue")).context["tabs"]}
    assert tabs == {Status.SUBMITTED: 3, Status.NEEDS_FIX: 1, Status.APPROVED: 2, Status.REJECTED: 0}


def test_agency_staff_count_the_whole_program(agency_staff: User) -> None:
    RegistrationFactory()
    gambir()
    counts = selectors.verification_counts(agency_staff, now=timezone.now())
    assert counts[Status.SUBMITTED].total == 2


def test_the_counts_are_a_fixed_number_of_queries(secretariat_tebet: User, django_assert_num_queries: Any) -> None:
    RegistrationFactory.create_batch(5)
    RegistrationFactory.create_batch(5, status=Status.REJECTED, participant__full_name="Sari Dewi")
    with django_assert_num_queries(5):  # a capped count per status, and the ones waiting too long
        unsearched = selectors.verification_counts(secretariat_tebet, now=timezone.now())
    with django_assert_num_queries(1):  # what a search matches, grouped by status at once
        searched = selectors.verification_counts(secretariat_tebet, now=timezone.now(), search="sari")
    assert (unsearched[Status.REJECTED].total, searched[Status.REJECTED].total) == (5, 5)


def test_a_tab_counts_up_to_the_cap_and_says_more_than(
    client: Client, secretariat_tebet: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    RegistrationFactory.create_batch(5, status=Status.APPROVED)
    RegistrationFactory.create_batch(3)
    counts = selectors.verification_counts(secretariat_tebet, now=timezone.now())
    assert (counts[Status.APPROVED].total, counts[Status.APPROVED].capped) == (3, True)
    assert (counts[Status.SUBMITTED].total, counts[Status.SUBMITTED].capped) == (3, False)
    login(client, secretariat_tebet)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("registration:queue")).content.decode()
    assert 'data-count="3" data-capped>more than 3</span>' in page


def test_search_by_the_start_of_a_name_or_an_exact_reference(client: Client, secretariat_tebet: User) -> None:
    siti = RegistrationFactory(participant__full_name="Siti Rahayu")
    budi = RegistrationFactory(participant__full_name="Budi Santoso", status=Status.APPROVED)
    login(client, secretariat_tebet)
    url = reverse("registration:queue")
    assert [r.pk for r in client.get(url, {"q": "sIT"}).context["page"].items] == [siti.pk]
    assert client.get(url, {"q": "rahayu"}).context["page"].items == []  # a prefix, not a substring
    found = client.get(url, {"q": budi.reference.lower(), "status": "approved"})
    assert [r.pk for r in found.context["page"].items] == [budi.pk]
    assert client.get(url, {"q": budi.reference[:-1], "status": "approved"}).context["page"].items == []
    # the counts follow the search, so the tab holding a match shows it
    tabs = {t["status"]: t["count"].total for t in client.get(url, {"q": budi.reference}).context["tabs"]}
    assert tabs[Status.APPROVED] == 1 and tabs[Status.SUBMITTED] == 0


def test_a_nik_is_never_searched_from_the_url(client: Client, secretariat_tebet: User) -> None:
    registration = RegistrationFactory()
    login(client, secretariat_tebet)
    response = client.get(reverse("registration:queue"), {"q": registration.participant.nik})
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["warning"]
    assert response.context["search"] == ""


def test_each_shows_how_long_it_waited_and_the_oldest_are_flagged(client: Client, secretariat_tebet: User) -> None:
    now = timezone.now()
    old = RegistrationFactory(submitted_at=now - USUAL_WAITING_TIME - datetime.timedelta(days=1))
    recent = RegistrationFactory(submitted_at=now - datetime.timedelta(days=3, hours=2))
    login(client, secretariat_tebet)
    response = client.get(reverse("registration:queue"))
    rows = {row.registration.pk: row for row in response.context["rows"]}
    assert rows[recent.pk].waited.startswith("3") and "," not in rows[recent.pk].waited  # "3 days", no hours
    assert rows[recent.pk].waited in response.content.decode()
    assert rows[old.pk].waiting_too_long and not rows[recent.pk].waiting_too_long
    submitted = next(t for t in response.context["tabs"] if t["status"] == Status.SUBMITTED)
    assert submitted["count"].waiting_too_long == 1
    assert response.content.decode().count("data-waiting-too-long") >= 2  # the row and the tab


def test_waiting_too_long_is_a_rule_of_the_registration() -> None:
    now = timezone.now()
    registration = RegistrationFactory.build(submitted_at=now - USUAL_WAITING_TIME - datetime.timedelta(minutes=1))
    assert registration.waiting_too_long(now)
    assert not registration.waiting_too_long(now - datetime.timedelta(minutes=2))
    registration.status = Status.APPROVED  # decided: not waiting any more
    assert not registration.waiting_too_long(now)


def test_queue_with_many_rows_runs_a_fixed_number_of_queries(
    client: Client, agency_staff: User, django_assert_max_num_queries: Any
) -> None:
    RegistrationFactory.create_batch(30)
    RegistrationFactory.create_batch(5, status=Status.NEEDS_FIX)
    login(client, agency_staff)
    # the session, the user, five counts (the tabs' and the overdue), the page of rows, ...
    with django_assert_max_num_queries(10):
        response = client.get(reverse("registration:queue"), {"q": "a"})
    assert response.status_code == 200
    with django_assert_max_num_queries(10):
        assert len(client.get(reverse("registration:queue")).context["rows"]) == 25
