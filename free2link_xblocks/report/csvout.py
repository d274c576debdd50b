"""The report's tables as CSV files for spreadsheets (UTF-8 with a byte-order mark, so Excel reads
accents right). Shares and grades are percentages; text that a spreadsheet would run as a formula
(starting with ``=``, ``+``, ``-``, ``@``) is prefixed with ``'``."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from .tables import COUNT, GRADE, SHARE, STATUS, STATUS_KEYS, TEXT, Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_QUOTES = re.compile('[,"\r\n]')


def safe_text(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _value(value, kind: str, text: dict):
    if kind == STATUS:
        return text[STATUS_KEYS.get(value, "status_none")]
    if kind in (SHARE, GRADE):
        return "" if value is None else round(value * 100, 1)
    if kind == COUNT:
        return "" if value is None else value
    return safe_text(value)


def write_table(path: Path, table: Table, text: dict) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow([safe_text(f"{column} (%)" if kind in (SHARE, GRADE) else column)
                         for column, kind in zip(table.columns, table.kinds, strict=False)])
        if table.row_kinds:
            for index, row in enumerate(table.rows):
                kinds = [TEXT, table.row_kinds[index]]
                writer.writerow([_value(value, kind, text) for value, kind in zip(row, kinds, strict=False)])
            return
        if hasattr(table.rows, "csv_lines"):  # the learners' matrix: millions of rows, made as they are written
            for lines in table.rows.csv_lines({kind: _converter(kind, text) for kind in (TEXT, STATUS, GRADE)},
                                              csv_field):
                stream.write(lines)
            return
        convert = [_converter(kind, text) for kind in table.kinds]
        writer.writerows([function(value) for function, value in zip(convert, row, strict=False)]
                         for row in table.rows)


def csv_field(value) -> str:
    """``value`` as the csv module writes a field (its default dialect): quoted when it holds a comma, a quote or
    a line break, quotes doubled; numbers as ``str`` gives them."""
    text = value if isinstance(value, str) else str(value)
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def _converter(kind: str, text: dict):
    if kind == STATUS:
        labels = {status: text[key] for status, key in STATUS_KEYS.items()}
        return labels.__getitem__  # every status has its label (None: not in the learner's run)
    if kind in (SHARE, GRADE):
        return lambda value: "" if value is None else round(value * 100, 1)
    if kind == COUNT:
        return lambda value: "" if value is None else value
    return safe_text


def write_problems(path: Path, lines: list[str], text: dict) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow([safe_text(text["problems"])])
        writer.writerows([safe_text(line)] for line in lines)
