from contextlib import suppress

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_http_methods, require_POST

from core.web import add_service_errors

from .forms import ClaimAccountForm, ConfirmSignupForm, LoginForm, SignupForm
from .models import User
from .services import (
    account_send_claim_link,
    signup_token_generator,
    user_confirm_signup,
    user_set_language,
    user_set_password,
    user_signup,
)
from .web import request_user

# The service names the password "password"; the signup form asks for it twice.
SIGNUP_FIELDS = {"password": "password1"}


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user_signup(
                full_name=data["full_name"],
                email=data["email"] or None,
                phone=data["phone"],
                password=data["password1"],
            )  # messages to them in the language they signed up in (the active one)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                exc = ValidationError({SIGNUP_FIELDS.get(k, k): v for k, v in exc.error_dict.items()})
            add_service_errors(form, exc)
        else:
            # The same page whether the login was free or already had an account (its owner was told).
            return render(request, "accounts/signup_sent.html")
    return render(request, "accounts/signup.html", {"form": form})


def _pending_user(uidb64: str, token: str) -> User | None:
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError, User.DoesNotExist):
        return None
    return user if signup_token_generator.check_token(user, token) else None


@require_http_methods(["GET", "POST"])
def confirm_signup(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link sent after signing up: the person types the password they chose, and the account is theirs."""
    user = _pending_user(uidb64, token)
    form = ConfirmSignupForm(request.POST or None)
    if user is not None and request.method == "POST" and form.is_valid():
        try:
            user = user_confirm_signup(user=user, password=form.cleaned_data["password"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            login(request, user, backend="accounts.backends.EmailOrPhoneBackend")
            messages.success(request, _("Your account is ready. Now fill in your registration."))
            return redirect("registration:wizard")
    return render(request, "accounts/confirm_signup.html", {"form": form, "validlink": user is not None})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also remembers the choice for the messages a logged-in user gets."""
    response = i18n.set_language(request)
    if request.user.is_authenticated:
        with suppress(ValidationError):  # an unsupported language: Django's switch ignored it too
            user_set_language(user=request_user(request), language=request.POST.get("language", ""))
    return response


@require_http_methods(["GET", "POST"])
def claim_account(request: HttpRequest) -> HttpResponse:
    """Walk-ins registered at an office (and anyone who forgot a password) ask for a set-password link."""
    form = ClaimAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account_send_claim_link(login=form.cleaned_data["login"])
        return render(request, "accounts/claim_sent.html")
    return render(request, "accounts/claim.html", {"form": form})


class SetPasswordView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/set_password.html"
    success_url = reverse_lazy("accounts:login")
    post_reset_login = False

    def form_valid(self, form: "SetPasswordForm[User]") -> HttpResponse:
        """The token proved the person owns the account: they set their own password, through the service."""
        user_set_password(user=form.user, password=form.cleaned_data["new_password1"], acting_user=form.user)
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        messages.success(self.request, _("Your password is set. You can log in now."))
        return HttpResponseRedirect(self.get_success_url())
