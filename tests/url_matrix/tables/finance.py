"""P6: the monthly reports, the cash book, money owed, imports, statements."""

from ..cases import Case, Table, kecamatan, mine, roles, wrote

P = lambda w, s: [w.of[s].participant.pk]  # noqa: E731
DEBT = lambda w, s: [w.of[s].debt.pk]  # noqa: E731

CASES: Table = {
    # the old address of a participant's monthly indicators, kept as a redirect to the monthly reports
    "route:pendampingan/peserta/<int:pk>/indikator/": Case(
        roles("->finance:monthly_records", anonymous="->finance:monthly_records"), args=P
    ),
    "finance:monthly_records": Case(
        roles(404, mentor=kecamatan(), secretariat=(403, 403, 404), agency=403, admin=403),
        args=P,
        post=roles(404, mentor=(400, 400, 404), secretariat=(403, 403, 404), agency=403, admin=403),
    ),
    "finance:reports": Case(roles(403, entrepreneur=200), post=roles(403, entrepreneur=400)),
    "finance:report_workers": Case(roles(405), post=roles(403, entrepreneur=400)),
    "finance:report_close": Case(roles(405), post=roles(403, entrepreneur=400)),
    "finance:report_reopen": Case(roles(405), post=roles(403, entrepreneur=400)),
    "finance:participant_reports": Case(
        roles(404, mentor=kecamatan(), secretariat=(403, 403, 404), agency=200, admin=200), args=P, post=roles(405)
    ),
    "finance:participant_report_close": Case(
        roles(405), args=P, post=roles(404, mentor=(400, 400, 404), secretariat=(403, 403, 404), agency=400, admin=400)
    ),
    "finance:participant_report_reopen": Case(
        roles(405), args=P, post=roles(404, mentor=(400, 400, 404), secretariat=(403, 403, 404), agency=400, admin=400)
    ),
    "finance:program": Case(roles(403, agency=200, admin=200)),
    "finance:book": Case(roles(403, entrepreneur=200), post=roles(403, entrepreneur=400)),
    "finance:opening_balance": Case(roles(403, entrepreneur=200), post=roles(403, entrepreneur=400)),
    "finance:entry_edit": Case(
        roles(404, entrepreneur=mine()),
        args=lambda w, s: [w.of[s].entry.pk],
        post=roles(404, entrepreneur=(400, 404, 404)),
    ),
    "finance:entry_delete": Case(
        roles(404, entrepreneur=mine()),
        args=lambda w, s: [w.of[s].entry.pk],
        post=roles(404, entrepreneur=(wrote("->finance:book"), 404, 404)),
    ),
    "finance:debts": Case(roles(403, entrepreneur=200), post=roles(403, entrepreneur=400)),
    "finance:debt_edit": Case(
        roles(404, entrepreneur=mine()), args=DEBT, post=roles(404, entrepreneur=(400, 404, 404))
    ),
    "finance:debt_settle": Case(
        roles(404, entrepreneur=mine()), args=DEBT, post=roles(404, entrepreneur=(400, 404, 404))
    ),
    "finance:debt_unsettle": Case(roles(405), args=DEBT, post=roles(404, entrepreneur=("->finance:debts", 404, 404))),
    "finance:debt_delete": Case(
        roles(404, entrepreneur=mine()), args=DEBT, post=roles(404, entrepreneur=(wrote("->finance:debts"), 404, 404))
    ),
    "finance:participant_books": Case(
        roles(404, mentor=kecamatan(), secretariat=(403, 403, 404), agency=200, admin=200), args=P, post=roles(405)
    ),
    "finance:import_upload": Case(roles(403, entrepreneur=200), post=roles(403, entrepreneur=400)),
    "finance:import_template": Case(roles(200)),
    "finance:import_detail": Case(
        roles(403, entrepreneur=mine()),
        args=lambda w, s: [w.of[s].batch.pk],
        post=roles(403, entrepreneur=(400, 404, 404)),
    ),
    "finance:statements": Case(roles(403, entrepreneur=200), post=roles(403, entrepreneur=400)),
    "finance:statement_pdf": Case(
        roles(404, entrepreneur=mine(), mentor=kecamatan(), agency=200, admin=200),
        args=lambda w, s: [w.of[s].statement.code],
    ),
    "finance:statement_check": Case(roles(200, anonymous=200)),
    "finance:statement_verify": Case(roles(200, anonymous=200), args=lambda w, s: [w.of[s].statement.code]),
}
