"""Stable keyed pseudonyms ("Learner 7F3A"), so that reports can be shared without naming anyone.

A pseudonym is the HMAC-SHA256 of the learner's username (or email) under a salt: the same salt
gives the same pseudonym in every report, a new random salt (the default) unlinkable ones, and
without the salt the usernames cannot be recovered. All pseudonyms of one report have the same
length, the shortest (4, 6, 8 … hex digits) that tells every learner apart.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

MIN_DIGITS = 4


def new_salt() -> bytes:
    return secrets.token_bytes(16)


def pseudonym_codes(keys, salt: bytes) -> dict[str, str]:
    """Learner key -> code such as ``7F3A``, unique within ``keys``."""
    digests = {key: hmac.new(salt, key.encode("utf-8"), hashlib.sha256).hexdigest().upper() for key in keys}
    digits = MIN_DIGITS
    while len({d[:digits] for d in digests.values()}) < len(digests):
        digits += 2
    return {key: digest[:digits] for key, digest in digests.items()}
