"""The API under /api/: each caller (no key, partner A's key, partner B's key, the JAKI app's key) against a
participant who consented to partner A (own), one who consented to neither A nor the city app (peer: Budi,
consenting to B for training only) and one who consented to B (far). Out of a key's scope is 404, as if absent;
a revoked or missing key is refused at authentication."""

from ..cases import Case, Expected, Table, mine

CALLERS = ("anonymous", "key_a", "key_b", "jaki")


def callers(others: Expected | None = None, **given: Expected) -> dict[str, Expected]:
    """Every caller's outcome: those given, the rest `others`."""
    assert set(given) <= set(CALLERS), set(given) - set(CALLERS)
    filled = {caller: given.get(caller, others) for caller in CALLERS}
    assert None not in filled.values()
    return filled  # type: ignore[return-value]


P = lambda w, s: [w.of[s].participant.pk]  # noqa: E731
B = lambda w, s: [w.of[s].participant.business.pk]  # noqa: E731

CASES: Table = {
    "api-schema": Case(callers(200)),
    "api-docs": Case(callers(200)),
    "participant-list": Case(callers(200, anonymous=401, jaki=403)),
    "participant-detail": Case(callers(401, key_a=mine(), key_b=(404, 200, 200), jaki=403), args=P),
    "business-list": Case(callers(200, anonymous=401, jaki=403)),
    "business-detail": Case(callers(401, key_a=mine(), key_b=(404, 404, 200), jaki=403), args=B),
    "business-indicator-list": Case(callers(401, key_a=mine(), key_b=(404, 404, 200), jaki=403), args=B),
    "jaki-registration-list": Case(callers(403, anonymous=401, jaki=405)),
    "jaki-link-list": Case(callers(403, anonymous=401, jaki=405)),
    "jaki-account-detail": Case(
        callers(403, anonymous=401, jaki=405), args=lambda w, s: [w.jaki_account if s == "own" else f"jaki-{s}"]
    ),
    "jaki-account-journey": Case(
        callers(403, anonymous=401, jaki=mine()), args=lambda w, s: [w.jaki_account if s == "own" else f"jaki-{s}"]
    ),
    "training-course-list": Case(callers(200, anonymous=401, jaki=403)),
    "training-course-detail": Case(callers(404, anonymous=401, jaki=403), args=lambda w, s: [w.course.pk]),
    "training-session-list": Case(callers(200, anonymous=401, jaki=403)),
    "training-session-detail": Case(callers(404, anonymous=401, jaki=403), args=lambda w, s: [w.session.pk]),
    "training-session-attendance": Case(callers(405, anonymous=401, jaki=403), args=lambda w, s: [w.session.pk]),
    "training-enrolment-list": Case(callers(404, anonymous=401, jaki=403), args=lambda w, s: [w.session.pk]),
    "licensing-type-list": Case(callers(200, anonymous=401, jaki=403)),
    "licensing-request-list": Case(callers(200, anonymous=401, jaki=403)),
    "licensing-request-detail": Case(
        callers(404, anonymous=401, jaki=403), args=lambda w, s: [w.of[s].licence_request.pk]
    ),
    "licensing-request-status": Case(
        callers(405, anonymous=401, jaki=403), args=lambda w, s: [w.of[s].licence_request.pk]
    ),
    "catalogue-product-list": Case(callers(200, anonymous=401, jaki=403)),
    "catalogue-product-detail": Case(
        callers(404, anonymous=401, jaki=403), args=lambda w, s: [w.of[s].public_product.pk]
    ),
    "catalogue-listing-list": Case(callers(200, anonymous=401, jaki=403)),
    "catalogue-listing-detail": Case(callers(404, anonymous=401, jaki=403), args=lambda w, s: [w.of[s].listing.pk]),
    "capital-referral-list": Case(callers(200, anonymous=401, jaki=403)),
    "capital-referral-detail": Case(
        callers(401, key_a=mine(), key_b=(404, 404, 200), jaki=403), args=lambda w, s: [w.of[s].referral.pk]
    ),
    "capital-referral-moves": Case(callers(405, anonymous=401, jaki=403), args=lambda w, s: [w.of[s].referral.pk]),
}
