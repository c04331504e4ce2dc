"""Staff passwords: Argon2id at a cost this machine signs in with well under 300 ms.

Django's own Argon2 hasher asks for 100 MiB and 8 lanes (about 0.7 s a password on our 2-CPU
server, more under load). OWASP's password storage cheat sheet accepts Argon2id with at least
19 MiB, 2 passes and 1 lane; we take that memory with 3 passes (about 60 ms here idle, ~100 ms
under load). Hashes made with other parameters (or by PBKDF2, still listed after this one in
PASSWORD_HASHERS) are verified and rehashed with these at the next sign-in (Django's
`must_update`). docs/operations.md "Passwords" says how to retune them.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    # Same algorithm name ("argon2") as Django's: stored hashes stay readable by either.
    time_cost = 3
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
