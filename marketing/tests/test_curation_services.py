"""Curation as the program runs it, through the services: calls, and the state machine of a submission
(submitted → checked → validated → graded, returned and submitted again, withdrawn), with every allowed and
refused transition, the messages to the business and the audit trail."""

import datetime
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from core import audit
from core.decisions import Refused
from marketing.choices import Criterion, SubmissionStatus
from marketing.models import CriterionComment, Product, ProductCall, Submission
from marketing.services import curation as services
from marketing.services.common import MESSAGE_PERSON_CHARS
from marketing.services.curation import CallData, GradeData
from marketing.tests.factories import (
    LONG_NAME,
    ProductCallFactory,
    ProductFactory,
    SubmissionFactory,
    agency_user,
    bodies_in_each_language,
    grade_data,
    graded_product,
    mentor_of,
    open_call,
    partner_curator,
    verified_business,
)
from notifications.models import Message
from registration.models import Business

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def owner(business: Business) -> User:
    user: User = business.participant.user
    return user


def submitted(business: Business, call: ProductCall, **product: object) -> Submission:
    return services.submission_submit(
        product=ProductFactory(business=business, **product), call=call, acting_user=owner(business)
    )


def checked(business: Business, call: ProductCall, mentor: User) -> Submission:
    return services.submission_check(submission=submitted(business, call), passed=True, reason="", acting_user=mentor)


def validated(business: Business, call: ProductCall, mentor: User, validator: User) -> Submission:
    return services.submission_validate(
        submission=checked(business, call, mentor), passed=True, reason="", acting_user=validator
    )


def messages_to(user: User, template: str) -> list[Message]:
    return list(Message.objects.filter(recipient=user, template=template, channel="email"))


# --- calls ----------------------------------------------------------------------------------------------------


def call_data(curators: tuple[User, ...], **overrides: object) -> CallData:
    values = {
        "title": "Kurasi Kriya",
        "theme": "Kriya Betawi",
        "opens_on": TODAY(),
        "closes_on": TODAY() + datetime.timedelta(days=14),
        "categories": ("crafts", "fashion"),
        "curators": curators,
    }
    return CallData(**{**values, **overrides})  # type: ignore[arg-type]


def test_agency_staff_open_a_call_with_agency_and_partner_curators(
    agency_staff: User, curator: User, partner_user: User
) -> None:
    call = services.call_create(data=call_data((curator, partner_user)), acting_user=agency_staff)
    assert set(call.curators.all()) == {curator, partner_user}
    assert call.categories == ["crafts", "fashion"] and call.created_by == agency_staff
    with translation.override("en"):
        [entry] = audit.history_of(call)
    assert (entry.kind, entry.actor) == ("created", str(agency_staff))


def test_only_agency_staff_run_calls(
    mentor_tebet: User, secretariat_tebet: User, partner_user: User, curator: User
) -> None:
    for user in (mentor_tebet, secretariat_tebet, partner_user):
        with pytest.raises(Refused) as exc:
            services.call_create(data=call_data((curator,)), acting_user=user)
        assert exc.value.code == "not_agency"


def test_a_mentor_or_an_entrepreneur_cannot_curate(agency_staff: User, mentor_tebet: User, entrepreneur: User) -> None:
    with pytest.raises(ValidationError) as exc:
        services.call_create(data=call_data((mentor_tebet, entrepreneur)), acting_user=agency_staff)
    assert [e.code for e in exc.value.error_dict["curators"]] == ["not_a_curator", "not_a_curator"]


def test_a_call_closes_on_or_after_it_opens(agency_staff: User, curator: User) -> None:
    data = call_data((curator,), closes_on=TODAY() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.call_create(data=data, acting_user=agency_staff)
    assert not ProductCall.objects.exists()


def test_a_call_takes_only_known_categories(agency_staff: User, curator: User) -> None:
    with pytest.raises(ValidationError) as exc:
        services.call_create(data=call_data((curator,), categories=("weapons",)), acting_user=agency_staff)
    assert "categories" in exc.value.error_dict


def test_staff_change_a_calls_curators(agency_staff: User, curator: User, partner_user: User) -> None:
    call = services.call_create(data=call_data((curator,)), acting_user=agency_staff)
    changed = services.call_update(
        call=call, data=call_data((partner_user,), title="Kurasi Kriya 2"), acting_user=agency_staff
    )
    assert changed.title == "Kurasi Kriya 2" and list(changed.curators.all()) == [partner_user]


# --- submitting -----------------------------------------------------------------------------------------------


def test_a_business_submits_its_product_to_an_open_call(business: Business, call: ProductCall) -> None:
    submission = submitted(business, call)
    assert (submission.status, submission.submitted_by) == (SubmissionStatus.SUBMITTED, owner(business))


def test_a_product_is_submitted_once_per_call(business: Business, call: ProductCall) -> None:
    submission = submitted(business, call)
    with pytest.raises(ValidationError) as exc:
        services.submission_submit(product=submission.product, call=call, acting_user=owner(business))
    assert exc.value.code == "submitted_already"


@pytest.mark.parametrize(
    ("dates", "code"),
    [
        ({"opens_on": TODAY() + datetime.timedelta(days=1)}, "call_closed"),
        (
            {"opens_on": TODAY() - datetime.timedelta(days=9), "closes_on": TODAY() - datetime.timedelta(days=1)},
            "call_closed",
        ),
        ({"categories": ["crafts"]}, "category"),
    ],
)
def test_a_closed_call_or_another_category_takes_no_submission(
    business: Business, dates: dict[str, object], code: str
) -> None:
    call = ProductCallFactory(**dates)
    with pytest.raises(Refused) as exc:
        submitted(business, call)
    assert exc.value.code == code


def test_nobody_submits_another_businesss_product(
    business: Business, peer_business: Business, call: ProductCall, mentor_tebet: User
) -> None:
    product = ProductFactory(business=business)
    for user in (owner(peer_business), mentor_tebet):
        with pytest.raises(Refused):
            services.submission_submit(product=product, call=call, acting_user=user)


# --- the mentor's check ---------------------------------------------------------------------------------------


def test_the_mentor_checks_a_submission(business: Business, call: ProductCall, mentor_tebet: User) -> None:
    submission = checked(business, call, mentor_tebet)
    assert (submission.status, submission.checked_by) == (SubmissionStatus.CHECKED, mentor_tebet)
    assert not Message.objects.filter(template="marketing_submission_returned").exists()


def test_the_mentor_returns_a_submission_with_what_to_change_and_the_business_is_told(
    business: Business, call: ProductCall, mentor_tebet: User
) -> None:
    submission = services.submission_check(
        submission=submitted(business, call), passed=False, reason="Foto kurang terang.", acting_user=mentor_tebet
    )
    assert (submission.status, submission.returned_reason) == (SubmissionStatus.RETURNED, "Foto kurang terang.")
    [message] = messages_to(owner(business), "marketing_submission_returned")
    assert message.context["reason"] == "Foto kurang terang."
    assert message.context["link"].endswith(f"/pemasaran/pengajuan/{submission.pk}/")


def test_returning_needs_a_reason(business: Business, call: ProductCall, mentor_tebet: User) -> None:
    submission = submitted(business, call)
    with pytest.raises(ValidationError) as exc:
        services.submission_check(submission=submission, passed=False, reason="  ", acting_user=mentor_tebet)
    assert [e.code for e in exc.value.error_dict["reason"]] == ["required"]
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED and not Message.objects.exists()


def test_long_values_are_shortened_in_the_messages_and_whole_on_the_submission(
    call: ProductCall, curator: User
) -> None:
    """A 150-character name (the longest a KTP gives), product, call and reason: each message of curation still
    fits an SMS, in both languages; the page keeps them whole."""
    business = verified_business(full_name=LONG_NAME)
    mentor = mentor_of(business)
    reason = "Perbaiki label kemasan. " * 40
    long_call = open_call(curator=curator, title="C" * 150)
    submission = services.submission_check(
        submission=submitted(business, long_call, name="K" * 150), passed=False, reason=reason, acting_user=mentor
    )
    assert submission.returned_reason == reason.strip()
    services.submission_resubmit(submission=submission, acting_user=owner(business))
    services.submission_check(submission=submission, passed=True, reason="", acting_user=mentor)
    services.submission_validate(submission=submission, passed=True, reason="", acting_user=agency_user())
    services.submission_grade(submission=submission, data=grade_data("B"), acting_user=curator)
    for template in ("marketing_submission_returned", "marketing_submission_graded"):
        [message] = messages_to(owner(business), template)
        assert len(message.context["full_name"]) <= MESSAGE_PERSON_CHARS
        assert len(message.context["product"]) <= services.MESSAGE_NAME_CHARS
        if template == "marketing_submission_returned":
            assert len(message.context["reason"]) <= services.MESSAGE_REASON_CHARS
        for body in bodies_in_each_language(message):
            assert len(body) <= 320, (template, body)  # an SMS, whatever was typed


def test_only_the_businesss_mentor_checks(
    business: Business,
    call: ProductCall,
    mentor_gambir: User,
    secretariat_tebet: User,
    agency_staff: User,
    curator: User,
) -> None:
    submission = submitted(business, call)
    for user in (mentor_gambir, secretariat_tebet, agency_staff, curator, owner(business)):
        with pytest.raises(Refused) as exc:
            services.submission_check(submission=submission, passed=True, reason="", acting_user=user)
        assert exc.value.code == "not_mentor"


def test_a_mentor_whose_assignment_ended_no_longer_checks(
    business: Business, call: ProductCall, mentor_tebet: User
) -> None:
    submission = submitted(business, call)
    business.participant.mentor_assignments.update(active=False, ended_at=timezone.now())
    with pytest.raises(Refused):
        services.submission_check(submission=submission, passed=True, reason="", acting_user=mentor_tebet)


# --- the kecamatan's validation -------------------------------------------------------------------------------


@pytest.mark.parametrize("validator", ["secretariat_tebet", "agency_staff"])
def test_the_kecamatan_or_agency_staff_validate(
    business: Business, call: ProductCall, mentor_tebet: User, validator: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(validator)
    submission = validated(business, call, mentor_tebet, user)
    assert (submission.status, submission.validated_by) == (SubmissionStatus.VALIDATED, user)


def test_another_kecamatans_secretariat_or_the_mentor_does_not_validate(
    business: Business, call: ProductCall, mentor_tebet: User, secretariat_gambir: User, partner_user: User
) -> None:
    submission = checked(business, call, mentor_tebet)
    for user in (secretariat_gambir, mentor_tebet, partner_user, owner(business)):
        with pytest.raises(Refused) as exc:
            services.submission_validate(submission=submission, passed=True, reason="", acting_user=user)
        assert exc.value.code == "not_kecamatan"


def test_the_kecamatan_returns_a_submission(
    business: Business, call: ProductCall, mentor_tebet: User, secretariat_tebet: User
) -> None:
    submission = services.submission_validate(
        submission=checked(business, call, mentor_tebet),
        passed=False,
        reason="Izin P-IRT belum ada.",
        acting_user=secretariat_tebet,
    )
    assert submission.status == SubmissionStatus.RETURNED and submission.validated_by == secretariat_tebet
    assert len(messages_to(owner(business), "marketing_submission_returned")) == 1


def test_a_submission_not_checked_yet_is_not_validated(
    business: Business, call: ProductCall, secretariat_tebet: User
) -> None:
    with pytest.raises(Refused) as exc:
        services.submission_validate(
            submission=submitted(business, call), passed=True, reason="", acting_user=secretariat_tebet
        )
    assert exc.value.code == "status"


# --- grading --------------------------------------------------------------------------------------------------


def test_a_curator_grades_with_comments_and_the_product_takes_the_grade(
    business: Business, call: ProductCall, mentor_tebet: User, agency_staff: User, curator: User
) -> None:
    submission = validated(business, call, mentor_tebet, agency_staff)
    graded = services.submission_grade(submission=submission, data=grade_data("B"), acting_user=curator)
    assert (graded.status, graded.grade, graded.graded_by) == (SubmissionStatus.GRADED, "B", curator)
    product = Product.objects.get(pk=submission.product_id)
    assert (product.grade, product.graded_at) == ("B", graded.graded_at)
    assert set(CriterionComment.objects.filter(submission=graded).values_list("criterion", flat=True)) == set(
        Criterion.values
    )
    [message] = messages_to(owner(business), "marketing_submission_graded")
    assert message.context["grade"] == "B"
    with translation.override("en"):
        assert audit.history_of(product)[0].actor == str(curator)


def test_a_grade_needs_every_criterion_comment_and_an_overall_comment(
    business: Business, call: ProductCall, mentor_tebet: User, agency_staff: User, curator: User
) -> None:
    submission = validated(business, call, mentor_tebet, agency_staff)
    data = GradeData(grade="D", comments={Criterion.QUALITY: "Enak."}, comment=" ")
    with pytest.raises(ValidationError) as exc:
        services.submission_grade(submission=submission, data=data, acting_user=curator)
    assert set(exc.value.error_dict) == {"grade", "comment"} | (set(Criterion.values) - {"quality"})
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.VALIDATED and not CriterionComment.objects.exists()


def test_only_a_curator_of_the_call_grades(
    business: Business,
    call: ProductCall,
    mentor_tebet: User,
    agency_staff: User,
    partner_user: User,
    secretariat_tebet: User,
) -> None:
    submission = validated(business, call, mentor_tebet, agency_staff)
    other_call_curator = UserFactory(role=Role.AGENCY)
    ProductCallFactory(curators=[other_call_curator])
    for user in (agency_staff, partner_user, mentor_tebet, secretariat_tebet, other_call_curator, owner(business)):
        with pytest.raises(Refused) as exc:
            services.submission_grade(submission=submission, data=grade_data(), acting_user=user)
        assert exc.value.code == "not_curator"


def test_a_partner_user_named_on_the_call_grades(business: Business, partner_user: User) -> None:
    call = open_call(curator=partner_curator(partner_user))
    product = graded_product("C", business, call=call)
    assert product.grade == "C"


def test_a_submission_is_graded_once(business: Business, call: ProductCall, curator: User) -> None:
    product = graded_product("A", business, call=call)
    submission = Submission.objects.get(product=product)
    with pytest.raises(Refused) as exc:
        services.submission_grade(submission=submission, data=grade_data("C"), acting_user=curator)
    assert exc.value.code == "status"
    assert Product.objects.get(pk=product.pk).grade == "A"


def test_a_later_grade_in_another_call_is_the_products_grade(
    business: Business, call: ProductCall, curator: User
) -> None:
    product = graded_product("C", business, call=call)
    second = open_call(curator=curator, title="Kurasi Kedua")
    submission = services.submission_submit(product=product, call=second, acting_user=owner(business))
    services.submission_check(submission=submission, passed=True, reason="", acting_user=mentor_of(business))
    services.submission_validate(submission=submission, passed=True, reason="", acting_user=agency_user())
    services.submission_grade(submission=submission, data=grade_data("A"), acting_user=curator)
    assert Product.objects.get(pk=product.pk).grade == "A"


@pytest.mark.parametrize("status", [SubmissionStatus.SUBMITTED, SubmissionStatus.CHECKED, SubmissionStatus.RETURNED])
def test_a_submission_not_validated_is_not_graded(
    business: Business, call: ProductCall, curator: User, status: str
) -> None:
    submission = SubmissionFactory(
        product=ProductFactory(business=business), call=call, status=status, returned_reason="x"
    )
    with pytest.raises(Refused) as exc:
        services.submission_grade(submission=submission, data=grade_data(), acting_user=curator)
    assert exc.value.code == "status"


# --- returned, resubmitted, withdrawn -------------------------------------------------------------------------


def test_a_returned_submission_is_changed_and_submitted_again_to_the_mentor(
    business: Business, call: ProductCall, mentor_tebet: User, secretariat_tebet: User
) -> None:
    submission = services.submission_validate(
        submission=checked(business, call, mentor_tebet), passed=False, reason="Harga?", acting_user=secretariat_tebet
    )
    again = services.submission_resubmit(submission=submission, acting_user=owner(business))
    assert again.status == SubmissionStatus.SUBMITTED
    assert (again.checked_by, again.validated_by, again.returned_reason) == (None, None, "Harga?")
    services.submission_check(submission=again, passed=True, reason="", acting_user=mentor_tebet)


def test_a_returned_submission_is_resubmitted_even_after_the_call_closed(
    business: Business, call: ProductCall, mentor_tebet: User
) -> None:
    submission = services.submission_check(
        submission=submitted(business, call), passed=False, reason="Foto.", acting_user=mentor_tebet
    )
    ProductCall.objects.filter(pk=call.pk).update(closes_on=TODAY() - datetime.timedelta(days=1))
    assert services.submission_resubmit(submission=submission, acting_user=owner(business)).status == "submitted"


def test_only_a_returned_submission_is_resubmitted_by_its_business(
    business: Business, peer_business: Business, call: ProductCall, mentor_tebet: User
) -> None:
    submission = submitted(business, call)
    with pytest.raises(Refused) as exc:
        services.submission_resubmit(submission=submission, acting_user=owner(business))
    assert exc.value.code == "status"
    returned = services.submission_check(submission=submission, passed=False, reason="x", acting_user=mentor_tebet)
    with pytest.raises(Refused) as exc:
        services.submission_resubmit(submission=returned, acting_user=owner(peer_business))
    assert exc.value.code == "not_own"


def test_a_withdrawn_submission_may_be_submitted_again_while_the_call_is_open(
    business: Business, call: ProductCall
) -> None:
    submission = submitted(business, call)
    services.submission_withdraw(submission=submission, acting_user=owner(business))
    with pytest.raises(Refused):
        services.submission_check(submission=submission, passed=True, reason="", acting_user=mentor_of(business))
    again = services.submission_submit(product=submission.product, call=call, acting_user=owner(business))
    assert again.pk == submission.pk and again.status == SubmissionStatus.SUBMITTED


def test_a_graded_or_withdrawn_submission_is_not_withdrawn(business: Business, call: ProductCall) -> None:
    product = graded_product("B", business, call=call)
    with pytest.raises(Refused):
        services.submission_withdraw(submission=Submission.objects.get(product=product), acting_user=owner(business))


def test_the_whole_way_is_recorded_with_each_actor(
    business: Business, call: ProductCall, mentor_tebet: User, secretariat_tebet: User, curator: User
) -> None:
    submission = validated(business, call, mentor_tebet, secretariat_tebet)
    services.submission_grade(submission=submission, data=grade_data(), acting_user=curator)
    with translation.override("en"):
        actors = [entry.actor for entry in reversed(audit.history_of(submission))]
    assert actors == [str(owner(business)), str(mentor_tebet), str(secretariat_tebet), str(curator)]


# --- concurrency ----------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_curators_grading_at_once_leave_one_grade() -> None:
    curators = [UserFactory(role=Role.AGENCY), partner_curator()]
    call = open_call(curator=curators[0])
    call.curators.add(curators[1])
    business = verified_business()
    submission = services.submission_submit(
        product=ProductFactory(business=business), call=call, acting_user=owner(business)
    )
    services.submission_check(submission=submission, passed=True, reason="", acting_user=mentor_of(business))
    services.submission_validate(submission=submission, passed=True, reason="", acting_user=agency_user())
    barrier = threading.Barrier(2, timeout=30)

    def grade(pair: tuple[User, str]) -> str:
        user, grade = pair
        try:
            barrier.wait()
            services.submission_grade(submission=submission, data=grade_data(grade), acting_user=user)
            return "graded"
        except ValidationError as exc:
            return f"refused:{exc.code}"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = Counter(pool.map(grade, [(curators[0], "A"), (curators[1], "C")]))

    assert outcomes == {"graded": 1, "refused:status": 1}, outcomes
    submission.refresh_from_db()
    assert CriterionComment.objects.filter(submission=submission).count() == len(Criterion)
    assert Product.objects.get(pk=submission.product_id).grade == submission.grade
    assert Message.objects.filter(template="marketing_submission_graded", channel="email").count() == 1
