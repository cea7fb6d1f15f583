"""The dashboard, partner performance, the weekly reports."""

from django.utils import timezone

from ..cases import Case, Table, kecamatan, mine, roles, wrote

NONE = lambda w, s: []  # noqa: E731 - the page takes no argument: the subject is in its query
YEAR = timezone.localdate().year

CASES: Table = {
    "targets:dashboard": Case(
        roles(kecamatan(), entrepreneur=403, agency=200, partner=404, admin=200),
        args=NONE,
        query=lambda w, s: f"kecamatan={w.of[s].participant.kecamatan_id}",
    ),
    "targets:participants": Case(
        roles(200, entrepreneur=403, mentor=mine(), secretariat=kecamatan(), partner=404),
        args=NONE,
        query=lambda w, s: f"measure=registered&year={YEAR}&mentor={w.of[s].visit.mentor_id}",
    ),
    "targets:partners": Case(roles(403, agency=200, partner=200, admin=200)),
    "targets:reports": Case(roles(403, agency=200, admin=200)),
    "targets:report_build": Case(
        roles(405), post=roles(403, agency=wrote("->targets:reports"), admin=wrote("->targets:reports"))
    ),
    "targets:report_download": Case(roles(403, agency=200, admin=200), args=lambda w, s: [w.report.pk, "pdf"]),
}
