"""``free2link report`` on bad exports: values out of range, hostile learner states, empty files, and an output
folder that cannot take the report (issue 13)."""

import csv

import pytest

from free2link_xblocks.cli import main
from free2link_xblocks.core.report import build_report
from free2link_xblocks.core.report.model import COMPLETED

from . import report_exports as rx


def write_rows(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)


def responses_with(tmp_path, cohort, changes):
    """The cohort's responses report with ``changes`` ({row number: {column: value}}) applied."""
    columns = rx.response_columns()
    rows = [list(row) for row in rx.response_rows(cohort)]
    for number, values in changes.items():
        for column, value in values.items():
            rows[number][columns.index(column)] = value
    path = tmp_path / "responses.csv"
    write_rows(path, columns, rows)
    return path, rows


def finished_rows(cohort):
    """Numbers of the responses rows of finished attempts (they carry a best score)."""
    columns = rx.response_columns()
    return [n for n, row in enumerate(rx.response_rows(cohort)) if int(row[columns.index("Attempts")]) > 0]


@pytest.mark.parametrize("best, maximum", [("50", "3"), ("-5", "3"), ("1e308", "1e-308"), ("2", "0"), ("2", "-4")])
def test_a_best_score_out_of_range_is_reported_and_never_averaged(tmp_path, best, maximum):
    cohort = rx.make_cohort(30, seed=3)
    target = finished_rows(cohort)[0]
    path, rows = responses_with(tmp_path, cohort, {target: {"Best score": best, "Max score": maximum}})
    report = build_report([("responses", path)])
    messages = [p.format(source) for source, p in report.problems]
    assert len(messages) == 1 and messages[0].startswith(f"{path}:{target + 2}: column \"")
    assert "left out" in messages[0]
    assert all(b.mean_score is None or 0 <= b.mean_score <= 1 for b in report.blocks)
    # the same average as without the bad row's score: it was left out, the others kept
    columns = rx.response_columns()
    title = rows[target][columns.index("title")]
    scores = [float(r[columns.index("Best score")]) / float(r[columns.index("Max score")])
              for n, r in enumerate(rows) if r[columns.index("title")] == title and n != target
              and int(r[columns.index("Attempts")]) > 0]
    block = next(b for b in report.blocks if b.title == title)
    assert block.mean_score == pytest.approx(sum(scores) / len(scores))


def test_a_grade_report_cell_out_of_range_is_reported_and_left_out(tmp_path):
    cohort = rx.make_cohort(12, seed=4, languages=("it",))
    columns = rx.grade_report_columns()
    rows = [rx.grade_row(learner, n) for n, learner in enumerate(cohort)]
    first = columns.index("Module check 01: " + rx.MODULES[0].subsection)
    rows[2][first], rows[5][first] = "16.5", "-0.2"
    path = tmp_path / f"{rx.RUNS['it']}_grade_report_2026-04-01-1015.csv"
    write_rows(path, columns, rows)
    report = build_report([("grades", path)])
    messages = [p.format(source) for source, p in report.problems]
    assert messages == [f'{path}:{line}: column "{columns[first]}" is outside 0 to 1; that value was left out'
                        for line in (4, 7)]
    statuses = {r.username: r.modules[0] for r in report.learners}
    assert statuses[cohort[2].username] != COMPLETED and statuses[cohort[5].username] != COMPLETED


def test_a_problem_grade_above_its_possible_points_is_reported_and_left_out(tmp_path):
    cohort = [x for x in rx.make_cohort(20, seed=8) if x.done(rx.BLOCKS[0])][:3]
    path = tmp_path / "problem_grades.csv"
    rx.write_problem_grade_report(path, cohort)
    with open(path, newline="", encoding="utf-8") as stream:
        lines = list(csv.reader(stream))
    lines[1][5], lines[2][5] = "50", "-1"  # the first problem's Earned; its Possible is 4
    write_rows(path, lines[0], lines[1:])
    report = build_report([("problem-grades", path)])
    messages = [p.format(source) for source, p in report.problems]
    assert [m.split(": ", 1)[0] for m in messages] == [f"{path}:2", f"{path}:3"]
    assert all("left out" in m and "(Possible)" in m for m in messages)


def test_a_learner_state_nested_thousands_deep_is_a_problem_not_a_crash(tmp_path):
    columns = ["username", "title", "location", "block_key", "state"]
    key = rx.block_key(rx.RUNS["it"], rx.BLOCKS[0])
    deep = "[" * 3000 + "]" * 3000
    path = tmp_path / "responses.csv"
    write_rows(path, columns, [["maria", "A job offer", "C > M > S > U > B", key, '{"attempts": 1}'],
                               ["anna", "A job offer", "C > M > S > U > B", key, '{"path": ' + deep + "}"],
                               ["zofia", "A job offer", "C > M > S > U > B", key, deep]])
    report = build_report([("responses", path)])
    messages = [p.format(source) for source, p in report.problems if p.line]
    assert messages == [f"{path}:{line}: the learner state is nested too deeply to be read; it was left out"
                        for line in (3, 4)]
    assert len(report.learners) == 3


def test_a_file_with_only_its_header_is_named(tmp_path, capsys):
    path = tmp_path / f"{rx.RUNS['el']}_grade_report_2026-04-01-1015.csv"
    write_rows(path, rx.grade_report_columns(), [])
    assert main(["report", "--grades", str(path), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert f"{path}: the file has only its header line: there is no learner in it" in err
    assert "Nothing usable was found in the input" in err and not (tmp_path / "out").exists()


def exports(tmp_path):
    cohort = rx.make_cohort(20, seed=21)
    rx.write_responses(tmp_path / "responses.csv", cohort)
    rx.write_grade_report(tmp_path / f"{rx.RUNS['it']}_grade_report_2026-04-01-1015.csv", cohort)
    return ["--responses", str(tmp_path / "responses.csv"), "--grades",
            str(tmp_path / f"{rx.RUNS['it']}_grade_report_2026-04-01-1015.csv")]


def test_when_the_page_cannot_be_written_no_csv_file_is_left_behind(tmp_path, capsys):
    out = tmp_path / "out"
    (out / "report.html").mkdir(parents=True)  # the page's place is taken by a folder
    assert main(["report", *exports(tmp_path), "--out", str(out)]) == 1
    assert "Cannot write the report into" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["report.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["out", "responses.csv",
                                                                 f"{rx.RUNS['it']}_grade_report_2026-04-01-1015.csv"])


def test_a_failed_report_leaves_the_previous_one_whole(tmp_path):
    out = tmp_path / "out"
    assert main(["report", *exports(tmp_path), "--out", str(out), "--salt", "s"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (out / "problems.csv").unlink()
    (out / "problems.csv").mkdir()  # written after the matrix, it cannot be replaced; everything else could be
    del before["problems.csv"]
    assert main(["report", *exports(tmp_path), "--out", str(out), "--salt", "other"]) == 1
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before
    # and into a fresh folder the whole report arrives, with nothing left beside it
    assert main(["report", *exports(tmp_path), "--out", str(tmp_path / "fresh")]) == 0
    assert len(list((tmp_path / "fresh").iterdir())) == len(before) + 1
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
