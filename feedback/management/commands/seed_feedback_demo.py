"""Demo forum for the embedded default, after `seed_demo`: posts of verified demo participants across Jakarta
(the demo participant, peserta@, Siti Rahayu of Tebet, among them), supported by others, answered by the Tebet
secretariat and agency staff (answered, planned, done), and one advertisement hidden by a moderator with the
reason. Written through the forum's services, so every rule holds. Every text is made up. Runs only with DEBUG on,
and once: a second run changes nothing."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from registration.choices import Status
from registration.models import Participant

from ...choices import Category
from ...choices import Status as PostStatus
from ...models import Post
from ...services import post_answer, post_create, post_hide, post_support

DEMO_DOMAIN = "demo.jakpreneur.id"


@dataclass(frozen=True)
class DemoPost:
    author: int  # 0: the demo participant; n: the n-th other verified demo participant
    category: str
    title: str
    body: str
    supporters: int = 0
    answer: str = ""
    status: str = ""
    by_secretariat: bool = False  # answered by the Tebet secretariat (a Tebet post), else by agency staff
    hidden: str = ""  # a moderator's reason for hiding it


POSTS = [
    DemoPost(
        0,
        Category.LICENSING,
        "Pendampingan daftar P-IRT di kantor kecamatan",
        "Saya sudah punya NIB tapi bingung mengurus P-IRT untuk sambal rumahan. Apakah ada jadwal pendampingan "
        "di kantor kecamatan, supaya bisa dibantu langsung mengisi di OSS?",
        supporters=6,
        answer="Terima kasih. Kami buka meja pendampingan P-IRT setiap Kamis pukul 09.00-12.00 mulai bulan depan.",
        status=PostStatus.PLANNED,
        by_secretariat=True,
    ),
    DemoPost(
        0,
        Category.MARKETING,
        "Ruang jualan seperti Thamrin 10 di Jakarta Selatan",
        "Thamrin 10 jauh untuk kami di Jakarta Selatan. Mohon ada bazar atau ruang jualan bergilir di kecamatan "
        "sekitar Tebet, minimal sebulan sekali.",
        supporters=9,
    ),
    DemoPost(
        1,
        Category.TRAINING,
        "Pelatihan foto produk untuk jualan online",
        "Foto produk kami kurang menarik di marketplace. Mohon pelatihan foto produk memakai HP, dengan praktik "
        "langsung dan contoh pencahayaan sederhana.",
        supporters=4,
        answer="Pelatihan foto produk dengan HP sudah diadakan bersama mitra marketplace; materinya ada di halaman "
        "pelatihan.",
        status=PostStatus.DONE,
    ),
    DemoPost(
        2,
        Category.CAPITAL,
        "Syarat Kredit Monas Pemula membingungkan",
        "Saya tidak paham laporan keuangan apa saja yang diminta bank untuk pinjaman tanpa agunan. Mohon ada "
        "penjelasan sederhana dan contoh berkasnya.",
        supporters=3,
        answer="Bank meminta laporan bulanan tiga bulan terakhir. Halaman Modal menunjukkan apa yang masih kurang "
        "untuk setiap produk pembiayaan.",
        status=PostStatus.ANSWERED,
    ),
    DemoPost(
        3,
        Category.FINANCE,
        "Pembukuan di HP tanpa kuota besar",
        "Buku kas di portal berat dibuka dengan sinyal lemah. Apakah bisa dibuat lebih ringan, atau dicatat dulu "
        "tanpa internet lalu dikirim nanti?",
        supporters=12,
    ),
    DemoPost(
        4,
        Category.PORTAL,
        "Unggah foto KTP dari HP sering gagal",
        "Saat mengunggah foto KTP dari HP, halaman sering menolak karena ukuran file. Mohon petunjuk atau "
        "pengecilan foto otomatis.",
        supporters=5,
        answer="Kami akan mengecilkan foto secara otomatis saat diunggah. Sementara itu, foto dengan resolusi "
        "sedang sudah cukup.",
        status=PostStatus.PLANNED,
    ),
    DemoPost(
        5,
        Category.MENTORING,
        "Jadwal kunjungan mentor diberitahu lebih awal",
        "Mentor datang saat toko ramai. Mohon jadwal kunjungan diberitahu sehari sebelumnya lewat WhatsApp.",
        supporters=2,
    ),
    DemoPost(
        6,
        Category.OTHER,
        "Jual pulsa dan paket data murah",
        "Jual pulsa semua operator dan paket data murah, hubungi saya langsung untuk harga grosir.",
        hidden="Iklan usaha pribadi yang tidak berkaitan dengan program.",
    ),
]


class Command(BaseCommand):
    help = "Load a demo feedback forum (after seed_demo)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data runs only with DEBUG on.")
        staff = {str(u.email).split("@")[0]: u for u in User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")}
        if not {"dinas", "sekretariat.tebet", "peserta"} <= staff.keys():
            raise CommandError("Run `manage.py seed_demo` first.")
        if Post.objects.exists():
            self.stdout.write("The demo forum is there already.")
            return
        verified = list(
            Participant.objects.filter(registration__status=Status.APPROVED)
            .exclude(user=staff["peserta"])
            .select_related("user")
            .order_by("pk")
        )
        authors = [staff["peserta"], *(p.user for p in verified[: len(POSTS)])]
        supporters = [p.user for p in verified[len(POSTS) :]]
        if len(authors) <= max(post.author for post in POSTS):
            raise CommandError("Too few verified demo participants: run `manage.py seed_demo` with more.")
        for demo in POSTS:
            self._post(demo, authors, supporters, staff)
        self.stdout.write(self.style.SUCCESS(f"Demo forum: {len(POSTS)} posts."))

    def _post(self, demo: DemoPost, authors: list[User], supporters: list[User], staff: dict[str, User]) -> None:
        author = authors[demo.author]
        participant = Participant.objects.get(user=author)
        post = post_create(
            category=demo.category,
            kecamatan=participant.kecamatan,
            title=demo.title,
            body=demo.body,
            acting_user=author,
        )
        # the demo participant supports every other post; other verified participants after her
        people = [u for u in (staff["peserta"], *supporters) if u != author][: demo.supporters]
        for person in people:
            post = post_support(post=post, acting_user=person)
        if demo.answer:
            tebet = participant.kecamatan.name == "Tebet"
            answerer = staff["sekretariat.tebet"] if demo.by_secretariat and tebet else staff["dinas"]
            post_answer(post=post, body=demo.answer, status=demo.status, acting_user=answerer)
        if demo.hidden:
            post_hide(post=post, reason=demo.hidden, acting_user=staff["dinas"])
