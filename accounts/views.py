from contextlib import suppress

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.formats import date_format
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import i18n
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.web import add_service_errors, error_text, help_line

from . import services, two_factor
from .forms import ClaimAccountForm, CodeForm, ConfirmAuthenticatorForm, ConfirmSignupForm, LoginForm, SignupForm
from .models import User
from .permissions import can_remove_second_factor, requires_second_factor
from .services import (
    account_send_claim_link,
    recovery_codes_renew,
    second_factor_confirm,
    second_factor_remove,
    second_factor_start,
    signup_token_generator,
    user_confirm_signup,
    user_set_language,
    user_set_password,
    user_signup,
)
from .services import (
    second_factor_verify as verify_code,
)
from .web import request_user

# The service names the password "password"; the signup form asks for it twice.
SIGNUP_FIELDS = {"password": "password1"}


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        """Where the login goes: by the code page first when the account gives a second factor."""
        url = super().get_success_url()
        return two_factor.verify_url(url) if two_factor.is_pending(self.request) else url


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


LOW_ON_RECOVERY_CODES = 3


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of a login: the authenticator's code, or a recovery code."""
    user = request_user(request)
    next_url = two_factor.safe_next(request, request.POST.get("next") or request.GET.get("next")) or reverse("home")
    if not two_factor.is_pending(request):
        return redirect(next_url)
    if not two_factor.has_authenticator(user):
        return redirect("accounts:second_factor")  # a role that requires one, and none set up yet (or reset)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = verify_code(user=user, code=form.cleaned_data["code"])
        if check.device is not None:
            two_factor.complete(request, check.device)
            _warn_when_low_on_recovery_codes(request, check.device)
            return redirect(next_url)
        if check.retry_at is not None:
            form.add_error(
                "code",
                _("Too many wrong codes. Wait until %(time)s, then type the code the app shows then.")
                % {"time": date_format(timezone.localtime(check.retry_at), "TIME_FORMAT")},
            )
        else:
            form.add_error("code", services.WRONG_CODE)
    return render(
        request,
        "accounts/second_factor_verify.html",
        {"form": form, "next": next_url, "demo_code": two_factor.demo_code(user), "help_line": help_line()},
    )


def _warn_when_low_on_recovery_codes(request: HttpRequest, device: Device) -> None:
    if not isinstance(device, StaticDevice):
        return
    left = device.token_set.count()
    if left <= LOW_ON_RECOVERY_CODES:
        messages.warning(
            request,
            ngettext(
                "You used a recovery code: %(left)d is left. Make new ones on the account security page.",
                "You used a recovery code: %(left)d are left. Make new ones on the account security page.",
                left,
            )
            % {"left": left},
        )


def _setup_page(
    request: HttpRequest, device: TOTPDevice, form: ConfirmAuthenticatorForm | None = None
) -> HttpResponse:
    return render(
        request,
        "accounts/second_factor_setup.html",
        {
            "form": form or ConfirmAuthenticatorForm(initial={"device": device.pk}),
            "qr": two_factor.provisioning_qr(device),
            "key": two_factor.manual_key(device),
        },
    )


def _codes_page(request: HttpRequest, codes: list[str]) -> HttpResponse:
    return render(request, "accounts/second_factor_codes.html", {"codes": codes})


@login_required
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """Account security: set up an authenticator (or replace it), new recovery codes, turn it off where allowed.
    A login still waiting for its code may only set up a first authenticator here; one that has an authenticator
    gives its code first, so a password alone cannot replace it."""
    user = request_user(request)
    enrolled = two_factor.has_authenticator(user)
    pending = two_factor.is_pending(request)
    if pending and enrolled:
        return redirect(two_factor.verify_url(None))
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "start":
        return _setup_page(request, second_factor_start(user=user, acting_user=user))
    if action == "confirm":
        form = ConfirmAuthenticatorForm(request.POST)
        device = None
        if form.is_valid():
            device = TOTPDevice.objects.filter(pk=form.cleaned_data["device"], user=user, confirmed=False).first()
        if device is None:
            messages.error(request, _("This set-up was replaced or finished meanwhile: start again."))
            return redirect("accounts:second_factor")
        try:
            codes = second_factor_confirm(
                user=user, device_id=device.pk, code=form.cleaned_data["code"], acting_user=user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return _setup_page(request, device, form)
        device.refresh_from_db()
        if pending:
            two_factor.complete(request, device)
        messages.success(request, _("Your authenticator app is set up: each login now asks for its code."))
        return _codes_page(request, codes)
    if action in ("codes", "remove") and not pending:
        try:
            if action == "codes":
                return _codes_page(request, recovery_codes_renew(user=user, acting_user=user))
            second_factor_remove(user=user, acting_user=user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("The second factor is off: logging in asks for your password only."))
        return redirect("accounts:second_factor")
    if action is not None:
        return redirect("accounts:second_factor")
    recovery = StaticDevice.objects.filter(user=user, name=services.RECOVERY).first()
    return render(
        request,
        "accounts/second_factor.html",
        {
            "enrolled": enrolled,
            "required": requires_second_factor(user),
            "may_remove": can_remove_second_factor(user).ok,
            "codes_left": recovery.token_set.count() if recovery else 0,
            "absolute_hours": settings.SESSION_ABSOLUTE_SECONDS // 3600,
            "idle_minutes": settings.SESSION_IDLE_SECONDS // 60,
        },
    )
