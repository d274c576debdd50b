"""Completion and progress reports for trainers, from the Instructor Dashboard's CSV downloads.

Pure Python and standard library only. Files are streamed row by row; what they say about each
learner waits on disk, so memory grows with the number of modules and blocks, not with learners or
rows (see model.py); a file or line that cannot be used is reported as
``file:line: what is wrong`` and everything else is kept.

    data = build_report([("grades", "grades.csv"), ("responses", "responses.csv")], pass_mark=0.6)
"""

from __future__ import annotations

import os
from pathlib import Path

from ..problems import N_, Problem
from .csvfile import CsvFile, UnusableFile
from .model import BYTES_PER_PARTITION, Aggregator
from .readers import (
    GRADES,
    PROBLEM_GRADES,
    RESPONSES,
    ROSTER,
    date_from_file_name,
    read_file,
    route_roster,
    run_from_file_name,
)
from .structure import applicable, module_mapping
from .summary import ReportData, summarise

MAX_PARTITIONS = 512  # open files while reading

__all__ = ["GRADES", "PROBLEM_GRADES", "RESPONSES", "ROSTER", "ReportData", "build_report", "read_module_map"]


def build_report(inputs, pass_mark: float | None = None, modules: list[tuple[str, str]] | None = None,
                 roster_columns: dict | None = None, partitions: int | None = None,
                 structures: list[dict] | None = None, language: str = "en", in_order: bool | None = None,
                 key_digest=None) -> ReportData:
    """Read ``inputs`` (``(kind, path)`` pairs, any order) and summarise them.

    ``structures`` are the structure maps of the course's runs (see structure.py): the runs of the exports
    merge by structure, with module and block names in ``language``; ``modules`` (the ``--modules`` file)
    comes first. What is read about learners waits on disk in ``partitions`` parts (by default one per 8 MB of
    input), so that memory does not grow with the number of learners or rows; grade-type reports alone are
    read ``in_order`` (by default), one row a learner, and read again into partitions if a key repeats (see
    model.py); ``key_digest`` is then the 64-bit digest of learner keys the pseudonyms use (see OrderedLearners)."""
    inputs = list(inputs)
    if in_order is None:
        in_order = all(kind in (GRADES, PROBLEM_GRADES) for kind, _path in inputs)
    aggregator = _read(inputs, partitions or _partitions_for(inputs), in_order, roster_columns, key_digest)
    if aggregator.ordered is not None:
        aggregator.ordered.finish()
        if aggregator.ordered.need_partitions():  # a learner of several rows: read again, into partitions
            aggregator.close()
            aggregator = _read(inputs, partitions or _partitions_for(inputs), False, roster_columns, None)
    pairs, titles, labels = module_mapping(applicable(structures or [], aggregator.runs), language)
    for (_kind, block_id), stats in aggregator.blocks.items():
        stats.title = titles.get(block_id, stats.title)
        stats.labels.update(labels.get(block_id, {}))  # choices and indicators named in the report's language
    return summarise(aggregator, pass_mark=pass_mark, modules=(modules or []) + pairs)


def _read(inputs, partitions: int, in_order: bool, roster_columns, key_digest) -> Aggregator:
    """Every file of ``inputs`` read into a new aggregator."""
    aggregator = Aggregator(partitions, in_order=in_order, key_digest=key_digest)
    aggregator.dated_runs = _dated_runs(inputs)
    # rosters first, so that their emails are matched to learners as the exports are read; their problems
    # and file summaries are then put in the order the files were given
    early = {}
    log = aggregator.problems
    for number, (kind, path) in enumerate(inputs):
        if kind == ROSTER:
            aggregator.problems = []
            read_file(kind, path, aggregator, roster_columns=roster_columns)
            early[number] = (aggregator.files.pop(), aggregator.problems)
    aggregator.problems = log
    for number, (kind, path) in enumerate(inputs):
        if number in early:
            aggregator.files.append(early[number][0])
            log.extend(early[number][1])
        else:
            read_file(kind, path, aggregator, roster_columns=roster_columns)
    route_roster(aggregator)
    return aggregator


def _dated_runs(inputs) -> set[str]:
    """The runs with grade reports of two or more dates (by their file names): only theirs are snapshotted for
    completion over time."""
    dates: dict[str, set] = {}
    for kind, path in inputs:
        date = date_from_file_name(Path(path)) if kind == GRADES else None
        if date:
            dates.setdefault(run_from_file_name(Path(path)), set()).add(date)
    return {run for run, found in dates.items() if len(found) > 1}


def _partitions_for(inputs) -> int:
    size = 0
    for _kind, path in inputs:
        try:
            size += os.stat(path).st_size
        except OSError:
            pass  # read_file names the file
    return max(1, min(MAX_PARTITIONS, size // BYTES_PER_PARTITION + 1))


def read_module_map(path) -> tuple[list[tuple[str, str]], list[tuple[str, Problem]]]:
    """The ``--modules`` file: columns ``item`` (a name as in the exports) and ``module``, in module order."""
    source = str(path)
    pairs, problems = [], []
    try:
        with CsvFile(Path(path), source) as table:
            item, module = table.column("item"), table.column("module")
            if item is None or module is None:
                raise UnusableFile(Problem(N_("the module map needs the columns \"item\" and \"module\"")))
            for line, fields in table.rows():
                name, target = fields[item].strip(), fields[module].strip()
                if name and target:
                    pairs.append((name, target))
                else:
                    table.problem(line, N_("an item or a module is missing; the line was skipped"))
            problems.extend((source, p) for p in table.problems)
    except UnusableFile as exc:
        problems.append((source, exc.problem))
    return pairs, problems
