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

import json
import re
from pathlib import Path

from ..problems import N_, WARNING, Problem
from .csvfile import CsvFile, UnusableFile
from .model import (
    BLOCK_TYPES,
    COMPLETED,
    NOT_AVAILABLE,
    NOT_STARTED,
    PROBLEM,
    QUIZ,
    SCENARIO,
    STARTED,
    SUBSECTION,
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
_REPORT_FILE = re.compile(r"^(?P<run>.+?)_(?:problem_grade_report|grade_report)_\d{4}-\d{2}-\d{2}-\d{4}")
_BLOCK_KEY = re.compile(r"^block-v1:(?P<org>[^+]+)\+(?P<course>[^+]+)\+(?P<run>[^+]+)\+type@(?P<type>[^+]+)"
                        r"\+block@(?P<id>.+)$")
_OLD_KEY = re.compile(r"^i4x://(?P<org>[^/]+)/(?P<course>[^/]+)/(?P<type>[^/]+)/(?P<id>[^/]+)")
PATH_SEPARATOR, LIST_SEPARATOR = " > ", " | "
OUT_OF_RANGE = N_("column \"{column}\" is outside {low} to {high}; that value was left out")
OUT_OF_MAX = N_("column \"{column}\" is outside 0 to the maximum in \"{maximum}\"; that value was left out")

# The columns our blocks' generate_report_data yield (see README "Reports").
ATTEMPTS, BEST, MAX = "attempts", "best score", "max score"
SCENARIO_COLUMNS = ("completed", "last path", "harmful choices in last path", "harmful choice ids", "current path",
                    "current step", "last outcome")
QUIZ_COLUMNS = ("last answer correct", "missed ids", "missed indicators", "ticked ids", "last score")

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


def block_from_key(block_key: str, location: str) -> tuple[str | None, str, str]:
    """``(kind, run, block id)`` from a usage key; kind is None for blocks that are not ours."""
    match = _BLOCK_KEY.match(block_key.strip()) or _OLD_KEY.match(block_key.strip())
    if match:
        parts = match.groupdict()
        run = "_".join(p for p in (parts["org"], parts["course"], parts.get("run")) if p)
        return BLOCK_TYPES.get(parts["type"]), run, parts["id"]
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
        with CsvFile(path, source) as table:
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
                aggregator.problems.extend((source, p) for p in table.problems)
    except UnusableFile as exc:
        summary.used = False
        aggregator.problems.append((source, exc.problem))
    return summary


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
    email, eligible = table.column("Email"), table.column("Certificate Eligible")
    status, cohort = table.column("Enrollment Status"), table.column("Cohort Name")
    run = run_from_file_name(Path(table.source))
    aggregator.runs.setdefault(run, None)
    subsections = _graded_columns(table, grade, run, aggregator)
    for line, fields, learner in _grade_rows(table, aggregator, run, username, email, grade, status):
        record = learner.run(run)
        if eligible is not None and fields[eligible].strip():
            record.eligible = (record.eligible or False) or fields[eligible].strip().casefold() in YES
        if cohort is not None and fields[cohort].strip():
            learner.cohort = fields[cohort].strip()
        for column in subsections:
            _read_subsection(table, aggregator, line, fields, learner, column, run)


def _read_subsection(table, aggregator, line, fields, learner, column, run) -> None:
    """One graded-subsection cell. A column named only by its type may be one added by hand: its item is made
    on its first score, and a value that is no score is left out without a word."""
    position, item, plain = column
    value = fields[position].strip()
    if not value:
        return
    score = None if value.casefold() == NOT_ATTEMPTED else number(value)
    if score is None and value.casefold() != NOT_ATTEMPTED:
        if not plain:
            table.problem(line, N_("column \"{column}\" is neither a score nor \"Not Attempted\"; that value was "
                                   "left out"), column=table.columns[position])
        return
    if score is not None and not 0 <= score <= 1:
        table.problem(line, OUT_OF_RANGE, column=table.columns[position], low=0, high=1)
        return
    if item is None:
        name = table.columns[position].strip()
        item = column[1] = aggregator.item(run, SUBSECTION, name, title=name, subsection=name)
    # a type with a single subsection has only its average: 0 there cannot be told from not attempted
    learner.mark(item, NOT_STARTED if score is None or (plain and score == 0) else COMPLETED)


def _graded_columns(table: CsvFile, grade: int, run: str, aggregator: Aggregator):
    """``[position, item, plain]`` for each graded-subsection column (between Grade and the tail); ``plain``
    columns (no "Type NN:" number) get their item on their first score."""
    columns = []
    for position in range(grade + 1, len(table.columns)):
        name = table.columns[position].strip()
        folded = name.casefold()
        if folded in GRADE_REPORT_TAIL or folded.startswith("experiment group ("):
            break
        if folded.endswith("(avg)") or not name:
            continue
        match = _SUBSECTION_COLUMN.match(name)
        item = aggregator.item(run, SUBSECTION, name, title=match.group("name"), subsection=match.group("name")) \
            if match else None
        columns.append([position, item, match is None])
    return columns


def _grade_rows(table, aggregator, run, username, email, grade, status):
    """(line, fields, learner) of every usable row of a grade-type report, with the learner's
    overall grade and enrolment status in this run already read."""
    for line, fields in table.rows():
        learner = _row_learner(table, aggregator, line, fields, username, email)
        if learner is None:
            continue
        record = learner.run(run)
        _read_grade(table, line, fields, grade, record)
        if status is not None and fields[status].strip():
            record.active = fields[status].strip().casefold() != "unenrolled"
        yield line, fields, learner


def _row_learner(table, aggregator, line, fields, username, email):
    name = fields[username].strip()
    mail = _cell(fields, email)
    if not name and not mail:
        table.problem(line, N_("no username; the row was skipped"))
        table.rows_skipped += 1
        return None
    return aggregator.learner(name, mail)


def _read_grade(table, line, fields, grade, record) -> None:
    text = fields[grade].strip()
    if not text:
        return
    value = fraction(text)
    if value is None:
        table.problem(line, N_("the grade is not a number between 0 and 1; it was left out"))
    elif record.grade is None or value > record.grade:
        record.grade = value


def read_problem_grades(table: CsvFile, aggregator: Aggregator, **_options) -> None:
    """The problem grade report: grade, enrolment, and each graded problem attempted or not."""
    _check_kind(table, "--problem-grades")
    username = _require(table, PROBLEM_GRADES, "Username")
    grade = _require(table, PROBLEM_GRADES, "Grade")
    email, status = table.column("Email"), table.column("Enrollment Status")
    run = run_from_file_name(Path(table.source))
    aggregator.runs.setdefault(run, None)
    problems = []
    for position, name in enumerate(table.columns):
        if name.strip().casefold().endswith(" (earned)"):
            label = name.strip()[: -len(" (Earned)")].strip()
            problems.append((position, aggregator.item(run, PROBLEM, label, title=label),
                             table.column(f"{label} (Possible)")))
    if not problems:
        table.problems.append(Problem(N_("no \"(Earned)\" columns: only grades and enrolment are read from this "
                                         "file"), severity=WARNING))
    for line, fields, learner in _grade_rows(table, aggregator, run, username, email, grade, status):
        for position, item, possible in problems:
            value = fields[position].strip().casefold()
            if not value:
                continue
            if value == NOT_ATTEMPTED:
                learner.mark(item, NOT_STARTED)
            elif value == NOT_AVAILABLE_TEXT:
                learner.mark(item, NOT_AVAILABLE)
            elif number(value) is None:
                table.problem(line, N_("column \"{column}\" is neither a score nor \"Not Attempted\"; that value "
                                       "was left out"), column=table.columns[position])
            elif _within_possible(table, line, fields, position, possible, number(value)):
                learner.mark(item, COMPLETED)


def _within_possible(table, line, fields, position, possible, earned) -> bool:
    """Earned points between 0 and the problem's possible points (when that column has a number)."""
    maximum = number(fields[possible].strip()) if possible is not None else None
    if earned >= 0 and (maximum is None or earned <= maximum):
        return True
    if maximum is None:
        table.problem(line, OUT_OF_RANGE, column=table.columns[position], low=0, high="∞")
    else:
        table.problem(line, OUT_OF_MAX, column=table.columns[position], maximum=table.columns[possible])
    return False


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
        self.present = {name for name in (ATTEMPTS, BEST, MAX) + SCENARIO_COLUMNS + QUIZ_COLUMNS
                        if table.column(name) is not None}
        position = {name: self.empty if table.column(name) is None else table.column(name)
                    for name in (ATTEMPTS, BEST, MAX) + SCENARIO_COLUMNS + QUIZ_COLUMNS}
        self.position = position
        self.attempts, self.best, self.max = position[ATTEMPTS], position[BEST], position[MAX]
        self.completed, self.current_path = position["completed"], position["current path"]
        self.harmful_ids, self.harmful_labels = position["harmful choice ids"], position["harmful choices in last path"]
        self.missed_ids, self.missed_labels = position["missed ids"], position["missed indicators"]
        self.counts_harmful = bool({"harmful choice ids", "harmful choices in last path"} & self.present)
        self.counts_missed = bool({"missed ids", "missed indicators"} & self.present)
        self.ours = any(name in self.present for name in SCENARIO_COLUMNS + QUIZ_COLUMNS)
        if not self.ours and self.state is None:
            raise UnusableFile(Problem(N_("neither the columns of our blocks' reports (for example \"Completed\", "
                                          "\"Missed ids\") nor \"state\" are in this file; the file was skipped")))
        if not self.ours:
            table.problems.append(Problem(N_("the columns of our blocks' reports are missing: progress is read "
                                             "from the learner state, and missed indicators and harmful choices "
                                             "cannot be counted"), severity=WARNING))


def read_responses(table: CsvFile, aggregator: Aggregator, **_options) -> None:
    """The problem responses report: progress in each of our blocks, missed indicators, harmful choices."""
    _check_kind(table, "--responses")
    columns = _ResponseColumns(table)
    blocks = {}  # block key -> (kind, item, stats), so that each row costs a dictionary look-up
    fallback_run = Path(table.source).stem
    username_at, key_at = columns.username, columns.block_key if columns.block_key is not None else columns.empty
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
        _response_row(table, line, columns, fields, aggregator.learner(username), kind, item, stats)


def _kind_from_columns(columns: _ResponseColumns, fields) -> str | None:
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
    if kind is None:
        return None, None, None
    run = run or fallback_run
    path = [part.strip() for part in location.split(PATH_SEPARATOR)] if location else []
    # location is "Course > Section > Subsection > Unit > Block": the section is the module
    chapter = path[1] if len(path) >= 3 else ""
    subsection = path[2] if len(path) >= 4 else ""
    aggregator.note_location(run, subsection, chapter)
    title = _cell(fields, columns.title) or (path[-1] if path else block_id)
    item = aggregator.item(run, kind, block_key or location, title=title, subsection=subsection, chapter=chapter,
                           group=block_id)
    return kind, item, aggregator.block(kind, block_id or title, title)


def _response_row(table, line, columns, fields, learner, kind, item, stats) -> None:
    """One learner in one of our blocks: progress, score, and (once per learner) missed or harmful."""
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
    learner.mark(item, status)
    facts = stats.index * 4
    if learner.count_once(facts):
        stats.opened += 1
    if not completed:
        return
    if learner.count_once(facts + 1):
        stats.completed += 1
        best = _score(table, line, columns, fields, state, "best_points" if kind == SCENARIO else "best_earned")
        stats.add_score(*_score_in_range(table, line, columns, fields, best))
    if kind == SCENARIO:
        if columns.counts_harmful and learner.count_once(facts + 2):
            stats.count(_paired(fields[columns.harmful_ids], fields[columns.harmful_labels]))
    elif columns.counts_missed and learner.count_once(facts + 2):
        stats.count(_paired(fields[columns.missed_ids], fields[columns.missed_labels]))


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


READERS = {GRADES: read_grades, PROBLEM_GRADES: read_problem_grades, RESPONSES: read_responses, ROSTER: read_roster}
