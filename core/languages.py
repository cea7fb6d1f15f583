"""The languages the portal speaks (settings.LANGUAGES), asked in one place."""

from django.conf import settings
from django.utils import translation


def supported_languages() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def is_supported(code: str) -> bool:
    return code in supported_languages()


def active_language() -> str:
    """The active language if the portal supports it, else the default language."""
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if is_supported(language) else settings.LANGUAGE_CODE


def language_or_active(code: str | None) -> str:
    """A supported language from a code such as "en-US"; None means the active one. Unsupported raises."""
    if code is None:
        return active_language()
    language = code.split("-")[0].lower()
    if not is_supported(language):
        raise ValueError(f"Unsupported language {code!r}.")
    return language
