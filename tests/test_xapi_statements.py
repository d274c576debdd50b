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
