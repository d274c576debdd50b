"""From what was read to what the trainer sees: modules, funnel, tables per group, top lists.

Modules are the course's sections (chapters). The problem responses report names each block's
section in its ``location`` ("Course > Section > Subsection > Unit > Block"); the grade reports only
name graded subsections and problems, so those are placed in the section the responses report
shows their subsection in, else under a ``--modules`` mapping, else each graded subsection counts as
a module of its own. A module is *completed* by a learner when every item of it in their course run
is done: each graded subsection has a score, each graded problem was attempted, each scenario was
played to an end, each quiz was answered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..problems import N_, Problem
from .model import (
    COMPLETED,
    NOT_AVAILABLE,
    NOT_STARTED,
    PROBLEM,
    QUIZ,
    SCENARIO,
    STARTED,
    SUBSECTION,
    UNKNOWN,
    Aggregator,
    Learner,
    RosterEntry,
)

_NUMBERED = re.compile(r"^.+? \d+: (?P<rest>.+)$")
TOP = 10  # how many indicators and choices the page lists (the CSV files have them all)


@dataclass
class LearnerRow:
    key: str
    username: str
    email: str
    name: str
    organisation: str
    country: str
    cohort: str
    training_date: str
    runs: tuple
    modules: list  # one status per module (None: the module is not in the learner's run)
    grade: float | None
    passed: bool | None
    started: bool
    completed: bool
    enrolled: bool


@dataclass
class GroupRow:
    label: str
    enrolled: int = 0
    started: int = 0
    completed: int = 0
    passed: int = 0
    grade_sum: float = 0.0
    graded: int = 0

    @property
    def mean_grade(self) -> float | None:
        return self.grade_sum / self.graded if self.graded else None


@dataclass
class Ranked:
    block: str
    label: str
    count: int
    total: int

    @property
    def share(self) -> float:
        return self.count / self.total if self.total else 0.0


@dataclass
class BlockRow:
    kind: str
    title: str
    opened: int
    completed: int
    mean_score: float | None


@dataclass
class ReportData:
    learners: list[LearnerRow]
    modules: list[str]
    funnel: list[tuple[str, str, int]]  # (key, module name or "", learners)
    groups: dict[str, list[GroupRow]]  # "organisation", "country", "cohort", "run"
    blocks: list[BlockRow]
    missed: list[Ranked]
    harmful: list[Ranked]
    problems: list[tuple[str, Problem]]
    files: list
    pass_rule: str | None  # "mark", "certificate" or None (passing unknown)
    pass_mark: float | None
    other_rows: int
    unenrolled: int = 0
    figures: dict = field(default_factory=dict)


def summarise(aggregator: Aggregator, pass_mark: float | None = None,
              modules: list[tuple[str, str]] | None = None) -> ReportData:
    """Everything the report shows. ``modules`` maps names found in the exports (section, subsection,
    problem title, grade-report column) to the module they count under, in the order to show."""
    roster = _resolve_roster(aggregator)
    names, item_modules = _modules(aggregator, modules or [])
    layout = _layout(aggregator, item_modules)
    pass_rule = "mark" if pass_mark is not None else (
        "certificate" if any(r.eligible is not None for lr in aggregator.learners.values() for r in lr.runs.values())
        else None)
    per_run = {run: GroupRow(run) for run in aggregator.runs}
    rows = []
    for key, learner in aggregator.learners.items():
        progress = {run: _run_progress(learner, run, layout, len(names)) for run in _learner_runs(learner)}
        rows.append(_learner_row(key, learner, roster.get(key), progress, len(names), pass_rule, pass_mark))
        _count_runs(learner, progress, pass_rule, pass_mark, per_run)
    data = ReportData(
        learners=rows, modules=names, funnel=[], groups={}, blocks=_blocks(aggregator),
        missed=_ranked(aggregator, QUIZ), harmful=_ranked(aggregator, SCENARIO), problems=aggregator.problems,
        files=aggregator.files, pass_rule=pass_rule, pass_mark=pass_mark, other_rows=aggregator.other_rows)
    learners = data.learners
    data.funnel = ([("enrolled", "", len(learners)), ("started", "", sum(r.started for r in learners))]
                   + [("module", name, sum(1 for r in learners if r.modules[i] == COMPLETED))
                      for i, name in enumerate(names)]
                   + [("completed", "", sum(r.completed for r in learners))]
                   + ([("passed", "", sum(1 for r in learners if r.passed))] if pass_rule else []))
    for attribute in ("organisation", "country", "cohort"):
        data.groups[attribute] = _group(learners, attribute)
    data.groups["run"] = [per_run[run] for run in aggregator.runs]
    data.unenrolled = sum(1 for r in learners if not r.enrolled)
    grades = [r.grade for r in learners if r.grade is not None]
    data.figures = {"enrolled": len(learners), "started": sum(r.started for r in learners),
                    "completed": sum(r.completed for r in learners),
                    "passed": sum(1 for r in learners if r.passed) if pass_rule else None,
                    "mean_grade": sum(grades) / len(grades) if grades else None, "runs": len(aggregator.runs)}
    return data


# ---------------------------------------------------------------------------------------------- roster


def _resolve_roster(aggregator: Aggregator) -> dict[str, RosterEntry]:
    """Learner key -> roster entry; roster learners found in no export are added (enrolled, not started)."""
    by_email = {learner.email.casefold(): key for key, learner in aggregator.learners.items() if learner.email}
    matched: dict[str, RosterEntry] = {}
    for entry in aggregator.roster:
        user = entry.user.strip()
        folded = user.casefold()
        if "@" in user:
            key = by_email.get(folded) or ("@" + folded)
            if key not in aggregator.learners:
                aggregator.learners[key] = Learner("", user)
        else:
            key = folded
            if key not in aggregator.learners:
                aggregator.learners[key] = Learner(user)
        if key in matched:
            aggregator.problems.append((entry.source, Problem(
                N_("this learner is already on line {other}; the line was ignored"),
                {"other": matched[key].line}, line=entry.line)))
            continue
        matched[key] = entry
    return matched


# ---------------------------------------------------------------------------------------------- modules


def _modules(aggregator: Aggregator, mapping: list[tuple[str, str]]):
    """Module names in order, and each item's module index."""
    mapped = {}
    for name, module in mapping:
        mapped.setdefault(name.strip().casefold(), module.strip())
    order: dict[str, int] = {}
    for _name, module in mapping:
        order.setdefault(module.strip(), len(order))
    known_subsections = sorted({item.subsection for item in aggregator.items.values() if item.subsection}
                               | {sub for (_run, sub) in aggregator.subsection_chapters}, key=len, reverse=True)
    item_modules = {}
    for item in aggregator.items.values():
        candidates = _names(item, known_subsections)
        module = next((mapped[c.casefold()] for c in candidates if c and c.casefold() in mapped), None)
        if module is None:
            subsection = candidates[1]
            chapter = item.chapter or aggregator.subsection_chapters.get((item.run, subsection.casefold())) \
                or aggregator.subsection_chapters.get(("", subsection.casefold()))
            module = chapter or subsection or item.title
        item_modules[item.index] = order.setdefault(module, len(order))
    # a mapped module with no item in the exports is left out
    used = sorted(set(item_modules.values()))
    renumber = {old: new for new, old in enumerate(used)}
    names = [name for name, index in sorted(order.items(), key=lambda pair: pair[1]) if index in renumber]
    return names, {item: renumber[module] for item, module in item_modules.items()}


def _names(item, known_subsections) -> list[str]:
    """``[section, subsection, title, full label]`` an item may be known by (section unknown for grades)."""
    if item.kind == PROBLEM:  # "Type 01: Subsection - Problem title"
        match = _NUMBERED.match(item.title)
        rest = match.group("rest") if match else item.title
        subsection = next((s for s in known_subsections if rest.casefold().startswith(s.casefold() + " - ")), None)
        if subsection is None:
            subsection, _sep, title = rest.partition(" - ")
        else:
            title = rest[len(subsection) + 3:]
        return ["", subsection, title or rest, item.title]
    if item.kind == SUBSECTION:
        return ["", item.subsection, item.title, item.title]
    return [item.chapter, item.subsection, item.title, item.title]


@dataclass
class _Layout:
    items_by_run: dict  # run -> [(module index, item index)]


def _layout(aggregator: Aggregator, item_modules: dict) -> _Layout:
    by_run: dict[str, list] = {}
    for item in aggregator.items.values():
        by_run.setdefault(item.run, []).append((item_modules[item.index], item.index))
    return _Layout(by_run)


def _module_statuses(learner: Learner, run: str, layout: _Layout, module_count: int) -> list:
    """This learner's status in each module of ``run`` (None: no item of the module applies to them there)."""
    statuses: list = [None] * module_count
    done: list = [True] * module_count
    for module, index in layout.items_by_run.get(run, ()):
        status = learner.statuses[index] if index < len(learner.statuses) else UNKNOWN
        if status == NOT_AVAILABLE:
            continue
        current = statuses[module]
        progress = STARTED if status in (STARTED, COMPLETED) else NOT_STARTED
        statuses[module] = progress if current is None else max(current, progress)
        done[module] = done[module] and status == COMPLETED
    return [COMPLETED if status is not None and done[m] else status for m, status in enumerate(statuses)]


def _learner_runs(learner: Learner) -> list[str]:
    return list(dict.fromkeys([*learner.runs, *learner.active_runs]))


def _passed(learner: Learner, runs, pass_rule, pass_mark) -> bool | None:
    records = [learner.runs[run] for run in runs if run in learner.runs]
    if pass_rule == "mark":
        grades = [r.grade for r in records if r.grade is not None]
        return any(g >= pass_mark - 1e-9 for g in grades) if grades else None
    verdicts = [r.eligible for r in records if r.eligible is not None]
    return any(verdicts) if verdicts else None


def _run_progress(learner, run, layout, module_count):
    modules = _module_statuses(learner, run, layout, module_count)
    applicable = [m for m in modules if m is not None]
    started = any(m in (STARTED, COMPLETED) for m in applicable)
    record = learner.runs.get(run)
    if record is not None and record.grade:
        started = True
    return modules, started, bool(applicable) and all(m == COMPLETED for m in applicable)


def _learner_row(key, learner, entry, progress, module_count, pass_rule, pass_mark):
    runs = list(progress)
    modules: list = [None] * module_count
    started = completed = False
    for run_modules, run_started, run_completed in progress.values():
        modules = [a if b is None else b if a is None else max(a, b) for a, b in zip(modules, run_modules, strict=False)]
        started, completed = started or run_started, completed or run_completed
    grades = [r.grade for r in learner.runs.values() if r.grade is not None]
    entry = entry or RosterEntry(0, "", "")
    row = LearnerRow(
        key=key, username=learner.username, email=learner.email, name=entry.name,
        organisation=entry.organisation, country=entry.country, cohort=entry.cohort or learner.cohort,
        training_date=entry.training_date, runs=tuple(runs), modules=modules,
        grade=max(grades) if grades else None, passed=_passed(learner, runs, pass_rule, pass_mark),
        started=started, completed=completed,
        enrolled=not learner.runs or any(r.active for r in learner.runs.values()))
    return row


def _count_runs(learner, progress, pass_rule, pass_mark, per_run) -> None:
    for run, (_modules, started, completed) in progress.items():
        group = per_run.setdefault(run, GroupRow(run))
        group.enrolled += 1
        group.started += started
        group.completed += completed
        group.passed += bool(_passed(learner, [run], pass_rule, pass_mark))
        record = learner.runs.get(run)
        if record is not None and record.grade is not None:
            group.grade_sum += record.grade
            group.graded += 1


# ---------------------------------------------------------------------------------------------- tables


def _group(learners: list[LearnerRow], attribute: str) -> list[GroupRow]:
    """One row per value of ``attribute`` ("" for learners without one), largest group first."""
    groups: dict[str, GroupRow] = {}
    for row in learners:
        label = getattr(row, attribute)
        group = groups.get(label)
        if group is None:
            group = groups[label] = GroupRow(label)
        group.enrolled += 1
        group.started += row.started
        group.completed += row.completed
        group.passed += bool(row.passed)
        if row.grade is not None:
            group.grade_sum += row.grade
            group.graded += 1
    if set(groups) == {""}:
        return []
    return sorted(groups.values(), key=lambda g: (g.label == "", -g.enrolled, g.label.casefold()))


def _blocks(aggregator: Aggregator) -> list[BlockRow]:
    return [BlockRow(stats.kind, stats.title, stats.opened, stats.completed,
                     stats.score_sum / stats.scored if stats.scored else None)
            for stats in aggregator.blocks.values()]


def _ranked(aggregator: Aggregator, kind: str) -> list[Ranked]:
    """Every indicator missed / harmful choice taken, most frequent share first."""
    ranked = []
    for stats in aggregator.blocks.values():
        if stats.kind != kind:
            continue
        for key, count in stats.counts.items():
            ranked.append(Ranked(stats.title, stats.labels.get(key) or key, count, stats.answered))
    return sorted(ranked, key=lambda r: (-r.share, -r.count, r.block.casefold(), r.label.casefold()))
