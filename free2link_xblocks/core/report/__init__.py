"""Completion and progress reports for trainers, from the Instructor Dashboard's CSV downloads.

Pure Python and standard library only. Files are streamed row by row (memory grows with the
number of learners, not of rows); a file or line that cannot be used is reported as
``file:line: what is wrong`` and everything else is kept.

    data = build_report([("grades", "grades.csv"), ("responses", "responses.csv")], pass_mark=0.6)
"""

from __future__ import annotations

from pathlib import Path

from ..problems import N_, Problem
from .csvfile import CsvFile, UnusableFile
from .model import Aggregator
from .readers import GRADES, PROBLEM_GRADES, RESPONSES, ROSTER, read_file
from .summary import ReportData, summarise

__all__ = ["GRADES", "PROBLEM_GRADES", "RESPONSES", "ROSTER", "ReportData", "build_report", "read_module_map"]


def build_report(inputs, pass_mark: float | None = None, modules: list[tuple[str, str]] | None = None,
                 roster_columns: dict | None = None) -> ReportData:
    """Read ``inputs`` (``(kind, path)`` pairs, any order) and summarise them."""
    aggregator = Aggregator()
    # the roster is matched to learners at the end, so the order of the files does not matter
    for kind, path in inputs:
        read_file(kind, path, aggregator, roster_columns=roster_columns)
    return summarise(aggregator, pass_mark=pass_mark, modules=modules)


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
