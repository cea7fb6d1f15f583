"""P7: readiness, products, referrals; the staff's queue and participant page."""

from ..cases import Case, Table, kecamatan, mine, roles, wrote

SENT_ALREADY = "->capital:referral_detail"  # refused with a message on the referral's page, nothing written
REFERRAL = lambda w, s: [w.of[s].referral.pk]  # noqa: E731
PRODUCT = lambda w, s: [w.of[s].referral.product.code]  # noqa: E731

CASES: Table = {
    "capital:readiness": Case(roles(403, entrepreneur=200)),
    "capital:product": Case(roles(200, secretariat=403, partner=403), args=PRODUCT),
    "capital:referral_create": Case(
        roles(403, entrepreneur=("->capital:referral_detail", "->capital:referral_detail", 200)),
        args=PRODUCT,
        post=roles(403, entrepreneur=("->capital:referral_detail", "->capital:referral_detail", 400)),
    ),
    "capital:referrals": Case(roles(403, entrepreneur=200)),
    "capital:referral_detail": Case(
        roles(403, entrepreneur=mine(), mentor=kecamatan(), agency=200, admin=200), args=REFERRAL
    ),
    "capital:referral_withdraw": Case(
        roles(405),
        args=REFERRAL,
        post=roles(403, entrepreneur=(wrote("->capital:referral_detail"), 404, 404), mentor=(403, 403, 404)),
    ),
    "capital:queue": Case(roles(403, mentor=200, agency=200, admin=200)),
    "capital:referral_send": Case(
        roles(405),
        args=REFERRAL,
        post=roles(
            403,
            entrepreneur=(403, 404, 404),
            # Siti's and Citra's referrals were sent already (the lenders' keys read them); Budi's waits
            mentor=(SENT_ALREADY, wrote("->capital:queue"), 404),
            agency=(SENT_ALREADY, wrote("->capital:queue"), SENT_ALREADY),
            admin=(SENT_ALREADY, wrote("->capital:queue"), SENT_ALREADY),
        ),
    ),
    "capital:participant": Case(
        roles(403, mentor=kecamatan(), agency=200, admin=200), args=lambda w, s: [w.of[s].participant.pk]
    ),
    "capital:figures": Case(roles(403, agency=200, admin=200)),
}
