"""A partner organisation's user as a curator. They see the product and its listing's public name (or a neutral
"Business #id"), never who is behind it: the participant's name, NIK, phone, email, address and kecamatan, the
registered business name, the staff who handled the submission. Program staff keep seeing those. And a partner's
user curates only while the organisation is active and an agreement in force with it covers P5: after that, the
grade page, grading and the photos not yet public are refused, on the pages, in the services and in the queue's
SQL."""

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.decisions import Refused
from marketing.choices import Criterion, SubmissionStatus
from marketing.models import Listing, ProductCall, Submission
from marketing.selectors import curation as selectors
from marketing.services import curation as services
from marketing.tests.conftest import client_for
from marketing.tests.factories import (
    ProductCallFactory,
    ProductFactory,
    ProductPhotoFactory,
    SubmissionFactory,
    grade_data,
    partner_curator,
)
from mentoring.tests.factories import AssignmentFactory, verified_participant
from partners.choices import Step
from partners.models import Agreement, PartnerOrganisation
from registration.models import Business, Participant

pytestmark = pytest.mark.django_db

PAGES = ("marketing:grading_queue", "marketing:submission", "marketing:submission_grade")
QUEUES = ("marketing:grading_queue", "marketing:check_queue")


@pytest.fixture
def person(business: Business) -> Participant:
    """Siti, with every piece of her registration a page could leak."""
    Participant.objects.filter(pk=business.participant_id).update(
        phone="+6281299990001", address="Jl. Rahasia Gang Melati No. 7"
    )
    business.participant.refresh_from_db()
    return business.participant


def private_values(person: Participant) -> list[str]:
    return [
        person.full_name,
        person.nik,
        person.phone,
        person.email,
        person.address,
        person.kecamatan.name,
        person.business.name,
        "Mentor Tebet",
        "Sekretariat Tebet",
    ]


def validated_submission(
    business: Business, call: ProductCall, *, mentor: User, secretariat: User, name: str = "Dodol Betawi Asli"
) -> Submission:
    """A product with a photo, submitted by Siti, checked by her mentor and validated by her kecamatan."""
    product = ProductFactory(business=business, name=name)
    ProductPhotoFactory(product=product)
    submission = services.submission_submit(product=product, call=call, acting_user=business.participant.user)
    services.submission_check(submission=submission, passed=True, reason="", acting_user=mentor)
    return services.submission_validate(submission=submission, passed=True, reason="", acting_user=secretariat)


def page(client: Client, name: str, submission: Submission) -> str:
    url = reverse(name) if name in QUEUES else reverse(name, args=[submission.pk])
    response = client.get(url)
    assert response.status_code == 200, (name, response.status_code)
    return response.content.decode()


# --- what a partner's curator sees ---------------------------------------------------------------------------


@pytest.mark.parametrize("listed", [True, False])
def test_a_partner_curator_sees_the_product_and_the_public_name_only(
    person: Participant,
    business: Business,
    mentor_tebet: User,
    secretariat_tebet: User,
    partner_user: User,
    listed: bool,
) -> None:
    if not listed:
        Listing.objects.filter(business=business).delete()
    curator = partner_curator(partner_user)
    call = ProductCallFactory(title="Kurasi Pasar Daring", curators=[curator])
    submission = validated_submission(business, call, mentor=mentor_tebet, secretariat=secretariat_tebet)
    client = client_for(curator)
    shown = "Dapur Siti" if listed else f"Business #{business.pk}"
    for name in PAGES:
        html = page(client, name, submission)
        assert "Dodol Betawi Asli" in html and shown in html, name
        for private in private_values(person):
            assert private not in html, (name, private)
    services.submission_grade(submission=submission, data=grade_data("B"), acting_user=curator)
    html = page(client, "marketing:submission", submission)
    assert "Grade B" in html
    for private in private_values(person):
        assert private not in html, private


def test_program_staff_keep_seeing_who_is_behind_the_business(
    person: Participant,
    business: Business,
    call: ProductCall,
    curator: User,
    mentor_tebet: User,
    secretariat_tebet: User,
) -> None:
    """The call's curator here is agency staff: the queue names Siti and her kecamatan, the timeline its people,
    and without a listing the facts name the registered business."""
    Listing.objects.filter(business=business).delete()
    submission = validated_submission(business, call, mentor=mentor_tebet, secretariat=secretariat_tebet)
    client = client_for(curator)
    queue = page(client, "marketing:grading_queue", submission)
    assert person.full_name in queue and "Tebet" in queue
    detail = page(client, "marketing:submission", submission)
    for shown in (person.full_name, "Mentor Tebet", "Sekretariat Tebet", business.name):
        assert shown in detail, shown
    check = SubmissionFactory(product=ProductFactory(business=business), call=call)
    assert person.full_name in page(client_for(mentor_tebet), "marketing:check_queue", check)


# --- while a partner's user may curate -------------------------------------------------------------------------


def _deactivated(organisation: PartnerOrganisation) -> None:
    PartnerOrganisation.objects.filter(pk=organisation.pk).update(active=False)


def _expired(organisation: PartnerOrganisation) -> None:
    Agreement.objects.filter(organisation=organisation).update(ends_on=timezone.localdate() - datetime.timedelta(1))


def _ended_early(organisation: PartnerOrganisation) -> None:
    Agreement.objects.filter(organisation=organisation).update(ended_on=timezone.localdate())


@pytest.mark.parametrize("lose", [_deactivated, _expired, _ended_early], ids=["deactivated", "expired", "ended"])
def test_a_partner_curator_stops_curating_when_the_organisation_may_no_longer(
    business: Business,
    mentor_tebet: User,
    secretariat_tebet: User,
    partner_user: User,
    lose: Callable[[PartnerOrganisation], None],
) -> None:
    Listing.objects.filter(business=business).update(published=False)  # its photos are not public
    curator = partner_curator(partner_user)
    call = ProductCallFactory(curators=[curator])
    submission = validated_submission(business, call, mentor=mentor_tebet, secretariat=secretariat_tebet)
    photo = submission.product.photos.get()
    client = client_for(curator)
    photo_url = reverse("marketing:photo", args=[photo.public_id])
    assert client.get(photo_url).status_code == 200
    assert client.get(reverse("marketing:grading_queue")).context["submissions"] == [submission]

    lose(curator.partner_membership.organisation)

    assert client.get(reverse("marketing:grading_queue")).context["submissions"] == []
    assert selectors.waiting_counts(curator, ["grade"]) == {"grade": 0}
    assert client.get(reverse("marketing:submission", args=[submission.pk])).status_code == 404
    assert client.get(reverse("marketing:submission_grade", args=[submission.pk])).status_code == 404
    grade = {"grade": "A", "comment": "Bagus.", **{c.value: "Bagus." for c in Criterion}}
    assert client.post(reverse("marketing:submission_grade", args=[submission.pk]), grade).status_code == 404
    assert client.get(photo_url).status_code == 404
    with pytest.raises(Refused) as exc:
        services.submission_grade(submission=submission, data=grade_data(), acting_user=curator)
    assert exc.value.code == "not_curator"
    assert Submission.objects.get().status == SubmissionStatus.VALIDATED


def test_an_agreement_without_p5_does_not_make_a_curator(
    business: Business, mentor_tebet: User, secretariat_tebet: User, partner_user: User
) -> None:
    curator = partner_curator(partner_user, steps=(Step.P2, Step.P6))
    submission = validated_submission(
        business, ProductCallFactory(curators=[curator]), mentor=mentor_tebet, secretariat=secretariat_tebet
    )
    client = client_for(curator)
    assert client.get(reverse("marketing:grading_queue")).context["submissions"] == []
    assert client.get(reverse("marketing:submission_grade", args=[submission.pk])).status_code == 404
    with pytest.raises(Refused):
        services.submission_grade(submission=submission, data=grade_data(), acting_user=curator)


def test_a_partner_curators_queue_runs_a_fixed_number_of_queries(
    partner_user: User, mentor_tebet: User, django_assert_num_queries: object
) -> None:
    curator = partner_curator(partner_user)
    call = ProductCallFactory(curators=[curator])
    for _ in range(30):
        participant = verified_participant("Tebet")
        AssignmentFactory(participant=participant, mentor=mentor_tebet)
        submission = SubmissionFactory(
            product=ProductFactory(business=participant.business), call=call, status=SubmissionStatus.VALIDATED
        )
        ProductPhotoFactory(product=submission.product)
    client = client_for(curator)
    # session, user; the submissions (the organisation's standing in the same query); their photos; curators
    with django_assert_num_queries(5):  # type: ignore[operator]
        response = client.get(reverse("marketing:grading_queue"))
    assert len(response.context["submissions"]) == 30
