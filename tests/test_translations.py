"""Bahasa Indonesia is the default language: every user-facing string has an Indonesian translation, and the
compiled catalogue matches its source."""

import os
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "id" / "LC_MESSAGES"
SKIP = [".venv", ".git", "var", "staticfiles", "test-artifacts", "vendor", "node_modules", "__pycache__", "*_cache"]


def entries(po: polib.POFile) -> dict[str, str]:
    return {e.msgid: e.msgstr or e.msgstr_plural.get(0, "") for e in po if not e.obsolete}


def test_every_marked_string_has_an_indonesian_translation(tmp_path: Path) -> None:
    """Collect the strings the code marks today (makemessages) in a copy of the source tree, merged into its
    copy of the catalogue, so that the real catalogue is never touched."""
    source = tmp_path / "src"
    shutil.copytree(settings.BASE_DIR, source, ignore=shutil.ignore_patterns(*SKIP))
    cwd = os.getcwd()
    os.chdir(source)
    try:
        with override_settings(LOCALE_PATHS=[str(source / "locale")]):
            call_command("makemessages", locale=["id"], no_obsolete=True, verbosity=0)
    finally:
        os.chdir(cwd)
    merged = polib.pofile(str(source / "locale" / "id" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in merged.untranslated_entries()] + [e.msgid for e in merged.fuzzy_entries()]
    assert not missing, f"{len(missing)} strings lack an Indonesian translation, e.g. {missing[:10]}"


def test_the_compiled_catalogue_is_up_to_date() -> None:
    po = polib.pofile(str(CATALOGUE / "django.po"))
    mo = polib.mofile(str(CATALOGUE / "django.mo"))
    assert entries(mo) == {k: v for k, v in entries(po).items() if v}


@pytest.mark.parametrize(("language", "expected"), [("id", "Masuk"), ("en", "Log in")])
def test_interface_speaks_both_languages(language: str, expected: str) -> None:
    with translation.override(language):
        assert translation.gettext("Log in") == expected
