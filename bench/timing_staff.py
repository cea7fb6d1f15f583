"""The pages of mentors, the kecamatan secretariat, agency staff and partners' users, with the best SQL of each.

The mentor is the one whose active caseload is closest to 600 (`MENTOR`), the secretary one of the largest
kecamatan's (`SECRETARY`), agency staff see the whole program; each opens the participant of their scope whose
page is the longest (the most visits, the most licence requests ...).
"""

from bench.timing_api import PURPOSES as PURPOSES_OF_STEPS
from bench.timing_pages import AGENCY, LARGEST_KECAMATAN, MENTOR, SECRETARY, Page, mentor_and
from bench.timing_people import IN_FORCE, ON_OFFER, WALLET
from registration.choices import Status
from registration.selectors import COUNT_CAP as QUEUE_COUNT_CAP

# --- shared SQL ------------------------------------------------------------------------------------------------

YEAR_START = "make_timestamptz(%(year)s, 1, 1, 0, 0, 0, %(tz)s)"
YEAR_END = "make_timestamptz(%(year)s + 1, 1, 1, 0, 0, 0, %(tz)s)"


def progress(mentors: str) -> str:
    """Each mentor's year in numbers (mentoring.selectors.with_progress) for the mentors `m` of a FROM clause."""
    return f"""
        SELECT m.id, m.full_name, o.name,
               t.participants, t.basis, t.visits,
               (SELECT count(*) FROM registration_registration r JOIN registration_participant p
                    ON p.id = r.participant_id WHERE r.registered_by_id = m.id
                  AND p.created_at >= {YEAR_START} AND p.created_at < {YEAR_END}) AS registered,
               (SELECT count(*) FROM registration_registration r WHERE r.registered_by_id = m.id
                  AND r.status = 'approved' AND r.decided_at >= {YEAR_START} AND r.decided_at < {YEAR_END}) AS
                  verified,
               (SELECT count(*) FROM mentoring_visit v WHERE v.mentor_id = m.id
                  AND v.date >= make_date(%(year)s, 1, 1) AND v.date < make_date(%(year)s + 1, 1, 1)) AS visits_done,
               (SELECT count(*) FROM mentoring_mentorassignment a WHERE a.mentor_id = m.id AND a.active
                  AND a.kecamatan_id = m.office_id) AS caseload,
               (SELECT count(*) FROM mentoring_followup f WHERE f.done_at IS NULL AND f.due_date < %(today)s
                  AND f.participant_id IN (SELECT a.participant_id FROM mentoring_mentorassignment a
                      WHERE a.mentor_id = m.id AND a.active AND a.kecamatan_id = m.office_id)) AS overdue,
               (SELECT count(*) FROM mentoring_helprequest h WHERE h.mentor_id = m.id AND h.status = 'open'
                  AND h.awaiting_mentor) AS waiting
        FROM {mentors}
        LEFT JOIN geography_kecamatan o ON o.id = m.office_id
        LEFT JOIN mentoring_mentortarget t ON t.mentor_id = m.id AND t.year = %(year)s"""


# the caseload of mentor %(user)s in kecamatan %(kecamatan)s, who needs attention first (mentoring.selectors.caseload)
CASELOAD = """
    SELECT a.id, a.stage, p.id, p.full_name, p.track, b.name, lv.date AS last_visit, fo.overdue, nf.due_date,
           nf.what, hw.waiting
    FROM mentoring_mentorassignment a JOIN registration_participant p ON p.id = a.participant_id
    LEFT JOIN registration_business b ON b.participant_id = p.id
    LEFT JOIN LATERAL (SELECT v.date FROM mentoring_visit v WHERE v.participant_id = p.id
                       ORDER BY v.date DESC, v.id DESC LIMIT 1) lv ON true
    CROSS JOIN LATERAL (SELECT count(*) AS overdue FROM mentoring_followup f WHERE f.participant_id = p.id
                        AND f.done_at IS NULL AND f.due_date < %(today)s) fo
    LEFT JOIN LATERAL (SELECT f.due_date, f.what FROM mentoring_followup f WHERE f.participant_id = p.id
                       AND f.done_at IS NULL ORDER BY f.due_date, f.id LIMIT 1) nf ON true
    CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM mentoring_helprequest h WHERE h.participant_id = p.id
                        AND h.status = 'open' AND h.awaiting_mentor) AS waiting) hw
    WHERE a.mentor_id = %(user)s AND a.active AND a.kecamatan_id = %(kecamatan)s {search}
    ORDER BY fo.overdue DESC, hw.waiting DESC, lv.date ASC NULLS FIRST, p.full_name, a.id
    LIMIT %(rows)s OFFSET {offset}"""

# a participant's page as their kecamatan's secretariat sees it (mentoring.views.participants.participant): the
# other steps' sections of those who read the books and follow loans (mentors and agency staff) are added below
MENTORING_PARTICIPANT_OFFICE = (
    """
    SELECT p.*, k.name, b.*, r.status, r.reference FROM registration_participant p
    JOIN geography_kecamatan k ON k.id = p.kecamatan_id LEFT JOIN registration_business b ON b.participant_id = p.id
    JOIN registration_registration r ON r.participant_id = p.id WHERE p.id = %(participant)s""",
    """
    SELECT a.*, m.full_name, s.full_name FROM mentoring_mentorassignment a JOIN accounts_user m ON m.id = a.mentor_id
    LEFT JOIN accounts_user s ON s.id = a.assigned_by_id WHERE a.participant_id = %(participant)s
    ORDER BY a.active DESC, a.assigned_at DESC, a.id DESC""",
    """
    SELECT v.id, v.date, v.kind, v.steps, v.notes, v.shared, v.photo, u.full_name,
           (SELECT json_agg(json_build_object('what', f.what, 'due', f.due_date, 'done', f.done_at,
                                              'by', d.full_name) ORDER BY f.id)
            FROM mentoring_followup f LEFT JOIN accounts_user d ON d.id = f.done_by_id WHERE f.visit_id = v.id)
    FROM mentoring_visit v JOIN accounts_user u ON u.id = v.mentor_id WHERE v.participant_id = %(participant)s
    ORDER BY v.date DESC, v.id DESC LIMIT 11""",
    """
    SELECT f.*, v.date FROM mentoring_followup f LEFT JOIN mentoring_visit v ON v.id = f.visit_id
    WHERE f.participant_id = %(participant)s AND f.done_at IS NULL ORDER BY f.due_date, f.id LIMIT 50""",
    """
    SELECT * FROM mentoring_helprequest WHERE participant_id = %(participant)s
    ORDER BY last_message_at DESC, id DESC LIMIT 5""",
    # the sections other steps add: licences, marketing, the monthly records, capital
    f"SELECT {WALLET} FROM registration_participant p WHERE p.id = %(participant)s",
    """
    SELECT count(x.id), count(x.id) FILTER (WHERE x.grade <> ''), min(NULLIF(x.grade, '')),
           (SELECT count(*) FROM marketing_onlinestore s WHERE s.business_id = b.id),
           (SELECT count(*) FROM marketing_onlinestore s WHERE s.business_id = b.id AND s.checked_at IS NOT NULL),
           l.published
    FROM registration_business b LEFT JOIN marketing_product x ON x.business_id = b.id
    LEFT JOIN marketing_listing l ON l.business_id = b.id WHERE b.participant_id = %(participant)s
    GROUP BY b.id, l.published""",
)

# the event tables of a participant's trail (core.audit.history_about: the participant's own events and those of
# every tracked row pointing to it), each with the column that points; the last are the restricted ones (books
# and loans), which only program-wide staff read
TRAIL = (
    ("registration_participantevent", "pgh_obj_id"),
    ("registration_businessevent", "participant_id"),
    ("registration_registrationevent", "participant_id"),
    ("registration_documentevent", "participant_id"),
    ("partners_consentevent", "participant_id"),
    ("partners_jakilinkevent", "participant_id"),
    ("training_enrolmentevent", "participant_id"),
    ("mentoring_mentorassignmentevent", "participant_id"),
    ("mentoring_visitevent", "participant_id"),
    ("mentoring_followupevent", "participant_id"),
    ("mentoring_helprequestevent", "participant_id"),
    ("licensing_licencerequestevent", "participant_id"),
    ("licensing_licenceevent", "participant_id"),
    ("feedback_postevent", "author_id"),
)
RESTRICTED_TRAIL = (
    ("finance_debtevent", "participant_id"),
    ("finance_entryevent", "participant_id"),
    ("finance_monthlyrecordevent", "participant_id"),
    ("finance_montheventevent", "participant_id"),
    ("finance_importbatchevent", "participant_id"),
    ("finance_statementevent", "participant_id"),
    ("finance_classchangeevent", "participant_id"),
    ("capital_loanreferralevent", "participant_id"),
)


def history(*, restricted: bool) -> str:
    """The participant's trail, newest first (200 events): each event with the one before it of the same row (the
    page shows what changed) and its context (who, which channel)."""
    tables = TRAIL + (RESTRICTED_TRAIL if restricted else ())
    parts = [
        f"""SELECT '{table}' AS model, e.pgh_id, e.pgh_created_at, e.pgh_label, row_to_json(e) AS data,
                   prev.data AS prev, c.metadata
            FROM {table} e LEFT JOIN pghistory_context c ON c.id = e.pgh_context_id
            LEFT JOIN LATERAL (SELECT row_to_json(x) AS data FROM {table} x WHERE x.pgh_obj_id = e.pgh_obj_id
                               AND x.pgh_id < e.pgh_id ORDER BY x.pgh_id DESC LIMIT 1) prev ON true
            WHERE e.{column} = %(participant)s"""
        for table, column in tables
    ]
    return f"SELECT * FROM ({' UNION ALL '.join(parts)}) h ORDER BY h.pgh_created_at DESC, h.pgh_id DESC LIMIT 200"


# the sections of a participant's books (the latest six months) and capital (what they qualify for, their latest
# referrals), which mentors and agency staff see on the page too
MENTORING_PARTICIPANT = (
    *MENTORING_PARTICIPANT_OFFICE,
    """SELECT m.*, u.full_name FROM finance_monthlyrecord m LEFT JOIN accounts_user u ON u.id = m.recorded_by_id
       WHERE m.participant_id = %(participant)s ORDER BY m.month DESC LIMIT 6""",
    f"""SELECT fp.*, lo.name, (SELECT x.id FROM capital_loanreferral x WHERE x.participant_id = %(participant)s
        AND x.product_id = fp.id AND x.status IN ('requested', 'sent', 'under_review', 'approved') LIMIT 1)
        FROM capital_financingproduct fp JOIN partners_partnerorganisation lo ON lo.id = fp.lender_id
        WHERE {ON_OFFER} ORDER BY lo.name, fp.name""",
    """SELECT month_number, turnover FROM finance_monthlyrecord WHERE participant_id = %(participant)s
       ORDER BY month DESC LIMIT 12""",
    """
    SELECT x.*, fp.name, lo.name FROM capital_loanreferral x JOIN capital_financingproduct fp ON fp.id = x.product_id
    JOIN partners_partnerorganisation lo ON lo.id = x.lender_id WHERE x.participant_id = %(participant)s
    ORDER BY x.created_at DESC, x.id DESC LIMIT 5""",
)

# the staff participant file (registration:participant): the participant, documents, decisions, the history
PARTICIPANT_FILE = (
    """
    SELECT p.*, k.name, w.name, kl.name, b.*, bk.name, r.*, rb.full_name, u.email
    FROM registration_participant p JOIN geography_kecamatan k ON k.id = p.kecamatan_id
    JOIN geography_wilayah w ON w.id = k.wilayah_id LEFT JOIN geography_kelurahan kl ON kl.id = p.kelurahan_id
    LEFT JOIN registration_business b ON b.participant_id = p.id
    LEFT JOIN geography_kecamatan bk ON bk.id = b.kecamatan_id
    JOIN registration_registration r ON r.participant_id = p.id
    LEFT JOIN accounts_user rb ON rb.id = r.registered_by_id JOIN accounts_user u ON u.id = p.user_id
    WHERE p.id = %(participant)s""",
    "SELECT * FROM registration_document WHERE participant_id = %(participant)s ORDER BY id",
    """SELECT d.*, u.full_name FROM registration_registrationdecision d LEFT JOIN accounts_user u
       ON u.id = d.decided_by_id WHERE d.registration_id = (SELECT id FROM registration_registration
       WHERE participant_id = %(participant)s) ORDER BY d.decided_at, d.id""",
    history(restricted=False),
)


# the verification queue's tabs and a page of one (registration.selectors.verification_queue / _counts)
def queue_counts(where: str = "") -> str:
    """Each tab's count up to COUNT_CAP + 1, and the submitted ones waiting too long; `where`: "AND ..."."""

    def capped(condition: str) -> str:
        return (
            f"(SELECT count(*) FROM (SELECT 1 FROM registration_registration r WHERE {condition} {where}"
            f" LIMIT {QUEUE_COUNT_CAP + 1}) c)"
        )

    tabs = [capped(f"r.status = '{status}'") for status in Status.values]
    overdue = capped("r.status = 'submitted' AND r.submitted_at < %(now)s - interval '14 days'")
    return "SELECT " + ", ".join([*tabs, overdue])


QUEUE_PAGE = """
    SELECT r.*, p.full_name, b.name, k.name FROM registration_registration r
    JOIN registration_participant p ON p.id = r.participant_id LEFT JOIN registration_business b
        ON b.participant_id = p.id JOIN geography_kecamatan k ON k.id = r.kecamatan_id
    WHERE r.status = %(status)s {where} ORDER BY r.submitted_at, r.id LIMIT %(rows)s OFFSET {offset}"""

# the staff participant list (registration.selectors.participant_list with its filter)
PARTICIPANT_LIST = """
    SELECT p.id, p.full_name, p.track, p.created_at, k.name, w.name, r.reference, r.status, r.channel, b.name
    FROM registration_participant p JOIN geography_kecamatan k ON k.id = p.kecamatan_id
    JOIN geography_wilayah w ON w.id = k.wilayah_id LEFT JOIN registration_registration r ON r.participant_id = p.id
    LEFT JOIN registration_business b ON b.participant_id = p.id
    {where} ORDER BY p.created_at DESC, p.id DESC LIMIT %(rows)s OFFSET {offset}"""
FILTER_CHOICES = (
    "SELECT id, name FROM geography_wilayah ORDER BY name",
    """SELECT k.id, k.name, w.name FROM geography_kecamatan k JOIN geography_wilayah w ON w.id = k.wilayah_id
       ORDER BY k.name""",
)

# the licensing queue (licensing.selectors.queue and queue_counts)
LICENCE_QUEUE = (
    """
    SELECT q.*, t.name, p.full_name, k.name, b.name FROM licensing_licencerequest q
    JOIN licensing_licencetype t ON t.id = q.licence_type_id JOIN registration_participant p
        ON p.id = q.participant_id JOIN geography_kecamatan k ON k.id = p.kecamatan_id
    LEFT JOIN registration_business b ON b.participant_id = p.id
    WHERE q.status IN ('requested', 'documents', 'submitted') {where}
    ORDER BY q.status_changed_at, q.id LIMIT %(rows)s""",
    """
    SELECT q.licence_type_id, count(*) FROM licensing_licencerequest q
    WHERE q.status IN ('requested', 'documents', 'submitted') {where} GROUP BY 1""",
    "SELECT * FROM licensing_licencetype ORDER BY position, name",
)


# the participants a user follows with their wallets (licensing.selectors.followed_participants), by name
def followed(where: str) -> str:
    return f"""
        SELECT p.id, p.full_name, k.name, b.name, r.status, {WALLET}
        FROM registration_participant p JOIN geography_kecamatan k ON k.id = p.kecamatan_id
        LEFT JOIN registration_business b ON b.participant_id = p.id
        JOIN registration_registration r ON r.participant_id = p.id
        WHERE r.status = 'approved' AND {where}
        ORDER BY p.full_name, p.id LIMIT %(rows)s"""


# the curation queues (marketing.selectors.curation._queue): the whole queue, oldest first, with the product's photos
def curation_queue(where: str) -> str:
    return f"""
        SELECT s.*, c.title, x.name, x.category, b.name, p.full_name, k.name, l.public_name,
               (SELECT json_agg(ph.public_id ORDER BY ph.position, ph.id) FROM marketing_productphoto ph
                WHERE ph.product_id = x.id)
        FROM marketing_submission s JOIN marketing_productcall c ON c.id = s.call_id
        JOIN marketing_product x ON x.id = s.product_id JOIN registration_business b ON b.id = x.business_id
        JOIN registration_participant p ON p.id = b.participant_id JOIN geography_kecamatan k ON k.id = p.kecamatan_id
        LEFT JOIN marketing_listing l ON l.business_id = b.id
        WHERE {where} ORDER BY s.submitted_at, s.id"""


# the dashboard's figures for an area (targets.figures): progress against targets, the funnel with medians, the
# trend and the breakdown; `area` is a condition on targets_progress (aliased g) and on the summary tables (c): a
# mentor's counts are in targets_measurecount, every other area's in targets_areacount (the mentors summed)
def dashboard(area: str, counts: str, level: str) -> tuple[str, ...]:
    table = "targets_measurecount" if level == "mentor" else "targets_areacount"
    return (
        f"""
        SELECT count(*) FILTER (WHERE g.registered_on IS NOT NULL), count(*) FILTER (WHERE g.verified_on IS NOT NULL),
               count(*) FILTER (WHERE g.trained_on IS NOT NULL), count(*) FILTER (WHERE g.mentored_on IS NOT NULL),
               count(*) FILTER (WHERE g.licensed_on IS NOT NULL), count(*) FILTER (WHERE g.marketed_on IS NOT NULL),
               count(*) FILTER (WHERE g.reporting_on IS NOT NULL), count(*) FILTER (WHERE g.capitalised_on IS NOT
               NULL),
               count(*) FILTER (WHERE g.formal_on IS NOT NULL), count(*) FILTER (WHERE g.moved_up_on IS NOT NULL)
        FROM targets_progress g WHERE g.cohort = %(year)s AND {area}""",
        f"""
        SELECT c.measure, date_trunc('month', c.month), sum(c.n) FROM {table} c
        WHERE c.month >= make_date(%(year)s, 1, 1) AND c.month < make_date(%(year)s + 1, 1, 1) AND {counts}
        GROUP BY 1, 2""",
        f"""
        SELECT c.measure, c.days, sum(c.n) FROM targets_gapcount c WHERE c.cohort = %(year)s AND {counts}
        GROUP BY 1, 2 ORDER BY 1, 2"""
        if level != "mentor"
        else f"""
        SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY g.verified_on - g.registered_on),
               percentile_disc(0.5) WITHIN GROUP (ORDER BY g.trained_on - g.verified_on),
               percentile_disc(0.5) WITHIN GROUP (ORDER BY g.mentored_on - g.trained_on),
               percentile_disc(0.5) WITHIN GROUP (ORDER BY g.licensed_on - g.mentored_on),
               percentile_disc(0.5) WITHIN GROUP (ORDER BY g.marketed_on - g.licensed_on),
               percentile_disc(0.5) WITHIN GROUP (ORDER BY g.reporting_on - g.marketed_on),
               percentile_disc(0.5) WITHIN GROUP (ORDER BY g.capitalised_on - g.reporting_on)
        FROM targets_progress g WHERE g.cohort = %(year)s AND {area}""",
        f"""SELECT t.measure, t.value FROM targets_target t WHERE t.year = %(year)s AND t.level = '{level}'""",
        f"""
        SELECT c.kecamatan_id, c.measure, sum(c.n) FROM {table} c
        WHERE c.month >= make_date(%(year)s, 1, 1) AND c.month < make_date(%(year)s + 1, 1, 1) AND {counts}
        GROUP BY 1, 2""",
        """SELECT f.kecamatan_id, f.category, count(*), count(*) FILTER (WHERE f.status = 'open')
           FROM feedback_post f WHERE NOT f.hidden AND f.created_at >= make_timestamptz(%(year)s, 1, 1, 0, 0, 0,
           %(tz)s)
           GROUP BY 1, 2""",
    )


# partner performance (targets.partners): the agreements in force or ended within a year (`where` narrows them),
# each step's activities of their partners in each agreement's period, and the participants served with what
# they reached in it as the nightly count kept them (targets.AgreementOutcome, for agency staff or the partner)
def performance(where: str, audience: str) -> tuple[str, ...]:
    agreements = f"""
        SELECT g.id, g.organisation_id, g.starts_on AS start,
               least(%(today)s, g.ends_on, coalesce(g.ended_on, g.ends_on)) AS finish, {PURPOSES_OF_STEPS} AS purposes
        FROM partners_agreement g JOIN partners_partnerorganisation o ON o.id = g.organisation_id
        WHERE o.active AND g.signed_on IS NOT NULL AND g.starts_on <= %(today)s
          AND least(g.ends_on, coalesce(g.ended_on, g.ends_on)) >= %(today)s - interval '1 year' AND {where}"""
    return (
        f"""SELECT g.*, o.name FROM partners_agreement g JOIN partners_partnerorganisation o ON o.id =
            g.organisation_id
            WHERE g.id IN (SELECT id FROM ({agreements}) a) ORDER BY g.created_at DESC, g.id DESC""",
        f"""WITH a AS ({agreements})
            SELECT a.id, count(*), sum(s.enrolled_count),
                   sum((SELECT count(*) FROM training_enrolment e
                        WHERE e.session_id = s.id AND e.status = 'completed'))
            FROM a JOIN training_course c ON c.organiser_partner_id = a.organisation_id
            JOIN training_session s ON s.course_id = c.id AND s.status = 'announced'
                 AND s.starts_at >= a.start::timestamptz AND s.starts_at < (a.finish + 1)::timestamptz
            GROUP BY a.id""",
        f"""WITH a AS ({agreements})
            SELECT a.id, count(*), count(*) FILTER (WHERE s.grade IN ('A', 'B'))
            FROM a JOIN partners_partnermember m ON m.organisation_id = a.organisation_id
            JOIN marketing_submission s ON s.graded_by_id = m.user_id AND s.status = 'graded'
                 AND s.graded_at >= a.start::timestamptz AND s.graded_at < (a.finish + 1)::timestamptz
            GROUP BY a.id""",
        f"""WITH a AS ({agreements})
            SELECT a.id, count(*) FILTER (WHERE m.to_status = 'sent'), count(DISTINCT x.product_id),
                   count(*) FILTER (WHERE m.to_status = 'approved'), count(*) FILTER (WHERE m.to_status = 'disbursed'),
                   sum(x.amount_disbursed) FILTER (WHERE m.to_status = 'disbursed')
            FROM a JOIN capital_loanreferral x ON x.lender_id = a.organisation_id
            JOIN capital_referralmove m ON m.referral_id = x.id AND m.to_status IN ('sent', 'approved', 'disbursed')
                 AND m.moved_at >= a.start::timestamptz AND m.moved_at < (a.finish + 1)::timestamptz
            GROUP BY a.id""",
        f"""WITH a AS ({agreements})
            SELECT a.id, count(*), count(*) FILTER (WHERE m.to_status = 'issued')
            FROM a JOIN partners_partnerorganisation o ON o.id = a.organisation_id
            JOIN licensing_requestmove m ON m.moved_by_id = o.api_user_id AND m.to_status IN ('issued', 'refused')
                 AND m.moved_at >= a.start::timestamptz AND m.moved_at < (a.finish + 1)::timestamptz
            GROUP BY a.id""",
        f"""WITH a AS ({agreements})
            SELECT o.agreement_id, o.start, o."end", o.steps, o.served, o.reached FROM a
            JOIN targets_agreementoutcome o ON o.agreement_id = a.id AND o.audience = '{audience}'""",
    )


# the participants a partner's user counts (targets.permissions.partner_participants): those with an active consent
# to the organisation, each for the steps their consents cover (`purposes`), with their Progress row
PARTNER_AREA = """area AS (
    SELECT g.*, c.purposes FROM targets_progress g JOIN (
        SELECT participant_id, array_agg(DISTINCT purpose)::text[] AS purposes FROM partners_consent
        WHERE organisation_id = %(organisation)s AND withdrawn_at IS NULL GROUP BY 1) c
    ON c.participant_id = g.participant_id)"""


# --- picks -----------------------------------------------------------------------------------------------------

MENTOR_MOST_VISITED = mentor_and(
    "p.id AS participant",
    order="(SELECT count(*) FROM mentoring_visit v WHERE v.participant_id = p.id) DESC, p.id",
)
SECRETARY_MOST_VISITED = f"""
    WITH s AS ({SECRETARY})
    SELECT s.user, s.kecamatan, p.id AS participant FROM s JOIN registration_participant p ON p.kecamatan_id =
    s.kecamatan
    JOIN registration_registration r ON r.participant_id = p.id AND r.status = 'approved'
    ORDER BY (SELECT count(*) FROM mentoring_visit v WHERE v.participant_id = p.id) DESC, p.id LIMIT 1"""
AGENCY_MOST_VISITED = f"""
    WITH s AS ({AGENCY})
    SELECT s.user, v.participant_id AS participant FROM s, (SELECT participant_id, count(*) AS n FROM mentoring_visit
    GROUP BY 1 ORDER BY n DESC, 1 LIMIT 1) v"""
SECRETARY_DEEP = f"""
    WITH s AS ({SECRETARY})
    SELECT s.user, s.kecamatan, greatest(1, least(400, (SELECT count(*) FROM registration_participant p
           WHERE p.kecamatan_id = s.kecamatan) / 25)) AS page FROM s"""
# the participants list 10,000 pages deep (or halfway, on a smaller program), reached as its Next links reach it: a
# keyset step past the last row of the page before (core.pagination: "a<page>.<token>", the token the base64 of the
# JSON of that row's created_at and id); `after` is that row
AGENCY_DEEP = f"""
    WITH s AS ({AGENCY}), d AS (SELECT greatest(1, least(10000, (SELECT reltuples::bigint FROM pg_class
    WHERE relname = 'registration_participant') / 25 / 2)) AS page),
    r AS (SELECT p.id, p.created_at FROM registration_participant p ORDER BY p.created_at DESC, p.id DESC
          OFFSET (SELECT (page - 1) * 25 - 1 FROM d) LIMIT 1)
    SELECT s.user, r.id AS after, 'a' || (SELECT page FROM d) || '.' || rtrim(translate(replace(encode(convert_to(
        json_build_array(to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '+00:00',
        r.id::text)::text, 'UTF8'), 'base64'), E'\\n', ''), '+/', '-_'), '=') AS step
    FROM s, r"""
PARTNER_USER = """
    SELECT m.user_id AS user, o.id AS organisation FROM partners_partnermember m
    JOIN partners_partnerorganisation o ON o.id = m.organisation_id JOIN accounts_user u ON u.id = m.user_id
    WHERE o.active AND u.is_active AND m.is_administrator AND NOT o.is_city_app
    ORDER BY (SELECT count(*) FROM partners_consent c WHERE c.organisation_id = o.id AND c.withdrawn_at IS NULL) DESC,
             o.id LIMIT 1"""
CURATOR = """
    SELECT cu.user_id AS user FROM marketing_productcall_curators cu JOIN accounts_user u ON u.id = cu.user_id
    WHERE u.is_active
    ORDER BY (SELECT count(*) FROM marketing_submission s WHERE s.call_id = cu.productcall_id
              AND s.status = 'validated') DESC, cu.id LIMIT 1"""
BIGGEST_SESSION = f"""
    WITH s AS ({AGENCY}) SELECT s.user, x.session_id AS session, x.day FROM s,
    (SELECT e.session_id, (SELECT ss.starts_at::date FROM training_session ss WHERE ss.id = e.session_id) AS day
     FROM training_enrolment e GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) x"""
BIGGEST_COURSE = f"""
    WITH s AS ({AGENCY}) SELECT s.user, x.course_id AS course FROM s,
    (SELECT course_id FROM training_session GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) x"""
BIGGEST_CALL = f"""
    WITH s AS ({AGENCY}) SELECT s.user, x.call_id AS call FROM s,
    (SELECT call_id FROM marketing_submission GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) x"""
BIGGEST_SPACE = f"""
    WITH s AS ({AGENCY}) SELECT s.user, x.space_id AS space,
           (SELECT sp.opens_on FROM marketing_sellingspace sp WHERE sp.id = x.space_id) AS opens FROM s,
    (SELECT space_id FROM marketing_spaceapplication GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) x"""
BUSIEST_READER = f"""
    WITH s AS ({AGENCY}) SELECT s.user, x.organisation_id AS organisation FROM s,
    (SELECT organisation_id FROM partners_accesslog WHERE at >= %(now)s - interval '72 hours'
     GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) x"""
BUSIEST_KEY = f"""
    WITH s AS ({AGENCY}) SELECT s.user, k.id AS key_id, k.prefix, to_char((%(now)s - interval '30 days')
           AT TIME ZONE %(tz)s, 'YYYY-MM-DD"T"HH24:MI') AS start, to_char(%(now)s AT TIME ZONE %(tz)s,
           'YYYY-MM-DD"T"HH24:MI') AS end FROM s,
    (SELECT key_id FROM partners_accesslog WHERE at >= %(now)s - interval '30 days'
     GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) x JOIN partners_partnerkey k ON k.id = x.key_id"""

# --- the pages -------------------------------------------------------------------------------------------------

MENTOR_PAGES = [
    Page(
        name="mentor: home",
        who="mentor",
        url="/beranda/",
        pick=MENTOR,
        note="their year in numbers, trainings, the curation and store queues",
        sql=(
            progress("accounts_user m") + " WHERE m.id = %(user)s",
            "SELECT * FROM mentoring_mentortraining WHERE mentor_id = %(user)s ORDER BY date DESC, id DESC LIMIT 5",
            """
            SELECT count(*) FROM marketing_submission s JOIN marketing_product x ON x.id = s.product_id
            JOIN registration_business b ON b.id = x.business_id JOIN registration_participant p ON p.id =
            b.participant_id
            WHERE s.status = 'submitted' AND p.kecamatan_id = %(kecamatan)s AND EXISTS (
                SELECT 1 FROM mentoring_mentorassignment a WHERE a.participant_id = p.id AND a.mentor_id = %(user)s
                AND a.active)""",
            """
            SELECT count(*) FROM marketing_onlinestore st JOIN registration_business b ON b.id = st.business_id
            JOIN registration_participant p ON p.id = b.participant_id
            WHERE st.checked_at IS NULL AND p.kecamatan_id = %(kecamatan)s AND EXISTS (
                SELECT 1 FROM mentoring_mentorassignment a WHERE a.participant_id = p.id AND a.mentor_id = %(user)s
                AND a.active)""",
        ),
    ),
    Page(
        name="mentor: caseload",
        who="mentor",
        url="/pendampingan/",
        pick=MENTOR,
        note="the active participants with last visit, overdue and next follow-ups, who needs attention first",
        sql=(CASELOAD.format(search="", offset=0),),
    ),
    Page(
        name="mentor: caseload, page 10",
        who="mentor",
        url="/pendampingan/",
        params={"page": "10"},
        pick=MENTOR,
        sql=(CASELOAD.format(search="", offset=225),),
    ),
    Page(
        name="mentor: caseload, a name searched",
        who="mentor",
        url="/pendampingan/",
        params={"q": "{name}"},
        pick=mentor_and("split_part(p.full_name, ' ', 2) AS name"),
        sql=(CASELOAD.format(search="AND p.full_name ILIKE '%%' || %(name)s || '%%'", offset=0),),
    ),
    Page(
        name="mentor: a participant",
        who="mentor",
        url="/pendampingan/peserta/{participant}/",
        pick=MENTOR_MOST_VISITED,
        note="mentors, visits (10 a page) with follow-ups, open follow-ups, help, the other steps' sections",
        sql=MENTORING_PARTICIPANT,
    ),
    Page(
        name="mentor: a participant, visits page 5",
        who="mentor",
        url="/pendampingan/peserta/{participant}/",
        params={"page": "5"},
        pick=MENTOR_MOST_VISITED,
        sql=tuple(s.replace("LIMIT 11", "LIMIT 11 OFFSET 40") for s in MENTORING_PARTICIPANT),
    ),
    Page(
        name="mentor: log a visit (form)",
        who="mentor",
        url="/pendampingan/peserta/{participant}/kunjungan/",
        pick=MENTOR_MOST_VISITED,
        sql=(
            """SELECT p.*, r.status, k.name, b.name FROM registration_participant p JOIN registration_registration r
               ON r.participant_id = p.id JOIN geography_kecamatan k ON k.id = p.kecamatan_id
               LEFT JOIN registration_business b ON b.participant_id = p.id WHERE p.id = %(participant)s""",
            """SELECT id FROM mentoring_mentorassignment WHERE participant_id = %(participant)s AND active
               AND mentor_id = %(user)s""",
        ),
    ),
    Page(
        name="mentor: help requests",
        who="mentor",
        url="/pendampingan/bantuan/",
        pick=MENTOR,
        sql=(
            """
            SELECT h.*, p.full_name FROM mentoring_helprequest h JOIN registration_participant p ON p.id =
            h.participant_id
            WHERE h.mentor_id = %(user)s AND p.kecamatan_id = %(kecamatan)s
            ORDER BY h.awaiting_mentor DESC, h.last_message_at DESC, h.id DESC LIMIT %(rows)s""",
        ),
    ),
    Page(
        name="mentor: a help thread",
        who="mentor",
        url="/pendampingan/bantuan/{thread}/",
        pick=f"""WITH m AS ({MENTOR}) SELECT m.user, h.id AS thread FROM m JOIN mentoring_helprequest h
                 ON h.mentor_id = m.user ORDER BY (SELECT count(*) FROM mentoring_helpmessage x
                 WHERE x.request_id = h.id) DESC, h.id LIMIT 1""",
        sql=(
            """SELECT h.*, p.full_name, p.user_id, u.full_name FROM mentoring_helprequest h
               JOIN registration_participant p ON p.id = h.participant_id LEFT JOIN accounts_user u ON u.id =
               h.mentor_id
               WHERE h.id = %(thread)s""",
            """SELECT m.*, u.full_name FROM mentoring_helpmessage m JOIN accounts_user u ON u.id = m.author_id
               WHERE m.request_id = %(thread)s ORDER BY m.created_at, m.id""",
        ),
    ),
    Page(
        name="mentor: register a walk-in (form)",
        needs=("mentoring_mentorassignment",),
        who="mentor",
        url="/kantor/pendaftaran/",
        pick=MENTOR,
        sql=(
            """SELECT k.id, k.name, w.name FROM geography_kecamatan k JOIN geography_wilayah w ON w.id = k.wilayah_id
               ORDER BY w.code, k.name""",
            "SELECT id, name, kecamatan_id FROM geography_kelurahan WHERE kecamatan_id = %(kecamatan)s ORDER BY name",
        ),
    ),
    Page(
        name="mentor: licences of my participants",
        who="mentor",
        url="/petugas/perizinan/peserta/",
        pick=MENTOR,
        sql=(
            followed(
                "p.kecamatan_id = %(kecamatan)s AND EXISTS (SELECT 1 FROM mentoring_mentorassignment a"
                " WHERE a.participant_id = p.id AND a.mentor_id = %(user)s AND a.active)"
            ),
        ),
    ),
    Page(
        name="mentor: a participant's licences",
        who="mentor",
        url="/petugas/perizinan/peserta/{participant}/",
        pick=mentor_and(
            "p.id AS participant",
            order="(SELECT count(*) FROM licensing_licencerequest q WHERE q.participant_id = p.id) DESC, p.id",
        ),
        sql=(
            f"""SELECT p.*, r.status, k.name, b.name, {WALLET} FROM registration_participant p
                JOIN registration_registration r ON r.participant_id = p.id JOIN geography_kecamatan k
                ON k.id = p.kecamatan_id LEFT JOIN registration_business b ON b.participant_id = p.id
                WHERE p.id = %(participant)s""",
            """SELECT q.*, t.name FROM licensing_licencerequest q JOIN licensing_licencetype t ON t.id =
               q.licence_type_id
               WHERE q.participant_id = %(participant)s
               ORDER BY q.status IN ('requested', 'documents', 'submitted') DESC, q.created_at DESC, q.id DESC
               LIMIT %(rows)s""",
        ),
    ),
    Page(
        name="mentor: ask a licence for a participant (form)",
        who="mentor",
        url="/petugas/perizinan/peserta/{participant}/ajukan/",
        pick=MENTOR_MOST_VISITED,
        sql=(
            """SELECT p.*, r.status, k.name FROM registration_participant p JOIN registration_registration r
               ON r.participant_id = p.id JOIN geography_kecamatan k ON k.id = p.kecamatan_id
               WHERE p.id = %(participant)s""",
            "SELECT * FROM licensing_licencetype WHERE active ORDER BY position, name",
        ),
    ),
    Page(
        name="mentor: products to check",
        needs=("marketing_submission",),
        who="mentor",
        url="/pemasaran/antrean/pendamping/",
        pick=MENTOR,
        sql=(
            curation_queue(
                "s.status = 'submitted' AND p.kecamatan_id = %(kecamatan)s AND EXISTS (SELECT 1 FROM"
                " mentoring_mentorassignment a WHERE a.participant_id = p.id AND a.mentor_id = %(user)s AND a.active)"
            ),
            """
            SELECT st.*, b.name, p.full_name FROM marketing_onlinestore st JOIN registration_business b
                ON b.id = st.business_id JOIN registration_participant p ON p.id = b.participant_id
            WHERE st.checked_at IS NULL AND p.kecamatan_id = %(kecamatan)s AND EXISTS (SELECT 1 FROM
                mentoring_mentorassignment a WHERE a.participant_id = p.id AND a.mentor_id = %(user)s AND a.active)
            ORDER BY st.created_at, st.id""",
        ),
    ),
    Page(
        name="mentor: a participant's marketing",
        who="mentor",
        url="/pemasaran/peserta/{participant}/",
        pick=mentor_and(
            "p.id AS participant",
            joins="JOIN registration_business b ON b.participant_id = p.id",
            order="(SELECT count(*) FROM marketing_product x WHERE x.business_id = b.id) DESC, p.id",
        ),
        sql=(
            """SELECT p.*, k.name, b.*, l.* FROM registration_participant p JOIN geography_kecamatan k
               ON k.id = p.kecamatan_id LEFT JOIN registration_business b ON b.participant_id = p.id
               LEFT JOIN marketing_listing l ON l.business_id = b.id WHERE p.id = %(participant)s""",
            """SELECT x.*, (SELECT json_agg(ph.public_id ORDER BY ph.position, ph.id) FROM marketing_productphoto ph
               WHERE ph.product_id = x.id) FROM marketing_product x JOIN registration_business b ON b.id =
               x.business_id
               WHERE b.participant_id = %(participant)s ORDER BY x.name, x.id""",
            """SELECT st.*, u.full_name FROM marketing_onlinestore st JOIN registration_business b ON b.id =
               st.business_id
               LEFT JOIN accounts_user u ON u.id = st.checked_by_id WHERE b.participant_id = %(participant)s""",
            """SELECT s.*, c.title, x.name, u.full_name FROM marketing_submission s JOIN marketing_product x
               ON x.id = s.product_id JOIN registration_business b ON b.id = x.business_id
               JOIN marketing_productcall c ON c.id = s.call_id LEFT JOIN accounts_user u ON u.id = s.graded_by_id
               WHERE b.participant_id = %(participant)s""",
        ),
    ),
    Page(
        name="mentor: a participant's monthly records",
        who="mentor",
        url="/keuangan/peserta/{participant}/bulanan/",
        pick=mentor_and(
            "p.id AS participant",
            order="(SELECT count(*) FROM finance_monthlyrecord r WHERE r.participant_id = p.id) DESC, p.id",
        ),
        sql=(
            """SELECT p.*, k.name, b.*, r.status FROM registration_participant p JOIN geography_kecamatan k
               ON k.id = p.kecamatan_id LEFT JOIN registration_business b ON b.participant_id = p.id
               JOIN registration_registration r ON r.participant_id = p.id WHERE p.id = %(participant)s""",
            """SELECT m.*, u.full_name FROM finance_monthlyrecord m LEFT JOIN accounts_user u ON u.id =
               m.recorded_by_id
               WHERE m.participant_id = %(participant)s ORDER BY m.month DESC LIMIT 12""",
        ),
    ),
    Page(
        name="mentor: a participant's reports",
        who="mentor",
        url="/keuangan/peserta/{participant}/laporan/",
        pick=mentor_and(
            "p.id AS participant",
            order="(SELECT count(*) FROM finance_entry e WHERE e.participant_id = p.id) DESC, p.id",
        ),
        sql=(
            """SELECT m.*, u.full_name, c.full_name FROM finance_monthlyrecord m
               LEFT JOIN accounts_user u ON u.id = m.recorded_by_id LEFT JOIN accounts_user c ON c.id = m.closed_by_id
               WHERE m.participant_id = %(participant)s AND m.month >= %(month)s - interval '23 months'
                 AND m.month <= %(month)s""",
            """SELECT date_trunc('month', day), sum(amount) FILTER (WHERE direction = 'in')
                      - sum(amount) FILTER (WHERE direction = 'out')
               FROM finance_entry WHERE participant_id = %(participant)s
                 AND day >= %(month)s - interval '23 months' AND day < %(month)s + interval '1 month' GROUP BY 1""",
            """SELECT coalesce(sum(amount) FILTER (WHERE direction = 'in'), 0)
                      - coalesce(sum(amount) FILTER (WHERE direction = 'out'), 0)
               FROM finance_entry WHERE participant_id = %(participant)s
                 AND day < %(month)s - interval '23 months'""",
        ),
    ),
    Page(
        name="mentor: a participant's cash book",
        who="mentor",
        url="/keuangan/peserta/{participant}/buku-kas/",
        pick=mentor_and(
            "p.id AS participant",
            order="(SELECT count(*) FROM finance_entry e WHERE e.participant_id = p.id) DESC, p.id",
        ),
        sql=(
            """SELECT coalesce(sum(amount) FILTER (WHERE direction = 'in'), 0)
                      - coalesce(sum(amount) FILTER (WHERE direction = 'out'), 0)
               FROM finance_entry WHERE participant_id = %(participant)s AND day < %(month)s""",
            """SELECT e.*, d.counterparty FROM finance_entry e LEFT JOIN finance_debt d ON d.id = e.settles_id
               WHERE e.participant_id = %(participant)s AND e.day >= %(month)s
                 AND e.day < %(month)s + interval '1 month' ORDER BY e.day, e.id""",
            """SELECT coalesce(sum(amount) FILTER (WHERE direction = 'in'), 0)
                      - coalesce(sum(amount) FILTER (WHERE direction = 'out'), 0)
               FROM finance_entry WHERE participant_id = %(participant)s AND day <= %(today)s""",
            """SELECT max(month) FROM finance_monthlyrecord WHERE participant_id = %(participant)s
               AND closed_at IS NOT NULL""",
            """SELECT * FROM finance_debt WHERE participant_id = %(participant)s AND settled_on IS NULL
               ORDER BY due_on, incurred_on, id""",
            """SELECT * FROM finance_debt WHERE participant_id = %(participant)s AND settled_on IS NOT NULL
               ORDER BY settled_on DESC, id DESC LIMIT 30""",
        ),
    ),
    Page(
        name="mentor: loan referrals to send",
        needs=("capital_loanreferral",),
        who="mentor",
        url="/permodalan/antrean/",
        pick=MENTOR,
        sql=(
            """
            SELECT x.*, fp.name, lo.name, p.full_name, k.name, b.name FROM capital_loanreferral x
            JOIN capital_financingproduct fp ON fp.id = x.product_id JOIN partners_partnerorganisation lo
                ON lo.id = x.lender_id JOIN registration_participant p ON p.id = x.participant_id
            JOIN geography_kecamatan k ON k.id = p.kecamatan_id LEFT JOIN registration_business b
                ON b.participant_id = p.id
            WHERE x.status = 'requested' AND p.kecamatan_id = %(kecamatan)s ORDER BY x.created_at, x.id
            LIMIT %(rows)s""",
        ),
    ),
    Page(
        name="mentor: a participant's capital",
        who="mentor",
        url="/permodalan/peserta/{participant}/",
        pick=mentor_and(
            "p.id AS participant",
            order="(SELECT count(*) FROM capital_loanreferral x WHERE x.participant_id = p.id) DESC, p.id",
        ),
        sql=(
            """SELECT p.*, r.status, b.*, k.name FROM registration_participant p JOIN registration_registration r
               ON r.participant_id = p.id LEFT JOIN registration_business b ON b.participant_id = p.id
               JOIN geography_kecamatan k ON k.id = p.kecamatan_id WHERE p.id = %(participant)s""",
            """SELECT x.*, fp.name, lo.name, (SELECT json_agg(m ORDER BY m.moved_at, m.id) FROM capital_referralmove m
               WHERE m.referral_id = x.id) FROM capital_loanreferral x
               JOIN capital_financingproduct fp ON fp.id = x.product_id
               JOIN partners_partnerorganisation lo ON lo.id = x.lender_id
               WHERE x.participant_id = %(participant)s ORDER BY x.created_at DESC, x.id DESC LIMIT %(rows)s""",
            """SELECT month_number, turnover FROM finance_monthlyrecord WHERE participant_id = %(participant)s
               ORDER BY month DESC LIMIT 12""",
        ),
    ),
    Page(
        name="mentor: imports of the office",
        needs=("registration_participantimport",),
        who="mentor",
        url="/kantor/impor-peserta/daftar/",
        pick=MENTOR,
        sql=(
            """SELECT i.id, i.file_name, i.status, i.rows_total, i.good_count, i.created_at, u.full_name, k.name
               FROM registration_participantimport i LEFT JOIN accounts_user u ON u.id = i.created_by_id
               JOIN geography_kecamatan k ON k.id = i.office_id WHERE i.office_id = %(kecamatan)s
               ORDER BY i.created_at DESC, i.id DESC LIMIT %(rows)s""",
        ),
    ),
    Page(
        name="mentor: import participants (form)",
        needs=("mentoring_mentorassignment",),
        who="mentor",
        url="/kantor/impor-peserta/",
        pick=MENTOR,
        sql=(
            """SELECT i.id, i.file_name, i.status, i.rows_total, i.good_count, i.created_at
               FROM registration_participantimport i WHERE i.office_id = %(kecamatan)s
               ORDER BY i.created_at DESC, i.id DESC LIMIT 5""",
        ),
    ),
    Page(
        name="mentor: exports",
        needs=("exports_export",),
        who="mentor",
        url="/ekspor/",
        pick=MENTOR,
        sql=(
            """SELECT * FROM exports_export WHERE requested_by_id = %(user)s ORDER BY created_at DESC, id DESC
               LIMIT %(rows)s""",
        ),
    ),
    Page(
        name="mentor: dashboard",
        needs=("targets_progress",),
        who="mentor",
        url="/dasbor/",
        pick=MENTOR,
        sql=dashboard("g.mentor_id = %(user)s", "c.mentor_id = %(user)s", "mentor"),
    ),
]

SECRETARIAT_PAGES = [
    Page(
        name="secretariat: home",
        who="secretariat",
        url="/beranda/",
        pick=SECRETARY,
        sql=(
            """SELECT r.*, p.full_name, b.name, k.name FROM registration_registration r
               JOIN registration_participant p ON p.id = r.participant_id
               LEFT JOIN registration_business b ON b.participant_id = p.id
               JOIN geography_kecamatan k ON k.id = r.kecamatan_id
               WHERE r.status = 'submitted' AND r.kecamatan_id = %(kecamatan)s ORDER BY r.submitted_at, r.id LIMIT
               5""",
            """SELECT count(*) FROM licensing_licencerequest q JOIN registration_participant p ON p.id =
               q.participant_id
               WHERE q.status IN ('requested', 'documents', 'submitted') AND p.kecamatan_id = %(kecamatan)s""",
            """SELECT count(*) FROM marketing_submission s JOIN marketing_product x ON x.id = s.product_id
               JOIN registration_business b ON b.id = x.business_id JOIN registration_participant p
               ON p.id = b.participant_id WHERE s.status = 'checked' AND p.kecamatan_id = %(kecamatan)s""",
        ),
    ),
    Page(
        name="secretariat: verification queue",
        who="secretariat",
        url="/verifikasi/",
        pick=f"WITH s AS ({SECRETARY}) SELECT s.*, 'submitted' AS status FROM s",
        note="the waiting registrations, oldest first, and the count of every tab",
        sql=(
            queue_counts("AND r.kecamatan_id = %(kecamatan)s"),
            QUEUE_PAGE.format(where="AND r.kecamatan_id = %(kecamatan)s", offset=0),
        ),
    ),
    Page(
        name="secretariat: verification queue, approved tab, page 20",
        who="secretariat",
        url="/verifikasi/",
        params={"status": "approved", "page": "20"},
        pick=f"WITH s AS ({SECRETARY}) SELECT s.*, 'approved' AS status FROM s",
        sql=(
            queue_counts("AND r.kecamatan_id = %(kecamatan)s"),
            QUEUE_PAGE.format(where="AND r.kecamatan_id = %(kecamatan)s", offset=475),
        ),
    ),
    Page(
        name="secretariat: verification queue, a name searched",
        who="secretariat",
        url="/verifikasi/",
        params={"q": "{name}", "status": "approved"},
        pick=f"""WITH s AS ({SECRETARY}) SELECT s.*, 'approved' AS status, (SELECT split_part(p.full_name, ' ', 1)
                 FROM registration_participant p WHERE p.kecamatan_id = s.kecamatan ORDER BY p.id LIMIT 1) AS name
                 FROM s""",
        sql=(
            """SELECT r.status, count(*), count(*) FILTER (WHERE r.status = 'submitted'
                      AND r.submitted_at < %(now)s - interval '14 days')
               FROM registration_registration r JOIN registration_participant p ON p.id = r.participant_id
               WHERE r.kecamatan_id = %(kecamatan)s AND upper(p.full_name::text) LIKE upper(%(name)s) || '%%'
               GROUP BY r.status""",
            """SELECT r.*, p.full_name, b.name, k.name FROM registration_registration r
               JOIN registration_participant p ON p.id = r.participant_id LEFT JOIN registration_business b
               ON b.participant_id = p.id JOIN geography_kecamatan k ON k.id = r.kecamatan_id
               WHERE r.status = 'approved' AND r.kecamatan_id = %(kecamatan)s
                 AND upper(p.full_name::text) LIKE upper(%(name)s) || '%%'
               ORDER BY r.submitted_at, r.id LIMIT %(rows)s""",
        ),
    ),
    Page(
        name="secretariat: participants",
        who="secretariat",
        url="/peserta/",
        pick=SECRETARY,
        sql=(PARTICIPANT_LIST.format(where="WHERE p.kecamatan_id = %(kecamatan)s", offset=0),),
    ),
    Page(
        name="secretariat: participants, filtered",
        who="secretariat",
        url="/peserta/",
        params={"status": "approved", "track": "naik_kelas", "channel": "web"},
        pick=SECRETARY,
        sql=(
            PARTICIPANT_LIST.format(
                where="WHERE p.kecamatan_id = %(kecamatan)s AND r.status = 'approved' AND p.track = 'naik_kelas'"
                " AND r.channel = 'web'",
                offset=0,
            ),
        ),
    ),
    Page(
        name="secretariat: participants, the last page",
        who="secretariat",
        url="/peserta/",
        params={"page": "{page}"},
        pick=SECRETARY_DEEP,
        # the page's keys by OFFSET from the index alone, then their rows with the joins (core.pagination)
        sql=(
            PARTICIPANT_LIST.format(
                where="""WHERE p.id IN (SELECT q.id FROM registration_participant q WHERE q.kecamatan_id =
                         %(kecamatan)s ORDER BY q.created_at DESC, q.id DESC LIMIT %(rows)s
                         OFFSET (%(page)s - 1) * 25)""",
                offset=0,
            ),
        ),
    ),
    Page(
        name="secretariat: a participant's file",
        who="secretariat",
        url="/peserta/{participant}/",
        pick=SECRETARY_MOST_VISITED,
        note="the registration, documents, decisions and the participant's history",
        sql=PARTICIPANT_FILE,
    ),
    Page(
        name="secretariat: a walk-in's receipt",
        who="secretariat",
        url="/kantor/pendaftaran/{reference}/tanda-terima/",
        pick=f"""WITH s AS ({SECRETARY}) SELECT s.user, r.reference, r.participant_id AS participant FROM s
                 JOIN registration_registration r ON r.kecamatan_id = s.kecamatan AND r.channel = 'office'
                 ORDER BY r.id DESC LIMIT 1""",
        sql=(
            """SELECT r.*, p.*, u.email, k.name, w.name, rb.full_name FROM registration_registration r
               JOIN registration_participant p ON p.id = r.participant_id JOIN accounts_user u ON u.id = p.user_id
               JOIN geography_kecamatan k ON k.id = r.kecamatan_id JOIN geography_wilayah w ON w.id = k.wilayah_id
               LEFT JOIN accounts_user rb ON rb.id = r.registered_by_id WHERE r.reference = %(reference)s""",
            "SELECT * FROM registration_document WHERE participant_id = %(participant)s",
        ),
    ),
    Page(
        name="secretariat: participants without a mentor",
        needs=("mentoring_mentorassignment",),
        who="secretariat",
        url="/pendampingan/tanpa-mentor/",
        pick=SECRETARY,
        sql=(
            """
            SELECT p.*, k.name, b.name, r.decided_at FROM registration_participant p
            JOIN registration_registration r ON r.participant_id = p.id JOIN geography_kecamatan k
                ON k.id = p.kecamatan_id LEFT JOIN registration_business b ON b.participant_id = p.id
            WHERE p.kecamatan_id = %(kecamatan)s AND r.status = 'approved' AND NOT EXISTS (
                SELECT 1 FROM mentoring_mentorassignment a JOIN accounts_user u ON u.id = a.mentor_id
                WHERE a.participant_id = p.id AND a.active AND u.role = 'mentor' AND u.is_active
                  AND u.office_id = p.kecamatan_id)
            ORDER BY r.decided_at, p.id LIMIT %(rows)s""",
        ),
    ),
    Page(
        name="secretariat: assign a mentor (form)",
        who="secretariat",
        url="/pendampingan/peserta/{participant}/mentor/",
        pick=SECRETARY_MOST_VISITED,
        sql=(
            """SELECT p.*, r.status FROM registration_participant p JOIN registration_registration r
               ON r.participant_id = p.id WHERE p.id = %(participant)s""",
            """SELECT a.*, u.full_name, k.name FROM mentoring_mentorassignment a JOIN accounts_user u ON u.id =
               a.mentor_id
               LEFT JOIN geography_kecamatan k ON k.id = u.office_id WHERE a.participant_id = %(participant)s
               AND a.active""",
            """SELECT u.id, u.full_name, (SELECT count(*) FROM mentoring_mentorassignment a WHERE a.mentor_id = u.id
               AND a.active) AS load FROM accounts_user u WHERE u.role = 'mentor' AND u.is_active
               AND u.office_id = %(kecamatan)s ORDER BY load, u.id""",
        ),
    ),
    Page(
        name="secretariat: a participant (mentoring)",
        who="secretariat",
        url="/pendampingan/peserta/{participant}/",
        pick=SECRETARY_MOST_VISITED,
        sql=MENTORING_PARTICIPANT_OFFICE,
    ),
    Page(
        name="secretariat: mentors' progress",
        needs=("mentoring_visit",),
        who="secretariat",
        url="/pendampingan/mentor/",
        pick=SECRETARY,
        sql=(
            progress("accounts_user m") + " WHERE m.role = 'mentor' AND m.office_id = %(kecamatan)s"
            " ORDER BY o.name, m.full_name, m.id LIMIT %(rows)s",
        ),
    ),
    Page(
        name="secretariat: incentive report",
        needs=("mentoring_visit",),
        who="secretariat",
        url="/pendampingan/laporan-insentif/",
        pick=SECRETARY,
        sql=(
            """SELECT u.id, u.full_name, k.name FROM accounts_user u LEFT JOIN geography_kecamatan k ON k.id =
               u.office_id
               WHERE u.role = 'mentor' AND u.office_id = %(kecamatan)s ORDER BY k.name, u.full_name, u.id
               LIMIT %(rows)s""",
            """SELECT v.mentor_id, date_trunc('month', v.date), count(*) FROM mentoring_visit v JOIN accounts_user u
               ON u.id = v.mentor_id WHERE u.role = 'mentor' AND u.office_id = %(kecamatan)s
               AND v.date >= %(month)s AND v.date < %(month)s + interval '1 month' GROUP BY 1, 2""",
            """SELECT r.registered_by_id, count(*) FROM registration_registration r
               JOIN registration_participant p ON p.id = r.participant_id JOIN accounts_user u ON u.id =
               r.registered_by_id
               WHERE u.role = 'mentor' AND u.office_id = %(kecamatan)s AND p.created_at >= %(month)s::timestamptz
               AND p.created_at < (%(month)s + interval '1 month')::timestamptz GROUP BY 1""",
            """SELECT f.done_by_id, count(*) FROM mentoring_followup f JOIN accounts_user u ON u.id = f.done_by_id
               WHERE u.role = 'mentor' AND u.office_id = %(kecamatan)s AND f.done_at >= %(month)s::timestamptz
               AND f.done_at < (%(month)s + interval '1 month')::timestamptz GROUP BY 1""",
        ),
    ),
    Page(
        name="secretariat: incentive report, a year as CSV",
        needs=("mentoring_visit",),
        who="secretariat",
        url="/pendampingan/laporan-insentif.csv",
        params={"start": "{start}", "end": "{end}"},
        pick=f"""WITH s AS ({SECRETARY}) SELECT s.*, to_char(%(month)s - interval '11 months', 'YYYY-MM') AS start,
                 to_char(%(month)s, 'YYYY-MM') AS end FROM s""",
        sql=(
            """SELECT u.id, u.full_name, k.name FROM accounts_user u LEFT JOIN geography_kecamatan k ON k.id =
               u.office_id
               WHERE u.role = 'mentor' AND u.office_id = %(kecamatan)s ORDER BY k.name, u.full_name, u.id""",
            """SELECT v.mentor_id, date_trunc('month', v.date), count(*) FROM mentoring_visit v JOIN accounts_user u
               ON u.id = v.mentor_id WHERE u.role = 'mentor' AND u.office_id = %(kecamatan)s
               AND v.date >= %(month)s - interval '11 months' AND v.date < %(month)s + interval '1 month'
               GROUP BY 1, 2""",
            """SELECT r.registered_by_id, date_trunc('month', p.created_at AT TIME ZONE %(tz)s), count(*)
               FROM registration_registration r JOIN registration_participant p ON p.id = r.participant_id
               JOIN accounts_user u ON u.id = r.registered_by_id
               WHERE u.role = 'mentor' AND u.office_id = %(kecamatan)s
               AND p.created_at >= (%(month)s - interval '11 months')::timestamptz
               AND p.created_at < (%(month)s + interval '1 month')::timestamptz GROUP BY 1, 2""",
            """SELECT f.done_by_id, date_trunc('month', f.done_at AT TIME ZONE %(tz)s), count(*)
               FROM mentoring_followup f JOIN accounts_user u ON u.id = f.done_by_id
               WHERE u.role = 'mentor' AND u.office_id = %(kecamatan)s
               AND f.done_at >= (%(month)s - interval '11 months')::timestamptz
               AND f.done_at < (%(month)s + interval '1 month')::timestamptz GROUP BY 1, 2""",
        ),
    ),
    Page(
        name="secretariat: licence queue",
        needs=("licensing_licencerequest",),
        who="secretariat",
        url="/petugas/perizinan/",
        pick=SECRETARY,
        sql=tuple(s.format(where="AND q.kecamatan_id = %(kecamatan)s") for s in LICENCE_QUEUE),
    ),
    Page(
        name="secretariat: licences of the kecamatan",
        who="secretariat",
        url="/petugas/perizinan/peserta/",
        pick=SECRETARY,
        sql=(followed("p.kecamatan_id = %(kecamatan)s"),),
    ),
    Page(
        name="secretariat: products to validate",
        needs=("marketing_submission",),
        who="secretariat",
        url="/pemasaran/antrean/kecamatan/",
        pick=SECRETARY,
        sql=(curation_queue("s.status = 'checked' AND p.kecamatan_id = %(kecamatan)s"),),
    ),
    Page(
        name="secretariat: the forum",
        needs=("feedback_post",),
        who="secretariat",
        url="/forum/",
        pick=SECRETARY,
        sql=(
            """SELECT f.id, f.title, f.category, f.status, f.supporters, f.created_at, k.name,
                      split_part(a.full_name, ' ', 1)
               FROM feedback_post f JOIN geography_kecamatan k ON k.id = f.kecamatan_id
               JOIN registration_participant a ON a.id = f.author_id
               WHERE NOT f.hidden ORDER BY f.created_at DESC, f.id DESC LIMIT 21""",
        ),
    ),
    Page(
        name="secretariat: answer a post (form)",
        who="secretariat",
        url="/forum/{post}/jawab/",
        pick=f"""WITH s AS ({SECRETARY}) SELECT s.user, f.id AS post FROM s JOIN feedback_post f
                 ON f.kecamatan_id = s.kecamatan WHERE f.status = 'open' ORDER BY f.supporters DESC, f.id LIMIT 1""",
        sql=(
            """SELECT f.*, k.name, split_part(a.full_name, ' ', 1) FROM feedback_post f
               JOIN geography_kecamatan k ON k.id = f.kecamatan_id JOIN registration_participant a ON a.id =
               f.author_id
               WHERE f.id = %(post)s""",
            """SELECT x.*, k.name FROM feedback_answer x LEFT JOIN geography_kecamatan k ON k.id = x.office_id
               WHERE x.post_id = %(post)s ORDER BY x.created_at, x.id""",
        ),
    ),
    Page(
        name="secretariat: dashboard",
        needs=("targets_progress",),
        who="secretariat",
        url="/dasbor/",
        pick=SECRETARY,
        sql=dashboard("g.kecamatan_id = %(kecamatan)s", "c.kecamatan_id = %(kecamatan)s", "kecamatan"),
    ),
]

AGENCY_PAGES = [
    Page(
        name="agency: home",
        who="agency",
        url="/beranda/",
        pick=AGENCY,
        sql=(
            """SELECT r.*, p.full_name, b.name, k.name FROM registration_registration r
               JOIN registration_participant p ON p.id = r.participant_id
               LEFT JOIN registration_business b ON b.participant_id = p.id
               JOIN geography_kecamatan k ON k.id = r.kecamatan_id
               WHERE r.status = 'submitted' ORDER BY r.submitted_at, r.id LIMIT 5""",
            "SELECT count(*) FROM licensing_licencerequest WHERE status IN ('requested', 'documents', 'submitted')",
            """SELECT count(*) FROM marketing_submission WHERE status = 'checked'""",
        ),
    ),
    Page(
        name="agency: verification queue",
        who="agency",
        url="/verifikasi/",
        pick=f"WITH s AS ({AGENCY}) SELECT s.*, 'submitted' AS status FROM s",
        sql=(queue_counts(), QUEUE_PAGE.format(where="", offset=0)),
    ),
    Page(
        name="agency: participants",
        who="agency",
        url="/peserta/",
        pick=AGENCY,
        sql=(PARTICIPANT_LIST.format(where="", offset=0), *FILTER_CHOICES),
    ),
    Page(
        name="agency: participants of a kecamatan, filtered",
        who="agency",
        url="/peserta/",
        params={"kecamatan": "{kecamatan}", "status": "approved", "track": "pemula"},
        pick=f"WITH s AS ({AGENCY}) SELECT s.*, ({LARGEST_KECAMATAN}) AS kecamatan FROM s",
        sql=(
            PARTICIPANT_LIST.format(
                where="WHERE p.kecamatan_id = %(kecamatan)s AND r.status = 'approved' AND p.track = 'pemula'", offset=0
            ),
            *FILTER_CHOICES,
        ),
    ),
    Page(
        name="agency: participants, registered this year",
        who="agency",
        url="/peserta/",
        params={"registered_after": "{start}", "registered_before": "{today}"},
        pick=f"WITH s AS ({AGENCY}) SELECT s.*, make_date(%(year)s, 1, 1) AS start, %(today)s AS today FROM s",
        sql=(
            PARTICIPANT_LIST.format(
                where="WHERE p.created_at >= make_timestamptz(%(year)s, 1, 1, 0, 0, 0, %(tz)s)"
                " AND p.created_at < (%(today)s + 1)::timestamp AT TIME ZONE %(tz)s",
                offset=0,
            ),
            *FILTER_CHOICES,
        ),
    ),
    Page(
        name="agency: participants, a name searched",
        who="agency",
        url="/peserta/",
        params={"q": "{name}"},
        pick=f"""WITH s AS ({AGENCY}) SELECT s.*, (SELECT full_name FROM registration_participant ORDER BY id
                 LIMIT 1) AS name FROM s""",
        sql=(
            PARTICIPANT_LIST.format(where="WHERE upper(p.full_name::text) LIKE upper(%(name)s) || '%%'", offset=0),
            *FILTER_CHOICES,
        ),
    ),
    Page(
        name="agency: participants, a deep page",
        who="agency",
        url="/peserta/",
        params={"page": "{step}"},
        pick=AGENCY_DEEP,
        note="10,000 pages deep by the Next links' keyset; a page number typed in the address is read by OFFSET",
        sql=(
            PARTICIPANT_LIST.format(
                where="WHERE (p.created_at, p.id) < (SELECT created_at, id FROM registration_participant"
                " WHERE id = %(after)s)",
                offset="0",
            ),
            *FILTER_CHOICES,
        ),
    ),
    Page(
        name="agency: a participant's file",
        who="agency",
        url="/peserta/{participant}/",
        pick=AGENCY_MOST_VISITED,
        sql=(*PARTICIPANT_FILE[:-1], history(restricted=True)),
    ),
    Page(
        name="agency: a participant (mentoring)",
        who="agency",
        url="/pendampingan/peserta/{participant}/",
        pick=AGENCY_MOST_VISITED,
        sql=MENTORING_PARTICIPANT,
    ),
    Page(
        name="agency: participants without a mentor",
        needs=("mentoring_mentorassignment",),
        who="agency",
        url="/pendampingan/tanpa-mentor/",
        pick=AGENCY,
        sql=(
            """
            SELECT p.*, k.name, b.name, r.decided_at FROM registration_participant p
            JOIN registration_registration r ON r.participant_id = p.id JOIN geography_kecamatan k
                ON k.id = p.kecamatan_id LEFT JOIN registration_business b ON b.participant_id = p.id
            WHERE r.status = 'approved' AND NOT EXISTS (
                SELECT 1 FROM mentoring_mentorassignment a JOIN accounts_user u ON u.id = a.mentor_id
                WHERE a.participant_id = p.id AND a.active AND u.role = 'mentor' AND u.is_active
                  AND u.office_id = p.kecamatan_id)
            ORDER BY r.decided_at, p.id LIMIT %(rows)s""",
        ),
    ),
    Page(
        name="agency: mentors' progress",
        needs=("mentoring_visit",),
        who="agency",
        url="/pendampingan/mentor/",
        pick=AGENCY,
        sql=(
            progress("accounts_user m") + " WHERE m.role = 'mentor' ORDER BY o.name, m.full_name, m.id LIMIT %(rows)s",
            "SELECT id, name FROM geography_kecamatan ORDER BY name",
        ),
    ),
    Page(
        name="agency: incentive report",
        needs=("mentoring_visit",),
        who="agency",
        url="/pendampingan/laporan-insentif/",
        pick=AGENCY,
        sql=(
            """WITH m AS (SELECT u.id, u.full_name, k.name FROM accounts_user u LEFT JOIN geography_kecamatan k
                          ON k.id = u.office_id WHERE u.role = 'mentor' ORDER BY k.name, u.full_name, u.id
                          LIMIT %(rows)s)
               SELECT m.*, (SELECT count(*) FROM mentoring_visit v WHERE v.mentor_id = m.id AND v.date >= %(month)s
                            AND v.date < %(month)s + interval '1 month'),
                      (SELECT count(*) FROM registration_registration r JOIN registration_participant p
                       ON p.id = r.participant_id WHERE r.registered_by_id = m.id
                       AND p.created_at >= %(month)s::timestamptz
                       AND p.created_at < (%(month)s + interval '1 month')::timestamptz),
                      (SELECT count(*) FROM mentoring_followup f WHERE f.done_by_id = m.id
                       AND f.done_at >= %(month)s::timestamptz
                       AND f.done_at < (%(month)s + interval '1 month')::timestamptz)
               FROM m""",
            "SELECT id, name FROM geography_kecamatan ORDER BY name",
        ),
    ),
    Page(
        name="agency: licence queue",
        needs=("licensing_licencerequest",),
        who="agency",
        url="/petugas/perizinan/",
        pick=AGENCY,
        sql=(*(s.format(where="") for s in LICENCE_QUEUE), "SELECT id, name FROM geography_kecamatan ORDER BY name"),
    ),
    Page(
        name="agency: licence queue, a kecamatan and a status",
        needs=("licensing_licencerequest",),
        who="agency",
        url="/petugas/perizinan/",
        params={"kecamatan": "{kecamatan}", "status": "submitted"},
        pick=f"WITH s AS ({AGENCY}) SELECT s.*, ({LARGEST_KECAMATAN}) AS kecamatan FROM s",
        sql=(
            *(s.format(where="AND q.kecamatan_id = %(kecamatan)s AND q.status = 'submitted'") for s in LICENCE_QUEUE),
            "SELECT id, name FROM geography_kecamatan ORDER BY name",
        ),
    ),
    Page(
        name="agency: issue a licence (form)",
        who="agency",
        url="/petugas/perizinan/permohonan/{request}/terbitkan/",
        pick=f"""WITH s AS ({AGENCY}) SELECT s.user, q.id AS request FROM s, licensing_licencerequest q
                 WHERE q.status = 'submitted' ORDER BY q.status_changed_at, q.id LIMIT 1""",
        sql=(
            """SELECT q.*, t.*, p.full_name, r.status, k.name, b.name, l.id FROM licensing_licencerequest q
               JOIN licensing_licencetype t ON t.id = q.licence_type_id JOIN registration_participant p
               ON p.id = q.participant_id JOIN geography_kecamatan k ON k.id = p.kecamatan_id
               LEFT JOIN registration_business b ON b.participant_id = p.id
               LEFT JOIN registration_registration r ON r.participant_id = p.id
               LEFT JOIN licensing_licence l ON l.request_id = q.id WHERE q.id = %(request)s""",
            """SELECT n.* FROM licensing_licencerequest q
               JOIN licensing_licencetype_prerequisites pr ON pr.from_licencetype_id = q.licence_type_id
               JOIN licensing_licencetype n ON n.id = pr.to_licencetype_id
               WHERE q.id = %(request)s AND NOT EXISTS (SELECT 1 FROM licensing_licence h
                   WHERE h.participant_id = q.participant_id AND h.licence_type_id = n.id
                   AND h.issued_on <= %(today)s AND (h.expires_on IS NULL OR h.expires_on >= %(today)s))
               ORDER BY n.position, n.name""",
        ),
    ),
    Page(
        name="agency: record a licence held (form)",
        who="agency",
        url="/petugas/perizinan/peserta/{participant}/catat/",
        pick=AGENCY_MOST_VISITED,
        sql=(
            """SELECT p.*, r.status FROM registration_participant p JOIN registration_registration r
               ON r.participant_id = p.id WHERE p.id = %(participant)s""",
            "SELECT * FROM licensing_licencetype WHERE active ORDER BY position, name",
        ),
    ),
    Page(
        name="agency: correct a licence (form)",
        who="agency",
        url="/petugas/perizinan/izin/{licence}/ubah/",
        pick=f"""WITH s AS ({AGENCY}) SELECT s.user, l.public_id AS licence FROM s, licensing_licence l
                 ORDER BY l.id DESC LIMIT 1""",
        sql=(
            """SELECT l.*, t.*, p.full_name FROM licensing_licence l JOIN licensing_licencetype t
               ON t.id = l.licence_type_id JOIN registration_participant p ON p.id = l.participant_id
               WHERE l.public_id = %(licence)s""",
        ),
    ),
    Page(
        name="agency: licences of every participant",
        who="agency",
        url="/petugas/perizinan/peserta/",
        pick=AGENCY,
        sql=(followed("true"), "SELECT id, name FROM geography_kecamatan ORDER BY name"),
    ),
    Page(
        name="agency: the program's reports",
        needs=("finance_programreport",),
        who="agency",
        url="/keuangan/program/",
        pick=AGENCY,
        note="the year's before and after as the nightly task stored it (finance.ProgramReport); the task itself, "
        "every report of the year in SQL, is timed by the generator's 'program reports' step",
        sql=("SELECT year, figures, built_at FROM finance_programreport WHERE year = %(year)s",),
    ),
    Page(
        name="agency: loan referrals to send",
        needs=("capital_loanreferral",),
        who="agency",
        url="/permodalan/antrean/",
        pick=AGENCY,
        sql=(
            """
            SELECT x.*, fp.name, lo.name, p.full_name, k.name, b.name FROM capital_loanreferral x
            JOIN capital_financingproduct fp ON fp.id = x.product_id JOIN partners_partnerorganisation lo
                ON lo.id = x.lender_id JOIN registration_participant p ON p.id = x.participant_id
            JOIN geography_kecamatan k ON k.id = p.kecamatan_id LEFT JOIN registration_business b
                ON b.participant_id = p.id
            WHERE x.status = 'requested' ORDER BY x.created_at, x.id LIMIT %(rows)s""",
            "SELECT id, name FROM geography_kecamatan ORDER BY name",
        ),
    ),
    Page(
        name="agency: capital figures by lender",
        needs=("capital_loanreferral",),
        who="agency",
        url="/permodalan/angka/",
        pick=AGENCY,
        sql=(
            f"""
            SELECT x.lender_id, lo.name,
                   count(*) FILTER (WHERE x.created_at >= {YEAR_START} AND x.created_at < {YEAR_END}),
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM capital_referralmove m WHERE m.referral_id = x.id
                       AND m.to_status = 'approved' AND m.moved_at >= {YEAR_START} AND m.moved_at < {YEAR_END})),
                   count(*) FILTER (WHERE x.disbursed_on BETWEEN make_date(%(year)s, 1, 1) AND make_date(%(year)s,
                   12, 31)),
                   coalesce(sum(x.amount_disbursed) FILTER (WHERE x.disbursed_on BETWEEN make_date(%(year)s, 1, 1)
                       AND make_date(%(year)s, 12, 31)), 0)
            FROM capital_loanreferral x JOIN partners_partnerorganisation lo ON lo.id = x.lender_id
            WHERE (x.created_at >= {YEAR_START} AND x.created_at < {YEAR_END})
               OR x.disbursed_on BETWEEN make_date(%(year)s, 1, 1) AND make_date(%(year)s, 12, 31)
               OR EXISTS (SELECT 1 FROM capital_referralmove m WHERE m.referral_id = x.id AND m.to_status = 'approved'
                          AND m.moved_at >= {YEAR_START} AND m.moved_at < {YEAR_END})
            GROUP BY x.lender_id, lo.name ORDER BY 3 DESC, 2, 1""",
        ),
    ),
    Page(
        name="agency: products to validate",
        needs=("marketing_submission",),
        who="agency",
        url="/pemasaran/antrean/kecamatan/",
        pick=AGENCY,
        sql=(curation_queue("s.status = 'checked'"),),
    ),
    Page(
        name="agency: calls for products",
        needs=("marketing_productcall",),
        who="agency",
        url="/pemasaran/staf/kurasi/",
        pick=AGENCY,
        sql=(
            """SELECT c.*, count(s.id), count(s.id) FILTER (WHERE s.status = 'submitted'),
                      count(s.id) FILTER (WHERE s.status = 'checked'), count(s.id) FILTER (WHERE s.status =
                      'validated'),
                      count(s.id) FILTER (WHERE s.status = 'graded'), count(s.id) FILTER (WHERE s.status = 'returned'),
                      count(s.id) FILTER (WHERE s.status = 'withdrawn')
               FROM marketing_productcall c LEFT JOIN marketing_submission s ON s.call_id = c.id
               GROUP BY c.id ORDER BY c.opens_on DESC, c.id DESC""",
            """SELECT cu.productcall_id, u.full_name FROM marketing_productcall_curators cu
               JOIN accounts_user u ON u.id = cu.user_id""",
        ),
    ),
    Page(
        name="agency: a call's submissions",
        who="agency",
        url="/pemasaran/staf/kurasi/{call}/",
        pick=BIGGEST_CALL,
        sql=(
            """SELECT c.*, count(s.id), count(s.id) FILTER (WHERE s.status = 'graded') FROM marketing_productcall c
               LEFT JOIN marketing_submission s ON s.call_id = c.id WHERE c.id = %(call)s GROUP BY c.id""",
            """SELECT u.id, u.full_name FROM marketing_productcall_curators cu JOIN accounts_user u ON u.id =
               cu.user_id
               WHERE cu.productcall_id = %(call)s""",
            """SELECT s.*, x.name, b.name, l.public_name, u.full_name FROM marketing_submission s
               JOIN marketing_product x ON x.id = s.product_id JOIN registration_business b ON b.id = x.business_id
               LEFT JOIN marketing_listing l ON l.business_id = b.id LEFT JOIN accounts_user u ON u.id = s.graded_by_id
               WHERE s.call_id = %(call)s ORDER BY s.submitted_at DESC, s.id DESC""",
        ),
    ),
    Page(
        name="agency: a new call (form)",
        who="agency",
        url="/pemasaran/staf/kurasi/baru/",
        pick=AGENCY,
        sql=(
            """SELECT id, full_name, role FROM accounts_user WHERE is_active
               AND (is_superuser OR role IN ('agency', 'administrator', 'partner')) ORDER BY full_name, id""",
        ),
    ),
    Page(
        name="agency: edit a call (form)",
        who="agency",
        url="/pemasaran/staf/kurasi/{call}/ubah/",
        pick=BIGGEST_CALL,
        sql=(
            "SELECT * FROM marketing_productcall WHERE id = %(call)s",
            """SELECT u.id, u.full_name FROM marketing_productcall_curators cu JOIN accounts_user u ON u.id =
               cu.user_id
               WHERE cu.productcall_id = %(call)s""",
            """SELECT id, full_name, role FROM accounts_user WHERE is_active
               AND (is_superuser OR role IN ('agency', 'administrator', 'partner')) ORDER BY full_name, id""",
        ),
    ),
    Page(
        name="agency: selling spaces",
        needs=("marketing_sellingspace",),
        who="agency",
        url="/pemasaran/kelola/ruang-jualan/",
        pick=AGENCY,
        sql=(
            """SELECT sp.*, w.name, (SELECT count(*) FROM marketing_booth b WHERE b.space_id = sp.id),
                      (SELECT count(*) FROM marketing_spaceapplication a WHERE a.space_id = sp.id
                       AND a.status = 'applied')
               FROM marketing_sellingspace sp JOIN geography_wilayah w ON w.id = sp.wilayah_id
               ORDER BY sp.opens_on DESC, sp.name, sp.id LIMIT %(rows)s""",
        ),
    ),
    Page(
        name="agency: a selling space's applications",
        who="agency",
        url="/pemasaran/kelola/ruang-jualan/{space}/",
        pick=BIGGEST_SPACE,
        sql=(
            """SELECT sp.*, w.name FROM marketing_sellingspace sp JOIN geography_wilayah w ON w.id = sp.wilayah_id
               WHERE sp.id = %(space)s""",
            """SELECT a.*, b.name, p.full_name, k.name, bo.code,
                      (SELECT min(x.grade) FROM marketing_product x WHERE x.business_id = a.business_id
                       AND x.grade <> '') AS best_grade
               FROM marketing_spaceapplication a JOIN registration_business b ON b.id = a.business_id
               JOIN registration_participant p ON p.id = b.participant_id
               JOIN geography_kecamatan k ON k.id = p.kecamatan_id
               LEFT JOIN marketing_boothallocation ba ON ba.application_id = a.id
               LEFT JOIN marketing_booth bo ON bo.id = ba.booth_id
               WHERE a.space_id = %(space)s ORDER BY a.starts_on, a.applied_at, a.id LIMIT %(rows)s""",
        ),
    ),
    Page(
        name="agency: a selling space's booths",
        who="agency",
        url="/pemasaran/kelola/ruang-jualan/{space}/booth/",
        pick=BIGGEST_SPACE,
        sql=(
            """SELECT sp.*, w.name FROM marketing_sellingspace sp JOIN geography_wilayah w ON w.id = sp.wilayah_id
               WHERE sp.id = %(space)s""",
            """SELECT b.*, (SELECT count(*) FROM marketing_boothallocation ba WHERE ba.booth_id = b.id)
               FROM marketing_booth b WHERE b.space_id = %(space)s ORDER BY b.code""",
        ),
    ),
    Page(
        name="agency: a selling space's calendar",
        who="agency",
        url="/pemasaran/kelola/ruang-jualan/{space}/kalender/",
        pick=BIGGEST_SPACE,
        sql=(
            """SELECT sp.*, w.name FROM marketing_sellingspace sp JOIN geography_wilayah w ON w.id = sp.wilayah_id
               WHERE sp.id = %(space)s""",
            "SELECT * FROM marketing_booth WHERE space_id = %(space)s ORDER BY code",
            """SELECT ba.*, b.code, x.name, a.status FROM marketing_boothallocation ba
               JOIN marketing_booth b ON b.id = ba.booth_id JOIN marketing_spaceapplication a ON a.id =
               ba.application_id
               JOIN registration_business x ON x.id = ba.business_id
               WHERE ba.cancelled_at IS NULL AND b.space_id = %(space)s
                 AND ba.days && daterange(%(opens)s::date, %(opens)s::date + 13, '[]')
               ORDER BY ba.days, ba.id""",
        ),
    ),
    Page(
        name="agency: edit a selling space (form)",
        who="agency",
        url="/pemasaran/kelola/ruang-jualan/{space}/ubah/",
        pick=BIGGEST_SPACE,
        sql=(
            """SELECT sp.*, w.name FROM marketing_sellingspace sp LEFT JOIN geography_wilayah w ON w.id = sp.wilayah_id
               WHERE sp.id = %(space)s""",
            "SELECT id, name FROM geography_wilayah ORDER BY code",
        ),
    ),
    Page(
        name="agency: accept an application (form)",
        who="agency",
        url="/pemasaran/kelola/ruang-jualan/pendaftaran/{application}/terima/",
        pick=f"""WITH s AS ({AGENCY}) SELECT s.user, a.id AS application, a.space_id AS space FROM s,
                 marketing_spaceapplication a WHERE a.status = 'applied' ORDER BY a.applied_at, a.id LIMIT 1""",
        sql=(
            """SELECT a.*, sp.*, w.name, b.name, k.name FROM marketing_spaceapplication a
               JOIN marketing_sellingspace sp ON sp.id = a.space_id JOIN geography_wilayah w ON w.id = sp.wilayah_id
               JOIN registration_business b ON b.id = a.business_id
               JOIN registration_participant p ON p.id = b.participant_id
               JOIN geography_kecamatan k ON k.id = p.kecamatan_id WHERE a.id = %(application)s""",
            """SELECT b.* FROM marketing_booth b WHERE b.space_id = %(space)s AND NOT EXISTS (
                   SELECT 1 FROM marketing_boothallocation ba WHERE ba.booth_id = b.id AND ba.cancelled_at IS NULL
                   AND ba.days && (SELECT daterange(a.starts_on, a.ends_on, '[]') FROM marketing_spaceapplication a
                                   WHERE a.id = %(application)s))
               ORDER BY b.code""",
        ),
    ),
    Page(
        name="agency: training sessions",
        needs=("training_session",),
        who="agency",
        url="/penyelenggara/pelatihan/",
        pick=AGENCY,
        sql=(
            """SELECT s.*, c.title, o.name, w.name, (SELECT count(*) FROM training_enrolment e WHERE e.session_id =
               s.id
               AND e.status = 'waitlisted') FROM training_session s JOIN training_course c ON c.id = s.course_id
               LEFT JOIN partners_partnerorganisation o ON o.id = c.organiser_partner_id
               LEFT JOIN geography_wilayah w ON w.id = s.wilayah_id WHERE s.ends_at >= %(now)s
               ORDER BY s.starts_at, s.id LIMIT %(rows)s""",
        ),
    ),
    Page(
        name="agency: past training sessions",
        needs=("training_session",),
        who="agency",
        url="/penyelenggara/pelatihan/",
        params={"when": "past"},
        pick=AGENCY,
        sql=(
            """SELECT s.*, c.title, o.name, w.name, (SELECT count(*) FROM training_enrolment e WHERE e.session_id =
               s.id
               AND e.status = 'waitlisted') FROM training_session s JOIN training_course c ON c.id = s.course_id
               LEFT JOIN partners_partnerorganisation o ON o.id = c.organiser_partner_id
               LEFT JOIN geography_wilayah w ON w.id = s.wilayah_id WHERE s.ends_at < %(now)s
               ORDER BY s.starts_at DESC, s.id DESC LIMIT %(rows)s""",
        ),
    ),
    Page(
        name="agency: courses",
        needs=("training_course",),
        who="agency",
        url="/penyelenggara/pelatihan/kursus/",
        pick=AGENCY,
        sql=(
            """SELECT c.*, o.name FROM training_course c LEFT JOIN partners_partnerorganisation o
               ON o.id = c.organiser_partner_id ORDER BY c.created_at DESC, c.id DESC LIMIT %(rows)s""",
        ),
    ),
    Page(
        name="agency: a course",
        who="agency",
        url="/penyelenggara/pelatihan/kursus/{course}/",
        pick=BIGGEST_COURSE,
        sql=(
            """SELECT c.*, o.name FROM training_course c LEFT JOIN partners_partnerorganisation o
               ON o.id = c.organiser_partner_id WHERE c.id = %(course)s""",
            """SELECT s.*, w.name, (SELECT count(*) FROM training_enrolment e WHERE e.session_id = s.id
               AND e.status = 'waitlisted') FROM training_session s LEFT JOIN geography_wilayah w ON w.id =
               s.wilayah_id
               WHERE s.course_id = %(course)s ORDER BY s.starts_at DESC, s.id DESC LIMIT %(rows)s""",
            """SELECT avg(r.score), count(*) FROM training_rating r JOIN training_enrolment e ON e.id = r.enrolment_id
               JOIN training_session s ON s.id = e.session_id WHERE s.course_id = %(course)s""",
        ),
    ),
    Page(
        name="agency: edit a course (form)",
        who="agency",
        url="/penyelenggara/pelatihan/kursus/{course}/ubah/",
        pick=BIGGEST_COURSE,
        sql=(
            "SELECT * FROM training_course WHERE id = %(course)s",
            "SELECT id, name FROM partners_partnerorganisation WHERE active ORDER BY name",
        ),
    ),
    Page(
        name="agency: a new course (form)",
        who="agency",
        url="/penyelenggara/pelatihan/kursus/baru/",
        pick=AGENCY,
        sql=("SELECT id, name FROM partners_partnerorganisation WHERE active ORDER BY name",),
    ),
    Page(
        name="agency: a new session (form)",
        who="agency",
        url="/penyelenggara/pelatihan/kursus/{course}/sesi-baru/",
        pick=BIGGEST_COURSE,
        sql=(
            "SELECT * FROM training_course WHERE id = %(course)s",
            "SELECT id, name FROM geography_wilayah ORDER BY code",
        ),
    ),
    Page(
        name="agency: a session's enrolments",
        who="agency",
        url="/penyelenggara/pelatihan/sesi/{session}/",
        pick=BIGGEST_SESSION,
        sql=(
            """SELECT s.*, c.title, o.name, w.name FROM training_session s JOIN training_course c ON c.id = s.course_id
               LEFT JOIN partners_partnerorganisation o ON o.id = c.organiser_partner_id
               LEFT JOIN geography_wilayah w ON w.id = s.wilayah_id WHERE s.id = %(session)s""",
            """SELECT e.*, p.full_name, k.name, ce.code, (SELECT count(*) FROM training_attendance a
               WHERE a.enrolment_id = e.id AND a.present) FROM training_enrolment e
               JOIN registration_participant p ON p.id = e.participant_id JOIN geography_kecamatan k
               ON k.id = p.kecamatan_id LEFT JOIN training_certificate ce ON ce.enrolment_id = e.id
               WHERE e.session_id = %(session)s
               ORDER BY CASE e.status WHEN 'enrolled' THEN 0 WHEN 'completed' THEN 0 WHEN 'waitlisted' THEN 1
                        ELSE 2 END, e.queued_at, e.id LIMIT 51""",
        ),
    ),
    Page(
        name="agency: edit a session (form)",
        who="agency",
        url="/penyelenggara/pelatihan/sesi/{session}/ubah/",
        pick=BIGGEST_SESSION,
        sql=(
            """SELECT s.*, c.title FROM training_session s JOIN training_course c ON c.id = s.course_id
               WHERE s.id = %(session)s""",
            "SELECT id, name FROM geography_wilayah ORDER BY code",
        ),
    ),
    Page(
        name="agency: take attendance (form)",
        who="agency",
        url="/penyelenggara/pelatihan/sesi/{session}/hadir/{day}/",
        pick=BIGGEST_SESSION,
        sql=(
            """SELECT s.*, c.title FROM training_session s JOIN training_course c ON c.id = s.course_id
               WHERE s.id = %(session)s""",
            """SELECT e.id, p.full_name, k.name, (SELECT a.present FROM training_attendance a WHERE a.enrolment_id
               = e.id
               AND a.day = %(day)s LIMIT 1) FROM training_enrolment e JOIN registration_participant p
               ON p.id = e.participant_id JOIN geography_kecamatan k ON k.id = p.kecamatan_id
               WHERE e.session_id = %(session)s AND e.status IN ('enrolled', 'completed') ORDER BY p.full_name,
               e.id""",
        ),
    ),
    Page(
        name="agency: ratings",
        needs=("training_rating",),
        who="agency",
        url="/penyelenggara/pelatihan/ulasan/",
        pick=AGENCY,
        sql=(
            """SELECT r.*, c.title, s.starts_at FROM training_rating r JOIN training_enrolment e ON e.id =
               r.enrolment_id
               JOIN training_session s ON s.id = e.session_id JOIN training_course c ON c.id = s.course_id
               ORDER BY r.created_at DESC, r.id DESC LIMIT %(rows)s""",
        ),
    ),
    Page(
        name="agency: API keys",
        who="agency",
        url="/mitra/staf/kunci/",
        pick=AGENCY,
        sql=(
            """SELECT k.*, o.name, g.title, (SELECT sum(d.reads) FROM partners_keyreadday d WHERE d.key_id = k.id
               AND d.day > %(today)s - 30) FROM partners_partnerkey k
               JOIN partners_partnerorganisation o ON o.id = k.organisation_id
               LEFT JOIN partners_agreement g ON g.id = k.agreement_id ORDER BY k.created DESC, k.id DESC
               LIMIT %(rows)s""",
            """SELECT g.id, g.title, o.name FROM partners_agreement g JOIN partners_partnerorganisation o
               ON o.id = g.organisation_id WHERE g.signed_on IS NOT NULL AND g.ended_on IS NULL
               AND g.ends_on >= %(today)s ORDER BY o.name, g.signed_on DESC, g.id DESC""",
        ),
    ),
    Page(
        name="agency: rotate a key (form)",
        who="agency",
        url="/mitra/staf/kunci/{prefix}/ganti/",
        pick=BUSIEST_KEY,
        sql=(
            """SELECT k.*, o.name, g.title FROM partners_partnerkey k JOIN partners_partnerorganisation o
               ON o.id = k.organisation_id LEFT JOIN partners_agreement g ON g.id = k.agreement_id
               WHERE k.prefix = %(prefix)s""",
        ),
    ),
    Page(
        name="agency: a partner's reads, 72 hours",
        who="agency",
        url="/mitra/staf/akses/",
        params={"organisation": "{organisation}"},
        pick=BUSIEST_READER,
        note="a breach notice's list: the reads of one partner in the last 72 hours",
        sql=(
            """SELECT a.at, a.endpoint, k.name, k.prefix, o.name, p.full_name, p.nik FROM partners_accesslog a
               JOIN partners_partnerkey k ON k.id = a.key_id JOIN partners_partnerorganisation o
               ON o.id = a.organisation_id JOIN registration_participant p ON p.id = a.participant_id
               WHERE a.organisation_id = %(organisation)s AND a.at >= %(now)s - interval '72 hours'
               ORDER BY a.at DESC, a.id DESC LIMIT 51""",
            """SELECT count(DISTINCT participant_id) FROM partners_accesslog WHERE organisation_id = %(organisation)s
               AND at >= %(now)s - interval '72 hours'""",
            "SELECT id, name FROM partners_partnerorganisation ORDER BY name",
            """SELECT k.id, k.name, k.prefix, o.name FROM partners_partnerkey k JOIN partners_partnerorganisation o
               ON o.id = k.organisation_id ORDER BY o.name, k.name, k.id""",
        ),
    ),
    Page(
        name="agency: a key's reads, 30 days",
        who="agency",
        url="/mitra/staf/akses/",
        params={"key": "{prefix}", "start": "{start}", "end": "{end}"},
        pick=BUSIEST_KEY,
        sql=(
            """SELECT a.at, a.endpoint, k.name, k.prefix, o.name, p.full_name, p.nik FROM partners_accesslog a
               JOIN partners_partnerkey k ON k.id = a.key_id JOIN partners_partnerorganisation o
               ON o.id = a.organisation_id JOIN registration_participant p ON p.id = a.participant_id
               WHERE a.key_id = %(key_id)s AND a.at >= %(now)s - interval '30 days'
               ORDER BY a.at DESC, a.id DESC LIMIT 51""",
            """SELECT count(DISTINCT participant_id) FROM partners_accesslog WHERE key_id = %(key_id)s
               AND at >= %(now)s - interval '30 days'""",
            "SELECT id, name FROM partners_partnerorganisation ORDER BY name",
            """SELECT k.id, k.name, k.prefix, o.name FROM partners_partnerkey k JOIN partners_partnerorganisation o
               ON o.id = k.organisation_id ORDER BY o.name, k.name, k.id""",
        ),
    ),
    Page(
        name="agency: a key's reads, 30 days, as CSV",
        who="agency",
        url="/mitra/staf/akses/csv/",
        params={"key": "{prefix}", "start": "{start}", "end": "{end}"},
        pick=BUSIEST_KEY,
        note="streamed: every read of the busiest key in 30 days",
        sql=(
            """SELECT a.at, a.endpoint, k.name, k.prefix, o.name, p.full_name, p.nik FROM partners_accesslog a
               JOIN partners_partnerkey k ON k.id = a.key_id JOIN partners_partnerorganisation o
               ON o.id = a.organisation_id JOIN registration_participant p ON p.id = a.participant_id
               WHERE a.key_id = %(key_id)s AND a.at >= %(now)s - interval '30 days' ORDER BY a.at DESC, a.id DESC""",
        ),
    ),
    Page(
        name="agency: exports",
        needs=("exports_export",),
        who="agency",
        url="/ekspor/",
        pick=AGENCY,
        sql=(
            """SELECT * FROM exports_export WHERE requested_by_id = %(user)s ORDER BY created_at DESC, id DESC
               LIMIT %(rows)s""",
        ),
    ),
    Page(
        name="agency: weekly reports",
        needs=("targets_report",),
        who="agency",
        url="/dasbor/laporan/",
        pick=AGENCY,
        sql=(
            """SELECT r.*, u.full_name FROM targets_report r LEFT JOIN accounts_user u ON u.id = r.built_by_id
               ORDER BY r.week_start DESC, r.id DESC LIMIT 21""",
        ),
    ),
    Page(
        name="agency: dashboard, the program",
        needs=("targets_progress",),
        who="agency",
        url="/dasbor/",
        pick=AGENCY,
        sql=dashboard("true", "true", "program"),
    ),
    Page(
        name="agency: dashboard, a wilayah",
        needs=("targets_progress",),
        who="agency",
        url="/dasbor/",
        params={"wilayah": "{wilayah}"},
        pick=f"""WITH s AS ({AGENCY}) SELECT s.user, (SELECT k.wilayah_id FROM registration_participant p
                 JOIN geography_kecamatan k ON k.id = p.kecamatan_id GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1)
                 AS wilayah FROM s""",
        sql=dashboard(
            "g.kecamatan_id IN (SELECT id FROM geography_kecamatan WHERE wilayah_id = %(wilayah)s)",
            "c.kecamatan_id IN (SELECT id FROM geography_kecamatan WHERE wilayah_id = %(wilayah)s)",
            "wilayah",
        ),
    ),
    Page(
        name="agency: dashboard, the participants behind a number",
        needs=("targets_progress",),
        who="agency",
        url="/dasbor/peserta/",
        params={"measure": "verified", "year": "{year}"},
        pick=f"WITH s AS ({AGENCY}) SELECT s.user, %(year)s AS year FROM s",
        sql=(
            """SELECT p.id, p.full_name, k.name, g.verified_on FROM targets_progress g
               JOIN registration_participant p ON p.id = g.participant_id JOIN geography_kecamatan k
               ON k.id = g.kecamatan_id WHERE g.verified_on >= make_date(%(year)s, 1, 1)
               AND g.verified_on < make_date(%(year)s + 1, 1, 1) ORDER BY g.verified_on DESC, p.id DESC
               LIMIT %(rows)s""",
        ),
    ),
    Page(
        name="agency: partner performance",
        needs=("partners_agreement",),
        who="agency",
        url="/dasbor/mitra/",
        pick=AGENCY,
        sql=(*performance("true", "agency"),),
    ),
    Page(
        name="agency: the forum, hidden posts",
        needs=("feedback_post",),
        who="agency",
        url="/forum/",
        params={"hidden": "1"},
        pick=AGENCY,
        sql=(
            """SELECT f.id, f.title, f.category, f.status, f.supporters, f.created_at, k.name,
                      split_part(a.full_name, ' ', 1)
               FROM feedback_post f JOIN geography_kecamatan k ON k.id = f.kecamatan_id
               JOIN registration_participant a ON a.id = f.author_id
               WHERE f.hidden ORDER BY f.created_at DESC, f.id DESC LIMIT 21""",
        ),
    ),
    Page(
        name="agency: moderate a post (form)",
        who="agency",
        url="/forum/{post}/moderasi/",
        pick=f"""WITH s AS ({AGENCY}) SELECT s.user, f.id AS post FROM s, feedback_post f
                 ORDER BY f.supporters DESC, f.id LIMIT 1""",
        sql=(
            """SELECT f.*, k.name FROM feedback_post f JOIN geography_kecamatan k ON k.id = f.kecamatan_id
               WHERE f.id = %(post)s""",
            """SELECT m.*, k.name FROM feedback_moderation m LEFT JOIN geography_kecamatan k ON k.id = m.office_id
               WHERE m.post_id = %(post)s ORDER BY m.created_at, m.id""",
        ),
    ),
]

PARTNER_PAGES = [
    Page(
        name="partner: home",
        who="partner",
        url="/mitra/",
        pick=PARTNER_USER,
        note="the organisation, its agreements with their match counts as last counted, its keys' use",
        sql=(
            """SELECT o.* FROM partners_partnerorganisation o JOIN partners_partnermember m ON m.organisation_id = o.id
               WHERE m.user_id = %(user)s AND o.active""",
            """SELECT g.*, c.* FROM partners_agreement g LEFT JOIN partners_agreementmatch c ON c.agreement_id = g.id
               WHERE g.organisation_id = %(organisation)s ORDER BY g.created_at DESC, g.id DESC""",
            """SELECT k.*, g.title, (SELECT sum(d.reads) FROM partners_keyreadday d WHERE d.key_id = k.id
               AND d.day > %(today)s - 30) FROM partners_partnerkey k
               JOIN partners_agreement g ON g.id = k.agreement_id
               WHERE k.organisation_id = %(organisation)s ORDER BY k.created DESC, k.id DESC""",
        ),
    ),
    Page(
        name="partner: consenting participants",
        who="partner",
        url="/mitra/peserta/",
        pick=PARTNER_USER,
        sql=(
            """
            SELECT p.id, p.full_name, k.name, c.purposes, c.since FROM registration_participant p
            JOIN geography_kecamatan k ON k.id = p.kecamatan_id,
            LATERAL (SELECT array_agg(c.purpose ORDER BY c.purpose) AS purposes, min(c.granted_at) AS since
                     FROM partners_consent c WHERE c.participant_id = p.id AND c.organisation_id = %(organisation)s
                     AND c.withdrawn_at IS NULL) c
            WHERE c.since IS NOT NULL ORDER BY p.full_name, p.id LIMIT %(rows)s""",
            f"""SELECT g.steps FROM partners_agreement g WHERE g.organisation_id = %(organisation)s AND {IN_FORCE}""",
        ),
    ),
    Page(
        name="partner: an agreement",
        who="partner",
        url="/mitra/perjanjian/{agreement}/",
        pick=f"""WITH x AS ({PARTNER_USER}) SELECT x.user, x.organisation, g.id AS agreement FROM x
                 JOIN partners_agreement g ON g.organisation_id = x.organisation ORDER BY g.id LIMIT 1""",
        sql=(
            """SELECT o.* FROM partners_partnerorganisation o JOIN partners_partnermember m ON m.organisation_id = o.id
               WHERE m.user_id = %(user)s AND o.active""",
            """SELECT g.*, c.* FROM partners_agreement g LEFT JOIN partners_agreementmatch c ON c.agreement_id = g.id
               WHERE g.id = %(agreement)s""",
            """SELECT k.name FROM partners_agreement_criteria_kecamatan c JOIN geography_kecamatan k
               ON k.id = c.kecamatan_id WHERE c.agreement_id = %(agreement)s ORDER BY k.name""",
            """SELECT * FROM partners_agreementmeeting WHERE agreement_id = %(agreement)s
               ORDER BY held_on DESC, id DESC""",
            """SELECT id, public_id, title FROM partners_agreementdocument WHERE agreement_id = %(agreement)s
               ORDER BY uploaded_at DESC, id DESC""",
        ),
    ),
    Page(
        name="partner: dashboard",
        needs=("targets_progress",),
        who="partner",
        url="/dasbor/",
        pick=PARTNER_USER,
        sql=(
            """SELECT o.* FROM partners_partnerorganisation o JOIN partners_partnermember m ON m.organisation_id = o.id
               WHERE m.user_id = %(user)s AND o.active""",
            f"""SELECT g.steps FROM partners_agreement g WHERE g.organisation_id = %(organisation)s AND {IN_FORCE}""",
            f"""WITH {PARTNER_AREA}
                SELECT count(*), count(*) FILTER (WHERE verified_on IS NOT NULL),
                       count(*) FILTER (WHERE trained_on IS NOT NULL AND 'training' = ANY (purposes)),
                       count(*) FILTER (WHERE mentored_on IS NOT NULL AND 'mentoring' = ANY (purposes)),
                       count(*) FILTER (WHERE licensed_on IS NOT NULL AND 'licensing' = ANY (purposes)),
                       count(*) FILTER (WHERE marketed_on IS NOT NULL AND 'marketing' = ANY (purposes)),
                       count(*) FILTER (WHERE reporting_on IS NOT NULL AND 'bookkeeping' = ANY (purposes)),
                       count(*) FILTER (WHERE capitalised_on IS NOT NULL AND 'loan_assessment' = ANY (purposes)),
                       percentile_disc(0.5) WITHIN GROUP (ORDER BY greatest(verified_on - registered_on, 0)),
                       percentile_disc(0.5) WITHIN GROUP (ORDER BY greatest(trained_on - verified_on, 0))
                           FILTER (WHERE 'training' = ANY (purposes)),
                       percentile_disc(0.5) WITHIN GROUP (ORDER BY greatest(mentored_on - trained_on, 0))
                           FILTER (WHERE 'mentoring' = ANY (purposes)),
                       percentile_disc(0.5) WITHIN GROUP (ORDER BY greatest(licensed_on - mentored_on, 0))
                           FILTER (WHERE 'licensing' = ANY (purposes))
                FROM area WHERE cohort = %(year)s""",
            f"""WITH {PARTNER_AREA}
                SELECT date_trunc('month', v.day), v.measure, count(*) FROM area, LATERAL (VALUES
                    ('registered', registered_on, true), ('verified', verified_on, true),
                    ('trained', trained_on, 'training' = ANY (purposes)),
                    ('mentored', mentored_on, 'mentoring' = ANY (purposes)),
                    ('licensed', licensed_on, 'licensing' = ANY (purposes)),
                    ('formal', formal_on, 'licensing' = ANY (purposes)),
                    ('marketed', marketed_on, 'marketing' = ANY (purposes)),
                    ('reporting', reporting_on, 'bookkeeping' = ANY (purposes)),
                    ('moved_up', moved_up_on, 'bookkeeping' = ANY (purposes)),
                    ('capitalised', capitalised_on, 'loan_assessment' = ANY (purposes))) v(measure, day, counted)
                WHERE v.counted AND v.day >= make_date(%(year)s, 1, 1) AND v.day < make_date(%(year)s + 1, 1, 1)
                GROUP BY 1, 2""",
        ),
    ),
    Page(
        name="partner: performance",
        needs=("partners_agreement",),
        who="partner",
        url="/dasbor/mitra/",
        pick=PARTNER_USER,
        sql=(*performance("g.organisation_id = %(organisation)s", "partner"),),
    ),
    Page(
        name="curator: products to grade",
        who="curator",
        url="/pemasaran/antrean/kurator/",
        pick=CURATOR,
        sql=(
            curation_queue(
                "s.status = 'validated' AND EXISTS (SELECT 1 FROM marketing_productcall_curators cu"
                " WHERE cu.productcall_id = s.call_id AND cu.user_id = %(user)s)"
            ),
        ),
    ),
    Page(
        name="curator: grade a submission (form)",
        who="curator",
        url="/pemasaran/pengajuan/{submission}/nilai/",
        pick=f"""WITH c AS ({CURATOR}) SELECT c.user, s.id AS submission FROM c JOIN marketing_productcall_curators cu
                 ON cu.user_id = c.user JOIN marketing_submission s ON s.call_id = cu.productcall_id
                 WHERE s.status = 'validated' ORDER BY s.submitted_at, s.id LIMIT 1""",
        sql=(
            """SELECT s.*, x.*, b.name, c.title FROM marketing_submission s JOIN marketing_product x ON x.id =
               s.product_id
               JOIN registration_business b ON b.id = x.business_id JOIN marketing_productcall c ON c.id = s.call_id
               WHERE s.id = %(submission)s""",
            "SELECT * FROM marketing_criterioncomment WHERE submission_id = %(submission)s",
        ),
    ),
]

PAGES = [*MENTOR_PAGES, *SECRETARIAT_PAGES, *AGENCY_PAGES, *PARTNER_PAGES]

NOT_TIMED = {
    "registration:import": "an import's page: the generator makes no imports",
    "registration:import_status": "an import's progress (JSON, polled while one runs): the generator makes none",
    "marketing:space_create": "a form with no data of its own beside the wilayah list",
    "marketing:booth_edit": "a one-booth form",
    "marketing:space_application_decline": "the same page as accepting an application",
    "partners:staff_key_revoke": "the same page as rotating a key",
}
