"""The writes of P7: products (agency staff), a referral asked (it qualifies, within the product's ranges, the
identity shared, the consent granted or reused against the text shown, one open per product), every move by its
mover only and only along MOVES, what each move carries, and withdrawal ending the consent."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from accounts.models import User
from capital import permissions, services
from capital.choices import ReferralStatus, SharedData
from capital.models import FinancingProduct, LoanReferral, ReferralMove
from capital.tests.factories import PATHS, ProductFactory, ask, lender, product_data, referral_in
from core import audit
from finance.tests.factories import MonthlyRecordFactory
from notifications.models import Channel, Message
from partners import services as partner_services
from partners.choices import ConsentChannel, OrganisationKind, Purpose, Step
from partners.models import Consent, ConsentText, PartnerOrganisation
from partners.selectors import current_text
from partners.tests.factories import PartnerOrganisationFactory, issue_key
from registration.choices import Status
from registration.models import Participant
from registration.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {name: [e.code or "" for e in errors] for name, errors in exc.error_dict.items()}


def sent_to(user: User) -> list[str]:
    return list(Message.objects.filter(recipient=user, channel=Channel.EMAIL).values_list("template", flat=True))


# --- products ---------------------------------------------------------------------------------------------------


def test_agency_staff_create_change_and_take_a_product_off_offer(
    agency_staff: User, bank: PartnerOrganisation
) -> None:
    made = services.product_create(
        code="kredit-warung",
        data=product_data(bank, tracks=("naik_kelas", "naik_kelas"), classes=("small", "micro")),
        acting_user=agency_staff,
    )
    assert (made.code, made.lender, made.tracks, made.classes) == (
        "kredit-warung",
        bank,
        ["naik_kelas"],
        ["micro", "small"],
    )
    changed = services.product_update(
        product=made,
        data=product_data(bank, name="Kredit Warung Plus", amount_max=30_000_000),
        acting_user=agency_staff,
    )
    assert (changed.name, changed.amount_max, changed.code) == ("Kredit Warung Plus", 30_000_000, "kredit-warung")
    assert services.product_deactivate(product=made, acting_user=agency_staff).active is False
    assert FinancingProduct.objects.get(pk=made.pk).active is False


@pytest.mark.parametrize("who", ["mentor_tebet", "secretariat_tebet", "partner_user", "entrepreneur"])
def test_only_agency_staff_manage_products(
    request: pytest.FixtureRequest, who: str, bank: PartnerOrganisation
) -> None:
    user = request.getfixturevalue(who)
    with pytest.raises(ValidationError) as refused:
        services.product_create(code="kredit", data=product_data(bank), acting_user=user)
    assert refused.value.code == "not_allowed"
    assert not FinancingProduct.objects.exists()


def test_a_product_belongs_to_a_lender_with_amounts_and_tenors_in_order(agency_staff: User) -> None:
    university = PartnerOrganisationFactory(kind=OrganisationKind.UNIVERSITY)
    data = product_data(university, amount_min=0, amount_max=10**16, tenor_min_months=24, tenor_max_months=12)
    with pytest.raises(ValidationError) as refused:
        services.product_create(code="kredit", data=data, acting_user=agency_staff)
    assert codes(refused.value) == {
        "lender": ["not_lender"],
        "amount_min": ["amounts_order"],
        "amount_max": ["too_large"],
        "tenor_min_months": ["tenor_order"],
    }


def test_a_product_code_is_unique(agency_staff: User, bank: PartnerOrganisation) -> None:
    services.product_create(code="kredit", data=product_data(bank), acting_user=agency_staff)
    with pytest.raises(ValidationError) as refused:
        services.product_create(code="kredit", data=product_data(bank), acting_user=agency_staff)
    assert "code" in refused.value.error_dict


# --- asking for a referral --------------------------------------------------------------------------------------


def test_a_referral_is_made_with_its_consent_first_move_and_messages(
    siti: Participant, product: FinancingProduct, mentor_tebet: User
) -> None:
    referral = ask(siti, product, amount_requested=5_000_000, tenor_months=12, shared=["statements", "identity"])
    assert (referral.status, referral.lender, referral.amount_requested, referral.tenor_months) == (
        ReferralStatus.REQUESTED,
        product.lender,
        5_000_000,
        12,
    )
    assert referral.shared == [SharedData.IDENTITY, SharedData.STATEMENTS]  # in the choices' order
    consent = referral.consent
    assert (consent.organisation, consent.purpose, consent.is_active) == (
        product.lender,
        Purpose.LOAN_ASSESSMENT,
        True,
    )
    assert consent.text == current_text(Purpose.LOAN_ASSESSMENT) and consent.granted_channel == ConsentChannel.WEB
    move = ReferralMove.objects.get(referral=referral)
    assert (move.from_status, move.to_status, move.moved_by) == ("", ReferralStatus.REQUESTED, siti.user)
    assert sent_to(siti.user) == ["capital_requested"]
    assert sent_to(mentor_tebet) == ["capital_requested_mentor"]


def test_a_second_product_of_the_same_lender_reuses_the_active_consent(
    siti: Participant, product: FinancingProduct
) -> None:
    first = ask(siti, product)
    second = ask(siti, ProductFactory(lender=product.lender))
    assert first.consent == second.consent
    assert Consent.objects.filter(participant=siti).count() == 1


def test_a_referral_on_a_newer_text_renews_the_consent_and_the_open_referrals_rest_on_it(
    siti: Participant, product: FinancingProduct, agency_staff: User
) -> None:
    first = ask(siti, product)
    partner_services.consent_text_publish(
        purpose=Purpose.LOAN_ASSESSMENT, text_id="Teks baru.", text_en="New text.", acting_user=agency_staff
    )
    second = ask(siti, ProductFactory(lender=product.lender))
    first.refresh_from_db()
    assert second.consent.text.version == first.consent.text.version
    assert first.consent == second.consent and second.consent.is_active
    assert Consent.objects.filter(participant=siti, withdrawn_at__isnull=False).count() == 1  # the older one


def test_the_consent_is_given_against_the_text_the_person_was_shown(
    siti: Participant, product: FinancingProduct, agency_staff: User
) -> None:
    shown = current_text(Purpose.LOAN_ASSESSMENT).version
    partner_services.consent_text_publish(
        purpose=Purpose.LOAN_ASSESSMENT, text_id="Teks baru.", text_en="New text.", acting_user=agency_staff
    )
    with pytest.raises(ValidationError) as refused:
        ask(siti, product, text_version=shown)
    assert codes(refused.value) == {"text_version": ["text_changed"]}
    made = ask(siti, product, text_version=shown + 1)
    assert made.consent.text == ConsentText.objects.get(purpose=Purpose.LOAN_ASSESSMENT, version=shown + 1)


def test_the_participant_asks_for_themself_once_verified(
    siti: Participant, product: FinancingProduct, mentor_tebet: User, agency_staff: User
) -> None:
    for someone in (mentor_tebet, agency_staff):
        with pytest.raises(ValidationError) as refused:
            ask(siti, product, acting_user=someone)
        assert refused.value.code == "not_allowed"
    waiting = RegistrationFactory(status=Status.SUBMITTED).participant
    with pytest.raises(ValidationError) as refused:
        ask(waiting, product)
    assert refused.value.code == "not_verified"
    assert not LoanReferral.objects.exists() and not Consent.objects.exists()


def test_a_product_off_offer_or_of_a_lender_that_left_takes_no_referral(
    siti: Participant, product: FinancingProduct
) -> None:
    FinancingProduct.objects.filter(pk=product.pk).update(active=False)
    with pytest.raises(ValidationError) as refused:
        ask(siti, product)
    assert refused.value.code == "product_closed"
    FinancingProduct.objects.filter(pk=product.pk).update(active=True)
    PartnerOrganisation.objects.filter(pk=product.lender_id).update(active=False)
    with pytest.raises(ValidationError) as refused:
        ask(siti, product)
    assert refused.value.code == "product_closed"


def test_a_participant_who_does_not_qualify_is_told_what_is_missing(
    siti: Participant, bank: PartnerOrganisation
) -> None:
    strict = ProductFactory(lender=bank, min_report_months=3, needs_nib=True)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        ask(siti, strict)
    assert refused.value.code == "not_ready"
    text = " ".join(refused.value.messages)
    assert "3 months of financial reports" in text and "NIB" in text
    assert not LoanReferral.objects.exists() and not Consent.objects.exists()


def test_months_reported_let_the_same_participant_in(siti: Participant, bank: PartnerOrganisation) -> None:
    needs_reports = ProductFactory(lender=bank, min_report_months=3)
    this_month = timezone.localdate().replace(day=1)
    for back in range(1, 4):
        month = (this_month - datetime.timedelta(days=28 * back)).replace(day=1)
        MonthlyRecordFactory(participant=siti, month=month)
    assert ask(siti, needs_reports).status == ReferralStatus.REQUESTED


def test_what_is_asked_is_checked_against_the_product(siti: Participant, product: FinancingProduct) -> None:
    with pytest.raises(ValidationError) as refused:
        ask(siti, product, amount_requested=60_000_000, tenor_months=36, use_of_funds="  ", shared=["business"])
    assert codes(refused.value) == {
        "amount_requested": ["amount_range"],
        "tenor_months": ["tenor_range"],
        "use_of_funds": ["required"],
        "shared": ["identity_needed"],
    }
    with pytest.raises(ValidationError) as refused:
        ask(siti, product, amount_requested=999_999, use_of_funds="x" * 501, shared=["identity", "nik"])
    assert codes(refused.value) == {
        "amount_requested": ["amount_range"],
        "use_of_funds": ["too_long"],
        "shared": ["invalid"],
    }
    assert not LoanReferral.objects.exists() and not Consent.objects.exists()


def test_the_lender_must_have_an_agreement_in_force_covering_p7(siti: Participant, agency_staff: User) -> None:
    only_books = lender(staff=agency_staff, steps=[Step.P6])
    with pytest.raises(ValidationError) as refused:
        ask(siti, ProductFactory(lender=only_books))
    assert refused.value.code == "purpose_not_covered"


def test_one_open_referral_per_product_and_a_new_one_after_withdrawal(
    siti: Participant, product: FinancingProduct
) -> None:
    first = ask(siti, product)
    with pytest.raises(ValidationError) as refused:
        ask(siti, product)
    assert refused.value.code == "already_open"
    services.referral_withdraw(referral=first, acting_user=siti.user)
    assert ask(siti, product).pk != first.pk


# --- who moves what ---------------------------------------------------------------------------------------------

MOVERS = {
    ReferralStatus.SENT: {"mentor_tebet", "agency_staff"},
    ReferralStatus.UNDER_REVIEW: {"agency_staff", "bank_api"},
    ReferralStatus.APPROVED: {"agency_staff", "bank_api"},
    ReferralStatus.REFUSED: {"agency_staff", "bank_api"},
    ReferralStatus.DISBURSED: {"agency_staff", "bank_api"},
}
FROM = {
    ReferralStatus.SENT: ReferralStatus.REQUESTED,
    ReferralStatus.UNDER_REVIEW: ReferralStatus.SENT,
    ReferralStatus.APPROVED: ReferralStatus.UNDER_REVIEW,
    ReferralStatus.REFUSED: ReferralStatus.UNDER_REVIEW,
    ReferralStatus.DISBURSED: ReferralStatus.APPROVED,
}
EVERYONE = [
    "entrepreneur",
    "other_entrepreneur",
    "mentor_tebet",
    "mentor_gambir",
    "secretariat_tebet",
    "agency_staff",
    "partner_user",
    "bank_api",
    "other_lender_api",
]
CARRIED: dict[str, dict[str, Any]] = {
    ReferralStatus.APPROVED: {"amount": 5_000_000},
    ReferralStatus.DISBURSED: {"amount": 1_000_000, "day": timezone.localdate()},
    ReferralStatus.REFUSED: {"note": "Usaha belum berjalan enam bulan."},
}


@pytest.fixture
def other_lender_api(agency_staff: User) -> User:
    other = lender(staff=agency_staff, kind=OrganisationKind.FINTECH)
    issue_key(other.agreements.get(), staff=agency_staff)
    other.refresh_from_db()
    assert other.api_user is not None
    return other.api_user


@pytest.mark.parametrize("target", list(MOVERS))
@pytest.mark.parametrize("who", EVERYONE)
def test_each_move_is_made_by_its_mover_only(
    request: pytest.FixtureRequest,
    target: str,
    who: str,
    siti: Participant,
    budi: Participant,
    product: FinancingProduct,
) -> None:
    user = request.getfixturevalue(who)
    referral = referral_in(FROM[target], participant=siti, product=product)

    def call() -> LoanReferral:
        return services.referral_move(referral=referral, to_status=target, acting_user=user, **CARRIED.get(target, {}))

    if who in MOVERS[target]:
        moved = call()
        assert moved.status == target
        last = ReferralMove.objects.filter(referral=referral).last()
        assert last is not None and (last.from_status, last.to_status, last.moved_by) == (FROM[target], target, user)
    else:
        with pytest.raises(ValidationError) as refused:
            call()
        assert refused.value.code == "not_allowed"
        assert LoanReferral.objects.get(pk=referral.pk).status == FROM[target]


@pytest.mark.parametrize("who", EVERYONE)
def test_only_the_participant_withdraws(
    request: pytest.FixtureRequest, who: str, siti: Participant, budi: Participant, product: FinancingProduct
) -> None:
    user = request.getfixturevalue(who)
    referral = referral_in(ReferralStatus.SENT, participant=siti, product=product)
    if who == "entrepreneur":
        assert services.referral_withdraw(referral=referral, acting_user=user).status == ReferralStatus.WITHDRAWN
    else:
        with pytest.raises(ValidationError) as refused:
            services.referral_withdraw(referral=referral, acting_user=user)
        assert refused.value.code == "not_allowed"


@pytest.mark.parametrize(
    ("status", "target"),
    [
        (ReferralStatus.REQUESTED, ReferralStatus.APPROVED),
        (ReferralStatus.SENT, ReferralStatus.SENT),
        (ReferralStatus.UNDER_REVIEW, ReferralStatus.DISBURSED),
        (ReferralStatus.REFUSED, ReferralStatus.APPROVED),
        (ReferralStatus.DISBURSED, ReferralStatus.REFUSED),
        (ReferralStatus.WITHDRAWN, ReferralStatus.SENT),
    ],
)
def test_a_move_off_the_path_is_refused_for_its_mover_too(
    status: str, target: str, siti: Participant, product: FinancingProduct, agency_staff: User
) -> None:
    referral = referral_in(status, participant=siti, product=product)
    with pytest.raises(ValidationError) as refused:
        services.referral_move(
            referral=referral, to_status=target, acting_user=agency_staff, **CARRIED.get(target, {})
        )
    assert refused.value.code == "not_now"


@pytest.mark.parametrize("status", [ReferralStatus.REFUSED, ReferralStatus.DISBURSED, ReferralStatus.WITHDRAWN])
def test_a_closed_referral_is_not_withdrawn(status: str, siti: Participant, product: FinancingProduct) -> None:
    referral = referral_in(status, participant=siti, product=product)
    with pytest.raises(ValidationError) as refused:
        services.referral_withdraw(referral=referral, acting_user=siti.user)
    assert refused.value.code == "not_now"


def test_back_to_requested_or_an_unknown_status_is_no_move(
    siti: Participant, product: FinancingProduct, agency_staff: User
) -> None:
    referral = referral_in(ReferralStatus.SENT, participant=siti, product=product)
    with pytest.raises(ValidationError) as refused:
        services.referral_move(referral=referral, to_status=ReferralStatus.REQUESTED, acting_user=agency_staff)
    assert refused.value.code == "no_such_move"
    with pytest.raises(ValidationError) as refused:
        services.referral_move(referral=referral, to_status="paid", acting_user=agency_staff)
    assert codes(refused.value) == {"to_status": ["invalid"]}
    with pytest.raises(ValidationError) as refused:
        services.referral_move(referral=referral, to_status=ReferralStatus.WITHDRAWN, acting_user=siti.user)
    assert refused.value.code == "withdraw_separately"


# --- what the moves carry ---------------------------------------------------------------------------------------


def test_the_whole_way_to_a_disbursed_loan_tells_the_participant_each_time(
    siti: Participant, product: FinancingProduct, mentor_tebet: User, bank_api: User
) -> None:
    referral = ask(siti, product, amount_requested=8_000_000)
    services.referral_move(referral=referral, to_status=ReferralStatus.SENT, note="Lengkap.", acting_user=mentor_tebet)
    services.referral_move(
        referral=referral,
        to_status=ReferralStatus.UNDER_REVIEW,
        lender_reference=" KMP-2026-001 ",
        acting_user=bank_api,
    )
    services.referral_move(
        referral=referral, to_status=ReferralStatus.APPROVED, amount=7_500_000, acting_user=bank_api
    )
    today = timezone.localdate()
    done = services.referral_move(
        referral=referral, to_status=ReferralStatus.DISBURSED, amount=7_500_000, day=today, acting_user=bank_api
    )
    assert (done.status, done.amount_approved, done.amount_disbursed, done.disbursed_on, done.lender_reference) == (
        ReferralStatus.DISBURSED,
        7_500_000,
        7_500_000,
        today,
        "KMP-2026-001",
    )
    path = list(ReferralMove.objects.filter(referral=referral).values_list("to_status", "moved_by", "note"))
    assert path == [
        (ReferralStatus.REQUESTED, siti.user_id, ""),
        (ReferralStatus.SENT, mentor_tebet.pk, "Lengkap."),
        (ReferralStatus.UNDER_REVIEW, bank_api.pk, ""),
        (ReferralStatus.APPROVED, bank_api.pk, ""),
        (ReferralStatus.DISBURSED, bank_api.pk, ""),
    ]
    assert sent_to(siti.user) == [
        "capital_requested",
        "capital_sent",
        "capital_under_review",
        "capital_approved",
        "capital_disbursed",
    ]
    body = Message.objects.get(recipient=siti.user, channel=Channel.EMAIL, template="capital_disbursed").context
    assert body["amount"] == "Rp 7.500.000" and body["day"] == today.strftime("%d-%m-%Y")


def test_approving_needs_an_amount_within_the_products_range(
    siti: Participant, product: FinancingProduct, bank_api: User
) -> None:
    referral = referral_in(ReferralStatus.UNDER_REVIEW, participant=siti, product=product)
    for amount in (None, 0, product.amount_min - 1, product.amount_max + 1):
        with pytest.raises(ValidationError) as refused:
            services.referral_move(
                referral=referral, to_status=ReferralStatus.APPROVED, amount=amount, acting_user=bank_api
            )
        assert codes(refused.value) == {"amount": ["amount_approved"]}
    assert LoanReferral.objects.get(pk=referral.pk).status == ReferralStatus.UNDER_REVIEW


def test_disbursing_needs_an_amount_up_to_the_approved_and_a_day_between_the_referral_and_today(
    siti: Participant, product: FinancingProduct, bank_api: User
) -> None:
    referral = referral_in(ReferralStatus.APPROVED, participant=siti, product=product, amount_approved=3_000_000)
    today = timezone.localdate()
    bad = [
        ({"amount": None, "day": today}, {"amount": ["amount_disbursed"]}),
        ({"amount": 3_000_001, "day": today}, {"amount": ["amount_disbursed"]}),
        ({"amount": 3_000_000, "day": None}, {"day": ["disbursed_on"]}),
        ({"amount": 3_000_000, "day": today + datetime.timedelta(days=1)}, {"day": ["disbursed_on"]}),
        (
            {"amount": 0, "day": today - datetime.timedelta(days=1)},
            {"amount": ["amount_disbursed"], "day": ["disbursed_on"]},
        ),
    ]
    for carried, expected in bad:
        with pytest.raises(ValidationError) as refused:
            services.referral_move(
                referral=referral, to_status=ReferralStatus.DISBURSED, acting_user=bank_api, **carried
            )
        assert codes(refused.value) == expected, carried
    assert LoanReferral.objects.get(pk=referral.pk).status == ReferralStatus.APPROVED
    done = services.referral_move(
        referral=referral, to_status=ReferralStatus.DISBURSED, amount=2_500_000, day=today, acting_user=bank_api
    )
    assert (done.amount_disbursed, done.disbursed_on) == (2_500_000, today)


def test_disbursing_is_not_dated_before_the_approval(
    siti: Participant, product: FinancingProduct, bank_api: User
) -> None:
    """Asked ten days ago, approved three days ago (its last move): a disbursement dated between is refused."""
    now = timezone.now()
    referral = referral_in(
        ReferralStatus.APPROVED,
        participant=siti,
        product=product,
        created_at=now - datetime.timedelta(days=10),
        moved_at=now - datetime.timedelta(days=3),
    )
    approved_on = timezone.localdate(referral.moved_at)
    for day in (timezone.localdate(referral.created_at), approved_on - datetime.timedelta(days=1)):
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            services.referral_move(
                referral=referral, to_status=ReferralStatus.DISBURSED, amount=1_000_000, day=day, acting_user=bank_api
            )
        assert codes(refused.value) == {"day": ["disbursed_on"]}, day
        assert f"not before the approval ({approved_on:%d-%m-%Y})" in " ".join(refused.value.messages)
    assert LoanReferral.objects.get(pk=referral.pk).status == ReferralStatus.APPROVED
    done = services.referral_move(
        referral=referral, to_status=ReferralStatus.DISBURSED, amount=1_000_000, day=approved_on, acting_user=bank_api
    )
    assert (done.status, done.disbursed_on) == (ReferralStatus.DISBURSED, approved_on)


def test_refusing_needs_the_reason_the_participant_reads(
    siti: Participant, product: FinancingProduct, bank_api: User
) -> None:
    referral = referral_in(ReferralStatus.UNDER_REVIEW, participant=siti, product=product)
    with pytest.raises(ValidationError) as refused:
        services.referral_move(referral=referral, to_status=ReferralStatus.REFUSED, note="   ", acting_user=bank_api)
    assert codes(refused.value) == {"note": ["required"]}
    services.referral_move(
        referral=referral, to_status=ReferralStatus.REFUSED, note="Omzet belum cukup.", acting_user=bank_api
    )
    message = Message.objects.get(recipient=siti.user, channel=Channel.EMAIL, template="capital_refused")
    assert message.context["reason"] == "Omzet belum cukup."


def test_a_lenders_reference_and_a_note_have_their_limits(
    siti: Participant, product: FinancingProduct, bank_api: User
) -> None:
    referral = referral_in(ReferralStatus.SENT, participant=siti, product=product)
    with pytest.raises(ValidationError) as refused:
        services.referral_move(
            referral=referral, to_status=ReferralStatus.UNDER_REVIEW, lender_reference="R" * 61, acting_user=bank_api
        )
    assert codes(refused.value) == {"lender_reference": ["too_long"]}
    with pytest.raises(ValidationError) as refused:
        services.referral_move(
            referral=referral, to_status=ReferralStatus.UNDER_REVIEW, note="n" * 501, acting_user=bank_api
        )
    assert codes(refused.value) == {"note": ["too_long"]}


def test_a_referral_is_not_sent_once_the_consent_is_withdrawn_or_the_agreement_no_longer_covers_it(
    siti: Participant, product: FinancingProduct, mentor_tebet: User, agency_staff: User
) -> None:
    referral = ask(siti, product)
    partner_services.consent_withdraw(consent=referral.consent, channel=ConsentChannel.WEB, acting_user=siti.user)
    with pytest.raises(ValidationError) as refused:
        services.referral_move(referral=referral, to_status=ReferralStatus.SENT, acting_user=mentor_tebet)
    assert refused.value.code == "consent_withdrawn"

    other = ask(siti, ProductFactory(lender=lender(staff=agency_staff)))
    agreement = other.lender.agreements.get()
    partner_services.agreement_end(
        agreement=agreement,
        on=timezone.localdate() - datetime.timedelta(days=1),
        reason="Selesai.",
        acting_user=agency_staff,
    )
    with pytest.raises(ValidationError) as refused:
        services.referral_move(referral=other, to_status=ReferralStatus.SENT, acting_user=mentor_tebet)
    assert refused.value.code == "lender_not_covered"


# --- withdrawal ends the consent --------------------------------------------------------------------------------


def test_withdrawing_the_last_open_referral_to_a_lender_withdraws_the_consent(
    siti: Participant, product: FinancingProduct
) -> None:
    first = ask(siti, product)
    second = ask(siti, ProductFactory(lender=product.lender))
    services.referral_withdraw(referral=first, note="Sudah dapat modal dari keluarga.", acting_user=siti.user)
    consent = Consent.objects.get(pk=first.consent_id)
    assert consent.is_active  # the second referral still rests on it
    services.referral_withdraw(referral=second, acting_user=siti.user)
    consent.refresh_from_db()
    assert not consent.is_active and consent.withdrawn_channel == ConsentChannel.WEB
    move = ReferralMove.objects.filter(referral=first).last()
    assert move is not None and (move.to_status, move.note) == (
        ReferralStatus.WITHDRAWN,
        "Sudah dapat modal dari keluarga.",
    )
    assert sent_to(siti.user).count("capital_withdrawn") == 2


def test_a_closed_referral_keeps_nothing_open(siti: Participant, product: FinancingProduct, bank_api: User) -> None:
    """A refused referral does not hold the consent: withdrawing the other, last open one ends it."""
    refused_one = referral_in(ReferralStatus.REFUSED, participant=siti, product=product)
    open_one = ask(siti, ProductFactory(lender=product.lender))
    assert open_one.consent == refused_one.consent
    services.referral_withdraw(referral=open_one, acting_user=siti.user)
    assert not Consent.objects.get(pk=open_one.consent_id).is_active


# --- refusal ends the consent as withdrawal does ----------------------------------------------------------------


def refuse(referral: LoanReferral, by: User) -> LoanReferral:
    return services.referral_move(
        referral=referral, to_status=ReferralStatus.REFUSED, note="Omzet belum cukup.", acting_user=by
    )


def test_refusing_the_last_open_referral_to_a_lender_ends_the_consent_as_the_lenders_act(
    siti: Participant, product: FinancingProduct, bank_api: User
) -> None:
    first = referral_in(ReferralStatus.UNDER_REVIEW, participant=siti, product=product)
    second = referral_in(ReferralStatus.UNDER_REVIEW, participant=siti, product=ProductFactory(lender=product.lender))
    assert first.consent_id == second.consent_id
    refuse(first, bank_api)
    consent = Consent.objects.get(pk=first.consent_id)
    assert consent.is_active  # the second referral still rests on it
    refuse(second, bank_api)
    consent.refresh_from_db()
    assert not consent.is_active and consent.withdrawn_channel == ConsentChannel.PROGRAM
    ended = audit.history_of(consent)[0]
    assert ended.kind == "updated" and ended.actor == str(bank_api)  # the lender ended it, not the participant


@pytest.mark.parametrize("first_closed", ["withdrawn", "refused"])
def test_a_refusal_and_a_withdrawal_end_the_consent_by_one_rule(
    first_closed: str, siti: Participant, product: FinancingProduct, agency_staff: User
) -> None:
    """Whichever closes first, the consent ends with the last open referral resting on it."""
    first = referral_in(ReferralStatus.UNDER_REVIEW, participant=siti, product=product)
    second = referral_in(ReferralStatus.UNDER_REVIEW, participant=siti, product=ProductFactory(lender=product.lender))
    closes = {
        "withdrawn": lambda r: services.referral_withdraw(referral=r, acting_user=siti.user),
        "refused": lambda r: refuse(r, agency_staff),
    }
    last_closed = "refused" if first_closed == "withdrawn" else "withdrawn"
    closes[first_closed](first)
    assert Consent.objects.get(pk=first.consent_id).is_active
    closes[last_closed](second)
    assert not Consent.objects.get(pk=first.consent_id).is_active


def test_a_refusal_leaves_a_consent_another_lenders_referral_does_not_share(
    siti: Participant, product: FinancingProduct, agency_staff: User
) -> None:
    other_lender = lender(staff=agency_staff, kind=OrganisationKind.FINTECH)
    refused = referral_in(ReferralStatus.UNDER_REVIEW, participant=siti, product=product)
    elsewhere = referral_in(ReferralStatus.SENT, participant=siti, product=ProductFactory(lender=other_lender))
    refuse(refused, agency_staff)
    assert not Consent.objects.get(pk=refused.consent_id).is_active
    assert Consent.objects.get(pk=elsewhere.consent_id).is_active


# --- a withdrawn consent leaves the participant's withdrawal alone ----------------------------------------------


@pytest.mark.parametrize("target", list(MOVERS))
def test_once_the_consent_is_withdrawn_only_the_participants_withdrawal_is_left(
    request: pytest.FixtureRequest, target: str, siti: Participant, product: FinancingProduct
) -> None:
    referral = referral_in(FROM[target], participant=siti, product=product)
    partner_services.consent_withdraw(consent=referral.consent, channel=ConsentChannel.WEB, acting_user=siti.user)
    for who in sorted(MOVERS[target]):
        user = request.getfixturevalue(who)
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            services.referral_move(referral=referral, to_status=target, acting_user=user, **CARRIED.get(target, {}))
        assert refused.value.code == "consent_withdrawn", who
        assert "withdrew their consent" in " ".join(refused.value.messages)
        assert (
            permissions.moves_offered(user, LoanReferral.objects.select_related("consent").get(pk=referral.pk)) == []
        )
    assert LoanReferral.objects.get(pk=referral.pk).status == FROM[target]
    assert ReferralMove.objects.filter(referral=referral).count() == len(PATHS[FROM[target]])
    page_referral = LoanReferral.objects.select_related("participant", "consent").get(pk=referral.pk)
    assert permissions.moves_offered(siti.user, page_referral) == [ReferralStatus.WITHDRAWN]
    assert services.referral_withdraw(referral=referral, acting_user=siti.user).status == ReferralStatus.WITHDRAWN


# --- the audit trail --------------------------------------------------------------------------------------------


def test_every_move_is_in_the_audit_trail_as_its_movers(
    siti: Participant, product: FinancingProduct, mentor_tebet: User
) -> None:
    referral = ask(siti, product)
    services.referral_move(referral=referral, to_status=ReferralStatus.SENT, acting_user=mentor_tebet)
    services.referral_withdraw(referral=referral, acting_user=siti.user)
    movers = {
        move.to_status: [(entry.kind, entry.actor) for entry in audit.history_of(move)]
        for move in ReferralMove.objects.filter(referral=referral)
    }
    assert movers == {
        ReferralStatus.REQUESTED: [("created", str(siti.user))],
        ReferralStatus.SENT: [("created", str(mentor_tebet))],
        ReferralStatus.WITHDRAWN: [("created", str(siti.user))],
    }
