"""Two-way contact: a participant asks their mentor, the mentor answers, both see the thread."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import User
from mentoring import services
from mentoring.models import HelpMessage, HelpRequest, HelpStatus
from mentoring.tests.factories import HelpMessageFactory, HelpRequestFactory, MentorFactory, verified_participant
from notifications.models import Message
from registration.models import Participant
from registration.tests.conftest import login

pytestmark = pytest.mark.django_db

QUESTION = {"topic": "P4", "subject": "Cara daftar NIB", "body": "Bagaimana cara daftar NIB untuk warung saya?"}


def test_a_question_and_its_answer_both_ways(
    client: Client, entrepreneur: User, mentor_tebet: User, siti: Participant
) -> None:
    # the participant asks
    login(client, entrepreneur)
    assert client.get(reverse("mentoring:help_new")).status_code == 200
    response = client.post(reverse("mentoring:help_new"), QUESTION)
    request = HelpRequest.objects.get()
    assert response.url == reverse("mentoring:help_thread", args=[request.pk])
    assert (request.participant, request.mentor, request.awaiting_mentor) == (siti, mentor_tebet, True)
    assert Message.objects.filter(template="mentoring_help_message", recipient=mentor_tebet).exists()

    # the mentor finds it waiting and answers
    login(client, mentor_tebet)
    inbox = client.get(reverse("mentoring:help_list"))
    assert [h.pk for h in inbox.context["page"].items] == [request.pk]
    thread_url = reverse("mentoring:help_thread", args=[request.pk])
    assert QUESTION["body"] in client.get(thread_url).content.decode()
    client.post(thread_url, {"body": "Lewat OSS, saya bantu Kamis."})
    request.refresh_from_db()
    assert request.awaiting_mentor is False
    assert Message.objects.filter(template="mentoring_help_message", recipient=entrepreneur).exists()

    # the participant reads the answer and writes back
    login(client, entrepreneur)
    html = client.get(thread_url).content.decode()
    assert QUESTION["body"] in html and "Lewat OSS, saya bantu Kamis." in html
    client.post(thread_url, {"body": "Terima kasih!"})
    request.refresh_from_db()
    assert request.awaiting_mentor is True
    assert list(HelpMessage.objects.filter(request=request).values_list("author", flat=True)) == [
        entrepreneur.pk,
        mentor_tebet.pk,
        entrepreneur.pk,
    ]
    # and closes it; writing again opens it
    client.post(reverse("mentoring:help_close", args=[request.pk]))
    request.refresh_from_db()
    assert request.status == HelpStatus.CLOSED
    client.post(thread_url, {"body": "Satu pertanyaan lagi."})
    request.refresh_from_db()
    assert (request.status, request.awaiting_mentor) == (HelpStatus.OPEN, True)


def test_no_question_without_a_mentor(client: Client, entrepreneur: User) -> None:
    verified_participant("Tebet", user=entrepreneur)
    login(client, entrepreneur)
    assert 'id="help-form"' not in client.get(reverse("mentoring:help_new")).content.decode()
    response = client.post(reverse("mentoring:help_new"), QUESTION)
    assert response.status_code == 400
    assert not HelpRequest.objects.exists()


def test_an_unregistered_entrepreneur_cannot_ask(client: Client, entrepreneur: User) -> None:
    login(client, entrepreneur)
    assert client.post(reverse("mentoring:help_new"), QUESTION).status_code == 403
    assert not HelpRequest.objects.exists()


@pytest.mark.parametrize(
    ("field", "data"),
    [
        ("subject", {**QUESTION, "subject": "   "}),
        ("body", {**QUESTION, "body": ""}),
        ("body", {**QUESTION, "body": "x" * 2001}),
        ("topic", {**QUESTION, "topic": "P9"}),
    ],
)
def test_bad_questions_are_refused(
    client: Client, entrepreneur: User, siti: Participant, field: str, data: dict[str, str]
) -> None:
    login(client, entrepreneur)
    response = client.post(reverse("mentoring:help_new"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not HelpRequest.objects.exists()


def test_an_empty_reply_is_refused(client: Client, mentor_tebet: User, siti: Participant) -> None:
    request = HelpMessageFactory(request=HelpRequestFactory(participant=siti, mentor=mentor_tebet)).request
    login(client, mentor_tebet)
    response = client.post(reverse("mentoring:help_thread", args=[request.pk]), {"body": "  "})
    assert response.status_code == 400
    assert HelpMessage.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "reads", "writes"),
    [
        ("entrepreneur", True, True),
        ("mentor_tebet", True, True),
        ("secretariat_tebet", True, False),
        ("agency_staff", True, False),
        ("other_entrepreneur", False, False),
        ("mentor_gambir", False, False),
        ("secretariat_gambir", False, False),
        ("partner_user", False, False),
    ],
)
def test_who_reads_and_writes_a_thread(
    client: Client,
    request: pytest.FixtureRequest,
    siti: Participant,
    mentor_tebet: User,
    who: str,
    reads: bool,
    writes: bool,
) -> None:
    help_request = HelpMessageFactory(request=HelpRequestFactory(participant=siti, mentor=mentor_tebet)).request
    login(client, request.getfixturevalue(who))
    url = reverse("mentoring:help_thread", args=[help_request.pk])
    assert client.get(url).status_code == (200 if reads else 404)
    response = client.post(url, {"body": "Halo"})
    assert response.status_code == (302 if writes else 403 if reads else 404)
    assert HelpMessage.objects.count() == (2 if writes else 1)
    listed = client.get(reverse("mentoring:help_list"))
    if listed.status_code == 200 and who != "secretariat_tebet" and who != "agency_staff":
        assert (help_request in listed.context["page"].items) == reads


def test_help_lists_run_a_fixed_number_of_queries(
    client: Client, entrepreneur: User, mentor_tebet: User, siti: Participant, django_assert_max_num_queries: Any
) -> None:
    for n in range(8):
        HelpRequestFactory(participant=siti, mentor=mentor_tebet, subject=f"Pertanyaan {n}")
        other = verified_participant("Tebet")
        HelpRequestFactory(participant=other, mentor=mentor_tebet)
    for user, expected in ((mentor_tebet, 16), (entrepreneur, 8)):
        login(client, user)
        with django_assert_max_num_queries(4):
            response = client.get(reverse("mentoring:help_list"))
        assert len(response.context["page"].items) == expected


def test_a_thread_runs_a_fixed_number_of_queries(
    client: Client, mentor_tebet: User, siti: Participant, django_assert_max_num_queries: Any
) -> None:
    request = HelpRequestFactory(participant=siti, mentor=mentor_tebet)
    colleague = MentorFactory()
    for n in range(10):
        HelpMessageFactory(request=request, author=[siti.user, mentor_tebet, colleague][n % 3], body=f"Pesan {n}")
    login(client, mentor_tebet)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("mentoring:help_thread", args=[request.pk]))
    assert len(response.context["thread"]) == 10


# --- only the thread's own mentor answers ------------------------------------------------------------------------


def test_a_colleague_mentor_reads_but_cannot_reply_or_close(
    client: Client, siti: Participant, mentor_tebet: User
) -> None:
    help_request = HelpMessageFactory(request=HelpRequestFactory(participant=siti, mentor=mentor_tebet)).request
    before = (help_request.status, help_request.awaiting_mentor, help_request.last_message_at)
    colleague = MentorFactory()  # a mentor of the same kecamatan
    login(client, colleague)
    thread_url = reverse("mentoring:help_thread", args=[help_request.pk])

    page = client.get(thread_url)
    assert page.status_code == 200 and page.context["form"] is None
    assert 'id="reply-form"' not in page.content.decode()
    assert client.post(thread_url, {"body": "Saya jawab saja."}).status_code == 403
    assert client.post(reverse("mentoring:help_close", args=[help_request.pk])).status_code == 403

    help_request.refresh_from_db()
    assert (help_request.status, help_request.awaiting_mentor, help_request.last_message_at) == before
    assert HelpMessage.objects.count() == 1
    assert not Message.objects.filter(template="mentoring_help_message").exists()


@pytest.mark.parametrize("who", ["colleague", "secretariat_tebet"])
def test_the_services_refuse_anyone_but_the_participant_and_the_threads_mentor(
    request: pytest.FixtureRequest, siti: Participant, mentor_tebet: User, who: str
) -> None:
    help_request = HelpMessageFactory(request=HelpRequestFactory(participant=siti, mentor=mentor_tebet)).request
    user = MentorFactory() if who == "colleague" else request.getfixturevalue(who)
    with pytest.raises(ValidationError):
        services.help_request_reply(request=help_request, body="Halo", acting_user=user)
    with pytest.raises(ValidationError):
        services.help_request_close(request=help_request, acting_user=user)
    help_request.refresh_from_db()
    assert (help_request.status, help_request.awaiting_mentor) == (HelpStatus.OPEN, True)
    assert HelpMessage.objects.count() == 1


def test_the_threads_mentor_closes_it(client: Client, siti: Participant, mentor_tebet: User) -> None:
    help_request = HelpMessageFactory(request=HelpRequestFactory(participant=siti, mentor=mentor_tebet)).request
    login(client, mentor_tebet)
    assert client.post(reverse("mentoring:help_close", args=[help_request.pk])).status_code == 302
    help_request.refresh_from_db()
    assert (help_request.status, help_request.awaiting_mentor) == (HelpStatus.CLOSED, False)


def test_reopening_a_closed_thread_goes_to_the_current_mentor(
    client: Client, entrepreneur: User, siti: Participant, mentor_tebet: User, secretariat_tebet: User
) -> None:
    closed = HelpMessageFactory(
        request=HelpRequestFactory(participant=siti, mentor=mentor_tebet, status=HelpStatus.CLOSED)
    ).request
    newcomer = MentorFactory(full_name="Mentor Baru")
    services.assignment_change(participant=siti, mentor=newcomer, acting_user=secretariat_tebet)
    closed.refresh_from_db()
    assert closed.mentor == mentor_tebet  # a closed thread stays with who answered it
    Message.objects.all().delete()

    login(client, entrepreneur)
    client.post(reverse("mentoring:help_thread", args=[closed.pk]), {"body": "Ada pertanyaan lagi."})

    closed.refresh_from_db()
    assert (closed.mentor, closed.status, closed.awaiting_mentor) == (newcomer, HelpStatus.OPEN, True)
    recipients = set(Message.objects.filter(template="mentoring_help_message").values_list("recipient", flat=True))
    assert recipients == {newcomer.pk}
    # the new mentor now answers in it; the old one only reads
    login(client, newcomer)
    assert client.get(reverse("mentoring:help_thread", args=[closed.pk])).context["form"] is not None
    login(client, mentor_tebet)
    assert client.get(reverse("mentoring:help_thread", args=[closed.pk])).context["form"] is None


@pytest.mark.parametrize("staff", ["secretariat_tebet", "agency_staff"])
def test_the_staff_help_list_runs_a_fixed_number_of_queries(
    client: Client,
    request: pytest.FixtureRequest,
    mentor_tebet: User,
    staff: str,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(10):
        HelpRequestFactory(participant=verified_participant("Tebet"), mentor=mentor_tebet, subject=f"Tanya {n}")
    login(client, request.getfixturevalue(staff))
    with django_assert_max_num_queries(4):
        response = client.get(reverse("mentoring:help_list"))
    assert len(response.context["page"].items) == 10
    html = response.content.decode()
    assert all(h.participant.full_name in html for h in response.context["page"].items)
