"""The top layer's pages and the accounts pages."""

from ..cases import Case, Table, roles

CASES: Table = {
    "landing": Case(roles("->home", anonymous=200)),
    "home": Case(roles(200)),
    "healthz": Case(roles(200, anonymous=200)),
    "healthz-live": Case(roles(200, anonymous=200)),
    "healthz-ready": Case(roles(200, anonymous=200)),
    "metrics": Case(roles(404, anonymous=404)),
    "set_language": Case(roles(405, anonymous=405)),
    "accounts:login": Case(roles("->home", anonymous=200)),
    "accounts:logout": Case(roles(405, anonymous=405)),
    "accounts:signup": Case(roles("->home", anonymous=200)),
    "accounts:confirm_signup": Case(roles(200, anonymous=200), args=lambda w, s: ["MQ", "bad-token"]),
    "accounts:claim": Case(roles(200, anonymous=200)),
    "accounts:set_password": Case(roles(200, anonymous=200), args=lambda w, s: ["MQ", "bad-token"]),
    "accounts:second_factor": Case(roles(200)),
    "accounts:second_factor_verify": Case(roles("->home")),
}
