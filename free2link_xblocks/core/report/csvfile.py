"""Reading the CSV files a trainer downloads, as they really arrive: any encoding, any delimiter.

The Instructor Dashboard writes UTF-8 with commas, but a file opened and saved again in a
spreadsheet may come back with a byte-order mark, semicolons (the list separator in Italy, Greece
and Poland), Windows-1252, UTF-16 (Excel's "Unicode text") or a ``sep=;`` first line. The file
is read once to find its encoding, then streamed row by row; nothing is kept.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import operator
import re

from ..problems import N_, WARNING, Problem

CHUNK = 1 << 20
CHUNK_CHARACTERS = 1 << 18  # read at once while lines are plain
BLOCK_ROWS = 4096
DELIMITERS = (",", ";", "\t", "|")
# Learner states and long paths can exceed the csv module's default limit of 128 KiB a field.
FIELD_LIMIT = 64 << 20
_SPACES = re.compile(r"\s+")


class UnusableFile(Exception):  # noqa: N818 - it is a file, not an error of ours
    """A file that cannot be read at all; carries the :class:`Problem` that says why."""

    def __init__(self, problem: Problem):
        super().__init__(problem.template)
        self.problem = problem


def normalise(name: str) -> str:
    """A column name as it is matched: case and spacing do not matter."""
    return _SPACES.sub(" ", name.replace("\ufeff", "")).strip().casefold()


def _first_bad_line(path, encoding: str) -> int | None:
    """The line of the first byte ``encoding`` cannot decode, or None if the whole file decodes."""
    decoder = codecs.getincrementaldecoder(encoding)()
    lines_before = 0
    with open(path, "rb") as stream:
        while True:
            chunk = stream.read(CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                return lines_before + chunk.count(b"\n", 0, max(exc.start, 0)) + 1
            if not chunk:
                return None
            lines_before += chunk.count(b"\n")


def detect_encoding(path) -> tuple[str, Problem | None]:
    """The encoding to read ``path`` with, and a note when it is not UTF-8."""
    with open(path, "rb") as stream:
        head = stream.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not head.startswith(codecs.BOM_UTF32_LE):
        return "utf-16", None
    bad_line = _first_bad_line(path, "utf-8")
    if bad_line is None:
        return "utf-8-sig", None
    for encoding, name in (("cp1252", "Windows-1252"), ("latin-1", "Latin-1")):
        if encoding == "latin-1" or _first_bad_line(path, encoding) is None:
            return encoding, Problem(
                N_("the file is not UTF-8 (first at line {line}); it was read as {encoding}: "
                   "check that accented letters look right"),
                {"line": bad_line, "encoding": name}, severity=WARNING)
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def _plain_fields(chunk: str, delimiter: str, width: int) -> list[str] | None:
    """Every field of ``chunk`` (whole lines) in one list, a NUL after each line's fields, when the csv module
    would read each line as its delimited fields alone and each is as wide as the header: no quote, no NUL, every
    line ending the same (LF or CRLF); else None."""
    if '"' in chunk or "\0" in chunk:
        return None
    ending = "\r\n" if "\r" in chunk else "\n"
    if not chunk.endswith(ending):  # the last line, without its line ending
        chunk += ending
    text = chunk.replace(ending, delimiter + "\0" + delimiter)
    if "\r" in text or "\n" in text:  # a lone CR or LF: a line ending of another kind
        return None
    fields = text.split(delimiter)
    count = (len(fields) - 1) // (width + 1)
    # as wide as the header if every NUL is where it would then be (the first line's, then each next one's)
    if len(fields) != (width + 1) * count + 1 or fields[width::width + 1].count("\0") != count \
            or text.count("\0") != count:
        return None
    fields.pop()  # after the last NUL
    return fields


def _line_ending(chunk: str) -> str | None:
    """The line ending of ``chunk`` when the csv module would read each of its lines as its delimited fields alone
    (no quote, no NUL, every line ending the same: LF or CRLF), else None."""
    if '"' in chunk or "\0" in chunk:
        return None
    crlf = chunk.count("\r\n")
    if crlf:
        return "\r\n" if chunk.count("\r") == crlf and chunk.count("\n") == crlf else None
    return None if "\r" in chunk else "\n"


class Block:
    """Rows read at once, row ``i`` starting on line ``line + i``; read a column at a time (:meth:`column`), or row
    by row (:attr:`rows`). Plain lines are kept as one list of every field, each line's followed by a NUL marker,
    so that a column is a slice of it."""

    __slots__ = ("line", "width", "_flat", "_rows")

    def __init__(self, line: int, width: int, rows: list | None = None, flat: list | None = None):
        self.line, self.width, self._rows, self._flat = line, width, rows, flat

    def __len__(self) -> int:
        return len(self._rows) if self._rows is not None else len(self._flat) // (self.width + 1)

    def column(self, position: int) -> list:
        if self._rows is not None:
            return list(map(operator.itemgetter(position), self._rows))
        return self._flat[position::self.width + 1]

    @property
    def rows(self) -> list[list[str]]:
        if self._rows is None:
            flat, width = self._flat, self.width
            self._rows = [flat[start:start + width] for start in range(0, len(flat), width + 1)]
        return self._rows


def sniff_delimiter(header_line: str) -> str:
    """The delimiter that splits the header into the most columns (quotes respected); comma on a tie."""
    best, best_count = ",", 1
    for delimiter in DELIMITERS:
        count = len(next(csv.reader([header_line], delimiter=delimiter), []))
        if count > best_count:
            best, best_count = delimiter, count
    return best


class CsvFile:
    """One CSV file: its header, and its rows streamed with the line each one starts on.

    Use as a context manager. Lines that cannot be used are added to :attr:`problems` (with
    their line number) and skipped; reading goes on with the next line.
    """

    def __init__(self, path, label: str | None = None, problems=None):
        self.path = path
        self.source = label or str(path)
        self.problems = [] if problems is None else problems  # anything with append()
        self._stream = None
        self.columns: list[str] = []
        self.index: dict[str, int] = {}
        self.rows_read = 0
        self.rows_skipped = 0

    def __enter__(self):
        csv.field_size_limit(max(csv.field_size_limit(), FIELD_LIMIT))
        try:
            encoding, note = detect_encoding(self.path)
            self._stream = open(self.path, encoding=encoding, newline="")
        except OSError as exc:
            raise UnusableFile(Problem(N_("cannot read the file: {reason}"), {"reason": exc.strerror or str(exc)})) from exc
        if note:
            self.problems.append(note)
        self._line = 0
        first = self._next_line()
        match = re.fullmatch(r"\s*sep=(.)\s*", first or "")
        if match:  # Excel's hint line names the delimiter
            self.delimiter, first = match.group(1), self._next_line()
        else:
            self.delimiter = sniff_delimiter(first or "")
        if not (first or "").strip():
            self.close()
            raise UnusableFile(Problem(N_("the file is empty: no header line")))
        self._header_line = self._line
        self.columns = next(csv.reader([first], delimiter=self.delimiter))
        for position, name in enumerate(self.columns):
            self.index.setdefault(normalise(name), position)
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def _next_line(self) -> str | None:
        line = self._stream.readline()
        if line:
            self._line += 1
        return line or None

    def column(self, *names: str) -> int | None:
        """The position of the first of ``names`` the header has (matched case-insensitively)."""
        for name in names:
            position = self.index.get(normalise(name))
            if position is not None:
                return position
        return None

    def problem(self, line: int | None, template: str, **args) -> None:
        """Record what is wrong with ``line`` (None: the whole file). Never put a cell's value in ``args``."""
        self.problems.append(Problem(template, args, line=line))

    def rows(self):
        """Yield ``(line, fields)`` for every usable row; short rows are padded with empty fields."""
        for block in self.blocks():
            yield from zip(itertools.count(block.line), block.rows)

    def blocks(self, size: int | None = None):
        """Yield every usable row in :class:`Block` objects of up to ``size`` rows; short rows are padded with empty
        fields.

        Whole lines are read a chunk at a time and split on the delimiter, all in C, while they hold no quote, NUL
        or lone carriage return (what the LMS writes); from the first chunk that does, the csv module reads the
        rest of the file row by row."""
        size = size or BLOCK_ROWS
        stream, width, delimiter = self._stream, len(self.columns), self.delimiter
        before = self._header_line  # lines read so far
        while True:
            chunk = stream.read(CHUNK_CHARACTERS)
            if not chunk:
                return
            if not chunk.endswith("\n"):
                chunk += stream.readline()  # whole lines only
            flat = _plain_fields(chunk, delimiter, width)
            if flat is not None:  # the usual chunk
                count = len(flat) // (width + 1)
                self.rows_read += count
                step = (width + 1) * size
                for start in range(0, len(flat), step):
                    yield Block(before + 1 + start // (width + 1), width, flat=flat[start:start + step])
                before += count
                continue
            ending = _line_ending(chunk)
            if ending is None:
                yield from self._csv_blocks(itertools.chain(io.StringIO(chunk, newline=""), stream), before, size)
                return
            lines = chunk.split(ending)
            if not lines[-1]:
                lines.pop()  # after the last line ending
            yield from self._some_unusual([line.split(delimiter) for line in lines], before, size)
            before += len(lines)

    def _some_unusual(self, rows: list, before: int, size: int):
        """:meth:`blocks` of a chunk of single-line rows, some of them not as wide as the header."""
        block, first, width = [], before + 1, len(self.columns)
        for line, fields in enumerate(rows, start=before + 1):
            if len(fields) != width:
                if block:  # the rows before first, so that problems are found in the order of the lines
                    yield Block(first, width, rows=block)
                block, first = [], line
                fields = self._unusual(line, line, fields)
                if fields is None:
                    first = line + 1
                    continue
            self.rows_read += 1
            block.append(fields)
            if len(block) >= size:
                yield Block(first, width, rows=block)
                block, first = [], line + 1
        if block:
            yield Block(first, width, rows=block)

    def _csv_blocks(self, source, before: int, size: int):
        """:meth:`blocks` read by the csv module from ``source``, the lines after the first ``before``."""
        reader = csv.reader(source, delimiter=self.delimiter)
        width = len(self.columns)
        previous = before
        block, first = [], before + 1
        while True:
            try:
                for fields in reader:  # the usual row costs a comparison or two: this runs a million times
                    line, previous = previous + 1, before + reader.line_num
                    if len(fields) != width or line != previous:
                        if block:  # the rows before first, so that problems are found in the order of the lines
                            yield Block(first, width, rows=block)
                        block, first = [], line
                        fields = self._unusual(line, previous, fields)
                        if fields is None or line != previous:  # skipped, or over several lines: a block ends
                            first = previous + 1
                            if fields is not None:
                                self.rows_read += 1
                                yield Block(line, width, rows=[fields])
                            continue
                    self.rows_read += 1
                    block.append(fields)
                    if len(block) >= size:
                        yield Block(first, width, rows=block)
                        block, first = [], previous + 1
                if block:
                    yield Block(first, width, rows=block)
                return
            except csv.Error as exc:
                if block:
                    yield Block(first, width, rows=block)
                self.problem(previous + 1, N_("the line is not valid CSV ({reason}); it was skipped"), reason=str(exc))
                self.rows_skipped += 1
                previous = before + reader.line_num
                block, first = [], previous + 1

    def _unusual(self, line: int, last: int, fields: list) -> list | None:
        """A row not as wide as the header, or over several lines: padded, or skipped with a problem (None)."""
        width = len(self.columns)
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            return None
        if len(fields) > width and any(f.strip() for f in fields[width:]):
            self._skip_wide_row(line, last, len(fields), width)
            return None
        if len(fields) < width:
            if last > line or fields[-1].endswith(("\n", "\r")):  # still short after a newline: a lost quote
                self._skip_unclosed_quote(line, last)
                return None
            fields.extend([""] * (width - len(fields)))
        return fields

    def _skip_wide_row(self, line, last, count, width):
        if last > line:
            self._skip_unclosed_quote(line, last)
            return
        self.rows_skipped += 1
        self.problem(line, N_("{count} fields where the header has {expected}: a value may contain an unquoted "
                              "delimiter; the line was skipped"), count=count, expected=width)

    def _skip_unclosed_quote(self, line, last):
        self.rows_skipped += 1
        self.problem(line, N_("a quote opened on this line is not closed, joining lines {first} to {last} into one "
                              "row; they were skipped"), first=line, last=last)
