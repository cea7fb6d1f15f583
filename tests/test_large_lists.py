"""The lists of tables that grow with the program, in the admin and on the site, at any size.

Every one is read in an index's order: its first page is an index scan that stops after 50 rows, never a sort of
millions (the visits list took 6.2 s at 5M visits without one). Pages past the first follow a keyset (the last
row's ordering key), never an OFFSET, and a filtered list counts up to a cap. The site's lists
(core.pagination.paginate) step by keyset too, both ways, and still open a numbered page.

The ordering is the one the changelist itself applies (Django appends the primary key to make it total); an index
serves it when its leading columns are the ordering's, all in the same or all in the reverse direction, or when a
unique index's columns are the ordering's leading ones (the rest never decides). Partial indexes do not count."""

import datetime
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from core import pagination
from finance.tests.factories import EntryFactory
from mentoring.models import Visit
from mentoring.tests.factories import MentorFactory, VisitFactory, verified_participant
from registration.tests.conftest import login
from registration.tests.factories import RegistrationFactory

# Tables the program keeps small (reference data, configuration, a row per kecamatan, partner or call).
SMALL = {
    "geography.wilayah",
    "geography.kecamatan",
    "geography.kelurahan",
    "geography.kecamatanoffice",
    "licensing.licencetype",
    "partners.consenttext",
    "partners.partnerorganisation",
    "partners.agreement",
    "partners.agreementmeeting",
    "partners.agreementdocument",
    "partners.partnerkey",
    "training.course",
    "marketing.productcall",
    "marketing.sellingspace",
    "marketing.booth",
    "capital.financingproduct",
    "mentoring.mentortarget",
    "mentoring.mentortraining",
    "targets.target",
    "targets.targetimport",
    "targets.report",
    "django_celery_beat.periodictask",
    "django_celery_beat.crontabschedule",
    "django_celery_beat.intervalschedule",
    "django_celery_beat.solarschedule",
    "django_celery_beat.clockedschedule",
    "auth.group",
}


def indexes(table: str) -> list[tuple[list[tuple[str, bool]], bool]]:
    """The table's full (not partial) btree indexes: [(column, descending)], unique."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT x.indisunique, array_agg(a.attname ORDER BY k.n),
                   array_agg((x.indoption[k.n - 1] & 1) = 1 ORDER BY k.n)
            FROM pg_index x
            JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_am m ON m.oid = i.relam AND m.amname = 'btree'
            CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
            WHERE t.relname = %s AND x.indpred IS NULL
            GROUP BY x.indexrelid, x.indisunique
            """,
            [table],
        )
        return [(list(zip(columns, descending, strict=True)), unique) for unique, columns, descending in cursor]


def serves(index: list[tuple[str, bool]], unique: bool, ordering: list[tuple[str, bool]]) -> bool:
    def same(pairs: list[tuple[str, bool]], flip: bool) -> bool:
        return all(a[0] == b[0] and (a[1] != b[1]) == flip for a, b in zip(pairs, ordering, strict=False))

    if len(index) >= len(ordering):
        head = index[: len(ordering)]
        return same(head, False) or same(head, True)
    return unique and (same(index, False) or same(index, True))


def changelist_ordering(model_admin: Any, request: Any) -> list[tuple[str, bool]] | str:
    """The columns the changelist orders by, or the name of an ordering no index can serve (a related field)."""
    changelist = model_admin.get_changelist_instance(request)
    ordering = changelist.get_ordering(request, changelist.root_queryset)
    model = model_admin.model
    columns: list[tuple[str, bool]] = []
    for entry in ordering:
        name = entry.lstrip("-") if isinstance(entry, str) else None
        if name is None or "__" in name:
            return str(entry)
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        if field.column not in (column for column, _descending in columns):  # a repeat never decides
            columns.append((field.column, entry.startswith("-")))
        if field.primary_key:  # nothing after the primary key decides either
            break
    return columns


def large_admins() -> list[Any]:
    return [
        model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.label_lower not in SMALL and model in apps.get_models()
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("model_admin", large_admins(), ids=lambda a: a.model._meta.label_lower)
def test_the_admin_list_of_a_large_table_follows_an_index(model_admin: Any) -> None:
    request = RequestFactory().get("/")
    request.user = UserFactory(is_staff=True, is_superuser=True, role="administrator")
    ordering = changelist_ordering(model_admin, request)

    assert not isinstance(ordering, str), f"ordered by {ordering}, which no index of the table can serve"
    table = model_admin.model._meta.db_table
    assert any(serves(index, unique, ordering) for index, unique in indexes(table)), (
        f"no index of {table} serves the admin's ordering {ordering}"
    )


def test_an_index_serves_an_ordering_in_either_direction_or_by_a_unique_head() -> None:
    by_day_then_id = [("day", True), ("id", True)]

    assert serves([("day", False), ("id", False)], False, by_day_then_id)
    assert serves([("day", True), ("id", True), ("x", False)], False, by_day_then_id)
    assert not serves([("day", True), ("id", False)], False, by_day_then_id)
    assert not serves([("day", False)], False, by_day_then_id)
    assert serves([("day", False)], True, by_day_then_id)
    assert not serves([("participant_id", False), ("day", False)], False, by_day_then_id)


VISITS = reverse("admin:mentoring_visit_changelist")


@pytest.fixture
def visits(db: None) -> list[Visit]:
    """120 visits over 40 days, three a day: the order (date, id) has ties for the keyset to break."""
    mentor, participant = MentorFactory(), verified_participant()
    first = datetime.date(2026, 1, 1)
    return [
        VisitFactory(mentor=mentor, participant=participant, date=first + datetime.timedelta(days=n // 3))
        for n in range(120)
    ]


def shown(response: Any) -> list[int]:
    return [visit.pk for visit in response.context["cl"].result_list]


def test_a_large_list_pages_by_keyset_through_every_row_once(
    client: Client, agency_staff: User, visits: list[Visit]
) -> None:
    login(client, agency_staff)
    newest_first = list(Visit.objects.order_by("-date", "-pk").values_list("pk", flat=True))

    first = client.get(VISITS)
    second = client.get(VISITS + first.context["cl"].next_url)
    third = client.get(VISITS + second.context["cl"].next_url)

    assert shown(first) + shown(second) + shown(third) == newest_first
    assert "after=" in first.context["cl"].next_url and "p=" not in first.context["cl"].next_url
    assert third.context["cl"].next_url == ""
    assert second.context["cl"].first_url == "?"
    assert f'href="{second.context["cl"].next_url}"'.replace("&", "&amp;") in second.content.decode()


def test_a_deep_page_runs_the_queries_of_the_first(client: Client, agency_staff: User, visits: list[Visit]) -> None:
    login(client, agency_staff)
    first = client.get(VISITS)
    deep = VISITS + first.context["cl"].next_url
    client.get(deep)
    with CaptureQueriesContext(connection) as on_first:
        client.get(VISITS)
    with CaptureQueriesContext(connection) as on_deep:
        client.get(deep)

    assert len(on_deep) == len(on_first)
    assert not any("OFFSET" in query["sql"] for query in on_deep.captured_queries)


def test_the_keyset_keeps_the_filters_and_a_bad_one_reloads_the_list(
    client: Client, agency_staff: User, visits: list[Visit]
) -> None:
    login(client, agency_staff)
    Visit.objects.filter(pk__in=[v.pk for v in visits[:70]]).update(shared=True)

    first = client.get(VISITS, {"shared__exact": "1"})
    second = client.get(VISITS + first.context["cl"].next_url)

    assert "shared__exact=1" in first.context["cl"].next_url
    assert len(shown(first)) == 50 and len(shown(second)) == 20
    assert all(Visit.objects.get(pk=pk).shared for pk in shown(second))
    bad = client.get(VISITS, {"after": "not-a-key"})
    assert bad.status_code == 302 and "e=1" in bad["Location"]


def test_a_filtered_count_stops_at_the_cap(
    client: Client, agency_staff: User, visits: list[Visit], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "COUNT_CAP", 100)
    login(client, agency_staff)
    client.cookies["django_language"] = "en"

    response = client.get(VISITS, {"kind__exact": visits[0].kind})

    assert response.context["cl"].paginator.capped
    assert response.context["cl"].result_count == 101
    assert b"more than 100 visits" in response.content


def test_a_site_list_steps_by_keyset_both_ways_and_opens_a_numbered_page(
    visits: list[Visit], django_assert_num_queries: Any
) -> None:
    ordered = Visit.objects.order_by("-date", "-pk")
    every = list(ordered.values_list("pk", flat=True))

    first = pagination.paginate(ordered, None, per_page=25)
    second = pagination.paginate(ordered, first.next_link, per_page=25)
    with django_assert_num_queries(1):
        third = pagination.paginate(ordered, second.next_link, per_page=25)
    back = pagination.paginate(ordered, third.previous_link, per_page=25)
    numbered = pagination.paginate(ordered, "3", per_page=25)

    assert [v.pk for v in first.items + second.items + third.items] == every[:75]
    assert (second.number, third.number) == (2, 3)
    assert first.next_link.startswith("a2.") and third.previous_link.startswith("b2.")
    assert second.previous_link == "1"
    assert [v.pk for v in back.items] == every[25:50] and back.number == 2 and back.has_next
    assert [v.pk for v in numbered.items] == every[50:75]
    assert pagination.paginate(ordered, "a9.not-a-key", per_page=25).items == first.items


def test_a_deep_numbered_page_reads_its_keys_first_then_its_rows_with_their_joins(
    visits: list[Visit], django_assert_num_queries: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "DEFERRED_FROM", 50)
    ordered = Visit.objects.select_related("participant").order_by("-date", "-pk")
    every = list(ordered.values_list("pk", flat=True))

    with django_assert_num_queries(1):
        shallow = pagination.paginate(ordered, "2", per_page=25)  # from row 25: one query, as before
    with CaptureQueriesContext(connection) as deep_queries:
        deep = pagination.paginate(ordered, "4", per_page=25)
        names = [visit.participant.full_name for visit in deep.items]  # joined: no query more
    last = pagination.paginate(ordered, "5", per_page=25)

    assert [v.pk for v in shallow.items] == every[25:50]
    assert [v.pk for v in deep.items] == every[75:100] and deep.has_next and len(names) == 25
    keys, rows = (query["sql"] for query in deep_queries.captured_queries)
    assert "OFFSET 75" in keys and "JOIN" not in keys and "OFFSET" not in rows and "JOIN" in rows
    assert [v.pk for v in last.items] == every[100:] and not last.has_next
    assert pagination.paginate(ordered, "9", per_page=25).items == []


def test_a_deep_page_of_a_lists_own_paging_object_is_sliced_as_it_says(monkeypatch: pytest.MonkeyPatch) -> None:
    """The catalogue's search results are an object that slices itself (not a queryset): no keys first for it."""
    monkeypatch.setattr(pagination, "DEFERRED_FROM", 50)

    class Numbers:
        def __getitem__(self, rows: slice) -> list[int]:
            return list(range(200))[rows]

    page = pagination.paginate(Numbers(), "4", per_page=25)  # type: ignore[arg-type]

    assert page.items == list(range(75, 100)) and page.has_next


def test_the_last_page_by_keyset_has_no_next(visits: list[Visit]) -> None:
    ordered = Visit.objects.order_by("-date", "-pk")
    page = pagination.paginate(ordered, None, per_page=50)
    page = pagination.paginate(ordered, page.next_link, per_page=50)
    page = pagination.paginate(ordered, page.next_link, per_page=50)

    assert len(page.items) == 20 and not page.has_next and page.next_link == "4"


@pytest.mark.parametrize(
    ("url_name", "participant_of"),
    [
        ("admin:registration_participant_changelist", lambda row: row),
        ("admin:mentoring_visit_changelist", lambda row: row.participant),
        ("admin:finance_entry_changelist", lambda row: row.participant),
    ],
)
def test_a_reference_searches_the_references_alone_and_a_name_the_names(
    client: Client, agency_staff: User, url_name: str, participant_of: Any, mentor_tebet: User
) -> None:
    """A term shaped like a registration reference is looked up among the references only, any other term among
    the names only (ProgramAdmin.search_shapes): searched together, their OR across the joined tables kept
    PostgreSQL from using either index. A name that happens to read like a reference finds no one by name."""
    wanted = RegistrationFactory(participant__full_name="Yusuf Hidayat")
    named_like_a_reference = RegistrationFactory(participant__full_name=f"{wanted.reference} Putra")
    for registration in (wanted, named_like_a_reference):
        VisitFactory(participant=registration.participant, mentor=mentor_tebet)
        EntryFactory(participant=registration.participant)
    login(client, agency_staff)

    def found(term: str) -> set[int]:
        response = client.get(reverse(url_name), {"q": term})
        assert response.status_code == 200
        return {participant_of(row).pk for row in response.context["cl"].result_list}

    assert found(wanted.reference.lower()) == {wanted.participant_id}
    assert found("yusuf") == {wanted.participant_id}
    assert found("JP-") == {named_like_a_reference.participant_id}  # not a whole reference: a name's start
