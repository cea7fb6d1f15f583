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
}
