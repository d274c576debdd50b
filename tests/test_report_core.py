"""The report's aggregation (core.report) on realistic Instructor Dashboard downloads.

Every expected figure is computed from the generated cohort's truth (tests/report_exports.py),
not through the report's code.
"""

import csv
import json

import pytest

from free2link_xblocks.core.report import build_report, read_module_map
from free2link_xblocks.core.report.model import COMPLETED, NOT_STARTED, STARTED

from . import report_exports as rx


def by_language(cohort):
    runs = {}
    for learner in cohort:
        runs.setdefault(learner.language, []).append(learner)
    return runs


def grade_file(folder, language):
    return folder / f"{rx.RUNS[language]}_grade_report_2026-04-01-1015.csv"


def write_all(folder, cohort, roster_size=None, **responses_options):
    """The four runs' grade reports (each saved differently), one responses report, a roster."""
    formats = {"it": dict(delimiter=";", bom=True), "el": dict(bom=True), "pl": dict(encoding="cp1252"),
               "en": dict(delimiter="\t", encoding="utf-16")}
    inputs = []
    for language, learners in by_language(cohort).items():
        rx.write_grade_report(grade_file(folder, language), learners, **formats[language])
        inputs.append(("grades", grade_file(folder, language)))
    rx.write_responses(folder / "responses.csv", cohort, **responses_options)
    rx.write_roster(folder / "roster.csv", cohort[: roster_size or len(cohort)])
    return inputs + [("responses", folder / "responses.csv"), ("roster", folder / "roster.csv")]


def seen_blocks(cohort):
    """Block ids each language run has in its responses report (a block nobody opened is not in it)."""
    seen = {}
    for learner in cohort:
        seen.setdefault(learner.language, set()).update(learner.blocks)
    return seen


def expected_module(learner, module, seen=None):
    """COMPLETED when every block of the module in the learner's run is done; None if the run has none."""
    blocks = [b for b in module.blocks if seen is None or b.block_id in seen[learner.language]]
    if not blocks:
        return None
    if all(learner.done(b) for b in blocks):
        return COMPLETED
    return STARTED if any(learner.touched(b) for b in blocks) else NOT_STARTED


def expected_ranking(cohort, kind, labelled, picked):
    """{(block title, label): (learners who picked it, learners who finished the block)} from the truth."""
    counts, finished = {}, {}
    for block in rx.BLOCKS:
        if block.kind != kind:
            continue
        labels = dict(getattr(block, labelled))
        for learner in cohort:
            if learner.done(block):
                finished[block.title] = finished.get(block.title, 0) + 1
                for key in getattr(learner.blocks[block.block_id], picked):
                    entry = (block.title, labels[key])
                    counts[entry] = counts.get(entry, 0) + 1
    return {key: (count, finished[key[0]]) for key, count in counts.items()}


def expected_missed(cohort):
    return expected_ranking(cohort, "f2l_indicator_quiz", "present", "missed")


def expected_harmful(cohort):
    return expected_ranking(cohort, "f2l_scenario", "harmful", "harmful")


@pytest.fixture(scope="module")
def cohort():
    return rx.make_cohort(200, seed=11)


@pytest.fixture(scope="module")
def report(cohort, tmp_path_factory):
    return build_report(write_all(tmp_path_factory.mktemp("exports"), cohort, roster_size=150))


def test_the_funnel_matches_the_truth(cohort, report):
    seen = seen_blocks(cohort)
    assert all(len(blocks) == len(rx.BLOCKS) for blocks in seen.values())  # so every block counts everywhere
    started = sum(any(learner.touched(b) for b in rx.BLOCKS) for learner in cohort)
    modules = [sum(expected_module(learner, m) == COMPLETED for learner in cohort) for m in rx.MODULES]
    everything = sum(all(expected_module(learner, m) == COMPLETED for m in rx.MODULES) for learner in cohort)
    passed = sum(rx.eligible(learner) for learner in cohort)
    assert report.modules == [m.chapter for m in rx.MODULES]
    assert report.funnel == ([("enrolled", "", 200), ("started", "", started)]
                             + [("module", m.chapter, n) for m, n in zip(rx.MODULES, modules, strict=True)]
                             + [("completed", "", everything), ("passed", "", passed)])
    assert 0 < everything < started < 200 and 0 < passed  # the cohort exercises every stage
    assert report.unenrolled == sum(not learner.active for learner in cohort)
    mean = sum(learner.grade for learner in cohort) / len(cohort)
    assert report.figures["mean_grade"] == pytest.approx(mean, abs=1e-6)


def test_each_learner_has_the_right_status_in_each_module(cohort, report):
    rows = {row.username: row for row in report.learners}
    assert len(rows) == 200
    for learner in cohort:
        row = rows[learner.username]
        assert row.modules == [expected_module(learner, m) for m in rx.MODULES], learner.username
        assert row.passed == rx.eligible(learner)
        assert row.grade == pytest.approx(learner.grade)
        assert row.email == learner.email


def test_organisations_countries_and_runs(cohort, report):
    on_roster = cohort[:150]
    expected = {}
    for learner in on_roster:
        group = expected.setdefault(learner.organisation, [0, 0, 0])
        group[0] += 1
        group[1] += any(learner.touched(b) for b in rx.BLOCKS)
        group[2] += rx.eligible(learner)
    found = {g.label: [g.enrolled, g.started, g.passed] for g in report.groups["organisation"]}
    assert found.pop("") == [50, sum(any(x.touched(b) for b in rx.BLOCKS) for x in cohort[150:]),
                             sum(rx.eligible(x) for x in cohort[150:])]
    assert found == expected
    countries = {g.label: g.enrolled for g in report.groups["country"]}
    assert countries["Greece"] == sum(x.country == "Greece" for x in on_roster)
    assert {g.label: g.enrolled for g in report.groups["run"]} == {rx.RUNS[lang]: 50 for lang in rx.RUNS}
    # the cohort name comes from the roster, or from the grade report's Cohort Name (read in cp1252 and UTF-16 too)
    assert {g.label for g in report.groups["cohort"]} == {f"Cohort {n} – Città" for n in (1, 2, 3)}


def test_indicators_missed_and_harmful_choices_are_counted_once_per_learner(cohort, report):
    assert {(r.block, r.label): (r.count, r.total) for r in report.missed} == expected_missed(cohort)
    # labels containing " | " are kept whole thanks to the ids column
    assert {(r.block, r.label): (r.count, r.total) for r in report.harmful} == expected_harmful(cohort)
    shares = [r.share for r in report.missed]
    assert shares == sorted(shares, reverse=True)


def test_only_the_encoding_note_is_a_problem(report):
    messages = [p.format(source) for source, p in report.problems]
    assert len(messages) == 1 and "PL_2026_grade_report" in messages[0], messages
    assert "not UTF-8 (first at line 2); it was read as Windows-1252" in messages[0]


def test_the_same_learner_in_two_runs_is_one_learner(tmp_path):
    cohort = rx.make_cohort(12, seed=3, languages=("it",))
    done = {b.block_id: rx.BlockTruth(attempts=1, best=b.max_score, harmful=[h for h, _l in b.harmful[:1]])
            for b in rx.BLOCKS}
    mover, switcher = cohort[0], cohort[1]
    mover.blocks = dict(done)  # did everything in both runs: counted once
    switcher_en = rx.LearnerTruth(**{**switcher.__dict__, "blocks": dict(done), "language": "en"})
    switcher.blocks = {}  # enrolled in IT without starting, then did everything in EN
    rx.write_grade_report(grade_file(tmp_path, "it"), cohort)
    rx.write_grade_report(grade_file(tmp_path, "en"), [mover, switcher_en])
    rows = list(rx.response_rows(cohort)) + list(rx.response_rows([mover, switcher_en],
                                                                  run_of=lambda _x: rx.RUNS["en"]))
    with open(tmp_path / "responses.csv", "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(rx.response_columns())
        writer.writerows(rows)
    report = build_report([("grades", grade_file(tmp_path, "it")), ("grades", grade_file(tmp_path, "en")),
                           ("responses", tmp_path / "responses.csv")])
    assert len(report.learners) == 12
    rows = {r.username: r for r in report.learners}
    for learner in (mover, switcher):
        row = rows[learner.username]
        assert set(row.runs) == {rx.RUNS["it"], rx.RUNS["en"]}
        assert row.modules == [COMPLETED] * 3 and row.completed and row.passed
    truth = [mover, switcher_en] + cohort[2:]
    assert {(r.block, r.label): (r.count, r.total) for r in report.harmful} == expected_harmful(truth)
    assert {(r.block, r.label): (r.count, r.total) for r in report.missed} == expected_missed(truth)
    blocks = {b.title: b for b in report.blocks}
    assert blocks["A job offer on Instagram"].completed == sum(x.done(rx.BLOCKS[0]) for x in truth)
    assert {g.label: g.enrolled for g in report.groups["run"]} == {rx.RUNS["it"]: 12, rx.RUNS["en"]: 2}


def test_bad_lines_are_reported_with_file_and_line_and_the_rest_is_kept(tmp_path):
    cohort = rx.make_cohort(30, seed=5)
    columns = rx.response_columns()
    good = list(rx.response_rows(cohort))
    no_name = list(good[0])
    no_name[0] = ""
    bad_attempts = list(good[1])
    bad_attempts[columns.index("Attempts")] = "many"
    lines = [columns, good[0], no_name, bad_attempts] + good[2:]
    path = tmp_path / "responses.csv"
    with open(path, "w", newline="", encoding="utf-8") as stream:
        csv.writer(stream).writerows(lines)
        stream.write(",".join(["x"] * 36) + "\n")  # too many fields
        stream.write('maria,"an unclosed quote,swallowing\nthe,rest\n')
    report = build_report([("responses", path)])
    messages = [p.format(source) for source, p in report.problems]
    last = len(lines) + 1
    assert messages == [
        f"{path}:3: no username; the row was skipped",
        f'{path}:4: column "Attempts" is not a number; that value was left out',
        f"{path}:{last}: 36 fields where the header has {len(columns)}: a value may contain an unquoted delimiter; "
        "the line was skipped",
        f"{path}:{last + 1}: a quote opened on this line is not closed, joining lines {last + 1} to {last + 2} "
        "into one row; they were skipped",
    ]
    # the row with the bad Attempts value still counts, from its learner state
    started = sum(any(x.touched(b) for b in rx.BLOCKS) for x in cohort)
    assert dict((k, n) for k, _m, n in report.funnel)["started"] == started
    assert report.files[0].rows_skipped == 3
    assert all(cohort_learner.email not in " ".join(messages) for cohort_learner in cohort)


def test_partly_filled_rows_and_missing_optional_columns(tmp_path):
    cohort = rx.make_cohort(10, seed=9, languages=("it",))
    path = grade_file(tmp_path, "it")
    columns = rx.grade_report_columns()
    keep = ["Student ID", "Email", "Username", "Grade"] + [c for c in columns if c.startswith("Module check 0")]
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(keep + ["Notes added by hand"])
        for number, learner in enumerate(cohort):
            row = dict(zip(columns, rx.grade_row(learner, number), strict=True))
            cells = [row[c] for c in keep]
            writer.writerow(cells[:4] if number == 0 else cells + ["x"])  # the first row stops after Grade
    report = build_report([("grades", path)], pass_mark=0.5)
    assert report.problems == [] and report.pass_rule == "mark"
    assert sum(1 for r in report.learners if r.passed) == sum(x.grade >= 0.5 for x in cohort)
    # without sections (no responses report), each graded subsection is a module
    assert report.modules == [m.subsection for m in rx.MODULES]
    first = next(r for r in report.learners if r.username == cohort[0].username)
    assert first.modules == [NOT_STARTED] * 3 and first.grade == pytest.approx(cohort[0].grade)
    others = {r.username: r for r in report.learners}
    for learner in cohort[1:]:
        assert others[learner.username].modules == [
            COMPLETED if learner.subsection_score(m) is not None else NOT_STARTED for m in rx.MODULES]
    # no certificate column and no pass mark: passing is unknown, not "no"
    assert build_report([("grades", path)]).pass_rule is None


def test_progress_comes_from_the_learner_state_when_our_columns_are_missing(tmp_path):
    cohort = rx.make_cohort(40, seed=13)
    columns = rx.response_columns()
    keep = [columns.index(c) for c in ("username", "title", "location", "block_key", "state")]
    path = tmp_path / "responses.csv"
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow([columns[i] for i in keep])
        writer.writerows([row[i] for i in keep] for row in rx.response_rows(cohort))
        writer.writerow(["someone", "A job offer", "C > M > S > U > B", rx.block_key(rx.RUNS["it"], rx.BLOCKS[0]),
                         "{not json"])
    report = build_report([("responses", path)])
    rows = {r.username: r for r in report.learners}
    seen = seen_blocks(cohort)
    for learner in cohort:
        if learner.blocks:
            assert rows[learner.username].modules == [expected_module(learner, m, seen) for m in rx.MODULES]
    messages = [p.format(source) for source, p in report.problems]
    assert messages[0].endswith("missed indicators and harmful choices cannot be counted")
    assert messages[1] == f"{path}:{len(list(rx.response_rows(cohort))) + 2}: the learner state is not valid JSON; " \
                          "it was left out"
    assert report.missed == [] and report.harmful == []


def test_problem_grade_report_places_problems_in_the_sections_of_the_responses_report(tmp_path):
    cohort = rx.make_cohort(60, seed=17, languages=("el",))
    rx.write_problem_grade_report(tmp_path / "pg.csv", cohort, delimiter=";")
    rx.write_responses(tmp_path / "responses.csv", cohort)
    report = build_report([("problem-grades", tmp_path / "pg.csv"), ("responses", tmp_path / "responses.csv")])
    assert report.modules == [m.chapter for m in rx.MODULES]
    rows = {r.username: r for r in report.learners}
    for learner in cohort:
        assert rows[learner.username].modules == [expected_module(learner, m, seen_blocks(cohort))
                                                  for m in rx.MODULES]


def test_a_module_map_names_and_orders_the_modules(tmp_path):
    cohort = rx.make_cohort(20, seed=19, languages=("pl",))
    rx.write_grade_report(grade_file(tmp_path, "pl"), cohort)
    with open(tmp_path / "modules.csv", "w", encoding="utf-8") as stream:
        stream.write("item;module\nCheck 3: Referral;Referral\nCheck 1: Recognise the signs;Signs\n"
                     "Check 2: Recruitment;Signs\n;missing item\n")
    mapping, problems = read_module_map(tmp_path / "modules.csv")
    assert mapping[0] == ("Check 3: Referral", "Referral")
    assert [p.format(source) for source, p in problems] == [
        f"{tmp_path / 'modules.csv'}:5: an item or a module is missing; the line was skipped"]
    report = build_report([("grades", grade_file(tmp_path, "pl"))], modules=mapping)
    assert report.modules == ["Referral", "Signs"]
    rows = {r.username: r for r in report.learners}
    for learner in cohort:
        signs = [learner.subsection_score(m) is not None for m in rx.MODULES[:2]]
        expected = COMPLETED if all(signs) else STARTED if any(signs) else NOT_STARTED
        assert rows[learner.username].modules[1] == expected


@pytest.mark.parametrize("encoding, delimiter, prefix", [
    ("utf-8", ",", ""), ("utf-8-sig", ";", ""), ("cp1252", ";", "sep=;\r\n"), ("utf-16", "\t", ""),
    ("latin-1", "|", ""),
])
def test_encodings_and_delimiters_give_the_same_report(tmp_path, encoding, delimiter, prefix):
    cohort = rx.make_cohort(24, seed=23)
    path = tmp_path / "responses.csv"
    with open(path, "w", encoding=encoding, newline="") as stream:
        stream.write(prefix)
        writer = csv.writer(stream, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(rx.response_columns())
        for row in rx.response_rows(cohort):
            writer.writerow(row)
    report = build_report([("responses", path)])
    assert {(r.block, r.label): (r.count, r.total) for r in report.missed} == expected_missed(cohort)
    assert {(r.block, r.label): (r.count, r.total) for r in report.harmful} == expected_harmful(cohort)
    assert len(report.learners) == sum(bool(x.blocks) for x in cohort)


def test_unusable_files_are_named_and_the_others_kept(tmp_path):
    cohort = rx.make_cohort(8, seed=29)
    rx.write_responses(tmp_path / "responses.csv", cohort)
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "roster.csv").write_text("maria.rossi@example.org;ONG Strada;Italy\n")  # no header line
    report = build_report([("grades", tmp_path / "responses.csv"), ("grades", tmp_path / "missing.csv"),
                           ("grades", tmp_path / "empty.csv"), ("roster", tmp_path / "roster.csv"),
                           ("responses", tmp_path / "responses.csv")])
    messages = [p.format(source) for source, p in report.problems]
    assert messages[0] == (f"{tmp_path / 'responses.csv'}: this file looks like the input of --responses, not of "
                           "--grades; the file was skipped")
    assert messages[1].startswith(f"{tmp_path / 'missing.csv'}: cannot read the file: No such file")
    assert messages[2] == f"{tmp_path / 'empty.csv'}: the file is empty: no header line"
    assert messages[3].startswith(f"{tmp_path / 'roster.csv'}: the roster has no \"username\" column")
    assert "maria" not in " ".join(messages)  # a headerless roster's first line is not quoted
    assert len(report.learners) == sum(bool(x.blocks) for x in cohort)
    assert [f.used for f in report.files] == [False, False, False, False, True]


def real_blocks():
    from .conftest import RecordingRuntime, load_block

    runtime = RecordingRuntime("staff")
    scenario, _id = load_block(runtime, open("tests/data/amira.xml", encoding="utf-8").read())
    quiz, _id = load_block(runtime, open("tests/data/hostess.xml", encoding="utf-8").read())
    return scenario, quiz


def test_the_generator_writes_the_columns_our_blocks_yield():
    scenario, quiz = real_blocks()
    assert list(scenario.report_row_maker()({})) == rx.SCENARIO_COLUMNS
    assert list(quiz.report_row_maker()({})) == rx.QUIZ_COLUMNS


def test_rows_made_by_the_real_blocks_are_read(tmp_path):
    """The LMS's report over real blocks' generate_report_data: labels, ids and counts survive the round trip."""
    scenario, quiz = real_blocks()
    states = {  # (scenario state, quiz state) as the blocks store them
        "ana": ({"last_path": [["s1", "c2"]], "attempts": 1, "best_points": 0, "last_node_id": "end_bad"},
                {"answers": [["pay"]], "attempts": 1, "best_earned": 1}),
        "bo": ({"last_path": [["s1", "c1"]], "attempts": 1, "best_points": 1},
               {"answers": [["pay", "debt"]], "attempts": 2, "best_earned": 2}),
        "cy": ({"path": [["s1", "c1"]], "node_id": "s2"}, {"selected": ["pay"]}),
    }
    rows = []
    for index, (block, block_type, title) in enumerate(((scenario, "f2l_scenario", "Amira"),
                                                        (quiz, "f2l_indicator_quiz", "Hostess"))):
        for username, row in block.generate_report_data(
                iter([_UserState(name, pair[index]) for name, pair in states.items()])):
            row = {"username": username, "title": title, "location": f"Course > Module 1 > Check > Unit > {title}",
                   **row, "block_key": f"block-v1:F2L+C1+IT+type@{block_type}+block@{title.lower()}",
                   "state": json.dumps(states[username][index])}
            rows.append(row)
    fixed = ("username", "title", "location", "block_key", "state")
    header = list(fixed[:3]) + list(dict.fromkeys(k for r in rows for k in r if k not in fixed)) + list(fixed[3:])
    with open(tmp_path / "responses.csv", "w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, header, restval="")
        writer.writeheader()
        writer.writerows(rows)
    report = build_report([("responses", tmp_path / "responses.csv")])
    assert report.problems == []
    assert [(r.block, r.label, r.count, r.total) for r in report.harmful] == [
        ("Amira", "Tell her it is obviously a trafficker.", 1, 2)]
    assert {r.label: (r.count, r.total) for r in report.missed} == {"Travel paid now, to be repaid later": (1, 2)}
    statuses = {r.username: (r.modules, r.started, r.completed) for r in report.learners}
    assert statuses == {"ana": ([COMPLETED], True, True), "bo": ([COMPLETED], True, True),
                        "cy": ([STARTED], True, False)}


class _UserState:
    """What the LMS's user-state client yields to generate_report_data."""

    def __init__(self, username, state):
        self.username, self.state = username, state


def test_roster_learners_are_matched_by_email_or_username_and_the_others_enrolled(tmp_path):
    cohort = rx.make_cohort(6, seed=37, languages=("it",))
    rx.write_grade_report(grade_file(tmp_path, "it"), cohort)
    with open(tmp_path / "roster.csv", "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(["Login", "Ente", "Paese", "Data"])
        writer.writerow([cohort[0].email.upper(), "ONG Strada", "Italy", "2026-03-02"])
        writer.writerow([cohort[1].username, "Comune", "Italy", "2026-03-02"])
        writer.writerow([cohort[0].email, "Another", "Greece", ""])  # the same learner again
        writer.writerow(["newcomer@example.org", "Comune", "Italy", "2026-03-09"])  # never logged in
    report = build_report([("grades", grade_file(tmp_path, "it")), ("roster", tmp_path / "roster.csv")],
                          roster_columns={"user": "Login", "organisation": "Ente", "country": "Paese"})
    assert [p.format(source) for source, p in report.problems] == [
        f"{tmp_path / 'roster.csv'}:4: this learner is already on line 2; the line was ignored"]
    rows = {r.username or r.email: r for r in report.learners}
    assert len(rows) == 7 and rows[cohort[0].username].organisation == "ONG Strada"
    assert rows[cohort[1].username].organisation == "Comune"
    newcomer = rows["newcomer@example.org"]
    assert not newcomer.started and newcomer.passed is None and newcomer.modules == [None, None, None]
    assert {g.label: g.enrolled for g in report.groups["organisation"]} == {"Comune": 2, "ONG Strada": 1, "": 4}
