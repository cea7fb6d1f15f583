"""What the benchmarks share: verified participants with their businesses and approved registrations, made in
bulk (no services, no history triggers: the caller turns them off), one per user given."""

import datetime
from collections.abc import Sequence
from typing import Any

BIRTH_DATE = datetime.date(1980, 1, 1)


def verified_people(
    users: Sequence[Any],
    kecamatan: Sequence[Any],
    *,
    label: str,
    reference_prefix: str,
    batch_size: int,
    contacts: bool = False,
) -> tuple[list[Any], list[Any]]:
    """A participant of the i-th user in `kecamatan[i % len]` ("Jl. {label} {i}"), their running business ("Usaha
    {label} {i}") and an approved registration ("{reference_prefix}{i:08d}"); with `contacts`, a phone and the
    user's email. Returns (participants, businesses)."""
    from django.utils import timezone

    from core.crypto import keyed_hash
    from registration.models import Business, Participant, Registration
    from registration.nik import make_nik, mask_nik

    now = timezone.now()
    people = []
    for i, user in enumerate(users):
        place = kecamatan[i % len(kecamatan)]
        nik = make_nik(district=place.nik_prefix, birth_date=BIRTH_DATE, sex="F", serial=1 + i // 44)
        people.append(
            Participant(
                user=user,
                full_name=user.full_name,
                nik=nik,
                nik_hash=keyed_hash(nik),
                nik_masked=mask_nik(nik),
                birth_date=BIRTH_DATE,
                sex="F",
                phone=f"+62813{i:08d}" if contacts else "",
                email=(user.email or "") if contacts else "",
                address=f"Jl. {label} {i}",
                kecamatan=place,
                jakarta_ktp=True,
                track="naik_kelas",
            )
        )
    people = Participant.objects.bulk_create(people, batch_size=batch_size)
    firms = Business.objects.bulk_create(
        [
            Business(
                participant=p,
                name=f"Usaha {label} {i}",
                sector="culinary",
                address=f"Jl. Usaha {label} {i}",
                kecamatan=p.kecamatan,
                workers=2,
                assets=10_000_000,
                monthly_turnover=5_000_000,
            )
            for i, p in enumerate(people)
        ],
        batch_size=batch_size,
    )
    Registration.objects.bulk_create(
        [
            Registration(
                participant=p,
                reference=f"{reference_prefix}{i:08d}",
                channel="web",
                registered_by=p.user,
                status="approved",
                kecamatan=p.kecamatan,
                submitted_at=now,
                decided_at=now,
            )
            for i, p in enumerate(people)
        ],
        batch_size=batch_size,
    )
    return people, firms


def logged_in(client: Any, user: Any) -> Any:
    """The test client logged in as `user` with the login whole: force_login, and the second factor taken as
    given (the code page is not what a benchmark of a page times), as a person's session is after the code."""
    from accounts.two_factor import PENDING

    client.force_login(user)
    session = client.session
    session.pop(PENDING, None)
    session.save()
    return client
