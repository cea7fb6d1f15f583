"""Keys and reads (staff), the partner's own pages, a participant's "Data saya"."""

from ..cases import Case, Table, kecamatan, mine, roles, wrote

KEY = lambda w, s: [(w.key_a if s != "far" else w.key_b).prefix]  # noqa: E731
AGREEMENT = lambda w, s: [(w.agreement_a if s != "far" else w.agreement_b).pk]  # noqa: E731

CASES: Table = {
    "partners:staff_keys": Case(roles(403, agency=200, admin=200), post=roles(403, agency=400, admin=400)),
    "partners:staff_key_rotate": Case(
        roles(403, agency=200, admin=200), args=KEY, post=roles(403, agency=wrote(200), admin=wrote(200))
    ),
    "partners:staff_key_revoke": Case(
        roles(403, agency=200, admin=200),
        args=KEY,
        post=roles(403, agency=wrote("->partners:staff_keys"), admin=wrote("->partners:staff_keys")),
    ),
    "partners:staff_reads": Case(roles(403, agency=200, admin=200)),
    "partners:staff_reads_csv": Case(
        roles(403, agency=200, admin=200), query=lambda w, s: f"organisation={w.partner_a.pk}"
    ),
    "partners:partner_home": Case(roles(403, partner=200)),
    "partners:partner_participants": Case(roles(403, partner=200)),
    "partners:partner_agreement": Case(roles(403, partner=kecamatan()), args=AGREEMENT),
    "partners:partner_agreement_document": Case(
        roles(403, partner=kecamatan()),
        args=lambda w, s: (
            [w.agreement_a.pk, w.agreement_document_a.public_id]
            if s != "far"
            else [w.agreement_b.pk, w.agreement_document_b.public_id]
        ),
    ),
    "partners:data": Case(roles(403, entrepreneur=200)),
    "partners:consent_grant": Case(
        roles(403, entrepreneur=("->partners:data", "->partners:data", 200)),
        args=lambda w, s: [(w.partner_a if s != "far" else w.partner_b).pk, "training"],
        post=roles(403, entrepreneur=("->partners:data", "->partners:data", 400)),
    ),
    "partners:consent_withdraw": Case(
        roles(403, entrepreneur=mine()),
        args=lambda w, s: [w.of[s].consent.pk],
        post=roles(403, entrepreneur=(wrote("->partners:data"), 404, 404)),
    ),
    "partners:data_reads": Case(roles(403, entrepreneur=200)),
    "partners:jaki_link_code": Case(roles(405), post=roles(403, entrepreneur=wrote(200))),
}
