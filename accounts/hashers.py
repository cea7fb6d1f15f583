"""The portal's password hasher: Argon2id with the parameters of OWASP's Password Storage Cheat Sheet.

OWASP's minimum for Argon2id is 19 MiB of memory, 2 iterations and 1 degree of parallelism. Django's own
Argon2PasswordHasher asks for 100 MiB and 8 lanes; on a two-core web server that is five times the memory per
login and lanes the cores cannot run at once. PBKDF2 at Django's million iterations costs about ten times the CPU
of a hash with these parameters (`bench/throughput.py` prints both) and needs no memory, which is what makes an
attacker's GPU guesses cheap.

The algorithm stays "argon2": a hash made here is Django's Argon2 format with the parameters in it, so any Argon2
hasher verifies it, and Django's `must_update` (parameters differ from these) rehashes an older Argon2 hash at the
next login, as it rehashes a PBKDF2 one (the hasher differs from the first of PASSWORD_HASHERS).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher

MEMORY_KIB = 19 * 1024
ITERATIONS = 2
PARALLELISM = 1


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id, m=19 MiB, t=2, p=1 (OWASP's Password Storage Cheat Sheet)."""

    memory_cost = MEMORY_KIB
    time_cost = ITERATIONS
    parallelism = PARALLELISM
