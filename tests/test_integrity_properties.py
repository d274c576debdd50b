"""Property-based tests (hypothesis) of grade and attempt integrity, in XBlock's ToyRuntime.

Each example is a random sequence of learner requests (valid and invalid moves, current, previous,
future and missing action tokens, exact repeats, hostile bodies, a learner calling the Studio
handlers) mixed with course-team edits (points changed, choices reordered or removed, ids dropped,
indicators flipped, scoring switched, attempts lowered or raised). After every step:

* no handler raises (over HTTP: no 500), and the status is one we answer on purpose;
* a request that is refused, stale or replayed changes no learner state and publishes nothing;
* an attempt is only ever counted up to ``max_attempts`` as it stands, by one at most per request;
* every accepted attempt publishes exactly one grade (one action counts once), and no grade, score
  shown or score reported is above its maximum or below 0.

The number of examples is bounded (CI stays fast); the counts of what was tried are printed at the
end of the run (``pytest -s`` or the terminal summary).
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from xblock.fields import Scope
from xblock.test.toy_runtime import TOYRUNTIME_KVS

from free2link_xblocks.core import quiz as quiz_core
from free2link_xblocks.core.scenario import load_scenario, max_score, scenario_body_xml

from .conftest import RecordingRuntime, load_block

DATA = Path(__file__).parent / "data"
SCENARIOS = [(DATA / "amira.xml").read_text(encoding="utf-8"),
             (Path(__file__).parent.parent / "free2link_xblocks" / "scenario" / "workbench" / "40_think_again.xml")
             .read_text(encoding="utf-8")]
QUIZ = (DATA / "hostess.xml").read_text(encoding="utf-8")
EXPECTED_STATUSES = {200, 400, 403, 409}
SETTINGS = settings(max_examples=120, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

COUNTS = {"sequences": 0, "handler calls": 0, "hostile bodies": 0, "course-team edits": 0, "replays": 0,
          "stale tokens (409)": 0, "accepted actions": 0}

TOKENS = st.sampled_from(["current"] * 6 + ["previous", "future", "missing", "string", "bool"])
HOSTILE = st.one_of(
    st.binary(max_size=64),
    st.integers(50, 3000).map(lambda n: b"[" * n + b"]" * n),
    st.integers(50, 3000).map(lambda n: b'{"seq": 0, "a": ' + b"[" * n + b"]" * n + b"}"),
    st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                 lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
                 max_leaves=20).map(lambda value: json.dumps(value).encode()),
)


def state_of(block) -> str:
    return json.dumps({name: field.read_from(block) for name, field in block.fields.items()
                       if field.scope == Scope.user_state}, sort_keys=True, default=str)


def token(block, kind: str):
    return {"current": block.action_seq, "previous": block.action_seq - 1, "future": block.action_seq + 3,
            "missing": None, "string": str(block.action_seq), "bool": True}[kind]


def shown_scores(html: str) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in re.findall(r"(?:Best score|This attempt): (\d+) of (\d+) point", html)]


class Player:
    """Runs one sequence against one block and checks the invariants after each step."""

    def __init__(self, runtime, block, grade_events_per_attempt=1):
        self.runtime, self.block = runtime, block
        self.last_request = None  # (handler, payload) of the last request sent, for exact repeats
        COUNTS["sequences"] += 1

    def send(self, handler, payload=None, raw=None):
        block, runtime = self.block, self.runtime
        before_state, before_events = state_of(block), len(runtime.events)
        before_attempts, max_attempts, before_seq = block.attempts, block.max_attempts, block.action_seq
        COUNTS["handler calls"] += 1
        status, answer = runtime.call(block, handler, payload, raw=raw, token=False)
        assert status in EXPECTED_STATUSES, (handler, payload, status, answer)
        changed = state_of(block) != before_state
        sent = payload.get("seq") if isinstance(payload, dict) else None
        if sent != before_seq or isinstance(sent, bool):  # only the current token may change anything
            assert not changed and status != 200 or answer.get("replayed"), (handler, payload, status, answer)
        if status != 200 or answer.get("replayed"):
            assert not changed and len(runtime.events) == before_events, (handler, payload, status, answer)
            COUNTS["replays"] += bool(status == 200)
            COUNTS["stale tokens (409)"] += status == 409
        else:
            COUNTS["accepted actions"] += 1
        assert block.attempts - before_attempts in (0, 1)
        if block.attempts > before_attempts and max_attempts:
            assert block.attempts <= max_attempts, (before_attempts, max_attempts)
        if raw is None:
            self.last_request = (handler, payload)
        return status, answer

    def check(self, possible: int):
        block, runtime = self.block, self.runtime
        grades = runtime.events_of("grade")
        assert len(grades) == block.attempts, "one accepted attempt, one grade"
        for grade in grades:
            assert 0 <= grade["value"] <= grade["max_value"]
        html = runtime.render(block, "student_view").content
        for earned, out_of in shown_scores(html):
            assert 0 <= earned <= out_of == possible, html
        row = block.report_row_maker()(json.loads(state_of(block)))
        assert row["Best score"] == "" or 0 <= row["Best score"] <= row["Max score"]

    def common_move(self, move) -> bool:
        """The moves both blocks share (a replay, a hostile body, a Studio call as a learner): True if ``move``
        was one of them and was played."""
        kind = move[0]
        if kind == "repeat":
            self.repeat_last()
        elif kind == "hostile":
            self.hostile(move[1], move[2])
        elif kind == "studio":
            self.studio_as_learner(move[1])
        else:
            return False
        return True

    def repeat_last(self):
        if self.last_request is not None:
            handler, payload = self.last_request
            self.send(handler, payload)

    def studio_as_learner(self, handler):
        block = self.block
        content = block.content_xml
        status, _answer = self.send(handler, {"display_name": "x", "olx": content})
        assert status == 403 and block.content_xml == content

    def hostile(self, handler, body):
        COUNTS["hostile bodies"] += 1
        status, _answer = self.send(handler, raw=body)
        assert status in (400, 403, 409) or (status == 200 and b'"seq"' in body)


# ------------------------------------------------------------------ the scenario

PLAY = st.tuples(st.just("play"), st.integers(0, 2))  # what a learner mostly does: a legal next move
FINISH = st.tuples(st.just("finish"), st.integers(0, 2 ** 16))  # play legal moves to an end (one attempt)
SCENARIO_MOVES = st.one_of(
    PLAY, PLAY, PLAY, FINISH, FINISH, FINISH,
    st.tuples(st.just("choose"), st.integers(0, 3), st.integers(0, 4), TOKENS),
    st.tuples(st.sampled_from(["proceed", "back", "restart"]), TOKENS),
    st.tuples(st.just("repeat")),
    st.tuples(st.just("repeat")),  # twice: a double click is common
    st.tuples(st.just("hostile"), st.sampled_from(["choose", "proceed", "restart"]), HOSTILE),
    st.tuples(st.just("studio"), st.sampled_from(["studio_submit", "studio_validate", "studio_preview"])),
    st.tuples(st.just("edit"), st.sampled_from(["points", "lower", "reorder", "remove", "drop_ids", "max_attempts",
                                                "allow_back", "rename"]), st.integers(0, 1000)),
    # the edits that test grades and attempts hardest, more often: a lower maximum, a broken path
    st.tuples(st.just("edit"), st.sampled_from(["lower", "rename"]), st.integers(0, 1000)),
    st.tuples(st.just("edit"), st.sampled_from(["lower", "rename"]), st.integers(0, 1000)),
)


def edit_scenario(block, kind: str, seed: int) -> None:
    """A course team's save: only content that passes validation is stored, as Studio does."""
    chance = random.Random(seed)
    if kind == "max_attempts":
        block.max_attempts = chance.choice([0, 1, 2, 3])
        return
    if kind == "allow_back":
        block.allow_back = not block.allow_back
        return
    root = etree.fromstring(block.scenario_xml.encode())
    steps = root.findall("step")
    step = chance.choice(steps)
    choices = step.findall("choice")
    if kind == "points":
        for choice in root.iter("choice"):
            if choice.get("points") not in (None, "0") or chance.random() < 0.3:
                choice.set("points", str(chance.choice([0, 1, 2, 5])))
    elif kind == "lower":  # the maximum goes down under learners who already scored
        for choice in root.iter("choice"):
            choice.set("points", str(max(0, int(choice.get("points") or 0) - chance.choice([1, 2]))))
    elif kind == "reorder":
        for choice in choices:
            step.remove(choice)
        chance.shuffle(choices)
        step.extend(choices)
    elif kind == "remove" and len(choices) > 1:
        step.remove(chance.choice(choices))
    elif kind == "drop_ids":
        for choice in root.iter("choice"):
            choice.attrib.pop("id", None)
    elif kind == "rename":  # a step or end gets a new id: every learner standing on it loses their path
        node = chance.choice(root.findall("step") + root.findall("end"))
        old, new = node.get("id"), node.get("id") + "_v2"
        node.set("id", new)
        for element in [root, *root.iter("choice")]:
            for attribute in ("next", "start"):
                if element.get(attribute) == old:
                    element.set(attribute, new)
    try:
        stored = scenario_body_xml(load_scenario(etree.tostring(root, encoding="unicode")))
    except ValueError:  # Studio refuses content with errors; nothing is stored
        return
    COUNTS["course-team edits"] += 1
    block.scenario_xml = stored


def legal_move(block, pick: int):
    """The move the page offers: continue after feedback, restart after an end, else a choice."""
    node = block.scenario.node(block.node_id)
    if block.showing_feedback:
        return "proceed", ("proceed", "current")
    if node is None or node.is_end:
        return "restart", ("restart", "current")
    return "choose", ("choose", 0, pick % len(node.choices), "current")


def finish_attempt(player, block, seed: int) -> None:
    """Legal moves (choices picked by ``seed``) until an attempt is counted or the block refuses."""
    chance = random.Random(seed)
    attempts = block.attempts
    for _ in range(30):
        kind, move = legal_move(block, chance.randrange(3))
        if kind == "choose":
            status, _answer = player.send("choose", {"step": block.node_id, "choice": block.scenario.node(
                block.node_id).choices[move[2]].id, "seq": block.action_seq})
        else:
            status, _answer = player.send(kind, {"seq": block.action_seq})
        if status != 200 or block.attempts > attempts:
            return


def play_scenario(xml: str, max_attempts: int, moves) -> None:
    TOYRUNTIME_KVS.clear()
    runtime = RecordingRuntime("learner")
    block = load_block(runtime, xml)[0]
    block.max_attempts = max_attempts
    runtime.render(block, "student_view")  # the learner opens the page (and is placed at the start)
    player = Player(runtime, block)
    for move in moves:
        kind = move[0]
        if kind == "finish":
            finish_attempt(player, block, move[1])
            player.check(max_score(block.scenario))
            continue
        if kind == "play":
            kind, move = legal_move(block, move[1])
        if kind == "choose":
            _kind, step_index, choice_index, token_kind = move
            node = block.scenario.node(block.node_id)
            steps = [s.id for s in block.scenario.steps] + ["nowhere"]
            current = node is not None and step_index < 2  # mostly the step the learner is on
            step_id = node.id if current else steps[step_index % len(steps)]
            step = block.scenario.node(step_id)
            choice_ids = [c.id for c in step.choices] if step is not None and not step.is_end else []
            choice_id = (choice_ids + ["c9", ""])[choice_index % (len(choice_ids) + 2)]
            player.send("choose", {"step": step_id, "choice": choice_id, "seq": token(block, token_kind)})
        elif kind in ("proceed", "back", "restart"):
            player.send(kind, {"seq": token(block, move[1])})
        elif not player.common_move(move):
            edit_scenario(block, move[1], move[2])
            runtime.render(block, "student_view")  # the learner's next page view takes the edit in
        player.check(max_score(block.scenario))


@SETTINGS
@given(st.sampled_from(range(len(SCENARIOS))), st.sampled_from([1, 2, 0]), st.lists(SCENARIO_MOVES, min_size=6,
                                                                                   max_size=50))
def test_scenario_grades_and_attempts_stay_true(which, max_attempts, moves):
    play_scenario(SCENARIOS[which], max_attempts, moves)


# ------------------------------------------------------------------ the indicator quiz

ANSWER = st.tuples(st.just("submit"), st.lists(st.sampled_from(["pay", "debt", "contract"]), min_size=1, max_size=3,
                                              unique=True), st.just(False), st.just("current"))
QUIZ_MOVES = st.one_of(
    ANSWER, ANSWER, ANSWER, st.tuples(st.just("reset"), st.just("current")),
    st.tuples(st.just("reset"), st.just("current")), st.tuples(st.just("edit"), st.just("scoring"), st.integers(0, 1)),
    st.tuples(st.just("edit"), st.sampled_from(["scoring", "flip", "remove"]), st.integers(0, 1000)),
    st.tuples(st.just("submit"), st.lists(st.sampled_from(["pay", "debt", "contract", "nope", 5]), max_size=4),
              st.booleans(), TOKENS),
    st.tuples(st.just("reset"), TOKENS),
    st.tuples(st.just("repeat")),
    st.tuples(st.just("repeat")),
    st.tuples(st.just("hostile"), st.sampled_from(["submit", "reset"]), HOSTILE),
    st.tuples(st.just("studio"), st.sampled_from(["studio_submit", "studio_validate", "studio_preview"])),
    st.tuples(st.just("edit"), st.sampled_from(["scoring", "flip", "reorder", "remove", "max_attempts", "shuffle"]),
              st.integers(0, 1000)),
)


def edit_quiz(block, kind: str, seed: int) -> None:
    chance = random.Random(seed)
    if kind == "scoring":
        block.scoring = chance.choice(list(quiz_core.SCORINGS))
    elif kind == "max_attempts":
        block.max_attempts = chance.choice([0, 1, 2, 3])
    elif kind == "shuffle":
        block.shuffle = not block.shuffle
    else:
        root = etree.fromstring(block.quiz_xml.encode())
        indicators = root.findall("indicator")
        if kind == "flip":
            chosen = chance.choice(indicators)
            chosen.set("present", "false" if chosen.get("present") == "true" else "true")
        elif kind == "reorder":
            for indicator in indicators:
                root.remove(indicator)
            chance.shuffle(indicators)
            prompt = root.find("prompt")
            for offset, indicator in enumerate(indicators):
                prompt.addnext(indicator) if offset == 0 else indicators[offset - 1].addnext(indicator)
        elif kind == "remove" and len(indicators) > 1:
            root.remove(chance.choice(indicators))
        try:
            stored = etree.tostring(quiz_core.quiz_to_element(quiz_core.load_quiz(
                etree.tostring(root, encoding="unicode"))), encoding="unicode")
        except ValueError:
            return
        block.quiz_xml = stored
    COUNTS["course-team edits"] += 1


def play_quiz(max_attempts: int, moves) -> None:
    TOYRUNTIME_KVS.clear()
    runtime = RecordingRuntime("learner")
    block = load_block(runtime, QUIZ)[0]
    block.max_attempts = max_attempts
    player = Player(runtime, block)
    for move in moves:
        kind = move[0]
        if kind == "submit":
            _kind, selected, none, token_kind = move
            player.send("submit", {"selected": selected, "none": none, "seq": token(block, token_kind)})
        elif kind == "reset":
            player.send("reset", {"seq": token(block, move[1])})
        elif not player.common_move(move):
            edit_quiz(block, move[1], move[2])
        score = block.get_score()
        assert 0 <= score.raw_earned <= score.raw_possible == block.max_score()
        player.check(block.max_score())


@SETTINGS
@given(st.sampled_from([1, 2, 0]), st.lists(QUIZ_MOVES, min_size=6, max_size=40))
def test_quiz_grades_and_attempts_stay_true(max_attempts, moves):
    play_quiz(max_attempts, moves)


def test_the_suite_tried_what_it_claims():
    """Runs after the two properties (file order): what was generated, for the closing note."""
    if COUNTS["sequences"] == 0:  # run on its own
        return
    assert COUNTS["handler calls"] > 1000 and COUNTS["course-team edits"] > 50 and COUNTS["replays"] > 10
    assert COUNTS["stale tokens (409)"] > 10 and COUNTS["hostile bodies"] > 50
    print("\nhypothesis integrity suite tried: " + ", ".join(f"{v} {k}" for k, v in COUNTS.items()))
