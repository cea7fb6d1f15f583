"""Placeholder until its helper writes it."""

from rest_framework.routers import SimpleRouter


def register(router: SimpleRouter) -> None:
    """No endpoints yet."""
