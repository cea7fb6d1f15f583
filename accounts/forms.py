from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
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


class PhoneField(forms.CharField):
    """A mobile number, cleaned to +62… form."""

    def clean(self, value: Any) -> str | None:
        value = super().clean(value)
        return normalize_phone(str(value)) if value else None


class SignupForm(forms.ModelForm[User]):
    phone = PhoneField(label=_("Mobile number"), required=False, help_text=_("For example 0812 3456 7890."))
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Repeat the password"), widget=forms.PasswordInput, strip=False)

    class Meta:
        model = User
        fields = ["full_name", "email", "phone"]

    def clean_email(self) -> str | None:
        email = self.cleaned_data.get("email")
        if not email:
            return None
        email = str(email).strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("An account with this email already exists. Log in instead."), code="taken")
        return email

    def clean_phone(self) -> str | None:
        phone = self.cleaned_data.get("phone")
        if phone and User.objects.filter(phone=phone).exists():
            raise ValidationError(_("An account with this mobile number already exists."), code="taken")
        return phone

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.errors and not data.get("email") and not data.get("phone"):
            raise ValidationError(_("Give an email address or a mobile number, so that you can log in."))
        if data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        elif data.get("password1"):
            try:
                password_validation.validate_password(data["password1"], self.instance)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
        return user


class ClaimAccountForm(forms.Form):
    login = forms.CharField(label=_("Email or mobile number"), max_length=254)
