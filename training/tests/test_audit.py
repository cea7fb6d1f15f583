"""The audit trail of P2: a change through the web, the admin and the reminder task each leaves one history row with
the right actor and channel."""

import datetime

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from core import audit
from partners.models import PartnerOrganisation
from registration.models import Participant
from registration.tests.conftest import login
from training import services, tasks
from training.models import Enrolment, Session
from training.tests.factories import EnrolmentFactory, SessionFactory, in_days

pytestmark = pytest.mark.django_db

DATETIMES = ("starts_at", "ends_at", "registration_deadline")


def history(obj: models.Model) -> list[audit.Entry]:
    with translation.override("en"):
        return audit.history_of(obj)


def test_enrolling_on_the_page_is_recorded_as_the_participants_through_the_web(
    client: Client, participant: Participant
) -> None:
    session = SessionFactory()
    login(client, participant.user)
    client.post(reverse("training:enrol", args=[session.pk]))
    enrolment = Enrolment.objects.get()
    [entry] = history(enrolment)
    assert (entry.kind, entry.actor, entry.channel) == ("created", str(participant.user), "web")
    seats = history(session)[0]
    assert (seats.actor, seats.channel) == (str(participant.user), "web")
    assert [(c.field, c.before, c.after) for c in seats.changes] == [("enrolled", "0", "1")]


def test_an_admin_edit_of_a_session_is_recorded_through_the_admin(client: Client, agency_staff: User) -> None:
    session = SessionFactory(capacity=20)
    login(client, agency_staff)
    url = reverse("admin:training_session_change", args=[session.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in DATETIMES}
    data.update(wilayah=session.wilayah_id, capacity=25, is_online="")
    for field in DATETIMES:
        value = timezone.localtime(getattr(session, field))
        data[f"{field}_0"] = value.strftime("%Y-%m-%d")
        data[f"{field}_1"] = value.strftime("%H:%M:%S")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    [change, _created] = history(session)
    assert (change.kind, change.actor, change.channel) == ("updated", str(agency_staff), "admin")
    assert [(c.field, c.before, c.after) for c in change.changes] == [("capacity", "20", "25")]
    assert client.get(reverse("admin:training_session_history", args=[session.pk])).status_code == 200


def test_the_admin_refuses_a_change_of_a_started_session_on_the_form(client: Client, agency_staff: User) -> None:
    session = SessionFactory()
    login(client, agency_staff)
    url = reverse("admin:training_session_change", args=[session.pk])
    form = client.get(url).context["adminform"].form
    Session.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=1),
        registration_deadline=timezone.now() - datetime.timedelta(hours=1),
    )
    data = {k: v for k, v in form.initial.items() if v is not None and k not in DATETIMES}
    data.update(wilayah=session.wilayah_id, capacity=25, is_online="")
    for field in DATETIMES:
        value = timezone.localtime(getattr(session, field))
        data[f"{field}_0"] = value.strftime("%Y-%m-%d")
        data[f"{field}_1"] = value.strftime("%H:%M:%S")
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert Session.objects.get(pk=session.pk).capacity == session.capacity


def test_the_reminder_task_is_recorded_as_the_system_through_the_task_channel() -> None:
    session = SessionFactory(starts_at=in_days(1, 9), registration_deadline=in_days(0, 0))
    enrolment = EnrolmentFactory(session=session)
    assert tasks.send_session_reminders() == 1
    reminded = history(enrolment)[0]
    assert (reminded.kind, reminded.actor, reminded.channel) == ("updated", "system", "task")
    assert [c.field for c in reminded.changes] == ["reminder sent"]


def test_a_service_records_its_acting_user(agency_staff: User, partner_org: PartnerOrganisation) -> None:
    session = SessionFactory()
    services.session_cancel(session=session, acting_user=agency_staff)
    cancelled = history(session)[0]
    assert (cancelled.actor, cancelled.channel) == (str(agency_staff), "shell")
