"""What the password lists miss: a common password dressed up with digits, symbols or look-alike letters, a run
of keys or letters, and the words people here pick first.

Django's CommonPasswordValidator refuses the 20,000 passwords most often found in breaches, as typed. Breach
corpora show people meet such rules by decorating one of them: "Jakarta2026!", "P@ssw0rd1", "Bismillah123".
This validator takes the decoration off (digits and symbols at either end, look-alike characters read as the
letters they imitate) and refuses what is left when it is one of those passwords or one of the program's own
words; it also refuses a run (12345678, qwertyui, aaaaaaaa, abcabcabc) whatever its length.
"""

from functools import cache
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Read as the letters they stand in for ("p@ssw0rd" is "password").
LOOK_ALIKES = str.maketrans({"@": "a", "4": "a", "3": "e", "1": "i", "!": "i", "0": "o", "$": "s", "5": "s", "7": "t"})
DECORATION = "0123456789!@#$%^&*()-_=+.,?/~`'\" "

# The words people in Jakarta reach for first (Indonesian breach lists) and the portal's own names.
LOCAL_WORDS = frozenset(
    {
        "jakpreneur",
        "jakarta",
        "jakartaku",
        "umkm",
        "indonesia",
        "indonesiaraya",
        "merdeka",
        "bismillah",
        "alhamdulillah",
        "sayang",
        "sayangku",
        "cinta",
        "cintaku",
        "rahasia",
        "katasandi",
        "kata sandi",
        "sandi",
        "pengusaha",
        "wirausaha",
        "dinas",
        "kecamatan",
    }
)

# Rows of keys and letters a run is read along (either way).
SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
)
LONGEST_UNIT = 3  # "abcabcabc" and "121212" are runs; a four-character unit repeated is left to the other rules


@cache
def common_passwords() -> frozenset[str]:
    """Django's list of breached passwords, read once a process."""
    return frozenset(CommonPasswordValidator().passwords)


def bases(password: str) -> set[str]:
    """The password without its decoration: as typed, trimmed of digits and symbols at both ends, and both of
    those with look-alike characters read as letters (lower case)."""
    typed = password.lower()
    trimmed = typed.strip(DECORATION)
    found = {typed, trimmed, typed.translate(LOOK_ALIKES), trimmed.translate(LOOK_ALIKES)}
    found.add(typed.translate(LOOK_ALIKES).strip(DECORATION))
    return {base for base in found if base}


def is_run(password: str) -> bool:
    """One short unit repeated (aaaaaaaa, abcabcabc) or a stretch of a row of letters, digits or keys."""
    typed = password.lower()
    for size in range(1, LONGEST_UNIT + 1):
        unit = typed[:size]
        if len(typed) > size and unit * (len(typed) // size) + unit[: len(typed) % size] == typed:
            return True
    return any(typed in row or typed in row[::-1] for row in SEQUENCES)


class PatternPasswordValidator:
    """Refuses a breached or local password under decoration, and a run (see the module's docstring)."""

    def validate(self, password: str, user: Any = None) -> None:
        if is_run(password):
            raise ValidationError(
                _("This password is a run of letters, digits or keys, which is guessed at once."),
                code="password_is_run",
            )
        if bases(password) & (common_passwords() | LOCAL_WORDS):
            raise ValidationError(
                _(
                    "This password is a common password with digits, symbols or look-alike letters added, which is "
                    "guessed at once. Choose a few words of your own instead."
                ),
                code="password_decorated_common",
            )

    def get_help_text(self) -> str:
        return _("Not a common password or word with digits or symbols added, and not a run such as 12345678.")
