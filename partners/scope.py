"""What a key may see: the one rule of the API's scope, used by every app's `api.py`.

A partner key sees a participant only while the participant has an active consent to the key's partner for a
purpose that the key's agreement covers (a purpose of one of its steps), and only while that agreement is in
force, the key usable and the partner active. It sees only the data those purposes need
(`partners.choices.PURPOSE_DATA`). Anything else is not found: a 404, never a 403, so a key cannot learn that a
record exists. Every read of a participant is logged (`record_reads`)."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from registration.models import Business, Participant

from .choices import PURPOSE_DATA, PurposeData, listed_purposes
from .models import Agreement, Consent, PartnerKey


def _today() -> datetime.date:
    return timezone.localdate()


def agreement_in_force(key: PartnerKey, day: datetime.date | None = None) -> Agreement | None:
    """The key's agreement, if it grants anything today (the key was loaded with it: no query)."""
    agreement = key.agreement
    if not key.organisation.active or agreement.organisation_id != key.organisation_id:
        return None
    return agreement if agreement.is_in_force(day or _today()) else None


def covered_purposes(key: PartnerKey) -> list[str]:
    """The purposes the key's agreement in force covers: empty when it grants nothing."""
    agreement = agreement_in_force(key)
    return agreement.purposes if agreement is not None else []


def active_consents(key: PartnerKey) -> QuerySet[Consent]:
    """The active consents the key may act on."""
    return Consent.objects.active().filter(organisation_id=key.organisation_id, purpose__in=covered_purposes(key))


def _consents(key: PartnerKey, purposes: list[str], participant: OuterRef) -> QuerySet[Consent]:
    return Consent.objects.active().filter(
        participant=participant, organisation_id=key.organisation_id, purpose__in=purposes
    )


def visible_participants(key: PartnerKey) -> QuerySet[Participant]:
    """The participants the key may see, each annotated with `consented_purposes` (the covered purposes they
    consented to: what decides the fields shown)."""
    purposes = listed_purposes(covered_purposes(key))
    if not purposes:
        return Participant.objects.none()
    consents = _consents(key, purposes, OuterRef("pk"))
    return Participant.objects.filter(Exists(consents)).annotate(
        consented_purposes=ArraySubquery(consents.order_by("purpose").values("purpose"))
    )


def visible_businesses(key: PartnerKey) -> QuerySet[Business]:
    """The businesses the key may see: of participants who consented to a covered purpose that shows the
    business; annotated with `consented_purposes` like the participants (their figures need `reports`)."""
    purposes = listed_purposes(covered_purposes(key))
    showing = [purpose for purpose in purposes if data_allowed([purpose]).business]
    if not showing:
        return Business.objects.none()
    return Business.objects.filter(Exists(_consents(key, showing, OuterRef("participant_id")))).annotate(
        consented_purposes=ArraySubquery(
            _consents(key, purposes, OuterRef("participant_id")).order_by("purpose").values("purpose")
        )
    )


def data_allowed(purposes: Iterable[str]) -> PurposeData:
    """What the union of these purposes lets a partner read."""
    found = [PURPOSE_DATA[purpose] for purpose in purposes if purpose in PURPOSE_DATA]
    return PurposeData(
        step="",
        contact=any(data.contact for data in found),
        business=any(data.business for data in found),
        trainings=any(data.trainings for data in found),
        reports=any(data.reports for data in found),
        nik=any(data.nik for data in found),
    )


def record_reads(key: PartnerKey, participant_ids: Iterable[int], endpoint: str) -> None:
    """Log that the key read these participants and add them to the key's count of the day (`KeyReadDay`):
    one statement whatever their number (the log's insert feeding the count's upsert), so the two never
    disagree and a request pays one round trip."""
    ids = list(dict.fromkeys(participant_ids))
    if not ids:
        return
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            """WITH logged AS (
                   INSERT INTO "partners_accesslog" (key_id, organisation_id, participant_id, endpoint, at)
                   SELECT %(key)s, %(organisation)s, participant, %(endpoint)s, %(at)s
                   FROM unnest(%(ids)s::bigint[]) WITH ORDINALITY AS read(participant, position)
                   ORDER BY position
                   RETURNING 1)
               INSERT INTO partners_keyreadday (key_id, day, reads) SELECT %(key)s, %(day)s, count(*) FROM logged
               ON CONFLICT (key_id, day) DO UPDATE SET reads = partners_keyreadday.reads + EXCLUDED.reads""",
            {
                "key": key.pk,
                "organisation": key.organisation_id,
                "endpoint": endpoint[:200],
                "at": now,
                "ids": ids,
                "day": timezone.localdate(now),
            },
        )


def recount_read_days() -> int:
    """Make every key's count by day again from the access log (after a load of the log, or to check the
    counts); returns the rows made."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM partners_keyreadday")
        cursor.execute(
            "INSERT INTO partners_keyreadday (key_id, day, reads)"
            " SELECT key_id, (at AT TIME ZONE %s)::date, count(*) FROM partners_accesslog GROUP BY 1, 2",
            [settings.TIME_ZONE],
        )
        return int(cursor.rowcount)
