"""Course tooling for course teams: validate, extract the course catalogues, build the tarballs.

A course lives in ``courses/<name>/``: the English OLX source in ``course/`` (laid out like
openedx-demo-course), its gettext catalogues in ``locale/`` (``course.pot``, ``<lang>.po``).
``build`` writes ``dist/<name>-<lang>.tar.gz`` for every language: one top folder ``course/``
with ``course.xml``, the text translated unit by unit, the course run renamed
``<run>_<lang>`` so the four runs can live side by side in one Open edX, and the result
validated (olxcleaner plus our checks) before the tarball is written.

Notes for course teams (``<p class="f2l-course-team">For course teams: check …</p>``) stay in
the source, where the course team edits them, but never reach learners: ``build`` takes them
out of the built course and lists them, with their file and line, in
``dist/<name>-<lang>-course-team-checklist.md``.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import NamedTuple

from lxml import etree

from .core.course import BLOCK_VALIDATORS, OUR_BLOCK_TYPES, Course, Finding, blank_between_inline_problems, load_course
from .core.course_text import TranslationError, apply_translation, serialize_html_fragment, text_units
from .core.problems import N_, Problem
from .core.red_flags import ROOT_TAG as RED_FLAGS_TAG
from .core.scenario import ROOT_TAG as SCENARIO_TAG
from .i18n_tools import Message, parse_po, untranslated, write_catalogues

REPOSITORY = Path(__file__).resolve().parent.parent
SOURCE_LANGUAGE = "en"
COURSE_LANGUAGES = ("it", "el", "pl")
SOURCE_FOLDER = "course"  # the OLX inside courses/<name>/, and the top folder of every tarball
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
SHOWN_UNTRANSLATED = 10  # listed one by one; the rest are counted
UNTRANSLATED = N_("no translation in {po}: {text}")
COURSE_TEAM_CLASS = "f2l-course-team"  # marks a note for course teams, never shown to learners


class CourseInputError(Exception):
    """A path that is not a course: the message says why (already translated)."""


def courses_root() -> Path:
    """Where the course sources are: ``$FREE2LINK_COURSES`` or the checkout's ``courses/``."""
    return Path(os.environ.get("FREE2LINK_COURSES") or REPOSITORY / "courses")


def course_sources(root: Path | None = None) -> list[Path]:
    """Every ``courses/<name>/`` that holds an OLX source."""
    root = root or courses_root()
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if (p / SOURCE_FOLDER / "course.xml").is_file())


def catalogue_path(source: Path, language: str | None) -> Path:
    return source / "locale" / (f"{language}.po" if language else "course.pot")


# ------------------------------------------------------------------ opening a course

def find_course_folder(folder: Path, t, shown_as: Path | None = None) -> Path:
    """The folder holding ``course.xml``: ``folder`` itself, its ``course/`` or its only subfolder.

    ``shown_as`` is the archive an unpacked ``folder`` came from: messages name it, not a temporary folder.
    """
    if (folder / "course.xml").is_file():
        return folder
    candidates = [p for p in sorted(folder.iterdir()) if p.is_dir() and (p / "course.xml").is_file()]
    if len(candidates) == 1:
        return candidates[0]
    if shown_as is not None:
        raise CourseInputError(t.gettext("{path}: no course.xml in the archive, at its top or in one folder below "
                                         "it").format(path=printable(shown_as)))
    raise CourseInputError(t.gettext("{path}: no course.xml in this folder or in one folder below it").format(
        path=printable(folder)))


@contextlib.contextmanager
def opened_course(path: Path, t):
    """Yield the course folder of a directory or of a ``.tar.gz`` (unpacked safely to a temporary folder)."""
    if path.is_dir():
        yield find_course_folder(path, t)
        return
    if not path.is_file():
        raise CourseInputError(t.gettext("{path}: no such file or folder").format(path=printable(path)))
    with tempfile.TemporaryDirectory(prefix="free2link-") as tmp:
        _unpack(path, Path(tmp), t)
        yield find_course_folder(Path(tmp), t, shown_as=path)


def printable(text) -> str:
    """A name as it may be printed: control characters (terminal escape sequences) and bytes that are
    not UTF-8 shown as escapes, so a hostile file name can neither drive the terminal nor crash the output."""
    text = str(text)
    out = []
    for char in text:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif code < 0x20 or 0x7F <= code < 0xA0 or 0xD800 <= code <= 0xDFFF or code in (0x2028, 0x2029):
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def _unreadable(path: Path, t, reason: str) -> CourseInputError:
    return CourseInputError(t.gettext("{path}: not a readable course archive (.tar.gz): {reason}").format(
        path=printable(path), reason=reason))


def _check_compression(path: Path, t) -> None:
    """Refuse, in one line each, what is not a course archive, before ``tarfile`` sees it: an empty or
    a .zip file, and a gzip stream that is damaged anywhere (its checksum is read only at the end)."""
    with open(path, "rb") as file:
        magic = file.read(4)
    if not magic:
        raise _unreadable(path, t, t.gettext("the file is empty"))
    if magic.startswith(b"PK"):
        raise _unreadable(path, t, t.gettext("this is a .zip file; export the course from Studio as .tar.gz"))
    if not magic.startswith(b"\x1f\x8b"):
        return  # an uncompressed or otherwise compressed tar: tarfile says whether it can read it
    total = 0
    try:
        with gzip.open(path, "rb") as stream:
            while chunk := stream.read(1024 * 1024):
                total += len(chunk)
                if total > MAX_UNPACKED_BYTES:
                    raise CourseInputError(t.gettext("{path}: the archive is too large to be a course").format(
                        path=printable(path)))
    except (OSError, EOFError, zlib.error):
        raise _unreadable(path, t, t.gettext("the file is damaged (its gzip data does not check out)")) from None


def _unpack(path: Path, target: Path, t) -> None:
    _check_compression(path, t)
    try:
        with tarfile.open(path, "r:*") as archive:
            members = archive.getmembers()
            _check_members(path, members, t)
            archive.extractall(target, members=members, filter="data")  # Python >= 3.11.4
    except (tarfile.TarError, OSError, EOFError, ValueError, zlib.error):
        raise _unreadable(path, t, t.gettext("not a tar archive, or a damaged one")) from None


def _check_members(path: Path, members, t) -> None:
    total = 0
    for member in members:
        name = member.name
        if name.startswith(("/", "\\")) or ".." in Path(name).parts or member.issym() or member.islnk() \
                or not (member.isfile() or member.isdir()):
            raise CourseInputError(t.gettext("{path}: the archive holds an unsafe entry: {name}").format(
                path=printable(path), name=printable(name)))
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            raise CourseInputError(t.gettext("{path}: the archive holds a name that is not UTF-8: {name}").format(
                path=printable(path), name=printable(name))) from None
        total += member.size
    if total > MAX_UNPACKED_BYTES:
        raise CourseInputError(t.gettext("{path}: the archive is too large to be a course").format(
            path=printable(path)))


# ------------------------------------------------------------------ validation

@dataclass
class Report:
    """What validation found: lines to print, and how many of them are errors."""

    lines: list[str]
    errors: int


def olxcleaner_report(folder: Path, allowed: list[str], shown_as: str, t, ignore=()) -> Report:
    """Run olxcleaner as Studio does (``validate(..., allowed_xblocks=...)``), all 8 steps.

    ``ignore`` names olxcleaner checks to skip, like Studio's ``COURSE_OLX_VALIDATION_IGNORE_LIST``.
    """
    try:
        import olxcleaner
    except ImportError:
        return Report([t.gettext("olxcleaner is not installed: pip install \"free2link-xblocks[validate]\"")], 1)
    try:
        _course, store, _names = olxcleaner.validate(str(folder), steps=8, ignore=list(ignore),
                                                      allowed_xblocks=allowed)
    except (Exception, RecursionError) as error:  # noqa: BLE001 - a third party's checks on hostile files
        return Report([t.gettext("{path}: olxcleaner could not check the course ({reason}); fix the errors above "
                                 "first").format(path=shown_as, reason=type(error).__name__)], 1)
    lines, errors = [], 0
    for error in store.errors:
        where = f"{shown_as}/{_relative(error.filename, folder)}" if error.filename else shown_as
        lines.append(printable(f"{where}: olxcleaner {error.level} {error.name}: {error.description}"))
        errors += error.level_val >= 3  # ERROR and CRITICAL
    return Report(lines, errors)


def _relative(filename: str, folder: Path) -> str:
    path = Path(filename)
    return str(path.relative_to(folder)) if path.is_absolute() and path.is_relative_to(folder) else filename


def findings_report(findings: list[Finding], shown_as: str, t) -> Report:
    return Report([printable(f"{shown_as}/{f.format(t.gettext)}") for f in findings],
                  sum(f.is_error for f in findings))


def validate_course(path: Path, t, language: str | None = None, shown_as: str | None = None,
                    ignore=()) -> Report:
    """Every check of one course folder or tarball; ``language`` also checks its catalogue."""
    try:
        with opened_course(path, t) as folder:
            shown_as = shown_as or printable(f"{path}:{folder.relative_to(folder.parent)}" if path.is_file()
                                             else folder)
            course = load_course(folder, with_html=language is not None)
            report = findings_report(course.findings, shown_as, t)
            if language:
                merge(report, language_report(course, folder.parent, language, t, shown_as, path.is_file()))
            # olxcleaner follows the same pointers without our limits: not on a course that leaves its folder
            if (not course.errors or course.root_pointer is not None) and not course.unsafe:
                allowed = sorted(set(OUR_BLOCK_TYPES) | set(course.advanced_modules))
                merge(report, olxcleaner_report(folder, allowed, shown_as, t, ignore))
            return report
    except CourseInputError as error:
        return Report([str(error)], 1)


def built_language(course: Course) -> str | None:
    """The language a course was built in by ``free2link build`` (run ``<run>_<lang>``), else None."""
    root = course.elements[0].element if course.elements else None
    language = root.get("language") if root is not None else None
    return language if language and (course.run or "").endswith(f"_{language}") else None


def language_report(course: Course, source: Path, language: str, t, shown_as: str, archive: bool) -> Report:
    """``--lang``: a source's catalogue is complete, or a built course is in that language."""
    built = built_language(course)
    if built is not None:  # translated and checked when it was built; it has no catalogue of its own
        if built == language:
            return Report([], 0)
        return Report([t.gettext("{path}: this course was built in {built}, not in {language}").format(
            path=shown_as, built=built, language=language)], 1)
    if archive:  # unpacked to a temporary folder: there is no catalogue beside it
        return Report([t.gettext("{path}: --lang checks the catalogue of a course source (courses/<name>) or "
                                 "that a built course is in that language; this archive is neither").format(
            path=shown_as)], 1)
    return catalogue_report(course, source, language, t, shown_as)


def merge(report: Report, other: Report) -> None:
    report.lines.extend(other.lines)
    report.errors += other.errors


# ------------------------------------------------------------------ catalogues

def course_messages(course: Course) -> dict[str, Message]:
    """Every text unit of the course, in course order, with the places it appears."""
    messages: dict[str, Message] = {}
    for source_file in course.files:
        for unit in text_units(source_file.root):
            messages.setdefault(unit.msgid, Message(unit.msgid)).places.append(f"{source_file.path}:{unit.line}")
    for label in grading_labels(course.grading):
        messages.setdefault(label, Message(label)).places.append(f"policies/{course.run}/grading_policy.json")
    return messages


def grading_labels(grading: dict) -> list[str]:
    """The assignment types and short labels learners see on their progress page."""
    labels = []
    for grader in grading.get("GRADER") or []:
        if isinstance(grader, dict):
            labels.extend(grader[key] for key in ("type", "short_label") if isinstance(grader.get(key), str))
    return labels


def read_catalogue(source: Path, language: str) -> dict:
    path = catalogue_path(source, language)
    return parse_po(path.read_text(encoding="utf-8")) if path.is_file() else {}


def catalogue_report(course: Course, source: Path, language: str, t, shown_as: str) -> Report:
    """Untranslated units of ``language``, each at the place it appears."""
    if language not in COURSE_LANGUAGES:
        return Report([t.gettext("{language}: not a course language (expected one of: {languages})").format(
            language=language, languages=", ".join(COURSE_LANGUAGES))], 1)
    messages = course_messages(course)
    po = catalogue_path(source, language)
    findings = []
    for msgid in untranslated(read_catalogue(source, language), messages):
        place, _, line = messages[msgid].places[0].rpartition(":")
        if not line.isdigit():  # a place without a line (the grading policy)
            place, line = messages[msgid].places[0], "0"
        findings.append(Finding(place, Problem(UNTRANSLATED, {"po": str(po), "text": _shorten(msgid)},
                                               line=int(line) or None)))
    report = capped_report(findings, shown_as, po, t)
    merge(report, findings_report(translation_findings(course.folder, read_catalogue(source, language), str(po)),
                                  shown_as, t))
    return report


def translation_findings(folder: Path, entries: dict, catalogue: str) -> list[Finding]:
    """What a catalogue's translations break, untranslated units aside: markup that does not fit its unit, and
    blocks whose translated content fails their own validation (a red flag that no longer starts and ends on a
    clause boundary in this language)."""
    course = load_course(folder, with_html=True)  # a copy of its own: translating changes the parsed files
    findings = [f for f in translate_course(course, entries, catalogue) if f.problem.template != UNTRANSLATED]
    return findings + translated_block_findings(course, catalogue)


@dataclass
class TranslatedFinding(Finding):
    """A problem that only the translation in ``catalogue`` has: the message says which catalogue to fix."""

    catalogue: str = ""

    def format(self, gettext=None) -> str:
        translate = gettext or (lambda message: message)
        return translate(N_("{problem} (in the translation from {po})")).format(
            problem=self.problem.format(self.source, gettext), po=self.catalogue)


def translated_block_findings(course: Course, catalogue: str) -> list[Finding]:
    """Our blocks' own validation errors in a course whose text has been translated in place."""
    findings = []
    for placed in course.elements:
        validator = BLOCK_VALIDATORS.get(placed.tag)
        if validator is None:
            continue
        _model, problems = validator(placed.element)
        problems = problems + blank_between_inline_problems(placed.element)
        findings.extend(TranslatedFinding(placed.source, p, catalogue) for p in problems if p.is_error)
    return findings


def capped_report(findings: list[Finding], shown_as: str, po: Path, t) -> Report:
    """The first findings about a catalogue one by one, the rest counted: a new language lacks thousands."""
    report = findings_report(findings[:SHOWN_UNTRANSLATED], shown_as, t)
    more = len(findings) - SHOWN_UNTRANSLATED
    if more > 0:
        report.lines.append(t.ngettext("{po}: and {count} more problem", "{po}: and {count} more problems",
                                       more).format(po=po, count=more))
        report.errors += more
    return report


def _shorten(text: str, limit: int = 70) -> str:
    return json.dumps(text if len(text) <= limit else text[: limit - 1] + "…", ensure_ascii=False)


def extract(source: Path, t) -> dict[str, int]:
    """Refresh ``locale/course.pot`` and merge it into every language's ``.po``; return what each lacks."""
    course = load_course(source / SOURCE_FOLDER, with_html=True)
    if course.errors:
        raise CourseInputError("\n".join(f"{source / SOURCE_FOLDER}/{f.format(t.gettext)}" for f in course.errors))
    return write_catalogues(course_messages(course), catalogue_path(source, None),
                            partial(catalogue_path, source), COURSE_LANGUAGES,
                            project=f"Free2Link course {source.name}", command="free2link extract", source_order=True)


# ------------------------------------------------------------------ translating a parsed course

def translate_course(course: Course, entries: dict, catalogue: str) -> list[Finding]:
    """Put every unit's translation in place; untranslated or unfitting units become findings."""
    findings = []
    for source_file in course.files:
        for unit in text_units(source_file.root):
            translation = entries.get(unit.msgid)
            if not isinstance(translation, str) or not translation:
                findings.append(Finding(source_file.path, Problem(UNTRANSLATED, {
                    "po": catalogue, "text": _shorten(unit.msgid)}, line=unit.line)))
                continue
            try:
                apply_translation(unit, translation)
            except TranslationError as error:
                findings.append(Finding(source_file.path, Problem(error.template, {
                    "text": _shorten(unit.msgid), "po": catalogue}, line=unit.line)))
    for grader in course.grading.get("GRADER") or []:
        for key in ("type", "short_label"):
            if isinstance(grader, dict) and entries.get(grader.get(key)):
                grader[key] = entries[grader[key]]
    return findings


# ------------------------------------------------------------------ notes for course teams

@dataclass
class CourseTeamNote:
    path: str
    line: int | None
    text: str


def is_course_team_note(element) -> bool:
    return isinstance(element.tag, str) and COURSE_TEAM_CLASS in (element.get("class") or "").split()


def take_course_team_notes(root, path: str = "") -> list[CourseTeamNote]:
    """Remove every course-team note under ``root`` (keeping the text that follows it); return them."""
    notes = []
    for element in [e for e in root.iter() if is_course_team_note(e)]:
        text = " ".join("".join(element.itertext()).split())
        notes.append(CourseTeamNote(path, element.sourceline, text))
        _remove_keeping_tail(element)
    return notes


def _remove_keeping_tail(element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail or ""
    previous = element.getprevious()
    if tail.strip():
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def write_checklist(notes: list[CourseTeamNote], path: Path, title: str, t) -> None:
    """The course team's checklist: every note of the course, where it was, in course order."""
    lines = [f"# {title}", "", t.gettext("Check each item before publishing the course. These notes are taken out "
                                         "of the course that learners see."), ""]
    for note in notes:
        where = f"{note.path}:{note.line}" if note.line else note.path
        lines.append(f"- [ ] `{where}`: {note.text}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# ------------------------------------------------------------------ building tarballs

def build(source: Path, language: str, out_dir: Path, t) -> tuple[Path | None, Report]:
    """Write ``<out_dir>/<name>-<language>.tar.gz`` if the translated course validates."""
    course = load_course(source / SOURCE_FOLDER, with_html=True)
    shown_as = str(source / SOURCE_FOLDER)
    report = findings_report(course.findings, shown_as, t)
    if course.errors:
        return None, report
    built = built_language(course)
    if built is not None:
        merge(report, Report([t.gettext("{path}: already built (in {language}); build from the course source, "
                                        "courses/<name>").format(path=shown_as, language=built)], 1))
        return None, report
    if language != SOURCE_LANGUAGE:
        if language not in COURSE_LANGUAGES:
            return None, catalogue_report(course, source, language, t, shown_as)
        po = catalogue_path(source, language)
        problems = translate_course(course, read_catalogue(source, language), str(po))
        problems += translated_block_findings(course, str(po))
        merge(report, capped_report(problems, shown_as, po, t))
        if report.errors:
            return None, report
    notes = [note for f in course.files for note in take_course_team_notes(f.root, f.path)]
    with tempfile.TemporaryDirectory(prefix="free2link-build-") as tmp:
        top = Path(tmp) / SOURCE_FOLDER
        write_course(course, source / SOURCE_FOLDER, top, language)
        built = f"{source.name}-{language}.tar.gz"
        merge(report, validate_course(top, t, shown_as=f"{built}:{SOURCE_FOLDER}"))
        if report.errors:
            return None, report
        out_dir.mkdir(parents=True, exist_ok=True)
        tarball = out_dir / built
        write_tarball(top, tarball)
        write_checklist(notes, checklist_path(out_dir, source, language), t.gettext(
            "{course} ({language}): checklist for the course team").format(course=source.name, language=language), t)
    write_structure_map(course, language, tarball)
    return tarball, report


def checklist_path(out_dir: Path, source: Path, language: str) -> Path:
    return out_dir / f"{source.name}-{language}-course-team-checklist.md"


def write_course(course: Course, source_folder: Path, top: Path, language: str) -> None:
    """Copy the source, write the (translated) parsed files over it, and rename the run."""
    shutil.copytree(source_folder, top)
    for source_file in course.files:
        text = (serialize_html_fragment(source_file.root) if source_file.kind == "html"
                else etree.tostring(source_file.root, encoding="unicode"))
        (top / source_file.path).write_text(text + "\n", encoding="utf-8")
    _rename_run(course, top, language)


def _rename_run(course: Course, top: Path, language: str) -> None:
    old, new = course.run, f"{course.run}_{language}"
    pointer = course.root_pointer
    pointer.set("url_name", new)
    (top / "course.xml").write_text(etree.tostring(pointer, encoding="unicode") + "\n", encoding="utf-8")
    run_file = top / "course" / f"{old}.xml"
    if run_file.is_file():
        root = etree.fromstring(run_file.read_bytes())
        root.set("language", language)
        for wiki in root.iter("wiki"):
            wiki.set("slug", f"{wiki.get('slug')}.{language}")
        (top / "course" / f"{new}.xml").write_text(etree.tostring(root, encoding="unicode") + "\n", encoding="utf-8")
        run_file.unlink()
    policies = top / "policies" / old
    if policies.is_dir():
        policies.rename(top / "policies" / new)
        policy_file = top / "policies" / new / "policy.json"
        if policy_file.is_file():
            policy = json.loads(policy_file.read_text(encoding="utf-8"))
            if f"course/{old}" in policy:
                policy[f"course/{new}"] = policy.pop(f"course/{old}")
            policy_file.write_text(json.dumps(policy, indent=4, ensure_ascii=False) + "\n", encoding="utf-8")
        (top / "policies" / new / "grading_policy.json").write_text(
            json.dumps(course.grading, indent=4, ensure_ascii=False) + "\n", encoding="utf-8")


def write_tarball(top: Path, tarball: Path) -> None:
    """A reproducible ``.tar.gz``: sorted entries, fixed times and owners, so rebuilding gives the same bytes."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "1767225600"))  # 2026-01-01
    partial = tarball.with_suffix(".partial")
    with open(partial, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=epoch) as zipped, \
            tarfile.open(fileobj=zipped, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for path in [top, *sorted(top.rglob("*"))]:
            info = archive.gettarinfo(str(path), arcname=str(Path(top.name) / path.relative_to(top)))
            info.mtime, info.uid, info.gid, info.uname, info.gname = epoch, 0, 0, "", ""
            info.mode = 0o755 if path.is_dir() else 0o644
            if path.is_file():
                with open(path, "rb") as handle:
                    archive.addfile(info, handle)
            else:
                archive.addfile(info)
    partial.replace(tarball)


# ------------------------------------------------------------------ the trainer report's structure map

STRUCTURE_FORMAT = "free2link-structure/1"


def structure_map(course: Course, language: str) -> dict:
    """What ``free2link report`` needs to merge a course's language runs by structure rather than by title: the
    run, and each module (chapter) with its subsections (their assignment type) and problems and blocks, each
    with its ``url_name`` (the same in every language) and its name as this language's run shows it."""
    pointer = course.root_pointer
    run = f"{course.run}_{language}"
    modules, subsection = [], ""
    for placed in course.elements:
        tag, element = placed.tag, placed.element
        name = element.get("display_name", "")
        url_name = element.get("url_name") or Path(placed.source).stem
        if tag == "chapter":
            modules.append({"id": url_name, "name": name, "subsections": [], "blocks": []})
        elif not modules:
            continue
        elif tag == "sequential":
            subsection = url_name
            graded = element.get("graded") == "true"
            modules[-1]["subsections"].append({"id": url_name, "name": name,
                                               "format": element.get("format", "") if graded else ""})
        elif tag == "problem" or tag in OUR_BLOCK_TYPES:
            block = {"id": url_name, "type": tag, "name": name, "subsection": subsection}
            if tag in OUR_BLOCK_TYPES:
                block["labels"] = _report_labels(tag, element)
            modules[-1]["blocks"].append(block)
    return {"format": STRUCTURE_FORMAT, "language": language,
            "course": f"course-v1:{pointer.get('org')}+{pointer.get('course')}+{run}",
            "run": f"{pointer.get('org')}_{pointer.get('course')}_{run}", "modules": modules}


def _report_labels(tag: str, element) -> dict:
    """What the report counts in one of our blocks, by the ids its report columns give: harmful choices
    (``step:choice``) and present indicators, with their labels in this language."""
    model, _problems = BLOCK_VALIDATORS[tag](element)
    if model is None:
        return {}
    if tag == SCENARIO_TAG:
        return {f"{step.id}:{choice.id}": choice.label for step in model.steps for choice in step.choices
                if choice.quality == "harmful"}
    if tag == RED_FLAGS_TAG:
        return {flag.id: flag.text for flag in model.flags}
    return {indicator.id: indicator.label for indicator in model.indicators if indicator.present}


def write_structure_map(course: Course, language: str, tarball: Path) -> Path:
    """``<tarball name>.structure.json`` beside the tarball (not in it: Studio imports only the OLX)."""
    path = tarball.with_name(tarball.name.removesuffix(".tar.gz") + ".structure.json")
    path.write_text(json.dumps(structure_map(course, language), indent=1, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    return path


# ------------------------------------------------------------------ the workbench

class CourseBlock(NamedTuple):
    """A course block as the workbench shows it: its title, its OLX, and where it goes in the index."""

    title: str
    xml: str
    order: tuple  # (course, module, language, place in the course)


@cache
def course_blocks(block_type: str, root: str | None = None) -> tuple[CourseBlock, ...]:
    """Every ``block_type`` block of every course, in every language with a catalogue.

    The workbench shows them, so the README's first command plays the real curriculum.
    """
    scenarios = []
    for course_number, source in enumerate(course_sources(Path(root) if root else None)):
        course = load_course(source / SOURCE_FOLDER)
        placed = course.blocks_of(block_type)
        if course.errors or not placed:
            continue
        chapters = [p.element for p in course.elements if p.tag == "chapter"]
        places = {id(p.element): number for number, p in enumerate(course.elements)}
        catalogues = {SOURCE_LANGUAGE: {}, **{lang: read_catalogue(source, lang) for lang in COURSE_LANGUAGES}}
        for language_number, (language, entries) in enumerate(catalogues.items()):
            if language != SOURCE_LANGUAGE and not any(value for msgid, value in entries.items() if msgid):
                continue  # nothing translated yet
            for block in placed:
                element = _translated_copy(block.element, entries)
                module = block.chapter.get("display_name", "") if block.chapter is not None else ""
                module = entries.get(module) or module
                module_number = chapters.index(block.chapter) if block.chapter in chapters else len(chapters)
                scenarios.append(CourseBlock(f"[{language}] {module} · {element.get('display_name', '')}",
                                             etree.tostring(element, encoding="unicode"),
                                             (course_number, module_number, language_number,
                                              places[id(block.element)])))
    return tuple(scenarios)


def _translated_copy(element, entries: dict):
    """A learner's copy of a block: translated, without the notes for course teams."""
    copy = etree.fromstring(etree.tostring(element))
    take_course_team_notes(copy)
    if not entries:
        return copy
    for unit in text_units(copy):
        translation = entries.get(unit.msgid)
        if isinstance(translation, str) and translation:
            with contextlib.suppress(TranslationError):
                apply_translation(unit, translation)
    return copy

