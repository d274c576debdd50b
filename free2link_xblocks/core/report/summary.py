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

import heapq
import itertools
import operator
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from ..problems import N_, Problem
from .model import (
    COMPLETED,
    GRADE_EVENT,
    NOT_AVAILABLE,
    NOT_STARTED,
    PROBLEM,
    QUIZ,
    RED_FLAGS,
    RESPONSE_EVENT,
    SCENARIO,
    STARTED,
    SUBSECTION,
    UNKNOWN,
    Aggregator,
    Learner,
    RosterEntry,
    RunRecord,
    merged_status,
    read_batches,
    write_batch,
)

_NUMBERED = re.compile(r"^.+? \d+: (?P<rest>.+)$")
TOP = 10  # how many indicators and choices the page lists (the CSV files have them all)


class LearnerRow(NamedTuple):
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
    order: int = 0  # when the learner was first read


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
class RedFlagsRow:
    """One red-flags exercise: how many learners answered, and their last answers' mean flags spotted and
    missed and mean false alarms."""

    title: str
    answered: int
    spotted: float | None
    missed: float | None
    false_alarms: float | None


@dataclass
class ReportData:
    learners: LearnerRows
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
    spill: object = None  # the temporary folder the learners' rows and the problems wait in
    timeline: list = field(default_factory=list)  # completion per module per date (see _timeline)
    red_flags: list = field(default_factory=list)  # RedFlagsRow per red-flags exercise
    missed_flags: list = field(default_factory=list)  # Ranked: the red flags the class missed

    def close(self) -> None:
        if self.spill is not None:
            self.spill.close()


class _Rows:
    """Every learner's row in the report's order, read from disk as often as needed; :meth:`placed` and
    :meth:`placed_tuples` also say where each row waits (partition, index), in the order :meth:`keys` gives."""

    def __len__(self) -> int:
        return self.count

    def __iter__(self):
        for _partition, _index, row in self.placed():
            yield row

    def placed(self):
        """``(partition, index, row)`` of every learner in report order: where the row waits in the partitions
        (as :meth:`keys` gives them), so that a figure worked out per key in that order can be found again."""
        for number, index, row in self.placed_tuples():
            yield number, index, LearnerRow(*row[:9], list(row[9]), *row[10:])

    def placed_blocks(self, size: int = 4096):
        """:meth:`placed_tuples` a block at a time: ``(partitions, indexes, rows)``, three lists."""
        placed = self.placed_tuples()
        while block := list(itertools.islice(placed, size)):
            yield [p for p, _i, _r in block], [i for _p, i, _r in block], [r for _p, _i, r in block]


class RowsInOrder(_Rows):
    """The rows when every learner is one grade-type row (read in order, no key repeated), in the order read,
    which is the report's order (no roster places anyone): each is the learner's key, username and email, the part
    their kind of learner shares (see model.OrderedLearners), and their order, joined in C."""

    def __init__(self, ordered, shared: list[tuple]):
        self.ordered, self.shared, self.count = ordered, shared, ordered.count
        self.keys = ordered.keys
        # the keys' digests in order, by ``digest`` (None: Python's hash), and the least XOR of two
        self.digests, self.digest, self.closest = ordered.digests, ordered.digest, ordered.closest

    def placed_tuples(self):
        for partitions, indexes, rows in self.placed_blocks():
            yield from zip(partitions, indexes, rows, strict=True)

    def placed_blocks(self, size: int = 4096):
        index = 0
        for keys, names, emails, kinds in self.ordered.batches(0, 1, 2, 3):
            for start in range(0, len(keys), size):
                end = start + size
                who = zip(keys[start:end], names[start:end], emails[start:end], strict=True)
                rows = list(map(operator.add, map(operator.add, who, map(self.shared.__getitem__, kinds[start:end])),
                                zip(range(index + 1, index + 1 + len(kinds[start:end])))))
                yield [0] * len(rows), range(index, index + len(rows)), rows
                index += len(rows)

    def kind_blocks(self, size: int = 4096):
        """``(indexes, kinds)`` of every learner in order, a block at a time: the learners' places (as
        :meth:`placed` gives them, in partition 0) and kind numbers (rows alike but for who and when: see
        :attr:`shared`, a kind's row fields 3 to 14)."""
        index = 0
        for (kinds,) in self.ordered.batches(3):
            for start in range(0, len(kinds), size):
                block = kinds[start:start + size]
                yield range(index, index + len(block)), block
                index += len(block)

    def partition_sizes(self) -> list[int]:
        return [self.count]


class LearnerRows(_Rows):
    """Every learner's row, in report order (organisation, country, then as first read), streamed from the
    sorted partitions on disk; iterate as often as needed."""

    ROWS_IN_MEMORY = 65_536  # while merging, over all partitions

    def __init__(self, spill, partitions: int):
        self.spill = spill
        self.partitions = partitions
        self.files: list[str] = []
        self.sizes: list[int] = []
        self.count = 0

    def add_partition(self, ordered: list) -> None:
        """Sort one partition's ``(place, row)`` pairs and keep them on disk (places are unique: compared in C)."""
        ordered.sort()
        path = self.spill.file(f"rows-{len(self.files)}")
        chunk = max(64, self.ROWS_IN_MEMORY // self.partitions)
        with open(path, "wb") as stream:
            for start in range(0, len(ordered), chunk):
                write_batch(stream, ordered[start:start + chunk])
        self.files.append(path)
        self.sizes.append(len(ordered))
        self.count += len(ordered)

    def placed_tuples(self):
        """:meth:`placed` with each row as it waits on disk: a tuple in :class:`LearnerRow`'s order (modules a
        tuple too)."""
        merged = heapq.merge(*(_numbered(number, path) for number, path in enumerate(self.files)))
        for _place, number, index, row in merged:
            yield number, index, row

    def keys(self):
        """Every learner's key, partition by partition (without merging them)."""
        for path in self.files:
            for _place, row in read_batches(path):
                yield row[0]

    def partition_sizes(self) -> list[int]:
        return list(self.sizes)


def _row_order(row: tuple):
    """Organisation (learners without one last), country, then as first read (unique: no two rows tie)."""
    return (row[4] == "", row[4].casefold(), row[5].casefold(), row[15])


def _numbered(number: int, path: str):
    for index, (place, row) in enumerate(read_batches(path)):
        yield place, number, index, row  # places are unique: the comparison never goes further


def summarise(aggregator: Aggregator, pass_mark: float | None = None,
              modules: list[tuple[str, str]] | None = None) -> ReportData:
    """Everything the report shows. ``modules`` maps names found in the exports (section, subsection,
    problem title, grade-report column) to the module they count under, in the order to show."""
    aggregator.partitions.finish()
    names, item_modules = _modules(aggregator, modules or [])
    layout = _Layout(aggregator, item_modules, len(names))
    pass_rule = "mark" if pass_mark is not None else ("certificate" if aggregator.verdicts_seen else None)
    totals = _Totals(names, aggregator.runs)
    if aggregator.ordered is not None:
        rows = _rows_in_order(aggregator, totals, layout, pass_rule, pass_mark)
    else:
        rows = LearnerRows(aggregator.spill, aggregator.partitions.count)
        for number in range(aggregator.partitions.count):
            learners, single = replay(aggregator, layout, aggregator.partitions.read(number))
            partition_rows = [totals.add(key, learner, layout, pass_rule, pass_mark)
                              for key, learner in learners.items()]
            partition_rows += [totals.add_row(event, layout, pass_rule, pass_mark) for event in single.values()]
            del learners, single
            rows.add_partition(partition_rows)
    aggregator.problems.extend(pair[1:] for pair in sorted(aggregator.roster_problems, key=lambda p: p[0]))
    data = ReportData(
        learners=rows, modules=names, funnel=[], groups={}, blocks=_blocks(aggregator),
        missed=_ranked(aggregator, QUIZ), harmful=_ranked(aggregator, SCENARIO), problems=aggregator.problems,
        files=aggregator.files, pass_rule=pass_rule, pass_mark=pass_mark, other_rows=aggregator.other_rows)
    data.spill = aggregator.spill
    totals.finish(data, pass_rule)
    data.timeline = _timeline(aggregator, layout, len(names))
    data.red_flags, data.missed_flags = _red_flag_rows(aggregator), _ranked(aggregator, RED_FLAGS)
    return data


def _rows_in_order(aggregator: Aggregator, totals, layout, pass_rule, pass_mark) -> RowsInOrder:
    """Grade-type rows read in order, no key repeated: each row is a learner, counted by kind as read."""
    ordered = aggregator.ordered
    shared = [_grade_row_shared(kind, layout, pass_rule, pass_mark) for kind in ordered.kinds]
    for number, count in ordered.counts.items():
        totals.count_alike(shared[number], count)
    return RowsInOrder(ordered, shared)


def _timeline(aggregator: Aggregator, layout, module_count: int) -> list[tuple]:
    """Completion per module per date, for each run with grade reports of two or more dates:
    ``(run, date, learners, [learners who completed each module, None where the run has none of it])``.
    Each report is counted alone, as it was on its date."""
    dates: dict[str, set] = {}
    for run, date, _layout, _patterns in aggregator.snapshots:
        if date:
            dates.setdefault(run, set()).add(date)
    timeline = []
    for run, date, layout_id, patterns in aggregator.snapshots:
        if not date or len(dates.get(run, ())) < 2:
            continue
        completed: list = [None] * module_count
        for codes, count in patterns.items():
            for index, status in enumerate(layout.file_progress(run, layout_id, codes)):
                if status is not None:
                    completed[index] = (completed[index] or 0) + (count if status == COMPLETED else 0)
        timeline.append((run, date, sum(patterns.values()), completed))
    return sorted(timeline, key=lambda entry: (list(aggregator.runs).index(entry[0]), entry[1]))


class _Totals:
    """The figures, funnel and group tables, added up learner by learner.

    Learners who look alike (same organisation, country, cohort, run, module statuses, verdict) share one tally
    (count, grade sum, graded): one dictionary update a learner, expanded into the tables at the end."""

    def __init__(self, names, runs):
        self.names = names
        self.runs = list(runs)
        self.tally: dict[tuple, list] = {}  # (org, country, cohort, run or None, modules, started, completed,
        #                                       passed, enrolled) -> [learners, grade sum, graded]
        self.run_tally: dict[tuple, list] = {}  # learners of several runs, per run: (run, started, completed, passed)

    def add(self, key: str, learner: Learner, layout, pass_rule, pass_mark) -> tuple:
        """Count one learner; return ``(place in the report's order, row)``, the row a tuple in
        :class:`LearnerRow`'s order."""
        runs = _learner_runs(learner)
        entry = learner.roster or _NO_ENTRY
        cohort = entry.cohort or learner.cohort
        if len(runs) == 1:  # the usual case
            run = runs[0]
            modules, started, completed = layout.run_progress(learner, run)
            record = learner.runs.get(run)
            if record is None:
                grade, passed, enrolled = None, None, True
            else:
                grade, enrolled = record.grade, record.active
                if pass_rule == "mark":
                    passed = None if grade is None else grade >= pass_mark - 1e-9
                else:
                    passed = record.eligible
        else:
            run = None
            progress = {run: layout.run_progress(learner, run) for run in runs}
            modules, started, completed = _merged_progress(progress, len(self.names))
            grades = [r.grade for r in learner.runs.values() if r.grade is not None]
            grade = max(grades) if grades else None
            passed = _passed(learner, runs, pass_rule, pass_mark)
            enrolled = not learner.runs or any(r.active for r in learner.runs.values())
            for one, (_modules, run_started, run_completed) in progress.items():
                record = learner.runs.get(one)
                _tally(self.run_tally, (one, run_started, run_completed,
                                        _passed(learner, [one], pass_rule, pass_mark)),
                       record.grade if record is not None else None)
        _tally(self.tally, (entry.organisation, entry.country, cohort, run, modules, started, completed, passed,
                            enrolled), grade)
        row = (key, learner.username, learner.email, entry.name, entry.organisation, entry.country, cohort,
               entry.training_date, tuple(runs), modules, grade, passed, started, completed, enrolled, learner.order)
        return _row_order(row), row

    def add_row(self, event: tuple, layout, pass_rule, pass_mark) -> tuple:
        """:meth:`add` for a learner of a single grade-report row (no roster entry, so placed by order alone),
        from the row's event."""
        shared = _grade_row_shared(event[4:9] + event[10:], layout, pass_rule, pass_mark)
        self.count_alike(shared, 1)
        return (True, "", "", event[9]), event[1:4] + shared + (event[9],)

    def count_alike(self, shared: tuple, learners: int) -> None:
        """Count ``learners`` of a single grade-report row each, alike in ``shared`` (see :class:`RowsInOrder`)."""
        _name, _org, _country, cohort, _date, runs, modules, grade, passed, started, completed, enrolled = shared
        key = ("", "", cohort, runs[0], modules, started, completed, passed, enrolled)
        tally = self.tally.get(key)
        if tally is None:
            tally = self.tally[key] = [0, 0.0, 0]
        tally[0] += learners
        if grade is not None:
            tally[1] += grade * learners
            tally[2] += learners

    def finish(self, data: ReportData, pass_rule) -> None:
        count = started = completed = passed = unenrolled = 0
        modules = [0] * len(self.names)
        grade_sum, graded = 0.0, 0
        groups = {attribute: {} for attribute in ("organisation", "country", "cohort")}
        per_run = {run: GroupRow(run) for run in self.runs}
        for (org, country, cohort, run, statuses, was_started, was_completed, has_passed, enrolled), (
                n, grades, with_grade) in self.tally.items():
            count += n
            started += n * was_started
            completed += n * was_completed
            passed += n * bool(has_passed)
            unenrolled += n * (not enrolled)
            grade_sum, graded = grade_sum + grades, graded + with_grade
            for index, status in enumerate(statuses):
                if status == COMPLETED:
                    modules[index] += n
            for attribute, label in (("organisation", org), ("country", country), ("cohort", cohort)):
                _add_to_group(groups[attribute].setdefault(label, GroupRow(label)), n, was_started, was_completed,
                              has_passed, grades, with_grade)
            if run is not None:
                _add_to_group(per_run.setdefault(run, GroupRow(run)), n, was_started, was_completed, has_passed,
                              grades, with_grade)
        for (run, was_started, was_completed, has_passed), (n, grades, with_grade) in self.run_tally.items():
            _add_to_group(per_run.setdefault(run, GroupRow(run)), n, was_started, was_completed, has_passed, grades,
                          with_grade)
        data.funnel = ([("enrolled", "", count), ("started", "", started)]
                       + [("module", name, modules[i]) for i, name in enumerate(self.names)]
                       + [("completed", "", completed)]
                       + ([("passed", "", passed)] if pass_rule else []))
        for attribute, found in groups.items():
            data.groups[attribute] = [] if set(found) <= {""} else sorted(
                found.values(), key=lambda g: (g.label == "", -g.enrolled, g.label.casefold()))
        data.groups["run"] = list(per_run.values())
        data.unenrolled = unenrolled
        data.figures = {"enrolled": count, "started": started, "completed": completed,
                        "passed": passed if pass_rule else None,
                        "mean_grade": grade_sum / graded if graded else None, "runs": len(per_run)}


def _grade_row_shared(alike: tuple, layout, pass_rule, pass_mark) -> tuple:
    """Row fields 3 to 14 (in :class:`LearnerRow`'s order) of a learner known from one grade-type row alone,
    from the event's fields 4 to 8 and 10 to 11."""
    run, grade, verdict, active, cohort, layout_id, codes = alike
    modules, started, completed = layout.row_progress(run, layout_id, codes)
    if pass_rule == "mark":
        passed = None if grade is None else grade >= pass_mark - 1e-9
    else:
        passed = verdict
    return ("", "", "", cohort, "", (run,), modules, grade, passed, started or bool(grade), completed,
            True if active is None else active)


def _tally(tally: dict, key: tuple, grade) -> None:
    slot = tally.get(key)
    if slot is None:
        slot = tally[key] = [0, 0.0, 0]
    slot[0] += 1
    if grade is not None:
        slot[1] += grade
        slot[2] += 1


def _add_to_group(group: GroupRow, learners, started, completed, passed, grades, graded) -> None:
    group.enrolled += learners
    group.started += learners * started
    group.completed += learners * completed
    group.passed += learners * bool(passed)
    group.grade_sum += grades
    group.graded += graded


def _merged_progress(progress: dict, module_count: int):
    """A learner in several runs (or none): per module the furthest they got; started or completed in any."""
    modules: list = [None] * module_count
    started = completed = False
    for run_modules, run_started, run_completed in progress.values():
        modules = [a if b is None else b if a is None else max(a, b) for a, b in zip(modules, run_modules, strict=False)]
        started, completed = started or run_started, completed or run_completed
    return tuple(modules), started, completed


# ---------------------------------------------------------------------------------------------- replay


def replay(aggregator: Aggregator, layout: _Layout, events) -> tuple[dict[str, Learner], dict[str, tuple]]:
    """The learners of one partition, from their events in the order read: ``(learners, single)``, where
    ``single`` holds the learners of a single grade-report row, the usual case, as that row's event alone."""
    learners: dict[str, Learner] = {}
    single: dict[str, tuple] = {}
    blocks = list(aggregator.blocks.values())
    facts_size, places, sizes = 4 * len(blocks), layout.place, layout.sizes
    for event in events:
        kind, key = event[0], event[1]
        learner = learners.get(key)
        if learner is None:
            first = single.pop(key, None)
            if first is None and kind == GRADE_EVENT:
                single[key] = event
                continue
            if first is not None:
                learner = learners[key] = Learner(first[2], first[3], first[9])
                _grade_event(learner, layout, first)
        if kind == GRADE_EVENT:
            if learner is None:
                learner = learners[key] = Learner(event[2], event[3], event[9])
            _grade_event(learner, layout, event)
        elif kind == RESPONSE_EVENT:  # written out, without calls: a responses report has a row per block
            _, _key, name, order, item, status, block, completed, best, maximum, pairs = event
            if learner is None:
                learner = learners[key] = Learner(name, "", order)
                learner.counted = bytearray(facts_size)
            elif len(learner.counted) < facts_size:
                learner.counted.extend(bytes(facts_size - len(learner.counted)))
            run, place = places[item]
            progress = learner.progress.get(run)
            if progress is None:
                progress = learner.progress[run] = bytearray(sizes[run])
            old = progress[place]
            if status == NOT_AVAILABLE:
                progress[place] = old or NOT_AVAILABLE
            elif old == NOT_AVAILABLE or status > old:
                progress[place] = status
            stats, facts, counted = blocks[block], block * 4, learner.counted
            if not counted[facts]:  # each block fact counts once per learner, whatever the runs
                counted[facts] = 1
                stats.opened += 1
            if completed:
                if not counted[facts + 1]:
                    counted[facts + 1] = 1
                    stats.completed += 1
                    stats.add_score(best, maximum)
                if pairs is not None and not counted[facts + 2]:
                    counted[facts + 2] = 1
                    stats.count(pairs)
        else:  # ROSTER_EVENT
            _roster_event(aggregator, learners, learner, key, event[2])
    return learners, single


def _grade_event(learner: Learner, layout: _Layout, event: tuple) -> None:
    _, _key, _name, mail, run, grade, verdict, active, cohort, _order, layout_id, codes = event
    if mail and not learner.email:
        learner.email = mail
    record = learner.runs.get(run)
    if record is None:
        record = learner.runs[run] = RunRecord()
    if grade is not None and (record.grade is None or grade > record.grade):
        record.grade = grade
    if verdict is not None:
        record.eligible = bool(record.eligible) or verdict
    if active is not None:
        record.active = active
    if cohort:
        learner.cohort = cohort
    layout.scatter(learner, layout_id, codes)


def _roster_event(aggregator: Aggregator, learners: dict, learner: Learner | None, key: str, number: int) -> None:
    entry = aggregator.roster[number]
    if learner is None:
        user = entry.user.strip()
        learner = learners[key] = Learner("", user) if "@" in user else Learner(user)
        learner.order = aggregator.learners_seen + 1 + number
    if learner.roster is not None:  # listed in roster order once every partition is read
        aggregator.roster_problems.append((number, entry.source, Problem(
            N_("this learner is already on line {other}; the line was ignored"),
            {"other": learner.roster.line}, line=entry.line)))
    else:
        learner.roster = entry


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


class _Layout:
    """Where each item's status byte sits in a learner's progress of its run, and the module of each place."""

    CACHE_LIMIT = 100_000

    def __init__(self, aggregator: Aggregator, item_modules: dict, module_count: int):
        self.module_count = module_count
        self.run_items: dict[str, list] = {}
        self.place: dict[int, tuple[str, int]] = {}  # item index -> (run, place)
        for item in aggregator.item_list:
            places = self.run_items.setdefault(item.run, [])
            self.place[item.index] = (item.run, len(places))
            places.append(item_modules[item.index])
        self.sizes = {run: len(modules) for run, modules in self.run_items.items()}
        self.layouts = [self._file_layout(items) for items in aggregator.layouts]
        self.cache: dict = {}
        self.row_cache: dict = {}

    def _file_layout(self, items):
        """``(run, places, first)`` of a grade-type file's columns; ``first`` when they are side by side."""
        places = [self.place[item.index][1] if item is not None else None for item in items]
        run = next((item.run for item in items if item is not None), "")
        side_by_side = places and None not in places and places == list(range(places[0], places[0] + len(places)))
        return run, places, places[0] if side_by_side else None

    def progress(self, learner: Learner, run: str) -> bytearray:
        progress = learner.progress.get(run)
        if progress is None:
            progress = learner.progress[run] = bytearray(self.sizes.get(run, 0))
        return progress

    def scatter(self, learner: Learner, layout_id: int, codes: bytes) -> None:
        """A grade-type row's status codes into the learner's progress (most progress kept on a repeat)."""
        run, places, first = self.layouts[layout_id]
        if not places:
            return
        progress = self.progress(learner, run)
        if first is not None and not any(progress[first:first + len(codes)]):
            progress[first:first + len(codes)] = codes  # the usual case: one row per learner and file
            return
        for place, code in zip(places, codes, strict=False):
            if code and place is not None:
                progress[place] = merged_status(progress[place], code)

    def run_progress(self, learner: Learner, run: str):
        """``(module statuses, started, completed)`` of the learner in ``run``; learners share a handful of
        patterns, so each pattern is worked out once."""
        progress = learner.progress.get(run)
        pattern = (run, bytes(progress) if progress is not None else b"")
        found = self.cache.get(pattern)
        if found is None:
            found = self._work_out(run, pattern[1])
            if len(self.cache) < self.CACHE_LIMIT:
                self.cache[pattern] = found
        modules, started, completed = found
        if not started:
            record = learner.runs.get(run)
            started = bool(record is not None and record.grade)
        return modules, started, completed

    def row_progress(self, run: str, layout_id: int, codes: bytes):
        """:meth:`run_progress` of a learner known from one grade-type row only."""
        pattern = (layout_id, codes)
        found = self.row_cache.get(pattern)
        if found is None:
            progress = bytearray(self.sizes.get(run, 0))
            _run, places, _first = self.layouts[layout_id]
            for place, code in zip(places, codes, strict=False):
                if code and place is not None:
                    progress[place] = code
            found = self._work_out(run, bytes(progress))
            if len(self.row_cache) < self.CACHE_LIMIT:
                self.row_cache[pattern] = found
        return found

    def file_progress(self, run: str, layout_id: int, codes: bytes) -> list:
        """Module statuses as one grade-type row shows them, over that file's items only (None: the file has
        none of the module)."""
        _run, places, _first = self.layouts[layout_id]
        modules = self.run_items.get(run, [])
        statuses: list = [None] * self.module_count
        done = [True] * self.module_count
        for place, code in zip(places, codes, strict=False):
            if place is None or code == NOT_AVAILABLE:
                continue
            module = modules[place]
            progress_made = STARTED if code in (STARTED, COMPLETED) else NOT_STARTED
            statuses[module] = progress_made if statuses[module] is None else max(statuses[module], progress_made)
            done[module] = done[module] and code == COMPLETED
        return [COMPLETED if status is not None and done[m] else status for m, status in enumerate(statuses)]

    def _work_out(self, run: str, progress: bytes):
        """A module is completed when every item of it in the run is; "not available" items do not count."""
        statuses: list = [None] * self.module_count
        done = [True] * self.module_count
        for place, module in enumerate(self.run_items.get(run, ())):
            status = progress[place] if place < len(progress) else UNKNOWN
            if status == NOT_AVAILABLE:
                continue
            current = statuses[module]
            progress_made = STARTED if status in (STARTED, COMPLETED) else NOT_STARTED
            statuses[module] = progress_made if current is None else max(current, progress_made)
            done[module] = done[module] and status == COMPLETED
        modules = tuple(COMPLETED if status is not None and done[m] else status for m, status in enumerate(statuses))
        applicable = [m for m in modules if m is not None]
        started = any(m in (STARTED, COMPLETED) for m in applicable)
        return modules, started, bool(applicable) and all(m == COMPLETED for m in applicable)


_ACTIVE = bytes([NOT_STARTED, STARTED, COMPLETED])


def _learner_runs(learner: Learner) -> list[str]:
    """The runs a learner has a grade record in, or some item record (not "not available") of."""
    runs = list(learner.runs)
    for run, progress in learner.progress.items():
        if run not in learner.runs and progress.translate(None, b"\x00\x04"):
            runs.append(run)
    return runs


def _passed(learner: Learner, runs, pass_rule, pass_mark) -> bool | None:
    records = [learner.runs[run] for run in runs if run in learner.runs]
    if pass_rule == "mark":
        grades = [r.grade for r in records if r.grade is not None]
        return any(g >= pass_mark - 1e-9 for g in grades) if grades else None
    verdicts = [r.eligible for r in records if r.eligible is not None]
    return any(verdicts) if verdicts else None


_NO_ENTRY = RosterEntry(0, "", "")


# ---------------------------------------------------------------------------------------------- tables


def _blocks(aggregator: Aggregator) -> list[BlockRow]:
    return [BlockRow(stats.kind, stats.title, stats.opened, stats.completed,
                     stats.score_sum / stats.scored if stats.scored else None)
            for stats in aggregator.blocks.values()]


def _red_flag_rows(aggregator: Aggregator) -> list[RedFlagsRow]:
    rows = []
    for stats in aggregator.blocks.values():
        if stats.kind == RED_FLAGS:
            answered = stats.answered
            rows.append(RedFlagsRow(stats.title, answered, *(value / answered if answered else None for value in (
                stats.spotted, stats.missed, stats.false_alarms))))
    return rows


def _ranked(aggregator: Aggregator, kind: str) -> list[Ranked]:
    """Every indicator missed / harmful choice taken, most frequent share first."""
    ranked = []
    for stats in aggregator.blocks.values():
        if stats.kind != kind:
            continue
        for key, count in stats.counts.items():
            ranked.append(Ranked(stats.title, stats.labels.get(key) or key, count, stats.answered))
    return sorted(ranked, key=lambda r: (-r.share, -r.count, r.block.casefold(), r.label.casefold()))
