"""``free2link report``: what it writes, its exit codes, pseudonyms that leak nothing, every label translated."""

import csv
import re
import subprocess
import sys

import pytest
from lxml import html as lxml_html

from free2link_xblocks.cli import main
from free2link_xblocks.core.report import build_report, summary
from free2link_xblocks.i18n import cli_translation
from free2link_xblocks.report import csvout, tables
from free2link_xblocks.report.cli import write_report
from free2link_xblocks.report.text import report_text

from . import report_exports as rx
from .test_blocks_i18n import PseudoTranslation


def exports(folder, cohort):
    runs = {}
    for learner in cohort:
        runs.setdefault(learner.language, []).append(learner)
    args = []
    for language, learners in runs.items():
        path = folder / f"{rx.RUNS[language]}_grade_report_2026-04-01-1015.csv"
        rx.write_grade_report(path, learners, delimiter=";" if language == "it" else ",", bom=True)
        args += ["--grades", str(path)]
    rx.write_problem_grade_report(folder / "problem_grades.csv", cohort)
    rx.write_responses(folder / "responses.csv", cohort, extra_lines=[",".join(["x"] * 40) + "\n"])
    rx.write_roster(folder / "roster.csv", cohort, columns=("E-mail address", "Agency", "Country", "Group", "When"))
    return args + ["--problem-grades", str(folder / "problem_grades.csv"), "--responses",
                   str(folder / "responses.csv"), "--roster", str(folder / "roster.csv"),
                   "--roster-user-column", "E-mail address", "--roster-org-column", "Agency"]


@pytest.fixture(scope="module")
def cohort():
    cohort = rx.make_cohort(80, seed=31)
    cohort[5].organisation = "=HYPERLINK(\"http://evil.example\")"  # spreadsheet formula in a roster cell
    return cohort


def everything_written(folder) -> str:
    return "\n".join(path.read_text(encoding="utf-8-sig") for path in sorted(folder.iterdir()))


def identifying_strings(cohort):
    for learner in cohort:
        yield from (learner.username, learner.email, learner.name, learner.email.split("@")[0])


def test_report_is_written_with_every_table_and_problems_on_stderr(tmp_path, cohort, capsys):
    out = tmp_path / "out"
    assert main(["report", *exports(tmp_path, cohort), "--out", str(out), "--salt", "s3cret"]) == 0
    err = capsys.readouterr().err
    assert f"{tmp_path / 'responses.csv'}:" in err and "40 fields where the header has" in err
    assert f"Report written to {out / 'report.html'}: 80 learners." in err
    assert sorted(p.name for p in out.iterdir()) == sorted([
        "report.html", "summary.csv", "funnel.csv", "by_organisation.csv", "by_country.csv", "by_cohort.csv",
        "by_run.csv", "learners.csv", "blocks.csv", "missed_indicators.csv", "harmful_choices.csv", "problems.csv"])
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<script" not in page and not re.search(r'(src|href)="(https?:)?//', page)  # nothing to fetch
    assert "=HYPERLINK(&quot;http://evil.example&quot;)" in page  # escaped
    assert page.count('role="img"') == 4 and page.count("<caption") >= 9
    with open(out / "learners.csv", encoding="utf-8-sig", newline="") as stream:
        learners = list(csv.DictReader(stream))
    assert len(learners) == 80 and all(re.fullmatch(r"Learner [0-9A-F]{4,}", row["Learner"]) for row in learners)
    assert "'=HYPERLINK" in (out / "by_organisation.csv").read_text(encoding="utf-8-sig")
    with open(out / "funnel.csv", encoding="utf-8-sig", newline="") as stream:
        funnel = {row["Stage"]: int(row["Learners"]) for row in csv.DictReader(stream)}
    assert funnel["Enrolled"] == 80 and funnel["Passed"] == sum(rx.eligible(x) for x in cohort)


def test_nothing_identifying_leaks_without_identify(tmp_path, cohort):
    out = tmp_path / "out"
    assert main(["report", *exports(tmp_path, cohort), "--out", str(out)]) == 0
    written = everything_written(out).casefold()
    leaks = [s for s in identifying_strings(cohort) if s.casefold() in written]
    assert leaks == []
    # and with --identify, they are there
    named = tmp_path / "named"
    assert main(["report", *exports(tmp_path, cohort), "--out", str(named), "--identify"]) == 0
    text = everything_written(named)
    assert all(learner.username in text and learner.email in text for learner in cohort)


def test_problem_messages_quote_no_learner(tmp_path, cohort, capsys):
    path = tmp_path / "responses.csv"
    rx.write_responses(path, cohort[:10], extra_lines=[
        ",".join([cohort[1].email] * 30) + "\n", f'{cohort[0].username},"{cohort[0].email},never closed\n'])
    (tmp_path / "roster.csv").write_text(f"{cohort[2].email},{cohort[2].name}\n", encoding="utf-8")
    assert main(["report", "--responses", str(path), "--roster", str(tmp_path / "roster.csv"),
                 "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert err.count(str(path)) == 2 and err.count("roster.csv") == 1
    shown = (err + everything_written(tmp_path / "out")).casefold()
    assert [s for s in identifying_strings(cohort) if s.casefold() in shown] == []


def test_the_same_salt_gives_the_same_pseudonyms_and_none_gives_new_ones(tmp_path, cohort):
    args = exports(tmp_path, cohort)

    def pseudonyms(name, *extra):
        assert main(["report", *args, "--out", str(tmp_path / name), *extra]) == 0
        with open(tmp_path / name / "learners.csv", encoding="utf-8-sig", newline="") as stream:
            return sorted(row["Learner"] for row in csv.DictReader(stream))

    first = pseudonyms("a", "--salt", "trainer-secret")
    assert pseudonyms("b", "--salt", "trainer-secret") == first
    assert pseudonyms("c") != first and pseudonyms("d") != pseudonyms("e")
    assert len(set(first)) == 80


def test_exit_1_when_nothing_is_usable_and_no_traceback(tmp_path, capsys):
    assert main(["report", "--out", str(tmp_path / "out")]) == 1
    assert "Nothing to report" in capsys.readouterr().err
    (tmp_path / "notes.csv").write_text("just,some\nnotes,here\n", encoding="utf-8")
    assert main(["report", "--grades", str(tmp_path / "notes.csv"), "--responses", str(tmp_path / "nope.csv"),
                 "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert f'{tmp_path / "notes.csv"}: this is not a grade report: it has no "Username" column' in err
    assert f"{tmp_path / 'nope.csv'}: cannot read the file" in err
    assert "Nothing usable was found in the input" in err and not (tmp_path / "out").exists()
    assert main(["report", "--grades", str(tmp_path / "notes.csv"), "--pass-mark", "lots",
                 "--out", str(tmp_path / "out")]) == 1
    assert "--pass-mark must be a fraction above 0 and at most 1" in capsys.readouterr().err


@pytest.mark.parametrize("given, accepted", [("0.6", 0.6), ("60%", 0.6), ("1", 1.0), ("100%", 1.0), ("0,75", 0.75),
                                             (" 5 % ", 0.05), ("1.5", None), ("150%", None), ("0", None),
                                             ("0%", None), ("-0.5", None), ("60", None), ("nan", None), ("", None)])
def test_the_pass_mark_is_a_fraction_or_a_percentage_and_nothing_else(tmp_path, capsys, given, accepted):
    cohort = rx.make_cohort(6, seed=3, languages=("it",))
    path = tmp_path / f"{rx.RUNS['it']}_grade_report_2026-04-01-1015.csv"
    rx.write_grade_report(path, cohort)
    code = main(["report", "--grades", str(path), "--pass-mark", given, "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    if accepted is None:
        assert code == 1 and f"“{given}” is neither" in err and not (tmp_path / "out").exists()
    else:
        assert code == 0
        page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
        assert f"a grade of at least {accepted * 100:.0f}%" in page


def test_an_unwritable_output_folder_is_a_message(tmp_path, cohort, capsys):
    (tmp_path / "taken").write_text("a file, not a folder")
    assert main(["report", *exports(tmp_path, cohort), "--out", str(tmp_path / "taken")]) == 1
    assert "Cannot write the report into" in capsys.readouterr().err


def test_the_console_command_runs(tmp_path, cohort):
    args = exports(tmp_path, cohort)
    result = subprocess.run([sys.executable, "-m", "free2link_xblocks.cli", "report", *args, "--pass-mark", "70%",
                             "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "a grade of at least 70%" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")


def test_every_label_of_the_page_is_translated(tmp_path, cohort):
    """Rendered with a pseudo-translation, the page holds no English but the data itself."""
    exports(tmp_path, cohort)
    data = build_report([("grades", p) for p in tmp_path.glob("*_grade_report_*")]
                        + [("responses", tmp_path / "responses.csv"), ("roster", tmp_path / "roster.csv")],
                        roster_columns={"user": "E-mail address", "organisation": "Agency"})
    write_report(data, tmp_path / "out", PseudoTranslation(), b"salt", False, ["file.csv:3: ⟦a problem⟧"])
    tree = lxml_html.fromstring((tmp_path / "out" / "report.html").read_bytes())
    for element in tree.xpath("//style"):
        element.drop_tree()
    data_strings = ({m.chapter for m in rx.MODULES} | {b.title for b in rx.BLOCKS} | set(rx.RUNS.values())
                    | {x.organisation for x in cohort} | {x.country for x in cohort} | {x.cohort for x in cohort}
                    | {label for b in rx.BLOCKS for _i, label in b.harmful + b.present}
                    | {str(p) for p in tmp_path.iterdir()} | {p.name for p in (tmp_path / "out").iterdir()}
                    | {"file.csv"})
    leftovers = []
    # (the bars' own labels may be shortened with "…"; the chart's title and desc carry them whole)
    for element in tree.iter("p", "li", "th", "td", "caption", "h1", "h2", "dt", "dd", "title", "desc", "a"):
        rest = element.text_content()
        while re.search(r"⟦[^⟦⟧]*⟧", rest):  # innermost first: a label may be placed inside another
            rest = re.sub(r"⟦[^⟦⟧]*⟧", "", rest)
        for known in sorted(data_strings, key=len, reverse=True):
            rest = rest.replace(known, "")
        if re.search(r"[A-Za-z]{2,}", rest):
            leftovers.append(rest)
    for element in tree.iter():
        for name in ("aria-label", "title", "alt"):
            if element.get(name) and not re.fullmatch(r"⟦[^⟧]*⟧", element.get(name)):
                leftovers.append(f"{name}={element.get(name)}")
    assert leftovers == []
    assert tree.get("lang") == "en"


@pytest.mark.parametrize("identify", [False, True])
@pytest.mark.parametrize("grades_alone", [False, True])
def test_learners_csv_is_what_the_csv_module_would_write(tmp_path, cohort, identify, grades_alone):
    """learners.csv is written as lines made from cached tails: byte for byte what csv.writer makes of the rows
    (quotes around commas and quotes, formulas guarded), whatever the roster holds; grade reports alone (read in
    order, a tail per kind of learner) too."""
    odd = [rx.LearnerTruth(**vars(learner)) for learner in cohort[:12]]
    odd[1].organisation, odd[2].organisation = 'Agency "North", Rome', "-1 + 2"
    odd[3].name, odd[4].country = "Ann, \"the\" trainer", "Line\nbreak"
    args = exports(tmp_path, odd)
    if grades_alone:
        args = [arg for option, path in zip(args[::2], args[1::2], strict=True) if option == "--grades"
                for arg in (option, path)]
    out = tmp_path / "out"
    assert main(["report", *args, "--out", str(out), "--salt", "s", *(["--identify"] if identify else [])]) == 0
    data = build_report([(kind.removeprefix("--"), path) for kind, path in
                         zip(args[::2], args[1::2], strict=False) if not kind.startswith("--roster-")],
                        pass_mark=None, roster_columns={"user": "E-mail address", "organisation": "Agency"})
    text = report_text(cli_translation())
    identities = tables.Identities(data, text, b"s", identify)
    table = tables.build_tables(data, text, identities)["learners"]
    convert = [csvout._converter(kind, text) for kind in table.kinds]
    expected = tmp_path / "expected.csv"
    with open(expected, "w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow([csvout.safe_text(column) + (" (%)" if kind == tables.GRADE else "")
                         for column, kind in zip(table.columns, table.kinds, strict=False)])
        writer.writerows([function(value) for function, value in zip(convert, row, strict=False)] for row in table.rows)
    data.close()
    assert (out / "learners.csv").read_bytes() == expected.read_bytes()
    assert grades_alone or b'"Agency ""North"", Rome"' in expected.read_bytes() and b"'-1 + 2" in expected.read_bytes()
    assert isinstance(data.learners, summary.RowsInOrder) == grades_alone
