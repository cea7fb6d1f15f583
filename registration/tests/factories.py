import datetime
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.tests.factories import UserFactory
from geography.models import Kecamatan
from registration.choices import Channel, Sector, Sex, Status, Track
from registration.models import Business, Participant, Registration
from registration.nik import make_nik


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def upload(name: str = "ktp.png", content: bytes | None = None, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes() if content is None else content, content_type=content_type)


BIRTH = datetime.date(1990, 8, 17)


def nik_for(kecamatan: str = "Tebet", *, birth: datetime.date = BIRTH, sex: str = Sex.FEMALE, serial: int = 1) -> str:
    return make_nik(
        district=Kecamatan.objects.get(name=kecamatan).nik_prefix, birth_date=birth, sex=sex, serial=serial
    )


class ParticipantFactory(factory.django.DjangoModelFactory[Participant]):
    class Meta:
        model = Participant

    user = factory.SubFactory(UserFactory)
    full_name = factory.SelfAttribute("user.full_name")
    kecamatan = factory.LazyFunction(lambda: Kecamatan.objects.get(name="Tebet"))
    sex = Sex.FEMALE
    birth_date = BIRTH
    nik = factory.Sequence(lambda n: make_nik(district="317401", birth_date=BIRTH, sex=Sex.FEMALE, serial=n + 100))
    email = factory.SelfAttribute("user.email")
    address = "Jl. Tebet Raya No. 1"
    jakarta_ktp = True
    track = Track.PEMULA


class BusinessFactory(factory.django.DjangoModelFactory[Business]):
    class Meta:
        model = Business

    participant = factory.SubFactory(ParticipantFactory)
    name = "Warung Siti"
    sector = Sector.CULINARY
    address = "Jl. Tebet Raya No. 1"
    kecamatan = factory.SelfAttribute("participant.kecamatan")
    workers = 2
    assets = 5_000_000
    monthly_turnover = 3_000_000


class RegistrationFactory(factory.django.DjangoModelFactory[Registration]):
    """A submitted registration with its participant and business."""

    class Meta:
        model = Registration
        skip_postgeneration_save = True

    participant = factory.SubFactory(ParticipantFactory)
    reference = factory.Sequence(lambda n: f"JP-T{n:07d}")
    channel = Channel.WEB
    registered_by = factory.SelfAttribute("participant.user")
    status = Status.SUBMITTED
    kecamatan = factory.SelfAttribute("participant.kecamatan")
    submitted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def business(obj: Registration, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805
        if create:
            BusinessFactory(participant=obj.participant, **kwargs)
