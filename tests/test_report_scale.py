"""The trainer report at scale (issue 19): learners wait on disk in partitions, so memory does not grow with
rows; the partitions change nothing in the report; the page caps the matrix, the CSV files have everything.

The 1,000,000-row figures are measured by benchmarks/report_bench.py, not here: these tests stay fast."""

import csv
import sys
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from free2link_xblocks.cli import main
from free2link_xblocks.core.report import build_report, csvfile, model, readers, summary
from free2link_xblocks.i18n import cli_translation
from free2link_xblocks.report import html, tables
from free2link_xblocks.report.cli import write_report
from free2link_xblocks.report.pseudonyms import Keyed, StreamedCodes, pseudonym_codes
from free2link_xblocks.report.text import report_text

from . import report_exports as rx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import report_exports_gen as gen  # noqa: E402


def rounded(value):
    """Sums of fractions added in another order differ in their last bits."""
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [rounded(v) for v in value]
    return value


def everything(report):
    """All a report says, as plain values."""
    return rounded({"learners": [tuple(row) for row in report.learners], "modules": report.modules, "funnel": report.funnel,
            "groups": {k: [vars(g) for g in v] for k, v in report.groups.items()},
            "blocks": [vars(b) for b in report.blocks], "missed": [vars(r) for r in report.missed],
            "harmful": [vars(r) for r in report.harmful], "figures": report.figures,
            "problems": [p.format(s) for s, p in report.problems], "unenrolled": report.unenrolled})


def test_the_partitions_change_nothing_in_the_report(tmp_path):
    cohort = rx.make_cohort(120, seed=41)
    inputs = []
    for language in ("it", "el", "pl", "en"):
        path = tmp_path / f"{rx.RUNS[language]}_grade_report_2026-04-01-1015.csv"
        rx.write_grade_report(path, [x for x in cohort if x.language == language])
        inputs.append(("grades", path))
    rx.write_problem_grade_report(tmp_path / "problem_grades.csv", cohort[::2])
    rx.write_responses(tmp_path / "responses.csv", cohort, extra_lines=["nobody,x,y\n"])
    rx.write_roster(tmp_path / "roster.csv", cohort[:90] + cohort[:3])  # three learners twice
    inputs += [("problem-grades", tmp_path / "problem_grades.csv"), ("responses", tmp_path / "responses.csv"),
               ("roster", tmp_path / "roster.csv")]
    one = everything(build_report(inputs, pass_mark=0.5, partitions=1))
    assert len(one["learners"]) == 120 and len([p for p in one["problems"] if "already on line" in p]) == 3
    for partitions in (2, 7, 64):
        assert everything(build_report(inputs, pass_mark=0.5, partitions=partitions)) == one


@pytest.mark.parametrize("repeat", ["", "row", "file"])
def test_grade_reports_read_in_order_make_the_same_report(tmp_path, monkeypatch, repeat):
    """Grade-type reports alone are read in order, one row a learner; a key that repeats (a row twice, a learner
    in two files) has them read again into partitions. Either way the report is the partitions' report."""
    cohort = rx.make_cohort(150, seed=43)
    inputs = []
    for language in ("it", "el", "pl", "en"):
        path = tmp_path / f"{rx.RUNS[language]}_grade_report_2026-04-01-1015.csv"
        rx.write_grade_report(path, [x for x in cohort if x.language == language])
        inputs.append(("grades", path))
    if repeat == "row":
        lines = inputs[1][1].read_text(encoding="utf-8").splitlines(keepends=True)
        inputs[1][1].write_text("".join(lines + lines[5:6]), encoding="utf-8")
    elif repeat == "file":
        rx.write_problem_grade_report(tmp_path / "problem_grades.csv", cohort[::3])
        inputs.append(("problem-grades", tmp_path / "problem_grades.csv"))
    ordered = build_report(inputs, pass_mark=0.5)
    assert isinstance(ordered.learners, summary.RowsInOrder) == (not repeat)
    partitioned = build_report(inputs, pass_mark=0.5, partitions=3, in_order=False)
    assert isinstance(partitioned.learners, summary.LearnerRows)
    assert everything(ordered) == everything(partitioned)
    assert len(ordered.learners) == 150 and ordered.figures["completed"] > 0
    monkeypatch.setattr(model, "KINDS_KEPT", 3)  # too many kinds of learners to keep: read again, into partitions
    again = build_report(inputs, pass_mark=0.5)
    assert isinstance(again.learners, summary.LearnerRows) and everything(again) == everything(partitioned)


def peak_aggregating(path, rows_per_partition=1000, in_order=False) -> int:
    rows = sum(1 for _line in open(path, encoding="utf-8")) - 1
    tracemalloc.start()
    try:
        report = build_report([("grades", path)], partitions=max(1, rows // rows_per_partition), in_order=in_order)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(report.learners) == rows
    report.close()
    return peak


@pytest.fixture
def small_buffers(monkeypatch):
    """The bounds of a million-row report, scaled to a test's few thousand rows."""
    monkeypatch.setattr(model, "BUFFERED", 256)
    monkeypatch.setattr(summary.LearnerRows, "ROWS_IN_MEMORY", 256)
    monkeypatch.setattr(csvfile, "CHUNK_CHARACTERS", 16_384)


def test_memory_does_not_grow_with_the_rows(tmp_path, small_buffers):
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    gen.write_grade_report(small, 4_000)
    gen.write_grade_report(large, 16_000)
    # four times the learners, about the same memory (a file and a few cached values more per partition)
    assert peak_aggregating(large) < peak_aggregating(small) * 1.5


def test_memory_does_not_grow_with_the_rows_read_in_order(tmp_path, small_buffers):
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    gen.write_grade_report(small, 4_000)
    gen.write_grade_report(large, 16_000)
    # four times the learners, about the same memory (and 8 bytes a row for the key hashes)
    assert peak_aggregating(large, in_order=True) < peak_aggregating(small, in_order=True) * 1.5


def test_without_partitions_memory_would_grow(tmp_path, small_buffers):
    """The measure above can fail: all learners in one partition take memory in proportion."""
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    gen.write_grade_report(small, 4_000)
    gen.write_grade_report(large, 16_000)
    assert peak_aggregating(large, rows_per_partition=10**9) > peak_aggregating(small, rows_per_partition=10**9) * 2.5


def test_streamed_pseudonyms_are_the_same_as_computed_whole():
    keys = [f"learner{n}" for n in range(5000)]
    parts = [keys[:1234], keys[1234:4000], keys[4000:]]
    codes = StreamedCodes(lambda: (key for part in parts for key in part), [len(p) for p in parts], b"salt")
    whole = pseudonym_codes(keys, b"salt")
    assert [codes.code(n, i, key) for n, part in enumerate(parts) for i, key in enumerate(part)] == \
        [whole[key] for key in keys]
    assert codes.digits == len(whole[keys[0]]) >= 6  # 5,000 learners need at least 6 hex digits


def test_the_page_caps_the_matrix_and_learners_csv_has_everyone(tmp_path, monkeypatch):
    monkeypatch.setattr(html, "MATRIX_SHOWN", 25)
    path = tmp_path / gen.file_name("grades", 60)
    gen.write_grade_report(path, 60)
    assert main(["report", "--grades", str(path), "--out", str(tmp_path / "out")]) == 0
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    matrix = page[page.index('id="learners-caption"'):]
    matrix = matrix[: matrix.index("</table>")]
    assert matrix.count("<tr>") == 1 + 25  # the header and the first 25 learners
    assert "The first 25 of 60 learners are shown" in page
    with open(tmp_path / "out" / "learners.csv", encoding="utf-8-sig", newline="") as stream:
        assert len(list(csv.DictReader(stream))) == 60


def test_problems_beyond_those_kept_in_memory_all_reach_problems_csv(tmp_path, monkeypatch):
    monkeypatch.setattr(model, "PROBLEMS_KEPT", 5)
    path = tmp_path / gen.file_name("grades", 30)
    gen.write_grade_report(path, 30)
    lines = path.read_text(encoding="utf-8").splitlines()
    for number in range(1, 13):  # twelve grades out of range
        cells = lines[number].split(",")
        cells[3] = "250"
        lines[number] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["report", "--grades", str(path), "--out", str(tmp_path / "out")]) == 0
    with open(tmp_path / "out" / "problems.csv", encoding="utf-8-sig", newline="") as stream:
        listed = [row[0] for row in csv.reader(stream)][1:]
    assert [line.split(":")[1] for line in listed] == [str(n + 1) for n in range(1, 13)]


@pytest.mark.parametrize("kind", ["grades", "problem-grades", "responses"])
def test_the_benchmark_exports_are_read_without_a_problem(tmp_path, kind):
    path = tmp_path / gen.file_name(kind, 300)
    gen.WRITERS[kind](path, 300)
    report = build_report([(kind, path)], partitions=3)
    assert list(report.problems) == [] and len(report.learners) == (300 if kind != "responses" else 20)
    assert len(report.modules) == (7 if kind != "responses" else 6)  # the blocks are in modules 2 to 7


_FIELD = st.one_of(st.sampled_from(["", "a", "Not Attempted", "0.5", " x ", 'say "hi"', "a,b", "two\nlines",
                                    "cr\rhere", "semi;colon"]), st.text(alphabet='ab,"\r\n; \x00', max_size=6))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_FIELD, min_size=1, max_size=5), max_size=12),
       ending=st.sampled_from(["\r\n", "\n", "\r", "mixed"]),
       quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_NONE]),
       chunk=st.integers(1, 40))
def test_rows_read_in_blocks_are_the_csv_modules_rows(tmp_path_factory, monkeypatch, rows, ending, quoting, chunk):
    """Plain lines are split in C, a chunk at a time: the rows, their lines and the problems are those of the csv
    module reading the whole file (written as the LMS or a careless hand writes it)."""
    path = tmp_path_factory.mktemp("blocks") / "file.csv"
    with open(path, "w", encoding="utf-8", newline="") as stream:
        stream.write("h1,h2,h3\r\n")
        for number, row in enumerate(rows):
            end = ("\r\n", "\n")[number % 2] if ending == "mixed" else ending
            try:
                csv.writer(stream, lineterminator=end, quoting=quoting, escapechar="\\").writerow(row)
            except csv.Error:  # QUOTE_NONE and a character it cannot write: written as is
                stream.write(",".join(row) + end)

    def read(in_c):
        with monkeypatch.context() as patch:
            if not in_c:
                patch.setattr(csvfile, "_plain_fields", lambda chunk, delimiter, width: None)
                patch.setattr(csvfile, "_line_ending", lambda chunk: None)
            patch.setattr(csvfile, "CHUNK_CHARACTERS", chunk)
            with csvfile.CsvFile(path) as table:
                found = [(line, list(fields)) for line, fields in table.rows()]
                return found, [(p.line, p.format("f")) for p in table.problems], table.rows_read, table.rows_skipped

    assert read(in_c=True) == read(in_c=False)


def test_blocks_of_rows_make_the_report_rows_one_by_one_make(tmp_path, monkeypatch):
    """Grade-type rows are read a block at a time when every value in the block is known or learnt without a
    problem; a problem anywhere sends its block row by row, and is named with its line, in the order of the lines."""
    for kind, grade in (("grades", 3), ("problem-grades", 4)):  # a bad grade, score, score, and an empty grade
        path = tmp_path / gen.file_name(kind, 5000)
        gen.WRITERS[kind](path, 5000)
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, column, value in ((7, grade, "lots"), (2600, grade + 1, "7"), (4999, grade + 3, "-1"),
                                      (3100, grade, "")):
            cells = lines[number].split(",")
            cells[column] = value
            lines[number] = ",".join(cells)
        path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
        monkeypatch.setattr(csvfile, "BLOCK_ROWS", 512)
        blocks = everything(build_report([(kind, path)], pass_mark=0.5))
        with monkeypatch.context() as patch:
            patch.setattr(readers._GradeRows, "block", lambda self, block, codes_block: False)
            one_by_one = everything(build_report([(kind, path)], pass_mark=0.5))
        assert blocks == one_by_one
        assert [int(problem.split(":")[1]) for problem in blocks["problems"]] == [8, 2601, 5000]


def test_pseudonyms_made_as_rows_are_read_are_those_made_from_the_keys(tmp_path):
    """Rows read in order have their pseudonyms' digests made as they are read (one sort tells repeated keys and
    the digits needed): learners.csv is the same as with the digests made from the keys afterwards."""
    path = tmp_path / gen.file_name("grades", 3000)
    gen.write_grade_report(path, 3000)
    text = report_text(cli_translation())
    written = []
    for digest in (Keyed(b"salt").prefixes, None):
        report = build_report([("grades", path)], key_digest=digest)
        assert isinstance(report.learners, summary.RowsInOrder) and report.learners.digest is digest
        write_report(report, tmp_path / "out", cli_translation(), b"salt", False, [])
        written.append((tmp_path / "out" / "learners.csv").read_bytes())
        report.close()
    assert written[0] == written[1] and written[0].count(b"\r\n") == 3001
    assert tables.Identities(build_report([("grades", path)], key_digest=Keyed(b"salt").prefixes), text, b"other",
                             False).codes.digits >= 6  # another salt's pseudonyms are made afresh
