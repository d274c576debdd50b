"""The branching scenario: its model, its readable OLX form, and the checks on its graph.

A scenario is a directed graph. Steps are the nodes the learner decides at; each choice
is an edge to another step or to an end, worth some points and carrying feedback. Ends
are the outcomes, with a debrief. Loops ("think again") are allowed, provided no choice
inside a loop awards points, so that the best possible score is finite.

This module knows nothing of XBlock or Django: the block, Studio and the command line all
call the same functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree

from .content import Part, append_markup, append_parts, content_version, indent_structure, load_checked, parse_parts
from .graph import reachable, strongly_connected_components
from .markup import local_name, sanitize_element_content
from .problems import ERROR, N_, WARNING, Problem
from .settings import Setting, parse_settings, unknown_attributes

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

    is_end = True
    choices: tuple = ()


Node = Step | End


SETTINGS = (
    Setting("display_name", "text"),
    Setting("weight", "number"),
    Setting("max_attempts", "count"),
    Setting("allow_back", "flag"),
)


@dataclass(frozen=True)
class Scenario:
    nodes: tuple[Node, ...]
    start_id: str | None = None  # None: the first step
    settings: dict = field(default_factory=dict, compare=False, hash=False)  # root attributes given
    # Derived once: lookups happen on every request, scenarios can have 1,000 steps.
    by_id: dict = field(init=False, compare=False, repr=False, hash=False)
    _derived: dict = field(init=False, compare=False, repr=False, hash=False)

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
        return End(node_id, title, body, outcome, line)
    choice_elements = [c for c in element if local_name(c) == "choice"]
    choices = tuple(_parse_choice(c, i, node_id, problems) for i, c in enumerate(choice_elements))
    body = parse_parts(list(element), problems, node_id, stop_tags={"choice"}, leading_text=element.text)
    return Step(node_id, title, body, choices, line)


def parse_scenario_element(root) -> tuple[Scenario, list[Problem]]:
    """Build a scenario from an ``<f2l_scenario>`` element; return it with the problems found.

    Parsing never stops at the first problem; graph checks are added by :func:`validate`.
    """
    problems: list[Problem] = []
    if local_name(root) != ROOT_TAG:
        problems.append(Problem(N_("expected <{expected}>, found <{found}>"),
                                {"expected": ROOT_TAG, "found": local_name(root)}, line=root.sourceline))
    unknown_attributes(root, {s.name for s in SETTINGS} | {"start"}, problems)
    settings = parse_settings(root, SETTINGS, problems)
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
    scenario = Scenario(tuple(nodes), start, settings)
    return scenario, problems + validate(scenario)


def load_scenario(text: str | bytes, source: str | None = None) -> Scenario:
    """Parse and validate scenario XML; raise :class:`ContentError` listing every error."""
    return load_checked(parse_scenario_element, text, source)


@lru_cache(maxsize=128)
def load_scenario_cached(text: str) -> Scenario:
    """:func:`load_scenario` for stored block content, which is parsed on every request."""
    return load_scenario(text)


# --------------------------------------------------------------------------- export

_STRUCTURAL = {ROOT_TAG, "step", "end", "choice", "chat"}



def scenario_to_element(scenario: Scenario, root=None):
    """Write the readable OLX form into ``root`` (a new ``<f2l_scenario>`` if None)."""
    if root is None:
        root = etree.Element(ROOT_TAG)
    if scenario.start_id:
        root.set("start", scenario.start_id)
    for node in scenario.nodes:
        element = etree.SubElement(root, "end" if node.is_end else "step")
        element.set("id", node.id)
        if node.title:
            element.set("title", node.title)
        if node.is_end and node.outcome:
            element.set("outcome", node.outcome)
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


def max_score(scenario: Scenario) -> int:
    """Points of the best-scoring path from the start to an end.

    Loops hold only 0-point choices (see :func:`validate`), so the best path is a longest
    path over the graph of strongly connected components, which is acyclic.
    """
    return best_scores(scenario).get(scenario.start, 0)


def best_scores(scenario: Scenario) -> dict[str, int]:
    """For every node, the most points still to be earned from there to an end."""
    if "best" not in scenario._derived:
        scenario._derived["best"] = _compute_best_scores(scenario)
    return scenario._derived["best"]


def _compute_best_scores(scenario: Scenario) -> dict[str, int]:
    successors = _successors(scenario)
    component = strongly_connected_components(successors)
    members: dict[int, list[Node]] = {}
    for node in scenario.nodes:
        members.setdefault(component[node.id], []).append(node)
    # Tarjan numbers components in reverse topological order: successors come first.
    best_of_component: dict[int, int] = {}
    for index in sorted(members):
        best = None
        for node in members[index]:
            if node.is_end:
                best = max(best or 0, 0)
            for choice in node.choices:
                target_component = component.get(choice.next)
                if target_component is None or target_component == index:
                    continue
                if target_component in best_of_component and best_of_component[target_component] is not None:
                    candidate = choice.points + best_of_component[target_component]
                    best = candidate if best is None else max(best, candidate)
        best_of_component[index] = best
    return {node.id: best_of_component[component[node.id]] or 0 for node in scenario.nodes}


__all__ = [
    "Choice", "End", "Scenario", "SETTINGS", "Step", "ERROR", "WARNING", "load_scenario", "load_scenario_cached",
    "parse_scenario_element", "scenario_to_element", "scenario_body_xml", "validate", "max_score",
    "content_version",
]
