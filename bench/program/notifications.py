"""The outbox as the portal's services leave it: for every participant the "registration received" message at
submission and the decision's message (approved, needs fix, rejected) when decided, each by email and by SMS (the
user has both, as `notify` sends them); the mentor's "participant assigned" email for each active assignment; and
the certificate's message for the completions of the last four months.

Statuses: most were sent (0.6 % of SMS and 0.2 % of emails failed for good after five attempts; 3 % of those sent
needed a second attempt). The SMS gateway has refused messages for the last six hours, so those SMS are pending with
one to three attempts and a retry due; the emails of the last ten minutes wait for their first dispatch. Contexts
carry the keys each template's registry entry asks for; languages are the user's."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .program import Program

SMS_FAILED = 0.006
EMAIL_FAILED = 0.002
SECOND_ATTEMPT = 0.03
CERTIFICATE_DAYS = 120
ERRORS = {
    "email": "SMTPRecipientsRefused: 550 5.1.1 mailbox unavailable",
    "sms": "DeliveryError: nomor tujuan tidak aktif",
}


def load(program: Program) -> None:
    program.execute("SET jit = off")  # compiling each chunk's expressions costs more than it saves
    participants(program)
    mentors(program)
    certificates(program)
    program.execute("RESET jit")


def _now(program: Program) -> str:
    return f"((date '{program.today.isoformat()}' + time '17:00') AT TIME ZONE 'Asia/Jakarta')"


def _outbox(program: Program, key: str, created: str, channel: str) -> dict[str, str]:
    """The status columns of a message made at `created` on `channel`, drawn by `key` (an SQL integer)."""
    p = program
    now = _now(p)
    u = f"bench_u({key}, {p.salt('message fate')})"
    failed = f"({u} < CASE WHEN {channel} = 'sms' THEN {SMS_FAILED} ELSE {EMAIL_FAILED} END)"
    # the SMS gateway has refused messages for the last six hours: they wait for a retry; new emails wait for
    # their first dispatch
    recent = (
        f"({created} > {now} - CASE WHEN {channel} = 'sms' THEN interval '6 hours' ELSE interval '10 minutes' END)"
    )
    retrying = f"({recent} AND {channel} = 'sms')"
    second = f"(bench_u({key}, {p.salt('message attempts')}) < {SECOND_ATTEMPT})"
    error = f"CASE WHEN {channel} = 'sms' THEN %(sms_error)s ELSE %(email_error)s END"
    return {
        "status": f"CASE WHEN {recent} THEN 'pending' WHEN {failed} THEN 'failed' ELSE 'sent' END",
        "attempts": f"CASE WHEN {retrying} THEN 1 + bench_n({key}, {p.salt('message tries')}, 3) WHEN {recent}"
        f" THEN 0 WHEN {failed} THEN 5"
        f" WHEN {second} THEN 2 ELSE 1 END",
        "last_error": f"CASE WHEN {retrying} OR (NOT {recent} AND {failed}) THEN {error} ELSE '' END",
        "created_at": created,
        "sent_at": f"CASE WHEN NOT {recent} AND NOT {failed} THEN {created} + interval '1 second'"
        f" * (2 + bench_n({key}, {p.salt('message delay')}, 60) + CASE WHEN {second} THEN 60 ELSE 0 END) END",
        "next_attempt_at": f"CASE WHEN {retrying} THEN {now} + interval '1 minute' * (1 + bench_n({key},"
        f" {p.salt('message next')}, 30)) WHEN {recent} THEN {created} + interval '30 seconds' END",
    }


def _errors() -> dict[str, str]:
    return {"sms_error": ERRORS["sms"], "email_error": ERRORS["email"]}


def participants(program: Program) -> None:
    """Received at submission, the decision when decided: one row per channel."""
    from notifications.models import Message

    p = program
    channels = "CROSS JOIN (VALUES (1, 'email'), (2, 'sms')) AS ch(n, channel)"
    address = "CASE ch.channel WHEN 'email' THEN u.email ELSE u.phone END"
    # participant i is user i and registration i: the chunk's range of one is the range of the other, which lets
    # both be read by their primary keys
    same_range = "AND u.id BETWEEN %(lo)s AND %(hi)s"
    common = {
        "recipient": "u.id",
        "channel": "ch.channel",
        "address": address,
        "language": "u.language",
    }
    received = "r.submitted_at + interval '3 seconds'"
    p.rows(
        Message,
        {
            **common,
            "template": "'registration_received'",
            "context": "jsonb_build_object('full_name', u.full_name, 'reference', r.reference)",
            **_outbox(p, "(r.id * 4 + ch.n)", received, "ch.channel"),
        },
        source=f"registration_registration r JOIN accounts_user u ON u.id = r.participant_id {same_range} {channels}",
        key="r.id",
        span=(1, p.sizes.participants),
        params=_errors(),
        name="outbox: registrations received",
    )
    decided = "r.decided_at + interval '2 seconds'"
    p.rows(
        Message,
        {
            **common,
            "template": "'registration_' || CASE r.status WHEN 'approved' THEN 'approved'"
            " WHEN 'needs_fix' THEN 'needs_fix' ELSE 'rejected' END",
            "context": "jsonb_build_object('full_name', u.full_name, 'reference', r.reference, 'reason',"
            " r.last_reason)",
            **_outbox(p, "(r.id * 4 + 2 + ch.n)", decided, "ch.channel"),
        },
        source=f"registration_registration r JOIN accounts_user u ON u.id = r.participant_id {same_range}"
        f" {channels} WHERE r.decided_at IS NOT NULL",
        key="r.id",
        span=(1, p.sizes.participants),
        params=_errors(),
        name="outbox: decisions",
    )


def mentors(program: Program) -> None:
    """The mentor's email when a participant is assigned to them (mentors have no phone)."""
    from django.conf import settings

    from notifications.models import Message

    p = program
    created = "a.assigned_at + interval '2 seconds'"
    p.rows(
        Message,
        {
            "recipient": "m.id",
            "channel": "'email'",
            "address": "m.email",
            "language": "m.language",
            "template": "'mentoring_participant_assigned'",
            "context": "jsonb_build_object('full_name', m.full_name, 'participant_name', r.full_name, 'kecamatan',"
            " k.name, 'link', %(site)s || '/pendampingan/peserta/' || r.id || '/')",
            **_outbox(p, "(a.participant_id * 4)", created, "'email'"),
        },
        source="mentoring_mentorassignment a JOIN accounts_user m ON m.id = a.mentor_id"
        " JOIN registration_participant r ON r.id = a.participant_id AND r.id BETWEEN %(lo)s AND %(hi)s"
        " JOIN geography_kecamatan k ON k.id = r.kecamatan_id WHERE a.active",
        key="a.participant_id",
        span=(1, p.sizes.participants),
        params={**_errors(), "site": settings.SITE_URL},
        name="outbox: mentors assigned",
    )


def certificates(program: Program) -> None:
    """The certificate's message of the recent completions, by email and SMS."""
    from django.conf import settings

    from notifications.models import Message

    p = program
    last = int(p.value("SELECT coalesce(max(enrolment_id), 0) FROM training_certificate"))
    created = "c.issued_at + interval '1 second'"
    p.rows(
        Message,
        {
            "recipient": "u.id",
            "channel": "ch.channel",
            "address": "CASE ch.channel WHEN 'email' THEN u.email ELSE u.phone END",
            "language": "u.language",
            "template": "'training_certificate_issued'",
            "context": "jsonb_build_object('full_name', c.full_name, 'course', c.course_title, 'code', c.code,"
            " 'link', %(site)s || '/pelatihan/saya/')",
            **_outbox(p, "(c.enrolment_id * 2 + ch.n)", created, "ch.channel"),
        },
        source="training_certificate c JOIN training_enrolment e ON e.id = c.enrolment_id"
        " AND e.id BETWEEN %(lo)s AND %(hi)s"
        " JOIN accounts_user u ON u.id = e.participant_id"
        " CROSS JOIN (VALUES (1, 'email'), (2, 'sms')) AS ch(n, channel)"
        f" WHERE c.issued_at > {_now(p)} - interval '{CERTIFICATE_DAYS} days'",
        key="c.enrolment_id",
        span=(1, last),
        params={**_errors(), "site": settings.SITE_URL},
        name="outbox: certificates",
    )
