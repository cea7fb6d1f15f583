"""The participants' forum."""

from ..cases import Case, Table, kecamatan, roles, wrote

POST = lambda w, s: [w.of[s].post.pk]  # noqa: E731

CASES: Table = {
    "feedback:list": Case(roles(200, partner=403)),
    "feedback:new": Case(roles(403, entrepreneur=200), post=roles(403, entrepreneur=400)),
    "feedback:detail": Case(roles(200, partner=403), args=POST),
    "feedback:support": Case(
        roles(405),
        args=POST,
        post=roles(403, entrepreneur=(403, wrote("->feedback:detail"), wrote("->feedback:detail"))),
    ),
    "feedback:withdraw_support": Case(roles(405), args=POST, post=roles("->feedback:detail", partner=403)),
    "feedback:answer": Case(
        roles(403, secretariat=kecamatan(refused=403), agency=200, admin=200),
        args=POST,
        post=roles(403, secretariat=(400, 400, 403), agency=400, admin=400),
    ),
    "feedback:moderate": Case(
        roles(403, secretariat=kecamatan(refused=403), agency=200, admin=200),
        args=POST,
        post=roles(403, secretariat=(400, 400, 403), agency=400, admin=400),
    ),
}
