"""Who builds each export list in `bench/timing.py --exports`, and with which filter: the widest scope the list
has (agency staff where they may export it, else the role that may: a mentor their own caseload, the one closest
to 600 participants), and the biggest object a list needs (the session with the most enrolments, the call with
the most submissions). Each pick returns the exporting `user` and the list's parameters as its other columns."""

from bench.timing_pages import AGENCY, MENTOR

SCOPES = {
    "registration.participants": AGENCY,
    "licensing.queue": AGENCY,
    "capital.queue": AGENCY,
    "mentoring.caseload": f"WITH m AS ({MENTOR}) SELECT m.user FROM m",
    "training.enrolments": f"""WITH s AS ({AGENCY}) SELECT s.user, x.session_id AS session FROM s,
        (SELECT session_id FROM training_enrolment GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) x""",
    "marketing.call_submissions": f"""WITH s AS ({AGENCY}) SELECT s.user, x.call_id AS call FROM s,
        (SELECT call_id FROM marketing_submission GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) x""",
    # the people the most read partner read in its last 30 days of reads (the window's longest is 31)
    "privacy.breach": f"""WITH s AS ({AGENCY}) SELECT s.user, x.organisation_id AS organisation,
        to_char(x.last_at - interval '30 days', 'YYYY-MM-DD HH24:MI') AS start,
        to_char(x.last_at, 'YYYY-MM-DD HH24:MI') AS "end" FROM s,
        (SELECT organisation_id, max(at) AS last_at FROM partners_accesslog GROUP BY 1 ORDER BY count(*) DESC, 1
         LIMIT 1) x""",
}
