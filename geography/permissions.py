"""Who may change the kecamatan offices' contact details (geography knows no user model: it asks the user's
`sees_whole_program`, which the accounts app defines: agency staff and administrators)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from core.decisions import ALLOWED, Decision, deny

from .models import KecamatanOffice


def can_edit_office(user: Any, office: KecamatanOffice | None = None) -> Decision:
    """Agency staff and administrators keep every kecamatan office's address, phones and hours up to date."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return deny("office_login", _("Log in as agency staff to change a kecamatan office's details."))
    if not getattr(user, "sees_whole_program", False):
        return deny("office_not_agency", _("Only agency staff change a kecamatan office's details."))
    return ALLOWED
