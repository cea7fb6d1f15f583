"""The second factor, through the pages a person uses: the login form, the code page, account security, and the
admin's reset. Logins here go through the login form (Client.login would give the second factor with it)."""

import datetime
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuthenticatorDevice, Role, User
from accounts.services import second_factor_reset
from accounts.tests.factories import UserFactory
from conftest import PASSWORD
from core import audit
from core.decisions import Refused
from notifications.models import Message
from tests.support.second_factor import authenticator, authenticator_code

pytestmark = pytest.mark.django_db

LOGIN = "/akun/masuk/"
VERIFY = "/akun/dua-langkah/kode/"
SECURITY = "/akun/dua-langkah/"
HOME = "/beranda/"


def password_login(client: Client, user: User, next_url: str | None = None) -> Any:
    data = {"username": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def give_code(client: Client, code: str, next_url: str = "") -> Any:
    return client.post(VERIFY, {"code": code, "next": next_url})


@pytest.fixture
def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


# --- who must, and the code page ------------------------------------------------------------------------------


def test_staff_give_the_code_after_the_password_and_reach_nothing_before(client: Client, mentor_tebet: User) -> None:
    device = authenticator(mentor_tebet)
    response = password_login(client, mentor_tebet)
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fberanda%2F"
    half_session = client.cookies["sessionid"].value
    # a password alone opens no page and no admin: each sends the person back to the code page
    for path in (HOME, reverse("mentoring:caseload"), reverse("admin:index")):
        blocked = client.get(path)
        assert blocked.status_code == 302, path
        assert blocked["Location"].startswith(VERIFY), path

    response = give_code(client, authenticator_code(device), next_url=HOME)
    assert response.status_code == 302
    assert response["Location"] == HOME
    assert client.cookies["sessionid"].value != half_session  # a new key once the login is whole
    assert client.get(HOME).status_code == 200


def test_the_admin_asks_the_second_factor_of_everyone_with_admin_access(client: Client, agency_staff: User) -> None:
    device = authenticator(agency_staff)
    password_login(client, agency_staff, next_url=reverse("admin:index"))
    assert client.get(reverse("admin:index")).status_code == 302
    response = give_code(client, authenticator_code(device), next_url=reverse("admin:index"))
    assert response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_wrong_code_is_refused_in_the_persons_language_and_keeps_the_login_half_done(
    english: Client, mentor_tebet: User
) -> None:
    device = authenticator(mentor_tebet)
    password_login(english, mentor_tebet)
    wrong = f"{(int(authenticator_code(device)) + 1) % 1_000_000:06d}"
    response = give_code(english, wrong)
    assert response.status_code == 200
    assert "This code is wrong or has expired" in response.content.decode()
    assert english.get(HOME)["Location"].startswith(VERIFY)
    for bad in ("", "x" * 33):  # nothing typed, far too long: the form says so, nothing else happens
        response = give_code(english, bad)
        assert response.status_code == 200
        assert response.context["form"].errors["code"]


def test_wrong_codes_make_the_next_try_wait_even_with_the_right_code(english: Client, mentor_tebet: User) -> None:
    device = authenticator(mentor_tebet)
    password_login(english, mentor_tebet)
    wrong = f"{(int(authenticator_code(device)) + 1) % 1_000_000:06d}"
    give_code(english, wrong)
    response = give_code(english, authenticator_code(device))  # right, but within the wait after a failure
    assert "Too many wrong codes" in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # the try during the wait was not even checked
    # once the wait is over, the right code works (the wait is django-otp's: 1, 2, 4 ... seconds)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(seconds=10)
    )
    assert give_code(english, authenticator_code(device))["Location"] == HOME


def test_a_code_is_used_once(client: Client, mentor_tebet: User) -> None:
    device = authenticator(mentor_tebet)
    code = authenticator_code(device)
    password_login(client, mentor_tebet)
    assert give_code(client, code)["Location"] == HOME
    other = Client()
    password_login(other, mentor_tebet)
    assert give_code(other, code).status_code == 200  # the same code again: refused (django-otp keeps last_t)


def test_a_recovery_code_logs_in_once_and_warns_when_few_are_left(client: Client, mentor_tebet: User) -> None:
    authenticator(mentor_tebet)
    recovery = StaticDevice.objects.create(user=mentor_tebet, name="recovery", confirmed=True)
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=t) for t in ("aaaabbbb", "ccccdddd"))
    password_login(client, mentor_tebet)
    response = give_code(client, "AAAA BBBB")  # as read off paper: capitals and a space
    assert response["Location"] == HOME
    page = client.get(HOME)
    assert "1 is left" in page.content.decode() or "tersisa 1" in page.content.decode()
    assert list(recovery.token_set.values_list("token", flat=True)) == ["ccccdddd"]
    again = Client()
    password_login(again, mentor_tebet)
    assert give_code(again, "aaaabbbb").status_code == 200  # used up


def test_next_must_stay_on_the_site(client: Client, mentor_tebet: User) -> None:
    device = authenticator(mentor_tebet)
    password_login(client, mentor_tebet)
    response = give_code(client, authenticator_code(device), next_url="https://evil.example/")
    assert response["Location"] == HOME


def test_an_entrepreneur_logs_in_with_the_password_alone_until_they_turn_it_on(
    client: Client, entrepreneur: User
) -> None:
    response = password_login(client, entrepreneur)
    assert response["Location"] == HOME
    assert client.get(HOME).status_code == 200
    authenticator(entrepreneur)
    client.post(reverse("accounts:logout"))
    assert password_login(client, entrepreneur)["Location"].startswith(VERIFY)


# --- setting it up ---------------------------------------------------------------------------------------------


def test_staff_without_an_authenticator_set_one_up_at_their_first_login(client: Client, mentor_gambir: User) -> None:
    password_login(client, mentor_gambir)
    assert client.get(VERIFY)["Location"] == SECURITY
    page = client.get(SECURITY)
    assert page.status_code == 200
    assert page.context["required"] and not page.context["enrolled"]

    setup = client.post(SECURITY, {"action": "start"})
    assert setup.status_code == 200
    assert "<svg" in setup.content.decode()  # the QR code, drawn on the server
    device = TOTPDevice.objects.get(user=mentor_gambir)
    assert not device.confirmed
    assert setup.context["key"].replace(" ", "") in device.config_url

    wrong = f"{(int(authenticator_code(device)) + 1) % 1_000_000:06d}"
    refused = client.post(SECURITY, {"action": "confirm", "device": device.pk, "code": wrong})
    assert refused.status_code == 200
    assert refused.context["form"].errors["code"]
    assert "<svg" in refused.content.decode()  # the same QR again: nothing to scan anew

    codes = client.post(SECURITY, {"action": "confirm", "device": device.pk, "code": authenticator_code(device)})
    assert codes.status_code == 200
    shown = codes.context["codes"]
    assert len(shown) == 10 and len(set(shown)) == 10
    assert sorted(StaticToken.objects.filter(device__user=mentor_gambir).values_list("token", flat=True)) == sorted(
        shown
    )
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(HOME).status_code == 200  # the new authenticator completed this login


def test_a_password_alone_cannot_replace_an_authenticator(client: Client, mentor_tebet: User) -> None:
    authenticator(mentor_tebet)
    password_login(client, mentor_tebet)
    for data in ({"action": "start"}, {"action": "codes"}, {"action": "remove"}):
        response = client.post(SECURITY, data)
        assert response.status_code == 302
        assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=mentor_tebet).count() == 1
    assert not StaticDevice.objects.filter(user=mentor_tebet).exists()


def test_moving_to_a_new_phone_keeps_the_old_one_until_the_new_one_is_confirmed(
    client: Client, mentor_tebet: User
) -> None:
    old = authenticator(mentor_tebet)
    client.force_login(mentor_tebet)
    client.post(SECURITY, {"action": "start"})
    new = TOTPDevice.objects.get(user=mentor_tebet, confirmed=False)
    assert TOTPDevice.objects.filter(pk=old.pk, confirmed=True).exists()
    client.post(SECURITY, {"action": "confirm", "device": new.pk, "code": authenticator_code(new)})
    assert list(TOTPDevice.objects.filter(user=mentor_tebet).values_list("pk", flat=True)) == [new.pk]


def test_a_set_up_finished_elsewhere_says_so(client: Client, entrepreneur: User) -> None:
    client.force_login(entrepreneur)
    client.post(SECURITY, {"action": "start"})
    device = TOTPDevice.objects.get(user=entrepreneur)
    client.post(SECURITY, {"action": "start"})  # another tab started again: the first one is gone
    response = client.post(
        SECURITY, {"action": "confirm", "device": device.pk, "code": authenticator_code(device)}, follow=True
    )
    assert response.redirect_chain[-1][0] == SECURITY
    assert list(response.context["messages"])


def test_new_recovery_codes_replace_the_old(client: Client, mentor_tebet: User) -> None:
    authenticator(mentor_tebet)
    client.force_login(mentor_tebet)
    first = client.post(SECURITY, {"action": "codes"}).context["codes"]
    second = client.post(SECURITY, {"action": "codes"}).context["codes"]
    assert not set(first) & set(second)
    assert set(StaticToken.objects.filter(device__user=mentor_tebet).values_list("token", flat=True)) == set(second)


def test_an_entrepreneur_may_turn_it_off_staff_may_not(client: Client, entrepreneur: User, mentor_tebet: User) -> None:
    authenticator(entrepreneur)
    client.force_login(entrepreneur)
    client.post(SECURITY, {"action": "remove"})
    assert not TOTPDevice.objects.filter(user=entrepreneur).exists()

    authenticator(mentor_tebet)
    staff = Client()
    staff.force_login(mentor_tebet)
    page = staff.get(SECURITY)
    assert not page.context["may_remove"]
    assert 'action" value="remove' not in page.content.decode()
    response = staff.post(SECURITY, {"action": "remove"}, follow=True)
    assert TOTPDevice.objects.filter(user=mentor_tebet).exists()
    assert list(response.context["messages"])


def test_the_security_page_is_for_logged_in_people(client: Client) -> None:
    for path in (SECURITY, VERIFY):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)


def test_an_unknown_action_changes_nothing(client: Client, entrepreneur: User) -> None:
    client.force_login(entrepreneur)
    assert client.post(SECURITY, {"action": "delete-everything"})["Location"] == SECURITY
    assert not TOTPDevice.objects.filter(user=entrepreneur).exists()


def test_the_code_page_and_the_security_page_run_a_fixed_number_of_queries(
    client: Client, mentor_tebet: User, django_assert_num_queries: Any
) -> None:
    for _ in range(30):  # many accounts with devices: the pages read the person's own only
        authenticator(UserFactory(role=Role.MENTOR, office=mentor_tebet.office))
    authenticator(mentor_tebet)
    password_login(client, mentor_tebet)
    # session, user, has an authenticator, demo check reads nothing outside the demo
    with django_assert_num_queries(3):
        assert client.get(VERIFY).status_code == 200
    give_code(client, authenticator_code(authenticator(mentor_tebet)))
    # session, user, authenticator, recovery codes (and their count)
    with django_assert_num_queries(4):
        assert client.get(SECURITY).status_code == 200


def test_the_demo_shows_its_own_logins_code_and_nothing_elsewhere(
    client: Client, settings: Any, mentor_tebet: User
) -> None:
    demo = UserFactory(email="mentor.x@demo.jakpreneur.id", role=Role.MENTOR, office=mentor_tebet.office)
    device = authenticator(demo)
    settings.DEMO_SECOND_FACTOR_DOMAIN = "demo.jakpreneur.id"
    password_login(client, demo)
    assert client.get(VERIFY).context["demo_code"] is None  # DEBUG off: never
    settings.DEBUG = True
    assert client.get(VERIFY).context["demo_code"] == authenticator_code(device)
    other = Client()
    authenticator(mentor_tebet)
    password_login(other, mentor_tebet)
    assert other.get(VERIFY).context["demo_code"] is None  # not a demo address


# --- a lost phone: staff reset it ------------------------------------------------------------------------------


def _admin_reset(client: Client, account: User) -> Any:
    return client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [account.pk]},
        follow=True,
    )


def test_agency_staff_reset_a_lost_phone_which_ends_the_persons_logins_and_tells_them(
    client: Client, agency_staff: User, mentor_tebet: User
) -> None:
    device = authenticator(mentor_tebet)
    mentors_phone = Client()
    password_login(mentors_phone, mentor_tebet)
    give_code(mentors_phone, authenticator_code(device))
    assert mentors_phone.get(HOME).status_code == 200

    client.force_login(agency_staff)
    response = _admin_reset(client, mentor_tebet)
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=mentor_tebet).exists()
    assert mentors_phone.get(HOME)["Location"].startswith(LOGIN)  # every login of the account ended
    assert Message.objects.filter(recipient=mentor_tebet, template="account_second_factor_reset").exists()
    with translation.override("en"):
        events = audit.history_of(AuthenticatorDevice.objects.model(pk=device.pk))
    assert (events[0].kind, events[0].channel, events[0].actor) == ("deleted", "admin", str(agency_staff))
    # and at the next login the mentor sets up a new authenticator
    password_login(mentors_phone, mentor_tebet)
    assert mentors_phone.get(VERIFY)["Location"] == SECURITY


def test_nobody_resets_their_own_nor_a_privileged_account_without_being_an_administrator(
    client: Client, agency_staff: User
) -> None:
    administrator = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    colleague = UserFactory(role=Role.AGENCY, is_staff=True)
    for account in (agency_staff, administrator, colleague):
        authenticator(account)
    client.force_login(agency_staff)
    _admin_reset(client, agency_staff)
    _admin_reset(client, administrator)
    _admin_reset(client, colleague)
    assert TOTPDevice.objects.filter(user__in=[agency_staff, administrator, colleague]).count() == 3
    boss = Client()
    boss.force_login(administrator)
    _admin_reset(boss, colleague)
    assert not TOTPDevice.objects.filter(user=colleague).exists()


def test_office_staff_and_partners_cannot_reset_anyone(mentor_tebet: User, secretariat_tebet: User) -> None:
    target = UserFactory(role=Role.MENTOR, office=mentor_tebet.office)
    authenticator(target)
    for actor in (mentor_tebet, secretariat_tebet):
        with pytest.raises(Refused) as refused:
            second_factor_reset(user=target, acting_user=actor)
        assert refused.value.code == "not_program_staff"
    assert TOTPDevice.objects.filter(user=target).exists()


def test_the_admin_never_shows_the_authenticators_key() -> None:
    """django-otp's own admin pages (which edit devices directly and show the key) are not registered, and the
    audit trail does not copy the key."""
    assert TOTPDevice not in admin.site._registry
    assert StaticDevice not in admin.site._registry
    events = AuthenticatorDevice.pgh_event_models["created"]  # type: ignore[attr-defined]
    assert "key" not in {f.name for f in events._meta.get_fields()}


# --- logins end on a change of position --------------------------------------------------------------------


def test_a_new_role_or_deactivation_ends_the_accounts_logins(client: Client, agency_staff: User) -> None:
    from accounts.services import user_update_position

    person = UserFactory(role=Role.ENTREPRENEUR)
    other = UserFactory(role=Role.ENTREPRENEUR)
    for account in (person, other):
        account_client = Client()
        password_login(account_client, account)
        assert account_client.get(HOME).status_code == 200
        account.client = account_client  # type: ignore[attr-defined]
    user_update_position(user=person, role=Role.PARTNER, office=None, is_active=True, acting_user=agency_staff)
    assert person.client.get(HOME)["Location"].startswith(LOGIN)  # type: ignore[attr-defined]
    assert other.client.get(HOME).status_code == 200  # type: ignore[attr-defined]
    user_update_position(user=other, role=Role.ENTREPRENEUR, office=None, is_active=False, acting_user=agency_staff)
    assert other.client.get(HOME)["Location"].startswith(LOGIN)  # type: ignore[attr-defined]


def test_a_session_from_before_generations_still_works(client: Client, entrepreneur: User) -> None:
    """Generation 0 is Django's own session hash: nobody was logged out when generations came in."""
    password_login(client, entrepreneur)
    assert client.session[SESSION_KEY] == str(entrepreneur.pk)
    assert entrepreneur.session_generation == 0
    assert client.get(HOME).status_code == 200
