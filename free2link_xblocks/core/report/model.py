"""What the report keeps while it reads: small summaries per learner and per block, never the rows.

A *run* is one course run (the four language runs are four runs), named ``ORG_COURSE_RUN`` as the
LMS names its report files. An *item* is one thing a learner can do in a run: a graded subsection
(grade report), a graded problem (problem grade report) or one of our blocks (problem responses
report). Each learner holds one status byte per item, so memory grows with learners × items and
not with the rows read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Item statuses, one byte each; a higher value is more progress (NOT_AVAILABLE is apart).
UNKNOWN, NOT_STARTED, STARTED, COMPLETED, NOT_AVAILABLE = range(5)

SUBSECTION, PROBLEM, SCENARIO, QUIZ = "subsection", "problem", "scenario", "quiz"
BLOCK_TYPES = {"f2l_scenario": SCENARIO, "f2l_indicator_quiz": QUIZ}


def merged_status(old: int, new: int) -> int:
    """Two records of one item for one learner: keep the most progress; "not available" only fills a gap."""
    if new == NOT_AVAILABLE:
        return old or NOT_AVAILABLE
    if old == NOT_AVAILABLE:
        return new
    return max(old, new)


@dataclass(eq=False)
class Item:
    index: int
    run: str
    kind: str
    title: str
    subsection: str = ""
    chapter: str = ""
    group: str = ""  # our blocks: the block id, which the language runs of one course share


@dataclass
class RunRecord:
    """A learner in one course run: grade (0–1), the LMS's certificate verdict, enrolment."""

    grade: float | None = None
    eligible: bool | None = None
    active: bool = True


class Learner:
    """One learner across every file and run (matched by username, or email where a file has no username)."""

    __slots__ = ("username", "email", "statuses", "runs", "counted", "cohort", "active_runs")

    def __init__(self, username: str, email: str = ""):
        self.username = username
        self.email = email
        self.statuses = bytearray()
        self.runs: dict[str, RunRecord] = {}
        self.counted = bytearray()  # flags of block facts already counted for this learner (once per block)
        self.cohort = ""
        self.active_runs: dict[str, None] = {}  # runs in which the learner has a record of some item

    def status(self, item: Item) -> int:
        return self.statuses[item.index] if item.index < len(self.statuses) else UNKNOWN

    def mark(self, item: Item, status: int) -> None:
        if item.index >= len(self.statuses):
            self.statuses.extend(bytes(item.index + 1 - len(self.statuses)))
        self.statuses[item.index] = merged_status(self.statuses[item.index], status)
        if status != NOT_AVAILABLE and item.run not in self.active_runs:
            self.active_runs[item.run] = None

    def run(self, label: str) -> RunRecord:
        record = self.runs.get(label)
        if record is None:
            record = self.runs[label] = RunRecord()
        return record

    def count_once(self, fact: int) -> bool:
        """True the first time ``fact`` is seen for this learner (a learner in two runs counts once)."""
        counted = self.counted
        if fact >= len(counted):
            counted.extend(bytes(fact + 1 - len(counted)))
        elif counted[fact]:
            return False
        counted[fact] = 1
        return True


@dataclass(eq=False)
class BlockStats:
    """One of our blocks (all runs together): who opened and finished it, scores, and what was missed or harmful."""

    index: int
    kind: str
    title: str
    opened: int = 0
    completed: int = 0
    score_sum: float = 0.0
    scored: int = 0
    answered: int = 0  # learners whose missed indicators / harmful choices were counted
    counts: dict = field(default_factory=dict)  # indicator or choice key -> learners
    labels: dict = field(default_factory=dict)  # key -> readable label (first seen)

    def add_score(self, best: float | None, possible: float | None) -> None:
        if best is not None and possible:
            self.score_sum += best / possible
            self.scored += 1

    def count(self, pairs) -> None:
        self.answered += 1
        for key, label in pairs:
            self.counts[key] = self.counts.get(key, 0) + 1
            if label and key not in self.labels:
                self.labels[key] = label


@dataclass
class RosterEntry:
    line: int
    source: str
    user: str
    organisation: str = ""
    country: str = ""
    cohort: str = ""
    training_date: str = ""
    name: str = ""


@dataclass
class FileSummary:
    source: str
    kind: str
    rows_read: int = 0
    rows_skipped: int = 0
    used: bool = True


class Aggregator:
    """Everything read so far; the readers feed it, :func:`..summary.summarise` turns it into the report."""

    def __init__(self):
        self.learners: dict[str, Learner] = {}
        self.items: dict[tuple, Item] = {}
        self.blocks: dict[tuple, BlockStats] = {}
        self.runs: dict[str, None] = {}  # in the order first seen
        self.subsection_chapters: dict[tuple[str, str], str] = {}  # (run, subsection) -> chapter
        self.roster: list[RosterEntry] = []
        self.problems: list[tuple[str, object]] = []  # (source, Problem)
        self.files: list[FileSummary] = []
        self.other_rows = 0  # problem-response rows of blocks that are not ours

    def learner(self, username: str, email: str = "") -> Learner:
        key = username.strip().casefold() or ("@" + email.strip().casefold())
        learner = self.learners.get(key)
        if learner is None:
            learner = self.learners[key] = Learner(username.strip(), email.strip())
        elif email and not learner.email:
            learner.email = email.strip()
        return learner

    def item(self, run: str, kind: str, name: str, **details) -> Item:
        key = (run, kind, name)
        item = self.items.get(key)
        if item is None:
            self.runs.setdefault(run, None)
            item = self.items[key] = Item(len(self.items), run, kind, details.pop("title", name), **details)
        return item

    def block(self, kind: str, group: str, title: str) -> BlockStats:
        key = (kind, group)
        stats = self.blocks.get(key)
        if stats is None:
            stats = self.blocks[key] = BlockStats(len(self.blocks), kind, title)
        return stats

    def note_location(self, run: str, subsection: str, chapter: str) -> None:
        if subsection and chapter:
            self.subsection_chapters.setdefault((run, subsection.casefold()), chapter)
            self.subsection_chapters.setdefault(("", subsection.casefold()), chapter)
