from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_http_methods, require_POST

from .forms import ClaimAccountForm, LoginForm, SignupForm
from .models import User
from .services import account_send_claim_link


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
        form.instance.language = translation.get_language() or settings.LANGUAGE_CODE
        user = form.save()
        login(request, user, backend="accounts.backends.EmailOrPhoneBackend")
        messages.success(request, _("Your account is ready. Now fill in your registration."))
        return redirect("registration:wizard")
    return render(request, "accounts/signup.html", {"form": form})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also remembers the choice for the messages a logged-in user gets."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).update(language=language)
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

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        messages.success(self.request, _("Your password is set. You can log in now."))
        return super().form_valid(form)
