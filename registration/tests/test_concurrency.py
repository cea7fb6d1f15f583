"""One participant per NIK, whatever the race: the database constraint decides, on real PostgreSQL
connections (one per thread)."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from accounts.models import User
from accounts.tests.factories import UserFactory
from registration import wizard
from registration.models import Draft, Participant, Registration
from registration.services import AlreadyRegistered, document_attach
from registration.tests.conftest import business_data, person_data
from registration.tests.factories import upload

SUBMISSIONS = 50


def ready_draft(user: User) -> Draft:
    payload = {
        "person": person_data(email=user.email, phone=""),
        "business": business_data(),
    }
    draft = Draft.objects.create(user=user, payload=json.dumps(payload))
    for kind in ("ktp", "plan_statement"):
        document_attach(kind=kind, upload=upload(), content_type="image/png", acting_user=user, draft=draft)
    return draft


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_submissions_of_one_nik_make_one_participant() -> None:
    drafts = [ready_draft(UserFactory()) for _ in range(SUBMISSIONS)]
    barrier = threading.Barrier(SUBMISSIONS, timeout=30)

    def submit(draft: Draft) -> str:
        try:
            barrier.wait()
            wizard.submit(draft, acting_user=draft.user)
            return "registered"
        except AlreadyRegistered as exc:
            return f"already:{exc.code}"
        except Exception as exc:
            return f"error:{type(exc).__name__}:{exc}"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=SUBMISSIONS) as pool:
        outcomes = list(pool.map(submit, drafts))

    assert outcomes.count("registered") == 1, outcomes
    assert outcomes.count("already:already_registered") == SUBMISSIONS - 1, outcomes
    assert Participant.objects.count() == 1
    assert Registration.objects.count() == 1
    # the losers keep their drafts and documents: nothing they typed is lost
    assert Draft.objects.count() == SUBMISSIONS - 1
