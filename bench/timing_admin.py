"""The admin's changelists, opened by agency staff: every registered model's first page, and for the models with
many rows a filtered list, a search and a deep page too.

The best SQL of a changelist is what it shows: the page of rows (50, `ProgramAdmin.list_per_page`) with the
columns of its `list_display` and their joins, in the admin's order; its count (an unfiltered list of a large
table shows PostgreSQL's estimate, `core.pagination.LargeTablePaginator`, a filtered one counts); and the choices
of its related-field filters (each lists the related table).
"""

import dataclasses

from bench.timing_pages import ADMIN_PAGE_SIZE, AGENCY, Page
from core.pagination import COUNT_CAP, ESTIMATE_ABOVE

KECAMATAN = "SELECT id, name FROM geography_kecamatan ORDER BY name"
WILAYAH = "SELECT id, name FROM geography_wilayah ORDER BY code"
ORGANISATIONS = "SELECT id, name FROM partners_partnerorganisation ORDER BY name"
LICENCE_TYPES = "SELECT id, name FROM licensing_licencetype ORDER BY position, name"
CALLS = "SELECT id, title FROM marketing_productcall ORDER BY opens_on DESC, id DESC"
PRODUCTS = "SELECT id, name FROM capital_financingproduct ORDER BY name"
SPACES = "SELECT id, name FROM marketing_sellingspace ORDER BY opens_on, name"


@dataclasses.dataclass(frozen=True)
class Changelist:
    """A model's changelist: its URL, the FROM clause with the joins its columns need (the model's table is `t`),
    the admin's order and the lists its filters show; `large` models get the filtered, searched and deep pages
    too (`filtered`: a query string and the WHERE it means; `search`: the WHERE of a search and a pick of its
    term)."""

    url: str
    table: str
    joins: str
    order: str
    choices: tuple[str, ...] = ()
    large: bool = False
    filtered: tuple[dict[str, str], str] | None = None
    search: tuple[str, str] | None = None  # (WHERE with %(term)s, pick of the term)
    administrator: bool = False  # a plain ModelAdmin: only an administrator (a superuser) opens it


def _page_sql(cl: Changelist, where: str = "") -> str:
    """A page of the list: its rows and one more, which says another page follows (core.admin.KeysetChangeList)."""
    return f"SELECT * FROM {cl.table} t {cl.joins} {where} ORDER BY {cl.order} LIMIT {ADMIN_PAGE_SIZE + 1}"


def _keyset(cl: Changelist) -> list[str] | None:
    """The columns of a list's keyset (core.pagination.Keyset): the order's columns, one direction, ending with the
    primary key; None for an order a keyset cannot follow (the list pages by number)."""
    terms = [term.split() for term in cl.order.split(",")]
    columns = [term[0] for term in terms]
    directions = {term[-1] == "DESC" for term in terms}
    if len(directions) != 1 or columns[-1] != "t.id" or any(not c.startswith("t.") for c in columns):
        return None
    return columns


def _estimate(cl: Changelist) -> str:
    """The count of an unfiltered list: PostgreSQL's estimate above ESTIMATE_ABOVE rows, else the rows counted up
    to COUNT_CAP + 1 (`LargeTablePaginator` and the admin's capped count)."""
    return (
        f"SELECT CASE WHEN reltuples > {ESTIMATE_ABOVE} THEN reltuples::bigint ELSE"
        f" (SELECT count(*) FROM (SELECT 1 FROM {cl.table} LIMIT {COUNT_CAP + 1}) c) END FROM pg_class"
        f" WHERE relname = '{cl.table}'"
    )


def _count(cl: Changelist, where: str) -> str:
    """A filtered list's count, up to COUNT_CAP + 1 ("more than COUNT_CAP")."""
    return f"SELECT count(*) FROM (SELECT 1 FROM {cl.table} t {cl.joins} {where} LIMIT {COUNT_CAP + 1}) c"


CHANGELISTS: dict[str, Changelist] = {
    "accounts.User": Changelist(
        "/admin/accounts/user/",
        "accounts_user",
        "LEFT JOIN geography_kecamatan k ON k.id = t.office_id",
        "t.id DESC",
        (KECAMATAN,),
        large=True,
        filtered=({"role__exact": "mentor", "is_active__exact": "1"}, "WHERE t.role = 'mentor' AND t.is_active"),
        search=("WHERE t.email = %(term)s", "SELECT email AS term FROM accounts_user ORDER BY id LIMIT 1"),
    ),
    "geography.Wilayah": Changelist("/admin/geography/wilayah/", "geography_wilayah", "", "t.code, t.id"),
    "geography.Kecamatan": Changelist(
        "/admin/geography/kecamatan/",
        "geography_kecamatan",
        "JOIN geography_wilayah w ON w.id = t.wilayah_id",
        "t.name, t.id",
        (WILAYAH,),
    ),
    "geography.Kelurahan": Changelist(
        "/admin/geography/kelurahan/",
        "geography_kelurahan",
        "JOIN geography_kecamatan k ON k.id = t.kecamatan_id",
        "t.name, t.id",
    ),
    "geography.KecamatanOffice": Changelist(
        "/admin/geography/kecamatanoffice/",
        "geography_kecamatanoffice",
        "JOIN geography_kecamatan k ON k.id = t.kecamatan_id JOIN geography_wilayah w ON w.id = k.wilayah_id",
        "w.code, k.name, t.id",
        (WILAYAH,),
    ),
    "notifications.Message": Changelist(
        "/admin/notifications/message/",
        "notifications_message",
        "LEFT JOIN accounts_user u ON u.id = t.recipient_id",
        "t.id DESC",
        large=True,
        filtered=(
            {"status__exact": "sent", "channel__exact": "email"},
            "WHERE t.status = 'sent' AND t.channel = 'email'",
        ),
        administrator=True,
    ),
    "registration.Participant": Changelist(
        "/admin/registration/participant/",
        "registration_participant",
        "JOIN geography_kecamatan k ON k.id = t.kecamatan_id"
        " LEFT JOIN registration_registration r ON r.participant_id = t.id",
        "t.id DESC",
        (KECAMATAN,),
        large=True,
        filtered=(
            {"registration__status__exact": "approved", "track__exact": "naik_kelas"},
            "WHERE r.status = 'approved' AND t.track = 'naik_kelas'",
        ),
        search=(
            "WHERE upper(t.full_name::text) LIKE upper(%(term)s) || '%%'",
            "SELECT split_part(full_name, ' ', 1) AS term FROM registration_participant ORDER BY id LIMIT 1",
        ),
    ),
    "registration.Business": Changelist(
        "/admin/registration/business/",
        "registration_business",
        "JOIN registration_participant p ON p.id = t.participant_id"
        " JOIN geography_kecamatan k ON k.id = t.kecamatan_id",
        "t.id DESC",
        (KECAMATAN,),
        large=True,
        filtered=({"sector__exact": "fashion"}, "WHERE t.sector = 'fashion'"),
    ),
    "registration.Registration": Changelist(
        "/admin/registration/registration/",
        "registration_registration",
        "JOIN registration_participant p ON p.id = t.participant_id"
        " JOIN geography_kecamatan k ON k.id = t.kecamatan_id LEFT JOIN accounts_user u ON u.id = t.registered_by_id",
        "t.id DESC",
        (KECAMATAN,),
        large=True,
        filtered=({"status__exact": "submitted"}, "WHERE t.status = 'submitted'"),
    ),
    "registration.ParticipantImport": Changelist(
        "/admin/registration/participantimport/",
        "registration_participantimport",
        "JOIN geography_kecamatan k ON k.id = t.office_id LEFT JOIN accounts_user u ON u.id = t.created_by_id",
        "t.id DESC",
        (KECAMATAN,),
    ),
    "partners.PartnerOrganisation": Changelist(
        "/admin/partners/partnerorganisation/", "partners_partnerorganisation", "", "t.name, t.id DESC"
    ),
    "partners.PartnerMember": Changelist(
        "/admin/partners/partnermember/",
        "partners_partnermember",
        "JOIN accounts_user u ON u.id = t.user_id JOIN partners_partnerorganisation o ON o.id = t.organisation_id",
        "t.id DESC",
    ),
    "partners.Agreement": Changelist(
        "/admin/partners/agreement/",
        "partners_agreement",
        "JOIN partners_partnerorganisation o ON o.id = t.organisation_id",
        "t.created_at DESC, t.id DESC",
    ),
    "partners.ConsentText": Changelist(
        "/admin/partners/consenttext/", "partners_consenttext", "", "t.purpose, t.version DESC, t.id DESC"
    ),
    "partners.Consent": Changelist(
        "/admin/partners/consent/",
        "partners_consent",
        "JOIN registration_participant p ON p.id = t.participant_id"
        " JOIN partners_partnerorganisation o ON o.id = t.organisation_id"
        " JOIN partners_consenttext x ON x.id = t.text_id",
        "t.id DESC",
        (ORGANISATIONS,),
        large=True,
        filtered=({"purpose__exact": "training"}, "WHERE t.purpose = 'training'"),
    ),
    "partners.AccessLog": Changelist(
        "/admin/partners/accesslog/",
        "partners_accesslog",
        "JOIN partners_partnerorganisation o ON o.id = t.organisation_id"
        " JOIN partners_partnerkey k ON k.id = t.key_id JOIN registration_participant p ON p.id = t.participant_id",
        "t.id DESC",
        (ORGANISATIONS,),
        large=True,
        filtered=(
            {"organisation__id__exact": "{organisation}"},
            "WHERE t.organisation_id = %(organisation)s",
        ),
    ),
    "partners.JakiLink": Changelist(
        "/admin/partners/jakilink/",
        "partners_jakilink",
        "JOIN registration_participant p ON p.id = t.participant_id",
        "t.id DESC",
    ),
    "partners.PartnerKey": Changelist(
        "/admin/partners/partnerkey/",
        "partners_partnerkey",
        "JOIN partners_partnerorganisation o ON o.id = t.organisation_id"
        " LEFT JOIN partners_agreement g ON g.id = t.agreement_id",
        "t.created DESC, t.id DESC",
        (ORGANISATIONS,),
    ),
    "training.Course": Changelist(
        "/admin/training/course/",
        "training_course",
        "LEFT JOIN partners_partnerorganisation o ON o.id = t.organiser_partner_id",
        "t.id DESC",
    ),
    "training.Session": Changelist(
        "/admin/training/session/",
        "training_session",
        "JOIN training_course c ON c.id = t.course_id LEFT JOIN geography_wilayah w ON w.id = t.wilayah_id",
        "t.id DESC",
        (WILAYAH,),
    ),
    "training.Enrolment": Changelist(
        "/admin/training/enrolment/",
        "training_enrolment",
        "JOIN registration_participant p ON p.id = t.participant_id JOIN training_session s ON s.id = t.session_id"
        " JOIN training_course c ON c.id = s.course_id",
        "t.id DESC",
        large=True,
        filtered=({"status__exact": "completed"}, "WHERE t.status = 'completed'"),
    ),
    "training.Certificate": Changelist("/admin/training/certificate/", "training_certificate", "", "t.id DESC"),
    "training.Rating": Changelist(
        "/admin/training/rating/",
        "training_rating",
        "JOIN training_enrolment e ON e.id = t.enrolment_id JOIN training_session s ON s.id = e.session_id"
        " JOIN training_course c ON c.id = s.course_id",
        "t.id DESC",
    ),
    "mentoring.MentorAssignment": Changelist(
        "/admin/mentoring/mentorassignment/",
        "mentoring_mentorassignment",
        "JOIN registration_participant p ON p.id = t.participant_id JOIN accounts_user m ON m.id = t.mentor_id"
        " LEFT JOIN accounts_user s ON s.id = t.assigned_by_id",
        "t.id DESC",
        (KECAMATAN,),
        large=True,
        filtered=(
            {"active__exact": "1", "kecamatan__id__exact": "{kecamatan}"},
            "WHERE t.active AND t.kecamatan_id = %(kecamatan)s",
        ),
    ),
    "mentoring.Visit": Changelist(
        "/admin/mentoring/visit/",
        "mentoring_visit",
        "JOIN registration_participant p ON p.id = t.participant_id JOIN accounts_user m ON m.id = t.mentor_id",
        "t.date DESC, t.id DESC",
        (KECAMATAN,),
        large=True,
        filtered=({"kind__exact": "{kind}", "shared__exact": "1"}, "WHERE t.kind = %(kind)s AND t.shared"),
        search=(
            "WHERE upper(p.full_name::text) LIKE upper(%(term)s) || '%%'",
            "SELECT split_part(full_name, ' ', 1) AS term FROM registration_participant ORDER BY id LIMIT 1",
        ),
    ),
    "mentoring.FollowUp": Changelist(
        "/admin/mentoring/followup/",
        "mentoring_followup",
        "JOIN registration_participant p ON p.id = t.participant_id LEFT JOIN accounts_user d ON d.id = t.done_by_id",
        "t.due_date DESC, t.id DESC",
        (KECAMATAN,),
        large=True,
        filtered=({"done_at__isempty": "1"}, "WHERE t.done_at IS NULL"),
    ),
    "mentoring.HelpRequest": Changelist(
        "/admin/mentoring/helprequest/",
        "mentoring_helprequest",
        "JOIN registration_participant p ON p.id = t.participant_id LEFT JOIN accounts_user m ON m.id = t.mentor_id",
        "t.last_message_at DESC, t.id DESC",
        (KECAMATAN,),
    ),
    "mentoring.MentorTarget": Changelist(
        "/admin/mentoring/mentortarget/",
        "mentoring_mentortarget",
        "JOIN accounts_user m ON m.id = t.mentor_id LEFT JOIN accounts_user s ON s.id = t.set_by_id",
        "t.year DESC, m.full_name, t.id DESC",
        (KECAMATAN,),
    ),
    "mentoring.MentorTraining": Changelist(
        "/admin/mentoring/mentortraining/",
        "mentoring_mentortraining",
        "JOIN accounts_user m ON m.id = t.mentor_id LEFT JOIN accounts_user s ON s.id = t.recorded_by_id",
        "t.date DESC, t.id DESC",
        (KECAMATAN,),
    ),
    "licensing.LicenceType": Changelist(
        "/admin/licensing/licencetype/", "licensing_licencetype", "", "t.position, t.name, t.id DESC"
    ),
    "licensing.LicenceRequest": Changelist(
        "/admin/licensing/licencerequest/",
        "licensing_licencerequest",
        "JOIN registration_participant p ON p.id = t.participant_id"
        " JOIN licensing_licencetype lt ON lt.id = t.licence_type_id",
        "t.id DESC",
        (LICENCE_TYPES, KECAMATAN),
        large=True,
        filtered=({"status__exact": "requested"}, "WHERE t.status = 'requested'"),
    ),
    "licensing.Licence": Changelist(
        "/admin/licensing/licence/",
        "licensing_licence",
        "JOIN registration_participant p ON p.id = t.participant_id"
        " JOIN licensing_licencetype lt ON lt.id = t.licence_type_id",
        "t.id DESC",
        (LICENCE_TYPES, KECAMATAN),
        large=True,
        filtered=({"licence_type__id__exact": "{licence_type}"}, "WHERE t.licence_type_id = %(licence_type)s"),
    ),
    "marketing.Listing": Changelist(
        "/admin/marketing/listing/",
        "marketing_listing",
        "JOIN registration_business b ON b.id = t.business_id",
        "t.id DESC",
    ),
    "marketing.Product": Changelist(
        "/admin/marketing/product/",
        "marketing_product",
        "JOIN registration_business b ON b.id = t.business_id",
        "t.id DESC",
        large=True,
        filtered=({"grade__exact": "A", "category__exact": "food"}, "WHERE t.grade = 'A' AND t.category = 'food'"),
    ),
    "marketing.OnlineStore": Changelist(
        "/admin/marketing/onlinestore/",
        "marketing_onlinestore",
        "JOIN registration_business b ON b.id = t.business_id LEFT JOIN accounts_user u ON u.id = t.checked_by_id",
        "t.id DESC",
    ),
    "marketing.ProductCall": Changelist(
        "/admin/marketing/productcall/",
        "marketing_productcall",
        "LEFT JOIN accounts_user u ON u.id = t.created_by_id",
        "t.opens_on DESC, t.id DESC",
    ),
    "marketing.Submission": Changelist(
        "/admin/marketing/submission/",
        "marketing_submission",
        "JOIN marketing_product x ON x.id = t.product_id JOIN marketing_productcall c ON c.id = t.call_id",
        "t.id DESC",
        (CALLS,),
    ),
    "marketing.SellingSpace": Changelist(
        "/admin/marketing/sellingspace/",
        "marketing_sellingspace",
        "LEFT JOIN geography_wilayah w ON w.id = t.wilayah_id",
        "t.opens_on, t.name, t.id DESC",
        (WILAYAH,),
    ),
    "marketing.Booth": Changelist(
        "/admin/marketing/booth/",
        "marketing_booth",
        "JOIN marketing_sellingspace sp ON sp.id = t.space_id",
        "t.space_id, t.code, t.id DESC",
        (WILAYAH,),
    ),
    "marketing.SpaceApplication": Changelist(
        "/admin/marketing/spaceapplication/",
        "marketing_spaceapplication",
        "JOIN registration_business b ON b.id = t.business_id JOIN marketing_sellingspace sp ON sp.id = t.space_id",
        "t.id DESC",
        (WILAYAH,),
    ),
    "marketing.BoothAllocation": Changelist(
        "/admin/marketing/boothallocation/",
        "marketing_boothallocation",
        "JOIN marketing_booth bo ON bo.id = t.booth_id JOIN marketing_sellingspace sp ON sp.id = bo.space_id"
        " JOIN registration_business b ON b.id = t.business_id",
        "t.id DESC",
        (WILAYAH,),
    ),
    "feedback.Post": Changelist(
        "/admin/feedback/post/",
        "feedback_post",
        "JOIN geography_kecamatan k ON k.id = t.kecamatan_id JOIN registration_participant a ON a.id = t.author_id",
        "t.id DESC",
    ),
    "finance.MonthlyRecord": Changelist(
        "/admin/finance/monthlyrecord/",
        "finance_monthlyrecord",
        "JOIN registration_participant p ON p.id = t.participant_id"
        " LEFT JOIN accounts_user u ON u.id = t.recorded_by_id",
        "t.month DESC, t.id DESC",
        (KECAMATAN,),
        large=True,
        filtered=({"participant__kecamatan__id__exact": "{kecamatan}"}, "WHERE p.kecamatan_id = %(kecamatan)s"),
    ),
    "finance.Entry": Changelist(
        "/admin/finance/entry/",
        "finance_entry",
        "JOIN registration_participant p ON p.id = t.participant_id",
        "t.day DESC, t.id DESC",
        large=True,
        filtered=(
            {"direction__exact": "out", "category__exact": "rent"},
            "WHERE t.direction = 'out' AND t.category = 'rent'",
        ),
        search=(
            "WHERE upper(p.full_name::text) LIKE upper(%(term)s) || '%%'",
            "SELECT split_part(full_name, ' ', 1) AS term FROM registration_participant ORDER BY id LIMIT 1",
        ),
    ),
    "finance.Debt": Changelist(
        "/admin/finance/debt/",
        "finance_debt",
        "JOIN registration_participant p ON p.id = t.participant_id",
        "t.incurred_on DESC, t.id DESC",
    ),
    "finance.MonthEvent": Changelist(
        "/admin/finance/monthevent/",
        "finance_monthevent",
        "JOIN registration_participant p ON p.id = t.participant_id LEFT JOIN accounts_user u ON u.id = t.by_id",
        "t.id DESC",
    ),
    "finance.ClassChange": Changelist(
        "/admin/finance/classchange/",
        "finance_classchange",
        "JOIN registration_participant p ON p.id = t.participant_id",
        "t.id DESC",
        (KECAMATAN,),
    ),
    "finance.Statement": Changelist(
        "/admin/finance/statement/",
        "finance_statement",
        "JOIN registration_participant p ON p.id = t.participant_id",
        "t.id DESC",
    ),
    "finance.ImportBatch": Changelist(
        "/admin/finance/importbatch/",
        "finance_importbatch",
        "JOIN registration_participant p ON p.id = t.participant_id",
        "t.id DESC",
    ),
    "capital.FinancingProduct": Changelist(
        "/admin/capital/financingproduct/",
        "capital_financingproduct",
        "JOIN partners_partnerorganisation o ON o.id = t.lender_id",
        "o.name, t.name, t.id DESC",
        (ORGANISATIONS,),
    ),
    "capital.LoanReferral": Changelist(
        "/admin/capital/loanreferral/",
        "capital_loanreferral",
        "JOIN registration_participant p ON p.id = t.participant_id JOIN geography_kecamatan k"
        " ON k.id = p.kecamatan_id JOIN capital_financingproduct fp ON fp.id = t.product_id"
        " JOIN partners_partnerorganisation o ON o.id = t.lender_id"
        " LEFT JOIN partners_consent c ON c.id = t.consent_id",
        "t.id DESC",
        (ORGANISATIONS, PRODUCTS, KECAMATAN),
        large=True,
        filtered=({"status__exact": "requested"}, "WHERE t.status = 'requested'"),
    ),
    "targets.Target": Changelist(
        "/admin/targets/target/",
        "targets_target",
        "LEFT JOIN geography_wilayah w ON w.id = t.wilayah_id LEFT JOIN geography_kecamatan k"
        " ON k.id = t.kecamatan_id LEFT JOIN accounts_user m ON m.id = t.mentor_id"
        " LEFT JOIN accounts_user u ON u.id = t.updated_by_id",
        "t.year DESC, t.level, t.measure, t.id",
        (WILAYAH,),
    ),
    "auth.Group": Changelist("/admin/auth/group/", "auth_group", "", "t.name", administrator=True),
    "django_celery_beat.PeriodicTask": Changelist(
        "/admin/django_celery_beat/periodictask/",
        "django_celery_beat_periodictask",
        "LEFT JOIN django_celery_beat_intervalschedule i ON i.id = t.interval_id",
        "t.id DESC",
        administrator=True,
    ),
    "django_celery_beat.ClockedSchedule": Changelist(
        "/admin/django_celery_beat/clockedschedule/",
        "django_celery_beat_clockedschedule",
        "",
        "t.clocked_time",
        administrator=True,
    ),
    "django_celery_beat.CrontabSchedule": Changelist(
        "/admin/django_celery_beat/crontabschedule/",
        "django_celery_beat_crontabschedule",
        "",
        "t.month_of_year, t.day_of_month, t.day_of_week, t.hour, t.minute",
        administrator=True,
    ),
    "django_celery_beat.SolarSchedule": Changelist(
        "/admin/django_celery_beat/solarschedule/",
        "django_celery_beat_solarschedule",
        "",
        "t.event",
        administrator=True,
    ),
    "django_celery_beat.IntervalSchedule": Changelist(
        "/admin/django_celery_beat/intervalschedule/",
        "django_celery_beat_intervalschedule",
        "",
        "t.period, t.every",
        administrator=True,
    ),
    "axes.AccessAttempt": Changelist(
        "/admin/axes/accessattempt/", "axes_accessattempt", "", "t.id DESC", administrator=True
    ),
    "axes.AccessLog": Changelist("/admin/axes/accesslog/", "axes_accesslog", "", "t.id DESC", administrator=True),
    "axes.AccessFailureLog": Changelist(
        "/admin/axes/accessfailurelog/", "axes_accessfailurelog", "", "t.id DESC", administrator=True
    ),
}

# the values a filtered page's query string names, asked of the data
FILTER_VALUES = {
    "organisation": "(SELECT organisation_id FROM partners_accesslog GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1)",
    "kecamatan": "(SELECT kecamatan_id FROM registration_participant GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1)",
    "kind": "(SELECT kind FROM mentoring_visit GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1)",
    "licence_type": "(SELECT licence_type_id FROM licensing_licence GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1)",
}


ADMINISTRATOR = "SELECT id AS user FROM accounts_user WHERE is_superuser AND is_active ORDER BY id LIMIT 1"


def _pick(names: list[str], extra: str = "", who: str = AGENCY) -> str:
    values = "".join(f", {FILTER_VALUES[name]} AS {name}" for name in names)
    return f"WITH s AS ({who}) SELECT s.user{values}{extra} FROM s"


def pages() -> list[Page]:
    """Every changelist, and the filtered, searched and deep pages of the large ones; then the admin's index."""
    found = [
        Page(
            name="admin: index",
            who="agency",
            url="/admin/",
            pick=AGENCY,
            sql=("SELECT id, app_label, model FROM django_content_type ORDER BY app_label, model",),
        )
    ]
    for label, cl in CHANGELISTS.items():
        who, opener = ("administrator", ADMINISTRATOR) if cl.administrator else ("agency", AGENCY)
        found.append(
            Page(
                name=f"admin: {label}",
                who=who,
                url=cl.url,
                pick=opener,
                sql=(_estimate(cl), _page_sql(cl), *cl.choices),
            )
        )
        if not cl.large:
            continue
        if cl.filtered is not None:
            query, where = cl.filtered
            names = [name for name in FILTER_VALUES if f"{{{name}}}" in "".join(query.values())]
            found.append(
                Page(
                    name=f"admin: {label}, filtered",
                    who=who,
                    url=cl.url,
                    params=query,
                    pick=_pick(names, who=opener),
                    sql=(_count(cl, where), _page_sql(cl, where), *cl.choices),
                )
            )
        if cl.search is not None:
            where, term = cl.search
            found.append(
                Page(
                    name=f"admin: {label}, searched",
                    who=who,
                    url=cl.url,
                    params={"q": "{term}"},
                    pick=_pick([], f", ({term}) AS term", who=opener),
                    sql=(_count(cl, where), _page_sql(cl, where), *cl.choices),
                )
            )
        columns = _keyset(cl)
        if columns is None:
            raise ValueError(f"{label}: a large list whose order no keyset follows")
        # the row a thousand pages deep (or half-way), its keyset token (?after=, as KeysetChangeList writes it)
        # and its values
        depth = (
            f"greatest(0, least(1000, (SELECT reltuples::bigint FROM pg_class WHERE relname = '{cl.table}')"
            f" / {ADMIN_PAGE_SIZE} / 2)::int * {ADMIN_PAGE_SIZE} - 1)"
        )
        texts = ", ".join(f"{column}::text" for column in columns)
        token = (
            f"rtrim(translate(replace(encode(convert_to(json_build_array({texts})::text, 'UTF8'), 'base64'),"
            f" E'\\n', ''), '+/', '-_'), '=')"
        )
        keys = ", ".join(f"{column} AS k{n}" for n, column in enumerate(columns))
        deep = (
            f", d.* FROM s, (SELECT {token} AS after, {keys} FROM {cl.table} t ORDER BY {cl.order}"
            f" OFFSET {depth} LIMIT 1) d"
        )
        comparison = "<" if cl.order.split(",")[0].split()[-1] == "DESC" else ">"
        after = f"WHERE ({', '.join(columns)}) {comparison} ({', '.join(f'%(k{n})s' for n in range(len(columns)))})"
        found.append(
            Page(
                name=f"admin: {label}, a deep page",
                who=who,
                url=cl.url,
                params={"after": "{after}"},
                pick=f"WITH s AS ({opener}) SELECT s.user{deep}",
                sql=(_estimate(cl), _page_sql(cl, after), *cl.choices),
            )
        )
    return found
