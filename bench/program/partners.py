"""The program's partners: about `sizes.partners` organisations of every kind (Bank DKI and the other banks,
fintech lenders, cooperatives, marketplaces, universities, companies, community groups, ministries, the licensing
office DPMPTSP and the JAKI city app), two member users each (the first its partner administrator), an API account
for each organisation that holds keys, their agreements in every state (in talks with meetings only, signed and not
started, active, expired, ended early) with meetings and signed documents, the consent texts of every purpose,
participants' consents, API keys, the access log and the JAKI links.

Proportions: about 35 % of the approved participants consent to one partner for a purpose its agreement covers,
12 % to a second; the consent is given while that agreement is in force and after the participant's decision, and
12 % of consents are withdrawn since. 85 % of the participants registered through the JAKI channel let the app show
their journey (8 % withdrew it since) and 90 % of those who still do are linked to a JAKI account. Every organisation
with a signed agreement that runs today holds one usable key; the rest of `sizes.keys` are rotated (revoked, replaced
by the usable one), expired, or keys of agreements that have ended. `sizes.access_logs` reads spread over the last
year, each by a key while it and its agreement ran, of a participant whose consent stood then.

Keys are made as djangorestframework-api-key makes them (prefix, "sha512$$" + the hex SHA-512 of "prefix.secret", the
id "prefix.hashed_key"), with the secret derived from the seed and the prefix: `raw_key(seed, prefix)` gives a
benchmark the key to send, and nothing secret is printed."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import random
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db import models

    from .program import Program

CONSENT_SHARE = 0.35  # of the approved: a first consent
SECOND_CONSENT_SHARE = 0.12  # of the approved: a second one, to another partner or purpose
WITHDRAWN_SHARE = 0.12
JAKI_CONSENT_SHARE = 0.85  # of those registered through JAKI
JAKI_WITHDRAWN_SHARE = 0.08
JAKI_LINKED_SHARE = 0.90  # of the active JAKI consents
MEMBERS_PER_ORGANISATION = 2
READ_DAYS = 365
READ_KEY_SLOTS = 1000  # the keys' weighted draw: each key holds slots in proportion to its weight
LOAN_TEXT_V2_AGE_DAYS = 300  # the loan-assessment text's second version was published this many days ago
LOAN_TEXT_V2_ID = 8  # the consent texts' ids: version 1 of each purpose of PURPOSE_STEP in order, then this one


@dataclasses.dataclass(frozen=True)
class Plan:
    """An agreement: its steps and its dates as days from today (None: in talks, not signed)."""

    kind: str
    steps: tuple[str, ...]
    title: str
    signed: int | None = None
    starts: int | None = None
    ends: int | None = None
    ended: int | None = None
    end_reason: str = ""


@dataclasses.dataclass(frozen=True)
class Organisation:
    name: str
    kind: str
    domain: str
    agreements: tuple[Plan, ...]
    _: dataclasses.KW_ONLY
    city_app: bool = False
    weight: int = 1  # how many consenting participants it draws, relative to the others


def _pks(steps: tuple[str, ...], title: str, signed: int, length: int, **more: Any) -> Plan:
    return Plan("pks", steps, title, signed=signed, starts=signed + 10, ends=signed + 10 + length, **more)


def _mou(steps: tuple[str, ...], title: str, signed: int, length: int, **more: Any) -> Plan:
    return Plan("mou", steps, title, signed=signed, starts=signed + 5, ends=signed + 5 + length, **more)


def _talks(steps: tuple[str, ...], title: str) -> Plan:
    return Plan("pks", steps, title)


CREDIT = "Penilaian kredit usaha peserta JakPreneur"
SHOP = "Pelatihan jualan daring dan kurasi produk UMKM"
CLASS = "Pelatihan dan pendampingan usaha oleh perguruan tinggi"

# The organisations every program has, whatever its size (the others are made up to `sizes.partners`).
ORGANISATIONS = (
    Organisation(
        "Bank DKI",
        "bank",
        "bankdki.co.id",
        (
            _mou(("P6",), "Literasi keuangan bagi wirausaha pemula", -1100, 365),
            _pks(("P6", "P7"), CREDIT + " dan kredit usaha rakyat", -760, 1100),
        ),
        weight=4,
    ),
    Organisation("Bank Rakyat Indonesia", "bank", "bri.co.id", (_pks(("P7",), CREDIT, -500, 730),), weight=3),
    Organisation("Bank Mandiri", "bank", "bankmandiri.co.id", (_pks(("P6", "P7"), CREDIT, -600, 1095),), weight=2),
    Organisation(
        "Bank Negara Indonesia",
        "bank",
        "bni.co.id",
        (_mou(("P7",), "Kredit usaha mikro", -900, 735), _pks(("P7",), CREDIT + " 2027-2028", -5, 730)),
    ),
    Organisation("Bank Syariah Indonesia", "bank", "bankbsi.co.id", (_pks(("P7",), "Pembiayaan syariah", -400, 415),)),
    Organisation(
        "Amartha", "fintech", "amartha.com", (_pks(("P3", "P7"), "Pembiayaan usaha mikro", -450, 730),), weight=2
    ),
    Organisation("KoinWorks", "fintech", "koinworks.com", (_pks(("P6", "P7"), "Pembukuan dan pinjaman", -300, 350),)),
    Organisation("Modalku", "fintech", "modalku.co.id", (_talks(("P7",), "Pinjaman modal kerja UMKM"),)),
    Organisation(
        "Investree",
        "fintech",
        "investree.id",
        (
            _pks(
                ("P7",),
                "Pinjaman modal usaha",
                -800,
                1100,
                ended=-200,
                end_reason="Izin usaha penyelenggara dicabut oleh OJK.",
            ),
        ),
    ),
    Organisation(
        "Koperasi Syariah Benteng Mikro Indonesia",
        "cooperative",
        "kopsyahbmi.co.id",
        (_pks(("P7",), "Pembiayaan anggota koperasi", -550, 730),),
        weight=2,
    ),
    Organisation(
        "Koperasi Simpan Pinjam Wanita Mandiri Jakarta",
        "cooperative",
        "kspwanitamandiri.id",
        (_pks(("P3", "P7"), "Simpan pinjam dan pendampingan anggota", -350, 730),),
    ),
    Organisation(
        "Tokopedia",
        "marketplace",
        "tokopedia.com",
        (_pks(("P2", "P5"), SHOP, -700, 1095),),
        weight=5,
    ),
    Organisation("Shopee Indonesia", "marketplace", "shopee.co.id", (_pks(("P2", "P5"), SHOP, -640, 720),), weight=4),
    Organisation(
        "Blibli",
        "marketplace",
        "blibli.com",
        (_pks(("P5",), "Kurasi produk lokal Jakarta", -1000, 730), _talks(("P5",), "Kurasi produk lokal 2027")),
    ),
    Organisation(
        "Bukalapak",
        "marketplace",
        "bukalapak.com",
        (_pks(("P5",), SHOP, -500, 730, ended=-100, end_reason="Mitra menutup layanan lapak fisik."),),
    ),
    Organisation(
        "Universitas Indonesia", "university", "ui.ac.id", (_pks(("P2", "P3"), CLASS, -800, 1090),), weight=3
    ),
    Organisation(
        "Universitas Negeri Jakarta",
        "university",
        "unj.ac.id",
        (_mou(("P3",), "Pendampingan usaha oleh mahasiswa KKN", -1000, 700),),
    ),
    Organisation("Universitas Trisakti", "university", "trisakti.ac.id", (_talks(("P2",), CLASS),)),
    Organisation(
        "Universitas Prasetiya Mulya",
        "university",
        "prasetiyamulya.ac.id",
        (_pks(("P2", "P3"), "Klinik bisnis naik kelas", -200, 720),),
    ),
    Organisation("Universitas Bina Nusantara", "university", "binus.ac.id", (_mou(("P2",), CLASS, -260, 730),)),
    Organisation(
        "DPMPTSP Provinsi DKI Jakarta",
        "government",
        "dpmptsp.jakarta.go.id",
        (_pks(("P4",), "Penerbitan izin usaha peserta JakPreneur", -1000, 1460),),
        weight=5,
    ),
    Organisation(
        "Aplikasi JAKI (Diskominfotik DKI Jakarta)",
        "government",
        "jaki.jakarta.go.id",
        (
            _pks(("P1",), "Pendaftaran dan perjalanan program di aplikasi JAKI", -1200, 830),
            _pks(("P1",), "Pendaftaran dan perjalanan program di aplikasi JAKI 2026-2028", -380, 1095),
        ),
        city_app=True,
    ),
    Organisation(
        "Kementerian Koperasi dan UKM",
        "government",
        "kemenkopukm.go.id",
        (_mou(("P2",), "Pelatihan kewirausahaan nasional", -500, 730),),
    ),
    Organisation(
        "Balai Besar POM di Jakarta",
        "government",
        "pom.go.id",
        (_pks(("P4",), "Pendampingan izin edar pangan olahan", -300, 730),),
    ),
    Organisation(
        "PT Telkom Indonesia",
        "company",
        "telkom.co.id",
        (_pks(("P2", "P6"), "Digitalisasi UMKM dan aplikasi pembukuan", -400, 720),),
        weight=2,
    ),
    Organisation(
        "Sampoerna Entrepreneurship Training Center",
        "company",
        "setc.sampoerna.com",
        (_mou(("P2",), "Pelatihan kewirausahaan", -900, 700), _pks(("P2", "P3"), "Inkubasi usaha", -150, 720)),
    ),
    Organisation(
        "Komunitas Tangan Di Atas Jakarta",
        "community",
        "tdajakarta.org",
        (_mou(("P2", "P3"), "Mentoring sesama pengusaha", -300, 730),),
    ),
    Organisation(
        "Asosiasi UMKM Indonesia (Akumindo)", "community", "akumindo.or.id", (_talks(("P3",), "Mentoring anggota"),)
    ),
)

# the made-up organisations that fill the program up to `sizes.partners`: (kind, name prefix, steps)
FILLERS = (
    ("cooperative", "Koperasi Simpan Pinjam Sejahtera", ("P7",)),
    ("bank", "BPR Mitra Usaha", ("P7",)),
    ("marketplace", "Pasar Daring Kampung", ("P5",)),
    ("university", "Sekolah Tinggi Ilmu Ekonomi", ("P2", "P3")),
    ("company", "CV Maju Bersama", ("P2",)),
    ("community", "Komunitas UMKM", ("P3",)),
    ("fintech", "Dana Usaha Nusantara", ("P6", "P7")),
)
PLACES = (
    "Tebet", "Cakung", "Kemayoran", "Cengkareng", "Pasar Rebo", "Kebayoran", "Cilincing", "Menteng",
    "Kramat Jati", "Grogol", "Tanjung Priok", "Pancoran", "Jatinegara", "Kalideres", "Pademangan",
)  # fmt: skip
MEETING_NOTES = (
    "Paparan program dan kebutuhan mitra.",
    "Pembahasan draf naskah dan kriteria peserta.",
    "Penyelarasan jadwal dan pembagian peran.",
    "Evaluasi kerja sama dan usulan perpanjangan.",
)
PURPOSE_STEP = {
    "app_journey": "P1",
    "training": "P2",
    "mentoring": "P3",
    "licensing": "P4",
    "marketing": "P5",
    "bookkeeping": "P6",
    "loan_assessment": "P7",
}
# where each purpose's reads land in the API, and in what proportions
READ_ENDPOINTS = {
    "training": ("/api/v1/participants/", "/api/v1/participants/{p}/", "/api/v1/training/sessions/"),
    "mentoring": ("/api/v1/participants/", "/api/v1/participants/{p}/", "/api/v1/businesses/"),
    "licensing": ("/api/v1/licensing/requests/", "/api/v1/participants/{p}/", "/api/v1/businesses/"),
    "marketing": ("/api/v1/participants/", "/api/v1/businesses/", "/api/v1/businesses/{p}/"),
    "bookkeeping": ("/api/v1/businesses/", "/api/v1/businesses/{p}/", "/api/v1/businesses/{p}/indicators/"),
    "loan_assessment": ("/api/v1/capital/referrals/", "/api/v1/capital/referrals/", "/api/v1/businesses/{p}/"),
    "app_journey": ("/api/v1/jaki/accounts/{a}/journey/",) * 3,
}


def raw_key(seed: int, prefix: str) -> str:
    """The key a client sends (`Authorization: Api-Key <this>`) for the generated key with this prefix."""
    return f"{prefix}.{hashlib.sha256(f'bench-key:{seed}:{prefix}'.encode()).hexdigest()[:32]}"


def load(program: Program) -> None:
    program.execute("SET jit = off")  # compiling each chunk's expressions costs more than it saves
    organisations = plan_organisations(program)
    agreements = plan_agreements(program, organisations)
    keys = plan_keys(program, organisations, agreements)
    users(program, organisations, keys)
    organisation_rows(program, organisations, keys)
    agreement_rows(program, organisations, agreements)
    consent_texts(program)
    consents(program, organisations, agreements)
    key_rows(program, keys)
    jaki_links(program)
    access_logs(program)
    program.execute("RESET jit")


# --- the plan (small: made in Python) ------------------------------------------------------------------------------


def _day(program: Program, days: int) -> datetime.date:
    return program.today + datetime.timedelta(days=days)


def _moment(program: Program, days: int, hour: int = 10) -> datetime.datetime:
    day = _day(program, days)
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))


def plan_organisations(program: Program) -> list[Organisation]:
    """The fixed organisations, then made-up ones of every kind up to `sizes.partners`."""
    chosen = list(ORGANISATIONS)
    draw = random.Random(f"{program.seed}:partners")
    n = 0
    while len(chosen) < program.sizes.partners:
        kind, prefix, steps = FILLERS[n % len(FILLERS)]
        place = PLACES[(n // len(FILLERS)) % len(PLACES)]
        suffix = f" {n // (len(FILLERS) * len(PLACES)) + 2}" if n >= len(FILLERS) * len(PLACES) else ""
        signed = -draw.randint(60, 900)
        if n % 5 == 4:
            plan = _talks(steps, f"Kerja sama {prefix.lower()}")
        else:
            plan = _pks(steps, f"Kerja sama {prefix.lower()} {place}", signed, draw.choice((365, 730, 1095)))
        domain = f"{prefix.lower().replace(' ', '')}{place.lower().replace(' ', '')}{suffix.strip()}.id"
        chosen.append(Organisation(f"{prefix} {place}{suffix}", kind, domain, (plan,)))
        n += 1
    return chosen


@dataclasses.dataclass
class AgreementRow:
    id: int
    organisation: int  # index in the organisations, from 0
    plan: Plan

    def state(self) -> str:
        p = self.plan
        if p.signed is None:
            return "in_talks"
        assert p.starts is not None and p.ends is not None
        if p.ended is not None and p.ended <= 0:
            return "ended"
        if p.starts > 0:
            return "signed"
        return "expired" if p.ends < 0 else "active"

    def last_day(self) -> int:
        """The last day (from today) it grants anything."""
        assert self.plan.ends is not None
        return min(self.plan.ends, (self.plan.ended - 1) if self.plan.ended is not None else self.plan.ends)


def plan_agreements(program: Program, organisations: list[Organisation]) -> list[AgreementRow]:
    rows = []
    for index, organisation in enumerate(organisations):
        for plan in organisation.agreements:
            rows.append(AgreementRow(len(rows) + 1, index, plan))
    return rows


@dataclasses.dataclass
class KeyRow:
    prefix: str
    agreement: AgreementRow
    kind: str
    name: str
    created: int  # days from today
    revoked: int | None = None  # days from today
    expires: int | None = None
    replaced_by: str | None = None  # prefix of the key that replaced it
    usable: bool = False


def plan_keys(program: Program, organisations: list[Organisation], agreements: list[AgreementRow]) -> list[KeyRow]:
    """One usable key per organisation with an agreement running today (the latest), then rotated, expired and
    ended agreements' keys up to `sizes.keys`."""
    draw = random.Random(f"{program.seed}:keys")
    taken: set[str] = set()

    def prefix() -> str:
        while True:
            candidate = "".join(
                draw.choice("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(8)
            )
            if candidate not in taken:
                taken.add(candidate)
                return candidate

    def kind_of(row: AgreementRow) -> str:
        return "jaki" if organisations[row.organisation].city_app else "partner"

    def name_of(row: AgreementRow, n: int) -> str:
        return f"Sistem {organisations[row.organisation].name}"[:46] + (f" #{n}" if n > 1 else "")

    keys: list[KeyRow] = []
    running = {}
    for row in agreements:
        if row.state() in ("active", "signed"):
            running[row.organisation] = row  # the latest running agreement of each organisation
    for row in running.values():
        assert row.plan.signed is not None
        created = min(0, row.plan.signed + 3 + draw.randint(0, 20))
        keys.append(KeyRow(prefix(), row, kind_of(row), name_of(row, 1), created, usable=True))
    # a rotation revokes the key in use and issues its successor the same day: `oldest` holds the first key of
    # each chain, the one a further rotation is made before
    oldest = list(keys)
    closed = [row for row in agreements if row.state() in ("expired", "ended")]
    n = 0
    while len(keys) < program.sizes.keys and (oldest or closed):
        n += 1
        if (n % 3 != 0 or not closed) and oldest:
            newer = oldest.pop(n % len(oldest))
            assert newer.agreement.plan.signed is not None
            created = max(newer.agreement.plan.signed + 1, newer.created - draw.randint(30, 200))
            if created >= newer.created:
                continue  # no room before it: its chain is complete
            old = KeyRow(prefix(), newer.agreement, newer.kind, newer.name, created, revoked=newer.created,
                         replaced_by=newer.prefix)  # fmt: skip
            keys.append(old)
            oldest.append(old)
        else:
            row = closed[n % len(closed)]
            assert row.plan.starts is not None
            created = row.plan.starts + draw.randint(0, 30)
            expires = min(row.last_day(), created + 180) if n % 2 == 0 else None
            keys.append(KeyRow(prefix(), row, kind_of(row), name_of(row, n), created, expires=expires))
    return keys


# --- users and organisations --------------------------------------------------------------------------------------


def small_table(program: Program, model: type[models.Model], rows: list[dict[str, Any]], *, name: str) -> int:
    """Rows built in Python (a few thousand at most), sent as one array per column and written by the loader."""
    from django.contrib.postgres.fields import ArrayField
    from django.db import connection

    if not rows:
        return 0
    columns, params = {}, {}
    for field_name in rows[0]:
        field = model._meta.get_field(field_name)
        values = [row[field_name] for row in rows]
        param = f"v_{field_name}"
        if isinstance(field, ArrayField):
            params[param] = [",".join(value) for value in values]
            columns[field_name] = f"string_to_array((%({param})s::text[])[i], ',')::{field.db_type(connection)}"
            continue
        params[param] = [None if value is None else _text(value) for value in values]
        sql_type = field.target_field.rel_db_type(connection) if field.is_relation else field.db_type(connection)
        columns[field_name] = f"((%({param})s::text[])[i])::{sql_type}"
    return program.rows(model, columns, count=len(rows), params=params, name=name)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def users(program: Program, organisations: list[Organisation], keys: list[KeyRow]) -> None:
    """The organisations' member users (`partners` block: the first of each its administrator) and their API
    accounts (`partner api` block, one per organisation; only those holding keys get one)."""
    from accounts.models import User

    p = program
    first = p.user_block("partners", MEMBERS_PER_ORGANISATION * len(organisations))
    api_first = p.user_block("partner api", len(organisations))
    rows = []
    for index, organisation in enumerate(organisations):
        for n in range(MEMBERS_PER_ORGANISATION):
            user = first + index * MEMBERS_PER_ORGANISATION + n
            rows.append(
                {
                    "id": user,
                    "email": f"mitra{index * MEMBERS_PER_ORGANISATION + n}@bench.id",
                    "phone": f"+62813{user:08d}"[:16],
                    "full_name": f"{('Admin', 'Staf')[min(n, 1)]} {organisation.name}"[:150],
                    "role": "partner",
                    "password": p.password,
                    "language": "id",
                    "date_joined": _moment(p, _first_day(organisation) - 5),
                }
            )
    small_table(p, User, rows, name="users: partner members")
    holders = sorted({key.agreement.organisation for key in keys})
    rows = [
        {
            "id": api_first + index,
            "email": f"api-{index + 1}@api.jakpreneur.invalid",
            "full_name": f"API: {organisations[index].name}"[:150],
            "role": "partner",
            "password": "!" + hashlib.sha256(f"bench-api:{p.seed}:{index}".encode()).hexdigest()[:40],  # cannot log in
            "language": "id",
            "date_joined": _moment(p, min(key.created for key in keys if key.agreement.organisation == index)),
        }
        for index in holders
    ]
    small_table(p, User, rows, name="users: partner API accounts")


def _first_day(organisation: Organisation) -> int:
    """The first day (from today) the program dealt with the organisation: its first meeting."""
    return min((plan.signed if plan.signed is not None else -30) for plan in organisation.agreements) - 60


def organisation_rows(program: Program, organisations: list[Organisation], keys: list[KeyRow]) -> None:
    from partners.models import PartnerMember, PartnerOrganisation

    p = program
    holders = {key.agreement.organisation for key in keys}
    api_first = p.user_block("partner api")
    rows = []
    for index, organisation in enumerate(organisations):
        rows.append(
            {
                "id": index + 1,
                "name": organisation.name,
                "kind": organisation.kind,
                "active": index % 17 != 16,  # a few made inactive by the agency
                "contact_name": ("Divisi UMKM", "Tim Kemitraan", "Bidang Pengabdian Masyarakat")[index % 3],
                "contact_email": f"kemitraan@{organisation.domain}",
                "contact_phone": f"+6221{5550000 + index:07d}",
                "website": f"https://www.{organisation.domain}",
                "is_city_app": organisation.city_app,
                "api_user": api_first + index if index in holders else None,
                "created_at": _moment(p, _first_day(organisation)),
            }
        )
    small_table(p, PartnerOrganisation, rows, name="partner organisations")
    first = p.user_block("partners")
    members = [
        {
            "user": first + index * MEMBERS_PER_ORGANISATION + n,
            "organisation": index + 1,
            "is_administrator": n == 0,
            "created_at": _moment(p, _first_day(organisation) - 4),
        }
        for index, organisation in enumerate(organisations)
        for n in range(MEMBERS_PER_ORGANISATION)
    ]
    small_table(p, PartnerMember, members, name="partner members")


def agreement_rows(program: Program, organisations: list[Organisation], agreements: list[AgreementRow]) -> None:
    from partners.models import Agreement, AgreementDocument, AgreementMeeting

    p = program
    agency = p.user_block("agency")
    rows, meetings, documents = [], [], []
    kecamatan = list(_kecamatan_ids(p))
    criteria = []
    for row in agreements:
        plan = row.plan
        organisation = organisations[row.organisation]
        signed = plan.signed is not None
        first_meeting = (plan.signed if signed else -20) - 60  # type: ignore[operator]
        rows.append(
            {
                "id": row.id,
                "organisation": row.organisation + 1,
                "kind": plan.kind,
                "number": (
                    f"{plan.kind.upper()}/{row.id:03d}/PPKUKM/{_day(p, plan.signed).year}"  # type: ignore[arg-type]
                    if signed
                    else ""
                ),
                "title": plan.title,
                "parties": f"Dinas PPKUKM Provinsi DKI Jakarta dan {organisation.name}",
                "partner_offers": "Narasumber, kelas, dan layanan bagi peserta yang bersedia.",
                "program_offers": "Peserta terverifikasi yang bersedia dihubungi, tempat kegiatan di kecamatan.",
                "steps": sorted(plan.steps),
                "criteria_tracks": ["naik_kelas"] if row.id % 4 == 0 else [],
                "criteria_sectors": ["culinary"] if row.id % 7 == 0 else [],
                "criteria_classes": [],
                "criteria_steps_done": ["P2"] if "P7" in plan.steps and row.id % 3 == 0 else [],
                "signed_on": _day(p, plan.signed) if signed else None,  # type: ignore[arg-type]
                "starts_on": _day(p, plan.starts) if plan.starts is not None else None,
                "ends_on": _day(p, plan.ends) if plan.ends is not None else None,
                "ended_on": _day(p, plan.ended) if plan.ended is not None else None,
                "end_reason": plan.end_reason,
                "expiry_reminded_on": (
                    _day(p, plan.ends - 30) if plan.ends is not None and -30 < plan.ends - 30 <= 0 else None
                ),
                "created_at": _moment(p, first_meeting),
            }
        )
        held = [first_meeting + 20 * n for n in range(1 + row.id % 3)]
        for n, day in enumerate(held):
            meetings.append(
                {
                    "agreement": row.id,
                    "held_on": _day(p, day),
                    "notes": MEETING_NOTES[n % len(MEETING_NOTES)],
                    "recorded_by": agency + row.id % 20,
                    "created_at": _moment(p, day, 16),
                }
            )
        if signed:
            documents.append(
                {
                    "agreement": row.id,
                    "title": f"Naskah {plan.kind.upper()} ditandatangani",
                    "file": f"agreements/{row.id}/bench-{row.id}.pdf",
                    "size": 240_000 + 1_000 * row.id,
                    "uploaded_by": agency + row.id % 20,
                    "uploaded_at": _moment(p, plan.signed, 14),  # type: ignore[arg-type]
                }
            )
        if row.id % 5 == 0:  # a few agreements want participants of some kecamatan only
            criteria += [{"agreement": row.id, "kecamatan": kecamatan[(row.id + n) % 44]} for n in range(3)]
    small_table(p, Agreement, rows, name="agreements")
    small_table(p, AgreementMeeting, meetings, name="agreement meetings")
    small_table(p, AgreementDocument, documents, name="agreement documents")
    small_table(p, Agreement.criteria_kecamatan.through, criteria, name="agreement kecamatan criteria")


def _kecamatan_ids(program: Program) -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM geography_kecamatan ORDER BY code")
        return [row[0] for row in cursor.fetchall()]


# --- consents -----------------------------------------------------------------------------------------------------


def consent_texts(program: Program) -> None:
    """Version 1 of every purpose's text (id 1..7 in the order of PURPOSE_STEP) and the later versions the code
    brought (ids after), as the migrations publish them."""
    from partners.consent_texts import LATER_TEXTS, TEXTS
    from partners.models import ConsentText

    p = program
    rows = [
        {"id": n, "purpose": purpose, "version": 1, "text_id": TEXTS[purpose][0], "text_en": TEXTS[purpose][1],
         "published_at": _moment(p, -1300)}
        for n, purpose in enumerate(PURPOSE_STEP, 1)
    ]  # fmt: skip
    for (purpose, version), (text_id, text_en) in LATER_TEXTS.items():
        rows.append(
            {"id": len(rows) + 1, "purpose": purpose, "version": version, "text_id": text_id, "text_en": text_en,
             "published_at": _moment(p, -LOAN_TEXT_V2_AGE_DAYS)}
        )  # fmt: skip
    small_table(p, ConsentText, rows, name="consent texts")


def _purposes(organisation: Organisation, plan: Plan) -> list[str]:
    """`Agreement.purposes`: those of its steps; the app's purposes for the city app alone."""
    return [
        purpose
        for purpose, step in PURPOSE_STEP.items()
        if step in plan.steps and ((purpose == "app_journey") == organisation.city_app)
    ]


def consents(program: Program, organisations: list[Organisation], agreements: list[AgreementRow]) -> None:
    """The partners' consents: one slot per organisation and purpose (the window of the longest agreement covering
    it), drawn by weight for the first consent and uniformly among the other slots for the second; then the JAKI
    app's."""
    from partners.models import Consent

    p = program
    windows: dict[tuple[int, str], tuple[int, int]] = {}
    for row in agreements:
        organisation = organisations[row.organisation]
        if row.plan.starts is None or row.plan.starts > 0 or organisation.city_app:
            continue
        window = (row.plan.starts, min(0, row.last_day()))
        for purpose in _purposes(organisation, row.plan):
            known = windows.get((row.organisation, purpose))
            if known is None or known[1] - known[0] < window[1] - window[0]:
                windows[(row.organisation, purpose)] = window
    slots = sorted(windows.items())
    weighted = [n for n, ((index, _purpose), _w) in enumerate(slots, 1) for _ in range(organisations[index].weight)]
    p.execute("DROP TABLE IF EXISTS bench_consent_slot")
    p.execute(
        "CREATE UNLOGGED TABLE bench_consent_slot (n int PRIMARY KEY, organisation_id bigint, purpose text,"
        " text_id bigint, opens timestamptz, closes timestamptz)"
    )
    texts = {purpose: n for n, purpose in enumerate(PURPOSE_STEP, 1)}
    with_cursor_rows(
        "INSERT INTO bench_consent_slot VALUES (%s, %s, %s, %s, %s, %s)",
        [
            (n, index + 1, purpose, texts[purpose], _moment(p, opens, 8), _moment(p, closes, 17))
            for n, ((index, purpose), (opens, closes)) in enumerate(slots, 1)
        ],
    )
    v2_published = _moment(p, -LOAN_TEXT_V2_AGE_DAYS)
    for draw, share, slot in (
        ("first", CONSENT_SHARE, f"(%(weighted)s::int[])[1 + bench_n(b.i, {p.salt('consent slot')}, %(w)s)]"),
        (
            "second",
            SECOND_CONSENT_SHARE,  # of those with a first consent
            # another slot than the first's: the first's number plus 1..n-1, round the n slots
            f"1 + mod((%(weighted)s::int[])[1 + bench_n(b.i, {p.salt('consent slot')}, %(w)s)]"
            f" + bench_n(b.i, {p.salt('second consent slot')}, %(n)s - 1), %(n)s)",
        ),
    ):
        opens = "greatest(b.decided, s.opens)"
        granted = f"{opens} + (s.closes - {opens}) * bench_u(b.i, {p.salt('consent granted ' + draw)})"
        withdrawn = f"bench_u(b.i, {p.salt('consent withdrawn ' + draw)}) < {WITHDRAWN_SHARE}"
        p.rows(
            Consent,
            {
                "participant": "b.i",
                "organisation": "s.organisation_id",
                "purpose": "s.purpose",
                "text": f"CASE WHEN s.purpose = 'loan_assessment' AND {granted} >= %(v2)s THEN %(loan_v2)s"
                " ELSE s.text_id END",
                "granted_at": granted,
                "granted_channel": f"bench_pick(b.i, {p.salt('consent channel')}, ARRAY['web','web','web','office',"
                "'office','jaki'])",
                "withdrawn_at": f"CASE WHEN {withdrawn} THEN {granted} + (%(now)s - {granted})"
                f" * bench_u(b.i, {p.salt('consent withdrawn at')}) END",
                "withdrawn_channel": f"CASE WHEN {withdrawn} THEN bench_pick(b.i, {p.salt('withdrawn channel')},"
                " ARRAY['web','web','office']) ELSE '' END",
            },
            source=f"bench_plan b JOIN bench_consent_slot s ON s.n = {slot}"
            f" WHERE b.status = 'approved' AND bench_u(b.i, {p.salt('consent share')}) < {share}"
            f" AND {opens} < s.closes",
            key="b.i",
            span=(1, p.sizes.participants),
            params={"weighted": weighted, "w": len(weighted), "n": len(slots), "v2": v2_published,
                    "loan_v2": LOAN_TEXT_V2_ID, "now": _moment(p, 0, 17)},
            name=f"consents: partners ({draw})",
        )  # fmt: skip
    jaki = next(n for n, organisation in enumerate(organisations, 1) if organisation.city_app)
    withdrawn = f"bench_u(r.id, {p.salt('jaki withdrawn')}) < {JAKI_WITHDRAWN_SHARE}"
    p.rows(
        Consent,
        {
            "participant": "r.participant_id",
            "organisation": str(jaki),
            "purpose": "'app_journey'",
            "text": str(texts["app_journey"]),
            "granted_at": "r.submitted_at + interval '2 minutes'",
            "granted_channel": "'jaki'",
            "withdrawn_at": f"CASE WHEN {withdrawn} THEN r.submitted_at + (%(now)s - r.submitted_at)"
            f" * bench_u(r.id, {p.salt('jaki withdrawn at')}) END",
            "withdrawn_channel": f"CASE WHEN {withdrawn} THEN 'jaki' ELSE '' END",
        },
        source=f"registration_registration r WHERE r.channel = 'jaki'"
        f" AND bench_u(r.id, {p.salt('jaki consent')}) < {JAKI_CONSENT_SHARE}",
        key="r.id",
        span=(1, p.sizes.participants),
        params={"now": _moment(p, 0, 17)},
        name="consents: the JAKI app",
    )
    p.execute("DROP TABLE bench_consent_slot")


def _fetch(sql: str) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def with_cursor_rows(sql: str, rows: list[tuple[Any, ...]]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


# --- keys, reads, links -------------------------------------------------------------------------------------------


def key_rows(program: Program, keys: list[KeyRow]) -> None:
    from partners.models import PartnerKey

    p = program
    agency = p.user_block("agency")
    rows = []
    for n, key in enumerate(keys):
        hashed = "sha512$$" + hashlib.sha512(raw_key(p.seed, key.prefix).encode()).hexdigest()
        rows.append(
            {
                "id": f"{key.prefix}.{hashed}",
                "prefix": key.prefix,
                "hashed_key": hashed,
                "created": _moment(p, key.created, 9 + n % 8),
                "name": key.name,
                "revoked": key.revoked is not None,
                "expiry_date": _moment(p, key.expires, 23) if key.expires is not None else None,
                "organisation": key.agreement.organisation + 1,
                "agreement": key.agreement.id,
                "kind": key.kind,
                "issued_by": agency + n % 20,
                "revoked_at": _moment(p, key.revoked, 9) if key.revoked is not None else None,
                "replaced_by": None,
                "last_used_at": _last_used(p, key),
            }
        )
    by_prefix = {key.prefix: row["id"] for key, row in zip(keys, rows, strict=True)}
    for key, row in zip(keys, rows, strict=True):
        if key.replaced_by is not None:
            row["replaced_by"] = by_prefix[key.replaced_by]
    small_table(p, PartnerKey, rows, name="API keys")


def _last_used(program: Program, key: KeyRow) -> datetime.datetime:
    end = min(d for d in (key.revoked, key.expires, key.agreement.last_day(), 0) if d is not None)
    return _moment(program, max(key.created, end), 8) - datetime.timedelta(minutes=5)


def access_logs(program: Program) -> None:
    """About `sizes.access_logs` reads over the last year: a key drawn among those that ran in it (in proportion
    to how long they ran and to the root of their partner's consents), a participant among its partner's consents
    standing then, a moment within both (a draw whose two windows do not meet is dropped), an endpoint of the
    consent's purpose."""
    from partners.models import AccessLog

    p = program
    since = _moment(p, -READ_DAYS, 0)
    now = _moment(p, 0, 17)
    p.execute("DROP TABLE IF EXISTS bench_read_consent")
    p.execute("DROP TABLE IF EXISTS bench_read_key")
    p.execute(
        """
        CREATE UNLOGGED TABLE bench_read_consent AS
        SELECT c.organisation_id, row_number() OVER (PARTITION BY c.organisation_id ORDER BY c.id) AS rank,
               c.participant_id, c.purpose, greatest(c.granted_at, l.linked_at, %(since)s) AS opens,
               coalesce(c.withdrawn_at, %(now)s) AS closes
        FROM partners_consent c
        LEFT JOIN partners_jakilink l ON l.participant_id = c.participant_id AND c.purpose = 'app_journey'
        WHERE coalesce(c.withdrawn_at, %(now)s) > greatest(c.granted_at, l.linked_at, %(since)s)
          AND (c.purpose <> 'app_journey' OR l.id IS NOT NULL)
        """,
        {"since": since, "now": now},
    )
    p.execute("CREATE INDEX ON bench_read_consent (organisation_id, rank)")
    p.execute(
        """
        CREATE UNLOGGED TABLE bench_read_key AS
        SELECT row_number() OVER (ORDER BY k.prefix) AS n, k.id AS key_id, k.organisation_id, c.consents,
               greatest(k.created, a.starts_on::timestamptz, %(since)s) AS opens,
               least(coalesce(k.revoked_at, %(now)s), coalesce(k.expiry_date, %(now)s),
                     (least(a.ends_on, coalesce(a.ended_on - 1, a.ends_on)) + 1)::timestamptz, %(now)s) AS closes
        FROM partners_partnerkey k
        JOIN partners_agreement a ON a.id = k.agreement_id
        JOIN partners_partnerorganisation o ON o.id = k.organisation_id AND o.active
        JOIN (SELECT organisation_id, count(*) AS consents FROM bench_read_consent GROUP BY organisation_id) c
          ON c.organisation_id = k.organisation_id
        WHERE least(coalesce(k.revoked_at, %(now)s), coalesce(k.expiry_date, %(now)s),
                    (least(a.ends_on, coalesce(a.ended_on - 1, a.ends_on)) + 1)::timestamptz, %(now)s)
              > greatest(k.created, a.starts_on::timestamptz, %(since)s)
        """,
        {"since": since, "now": now},
    )
    p.execute("ANALYZE bench_read_consent")
    p.execute("ANALYZE bench_read_key")
    # a key is drawn in proportion to how long it ran in the year and to the root of its partner's consents
    weights = [
        (n, float(days) * float(consents) ** 0.5)
        for n, days, consents in _fetch(
            "SELECT n, extract(epoch FROM closes - opens) / 86400, consents FROM bench_read_key ORDER BY n"
        )
    ]
    total = sum(w for _n, w in weights)
    if not total:
        return
    slots = [n for n, w in weights for _ in range(max(1, round(READ_KEY_SLOTS * w / total)))]
    opens = "greatest(c.opens, k.opens)"
    closes = "least(c.closes, k.closes)"
    endpoints = (
        "CASE c.purpose "
        + " ".join(
            f"WHEN '{purpose}' THEN (ARRAY['{choices[0]}','{choices[0]}','{choices[0]}','{choices[1]}','{choices[1]}',"
            f"'{choices[2]}'])[1 + bench_n(g.i, {p.salt('read endpoint')}, 6)]"
            for purpose, choices in READ_ENDPOINTS.items()
        )
        + " END"
    )
    p.rows(
        AccessLog,
        {
            "key": "k.key_id",
            "organisation": "k.organisation_id",
            "participant": "c.participant_id",
            "endpoint": f"replace(replace({endpoints}, '{{p}}', c.participant_id::text),"
            f" '{{a}}', {jaki_account('c.participant_id', p)})",
            "at": f"{opens} + ({closes} - {opens}) * bench_u(g.i, {p.salt('read at')})",
        },
        source=(
            "generate_series(%(lo)s::bigint, %(hi)s::bigint) AS g(i)"
            f" JOIN bench_read_key k ON k.n = (%(slots)s::int[])[1 + bench_n(g.i, {p.salt('read key')}, %(n)s)]"
            f" JOIN bench_read_consent c ON c.organisation_id = k.organisation_id"
            f" AND c.rank = 1 + bench_n(g.i, {p.salt('read consent')}, k.consents::int)"
            f" WHERE {opens} < {closes}"
        ),
        key="g.i",
        span=(1, p.sizes.access_logs),
        params={"slots": slots, "n": len(slots)},
        name="access log",
    )
    p.execute("DROP TABLE bench_read_consent")
    p.execute("DROP TABLE bench_read_key")


def jaki_account(participant: str, program: Program) -> str:
    """SQL: the JAKI account linked to the participant (an id of the app's own, 32 hex digits)."""
    return drawn_hex(program, participant, "jaki account")


def drawn_hex(program: Program, number: str, name: str) -> str:
    """SQL: 32 hex digits drawn from the integer `number` (two 64-bit hashes: many times cheaper than md5), the
    draw named `name` as for `Program.salt`."""
    salt = program.seed * 1000 + program.salt(name)
    return (
        f"lpad(to_hex(hashint8extended({number}, {salt})), 16, '0')"
        f" || lpad(to_hex(hashint8extended({number}, {salt + 1})), 16, '0')"
    )


def ordered_uuid(program: Program, number: str, name: str) -> str:
    """SQL: a UUID in the shape of a version 7 one (time-ordered): its first twelve hex digits follow the integer
    `number` (from an early-2024 millisecond), the rest are drawn. A unique index on it then fills in order rather
    than at random places, and it costs a fraction of `bench_uuid`'s md5. Shared by the later stages."""
    salt = program.seed * 1000 + program.salt(name)
    return (
        f"(lpad(to_hex(1704067200000 + {number}), 12, '0') || '7'"
        f" || lpad(to_hex(hashint8extended({number}, {salt}) & 4095), 3, '0') || '8'"
        f" || lpad(to_hex(hashint8extended({number}, {salt + 1}) & 1152921504606846975), 15, '0'))::uuid"
    )


def jaki_links(program: Program) -> None:
    """The linked accounts: most of the active JAKI consents, linked within a day of the consent."""
    from partners.models import JakiLink

    p = program
    p.rows(
        JakiLink,
        {
            "participant": "c.participant_id",
            "account": jaki_account("c.participant_id", p),
            "linked_at": f"least(c.granted_at + interval '1 minute' * (5 + bench_n(c.participant_id,"
            f" {p.salt('linked')}, 1400)), %(now)s)",
        },
        source="partners_consent c WHERE c.purpose = 'app_journey' AND c.withdrawn_at IS NULL"
        f" AND bench_u(c.participant_id, {p.salt('jaki linked')}) < {JAKI_LINKED_SHARE}",
        key="c.participant_id",
        span=(1, p.sizes.participants),
        params={"now": _moment(p, 0, 17)},
        name="JAKI links",
    )
