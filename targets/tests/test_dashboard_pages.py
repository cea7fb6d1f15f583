"""The dashboard's pages on a known data set: the numbers shown are targets.figures', each links to the
participants behind it, the filters round-trip in the URL, bad input is told (400, never a 500), the charts have
their table and data with no inline script, the print stylesheet is linked, the forum's themes are shown to
staff, and the navigation and the admin index link to it."""

import datetime
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import Role, User
from accounts.tests.factories import UserFactory, office
from feedback.choices import Category
from feedback.tests.factories import PostFactory, SupportFactory
from registration.measures import FUNNEL, Measure
from targets import figures
from targets.choices import Level
from targets.figures import Area
from targets.models import Target
from targets.tests.factories import YEAR, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(mentor_tebet: User, mentor_gambir: User) -> World:
    other = UserFactory(full_name="Mentor Tebet Dua", role=Role.MENTOR, office=office("Tebet"))
    return World(mentor_tebet=mentor_tebet, mentor_gambir=mentor_gambir, other_mentor_tebet=other)


@pytest.fixture
def staff(client: Client, agency_staff: User) -> Client:
    """Agency staff, reading English (the messages asserted are the English ones)."""
    client.force_login(agency_staff)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


# --- the numbers --------------------------------------------------------------------------------------------------


def test_the_numbers_shown_are_the_figures(staff: Client, agency_staff: User, world: World) -> None:
    Target.objects.create(year=YEAR, measure=Measure.VERIFIED, level=Level.PROGRAM, value=10, updated_by=agency_staff)
    Target.objects.create(
        year=YEAR,
        measure=Measure.VERIFIED,
        level=Level.KECAMATAN,
        kecamatan=world.tebet,
        value=6,
        updated_by=agency_staff,
    )
    response = staff.get(reverse("targets:dashboard"), {"year": YEAR})
    assert response.status_code == 200
    context = response.context
    program = Area.program()
    assert [(c.measure, c.achieved, c.target, c.percent) for c in context["cards"]] == [
        (row.measure, row.achieved, row.target, row.percent) for row in figures.progress(program, YEAR)
    ]
    cards = {card.measure: card for card in context["cards"]}
    assert (cards[Measure.VERIFIED].achieved, cards[Measure.VERIFIED].percent, cards[Measure.VERIFIED].bar) == (
        5,
        50,
        50,
    )
    assert [(s.reached, s.conversion, s.median_days) for s in context["funnel"]] == [
        (row.reached, row.conversion, row.median_days) for row in figures.funnel(program, YEAR)
    ]
    steps = dict(zip(FUNNEL, context["funnel"], strict=True))
    assert (steps[Measure.VERIFIED].reached, steps[Measure.VERIFIED].conversion) == (5, 83)  # of 6 registered
    assert steps[Measure.VERIFIED].median_days == 10  # 2, 4, 10, 31 and 32 days after registering
    expected_trend = figures.trend(program, YEAR)
    assert [[cell.n for cell in month.cells] for month in context["trend"]] == [
        [counts[m] for m in Measure] for _month, counts in expected_trend
    ]
    kecamatan = next(r for r in context["rankings"] if r.key == "kecamatan")
    rows = {row.name: row for row in kecamatan.rows}
    assert len(rows) == 44  # every kecamatan, those with nothing counted too
    assert (rows["Tebet"].achieved.n, rows["Tebet"].target, rows["Tebet"].percent) == (3, 6, 50)
    assert rows["Gambir"].achieved.n == 2 and kecamatan.rows[0].name == "Tebet"  # the one with a target first
    html = response.content.decode()
    assert f'<p class="fs-4 mb-0"><a href="{cards[Measure.VERIFIED].url}"' in html.replace("&amp;", "&")
    assert "50% of the target of 10" in html


def test_each_number_links_to_the_participants_behind_it(staff: Client, world: World) -> None:
    response = staff.get(reverse("targets:dashboard"), {"year": YEAR, "kecamatan": world.tebet.pk})
    context = response.context
    card = next(card for card in context["cards"] if card.measure == Measure.TRAINED)
    assert query(card.url) == {"measure": "trained", "year": str(YEAR), "kecamatan": str(world.tebet.pk)}
    listed = staff.get(card.url)
    assert [person.name for person in listed.context["people"]] == ["Bela Tebet", "Ani Tebet"]  # latest first
    assert len(listed.context["people"]) == card.achieved
    step = context["funnel"][FUNNEL.index(Measure.VERIFIED)]
    assert query(step.url)["cohort"] == str(YEAR) and "year" not in query(step.url)
    assert len(staff.get(step.url).context["people"]) == step.reached == 3
    january = context["trend"][0]
    cell = january.cells[list(Measure).index(Measure.VERIFIED)]
    assert query(cell.url)["month"] == "1" and cell.n == 3
    assert len(staff.get(cell.url).context["people"]) == 3
    mentors = context["rankings"][0]
    assert mentors.key == "mentor"
    row = next(row for row in mentors.rows if row.name == "Mentor Tebet")
    assert row.achieved.url is not None and query(row.achieved.url)["mentor"] == str(world.mentor_tebet.pk)
    assert len(staff.get(row.achieved.url).context["people"]) == row.achieved.n == 3
    assert any(r.name == "Mentor Tebet Dua" and r.achieved.n == 0 for r in mentors.rows)
    nobody = next(row for row in mentors.rows if row.achieved.url is None)  # the participants with no mentor yet
    assert nobody.url is None and nobody.name == "No mentor yet"


def test_the_participants_list_shows_name_kecamatan_mentor_and_day(staff: Client, world: World) -> None:
    response = staff.get(reverse("targets:participants"), {"measure": "licensed", "year": YEAR})
    assert response.status_code == 200
    [eko] = response.context["people"]
    assert (eko.name, eko.kecamatan, eko.mentor, eko.reached_on.isoformat()) == (
        "Eko Gambir",
        "Gambir",
        "Mentor Gambir",
        f"{YEAR}-03-03",
    )
    assert eko.url == reverse("registration:participant", args=[world.eko.pk])
    assert f'href="{eko.url}"' in response.content.decode()


def test_the_drill_down_from_the_program_to_a_mentor(staff: Client, world: World) -> None:
    program = staff.get(reverse("targets:dashboard"), {"year": YEAR, "rank": "trained"})
    wilayah_row = next(row for row in program.context["rankings"][0].rows if row.name == world.tebet.wilayah.name)
    assert query(wilayah_row.url) == {"year": str(YEAR), "rank": "trained", "wilayah": str(world.tebet.wilayah_id)}
    wilayah = staff.get(wilayah_row.url)
    assert [r.key for r in wilayah.context["rankings"]] == ["kecamatan"]
    tebet_row = next(row for row in wilayah.context["rankings"][0].rows if row.name == "Tebet")
    kecamatan = staff.get(tebet_row.url)
    assert kecamatan.context["place"].kecamatan == world.tebet
    crumbs = kecamatan.context["breadcrumbs"]
    assert [c.label for c in crumbs] == ["Program", world.tebet.wilayah.name, "Tebet"]
    assert crumbs[-1].url is None and all(c.url for c in crumbs[:-1])
    mentor_row = next(row for row in kecamatan.context["rankings"][0].rows if row.name == "Mentor Tebet")
    mentor = staff.get(mentor_row.url)
    assert mentor.context["place"].mentor == world.mentor_tebet
    assert [c.label for c in mentor.context["breadcrumbs"]][-2:] == ["Tebet", "Mentor Tebet"]
    assert mentor.context["rankings"] == []


# --- the filters in the URL -------------------------------------------------------------------------------------


def test_the_filters_round_trip_in_the_url(staff: Client, world: World) -> None:
    params = {"year": YEAR - 1, "kecamatan": world.tebet.pk, "mentor": world.mentor_tebet.pk, "rank": "trained"}
    response = staff.get(reverse("targets:dashboard"), params)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(rf'name="year" value="{YEAR - 1}"', html)
    assert re.search(rf'<option value="{world.tebet.pk}" selected>Tebet</option>', html)
    assert re.search(rf'<option value="{world.mentor_tebet.pk}" selected>Mentor Tebet</option>', html)
    assert response.context["year"] == YEAR - 1
    card = response.context["cards"][0]
    assert query(card.url) == {"measure": "registered", "year": str(YEAR - 1), "mentor": str(world.mentor_tebet.pk)}
    kecamatan_crumb = response.context["breadcrumbs"][-2]
    assert query(kecamatan_crumb.url) == {"year": str(YEAR - 1), "rank": "trained", "kecamatan": str(world.tebet.pk)}
    again = staff.get(kecamatan_crumb.url)
    assert again.context["year"] == YEAR - 1 and again.context["rank"] == Measure.TRAINED
    assert again.context["place"].kecamatan == world.tebet and again.context["place"].mentor is None


def test_no_year_is_this_year(staff: Client, world: World) -> None:
    response = staff.get(reverse("targets:dashboard"))
    assert response.status_code == 200 and response.context["year"] == YEAR
    assert response.context["rank"] == Measure.VERIFIED


# --- bad input ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "9999"}, "Choose a program year, from 2018 to 2100."),
        ({"year": "dua ribu"}, "Enter a whole number."),
        ({"kecamatan": "abc"}, "Select a valid choice."),
        ({"kecamatan": "999999"}, "Select a valid choice."),
        ({"wilayah": "abc"}, "Select a valid choice."),
        ({"mentor": "abc"}, "Enter a whole number."),
        ({"mentor": "999999"}, "There is no mentor with this number."),
        ({"rank": "nothing"}, "There is no measure “nothing” to rank by."),
    ],
)
def test_bad_filters_are_told_not_counted(staff: Client, world: World, params: dict[str, str], message: str) -> None:
    with translation.override("en"):
        response = staff.get(reverse("targets:dashboard"), params)
    assert response.status_code == 400
    assert message in response.content.decode().replace("&quot;", '"')
    assert "cards" not in response.context


def test_parts_that_disagree_are_told(staff: Client, world: World) -> None:
    with translation.override("en"):
        wrong_wilayah = staff.get(
            reverse("targets:dashboard"), {"wilayah": world.gambir.wilayah_id, "kecamatan": world.tebet.pk}
        )
        wrong_kecamatan = staff.get(
            reverse("targets:dashboard"), {"kecamatan": world.tebet.pk, "mentor": world.mentor_gambir.pk}
        )
    assert wrong_wilayah.status_code == 400 and "not in the wilayah chosen" in wrong_wilayah.content.decode()
    assert wrong_kecamatan.status_code == 400 and "works in another kecamatan" in wrong_kecamatan.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"measure": "happiness", "year": YEAR}, "There is no measure “happiness”."),
        ({"year": YEAR}, "This field is required."),
        ({"measure": "verified"}, "Give either the year the number counts or the cohort"),
        (
            {"measure": "verified", "year": YEAR, "cohort": YEAR},
            "Give either the year the number counts or the cohort",
        ),
        ({"measure": "verified", "cohort": YEAR, "month": 2}, "A month is counted within a year"),
        ({"measure": "verified", "year": YEAR, "month": 13}, "Select a valid choice."),
        ({"measure": "verified", "cohort": "1900"}, "Choose a program year, from 2018 to 2100."),
        ({"measure": "verified", "year": YEAR, "kecamatan": "abc"}, "Select a valid choice."),
    ],
)
def test_bad_participants_queries_are_told(staff: Client, world: World, params: dict[str, Any], message: str) -> None:
    with translation.override("en"):
        response = staff.get(reverse("targets:participants"), params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "people" not in response.context


def test_a_bad_page_number_is_the_first_page(staff: Client, world: World) -> None:
    response = staff.get(reverse("targets:participants"), {"measure": "verified", "year": YEAR, "page": "x"})
    assert response.status_code == 200 and response.context["page"].number == 1


# --- charts, tables, print ------------------------------------------------------------------------------------


def test_every_chart_has_its_table_and_no_inline_script(staff: Client, world: World) -> None:
    response = staff.get(reverse("targets:dashboard"), {"year": YEAR})
    html = response.content.decode()
    for chart in ("funnel", "trend"):
        assert f'<canvas id="chart-{chart}"' in html
        assert f'aria-describedby="table-{chart}-caption"' in html
        assert '<table class="table table-sm mb-0' in html and f'id="table-{chart}"' in html
        assert f'<caption id="table-{chart}-caption">' in html
    assert '<script id="targets-chart-data" type="application/json">' in html
    assert 'src="/static/vendor/chartjs/chart.umd.min.js"' in html and 'src="/static/js/targets_charts.js"' in html
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts)
    assert "http://" not in "".join(scripts) and "https://" not in "".join(scripts)  # no CDN
    assert " style=" not in html
    data = response.context["chart"]
    assert data["funnel"]["reached"] == [step.reached for step in response.context["funnel"]]
    assert len(data["trend"]["series"]) == len(Measure) and len(data["trend"]["labels"]) == 12
    assert finders.find("js/targets_charts.js") and finders.find("vendor/chartjs/chart.umd.min.js")


def test_the_print_stylesheet_is_linked(staff: Client, world: World) -> None:
    for name, params in (
        ("targets:dashboard", {"year": YEAR}),
        ("targets:participants", {"measure": "verified", "year": YEAR}),
    ):
        assert 'href="/static/css/dashboard.css"' in staff.get(reverse(name), params).content.decode()
    path = finders.find("css/dashboard.css")
    assert isinstance(path, str)
    with open(path, encoding="utf-8") as sheet:
        css = sheet.read()
    assert "@media print" in css and "size: A4" in css
    assert re.search(r"nav\.navbar,[^{]*\.dashboard-filters[^{]*\{\s*display: none", css)


# --- the forum's themes -----------------------------------------------------------------------------------------


def test_staff_see_the_forums_themes_by_kecamatan_and_category(
    client: Client, agency_staff: User, secretariat_tebet: User, world: World
) -> None:
    licensing = PostFactory(author=world.ani, category=Category.LICENSING)
    PostFactory(author=world.bela, category=Category.LICENSING)
    SupportFactory(post=licensing, user=world.citra.user)
    PostFactory(author=world.eko, category=Category.CAPITAL)
    client.force_login(agency_staff)
    themes = client.get(reverse("targets:dashboard"), {"year": YEAR}).context["themes"]
    licensing_themes = [t for t in themes if query(t.url)["category"] == Category.LICENSING]
    assert [(t.kecamatan, t.posts, t.open, t.supporters) for t in licensing_themes] == [("Tebet", 2, 2, 1)]
    assert {t.kecamatan for t in themes} == {"Tebet", "Gambir"}
    client.force_login(secretariat_tebet)
    response = client.get(reverse("targets:dashboard"), {"year": YEAR})
    assert {t.kecamatan for t in response.context["themes"]} == {"Tebet"}
    theme = response.context["themes"][0]
    assert query(theme.url) == {"category": "licensing", "kecamatan": str(world.tebet.pk), "year": str(YEAR)}
    assert 'id="table-themes"' in response.content.decode()


def test_a_themes_link_lists_the_posts_it_counts(client: Client, agency_staff: User, world: World) -> None:
    """A theme counts the year's posts: the forum's list it links to is of that year too (an older post of the
    kecamatan and category is in neither)."""
    this_year = PostFactory(author=world.ani, category=Category.LICENSING)
    PostFactory(
        author=world.ani, category=Category.LICENSING, created_at=this_year.created_at - datetime.timedelta(days=400)
    )
    client.force_login(agency_staff)
    dashboard = client.get(reverse("targets:dashboard"), {"year": YEAR})
    (theme,) = [t for t in dashboard.context["themes"] if query(t.url)["category"] == Category.LICENSING]
    assert theme.posts == 1
    listed = client.get(theme.url)
    assert listed.status_code == 200
    assert [post.pk for post in listed.context["page"].items] == [this_year.pk]


# --- the rankings -------------------------------------------------------------------------------------------------


def test_a_kecamatans_mentor_ranking_keeps_the_target_of_a_mentor_who_achieved_nothing(
    client: Client, secretariat_tebet: User, agency_staff: User, world: World
) -> None:
    """Mentor Tebet Dua has a target and no participant: her row shows it, at 0%, in Tebet's ranking as in the
    program's breakdown; Mentor Gambir's target is not Tebet's."""
    for mentor in (world.mentor_tebet, world.other_mentor_tebet, world.mentor_gambir):
        Target.objects.create(
            year=YEAR, measure=Measure.VERIFIED, level=Level.MENTOR, mentor=mentor, value=10, updated_by=agency_staff
        )
    tebet = {row.key: row for row in figures.breakdown(Area.of_kecamatan(world.tebet.pk), YEAR, Level.MENTOR)}
    assert tebet[world.mentor_tebet.pk].targets == {Measure.VERIFIED: 10}
    assert tebet[world.other_mentor_tebet.pk].targets == {Measure.VERIFIED: 10}
    assert world.mentor_gambir.pk not in tebet
    program = {row.key: row for row in figures.breakdown(Area.program(), YEAR, Level.MENTOR)}
    assert program[world.other_mentor_tebet.pk].targets == {Measure.VERIFIED: 10}
    client.force_login(secretariat_tebet)
    response = client.get(reverse("targets:dashboard"), {"year": YEAR})
    (ranking,) = response.context["rankings"]
    shown = {row.name: (row.target, row.percent) for row in ranking.rows}
    assert shown["Mentor Tebet Dua"] == (10, 0)
    assert shown[world.mentor_tebet.full_name] == (10, 30)


# --- where it is linked from ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "offered"),
    [
        ("agency_staff", True),
        ("secretariat_tebet", True),
        ("mentor_tebet", True),
        ("partner_user", True),
        ("entrepreneur", False),
    ],
)
def test_the_navigation_offers_the_dashboard(
    client: Client, request: pytest.FixtureRequest, who: str, offered: bool
) -> None:
    client.force_login(request.getfixturevalue(who))
    links = [link.url_name for link in client.get(reverse("home")).context["nav_links"]]
    assert ("targets:dashboard" in links) is offered


def test_the_admin_index_links_to_the_dashboard(client: Client, agency_staff: User, entrepreneur: User) -> None:
    client.force_login(agency_staff)
    html = client.get(reverse("admin:index")).content.decode()
    assert f'<a href="{reverse("targets:dashboard")}">' in html
    assert 'id="program-dashboard"' in html


def test_the_page_works_on_a_phone(staff: Client, world: World) -> Any:
    html = staff.get(reverse("targets:dashboard"), {"year": YEAR}).content.decode()
    assert 'name="viewport"' in html
    assert html.count('class="table-responsive" tabindex="0"') >= 4  # funnel, trend, wilayah, kecamatan
    assert "row-cols-2 row-cols-md-3" in html
