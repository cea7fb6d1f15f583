"""P2: sessions, enrolments and certificates; the organisers' pages."""

from django.utils import timezone

from ..cases import Case, Table, mine, roles, wrote

CASES: Table = {
    "training:sessions": Case(roles(200)),
    "training:session": Case(roles(200), args=lambda w, s: [w.session.pk]),
    "training:enrol": Case(roles(405), args=lambda w, s: [w.session.pk], post=roles("->training:session")),
    "training:mine": Case(roles(200)),
    "training:cancel": Case(
        roles(405),
        args=lambda w, s: [w.of[s].enrolment.pk],
        post=roles(404, entrepreneur=(wrote("->training:mine"), 404, 404)),
    ),
    "training:rate": Case(
        roles(404, entrepreneur=mine()),
        args=lambda w, s: [w.of[s].past_enrolment.pk],
        post=roles(404, entrepreneur=mine()),
    ),
    "training:certificate_pdf": Case(
        roles(404, entrepreneur=mine(), agency=200, admin=200), args=lambda w, s: [w.of[s].certificate.code]
    ),
    "training:certificate_verify": Case(roles(200, anonymous=200), args=lambda w, s: [w.of[s].certificate.code]),
    "training:organiser": Case(roles(403, agency=200, partner=200, admin=200)),
    "training:courses": Case(roles(403, agency=200, partner=200, admin=200)),
    "training:course_create": Case(
        roles(403, agency=200, partner=200, admin=200), post=roles(403, agency=200, partner=200, admin=200)
    ),
    "training:course": Case(roles(403, agency=200, partner=404, admin=200), args=lambda w, s: [w.course.pk]),
    "training:course_edit": Case(
        roles(403, agency=200, partner=404, admin=200),
        args=lambda w, s: [w.course.pk],
        post=roles(403, agency=200, partner=404, admin=200),
    ),
    "training:session_create": Case(
        roles(403, agency=200, partner=404, admin=200),
        args=lambda w, s: [w.course.pk],
        post=roles(403, agency=200, partner=404, admin=200),
    ),
    "training:organiser_session": Case(
        roles(403, agency=200, partner=404, admin=200), args=lambda w, s: [w.session.pk]
    ),
    "training:session_edit": Case(
        roles(403, agency=200, partner=404, admin=200),
        args=lambda w, s: [w.session.pk],
        post=roles(403, agency=200, partner=404, admin=200),
    ),
    "training:session_announce": Case(
        roles(405),
        args=lambda w, s: [w.session.pk],
        post=roles(403, agency="->training:organiser_session", partner=404, admin="->training:organiser_session"),
    ),
    "training:session_cancel": Case(
        roles(405),
        args=lambda w, s: [w.session.pk],
        post=roles(
            403, agency=wrote("->training:organiser_session"), partner=404, admin=wrote("->training:organiser_session")
        ),
    ),
    "training:attendance": Case(
        roles(403, agency=200, partner=404, admin=200),
        args=lambda w, s: [w.past_session.pk, timezone.localdate(w.past_session.starts_at).isoformat()],
        post=roles(
            403, agency=wrote("->training:organiser_session"), partner=404, admin=wrote("->training:organiser_session")
        ),
    ),
    "training:ratings": Case(roles(403, agency=200, partner=200, admin=200)),
}
