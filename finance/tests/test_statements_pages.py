"""The statements pages: the participant issues statements and downloads them; their mentor and agency staff
download them too; nobody else (another participant, a mentor of another kecamatan, the secretariat, a partner:
404; anonymous: the login); the PUBLIC verification page (the business's name, the period and the main totals,
nothing else personal; an unknown code is 404); bad input (400, nothing saved, the form filled); pinned query
counts."""

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from accounts.models import User
from core import audit
from finance import services
from finance.models import MonthlyRecord, Source, Statement
from finance.tests.factories import MonthlyRecordFactory
from mentoring.tests.factories import verified_participant
from registration.models import Participant
from registration.tests.conftest import login

pytestmark = pytest.mark.django_db

STATEMENTS = reverse("finance:statements")
CHECK = reverse("finance:statement_check")
JANUARY, FEBRUARY, MARCH = datetime.date(2025, 1, 1), datetime.date(2025, 2, 1), datetime.date(2025, 3, 1)


@pytest.fixture
def siti(entrepreneur: User) -> Participant:
    participant = verified_participant("Tebet", user=entrepreneur, phone="+6281234500001")
    for month, turnover, assets in ((JANUARY, 3_000_000, 5_000_000), (FEBRUARY, 4_000_000, 6_000_000)):
        MonthlyRecordFactory(
            participant=participant, month=month, turnover=turnover, assets=assets, source=Source.PARTICIPANT
        )
    return participant


@pytest.fixture
def statement(siti: Participant) -> Statement:
    return services.statement_issue(
        participant=siti, period_start=JANUARY, period_end=FEBRUARY, language="id", acting_user=siti.user
    )


def pdf_url(statement: Statement) -> str:
    return reverse("finance:statement_pdf", args=[statement.code])


def verify_url(code: str) -> str:
    return reverse("finance:statement_verify", args=[code])


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- issuing ------------------------------------------------------------------------------------------------------


def test_the_participant_issues_statements_and_sees_them_listed(client: Client, siti: Participant) -> None:
    login(client, siti.user)
    page = client.get(STATEMENTS).content.decode()
    assert 'id="statement-form"' in page and "2025-01, 2025-02" in page
    response = client.post(STATEMENTS, {"period_start": "2025-01", "period_end": "2025-02", "language": "en"})
    assert response.status_code == 302 and response.url == STATEMENTS
    statement = Statement.objects.get()
    assert (statement.period_start, statement.period_end, statement.language) == (JANUARY, FEBRUARY, "en")
    html = client.get(STATEMENTS).content.decode()
    assert statement.code in html
    assert pdf_url(statement) in html and verify_url(statement.code) in html


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"period_start": "2025-02", "period_end": "2025-01", "language": "id"}, "period_start"),
        ({"period_start": "2025-01", "period_end": "2025-03", "language": "id"}, "period_start"),  # March unreported
        ({"period_start": "Januari", "period_end": "2025-02", "language": "id"}, "period_start"),
        ({"period_start": "2025-01", "period_end": "2025-02", "language": "fr"}, "language"),
    ],
)
def test_a_period_refused_comes_back_filled_with_the_error_next_to_the_field(
    client: Client, siti: Participant, data: dict[str, str], field: str
) -> None:
    login(client, siti.user)
    response = client.post(STATEMENTS, data)
    assert response.status_code == 400
    assert not Statement.objects.exists()
    html = response.content.decode()
    assert f'id="error_1_id_{field}"' in html
    assert f'value="{data["period_end"]}"' in html


@pytest.mark.parametrize("who", ["mentor_tebet", "agency_staff", "partner_user"])
def test_only_a_participant_has_the_statements_page(
    client: Client, request: pytest.FixtureRequest, siti: Participant, who: str
) -> None:
    login(client, request.getfixturevalue(who))
    assert client.get(STATEMENTS).status_code == 403
    data = {"period_start": "2025-01", "period_end": "2025-02", "language": "id"}
    assert client.post(STATEMENTS, data).status_code == 403
    assert not Statement.objects.exists()


def test_another_participant_sees_only_their_own_statements(
    client: Client, statement: Statement, other_entrepreneur: User
) -> None:
    verified_participant("Tebet", user=other_entrepreneur)
    login(client, other_entrepreneur)
    html = client.get(STATEMENTS).content.decode()
    assert statement.code not in html and 'id="no-statements"' in html


def test_anonymous_is_sent_to_log_in(client: Client, statement: Statement) -> None:
    for url in (STATEMENTS, pdf_url(statement)):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


# --- the PDF ------------------------------------------------------------------------------------------------------


def test_the_participant_downloads_the_pdf_as_a_private_file(client: Client, statement: Statement) -> None:
    login(client, statement.participant.user)
    response = client.get(pdf_url(statement))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"] and statement.code in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("who", ["mentor_tebet", "agency_staff"])
def test_their_mentor_and_agency_staff_download_it(
    client: Client, request: pytest.FixtureRequest, statement: Statement, who: str
) -> None:
    user = request.getfixturevalue(who)
    login(client, user)
    response = client.get(pdf_url(statement).lower())  # the code is found in any case
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


@pytest.mark.parametrize("who", ["other_entrepreneur", "mentor_gambir", "secretariat_tebet", "partner_user"])
def test_nobody_else_finds_the_pdf(
    client: Client, request: pytest.FixtureRequest, statement: Statement, who: str
) -> None:
    login(client, request.getfixturevalue(who))
    assert client.get(pdf_url(statement)).status_code == 404


def test_the_pdf_prints_the_portals_public_address(
    client: Client, statement: Statement, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from finance import statements as statement_module

    settings.SITE_URL = "https://jakpreneur.jakarta.go.id"
    seen: list[str] = []
    original = statement_module.statement_pdf

    def spy(printed: Statement, *, verify_url: str) -> bytes:
        seen.append(verify_url)
        return original(printed, verify_url=verify_url)

    monkeypatch.setattr(statement_module, "statement_pdf", spy)
    login(client, statement.participant.user)
    assert client.get(pdf_url(statement)).status_code == 200
    assert seen == [f"https://jakpreneur.jakarta.go.id/keuangan/verifikasi/{statement.code}/"]


# --- the public check ---------------------------------------------------------------------------------------------


def test_the_public_page_confirms_genuine_statements_with_their_totals_only(
    client: Client, statement: Statement
) -> None:
    participant = statement.participant
    response = english(client).get(verify_url(statement.code))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="statement-genuine"' in html
    assert "Warung Siti" in html and statement.code in html
    assert "January 2025" in html and "February 2025" in html
    assert 'id="total-assets">Rp 6.000.000<' in html
    assert 'id="total-revenue">Rp 7.000.000<' in html
    assert 'id="total-liabilities">not known<' in html
    for personal in (
        participant.nik,
        participant.masked_nik,
        participant.full_name,
        participant.email,
        participant.address,
        participant.business.address,
        participant.phone,
        participant.birth_date.strftime("%Y"),
    ):
        assert personal not in html, personal


def test_a_code_is_checked_in_any_case_and_with_dashes(client: Client, statement: Statement) -> None:
    typed = f"{statement.code[:4]}-{statement.code[4:8]}-{statement.code[8:]}".lower()
    assert client.get(verify_url(typed)).status_code == 200


def test_an_unknown_code_is_not_genuine(client: Client, statement: Statement) -> None:
    response = client.get(verify_url("ABCDEFGHJKLM"))
    assert response.status_code == 404
    html = response.content.decode()
    assert 'id="statement-unknown"' in html
    assert "Warung Siti" not in html


def test_a_bank_types_a_code_and_is_sent_to_its_check(client: Client, statement: Statement) -> None:
    assert 'id="statement-code-form"' in client.get(CHECK).content.decode()
    response = client.get(CHECK, {"code": f" {statement.code.lower()} "})
    assert response.status_code == 302 and response.url == verify_url(statement.code)


@pytest.mark.parametrize("code", ["", "---", "A" * 25])
def test_a_code_typed_wrong_comes_back_with_an_error(client: Client, code: str) -> None:
    response = client.get(CHECK, {"code": code})
    assert response.status_code == 400
    assert 'id="error_1_id_code"' in response.content.decode()


@pytest.mark.parametrize("code", ["\x00", "ABCD\x00", "A" * 25, "ABCD EFGH", "ABCDé", "AB/CD", "'--"])
def test_a_statement_url_takes_only_a_code(code: str) -> None:
    for path in (f"/keuangan/verifikasi/{code}/", f"/keuangan/laporan-keuangan/{code}/pdf/"):
        with pytest.raises(Resolver404):
            resolve(path)


# --- query counts -------------------------------------------------------------------------------------------------


def test_the_public_check_costs_one_query(
    client: Client, statement: Statement, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(1):
        assert client.get(verify_url(statement.code)).status_code == 200


def test_the_statements_page_with_many_statements_costs_a_pinned_number_of_queries(
    client: Client, siti: Participant, statement: Statement, django_assert_max_num_queries: Any
) -> None:
    Statement.objects.bulk_create(
        Statement(
            code=f"TEST{n:08d}",
            participant=siti,
            period_start=JANUARY,
            period_end=FEBRUARY,
            language="id",
            business_name="Warung Siti",
            owner_name=siti.full_name,
            kecamatan_name="Tebet",
            figures=statement.figures,
            issued_by=siti.user,
            issued_at=statement.issued_at,
        )
        for n in range(40)
    )
    login(client, siti.user)
    with django_assert_max_num_queries(5):
        html = client.get(STATEMENTS).content.decode()
    assert html.count('data-code="') == 25  # a page


def test_the_pdf_of_a_long_period_costs_a_pinned_number_of_queries(
    client: Client, siti: Participant, mentor_tebet: User, django_assert_max_num_queries: Any
) -> None:
    for month in range(3, 13):
        MonthlyRecordFactory(participant=siti, month=datetime.date(2025, month, 1), source=Source.PARTICIPANT)
    issued = services.statement_issue(
        participant=siti,
        period_start=JANUARY,
        period_end=datetime.date(2025, 12, 1),
        language="en",
        acting_user=siti.user,
    )
    assert MonthlyRecord.objects.filter(participant=siti).count() == 12
    login(client, mentor_tebet)
    with django_assert_max_num_queries(4):  # the session's user, the statement, the mentor check, the "viewed" row
        assert client.get(pdf_url(issued)).status_code == 200
    assert audit.history_of(issued)[0].kind == audit.VIEWED


def test_every_page_s_footer_tells_a_bank_where_to_check_a_statement(client: Client) -> None:
    html = client.get(reverse("landing")).content.decode()
    assert f'href="{reverse("finance:statement_check")}"' in html
