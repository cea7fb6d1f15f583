"""Passwords: at least 8 characters, not on the breached lists, not one of them dressed up, not a run."""

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import User
from accounts.passwords import PatternPasswordValidator

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password",
    ["Jakarta2026!", "P@ssw0rd1", "Bismillah123", "!!Indonesia45", "sayangku99", "Jakpreneur#1", "passw0rd"],
)
def test_a_common_password_dressed_up_is_refused(password: str) -> None:
    with pytest.raises(ValidationError) as refused:
        PatternPasswordValidator().validate(password)
    assert refused.value.error_list[0].code == "password_decorated_common"


@pytest.mark.parametrize("password", ["12345678", "87654321", "qwertyui", "aaaaaaaa", "abcabcabc", "121212121"])
def test_a_run_is_refused(password: str) -> None:
    with pytest.raises(ValidationError) as refused:
        PatternPasswordValidator().validate(password)
    assert refused.value.error_list[0].code == "password_is_run"


@pytest.mark.parametrize("password", ["kopi-tebet-pagi", "Batik-Tebet-2026", "rahasia-Kuat-123", "gerobak biru 7"])
def test_a_password_of_ones_own_words_passes(password: str) -> None:
    PatternPasswordValidator().validate(password)


def test_the_portals_validators_refuse_short_common_similar_and_numeric() -> None:
    person = User(email="siti.rahayu@example.id", full_name="Siti Rahayu", phone="+6281234500001")
    refused = {
        "Kopi7": "password_too_short",
        "iloveyou": "password_too_common",
        "83920174": "password_entirely_numeric",
        "siti.rahayu": "password_too_similar",
        "6281234500001": "password_too_similar",  # the mobile number is compared too
    }
    for password, code in refused.items():
        with pytest.raises(ValidationError) as error:
            password_validation.validate_password(password, person)
        assert code in {e.code for e in error.value.error_list}, password


def test_signup_says_why_in_bahasa_indonesia(client: Client) -> None:
    response = client.post(
        "/akun/daftar/",
        {"full_name": "Siti", "email": "siti@example.id", "password1": "Jakarta2026!", "password2": "Jakarta2026!"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    assert not User.objects.filter(email="siti@example.id").exists()
