"""The branching scenario: its model, its readable OLX form, and the checks on its graph.

A scenario is a directed graph. Steps are the nodes the learner decides at; each choice
is an edge to another step or to an end, worth some points and carrying feedback. Ends
are the outcomes, with a debrief, and may carry points of their own. Loops ("think again")
are allowed, provided no choice inside a loop awards points, so that the best possible
score is finite.

Scoring counts the outcome: a path scores the points of its choices plus those of its end,
and a path through a ``quality="harmful"`` choice scores at most ``harmful_cap`` points
when the scenario sets one (see :func:`path_score`).

This module knows nothing of XBlock or Django: the block, Studio and the command line all
call the same functions.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache

from lxml import etree

from .content import Part, append_markup, append_parts, content_version, indent_structure, load_checked, parse_parts
from .graph import reachable, strongly_connected_components
from .markup import local_name, parse_xml, plain_text, sanitize_element_content
from .problems import ERROR, N_, WARNING, ContentError, Problem
from .settings import Setting, parse_root, parse_settings

ROOT_TAG = "f2l_scenario"
OUTCOMES = ("good", "mixed", "poor")
QUALITIES = ("good", "partial", "harmful")


@dataclass(frozen=True)
class Choice:
    id: str
    label: str
    feedback: str
    next: str
    points: int = 0
    quality: str | None = None
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    body: tuple[Part, ...]
    choices: tuple[Choice, ...]
    line: int | None = field(default=None, compare=False)

    is_end = False

    def choice(self, choice_id: str) -> Choice | None:
        return next((c for c in self.choices if c.id == choice_id), None)


@dataclass(frozen=True)
class End:
    id: str
    title: str
    body: tuple[Part, ...]
    outcome: str | None = None
    line: int | None = field(default=None, compare=False)
    points: int = 0  # earned on reaching this end: the outcome counts, not only the way there

    is_end = True
    choices: tuple = ()


Node = Step | End


SETTINGS = (
    Setting("display_name", "text"),
    Setting("weight", "number"),
    Setting("max_attempts", "count"),
    Setting("allow_back", "flag"),
    Setting("shuffle", "flag"),
)
# Root attributes that belong to the graph (stored with the content, not as block settings).
CONTENT_ATTRIBUTES = ("start", "harmful_cap")


@dataclass(frozen=True)
class Scenario:
    nodes: tuple[Node, ...]
    start_id: str | None = None  # None: the first step
    settings: dict = field(default_factory=dict, compare=False, hash=False)  # root attributes given
    # Derived once: lookups happen on every request, scenarios can have 1,000 steps.
    by_id: dict = field(init=False, compare=False, repr=False, hash=False)
    _derived: dict = field(init=False, compare=False, repr=False, hash=False)
    harmful_cap: int | None = None  # most points a path through a harmful choice can score

    def __post_init__(self):
        index: dict[str, Node] = {}
        for node in self.nodes:
            index.setdefault(node.id, node)
        object.__setattr__(self, "by_id", index)
        object.__setattr__(self, "_derived", {})

    @property
    def start(self) -> str:
        if self.start_id:
            return self.start_id
        first = next((n for n in self.nodes if not n.is_end), None)
        return first.id if first else ""

    def node(self, node_id: str) -> Node | None:
        return self.by_id.get(node_id)

    @property
    def steps(self) -> list[Step]:
        return [n for n in self.nodes if not n.is_end]

    @property
    def ends(self) -> list[End]:
        return [n for n in self.nodes if n.is_end]


# --------------------------------------------------------------------------- parsing


def _parse_int(value, problems, what, line, node_id=None, node_kind="step", minimum=0) -> int | None:
    try:
        number = int(value.strip())
    except (ValueError, AttributeError):
        number = None
    if number is None or number < minimum:
        problems.append(Problem(N_("{what} must be a whole number of at least {minimum}, not \"{value}\""),
                                {"what": what, "minimum": minimum, "value": value}, node_id, line,
                                node_kind=node_kind))
        return None
    return number


def _child(element, tag):
    return next((c for c in element if local_name(c) == tag), None)


def _parse_choice(element, index, step_id, problems) -> Choice:
    line = element.sourceline
    label_node = _child(element, "label")
    label = sanitize_element_content(label_node) if label_node is not None else ""
    if not label:
        problems.append(Problem(N_("choice {number} has no <label>"), {"number": index + 1}, step_id, line))
    feedback_node = _child(element, "feedback")
    feedback = sanitize_element_content(feedback_node) if feedback_node is not None else ""
    if not feedback:
        problems.append(Problem(N_("choice {number} has no <feedback>: learners will not learn why it helps or harms"),
                                {"number": index + 1}, step_id, line, WARNING))
    target = (element.get("next") or "").strip()
    if not target:
        problems.append(Problem(N_("choice {number} has no next=\"...\" step"), {"number": index + 1}, step_id, line))
    points = 0
    if element.get("points") is not None:
        points = _parse_int(element.get("points"), problems, "points", line, step_id)
        points = 0 if points is None else points
    quality = element.get("quality")
    if quality is not None and quality not in QUALITIES:
        problems.append(Problem(N_("quality must be one of {allowed}, not \"{value}\""),
                                {"allowed": ", ".join(QUALITIES), "value": quality}, step_id, line))
        quality = None
    choice_id = (element.get("id") or "").strip()
    if not choice_id:  # a position changes when choices are reordered, and learners' paths would change with it
        choice_id = f"c{index + 1}"
        problems.append(Problem(N_("choice {number} has no id=\"...\": it is called {id} by its position, so "
                                   "reordering or removing choices would change learners' saved paths"),
                                {"number": index + 1, "id": choice_id}, step_id, line, WARNING))
    return Choice(choice_id, label, feedback, target, points, quality, line)


def _parse_node(element, problems) -> Node | None:
    tag = local_name(element)
    line = element.sourceline
    node_id = (element.get("id") or "").strip()
    kind = "end" if tag == "end" else "step"
    if not node_id:
        problems.append(Problem(N_("<{tag}> needs an id=\"...\" attribute"), {"tag": tag}, line=line))
        return None
    title = (element.get("title") or "").strip()
    if tag == "end":
        outcome = element.get("outcome")
        if outcome is not None and outcome not in OUTCOMES:
            problems.append(Problem(N_("outcome must be one of {allowed}, not \"{value}\""),
                                    {"allowed": ", ".join(OUTCOMES), "value": outcome}, node_id, line, node_kind=kind))
            outcome = None
        body = parse_parts(list(element), problems, node_id, leading_text=element.text)
        points = 0
        if element.get("points") is not None:
            points = _parse_int(element.get("points"), problems, "points", line, node_id, kind)
            points = 0 if points is None else points
        return End(node_id, title, body, outcome, line, points)
    choice_elements = [c for c in element if local_name(c) == "choice"]
    choices = tuple(_parse_choice(c, i, node_id, problems) for i, c in enumerate(choice_elements))
    body = parse_parts(list(element), problems, node_id, stop_tags={"choice"}, leading_text=element.text)
    return Step(node_id, title, body, choices, line)


def parse_scenario_element(root) -> tuple[Scenario, list[Problem]]:
    """Build a scenario from an ``<f2l_scenario>`` element; return it with the problems found.

    Parsing never stops at the first problem; graph checks are added by :func:`validate`.
    """
    problems: list[Problem] = []
    settings = parse_root(root, ROOT_TAG, SETTINGS, problems, CONTENT_ATTRIBUTES)
    nodes = []
    for element in root:
        tag = local_name(element)
        if tag is None:
            continue
        if tag in ("step", "end"):
            node = _parse_node(element, problems)
            if node is not None:
                nodes.append(node)
        else:
            problems.append(Problem(N_("<{tag}> is not allowed here: a scenario contains <step> and <end> elements"),
                                    {"tag": tag}, line=element.sourceline))
    start = (root.get("start") or "").strip() or None
    harmful_cap = None
    if root.get("harmful_cap") is not None:
        harmful_cap = _parse_int(root.get("harmful_cap"), problems, "harmful_cap", root.sourceline)
    scenario = Scenario(tuple(nodes), start, settings, harmful_cap=harmful_cap)
    return scenario, problems + validate(scenario)


def load_scenario(text: str | bytes, source: str | None = None) -> Scenario:
    """Parse and validate scenario XML; raise :class:`ContentError` listing every error."""
    return load_checked(parse_scenario_element, text, source)


@lru_cache(maxsize=128)
def load_scenario_cached(text: str) -> Scenario:
    """Stored block content, read on every request: a :class:`StoredScenario`, which parses only the nodes a
    request needs (kept for the next requests), or, for text it cannot index, :func:`load_scenario`."""
    return StoredScenario.read(text) or load_scenario(text)


# A node's start tag in our serialiser's output: the root's children are steps and ends, never nested, with no
# "<" inside text or attribute values (escaped), so a node's text can be found without parsing the document.
_ROOT_START = re.compile(rf"<{ROOT_TAG}\b[^>]*>")
_NODE_START = re.compile(r"<(step|end)(?=[\s/>])([^>]*?)(/?)>")
_ID_ATTRIBUTE = re.compile(r'\sid="([^"&]*)"')
_SPACE = re.compile(r"\s*")
_ROOT_END = f"</{ROOT_TAG}>"


class StoredScenario(Scenario):
    """A scenario read from stored block content, parsed as far as a request needs it.

    The first request of a worker process used to parse and sanitise every node (about 100 ms for 1,000 steps)
    to show one. Stored content is our serialiser's output and was checked in full when it was saved (import,
    Studio), so here only the root element's attributes are read at first; the nodes are then found one after
    the other, as far as the one asked for (a new learner's first step is the first node), and a node is parsed
    and sanitised when first asked for; all of it is kept for the next requests. Whole-graph questions
    (``nodes``: the maximum score, loops, the Studio form, reports) parse the whole text once, with every
    check, as :func:`load_scenario` does, and so does any text this index could misread (comments, namespaces,
    anything but nodes in the root); a node with an error raises :class:`ContentError` as a full parse would.
    """

    def __init__(self, text: str, root, body_start: int):
        problems: list[Problem] = []
        harmful_cap = None
        if root.get("harmful_cap") is not None:
            harmful_cap = _parse_int(root.get("harmful_cap"), problems, "harmful_cap", root.sourceline)
        if any(p.is_error for p in problems):
            raise ContentError(problems)
        for name, value in (("start_id", (root.get("start") or "").strip() or None),
                            ("settings", parse_settings(root, SETTINGS, problems)), ("harmful_cap", harmful_cap),
                            ("_derived", {}), ("_text", text), ("_parsed", {}), ("_whole", None),
                            ("_index", {"spans": {}, "position": body_start, "done": False, "first_step": ""})):
            object.__setattr__(self, name, value)

    @classmethod
    def read(cls, text: str) -> StoredScenario | None:
        """The stored content's root read, or None if this cannot read it (then parse it whole)."""
        root_tag = _ROOT_START.match(text)
        if root_tag is None or root_tag.group().endswith("/>") or "xmlns" in root_tag.group():
            return None
        return cls(text, parse_xml(root_tag.group() + _ROOT_END), root_tag.end())

    def _find(self, wanted: str | None) -> None:
        """Find the nodes after those found so far, up to the node ``wanted`` (None: the first step)."""
        index, text = self._index, self._text
        spans, position = index["spans"], index["position"]
        while not index["done"]:
            position = _SPACE.match(text, position).end()
            if text.startswith(_ROOT_END, position):
                index["done"] = True
                if text[position + len(_ROOT_END):].strip():
                    self.whole  # noqa: B018 (text after the root: parsed whole, which says what is wrong)
                break
            match = _NODE_START.match(text, position)
            node_id = _ID_ATTRIBUTE.search(match.group(2)) if match else None
            tag = match.group(1) if match else ""
            end = match.end() if match and match.group(3) else text.find(f"</{tag}>", position)
            chunk = text[position:end]
            if node_id is None or node_id.group(1) != node_id.group(1).strip() or end < 0 or "<!" in chunk \
                    or "<?" in chunk or "xmlns" in chunk:
                index["done"] = True
                self.whole  # noqa: B018 (not a node, or a node this index could misread: parsed whole)
                return
            if not match.group(3):
                end += len(tag) + 3
            node_id = node_id.group(1)
            spans.setdefault(node_id, (position, end))
            position = index["position"] = end
            if tag == "step" and not index["first_step"]:
                index["first_step"] = node_id
                if wanted is None:
                    return
            if node_id == wanted:
                return

    @property
    def start(self) -> str:
        if self.start_id:
            return self.start_id
        if not self._index["first_step"] and self._whole is None:
            self._find(None)
        return self._whole.start if self._whole is not None else self._index["first_step"]

    def node(self, node_id: str) -> Node | None:
        if node_id not in self._parsed:
            if self._whole is None and node_id not in self._index["spans"]:
                self._find(node_id)
            if self._whole is not None:
                return self._whole.node(node_id)
            span = self._index["spans"].get(node_id)
            self._parsed[node_id] = self._parse_span(*span) if span else None
        return self._parsed[node_id]

    def _parse_span(self, start: int, end: int) -> Node:
        problems: list[Problem] = []
        node = _parse_node(parse_xml(self._text[start:end]), problems)
        if node is None or any(p.is_error for p in problems):
            raise ContentError(problems)
        return node

    @property
    def whole(self) -> Scenario:
        if self._whole is None:
            object.__setattr__(self, "_whole", load_scenario(self._text))
        return self._whole

    @property
    def nodes(self) -> tuple[Node, ...]:
        return self.whole.nodes

    @property
    def by_id(self) -> dict:
        return self.whole.by_id

    def __eq__(self, other):
        return self.whole == (other.whole if isinstance(other, StoredScenario) else other)

    def __hash__(self):
        return hash(self.whole)


# --------------------------------------------------------------------------- export

_STRUCTURAL = {ROOT_TAG, "step", "end", "choice", "chat"}



def scenario_to_element(scenario: Scenario, root=None):
    """Write the readable OLX form into ``root`` (a new ``<f2l_scenario>`` if None)."""
    if root is None:
        root = etree.Element(ROOT_TAG)
    if scenario.start_id:
        root.set("start", scenario.start_id)
    if scenario.harmful_cap is not None:
        root.set("harmful_cap", str(scenario.harmful_cap))
    for node in scenario.nodes:
        element = etree.SubElement(root, "end" if node.is_end else "step")
        element.set("id", node.id)
        if node.title:
            element.set("title", node.title)
        if node.is_end and node.outcome:
            element.set("outcome", node.outcome)
        if node.is_end and node.points:
            element.set("points", str(node.points))
        append_parts(element, node.body)
        for choice in node.choices:
            choice_element = etree.SubElement(element, "choice")
            choice_element.set("id", choice.id)  # always: ids must not depend on the order
            choice_element.set("next", choice.next)
            choice_element.set("points", str(choice.points))
            if choice.quality:
                choice_element.set("quality", choice.quality)
            append_markup(etree.SubElement(choice_element, "label"), choice.label)
            if choice.feedback:
                append_markup(etree.SubElement(choice_element, "feedback"), choice.feedback)
    indent_structure(root, _STRUCTURAL)
    return root


def scenario_body_xml(scenario: Scenario) -> str:
    """The canonical stored form: ``<f2l_scenario>`` with the graph, without block settings."""
    return etree.tostring(scenario_to_element(scenario), encoding="unicode")


# --------------------------------------------------------------------------- validation


def _edges(scenario: Scenario):
    for node in scenario.steps:
        for choice in node.choices:
            yield node, choice


def validate(scenario: Scenario) -> list[Problem]:
    """Check the graph: ids, targets, reachability, ends, and loops that could earn points."""
    problems: list[Problem] = []
    seen: dict[str, Node] = {}
    for node in scenario.nodes:
        kind = "end" if node.is_end else "step"
        if node.id in seen:
            problems.append(Problem(N_("id \"{id}\" is used more than once (also on line {other})"),
                                    {"id": node.id, "other": seen[node.id].line}, node.id, node.line,
                                    node_kind=kind))
        else:
            seen[node.id] = node
        if not node.is_end:
            if not node.choices:
                problems.append(Problem(N_("a step without choices must be written as an <end>"), {},
                                        node.id, node.line))
            choice_ids = [c.id for c in node.choices]
            for duplicate in sorted({i for i in choice_ids if choice_ids.count(i) > 1}):
                problems.append(Problem(N_("choice id \"{id}\" is used more than once"), {"id": duplicate},
                                        node.id, node.line))
    if not scenario.steps:
        problems.append(Problem(N_("the scenario has no <step>")))
    if not scenario.ends:
        problems.append(Problem(N_("the scenario has no <end>: every story needs at least one outcome")))
    start = scenario.node(scenario.start)
    if scenario.start_id and start is None:
        problems.append(Problem(N_("start=\"{id}\" names no step"), {"id": scenario.start_id}))
    elif start is not None and start.is_end:
        problems.append(Problem(N_("start=\"{id}\" is an end, not a step"), {"id": start.id}))
    for node, choice in _edges(scenario):
        if choice.next and choice.next not in seen:
            problems.append(Problem(N_("choice {choice} leads to \"{target}\", which does not exist"),
                                    {"choice": choice.id, "target": choice.next}, node.id, choice.line))
    if any(p.is_error for p in problems):
        return problems  # the graph checks below need sound ids and targets
    problems.extend(_reachability_problems(scenario))
    problems.extend(_loop_problems(scenario))
    return problems


def _successors(scenario: Scenario) -> dict[str, list[str]]:
    return {n.id: [c.next for c in n.choices] for n in scenario.nodes}


def _reachability_problems(scenario: Scenario) -> list[Problem]:
    problems = []
    successors = _successors(scenario)
    from_start = reachable([scenario.start], successors)
    predecessors: dict[str, list[str]] = {n.id: [] for n in scenario.nodes}
    for node_id, targets in successors.items():
        for target in targets:
            if target in predecessors:  # a choice without next="..." is reported by the parser
                predecessors[target].append(node_id)
    reaches_end = reachable([e.id for e in scenario.ends], predecessors)
    for node in scenario.nodes:
        kind = "end" if node.is_end else "step"
        if node.id not in from_start:
            problems.append(Problem(N_("cannot be reached from the start step \"{start}\""),
                                    {"start": scenario.start}, node.id, node.line, node_kind=kind))
        elif node.id not in reaches_end:
            problems.append(Problem(N_("no end can be reached from here: learners would be trapped"), {},
                                    node.id, node.line, node_kind=kind))
    return problems


def _loop_problems(scenario: Scenario) -> list[Problem]:
    component = strongly_connected_components(_successors(scenario))
    problems = []
    for node, choice in _edges(scenario):
        if choice.points > 0 and component[node.id] == component.get(choice.next):
            problems.append(Problem(
                N_("choice {choice} leads back into a loop and awards {points} points: a loop could then be "
                   "played for ever more points; give choices inside a loop 0 points"),
                {"choice": choice.id, "points": choice.points}, node.id, choice.line))
    return problems


# --------------------------------------------------------------------------- scoring

DEFAULT_PASS_MARK = 0.5  # Open edX's default grading policy ("Pass": 0.5), for a block outside a course


def is_harmful(choice: Choice) -> bool:
    return choice.quality == "harmful"


def path_score(scenario: Scenario, choices, end: End | None) -> int:
    """The score of a walk: its choices' points plus its end's, capped if it took a harmful choice."""
    earned = sum(c.points for c in choices) + (end.points if end is not None else 0)
    if scenario.harmful_cap is not None and any(is_harmful(c) for c in choices):
        earned = min(earned, scenario.harmful_cap)
    return earned


def max_score(scenario: Scenario) -> int:
    """Points of the best-scoring path from the start to an end (end points and the cap included).

    Loops hold only 0-point choices (see :func:`validate`), so the best path is a longest
    path over the graph of strongly connected components, which is acyclic.
    """
    if "max" not in scenario._derived:
        best = best_scores(scenario).get(scenario.start, 0)
        if scenario.harmful_cap is not None:
            # The best path avoiding harmful choices, or the cap if a harmful path scores more.
            clean = _best_to_end(scenario, lambda choice: not is_harmful(choice)).get(scenario.start)
            best = max(clean if clean is not None else 0, min(best, scenario.harmful_cap))
        scenario._derived["max"] = best
    return scenario._derived["max"]


def best_scores(scenario: Scenario) -> dict[str, int]:
    """For every node, the most points still to be earned from there to an end (before any cap)."""
    if "best" not in scenario._derived:
        best = _best_to_end(scenario)
        scenario._derived["best"] = {node_id: points or 0 for node_id, points in best.items()}
    return scenario._derived["best"]


def best_harmful_scores(scenario: Scenario) -> dict[tuple[str, str], int]:
    """For every harmful choice a learner can reach, the best score of a whole path through it."""
    to_node = _best_from_start(scenario)
    from_node = _best_to_end(scenario)
    scores = {}
    for node, choice in _edges(scenario):
        if not is_harmful(choice) or to_node.get(node.id) is None or from_node.get(choice.next) is None:
            continue
        earned = to_node[node.id] + choice.points + from_node[choice.next]
        if scenario.harmful_cap is not None:
            earned = min(earned, scenario.harmful_cap)
        scores[(node.id, choice.id)] = earned
    return scores


def _condensation(scenario: Scenario, allowed=None):
    """Each node's strongly connected component (over ``allowed`` choices), and each component's members."""
    if allowed is None:
        successors = _successors(scenario)
    else:
        successors = {n.id: [c.next for c in n.choices if allowed(c)] for n in scenario.nodes}
    component = strongly_connected_components(successors)
    members: dict[int, list[Node]] = {}
    for node in scenario.nodes:
        members.setdefault(component[node.id], []).append(node)
    return component, members


def _best_to_end(scenario: Scenario, allowed=None) -> dict[str, int | None]:
    """For every node, the most points on a way to an end using ``allowed`` choices (None: no way)."""
    component, members = _condensation(scenario, allowed)
    # Tarjan numbers components in reverse topological order: successors come first.
    best_of: dict[int, int | None] = {}
    for index in sorted(members):
        best = None
        for node in members[index]:
            if node.is_end:
                best = node.points if best is None else max(best, node.points)
            for choice in node.choices:
                target = component.get(choice.next)
                if target is None or (allowed is not None and not allowed(choice)):
                    continue
                if target == index:
                    continue  # inside a loop every choice gives 0 points: the component shares one best
                if best_of.get(target) is not None:
                    candidate = choice.points + best_of[target]
                    best = candidate if best is None else max(best, candidate)
        best_of[index] = best
    return {node.id: best_of[component[node.id]] for node in scenario.nodes}


def _best_from_start(scenario: Scenario) -> dict[str, int | None]:
    """For every node, the most points a learner can have earned on arriving there (None: unreachable)."""
    component, members = _condensation(scenario)
    start = component.get(scenario.start)
    best_of: dict[int, int | None] = {index: None for index in members}
    if start is None:
        return {node.id: None for node in scenario.nodes}
    best_of[start] = 0
    for index in sorted(members, reverse=True):  # predecessors first
        if best_of[index] is None:
            continue
        for node in members[index]:
            for choice in node.choices:
                target = component.get(choice.next)
                if target is None or target == index:
                    continue
                candidate = best_of[index] + choice.points
                if best_of[target] is None or candidate > best_of[target]:
                    best_of[target] = candidate
    return {node.id: best_of[component[node.id]] for node in scenario.nodes}


# --------------------------------------------------------------------------- checks against a course


def harmful_path_problems(scenario: Scenario, pass_mark: float = DEFAULT_PASS_MARK,
                          graded: bool = False) -> list[Problem]:
    """Harmful choices through which a learner can still reach ``pass_mark`` (a share of the maximum).

    A course that grades harmful practice as a pass teaches the opposite of what it says: an
    error in a graded subsection, a warning elsewhere.
    """
    possible = max_score(scenario)
    if possible <= 0:
        return []
    threshold = Fraction(str(pass_mark))
    problems = []
    for (step_id, choice_id), earned in best_harmful_scores(scenario).items():
        if Fraction(earned, possible) >= threshold:
            step = scenario.node(step_id)
            problems.append(Problem(
                N_("a path through the harmful choice {choice} can score {points} of {maximum} points, at or "
                   "above the pass mark of {percent}%: give the choice and the ends it leads to fewer points, "
                   "put the points on the good ends (<end points=\"...\">), or set harmful_cap=\"...\""),
                {"choice": choice_id, "points": earned, "maximum": possible,
                 "percent": _percent(threshold)},
                step_id, step.choice(choice_id).line, ERROR if graded else WARNING))
    return problems


def _percent(share: Fraction) -> str:
    value = share * 100
    return str(int(value)) if value.denominator == 1 else f"{float(value):.1f}"


def answer_cue_problems(scenario: Scenario, shuffled: bool = False) -> list[Problem]:
    """Warn when the best option gives itself away: listed first, or the longest label, in most decisions."""
    decisions = []
    for step in scenario.steps:
        ranked = sorted(step.choices, key=_choice_value, reverse=True)
        if len(ranked) >= 2 and _choice_value(ranked[0]) > _choice_value(ranked[1]):
            decisions.append((step, ranked[0]))
    if len(decisions) < MIN_DECISIONS_FOR_CUES:
        return []
    problems = []
    first = sum(1 for step, best in decisions if step.choices[0] is best)
    if not shuffled and first * 2 > len(decisions):
        problems.append(Problem(
            N_("the best option is listed first in {count} of {total} decisions: learners can learn the "
               "position instead of the practice; vary the order or set shuffle=\"true\""),
            {"count": first, "total": len(decisions)}, severity=WARNING))
    longest = sum(1 for step, best in decisions
                  if all(len(plain_text(best.label)) > len(plain_text(c.label)) for c in step.choices if c is not best))
    if longest * 2 > len(decisions):
        problems.append(Problem(
            N_("the best option has the longest label in {count} of {total} decisions: learners can pick it by "
               "its length; make the other options as detailed"),
            {"count": longest, "total": len(decisions)}, severity=WARNING))
    return problems


MIN_DECISIONS_FOR_CUES = 3  # with fewer decisions a "pattern" is chance


def _choice_value(choice: Choice) -> tuple:
    """How good a choice is: its points, then its quality (harmful < none < partial < good)."""
    order = {"harmful": 0, None: 1, "partial": 2, "good": 3}
    return choice.points, order.get(choice.quality, 1)


def choice_order(step: Step, seed: str) -> tuple[Choice, ...]:
    """A learner's own order of a step's choices: the same seed always gives the same order.

    A keyed hash (rather than ``random.shuffle``) keeps the order stable across reloads and
    when the course team adds a choice, as for the indicator quiz.
    """
    def key(choice):
        return hashlib.sha256(f"{seed}\x00{step.id}\x00{choice.id}".encode()).digest()

    return tuple(sorted(step.choices, key=key))


def scenario_checks(scenario: Scenario, pass_mark: float = DEFAULT_PASS_MARK, graded: bool = False,
                    shuffled: bool | None = None) -> list[Problem]:
    """The checks that depend on where the scenario is used: harmful paths and answer cues."""
    if shuffled is None:
        shuffled = bool(scenario.settings.get("shuffle"))
    return harmful_path_problems(scenario, pass_mark, graded) + answer_cue_problems(scenario, shuffled)


__all__ = [
    "Choice", "End", "Scenario", "SETTINGS", "Step", "ERROR", "WARNING", "load_scenario", "load_scenario_cached",
    "parse_scenario_element", "scenario_to_element", "scenario_body_xml", "validate", "max_score",
    "content_version", "path_score", "best_harmful_scores", "harmful_path_problems", "answer_cue_problems",
    "choice_order", "scenario_checks", "DEFAULT_PASS_MARK", "CONTENT_ATTRIBUTES",
]
