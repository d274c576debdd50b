"""Turn each Instructor Dashboard download into facts about learners, row by row.

* grade report: ``Student ID, Email, Username, Grade``, one column per graded subsection
  (``Quiz 01: <name>``: a fraction or ``Not Attempted``), per-type averages (``Quiz (Avg)``), optional
  ``Cohort Name``, ``Team Name``, ``Experiment Group (...)``, then ``Enrollment Track, Verification
  Status, Certificate Eligible, Certificate Delivered, Certificate Type, Enrollment Status``;
* problem grade report: ``Student ID, Email, Username, Enrollment Status, Grade``, then
  ``<title> (Earned)`` / ``<title> (Possible)`` pairs (``Not Attempted`` / ``Not Available``);
* problem responses report: ``username, title, location, <the columns of our blocks'
  generate_report_data>, block_key, state``;
* a roster the trainer keeps: user (username or email) → organisation, country, cohort, date, name.

Column names match case-insensitively; optional columns may be missing. A problem never quotes a
cell (cells hold names and emails): it names the file, the line and the column.
"""

from __future__ import annotations

import itertools
import json
import operator
import re
from collections import Counter
from itertools import repeat
from pathlib import Path

from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import UsageKey

from ..problems import N_, WARNING, Problem
from .csvfile import CsvFile, UnusableFile
from .model import (
    BLOCK_TYPES,
    COMPLETED,
    GRADE_EVENT,
    NOT_AVAILABLE,
    NOT_STARTED,
    PROBLEM,
    QUIZ,
    RED_FLAGS,
    RESPONSE_EVENT,
    ROSTER_EVENT,
    SCENARIO,
    STARTED,
    SUBSECTION,
    UNKNOWN,
    Aggregator,
    FileSummary,
    RosterEntry,
)

GRADES, PROBLEM_GRADES, RESPONSES, ROSTER = "grades", "problem-grades", "responses", "roster"
NOT_ATTEMPTED, NOT_AVAILABLE_TEXT = "not attempted", "not available"
# Grade-report columns after the graded ones (an extra column of any other name is ignored too).
GRADE_REPORT_TAIL = ("cohort name", "team name", "enrollment track", "verification status", "certificate eligible",
                     "certificate delivered", "certificate type", "enrollment status")
YES = {"y", "yes", "true", "1"}
_SUBSECTION_COLUMN = re.compile(r"^(?P<type>.+?) (?P<number>\d+): (?P<name>.+)$")
_REPORT_FILE = re.compile(r"^(?P<run>.+?)_(?:problem_grade_report|grade_report)_"
                          r"(?P<date>\d{4}-\d{2}-\d{2})-(?P<hour>\d{2})(?P<minute>\d{2})")
PATH_SEPARATOR, LIST_SEPARATOR = " > ", " | "
PATTERNS_KEPT = 100_000  # distinct rows of one grade report counted for completion over time
VALUES_KEPT = 100_000  # distinct grades remembered while reading a grade-type report
OUT_OF_RANGE = N_("column \"{column}\" is outside {low} to {high}; that value was left out")
OUT_OF_MAX = N_("column \"{column}\" is outside 0 to the maximum in \"{maximum}\"; that value was left out")

# The columns our blocks' generate_report_data yield (see README "Reports").
ATTEMPTS, BEST, MAX = "attempts", "best score", "max score"
SCENARIO_COLUMNS = ("completed", "last path", "harmful choices in last path", "harmful choice ids", "current path",
                    "current step", "last outcome")
QUIZ_COLUMNS = ("last answer correct", "missed ids", "missed indicators", "ticked ids", "last score")
# The red flags' own columns ("Missed ids" and "Last score" they share with the quiz).
RED_FLAGS_COLUMNS = ("spotted ids", "spotted red flags", "missed red flags", "false alarm count")

# ---------------------------------------------------------------------------------------------- values


def number(text: str) -> float | None:
    """A number as the LMS or a spreadsheet writes it (``0.75``, ``0,75``, ``75%``); None if it is not one."""
    try:  # the common case first: this runs for several cells of every row
        value = float(text)
    except ValueError:
        pass
    else:
        return value if value - value == 0 else None  # not nan or inf
    text = text.strip()
    percent = text.endswith("%")
    if percent:
        text = text[:-1].strip()
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return value / 100 if percent else value


def fraction(text: str) -> float | None:
    """A grade between 0 and 1 (the LMS writes ``0.75``; ``75%`` and ``75`` are read as 0.75)."""
    value = number(text)
    if value is not None and 1 < value <= 100:
        value /= 100
    return value if value is not None and 0 <= value <= 1 else None


def run_from_file_name(path: Path) -> str:
    """The run in an LMS report file name (``ORG_COURSE_RUN_grade_report_<date>.csv``), else the file's stem."""
    match = _REPORT_FILE.match(path.name)
    return match.group("run") if match else path.stem


def date_from_file_name(path: Path) -> str | None:
    """When the LMS made the report, from its file name (``…_grade_report_2026-04-01-1015.csv``)."""
    match = _REPORT_FILE.match(path.name)
    return f"{match.group('date')} {match.group('hour')}:{match.group('minute')}" if match else None


def block_from_key(block_key: str, location: str) -> tuple[str | None, str, str]:
    """``(kind, run, block id)`` from a usage key (read with edx-opaque-keys, as the platform writes them); kind is
    None for blocks that are not ours; the run is ``ORG_COURSE_RUN`` as in the LMS's file names."""
    try:
        key = UsageKey.from_string(block_key.strip())
    except InvalidKeyError:
        key = None
    if key is not None:
        course = key.course_key
        run = "_".join(part for part in (course.org, course.course, course.run) if part)
        return BLOCK_TYPES.get(key.block_type), run, key.block_id
    for block_type, kind in BLOCK_TYPES.items():
        if block_type in block_key or block_type in location:
            return kind, "", block_key.strip()
    return None, "", block_key.strip()


# ---------------------------------------------------------------------------------------------- files


def read_file(kind: str, path, aggregator: Aggregator, **options) -> FileSummary:
    """Read one file of ``kind`` into ``aggregator``; every problem found is added to its list."""
    path = Path(path)
    source = str(path)
    summary = FileSummary(source, kind)
    aggregator.files.append(summary)
    reader = READERS[kind]
    try:
        with CsvFile(path, source, problems=_Sink(aggregator.problems, source)) as table:
            try:
                reader(table, aggregator, **options)
            except UnusableFile as exc:
                table.problems.append(exc.problem)
                summary.used = False
            else:
                if not table.rows_read and not table.rows_skipped:
                    summary.used = False
                    table.problems.append(Problem(N_("the file has only its header line: there is no learner in "
                                                     "it")))
            finally:
                summary.rows_read, summary.rows_skipped = table.rows_read, table.rows_skipped
    except UnusableFile as exc:
        summary.used = False
        aggregator.problems.append((source, exc.problem))
    return summary


class _Sink:
    """A file's problems go straight to the report's problem log, named with the file."""

    def __init__(self, log, source: str):
        self.log, self.source = log, source

    def append(self, problem: Problem) -> None:
        self.log.append((self.source, problem))


# One whole sentence per kind of file, so that each translates well. The columns found are not
# quoted: a file without a header line would have a learner's name or email there.
NOT_THIS_KIND = {
    GRADES: N_("this is not a grade report: it has no \"{column}\" column (the first line must be the header "
               "line); the file was skipped"),
    PROBLEM_GRADES: N_("this is not a problem grade report: it has no \"{column}\" column (the first line must "
                       "be the header line); the file was skipped"),
    RESPONSES: N_("this is not a problem responses report: it has no \"{column}\" column (the first line must be "
                  "the header line); the file was skipped"),
    ROSTER: N_("the roster has no \"{column}\" column (the first line must be the header line); the file was "
               "skipped"),
}


def _require(table: CsvFile, kind: str, *names: str) -> int:
    position = table.column(*names)
    if position is None:
        raise UnusableFile(Problem(NOT_THIS_KIND[kind], {"column": names[0]}))
    return position


def _guess(table: CsvFile) -> str | None:
    """What the header looks like, to help when a file was given with the wrong option."""
    if table.column("block_key") is not None and table.column("state") is not None:
        return "--responses"
    if any(name.endswith(" (Earned)") for name in table.columns):
        return "--problem-grades"
    if table.column("certificate eligible") is not None:
        return "--grades"
    return None


def _check_kind(table: CsvFile, expected: str) -> None:
    guess = _guess(table)
    if guess and guess != expected:
        raise UnusableFile(Problem(N_("this file looks like the input of {option}, not of {given}; the file was "
                                      "skipped"), {"option": guess, "given": expected}))


def _cell(fields: list[str], position: int | None) -> str:
    return fields[position].strip() if position is not None else ""


def read_grades(table: CsvFile, aggregator: Aggregator, **_options) -> None:
    """The grade report: grade, certificate verdict, enrolment, cohort, and each graded subsection attempted."""
    _check_kind(table, "--grades")
    username = _require(table, GRADES, "Username")
    grade = _require(table, GRADES, "Grade")
    run = run_from_file_name(Path(table.source))
    aggregator.runs.setdefault(run, None)
    numbered, plain = _graded_columns(table, grade, run, aggregator)
    layout = [item for _position, item in numbered] + [None] * len(plain)
    aggregator.layouts.append(layout)
    positions, plain_positions = [position for position, _item in numbered], [position for position, _item in plain]
    offset = len(positions)
    scores = _ScoreCodes(table, SUBSECTION_CODES, _subsection_code)
    plain_scores = _ScoreCodes(table, PLAIN_CODES, _plain_code)
    # every graded cell of a row at once, each looked up in its kind's remembered codes
    cells = _cells_of(positions + plain_positions)
    maps = (scores.known,) * len(positions) + (plain_scores.known,) * len(plain_positions)
    dict_get = dict.get

    # each grade report alone, for completion over time when a run has reports of several dates
    patterns: dict[bytes, int] | None = {} if aggregator.dated_runs is None or run in aggregator.dated_runs else None
    pending = [None in layout]  # a column added by hand still waits for its first score

    def codes_of(line, fields) -> bytes:
        values = cells(fields)
        try:  # every value already known: all in C
            codes = bytes(map(dict_get, maps, values))
        except TypeError:  # a value seen for the first time, or a problem
            codes = bytes(scores.codes(line, fields, values[:offset], positions)
                          + plain_scores.codes(line, fields, values[offset:], plain_positions))
        if pending[0]:
            for number, code in enumerate(codes[offset:]):
                if code and layout[offset + number] is None:  # a column added by hand counts from its first score
                    name = table.columns[plain_positions[number]].strip()
                    layout[offset + number] = aggregator.item(run, SUBSECTION, name, title=name, subsection=name)
            pending[0] = None in layout
        if patterns is not None:
            _count_patterns(patterns, ((codes, 1),))
        return codes

    columns = [(_column_cells(position), scores, position) for position in positions] \
        + [(_column_cells(position), plain_scores, position) for position in plain_positions]

    def codes_block(block) -> list[bytes] | None:
        if pending[0]:
            return None
        codes = _codes_by_column(block, columns)
        if codes is not None and patterns is not None:
            _count_patterns(patterns, Counter(codes).items())
        return codes

    if patterns is not None:
        aggregator.snapshots.append((run, date_from_file_name(Path(table.source)), len(aggregator.layouts) - 1,
                                     patterns))
    _read_grade_rows(table, aggregator, run, username, grade, len(aggregator.layouts) - 1, codes_of, codes_block)


def _count_patterns(patterns: dict, counted) -> None:
    """Add ``(codes, rows)`` to a grade report's patterns; a new one only while they are fewer than PATTERNS_KEPT."""
    for codes, rows in counted:
        count = patterns.get(codes)
        if count is not None:
            patterns[codes] = count + rows
        elif len(patterns) < PATTERNS_KEPT:
            patterns[codes] = rows


def _column_cells(position: int):
    """A function of a block giving its cells at ``position``."""
    return lambda block: block.column(position)


def _codes_by_column(block, columns) -> list[bytes] | None:
    """Each row's status codes, a column at a time: ``columns`` are ``(cells of a block, its _ScoreCodes,
    position)``; a value met for the first time is learnt; None if one is a problem (the rows are then read one by
    one)."""
    found = []
    for cells, scores, position in columns:
        values = cells(block)
        codes = list(map(scores.known.get, values))
        if None in codes:
            for index, code in enumerate(codes):
                if code is None:  # learnt by now if it came earlier in the block
                    code = scores.known.get(values[index])
                    if code is None and (code := scores.learn(values[index], position)) is None:
                        return None
                    codes[index] = code
        found.append(codes)
    return list(map(bytes, zip(*found, strict=True))) if found else [b""] * len(block)


def _cells_of(positions):
    """A fast function giving the cells at ``positions`` of a row, always as a sequence."""
    if not positions:
        return lambda fields: ()
    if len(positions) == 1:
        return lambda fields: (fields[positions[0]],)
    return operator.itemgetter(*positions)


class _ScoreCodes:
    """The status code of each graded cell of a row. Cells repeat (``Not Attempted``, the same fractions), so a
    value's code is remembered: most rows cost one dictionary look-up per cell, in C. A value that is a problem
    is never remembered, so that each line with it is named."""

    LIMIT = 200_000

    def __init__(self, table, known: dict, decide):
        self.table, self.known, self.decide = table, dict(known), decide

    def learn(self, value, position: int) -> int | None:
        """The code of ``value`` (in the column at ``position``), met in a block of rows, now remembered; None if it
        is a problem or not to be remembered (the rows are then read one by one, and the problem named with its
        line)."""
        quiet = _Quiet(self.table.columns)
        code, remember = self.decide(quiet, None, None, position, value)
        if quiet.found or not remember or len(self.known) >= self.LIMIT:
            return None
        self.known[value] = code
        return code

    def codes(self, line, fields, cells, positions) -> list:
        codes = list(map(self.known.get, cells))
        if None in codes:
            for number, code in enumerate(codes):
                if code is None:
                    value = cells[number]
                    code, remember = self.decide(self.table, line, fields, positions[number], value)
                    if remember and len(self.known) < self.LIMIT:
                        self.known[value] = code
                    codes[number] = code
        return codes


class _Quiet:
    """A stand-in for a file that only notes whether a problem was found (a value is tried before it is read)."""

    def __init__(self, columns):
        self.columns, self.found = columns, False

    def problem(self, *_args, **_kwargs) -> None:
        self.found = True


SUBSECTION_CODES = {"": UNKNOWN, "Not Attempted": NOT_STARTED}
PLAIN_CODES = {"": UNKNOWN, "Not Attempted": NOT_STARTED}
PROBLEM_CODES = {("", ""): UNKNOWN}


def _score_cell(table, line, position, value, report_non_numbers: bool):
    """The code of a grade report's score cell, or its score from 0 to 1: ``(code, remember, score)``.
    Empty is unknown, "Not Attempted" not started; a value that is no score is unknown (and reported when
    ``report_non_numbers``), a score outside 0-1 is reported and left out."""
    text = value.strip()
    if not text:
        return UNKNOWN, True, None
    if text.casefold() == NOT_ATTEMPTED:
        return NOT_STARTED, True, None
    score = number(text)
    if score is None:
        if report_non_numbers:
            table.problem(line, N_("column \"{column}\" is neither a score nor \"Not Attempted\"; that value was "
                                   "left out"), column=table.columns[position])
        return UNKNOWN, not report_non_numbers, None
    if not 0 <= score <= 1:
        table.problem(line, OUT_OF_RANGE, column=table.columns[position], low=0, high=1)
        return UNKNOWN, False, None
    return None, True, score


def _subsection_code(table, line, fields, position, value) -> tuple[int, bool]:
    """``(code, remember)`` of a graded-subsection cell: a score from 0 to 1, or "Not Attempted"."""
    code, remember, score = _score_cell(table, line, position, value, report_non_numbers=True)
    return (COMPLETED if score is not None else code), remember


def _plain_code(table, line, fields, position, value) -> tuple[int, bool]:
    """A column named only by its type: a type with a single subsection has only its average, where 0 cannot
    be told from not attempted; a value that is no score is left out without a word (it may be a column added
    by hand)."""
    code, remember, score = _score_cell(table, line, position, value, report_non_numbers=False)
    if score is None:
        return code, remember
    return (NOT_STARTED if score == 0 else COMPLETED), True


def _graded_columns(table: CsvFile, grade: int, run: str, aggregator: Aggregator):
    """``(position, item)`` of each graded-subsection column (between Grade and the tail): the numbered ones
    ("Type NN: name") and the plain ones, whose item is made on their first score (item None until then)."""
    numbered, plain = [], []
    for position in range(grade + 1, len(table.columns)):
        name = table.columns[position].strip()
        folded = name.casefold()
        if folded in GRADE_REPORT_TAIL or folded.startswith("experiment group ("):
            break
        if folded.endswith("(avg)") or not name:
            continue
        match = _SUBSECTION_COLUMN.match(name)
        if match:
            numbered.append((position, aggregator.item(run, SUBSECTION, name, title=match.group("name"),
                                                       subsection=match.group("name"))))
        else:
            plain.append((position, None))
    return numbered, plain


def _read_grade_rows(table, aggregator, run, username, grade, layout, codes_of, codes_block) -> None:
    """Every usable row of a grade-type report as an event: the learner, grade, certificate verdict, enrolment,
    cohort, and the status ``codes_of(line, fields)`` gives each graded column. Rows come in blocks: a block whose
    values are all known already (``codes_block(rows)`` gives its rows' codes, or None) is read a column at a
    time, in C; the rest row by row, through the careful functions."""
    reader = _GradeRows(table, aggregator, run, username, grade, layout, codes_of)
    for block in table.blocks():
        if not reader.block(block, codes_block):
            for line, fields in zip(itertools.count(block.line), block.rows):
                reader.row(line, fields)
    aggregator.learners_seen = reader.counter
    aggregator.verdicts_seen = aggregator.verdicts_seen or reader.seen


class _GradeRows:
    """The rows of one grade-type report into events (see :func:`_read_grade_rows`)."""

    def __init__(self, table, aggregator, run, username, grade, layout, codes_of):
        self.table, self.aggregator, self.run, self.layout, self.codes_of = table, aggregator, run, layout, codes_of
        self.username, self.grade, self.email = username, grade, table.column("Email")
        self.eligible, self.status = table.column("Certificate Eligible"), table.column("Enrollment Status")
        self.cohort = table.column("Cohort Name")
        self.counter = aggregator.learners_seen
        self.partitions = aggregator.partitions
        self.verdicts, self.states, self.grades = dict(VERDICTS), dict(ENROLMENT), {}
        self.ordered = aggregator.ordered
        self.seen = False

    def row(self, line, fields) -> None:
        name = fields[self.username].strip()
        mail = fields[self.email].strip() if self.email is not None else ""
        if not name and not mail:
            self.table.problem(line, N_("no username; the row was skipped"))
            self.table.rows_skipped += 1
            return
        key = name.casefold() or "@" + mail.casefold()
        if key == name:
            key = name  # one string, written once
        roster_emails = self.aggregator.roster_emails
        if roster_emails and mail and mail.casefold() in roster_emails:
            roster_emails[mail.casefold()] = roster_emails[mail.casefold()] or key
        self.counter += 1
        text = fields[self.grade]
        value = self.grades.get(text, _MISSING)  # grades repeat: the LMS rounds them to two decimals
        if value is _MISSING:
            value = _read_grade(self.table, line, text)
            if (value is not None or not text.strip()) and len(self.grades) < VALUES_KEPT:  # a problem is not kept
                self.grades[text] = value
        verdict = _remembered(self.verdicts, fields[self.eligible], _verdict) if self.eligible is not None else None
        self.seen = self.seen or verdict is not None
        active = _remembered(self.states, fields[self.status], _active) if self.status is not None else None
        self.place([(GRADE_EVENT, key, name, mail, self.run, value, verdict, active,
                     fields[self.cohort].strip() if self.cohort is not None else "", self.counter, self.layout,
                     self.codes_of(line, fields))])

    def block(self, block, codes_block) -> bool:
        """Read ``block`` (a csvfile.Block) a column at a time if every value in it is known or learnt without a
        problem (True); else nothing is read (False), and it is read row by row."""
        if self.aggregator.roster_emails:  # learners matched by email: row by row
            return False
        size = len(block)
        names = list(map(str.strip, block.column(self.username)))
        if "" in names:
            return False
        grades = self._column(block, self.grade, self.grades, self._learn_grade)
        verdicts = self._column(block, self.eligible, self.verdicts, _verdict)
        states = self._column(block, self.status, self.states, _active)
        if grades is None or verdicts is None or states is None:
            return False
        codes = codes_block(block)
        if codes is None:
            return False
        mails = list(map(str.strip, block.column(self.email))) if self.email is not None else repeat("", size)
        cohorts = list(map(str.strip, block.column(self.cohort))) if self.cohort is not None else repeat("", size)
        keys = list(map(str.casefold, names))
        self.seen = self.seen or verdicts.count(None) < size
        first = self.counter + 1
        self.counter += size
        if self.ordered is not None:  # what an event would say, but the key, name, email and order, is the kind
            self.ordered.add(keys, names, mails if self.email is not None else [""] * size, list(zip(
                repeat(self.run, size), grades, verdicts, states, cohorts, repeat(self.layout, size), codes,
                strict=True)))
            return True
        self.place(list(zip(repeat(GRADE_EVENT, size), keys, names, mails, repeat(self.run, size), grades, verdicts,
                            states, cohorts, range(first, first + size), repeat(self.layout, size), codes,
                            strict=True)))
        return True

    @staticmethod
    def _column(block, position, known: dict, decide) -> list | None:
        """The value of the cells at ``position`` (all None without the column), remembered in ``known``; a value met
        for the first time is learnt with ``decide`` (which gives _MISSING for a problem: then None)."""
        if position is None:
            return [None] * len(block)
        texts = block.column(position)
        values = list(map(known.get, texts, repeat(_MISSING, len(texts))))
        if _MISSING in values:
            for index, value in enumerate(values):
                if value is _MISSING:
                    text = texts[index]
                    value = known.get(text, _MISSING)
                    if value is _MISSING:
                        value = decide(text)
                        if value is _MISSING or len(known) >= VALUES_KEPT:
                            return None
                        known[text] = value
                    values[index] = value
        return values

    def _learn_grade(self, text: str):
        """A grade met in a block of rows, or _MISSING if it is a problem (named when its row is read alone)."""
        quiet = _Quiet(self.table.columns)
        value = _read_grade(quiet, None, text)
        return _MISSING if quiet.found else value

    def place(self, events: list) -> None:
        """``events`` into the partitions by learner, or in order (see OrderedLearners)."""
        if self.ordered is not None:
            self.ordered.add(list(map(_KEY, events)), list(map(_NAME, events)), list(map(_EMAIL, events)),
                             list(map(_KIND, events)))
            return
        partitions = self.partitions
        buffers, count, batch = partitions.buffers, partitions.count, partitions.batch
        for event in events:
            number = hash(event[1]) % count
            buffer = buffers[number]
            buffer.append(event)
            if len(buffer) >= batch:
                partitions.flush(number)


_MISSING = object()
# an event's fields (see _GradeRows.row): who, and the kind of learner (see OrderedLearners)
_KEY, _NAME, _EMAIL, _KIND = (operator.itemgetter(1), operator.itemgetter(2), operator.itemgetter(3),
                              operator.itemgetter(4, 5, 6, 7, 8, 10, 11))


def _remembered(known: dict, text: str, decide):
    """``decide(text)``, remembered in ``known`` (a handful of values: yes/no, enrolled/unenrolled)."""
    value = known.get(text, _MISSING)
    if value is _MISSING:
        value = decide(text)
        if len(known) < VALUES_KEPT:
            known[text] = value
    return value


VERDICTS = {"Y": True, "N": False, "": None}
ENROLMENT = {"enrolled": True, "unenrolled": False, "": None}


def _verdict(text: str) -> bool | None:
    text = text.strip()
    return text.casefold() in YES if text else None


def _active(text: str) -> bool | None:
    text = text.strip()
    return text.casefold() != "unenrolled" if text else None


def _read_grade(table, line, text) -> float | None:
    try:  # the LMS's own 0-1 fraction
        value = float(text)
    except ValueError:
        pass
    else:
        if 0 <= value <= 1:
            return value
    text = text.strip()
    if not text:
        return None
    value = fraction(text)
    if value is None:
        table.problem(line, N_("the grade is not a number between 0 and 1; it was left out"))
    return value


def read_problem_grades(table: CsvFile, aggregator: Aggregator, **_options) -> None:
    """The problem grade report: grade, enrolment, and each graded problem attempted or not."""
    _check_kind(table, "--problem-grades")
    username = _require(table, PROBLEM_GRADES, "Username")
    grade = _require(table, PROBLEM_GRADES, "Grade")
    run = run_from_file_name(Path(table.source))
    aggregator.runs.setdefault(run, None)
    earned, possible, layout = [], [], []
    for position, name in enumerate(table.columns):
        if name.strip().casefold().endswith(" (earned)"):
            label = name.strip()[: -len(" (Earned)")].strip()
            layout.append(aggregator.item(run, PROBLEM, label, title=label))
            earned.append(position)
            possible.append(table.column(f"{label} (Possible)"))
    if not layout:
        table.problems.append(Problem(N_("no \"(Earned)\" columns: only grades and enrolment are read from this "
                                         "file"), severity=WARNING))
    aggregator.layouts.append(layout)
    width = len(table.columns)
    # a missing Possible column reads as the empty field appended to every row
    earned_cells = _cells_of(earned)
    possible_cells = _cells_of([width if position is None else position for position in possible])
    scores = _ScoreCodes(table, PROBLEM_CODES, _problem_code)
    known = scores.known

    def codes_of(line, fields) -> bytes:
        fields.append("")
        try:  # every pair already known: all in C
            return bytes(map(known.get, zip(earned_cells(fields), possible_cells(fields), strict=True)))
        except TypeError:  # a value seen for the first time, or a problem
            pairs = list(zip(earned_cells(fields), possible_cells(fields), strict=True))
            return bytes(scores.codes(line, fields, pairs, earned))

    columns = [(_pair_cells(earned_at, possible_at), scores, earned_at)
               for earned_at, possible_at in zip(earned, possible, strict=True)]

    def codes_block(block) -> list[bytes] | None:
        return _codes_by_column(block, columns)

    _read_grade_rows(table, aggregator, run, username, grade, len(aggregator.layouts) - 1, codes_of, codes_block)


def _pair_cells(earned_at: int, possible_at: int | None):
    """A function of a block giving each row's ``(Earned, Possible)`` cells (Possible empty without its column)."""
    if possible_at is None:
        return lambda block: list(zip(block.column(earned_at), repeat("", len(block)), strict=True))
    return lambda block: list(zip(block.column(earned_at), block.column(possible_at), strict=True))


def _problem_code(table, line, fields, position, value) -> tuple[int, bool]:
    """A problem's ``(Earned, Possible)`` cells: points from 0 to those possible, "Not Attempted", "Not Available"."""
    earned, possible = value[0].strip(), value[1].strip()
    folded = earned.casefold()
    if not earned:
        return UNKNOWN, True
    if folded == NOT_ATTEMPTED:
        return NOT_STARTED, True
    if folded == NOT_AVAILABLE_TEXT:
        return NOT_AVAILABLE, True
    points = number(earned)
    if points is None:
        table.problem(line, N_("column \"{column}\" is neither a score nor \"Not Attempted\"; that value "
                               "was left out"), column=table.columns[position])
        return UNKNOWN, False
    maximum = number(possible) if possible else None
    if points >= 0 and (maximum is None or points <= maximum):
        return COMPLETED, True
    if maximum is None:
        table.problem(line, OUT_OF_RANGE, column=table.columns[position], low=0, high="∞")
    else:
        name = table.columns[position].strip()
        table.problem(line, OUT_OF_MAX, column=name, maximum=name[: -len("(Earned)")] + "(Possible)")
    return UNKNOWN, False


# ---------------------------------------------------------------------------------------------- responses


class _ResponseColumns:
    """Positions of the problem responses report's columns. A column the file lacks points at the empty
    field appended to every row, so that each row is read with plain indexing (this runs a million times)."""

    def __init__(self, table: CsvFile):
        self.empty = len(table.columns)
        self.username = _require(table, RESPONSES, "username")
        self.block_key = table.column("block_key", "block key")
        self.location = table.column("location")
        if self.block_key is None and self.location is None:
            _require(table, RESPONSES, "block_key")
        self.title, self.state = table.column("title"), table.column("state")
        names = (ATTEMPTS, BEST, MAX) + SCENARIO_COLUMNS + QUIZ_COLUMNS + RED_FLAGS_COLUMNS
        self.present = {name for name in names if table.column(name) is not None}
        position = {name: self.empty if table.column(name) is None else table.column(name) for name in names}
        self.position = position
        self.attempts, self.best, self.max = position[ATTEMPTS], position[BEST], position[MAX]
        self.completed, self.current_path = position["completed"], position["current path"]
        self.harmful_ids, self.harmful_labels = position["harmful choice ids"], position["harmful choices in last path"]
        self.missed_ids, self.missed_labels = position["missed ids"], position["missed indicators"]
        self.counts_harmful = bool({"harmful choice ids", "harmful choices in last path"} & self.present)
        self.counts_missed = bool({"missed ids", "missed indicators"} & self.present)
        self.counts_flags = bool({"missed ids", "missed red flags"} & self.present
                                 and set(RED_FLAGS_COLUMNS) & self.present)
        self.ours = any(name in self.present for name in SCENARIO_COLUMNS + QUIZ_COLUMNS + RED_FLAGS_COLUMNS)
        if not self.ours and self.state is None:
            raise UnusableFile(Problem(N_("neither the columns of our blocks' reports (for example \"Completed\", "
                                          "\"Missed ids\") nor \"state\" are in this file; the file was skipped")))
        self.pairs: dict[tuple[str, str], tuple] = {}
        if not self.ours:
            table.problems.append(Problem(N_("the columns of our blocks' reports are missing: progress is read "
                                             "from the learner state, and missed indicators and harmful choices "
                                             "cannot be counted"), severity=WARNING))

    def paired(self, ids: str, labels: str) -> tuple:
        """:func:`_paired`, remembered: learners miss the same few indicators and take the same few choices."""
        found = self.pairs.get((ids, labels))
        if found is None:
            found = tuple(_paired(ids, labels))
            if len(self.pairs) < 50_000:
                self.pairs[(ids, labels)] = found
        return found


def read_responses(table: CsvFile, aggregator: Aggregator, **_options) -> None:
    """The problem responses report: progress in each of our blocks, missed indicators, harmful choices."""
    _check_kind(table, "--responses")
    columns = _ResponseColumns(table)
    blocks = {}  # block key -> (kind, item, stats), so that each row costs a dictionary look-up
    fallback_run = Path(table.source).stem
    username_at, key_at = columns.username, columns.block_key if columns.block_key is not None else columns.empty
    counter = aggregator.learners_seen
    partitions = aggregator.partitions
    buffers, count, batch, flush = partitions.buffers, partitions.count, partitions.batch, partitions.flush
    for line, fields in table.rows():
        fields.append("")
        key = fields[key_at].strip()
        known = blocks.get(key)
        if known is None:
            known = blocks[key] = _response_block(aggregator, columns, fields, fallback_run)
        kind, item, stats = known
        if kind is None:
            kind = _kind_from_columns(columns, fields)
            if kind is None:
                aggregator.other_rows += 1
                continue
            kind, item, stats = _response_block(aggregator, columns, fields, fallback_run, kind)
        username = fields[username_at].strip()
        if not username:
            table.problem(line, N_("no username; the row was skipped"))
            table.rows_skipped += 1
            continue
        counter += 1
        learner = username.casefold()
        if learner == username:
            learner = username  # one string, written once
        number = hash(learner) % count  # Partitions.add, written out: this runs for every row
        buffer = buffers[number]
        buffer.append(_response_event(table, line, columns, fields, learner, username, kind, item, stats, counter))
        if len(buffer) >= batch:
            flush(number)
    aggregator.learners_seen = counter


def _kind_from_columns(columns: _ResponseColumns, fields) -> str | None:
    if any(fields[columns.position[name]].strip() for name in RED_FLAGS_COLUMNS):
        return RED_FLAGS
    if any(fields[columns.position[name]].strip() for name in QUIZ_COLUMNS):
        return QUIZ
    if any(fields[columns.position[name]].strip() for name in SCENARIO_COLUMNS):
        return SCENARIO
    return None


def _response_block(aggregator, columns, fields, fallback_run, kind=None):
    block_key = fields[columns.block_key].strip() if columns.block_key is not None else ""
    location = fields[columns.location].strip() if columns.location is not None else ""
    found, run, block_id = block_from_key(block_key, location)
    kind = kind or found
    run = run or fallback_run
    path = [part.strip() for part in location.split(PATH_SEPARATOR)] if location else []
    # location is "Course > Section > Subsection > Unit > Block": the section is the module. Every block's
    # location counts, ours or not: it places the grade reports' subsections and problems in their module.
    chapter = path[1] if len(path) >= 3 else ""
    subsection = path[2] if len(path) >= 4 else ""
    aggregator.note_location(run, subsection, chapter)
    if kind is None:
        return None, None, None
    title = _cell(fields, columns.title) or (path[-1] if path else block_id)
    item = aggregator.item(run, kind, block_key or location, title=title, subsection=subsection, chapter=chapter,
                           group=block_id)
    return kind, item, aggregator.block(kind, block_id or title, title)


def _response_event(table, line, columns, fields, key, username, kind, item, stats, order) -> tuple:
    """One learner in one of our blocks: ``(RESPONSE_EVENT, key, username, order, item, status, block, completed,
    best, max, pairs)``; the summary counts the block facts once per learner (see summary.replay)."""
    text = fields[columns.attempts]
    attempts = None
    if text:
        value = number(text)
        if value is None or value < 0:
            table.problem(line, N_("column \"{column}\" is not a number; that value was left out"),
                          column=table.columns[columns.attempts])
        else:
            attempts = int(value)
    state = _state(table, line, columns, fields) if attempts is None else None
    if state is not None:
        attempts = state.get("attempts") if isinstance(state.get("attempts"), int) else 0
    if kind == SCENARIO:
        completed = attempts > 0 or fields[columns.completed].strip().casefold() == "yes"
        under_way = bool(fields[columns.current_path].strip() or (state.get("path") if state else None))
        status = COMPLETED if completed else STARTED if under_way else NOT_STARTED
    else:
        completed = attempts > 0
        status = COMPLETED if completed else NOT_STARTED
    best = maximum = pairs = None
    if completed:
        best = _score(table, line, columns, fields, state, "best_points" if kind == SCENARIO else "best_earned")
        best, maximum = _score_in_range(table, line, columns, fields, best)
        if kind == SCENARIO and columns.counts_harmful:
            pairs = columns.paired(fields[columns.harmful_ids], fields[columns.harmful_labels])
        elif kind == QUIZ and columns.counts_missed:
            pairs = columns.paired(fields[columns.missed_ids], fields[columns.missed_labels])
        elif kind == RED_FLAGS and columns.counts_flags:
            pairs = _flag_tally(table, line, columns, fields)
    return (RESPONSE_EVENT, key, username, order, item.index, status, stats.index, completed, best, maximum, pairs)


def _flag_tally(table, line, columns, fields) -> tuple:
    """A red-flags answer as BlockStats.count takes it: ``(missed flags' (id, label) pairs, spotted, false
    alarms)``, from the block's report columns ("Missed ids" with "Missed red flags", "Spotted ids",
    "False alarm count")."""
    position = columns.position
    missed = columns.paired(fields[position["missed ids"]], fields[position["missed red flags"]])
    spotted_ids = fields[position["spotted ids"]].split()
    spotted = len(spotted_ids) if spotted_ids else len(
        [label for label in fields[position["spotted red flags"]].split(LIST_SEPARATOR) if label.strip()])
    text = fields[position["false alarm count"]].strip()
    alarms = number(text) if text else 0
    if alarms is None or alarms < 0 or alarms != int(alarms):
        table.problem(line, N_("column \"{column}\" is not a number; that value was left out"),
                      column=table.columns[position["false alarm count"]])
        alarms = 0
    return missed, spotted, int(alarms)


def _state(table, line, columns, fields) -> dict:
    text = _cell(fields, columns.state)
    if not text:
        return {}
    try:
        state = json.loads(text)
    except ValueError:
        table.problem(line, N_("the learner state is not valid JSON; it was left out"))
        return {}
    except RecursionError:  # the C parser's own limit: a state nested thousands deep is no state of ours
        table.problem(line, N_("the learner state is nested too deeply to be read; it was left out"))
        return {}
    return state if isinstance(state, dict) else {}


def _score(table, line, columns, fields, state, state_name) -> float | None:
    best = fields[columns.best].strip()
    if best:
        value = number(best)
        if value is None:
            table.problem(line, N_("column \"{column}\" is not a number; that value was left out"),
                          column=table.columns[columns.best])
        return value
    value = (state or {}).get(state_name)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _score_in_range(table, line, columns, fields, best) -> tuple[float | None, float | None]:
    """``(best, max)``, or ``(None, None)`` when either is out of range (reported): a score is never averaged
    outside 0–100 %."""
    text = fields[columns.max].strip()
    maximum = number(text) if text else None
    if text and (maximum is None or maximum <= 0):
        table.problem(line, N_("column \"{column}\" is not a number above 0; that value was left out"),
                      column=table.columns[columns.max])
        return None, None
    if best is not None and maximum is not None and not 0 <= best <= maximum:
        table.problem(line, OUT_OF_MAX, column=table.columns[columns.best] if columns.best < columns.empty
                      else "state", maximum=table.columns[columns.max])
        return None, None
    return best, maximum


def _paired(ids: str, labels: str) -> list[tuple[str, str]]:
    """``(key, label)`` pairs: ids (space separated) with the labels (`` | ``) when they line up, else labels."""
    id_list = ids.split()
    if not id_list:
        return [(label, label) for label in (part.strip() for part in labels.split(LIST_SEPARATOR)) if label]
    if len(id_list) == 1:  # a single label may itself contain " | "
        return [(id_list[0], labels.strip())]
    label_list = [label.strip() for label in labels.split(LIST_SEPARATOR)]
    if len(label_list) != len(id_list):  # ambiguous: another learner's row will name them
        label_list = [""] * len(id_list)
    return list(zip(id_list, label_list, strict=True))


# ---------------------------------------------------------------------------------------------- roster

ROSTER_COLUMNS = {
    "user": ("username", "user", "user name", "login", "email", "e-mail", "email address"),
    "organisation": ("organisation", "organization", "org", "agency", "employer", "institution"),
    "country": ("country",),
    "cohort": ("cohort", "group", "cohort name"),
    "training_date": ("training date", "date", "session date"),
    "name": ("name", "full name", "learner", "learner name"),
}


def read_roster(table: CsvFile, aggregator: Aggregator, roster_columns: dict | None = None, **_options) -> None:
    """The trainer's roster; matched to learners at the end, by username or email."""
    given = {field: name for field, name in (roster_columns or {}).items() if name}
    positions = {}
    for field, candidates in ROSTER_COLUMNS.items():
        if field in given:
            positions[field] = table.column(given[field])
            if positions[field] is None:
                raise UnusableFile(Problem(NOT_THIS_KIND[ROSTER], {"column": given[field]}))
        else:
            positions[field] = table.column(*candidates)
    if positions["user"] is None:
        _require(table, ROSTER, "username", "email")
    for line, fields in table.rows():
        values = {field: _cell(fields, position) for field, position in positions.items()}
        if not values["user"]:
            table.problem(line, N_("no username or email; the row was skipped"))
            table.rows_skipped += 1
            continue
        aggregator.roster.append(RosterEntry(line, table.source, **values))
        if "@" in values["user"]:
            aggregator.roster_emails.setdefault(values["user"].casefold(), None)


def route_roster(aggregator: Aggregator) -> None:
    """Give each roster entry to its learner, after every export was read: by username, or by email to the
    learner found with that email (a learner on the roster only is added, enrolled and not started)."""
    for number, entry in enumerate(aggregator.roster):
        user = entry.user.strip().casefold()
        key = (aggregator.roster_emails.get(user) or "@" + user) if "@" in user else user
        aggregator.event(key, (ROSTER_EVENT, key, number))


READERS = {GRADES: read_grades, PROBLEM_GRADES: read_problem_grades, RESPONSES: read_responses, ROSTER: read_roster}
