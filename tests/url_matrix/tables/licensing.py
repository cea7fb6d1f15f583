"""P4: requests and licences, the staff's queue and participant page."""

from ..cases import Case, Table, kecamatan, mine, roles

P = lambda w, s: [w.of[s].participant.pk]  # noqa: E731

CASES: Table = {
    "licensing:mine": Case(roles(403, entrepreneur=200)),
    "licensing:request_create": Case(roles(403, entrepreneur=200), post=roles(403, entrepreneur=400)),
    "licensing:request": Case(
        roles(kecamatan(), entrepreneur=mine(), agency=200, partner=403, admin=200),
        args=lambda w, s: [w.of[s].licence_request.pk],
    ),
    "licensing:move": Case(
        roles(405),
        args=lambda w, s: [w.of[s].licence_request.pk],
        post=roles((400, 400, 404), entrepreneur=(400, 404, 404), agency=400, partner=403, admin=400),
    ),
    "licensing:scan": Case(
        roles(kecamatan(), entrepreneur=mine(), agency=200, partner=404, admin=200),
        args=lambda w, s: [w.of[s].licence.public_id],
    ),
    "licensing:queue": Case(roles(403, secretariat=200, agency=200, admin=200)),
    "licensing:participants": Case(roles(200, entrepreneur=403, partner=403)),
    "licensing:participant": Case(
        roles(403, mentor=kecamatan(), secretariat=kecamatan(), agency=200, admin=200), args=P
    ),
    "licensing:request_for": Case(
        roles(403, mentor=(200, 403, 404), secretariat=kecamatan(), agency=200, admin=200),
        args=P,
        post=roles(403, mentor=(400, 403, 404), secretariat=(400, 400, 404), agency=400, admin=400),
    ),
    "licensing:record": Case(
        roles(403, mentor=(403, 403, 404), secretariat=(403, 403, 404), agency=200, admin=200),
        args=P,
        post=roles(403, mentor=(403, 403, 404), secretariat=(403, 403, 404), agency=400, admin=400),
    ),
    "licensing:issue": Case(
        roles(403, agency="->licensing:request", admin="->licensing:request"),
        args=lambda w, s: [w.of[s].licence_request.pk],
        post=roles(403, agency="->licensing:request", admin="->licensing:request"),
    ),
    "licensing:correct": Case(
        roles(403, agency=200, admin=200),
        args=lambda w, s: [w.of[s].licence.public_id],
        post=roles(403, agency=400, admin=400),
    ),
}
