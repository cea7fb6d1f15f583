"""The services hold the rules themselves: a call from a shell, an import or the API gets the page's answers,
with the same codes, and never needs a form."""

import datetime
import inspect

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from core.decisions import Refused
from mentoring import services
from mentoring.models import FollowUp, HelpRequest, MentorTarget, Visit
from mentoring.tests.factories import FollowUpFactory, HelpRequestFactory, VisitFactory
from registration.models import Participant
from registration.tests.factories import upload

pytestmark = pytest.mark.django_db


def log(participant: Participant, mentor: User, **overrides: object) -> Visit:
    values: dict[str, object] = {
        "participant": participant,
        "date": timezone.localdate(),
        "kind": "field",
        "steps": ["P3"],
        "notes": "Catatan",
        "shared": False,
        "follow_ups": [],
        "acting_user": mentor,
        **overrides,
    }
    return services.visit_log(**values)  # type: ignore[arg-type]


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [str(e.code) for e in errors] for field, errors in exc.error_dict.items()}


def test_every_service_with_an_acting_user_is_audited() -> None:
    for name, function in inspect.getmembers(services, inspect.isfunction):
        if "acting_user" in inspect.signature(function).parameters and not name.startswith(("on_", "_")):
            assert getattr(function, "audited", False), name


def test_a_visit_from_a_shell_gets_the_pages_date_and_photo_rules(siti: Participant, mentor_tebet: User) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        log(siti, mentor_tebet, date=tomorrow, photo=upload("a.png", b"<html>not a photo</html>"))
    assert codes(caught.value) == {"date": ["future"], "photo": ["file_type"]}
    with pytest.raises(ValidationError) as caught:
        log(siti, mentor_tebet, date=timezone.localdate() - datetime.timedelta(days=400))
    assert codes(caught.value) == {"date": ["too_old"]}
    assert not Visit.objects.exists()


def test_follow_ups_from_a_shell_get_the_forms_rules(siti: Participant, mentor_tebet: User) -> None:
    today = timezone.localdate()
    agreed = [
        services.FollowUpData("Sebelum kunjungan", today - datetime.timedelta(days=1)),
        services.FollowUpData("  ", today),
        services.FollowUpData("Terlalu jauh", today + datetime.timedelta(days=400)),
    ]
    with pytest.raises(ValidationError) as caught:
        log(siti, mentor_tebet, follow_ups=agreed)
    assert codes(caught.value) == {"follow_ups": ["before_visit", "required", "too_far"]}
    assert not FollowUp.objects.exists()


def test_only_a_mentor_of_the_kecamatan_logs_a_visit(
    siti: Participant, mentor_gambir: User, secretariat_tebet: User
) -> None:
    with pytest.raises(Refused) as caught:
        log(siti, mentor_gambir)
    assert caught.value.code == "wrong_kecamatan"
    with pytest.raises(Refused) as caught:
        log(siti, secretariat_tebet)
    assert caught.value.code == "not_mentor"


def test_a_mentor_does_not_reassign(siti: Participant, mentor_tebet: User) -> None:
    with pytest.raises(Refused) as caught:
        services.assignment_change(participant=siti, mentor=mentor_tebet, acting_user=mentor_tebet)
    assert caught.value.code == "not_allowed"


def test_marking_done_is_the_kecamatan_mentors(siti: Participant, mentor_tebet: User, mentor_gambir: User) -> None:
    follow_up = FollowUpFactory(visit=VisitFactory(participant=siti, mentor=mentor_tebet))
    with pytest.raises(Refused):
        services.follow_up_mark_done(follow_up=follow_up, acting_user=mentor_gambir)
    assert services.follow_up_mark_done(follow_up=follow_up, acting_user=mentor_tebet).done_by == mentor_tebet


def test_help_from_a_shell_needs_the_participant_and_a_message(
    siti: Participant, entrepreneur: User, mentor_tebet: User, secretariat_tebet: User
) -> None:
    with pytest.raises(Refused) as caught:
        services.help_request_open(participant=siti, topic="P4", subject="NIB", body="?", acting_user=mentor_tebet)
    assert caught.value.code == "not_allowed"
    with pytest.raises(ValidationError) as caught_body:
        services.help_request_open(participant=siti, topic="P4", subject="NIB", body="  ", acting_user=entrepreneur)
    assert codes(caught_body.value) == {"body": ["required"]}
    thread = HelpRequestFactory(participant=siti, mentor=mentor_tebet)
    with pytest.raises(Refused) as caught:
        services.help_request_reply(request=thread, body="Halo", acting_user=secretariat_tebet)
    assert caught.value.code == "not_allowed"
    with pytest.raises(ValidationError) as caught_body:
        services.help_request_reply(request=thread, body="", acting_user=mentor_tebet)
    assert codes(caught_body.value) == {"body": ["required"]}
    assert HelpRequest.objects.count() == 1


def test_targets_are_set_for_mentor_accounts_by_staff(
    mentor_tebet: User, secretariat_tebet: User, agency_staff: User
) -> None:
    target = services.mentor_target_save(
        mentor=mentor_tebet, year=2026, participants=20, basis="verified", visits=60, acting_user=agency_staff
    )
    assert (target.set_by, MentorTarget.objects.count()) == (agency_staff, 1)
    with pytest.raises(ValidationError) as caught:
        services.mentor_target_save(
            mentor=secretariat_tebet, year=2026, participants=1, basis="verified", visits=1, acting_user=agency_staff
        )
    assert codes(caught.value) == {"mentor": ["not_mentor"]}
    with pytest.raises(ValidationError):
        services.mentor_target_save(
            mentor=mentor_tebet, year=2017, participants=1, basis="verified", visits=1, acting_user=agency_staff
        )
    with pytest.raises(ValidationError) as refused:
        services.mentor_target_save(
            mentor=mentor_tebet, year=2027, participants=1, basis="verified", visits=1, acting_user=mentor_tebet
        )
    assert refused.value.code == "not_allowed"
