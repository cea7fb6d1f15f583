"""The P7 pages, for every kind of user: the participant, a peer, the mentor of their kecamatan, another
kecamatan's mentor, their secretariat, agency staff, a partner's user and anonymous. A role that has no such page
gets 403; an object it may not see, 404. Bad input re-renders the form with what was typed (400, nothing saved);
each action says what happened."""

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from capital.choices import ReferralStatus
from capital.models import FinancingProduct, LoanReferral
from capital.tests.factories import ProductFactory, referral_in
from partners import services as partner_services
from partners.choices import Purpose
from partners.models import Agreement, Consent, PartnerOrganisation
from partners.selectors import current_text
from registration.models import Participant
from registration.tests.conftest import login
from registration.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

EVERYONE = [
    "entrepreneur",
    "other_entrepreneur",
    "mentor_tebet",
    "mentor_gambir",
    "secretariat_tebet",
    "agency_staff",
    "partner_user",
]


def as_user(client: Client, request: pytest.FixtureRequest, who: str) -> User:
    user: User = request.getfixturevalue(who)
    login(client, user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return user


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def requested(siti: Participant, budi: Participant, product: FinancingProduct) -> LoanReferral:
    return referral_in(ReferralStatus.REQUESTED, participant=siti, product=product)


def form_data(**overrides: Any) -> dict[str, Any]:
    return {
        "amount_requested": "5.000.000",
        "tenor_months": "12",
        "use_of_funds": "Kompor kedua untuk pesanan katering.",
        "shared": ["identity", "business", "statements"],
        "agree": "on",
        "text_version": str(current_text(Purpose.LOAN_ASSESSMENT).version),
        **overrides,
    }


# --- who opens what ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "readiness", "product_page", "detail", "queue", "participant", "figures"),
    [
        ("entrepreneur", 200, 200, 200, 403, 403, 403),
        ("other_entrepreneur", 200, 200, 404, 403, 403, 403),
        ("mentor_tebet", 403, 200, 200, 200, 200, 403),
        ("mentor_gambir", 403, 200, 404, 200, 404, 403),
        ("secretariat_tebet", 403, 403, 403, 403, 403, 403),
        ("agency_staff", 403, 200, 200, 200, 200, 200),
        ("partner_user", 403, 403, 403, 403, 403, 403),
    ],
)
def test_who_opens_each_page(
    client: Client,
    request: pytest.FixtureRequest,
    requested: LoanReferral,
    who: str,
    readiness: int,
    product_page: int,
    detail: int,
    queue: int,
    participant: int,
    figures: int,
) -> None:
    as_user(client, request, who)
    pages = [
        (reverse("capital:readiness"), readiness),
        (reverse("capital:referrals"), readiness),
        (reverse("capital:product", args=[requested.product.code]), product_page),
        (reverse("capital:referral_detail", args=[requested.pk]), detail),
        (reverse("capital:queue"), queue),
        (reverse("capital:participant", args=[requested.participant_id]), participant),
        (reverse("capital:figures"), figures),
    ]
    for url, expected in pages:
        assert client.get(url).status_code == expected, (who, url)


def test_anonymous_is_sent_to_log_in(client: Client, requested: LoanReferral) -> None:
    code = requested.product.code
    urls = [
        reverse("capital:readiness"),
        reverse("capital:product", args=[code]),
        reverse("capital:referral_create", args=[code]),
        reverse("capital:referrals"),
        reverse("capital:referral_detail", args=[requested.pk]),
        reverse("capital:queue"),
        reverse("capital:participant", args=[requested.participant_id]),
        reverse("capital:figures"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login")), url
    for name in ("capital:referral_withdraw", "capital:referral_send"):
        response = client.post(reverse(name, args=[requested.pk]))
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert LoanReferral.objects.get(pk=requested.pk).status == ReferralStatus.REQUESTED


# --- the participant --------------------------------------------------------------------------------------------


def test_the_readiness_page_shows_what_the_participant_qualifies_for_and_what_is_missing(
    client: Client, request: pytest.FixtureRequest, siti: Participant, product: FinancingProduct
) -> None:
    strict = ProductFactory(lender=product.lender, name="Kredit Berizin", needs_nib=True)
    as_user(client, request, "entrepreneur")
    html = client.get(reverse("capital:readiness")).content.decode()
    assert 'id="qualifying"' in html and reverse("capital:referral_create", args=[product.code]) in html
    assert 'id="lacking"' in html and "Kredit Berizin" in html and "NIB" in html
    assert reverse("licensing:request_create") in html
    assert reverse("capital:referral_create", args=[strict.code]) not in html


def test_an_unverified_participant_sees_the_loans_but_cannot_ask_yet(
    client: Client, entrepreneur: User, product: FinancingProduct
) -> None:
    RegistrationFactory(participant__user=entrepreneur)
    login(client, entrepreneur)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("capital:readiness")).content.decode()
    assert 'id="not-verified"' in html and product.name in html
    assert reverse("capital:referral_create", args=[product.code]) not in html
    response = client.get(reverse("capital:referral_create", args=[product.code]))
    assert response.status_code == 302 and response.url == reverse("capital:product", args=[product.code])


def test_a_person_not_registered_is_told_to_register(
    client: Client, entrepreneur: User, product: FinancingProduct
) -> None:
    login(client, entrepreneur)
    assert 'id="not-registered"' in client.get(reverse("capital:readiness")).content.decode()
    response = client.get(reverse("capital:referral_create", args=[product.code]))
    assert response.status_code == 302 and response.url == reverse("capital:readiness")


def test_the_product_page_says_what_the_participant_lacks_or_offers_to_ask(
    client: Client, request: pytest.FixtureRequest, siti: Participant, product: FinancingProduct
) -> None:
    as_user(client, request, "entrepreneur")
    html = client.get(reverse("capital:product", args=[product.code])).content.decode()
    assert 'id="qualifies"' in html and 'id="ask-referral"' in html
    strict = ProductFactory(lender=product.lender, min_report_months=3)
    html = client.get(reverse("capital:product", args=[strict.code])).content.decode()
    assert "3 months of financial reports" in html and reverse("finance:book") in html
    assert 'id="ask-referral"' not in html
    closed = ProductFactory(lender=product.lender, active=False)
    assert client.get(reverse("capital:product", args=[closed.code])).status_code == 404
    assert client.get(reverse("capital:referral_create", args=[closed.code])).status_code == 404


def test_a_participant_asks_for_a_referral(
    client: Client, request: pytest.FixtureRequest, siti: Participant, product: FinancingProduct
) -> None:
    as_user(client, request, "entrepreneur")
    url = reverse("capital:referral_create", args=[product.code])
    page = client.get(url)
    html = page.content.decode()
    version = current_text(Purpose.LOAN_ASSESSMENT).version
    assert page.status_code == 200 and product.lender.name in html
    assert f'name="text_version" value="{version}"' in html and 'id="consent-text"' in html
    assert "no longer sees your data" in html  # what withdrawing does is said before agreeing
    response = client.post(url, form_data(shared=["identity", "statements"]))
    referral = LoanReferral.objects.get()
    assert response.status_code == 302 and response.url == reverse("capital:referral_detail", args=[referral.pk])
    assert (referral.amount_requested, referral.tenor_months, referral.shared) == (
        5_000_000,
        12,
        ["identity", "statements"],
    )
    assert referral.consent.organisation == product.lender
    followed = client.get(response.url)
    assert any("Referral saved" in m for m in messages_of(followed))
    assert 'id="move-withdrawn"' in followed.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amount_requested": "lima juta"}, "amount_requested"),
        ({"amount_requested": "60 juta"}, "amount_requested"),
        ({"tenor_months": "48"}, "tenor_months"),
        ({"use_of_funds": ""}, "use_of_funds"),
        ({"shared": ["business"]}, "shared"),
        ({"agree": ""}, "agree"),
    ],
)
def test_bad_input_keeps_what_was_typed_and_saves_nothing(
    client: Client,
    request: pytest.FixtureRequest,
    siti: Participant,
    product: FinancingProduct,
    overrides: dict[str, Any],
    field: str,
) -> None:
    as_user(client, request, "entrepreneur")
    response = client.post(reverse("capital:referral_create", args=[product.code]), form_data(**overrides))
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors, form.errors
    html = response.content.decode()
    if field != "use_of_funds":
        assert "Kompor kedua untuk pesanan katering." in html
    if field != "amount_requested":
        assert 'value="5.000.000"' in html
    assert not LoanReferral.objects.exists() and not Consent.objects.exists()


def test_a_changed_consent_text_is_shown_again_with_everything_typed_kept(
    client: Client, request: pytest.FixtureRequest, siti: Participant, product: FinancingProduct, agency_staff: User
) -> None:
    shown = current_text(Purpose.LOAN_ASSESSMENT).version
    partner_services.consent_text_publish(
        purpose=Purpose.LOAN_ASSESSMENT, text_id="Teks baru {partner}.", text_en="New text for {partner}.",
        acting_user=agency_staff,
    )  # fmt: skip
    as_user(client, request, "entrepreneur")
    response = client.post(reverse("capital:referral_create", args=[product.code]), form_data(text_version=shown))
    html = response.content.decode()
    assert response.status_code == 400 and any("consent text has changed" in m for m in messages_of(response))
    assert f"New text for {product.lender.name}." in html and f'name="text_version" value="{shown + 1}"' in html
    assert "Kompor kedua untuk pesanan katering." in html
    assert not LoanReferral.objects.exists()


def test_a_product_with_an_open_referral_sends_the_participant_to_it(
    client: Client, request: pytest.FixtureRequest, requested: LoanReferral
) -> None:
    as_user(client, request, "entrepreneur")
    response = client.get(reverse("capital:referral_create", args=[requested.product.code]))
    assert response.status_code == 302 and response.url == reverse("capital:referral_detail", args=[requested.pk])


def test_a_product_not_qualified_for_sends_the_participant_to_what_is_missing(
    client: Client, request: pytest.FixtureRequest, siti: Participant, bank: PartnerOrganisation
) -> None:
    strict = ProductFactory(lender=bank, needs_nib=True)
    as_user(client, request, "entrepreneur")
    url = reverse("capital:referral_create", args=[strict.code])
    response = client.get(url)
    assert response.status_code == 302 and response.url == reverse("capital:product", args=[strict.code])
    assert client.post(url, form_data()).status_code == 302
    assert not LoanReferral.objects.exists()


@pytest.mark.parametrize("who", ["mentor_tebet", "agency_staff", "secretariat_tebet", "partner_user"])
def test_only_a_participant_asks_on_the_web(
    client: Client, request: pytest.FixtureRequest, who: str, siti: Participant, product: FinancingProduct
) -> None:
    as_user(client, request, who)
    assert client.post(reverse("capital:referral_create", args=[product.code]), form_data()).status_code == 403
    assert not LoanReferral.objects.exists()


def test_my_referrals_are_mine_only(
    client: Client,
    request: pytest.FixtureRequest,
    requested: LoanReferral,
    budi: Participant,
    bank: PartnerOrganisation,
) -> None:
    others = referral_in(ReferralStatus.SENT, participant=budi, product=ProductFactory(lender=bank))
    as_user(client, request, "entrepreneur")
    response = client.get(reverse("capital:referrals"))
    assert [r.pk for r in response.context["page"].items] == [requested.pk]
    assert reverse("capital:referral_detail", args=[others.pk]) not in response.content.decode()


def test_the_referral_page_shows_its_timeline_and_shared_data(
    client: Client, request: pytest.FixtureRequest, siti: Participant, product: FinancingProduct
) -> None:
    disbursed = referral_in(
        ReferralStatus.DISBURSED, participant=siti, product=product, amount_approved=4_000_000,
        amount_disbursed=4_000_000, lender_reference="KMP-77", shared=["identity"],
    )  # fmt: skip
    as_user(client, request, "entrepreneur")
    html = client.get(reverse("capital:referral_detail", args=[disbursed.pk])).content.decode()
    for status in ("requested", "sent", "under_review", "approved", "disbursed"):
        assert f'data-to="{status}"' in html
    assert 'data-shared="identity"' in html and 'data-shared="business"' not in html
    assert "Rp 4.000.000" in html and "KMP-77" in html
    assert 'id="move-withdrawn"' not in html  # a disbursed loan is not withdrawn


def test_the_participant_withdraws_and_their_consent_ends_with_it(
    client: Client, request: pytest.FixtureRequest, requested: LoanReferral
) -> None:
    as_user(client, request, "entrepreneur")
    response = client.post(
        reverse("capital:referral_withdraw", args=[requested.pk]), {"note": "Tidak jadi."}, follow=True
    )
    assert LoanReferral.objects.get(pk=requested.pk).status == ReferralStatus.WITHDRAWN
    assert not Consent.objects.get(pk=requested.consent_id).is_active
    assert any("so is your consent" in m for m in messages_of(response))
    again = client.post(reverse("capital:referral_withdraw", args=[requested.pk]), follow=True)
    assert any("cannot be moved" in m for m in messages_of(again))


def test_a_withdrawal_note_too_long_comes_back_on_the_form(
    client: Client, request: pytest.FixtureRequest, requested: LoanReferral
) -> None:
    as_user(client, request, "entrepreneur")
    response = client.post(reverse("capital:referral_withdraw", args=[requested.pk]), {"note": "panjang " * 80})
    assert response.status_code == 400 and "panjang panjang" in response.content.decode()
    assert LoanReferral.objects.get(pk=requested.pk).status == ReferralStatus.REQUESTED


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("other_entrepreneur", 404),
        ("mentor_tebet", 403),
        ("mentor_gambir", 404),
        ("agency_staff", 403),
        ("partner_user", 403),
    ],
)
def test_nobody_else_withdraws(
    client: Client, request: pytest.FixtureRequest, requested: LoanReferral, who: str, expected: int
) -> None:
    as_user(client, request, who)
    assert client.post(reverse("capital:referral_withdraw", args=[requested.pk])).status_code == expected
    assert LoanReferral.objects.get(pk=requested.pk).status == ReferralStatus.REQUESTED


# --- the program: the queue and sending -------------------------------------------------------------------------


def test_the_mentor_sees_their_kecamatans_queue_and_sends_a_referral(
    client: Client, request: pytest.FixtureRequest, requested: LoanReferral, gambir_participant: Participant
) -> None:
    elsewhere = referral_in(ReferralStatus.REQUESTED, participant=gambir_participant, product=requested.product)
    as_user(client, request, "mentor_tebet")
    page = client.get(reverse("capital:queue"))
    assert [r.pk for r in page.context["page"].items] == [requested.pk]
    assert reverse("capital:referral_send", args=[requested.pk]) in page.content.decode()
    response = client.post(reverse("capital:referral_send", args=[requested.pk]), {"note": "Dokumen lengkap."})
    assert response.status_code == 302 and response.url == reverse("capital:queue")
    assert LoanReferral.objects.get(pk=requested.pk).status == ReferralStatus.SENT
    assert any("Sent to" in m for m in messages_of(client.get(response.url)))
    assert client.post(reverse("capital:referral_send", args=[elsewhere.pk])).status_code == 404


def test_agency_staff_see_every_kecamatan_and_filter_one(
    client: Client, request: pytest.FixtureRequest, requested: LoanReferral, gambir_participant: Participant
) -> None:
    elsewhere = referral_in(ReferralStatus.REQUESTED, participant=gambir_participant, product=requested.product)
    as_user(client, request, "agency_staff")
    assert {r.pk for r in client.get(reverse("capital:queue")).context["page"].items} == {requested.pk, elsewhere.pk}
    gambir = gambir_participant.kecamatan_id
    filtered = client.get(reverse("capital:queue"), {"kecamatan": gambir})
    assert [r.pk for r in filtered.context["page"].items] == [elsewhere.pk]
    assert client.get(reverse("capital:queue"), {"kecamatan": "999999"}).status_code == 400


def test_the_mentor_of_another_kecamatan_sees_an_empty_queue(
    client: Client, request: pytest.FixtureRequest, requested: LoanReferral
) -> None:
    as_user(client, request, "mentor_gambir")
    response = client.get(reverse("capital:queue"))
    assert 'id="queue-empty"' in response.content.decode()
    assert client.post(reverse("capital:referral_send", args=[requested.pk])).status_code == 404


@pytest.mark.parametrize(
    ("who", "expected"), [("entrepreneur", 403), ("other_entrepreneur", 404), ("partner_user", 403)]
)
def test_others_do_not_send(
    client: Client, request: pytest.FixtureRequest, requested: LoanReferral, who: str, expected: int
) -> None:
    as_user(client, request, who)
    assert client.post(reverse("capital:referral_send", args=[requested.pk])).status_code == expected
    assert LoanReferral.objects.get(pk=requested.pk).status == ReferralStatus.REQUESTED


def test_a_referral_sent_already_is_said_so(
    client: Client, request: pytest.FixtureRequest, requested: LoanReferral
) -> None:
    LoanReferral.objects.filter(pk=requested.pk).update(status=ReferralStatus.SENT)
    as_user(client, request, "mentor_tebet")
    response = client.post(reverse("capital:referral_send", args=[requested.pk]), follow=True)
    assert any("cannot be moved" in m for m in messages_of(response))


def test_sending_with_a_note_too_long_keeps_it_on_the_form(
    client: Client, request: pytest.FixtureRequest, requested: LoanReferral
) -> None:
    as_user(client, request, "mentor_tebet")
    response = client.post(reverse("capital:referral_send", args=[requested.pk]), {"note": "catatan " * 80})
    assert response.status_code == 400 and "catatan catatan" in response.content.decode()
    assert LoanReferral.objects.get(pk=requested.pk).status == ReferralStatus.REQUESTED


def test_a_refusal_of_the_service_shows_on_the_send_form(
    client: Client, request: pytest.FixtureRequest, requested: LoanReferral, siti: Participant
) -> None:
    Agreement.objects.filter(organisation=requested.lender).update(
        ends_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    as_user(client, request, "mentor_tebet")
    response = client.post(reverse("capital:referral_send", args=[requested.pk]), {"note": "Lengkap."})
    html = response.content.decode()
    assert response.status_code == 400 and "No agreement in force with" in html and "Lengkap." in html
    assert LoanReferral.objects.get(pk=requested.pk).status == ReferralStatus.REQUESTED


def test_a_withdrawn_consent_stops_the_program_and_the_page_says_so(
    client: Client, request: pytest.FixtureRequest, requested: LoanReferral, siti: Participant
) -> None:
    """The participant withdrew the consent on "Data saya": the mentor is told why the referral cannot be sent, the
    participant that the lender no longer sees their data and that withdrawing is left."""
    partner_services.consent_withdraw(consent=requested.consent, channel="web", acting_user=siti.user)
    page = reverse("capital:referral_detail", args=[requested.pk])
    as_user(client, request, "mentor_tebet")
    html = client.get(page).content.decode()
    assert 'id="consent-withdrawn"' in html and "The participant withdrew their consent" in html
    assert 'id="move-sent"' not in html
    response = client.post(reverse("capital:referral_send", args=[requested.pk]), follow=True)
    assert any("withdrew their consent" in m for m in messages_of(response))
    assert LoanReferral.objects.get(pk=requested.pk).status == ReferralStatus.REQUESTED
    as_user(client, request, "entrepreneur")
    html = client.get(page).content.decode()
    assert "You withdrew your consent" in html and "no longer sees your data" in html
    assert 'id="move-withdrawn"' in html
    response = client.post(reverse("capital:referral_withdraw", args=[requested.pk]), follow=True)
    assert LoanReferral.objects.get(pk=requested.pk).status == ReferralStatus.WITHDRAWN
    assert any("so is your consent" in m for m in messages_of(response))
    html = response.content.decode()
    assert 'id="consent-withdrawn"' in html and "no longer sees it" in html and 'id="move-withdrawn"' not in html


def test_a_page_with_its_consent_standing_says_nothing_of_it(
    client: Client, request: pytest.FixtureRequest, requested: LoanReferral
) -> None:
    as_user(client, request, "entrepreneur")
    html = client.get(reverse("capital:referral_detail", args=[requested.pk])).content.decode()
    assert 'id="consent-withdrawn"' not in html and 'id="move-withdrawn"' in html


def test_the_staff_participant_page_shows_readiness_and_referrals(
    client: Client, request: pytest.FixtureRequest, requested: LoanReferral
) -> None:
    ProductFactory(lender=requested.lender, name="Kredit Berizin", needs_nib=True)
    as_user(client, request, "mentor_tebet")
    html = client.get(reverse("capital:participant", args=[requested.participant_id])).content.decode()
    assert "Kredit Berizin" in html and "NIB" in html
    assert reverse("licensing:request_create") not in html  # the participant's own steps are not linked here
    assert reverse("capital:referral_detail", args=[requested.pk]) in html


# --- agency staff: the figures ----------------------------------------------------------------------------------


def test_the_figures_page_takes_the_year_and_group_from_the_address(
    client: Client, request: pytest.FixtureRequest, siti: Participant, product: FinancingProduct
) -> None:
    referral_in(
        ReferralStatus.DISBURSED,
        participant=siti,
        product=product,
        amount_disbursed=1_500_000,
        amount_approved=2_000_000,
    )
    referral_in(ReferralStatus.REQUESTED, participant=siti, product=ProductFactory(lender=product.lender))
    as_user(client, request, "agency_staff")
    year = timezone.localdate().year
    response = client.get(reverse("capital:figures"), {"year": year, "by": "product"})
    rows = {row.name: row for row in response.context["figures"].rows}
    assert rows[product.name].disbursed == 1 and rows[product.name].disbursed_amount == 1_500_000
    html = response.content.decode()
    assert 'id="figures-total"' in html and "Rp 1.500.000" in html
    by_lender = client.get(reverse("capital:figures"), {"year": year, "by": "lender"}).context["figures"]
    assert [(r.name, r.referred, r.approved, r.disbursed) for r in by_lender.rows] == [(product.lender.name, 2, 1, 1)]
    empty = client.get(reverse("capital:figures"), {"year": year - 1, "by": "kecamatan"})
    assert 'id="figures-empty"' in empty.content.decode()
    for bad in ({"year": "1999"}, {"by": "wilayah"}, {"year": "tahun"}):
        assert client.get(reverse("capital:figures"), bad).status_code == 400, bad


# --- the links other apps show ----------------------------------------------------------------------------------


def test_the_navigation_offers_each_role_its_pages(
    client: Client, request: pytest.FixtureRequest, siti: Participant
) -> None:
    expected = {
        "entrepreneur": ({"capital:readiness"}, {"capital:queue", "capital:figures"}),
        "mentor_tebet": ({"capital:queue"}, {"capital:readiness", "capital:figures"}),
        "agency_staff": ({"capital:queue", "capital:figures"}, {"capital:readiness"}),
        "secretariat_tebet": (set(), {"capital:readiness", "capital:queue", "capital:figures"}),
    }
    for who, (shown, hidden) in expected.items():
        as_user(client, request, who)
        html = client.get(reverse("home")).content.decode()
        for name in shown:
            assert f'href="{reverse(name)}"' in html, (who, name)
        for name in hidden:
            assert f'href="{reverse(name)}"' not in html, (who, name)


def test_the_registration_page_links_to_capital_for_the_mentor_and_agency_staff(
    client: Client, request: pytest.FixtureRequest, siti: Participant
) -> None:
    link = reverse("capital:participant", args=[siti.pk])
    submitted = RegistrationFactory().participant
    for who, shown in (("mentor_tebet", True), ("agency_staff", True), ("secretariat_tebet", False)):
        as_user(client, request, who)
        assert (link in client.get(reverse("registration:participant", args=[siti.pk])).content.decode()) is shown, who
        waiting = client.get(reverse("registration:participant", args=[submitted.pk])).content.decode()
        assert reverse("capital:participant", args=[submitted.pk]) not in waiting


def test_the_mentoring_page_shows_readiness_and_referrals(
    client: Client, request: pytest.FixtureRequest, requested: LoanReferral
) -> None:
    as_user(client, request, "mentor_tebet")
    html = client.get(reverse("mentoring:participant", args=[requested.participant_id])).content.decode()
    assert 'id="participant-capital"' in html and requested.product.name in html
    assert reverse("capital:referral_detail", args=[requested.pk]) in html
    as_user(client, request, "secretariat_tebet")
    page = client.get(reverse("mentoring:participant", args=[requested.participant_id]))
    assert page.status_code == 200 and 'id="participant-capital"' not in page.content.decode()
