"""The indicator quiz: a short case, a list of candidate indicators, and how an answer is marked.

The learner ticks the indicators present in the case. Each indicator is then judged on its
own: ticked and present (spotted), not ticked but present (missed), not ticked and absent
(correctly left out), ticked but absent (a false alarm). Ticking nothing is a valid answer
("none of these is present"), marked like any other.

This module knows nothing of XBlock or Django: the block, Studio and the command line all
call the same functions.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree

from .content import Part, append_markup, append_parts, indent_structure, load_checked, parse_bool, parse_parts
from .markup import local_name, sanitize_element_content
from .problems import N_, WARNING, LearnerError, Problem
from .settings import Setting, parse_root, unknown_attributes

ROOT_TAG = "f2l_indicator_quiz"
STRENGTHS = ("strong", "medium", "weak")
SCORINGS = ("every_decision", "all_or_nothing")
FEEDBACK_WHEN = ("selected", "missed")
_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")

SETTINGS = (
    Setting("display_name", "text"),
    Setting("weight", "number"),
    Setting("max_attempts", "count"),
    Setting("scoring", "choice", SCORINGS),
    Setting("shuffle", "flag"),
)

# How each indicator was judged, from the learner's point of view.
SPOTTED = "spotted"  # ticked, present
MISSED = "missed"  # not ticked, present
LEFT_OUT = "left_out"  # not ticked, absent: correct
FALSE_ALARM = "false_alarm"  # ticked, absent


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    present: bool
    strength: str | None = None
    feedback: str = ""  # shown whatever the learner did, unless a variant below applies
    feedback_selected: str = ""  # when the learner ticked it
    feedback_missed: str = ""  # when the learner did not tick it
    line: int | None = field(default=None, compare=False)

    def feedback_for(self, selected: bool) -> str:
        variant = self.feedback_selected if selected else self.feedback_missed
        return variant or self.feedback


@dataclass(frozen=True)
class Quiz:
    case: tuple[Part, ...]
    prompt: str
    indicators: tuple[Indicator, ...]
    explanation: str = ""
    settings: dict = field(default_factory=dict, compare=False, hash=False)  # root attributes given

    def indicator(self, indicator_id: str) -> Indicator | None:
        return next((i for i in self.indicators if i.id == indicator_id), None)

    @property
    def present_ids(self) -> frozenset[str]:
        return frozenset(i.id for i in self.indicators if i.present)


# --------------------------------------------------------------------------- parsing


def _parse_indicator(element, index: int, problems: list) -> Indicator | None:
    line = element.sourceline
    indicator_id = (element.get("id") or "").strip()
    if not _ID.match(indicator_id):
        problems.append(Problem(N_("indicator {number} needs an id=\"...\" of letters, digits, \"_\", \".\" or \"-\" "
                                   "(at most 64), not \"{value}\""),
                                {"number": index + 1, "value": indicator_id}, line=line))
        return None

    def problem(template, args=None, severity="error"):
        problems.append(Problem(template, args or {}, indicator_id, line, severity, node_kind="indicator"))

    unknown_attributes(element, {"id", "present", "strength"}, problems)
    raw_present = element.get("present")
    if raw_present is None:
        problem(N_("present=\"true\" or present=\"false\" is required"))
    present = parse_bool(raw_present, False, problems, "present", line, indicator_id, "indicator")
    strength = element.get("strength")
    if strength is not None and strength not in STRENGTHS:
        problem(N_("strength must be one of {allowed}, not \"{value}\""),
                {"allowed": ", ".join(STRENGTHS), "value": strength})
        strength = None
    label, feedback, variants = "", "", {}
    for child in element:
        tag = local_name(child)
        if tag is None:
            continue
        if tag == "label":
            label = sanitize_element_content(child)
        elif tag == "feedback":
            when = child.get("when")
            if when is None:
                feedback = sanitize_element_content(child)
            elif when in FEEDBACK_WHEN:
                variants[when] = sanitize_element_content(child)
            else:
                problem(N_("<feedback when=\"...\"> must be one of {allowed}, not \"{value}\""),
                        {"allowed": ", ".join(FEEDBACK_WHEN), "value": when})
        else:
            problem(N_("<{tag}> is not allowed in an indicator: use <label> and <feedback>"), {"tag": tag})
    if not label:
        problem(N_("the indicator has no <label>"))
    if not feedback and not (variants.get("selected") and variants.get("missed")):
        problem(N_("the indicator has no <feedback> for every answer: learners will not learn why it is or is not "
                   "present"), severity=WARNING)
    return Indicator(indicator_id, label, present, strength, feedback, variants.get("selected", ""),
                     variants.get("missed", ""), line)


def parse_quiz_element(root) -> tuple[Quiz, list[Problem]]:
    """Build a quiz from an ``<f2l_indicator_quiz>`` element; return it with every problem found."""
    problems: list[Problem] = []
    settings = parse_root(root, ROOT_TAG, SETTINGS, problems)
    case: tuple = ()
    prompt = explanation = ""
    indicators = []
    for element in root:
        tag = local_name(element)
        if tag is None:
            continue
        if tag == "case":
            case = parse_parts(list(element), problems, None, leading_text=element.text)
        elif tag == "prompt":
            prompt = sanitize_element_content(element)
        elif tag == "explanation":
            explanation = sanitize_element_content(element)
        elif tag == "indicator":
            indicator = _parse_indicator(element, len(indicators), problems)
            if indicator is not None:
                indicators.append(indicator)
        else:
            problems.append(Problem(N_("<{tag}> is not allowed here: a quiz contains <case>, <prompt>, <indicator> "
                                       "and <explanation> elements"), {"tag": tag}, line=element.sourceline))
    quiz = Quiz(case, prompt, tuple(indicators), explanation, settings)
    return quiz, problems + validate(quiz)


def validate(quiz: Quiz) -> list[Problem]:
    """Checks across indicators: unique ids and enough of them to be a question."""
    problems = []
    seen: dict[str, Indicator] = {}
    for indicator in quiz.indicators:
        if indicator.id in seen:
            problems.append(Problem(N_("id \"{id}\" is used more than once (also on line {other})"),
                                    {"id": indicator.id, "other": seen[indicator.id].line}, indicator.id,
                                    indicator.line, node_kind="indicator"))
        else:
            seen[indicator.id] = indicator
    if len(quiz.indicators) < 2:
        problems.append(Problem(N_("a quiz needs at least two <indicator> elements, found {count}"),
                                {"count": len(quiz.indicators)}))
    if not quiz.case:
        problems.append(Problem(N_("the quiz has no <case>: learners need a situation to look for indicators in"),
                                severity=WARNING))
    return problems


def load_quiz(text: str | bytes, source: str | None = None) -> Quiz:
    """Parse and validate quiz XML; raise :class:`ContentError` listing every error."""
    return load_checked(parse_quiz_element, text, source)


@lru_cache(maxsize=128)
def load_quiz_cached(text: str) -> Quiz:
    """:func:`load_quiz` for stored block content, which is parsed on every request."""
    return load_quiz(text)


# --------------------------------------------------------------------------- export

_STRUCTURAL = {ROOT_TAG, "case", "indicator", "chat"}



def quiz_to_element(quiz: Quiz, root=None):
    """Write the readable OLX form into ``root`` (a new ``<f2l_indicator_quiz>`` if None)."""
    if root is None:
        root = etree.Element(ROOT_TAG)
    if quiz.case:
        append_parts(etree.SubElement(root, "case"), quiz.case)
    if quiz.prompt:
        append_markup(etree.SubElement(root, "prompt"), quiz.prompt)
    for indicator in quiz.indicators:
        element = etree.SubElement(root, "indicator")
        element.set("id", indicator.id)
        element.set("present", "true" if indicator.present else "false")
        if indicator.strength:
            element.set("strength", indicator.strength)
        append_markup(etree.SubElement(element, "label"), indicator.label)
        for when, markup in ((None, indicator.feedback), ("selected", indicator.feedback_selected),
                             ("missed", indicator.feedback_missed)):
            if markup:
                feedback = etree.SubElement(element, "feedback")
                if when:
                    feedback.set("when", when)
                append_markup(feedback, markup)
    if quiz.explanation:
        append_markup(etree.SubElement(root, "explanation"), quiz.explanation)
    indent_structure(root, _STRUCTURAL)
    return root


# --------------------------------------------------------------------------- answering


class AnswerError(LearnerError):
    """An answer that cannot be marked."""


@dataclass(frozen=True)
class Marking:
    indicator: Indicator
    selected: bool

    @property
    def verdict(self) -> str:
        if self.indicator.present:
            return SPOTTED if self.selected else MISSED
        return FALSE_ALARM if self.selected else LEFT_OUT

    @property
    def is_right(self) -> bool:
        return self.selected == self.indicator.present

    @property
    def feedback(self) -> str:
        return self.indicator.feedback_for(self.selected)


@dataclass(frozen=True)
class Result:
    markings: tuple[Marking, ...]
    earned: int
    possible: int

    @property
    def right(self) -> int:
        return sum(1 for m in self.markings if m.is_right)

    @property
    def is_correct(self) -> bool:
        return all(m.is_right for m in self.markings)

    def with_verdict(self, verdict: str) -> list[Indicator]:
        return [m.indicator for m in self.markings if m.verdict == verdict]


def max_score(quiz: Quiz, scoring: str = "every_decision") -> int:
    """Every decision counts: one point per indicator judged right. All or nothing: one point."""
    return len(quiz.indicators) if scoring == "every_decision" else 1


def check_answer(quiz: Quiz, selected) -> frozenset[str]:
    """The ticked ids, if they are a well-formed answer to this quiz; else :class:`AnswerError`."""
    if not isinstance(selected, (list, tuple)) or not all(isinstance(i, str) for i in selected):
        raise AnswerError(N_("The answer must be a list of indicator ids."))
    chosen = frozenset(selected)
    if len(chosen) != len(selected):
        raise AnswerError(N_("The answer names an indicator more than once."))
    unknown = sorted(i for i in chosen if quiz.indicator(i) is None)
    if unknown:
        raise AnswerError(N_("The answer names an indicator that is not in this quiz: {ids}."),
                          ids=", ".join(unknown[:5])[:200])
    return chosen


def mark(quiz: Quiz, selected, scoring: str = "every_decision", order=None) -> Result:
    """Mark an answer; ``selected`` may hold ids no longer in the quiz (content edited), which are ignored.

    ``order`` lists the indicators in the order the learner saw them (default: authored order).
    """
    chosen = frozenset(selected)
    markings = tuple(Marking(i, i.id in chosen) for i in (order or quiz.indicators))
    right = sum(1 for m in markings if m.is_right)
    if scoring == "every_decision":
        earned = right
    else:
        earned = 1 if right == len(markings) else 0
    return Result(markings, earned, max_score(quiz, scoring))


def shuffled(quiz: Quiz, seed: str) -> tuple[Indicator, ...]:
    """A per-learner order of the indicators: the same seed always gives the same order.

    Sorting by a keyed hash (rather than ``random.shuffle``) keeps the order stable when the
    course team adds or removes an indicator: the others keep their relative places.
    """
    def key(indicator):
        return hashlib.sha256(f"{seed}\x00{indicator.id}".encode()).digest()

    return tuple(sorted(quiz.indicators, key=key))


__all__ = [
    "AnswerError", "Indicator", "Marking", "Quiz", "Result", "ROOT_TAG", "SETTINGS", "STRENGTHS", "SCORINGS",
    "SPOTTED", "MISSED", "LEFT_OUT", "FALSE_ALARM", "check_answer", "load_quiz", "load_quiz_cached", "mark",
    "max_score", "parse_quiz_element", "quiz_to_element", "shuffled", "validate",
]
