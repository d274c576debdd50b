"""Our events as xAPI statements (free2link_xblocks.analytics.xapi), the scenario's end event, and
`free2link report --statements`: statements from the LRS give the same missed-indicator and harmful-choice
rankings as the problem responses report of the same learners (tests/report_exports.py's known truth)."""

import json
import subprocess
import sys
import uuid

import pytest

from free2link_xblocks.analytics import xapi
from free2link_xblocks.core.report import build_report
from free2link_xblocks.core.report.xapi_reader import statements_to_responses

from . import report_exports as rx

LMS = "https://lms.example.org"


def statement(event, learner, usage_key, title, data, minute):
    """A statement as the router sends it: our parts from xapi.py, the actor as the router's anonymous account."""
    actor = {"objectType": "Agent", "account": {"homePage": LMS, "name": str(uuid.uuid5(uuid.NAMESPACE_URL, learner))}}
    return {"id": str(uuid.uuid4()), "actor": actor, "verb": xapi.verb(event), "version": "1.0.3",
            "object": {"objectType": "Activity", "id": xapi.block_iri(LMS, usage_key),
                       "definition": xapi.activity_definition(event, title)},
            "result": xapi.drop_empty(xapi.result(event, data)), "timestamp": f"2026-04-01T10:{minute:02d}:00+00:00",
            "context": {"registration": xapi.registration(actor["account"]["name"], usage_key, data["attempt"])}}


def statements_of(learner, block, run):
    """What the blocks would have published for ``learner``'s truth, as statements, oldest first."""
    truth = learner.blocks.get(block.block_id)
    if truth is None:
        return []
    key, made, minute = rx.block_key(run, block), [], 0

    def add(event, data):
        nonlocal minute
        minute += 1
        made.append(statement(event, learner.username, key, block.title, {**data, "version": 1}, minute))

    if block.kind == "f2l_scenario":
        for attempt in range(1, truth.attempts + 1):
            last = attempt == truth.attempts
            for step_choice in (truth.harmful if last else [h for h, _l in block.harmful]) + ["s8:c2", "s9:c1"]:
                step, choice = step_choice.split(":")
                quality = {"s8:c2": "partial", "s9:c1": "good"}.get(step_choice, "harmful")
                add(xapi.CHOICE_MADE, {"step": step, "choice": choice,
                                       "quality": quality, "points": 0, "attempt": attempt})
            add(xapi.SCENARIO_ENDED, {"end": "e1", "outcome": "good", "attempt": attempt,
                                      "points": truth.best if last else 0, "max_points": block.max_score})
        if truth.in_progress:
            add(xapi.CHOICE_MADE, {"step": "s1", "choice": "c1", "quality": "good", "points": 1,
                                   "attempt": truth.attempts + 1})
    else:
        present = [i for i, _l in block.present]
        for attempt in range(1, truth.attempts + 1):
            last = attempt == truth.attempts
            missed = truth.missed if last else present
            false_alarms = truth.false_alarms if last else []
            ticked = [i for i in present if i not in missed] + false_alarms
            add(xapi.QUIZ_SUBMITTED, {"selected": ticked, "missed": missed, "false_alarms": false_alarms,
                                      "earned": truth.best if last else 0, "possible": block.max_score,
                                      "attempt": attempt})
    return made


def write_statements(path, learners):
    """One statement a line, learners interleaved as an LRS returns them (by stored time, not by learner)."""
    lines = [s for learner in learners for module in rx.MODULES for block in module.blocks
             for s in statements_of(learner, block, rx.RUNS[learner.language])]
    lines.sort(key=lambda s: s["timestamp"])
    path.write_text("".join(json.dumps(s) + "\n" for s in lines), encoding="utf-8")


def ids_for_labels(ranked):
    """Rankings by (block, id): the responses report names choices and indicators, statements carry their ids."""
    labels = {(b.title, label): key for b in rx.BLOCKS for key, label in b.harmful + b.present + b.absent}
    return [(r.block, labels.get((r.block, r.label), r.label), r.count, r.total) for r in ranked]


@pytest.fixture(scope="module")
def cohort():
    return rx.make_cohort(120, seed=5)


def test_statements_give_the_rankings_of_the_responses_report(cohort, tmp_path):
    rx.write_responses(tmp_path / "responses.csv", cohort)
    write_statements(tmp_path / "statements.jsonl", cohort)
    problems = statements_to_responses(tmp_path / "statements.jsonl", tmp_path / "from-statements.csv")
    assert problems == []
    from_responses = build_report([("responses", tmp_path / "responses.csv")])
    from_statements = build_report([("responses", tmp_path / "from-statements.csv")])
    try:
        assert from_responses.harmful and from_responses.missed
        assert [(r.block, r.label, r.count, r.total) for r in from_statements.harmful] == \
            ids_for_labels(from_responses.harmful)
        assert [(r.block, r.label, r.count, r.total) for r in from_statements.missed] == \
            ids_for_labels(from_responses.missed)
        # (the funnel differs by design: a block opened but never answered leaves a responses row, no statement)
    finally:
        from_responses.close()
        from_statements.close()


def test_report_cli_reads_statements_and_names_bad_lines(cohort, tmp_path):
    write_statements(tmp_path / "statements.jsonl", cohort[:20])
    with open(tmp_path / "statements.jsonl", "a", encoding="utf-8") as handle:
        handle.write("{not json\n")
        handle.write(json.dumps({"verb": {"id": xapi.ANSWERED[0]},
                                 "object": {"definition": {"type": xapi.QUESTION}}}) + "\n")
    done = subprocess.run([sys.executable, "-m", "free2link_xblocks.cli", "report", "--statements",
                           str(tmp_path / "statements.jsonl"), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    lines = len((tmp_path / "statements.jsonl").read_text().splitlines())
    assert f"statements.jsonl:{lines - 1}" in done.stderr and f"statements.jsonl:{lines}" in done.stderr
    assert (tmp_path / "out" / "report.html").exists()


def test_no_learner_name_or_email_in_our_statement_parts():
    for event, data in ((xapi.CHOICE_MADE, {"step": "s1", "choice": "c2", "quality": "harmful", "points": -1,
                                            "attempt": 1, "version": 3}),
                        (xapi.SCENARIO_ENDED, {"end": "e1", "outcome": "poor", "points": 1, "max_points": 4,
                                               "attempt": 1, "version": 3}),
                        (xapi.QUIZ_SUBMITTED, {"selected": ["pay"], "missed": ["debt"], "false_alarms": [],
                                               "earned": 2, "possible": 4, "attempt": 2, "version": 3})):
        made = statement(event, "maria.rossi", "block-v1:O+C+R+type@x+block@b", "Title", data, 1)
        text = json.dumps(made)
        assert "maria" not in text and "@example" not in text
        assert made["verb"]["id"].startswith("http://adlnet.gov/expapi/verbs/")
    choice = xapi.result(xapi.CHOICE_MADE, {"step": "s2", "choice": "c3", "quality": "partial", "points": -1,
                                            "attempt": 2, "version": 3})
    assert choice["response"] == "c3" and choice["extensions"][xapi.POINTS] == -1
    assert (choice["extensions"][xapi.STEP], choice["extensions"][xapi.QUALITY]) == ("s2", "partial")
    assert choice["extensions"][xapi.ATTEMPT] == 2
    ended = xapi.result(xapi.SCENARIO_ENDED, {"end": "e1", "outcome": "poor", "points": 1, "max_points": 4,
                                              "attempt": 1})
    assert ended["score"] == {"raw": 1, "min": 0, "max": 4, "scaled": 0.25} and ended["success"] is False
    assert ended["extensions"][xapi.OUTCOME] == "poor"
    quiz = xapi.result(xapi.QUIZ_SUBMITTED, {"selected": ["pay"], "missed": ["debt"], "false_alarms": ["x"],
                                             "earned": 2, "possible": 4, "attempt": 2})
    assert quiz["extensions"][xapi.MISSED] == ["debt"] and quiz["extensions"][xapi.FALSE_ALARMS] == ["x"]
    assert quiz["response"] == "pay" and quiz["success"] is False


def test_the_scenario_publishes_one_end_event_per_attempt_with_outcome_and_score():
    from free2link_xblocks.core.scenario import load_scenario, max_score

    from .conftest import RecordingRuntime, load_block
    from .test_shipped_scenarios import SHIPPED, paths

    xml = SHIPPED[0].read_text(encoding="utf-8")
    scenario = load_scenario(xml)
    runtime = RecordingRuntime("walker")
    block = load_block(runtime, xml)[0]
    walk = next(paths(scenario, scenario.start, [], {}))
    for step, choice in walk:
        assert runtime.events_of(xapi.SCENARIO_ENDED) == []  # nothing ends before the end
        assert runtime.call(block, "choose", {"step": step, "choice": choice})[0] == 200
        assert runtime.call(block, "proceed")[0] == 200
    (ended,) = runtime.events_of(xapi.SCENARIO_ENDED)
    end = scenario.node(block.node_id)
    assert ended == {"end": end.id, "outcome": end.outcome or "", "points": block.last_points,
                     "max_points": max_score(scenario), "attempt": 1, "version": block.version}
    choices = runtime.events_of(xapi.CHOICE_MADE)
    assert len(choices) == len(walk) and {c["attempt"] for c in choices} == {1}


# ---------------------------------------------------------------------------------------------- red flags

INTERACTION_TYPES_1_0_3 = {"true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing",
                           "likert", "numeric", "other"}
FLAGS_KEY = "block-v1:Free2Link+ETRAF101+2026_en+type@f2l_red_flags+block@m2_hotel_job_flags"


def assert_valid_xapi(made):
    """The rules of xAPI 1.0.3's Data section that tincan (the router's statement library, in
    test_statements_parse_as_the_router_s_statement_library) leaves to the LRS; Ralph checks them as it stores."""
    assert "null" not in json.dumps(made)  # no field is null: absent instead
    definition = made["object"]["definition"]
    assert definition["type"].startswith("http://adlnet.gov/expapi/activities/")
    assert definition.get("interactionType", "other") in INTERACTION_TYPES_1_0_3
    result = made["result"]
    assert isinstance(result.get("response", ""), str)
    assert all(isinstance(result[k], bool) for k in ("success", "completion") if k in result)
    score = result.get("score", {})
    if "max" in score:
        assert score["min"] < score["max"] and score["min"] <= score["raw"] <= score["max"]
    if "scaled" in score:
        assert -1 <= score["scaled"] <= 1
    assert all(key.startswith(("https://", "http://")) for key in result.get("extensions", {}))


RED_FLAG_ANSWERS = {
    "good": {"selected": [2, 4, 5, 9, 13], "earned": 5, "possible": 6,
             "spotted": ["pay", "pay_later", "whatsapp_only", "passport", "no_contract"], "missed": ["hurry"],
             "false_alarms": [], "attempt": 1, "version": 4},
    "false alarms": {"selected": [0, 1, 2, 3, 6, 7, 8], "earned": 0, "possible": 6, "spotted": ["pay", "hurry"],
                     "missed": ["pay_later", "whatsapp_only", "passport", "no_contract"],
                     "false_alarms": [[0], [1], [3], [6, 7], [8]], "attempt": 2, "version": 4},
    "fields missing": {"selected": [3], "attempt": 1},
}


@pytest.mark.parametrize("case", sorted(RED_FLAG_ANSWERS))
def test_red_flags_answers_are_valid_xapi_statements_with_the_block_s_facts(case):
    data = RED_FLAG_ANSWERS[case]
    made = statement(xapi.RED_FLAGS_SUBMITTED, "maria.rossi", FLAGS_KEY, "Red flags in the hotel job advert", data, 1)
    assert_valid_xapi(made)
    assert "maria" not in json.dumps(made)
    assert made["verb"] == {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en": "answered"}}
    assert made["object"]["definition"] == {"type": xapi.QUESTION, "interactionType": "choice",
                                            "name": {"en-US": "Red flags in the hotel job advert"}}
    assert xapi.event_of(made) == xapi.RED_FLAGS_SUBMITTED
    result, facts = made["result"], made["result"]["extensions"]
    assert result["response"] == "[,]".join(str(u) for u in data["selected"]) and result["completion"] is True
    assert facts[xapi.SPOTTED] == data.get("spotted", []) and facts[xapi.MISSED] == data.get("missed", [])
    assert facts[xapi.FALSE_ALARM_COUNT] == len(data.get("false_alarms", []))
    assert facts[xapi.ATTEMPT] == data["attempt"] and facts.get(xapi.CONTENT_VERSION) == data.get("version")
    assert result["success"] is False  # no answer here spots all six flags without a false alarm
    if case == "good":
        assert result["score"] == {"raw": 5, "min": 0, "max": 6, "scaled": 0.8333}
    elif case == "false alarms":
        assert result["score"] == {"raw": 0, "min": 0, "max": 6, "scaled": 0.0}
    else:  # an event without its score says so: no maximum, no scaled score made up
        assert result["score"] == {"raw": 0, "min": 0}


def test_a_perfect_red_flags_answer_succeeds_and_the_quiz_answer_stays_a_quiz_answer():
    perfect = xapi.result(xapi.RED_FLAGS_SUBMITTED, {"selected": [1, 2], "earned": 2, "possible": 2,
                                                     "spotted": ["a", "b"], "missed": [], "false_alarms": [],
                                                     "attempt": 1})
    assert perfect["success"] is True and perfect["score"]["scaled"] == 1.0
    quiz = statement(xapi.QUIZ_SUBMITTED, "ana", "block-v1:O+C+R+type@f2l_indicator_quiz+block@q", "Quiz",
                     {"selected": ["pay"], "missed": [], "false_alarms": [], "earned": 1, "possible": 1,
                      "attempt": 1}, 1)
    assert_valid_xapi(quiz)
    assert xapi.event_of(quiz) == xapi.QUIZ_SUBMITTED  # same verb and type as the red flags' answer
    assert xapi.event_of({"verb": {"id": xapi.ANSWERED[0]}, "object": {"definition": {"type": "x"}}}) is None


def test_statements_parse_as_the_router_s_statement_library():
    tincan = pytest.importorskip("tincan", reason="tincan is in requirements/test.txt (tox installs it)")
    quiz = RED_FLAG_ANSWERS["good"] | {"selected": ["pay"], "false_alarms": ["x"]}
    for event, data in ((xapi.RED_FLAGS_SUBMITTED, answer) for answer in RED_FLAG_ANSWERS.values()):
        made = statement(event, "ana", FLAGS_KEY, "Red flags", data, 1)
        assert tincan.Statement.from_json(json.dumps(made)).to_json("1.0.3")
    made = statement(xapi.QUIZ_SUBMITTED, "ana", "block-v1:O+C+R+type@f2l_indicator_quiz+block@q", "Quiz", quiz, 1)
    assert tincan.Statement.from_json(json.dumps(made)).to_json("1.0.3")
    with pytest.raises((ValueError, TypeError)):  # it refuses a score that is no number (a bool it coerces)
        tincan.Statement.from_json(json.dumps({**made, "result": {**made["result"], "score": {"raw": "x"}}}))


def red_flags_statements(learner, language, answers):
    """A learner's red-flags answers (``(spotted, false alarms)`` each, oldest first) as the router sends them."""
    from .test_report_red_flags import FLAGS, key

    made = []
    for attempt, (spotted, false_alarms) in enumerate(answers, 1):
        data = {"selected": list(range(len(spotted) + false_alarms)), "earned": max(0, len(spotted) - false_alarms),
                "possible": len(FLAGS), "spotted": list(spotted), "missed": [f for f in FLAGS if f not in spotted],
                "false_alarms": [[100 + n] for n in range(false_alarms)], "attempt": attempt, "version": 1}
        made.append(statement(xapi.RED_FLAGS_SUBMITTED, learner, key(language, "f2l_red_flags", "m2_hotel_job_flags"),
                              "Red flags in the hotel job advert", data, attempt))
    return made


RED_FLAG_LEARNERS = {  # each learner's answers, (spotted, false alarms) oldest first; the responses keep the last
    "ana": [(["pay"], 3), (["pay", "pay_later", "passport", "whatsapp_only", "no_contract"], 1)],
    "ben": [(["pay", "passport"], 0)],
    "cleo": [(["pay", "pay_later", "whatsapp_only", "passport", "no_contract", "hurry"], 2)],
    "dia": [(["pay", "pay_later", "whatsapp_only", "passport", "no_contract", "hurry"], 6)],  # scores 0
    "eli": [([], 4)],
}


def write_red_flags_inputs(folder):
    """The same answers as a problem responses report and as the statements the LRS would hold."""
    from .test_report_red_flags import flag_row, write

    rows, lines = [], []
    for learner, answers in RED_FLAG_LEARNERS.items():
        language = "it" if learner == "cleo" else "en"
        spotted, false_alarms = answers[-1]
        row = flag_row(str(uuid.uuid5(uuid.NAMESPACE_URL, learner)), language, spotted, false_alarms,
                       attempts=len(answers))
        row["Best score"] = max(max(0, len(s) - f) for s, f in answers)
        rows.append(row)
        lines.extend(red_flags_statements(learner, language, answers))
    write(folder / "responses.csv", rows)
    (folder / "statements.jsonl").write_text("".join(json.dumps(s) + "\n" for s in lines), encoding="utf-8")


def test_red_flags_statements_give_the_red_flags_tables_of_the_responses_report(tmp_path):
    from free2link_xblocks.report.course_structure import bundled

    write_red_flags_inputs(tmp_path)
    assert statements_to_responses(tmp_path / "statements.jsonl", tmp_path / "from-statements.csv") == []
    reports = [build_report([("responses", tmp_path / name)], structures=bundled(), language="en")
               for name in ("responses.csv", "from-statements.csv")]
    try:
        from_responses, from_statements = reports
        [exercise] = from_responses.red_flags
        assert exercise.answered == 5 and exercise.false_alarms == pytest.approx((1 + 0 + 2 + 6 + 4) / 5)
        assert exercise.spotted == pytest.approx((5 + 2 + 6 + 6 + 0) / 5)
        assert from_statements.red_flags == from_responses.red_flags
        missed = [(r.block, r.label, r.count, r.total) for r in from_responses.missed_flags]
        assert missed and missed[0][2:] == (3, 5)  # "hurry": missed by ana, ben and eli
        assert [(r.block, r.label, r.count, r.total) for r in from_statements.missed_flags] == missed
        scores = [sorted((b.title, b.opened, b.completed, b.mean_score) for b in report.blocks) for report in reports]
        assert scores[0] == scores[1] and scores[0][0][3] == pytest.approx((4 + 2 + 4 + 0 + 0) / 6 / 5)  # best scores
    finally:
        for report in reports:
            report.close()


def test_the_report_cli_writes_the_same_red_flags_files_from_statements_as_from_responses(tmp_path):
    from free2link_xblocks.cli import main

    write_red_flags_inputs(tmp_path)
    assert main(["report", "--responses", str(tmp_path / "responses.csv"), "--out", str(tmp_path / "a")]) == 0
    assert main(["report", "--statements", str(tmp_path / "statements.jsonl"), "--out", str(tmp_path / "b")]) == 0
    for name in ("red_flags.csv", "missed_red_flags.csv"):
        made = [(tmp_path / out / name).read_text(encoding="utf-8-sig") for out in ("a", "b")]
        assert made[0] == made[1] and len(made[0].splitlines()) >= 2, name


def test_the_router_s_whitelist_lets_every_event_of_ours_through_red_flags_included():
    from types import SimpleNamespace

    from free2link_xblocks.analytics.settings import plugin_settings

    whitelist = {"problem_check"}
    settings = SimpleNamespace(EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS=["problem_check"], EVENT_TRACKING_BACKENDS={
        "event_transformer": {"OPTIONS": {"processors": [{"OPTIONS": {"whitelist": whitelist}}]}}})
    plugin_settings(settings)
    plugin_settings(settings)  # the LMS and Studio apps' settings may both run: nothing twice
    assert settings.EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS == ["problem_check", *xapi.EVENTS]
    assert whitelist == {"problem_check", *xapi.EVENTS} and "xblock.f2l_red_flags.submitted" in whitelist
