"""An OLX course folder as Studio imports it, and the checks Studio's own validator does not make.

``load_course`` follows the course tree the way the importer does (``course.xml`` → the run's
``course/<run>.xml`` → chapters → sequentials → verticals → blocks, loading pointer files) and
keeps every parsed file, so the same walk serves validation, text extraction and the build.

Our checks, each reported as ``file:line: message``:

* every Free2Link block is written inline, since released Open edX platforms do not load
  pointer files of external XBlocks (openedx-platform#36390), and passes its own validation;
* every pointer leads to a file;
* every block type that is not one of the platform's own is listed in ``advanced_modules``
  (an error for our types: without it course teams cannot add or edit them in Studio);
* every graded subsection's ``format`` is an assignment type of the grading policy;
* no path through a harmful choice of a scenario reaches the course's pass mark (an error in a
  graded subsection), and no scenario gives its best options away (answer cues).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import quiz, red_flags, scenario
from .course_text import INLINE_TAGS, parse_html_fragment
from .markup import local_name, parse_xml
from .problems import ERROR, N_, WARNING, ContentError, Problem
from .safejson import JsonTooDeepError, loads

BLOCK_VALIDATORS = {scenario.ROOT_TAG: scenario.parse_scenario_element, quiz.ROOT_TAG: quiz.parse_quiz_element,
                    red_flags.ROOT_TAG: red_flags.parse_red_flags_element}
OUR_BLOCK_TYPES = tuple(BLOCK_VALIDATORS)
# Types every Open edX platform has without advanced settings (olxcleaner's known tags and the
# core components), which therefore never need to be in ``advanced_modules``.
PLATFORM_BLOCK_TYPES = frozenset({
    "course", "chapter", "sequential", "vertical", "html", "problem", "video", "discussion", "wiki", "unit",
    "openassessment", "drag-and-drop-v2", "lti", "lti_consumer", "itembank", "library_content", "static_tab",
    "course_info", "about", "word_cloud", "poll_question",
})
# Pages of the course that are not in the tree but are shown to learners.
PAGE_FOLDERS = ("about", "info")
# Pointer files followed one inside the other, at most (a real course has course → chapter →
# sequential → vertical → block: a handful); deeper is a loop or a hostile archive.
MAX_POINTER_DEPTH = 50
MAX_TREE_DEPTH = 400  # elements inside elements, across files (each file's XML is limited to 256)
OUTSIDE = N_("url_name=\"{name}\" points outside the course folder")


@dataclass
class Finding:
    """A problem in one file of a course."""

    source: str
    problem: Problem

    @property
    def is_error(self) -> bool:
        return self.problem.is_error

    def format(self, gettext=None) -> str:
        return self.problem.format(self.source, gettext)


@dataclass
class SourceFile:
    """One parsed file: an OLX ``.xml`` or an HTML fragment (under a wrapper element)."""

    path: str  # relative to the course folder, with "/" separators
    root: object
    kind: str = "xml"


@dataclass
class Placed:
    """An element of the course tree, the file it is written in and the chapter (module) it is in."""

    source: str
    element: object
    chapter: object = None
    sequential: object = None  # the subsection (graded or not) it is in

    @property
    def tag(self) -> str | None:
        return local_name(self.element)


@dataclass
class Course:
    folder: Path
    run: str | None = None
    root_pointer: object = None  # the parsed course.xml
    files: list[SourceFile] = field(default_factory=list)  # in course order
    elements: list[Placed] = field(default_factory=list)  # every element of the tree, in course order
    policy: dict = field(default_factory=dict)  # the run's entry of policy.json
    grading: dict = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    # A pointer leaves the folder, loops or nests without end, or a policy file cannot be read: tools
    # that read the course without our limits (olxcleaner) must not be run on it.
    unsafe: bool = False
    unreadable: set = field(default_factory=set)  # policy files that could not be read (checks on them skipped)

    def add(self, source: str, template: str, args: dict | None = None, line: int | None = None,
            severity: str = ERROR) -> None:
        self.findings.append(Finding(source, Problem(template, args or {}, line=line, severity=severity)))

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def advanced_modules(self) -> list[str]:
        modules = self.policy.get("advanced_modules") or []
        return [m for m in modules if isinstance(m, str)] if isinstance(modules, list) else []

    def inside(self, relative: str) -> Path | None:
        """The file ``relative`` names, or None when it would lie outside the course folder."""
        folder = self.folder.resolve()
        path = (folder / relative).resolve()
        return path if path.is_relative_to(folder) and path != folder else None

    def blocks_of(self, block_type: str) -> list[Placed]:
        return [placed for placed in self.elements if placed.tag == block_type]


def load_course(folder: Path, with_html: bool = False) -> Course:
    """Read and check the course in ``folder`` (which holds ``course.xml``).

    ``with_html`` also parses every HTML file (lessons, about and info pages), as translation
    needs; a real export's HTML need not be XML, so plain validation leaves it to olxcleaner.
    """
    course = Course(Path(folder))
    pointer = _read_xml(course, "course.xml")
    if pointer is None:
        return course
    course.root_pointer = pointer
    course.run = pointer.get("url_name")
    if course.run and (course.inside(f"course/{course.run}.xml") is None
                       or course.inside(f"policies/{course.run}/policy.json") is None):
        course.add("course.xml", OUTSIDE, {"name": course.run}, pointer.sourceline)
        course.run, course.unsafe = None, True
        return course
    if len(pointer) or not course.run:
        root, source = pointer, "course.xml"
    else:
        source = f"course/{course.run}.xml"
        root = _read_xml(course, source)
        if root is None:
            return course
    _load_policies(course)
    _visit(course, root, source, with_html)
    if with_html:
        for page_folder in PAGE_FOLDERS:
            for path in sorted((course.folder / page_folder).glob("*.html")):
                _read_html(course, f"{page_folder}/{path.name}")
    _check_advanced_modules(course)
    _check_grading_formats(course)
    return course


# ------------------------------------------------------------------ reading files

def _read_xml(course: Course, relative: str):
    return _read(course, relative, "xml")


def _read_html(course: Course, relative: str):
    return _read(course, relative, "html")


def _read(course: Course, relative: str, kind: str):
    """Parse one file of the course (OLX, or an HTML fragment) and keep it; a problem is a finding."""
    path = course.inside(relative)
    if path is None:
        course.add(relative, N_("this path leads outside the course folder"))
        course.unsafe = True
        return None
    if not path.is_file():
        course.add(relative, N_("file not found"))
        return None
    try:
        data = path.read_bytes()
        root = parse_xml(data, relative) if kind == "xml" else parse_html_fragment(data.decode("utf-8"), relative)
    except ContentError as error:
        course.findings.extend(Finding(relative, p) for p in error.problems)
        return None
    except UnicodeDecodeError:
        course.add(relative, N_("the file is not UTF-8 text"))
        return None
    course.files.append(SourceFile(relative, root, kind))
    return root


def _load_json(course: Course, relative: str) -> dict:
    path = course.inside(relative)
    if path is None or not path.is_file():
        return {}
    try:
        data = loads(path.read_text(encoding="utf-8"))
    except JsonTooDeepError as error:
        course.add(relative, N_("not valid JSON: {detail}"), {"detail": str(error)})
        data = None
    except UnicodeDecodeError:
        course.add(relative, N_("the file is not UTF-8 text"))
        data = None
    except ValueError as error:
        line = getattr(error, "lineno", None)
        course.add(relative, N_("not valid JSON: {detail}"), {"detail": getattr(error, "msg", str(error))}, line)
        data = None
    else:
        if not isinstance(data, dict):
            course.add(relative, N_("not valid JSON: {detail}"), {"detail": "expected an object"})
            data = None
    if data is None:
        course.unsafe = True
        course.unreadable.add(relative)
        return {}
    return data


def _load_policies(course: Course) -> None:
    folder = f"policies/{course.run}"
    policy = _load_json(course, f"{folder}/policy.json").get(f"course/{course.run}")
    course.policy = policy if isinstance(policy, dict) else {}
    course.grading = _load_json(course, f"{folder}/grading_policy.json")
    modules = course.policy.get("advanced_modules")
    if modules is not None and not (isinstance(modules, list) and all(isinstance(m, str) for m in modules)):
        course.add(f"{folder}/policy.json", N_("advanced_modules must be a list of block types, such as "
                                               "[\"f2l_scenario\", \"f2l_indicator_quiz\"]"))
        course.unsafe = True


# ------------------------------------------------------------------ the course tree

def is_pointer(element) -> bool:
    """Open edX's rule: an empty element whose only attribute is ``url_name`` points to a file."""
    return len(element) == 0 and not (element.text or "").strip() and set(element.attrib) == {"url_name"}


def _visit(course: Course, element, source: str, with_html: bool, chapter=None, sequential=None, files=(),
           depth=0) -> None:
    """Walk the tree from ``element``; ``files`` are the pointer files that lead here (to catch loops)."""
    tag = local_name(element)
    if depth > MAX_TREE_DEPTH:
        course.add(source, N_("the course tree is nested more than {count} elements deep"),
                   {"count": MAX_TREE_DEPTH}, element.sourceline)
        course.unsafe = True
        return
    name = element.get("url_name")
    if name is not None and tag and course.inside(f"{tag}/{name}.xml") is None:
        course.add(source, OUTSIDE, {"name": name}, element.sourceline)
        course.unsafe = True
        return
    filename = element.get("filename")
    if tag == "html" and filename is not None and course.inside(f"html/{filename}.html") is None:
        course.add(source, N_("filename=\"{name}\" points outside the course folder"), {"name": filename},
                   element.sourceline)
        course.unsafe = True
        return
    if tag == "chapter":
        chapter = element
    elif tag == "sequential":
        sequential = element
    course.elements.append(Placed(source, element, chapter, sequential))
    if tag in BLOCK_VALIDATORS:
        model, problems = BLOCK_VALIDATORS[tag](element)
        course.findings.extend(Finding(source, p) for p in problems + blank_between_inline_problems(element))
        if tag == scenario.ROOT_TAG and not any(p.is_error for p in problems):
            graded = sequential is not None and sequential.get("graded", "").lower() == "true"
            checks = scenario.scenario_checks(model, pass_mark(course.grading), graded)
            course.findings.extend(Finding(source, p) for p in checks)
        return
    if tag == "html" and element.get("filename") and with_html:
        _read_html(course, f"html/{element.get('filename')}.html")
    for child in element:
        if not isinstance(child.tag, str):
            continue
        child_tag = local_name(child)
        if child_tag == "wiki" or not is_pointer(child):
            _visit(course, child, source, with_html, chapter, sequential, files, depth + 1)
            continue
        target = f"{child_tag}/{child.get('url_name')}.xml"
        if course.inside(target) is None:
            course.add(source, OUTSIDE, {"name": child.get("url_name")}, child.sourceline)
            course.unsafe = True
            continue
        if target in files or target == source:
            course.unsafe = True
            course.add(source, N_("<{tag} url_name=\"{name}\"/> points to {target}, which contains this pointer: "
                                  "the course would never end"),
                       {"tag": child_tag, "name": child.get("url_name"), "target": target}, child.sourceline)
            continue
        if len(files) >= MAX_POINTER_DEPTH:
            course.unsafe = True
            course.add(source, N_("pointer files are nested more than {count} deep"), {"count": MAX_POINTER_DEPTH},
                       child.sourceline)
            continue
        if child_tag in BLOCK_VALIDATORS:
            course.add(source, N_("<{tag} url_name=\"{name}\"/> points to {target}, but Open edX imports a "
                                  "Free2Link block only when it is written inline: move the content of the "
                                  "block here"), {"tag": child_tag, "name": child.get("url_name"), "target": target},
                       child.sourceline)
            continue
        if not course.inside(target).is_file():
            course.add(source, N_("<{tag} url_name=\"{name}\"/> points to {target}, which does not exist"),
                       {"tag": child_tag, "name": child.get("url_name"), "target": target}, child.sourceline)
            continue
        loaded = _read_xml(course, target)
        if loaded is not None:
            _visit(course, loaded, target, with_html, chapter, sequential, (*files, source), depth + 1)


# ------------------------------------------------------------------ white space Open edX drops

BLANK_DROPPED = N_("<{first}> and <{second}> are separated only by white space, which Open edX drops when it imports "
                   "the course (\"{before}\" would run into \"{after}\"): put the space inside <{first}>")


def blank_between_inline_problems(block) -> list[Problem]:
    """Open edX reads OLX with ``remove_blank_text``: white space alone between two elements is dropped. Between two
    inline elements of our blocks (``</em> <strong>``, ``</flag> <flag>``) the words then run together wherever the
    text is shown whole (Studio, search, exports). The red flags' clauses survive it (core.red_flags restores the
    space after a clause's mark), but the course source is kept free of it."""
    problems = []
    for element in block.iter():
        following = element.getnext() if isinstance(element.tag, str) else None
        if following is None or not isinstance(following.tag, str) or element.tail is None or element.tail.strip():
            continue
        first, second = local_name(element), local_name(following)
        if first in INLINE_TAGS and second in INLINE_TAGS and "br" not in (first, second):
            problems.append(Problem(BLANK_DROPPED, {"first": first, "second": second,
                                                    "before": " ".join("".join(element.itertext()).split())[-20:],
                                                    "after": " ".join("".join(following.itertext()).split())[:20]},
                                    line=following.sourceline))
    return problems


# ------------------------------------------------------------------ course-wide checks

def pass_mark(grading: dict) -> float:
    """The lowest grade that passes (the smallest of ``GRADE_CUTOFFS``), or Open edX's default."""
    cutoffs = grading.get("GRADE_CUTOFFS") if isinstance(grading, dict) else None
    values = [v for v in (cutoffs or {}).values()
              if isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v <= 1] \
        if isinstance(cutoffs, dict) else []
    return min(values) if values else scenario.DEFAULT_PASS_MARK


def _check_advanced_modules(course: Course) -> None:
    policy_file = f"policies/{course.run}/policy.json"
    if not isinstance(course.policy.get("advanced_modules", []), list) or policy_file in course.unreadable:
        return  # already reported: what it would allow is unknown
    declared = set(course.advanced_modules)
    reported = set()
    for placed in course.elements:
        source, element, tag = placed.source, placed.element, placed.tag
        if tag in declared or tag in PLATFORM_BLOCK_TYPES or tag in reported:
            continue
        if tag in OUR_BLOCK_TYPES:
            reported.add(tag)
            course.add(source, N_("the block type {tag} is used but not listed in advanced_modules of {policy}: "
                                  "course teams could not add or edit it in Studio"),
                       {"tag": tag, "policy": policy_file}, element.sourceline)
        elif element.get("xblock-family"):
            reported.add(tag)
            course.add(source, N_("the block type {tag} is not listed in advanced_modules of {policy}"),
                       {"tag": tag, "policy": policy_file}, element.sourceline, WARNING)


def _check_grading_formats(course: Course) -> None:
    if f"policies/{course.run}/grading_policy.json" in course.unreadable:
        return  # already reported
    graders = course.grading.get("GRADER")
    types = [g.get("type") for g in graders if isinstance(g, dict)] if isinstance(graders, list) else []
    for placed in course.elements:
        source, element = placed.source, placed.element
        if placed.tag != "sequential" or not element.get("format"):
            continue
        if element.get("graded", "").lower() != "true":
            continue
        if element.get("format") not in types:
            course.add(source, N_("the subsection's format \"{format}\" is not an assignment type of "
                                  "policies/{run}/grading_policy.json (types: {types})"),
                       {"format": element.get("format"), "run": course.run, "types": ", ".join(types) or "–"},
                       element.sourceline)
