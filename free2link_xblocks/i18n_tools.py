"""The interface catalogues: extract marked strings, merge them into the ``.po`` files, compile ``.mo``.

Strings are marked in Python only (templates hold no text): ``_()``, ``gettext()``, ``N_()``
(marked now, translated where shown) and ``ngettext(singular, plural, n)``. The LMS reads the
compiled catalogues from ``free2link_xblocks/translations/<lang>/LC_MESSAGES/text.mo``; the
English source catalogue is also kept where OEP-58 tools (openedx-atlas) look for it,
``free2link_xblocks/conf/locale/en/LC_MESSAGES/django.po``.

``.po`` and ``.mo`` files are read, merged and written with Babel (``msgctxt`` and fuzzy entries
honoured), for these catalogues and the courses' alike; ``setup.py`` compiles the ``.mo`` files
while the package is built (Babel is a build requirement, so no gettext tools are needed).
"""

from __future__ import annotations

import ast
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PACKAGE_DIR = Path(__file__).resolve().parent
TRANSLATIONS = PACKAGE_DIR / "translations"
POT_PATH = TRANSLATIONS / "text.pot"
# OEP-58: the English source catalogue, for Transifex and openedx-atlas (``atlas pull``).
SOURCE_PO = PACKAGE_DIR / "conf" / "locale" / "en" / "LC_MESSAGES" / "django.po"
# Fixed dates in the headers, so that a catalogue changes only when its messages do.
CATALOGUE_DATE = datetime(2026, 1, 1, tzinfo=UTC)
# The languages we ship, with their gettext plural rules.
LANGUAGES = {
    "it": "nplurals=2; plural=(n != 1);",
    "el": "nplurals=2; plural=(n != 1);",
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "bg": "nplurals=2; plural=(n != 1);",
}
SINGULAR_MARKERS = {"_", "gettext", "N_", "ugettext"}
PLURAL_MARKERS = {"ngettext", "ungettext"}


@dataclass
class Message:
    msgid: str
    plural: str | None = None
    places: list[str] = field(default_factory=list)


def _name(func) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _literal(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def extract(package_dir: Path = PACKAGE_DIR) -> dict[str, Message]:
    """Every marked string of the package's Python files, keyed by msgid, in source order."""
    messages: dict[str, Message] = {}
    for path in sorted(package_dir.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = _name(node.func)
            msgid = _literal(node.args[0])
            if msgid is None or name not in SINGULAR_MARKERS | PLURAL_MARKERS:
                continue
            plural = _literal(node.args[1]) if name in PLURAL_MARKERS and len(node.args) > 1 else None
            entry = messages.setdefault(msgid, Message(msgid, plural))
            entry.places.append(f"{path.relative_to(package_dir.parent)}:{node.lineno}")
    return messages


def _catalog(messages: dict[str, Message], language: str | None, project: str, title: str,
             source_order: bool) -> Catalog:
    """A Babel catalogue of ``messages`` with our header, in course order or by first place."""
    from . import __version__

    catalog = Catalog(locale=language, project=project, version=__version__, header_comment=title,
                      creation_date=CATALOGUE_DATE, revision_date=CATALOGUE_DATE, fuzzy=False,
                      last_translator="Free2Link project team",
                      language_team=f"Free2Link ({language})" if language else "Free2Link", msgid_bugs_address="")
    # Our plural rules, not Babel's CLDR ones (which give Italian a third form that gettext catalogues lack).
    catalog.mime_headers = [("Plural-Forms", LANGUAGES.get(language, "nplurals=2; plural=(n != 1);"))]
    ordered = messages.values() if source_order else sorted(messages.values(), key=lambda m: m.places[0])
    for message in ordered:
        added = catalog.add((message.msgid, message.plural) if message.plural is not None else message.msgid,
                            locations=[_location(place) for place in sorted(set(message.places))],
                            flags=("python-brace-format",) if "{" in message.msgid else ())
        added.flags.discard("python-format")  # our strings use {braces}; a "60 %" is not a placeholder
    return catalog


def _location(place: str) -> tuple[str, int | None]:
    path, _, line = place.rpartition(":")
    return (path, int(line)) if path and line.isdigit() else (place, None)


def _title(language: str | None, project: str, command: str) -> str:
    if language:
        return f"# {language} translation of {project}. Update with `{command}`; edit msgstr only."
    return f"# Translatable strings of {project}. Generated by `{command}`; do not edit."


def _po_text(catalog: Catalog) -> str:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, ignore_obsolete=True, include_previous=True)
    return buffer.getvalue().decode("utf-8")


def render_catalogue(messages: dict[str, Message], language: str | None = None,
                     translations: dict | None = None, project: str = "free2link-xblocks",
                     command: str = "free2link i18n extract", source_order: bool = False) -> str:
    """The ``.pot`` (``language`` None) or a language's ``.po`` with the given ``translations``.

    Messages are sorted by their first place, or kept in the given order with ``source_order``
    (a course's catalogue follows the course from its first page to its last).
    """
    catalog = _catalog(messages, language, project, _title(language, project, command), source_order)
    for msgid, value in (translations or {}).items():
        message = catalog.get(msgid)
        if message is not None and msgid:
            message.string = tuple(value) if message.pluralizable else (value if isinstance(value, str) else "")
    return _po_text(catalog)


def write_pot(path: Path = POT_PATH) -> int:
    messages = extract()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_catalogue(messages), encoding="utf-8")
    return len(messages)


def po_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "text.po"


def update_catalogues() -> dict[str, int]:
    """Refresh the interface's ``.pot`` (and its OEP-58 copy) and merge it into every language's ``.po``."""
    messages = extract()
    SOURCE_PO.parent.mkdir(parents=True, exist_ok=True)
    SOURCE_PO.write_text(render_source_po(messages), encoding="utf-8")
    return write_catalogues(messages, POT_PATH, po_path, LANGUAGES)


def render_source_po(messages: dict[str, Message]) -> str:
    """OEP-58's ``conf/locale/en/LC_MESSAGES/django.po``: the English source, every msgstr empty."""
    title = "# English source strings of free2link-xblocks (OEP-58). Generated by `free2link i18n extract`."
    return _po_text(_catalog(messages, "en", "free2link-xblocks", title, source_order=False))


def write_catalogues(messages: dict[str, Message], pot: Path, po_of, languages, project: str = "free2link-xblocks",
                     command: str = "free2link i18n extract", source_order: bool = False) -> dict[str, int]:
    """Write ``pot`` and merge ``messages`` into each language's ``.po`` (``po_of(language)``), as
    msgmerge does: new strings are added untranslated, translations of unchanged strings are kept, an
    edited string keeps its old translation marked fuzzy (shown to translators with the old msgid, used
    nowhere until reviewed), strings no longer used are dropped. Returns how many each language lacks."""
    pot.parent.mkdir(parents=True, exist_ok=True)
    template = _catalog(messages, None, project, _title(None, project, command), source_order)
    pot.write_text(_po_text(template), encoding="utf-8")
    missing = {}
    for language in languages:
        path = po_of(language)
        catalog = _catalog({}, language, project, _title(language, project, command), source_order)
        if path.exists():
            existing = _read(path.read_text(encoding="utf-8"), language)
            for message in existing:
                if message.id:
                    catalog[message.id] = message
        catalog.update(template, no_fuzzy_matching=False, update_header_comment=False)
        for message in catalog:
            message.flags.discard("python-format")
        path.parent.mkdir(parents=True, exist_ok=True)
        text = _po_text(catalog)
        path.write_text(text, encoding="utf-8")
        missing[language] = len(untranslated(parse_po(text), messages))
    return missing


# --------------------------------------------------------------------------- reading .po files


class Plural(list):
    """The translated plural forms of a message, remembering its plural msgid."""

    def __init__(self, forms, plural: str):
        super().__init__(forms)
        self.plural = plural


def _key(message) -> str:
    """msgid, or ``context EOT msgid`` for a message with a msgctxt (gettext's own key in ``.mo`` files)."""
    msgid = message.id[0] if message.pluralizable else message.id
    return f"{message.context}\x04{msgid}" if message.context else msgid


# Catalogues written before Babel carry "PO-Revision-Date: see the git history", which Babel cannot read.
_UNDATED = re.compile(r'^"PO-Revision-Date: [^"\d][^"]*"\n', re.M)


def _read(text: str, language: str | None = None) -> Catalog:
    return read_po(io.BytesIO(_UNDATED.sub("", text).encode("utf-8")), locale=language)


def parse_po(text: str) -> dict:
    """msgid -> msgstr (a string, or a list of plural forms); fuzzy entries are skipped, like msgfmt does.

    A message with a ``msgctxt`` is kept apart, under ``context EOT msgid``. The header is kept under the
    empty msgid.
    """
    catalog = _read(text)
    entries: dict = {"": "\n".join(f"{name}: {value}" for name, value in catalog.mime_headers)}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if message.pluralizable:
            entries[_key(message)] = Plural(list(message.string), message.id[1])
        else:
            entries[_key(message)] = message.string or ""
    return entries


def untranslated(entries: dict, messages: dict[str, Message]) -> list[str]:
    """Marked strings that have no (complete) translation in ``entries``."""
    missing = []
    for msgid in messages:
        value = entries.get(msgid)
        if not value or (isinstance(value, list) and not all(value)):
            missing.append(msgid)
    return missing


# --------------------------------------------------------------------------- compiling .mo files


def compile_mo(po_text: str) -> bytes:
    """GNU ``.mo`` bytes of a ``.po`` (untranslated and fuzzy entries left out, as msgfmt does)."""
    catalog = _read(po_text)
    for message in list(catalog):
        strings = message.string if message.pluralizable else (message.string,)
        if message.id and not all(strings):
            catalog.delete(message.id, context=message.context)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_catalogues(root: Path = TRANSLATIONS) -> list[Path]:
    """Write ``text.mo`` beside every ``text.po`` under ``root``; return the files written."""
    written = []
    for po in sorted(root.glob("*/LC_MESSAGES/text.po")):
        mo = po.with_suffix(".mo")
        mo.write_bytes(compile_mo(po.read_text(encoding="utf-8")))
        written.append(mo)
    return written
