"""The API's endpoints as partners call them: each list's first page and a deep page (reached with the cursor a
partner holds there, up to 10,000 pages deep), and a detail, with the key of the organisation that reads the
most (a usable key of an agreement in force). The deep page's goal: within 1.2 times its first.

The best SQL of a list is its page of rows (50, and one more that says another page follows) with the fields the
serializer shows, in the cursor's order, from the position of the deep page; the read's log row, which the
endpoint writes (`partners.scope.record_reads`), is left out (a write, not an answer).
"""

from bench.timing_pages import API_PAGE_SIZE, Page
from bench.timing_people import IN_FORCE, JOURNEY

DEPTH = 10_000  # pages, at most

# the purposes an agreement's steps cover (partners.choices.PURPOSE_DATA), as an array, aliased g
PURPOSES = """ARRAY(SELECT CASE s WHEN 'P2' THEN 'training' WHEN 'P3' THEN 'mentoring' WHEN 'P4' THEN 'licensing'
                   WHEN 'P5' THEN 'marketing' WHEN 'P6' THEN 'bookkeeping' WHEN 'P7' THEN 'loan_assessment' END
                   FROM unnest(g.steps) s WHERE s <> 'P1')::text[]"""
USABLE = f"""
    FROM partners_partnerkey k JOIN partners_partnerorganisation o ON o.id = k.organisation_id AND o.active
    JOIN partners_agreement g ON g.id = k.agreement_id AND g.organisation_id = k.organisation_id AND {IN_FORCE}
    WHERE NOT k.revoked AND (k.expiry_date IS NULL OR k.expiry_date > %(now)s)"""


def key(condition: str, order: str) -> str:
    """A usable key (its id `key`, its `organisation`, the `purposes` its agreement covers) of the organisation
    first by `order`, among the keys meeting `condition`."""
    return f"""
        SELECT k.id AS key, k.organisation_id AS organisation,
               array_remove({PURPOSES}, 'loan_assessment') AS purposes, {PURPOSES} AS all_purposes
        {USABLE} AND {condition} ORDER BY {order}, k.id LIMIT 1"""


CONSENTS_OF_KEY = """(SELECT count(*) FROM partners_consent c WHERE c.organisation_id = k.organisation_id
                      AND c.withdrawn_at IS NULL)"""
PARTNER_KEY = key(
    "k.kind = 'partner' AND g.steps && ARRAY['P2', 'P3', 'P4', 'P5', 'P6']::varchar[]", f"{CONSENTS_OF_KEY} DESC"
)
BUSINESS_KEY = key(
    "k.kind = 'partner' AND g.steps && ARRAY['P3', 'P4', 'P5', 'P6']::varchar[]", f"{CONSENTS_OF_KEY} DESC"
)
TRAINING_KEY = key(
    "k.kind = 'partner' AND g.steps @> ARRAY['P2']::varchar[]",
    "(SELECT count(*) FROM training_session s JOIN training_course c ON c.id = s.course_id"
    " WHERE c.organiser_partner_id = k.organisation_id) DESC",
)
LICENSING_KEY = key(
    "k.kind = 'partner' AND o.kind = 'government' AND NOT o.is_city_app AND g.steps @> ARRAY['P4']::varchar[]",
    f"{CONSENTS_OF_KEY} DESC",
)
CATALOGUE_KEY = key("k.kind = 'partner' AND g.steps @> ARRAY['P5']::varchar[]", "k.created DESC")
LENDER_KEY = key(
    "k.kind = 'partner' AND o.kind IN ('bank', 'fintech', 'cooperative') AND g.steps @> ARRAY['P7']::varchar[]",
    "(SELECT count(*) FROM capital_loanreferral x WHERE x.lender_id = k.organisation_id) DESC",
)
JAKI_KEY = key("k.kind = 'jaki' AND o.is_city_app", "k.created DESC")


def with_deep(key_pick: str, rows: tuple[str, str], position: str, order: str) -> str:
    """The key's pick with `deep`: the cursor position (the list's first ordering column, `position`) of the last
    row of the page before the deep page (page 10,001, or the last; NULL, so "no data", when there is one page),
    among the rows the key sees (`rows`: a FROM and a WHERE clause, which may use the key's columns as `k.`), in
    the list's `order`."""
    table, where = rows
    return f"""
        WITH k AS ({key_pick}),
        v AS (SELECT {position} AS position, row_number() OVER (ORDER BY {order}) AS n, count(*) OVER () AS total
              FROM {table}, k WHERE {where})
        SELECT k.*, (SELECT v.position FROM v
                     WHERE v.n = least({DEPTH}, ceil(v.total / {API_PAGE_SIZE}.0)::int - 1) * {API_PAGE_SIZE})
                    AS deep
        FROM k"""


def newest(rows: tuple[str, str], column: str) -> str:
    """The newest row the key sees (`column` of it), as a column of a pick on the key `k`."""
    table, where = rows
    return f"(SELECT max({column}) FROM {table} WHERE {where})"


def pair(
    name: str, url: str, key_pick: str, rows: tuple[str, str], position: str, order: str, page: str
) -> list[Page]:
    """A list's first page and its deep page; `page` is the best SQL of a page with `{after}` for the deep
    page's condition on the position."""
    pick = with_deep(key_pick, rows, position, order)
    first = f"api: {name}, first page"
    return [
        Page(name=first, who="partner key", url=url, pick=pick, sql=(page.format(after="true"),)),
        Page(
            name=f"api: {name}, deep page",
            who="partner key",
            url=url,
            pick=pick,
            deep="deep",
            first=first,
            sql=(page.format(after=f"{position} < %(deep)s"),),
        ),
    ]


VISIBLE_PARTICIPANTS = (
    "registration_participant p",
    """EXISTS (SELECT 1 FROM partners_consent c WHERE c.participant_id = p.id AND c.organisation_id = k.organisation
               AND c.withdrawn_at IS NULL AND c.purpose = ANY (k.purposes))""",
)
PARTICIPANTS_PAGE = f"""
    SELECT p.id, p.full_name, p.track, p.created_at, p.phone, p.email, p.nik, kc.code, kc.name, b.*, bk.code,
           ARRAY(SELECT c.purpose FROM partners_consent c WHERE c.participant_id = p.id
                 AND c.organisation_id = %(organisation)s AND c.withdrawn_at IS NULL
                 AND c.purpose = ANY (%(purposes)s) ORDER BY c.purpose) AS purposes
    FROM registration_participant p JOIN geography_kecamatan kc ON kc.id = p.kecamatan_id
    LEFT JOIN registration_business b ON b.participant_id = p.id
    LEFT JOIN geography_kecamatan bk ON bk.id = b.kecamatan_id
    WHERE EXISTS (SELECT 1 FROM partners_consent c WHERE c.participant_id = p.id
                  AND c.organisation_id = %(organisation)s AND c.withdrawn_at IS NULL
                  AND c.purpose = ANY (%(purposes)s)) AND {{after}}
    ORDER BY p.created_at DESC, p.id DESC LIMIT {API_PAGE_SIZE + 1}"""

VISIBLE_BUSINESSES = (
    "registration_business b",
    """EXISTS (SELECT 1 FROM partners_consent c WHERE c.participant_id = b.participant_id
               AND c.organisation_id = k.organisation AND c.withdrawn_at IS NULL AND c.purpose = ANY (k.purposes)
               AND c.purpose IN ('mentoring', 'licensing', 'marketing', 'bookkeeping'))""",
)
BUSINESSES_PAGE = f"""
    SELECT b.*, kc.code, p.full_name,
           ARRAY(SELECT c.purpose FROM partners_consent c WHERE c.participant_id = b.participant_id
                 AND c.organisation_id = %(organisation)s AND c.withdrawn_at IS NULL
                 AND c.purpose = ANY (%(purposes)s) ORDER BY c.purpose) AS purposes
    FROM registration_business b JOIN geography_kecamatan kc ON kc.id = b.kecamatan_id
    JOIN registration_participant p ON p.id = b.participant_id
    WHERE EXISTS (SELECT 1 FROM partners_consent c WHERE c.participant_id = b.participant_id
                  AND c.organisation_id = %(organisation)s AND c.withdrawn_at IS NULL
                  AND c.purpose = ANY (%(purposes)s)
                  AND c.purpose IN ('mentoring', 'licensing', 'marketing', 'bookkeeping')) AND {{after}}
    ORDER BY b.id DESC LIMIT {API_PAGE_SIZE + 1}"""

VISIBLE_SESSIONS = (
    "training_session s JOIN training_course c ON c.id = s.course_id",
    "c.organiser_partner_id = k.organisation",
)
SESSIONS_PAGE = f"""
    SELECT s.*, w.code, s.capacity - s.enrolled_count AS seats_left FROM training_session s
    JOIN training_course c ON c.id = s.course_id LEFT JOIN geography_wilayah w ON w.id = s.wilayah_id
    WHERE c.organiser_partner_id = %(organisation)s AND {{after}}
    ORDER BY s.starts_at DESC, s.id DESC LIMIT {API_PAGE_SIZE + 1}"""

VISIBLE_REQUESTS = (
    "licensing_licencerequest q",
    """q.status IN ('submitted', 'issued', 'refused')
       AND EXISTS (SELECT 1 FROM partners_consent c WHERE c.participant_id = q.participant_id
                   AND c.organisation_id = k.organisation AND c.withdrawn_at IS NULL AND c.purpose = 'licensing')
       AND EXISTS (SELECT 1 FROM licensing_requestmove m WHERE m.request_id = q.id AND m.to_status = 'submitted')""",
)
REQUESTS_PAGE = f"""
    SELECT q.*, t.code, b.name, bk.code, l.number, l.issued_on,
           (SELECT json_agg(json_build_object('status', m.to_status, 'at', m.moved_at) ORDER BY m.moved_at, m.id)
            FROM licensing_requestmove m WHERE m.request_id = q.id) AS moves
    FROM licensing_licencerequest q JOIN licensing_licencetype t ON t.id = q.licence_type_id
    LEFT JOIN registration_business b ON b.participant_id = q.participant_id
    LEFT JOIN geography_kecamatan bk ON bk.id = b.kecamatan_id LEFT JOIN licensing_licence l ON l.request_id = q.id
    WHERE q.status IN ('submitted', 'issued', 'refused')
      AND EXISTS (SELECT 1 FROM partners_consent c WHERE c.participant_id = q.participant_id
                  AND c.organisation_id = %(organisation)s AND c.withdrawn_at IS NULL AND c.purpose = 'licensing')
      AND EXISTS (SELECT 1 FROM licensing_requestmove m WHERE m.request_id = q.id AND m.to_status = 'submitted')
      AND {{after}}
    ORDER BY q.id DESC LIMIT {API_PAGE_SIZE + 1}"""

PUBLIC_PRODUCTS = (
    "marketing_product x",
    "x.grade IN ('A', 'B') AND EXISTS (SELECT 1 FROM marketing_listing l WHERE l.business_id = x.business_id"
    " AND l.published)",
)
PRODUCTS_PAGE = f"""
    SELECT x.id, x.name, x.description, x.price, x.category, x.grade, x.graded_at, kc.code, kc.name,
           l.id, l.public_name, l.public_phone, l.public_email, l.eorder_url,
           (SELECT json_agg(ph.public_id ORDER BY ph.position, ph.id) FROM marketing_productphoto ph
            WHERE ph.product_id = x.id) AS photos
    FROM marketing_product x JOIN registration_business b ON b.id = x.business_id
    JOIN geography_kecamatan kc ON kc.id = b.kecamatan_id JOIN marketing_listing l ON l.business_id = b.id
    WHERE x.grade IN ('A', 'B') AND l.published AND {{after}}
    ORDER BY x.id DESC LIMIT {API_PAGE_SIZE + 1}"""

PUBLIC_LISTINGS = ("marketing_listing l", "l.published")
LISTINGS_PAGE = f"""
    SELECT l.id, l.public_name, l.description, l.public_phone, l.public_email, l.eorder_url, l.updated_at,
           kc.code, kc.name,
           (SELECT json_agg(json_build_object('platform', s.platform, 'url', s.url)) FROM marketing_onlinestore s
            WHERE s.business_id = l.business_id AND s.checked_at IS NOT NULL) AS stores
    FROM marketing_listing l JOIN registration_business b ON b.id = l.business_id
    JOIN geography_kecamatan kc ON kc.id = b.kecamatan_id
    WHERE l.published AND {{after}} ORDER BY l.id DESC LIMIT {API_PAGE_SIZE + 1}"""

VISIBLE_REFERRALS = (
    "capital_loanreferral x",
    """x.lender_id = k.organisation AND EXISTS (SELECT 1 FROM capital_referralmove m WHERE m.referral_id = x.id
       AND m.to_status = 'sent')""",
)
REFERRALS_PAGE = f"""
    SELECT x.*, fp.code, fp.name,
           (SELECT json_agg(json_build_object('status', m.to_status, 'at', m.moved_at) ORDER BY m.moved_at, m.id)
            FROM capital_referralmove m WHERE m.referral_id = x.id) AS moves
    FROM capital_loanreferral x JOIN capital_financingproduct fp ON fp.id = x.product_id
    WHERE x.lender_id = %(organisation)s AND EXISTS (
        SELECT 1 FROM capital_referralmove m WHERE m.referral_id = x.id AND m.to_status = 'sent') AND {{after}}
    ORDER BY x.id DESC LIMIT {API_PAGE_SIZE + 1}"""


def detail(
    name: str, url: str, key_pick: str, chosen: str, sql: tuple[str, ...], *, joins: str = "", order: str = ""
) -> Page:
    """One record an endpoint returns; `chosen` adds the pick's columns (the record's id) to the key's row `k`,
    from `joins` (the first by `order`) when given."""
    ordered = f" ORDER BY {order} LIMIT 1" if order else ""
    return Page(
        name=f"api: {name}",
        who="partner key",
        url=url,
        pick=f"WITH k AS ({key_pick}) SELECT k.*, {chosen} FROM k {joins}{ordered}",
        sql=sql,
    )


PAGES = [
    *pair(
        "participants",
        "/api/v1/participants/",
        PARTNER_KEY,
        VISIBLE_PARTICIPANTS,
        "p.created_at",
        "p.created_at DESC, p.id DESC",
        PARTICIPANTS_PAGE,
    ),
    detail(
        "a participant",
        "/api/v1/participants/{participant}/",
        PARTNER_KEY,
        "(SELECT c.participant_id FROM partners_consent c WHERE c.organisation_id = k.organisation"
        " AND c.withdrawn_at IS NULL AND c.purpose = ANY (k.purposes) ORDER BY c.id DESC LIMIT 1) AS participant",
        (PARTICIPANTS_PAGE.format(after="p.id = %(participant)s"),),
    ),
    *pair("businesses", "/api/v1/businesses/", BUSINESS_KEY, VISIBLE_BUSINESSES, "b.id", "b.id DESC", BUSINESSES_PAGE),
    detail(
        "a business",
        "/api/v1/businesses/{business}/",
        BUSINESS_KEY,
        "(SELECT b.id FROM registration_business b JOIN partners_consent c ON c.participant_id = b.participant_id"
        " WHERE c.organisation_id = k.organisation AND c.withdrawn_at IS NULL AND c.purpose = ANY (k.purposes)"
        " AND c.purpose IN ('mentoring', 'licensing', 'marketing', 'bookkeeping') ORDER BY c.id DESC LIMIT 1)"
        " AS business",
        (BUSINESSES_PAGE.format(after="b.id = %(business)s"),),
    ),
    detail(
        "a business's indicators",
        "/api/v1/businesses/{business}/indicators/",
        key("k.kind = 'partner' AND g.steps @> ARRAY['P6']::varchar[]", f"{CONSENTS_OF_KEY} DESC"),
        "(SELECT b.id FROM registration_business b JOIN partners_consent c ON c.participant_id = b.participant_id"
        " WHERE c.organisation_id = k.organisation AND c.withdrawn_at IS NULL AND c.purpose = 'bookkeeping'"
        " ORDER BY (SELECT count(*) FROM finance_monthlyrecord m WHERE m.participant_id = b.participant_id) DESC,"
        " b.id LIMIT 1) AS business",
        (
            BUSINESSES_PAGE.format(after="b.id = %(business)s"),
            f"""SELECT m.* FROM finance_monthlyrecord m JOIN registration_business b ON b.participant_id =
                m.participant_id
                WHERE b.id = %(business)s ORDER BY m.month DESC, m.id DESC LIMIT {API_PAGE_SIZE + 1}""",
        ),
    ),
    detail(
        "training courses",
        "/api/v1/training/courses/",
        TRAINING_KEY,
        "1 AS one",
        (
            f"""SELECT * FROM training_course WHERE organiser_partner_id = %(organisation)s ORDER BY id DESC
             LIMIT {API_PAGE_SIZE + 1}""",
        ),
    ),
    detail(
        "a training course",
        "/api/v1/training/courses/{course}/",
        TRAINING_KEY,
        "(SELECT id FROM training_course WHERE organiser_partner_id = k.organisation ORDER BY id LIMIT 1) AS course",
        ("SELECT * FROM training_course WHERE id = %(course)s AND organiser_partner_id = %(organisation)s",),
    ),
    *pair(
        "training sessions",
        "/api/v1/training/sessions/",
        TRAINING_KEY,
        VISIBLE_SESSIONS,
        "s.starts_at",
        "s.starts_at DESC, s.id DESC",
        SESSIONS_PAGE,
    ),
    detail(
        "a training session",
        "/api/v1/training/sessions/{session}/",
        TRAINING_KEY,
        "(SELECT s.id FROM training_session s JOIN training_course c ON c.id = s.course_id"
        " WHERE c.organiser_partner_id = k.organisation ORDER BY s.id DESC LIMIT 1) AS session",
        (SESSIONS_PAGE.format(after="s.id = %(session)s"),),
    ),
    detail(
        "a session's enrolments",
        "/api/v1/training/sessions/{session}/enrolments/",
        TRAINING_KEY,
        "(SELECT e.session_id FROM training_enrolment e JOIN training_session s ON s.id = e.session_id"
        " JOIN training_course c ON c.id = s.course_id WHERE c.organiser_partner_id = k.organisation"
        " GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) AS session",
        (
            "SELECT s.id FROM training_session s JOIN training_course c ON c.id = s.course_id"
            " WHERE s.id = %(session)s AND c.organiser_partner_id = %(organisation)s",
            f"""SELECT e.*, p.full_name, (SELECT count(*) FROM training_attendance a WHERE a.enrolment_id = e.id
                AND a.present) FROM training_enrolment e JOIN registration_participant p ON p.id = e.participant_id
                WHERE e.session_id = %(session)s AND EXISTS (SELECT 1 FROM partners_consent c
                WHERE c.participant_id = e.participant_id AND c.organisation_id = %(organisation)s
                AND c.withdrawn_at IS NULL AND c.purpose = 'training') ORDER BY e.id DESC LIMIT {API_PAGE_SIZE + 1}""",
        ),
    ),
    detail(
        "licence types",
        "/api/v1/licensing/types/",
        LICENSING_KEY,
        "1 AS one",
        (
            "SELECT * FROM licensing_licencetype WHERE active ORDER BY position, id",
            "SELECT pr.from_licencetype_id, t.code FROM licensing_licencetype_prerequisites pr"
            " JOIN licensing_licencetype t ON t.id = pr.to_licencetype_id",
        ),
    ),
    *pair(
        "licence requests",
        "/api/v1/licensing/requests/",
        LICENSING_KEY,
        VISIBLE_REQUESTS,
        "q.id",
        "q.id DESC",
        REQUESTS_PAGE,
    ),
    detail(
        "a licence request",
        "/api/v1/licensing/requests/{request}/",
        LICENSING_KEY,
        f"{newest(VISIBLE_REQUESTS, 'q.id')} AS request",
        (REQUESTS_PAGE.format(after="q.id = %(request)s"),),
    ),
    *pair(
        "catalogue products",
        "/api/v1/catalogue/products/",
        CATALOGUE_KEY,
        PUBLIC_PRODUCTS,
        "x.id",
        "x.id DESC",
        PRODUCTS_PAGE,
    ),
    detail(
        "a catalogue product",
        "/api/v1/catalogue/products/{product}/",
        CATALOGUE_KEY,
        f"{newest(PUBLIC_PRODUCTS, 'x.id')} AS product",
        (PRODUCTS_PAGE.format(after="x.id = %(product)s"),),
    ),
    *pair(
        "catalogue listings",
        "/api/v1/catalogue/listings/",
        CATALOGUE_KEY,
        PUBLIC_LISTINGS,
        "l.id",
        "l.id DESC",
        LISTINGS_PAGE,
    ),
    detail(
        "a catalogue listing",
        "/api/v1/catalogue/listings/{listing}/",
        CATALOGUE_KEY,
        f"{newest(PUBLIC_LISTINGS, 'l.id')} AS listing",
        (LISTINGS_PAGE.format(after="l.id = %(listing)s"),),
    ),
    *pair(
        "loan referrals",
        "/api/v1/capital/referrals/",
        LENDER_KEY,
        VISIBLE_REFERRALS,
        "x.id",
        "x.id DESC",
        REFERRALS_PAGE,
    ),
    detail(
        "a loan referral",
        "/api/v1/capital/referrals/{referral}/",
        LENDER_KEY,
        f"{newest(VISIBLE_REFERRALS, 'x.id')} AS referral",
        (
            REFERRALS_PAGE.format(after="x.id = %(referral)s"),
            """SELECT p.full_name, p.nik, p.birth_date, p.address, p.phone, p.email, b.*, kc.code
               FROM capital_loanreferral x JOIN registration_participant p ON p.id = x.participant_id
               LEFT JOIN registration_business b ON b.participant_id = p.id
               LEFT JOIN geography_kecamatan kc ON kc.id = b.kecamatan_id WHERE x.id = %(referral)s""",
            """SELECT m.* FROM finance_monthlyrecord m JOIN capital_loanreferral x ON x.participant_id =
               m.participant_id
               WHERE x.id = %(referral)s ORDER BY m.month DESC LIMIT 12""",
            """SELECT s.code, s.period_start, s.period_end FROM finance_statement s JOIN capital_loanreferral x
               ON x.participant_id = s.participant_id WHERE x.id = %(referral)s ORDER BY s.issued_at DESC LIMIT 1""",
        ),
    ),
    detail(
        "a JAKI account's journey",
        "/api/v1/jaki/accounts/{account}/journey/",
        JAKI_KEY,
        "j.account, j.participant_id AS participant",
        (
            """SELECT j.*, p.user_id, r.status, r.reference, r.submitted_at, r.last_reason FROM partners_jakilink j
               JOIN registration_participant p ON p.id = j.participant_id
               JOIN registration_registration r ON r.participant_id = p.id
               WHERE j.account = %(account)s AND EXISTS (SELECT 1 FROM partners_consent c
               WHERE c.participant_id = j.participant_id AND c.organisation_id = %(organisation)s
               AND c.purpose = 'app_journey' AND c.withdrawn_at IS NULL)""",
            JOURNEY,
        ),
        joins="JOIN partners_jakilink j ON EXISTS (SELECT 1 FROM partners_consent c"
        " WHERE c.participant_id = j.participant_id AND c.organisation_id = k.organisation"
        " AND c.purpose = 'app_journey' AND c.withdrawn_at IS NULL)",
        order="(SELECT count(*) FROM licensing_licencerequest q WHERE q.participant_id = j.participant_id) DESC, j.id",
    ),
]

NOT_TIMED = {
    "jaki-registration-list": "POST only: the JAKI app registers a person",
    "jaki-link-list": "POST only: the JAKI app links an account",
    "jaki-account-detail": "DELETE only: the person unlinks their account",
    "training-session-attendance": "POST only: an organiser records a day's attendance",
    "licensing-request-status": "POST only: the office records its decision",
    "capital-referral-moves": "POST only: the lender moves a referral",
    "api-schema": "the OpenAPI schema, generated from the code (no data)",
}
