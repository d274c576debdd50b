"""JSON from untrusted hands (request bodies, course policy files), read without recursion errors."""

from __future__ import annotations

import json
import re

MAX_JSON_DEPTH = 64
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(r"[\[\]{}]")


class JsonTooDeepError(ValueError):
    """Arrays and objects nest beyond ``MAX_JSON_DEPTH`` (``json.loads`` would recurse that deep)."""


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in JSON text (strings ignored), without recursion."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def loads(text: str, max_depth: int = MAX_JSON_DEPTH):
    """``json.loads`` that refuses deep nesting first: raises JsonTooDeepError or ValueError."""
    if json_depth(text) > max_depth:
        raise JsonTooDeepError(f"nested more than {max_depth} levels deep")
    try:
        return json.loads(text)
    except RecursionError:  # pragma: no cover - the depth check comes first
        raise JsonTooDeepError(f"nested more than {max_depth} levels deep") from None
