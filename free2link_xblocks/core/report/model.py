"""What the report keeps while it reads: the course's items and blocks in memory, the learners on disk.

A *run* is one course run (the four language runs are four runs), named ``ORG_COURSE_RUN`` as the
LMS names its report files. An *item* is one thing a learner can do in a run: a graded subsection
(grade report), a graded problem (problem grade report) or one of our blocks (problem responses
report). Items, blocks, runs and modules are few and stay in memory.

Learners can be millions: what a row says about a learner is a small *event*, appended to one of
several partition files on disk chosen by the learner's key (so that every event of one learner is
in the same partition, in the order read). The summary then reads one partition at a time, so
memory is bounded by the largest partition, which the number of partitions keeps small.

Grade-type reports alone (the grade report, the problem grade report: one row a learner) are read *in order*
instead (see OrderedLearners): what the report needs of each row waits on disk in the order read, and each
row's learner is counted as it is read. When a key repeats, they are read again into partitions.
"""

from __future__ import annotations

import itertools
import marshal
import operator
import os
import pickle
import shutil
import tempfile
import weakref
from array import array
from collections import Counter
from dataclasses import dataclass, field

from ..problems import Problem

# Item statuses, one byte each; a higher value is more progress (NOT_AVAILABLE is apart).
UNKNOWN, NOT_STARTED, STARTED, COMPLETED, NOT_AVAILABLE = range(5)

SUBSECTION, PROBLEM, SCENARIO, QUIZ = "subsection", "problem", "scenario", "quiz"
RED_FLAGS = "red_flags"
BLOCK_TYPES = {"f2l_scenario": SCENARIO, "f2l_indicator_quiz": QUIZ, "f2l_red_flags": RED_FLAGS}

# Events: what one row says about one learner (see the readers and summary.replay).
GRADE_EVENT, RESPONSE_EVENT, ROSTER_EVENT = 0, 1, 2
BYTES_PER_PARTITION = 8 << 20  # input bytes per partition: about 50,000 learners of a grade report
BUFFERED = 65_536  # events waiting in memory to be written, over all partitions
PROBLEMS_KEPT = 1000  # problems kept in memory; the others wait on disk for problems.csv
KINDS_KEPT = 100_000  # kinds of learners of the rows read in order (see OrderedLearners)


def merged_status(old: int, new: int) -> int:
    """Two records of one item for one learner: keep the most progress; "not available" only fills a gap."""
    if new == NOT_AVAILABLE:
        return old or NOT_AVAILABLE
    if old == NOT_AVAILABLE:
        return new
    return max(old, new)


def write_batch(stream, batch: list) -> None:
    """Append ``batch`` (a list of plain values: tuples, strings, numbers, bytes, None) to ``stream``, for
    :func:`read_batches`: its length, then the batch marshalled (not pickled: these files live and die with the
    process, and marshal is twice as fast)."""
    data = marshal.dumps(batch)
    stream.write(len(data).to_bytes(8, "little") + data)


def read_batches(path):
    """Every item of the batches (lists) written one after another to ``path`` (:func:`write_batch`), in order."""
    for batch in batches(path):
        yield from batch


def batches(path):
    """The batches written one after another to ``path`` (:func:`write_batch`), in order."""
    with open(path, "rb") as stream:
        while size := stream.read(8):
            yield marshal.loads(stream.read(int.from_bytes(size, "little")))  # our own file, in our folder


@dataclass(eq=False)
class Item:
    index: int
    run: str
    kind: str
    title: str
    subsection: str = ""
    chapter: str = ""
    group: str = ""  # our blocks: the block id, which the language runs of one course share


@dataclass(slots=True)
class RunRecord:
    """A learner in one course run: grade (0–1), the LMS's certificate verdict, enrolment."""

    grade: float | None = None
    eligible: bool | None = None
    active: bool = True


class Learner:
    """One learner across every file and run (matched by username, or email where a file has no username).

    ``progress`` holds, per run, one status byte per item of the run (in the order of
    :attr:`Aggregator.run_items`)."""

    __slots__ = ("username", "email", "progress", "runs", "counted", "cohort", "order", "roster")

    def __init__(self, username: str, email: str = "", order: int = 0):
        self.username = username
        self.email = email
        self.progress: dict[str, bytearray] = {}
        self.runs: dict[str, RunRecord] = {}
        self.counted = bytearray()  # 4 flags a block: its facts already counted for this learner (once each)
        self.cohort = ""
        self.order = order  # when the learner was first read: the report's order without revealing names
        self.roster = None


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
    # red flags: over the learners counted, flags spotted, flags missed and false alarms in their last answer
    spotted: int = 0
    missed: int = 0
    false_alarms: int = 0

    def add_score(self, best: float | None, possible: float | None) -> None:
        if best is not None and possible:
            self.score_sum += best / possible
            self.scored += 1

    def count(self, pairs) -> None:
        if self.kind == RED_FLAGS:
            pairs = self._count_flags(*pairs)
        self.answered += 1
        for key, label in pairs:
            self.counts[key] = self.counts.get(key, 0) + 1
            if label and key not in self.labels:
                self.labels[key] = label

    def _count_flags(self, missed, spotted: int, false_alarms: int):
        """A red-flags answer is ``(missed flags' (id, label) pairs, spotted, false alarms)``: the missed flags
        are ranked like missed indicators, and the three totals give the class's means."""
        self.spotted += spotted
        self.missed += len(missed)
        self.false_alarms += false_alarms
        return missed


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


class SpillFolder:
    """A private temporary folder (mode 700) for the partitions, the learners' rows and the problems; removed
    with :meth:`close`, or when it is no longer used, or at exit."""

    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="free2link-report-")
        self._finalizer = weakref.finalize(self, shutil.rmtree, self.path, True)

    def file(self, name: str) -> str:
        return os.path.join(self.path, name)

    def close(self) -> None:
        self._finalizer()


class Partitions:
    """Events appended per learner key to ``count`` files, read back one partition at a time, in order."""

    def __init__(self, spill: SpillFolder, count: int, name: str = "part"):
        self.count = count
        self.batch = max(16, BUFFERED // count)
        self.buffers: list[list] = [[] for _ in range(count)]
        # unbuffered: each batch is written whole, and a buffer per partition would grow with their number
        self.streams = [open(spill.file(f"{name}-{n}"), "wb", buffering=0) for n in range(count)]  # noqa: SIM115
        self.events = 0

    def add(self, key: str, event: tuple) -> None:
        number = hash(key) % self.count
        buffer = self.buffers[number]
        buffer.append(event)
        if len(buffer) >= self.batch:
            self.flush(number)

    def flush(self, number: int) -> None:
        buffer = self.buffers[number]
        if buffer:
            write_batch(self.streams[number], buffer)
            self.events += len(buffer)
            self.buffers[number] = []

    def finish(self) -> None:
        for number in range(self.count):
            self.flush(number)
            self.streams[number].close()

    def read(self, number: int, keep: bool = False):
        """Every event of partition ``number``, in the order added; its file is removed unless ``keep``."""
        yield from read_batches(self.streams[number].name)
        if not keep:
            os.unlink(self.streams[number].name)


class OrderedLearners:
    """The learners of grade-type reports read in order, one row each: what the report needs of them, on disk in
    the order read. A row is the learner's key, username and email, and the *kind* of learner they are: what
    their row says beyond who they are (run, grade, verdict, enrolment, cohort, layout, status codes), few kinds
    for many learners, kept once each and numbered. Each kind's learners are counted as they are read.

    A 64-bit digest of every key is kept (8 bytes a row): ``digest`` (a function of a list of keys; the report's
    pseudonyms give theirs, so that they are made as the rows are read), else Python's hash. When two digests are
    the same (a key repeats, or by chance), or the kinds are too many to keep, the rows are no learners of their
    own, and the files are read again into partitions (see build_report)."""

    def __init__(self, spill: SpillFolder, kinds_kept: int, digest=None):
        self.digest, self.digests = digest, array("Q")
        self.closest: int | None = None  # the least XOR of two digests (see need_partitions)
        self.kinds: list[tuple] = []
        self.kind_numbers: dict[tuple, int] = {}
        self.counts: Counter = Counter()  # kind number -> learners
        self.kinds_kept, self.too_many_kinds = kinds_kept, False
        self.count = 0
        self.paths = [spill.file(name) for name in ("keys", "names", "emails", "kinds")]
        self._streams = [open(path, "wb") for path in self.paths]  # noqa: SIM115 - closed by finish()
        self._buffers: list[list] = [[], [], [], []]

    def add(self, keys: list[str], names: list[str], emails: list[str], kinds: list[tuple]) -> None:
        numbers = list(map(self.kind_numbers.get, kinds))
        if None in numbers:
            for index, kind in enumerate(kinds):
                if numbers[index] is None:
                    numbers[index] = self.kind_numbers.setdefault(kind, len(self.kinds))
                    if numbers[index] == len(self.kinds):
                        self.kinds.append(kind)
            self.too_many_kinds = self.too_many_kinds or len(self.kinds) > self.kinds_kept
        self.counts.update(numbers)
        self.digests.extend(self.digest(keys) if self.digest is not None else
                            map(operator.and_, map(hash, keys), itertools.repeat((1 << 64) - 1)))
        for buffer, values in zip(self._buffers, (keys, names, emails, numbers), strict=True):
            buffer += values
        self.count += len(keys)
        if len(self._buffers[0]) >= BUFFERED:
            self._flush()

    def _flush(self) -> None:
        for stream, buffer in zip(self._streams, self._buffers, strict=True):
            write_batch(stream, buffer)
        self._buffers = [[], [], [], []]

    def finish(self) -> None:
        if self._buffers[0]:
            self._flush()
        for stream in self._streams:
            stream.close()

    def need_partitions(self) -> bool:
        """Whether some key repeats (or two have the same digest), or the kinds were too many to keep. The digests
        are sorted once: the two closest tell both, and how many hex digits tell every pseudonym apart."""
        if self.too_many_kinds:
            return True
        ordered = sorted(self.digests)
        self.closest = min(map(operator.xor, ordered, itertools.islice(ordered, 1, None)), default=None)
        return self.closest == 0

    def keys(self):
        for keys in batches(self.paths[0]):
            yield from keys

    def batches(self, *columns: int):
        """The batches of the files of ``columns`` (0 keys, 1 usernames, 2 emails, 3 kind numbers), side by side."""
        return zip(*(batches(self.paths[column]) for column in columns), strict=True)


class ProblemLog:
    """``(source, Problem)`` pairs in the order found: the first ones in memory, the rest on disk."""

    def __init__(self, spill: SpillFolder | None = None):
        self.kept: list[tuple[str, Problem]] = []
        self.spill = spill
        self._stream = None
        self.spilled = 0

    def append(self, pair) -> None:
        if len(self.kept) < PROBLEMS_KEPT or self.spill is None:
            self.kept.append(pair)
            return
        if self._stream is None:
            self._stream = open(self.spill.file("problems"), "wb")  # noqa: SIM115
        pickle.dump(pair, self._stream, protocol=pickle.HIGHEST_PROTOCOL)
        self.spilled += 1

    def extend(self, pairs) -> None:
        for pair in pairs:
            self.append(pair)

    def __len__(self) -> int:
        return len(self.kept) + self.spilled

    def __iter__(self):
        yield from self.kept
        if self._stream is None:
            return
        self._stream.flush()
        with open(self._stream.name, "rb") as stream:
            for _ in range(self.spilled):
                yield pickle.load(stream)  # noqa: S301 - our own file

    def __eq__(self, other) -> bool:
        return list(self) == list(other)

    __hash__ = None


class Aggregator:
    """Everything read so far; the readers feed it, :func:`..summary.summarise` turns it into the report."""

    def __init__(self, partitions: int = 1, in_order: bool = False, key_digest=None):
        self.spill = SpillFolder()
        self.partition_count = max(1, partitions)
        # grade-type reports alone: their rows in order, one learner each (see OrderedLearners)
        self.ordered = OrderedLearners(self.spill, KINDS_KEPT, key_digest) if in_order else None
        self.partitions = Partitions(self.spill, self.partition_count)
        self.items: dict[tuple, Item] = {}
        self.item_list: list[Item] = []
        self.layouts: list[list] = []  # per grade-type file: the item (or None) of each graded column
        self.snapshots: list[tuple] = []  # per grade report: (run, date, layout, {status codes: rows})
        self.dated_runs: set | None = None  # runs whose grade reports are snapshotted (None: all)
        self.blocks: dict[tuple, BlockStats] = {}
        self.runs: dict[str, None] = {}  # in the order first seen
        self.subsection_chapters: dict[tuple[str, str], str] = {}  # (run, subsection) -> chapter
        self.roster: list[RosterEntry] = []
        self.roster_emails: dict[str, str] = {}  # roster email -> key of the learner found with that email
        self.roster_problems: list = []  # (roster entry, source, Problem) of learners listed twice
        self.problems = ProblemLog(self.spill)
        self.files: list[FileSummary] = []
        self.other_rows = 0  # problem-response rows of blocks that are not ours
        self.learners_seen = 0  # rows about a learner read so far: the order learners are first seen in
        self.verdicts_seen = False  # some grade report gave a certificate verdict

    @staticmethod
    def key(username: str, email: str = "") -> str:
        return username.strip().casefold() or ("@" + email.strip().casefold())

    def event(self, key: str, event: tuple) -> None:
        self.partitions.add(key, event)

    def item(self, run: str, kind: str, name: str, **details) -> Item:
        key = (run, kind, name)
        item = self.items.get(key)
        if item is None:
            self.runs.setdefault(run, None)
            item = self.items[key] = Item(len(self.items), run, kind, details.pop("title", name), **details)
            self.item_list.append(item)
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

    def close(self) -> None:
        self.spill.close()
