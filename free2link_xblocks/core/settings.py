"""Block settings written as attributes of a block's root element, e.g. ``max_attempts="2"``.

Each block declares its settings once, as :class:`Setting` entries; the same declaration parses
OLX attributes here, and checks what an author submits in Studio.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .content import parse_bool
from .markup import local_name
from .problems import N_, Problem


@dataclass(frozen=True)
class Setting:
    name: str
    kind: str  # "text", "number" (float >= 0), "count" (whole number 0..1000), "flag", "choice"
    choices: tuple[str, ...] = ()


MAX_COUNT = 1000
# Attributes the runtime writes on any block's root element; accepted and ignored.
RUNTIME_ATTRIBUTES = frozenset({"url_name", "xblock-family", "filename"})


def parse_setting(setting: Setting, value, problems: list, line=None):
    """Convert one attribute (or submitted) value; append a problem and return None if it is not valid."""
    if setting.kind == "text":
        text = value.strip() if isinstance(value, str) else ""
        if not text or len(text) > 255:
            problems.append(Problem(N_("{name} must be between 1 and 255 characters"), {"name": setting.name},
                                    line=line))
            return None
        return text
    if setting.kind == "flag":
        if isinstance(value, bool):
            return value
        if not isinstance(value, str):
            value = repr(value)
        before = len(problems)
        result = parse_bool(value, False, problems, setting.name, line)
        return None if len(problems) > before else result
    if setting.kind == "choice":
        if value in setting.choices:
            return value
        problems.append(Problem(N_("{name} must be one of {allowed}, not \"{value}\""),
                                {"name": setting.name, "allowed": ", ".join(setting.choices), "value": value},
                                line=line))
        return None
    try:
        if isinstance(value, bool):
            raise ValueError
        number = float(value)
        if math.isnan(number) or number < 0 or (setting.kind == "count" and
                                                 (number != int(number) or number > MAX_COUNT)):
            raise ValueError
    except (TypeError, ValueError):
        template = (N_("{name} must be a whole number from 0 to {maximum}, not \"{value}\"")
                    if setting.kind == "count" else N_("{name} must be a number of at least 0, not \"{value}\""))
        problems.append(Problem(template, {"name": setting.name, "maximum": MAX_COUNT, "value": value}, line=line))
        return None
    return int(number) if setting.kind == "count" else number


def parse_settings(root, settings: tuple[Setting, ...], problems: list) -> dict:
    """The settings given as attributes of ``root`` (absent ones are left out)."""
    found = {}
    for setting in settings:
        raw = root.get(setting.name)
        if raw is None:
            continue
        value = parse_setting(setting, raw, problems, root.sourceline)
        if value is not None:
            found[setting.name] = value
    return found


def parse_root(root, tag: str, settings: tuple[Setting, ...], problems: list, other_attributes=()) -> dict:
    """What every block's root shares: its tag checked, attributes other than ``settings`` (and
    ``other_attributes``) warned about, and the settings it gives."""
    if local_name(root) != tag:
        problems.append(Problem(N_("expected <{expected}>, found <{found}>"),
                                {"expected": tag, "found": local_name(root)}, line=root.sourceline))
    unknown_attributes(root, {s.name for s in settings} | set(other_attributes), problems)
    return parse_settings(root, settings, problems)


def unknown_attributes(root, known: set, problems: list) -> None:
    """Warn about root attributes that are neither ``known`` nor the runtime's own."""
    for name in root.attrib:
        if name not in known and name not in RUNTIME_ATTRIBUTES and not name.startswith("{"):
            problems.append(Problem(N_("unknown attribute {name} is ignored"), {"name": name},
                                    line=root.sourceline, severity="warning"))
