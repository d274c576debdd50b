"""A learner's way through a scenario, as pure state transitions.

The XBlock stores a :class:`Progress` in user-state fields and calls these functions; they
decide what is a legal move, so the browser can never choose a step it is not on, skip
ahead, or earn points it did not play for.
"""

from __future__ import annotations

from dataclasses import dataclass

from .graph import strongly_connected_components
from .problems import N_, LearnerError
from .scenario import Choice, Scenario, Step, path_score

# A defensive bound: loops are allowed, but an attempt is not an endless log.
MAX_CHOICES_PER_ATTEMPT = 1000
# After this many decisions at one step in an attempt, choices that lead round the loop again
# are no longer offered: a learner is never trapped in a "think again" loop.
LOOP_ROUNDS = 2


class MoveError(LearnerError):
    """A move that the current state does not allow."""


@dataclass(frozen=True)
class Progress:
    node_id: str
    path: tuple[tuple[str, str], ...] = ()  # (step id, choice id) for each decision of this attempt
    showing_feedback: bool = False  # the feedback on the last choice is on screen


@dataclass(frozen=True)
class Decision:
    """One decision of a path, resolved against the scenario for display and reports."""

    step_id: str
    step_title: str
    choice: Choice


def begin(scenario: Scenario) -> Progress:
    return Progress(scenario.start)


def is_finished(scenario: Scenario, progress: Progress) -> bool:
    node = scenario.node(progress.node_id)
    return node is not None and node.is_end


def is_consistent(scenario: Scenario, progress: Progress) -> bool:
    """True when the stored progress is a legal walk through this scenario."""
    current = scenario.start
    for step_id, choice_id in progress.path:
        step = scenario.node(step_id)
        if step_id != current or step is None or step.is_end:
            return False
        choice = step.choice(choice_id)
        if choice is None:
            return False
        current = choice.next
    return current == progress.node_id and scenario.node(current) is not None


def choose(scenario: Scenario, progress: Progress, step_id: str, choice_id: str) -> Progress:
    node = scenario.node(progress.node_id)
    if node is None or node.is_end:
        raise MoveError(N_("This attempt is finished. Start a new attempt to choose again."))
    if step_id != node.id:
        raise MoveError(N_("That step is no longer the current one. The page shows where you are now."))
    choice = node.choice(choice_id)
    if choice is None or choice not in offered_choices(scenario, progress):
        raise MoveError(N_("That is not one of the choices of this step."))
    if len(progress.path) >= MAX_CHOICES_PER_ATTEMPT:
        raise MoveError(N_("This attempt has become too long. Please start again."))
    return Progress(choice.next, progress.path + ((step_id, choice_id),), True)


def acknowledge(progress: Progress) -> Progress:
    """The learner has read the feedback and continues to the next step."""
    return Progress(progress.node_id, progress.path, False)


def back(scenario: Scenario, progress: Progress) -> Progress:
    """Undo the last decision of an unfinished attempt."""
    if is_finished(scenario, progress):
        raise MoveError(N_("A finished attempt cannot be undone."))
    if not progress.path:
        raise MoveError(N_("You are at the first step; there is no step to go back to."))
    step_id, _choice_id = progress.path[-1]
    return Progress(step_id, progress.path[:-1], False)


def decisions(scenario: Scenario, path) -> list[Decision]:
    """Resolve (step id, choice id) pairs; pairs the scenario no longer has are skipped."""
    resolved = []
    for step_id, choice_id in path:
        step = scenario.node(step_id)
        choice = step.choice(choice_id) if step is not None and not step.is_end else None
        if choice is not None:
            resolved.append(Decision(step_id, step.title, choice))
    return resolved


def points(scenario: Scenario, path) -> int:
    """The score of a path: its choices, the end it reached, and the harmful cap (see ``path_score``)."""
    resolved = decisions(scenario, path)
    end = scenario.node(resolved[-1].choice.next) if resolved else None
    return path_score(scenario, [d.choice for d in resolved], end if end is not None and end.is_end else None)


def is_decision(step: Step) -> bool:
    """A step where the learner really decides; a one-choice "think again" step is a pause."""
    return len(step.choices) > 1


def decision_number(scenario: Scenario, progress: Progress, step_id: str) -> int | None:
    """The number shown as "Decision N": distinct decisions met in this attempt, not visits.

    Coming back to a decision through a loop keeps its number; a pause has none.
    """
    step = scenario.node(step_id)
    if step is None or step.is_end or not is_decision(step):
        return None
    numbers: dict[str, int] = {}
    for visited, _choice in progress.path:
        node = scenario.node(visited)
        if node is not None and not node.is_end and is_decision(node):
            numbers.setdefault(visited, len(numbers) + 1)
    return numbers.get(step_id, len(numbers) + 1)


def offered_choices(scenario: Scenario, progress: Progress) -> tuple[Choice, ...]:
    """The choices offered at the current step.

    All of them, until the learner has decided at this step ``LOOP_ROUNDS`` times in this
    attempt: from then on only choices that leave the loop are offered (or, at a step with no
    way out of the loop, those that lead nearer to one), so every walk reaches an end.
    """
    step = scenario.node(progress.node_id)
    if step is None or step.is_end:
        return ()
    rounds = sum(1 for visited, _choice in progress.path if visited == step.id)
    if rounds < LOOP_ROUNDS:
        return step.choices
    component = _components(scenario)
    leaving = tuple(c for c in step.choices if component.get(c.next) != component[step.id])
    if leaving:
        return leaving
    distance = _distance_to_exit(scenario, component)
    here = distance.get(step.id)
    nearer = tuple(c for c in step.choices
                   if here is not None and distance.get(c.next) is not None and distance[c.next] < here)
    return nearer or step.choices


def _components(scenario: Scenario) -> dict[str, int]:
    if "components" not in scenario._derived:
        successors = {n.id: [c.next for c in n.choices] for n in scenario.nodes}
        scenario._derived["components"] = strongly_connected_components(successors)
    return scenario._derived["components"]


def _distance_to_exit(scenario: Scenario, component: dict[str, int]) -> dict[str, int]:
    """Within each loop, how many choices a step is from a choice that leaves the loop."""
    if "exit_distance" in scenario._derived:
        return scenario._derived["exit_distance"]
    distance = {n.id: 0 for n in scenario.steps
                if any(component.get(c.next) != component[n.id] for c in n.choices)}
    frontier = list(distance)
    predecessors: dict[str, list[str]] = {}
    for node in scenario.steps:
        for choice in node.choices:
            if component.get(choice.next) == component[node.id]:
                predecessors.setdefault(choice.next, []).append(node.id)
    while frontier:
        following = []
        for node_id in frontier:
            for before in predecessors.get(node_id, ()):
                if before not in distance:
                    distance[before] = distance[node_id] + 1
                    following.append(before)
        frontier = following
    scenario._derived["exit_distance"] = distance
    return distance
