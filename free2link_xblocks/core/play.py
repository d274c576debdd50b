"""A learner's way through a scenario, as pure state transitions.

The XBlock stores a :class:`Progress` in user-state fields and calls these functions; they
decide what is a legal move, so the browser can never choose a step it is not on, skip
ahead, or earn points it did not play for.
"""

from __future__ import annotations

from dataclasses import dataclass

from .problems import N_, LearnerError
from .scenario import Choice, Scenario

# A defensive bound: loops are allowed, but an attempt is not an endless log.
MAX_CHOICES_PER_ATTEMPT = 1000


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
    if choice is None:
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
    return sum(d.choice.points for d in decisions(scenario, path))
