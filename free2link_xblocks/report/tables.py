"""The report's tables, built once and written twice: in ``report.html`` and as CSV files.

Learners are identified only through :class:`Identities`, which gives pseudonyms unless the
trainer asked for ``--identify``; nothing else here reads a username, email or name.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field

from ..core.report.model import COMPLETED, NOT_STARTED, STARTED
from ..core.report.summary import TOP, GroupRow, LearnerRow, ReportData
from .pseudonyms import Keyed, StreamedCodes

TEXT, COUNT, SHARE, GRADE, STATUS = "text", "count", "share", "grade", "status"


@dataclass
class Table:
    """A table with a caption; the first column heads each row. ``kinds`` says how to show each column."""

    name: str  # CSV file stem and HTML id
    caption: str
    columns: list[str]
    kinds: list[str]
    rows: list[list] = field(default_factory=list)
    note: str = ""
    row_kinds: list | None = None  # when each row, not each column, has its own kind (the summary)


class Identities:
    """How learners are shown: a pseudonym, plus username, email and name with ``identify``."""

    def __init__(self, data: ReportData, text: dict, salt: bytes, identify: bool):
        self.identify = identify
        learners = data.learners
        known = None  # the digests made as the rows were read, if by this salt's pseudonyms
        keyed = getattr(getattr(learners, "digest", None), "__self__", None)
        if isinstance(keyed, Keyed) and keyed.salt == salt and learners.closest is not None:
            known = (learners.digests, learners.closest)
        self.codes = StreamedCodes(learners.keys, learners.partition_sizes(), salt, known)
        self.template = text["learner"]

    def label(self, partition: int, index: int, row) -> str:
        return self.template.format(code=self.codes.code(partition, index, row.key))

    def columns(self, text) -> list[str]:
        return [text["username"], text["email"], text["name"]] if self.identify else []

    def cells(self, row) -> list[str]:
        return [row.username, row.email, row.name] if self.identify else []


def build_tables(data: ReportData, text: dict, identities: Identities) -> dict[str, Table]:
    tables = {"summary": _summary(data, text), "funnel": _funnel(data, text)}
    for attribute, heading, column in (("organisation", "by_organisation", "organisation"),
                                       ("country", "by_country", "country"), ("cohort", "by_cohort", "cohort"),
                                       ("run", "by_run", "run")):
        if data.groups.get(attribute):
            tables[f"by_{attribute}"] = _groups(data.groups[attribute], text, heading, column, data.pass_rule)
    tables["learners"] = _learners(data, text, identities)
    if data.timeline:
        tables["completion_over_time"] = _timeline(data, text)
    tables["blocks"] = Table("blocks", text["blocks_caption"],
                             [text["block"], text["kind"], text["opened"], text["completed_by"], text["mean_score"]],
                             [TEXT, TEXT, COUNT, COUNT, SHARE],
                             [[b.title, text[b.kind], b.opened, b.completed, b.mean_score] for b in data.blocks])
    tables["missed_indicators"] = _ranked(data.missed, "missed_indicators", text["missed_caption"],
                                          [text["indicator"], text["quiz_column"], text["missed_by"],
                                           text["answered"], text["share"]], text)
    tables["harmful_choices"] = _ranked(data.harmful, "harmful_choices", text["harmful_caption"],
                                        [text["choice"], text["scenario_column"], text["taken_by"], text["finished"],
                                         text["share"]], text)
    if data.red_flags:
        tables.update(_red_flag_tables(data, text))
    return tables


def _red_flag_tables(data: ReportData, text: dict) -> dict[str, Table]:
    """Per red-flags exercise the class's means, and the red flags the class missed (only when there are any)."""
    def mean(value):
        return None if value is None else round(value, 1)

    exercises = Table("red_flags", text["red_flags_caption"],
                      [text["exercise"], text["answered"], text["mean_spotted"], text["mean_missed"],
                       text["mean_false_alarms"]], [TEXT, COUNT, COUNT, COUNT, COUNT],
                      [[row.title, row.answered, mean(row.spotted), mean(row.missed), mean(row.false_alarms)]
                       for row in data.red_flags])
    missed = _ranked(data.missed_flags, "missed_red_flags", text["missed_flags_caption"],
                     [text["red_flag"], text["exercise"], text["missed_by"], text["answered"], text["share"]], text)
    return {"red_flags": exercises, "missed_red_flags": missed}


def _summary(data: ReportData, text: dict) -> Table:
    figures = data.figures
    rows = [[text["enrolled"], figures["enrolled"], COUNT], [text["started"], figures["started"], COUNT],
            [text["completed"], figures["completed"], COUNT]]
    if figures["passed"] is not None:
        rows.append([text["passed"], figures["passed"], COUNT])
    if figures["mean_grade"] is not None:
        rows.append([text["mean_grade"], figures["mean_grade"], GRADE])
    rows.append([text["runs"], figures["runs"], COUNT])
    if data.unenrolled:
        rows.append([text["unenrolled"], data.unenrolled, COUNT])
    table = Table("summary", text["summary"], [text["figure"], text["value"]], [TEXT, COUNT])
    table.rows = [[label, value] for label, value, _kind in rows]
    table.row_kinds = [kind for _label, _value, kind in rows]
    return table


def stage_label(key: str, module: str, text: dict) -> str:
    return text["completed_module"].format(module=module) if key == "module" else text[key]


def _funnel(data: ReportData, text: dict) -> Table:
    enrolled = data.funnel[0][2] if data.funnel else 0
    return Table("funnel", text["funnel_caption"], [text["stage"], text["learners"], text["share_enrolled"]],
                 [TEXT, COUNT, SHARE],
                 [[stage_label(key, module, text), count, count / enrolled if enrolled else None]
                  for key, module, count in data.funnel])


def _groups(groups: list[GroupRow], text: dict, heading: str, column: str, pass_rule) -> Table:
    columns = [text[column], text["enrolled"], text["started"], text["completed"]]
    kinds = [TEXT, COUNT, COUNT, COUNT]
    if pass_rule:
        columns += [text["passed"], text["pass_rate"]]
        kinds += [COUNT, SHARE]
    columns.append(text["mean_grade"])
    kinds.append(GRADE)
    rows = []
    for group in groups:
        row = [group.label or text["not_in_roster"], group.enrolled, group.started, group.completed]
        if pass_rule:
            row += [group.passed, group.passed / group.enrolled if group.enrolled else None]
        rows.append(row + [group.mean_grade])
    return Table(heading, text[heading], columns, kinds, rows)


def _learners(data: ReportData, text: dict, identities: Identities) -> Table:
    columns = [text["learner_column"]] + identities.columns(text) + [text["organisation"], text["country"]] \
        + list(data.modules) + [text["grade"]] + ([text["passed"]] if data.pass_rule else [])
    kinds = [TEXT] * (3 + len(identities.columns(text))) + [STATUS] * len(data.modules) + [GRADE] \
        + ([TEXT] if data.pass_rule else [])
    return Table("learners", text["matrix_caption"], columns, kinds, _LearnerCells(data, text, identities))


class _LearnerCells:
    """The matrix's rows, made as they are written (learners can be millions), in the report's order."""

    def __init__(self, data: ReportData, text: dict, identities: Identities):
        self.data, self.text, self.identities = data, text, identities

    def __len__(self) -> int:
        return len(self.data.learners)

    def __iter__(self):
        text, identities, pass_rule = self.text, self.identities, self.data.pass_rule
        verdicts = {None: text["unknown"], True: text["yes"], False: text["no"]}
        for partition, index, row in self.data.learners.placed():
            cells = [identities.label(partition, index, row), *identities.cells(row), row.organisation, row.country,
                     *row.modules, row.grade]
            if pass_rule:
                cells.append(verdicts[row.passed])
            yield cells

    def csv_lines(self, convert: dict, field):
        """The rows as the CSV file's text, a block of lines at a time, with ``convert`` (kind -> function of a
        value) and ``field`` (a value as a CSV field, quoted where needed). Everything after the learner's own
        cells (organisation, country, module statuses, grade, verdict) repeats from learner to learner, so each
        such tail is made once (up to a bound), and a block of lines is joined in C."""
        text, identities, pass_rule = self.text, self.identities, self.data.pass_rule
        safe, status, grade = convert[TEXT], convert[STATUS], convert[GRADE]
        verdicts = {value: safe(label) for value, label in ((None, text["unknown"]), (True, text["yes"]),
                                                           (False, text["no"]))}
        tails: dict = {}
        label = _label_maker(identities.template, safe, field)
        # rows as they wait on disk (tuples in LearnerRow's order), read by position: no object a row
        key_of, shared_of = (operator.itemgetter(*(LearnerRow._fields.index(name) for name in names)) for names in (
            ("key",), ("organisation", "country", "modules", "grade", "passed")))

        def tail_of(shared) -> str:
            organisation, country, modules, value, passed = shared
            cells = [safe(organisation), safe(country), *map(status, modules), grade(value)]
            if pass_rule:
                cells.append(verdicts[passed])
            return "," + ",".join(map(field, cells)) + "\r\n"

        learners = self.data.learners
        if hasattr(learners, "kind_blocks") and not identities.identify:  # learners of a kind share their tail
            kind_tails = [tail_of(shared_of((None, None, None) + shared)) for shared in learners.shared]
            for indexes, kinds in learners.kind_blocks():
                heads = label(identities.codes.codes([0] * len(indexes), indexes, ()))
                yield "".join(map(operator.add, heads, map(kind_tails.__getitem__, kinds)))
            return
        for partitions, indexes, rows in learners.placed_blocks():
            shared = list(map(shared_of, rows))
            found = list(map(tails.get, shared))
            if None in found:
                for number, tail in enumerate(found):
                    if tail is None:
                        tail = found[number] = tails.get(shared[number])  # met earlier in the block
                    if tail is None:
                        made = found[number] = tail_of(shared[number])
                        if len(tails) < 100_000:
                            tails[shared[number]] = made
            heads = label(identities.codes.codes(partitions, indexes, map(key_of, rows)))
            if identities.identify:
                heads = [head + "," + ",".join(field(safe(cell)) for cell in identities.cells(LearnerRow(*row)))
                         for head, row in zip(heads, rows, strict=True)]
            yield "".join(map(operator.add, heads, found))


def _label_maker(template: str, safe, field):
    """A function of pseudonym codes giving the learners' labels as CSV fields: joined in C when the translated
    template needs neither the formula guard nor quotes around its code (hex digits never do), else in full."""
    head, marker, tail = template.partition("{code}")
    sample = template.format(code="0A")
    if marker and "{" not in head + tail and "}" not in head + tail and field(safe(sample)) == sample:
        return lambda codes: map((head + "{}" + tail).format, codes)
    return lambda codes: [field(safe(template.format(code=code))) for code in codes]


def _timeline(data: ReportData, text: dict) -> Table:
    """One row per grade report of a run with reports of several dates: the share who completed each module."""
    rows = [[run, date, learners, *[None if done is None or not learners else done / learners for done in completed]]
            for run, date, learners, completed in data.timeline]
    return Table("completion_over_time", text["timeline_caption"],
                 [text["run"], text["date"], text["learners"], *data.modules],
                 [TEXT, TEXT, COUNT] + [SHARE] * len(data.modules), rows)


def _ranked(ranked, name, caption, columns, text) -> Table:
    table = Table(name, caption, columns, [TEXT, TEXT, COUNT, COUNT, SHARE],
                  [[r.label, r.block, r.count, r.total, r.share] for r in ranked])
    if len(ranked) > TOP:
        table.note = text["top_note"].format(count=TOP, file=f"{name}.csv")
    return table


STATUS_KEYS = {COMPLETED: "status_completed", STARTED: "status_started", NOT_STARTED: "status_not_started",
               None: "status_none"}
