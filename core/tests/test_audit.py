"""The audit trail records who changed what, when and through which channel, in the change's transaction."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role, User
from core import audit

pytestmark = pytest.mark.django_db


def _events(user: User) -> list[audit.Entry]:
    with translation.override("en"):
        return audit.history_of(user)


def test_a_change_outside_any_channel_is_recorded_as_shell_with_its_actor(agency_staff: User) -> None:
    person = User.objects.create_user(email="a@example.id", full_name="Ani")
    with audit.acting(agency_staff):
        person.full_name = "Ani Rahma"
        person.save()
    entries = _events(person)
    assert [e.kind for e in entries] == ["updated", "created"]
    change = entries[0]
    assert change.actor == str(agency_staff)
    assert change.channel == "shell"
    assert [(c.field, c.before, c.after) for c in change.changes] == [("full name", "Ani", "Ani Rahma")]


def test_a_queryset_update_is_recorded_too(agency_staff: User) -> None:
    person = User.objects.create_user(email="b@example.id", full_name="Budi")
    with audit.channel(audit.Channel.IMPORT), audit.acting(agency_staff):
        User.objects.filter(pk=person.pk).update(role=Role.PARTNER)
    change = _events(person)[0]
    assert (change.channel, change.actor) == ("import", str(agency_staff))
    assert [(c.field, c.after) for c in change.changes] == [("role", "Partner organisation")]


def test_an_inner_channel_does_not_relabel_the_outer_changes(agency_staff: User) -> None:
    person = User.objects.create_user(email="c@example.id", full_name="Citra")
    with audit.channel(audit.Channel.WEB), audit.acting(agency_staff):
        with audit.channel(audit.Channel.TASK):
            User.objects.filter(pk=person.pk).update(full_name="Citra A")
        User.objects.filter(pk=person.pk).update(full_name="Citra B")
    newest, older = _events(person)[:2]
    assert (newest.channel, older.channel) == ("web", "task")


def test_admin_edit_is_recorded_with_the_admin_channel(client: Client, agency_staff: User) -> None:
    person = User.objects.create_user(email="d@example.id", full_name="Dewi")
    client.force_login(agency_staff)
    url = reverse("admin:accounts_user_change", args=[person.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("groups", "user_permissions")}
    data.update(full_name="Dewi S", role=Role.ENTREPRENEUR, email="d@example.id", phone="", language="id")
    data.pop("last_login", None)
    data.pop("date_joined", None)
    data.pop("password", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    change = _events(person)[0]
    assert (change.channel, change.actor) == ("admin", str(agency_staff))
    history = client.get(reverse("admin:accounts_user_history", args=[person.pk]))
    assert history.status_code == 200
    assert "Dewi S" in history.content.decode()


def test_actions_by_finds_what_a_user_did_between_two_dates(agency_staff: User) -> None:
    person = User.objects.create_user(email="e@example.id", full_name="Eka")
    with audit.acting(agency_staff):
        User.objects.filter(pk=person.pk).update(full_name="Eka P")
    now = timezone.now()
    found = audit.actions_by(agency_staff.pk, start=now - datetime.timedelta(minutes=1), end=now)
    assert [e.object_id for e in found] == [str(person.pk)]
    assert (
        audit.actions_by(agency_staff.pk, start=now - datetime.timedelta(days=2), end=now - datetime.timedelta(days=1))
        == []
    )


def test_a_created_row_lists_what_it_was_given_without_empty_answers(agency_staff: User) -> None:
    with audit.acting(agency_staff):
        person = User.objects.create_user(email="f@example.id", full_name="Fajar")
    created = _events(person)[0]
    fields = {c.field for c in created.changes}
    assert {"full name", "email address"} <= fields
    assert "mobile number" not in fields  # empty: left out
