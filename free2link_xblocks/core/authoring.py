"""The Studio editor's JSON form of each block's content, and the way from it back to OLX.

The form editor sends the content as JSON. It is turned into the readable OLX element and
parsed by the very functions ``free2link validate`` and OLX import use, so the form, the
"Edit OLX" mode and the command line share one validation. Each problem is then tied to the
form field it concerns (``nodes.2.choices.0.next``), so the editor can show it there.

Reading the JSON is strict: a payload of the wrong shape (a bug, or a tampered request)
gives problems naming the offending field, never an exception.

Pure Python, like the rest of the core: no XBlock, no Django.
"""

from __future__ import annotations

import html.entities
import re
from dataclasses import dataclass, replace

from lxml import etree

from . import quiz as quiz_core
from . import red_flags as red_flags_core
from . import scenario as scenario_core
from .content import Advert, Chat, RichText, append_markup, indent_structure
from .graph import reachable
from .markup import parse_xml, plain_text
from .problems import N_, ContentError, Problem

# Generous bounds (the benchmarks use 1,000-step scenarios); they stop abuse, not authors.
MAX_NODES = 3000
MAX_CHOICES = 50
MAX_PARTS = 50
MAX_MESSAGES = 300
MAX_INDICATORS = 300
MAX_SHORT = 500  # ids, titles, names, points
MAX_MARKUP = 50_000
MAX_CONTENT_CHARS = 2_000_000  # the serialised OLX, as for the OLX mode

# Characters XML 1.0 cannot hold: lxml would refuse them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_AMPERSAND = re.compile(r"&(#[0-9]+;|#x[0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)?")
_XML_ENTITIES = frozenset({"amp;", "lt;", "gt;", "quot;", "apos;"})


@dataclass(frozen=True)
class Located:
    """A problem and the form field (or item) it concerns; ``path`` is None for the whole block."""

    problem: Problem
    path: str | None = None


@dataclass(frozen=True)
class Checked:
    """The outcome of checking submitted content."""

    model: object | None  # None when the content could not be read at all
    problems: list[Located]
    olx: str = ""  # the content as OLX (from the form), for the "Edit OLX" mode
    paths: dict | None = None  # source line -> form path of the item that starts there

    @property
    def errors(self) -> list[Located]:
        return [p for p in self.problems if p.problem.is_error]


# --------------------------------------------------------------------------- model -> form


def parts_to_form(parts) -> list[dict]:
    form = []
    for part in parts:
        if isinstance(part, RichText):
            form.append({"kind": "text", "markup": part.markup})
        elif isinstance(part, Chat):
            form.append({"kind": "chat", "platform": part.platform, "messages": [
                {"from": m.sender, "time": m.time, "self": m.is_self, "markup": m.markup} for m in part.messages]})
        elif isinstance(part, Advert):
            form.append({"kind": "advert", "source": part.source, "title": part.title, "markup": part.markup})
    return form


def scenario_to_form(scenario: scenario_core.Scenario) -> dict:
    """The scenario as the editor's JSON (settings are separate fields of the block)."""
    nodes = []
    for node in scenario.nodes:
        item = {"kind": "end" if node.is_end else "step", "id": node.id, "title": node.title,
                "parts": parts_to_form(node.body)}
        if node.is_end:
            item["outcome"] = node.outcome or ""
            item["points"] = str(node.points)
        else:
            item["choices"] = [{"id": c.id, "label": c.label, "feedback": c.feedback, "next": c.next,
                                "points": str(c.points), "quality": c.quality or ""} for c in node.choices]
        nodes.append(item)
    return {"start": scenario.start_id or "", "nodes": nodes,
            "harmful_cap": "" if scenario.harmful_cap is None else str(scenario.harmful_cap)}


def quiz_to_form(quiz: quiz_core.Quiz) -> dict:
    """The quiz as the editor's JSON (settings are separate fields of the block)."""
    return {
        "case": parts_to_form(quiz.case),
        "prompt": quiz.prompt,
        "indicators": [{"id": i.id, "label": i.label, "present": i.present, "strength": i.strength or "",
                        "feedback": i.feedback, "feedback_selected": i.feedback_selected,
                        "feedback_missed": i.feedback_missed} for i in quiz.indicators],
        "explanation": quiz.explanation,
    }


def red_flags_to_form(model: red_flags_core.RedFlags) -> dict:
    """Red flags as the editor's JSON: the text keeps its <flag> and <phrase> marks inline, in the markup the
    author selects in, one paragraph per blank-line-separated block (settings are separate fields of the block)."""
    root = red_flags_core.red_flags_to_element(model)
    text = []
    for element in root.find("text"):
        if element.tag == "p":
            if text and text[-1]["kind"] == "text":
                text[-1]["markup"] += "\n\n" + _inner_markup(element)
            else:
                text.append({"kind": "text", "markup": _inner_markup(element)})
        elif element.tag == "advert":
            text.append({"kind": "advert", "source": element.get("source", ""), "title": element.get("title", ""),
                         "markup": "\n\n".join(_inner_markup(p) for p in element)})
        else:
            text.append({"kind": "chat", "platform": element.get("platform", ""), "messages": [
                {"from": m.get("from", ""), "time": m.get("time", ""), "self": m.get("self") == "true",
                 "markup": _inner_markup(m)} for m in element]})
    return {"intro": parts_to_form(model.intro), "prompt": model.prompt, "text": text,
            "feedback": [{"for": f.for_id, "strength": f.strength or "", "source": f.source, "feedback": f.markup}
                         for f in model.feedback],
            "explanation": model.explanation}


def _inner_markup(element) -> str:
    return (element.text or "") + "".join(etree.tostring(child, encoding="unicode") for child in element)


# --------------------------------------------------------------------------- form -> OLX element


def xml_friendly(markup: str) -> str:
    """Let authors type HTML habits: a bare ``&`` and named HTML entities (``&nbsp;``) are fine."""
    def fix(match):
        entity = match.group(1)
        if entity is None:
            return "&amp;"
        if entity.startswith("#") or entity in _XML_ENTITIES:
            return match.group(0)
        character = html.entities.html5.get(entity)
        return character.replace("&", "&amp;").replace("<", "&lt;") if character else "&amp;" + entity

    return _AMPERSAND.sub(fix, markup)


class _FormReader:
    """Reads one JSON form, checking every value's type and size; collects problems, never raises."""

    def __init__(self):
        self.problems: list[Located] = []
        self.paths: dict = {}  # element built -> its form path

    def note(self, element, path: str):
        self.paths[element] = path
        return element

    def fail(self, path, template, **args):
        self.problems.append(Located(Problem(template, {"where": path or "form", **args}), path or None))

    def fields(self, value, path: str, allowed: set) -> dict:
        if not isinstance(value, dict):
            self.fail(path, N_("{where} must be a JSON object"))
            return {}
        for name in value:
            if name not in allowed:
                self.fail(f"{path}.{name}" if path else str(name), N_("{where} is not a field of this form"))
        return value

    def items(self, value, path: str, maximum: int) -> list:
        if value is None:
            return []
        if not isinstance(value, list) or len(value) > maximum:
            self.fail(path, N_("{where} must be a list of at most {maximum} items"), maximum=maximum)
            return []
        return value

    def text(self, value, path: str, maximum: int = MAX_SHORT) -> str:
        if value is None:
            return ""
        if not isinstance(value, str) or len(value) > maximum:
            self.fail(path, N_("{where} must be text of at most {maximum} characters"), maximum=maximum)
            return ""
        if _NOT_XML.search(value):
            self.fail(path, N_("{where} contains control characters that cannot be stored"))
            return ""
        return value

    def flag(self, value, path: str) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(path, N_("{where} must be true or false"))
            return False
        return value

    def kind(self, value, path: str, allowed) -> str | None:
        if value not in allowed:
            self.fail(path, N_("{where} must be one of {allowed}"), allowed=", ".join(allowed))
            return None
        return value

    def markup(self, parent, value, path: str, node_id=None) -> None:
        """Append author markup to ``parent``; malformed markup is kept as plain text, with a problem."""
        text = self.text(value, path, MAX_MARKUP).strip()
        if not text:
            return
        try:
            append_markup(parent, xml_friendly(text))
        except etree.XMLSyntaxError as error:
            detail = re.sub(r",? line \d+(, column \d+)?", "", error.msg or str(error))
            self.problems.append(Located(Problem(
                N_("the text is not well-formed: {detail}. Close every tag you open, and write < as &lt;"),
                {"detail": detail}, node_id), path))
            if len(parent):
                parent[-1].tail = (parent[-1].tail or "") + text
            else:
                parent.text = (parent.text or "") + text

    def attribute(self, element, name: str, value: str) -> None:
        value = value.strip()
        if value:
            element.set(name, value)

    def optional_markup(self, root, tag: str, value, path: str, node_id=None) -> None:
        """``<tag>`` holding author markup, appended to ``root`` unless the form leaves it empty."""
        element = etree.SubElement(root, tag)
        self.markup(element, value, path, node_id)
        if not len(element) and not element.text:
            root.remove(element)

    def optional_parts(self, root, tag: str, value, path: str) -> None:
        """``<tag>`` holding text, chat and advert parts, appended to ``root`` unless the form leaves it empty."""
        element = etree.SubElement(root, tag)
        self.parts(element, value, path)
        if not len(element) and not (element.text or "").strip():
            root.remove(element)

    def parts(self, parent, value, path: str, node_id=None) -> None:
        for index, part in enumerate(self.items(value, path, MAX_PARTS)):
            here = f"{path}.{index}"
            part = self.fields(part, here, {"kind", "markup", "platform", "messages", "source", "title"})
            kind = self.kind(part.get("kind"), f"{here}.kind", ("text", "chat", "advert"))
            if kind == "text":
                self.markup(parent, part.get("markup"), f"{here}.markup", node_id)
            elif kind == "chat":
                chat = self.note(etree.SubElement(parent, "chat"), here)
                self.attribute(chat, "platform", self.text(part.get("platform"), f"{here}.platform"))
                self.messages(chat, part.get("messages"), f"{here}.messages", node_id)
            elif kind == "advert":
                advert = self.note(etree.SubElement(parent, "advert"), here)
                self.attribute(advert, "source", self.text(part.get("source"), f"{here}.source"))
                self.attribute(advert, "title", self.text(part.get("title"), f"{here}.title"))
                self.markup(advert, part.get("markup"), f"{here}.markup", node_id)

    def messages(self, chat, value, path: str, node_id) -> None:
        for index, message in enumerate(self.items(value, path, MAX_MESSAGES)):
            here = f"{path}.{index}"
            message = self.fields(message, here, {"from", "time", "self", "markup"})
            element = self.note(etree.SubElement(chat, "message"), here)
            self.attribute(element, "from", self.text(message.get("from"), f"{here}.from"))
            if self.flag(message.get("self"), f"{here}.self"):
                element.set("self", "true")
            self.attribute(element, "time", self.text(message.get("time"), f"{here}.time"))
            self.markup(element, message.get("markup"), f"{here}.markup", node_id)


def _choice_element(reader: _FormReader, step, choice, index: int, path: str, step_id: str) -> None:
    choice = reader.fields(choice, path, {"id", "label", "feedback", "next", "points", "quality"})
    element = reader.note(etree.SubElement(step, "choice"), path)
    choice_id = reader.text(choice.get("id"), f"{path}.id").strip()
    if choice_id:  # always written, so that reordering choices later keeps learners' paths
        element.set("id", choice_id)
    element.set("next", reader.text(choice.get("next"), f"{path}.next").strip())
    reader.attribute(element, "points", reader.text(_number_text(choice.get("points")), f"{path}.points"))
    reader.attribute(element, "quality", reader.text(choice.get("quality"), f"{path}.quality"))
    reader.markup(etree.SubElement(element, "label"), choice.get("label"), f"{path}.label", step_id)
    reader.optional_markup(element, "feedback", choice.get("feedback"), f"{path}.feedback", step_id)


def _number_text(value):
    """A number field may arrive as a JSON number or as the text the author typed."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def scenario_form_to_element(form) -> tuple:
    """The ``<f2l_scenario>`` element the form describes, and the reader (its problems, its items' paths)."""
    reader = _FormReader()
    form = reader.fields(form, "", {"start", "nodes", "harmful_cap"})
    root = etree.Element(scenario_core.ROOT_TAG)
    reader.attribute(root, "start", reader.text(form.get("start"), "start"))
    reader.attribute(root, "harmful_cap", reader.text(_number_text(form.get("harmful_cap")), "harmful_cap"))
    for index, node in enumerate(reader.items(form.get("nodes"), "nodes", MAX_NODES)):
        path = f"nodes.{index}"
        node = reader.fields(node, path, {"kind", "id", "title", "parts", "choices", "outcome", "points"})
        kind = reader.kind(node.get("kind"), f"{path}.kind", ("step", "end"))
        if kind is None:
            continue
        element = reader.note(etree.SubElement(root, kind), path)
        node_id = reader.text(node.get("id"), f"{path}.id").strip()
        reader.attribute(element, "id", node_id)
        reader.attribute(element, "title", reader.text(node.get("title"), f"{path}.title"))
        if kind == "end":
            reader.attribute(element, "outcome", reader.text(node.get("outcome"), f"{path}.outcome"))
            points = reader.text(_number_text(node.get("points")), f"{path}.points").strip()
            if points and points != "0":
                element.set("points", points)
        elif node.get("points") is not None:
            reader.fail(f"{path}.points", N_("{where} is not a field of this form"))
        reader.parts(element, node.get("parts"), f"{path}.parts", node_id or None)
        if kind == "step":
            for number, choice in enumerate(reader.items(node.get("choices"), f"{path}.choices", MAX_CHOICES)):
                _choice_element(reader, element, choice, number, f"{path}.choices.{number}", node_id or None)
        elif node.get("choices"):
            reader.fail(f"{path}.choices", N_("{where} is not a field of this form"))
    indent_structure(root, {scenario_core.ROOT_TAG, "step", "end", "choice", "chat"})
    _own_lines(reader.paths)
    return root, reader


def _own_lines(paths_of_built: dict) -> None:
    """Start every item the form knows on a line of its own.

    Problems are tied to form fields by their line; a first choice written right after a step's
    narrative text (``...text<choice>``) would share the step's line and its problems would land
    on the step instead of the choice's fields.
    """
    for element in paths_of_built:
        before = element.getprevious()
        if before is not None:
            if "\n" not in (before.tail or ""):
                before.tail = (before.tail or "") + "\n"
        elif element.getparent() is not None and "\n" not in (element.getparent().text or ""):
            element.getparent().text = (element.getparent().text or "") + "\n"


def quiz_form_to_element(form) -> tuple:
    """The ``<f2l_indicator_quiz>`` element the form describes, and the reader (problems, paths)."""
    reader = _FormReader()
    form = reader.fields(form, "", {"case", "prompt", "indicators", "explanation"})
    root = etree.Element(quiz_core.ROOT_TAG)
    reader.optional_parts(root, "case", form.get("case"), "case")
    reader.optional_markup(root, "prompt", form.get("prompt"), "prompt")
    for index, indicator in enumerate(reader.items(form.get("indicators"), "indicators", MAX_INDICATORS)):
        path = f"indicators.{index}"
        indicator = reader.fields(indicator, path, {"id", "label", "present", "strength", "feedback",
                                                     "feedback_selected", "feedback_missed"})
        element = reader.note(etree.SubElement(root, "indicator"), path)
        indicator_id = reader.text(indicator.get("id"), f"{path}.id").strip()
        element.set("id", indicator_id)
        element.set("present", "true" if reader.flag(indicator.get("present"), f"{path}.present") else "false")
        reader.attribute(element, "strength", reader.text(indicator.get("strength"), f"{path}.strength"))
        reader.markup(etree.SubElement(element, "label"), indicator.get("label"), f"{path}.label",
                      indicator_id or None)
        for when in ("", "selected", "missed"):
            name = f"feedback_{when}" if when else "feedback"
            feedback = etree.SubElement(element, "feedback")
            if when:
                feedback.set("when", when)
            reader.markup(feedback, indicator.get(name), f"{path}.{name}", indicator_id or None)
            if not len(feedback) and not feedback.text:
                element.remove(feedback)
    reader.optional_markup(root, "explanation", form.get("explanation"), "explanation")
    indent_structure(root, {quiz_core.ROOT_TAG, "case", "indicator", "chat"})
    _own_lines(reader.paths)
    # Markup problems name the indicator they are in: "indicator pay: ..."
    reader.problems = [replace(p, problem=replace(p.problem, node_kind="indicator")) if p.problem.node_id else p
                       for p in reader.problems]
    return root, reader


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_STARTS_WITH_P = re.compile(r"\s*<p[\s>/]")  # HTML paragraphs, not a paragraph starting with <phrase>


def _in_paragraphs(part):
    """Text typed without <p> in a text or an advert becomes paragraphs, one per blank-line-separated block."""
    if not isinstance(part, dict) or part.get("kind") not in ("text", "advert"):
        return part
    markup = part.get("markup")
    if not isinstance(markup, str) or not markup.strip() or _STARTS_WITH_P.match(markup):
        return part
    paragraphs = [block.strip() for block in _PARAGRAPH_BREAK.split(markup) if block.strip()]
    return {**part, "markup": "".join(f"<p>{block}</p>" for block in paragraphs)}


def _note_paragraphs(reader: _FormReader, text, parts) -> None:
    """Tie each <p> a text part wrote to that part, so that a flag's problems show beside its paragraph."""
    if not isinstance(parts, list):
        return
    children = iter(list(text))
    child = next(children, None)
    for index, part in enumerate(parts):
        kind = part.get("kind") if isinstance(part, dict) else None
        if kind in ("chat", "advert"):
            child = next(children, None)
            continue
        while kind == "text" and child is not None and child.tag == "p":
            reader.note(child, f"text.{index}")
            child = next(children, None)


def red_flags_form_to_element(form) -> tuple:
    """The ``<f2l_red_flags>`` element the form describes, and the reader (problems, paths)."""
    reader = _FormReader()
    form = reader.fields(form, "", {"intro", "prompt", "text", "feedback", "explanation"})
    root = etree.Element(red_flags_core.ROOT_TAG)
    reader.optional_parts(root, "intro", form.get("intro"), "intro")
    reader.optional_markup(root, "prompt", form.get("prompt"), "prompt")
    text = reader.note(etree.SubElement(root, "text"), "text")
    parts = form.get("text")
    reader.parts(text, [_in_paragraphs(p) for p in parts] if isinstance(parts, list) else parts, "text")
    _note_paragraphs(reader, text, parts)
    for index, item in enumerate(reader.items(form.get("feedback"), "feedback", MAX_INDICATORS)):
        path = f"feedback.{index}"
        item = reader.fields(item, path, {"for", "strength", "source", "feedback"})
        element = reader.note(etree.SubElement(root, "feedback"), path)
        element.set("for", reader.text(item.get("for"), f"{path}.for").strip())
        reader.attribute(element, "strength", reader.text(item.get("strength"), f"{path}.strength"))
        reader.attribute(element, "source", reader.text(item.get("source"), f"{path}.source"))
        reader.markup(element, item.get("feedback"), f"{path}.feedback")
    reader.optional_markup(root, "explanation", form.get("explanation"), "explanation")
    indent_structure(root, {red_flags_core.ROOT_TAG, "intro", "text", "chat"})
    _own_lines(reader.paths)
    return root, reader


# --------------------------------------------------------------------------- problems -> form fields

# Which field of an item a core problem is about, recognised by its message template. A
# template not listed here is shown on the item as a whole, so a changed message degrades
# gracefully; tests/test_authoring.py checks each of these against real problems.
_FIELD_HINTS = (
    ("leads back into a loop", "points"),
    ("has no <label>", "label"),
    ("the indicator has no <label>", "label"),
    ("<feedback>", "feedback"),
    ("leads to", "next"),
    ("next=", "next"),
    ("{what} must be a whole number", "points"),
    ("quality must be", "quality"),
    ("outcome must be", "outcome"),
    ("strength must be", "strength"),
    ("present=", "present"),
    ("needs an id", "id"),
    ("id=\"...\" of letters", "id"),
    ("(also on line", "id"),
    ("needs a from=", "from"),
)
_BLOCK_HINTS = (
    ("start=", "start"),
    ("harmful_cap", "harmful_cap"),
    ("has no <step>", "nodes"),
    ("has no <end>", "nodes"),
    ("at least two <indicator>", "indicators"),
    ("the quiz has no <case>", "case"),
)


# The form never shows OLX, so its problems are worded for the field they sit next to. The
# keys are the core's templates (the command line and the "Edit OLX" mode keep those).
_FORM_WORDING = {
    "choice {number} has no <label>": N_("Write the text of this choice."),
    "choice {number} has no <feedback>: learners will not learn why it helps or harms":
        N_("Add feedback: without it, learners will not learn why this choice helps or harms."),
    "choice {number} has no next=\"...\" step": N_("Choose the step or end this choice leads to."),
    "choice {choice} leads to \"{target}\", which does not exist":
        N_("This choice leads to \u201c{target}\u201d, which is not in the scenario: choose where it leads."),
    "a step without choices must be written as an <end>":
        N_("Add a choice, or make this an end: learners cannot go on from a step without choices."),
    "the scenario has no <step>": N_("Add a step: the scenario has none."),
    "the scenario has no <end>: every story needs at least one outcome":
        N_("Add an end: every story needs at least one outcome."),
    "start=\"{id}\" names no step": N_("The first step \u201c{id}\u201d does not exist: choose another."),
    "<{tag}> needs an id=\"...\" attribute": N_("Give it an id."),
    "id \"{id}\" is used more than once (also on line {other})":
        N_("The id \u201c{id}\u201d is used more than once: give each item its own."),
    "choice id \"{id}\" is used more than once": N_("Two choices have the id \u201c{id}\u201d: give each its own."),
    "indicator {number} needs an id=\"...\" of letters, digits, \"_\", \".\" or \"-\" (at most 64), not \"{value}\"":
        N_("Give it an id of letters, digits, \"_\", \".\" or \"-\" (at most 64), not \u201c{value}\u201d."),
    "the indicator has no <label>": N_("Write the indicator as learners will see it."),
    "the indicator has no <feedback> for every answer: learners will not learn why it is or is not present":
        N_("Add feedback for any answer, or for both ticked and missed: learners will not learn why it is or is "
           "not present."),
    "a quiz needs at least two <indicator> elements, found {count}":
        N_("Add at least two indicators (there are {count} now)."),
    "the quiz has no <case>: learners need a situation to look for indicators in":
        N_("Write the case: learners need a situation to look for indicators in."),
    "a chat <message> needs a from=\"...\" attribute": N_("Write who sends this message."),
    "<chat> has no messages": N_("Add a message to this chat."),
}


def in_form_words(problem: Problem) -> Problem:
    """The problem as the form shows it: in the author's words, without the OLX line or the item's id
    (the form shows the problem next to its field, and names the item in the list of problems)."""
    return replace(problem, template=_FORM_WORDING.get(problem.template, problem.template), line=None, node_id=None)


def _line_paths(built, parsed, paths_of_built: dict) -> dict[int, str]:
    """Map each source line of ``parsed`` (the OLX text read back) to the form path of the item there.

    ``parsed`` has the same elements in the same order as ``built``, whose items the reader noted.
    """
    paths: dict[int, str] = {}
    for original, reread in zip(built.iter(), parsed.iter(), strict=False):
        path = paths_of_built.get(original)
        if path is not None and reread.sourceline is not None:
            paths.setdefault(reread.sourceline, path)
    return paths


def locate(problem: Problem, paths: dict[int, str]) -> Located:
    """Tie a core problem to the form field it concerns, by its line and its message."""
    item = paths.get(problem.line) if problem.line is not None else None
    if item is None:
        # The message, not only the template: "{what} must be a whole number" names harmful_cap in its args.
        return Located(problem, next((f for hint, f in _BLOCK_HINTS if hint in problem.message()), None))
    field = next((f for hint, f in _FIELD_HINTS if hint in problem.template), None)
    return Located(problem, f"{item}.{field}" if field else item)


# --------------------------------------------------------------------------- checking submitted content


def check_form(form, form_to_element, parse_element) -> Checked:
    """Check the editor's JSON the way ``free2link validate`` checks a file; never raises."""
    root, reader = form_to_element(form)
    olx = etree.tostring(root, encoding="unicode")
    if len(olx) > MAX_CONTENT_CHARS:
        return Checked(None, reader.problems + [Located(Problem(N_("the content is too long to be stored")))])
    try:
        parsed = parse_xml(olx)  # read back, so that every element has a line
    except ContentError as error:  # e.g. markup nested beyond the parser's depth limit
        return Checked(None, reader.problems + [Located(p) for p in error.problems], olx)
    model, content_problems = parse_element(parsed)
    paths = _line_paths(root, parsed, reader.paths)
    return Checked(model, reader.problems + [locate(p, paths) for p in content_problems], olx, paths)


def check_olx(olx, parse_element, settings_names=frozenset()) -> Checked:
    """Check content typed in the "Edit OLX" mode; problems give their line; never raises."""
    if not isinstance(olx, str) or not olx.strip() or len(olx) > MAX_CONTENT_CHARS:
        return Checked(None, [Located(Problem(N_("the OLX is missing or too long")))])
    try:
        root = parse_xml(olx)
    except ContentError as error:
        return Checked(None, [Located(p) for p in error.problems])
    model, problems = parse_element(root)
    located = [Located(p) for p in problems]
    misplaced = sorted(set(root.attrib) & set(settings_names))
    if misplaced:
        located.append(Located(Problem(N_("set these settings in the fields above, not as attributes in the OLX: "
                                          "{names}"), {"names": ", ".join(misplaced)}, line=root.sourceline)))
    return Checked(model, located, olx)


def check_scenario_form(form) -> Checked:
    return check_form(form, scenario_form_to_element, scenario_core.parse_scenario_element)


def check_quiz_form(form) -> Checked:
    return check_form(form, quiz_form_to_element, quiz_core.parse_quiz_element)


def check_red_flags_form(form) -> Checked:
    return check_form(form, red_flags_form_to_element, red_flags_core.parse_red_flags_element)


# --------------------------------------------------------------------------- the scenario at a glance


def scenario_outline(scenario: scenario_core.Scenario, paths: dict | None = None) -> list[dict]:
    """Each node with where its choices lead, whether it can be reached, and whether it traps learners.

    ``paths`` (from :func:`line_paths`) links each node to its place in the form.
    """
    paths = paths or {}
    successors = {n.id: [c.next for c in n.choices] for n in scenario.nodes}
    from_start = reachable([scenario.start], successors)
    predecessors: dict[str, list[str]] = {n.id: [] for n in scenario.nodes}
    for node_id, targets in successors.items():
        for target in targets:
            if target in predecessors:
                predecessors[target].append(node_id)
    reaches_end = reachable([e.id for e in scenario.ends], predecessors)
    outline = []
    for node in scenario.nodes:
        choices = []
        for choice in node.choices:
            target = scenario.node(choice.next)
            choices.append({
                "id": choice.id, "label": plain_text(choice.label), "points": choice.points,
                "quality": choice.quality or "", "target": choice.next,
                "target_title": target.title if target is not None else "",
                "target_is_end": bool(target is not None and target.is_end), "target_exists": target is not None,
                "target_path": paths.get(target.line) if target is not None else None,
            })
        outline.append({
            "id": node.id, "title": node.title, "is_end": node.is_end,
            "outcome": getattr(node, "outcome", None) or "", "is_start": node.id == scenario.start,
            "reachable": node.id in from_start,
            "trapped": node.id in from_start and not node.is_end and node.id not in reaches_end,
            "path": paths.get(node.line), "choices": choices,
        })
    return outline
