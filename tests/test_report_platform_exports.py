"""``free2link report`` on the Instructor Dashboard reports the real openedx-platform generated for learners who
played our blocks (tests/data/platform_exports/, written by the platform suite: scripts/platform-test with
F2L_PLATFORM_EXPORTS). The figures are checked against the files' own cells, not against the report's code."""

import csv
from pathlib import Path

from free2link_xblocks.cli import main

EXPORTS = Path(__file__).parent / "data" / "platform_exports"


def exports(kind: str) -> list:
    return sorted(p for p in EXPORTS.glob(f"*_{kind}_*.csv") if kind != "grade_report" or "_problem_" not in p.name)


def rows(path: Path) -> list:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_fixtures_are_the_platforms_own_four_runs():
    assert len(exports("grade_report")) == len(exports("problem_grade_report")) == len(exports("student_state")) == 4
    header = next(csv.reader(open(exports("student_state")[0], encoding="utf-8")))
    assert header[:3] == ["username", "title", "location"] and header[-2:] == ["block_key", "state"]


def test_free2link_report_reads_the_real_exports_as_they_are(tmp_path):
    args = []
    for kind, option in (("grade_report", "--grades"), ("problem_grade_report", "--problem-grades"),
                         ("student_state", "--responses")):
        for path in exports(kind):
            args += [option, str(path)]
    out = tmp_path / "report"
    assert main(["report", *args, "--out", str(out), "--identify"]) == 0
    learners = rows(out / "learners.csv")
    graded = [row for path in exports("grade_report") for row in rows(path)]
    assert len(learners) == len({row["Username"] for row in graded})
    page = (out / "report.html").read_text(encoding="utf-8")
    for row in graded:
        assert row["Username"] in page  # --identify: every learner of every run is on the page
    problems = (out / "problems.csv").read_text(encoding="utf-8-sig")
    assert "student_state" not in problems and "grade_report" not in problems, problems
