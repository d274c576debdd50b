"""Stable keyed pseudonyms ("Learner 7F3A"), so that reports can be shared without naming anyone.

A pseudonym is the HMAC-SHA256 of the learner's username (or email) under a salt: the same salt
gives the same pseudonym in every report, a new random salt (the default) unlinkable ones, and
without the salt the usernames cannot be recovered. All pseudonyms of one report have the same
length, the shortest (4, 6, 8 … hex digits) that tells every learner apart.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import operator
import secrets
from array import array

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


class Keyed:
    """HMAC-SHA256 under one salt, for millions of keys: the padded key's two hash states are made once and
    copied for each message (RFC 2104, the same digests as :func:`hmac.digest`)."""

    def __init__(self, salt: bytes):
        self.salt = salt
        block = salt if len(salt) <= 64 else hashlib.sha256(salt).digest()
        block = block.ljust(64, b"\0")
        self.inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self.outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def prefixes(self, keys) -> array:
        """The first 8 bytes of each key's digest, as numbers (:meth:`digest`, written out: this runs for every
        learner)."""
        inner, outer = self.inner, self.outer
        prefixes = array("Q")
        append, from_bytes = prefixes.append, int.from_bytes
        for key in keys:
            hashed = inner.copy()
            hashed.update(key.encode("utf-8"))
            wrapped = outer.copy()
            wrapped.update(hashed.digest())
            append(from_bytes(wrapped.digest()[:8], "big"))
        return prefixes

    def digest(self, key: str) -> bytes:
        inner = self.inner.copy()
        inner.update(key.encode("utf-8"))
        outer = self.outer.copy()
        outer.update(inner.digest())
        return outer.digest()


class StreamedCodes:
    """The pseudonyms of learners who can be millions, in two passes over their keys and 8 bytes a learner:
    ``keys()`` yields every key once, partition by partition (``sizes``); :meth:`code` then gives the code of
    the key at ``(partition, index)``, of the length :func:`pseudonym_codes` would give: the shortest (4, 6,
    8 …) at which no two codes are the same."""

    def __init__(self, keys, sizes: list[int], salt: bytes, known: tuple | None = None):
        """``known``: ``(prefixes, closest)`` when they were made already (:meth:`Keyed.prefixes` of the keys in
        order, the least XOR of two)."""
        self.prefixes, closest = known if known is not None else (Keyed(salt).prefixes(keys()), None)
        self.starts = [sum(sizes[:n]) for n in range(len(sizes))]
        self.digits = _digits(self.prefixes, closest)
        self.whole = None
        if self.digits > 16:  # two learners share 64 bits: so rare that the whole digests decide
            self.whole = pseudonym_codes(list(keys()), salt)
            self.digits = len(next(iter(self.whole.values())))
        self._shift, self._format = 64 - 4 * min(self.digits, 16), f"%0{min(self.digits, 16)}X"

    def code(self, partition: int, index: int, key: str) -> str:
        if self.whole is not None:
            return self.whole[key]
        return self._format % (self.prefixes[self.starts[partition] + index] >> self._shift)


    def codes(self, partitions: list[int], indexes: list[int], keys) -> list[str]:
        """:meth:`code` of many learners at once, in C."""
        if self.whole is not None:
            return list(map(self.whole.__getitem__, keys))
        if isinstance(indexes, range) and indexes.step == 1 and not any(partitions):  # one run of partition 0
            prefixes = self.prefixes[indexes.start:indexes.stop]
        else:
            places = map(operator.add, map(self.starts.__getitem__, partitions), indexes)
            prefixes = map(self.prefixes.__getitem__, places)
        return list(map(self._format.__mod__, map(operator.rshift, prefixes, itertools.repeat(self._shift))))


def _digits(prefixes: array, closest: int | None = None) -> int:
    if len(prefixes) < 2:
        return MIN_DIGITS
    if closest is None:  # the two closest prefixes share the most leading bits
        ordered = sorted(prefixes)
        closest = min(map(operator.xor, ordered, itertools.islice(ordered, 1, None)))
    shared = (64 - closest.bit_length()) // 4
    return MIN_DIGITS + 2 * max(0, -(-(shared + 1 - MIN_DIGITS) // 2))


def pseudonym_code(key: str, keyed: Keyed, digits: int) -> str:
    return keyed.digest(key).hex().upper()[:digits]
