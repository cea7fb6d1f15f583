"""Rows for the dashboard's tests: participants with their Progress row written directly (the summary engine's own
tests go through the step apps), then `summary.recount()` counts the tables from them, as the nightly rebuild
would."""

import datetime
from typing import Any

from django.utils import timezone

from accounts.models import User
from geography.models import Kecamatan
from registration.models import Participant
from registration.tests.factories import ParticipantFactory
from targets import summary
from targets.models import Progress

D = datetime.date
YEAR = timezone.localdate().year  # the dashboard's default year (the forum's themes count posts of this year)


def progress_row(participant_id: int, kecamatan: Kecamatan, mentor: User | None, **days: D) -> Progress:
    """An unsaved Progress row: `registered` (10 January of YEAR unless given) and any `<measure>=day`."""
    registered = days.pop("registered", D(YEAR, 1, 10))
    return Progress(
        participant_id=participant_id,
        kecamatan=kecamatan,
        mentor=mentor,
        cohort=registered.year,
        registered_on=registered,
        **{f"{name}_on": day for name, day in days.items()},
    )


def participant(kecamatan: Kecamatan, mentor: User | None, *, full_name: str, **days: D) -> Participant:
    """A participant of the kecamatan, with their Progress row saved (counted once `summary.recount()` runs)."""
    person = ParticipantFactory(kecamatan=kecamatan, full_name=full_name)
    progress_row(person.pk, kecamatan, mentor, **days).save()
    return person


def anonymous_rows(count: int, kecamatans: list[Kecamatan], mentors: list[User | None], *, first_pk: int) -> None:
    """`count` more Progress rows with no participant behind them (the figures never join one), spread over the
    kecamatan, mentors, months and steps: the bulk of a program, for the query counts."""
    rows: list[Progress] = []
    for n in range(count):
        month = 1 + n % 12
        days: dict[str, Any] = {"registered": D(YEAR, month, 1 + n % 20)}
        if n % 2:
            days["verified"] = D(YEAR, month, 2 + n % 20)
        if n % 4 == 1:
            days["trained"] = D(YEAR, month, 5 + n % 20)
        if n % 8 == 1:
            days["mentored"] = D(YEAR, month, 8 + n % 20)
        rows.append(progress_row(first_pk + n, kecamatans[n % len(kecamatans)], mentors[n % len(mentors)], **days))
    Progress.objects.bulk_create(rows, batch_size=1000)


class World:
    """A known small program: in Tebet, three participants of Mentor Tebet (verified after 2, 4 and 10 days,
    two trained, one mentored) and one with no mentor yet (not verified); in Gambir, two of Mentor Gambir (both
    verified, one trained and licensed). Another Tebet mentor has none. The tables are counted."""

    def __init__(self, *, mentor_tebet: User, mentor_gambir: User, other_mentor_tebet: User) -> None:
        self.tebet = Kecamatan.objects.get(name="Tebet")
        self.gambir = Kecamatan.objects.get(name="Gambir")
        self.mentor_tebet, self.mentor_gambir, self.other_mentor_tebet = (
            mentor_tebet,
            mentor_gambir,
            other_mentor_tebet,
        )
        tebet, gambir = self.tebet, self.gambir
        self.ani = participant(
            tebet, mentor_tebet, full_name="Ani Tebet", verified=D(YEAR, 1, 12), trained=D(YEAR, 1, 17)
        )
        self.bela = participant(
            tebet,
            mentor_tebet,
            full_name="Bela Tebet",
            verified=D(YEAR, 1, 14),
            trained=D(YEAR, 1, 21),
            mentored=D(YEAR, 2, 1),
        )
        self.citra = participant(tebet, mentor_tebet, full_name="Citra Tebet", verified=D(YEAR, 1, 20))
        self.dewi = participant(tebet, None, full_name="Dewi Tebet")
        self.eko = participant(
            gambir,
            mentor_gambir,
            full_name="Eko Gambir",
            verified=D(YEAR, 2, 10),
            trained=D(YEAR, 2, 12),
            licensed=D(YEAR, 3, 3),
        )
        self.fajar = participant(gambir, mentor_gambir, full_name="Fajar Gambir", verified=D(YEAR, 2, 11))
        summary.recount()
