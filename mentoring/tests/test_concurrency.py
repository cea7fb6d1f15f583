"""Concurrent approvals in one kecamatan share the load: the mentors' rows are locked while one approval
counts, so two approvals never both pick the same least loaded mentor. Real PostgreSQL connections."""

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from mentoring import services
from mentoring.models import MentorAssignment
from mentoring.tests.factories import MentorFactory
from registration.choices import Decision
from registration.models import Registration
from registration.services import registration_decide
from registration.tests.factories import RegistrationFactory

APPROVALS = 12
MENTORS = 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_spread_evenly_over_the_mentors(monkeypatch: pytest.MonkeyPatch) -> None:
    choose = services.least_loaded_mentor

    def slow_choice(kecamatan_id: int) -> User | None:
        mentor = choose(kecamatan_id)
        time.sleep(0.05)  # widen the window between choosing and assigning
        return mentor

    monkeypatch.setattr(services, "least_loaded_mentor", slow_choice)
    mentors = [MentorFactory() for _ in range(MENTORS)]
    secretariat = UserFactory(role=Role.SECRETARIAT, office=mentors[0].office)
    registrations = [RegistrationFactory() for _ in range(APPROVALS)]
    barrier = threading.Barrier(APPROVALS, timeout=30)

    def approve(registration: Registration) -> str:
        try:
            barrier.wait()
            registration_decide(
                registration=registration, decision=Decision.APPROVE, reason="", acting_user=secretariat
            )
            return "ok"
        except Exception as exc:
            return f"error:{type(exc).__name__}:{exc}"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=APPROVALS) as pool:
        outcomes = list(pool.map(approve, registrations))

    assert outcomes == ["ok"] * APPROVALS
    load = Counter(MentorAssignment.objects.filter(active=True).values_list("mentor", flat=True))
    assert load == {m.pk: APPROVALS // MENTORS for m in mentors}
