"""P5: the business's listing, products and stores; curation; selling spaces; the public catalogue."""

from ..cases import Case, Table, kecamatan, mine, roles, wrote

P = lambda w, s: [w.of[s].participant.pk]  # noqa: E731
PRODUCT = lambda w, s: [w.of[s].product.pk]  # noqa: E731
SUBMISSION = lambda w, s: [w.of[s].submission.pk]  # noqa: E731
APPLICATION = lambda w, s: [w.of[s].application.pk]  # noqa: E731

CASES: Table = {
    "marketing:mine": Case(roles(403, entrepreneur=200)),
    "marketing:listing_edit": Case(roles(403, entrepreneur=200), post=roles(403, entrepreneur=400)),
    "marketing:product_new": Case(roles(403, entrepreneur=200), post=roles(403, entrepreneur=400)),
    "marketing:product_edit": Case(
        roles(404, entrepreneur=mine()), args=PRODUCT, post=roles(404, entrepreneur=(400, 404, 404))
    ),
    "marketing:product_delete": Case(
        roles(405), args=PRODUCT, post=roles(404, entrepreneur=(wrote("->marketing:mine"), 404, 404))
    ),
    "marketing:product_photos": Case(
        roles(404, entrepreneur=mine()), args=PRODUCT, post=roles(404, entrepreneur=(400, 404, 404))
    ),
    "marketing:photo_move": Case(
        roles(405), args=lambda w, s: [w.of[s].product.pk, w.of[s].photo.pk], post=roles(404)
    ),
    "marketing:photo_delete": Case(
        roles(405),
        args=lambda w, s: [w.of[s].product.pk, w.of[s].photo.pk],
        post=roles(404, entrepreneur=(wrote("->marketing:product_photos"), 404, 404)),
    ),
    "marketing:photo": Case(
        roles(kecamatan(), anonymous=404, entrepreneur=mine(), agency=200, partner=404, admin=200),
        args=lambda w, s: [w.of[s].photo.public_id],
    ),
    "marketing:store_new": Case(roles(403, entrepreneur=200), post=roles(403, entrepreneur=400)),
    "marketing:store_delete": Case(
        roles(405),
        args=lambda w, s: [w.of[s].store.pk],
        post=roles(403, entrepreneur=(wrote("->marketing:mine"), 404, 404)),
    ),
    "marketing:participant": Case(
        roles(403, mentor=kecamatan(), secretariat=kecamatan(), agency=200, admin=200), args=P
    ),
    "marketing:calls": Case(roles(200)),
    "marketing:call_submit": Case(
        roles(403, entrepreneur=200), args=lambda w, s: [w.call.pk], post=roles(403, entrepreneur=400)
    ),
    "marketing:submission": Case(
        roles(kecamatan(), entrepreneur=mine(), agency=200, partner=404, admin=200), args=SUBMISSION
    ),
    "marketing:submission_check": Case(
        roles(405),
        args=SUBMISSION,
        post=roles(
            "->marketing:submission",
            entrepreneur=("->marketing:submission", 404, 404),
            mentor=(400, "->marketing:submission", 404),
            secretariat=("->marketing:submission", "->marketing:submission", 404),
            partner=404,
        ),
    ),
    "marketing:submission_validate": Case(
        roles(405),
        args=SUBMISSION,
        post=roles(
            ("->marketing:submission", "->marketing:submission", 404),
            entrepreneur=("->marketing:submission", 404, 404),
            agency="->marketing:submission",
            partner=404,
            admin="->marketing:submission",
        ),
    ),
    "marketing:submission_grade": Case(
        roles(
            ("->marketing:submission", "->marketing:submission", 404),
            entrepreneur=("->marketing:submission", 404, 404),
            agency="->marketing:submission",
            partner=404,
            admin="->marketing:submission",
        ),
        args=SUBMISSION,
        post=roles(
            ("->marketing:submission", "->marketing:submission", 404),
            entrepreneur=("->marketing:submission", 404, 404),
            agency="->marketing:submission",
            partner=404,
            admin="->marketing:submission",
        ),
    ),
    "marketing:submission_resubmit": Case(
        roles(405),
        args=SUBMISSION,
        post=roles(
            ("->marketing:submission", "->marketing:submission", 404),
            entrepreneur=("->marketing:submission", 404, 404),
            agency="->marketing:submission",
            partner=404,
            admin="->marketing:submission",
        ),
    ),
    "marketing:submission_withdraw": Case(
        roles(405),
        args=SUBMISSION,
        post=roles(
            ("->marketing:submission", "->marketing:submission", 404),
            entrepreneur=(wrote("->marketing:submission"), 404, 404),
            agency="->marketing:submission",
            partner=404,
            admin="->marketing:submission",
        ),
    ),
    "marketing:check_queue": Case(roles(403, mentor=200)),
    "marketing:store_check": Case(
        roles(405),
        args=lambda w, s: [w.of[s].store.pk],
        post=roles(404, mentor=(wrote("->marketing:check_queue"), 404, 404)),
    ),
    "marketing:validation_queue": Case(roles(403, secretariat=200, agency=200, admin=200)),
    "marketing:grading_queue": Case(roles(403, agency=200, partner=200, admin=200)),
    "marketing:staff_calls": Case(roles(403, agency=200, admin=200)),
    "marketing:call_new": Case(roles(403, agency=200, admin=200), post=roles(403, agency=400, admin=400)),
    "marketing:call_detail": Case(roles(403, agency=200, admin=200), args=lambda w, s: [w.call.pk]),
    "marketing:call_edit": Case(
        roles(403, agency=200, admin=200), args=lambda w, s: [w.call.pk], post=roles(403, agency=400, admin=400)
    ),
    "marketing:spaces": Case(roles(200)),
    "marketing:coverage": Case(roles(200, anonymous=200)),
    "marketing:space": Case(roles(200), args=lambda w, s: [w.space.pk]),
    "marketing:space_apply": Case(
        roles(403, entrepreneur=200), args=lambda w, s: [w.space.pk], post=roles(403, entrepreneur=400)
    ),
    "marketing:space_applications_mine": Case(roles(403, entrepreneur=200)),
    "marketing:space_application_withdraw": Case(
        roles(405),
        args=APPLICATION,
        post=roles(403, entrepreneur=(wrote("->marketing:space_applications_mine"), 404, 404)),
    ),
    "marketing:spaces_staff": Case(roles(403, agency=200, admin=200)),
    "marketing:space_create": Case(roles(403, agency=200, admin=200), post=roles(403, agency=400, admin=400)),
    "marketing:space_staff": Case(roles(403, agency=200, admin=200), args=lambda w, s: [w.space.pk]),
    "marketing:space_edit": Case(
        roles(403, agency=200, admin=200), args=lambda w, s: [w.space.pk], post=roles(403, agency=400, admin=400)
    ),
    "marketing:space_booths": Case(
        roles(403, agency=200, admin=200), args=lambda w, s: [w.space.pk], post=roles(403, agency=400, admin=400)
    ),
    "marketing:space_calendar": Case(roles(403, agency=200, admin=200), args=lambda w, s: [w.space.pk]),
    "marketing:booth_edit": Case(
        roles(403, agency=200, admin=200), args=lambda w, s: [w.booth.pk], post=roles(403, agency=400, admin=400)
    ),
    "marketing:booth_delete": Case(
        roles(405),
        args=lambda w, s: [w.booth.pk],
        post=roles(403, agency="->marketing:space_booths", admin="->marketing:space_booths"),
    ),
    "marketing:space_application_accept": Case(
        roles(403, agency=200, admin=200), args=APPLICATION, post=roles(403, agency=400, admin=400)
    ),
    "marketing:space_application_decline": Case(
        roles(403, agency=200, admin=200), args=APPLICATION, post=roles(403, agency=400, admin=400)
    ),
    "marketing:booth_allocation_cancel": Case(
        roles(405),
        args=lambda w, s: [w.allocation.pk],
        post=roles(403, agency=wrote("->marketing:space_staff"), admin=wrote("->marketing:space_staff")),
    ),
    "marketing:catalogue": Case(roles(200, anonymous=200)),
    "marketing:catalogue_product": Case(roles(200, anonymous=200), args=lambda w, s: [w.of[s].public_product.pk]),
    "marketing:catalogue_business": Case(roles(200, anonymous=200), args=lambda w, s: [w.of[s].listing.pk]),
}
