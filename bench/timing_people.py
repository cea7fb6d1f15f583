"""The pages of participants (their home, their registration, every step's pages, "Data saya") and the public
pages (landing, login, the catalogue, the checks of a certificate and of a statement), with the best SQL of each.

Each participant page is opened by the participant whose data makes it longest: the one with the most visits,
the most enrolments, the busiest cash book, the most products. The SQL fragments below are shared by pages.
"""

from bench.timing_pages import Page, entrepreneur

# --- shared SQL ------------------------------------------------------------------------------------------------

# an agreement in force on %(today)s (partners.models.AgreementQuerySet.in_force), aliased g
IN_FORCE = (
    "g.signed_on IS NOT NULL AND g.starts_on <= %(today)s AND g.ends_on >= %(today)s"
    " AND (g.ended_on IS NULL OR g.ended_on > %(today)s)"
)

# products on offer (capital.readiness.on_offer), aliased fp
ON_OFFER = f"""fp.active AND EXISTS (SELECT 1 FROM partners_partnerorganisation lo WHERE lo.id = fp.lender_id AND
               lo.active)
    AND EXISTS (SELECT 1 FROM partners_agreement g WHERE g.organisation_id = fp.lender_id AND g.steps @>
    ARRAY['P7']::varchar[]
                AND {IN_FORCE})"""

# the participant p's licence wallet (licensing.selectors.with_wallet): licences, open requests with what each
# lacks, each row whether it is of the business number (whether one is held or asked for is read off them)
WALLET = """
    (SELECT json_agg(json_build_object('id', l.public_id, 'type', t.name, 'number', l.number, 'subject', l.subject,
                                       'issued', l.issued_on, 'expires', l.expires_on, 'scan', l.scan <> '',
                                       'reminder', t.reminder_days, 'nib', t.is_business_number)
                     ORDER BY t.position, l.issued_on DESC, l.id DESC)
     FROM licensing_licence l JOIN licensing_licencetype t ON t.id = l.licence_type_id
     WHERE l.participant_id = p.id) AS licences,
    (SELECT json_agg(json_build_object('id', q.id, 'type', t.name, 'subject', q.subject, 'status', q.status,
                                       'since', q.status_changed_at, 'nib', t.is_business_number, 'lacking',
            (SELECT json_agg(n.name ORDER BY n.position, n.name)
             FROM licensing_licencetype_prerequisites pr JOIN licensing_licencetype n ON n.id = pr.to_licencetype_id
             WHERE pr.from_licencetype_id = q.licence_type_id
               AND NOT EXISTS (SELECT 1 FROM licensing_licence h WHERE h.participant_id = p.id
                               AND h.licence_type_id = n.id AND h.issued_on <= %(today)s
                               AND (h.expires_on IS NULL OR h.expires_on >= %(today)s))
               AND NOT EXISTS (SELECT 1 FROM licensing_licencerequest a WHERE a.participant_id = p.id
                               AND a.licence_type_id = n.id AND a.status IN ('requested', 'documents', 'submitted'))))
            ORDER BY q.created_at, q.id)
     FROM licensing_licencerequest q JOIN licensing_licencetype t ON t.id = q.licence_type_id
     WHERE q.participant_id = p.id AND q.status IN ('requested', 'documents', 'submitted')) AS requests"""

# the participant p's cash balance at the end of today (finance.ledger.cash_before)
CASH = """(SELECT coalesce(sum(e.amount) FILTER (WHERE e.direction = 'in'), 0)
                 - coalesce(sum(e.amount) FILTER (WHERE e.direction = 'out'), 0)
           FROM finance_entry e WHERE e.participant_id = p.id AND e.day <= %(today)s) AS cash"""

# the participant p's own row with registration, kecamatan and office, and their current mentor
OWN = """
    SELECT p.id, p.full_name, p.track, r.reference, r.status, r.submitted_at, r.last_reason, k.name, w.name,
           o.address, o.phone, o.whatsapp, o.opening_hours, m.full_name AS mentor, m.phone AS mentor_phone
    FROM registration_participant p JOIN registration_registration r ON r.participant_id = p.id
    JOIN geography_kecamatan k ON k.id = p.kecamatan_id JOIN geography_wilayah w ON w.id = k.wilayah_id
    LEFT JOIN geography_kecamatanoffice o ON o.kecamatan_id = k.id
    LEFT JOIN LATERAL (
        SELECT u.full_name, u.phone FROM mentoring_mentorassignment a JOIN accounts_user u ON u.id = a.mentor_id
        WHERE a.participant_id = p.id AND a.active AND u.role = 'mentor' AND u.is_active
          AND u.office_id = p.kecamatan_id
        ORDER BY a.assigned_at DESC, a.id DESC LIMIT 1) m ON true
    WHERE p.id = %(participant)s"""

# the participant's own record with their registration and kecamatan (registration.selectors.participant_of), which
# most of their pages read first
OWN_ROW = """SELECT p.*, k.name, r.status, r.reference FROM registration_participant p
    JOIN geography_kecamatan k ON k.id = p.kecamatan_id LEFT JOIN registration_registration r ON r.participant_id =
    p.id
    WHERE p.id = %(participant)s"""

# who the pages of one participant are opened by
MOST_VISITS = entrepreneur(
    order="(SELECT count(*) FROM mentoring_visit v WHERE v.participant_id = p.id) DESC, p.id",
    where="EXISTS (SELECT 1 FROM mentoring_mentorassignment a WHERE a.participant_id = p.id AND a.active)",
)
MOST_ENROLMENTS = entrepreneur(
    where="EXISTS (SELECT 1 FROM training_enrolment e WHERE e.participant_id = p.id)",
    order="(SELECT count(*) FROM training_enrolment e WHERE e.participant_id = p.id) DESC, p.id",
)
BUSIEST_BOOK = """
    SELECT p.user_id AS user, p.id AS participant, to_char(e.day, 'YYYY-MM') AS busiest_month,
           (SELECT max(x.id) FROM finance_entry x WHERE x.participant_id = p.id AND x.source = 'typed') AS entry
    FROM (SELECT participant_id, date_trunc('month', day)::date AS day, count(*) AS n FROM finance_entry
          WHERE day >= %(month)s - interval '11 months' GROUP BY 1, 2 ORDER BY n DESC, 1 LIMIT 1) e
    JOIN registration_participant p ON p.id = e.participant_id"""
MOST_PRODUCTS = """
    SELECT p.user_id AS user, p.id AS participant, b.id AS business,
           (SELECT max(x.id) FROM marketing_product x WHERE x.business_id = b.id) AS product
    FROM (SELECT business_id, count(*) AS n FROM marketing_product GROUP BY 1 ORDER BY n DESC, 1 LIMIT 1) c
    JOIN registration_business b ON b.id = c.business_id JOIN registration_participant p ON p.id = b.participant_id
    JOIN registration_registration r ON r.participant_id = p.id AND r.status = 'approved'"""
MOST_LICENSING = entrepreneur(
    where="EXISTS (SELECT 1 FROM licensing_licencerequest q WHERE q.participant_id = p.id)",
    order="(SELECT count(*) FROM licensing_licencerequest q WHERE q.participant_id = p.id) DESC, p.id",
)
MOST_REFERRALS = entrepreneur(
    where="EXISTS (SELECT 1 FROM capital_loanreferral x WHERE x.participant_id = p.id)",
    order="(SELECT count(*) FROM capital_loanreferral x WHERE x.participant_id = p.id) DESC, p.id",
)
MOST_READ = """
    SELECT p.user_id AS user, p.id AS participant
    FROM (SELECT participant_id, count(*) AS n FROM partners_accesslog GROUP BY 1 ORDER BY n DESC, 1 LIMIT 1) c
    JOIN registration_participant p ON p.id = c.participant_id"""
# a participant with everything: licences, a book and, where the data has them, a loan referral (the home shows
# every step)
FULL_JOURNEY = entrepreneur(
    where="EXISTS (SELECT 1 FROM licensing_licence l WHERE l.participant_id = p.id)"
    " AND EXISTS (SELECT 1 FROM finance_entry e WHERE e.participant_id = p.id)",
    order="EXISTS (SELECT 1 FROM capital_loanreferral x WHERE x.participant_id = p.id) DESC,"
    " (SELECT count(*) FROM licensing_licencerequest q WHERE q.participant_id = p.id) DESC, p.id",
)

# --- the pages -----------------------------------------------------------------------------------------------

# every step's facts of the participant's journey (registration.journey: P2 to P7), one statement; the home page
# and the JAKI app's journey show them
JOURNEY = f"""
        SELECT
          (SELECT count(*) FILTER (WHERE e.status = 'completed') || ' ' ||
                  count(*) FILTER (WHERE e.status IN ('enrolled', 'waitlisted'))
           FROM training_enrolment e WHERE e.participant_id = p.id) AS training,
          (SELECT f.due_date || ' ' || f.what FROM mentoring_mentorassignment a
           JOIN mentoring_followup f ON f.participant_id = a.participant_id AND f.done_at IS NULL
           JOIN mentoring_visit v ON v.id = f.visit_id AND v.shared
           WHERE a.participant_id = p.id AND a.active ORDER BY f.due_date, f.id LIMIT 1) AS next_follow_up,
          {WALLET},
          (SELECT count(*) FROM marketing_product x WHERE x.business_id = b.id) AS products,
          (SELECT count(*) FROM marketing_product x WHERE x.business_id = b.id AND EXISTS (
             SELECT 1 FROM marketing_submission s WHERE s.product_id = x.id AND s.status = 'graded')) AS graded,
          EXISTS (SELECT 1 FROM marketing_boothallocation ba WHERE ba.business_id = b.id
                  AND ba.cancelled_at IS NULL) AS booth,
          (SELECT count(*) FROM marketing_onlinestore st WHERE st.business_id = b.id
           AND st.checked_at IS NOT NULL) AS stores,
          (SELECT count(*) FILTER (WHERE s.status = 'returned') || ' ' ||
                  count(*) FILTER (WHERE s.status IN ('submitted', 'checked', 'validated'))
           FROM marketing_submission s JOIN marketing_product x ON x.id = s.product_id
           WHERE x.business_id = b.id) AS submissions,
          (SELECT array_agg(DISTINCT mr.month_number) FROM finance_monthlyrecord mr
           WHERE mr.participant_id = p.id) AS months,
          (SELECT array_agg(x.status) FROM capital_loanreferral x WHERE x.participant_id = p.id) AS referrals,
          (SELECT count(*) FROM capital_financingproduct fp WHERE {ON_OFFER}) AS offered,
          {CASH}
        FROM registration_participant p LEFT JOIN registration_business b ON b.participant_id = p.id
        WHERE p.id = %(participant)s"""

HOME = Page(
    name="participant: home",
    who="entrepreneur",
    url="/beranda/",
    pick=FULL_JOURNEY,
    note="the P1-P7 journey, contacts, the licence wallet and cash cards",
    sql=(
        OWN,
        JOURNEY,
    ),
)

REGISTRATION = [
    Page(
        name="participant: my registration",
        who="entrepreneur",
        url="/pendaftaran-saya/",
        pick=entrepreneur(),
        sql=(
            """
            SELECT p.*, k.name, w.name, kl.name, b.*, k2.name, r.*
            FROM registration_participant p JOIN registration_registration r ON r.participant_id = p.id
            JOIN geography_kecamatan k ON k.id = p.kecamatan_id JOIN geography_wilayah w ON w.id = k.wilayah_id
            LEFT JOIN geography_kelurahan kl ON kl.id = p.kelurahan_id
            LEFT JOIN registration_business b ON b.participant_id = p.id
            LEFT JOIN geography_kecamatan k2 ON k2.id = b.kecamatan_id
            WHERE p.id = %(participant)s""",
            "SELECT * FROM registration_document WHERE participant_id = %(participant)s ORDER BY kind",
        ),
    ),
    Page(
        name="participant: fix the registration",
        who="entrepreneur",
        url="/pendaftaran/perbaikan/",
        pick="""SELECT p.user_id AS user, p.id AS participant FROM registration_registration r
                JOIN registration_participant p ON p.id = r.participant_id
                WHERE r.status = 'needs_fix' ORDER BY r.decided_at, r.id LIMIT 1""",
        note="the form of a registration sent back, filled in",
        sql=(
            """
            SELECT r.*, p.*, b.*, k.name FROM registration_registration r
            JOIN registration_participant p ON p.id = r.participant_id
            LEFT JOIN registration_business b ON b.participant_id = p.id
            JOIN geography_kecamatan k ON k.id = p.kecamatan_id
            WHERE p.id = %(participant)s""",
            "SELECT * FROM registration_document WHERE participant_id = %(participant)s",
            """SELECT k.id, k.name, w.name FROM geography_kecamatan k JOIN geography_wilayah w ON w.id = k.wilayah_id
               ORDER BY w.code, k.name""",
            "SELECT id, name, kecamatan_id FROM geography_kelurahan ORDER BY name",
        ),
    ),
]

TRAINING = [
    Page(
        name="participant: training sessions",
        needs=("training_session",),
        who="entrepreneur",
        url="/pelatihan/",
        pick=MOST_ENROLMENTS,
        note="sessions open for enrolment, soonest first, with the participant's status in each",
        sql=(
            OWN_ROW,
            """
            SELECT s.*, c.title, c.skill_type, c.topic, o.name, w.name,
                   (SELECT e.status FROM training_enrolment e WHERE e.session_id = s.id
                    AND e.participant_id = %(participant)s LIMIT 1) AS mine,
                   EXISTS (SELECT 1 FROM training_enrolment e JOIN training_session s2 ON s2.id = e.session_id
                           WHERE e.participant_id = %(participant)s AND s2.course_id = s.course_id
                             AND e.status = 'completed' AND s2.id <> s.id) AS completed_elsewhere
            FROM training_session s JOIN training_course c ON c.id = s.course_id
            LEFT JOIN partners_partnerorganisation o ON o.id = c.organiser_partner_id
            LEFT JOIN geography_wilayah w ON w.id = s.wilayah_id
            WHERE s.status = 'announced' AND s.registration_deadline >= %(now)s
            ORDER BY s.starts_at, s.id LIMIT %(rows)s""",
            "SELECT id, name FROM geography_wilayah ORDER BY code",
        ),
    ),
    Page(
        name="participant: a training session",
        who="entrepreneur",
        url="/pelatihan/sesi/{session}/",
        pick=f"""WITH x AS ({MOST_ENROLMENTS})
                 SELECT x.user, x.participant, (SELECT e.session_id FROM training_enrolment e
                 WHERE e.participant_id = x.participant ORDER BY e.id DESC LIMIT 1) AS session FROM x""",
        sql=(
            OWN_ROW,
            """
            SELECT s.*, c.*, o.name, w.name,
                   (SELECT e.status || ' ' || e.id FROM training_enrolment e WHERE e.session_id = s.id
                    AND e.participant_id = %(participant)s LIMIT 1) AS mine,
                   EXISTS (SELECT 1 FROM training_enrolment e JOIN training_session s2 ON s2.id = e.session_id
                           WHERE e.participant_id = %(participant)s AND s2.course_id = s.course_id
                             AND e.status = 'completed' AND s2.id <> s.id) AS completed_elsewhere
            FROM training_session s JOIN training_course c ON c.id = s.course_id
            LEFT JOIN partners_partnerorganisation o ON o.id = c.organiser_partner_id
            LEFT JOIN geography_wilayah w ON w.id = s.wilayah_id
            WHERE s.id = %(session)s""",
        ),
    ),
    Page(
        name="participant: my trainings",
        who="entrepreneur",
        url="/pelatihan/saya/",
        pick=MOST_ENROLMENTS,
        sql=(
            OWN_ROW,
            """
            SELECT e.*, s.starts_at, s.ends_at, s.venue, c.title, o.name, w.name, ce.code, ra.score,
                   EXISTS (SELECT 1 FROM training_attendance at WHERE at.enrolment_id = e.id AND at.present)
            FROM training_enrolment e JOIN training_session s ON s.id = e.session_id
            JOIN training_course c ON c.id = s.course_id
            LEFT JOIN partners_partnerorganisation o ON o.id = c.organiser_partner_id
            LEFT JOIN geography_wilayah w ON w.id = s.wilayah_id
            LEFT JOIN training_certificate ce ON ce.enrolment_id = e.id
            LEFT JOIN training_rating ra ON ra.enrolment_id = e.id
            WHERE e.participant_id = %(participant)s
            ORDER BY s.starts_at DESC, e.id DESC LIMIT %(rows)s""",
        ),
    ),
    Page(
        name="participant: rate a training",
        who="entrepreneur",
        url="/pelatihan/saya/{enrolment}/nilai/",
        pick="""SELECT p.user_id AS user, e.id AS enrolment FROM training_enrolment e
                JOIN registration_participant p ON p.id = e.participant_id
                WHERE e.status = 'completed' AND NOT EXISTS (SELECT 1 FROM training_rating r WHERE r.enrolment_id =
                e.id)
                  AND EXISTS (SELECT 1 FROM training_attendance a WHERE a.enrolment_id = e.id AND a.present)
                ORDER BY e.id DESC LIMIT 1""",
        sql=(
            """
            SELECT e.*, s.*, c.title, EXISTS (SELECT 1 FROM training_attendance a WHERE a.enrolment_id = e.id
                   AND a.present), (SELECT r.id FROM training_rating r WHERE r.enrolment_id = e.id)
            FROM training_enrolment e JOIN training_session s ON s.id = e.session_id
            JOIN training_course c ON c.id = s.course_id WHERE e.id = %(enrolment)s""",
        ),
    ),
]

MENTORING = [
    Page(
        name="participant: my mentor",
        who="entrepreneur",
        url="/mentor-saya/",
        pick=MOST_VISITS,
        note="the mentor, the shared visits (10 a page) with their follow-ups, open follow-ups, help threads",
        sql=(
            """
            SELECT a.*, u.full_name, u.phone, u.email, k.name FROM mentoring_mentorassignment a
            JOIN accounts_user u ON u.id = a.mentor_id LEFT JOIN geography_kecamatan k ON k.id = u.office_id
            WHERE a.participant_id = %(participant)s AND a.active LIMIT 1""",
            """
            SELECT v.id, v.date, v.kind, v.steps, v.notes, u.full_name,
                   (SELECT json_agg(json_build_object('what', f.what, 'due', f.due_date, 'done', f.done_at,
                                                      'by', d.full_name) ORDER BY f.id)
                    FROM mentoring_followup f LEFT JOIN accounts_user d ON d.id = f.done_by_id
                    WHERE f.visit_id = v.id) AS follow_ups
            FROM mentoring_visit v JOIN accounts_user u ON u.id = v.mentor_id
            WHERE v.participant_id = %(participant)s AND v.shared
            ORDER BY v.date DESC, v.id DESC LIMIT 11""",
            """
            SELECT f.*, v.date FROM mentoring_followup f JOIN mentoring_visit v ON v.id = f.visit_id
            WHERE f.participant_id = %(participant)s AND f.done_at IS NULL AND v.shared ORDER BY f.due_date, f.id""",
            """
            SELECT h.*, u.full_name FROM mentoring_helprequest h LEFT JOIN accounts_user u ON u.id = h.mentor_id
            WHERE h.participant_id = %(participant)s ORDER BY h.last_message_at DESC, h.id DESC LIMIT 5""",
        ),
    ),
    Page(
        name="participant: my help requests",
        who="entrepreneur",
        url="/pendampingan/bantuan/",
        pick=entrepreneur(
            where="EXISTS (SELECT 1 FROM mentoring_helprequest h WHERE h.participant_id = p.id)",
            order="(SELECT count(*) FROM mentoring_helprequest h WHERE h.participant_id = p.id) DESC, p.id",
        ),
        sql=(
            """
            SELECT h.*, u.full_name FROM mentoring_helprequest h LEFT JOIN accounts_user u ON u.id = h.mentor_id
            WHERE h.participant_id = %(participant)s ORDER BY h.last_message_at DESC, h.id DESC LIMIT %(rows)s""",
        ),
    ),
    Page(
        name="participant: ask for help (form)",
        who="entrepreneur",
        url="/pendampingan/bantuan/baru/",
        pick=MOST_VISITS,
        sql=(
            """
            SELECT p.id, r.status, u.full_name, u.office_id FROM registration_participant p
            JOIN registration_registration r ON r.participant_id = p.id
            LEFT JOIN mentoring_mentorassignment a ON a.participant_id = p.id AND a.active
            LEFT JOIN accounts_user u ON u.id = a.mentor_id WHERE p.id = %(participant)s""",
        ),
    ),
    Page(
        name="participant: a help thread",
        who="entrepreneur",
        url="/pendampingan/bantuan/{thread}/",
        pick="""SELECT p.user_id AS user, h.id AS thread FROM mentoring_helprequest h
                JOIN registration_participant p ON p.id = h.participant_id
                ORDER BY (SELECT count(*) FROM mentoring_helpmessage m WHERE m.request_id = h.id) DESC, h.id
                LIMIT 1""",
        sql=(
            """
            SELECT h.*, p.full_name, p.user_id, u.full_name FROM mentoring_helprequest h
            JOIN registration_participant p ON p.id = h.participant_id LEFT JOIN accounts_user u ON u.id = h.mentor_id
            WHERE h.id = %(thread)s""",
            """
            SELECT m.*, u.full_name FROM mentoring_helpmessage m JOIN accounts_user u ON u.id = m.author_id
            WHERE m.request_id = %(thread)s ORDER BY m.created_at, m.id""",
        ),
    ),
]

LICENSING = [
    Page(
        name="participant: my licences",
        who="entrepreneur",
        url="/perizinan/",
        pick=MOST_LICENSING,
        note="the wallet and the requests, open ones first",
        sql=(
            f"SELECT p.id, r.status, {WALLET} FROM registration_participant p"
            " JOIN registration_registration r ON r.participant_id = p.id WHERE p.id = %(participant)s",
            """
            SELECT q.*, t.name FROM licensing_licencerequest q JOIN licensing_licencetype t ON t.id = q.licence_type_id
            WHERE q.participant_id = %(participant)s
            ORDER BY q.status IN ('requested', 'documents', 'submitted') DESC, q.created_at DESC, q.id DESC
            LIMIT %(rows)s""",
        ),
    ),
    Page(
        name="participant: ask for a licence (form)",
        who="entrepreneur",
        url="/perizinan/ajukan/",
        pick=MOST_LICENSING,
        sql=(
            OWN_ROW,
            """
            SELECT t.*, ARRAY(
                SELECT n.name FROM licensing_licencetype_prerequisites pr
                JOIN licensing_licencetype n ON n.id = pr.to_licencetype_id
                WHERE pr.from_licencetype_id = t.id
                  AND NOT EXISTS (SELECT 1 FROM licensing_licence h WHERE h.participant_id = %(participant)s
                                  AND h.licence_type_id = n.id AND h.issued_on <= %(today)s
                                  AND (h.expires_on IS NULL OR h.expires_on >= %(today)s))
                  AND NOT EXISTS (SELECT 1 FROM licensing_licencerequest a WHERE a.participant_id = %(participant)s
                                  AND a.licence_type_id = n.id AND a.status IN ('requested', 'documents', 'submitted'))
                ORDER BY n.position, n.name) AS lacking
            FROM licensing_licencetype t WHERE t.active ORDER BY t.position, t.name""",
            """
            SELECT pr.from_licencetype_id, n.name FROM licensing_licencetype_prerequisites pr
            JOIN licensing_licencetype n ON n.id = pr.to_licencetype_id ORDER BY n.position, n.name""",
        ),
    ),
    Page(
        name="participant: a licence request",
        who="entrepreneur",
        url="/perizinan/permohonan/{request}/",
        pick=f"""WITH x AS ({MOST_LICENSING})
                 SELECT x.user, x.participant, (SELECT q.id FROM licensing_licencerequest q
                 WHERE q.participant_id = x.participant ORDER BY (SELECT count(*) FROM licensing_requestmove m
                 WHERE m.request_id = q.id) DESC, q.id LIMIT 1) AS request FROM x""",
        sql=(
            """
            SELECT q.*, t.*, p.full_name, r.status, k.name, b.name, l.number, l.public_id
            FROM licensing_licencerequest q JOIN licensing_licencetype t ON t.id = q.licence_type_id
            JOIN registration_participant p ON p.id = q.participant_id
            JOIN registration_registration r ON r.participant_id = p.id
            JOIN geography_kecamatan k ON k.id = p.kecamatan_id
            LEFT JOIN registration_business b ON b.participant_id = p.id
            LEFT JOIN licensing_licence l ON l.request_id = q.id
            WHERE q.id = %(request)s""",
            """
            SELECT m.*, u.full_name FROM licensing_requestmove m LEFT JOIN accounts_user u ON u.id = m.moved_by_id
            WHERE m.request_id = %(request)s ORDER BY m.moved_at, m.id""",
            """
            SELECT n.name FROM licensing_licencerequest q
            JOIN licensing_licencetype_prerequisites pr ON pr.from_licencetype_id = q.licence_type_id
            JOIN licensing_licencetype n ON n.id = pr.to_licencetype_id
            WHERE q.id = %(request)s AND NOT EXISTS (
                SELECT 1 FROM licensing_licence h WHERE h.participant_id = q.participant_id
                AND h.licence_type_id = n.id AND h.issued_on <= %(today)s
                AND (h.expires_on IS NULL OR h.expires_on >= %(today)s))""",
        ),
    ),
]

MARKETING = [
    Page(
        name="participant: my marketing",
        who="entrepreneur",
        url="/pemasaran/",
        pick=MOST_PRODUCTS,
        note="the listing, every product with its photos and curation, the online stores",
        sql=(
            """
            SELECT b.*, p.full_name, r.status, l.* FROM registration_business b
            JOIN registration_participant p ON p.id = b.participant_id
            JOIN registration_registration r ON r.participant_id = p.id
            LEFT JOIN marketing_listing l ON l.business_id = b.id WHERE b.id = %(business)s""",
            """
            SELECT x.*, (SELECT json_agg(ph.public_id ORDER BY ph.position, ph.id) FROM marketing_productphoto ph
                         WHERE ph.product_id = x.id) AS photos
            FROM marketing_product x WHERE x.business_id = %(business)s ORDER BY x.name, x.id""",
            """
            SELECT st.*, u.full_name FROM marketing_onlinestore st LEFT JOIN accounts_user u ON u.id = st.checked_by_id
            WHERE st.business_id = %(business)s ORDER BY st.platform, st.id""",
            """
            SELECT s.*, x.name, c.title FROM marketing_submission s JOIN marketing_product x ON x.id = s.product_id
            JOIN marketing_productcall c ON c.id = s.call_id WHERE x.business_id = %(business)s
            ORDER BY s.submitted_at DESC, s.id DESC""",
            "SELECT count(*) FROM marketing_productcall WHERE opens_on <= %(today)s AND closes_on >= %(today)s",
        ),
    ),
    Page(
        name="participant: edit the listing (form)",
        who="entrepreneur",
        url="/pemasaran/profil/",
        pick=MOST_PRODUCTS,
        sql=(
            """
            SELECT b.*, p.user_id, r.status, l.* FROM registration_business b
            JOIN registration_participant p ON p.id = b.participant_id
            JOIN registration_registration r ON r.participant_id = p.id
            LEFT JOIN marketing_listing l ON l.business_id = b.id WHERE b.id = %(business)s""",
        ),
    ),
    Page(
        name="participant: a new product (form)",
        who="entrepreneur",
        url="/pemasaran/produk/baru/",
        pick=MOST_PRODUCTS,
        sql=(
            """
            SELECT b.*, p.user_id, r.status, l.id FROM registration_business b
            JOIN registration_participant p ON p.id = b.participant_id
            JOIN registration_registration r ON r.participant_id = p.id
            LEFT JOIN marketing_listing l ON l.business_id = b.id WHERE b.id = %(business)s""",
        ),
    ),
    Page(
        name="participant: edit a product (form)",
        who="entrepreneur",
        url="/pemasaran/produk/{product}/",
        pick=MOST_PRODUCTS,
        sql=(
            """
            SELECT x.*, b.name, r.status, l.published FROM marketing_product x
            JOIN registration_business b ON b.id = x.business_id
            JOIN registration_participant p ON p.id = b.participant_id
            JOIN registration_registration r ON r.participant_id = p.id
            LEFT JOIN marketing_listing l ON l.business_id = b.id WHERE x.id = %(product)s""",
            """
            SELECT s.*, c.title, c.closes_on FROM marketing_submission s JOIN marketing_productcall c ON c.id =
            s.call_id
            WHERE s.product_id = %(product)s ORDER BY s.submitted_at DESC, s.id DESC""",
        ),
    ),
    Page(
        name="participant: a product's photos",
        who="entrepreneur",
        url="/pemasaran/produk/{product}/foto/",
        pick=MOST_PRODUCTS,
        sql=(
            """
            SELECT x.*, r.status FROM marketing_product x JOIN registration_business b ON b.id = x.business_id
            JOIN registration_registration r ON r.participant_id = b.participant_id WHERE x.id = %(product)s""",
            "SELECT * FROM marketing_productphoto WHERE product_id = %(product)s ORDER BY position, id",
        ),
    ),
    Page(
        name="participant: a new online store (form)",
        who="entrepreneur",
        url="/pemasaran/toko/baru/",
        pick=MOST_PRODUCTS,
        sql=(
            """
            SELECT b.*, r.status FROM registration_business b
            JOIN registration_registration r ON r.participant_id = b.participant_id WHERE b.id = %(business)s""",
        ),
    ),
    Page(
        name="participant: calls for products",
        needs=("marketing_productcall",),
        who="entrepreneur",
        url="/pemasaran/kurasi/",
        pick=MOST_PRODUCTS,
        sql=(
            """
            SELECT c.*, (SELECT count(*) FROM marketing_submission s JOIN marketing_product x ON x.id = s.product_id
                         WHERE s.call_id = c.id AND x.business_id = %(business)s) AS mine
            FROM marketing_productcall c WHERE c.opens_on <= %(today)s AND c.closes_on >= %(today)s
            ORDER BY c.closes_on, c.id""",
            """
            SELECT s.*, x.name, c.title FROM marketing_submission s JOIN marketing_product x ON x.id = s.product_id
            JOIN marketing_productcall c ON c.id = s.call_id
            WHERE x.business_id = %(business)s ORDER BY s.submitted_at DESC, s.id DESC""",
        ),
    ),
    Page(
        name="participant: submit to a call (form)",
        who="entrepreneur",
        url="/pemasaran/kurasi/{call}/ajukan/",
        pick=f"""WITH x AS ({MOST_PRODUCTS}) SELECT x.user, x.business, c.id AS call FROM x, marketing_productcall c
                 WHERE c.opens_on <= %(today)s AND c.closes_on >= %(today)s ORDER BY c.closes_on, c.id LIMIT 1""",
        sql=(
            """SELECT * FROM marketing_productcall WHERE id = %(call)s AND opens_on <= %(today)s
               AND closes_on >= %(today)s""",
            """
            SELECT b.*, r.status, l.published FROM registration_business b
            JOIN registration_registration r ON r.participant_id = b.participant_id
            LEFT JOIN marketing_listing l ON l.business_id = b.id WHERE b.id = %(business)s""",
            """
            SELECT x.*, (SELECT json_agg(ph.public_id ORDER BY ph.position, ph.id) FROM marketing_productphoto ph
                         WHERE ph.product_id = x.id) AS photos
            FROM marketing_product x WHERE x.business_id = %(business)s AND NOT EXISTS (
                SELECT 1 FROM marketing_submission s WHERE s.product_id = x.id AND s.call_id = %(call)s
                AND s.status <> 'withdrawn')
            ORDER BY x.name, x.id""",
        ),
    ),
    Page(
        name="participant: a submission",
        who="entrepreneur",
        url="/pemasaran/pengajuan/{submission}/",
        pick="""SELECT p.user_id AS user, s.id AS submission FROM marketing_submission s
                JOIN marketing_product x ON x.id = s.product_id JOIN registration_business b ON b.id = x.business_id
                JOIN registration_participant p ON p.id = b.participant_id
                WHERE s.status = 'graded' ORDER BY s.graded_at DESC, s.id DESC LIMIT 1""",
        sql=(
            """
            SELECT s.*, x.*, b.name, p.full_name, r.status, k.name, l.public_name, c.*, u0.full_name, u1.full_name,
                   u2.full_name, u3.full_name
            FROM marketing_submission s JOIN marketing_product x ON x.id = s.product_id
            JOIN registration_business b ON b.id = x.business_id JOIN registration_participant p ON p.id =
            b.participant_id
            JOIN registration_registration r ON r.participant_id = p.id JOIN geography_kecamatan k ON k.id =
            p.kecamatan_id
            LEFT JOIN marketing_listing l ON l.business_id = b.id JOIN marketing_productcall c ON c.id = s.call_id
            LEFT JOIN accounts_user u0 ON u0.id = s.submitted_by_id LEFT JOIN accounts_user u1 ON u1.id =
            s.checked_by_id
            LEFT JOIN accounts_user u2 ON u2.id = s.validated_by_id LEFT JOIN accounts_user u3 ON u3.id =
            s.graded_by_id
            WHERE s.id = %(submission)s""",
            """SELECT u.id, u.full_name FROM marketing_productcall_curators cu JOIN accounts_user u ON u.id =
               cu.user_id
               WHERE cu.productcall_id = (SELECT call_id FROM marketing_submission WHERE id = %(submission)s)""",
            """SELECT * FROM marketing_criterioncomment WHERE submission_id = %(submission)s ORDER BY criterion""",
            """SELECT a.*, u.full_name, k.name FROM mentoring_mentorassignment a JOIN accounts_user u ON u.id =
               a.mentor_id
               LEFT JOIN geography_kecamatan k ON k.id = u.office_id
               WHERE a.active AND a.participant_id = (SELECT b.participant_id FROM marketing_submission s
               JOIN marketing_product x ON x.id = s.product_id JOIN registration_business b ON b.id = x.business_id
               WHERE s.id = %(submission)s) ORDER BY a.assigned_at DESC, a.id DESC LIMIT 1""",
            """SELECT ph.public_id FROM marketing_productphoto ph JOIN marketing_submission s ON s.product_id =
               ph.product_id
               WHERE s.id = %(submission)s ORDER BY ph.position, ph.id""",
        ),
    ),
    Page(
        name="participant: selling spaces",
        needs=("marketing_sellingspace",),
        who="entrepreneur",
        url="/pemasaran/ruang-jualan/",
        pick=MOST_PRODUCTS,
        sql=(
            """
            SELECT b.*, r.status FROM registration_business b
            JOIN registration_registration r ON r.participant_id = b.participant_id WHERE b.id = %(business)s""",
            "SELECT min(grade) FROM marketing_product WHERE business_id = %(business)s AND grade <> ''",
            """
            SELECT sp.*, w.name, (SELECT count(*) FROM marketing_booth bo WHERE bo.space_id = sp.id) AS booths,
                   (SELECT a.status FROM marketing_spaceapplication a WHERE a.space_id = sp.id
                    AND a.business_id = %(business)s ORDER BY a.applied_at DESC, a.id DESC LIMIT 1) AS mine
            FROM marketing_sellingspace sp JOIN geography_wilayah w ON w.id = sp.wilayah_id
            WHERE sp.closes_on IS NULL OR sp.closes_on >= %(today)s
            ORDER BY sp.opens_on, sp.name, sp.id LIMIT %(rows)s""",
        ),
    ),
    Page(
        name="participant: selling spaces by wilayah",
        needs=("marketing_sellingspace",),
        who="entrepreneur",
        url="/pemasaran/ruang-jualan/wilayah/",
        pick=MOST_PRODUCTS,
        sql=(
            "SELECT id, code, name FROM geography_wilayah ORDER BY code",
            """
            SELECT sp.*, ARRAY(SELECT bo.code FROM marketing_booth bo WHERE bo.space_id = sp.id ORDER BY bo.code)
            AS booths,
                   ARRAY(SELECT DISTINCT bo.code FROM marketing_booth bo JOIN marketing_boothallocation ba
                         ON ba.booth_id = bo.id WHERE bo.space_id = sp.id AND ba.cancelled_at IS NULL
                         AND ba.days && daterange(%(today)s - extract(isodow FROM %(today)s)::int + 1,
                                                  %(today)s - extract(isodow FROM %(today)s)::int + 8)) AS taken
            FROM marketing_sellingspace sp WHERE sp.closes_on IS NULL OR sp.closes_on >= %(today)s
            ORDER BY sp.opens_on, sp.name, sp.id""",
        ),
    ),
    Page(
        name="participant: a selling space",
        who="entrepreneur",
        url="/pemasaran/ruang-jualan/{space}/",
        pick=f"""WITH x AS ({MOST_PRODUCTS}) SELECT x.user, x.business, sp.id AS space FROM x,
                 marketing_sellingspace sp
                 WHERE sp.active ORDER BY (SELECT count(*) FROM marketing_booth bo WHERE bo.space_id = sp.id) DESC,
                 sp.id
                 LIMIT 1""",
        sql=(
            """SELECT sp.*, w.name FROM marketing_sellingspace sp JOIN geography_wilayah w ON w.id = sp.wilayah_id
               WHERE sp.id = %(space)s""",
            "SELECT * FROM marketing_booth WHERE space_id = %(space)s ORDER BY code",
            """
            SELECT b.*, r.status FROM registration_business b
            JOIN registration_registration r ON r.participant_id = b.participant_id WHERE b.id = %(business)s""",
            "SELECT min(grade) FROM marketing_product WHERE business_id = %(business)s AND grade <> ''",
            """
            SELECT a.*, bo.code, lower(ba.days), upper(ba.days) FROM marketing_spaceapplication a
            LEFT JOIN marketing_boothallocation ba ON ba.application_id = a.id
            LEFT JOIN marketing_booth bo ON bo.id = ba.booth_id
            WHERE a.space_id = %(space)s AND a.business_id = %(business)s ORDER BY a.applied_at DESC, a.id DESC""",
        ),
    ),
    Page(
        name="participant: apply for a space (form)",
        who="entrepreneur",
        url="/pemasaran/ruang-jualan/{space}/daftar/",
        pick=f"""WITH x AS ({MOST_PRODUCTS}) SELECT x.user, x.business, sp.id AS space FROM x,
                 marketing_sellingspace sp
                 WHERE sp.active AND (sp.closes_on IS NULL OR sp.closes_on >= %(today)s) ORDER BY sp.id LIMIT 1""",
        sql=(
            """SELECT sp.*, w.name FROM marketing_sellingspace sp JOIN geography_wilayah w ON w.id = sp.wilayah_id
               WHERE sp.id = %(space)s""",
            """
            SELECT b.*, r.status FROM registration_business b
            JOIN registration_registration r ON r.participant_id = b.participant_id WHERE b.id = %(business)s""",
            "SELECT min(grade) FROM marketing_product WHERE business_id = %(business)s AND grade <> ''",
        ),
    ),
    Page(
        name="participant: my space applications",
        who="entrepreneur",
        url="/pemasaran/ruang-jualan/saya/",
        pick="""SELECT p.user_id AS user, b.id AS business FROM (SELECT business_id, count(*) AS n
                FROM marketing_spaceapplication GROUP BY 1 ORDER BY n DESC, 1 LIMIT 1) c
                JOIN registration_business b ON b.id = c.business_id
                JOIN registration_participant p ON p.id = b.participant_id""",
        sql=(
            """
            SELECT a.*, sp.name, sp.kind, w.name FROM marketing_spaceapplication a
            JOIN marketing_sellingspace sp ON sp.id = a.space_id LEFT JOIN geography_wilayah w ON w.id = sp.wilayah_id
            WHERE a.business_id = %(business)s ORDER BY a.applied_at DESC, a.id DESC LIMIT %(rows)s""",
        ),
    ),
]

FINANCE = [
    Page(
        name="participant: cash book, busiest month",
        who="entrepreneur",
        url="/keuangan/buku-kas/",
        params={"month": "{busiest_month}"},
        pick=BUSIEST_BOOK,
        note="a month's entries with the running balance, the entry form",
        sql=(
            OWN_ROW,
            """
            SELECT coalesce(sum(amount) FILTER (WHERE direction = 'in'), 0)
                   - coalesce(sum(amount) FILTER (WHERE direction = 'out'), 0)
            FROM finance_entry WHERE participant_id = %(participant)s AND day < to_date(%(busiest_month)s,
            'YYYY-MM')""",
            """
            SELECT e.*, d.counterparty FROM finance_entry e LEFT JOIN finance_debt d ON d.id = e.settles_id
            WHERE e.participant_id = %(participant)s AND e.day >= to_date(%(busiest_month)s, 'YYYY-MM')
              AND e.day < to_date(%(busiest_month)s, 'YYYY-MM') + interval '1 month' ORDER BY e.day, e.id""",
            """
            SELECT coalesce(sum(amount) FILTER (WHERE direction = 'in'), 0)
                   - coalesce(sum(amount) FILTER (WHERE direction = 'out'), 0)
            FROM finance_entry WHERE participant_id = %(participant)s AND day <= %(today)s""",
            """SELECT max(month) FROM finance_monthlyrecord WHERE participant_id = %(participant)s
               AND closed_at IS NOT NULL""",
        ),
    ),
    Page(
        name="participant: cash book, this month",
        who="entrepreneur",
        url="/keuangan/buku-kas/",
        pick=BUSIEST_BOOK,
        sql=(
            OWN_ROW,
            """
            SELECT coalesce(sum(amount) FILTER (WHERE direction = 'in'), 0)
                   - coalesce(sum(amount) FILTER (WHERE direction = 'out'), 0)
            FROM finance_entry WHERE participant_id = %(participant)s AND day < %(month)s""",
            """
            SELECT e.*, d.counterparty FROM finance_entry e LEFT JOIN finance_debt d ON d.id = e.settles_id
            WHERE e.participant_id = %(participant)s AND e.day >= %(month)s
              AND e.day < %(month)s + interval '1 month' ORDER BY e.day, e.id""",
            """
            SELECT coalesce(sum(amount) FILTER (WHERE direction = 'in'), 0)
                   - coalesce(sum(amount) FILTER (WHERE direction = 'out'), 0)
            FROM finance_entry WHERE participant_id = %(participant)s AND day <= %(today)s""",
            """SELECT max(month) FROM finance_monthlyrecord WHERE participant_id = %(participant)s
               AND closed_at IS NOT NULL""",
        ),
    ),
    Page(
        name="participant: correct an entry (form)",
        who="entrepreneur",
        url="/keuangan/buku-kas/{entry}/ubah/",
        pick=BUSIEST_BOOK,
        sql=(
            """SELECT e.* FROM finance_entry e JOIN registration_participant p ON p.id = e.participant_id
               WHERE e.id = %(entry)s AND p.user_id = %(user)s""",
            """SELECT max(month) FROM finance_monthlyrecord WHERE participant_id = %(participant)s
               AND closed_at IS NOT NULL""",
        ),
    ),
    Page(
        name="participant: the opening balance (form)",
        who="entrepreneur",
        url="/keuangan/buku-kas/saldo-awal/",
        pick=BUSIEST_BOOK,
        sql=(
            OWN_ROW,
            """SELECT category, amount, day FROM finance_entry WHERE participant_id = %(participant)s
               AND entry_key LIKE 'opening%%'""",
        ),
    ),
    Page(
        name="participant: money owed",
        who="entrepreneur",
        url="/keuangan/utang-piutang/",
        pick="""SELECT p.user_id AS user, p.id AS participant FROM (SELECT participant_id, count(*) AS n
                FROM finance_debt GROUP BY 1 ORDER BY n DESC, 1 LIMIT 1) c
                JOIN registration_participant p ON p.id = c.participant_id""",
        sql=(
            OWN_ROW,
            """SELECT * FROM finance_debt WHERE participant_id = %(participant)s AND settled_on IS NULL
               ORDER BY due_on, incurred_on, id""",
            """SELECT * FROM finance_debt WHERE participant_id = %(participant)s AND settled_on IS NOT NULL
               ORDER BY settled_on DESC, id DESC LIMIT 30""",
        ),
    ),
    Page(
        name="participant: monthly reports",
        who="entrepreneur",
        url="/keuangan/laporan/",
        pick=BUSIEST_BOOK,
        note="24 months with the cash at each month's end, charts, before and after",
        sql=(
            OWN_ROW,
            """
            SELECT m.*, u.full_name, c.full_name FROM finance_monthlyrecord m
            LEFT JOIN accounts_user u ON u.id = m.recorded_by_id LEFT JOIN accounts_user c ON c.id = m.closed_by_id
            WHERE m.participant_id = %(participant)s AND m.month >= %(month)s - interval '23 months'
              AND m.month <= %(month)s""",
            """
            SELECT date_trunc('month', day), sum(amount) FILTER (WHERE direction = 'in')
                   - sum(amount) FILTER (WHERE direction = 'out')
            FROM finance_entry WHERE participant_id = %(participant)s
              AND day >= %(month)s - interval '23 months' AND day < %(month)s + interval '1 month' GROUP BY 1""",
            """
            SELECT coalesce(sum(amount) FILTER (WHERE direction = 'in'), 0)
                   - coalesce(sum(amount) FILTER (WHERE direction = 'out'), 0)
            FROM finance_entry WHERE participant_id = %(participant)s AND day < %(month)s - interval '23 months'""",
            """
            SELECT month, turnover, assets, workers FROM finance_monthlyrecord WHERE participant_id = %(participant)s
            AND month >= %(month)s - interval '11 months' AND month <= %(month)s ORDER BY month DESC""",
        ),
    ),
    Page(
        name="participant: statements",
        who="entrepreneur",
        url="/keuangan/laporan-keuangan/",
        pick="""SELECT p.user_id AS user, p.id AS participant FROM (SELECT participant_id, count(*) AS n
                FROM finance_statement GROUP BY 1 ORDER BY n DESC, 1 LIMIT 1) c
                JOIN registration_participant p ON p.id = c.participant_id""",
        sql=(
            """SELECT id, code, period_start, period_end, language, issued_at FROM finance_statement
               WHERE participant_id = %(participant)s ORDER BY issued_at DESC, id DESC LIMIT %(rows)s""",
            """SELECT month FROM finance_monthlyrecord WHERE participant_id = %(participant)s ORDER BY month""",
        ),
    ),
    Page(
        name="participant: import transactions (form)",
        who="entrepreneur",
        url="/keuangan/impor/",
        pick=BUSIEST_BOOK,
        sql=(
            OWN_ROW,
            """SELECT id, file_name, status, saved_count, repeated_count, created_at FROM finance_importbatch
               WHERE participant_id = %(participant)s ORDER BY created_at DESC, id DESC LIMIT 10""",
        ),
    ),
    Page(
        name="participant: an import",
        who="entrepreneur",
        url="/keuangan/impor/{batch}/",
        pick="""SELECT p.user_id AS user, p.id AS participant, i.id AS batch FROM finance_importbatch i
                JOIN registration_participant p ON p.id = i.participant_id
                ORDER BY jsonb_array_length(i.rows) + jsonb_array_length(i.errors) DESC, i.id LIMIT 1""",
        sql=(
            OWN_ROW,
            "SELECT * FROM finance_importbatch WHERE id = %(batch)s",
        ),
    ),
]

MOST_DEBTS = """SELECT p.user_id AS user, p.id AS participant, (SELECT max(d.id) FROM finance_debt d
    WHERE d.participant_id = p.id AND d.settled_on IS NULL) AS debt
    FROM (SELECT participant_id, count(*) AS n FROM finance_debt WHERE settled_on IS NULL GROUP BY 1
          ORDER BY n DESC, 1 LIMIT 1) c
    JOIN registration_participant p ON p.id = c.participant_id"""
DEBT = """SELECT d.* FROM finance_debt d JOIN registration_participant p ON p.id = d.participant_id
    WHERE d.id = %(debt)s AND p.user_id = %(user)s"""
CLOSED = """SELECT max(month) FROM finance_monthlyrecord WHERE participant_id = %(participant)s
    AND closed_at IS NOT NULL"""
FINANCE.extend(
    [
        Page(
            name="participant: delete an entry (confirm)",
            who="entrepreneur",
            url="/keuangan/buku-kas/{entry}/hapus/",
            pick=BUSIEST_BOOK,
            sql=(
                """SELECT e.* FROM finance_entry e JOIN registration_participant p ON p.id = e.participant_id
                   WHERE e.id = %(entry)s AND p.user_id = %(user)s""",
                CLOSED,
            ),
        ),
        Page(
            name="participant: correct money owed (form)",
            who="entrepreneur",
            url="/keuangan/utang-piutang/{debt}/ubah/",
            pick=MOST_DEBTS,
            sql=(DEBT, CLOSED),
        ),
        Page(
            name="participant: settle money owed (form)",
            who="entrepreneur",
            url="/keuangan/utang-piutang/{debt}/lunas/",
            pick=MOST_DEBTS,
            sql=(DEBT, CLOSED),
        ),
        Page(
            name="participant: delete money owed (confirm)",
            who="entrepreneur",
            url="/keuangan/utang-piutang/{debt}/hapus/",
            pick=MOST_DEBTS,
            sql=(DEBT, CLOSED),
        ),
    ]
)

CAPITAL = [
    Page(
        name="participant: capital readiness",
        who="entrepreneur",
        url="/permodalan/",
        pick=MOST_REFERRALS,
        note="each product on offer with what the participant lacks for it",
        sql=(
            """
            SELECT p.*, r.status, b.*, k.name FROM registration_participant p
            JOIN registration_registration r ON r.participant_id = p.id
            LEFT JOIN registration_business b ON b.participant_id = p.id
            JOIN geography_kecamatan k ON k.id = p.kecamatan_id WHERE p.id = %(participant)s""",
            f"""
            SELECT fp.*, lo.name,
                   (SELECT x.id FROM capital_loanreferral x WHERE x.participant_id = %(participant)s
                    AND x.product_id = fp.id AND x.status IN ('requested', 'sent', 'under_review', 'approved')
                    LIMIT 1) AS open_referral
            FROM capital_financingproduct fp JOIN partners_partnerorganisation lo ON lo.id = fp.lender_id
            WHERE {ON_OFFER} ORDER BY lo.name, fp.name""",
            """
            SELECT month_number, turnover FROM finance_monthlyrecord WHERE participant_id = %(participant)s
            ORDER BY month DESC LIMIT 12""",
            """
            SELECT EXISTS (SELECT 1 FROM licensing_licence l JOIN licensing_licencetype t ON t.id = l.licence_type_id
                           WHERE l.participant_id = %(participant)s AND t.is_business_number
                             AND l.issued_on <= %(today)s AND (l.expires_on IS NULL OR l.expires_on >= %(today)s))""",
        ),
    ),
    Page(
        name="participant: a financing product",
        who="entrepreneur",
        url="/permodalan/produk/{code}/",
        pick=f"""WITH x AS ({MOST_REFERRALS}) SELECT x.user, x.participant, fp.code, fp.id AS product FROM x,
                 capital_financingproduct fp WHERE {ON_OFFER} ORDER BY fp.id LIMIT 1""",
        sql=(
            """SELECT fp.*, lo.name FROM capital_financingproduct fp
               JOIN partners_partnerorganisation lo ON lo.id = fp.lender_id WHERE fp.id = %(product)s""",
            """
            SELECT p.*, r.status, b.* FROM registration_participant p
            JOIN registration_registration r ON r.participant_id = p.id
            LEFT JOIN registration_business b ON b.participant_id = p.id WHERE p.id = %(participant)s""",
            """SELECT month_number, turnover FROM finance_monthlyrecord WHERE participant_id = %(participant)s
               ORDER BY month DESC LIMIT 12""",
            """SELECT id, status FROM capital_loanreferral WHERE participant_id = %(participant)s
               AND product_id = %(product)s AND status IN ('requested', 'sent', 'under_review', 'approved')""",
        ),
    ),
    Page(
        name="participant: my loan referrals",
        who="entrepreneur",
        url="/permodalan/rujukan/",
        pick=MOST_REFERRALS,
        sql=(
            """
            SELECT x.*, fp.name, lo.name FROM capital_loanreferral x
            JOIN capital_financingproduct fp ON fp.id = x.product_id
            JOIN partners_partnerorganisation lo ON lo.id = x.lender_id
            WHERE x.participant_id = %(participant)s ORDER BY x.created_at DESC, x.id DESC LIMIT %(rows)s""",
        ),
    ),
    Page(
        name="participant: a loan referral",
        who="entrepreneur",
        url="/permodalan/rujukan/{referral}/",
        pick=f"""WITH x AS ({MOST_REFERRALS}) SELECT x.user, (SELECT r.id FROM capital_loanreferral r
                 WHERE r.participant_id = x.participant ORDER BY r.id DESC LIMIT 1) AS referral FROM x""",
        sql=(
            """
            SELECT x.*, fp.*, lo.name, c.granted_at, c.withdrawn_at FROM capital_loanreferral x
            JOIN capital_financingproduct fp ON fp.id = x.product_id
            JOIN partners_partnerorganisation lo ON lo.id = x.lender_id
            LEFT JOIN partners_consent c ON c.id = x.consent_id WHERE x.id = %(referral)s""",
            """SELECT m.*, u.full_name FROM capital_referralmove m LEFT JOIN accounts_user u ON u.id = m.moved_by_id
               WHERE m.referral_id = %(referral)s ORDER BY m.moved_at, m.id""",
        ),
    ),
]

CAPITAL.append(
    Page(
        name="participant: ask for a loan (form)",
        who="entrepreneur",
        url="/permodalan/produk/{code}/ajukan/",
        pick=f"""SELECT p.user_id AS user, p.id AS participant, fp.code, fp.id AS product
                 FROM capital_loanreferral x JOIN capital_financingproduct fp ON fp.id = x.product_id
                 JOIN registration_participant p ON p.id = x.participant_id
                 WHERE x.status IN ('disbursed', 'refused', 'withdrawn') AND {ON_OFFER}
                   AND NOT EXISTS (SELECT 1 FROM capital_loanreferral o WHERE o.participant_id = x.participant_id
                                   AND o.product_id = x.product_id
                                   AND o.status IN ('requested', 'sent', 'under_review', 'approved'))
                 ORDER BY x.id DESC LIMIT 1""",
        note="a participant who qualified for the product before (a closed referral) and has no open one",
        sql=(
            OWN_ROW,
            """SELECT fp.*, lo.name FROM capital_financingproduct fp
               JOIN partners_partnerorganisation lo ON lo.id = fp.lender_id WHERE fp.id = %(product)s""",
            """SELECT id, status FROM capital_loanreferral WHERE participant_id = %(participant)s
               AND product_id = %(product)s AND status IN ('requested', 'sent', 'under_review', 'approved')""",
            """SELECT month_number, turnover FROM finance_monthlyrecord WHERE participant_id = %(participant)s
               ORDER BY month DESC LIMIT 12""",
            """SELECT * FROM partners_consenttext WHERE purpose = 'loan_assessment' ORDER BY version DESC LIMIT 1""",
        ),
    )
)

FORUM = [
    Page(
        name="participant: the forum",
        needs=("feedback_post",),
        who="entrepreneur",
        url="/forum/",
        pick=entrepreneur(),
        sql=(
            """
            SELECT f.id, f.title, f.category, f.status, f.supporters, f.created_at, f.answered_at, k.name,
                   split_part(u.full_name, ' ', 1),
                   EXISTS (SELECT 1 FROM feedback_support s WHERE s.post_id = f.id AND s.user_id = %(user)s)
            FROM feedback_post f JOIN geography_kecamatan k ON k.id = f.kecamatan_id
            JOIN accounts_user u ON u.id = f.author_id
            WHERE NOT f.hidden AND f.created_at >= make_date(%(year)s, 1, 1)
            ORDER BY f.created_at DESC, f.id DESC LIMIT 21""",
        ),
    ),
    Page(
        name="participant: write to the forum (form)",
        who="entrepreneur",
        url="/forum/tulis/",
        pick=entrepreneur(),
        sql=(
            OWN_ROW,
            """SELECT p.id, r.status FROM registration_participant p
               JOIN registration_registration r ON r.participant_id = p.id WHERE p.id = %(participant)s""",
        ),
    ),
    Page(
        name="participant: a forum post",
        who="entrepreneur",
        url="/forum/{post}/",
        pick=f"""WITH x AS ({entrepreneur()}) SELECT x.user, f.id AS post FROM x, feedback_post f WHERE NOT f.hidden
                 ORDER BY f.supporters DESC, f.id LIMIT 1""",
        sql=(
            """
            SELECT f.*, k.name, split_part(u.full_name, ' ', 1),
                   EXISTS (SELECT 1 FROM feedback_support s WHERE s.post_id = f.id AND s.user_id = %(user)s)
            FROM feedback_post f JOIN geography_kecamatan k ON k.id = f.kecamatan_id
            JOIN accounts_user u ON u.id = f.author_id WHERE f.id = %(post)s""",
            """SELECT a.*, u.full_name, k.name FROM feedback_answer a JOIN accounts_user u ON u.id = a.author_id
               LEFT JOIN geography_kecamatan k ON k.id = a.office_id WHERE a.post_id = %(post)s
               ORDER BY a.created_at, a.id""",
        ),
    ),
]

DATA = [
    Page(
        name="participant: my data (Data saya)",
        who="entrepreneur",
        url="/data-saya/",
        pick=MOST_READ,
        note="consents by partner and purpose, what each may offer, the latest reads",
        sql=(
            OWN_ROW,
            """
            SELECT c.*, o.name, t.version FROM partners_consent c JOIN partners_partnerorganisation o
                ON o.id = c.organisation_id JOIN partners_consenttext t ON t.id = c.text_id
            WHERE c.participant_id = %(participant)s ORDER BY c.granted_at DESC, c.id DESC""",
            f"""
            SELECT g.*, o.name FROM partners_agreement g JOIN partners_partnerorganisation o ON o.id =
            g.organisation_id
            WHERE o.active AND {IN_FORCE} ORDER BY o.name, g.organisation_id, g.id""",
            """
            SELECT a.at, a.endpoint, o.name FROM partners_accesslog a JOIN partners_partnerorganisation o
                ON o.id = a.organisation_id
            WHERE a.participant_id = %(participant)s ORDER BY a.at DESC, a.id DESC LIMIT 5""",
            """SELECT account, linked_at FROM partners_jakilink WHERE participant_id = %(participant)s
               ORDER BY id LIMIT 1""",
        ),
    ),
    Page(
        name="participant: who read my data",
        who="entrepreneur",
        url="/data-saya/dilihat/",
        pick=MOST_READ,
        sql=(
            OWN_ROW,
            """
            SELECT a.at, a.endpoint, o.name FROM partners_accesslog a JOIN partners_partnerorganisation o
                ON o.id = a.organisation_id
            WHERE a.participant_id = %(participant)s ORDER BY a.at DESC, a.id DESC LIMIT %(rows)s""",
        ),
    ),
    Page(
        name="participant: give consent (form)",
        who="entrepreneur",
        url="/data-saya/beri-izin/{partner}/{purpose}/",
        pick=f"""WITH x AS ({entrepreneur()})
                 SELECT x.user, x.participant, o.id AS partner, 'training' AS purpose FROM x,
                 partners_partnerorganisation o JOIN partners_agreement g ON g.organisation_id = o.id
                 WHERE o.active AND NOT o.is_city_app AND g.steps @> ARRAY['P2']::varchar[] AND {IN_FORCE}
                 ORDER BY o.id LIMIT 1""",
        sql=(
            OWN_ROW,
            "SELECT * FROM partners_partnerorganisation WHERE id = %(partner)s AND active",
            f"""SELECT g.* FROM partners_agreement g WHERE g.organisation_id = %(partner)s AND {IN_FORCE}""",
            """SELECT * FROM partners_consenttext WHERE purpose = %(purpose)s ORDER BY version DESC LIMIT 1""",
            """SELECT id FROM partners_consent WHERE participant_id = %(participant)s
               AND organisation_id = %(partner)s AND purpose = %(purpose)s AND withdrawn_at IS NULL""",
        ),
    ),
]

DATA.append(
    Page(
        name="participant: withdraw a consent (confirm)",
        who="entrepreneur",
        url="/data-saya/tarik-izin/{consent}/",
        pick=f"""WITH x AS ({MOST_READ}) SELECT x.user, x.participant, (SELECT max(c.id) FROM partners_consent c
                 WHERE c.participant_id = x.participant AND c.withdrawn_at IS NULL) AS consent FROM x""",
        sql=(
            OWN_ROW,
            """SELECT c.*, o.name, t.* FROM partners_consent c JOIN partners_partnerorganisation o
               ON o.id = c.organisation_id JOIN partners_consenttext t ON t.id = c.text_id
               WHERE c.id = %(consent)s AND c.participant_id = %(participant)s""",
        ),
    )
)

# --- public pages ----------------------------------------------------------------------------------------------

FINDER = """SELECT k.id, k.name, w.id, w.name FROM geography_kecamatan k JOIN geography_wilayah w
            ON w.id = k.wilayah_id ORDER BY w.code, k.name"""

PUBLIC = [
    Page(name="public: landing", who="anonymous", url="/", sql=(FINDER,)),
    Page(
        name="public: landing, an office chosen",
        who="anonymous",
        url="/",
        params={"kecamatan": "{kecamatan}"},
        pick="SELECT kecamatan_id AS kecamatan FROM geography_kecamatanoffice ORDER BY kecamatan_id LIMIT 1",
        sql=(FINDER, "SELECT * FROM geography_kecamatanoffice WHERE kecamatan_id = %(kecamatan)s"),
    ),
    Page(name="public: login", who="anonymous", url="/akun/masuk/", sql=("SELECT 1",)),
    Page(name="public: sign up", who="anonymous", url="/akun/daftar/", sql=("SELECT 1",)),
    Page(name="public: claim an account", who="anonymous", url="/akun/klaim/", sql=("SELECT 1",)),
    Page(
        name="public: check a certificate",
        who="anonymous",
        url="/sertifikat/{code}/",
        pick="SELECT code FROM training_certificate ORDER BY id DESC LIMIT 1",
        sql=(
            """SELECT code, full_name, course_title, completed_on, issued_at FROM training_certificate
               WHERE code = %(code)s""",
        ),
    ),
    Page(name="public: check a statement (form)", who="anonymous", url="/keuangan/verifikasi/", sql=("SELECT 1",)),
    Page(
        name="public: check a statement",
        who="anonymous",
        url="/keuangan/verifikasi/{code}/",
        pick="SELECT code FROM finance_statement ORDER BY id DESC LIMIT 1",
        sql=(
            """SELECT code, business_name, period_start, period_end, figures, issued_at FROM finance_statement
               WHERE code = %(code)s""",
        ),
    ),
]

PAGES = [
    HOME,
    *REGISTRATION,
    *TRAINING,
    *MENTORING,
    *LICENSING,
    *MARKETING,
    *FINANCE,
    *CAPITAL,
    *FORUM,
    *DATA,
    *PUBLIC,
]

NOT_TIMED = {
    "registration:wizard": "redirects to the first step; every generated user has registered (no draft)",
    "registration:wizard_step": "the wizard of a user without a registration: the generator makes none",
    "accounts:confirm_signup": "a link from an email, with a token made for one account",
    "accounts:set_password": "a link from an email, with a token made for one account",
    "accounts:logout": "logs out (a POST in the pages)",
    "healthz": "the load balancer's probe, no page",
    "registration:document": "a private file download: the generator stores no files",
    "licensing:scan": "a private file download: the generator stores no files",
    "marketing:photo": "a private file download: the generator stores no files",
    "mentoring:visit_photo": "a private file download: the generator stores no files",
    "partners:partner_agreement_document": "a private file download: the generator stores no files",
    "exports:download": "a private file download: --exports times the files themselves",
    "targets:report_download": "a private file download: --exports times the report's build",
    "training:certificate_pdf": "a PDF rendered by WeasyPrint on demand (about a second, whatever the data)",
    "finance:statement_pdf": "a PDF rendered by WeasyPrint on demand (about a second, whatever the data)",
    "finance:import_template": "a static template file",
    "registration:import_template": "a static template file",
    "api-docs": "Swagger UI's static page",
}

# --- the public catalogue ----------------------------------------------------------------------------------------

# a product the public sees (marketing.selectors.catalogue.public_products), aliased x
PUBLIC = """x.grade IN ('A', 'B') AND EXISTS (SELECT 1 FROM marketing_listing l WHERE l.business_id = x.business_id
    AND l.published)"""
# what a card shows of the products of `ids` (a CTE of `id` and its place `n`), in that order
CARDS = """
    SELECT x.id, x.name, x.description, x.price, x.category, x.grade, x.graded_at, k.code, k.name, l.id,
           l.public_name, l.public_phone, l.public_email, l.eorder_url,
           (SELECT json_agg(ph.public_id ORDER BY ph.position, ph.id) FROM marketing_productphoto ph
            WHERE ph.product_id = x.id) AS photos
    FROM ids JOIN marketing_product x ON x.id = ids.id JOIN registration_business b ON b.id = x.business_id
    JOIN geography_kecamatan k ON k.id = b.kecamatan_id LEFT JOIN marketing_listing l ON l.business_id = b.id
    ORDER BY ids.n"""
CATALOGUE_CHOICES = """SELECT k.code, k.name, w.name FROM geography_kecamatan k JOIN geography_wilayah w
    ON w.id = k.wilayah_id ORDER BY w.code, k.name"""

# a search (marketing.search): the text stemmed, as typed, and its last word as a prefix; what the catalogue
# ranks by; and the marked name words (`name_query`: a word in the product's or its business's name)
SEARCH_PICK = """
    SELECT %(text)s AS text, %(prefix)s AS prefix, %(category)s AS category, %(grade)s AS grade,
           %(kecamatan)s AS kecamatan, %(start)s AS start,
           (coalesce((SELECT string_agg(quote_literal('~' || lexeme), ' | ')
                      FROM unnest(to_tsvector('indonesian', %(text)s) || to_tsvector('simple', %(text)s))),
                     '')::tsquery || %(marked_prefix)s::tsquery)::text AS marked"""


def search(text: str, *, category: str = "", grade: str = "", kecamatan: str = "", page: int = 1) -> tuple[str, str]:
    """The pick and the best SQL of a catalogue search for `text` with the filters, at page `page`: the matches
    counted up to 1,001, then the page's ids, ranked by ts_rank up to 1,000 matches, else the name matches ranked
    and the description-only matches after them newest first (marketing.selectors.catalogue.find_products), and
    the cards of those ids."""
    words = text.split()
    last = words[-1] if words and len(words[-1]) >= 3 and words[-1].isalnum() else ""
    values = {
        "text": text,
        "prefix": f"'{last.lower()}':*" if last else "",
        "marked_prefix": f"'~{last.lower()}':*" if last else "",
        "category": category,
        "grade": grade,
        "kecamatan": kecamatan,
        "start": (page - 1) * 24,
    }
    pick = SEARCH_PICK
    for name, value in values.items():
        literal = str(value) if isinstance(value, int) else "'" + str(value).replace("'", "''") + "'"
        pick = pick.replace(f"%({name})s", literal)
    filters = (
        " AND (%(category)s = '' OR x.category = %(category)s) AND (%(grade)s = '' OR x.grade = %(grade)s)"
        " AND (%(kecamatan)s = '' OR EXISTS (SELECT 1 FROM registration_business b JOIN geography_kecamatan k"
        " ON k.id = b.kecamatan_id WHERE b.id = x.business_id AND k.code = %(kecamatan)s))"
    )
    matching = f"x.search_vector @@ q.match AND {PUBLIC}{filters}"
    sql = f"""
        WITH q AS MATERIALIZED (
            SELECT websearch_to_tsquery('indonesian', %(text)s) || websearch_to_tsquery('simple', %(text)s)
                   || %(prefix)s::tsquery AS match,
                   websearch_to_tsquery('indonesian', %(text)s) || %(prefix)s::tsquery AS ranked,
                   %(marked)s::tsquery AS named),
        n AS MATERIALIZED (SELECT count(*) AS n FROM (SELECT 1 FROM marketing_product x, q WHERE {matching}
                           LIMIT 1001) c),
        ids AS (SELECT id, n FROM unnest(CASE WHEN (SELECT n FROM n) > 1000 THEN ARRAY(
                    SELECT id FROM (
                        (SELECT x.id, 0 AS part, ts_rank(x.search_vector, q.ranked) AS rank FROM marketing_product x, q
                         WHERE {matching} AND x.search_vector @@ q.named ORDER BY 3 DESC, x.id
                         LIMIT %(start)s + 24)
                        UNION ALL
                        (SELECT x.id, 1, 0 FROM marketing_product x, q WHERE {matching}
                         AND NOT x.search_vector @@ q.named ORDER BY x.id DESC LIMIT %(start)s + 24)) found
                    ORDER BY part, rank DESC, CASE WHEN part = 0 THEN id END, id DESC OFFSET %(start)s LIMIT 25)
                ELSE ARRAY(SELECT x.id FROM marketing_product x, q WHERE {matching}
                           ORDER BY ts_rank(x.search_vector, q.ranked) DESC, x.id OFFSET %(start)s LIMIT 25) END)
                WITH ORDINALITY AS found(id, n))
        SELECT (SELECT n FROM n), cards.* FROM ({CARDS}) cards"""
    return pick, sql


def _catalogue(name: str, text: str, **filters: object) -> Page:
    page = int(filters.pop("page", 1))  # type: ignore[call-overload]
    pick, sql = search(text, page=page, **filters)  # type: ignore[arg-type]
    params = {"q": text, **{key: str(value) for key, value in filters.items()}}
    if page > 1:
        params["page"] = str(page)
    return Page(
        name=f"public: catalogue, {name}",
        who="anonymous",
        url="/katalog/",
        params=params,
        pick=pick,
        needs=("marketing_product",),
        sql=(sql, CATALOGUE_CHOICES),
    )


BROWSE = f"""
    WITH ids AS (SELECT x.id, row_number() OVER () AS n FROM (SELECT x.id FROM marketing_product x WHERE {PUBLIC}
                 ORDER BY x.id DESC OFFSET %(start)s LIMIT 25) x)
    SELECT * FROM ({CARDS}) cards"""

CATALOGUE = [
    Page(
        name="public: catalogue, first page",
        who="anonymous",
        url="/katalog/",
        pick="SELECT 0 AS start",
        needs=("marketing_product",),
        sql=(
            BROWSE,
            f"SELECT count(*) FROM (SELECT 1 FROM marketing_product x WHERE {PUBLIC} LIMIT 1001) c",
            CATALOGUE_CHOICES,
        ),
    ),
    Page(
        name="public: catalogue, page 50",
        who="anonymous",
        url="/katalog/",
        params={"page": "50"},
        pick="SELECT 1176 AS start",
        needs=("marketing_product",),
        sql=(
            BROWSE,
            f"SELECT count(*) FROM (SELECT 1 FROM marketing_product x WHERE {PUBLIC} LIMIT 1001) c",
            CATALOGUE_CHOICES,
        ),
    ),
    _catalogue("a common word", "kemasan"),
    _catalogue("a word in many names", "keripik"),
    _catalogue("two words", "keripik pedas"),
    _catalogue("the start of a word", "kerip"),
    _catalogue("a word and filters", "kue", category="food", grade="A"),
    _catalogue("page 40 of a word", "keripik", page=40),
    Page(
        name="public: catalogue, businesses",
        who="anonymous",
        url="/katalog/",
        params={"show": "businesses", "q": "dapur"},
        needs=("marketing_listing",),
        sql=(
            """
            SELECT l.*, k.code, k.name, (SELECT json_agg(json_build_object('platform', s.platform, 'url', s.url))
                   FROM marketing_onlinestore s WHERE s.business_id = l.business_id AND s.checked_at IS NOT NULL)
            FROM marketing_listing l JOIN registration_business b ON b.id = l.business_id
            JOIN geography_kecamatan k ON k.id = b.kecamatan_id
            WHERE l.published AND l.search_vector @@ (websearch_to_tsquery('indonesian', 'dapur')
                  || websearch_to_tsquery('simple', 'dapur') || 'dapur:*'::tsquery)
            ORDER BY ts_rank(l.search_vector, websearch_to_tsquery('indonesian', 'dapur') || 'dapur:*'::tsquery)
                     DESC, l.id LIMIT 25""",
            """SELECT count(*) FROM (SELECT 1 FROM marketing_listing l WHERE l.published
               AND l.search_vector @@ (websearch_to_tsquery('indonesian', 'dapur')
               || websearch_to_tsquery('simple', 'dapur') || 'dapur:*'::tsquery) LIMIT 1001) c""",
            CATALOGUE_CHOICES,
        ),
    ),
    Page(
        name="public: catalogue, a product",
        who="anonymous",
        url="/katalog/produk/{product}/",
        pick=f"SELECT max(x.id) AS product FROM marketing_product x WHERE {PUBLIC}",
        sql=(
            f"""WITH ids AS (SELECT %(product)s::bigint AS id, 1 AS n) SELECT * FROM ({CARDS}) cards""",
            """SELECT s.platform, s.url FROM marketing_onlinestore s JOIN marketing_product x
               ON x.business_id = s.business_id WHERE x.id = %(product)s AND s.checked_at IS NOT NULL""",
        ),
    ),
    Page(
        name="public: catalogue, a business",
        who="anonymous",
        url="/katalog/usaha/{listing}/",
        pick=f"""SELECT l.id AS listing FROM marketing_listing l WHERE l.published ORDER BY (SELECT count(*)
                 FROM marketing_product x WHERE x.business_id = l.business_id AND {PUBLIC}) DESC, l.id LIMIT 1""",
        sql=(
            """SELECT l.*, k.code, k.name, (SELECT json_agg(json_build_object('platform', s.platform, 'url', s.url))
               FROM marketing_onlinestore s WHERE s.business_id = l.business_id AND s.checked_at IS NOT NULL)
               FROM marketing_listing l JOIN registration_business b ON b.id = l.business_id
               JOIN geography_kecamatan k ON k.id = b.kecamatan_id WHERE l.id = %(listing)s AND l.published""",
            f"""WITH ids AS (SELECT x.id, row_number() OVER (ORDER BY x.name, x.id) AS n FROM marketing_product x
                WHERE x.business_id = (SELECT business_id FROM marketing_listing WHERE id = %(listing)s) AND {PUBLIC}
                ORDER BY x.name, x.id LIMIT 25)
                SELECT * FROM ({CARDS}) cards""",
        ),
    ),
]
PAGES.extend(CATALOGUE)
