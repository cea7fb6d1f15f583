"""The API's one router: each app adds its endpoints in its own `api.py` (`register(router)`), so a new step app
plugs in with one line here. Everything is under /api/v1/; the OpenAPI schema and its interactive docs (served
from drf-spectacular-sidecar, no CDN) need no key to read, the data does."""

from csp.decorators import csp_update
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import routers

from capital import api as capital_api
from finance import api as finance_api
from licensing import api as licensing_api
from marketing import api as marketing_api
from partners import api as partners_api
from training import api as training_api

router = routers.SimpleRouter()
for module in (partners_api, training_api, licensing_api, marketing_api, finance_api, capital_api):
    module.register(router)

urlpatterns: list[URLPattern | URLResolver] = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI injects one <style> element of its own: allowed on this page alone (scripts stay 'self' only)
    path(
        "docs/",
        csp_update({"style-src-elem": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
]
