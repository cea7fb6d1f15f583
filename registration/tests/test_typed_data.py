"""Data a person types in the wizard (issue 7): rupiah the Indonesian way, the planned business of a starting
entrepreneur, plausible dates, the kelurahan of the kecamatan chosen, and the guidance on documents."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from geography.models import Kelurahan
from registration import eligibility, validators
from registration.forms import BusinessForm, PersonForm
from registration.models import Registration
from registration.tests.conftest import business_data, login, person_data
from registration.tests.factories import pdf_bytes, upload
from registration.tests.test_values import business_values, person_values

pytestmark = pytest.mark.django_db


def step_url(step: str) -> str:
    return reverse("registration:wizard_step", args=[step])


def growing(client: Client) -> None:
    assert client.post(step_url("person"), person_data(track="naik_kelas")).status_code == 302


def submit_growing(client: Client, **business: str) -> Registration:
    growing(client)
    assert client.post(step_url("business"), business_data(started_on="2020-05-01", **business)).status_code == 302
    pdf = pdf_bytes()
    files = {
        "ktp": upload("ktp.png"),
        "development_plan_statement": upload("plan.pdf", pdf, "application/pdf"),
        "ownership_proof": upload("nib.pdf", pdf, "application/pdf"),
    }
    assert client.post(step_url("documents"), files).status_code == 302
    client.post(step_url("review"))
    return Registration.objects.select_related("participant__business").get()


# --- money ----------------------------------------------------------------------------------------------------


def test_assets_typed_as_indonesians_write_them_are_stored_in_whole_rupiah(client: Client, entrepreneur: User) -> None:
    """Before: "5.000.000" was stored as Rp 5."""
    login(client, entrepreneur)
    registration = submit_growing(client, assets="5.000.000", monthly_turnover="Rp 3 juta")
    business = registration.participant.business
    assert (business.assets, business.monthly_turnover) == (5_000_000, 3_000_000)


@pytest.mark.parametrize(("typed", "amount"), [("5.000", 5_000), ("5.000.000", 5_000_000), ("5 juta", 5_000_000)])
def test_the_business_form_reads_grouped_rupiah(typed: str, amount: int) -> None:
    """Before: "5.000" was read as 5 and "5.000.000" refused (Django's IntegerField)."""
    form = BusinessForm(business_data(started_on="2020-05-01", assets=typed), track="naik_kelas")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["assets"] == amount


def test_the_review_shows_the_amounts_formatted(client: Client, entrepreneur: User) -> None:
    login(client, entrepreneur)
    growing(client)
    client.post(
        step_url("business"), business_data(started_on="2020-05-01", assets="5000000", monthly_turnover="1,5 juta")
    )
    client.post(
        step_url("documents"),
        {
            "ktp": upload("ktp.png"),
            "development_plan_statement": upload("p.pdf", pdf_bytes(), "application/pdf"),
            "ownership_proof": upload("o.pdf", pdf_bytes(), "application/pdf"),
        },
    )
    page = client.get(step_url("review")).content.decode()
    assert "Rp 5.000.000" in page and "Rp 1.500.000" in page


@pytest.mark.parametrize(("typed", "code"), [("-5", "negative"), ("1.500.000 - 2.000.000", "several_numbers")])
def test_an_amount_that_cannot_be_read_is_refused_with_a_reason(
    client: Client, entrepreneur: User, typed: str, code: str
) -> None:
    login(client, entrepreneur)
    growing(client)
    response = client.post(step_url("business"), business_data(started_on="2020-05-01", assets=typed))
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["assets"]] == [code]


def test_a_turnover_above_a_medium_business_is_warned_and_taken_once_confirmed(
    client: Client, entrepreneur: User
) -> None:
    login(client, entrepreneur)
    growing(client)
    data = business_data(started_on="2020-05-01", monthly_turnover="60 miliar")
    response = client.post(step_url("business"), data)
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["monthly_turnover"]] == ["implausible"]
    assert client.post(step_url("business"), {**data, "confirm_figures": "on"}).status_code == 302
    client.post(
        step_url("documents"),
        {
            "ktp": upload("ktp.png"),
            "development_plan_statement": upload("p.pdf", pdf_bytes(), "application/pdf"),
            "ownership_proof": upload("o.pdf", pdf_bytes(), "application/pdf"),
        },
    )
    review = client.get(step_url("review"))
    assert b'id="figure-notes"' in review.content  # the visible notice on review
    client.post(step_url("review"))
    assert Registration.objects.get().participant.business.monthly_turnover == 60_000_000_000


def test_the_service_refuses_a_negative_amount_with_the_fields_code(mentor_tebet: User) -> None:
    with pytest.raises(ValidationError) as exc:
        validators.clean_business(business_values(planned_capital=-1), track="pemula")
    assert [e.code for e in exc.value.error_dict["planned_capital"]] == ["negative"]


# --- the planned business of a starting entrepreneur ------------------------------------------------------------


def test_a_starting_entrepreneur_is_asked_for_the_planned_business(client: Client, entrepreneur: User) -> None:
    """Before: the starting track was asked for the workers, assets and start date of a business it has not."""
    login(client, entrepreneur)
    client.post(step_url("person"), person_data())
    form = client.get(step_url("business")).context["form"]
    assert {"planned_start", "planned_capital"} <= set(form.fields)
    assert not {"workers", "assets", "monthly_turnover", "started_on"} & set(form.fields)
    grown = BusinessForm(track="naik_kelas")
    assert {"workers", "assets", "monthly_turnover", "started_on"} <= set(grown.fields)
    assert not {"planned_start", "planned_capital"} & set(grown.fields)


def test_the_planned_business_is_stored(client: Client, entrepreneur: User) -> None:
    login(client, entrepreneur)
    month = timezone.localdate().replace(day=1) + datetime.timedelta(days=40)
    client.post(step_url("person"), person_data())
    data = business_data(planned_start=f"{month:%Y-%m}", planned_capital="2,5 juta", assets="9.999.999")
    assert client.post(step_url("business"), data).status_code == 302
    client.post(
        step_url("documents"),
        {"ktp": upload("ktp.png"), "plan_statement": upload("plan.pdf", pdf_bytes(), "application/pdf")},
    )
    client.post(step_url("review"))
    business = Registration.objects.get().participant.business
    assert business.planned_start == month.replace(day=1)
    assert business.planned_capital == 2_500_000
    assert (business.assets, business.workers, business.started_on) == (0, 0, None)  # no running business yet


def test_a_planned_start_in_the_past_or_missing_is_refused() -> None:
    today = datetime.date(2026, 5, 20)
    eligibility.check_plan(track="pemula", planned_start=datetime.date(2026, 5, 1), planned_capital=0, today=today)
    with pytest.raises(ValidationError) as exc:
        eligibility.check_plan(track="pemula", planned_start=datetime.date(2026, 4, 1), planned_capital=0, today=today)
    assert exc.value.error_dict["planned_start"][0].code == "planned_start_past"
    with pytest.raises(ValidationError) as exc:
        eligibility.check_plan(track="pemula", planned_start=None, planned_capital=None, today=today)
    assert set(exc.value.error_dict) == {"planned_start", "planned_capital"}
    eligibility.check_plan(track="naik_kelas", planned_start=None, planned_capital=None, today=today)


def test_the_growing_track_keeps_no_plan_and_the_starting_track_no_baseline() -> None:
    kept = validators.clean_business(business_values(started_on=datetime.date(2020, 1, 1)), track="naik_kelas")
    assert (kept.planned_start, kept.planned_capital, kept.assets) == (None, None, 5_000_000)


# --- dates --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [1, 1899])
def test_a_date_before_1900_is_refused_wherever_a_past_date_is_asked(year: int) -> None:
    """Before: a business started or a domicile since year 1 was accepted."""
    old = datetime.date(year, 6, 1)
    for check, kwargs, field in (
        (eligibility.check_business, {"track": "naik_kelas", "started_on": old}, "started_on"),
        (
            eligibility.check_residence,
            {"jakarta_ktp": False, "basis": "lurah_letter", "domicile_since": old, "partner_activity": ""},
            "domicile_since",
        ),
        (eligibility.check_age, {"birth_date": old}, "birth_date"),
    ):
        with pytest.raises(ValidationError) as exc:
            check(**kwargs)  # type: ignore[operator]
        assert exc.value.error_dict[field][0].code == "implausible_date"


def test_a_future_domicile_or_start_date_is_refused() -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        eligibility.check_business(track="naik_kelas", started_on=tomorrow)
    assert "started_on" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        eligibility.check_residence(
            jakarta_ktp=False, basis="lurah_letter", domicile_since=tomorrow, partner_activity=""
        )
    assert "domicile_since" in exc.value.error_dict


def test_the_wizard_refuses_a_business_started_in_year_1(client: Client, entrepreneur: User) -> None:
    login(client, entrepreneur)
    growing(client)
    response = client.post(step_url("business"), business_data(started_on="0001-01-01"))
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["started_on"]] == ["implausible_date"]


# --- the kelurahan of the kecamatan chosen -------------------------------------------------------------------------


def a_kelurahan_of(kecamatan: str) -> Kelurahan:
    found = Kelurahan.objects.filter(kecamatan__name=kecamatan).first()
    if found is None:
        pytest.skip("no kelurahan loaded yet")
    return found


def test_the_person_chooses_a_kelurahan_of_their_kecamatan(client: Client, entrepreneur: User) -> None:
    kelurahan = a_kelurahan_of("Tebet")
    login(client, entrepreneur)
    page = client.get(step_url("person")).content.decode()
    assert f'data-kecamatan="{kelurahan.kecamatan_id}"' in page
    assert "js/kelurahan.js" in page
    assert client.post(step_url("person"), person_data(kelurahan=kelurahan.pk)).status_code == 302
    client.post(step_url("business"), business_data())
    client.post(
        step_url("documents"),
        {"ktp": upload("ktp.png"), "plan_statement": upload("plan.pdf", pdf_bytes(), "application/pdf")},
    )
    client.post(step_url("review"))
    assert Registration.objects.get().participant.kelurahan == kelurahan


def test_a_kelurahan_of_another_kecamatan_is_refused(client: Client, entrepreneur: User) -> None:
    other = a_kelurahan_of("Gambir")
    login(client, entrepreneur)
    response = client.post(step_url("person"), person_data(kelurahan=other.pk))
    assert response.status_code == 200
    assert "other_kecamatan" in [e.code for e in response.context["form"].errors.as_data()["kelurahan"]]
    # the service refuses it too, with the same code
    with pytest.raises(ValidationError) as exc:
        validators.clean_person(person_values(kelurahan=other))
    assert [e.code for e in exc.value.error_dict["kelurahan"]] == ["other_kecamatan"]


def test_the_kelurahan_is_asked(client: Client, entrepreneur: User) -> None:
    a_kelurahan_of("Tebet")
    form = PersonForm(person_data(kelurahan=""))
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["kelurahan"]] == ["required"]


# --- document guidance -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("track", "template", "ownership"),
    [
        ("pemula", "docs/surat-pernyataan-rencana-usaha.html", False),
        ("naik_kelas", "docs/surat-pernyataan-rencana-pengembangan-usaha.html", True),
    ],
)
def test_the_documents_step_links_the_statement_letter_and_says_what_proves_ownership(
    client: Client, entrepreneur: User, track: str, template: str, ownership: bool
) -> None:
    from django.contrib.staticfiles import finders

    login(client, entrepreneur)
    client.post(step_url("person"), person_data(track=track))
    page = client.get(step_url("documents")).content.decode()
    assert template in page
    assert ('id="guide-ownership_proof"' in page) is ownership
    found = finders.find(template)
    assert found is not None
    text = open(found, encoding="utf-8").read()  # noqa: SIM115
    assert 'lang="id"' in text and "<script" not in text


def test_the_service_refuses_more_workers_than_any_business_has() -> None:
    """The bound sits far below the integer column: a mistyped count is the field's error, never a failed save."""
    kept = validators.clean_business(
        business_values(workers=validators.MAX_WORKERS, started_on=datetime.date(2020, 1, 1)), track="naik_kelas"
    )
    assert kept.workers == validators.MAX_WORKERS
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        validators.clean_business(
            business_values(workers=99_999_999_999, started_on=datetime.date(2020, 1, 1)), track="naik_kelas"
        )
    (error,) = exc.value.error_dict["workers"]
    assert error.code == "too_large"
    with translation.override("en"):
        assert exc.value.message_dict["workers"] == ["Enter at most 100,000 workers; check the number."]


def test_the_wizards_business_step_holds_the_same_bound_on_workers() -> None:
    """The person fixes a mistyped count on the step itself, not after sending the whole registration."""
    with translation.override("en"):
        form = BusinessForm(business_data(started_on="2020-05-01", workers="100001"), track="naik_kelas")
        assert form.errors["workers"] == ["Enter at most 100,000 workers; check the number."]
    assert BusinessForm(business_data(started_on="2020-05-01", workers="100000"), track="naik_kelas").is_valid()
    assert 'max="100000"' in str(BusinessForm(track="naik_kelas")["workers"])
