"""The production settings as `bench/throughput.py` serves them: the portal's URLs with one bare view beside them
(the framework's ceiling, through the same middleware), and what a benchmark on a bench database needs.

Beyond production, only:
- ROOT_URLCONF: `bench.urls` (the portal's URLs and `/bench/ok/`);
- STATIC_ROOT from BENCH_STATIC_ROOT: the bench collects the static files there, as the image's build does;
- PASSWORD_HASHERS: the generator made its users' hashes with the test settings' MD5, which production does not
  know; MD5 is appended so they verify, and a generated user's first login rehashes to Argon2id as any old hash
  would. BENCH_PASSWORD_HASHER=pbkdf2 puts PBKDF2 first instead: the hashing before issue 12, for its figures.
"""

import os
from pathlib import Path

from jakpreneur.settings.production import *  # noqa: F403
from jakpreneur.settings.production import PASSWORD_HASHERS as PORTAL_HASHERS

ROOT_URLCONF = "bench.urls"
STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])

PBKDF2 = "django.contrib.auth.hashers.PBKDF2PasswordHasher"
_first = [PBKDF2] if os.environ.get("BENCH_PASSWORD_HASHER") == "pbkdf2" else []
PASSWORD_HASHERS = [
    *_first,
    *(hasher for hasher in PORTAL_HASHERS if hasher not in _first),
    "django.contrib.auth.hashers.MD5PasswordHasher",
]
