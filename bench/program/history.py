"""The audit trail beyond the bulk load: about `sizes.history` pghistory event rows, each with the context row the
portal's middleware and `core.audit` would have written (the acting user, the channel, the address or the API key),
so that the history pages (`audit.history_of`, `history_about`, `actions_by`) read them as the portal's own.

Half are participants': for a third of the participants, the record as registered ("created", at submission: by the
participant on the website, by the kecamatan office's secretariat, or by the JAKI app through the API with its key)
and one to three later corrections of their contact by agency staff in the admin (the mobile number, then the
address, then the email), the last version being the record as it is now. The other half are visits': for 8 % of
the visits, the visit as the mentor logged it on the web and one or two edits by agency staff in the admin (whether
the notes are shared, then the notes themselves), the last again the visit as it is now. Events of one object are
numbered in the order they happened, so each change reads against the one before."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .partners import ordered_uuid

if TYPE_CHECKING:
    from django.db import models

    from .program import Program

PARTICIPANT_EVENTS = 3.0  # created and, on average, two corrections
VISIT_EVENTS = 2.5  # created and, on average, one and a half edits


def load(program: Program) -> None:
    program.execute("SET jit = off")  # compiling each chunk's expressions costs more than it saves
    participants(program)
    visits(program)
    program.execute("RESET jit")


def _now(program: Program) -> str:
    return f"((date '{program.today.isoformat()}' + time '17:00') AT TIME ZONE 'Asia/Jakarta')"


def _event_columns(event_model: type[models.Model], row: str, overrides: dict[str, str]) -> dict[str, str]:
    """Every tracked column of the event copied from the tracked row aliased `row`, but for `overrides`."""
    columns = {}
    for field in event_model._meta.concrete_fields:
        if field.name.startswith("pgh_"):
            continue
        columns[field.attname] = overrides.get(field.name, overrides.get(field.attname, f"{row}.{field.column}"))
    return columns


def _context_id(program: Program, kind: str, event: str) -> str:
    """SQL: the id of the context of event number `event` of `kind` (participant and visit numbers repeat: each
    kind has its own half of the ids)."""
    return ordered_uuid(program, f"({event} * 2 + {int(kind == 'visit')})", "history context")


def _contexts(program: Program, *, kind: str, source: str, key: str, span: tuple[int, int], event: str, at: str,
              metadata: str, name: str) -> None:  # fmt: skip
    """One context per event (a request, a task): its id drawn from the event's number `event`."""
    from pghistory.models import Context

    program.rows(
        Context,
        {
            "id": _context_id(program, kind, event),
            "created_at": at,
            "updated_at": at,
            "metadata": metadata,
        },
        source=source,
        key=key,
        span=span,
        name=name,
    )


def participants(program: Program) -> None:
    from django.apps import apps

    p = program
    now = _now(p)
    share = min(1.0, p.sizes.history / 2 / PARTICIPANT_EVENTS / p.sizes.participants)
    updates = f"(1 + bench_n(r.id, {p.salt('participant corrections')}, 3))"
    event = "(r.id * 4 + n.n)"
    at = (
        f"CASE WHEN n.n = 0 THEN r.created_at ELSE r.created_at + ({now} - r.created_at)"
        f" * ((n.n - 1 + bench_u({event}, {p.salt('participant corrected at')})) / {updates}) END"
    )
    jaki = (
        "(SELECT o.api_user_id FROM partners_partnerorganisation o WHERE o.is_city_app)",
        "(SELECT k.prefix FROM partners_partnerkey k JOIN partners_partnerorganisation o ON o.id = k.organisation_id"
        " WHERE o.is_city_app AND NOT k.revoked ORDER BY k.created LIMIT 1)",
    )
    agency = f"{p.user_block('agency')} + bench_n({event}, {p.salt('participant corrected by')}, 20)"
    metadata = (
        "CASE WHEN n.n > 0 THEN jsonb_build_object('user', " + agency + ", 'channel', 'admin', 'url',"
        " '/admin/registration/participant/' || r.id || '/change/')"
        " WHEN g.channel = 'jaki' THEN jsonb_build_object('user', " + jaki[0] + ", 'channel', 'api', 'url',"
        " '/api/v1/jaki/registrations/', 'key', " + jaki[1] + ")"
        " WHEN g.channel = 'office' THEN jsonb_build_object('user', g.registered_by_id, 'channel', 'web', 'url',"
        " '/kantor/pendaftaran/')"
        " ELSE jsonb_build_object('user', r.user_id, 'channel', 'web', 'url', '/pendaftaran/ringkasan/') END"
    )
    source = (
        "registration_participant r JOIN registration_registration g ON g.id = r.id AND g.id BETWEEN %(lo)s AND %(hi)s"
        f" CROSS JOIN LATERAL generate_series(0, {updates}) AS n(n)"
        f" WHERE bench_u(r.id, {p.salt('participant history')}) < {share}"
    )
    span = (1, p.sizes.participants)
    _contexts(p, kind="participant", source=source, key="r.id", span=span, event=event, at=at, metadata=metadata,
              name="history: participant contexts")  # fmt: skip
    model = apps.get_model("registration", "ParticipantEvent")
    p.rows(
        model,
        {
            "pgh_id": event,
            "pgh_created_at": at,
            "pgh_label": "CASE WHEN n.n = 0 THEN 'created' ELSE 'updated' END",
            "pgh_obj": "r.id",
            "pgh_context": _context_id(p, "participant", event),
            **_event_columns(
                model,
                "r",
                {
                    "phone": "CASE WHEN n.n < 1 THEN '+62857' || lpad(r.id::text, 8, '0') ELSE r.phone END",
                    "address": f"CASE WHEN {updates} >= 2 AND n.n < 2 THEN 'Jl. Swadaya No. '"
                    f" || (1 + mod(r.id, 90)) || ' RT 00' || (1 + mod(r.id, 9)) ELSE r.address END",
                    "email": f"CASE WHEN {updates} >= 3 AND n.n < 3 THEN 'peserta' || r.id || '@mail.bench.id'"
                    " ELSE r.email END",
                },
            ),
        },
        source=source,
        key="r.id",
        span=span,
        name="history: participant events",
    )


def visits(program: Program) -> None:
    from django.apps import apps

    p = program
    now = _now(p)
    last = int(p.value("SELECT coalesce(max(id), 0) FROM mentoring_visit"))
    share = min(1.0, p.sizes.history / 2 / VISIT_EVENTS / max(1, last))
    edits = f"(1 + bench_n(v.id, {p.salt('visit edits')}, 2))"
    event = "(v.id * 3 + n.n)"
    at = (
        f"CASE WHEN n.n = 0 THEN v.created_at ELSE v.created_at + (least({now}, v.created_at + interval '30 days')"
        f" - v.created_at) * ((n.n - 1 + bench_u({event}, {p.salt('visit edited at')})) / {edits}) END"
    )
    agency = f"{p.user_block('agency')} + bench_n({event}, {p.salt('visit edited by')}, 20)"
    metadata = (
        "CASE WHEN n.n > 0 THEN jsonb_build_object('user', " + agency + ", 'channel', 'admin', 'url',"
        " '/admin/mentoring/visit/' || v.id || '/change/')"
        " ELSE jsonb_build_object('user', v.mentor_id, 'channel', 'web', 'url', '/pendampingan/peserta/'"
        " || v.participant_id || '/kunjungan/') END"
    )
    source = (
        f"mentoring_visit v CROSS JOIN LATERAL generate_series(0, {edits}) AS n(n)"
        f" WHERE bench_u(v.id, {p.salt('visit history')}) < {share}"
    )
    span = (1, last)
    _contexts(p, kind="visit", source=source, key="v.id", span=span, event=event, at=at, metadata=metadata,
              name="history: visit contexts")  # fmt: skip
    model = apps.get_model("mentoring", "VisitEvent")
    p.rows(
        model,
        {
            "pgh_id": event,
            "pgh_created_at": at,
            "pgh_label": "CASE WHEN n.n = 0 THEN 'created' ELSE 'updated' END",
            "pgh_obj": "v.id",
            "pgh_context": _context_id(p, "visit", event),
            **_event_columns(
                model,
                "v",
                {
                    "shared": "CASE WHEN n.n < 1 THEN NOT v.shared ELSE v.shared END",
                    "notes": f"CASE WHEN {edits} >= 2 AND n.n < 2 THEN left(v.notes, 40) || '…' ELSE v.notes END",
                },
            ),
        },
        source=source,
        key="v.id",
        span=span,
        name="history: visit events",
    )
