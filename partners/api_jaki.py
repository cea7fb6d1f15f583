"""The JAKI city app's endpoints (registration, account links, the journey)."""

from rest_framework import routers


def register(router: routers.SimpleRouter) -> None:
    """The JAKI endpoints join the router here."""
