"""The curation pages: open calls and submitting, a submission's page with its timeline and the action its
viewer may take, the mentor's, the kecamatan's and the curator's queues, and the calls for agency staff. Who may
open each, bad input kept on the form, the happy paths, and the number of queries of every list."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from core import audit
from marketing.choices import Criterion, SubmissionStatus
from marketing.models import OnlineStore, ProductCall, Submission
from marketing.services import curation as services
from marketing.tests.conftest import EVERYONE, as_, client_for
from marketing.tests.factories import (
    OnlineStoreFactory,
    ProductCallFactory,
    ProductFactory,
    ProductPhotoFactory,
    SubmissionFactory,
    grade_data,
    partner_curator,
)
from mentoring.tests.factories import AssignmentFactory, verified_participant
from notifications.models import Message
from registration.models import Business
from registration.tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db


def submission_in(
    business: Business, call: ProductCall, status: str = SubmissionStatus.SUBMITTED, **fields: object
) -> Submission:
    if status == SubmissionStatus.RETURNED:
        fields.setdefault("returned_reason", "Foto kurang terang.")
    submission: Submission = SubmissionFactory(
        product=ProductFactory(business=business), call=call, status=status, **fields
    )
    return submission


def decision(step: str, choice: str, reason: str = "") -> dict[str, str]:
    return {f"{step}-decision": choice, f"{step}-reason": reason}


def grade_post(grade: str = "A", **overrides: str) -> dict[str, str]:
    data = {"grade": grade, "comment": "Siap dijual.", **{c.value: f"Catatan {c.value}" for c in Criterion}}
    return {**data, **overrides}


# --- open calls and submitting --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", EVERYONE)
def test_the_open_calls_are_for_everyone_logged_in(people: dict[str, User], who: str | None) -> None:
    response = as_(people, who).get(reverse("marketing:calls"))
    assert response.status_code == (302 if who is None else 200)
    if who in ("entrepreneur", "other_entrepreneur"):  # verified businesses
        assert reverse("marketing:call_submit", args=[ProductCall.objects.get().pk]) in response.content.decode()
    elif who is not None:
        assert "call_submit" not in response.content.decode() and "/ajukan/" not in response.content.decode()


@pytest.mark.parametrize("who", EVERYONE)
def test_submitting_is_for_a_business(people: dict[str, User], call: ProductCall, who: str | None) -> None:
    response = as_(people, who).get(reverse("marketing:call_submit", args=[call.pk]))
    assert response.status_code == {"entrepreneur": 200, "other_entrepreneur": 200, None: 302}.get(who, 403)


def test_a_closed_call_is_not_found(business: Business, entrepreneur: User) -> None:
    closed = ProductCallFactory(closes_on=timezone.localdate() - datetime.timedelta(days=1))
    assert client_for(entrepreneur).get(reverse("marketing:call_submit", args=[closed.pk])).status_code == 404


def test_a_business_submits_a_product_it_picks(business: Business, call: ProductCall, entrepreneur: User) -> None:
    product = ProductFactory(business=business)
    response = client_for(entrepreneur).post(
        reverse("marketing:call_submit", args=[call.pk]), {"product": product.pk}, follow=True
    )
    submission = Submission.objects.get()
    assert response.redirect_chain[-1][0] == reverse("marketing:submission", args=[submission.pk])
    assert "Your mentor checks it first" in response.content.decode()


def test_the_form_offers_only_own_products_of_the_calls_categories_not_yet_submitted(
    business: Business, peer_business: Business, entrepreneur: User
) -> None:
    call = ProductCallFactory(categories=["food"])
    food, crafts = ProductFactory(business=business), ProductFactory(business=business, category="crafts")
    done = ProductFactory(business=business)
    SubmissionFactory(product=done, call=call)
    peers = ProductFactory(business=peer_business)
    client = client_for(entrepreneur)
    offered = client.get(reverse("marketing:call_submit", args=[call.pk])).context["form"].fields["product"].queryset
    assert list(offered) == [food]
    for product in (crafts, done, peers):
        response = client.post(reverse("marketing:call_submit", args=[call.pk]), {"product": product.pk})
        assert response.status_code == 400
    assert Submission.objects.count() == 1


def test_submitting_without_a_product_says_so(business: Business, call: ProductCall, entrepreneur: User) -> None:
    ProductFactory(business=business)
    response = client_for(entrepreneur).post(reverse("marketing:call_submit", args=[call.pk]), {})
    assert response.status_code == 400 and response.context["form"].errors["product"]


def test_an_unverified_business_cannot_submit(call: ProductCall, client: Client) -> None:
    business = BusinessFactory()
    response = client_for(business.participant.user).get(reverse("marketing:call_submit", args=[call.pk]), follow=True)
    assert response.redirect_chain == [(reverse("marketing:calls"), 302)]


# --- a submission's page --------------------------------------------------------------------------------------


SUBMISSION_PAGE = {
    "entrepreneur": 200,
    "mentor_tebet": 200,
    "secretariat_tebet": 200,
    "curator": 200,
    "agency_staff": 200,
    None: 302,
}


@pytest.mark.parametrize("who", EVERYONE)
def test_a_submission_is_seen_by_those_involved_only(
    people: dict[str, User], business: Business, call: ProductCall, who: str | None
) -> None:
    submission = submission_in(business, call)
    response = as_(people, who).get(reverse("marketing:submission", args=[submission.pk]))
    assert response.status_code == SUBMISSION_PAGE.get(who, 404)


def test_a_partner_curator_of_the_call_sees_the_submission(business: Business, partner_user: User) -> None:
    partner_curator(partner_user)
    submission = submission_in(business, ProductCallFactory(curators=[partner_user]))
    assert client_for(partner_user).get(reverse("marketing:submission", args=[submission.pk])).status_code == 200


@pytest.mark.parametrize(
    ("who", "status", "form"),
    [
        ("mentor_tebet", SubmissionStatus.SUBMITTED, "check-form"),
        ("secretariat_tebet", SubmissionStatus.CHECKED, "validate-form"),
        ("curator", SubmissionStatus.VALIDATED, "grade-link"),
        ("entrepreneur", SubmissionStatus.SUBMITTED, None),
        ("mentor_tebet", SubmissionStatus.CHECKED, None),
        ("secretariat_tebet", SubmissionStatus.SUBMITTED, None),
    ],
)
def test_the_page_offers_the_action_its_viewer_may_take_now(
    people: dict[str, User], business: Business, call: ProductCall, who: str, status: str, form: str | None
) -> None:
    submission = submission_in(business, call, status)
    page = as_(people, who).get(reverse("marketing:submission", args=[submission.pk])).content.decode()
    for action in ("check-form", "validate-form", "grade-link"):
        assert (f'id="{action}"' in page) == (action == form), action


def test_the_timeline_and_the_grade_show_who_when_and_every_comment(
    business: Business,
    call: ProductCall,
    entrepreneur: User,
    mentor_tebet: User,
    secretariat_tebet: User,
    curator: User,
) -> None:
    product = ProductFactory(business=business)
    ProductPhotoFactory(product=product)
    submission = services.submission_submit(product=product, call=call, acting_user=entrepreneur)
    services.submission_check(submission=submission, passed=True, reason="", acting_user=mentor_tebet)
    services.submission_validate(submission=submission, passed=True, reason="", acting_user=secretariat_tebet)
    services.submission_grade(
        submission=submission, data=grade_data("B", "Kemasan perlu diperbaiki."), acting_user=curator
    )
    page = client_for(entrepreneur).get(reverse("marketing:submission", args=[submission.pk])).content.decode()
    for text in ("Mentor Tebet", "Sekretariat Tebet", "Kurator Dinas", "Grade B", "Kemasan perlu diperbaiki."):
        assert text in page, text
    for criterion in Criterion:
        assert str(criterion.label) in page and f"Komentar {criterion.label}" in page


# --- the mentor's check and the kecamatan's validation on the pages -------------------------------------------


def test_the_mentor_passes_a_submission_from_the_page(
    business: Business, call: ProductCall, mentor_tebet: User
) -> None:
    submission = submission_in(business, call)
    response = client_for(mentor_tebet).post(
        reverse("marketing:submission_check", args=[submission.pk]), decision("check", "pass"), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("marketing:check_queue")
    assert "it goes to the kecamatan" in response.content.decode()
    assert Submission.objects.get().status == SubmissionStatus.CHECKED


def test_a_check_on_the_page_is_recorded_as_the_mentors_through_the_web(
    business: Business, call: ProductCall, mentor_tebet: User
) -> None:
    submission = submission_in(business, call)
    client_for(mentor_tebet).post(
        reverse("marketing:submission_check", args=[submission.pk]), decision("check", "pass")
    )
    with translation.override("en"):
        entry = audit.history_of(submission)[0]
    assert (entry.kind, entry.actor, entry.channel) == ("updated", str(mentor_tebet), "web")
    assert ("status", "Submitted", "Checked by the mentor") in [(c.field, c.before, c.after) for c in entry.changes]


def test_returning_without_a_reason_is_shown_again_with_the_choice_kept(
    business: Business, call: ProductCall, mentor_tebet: User
) -> None:
    submission = submission_in(business, call)
    response = client_for(mentor_tebet).post(
        reverse("marketing:submission_check", args=[submission.pk]), decision("check", "return")
    )
    assert response.status_code == 400
    form = response.context["check_form"]
    assert form.errors["reason"] and form["decision"].value() == "return"
    assert Submission.objects.get().status == SubmissionStatus.SUBMITTED


def test_the_mentor_returns_a_submission_and_the_business_is_told(
    business: Business, call: ProductCall, mentor_tebet: User, entrepreneur: User
) -> None:
    submission = submission_in(business, call)
    client_for(mentor_tebet).post(
        reverse("marketing:submission_check", args=[submission.pk]), decision("check", "return", "Foto buram.")
    )
    assert Submission.objects.get().status == SubmissionStatus.RETURNED
    assert Message.objects.filter(recipient=entrepreneur, template="marketing_submission_returned").exists()


@pytest.mark.parametrize(
    ("who", "status_code"),
    [
        ("mentor_gambir", 404),
        ("secretariat_tebet", 302),
        ("curator", 302),
        ("entrepreneur", 302),
        ("partner_user", 404),
    ],
)
def test_nobody_but_the_mentor_checks(
    people: dict[str, User], business: Business, call: ProductCall, who: str, status_code: int
) -> None:
    submission = submission_in(business, call)
    response = as_(people, who).post(
        reverse("marketing:submission_check", args=[submission.pk]), decision("check", "pass")
    )
    assert response.status_code == status_code
    assert Submission.objects.get().status == SubmissionStatus.SUBMITTED


def test_the_kecamatan_validates_from_the_page(business: Business, call: ProductCall, secretariat_tebet: User) -> None:
    submission = submission_in(business, call, SubmissionStatus.CHECKED)
    response = client_for(secretariat_tebet).post(
        reverse("marketing:submission_validate", args=[submission.pk]), decision("validate", "pass")
    )
    assert response.url == reverse("marketing:validation_queue")  # type: ignore[attr-defined]
    assert Submission.objects.get().status == SubmissionStatus.VALIDATED


@pytest.mark.parametrize(
    ("who", "status_code"), [("secretariat_gambir", 404), ("mentor_tebet", 302), ("partner_user", 404)]
)
def test_nobody_but_the_kecamatan_validates(
    people: dict[str, User], business: Business, call: ProductCall, who: str, status_code: int
) -> None:
    submission = submission_in(business, call, SubmissionStatus.CHECKED)
    response = as_(people, who).post(
        reverse("marketing:submission_validate", args=[submission.pk]), decision("validate", "pass")
    )
    assert response.status_code == status_code
    assert Submission.objects.get().status == SubmissionStatus.CHECKED


# --- grading on the page --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["curator", "agency_staff", "mentor_tebet", "secretariat_tebet", "entrepreneur", "partner_user", None]
)
def test_only_a_curator_of_the_call_opens_the_grade_page(
    people: dict[str, User], business: Business, call: ProductCall, who: str | None
) -> None:
    submission = submission_in(business, call, SubmissionStatus.VALIDATED)
    response = as_(people, who).get(reverse("marketing:submission_grade", args=[submission.pk]))
    expected = {"curator": 200, "partner_user": 404, None: 302}.get(who or None, 302)
    assert response.status_code == expected
    if expected == 302 and who:
        assert response.url == reverse("marketing:submission", args=[submission.pk])  # type: ignore[attr-defined]


def test_a_curator_grades_on_the_page(
    business: Business, call: ProductCall, curator: User, entrepreneur: User
) -> None:
    submission = submission_in(business, call, SubmissionStatus.VALIDATED)
    response = client_for(curator).post(reverse("marketing:submission_grade", args=[submission.pk]), grade_post("A"))
    assert response.url == reverse("marketing:grading_queue")  # type: ignore[attr-defined]
    submission.refresh_from_db()
    assert (submission.status, submission.grade, submission.product.grade) == ("graded", "A", "A")
    assert Message.objects.filter(recipient=entrepreneur, template="marketing_submission_graded").exists()


def test_a_grade_with_missing_comments_is_shown_again_with_what_was_typed(
    business: Business, call: ProductCall, curator: User
) -> None:
    submission = submission_in(business, call, SubmissionStatus.VALIDATED)
    data = grade_post("B", packaging="", comment="", quality="Rasa sangat enak.")
    response = client_for(curator).post(reverse("marketing:submission_grade", args=[submission.pk]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"packaging", "comment"}
    assert "Write a comment on this criterion." in page and "Rasa sangat enak." in page
    assert Submission.objects.get().status == SubmissionStatus.VALIDATED


def test_an_overall_comment_is_bounded_as_the_criteria_are(
    business: Business, call: ProductCall, curator: User
) -> None:
    submission = submission_in(business, call, SubmissionStatus.VALIDATED)
    url = reverse("marketing:submission_grade", args=[submission.pk])
    for field in ("comment", Criterion.QUALITY.value):
        response = client_for(curator).post(url, grade_post("A", **{field: "x" * 2001}))
        assert response.status_code == 400 and list(response.context["form"].errors) == [field], field
    assert Submission.objects.get().status == SubmissionStatus.VALIDATED
    assert client_for(curator).post(url, grade_post("A", comment="x" * 2000)).status_code == 302


def test_a_grade_without_a_grade_is_refused(business: Business, call: ProductCall, curator: User) -> None:
    submission = submission_in(business, call, SubmissionStatus.VALIDATED)
    response = client_for(curator).post(reverse("marketing:submission_grade", args=[submission.pk]), grade_post("Z"))
    assert response.status_code == 400 and response.context["form"].errors["grade"]


def test_a_curator_cannot_edit_the_product(business: Business, call: ProductCall, curator: User) -> None:
    submission = submission_in(business, call, SubmissionStatus.VALIDATED)
    client = client_for(curator)
    assert client.get(reverse("marketing:product_edit", args=[submission.product_id])).status_code == 404
    page = client.get(reverse("marketing:submission", args=[submission.pk])).content.decode()
    assert reverse("marketing:product_edit", args=[submission.product_id]) not in page


# --- returned, resubmitted, withdrawn -------------------------------------------------------------------------


def test_a_returned_submission_shows_what_to_change_and_is_submitted_again(
    business: Business, call: ProductCall, entrepreneur: User
) -> None:
    submission = submission_in(business, call, SubmissionStatus.RETURNED)
    client = client_for(entrepreneur)
    page = client.get(reverse("marketing:submission", args=[submission.pk])).content.decode()
    assert "Foto kurang terang." in page and reverse("marketing:product_edit", args=[submission.product_id]) in page
    response = client.post(reverse("marketing:submission_resubmit", args=[submission.pk]), follow=True)
    assert "Submitted again" in response.content.decode()
    assert Submission.objects.get().status == SubmissionStatus.SUBMITTED


def test_resubmitting_what_was_not_returned_is_refused_with_a_reason(
    business: Business, call: ProductCall, entrepreneur: User
) -> None:
    submission = submission_in(business, call, SubmissionStatus.CHECKED)
    response = client_for(entrepreneur).post(
        reverse("marketing:submission_resubmit", args=[submission.pk]), follow=True
    )
    assert "Only a submission returned for changes" in response.content.decode()


def test_a_business_withdraws_its_submission_and_a_mentor_cannot(
    business: Business, call: ProductCall, entrepreneur: User, mentor_tebet: User
) -> None:
    submission = submission_in(business, call)
    client_for(mentor_tebet).post(reverse("marketing:submission_withdraw", args=[submission.pk]))
    assert Submission.objects.get().status == SubmissionStatus.SUBMITTED
    client_for(entrepreneur).post(reverse("marketing:submission_withdraw", args=[submission.pk]))
    assert Submission.objects.get().status == SubmissionStatus.WITHDRAWN


def test_a_peer_cannot_resubmit_or_withdraw(
    business: Business, call: ProductCall, other_entrepreneur: User, peer_business: Business
) -> None:
    submission = submission_in(business, call, SubmissionStatus.RETURNED)
    client = client_for(other_entrepreneur)
    assert client.post(reverse("marketing:submission_resubmit", args=[submission.pk])).status_code == 404
    assert client.post(reverse("marketing:submission_withdraw", args=[submission.pk])).status_code == 404


# --- queues ---------------------------------------------------------------------------------------------------


QUEUES = {
    "marketing:check_queue": {"mentor_tebet": 200, "mentor_gambir": 200},
    "marketing:validation_queue": {
        "secretariat_tebet": 200,
        "secretariat_gambir": 200,
        "curator": 200,
        "agency_staff": 200,
    },
    "marketing:grading_queue": {"curator": 200, "agency_staff": 200, "partner_user": 200},
}


@pytest.mark.parametrize("queue", sorted(QUEUES))
@pytest.mark.parametrize("who", EVERYONE)
def test_each_queue_is_for_its_role(people: dict[str, User], queue: str, who: str | None) -> None:
    response = as_(people, who).get(reverse(queue))
    assert response.status_code == (302 if who is None else QUEUES[queue].get(who, 403))


def test_the_mentors_queue_holds_their_participants_submissions_and_stores_only(
    business: Business, peer_business: Business, call: ProductCall, mentor_tebet: User, mentor_gambir: User
) -> None:
    mine = submission_in(business, call)
    submission_in(business, call, SubmissionStatus.CHECKED)
    peers = submission_in(peer_business, call)
    store = OnlineStoreFactory(business=business)
    OnlineStoreFactory(business=business, checked_by=mentor_tebet, checked_at=timezone.now())
    OnlineStoreFactory(business=peer_business)
    response = client_for(mentor_tebet).get(reverse("marketing:check_queue"))
    assert response.context["submissions"] == [mine] and response.context["stores"] == [store]
    assert client_for(mentor_gambir).get(reverse("marketing:check_queue")).context["submissions"] == [peers]


def test_the_mentor_checks_a_store_from_the_queue_and_another_mentor_cannot(
    business: Business, mentor_tebet: User, mentor_gambir: User, entrepreneur: User
) -> None:
    store = OnlineStoreFactory(business=business)
    assert client_for(mentor_gambir).post(reverse("marketing:store_check", args=[store.pk])).status_code == 404
    response = client_for(mentor_tebet).post(reverse("marketing:store_check", args=[store.pk]), follow=True)
    assert "Store checked" in response.content.decode()
    assert OnlineStore.objects.get().checked_by == mentor_tebet
    assert Message.objects.filter(recipient=entrepreneur, template="marketing_store_checked").exists()


def test_the_kecamatans_queue_holds_its_checked_submissions(
    business: Business, peer_business: Business, call: ProductCall, secretariat_tebet: User, agency_staff: User
) -> None:
    tebet = submission_in(business, call, SubmissionStatus.CHECKED)
    submission_in(business, call)
    gambir = submission_in(peer_business, call, SubmissionStatus.CHECKED)
    assert client_for(secretariat_tebet).get(reverse("marketing:validation_queue")).context["submissions"] == [tebet]
    assert set(client_for(agency_staff).get(reverse("marketing:validation_queue")).context["submissions"]) == {
        tebet,
        gambir,
    }


def test_the_curators_queue_holds_the_validated_submissions_of_their_calls(
    business: Business, call: ProductCall, curator: User, agency_staff: User
) -> None:
    ours = submission_in(business, call, SubmissionStatus.VALIDATED)
    submission_in(business, call, SubmissionStatus.CHECKED)
    submission_in(business, ProductCallFactory(), SubmissionStatus.VALIDATED)
    assert client_for(curator).get(reverse("marketing:grading_queue")).context["submissions"] == [ours]
    assert client_for(agency_staff).get(reverse("marketing:grading_queue")).context["submissions"] == []


# --- staff: calls ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["marketing:staff_calls", "marketing:call_new"])
@pytest.mark.parametrize("who", EVERYONE)
def test_the_call_pages_are_agency_staffs(people: dict[str, User], name: str, who: str | None) -> None:
    response = as_(people, who).get(reverse(name))
    assert response.status_code == {"curator": 200, "agency_staff": 200, None: 302}.get(who, 403)


@pytest.mark.parametrize("who", ["secretariat_tebet", "partner_user", "mentor_tebet", "entrepreneur"])
def test_nobody_else_opens_or_changes_a_call(people: dict[str, User], call: ProductCall, who: str) -> None:
    client = as_(people, who)
    assert client.get(reverse("marketing:call_detail", args=[call.pk])).status_code == 403
    assert client.post(reverse("marketing:call_edit", args=[call.pk]), {"title": "X"}).status_code == 403
    assert ProductCall.objects.get().title == "Kurasi Oleh-oleh"


def call_post(curators: list[User], **overrides: object) -> dict[str, object]:
    today = timezone.localdate()
    data = {
        "title": "Kurasi Fesyen",
        "theme": "Batik Betawi",
        "description": "",
        "opens_on": today.isoformat(),
        "closes_on": (today + datetime.timedelta(days=20)).isoformat(),
        "categories": ["fashion"],
        "curators": [user.pk for user in curators],
    }
    return {**data, **overrides}


def test_staff_open_a_call_on_the_page(agency_staff: User, curator: User, partner_user: User) -> None:
    response = client_for(agency_staff).post(reverse("marketing:call_new"), call_post([curator, partner_user]))
    call = ProductCall.objects.get()
    assert response.url == reverse("marketing:call_detail", args=[call.pk])  # type: ignore[attr-defined]
    assert set(call.curators.all()) == {curator, partner_user} and call.categories == ["fashion"]


def test_a_call_form_offers_only_who_may_curate(
    agency_staff: User, curator: User, mentor_tebet: User, entrepreneur: User
) -> None:
    offered = client_for(agency_staff).get(reverse("marketing:call_new")).context["form"].fields["curators"].queryset
    assert curator in offered and mentor_tebet not in offered and entrepreneur not in offered
    response = client_for(agency_staff).post(reverse("marketing:call_new"), call_post([mentor_tebet]))
    assert response.status_code == 400 and not ProductCall.objects.exists()


def test_a_bad_call_is_shown_again_with_what_was_typed(agency_staff: User, curator: User) -> None:
    today = timezone.localdate()
    data = call_post([curator], closes_on=(today - datetime.timedelta(days=3)).isoformat(), theme="Tema yang diketik")
    response = client_for(agency_staff).post(reverse("marketing:call_new"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "The end date must not be before the start date." in page and "Tema yang diketik" in page
    no_curator = client_for(agency_staff).post(reverse("marketing:call_new"), call_post([]))
    assert no_curator.status_code == 400 and no_curator.context["form"].errors["curators"]
    assert not ProductCall.objects.filter(title="Kurasi Fesyen").exists()


def test_staff_change_a_call_on_the_page(agency_staff: User, call: ProductCall, partner_user: User) -> None:
    client_for(agency_staff).post(
        reverse("marketing:call_edit", args=[call.pk]), call_post([partner_user], title="Baru")
    )
    call.refresh_from_db()
    assert call.title == "Baru" and list(call.curators.all()) == [partner_user]


def test_a_calls_page_counts_its_submissions_per_status(
    business: Business, call: ProductCall, agency_staff: User
) -> None:
    for status in (SubmissionStatus.SUBMITTED, SubmissionStatus.SUBMITTED, SubmissionStatus.RETURNED):
        submission_in(business, call, status)
    response = client_for(agency_staff).get(reverse("marketing:call_detail", args=[call.pk]))
    counts = dict(response.context["counts"])
    assert counts[SubmissionStatus.SUBMITTED.label] == 2 and counts[SubmissionStatus.RETURNED.label] == 1
    assert counts[SubmissionStatus.GRADED.label] == 0


# --- query counts of every list -------------------------------------------------------------------------------

ROWS = 30


def tebet_businesses(mentor: User, n: int) -> list[Business]:
    businesses = []
    for _ in range(n):
        participant = verified_participant("Tebet")
        AssignmentFactory(participant=participant, mentor=mentor)
        businesses.append(participant.business)
    return businesses


def filled(business: Business, call: ProductCall, status: str) -> Submission:
    submission = submission_in(business, call, status)
    ProductPhotoFactory(product=submission.product)
    return submission


@pytest.mark.parametrize(
    ("queue", "who", "status", "queries"),
    [
        # session, user; the submissions; their photos; (the mentor's unchecked stores)
        ("marketing:check_queue", "mentor_tebet", SubmissionStatus.SUBMITTED, 5),
        ("marketing:validation_queue", "secretariat_tebet", SubmissionStatus.CHECKED, 4),
        # session, user; the submissions; their photos; their calls' curators
        ("marketing:grading_queue", "curator", SubmissionStatus.VALIDATED, 5),
    ],
)
def test_each_queue_runs_a_fixed_number_of_queries(
    people: dict[str, User],
    call: ProductCall,
    queue: str,
    who: str,
    status: str,
    queries: int,
    django_assert_num_queries: object,
) -> None:
    for business in tebet_businesses(people["mentor_tebet"], ROWS):
        filled(business, call, status)
        OnlineStoreFactory(business=business)
    client = as_(people, who)
    with django_assert_num_queries(queries):  # type: ignore[operator]
        response = client.get(reverse(queue))
    assert len(response.context["submissions"]) == ROWS


def test_the_open_calls_and_the_staff_calls_run_a_fixed_number_of_queries(
    business: Business, agency_staff: User, curator: User, django_assert_num_queries: object
) -> None:
    for _ in range(ROWS):
        filled(business, ProductCallFactory(curators=[curator]), SubmissionStatus.SUBMITTED)
    client = client_for(agency_staff)
    with django_assert_num_queries(4):  # type: ignore[operator]  # session, user; business of the user; the calls
        response = client.get(reverse("marketing:calls"))
    assert len(response.context["calls"]) == ROWS
    with django_assert_num_queries(4):  # type: ignore[operator]  # session, user; the calls with counts; curators
        response = client.get(reverse("marketing:staff_calls"))
    assert len(response.context["calls"]) == ROWS


def test_a_calls_submissions_run_a_fixed_number_of_queries(
    call: ProductCall, agency_staff: User, mentor_tebet: User, django_assert_num_queries: object
) -> None:
    for business in tebet_businesses(mentor_tebet, ROWS):
        filled(business, call, SubmissionStatus.CHECKED)
    client = client_for(agency_staff)
    with django_assert_num_queries(5):  # type: ignore[operator]  # session, user; the call; its curators; submissions
        response = client.get(reverse("marketing:call_detail", args=[call.pk]))
    assert len(response.context["submissions"]) == ROWS


def test_a_submissions_page_runs_a_fixed_number_of_queries(
    business: Business, call: ProductCall, curator: User, django_assert_num_queries: object
) -> None:
    submission = submission_in(business, call, SubmissionStatus.VALIDATED)
    ProductPhotoFactory.create_batch(5, product=submission.product)
    client = client_for(curator)
    # session, user; the submission with its people; its call's curators; its comments; the mentor; the photos
    with django_assert_num_queries(7):  # type: ignore[operator]
        client.get(reverse("marketing:submission", args=[submission.pk]))


def test_a_curator_of_no_call_sees_an_empty_queue(db: None) -> None:
    partner = UserFactory(role=Role.PARTNER)
    assert client_for(partner).get(reverse("marketing:grading_queue")).context["submissions"] == []


@pytest.mark.parametrize(
    ("queue", "who", "status"),
    [
        ("marketing:validation_queue", "agency_staff", SubmissionStatus.CHECKED),
        ("marketing:grading_queue", "curator", SubmissionStatus.VALIDATED),
        ("call_detail", "agency_staff", SubmissionStatus.SUBMITTED),
    ],
)
def test_a_long_queue_shows_a_page_at_a_time_and_the_next_page_the_rest(
    request: pytest.FixtureRequest, business: Business, call: ProductCall, queue: str, who: str, status: str
) -> None:
    """A call with thousands of submissions: each page reads its 50 rows by the index, never the whole queue."""
    from marketing.views.curation import QUEUE_PAGE

    made = [submission_in(business, call, status) for _ in range(QUEUE_PAGE + 1)]
    client = client_for(request.getfixturevalue(who))
    url = reverse("marketing:call_detail", args=[call.pk]) if queue == "call_detail" else reverse(queue)
    first = client.get(url)
    assert first.status_code == 200 and len(first.context["submissions"]) == QUEUE_PAGE
    page = first.context["page"]
    assert page.has_next and "page-link" in first.content.decode()
    rest = client.get(url, {"page": page.next_link})
    assert rest.status_code == 200 and len(rest.context["submissions"]) == 1
    assert {*first.context["submissions"], *rest.context["submissions"]} == set(made)
