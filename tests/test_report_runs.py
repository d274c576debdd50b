"""One trainer report over the language runs (issue 15): runs merge by structure, one report language, run ids
from the platform's file names and usage keys, completion over time; and the real platform exports
(tests/data/platform_exports/, written by openedx-platform) read as they are."""

import csv
import json
import shutil
from pathlib import Path

import pytest

from free2link_xblocks.cli import main
from free2link_xblocks.core.course import load_course
from free2link_xblocks.core.report import build_report
from free2link_xblocks.core.report.readers import block_from_key
from free2link_xblocks.course_tools import (
    SOURCE_FOLDER,
    catalogue_path,
    course_sources,
    read_catalogue,
    structure_map,
    translate_course,
)
from free2link_xblocks.report.course_structure import BUNDLED, bundled

from . import report_exports as rx

EXPORTS = Path(__file__).parent / "data" / "platform_exports"
LANGUAGES = ("el", "en", "it", "pl")


def platform_args(languages=LANGUAGES) -> list[str]:
    args = []
    for language in languages:
        for pattern, option in (("grade_report", "--grades"), ("problem_grade_report", "--problem-grades"),
                                ("student_state", "--responses")):
            for path in sorted(EXPORTS.glob(f"Free2Link_ETRAF101_2026_{language}_{pattern}_*.csv")):
                if pattern != "grade_report" or "_problem_" not in path.name:
                    args += [option, str(path)]
    return args


def table(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def cells(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def module_names(language: str) -> list[str]:
    return [m["name"] for run in bundled() if run["language"] == language for m in run["modules"]]


def test_the_fixtures_are_the_platforms_own_exports_of_the_four_runs():
    assert len(platform_args()) == 2 * 3 * 4
    grade_report = next(EXPORTS.glob("Free2Link_ETRAF101_2026_el_grade_report_*.csv"))
    header = next(csv.reader(open(grade_report, encoding="utf-8")))
    assert header[:4] == ["Student ID", "Email", "Username", "Grade"] and header[-1] == "Enrollment Status"


def test_the_real_exports_of_four_runs_give_one_column_per_module(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["report", *platform_args(), "--pass-mark", "60%", "--out", str(out), "--identify"]) == 0
    assert "Traceback" not in capsys.readouterr().err
    learners = table(out / "learners.csv")
    english = module_names("en")
    assert len(english) == 7
    assert [c for c in learners[0] if c in english] == english  # 7 module columns, not 28
    assert not [c for c in learners[0] if any(m in c for lang in ("el", "it", "pl") for m in module_names(lang))]
    usernames = {row["Username"] for lang in LANGUAGES
                 for row in cells(next(EXPORTS.glob(f"*_{lang}_grade_report_*.csv")))}
    assert {row["Username"] for row in learners} == usernames
    funnel = [row["Stage"] for row in table(out / "funnel.csv")]
    assert [stage for stage in funnel if stage.startswith("Completed: ")] == [f"Completed: {m}" for m in english]
    runs = {row["Course run"] for row in table(out / "by_run.csv")}
    assert runs == {f"Free2Link_ETRAF101_2026_{lang}" for lang in LANGUAGES}
    # the blocks of the four runs are one block each, named in the report's language
    blocks = table(out / "blocks.csv")
    played = {row["block_key"].rsplit("@", 1)[1] for lang in LANGUAGES
              for row in cells(next(EXPORTS.glob(f"*_{lang}_student_state_*.csv")))}
    titles = {b["id"]: b["name"] for run in bundled() if run["language"] == "en" for m in run["modules"]
              for b in m["blocks"]}
    assert sorted(row["Block"] for row in blocks) == sorted(titles[block] for block in played)
    assert "grade_report" not in (out / "problems.csv").read_text(encoding="utf-8-sig")


def test_module_completion_matches_the_files_cells(tmp_path):
    """Module 7 (the final case assessment) from the platform's own cells, per learner."""
    out = tmp_path / "out"
    assert main(["report", *platform_args(), "--out", str(out), "--identify"]) == 0
    final = module_names("en")[6]
    shown = {row["Username"]: row[final] for row in table(out / "learners.csv")}
    for lang in LANGUAGES:
        column = next(m for run in bundled() if run["language"] == lang for m in run["modules"]
                      if m["id"] == "m7_final")["subsections"][0]["format"]
        problems = cells(next(EXPORTS.glob(f"*_{lang}_problem_grade_report_*.csv")))
        responses = cells(next(EXPORTS.glob(f"*_{lang}_student_state_*.csv")))
        for row in cells(next(p for p in EXPORTS.glob(f"*_{lang}_grade_report_*.csv") if "_problem_" not in p.name)):
            user = row["Username"]
            earned = [v for k, v in next(p for p in problems if p["Username"] == user).items()
                      if k.endswith("(Earned)") and k.startswith(column)]
            played = [r for r in responses if r["username"] == user and "m7_" in r["block_key"]]
            blocks = {r["block_key"] for r in responses if "m7_" in r["block_key"]}
            done = (row[column] not in ("Not Attempted", "0.0", "0") and all(v != "Not Attempted" for v in earned)
                    and len({r["block_key"] for r in played if int(r["Attempts"] or 0) > 0}) == len(blocks))
            assert (shown[user] == "Completed") == done, (lang, user)


def test_one_report_language_names_the_modules_and_blocks(tmp_path):
    out = tmp_path / "out"
    assert main(["report", *platform_args(), "--lang", "el", "--out", str(out)]) == 0
    learners = table(out / "learners.csv")
    assert [c for c in learners[0] if c in module_names("el")] == module_names("el")
    greek = {b["name"] for run in bundled() if run["language"] == "el" for m in run["modules"] for b in m["blocks"]}
    assert {row["Block"] for row in table(out / "blocks.csv")} <= greek
    labels = {label for run in bundled() if run["language"] == "el" for m in run["modules"] for b in m["blocks"]
              for label in b.get("labels", {}).values()}
    missed = table(out / "missed_indicators.csv")
    assert missed and {row["Indicator"] for row in missed} <= labels  # named in Greek, whichever run missed them
    english = tmp_path / "en"
    assert main(["report", *platform_args(), "--out", str(english)]) == 0
    assert {row["Indicator"] for row in table(english / "missed_indicators.csv")}.isdisjoint(labels)
    assert main(["report", *platform_args(), "--lang", "fr", "--course", str(BUNDLED),
                 "--out", str(tmp_path / "fr")]) == 1


def built_structure(source: Path, language: str) -> dict:
    course = load_course(source / SOURCE_FOLDER, with_html=True)
    if language != "en":
        translate_course(course, read_catalogue(source, language), str(catalogue_path(source, language)))
    return structure_map(course, language)


def test_the_shipped_structure_is_what_the_build_writes():
    """free2link build writes the maps beside the tarballs; the copy in the package must be the same."""
    source = next(s for s in course_sources() if s.name == "e-trafficking-early-identification")
    shipped = {run["language"]: run for run in bundled()}
    for language in ("en", "it", "el", "pl"):
        assert built_structure(source, language) == shipped[language], language


def test_another_course_given_with_course(tmp_path):
    """A course of one run, imported as it is: its sections are the modules."""
    course = Path(__file__).parent / "data" / "mini-course"
    maps = tmp_path / "maps"
    maps.mkdir()
    for language in ("en", "el"):
        shutil.copy(BUNDLED, maps / f"copy-{language}.structure.json")
    # structure maps of a build folder, a course folder: both are read
    for given in (maps, course):
        assert main(["report", *platform_args(("en",)), "--course", str(given), "--out", str(tmp_path / "o")]) == 0
    (tmp_path / "junk.json").write_text('{"format": "something else"}', encoding="utf-8")
    assert main(["report", *platform_args(("en",)), "--course", str(tmp_path / "junk.json"),
                 "--out", str(tmp_path / "junk")]) == 1
    assert main(["report", *platform_args(("en",)), "--course", str(tmp_path / "missing"),
                 "--out", str(tmp_path / "missing-out")]) == 1
    assert not (tmp_path / "junk").exists() and not (tmp_path / "missing-out").exists()


def test_course_runs_come_from_usage_keys_and_the_platforms_file_names(tmp_path):
    assert block_from_key("block-v1:Free2Link+ETRAF101+2026_it+type@f2l_scenario+block@amira", "") == \
        ("scenario", "Free2Link_ETRAF101_2026_it", "amira")
    assert block_from_key("i4x://Org/Course/f2l_indicator_quiz/hostess", "") == ("quiz", "Org_Course", "hostess")
    assert block_from_key("block-v1:Free2Link+ETRAF101+2026_it+type@problem+block@q1", "")[0] is None
    cohort = rx.make_cohort(12, seed=5, languages=("it",))
    run = "Free2Link_ETRAF101_2026_it"
    rx.write_grade_report(tmp_path / f"{run}_grade_report_2026-04-01-1015.csv", cohort)
    rx.write_problem_grade_report(tmp_path / f"{run}_problem_grade_report_2026-04-01-1016.csv", cohort)
    with open(tmp_path / "state.csv", "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(rx.response_columns())
        writer.writerows(rx.response_rows(cohort, run_of=lambda _learner: run))
    report = build_report([("grades", tmp_path / f"{run}_grade_report_2026-04-01-1015.csv"),
                           ("problem-grades", tmp_path / f"{run}_problem_grade_report_2026-04-01-1016.csv"),
                           ("responses", tmp_path / "state.csv")])
    assert [group.label for group in report.groups["run"]] == [run]  # one run, not one per file


def test_completion_over_time_from_grade_reports_of_several_dates(tmp_path):
    cohort = rx.make_cohort(30, seed=17, languages=("it",))
    run = rx.RUNS["it"]
    later = [rx.LearnerTruth(**{**vars(x), "blocks": dict(x.blocks)}) for x in cohort]
    for learner in later[:10]:  # ten learners finish everything by the second date
        learner.blocks = {b.block_id: rx.BlockTruth(attempts=1, best=b.max_score) for b in rx.BLOCKS}
    rx.write_grade_report(tmp_path / f"{run}_grade_report_2026-03-01-0900.csv", cohort)
    rx.write_grade_report(tmp_path / f"{run}_grade_report_2026-04-01-0900.csv", later)
    out = tmp_path / "out"
    assert main(["report", "--grades", str(tmp_path / f"{run}_grade_report_2026-03-01-0900.csv"),
                 "--grades", str(tmp_path / f"{run}_grade_report_2026-04-01-0900.csv"), "--out", str(out)]) == 0
    rows = table(out / "completion_over_time.csv")
    assert [(row["Course run"], row["Date"], row["Learners"]) for row in rows] == [
        (run, "2026-03-01 09:00", "30"), (run, "2026-04-01 09:00", "30")]
    for row, truth in zip(rows, (cohort, later), strict=True):
        for module in rx.MODULES:
            done = sum(x.subsection_score(module) is not None for x in truth)
            assert float(row[f"{module.subsection} (%)"]) == pytest.approx(round(100 * done / 30, 1))
    page = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="timeline"' in page and 'id="timeline-chart-t"' in page
    # a single date: no table of dates
    assert main(["report", "--grades", str(tmp_path / f"{run}_grade_report_2026-03-01-0900.csv"),
                 "--out", str(tmp_path / "one")]) == 0
    assert not (tmp_path / "one" / "completion_over_time.csv").exists()


def test_the_bundled_structure_file_is_valid_json_of_four_runs():
    content = json.loads(BUNDLED.read_text(encoding="utf-8"))
    assert sorted(run["language"] for run in content["runs"]) == ["el", "en", "it", "pl"]
