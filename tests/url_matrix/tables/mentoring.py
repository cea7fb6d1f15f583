"""P3: the caseload, the participant page, visits, follow-ups, questions, the mentors' reports."""

from ..cases import Case, Table, kecamatan, mine, roles, wrote

P = lambda w, s: [w.of[s].participant.pk]  # noqa: E731

CASES: Table = {
    "mentoring:caseload": Case(roles(403, mentor=200)),
    "mentoring:participant": Case(
        roles(404, mentor=kecamatan(), secretariat=kecamatan(), agency=200, admin=200), args=P
    ),
    "mentoring:log_visit": Case(
        roles(404, mentor=kecamatan(), secretariat=(403, 403, 404), agency=403, admin=403),
        args=P,
        post=roles(404, mentor=(400, 400, 404), secretariat=(403, 403, 404), agency=403, admin=403),
    ),
    "mentoring:assign": Case(
        roles(404, secretariat=kecamatan(), agency=200, admin=200),
        args=P,
        post=roles(404, secretariat=(400, 400, 404), agency=400, admin=400),
    ),
    "mentoring:unassigned": Case(roles(403, secretariat=200, agency=200, admin=200)),
    "mentoring:visit_photo": Case(
        roles(kecamatan(), entrepreneur=mine(), agency=200, partner=404, admin=200),
        args=lambda w, s: [w.of[s].visit.public_id],
    ),
    "mentoring:follow_up_done": Case(
        roles(405),
        args=lambda w, s: [w.of[s].follow_up.pk],
        post=roles(404, mentor=(wrote("->mentoring:participant"), wrote("->mentoring:participant"), 404)),
    ),
    "mentoring:help_list": Case(roles(200, partner=403)),
    "mentoring:help_new": Case(roles(403, entrepreneur=200), post=roles(403, entrepreneur=400)),
    "mentoring:help_thread": Case(
        roles(kecamatan(), entrepreneur=mine(), agency=200, partner=404, admin=200),
        args=lambda w, s: [w.of[s].help.pk],
        post=roles(403, entrepreneur=mine(), mentor=(200, 403, 404), secretariat=(403, 403, 404), partner=404),
    ),
    "mentoring:help_close": Case(
        roles(405),
        args=lambda w, s: [w.of[s].help.pk],
        post=roles(
            403,
            entrepreneur=(wrote("->mentoring:help_thread"), 404, 404),
            mentor=(wrote("->mentoring:help_thread"), 403, 404),
            secretariat=(403, 403, 404),
            partner=404,
        ),
    ),
    "mentoring:mentors": Case(roles(403, secretariat=200, agency=200, admin=200)),
    "mentoring:incentive_report": Case(roles(403, secretariat=200, agency=200, admin=200)),
    "mentoring:incentive_export": Case(roles(403, secretariat=200, agency=200, admin=200), args=lambda w, s: ["csv"]),
    "mentoring:my_mentor": Case(roles(403, entrepreneur=200)),
}
