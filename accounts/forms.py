from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.phone import normalize_phone

from .models import User


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Email or mobile number"), max_length=254, widget=forms.TextInput(attrs={"autofocus": True})
    )
    error_messages = {
        "invalid_login": _("The email/mobile number or password is wrong."),
        "inactive": _("This account is inactive."),
    }


class PhoneInput(forms.TextInput):
    """Opens the phone keypad on a phone and lets the browser fill in the person's own number."""

    input_type = "tel"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "tel", "autocomplete": "tel", **(attrs or {})})


class PhoneField(forms.CharField):
    """A mobile number, cleaned to +62… form; typed on the phone keypad."""

    widget = PhoneInput

    def clean(self, value: Any) -> str | None:
        value = super().clean(value)
        return normalize_phone(str(value)) if value else None


def _model_field(name: str) -> forms.Field:
    """The form field the User model gives one of its fields (label, length, required)."""
    model_field = User._meta.get_field(name)
    assert isinstance(model_field, models.Field)
    field = model_field.formfield()
    assert field is not None
    return field


class SignupForm(forms.Form):
    """Turns the signup page into the values accounts.services.user_signup takes; the service says whether the
    logins are free and the password strong enough."""

    full_name = _model_field("full_name")
    email = _model_field("email")
    phone = PhoneField(label=_("Mobile number"), required=False, help_text=_("For example 0812 3456 7890."))
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Repeat the password"), widget=forms.PasswordInput, strip=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class ConfirmSignupForm(forms.Form):
    password = forms.CharField(
        label=_("The password you chose"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )


class ClaimAccountForm(forms.Form):
    login = forms.CharField(label=_("Email or mobile number"), max_length=254)


class CodeForm(forms.Form):
    """A six-digit code from the authenticator app, or one of the recovery codes."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The six digits your authenticator app shows now, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "off"}),
    )


class ConfirmAuthenticatorForm(forms.Form):
    """The first code of a new authenticator, which proves the app holds its key."""

    device = forms.IntegerField(widget=forms.HiddenInput)
    code = forms.CharField(
        label=_("The six digits the app shows"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )
