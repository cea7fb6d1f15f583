from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polib
import pytest
from django.template.loader import get_template
from django.test import override_settings

from notifications.models import Channel, Message
from notifications.rendering import message_templates, render_message

# Named contexts for the language tests; every other template renders with sample_context().
CONTEXTS: dict[str, dict[str, Any]] = {
    "registration_approved": {"full_name": "Siti O'Neil", "reference": "JP-2024-000123"},
    "account_claim": {"full_name": "Siti O'Neil", "link": "https://jakpreneur.example/akun/klaim/abc123/?t=x&y=1"},
}


SAMPLES: dict[type, Any] = {int: 3, bool: True}
# keys a template shows by their label in the reader's language, not as given (a code): their own app's tests
# check each label (finance: each business class in both languages)
LABELLED: dict[str, set[str]] = {"finance_class_up": {"business_class"}}


def sample_context(template: str) -> dict[str, Any]:
    """A value per required key; strings with characters that HTML escaping would mangle."""
    if template in CONTEXTS:
        return CONTEXTS[template]
    return {key: SAMPLES.get(kind, f"{key}-O'Neil & co") for key, kind in message_templates()[template].items()}


# Indonesian strings for a test-only catalog: the real catalog lives in locale/id and is maintained elsewhere.
INDONESIAN = {
    "JakPreneur: registration %(reference)s approved": "JakPreneur: pendaftaran %(reference)s disetujui",
    (
        "Hello %(full_name)s, your JakPreneur registration %(reference)s has been approved. Welcome to the program! "
        "Log in to see your next steps."
    ): "Halo %(full_name)s, pendaftaran JakPreneur %(reference)s disetujui. Selamat bergabung!",
    "JakPreneur: your account is ready": "JakPreneur: akun Anda siap",
    "Hello %(full_name)s, your JakPreneur account is ready. Set your password here: %(link)s": (
        "Halo %(full_name)s, akun JakPreneur Anda siap. Buat kata sandi di sini: %(link)s"
    ),
    "If you did not register at a kecamatan office, ignore this message.": (
        "Jika Anda tidak mendaftar di kantor kecamatan, abaikan pesan ini."
    ),
}


def message(template: str, language: str) -> Message:
    return Message(
        pk=42,
        channel=Channel.SMS,
        address="+6281234500001",
        template=template,
        context=sample_context(template),
        language=language,
    )


@pytest.fixture
def indonesian_catalog(tmp_path: Path) -> Iterator[None]:
    catalog = polib.POFile()
    catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Plural-Forms": "nplurals=1; plural=0;"}
    for msgid, msgstr in INDONESIAN.items():
        catalog.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
    directory = tmp_path / "id" / "LC_MESSAGES"
    directory.mkdir(parents=True)
    catalog.save_as_mofile(str(directory / "django.mo"))
    with override_settings(LOCALE_PATHS=[tmp_path]):
        yield


def test_the_apps_register_their_messages() -> None:
    assert {"account_claim", "registration_received", "registration_approved"} <= set(message_templates())


@pytest.mark.parametrize("template", sorted(message_templates()))
def test_every_template_renders_its_context_unescaped_and_short(template: str) -> None:
    rendered = render_message(message(template, "en"))

    assert rendered.subject.startswith("JakPreneur: ")
    assert "\n" not in rendered.subject
    for key, value in sample_context(template).items():
        if isinstance(value, str) and key not in LABELLED.get(template, set()):
            assert value in rendered.subject + rendered.body
    assert "&#x27;" not in rendered.body and "&amp;" not in rendered.body
    assert "{" not in rendered.body and "%(" not in rendered.body
    assert len(rendered.body) <= 320, "keep messages SMS-friendly (at most two SMS parts)"
    assert (rendered.message_id, rendered.address, rendered.language) == (42, "+6281234500001", "en")


def test_message_is_rendered_in_its_own_language_not_the_active_one(indonesian_catalog: None) -> None:
    from django.utils import translation

    with translation.override("en"):
        indonesian = render_message(message("registration_approved", "id"))
    with translation.override("id"):
        english = render_message(message("registration_approved", "en"))

    assert indonesian.subject == "JakPreneur: pendaftaran JP-2024-000123 disetujui"
    assert indonesian.body == "Halo Siti O'Neil, pendaftaran JakPreneur JP-2024-000123 disetujui. Selamat bergabung!"
    assert english.subject == "JakPreneur: registration JP-2024-000123 approved"
    assert english.body.startswith("Hello Siti O'Neil, your JakPreneur registration JP-2024-000123 has been approved.")


def test_account_claim_is_translated_line_by_line(indonesian_catalog: None) -> None:
    rendered = render_message(message("account_claim", "id"))

    assert rendered.subject == "JakPreneur: akun Anda siap"
    assert rendered.body.splitlines() == [
        "Halo Siti O'Neil, akun JakPreneur Anda siap. Buat kata sandi di sini: "
        "https://jakpreneur.example/akun/klaim/abc123/?t=x&y=1",
        "Jika Anda tidak mendaftar di kantor kecamatan, abaikan pesan ini.",
    ]


def test_templates_never_mention_a_nik() -> None:
    files = [
        Path(get_template(f"notifications/messages/{key}.{part}.txt").origin.name)
        for key in message_templates()
        for part in ("subject", "body")
    ]
    for path in files:
        text = path.read_text().lower()
        assert "nik" not in text, path.name
        assert "{% load i18n %}" in text and "{% autoescape off %}" in text, path.name


def test_a_template_registered_again_with_other_keys_is_refused() -> None:
    from notifications.rendering import register_message

    register_message("account_claim", context={"full_name", "link"})  # the same again is fine
    with pytest.raises(ValueError):
        register_message("account_claim", context={"full_name"})
    with pytest.raises(ValueError):
        register_message("account_claim", context={"full_name": str, "link": int})
