from django.contrib import admin
from django.urls import include, path

from accounts import views as accounts_views

from . import health, metrics, views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("beranda/", views.home, name="home"),
    # Readiness at /healthz too: the image's HEALTHCHECK asks it there (jakpreneur/health.py).
    path("healthz", health.ready, name="healthz"),
    path("healthz/live", health.live, name="healthz-live"),
    path("healthz/ready", health.ready, name="healthz-ready"),
    path("metrics", metrics.metrics, name="metrics"),
    path("i18n/setlang/", accounts_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("akun/", include("accounts.urls")),
    path("", include("registration.urls")),
    path("", include("training.urls")),
    path("", include("mentoring.urls")),
    path("", include("licensing.urls")),
    path("", include("marketing.urls")),
    path("", include("finance.urls")),
    path("", include("capital.urls")),
    path("", include("feedback.urls")),
    path("", include("exports.urls")),
    path("", include("targets.urls")),
    path("", include("privacy.urls")),
    path("", include("partners.urls")),
    path("api/", include("jakpreneur.api")),
]

# Branded error pages (templates/400.html, 403.html, 404.html; 500.html and 503.html from core.errors).
handler400 = "core.errors.bad_request"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
