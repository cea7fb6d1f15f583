"""The partner API of P7 (the API helper writes it)."""

from rest_framework import routers


def register(router: routers.SimpleRouter) -> None:
    """The lender's referral endpoints are added here."""
