import datetime

import pytest
from django.core.exceptions import ValidationError

from registration.choices import DocumentKind, NonJakartaBasis, Track
from registration.eligibility import check_age, check_business, check_residence, required_documents

TODAY = datetime.date(2026, 11, 28)


@pytest.mark.parametrize(
    ("track", "jakarta", "basis", "expected"),
    [
        (Track.PEMULA, True, "", [DocumentKind.KTP, DocumentKind.PLAN_STATEMENT]),
        (
            Track.NAIK_KELAS,
            True,
            "",
            [DocumentKind.KTP, DocumentKind.DEVELOPMENT_PLAN_STATEMENT, DocumentKind.OWNERSHIP_PROOF],
        ),
        (
            Track.PEMULA,
            False,
            NonJakartaBasis.LURAH_LETTER,
            [DocumentKind.KTP, DocumentKind.PLAN_STATEMENT, DocumentKind.LURAH_LETTER],
        ),
        (Track.PEMULA, False, NonJakartaBasis.PARTNER_ACTIVITY, [DocumentKind.KTP, DocumentKind.PLAN_STATEMENT]),
        (
            Track.NAIK_KELAS,
            False,
            NonJakartaBasis.LURAH_LETTER,
            [
                DocumentKind.KTP,
                DocumentKind.DEVELOPMENT_PLAN_STATEMENT,
                DocumentKind.OWNERSHIP_PROOF,
                DocumentKind.LURAH_LETTER,
            ],
        ),
    ],
)
def test_required_documents_follow_track_and_ktp_origin(
    track: str, jakarta: bool, basis: str, expected: list[str]
) -> None:
    assert required_documents(track=track, jakarta_ktp=jakarta, basis=basis) == expected


def residence_error(**kwargs: object) -> str:
    with pytest.raises(ValidationError) as exc:
        check_residence(today=TODAY, **kwargs)  # type: ignore[arg-type]
    return next(iter(exc.value.error_dict))


def test_jakarta_ktp_needs_no_basis() -> None:
    check_residence(jakarta_ktp=True, basis="", domicile_since=None, partner_activity="", today=TODAY)


def test_without_jakarta_ktp_a_basis_is_required() -> None:
    assert residence_error(jakarta_ktp=False, basis="", domicile_since=None, partner_activity="") == (
        "non_jakarta_basis"
    )


def test_lurah_letter_needs_two_full_years_of_domicile() -> None:
    two_years = datetime.date(2024, 11, 28)
    check_residence(
        jakarta_ktp=False,
        basis=NonJakartaBasis.LURAH_LETTER,
        domicile_since=two_years,
        partner_activity="",
        today=TODAY,
    )
    assert (
        residence_error(
            jakarta_ktp=False,
            basis=NonJakartaBasis.LURAH_LETTER,
            domicile_since=two_years + datetime.timedelta(days=1),
            partner_activity="",
        )
        == "domicile_since"
    )
    assert (
        residence_error(
            jakarta_ktp=False, basis=NonJakartaBasis.LURAH_LETTER, domicile_since=None, partner_activity=""
        )
        == "domicile_since"
    )


def test_partner_activity_must_be_named() -> None:
    check_residence(
        jakarta_ktp=False,
        basis=NonJakartaBasis.PARTNER_ACTIVITY,
        domicile_since=None,
        partner_activity="Pelatihan Shopee 2026",
        today=TODAY,
    )
    assert (
        residence_error(
            jakarta_ktp=False, basis=NonJakartaBasis.PARTNER_ACTIVITY, domicile_since=None, partner_activity="  "
        )
        == "partner_activity"
    )


def test_participants_are_at_least_seventeen() -> None:
    check_age(birth_date=datetime.date(2009, 11, 28), today=TODAY)
    with pytest.raises(ValidationError):
        check_age(birth_date=datetime.date(2009, 11, 29), today=TODAY)
    with pytest.raises(ValidationError):
        check_age(birth_date=datetime.date(2027, 1, 1), today=TODAY)


def test_growing_track_needs_a_business_that_started() -> None:
    check_business(track=Track.PEMULA, started_on=None, today=TODAY)
    check_business(track=Track.NAIK_KELAS, started_on=datetime.date(2020, 1, 1), today=TODAY)
    with pytest.raises(ValidationError):
        check_business(track=Track.NAIK_KELAS, started_on=None, today=TODAY)
    with pytest.raises(ValidationError):
        check_business(track=Track.PEMULA, started_on=datetime.date(2027, 1, 1), today=TODAY)
