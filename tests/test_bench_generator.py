"""The program generator of the benchmarks (bench/generate.py) runs `--small` against the test database, so it
cannot rot as the models change: every stage loads, every foreign key points to a row, the sizes it promises are
there, and the pages the timing script opens answer with the generated rows."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from bench.generate import empty
from bench.program.base import Sizes, check_references
from bench.program.program import generate
from finance.models import Entry
from licensing.models import Licence
from marketing.models import Product
from mentoring.models import FollowUp, MentorAssignment, Visit
from partners.models import AccessLog, PartnerKey
from registration.models import Business, Participant
from training.models import Enrolment

TODAY = datetime.date(2026, 11, 30)


def about(count: int, wanted: int) -> bool:
    """The generator draws its rows by chance from the sizes: within 5% of them."""
    return abs(count - wanted) <= wanted * 0.05


@pytest.mark.django_db
def test_the_generator_loads_small_soundly_repeatably_and_the_pages_open_on_it() -> None:
    sizes = Sizes.small()
    empty()  # as bench/generate.py does (what migrations and fixtures put in goes; the test's rollback brings it back)
    program = generate(sizes, seed=1, today=TODAY, quiet=True)

    assert check_references(program.tables) == []
    assert Participant.objects.count() == Business.objects.count() == sizes.participants
    assert User.objects.filter(role=Role.MENTOR).count() == sizes.mentors
    assert about(Visit.objects.count(), sizes.visits)
    assert about(FollowUp.objects.count(), sizes.follow_ups)
    assert about(Enrolment.objects.count(), sizes.enrolments)
    assert about(Product.objects.count(), sizes.products)
    assert about(AccessLog.objects.count(), sizes.access_logs)
    assert PartnerKey.objects.exists() and Licence.objects.exists()
    books = Entry.objects.order_by().values("participant").distinct().count()
    assert 0.9 * sizes.books <= books <= sizes.books  # a book opened late in the year may have no entry yet
    assert not Visit.objects.filter(date__gt=TODAY).exists()
    pages_open()

    visits = list(Visit.objects.order_by("pk").values_list("participant", "mentor", "date")[:500])
    empty()
    generate(sizes, seed=1, today=TODAY, quiet=True, stages=("people", "partners", "training", "mentoring"))

    assert list(Visit.objects.order_by("pk").values_list("participant", "mentor", "date")[:500]) == visits


def pages_open() -> None:
    mentor = User.objects.get(pk=MentorAssignment.objects.filter(active=True).values("mentor").first()["mentor"])
    participant = Participant.objects.filter(visits__isnull=False).select_related("user").first()
    agency = User.objects.filter(role=Role.AGENCY).first()
    pages = [
        (mentor, reverse("home")),
        (participant.user, reverse("home")),
        (agency, reverse("admin:mentoring_visit_changelist")),
        (agency, reverse("targets:dashboard")),
    ]
    for user, url in pages:
        client = Client()
        client.force_login(user)

        assert client.get(url).status_code == 200, (user.role, url)
