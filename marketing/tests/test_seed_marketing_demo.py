"""The marketing demo: after seed_demo and seed_mentoring_demo, a few dozen businesses with listings, products,
photos and stores, two calls and submissions in every status with A/B/C grades; the demo participant's own
products; idempotent and DEBUG only."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from marketing.choices import SubmissionStatus
from marketing.models import CriterionComment, Listing, OnlineStore, Product, ProductCall, ProductPhoto, Submission
from marketing.permissions import may_curate

pytestmark = pytest.mark.django_db

SITI = "peserta@demo.jakpreneur.id"


def test_the_marketing_demo_has_every_status_grade_and_the_demo_participants_products(settings: Any) -> None:
    settings.DEBUG = True
    with pytest.raises(CommandError):
        call_command("seed_marketing_demo", stdout=StringIO())  # seed_demo first
    call_command("seed_demo", participants=120, stdout=StringIO())
    call_command("seed_mentoring_demo", stdout=StringIO())
    call_command("seed_marketing_demo", stdout=StringIO())

    assert Listing.objects.count() >= 24 and Listing.objects.filter(published=False).exists()
    assert ProductPhoto.objects.count() >= Product.objects.count() >= 24
    assert set(Submission.objects.values_list("status", flat=True)) == set(SubmissionStatus.values)
    assert set(Product.objects.exclude(grade="").values_list("grade", flat=True)) == {"A", "B", "C"}
    graded = Submission.objects.filter(status=SubmissionStatus.GRADED)
    assert CriterionComment.objects.count() == graded.count() * 5
    assert OnlineStore.objects.filter(checked_at__isnull=False).exists()
    assert OnlineStore.objects.filter(checked_at__isnull=True).exists()
    today = timezone.localdate()
    calls = ProductCall.objects.all()
    assert sorted(call.is_open_on(today) for call in calls) == [False, True]
    assert all(may_curate(curator) for call in calls for curator in call.curators.all())
    assert {c.email for call in calls for c in call.curators.all()} >= {"dinas@demo.jakpreneur.id"}

    listing = Listing.objects.get(business__participant__user__email=SITI)
    assert listing.published and listing.public_name == "Dapur Siti"
    siti = Submission.objects.filter(product__business__participant__user__email=SITI)
    assert {(s.status, s.grade) for s in siti} == {("graded", "A"), ("submitted", "")}
    assert OnlineStore.objects.filter(business=listing.business, checked_at__isnull=False).exists()

    before = (Product.objects.count(), Submission.objects.count(), ProductPhoto.objects.count())
    call_command("seed_marketing_demo", stdout=StringIO())  # a second run changes nothing
    assert (Product.objects.count(), Submission.objects.count(), ProductPhoto.objects.count()) == before


def test_the_marketing_demo_needs_debug(settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_marketing_demo", stdout=StringIO())
