"""The messages of partners and the context each needs (registered with the notifications app from
PartnersConfig.ready()). An agreement's coming end goes to agency staff, with a link to it in the admin, and to
the partner's users, with a link to the portal, where their own pages show their agreements."""

from typing import Final

AGREEMENT_EXPIRING: Final[dict[str, type]] = {
    "full_name": str,
    "partner": str,
    "title": str,
    "number": str,
    "ends_on": str,
    "days": int,
    "link": str,
}

MESSAGES: Final[dict[str, dict[str, type]]] = {
    "partners_agreement_expiring_staff": AGREEMENT_EXPIRING,
    "partners_agreement_expiring_partner": AGREEMENT_EXPIRING,
}
