"""Red flags: a text to read (an advert, a chat, a story) in which the learner selects the red flags.

The author marks the red flags inline, ``<flag id="pay">3,000 euro a month!</flag>``, and may mark
phrases learners often select wrongly, ``<phrase id="contract_q">Is there a contract?</phrase>``.
The learner never sees those marks: the server cuts every paragraph and chat message into clauses
(:func:`segment`), the same way whether a clause is flagged or not, and the page gets only the
clauses' text with their numbers. So a flag must start and end on a clause boundary, or the cut
itself would give it away; the validator refuses a flag that does not.

Marking (:func:`grade`): a flag is *spotted* when at least one of its clauses is selected; each
selected clause outside every flag is a *false alarm*, the clauses of one ``<phrase>`` counting
once. The score is ``max(0, spotted - false alarms)`` out of the number of flags, so selecting
everything does not pay.

Pure Python, like the rest of the core: no XBlock, no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape

from lxml import etree

from .content import Chat, Part, append_markup, append_parts, indent_structure, load_checked, parse_chat, parse_parts
from .markup import local_name, markup_to_nodes, plain_text, sanitize_element_content, sanitize_nodes
from .problems import N_, WARNING, ContentError, LearnerError, Problem
from .quiz import STRENGTHS
from .settings import Setting, parse_root, unknown_attributes

ROOT_TAG = "f2l_red_flags"
FLAG = "flag"
PHRASE = "phrase"
MARK_TAGS = (FLAG, PHRASE)
_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
# A clause ends after . ! ? ; : … or a comma (closing quotes and brackets kept with it) followed by white
# space. "3,000", "21:04" or "e-mail.com" have no space after the mark, so they are never cut.
_BOUNDARY = re.compile(r"[.!?;:,\u2026][\"'\u201d\u2019\u00bb)\]]*(?=\s)")
# Inline tags a clause keeps; links and block tags are unwrapped (a link cannot sit inside a button).
_INLINE_KEPT = frozenset("strong em b i u s small sub sup mark q cite code abbr span".split())

SETTINGS = (
    Setting("display_name", "text"),
    Setting("weight", "number"),
    Setting("max_attempts", "count"),
)

SPOTTED = "spotted"
MISSED = "missed"
FALSE_ALARM = "false_alarm"


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class Segment:
    """A piece of a paragraph: plain author markup (``mark`` None) or the content of a flag or phrase."""

    markup: str
    mark: str | None = None  # FLAG or PHRASE
    id: str = ""


@dataclass(frozen=True)
class Passage:
    """A paragraph (``<p>``) or a chat message: the text whose clauses are selectable."""

    segments: tuple[Segment, ...]
    sender: str = ""  # messages only
    time: str = ""
    is_self: bool = False
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Paragraph:
    passage: Passage


@dataclass(frozen=True)
class AdvertText:
    source: str
    title: str
    paragraphs: tuple[Passage, ...]


TextPart = Paragraph | AdvertText | Chat  # a chat of the text holds Passages as its messages


@dataclass(frozen=True)
class Feedback:
    for_id: str
    markup: str
    strength: str | None = None
    source: str = ""
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Unit:
    """One selectable clause: its number, its markup as shown, its text, and whose it is (never sent)."""

    index: int
    markup: str
    text: str
    passage: int  # the number of its passage in document order
    owner: str | None = None  # the flag or phrase it belongs to


@dataclass(frozen=True)
class Mark:
    """A flag or a phrase, with the clauses it covers."""

    id: str
    kind: str
    units: tuple[int, ...]
    text: str
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class RedFlags:
    text: tuple[TextPart, ...]
    feedback: tuple[Feedback, ...]
    prompt: str = ""
    intro: tuple[Part, ...] = ()
    explanation: str = ""
    settings: dict = field(default_factory=dict, compare=False, hash=False)
    # Derived from ``text`` by segment(); equal texts give equal units.
    units: tuple[Unit, ...] = field(default=(), compare=False)
    marks: tuple[Mark, ...] = field(default=(), compare=False)

    @property
    def flags(self) -> tuple[Mark, ...]:
        return tuple(m for m in self.marks if m.kind == FLAG)

    @property
    def phrases(self) -> tuple[Mark, ...]:
        return tuple(m for m in self.marks if m.kind == PHRASE)

    def mark(self, mark_id: str) -> Mark | None:
        return next((m for m in self.marks if m.id == mark_id), None)

    def feedback_for(self, mark_id: str) -> Feedback | None:
        return next((f for f in self.feedback if f.for_id == mark_id), None)

    def passages(self) -> list[Passage]:
        return list(iter_passages(self.text))

    def passage_units(self, number: int) -> list[Unit]:
        return [u for u in self.units if u.passage == number]


def iter_passages(text):
    for part in text:
        if isinstance(part, Paragraph):
            yield part.passage
        elif isinstance(part, AdvertText):
            yield from part.paragraphs
        else:
            yield from part.messages


# --------------------------------------------------------------------------- segmentation


def _collapse(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "")


def _runs(markup: str, owner: str | None, out: list) -> None:
    """Append (text, open tags, owner) runs of sanitised ``markup``: the text as shown, tag by tag."""
    text, children = markup_to_nodes(markup)

    def walk(leading, elements, stack):
        if leading:
            out.append((_collapse(leading), stack, owner))
        for child in elements:
            tag = local_name(child)
            if tag == "br":
                out.append((" ", stack, owner))
            elif tag in _INLINE_KEPT:
                attributes = "".join(f' {k}="{escape(v, quote=True)}"' for k, v in child.attrib.items())
                walk(child.text, list(child), (*stack, (tag, f"<{tag}{attributes}>")))
            elif tag is not None and tag != "img":
                walk(child.text, list(child), stack)
            if child.tail:
                out.append((_collapse(child.tail), stack, owner))

    walk(text, children, ())


def clause_spans(plain: str) -> list[tuple[int, int]]:
    """The clauses of a paragraph's text, as (start, end) without surrounding white space."""
    spans = []
    start = len(plain) - len(plain.lstrip())
    for match in _BOUNDARY.finditer(plain):
        if match.start() < start:
            continue
        if plain[start:match.end()].strip():
            spans.append((start, match.end()))
        rest = plain[match.end():]
        start = match.end() + len(rest) - len(rest.lstrip())
    end = len(plain.rstrip())
    if end > start:
        spans.append((start, end))
    return spans


def _slice_markup(runs: list, offsets: list[int], start: int, end: int) -> str:
    out = []
    for (text, stack, _owner), at in zip(runs, offsets, strict=True):
        lo, hi = max(start, at), min(end, at + len(text))
        if lo >= hi:
            continue
        piece = escape(text[lo - at:hi - at], quote=False)
        opening = "".join(tag for _name, tag in stack)
        closing = "".join(f"</{name}>" for name, _tag in reversed(stack))
        out.append(opening + piece + closing)
    return "".join(out)


def _restore_dropped_space(runs: list, joint: int) -> None:
    """Open edX imports OLX without the white space that stands alone between two elements (``remove_blank_text``):
    ``work! </flag><flag>No`` arrives as ``work!</flag><flag>No``. Where one segment ends with a clause's mark and
    the next starts right after it, read the text as if that space were still there, so that an exported and
    re-imported exercise keeps its clauses."""
    if 0 < joint < len(runs):
        before, after = runs[joint - 1][0], runs[joint][0]
        if before and after and not after[0].isspace() and _BOUNDARY.search(before[-4:] + " "):
            runs.insert(joint, (" ", (), None))


def segment(passage: Passage, number: int, first_index: int, problems: list) -> tuple[list[Unit], list]:
    """Cut one passage into units; check that each flag and phrase starts and ends on a clause boundary.

    Returns the units (numbered from ``first_index``) and [(mark id, kind, unit indices, text)].
    """
    runs: list = []
    for position, seg in enumerate(passage.segments):
        joint = len(runs)
        _runs(seg.markup, position if seg.mark else None, runs)
        _restore_dropped_space(runs, joint)
    offsets, plain = [], ""
    for text, _stack, _owner in runs:
        offsets.append(len(plain))
        plain += text
    spans = clause_spans(plain)
    starts, ends = {s for s, _e in spans}, {e for _s, e in spans}
    ranges: dict[int, tuple[int, int]] = {}  # segment position -> (start, end) of its text
    for (text, _stack, owner), at in zip(runs, offsets, strict=True):
        if owner is not None and text.strip():
            lo, hi = at + len(text) - len(text.lstrip()), at + len(text.rstrip())
            old = ranges.get(owner)
            ranges[owner] = (min(lo, old[0]), max(hi, old[1])) if old else (lo, hi)
    for position, (lo, hi) in ranges.items():
        seg = passage.segments[position]
        for ok, template in (
            (lo in starts, N_("{kind} \"{id}\" starts inside a clause; the selectable units would reveal it. "
                              "Start it after . ! ? ; : or a comma followed by a space, or at the start of the "
                              "paragraph")),
            (hi in ends, N_("{kind} \"{id}\" ends inside a clause; the selectable units would reveal it. End it "
                            "with . ! ? ; : or a comma, or at the end of the paragraph")),
        ):
            if not ok:
                problems.append(Problem(template, {"kind": seg.mark, "id": seg.id}, seg.id, passage.line,
                                        node_kind="flag"))
    units, owned = [], {}
    for start, end in spans:
        position = next((p for p, (lo, hi) in ranges.items() if lo <= start and end <= hi), None)
        index = first_index + len(units)
        owner = passage.segments[position].id if position is not None else None
        units.append(Unit(index, _slice_markup(runs, offsets, start, end), plain[start:end], number, owner))
        if position is not None:
            owned.setdefault(position, []).append(index)
    marks = []
    for position, seg in enumerate(passage.segments):
        if not seg.mark:
            continue
        if position not in ranges:
            problems.append(Problem(N_("{kind} \"{id}\" is empty"), {"kind": seg.mark, "id": seg.id}, seg.id,
                                    passage.line, node_kind="flag"))
            continue
        lo, hi = ranges[position]
        marks.append((seg.id, seg.mark, tuple(owned.get(position, ())), plain[lo:hi]))
    return units, marks


def derive(text: tuple, problems: list) -> tuple[tuple[Unit, ...], tuple[Mark, ...]]:
    """Every unit of the text in document order, and every flag and phrase with its units."""
    units: list[Unit] = []
    marks: list[Mark] = []
    for number, passage in enumerate(iter_passages(text)):
        found, owned = segment(passage, number, len(units), problems)
        units.extend(found)
        for mark_id, kind, indices, plain in owned:
            marks.append(Mark(mark_id, kind, indices, plain, passage.line))
    return tuple(units), tuple(marks)


# --------------------------------------------------------------------------- parsing


def _nested_mark_problems(element, problems: list) -> None:
    """Flags and phrases sit directly in their paragraph or message, never in each other nor in <em>."""
    # filtered here, not by iterdescendants(*tags): the platform's RestrictedElement takes one tag at most
    for inner in (e for e in element.iterdescendants() if local_name(e) in MARK_TAGS):
        parent = inner.getparent()
        if parent is element:
            continue
        if local_name(parent) in MARK_TAGS or any(local_name(a) in MARK_TAGS for a in parent.iterancestors()):
            template = N_("<{tag}> is inside another flag or phrase: flags and phrases cannot be nested")
        else:
            template = N_("<{tag}> must sit directly in its paragraph or message, not inside <{parent}>")
        problems.append(Problem(template, {"tag": local_name(inner), "parent": local_name(parent)},
                                inner.get("id"), inner.sourceline, node_kind="flag"))


def _parse_passage(element, problems: list, **message) -> Passage:
    _nested_mark_problems(element, problems)
    segments: list[Segment] = []
    pending_text, pending = element.text, []

    def flush():
        nonlocal pending_text, pending
        markup = sanitize_nodes(pending_text, pending, strip=False)
        if markup:
            segments.append(Segment(markup))
        pending_text, pending = None, []

    for child in element:
        tag = local_name(child)
        if tag in MARK_TAGS:
            flush()
            mark_id = (child.get("id") or "").strip()
            if not _ID.match(mark_id):
                problems.append(Problem(N_("<{tag}> needs an id=\"...\" of letters, digits, \"_\", \".\" or \"-\" "
                                           "(at most 64), not \"{value}\""), {"tag": tag, "value": mark_id},
                                        line=child.sourceline))
            unknown_attributes(child, {"id"}, problems)
            segments.append(Segment(sanitize_nodes(child.text, list(child), strip=False), tag, mark_id))
            pending_text = child.tail
        elif tag is not None:
            pending.append(child)
    flush()
    return Passage(_trim(segments), line=element.sourceline, **message)


def _trim(segments: list[Segment]) -> tuple[Segment, ...]:
    """White space at a paragraph's edges is not shown, so it is not kept (the model stays canonical)."""
    if segments:
        first = segments[0]
        segments[0] = Segment(first.markup.lstrip(), first.mark, first.id)
        last = segments[-1]
        segments[-1] = Segment(last.markup.rstrip(), last.mark, last.id)
    return tuple(s for s in segments if s.markup or s.mark)


def _stray_text(element, problems: list) -> None:
    """Text must be in a <p> or a <message>: loose text between them would not be selectable."""
    texts = [element.text] + [child.tail for child in element]
    if any(t and t.strip() for t in texts):
        problems.append(Problem(N_("<{tag}> holds text outside a <p>: put every sentence in a <p> (or a chat "
                                   "<message>)"), {"tag": local_name(element)}, line=element.sourceline))


def _parse_text(element, problems: list) -> tuple[TextPart, ...]:
    _stray_text(element, problems)
    parts: list[TextPart] = []
    for child in element:
        tag = local_name(child)
        if tag is None:
            continue
        if tag == "p":
            parts.append(Paragraph(_parse_passage(child, problems)))
        elif tag == "advert":
            _stray_text(child, problems)
            paragraphs = []
            for inner in child:
                if local_name(inner) == "p":
                    paragraphs.append(_parse_passage(inner, problems))
                elif local_name(inner) is not None:
                    problems.append(Problem(N_("<advert> in a red flags text may only contain <p> elements, not "
                                               "<{tag}>"), {"tag": local_name(inner)}, line=inner.sourceline))
            parts.append(AdvertText((child.get("source") or "").strip(), (child.get("title") or "").strip(),
                                    tuple(paragraphs)))
        elif tag == "chat":
            _stray_text(child, problems)
            parts.append(parse_chat(child, problems, None, lambda element, sender, is_self, time: _parse_passage(
                element, problems, sender=sender, time=time, is_self=is_self)))
        else:
            problems.append(Problem(N_("<{tag}> is not allowed in <text>: use <p>, <advert> and <chat>"),
                                    {"tag": tag}, line=child.sourceline))
    return tuple(parts)


def _parse_feedback(element, problems: list) -> Feedback:
    unknown_attributes(element, {"for", "strength", "source"}, problems)
    for_id = (element.get("for") or "").strip()
    if not for_id:
        problems.append(Problem(N_("<feedback> needs a for=\"...\" attribute naming a flag or phrase"),
                                line=element.sourceline))
    strength = element.get("strength")
    if strength is not None and strength not in STRENGTHS:
        problems.append(Problem(N_("strength must be one of {allowed}, not \"{value}\""),
                                {"allowed": ", ".join(STRENGTHS), "value": strength}, for_id or None,
                                element.sourceline, node_kind="flag"))
        strength = None
    return Feedback(for_id, sanitize_element_content(element), strength, (element.get("source") or "").strip(),
                    element.sourceline)


def parse_red_flags_element(root) -> tuple[RedFlags, list[Problem]]:
    """Build red flags from an ``<f2l_red_flags>`` element; return them with every problem found."""
    problems: list[Problem] = []
    settings = parse_root(root, ROOT_TAG, SETTINGS, problems)
    intro: tuple = ()
    text: tuple = ()
    prompt = explanation = ""
    feedback = []
    seen_text = False
    for element in root:
        tag = local_name(element)
        if tag is None:
            continue
        if tag == "intro":
            intro = parse_parts(list(element), problems, None, leading_text=element.text)
        elif tag == "prompt":
            prompt = sanitize_element_content(element)
        elif tag == "text":
            if seen_text:
                problems.append(Problem(N_("there is more than one <text>"), line=element.sourceline))
            seen_text = True
            text = _parse_text(element, problems)
        elif tag == "feedback":
            feedback.append(_parse_feedback(element, problems))
        elif tag == "explanation":
            explanation = sanitize_element_content(element)
        else:
            problems.append(Problem(N_("<{tag}> is not allowed here: red flags contain <intro>, <prompt>, <text>, "
                                       "<feedback> and <explanation> elements"), {"tag": tag},
                                    line=element.sourceline))
    units, marks = derive(text, problems)
    model = RedFlags(text, tuple(feedback), prompt, intro, explanation, settings, units, marks)
    return model, problems + validate_red_flags(model, seen_text)


def validate_red_flags(model: RedFlags, has_text: bool = True) -> list[Problem]:
    """Checks across the text and the feedback: unique ids, feedback for every mark and only for marks."""
    problems = []
    if not has_text:
        problems.append(Problem(N_("there is no <text>: learners need something to read and select in")))
    seen: dict[str, Mark] = {}
    for mark in model.marks:
        if mark.id in seen:
            problems.append(Problem(N_("id \"{id}\" is used more than once (also on line {other})"),
                                    {"id": mark.id, "other": seen[mark.id].line}, mark.id, mark.line,
                                    node_kind="flag"))
        else:
            seen[mark.id] = mark
    given: dict[str, Feedback] = {}
    for item in model.feedback:
        if not item.for_id:
            continue
        mark = seen.get(item.for_id)
        if mark is None:
            problems.append(Problem(N_("<feedback for=\"{id}\"> names no flag or phrase in the text"),
                                    {"id": item.for_id}, line=item.line))
        elif item.for_id in given:
            problems.append(Problem(N_("there is more than one <feedback> for \"{id}\" (also on line {other})"),
                                    {"id": item.for_id, "other": given[item.for_id].line}, item.for_id, item.line,
                                    node_kind="flag"))
        elif mark.kind == PHRASE and item.strength:
            problems.append(Problem(N_("strength is for red flags; \"{id}\" is a phrase that is not one"),
                                    {"id": item.for_id}, item.for_id, item.line, WARNING, node_kind="flag"))
        if not item.markup:
            problems.append(Problem(N_("the <feedback> for \"{id}\" is empty"), {"id": item.for_id}, item.for_id or
                                    None, item.line, node_kind="flag"))
        given.setdefault(item.for_id, item)
    for mark in seen.values():
        if mark.id not in given:
            template = (N_("flag \"{id}\" has no <feedback for=\"{id}\">: learners will not learn why it is a red "
                           "flag") if mark.kind == FLAG else
                        N_("phrase \"{id}\" has no <feedback for=\"{id}\">: say why it is not a red flag, or "
                           "unmark it"))
            problems.append(Problem(template, {"id": mark.id}, mark.id, mark.line, node_kind="flag"))
    if has_text and not model.flags:
        problems.append(Problem(N_("the text has no <flag>: mark at least one red flag")))
    return problems


def load_red_flags(text: str | bytes, source: str | None = None) -> RedFlags:
    """Parse and validate red flags XML; raise :class:`ContentError` listing every error."""
    return load_checked(parse_red_flags_element, text, source)


def parse_red_flags(xml) -> RedFlags:
    """XML text or an lxml element -> :class:`RedFlags`; :class:`ContentError` (with lines) on any error."""
    if isinstance(xml, (str, bytes)):
        return load_red_flags(xml)
    model, problems = parse_red_flags_element(xml)
    if any(p.is_error for p in problems):
        raise ContentError(problems, getattr(xml, "base", None))
    return model


@lru_cache(maxsize=128)
def load_red_flags_cached(text: str) -> RedFlags:
    """:func:`load_red_flags` for stored block content, which is parsed on every request."""
    return load_red_flags(text)


# --------------------------------------------------------------------------- export

_STRUCTURAL = {ROOT_TAG, "intro", "text", "advert", "chat"}


def _append_passage(parent, tag: str, passage: Passage):
    element = etree.SubElement(parent, tag)
    if tag == "message":
        element.set("from", passage.sender)
        if passage.is_self:
            element.set("self", "true")
        if passage.time:
            element.set("time", passage.time)
    for seg in passage.segments:
        if seg.mark:
            mark = etree.SubElement(element, seg.mark)
            mark.set("id", seg.id)
            append_markup(mark, seg.markup)
        else:
            append_markup(element, seg.markup)
    return element


def red_flags_to_element(model: RedFlags, root=None):
    """Write the readable OLX form into ``root`` (a new ``<f2l_red_flags>`` if None)."""
    if root is None:
        root = etree.Element(ROOT_TAG)
    if model.intro:
        append_parts(etree.SubElement(root, "intro"), model.intro)
    if model.prompt:
        append_markup(etree.SubElement(root, "prompt"), model.prompt)
    text = etree.SubElement(root, "text")
    for part in model.text:
        if isinstance(part, Paragraph):
            _append_passage(text, "p", part.passage)
        elif isinstance(part, AdvertText):
            advert = etree.SubElement(text, "advert")
            for name, value in (("source", part.source), ("title", part.title)):
                if value:
                    advert.set(name, value)
            for passage in part.paragraphs:
                _append_passage(advert, "p", passage)
        else:
            chat = etree.SubElement(text, "chat")
            if part.platform:
                chat.set("platform", part.platform)
            for passage in part.messages:
                _append_passage(chat, "message", passage)
    for item in model.feedback:
        element = etree.SubElement(root, "feedback")
        element.set("for", item.for_id)
        if item.strength:
            element.set("strength", item.strength)
        if item.source:
            element.set("source", item.source)
        append_markup(element, item.markup)
    if model.explanation:
        append_markup(etree.SubElement(root, "explanation"), model.explanation)
    indent_structure(root, _STRUCTURAL)
    return root


def serialise(model: RedFlags) -> str:
    """The readable OLX text of ``model`` (settings as root attributes), which parses back to an equal model."""
    root = etree.Element(ROOT_TAG)
    for setting in SETTINGS:
        if setting.name in model.settings:
            value = model.settings[setting.name]
            root.set(setting.name, str(value).lower() if isinstance(value, bool) else str(value))
    return etree.tostring(red_flags_to_element(model, root), encoding="unicode")


# --------------------------------------------------------------------------- answering


class AnswerError(LearnerError):
    """A selection that cannot be marked."""


@dataclass(frozen=True)
class FlagResult:
    flag: Mark
    spotted: bool
    feedback: Feedback | None

    @property
    def verdict(self) -> str:
        return SPOTTED if self.spotted else MISSED


@dataclass(frozen=True)
class FalseAlarm:
    """Selected units outside every flag: one unit, or the selected units of one ``<phrase>``."""

    units: tuple[int, ...]
    phrase: Mark | None
    feedback: Feedback | None


@dataclass(frozen=True)
class Result:
    flags: tuple[FlagResult, ...]
    false_alarms: tuple[FalseAlarm, ...]
    selected: tuple[int, ...]
    earned: int
    possible: int

    @property
    def spotted(self) -> list[Mark]:
        return [r.flag for r in self.flags if r.spotted]

    @property
    def missed(self) -> list[Mark]:
        return [r.flag for r in self.flags if not r.spotted]

    @property
    def is_correct(self) -> bool:
        return not self.false_alarms and all(r.spotted for r in self.flags)


def max_score(model: RedFlags) -> int:
    """One point per flag."""
    return len(model.flags)


def check_selection(model: RedFlags, selected) -> tuple[int, ...]:
    """The selected unit numbers, if they are a well-formed answer to this text; else :class:`AnswerError`."""
    if not isinstance(selected, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in selected):
        raise AnswerError(N_("The answer must be a list of numbers of the parts of the text you selected."))
    if len(set(selected)) != len(selected):
        raise AnswerError(N_("The answer selects a part of the text more than once."))
    if any(i < 0 or i >= len(model.units) for i in selected):
        raise AnswerError(N_("The answer selects a part that is not in this text."))
    return tuple(sorted(selected))


def grade(model: RedFlags, selected) -> Result:
    """Mark a selection of unit numbers (numbers beyond the text, left by an edit, are ignored).

    spotted = flags with at least one unit selected; false alarms = selected units in no flag, the units
    of one phrase counting once; earned = max(0, spotted - false alarms), out of the number of flags.
    """
    chosen = tuple(sorted({i for i in selected if 0 <= i < len(model.units)}))
    chosen_set = set(chosen)
    results = tuple(FlagResult(f, bool(chosen_set & set(f.units)), model.feedback_for(f.id)) for f in model.flags)
    alarms: list[FalseAlarm] = []
    phrase_units: dict[str, list[int]] = {}
    for index in chosen:
        owner = model.units[index].owner
        mark = model.mark(owner) if owner else None
        if mark is not None and mark.kind == FLAG:
            continue
        if mark is not None:
            phrase_units.setdefault(mark.id, []).append(index)
        else:
            alarms.append(FalseAlarm((index,), None, None))
    for phrase_id, indices in phrase_units.items():
        alarms.append(FalseAlarm(tuple(indices), model.mark(phrase_id), model.feedback_for(phrase_id)))
    alarms.sort(key=lambda alarm: alarm.units[0])
    spotted = sum(1 for r in results if r.spotted)
    return Result(results, tuple(alarms), chosen, max(0, spotted - len(alarms)), max_score(model))


# --------------------------------------------------------------------------- answers across edits


def unit_keys(model: RedFlags, selected) -> list[str]:
    """Selected units named by their text (``text#2`` for a repeated one), so they survive an edit that renumbers."""
    keys = _keys(model)
    return [keys[i] for i in sorted(set(selected)) if 0 <= i < len(keys)]


def units_for_keys(model: RedFlags, keys) -> list[int]:
    """The current numbers of the units ``unit_keys`` named; units the edit removed are dropped."""
    numbers = {key: index for index, key in enumerate(_keys(model))}
    return sorted({numbers[k] for k in keys if isinstance(k, str) and k in numbers})


def _keys(model: RedFlags) -> list[str]:
    seen: dict[str, int] = {}
    keys = []
    for unit in model.units:
        text = " ".join(unit.text.split())
        seen[text] = seen.get(text, 0) + 1
        keys.append(text if seen[text] == 1 else f"{text}#{seen[text]}")
    return keys


def learner_text(model: RedFlags) -> list[dict]:
    """What the learner's page may know of the text before an answer: its layout and each unit's markup.

    The same for a flagged and an unflagged unit: no ids, no owners, no feedback.
    """
    def passage(p: Passage, number: int) -> dict:
        item = {"units": [{"index": u.index, "markup": u.markup} for u in model.passage_units(number)]}
        if p.sender or p.time or p.is_self:
            item.update({"from": p.sender, "time": p.time, "self": p.is_self})
        return item

    numbers = {id(p): n for n, p in enumerate(model.passages())}
    out = []
    for part in model.text:
        if isinstance(part, Paragraph):
            out.append({"kind": "p", **passage(part.passage, numbers[id(part.passage)])})
        elif isinstance(part, AdvertText):
            out.append({"kind": "advert", "source": part.source, "title": part.title,
                        "paragraphs": [passage(p, numbers[id(p)]) for p in part.paragraphs]})
        else:
            out.append({"kind": "chat", "platform": part.platform,
                        "messages": [passage(p, numbers[id(p)]) for p in part.messages]})
    return out


def text_plain(model: RedFlags) -> str:
    """The whole text without markup (search, reports)."""
    return " ".join(plain_text(u.markup) for u in model.units)


__all__ = [
    "AdvertText", "AnswerError", "FalseAlarm", "Feedback", "FlagResult", "Mark", "Paragraph", "Passage",
    "RedFlags", "Result", "ROOT_TAG", "SETTINGS", "Segment", "Unit", "check_selection", "clause_spans", "grade",
    "learner_text", "load_red_flags", "load_red_flags_cached", "max_score", "parse_red_flags",
    "parse_red_flags_element", "red_flags_to_element", "serialise", "text_plain", "unit_keys", "units_for_keys",
    "validate_red_flags",
]
