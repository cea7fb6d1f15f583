"""What the program dashboard reads of the forum: the themes by kecamatan and category (shown posts only, in one
query) and the posts behind a theme (the forum's list with the theme's category, kecamatan and year)."""

import datetime
from typing import Any

import pytest
from django.core.cache import caches
from django.utils import timezone

from accounts.models import User
from feedback.choices import Status
from feedback.models import Post
from feedback.selectors import PostFilters, Theme, post_list, themes
from feedback.tests.factories import PostFactory, SupportFactory, hidden_post
from geography.models import Kecamatan
from mentoring.tests.factories import verified_participant
from registration.models import Participant

pytestmark = pytest.mark.django_db


def kec(name: str) -> int:
    return Kecamatan.objects.get(name=name).pk


@pytest.fixture
def forum(siti: Participant, budi: Participant, agency_staff: User) -> dict[str, Any]:
    """Tebet: three licensing posts (two open, one answered), one capital post; Gambir: one licensing post and one
    hidden (with supporters, who count nowhere); and a Tebet licensing post of last year. People: Budi supports
    two of Tebet's licensing posts (counted once), two others support one each."""
    this_year = timezone.localdate().year
    last_year = timezone.make_aware(datetime.datetime(this_year - 1, 12, 31, 23, 0))
    first_of_year = timezone.make_aware(datetime.datetime(this_year, 1, 1, 0, 30))
    people = [verified_participant("Tebet", nik=f"31740157089000{n:02d}").user for n in range(2)]
    posts = {
        "lic_open_1": PostFactory(author=siti, created_at=first_of_year),
        "lic_open_2": PostFactory(author=siti),
        "lic_answered": PostFactory(author=siti, status=Status.ANSWERED, answered_at=timezone.now()),
        "capital": PostFactory(author=siti, category="capital"),
        "gambir_lic": PostFactory(author=budi),
        "gambir_hidden": hidden_post(agency_staff, author=budi),
        "last_year": PostFactory(author=siti, created_at=last_year),
    }
    for post in ("lic_open_1", "lic_answered"):
        SupportFactory(post=posts[post], user=budi.user)
    SupportFactory(post=posts["lic_open_2"], user=people[0])
    SupportFactory(post=posts["lic_open_1"], user=people[1])
    for person in people:
        SupportFactory(post=posts["gambir_hidden"], user=person)
    SupportFactory(post=posts["last_year"], user=people[0])
    return posts


def test_the_themes_of_the_program_in_one_query(forum: dict[str, Post], django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        found = themes(kecamatan_ids=None)
    tebet, gambir = kec("Tebet"), kec("Gambir")
    assert sorted(found, key=lambda t: (t.kecamatan_id, t.category)) == found
    assert set(found) == {
        # four licensing posts ever (last year's too), three open; Budi and two others
        Theme(kecamatan_id=tebet, category="licensing", posts=4, open=3, supporters=3),
        Theme(kecamatan_id=tebet, category="capital", posts=1, open=1, supporters=0),
        Theme(kecamatan_id=gambir, category="licensing", posts=1, open=1, supporters=0),  # the hidden one left out
    }


def test_the_themes_of_a_year_and_of_a_scope(forum: dict[str, Post], django_assert_num_queries: Any) -> None:
    tebet = kec("Tebet")
    year = timezone.localdate().year
    with django_assert_num_queries(1):
        found = themes(kecamatan_ids={tebet}, year=year)
    assert found == [
        Theme(kecamatan_id=tebet, category="capital", posts=1, open=1, supporters=0),
        Theme(kecamatan_id=tebet, category="licensing", posts=3, open=2, supporters=3),
    ]
    assert themes(kecamatan_ids={tebet}, year=year - 1) == [
        Theme(kecamatan_id=tebet, category="licensing", posts=1, open=1, supporters=1)
    ]
    assert themes(kecamatan_ids={kec("Menteng")}) == []
    with django_assert_num_queries(0):
        assert themes(kecamatan_ids=set()) == []  # a scope of nothing


def test_the_posts_behind_a_theme(forum: dict[str, Post], agency_staff: User, django_assert_num_queries: Any) -> None:
    """The forum's list with the theme's filters (what the dashboard links to): the same posts, newest first, each
    with its author's first name and kecamatan, in one query."""
    tebet = kec("Tebet")
    this_year = timezone.localdate().year
    posts = post_list(agency_staff, PostFilters(category="licensing", kecamatan_id=tebet, year=this_year))
    with django_assert_num_queries(1):
        shown = [(post.pk, post.author_name, post.kecamatan.name) for post in posts]
    expected = [forum[name] for name in ("lic_answered", "lic_open_2", "lic_open_1")]
    assert shown == [(post.pk, "Siti", "Tebet") for post in expected]
    ever = post_list(agency_staff, PostFilters(category="licensing", kecamatan_id=tebet))
    assert [p.pk for p in ever][-1] == forum["last_year"].pk
    last_year = post_list(agency_staff, PostFilters(category="licensing", kecamatan_id=tebet, year=this_year - 1))
    assert list(last_year) == [forum["last_year"]]
    gambir = post_list(agency_staff, PostFilters(category="licensing", kecamatan_id=kec("Gambir")))
    assert list(gambir) == [forum["gambir_lic"]]  # the hidden one is not listed


def test_a_theme_counts_its_posts_as_the_list_behind_it_does(forum: dict[str, Post], agency_staff: User) -> None:
    year = timezone.localdate().year
    for theme_year in (None, year, year - 1):
        for theme in themes(kecamatan_ids=None, year=theme_year):
            filters = PostFilters(category=theme.category, kecamatan_id=theme.kecamatan_id, year=theme_year)
            behind = post_list(agency_staff, filters)
            assert behind.count() == theme.posts
            assert behind.filter(status=Status.OPEN).count() == theme.open


def test_a_scope_s_themes_are_kept_for_a_while_by_the_process(
    forum: dict[str, Post], django_assert_num_queries: Any
) -> None:
    """Kept THEMES_KEPT_SECONDS under the scope and the year: the same viewers' next pages count nothing, a new
    post shows once the kept answer expires, another scope or year is counted on its own."""
    tebet, gambir = kec("Tebet"), kec("Gambir")
    first = themes(kecamatan_ids={tebet})
    PostFactory(author=forum["lic_open_1"].author, category="capital")
    with django_assert_num_queries(0):
        assert themes(kecamatan_ids={tebet}) == first
    with django_assert_num_queries(1):
        themes(kecamatan_ids={tebet, gambir})
    with django_assert_num_queries(1):
        themes(kecamatan_ids={tebet}, year=timezone.localdate().year)
    caches["fragments"].clear()  # as when the ten minutes are over
    capital = [t for t in themes(kecamatan_ids={tebet}) if t.category == "capital"]
    assert capital[0].posts == 2
