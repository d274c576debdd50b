"""Grades that stay true for f2l_red_flags, as for the other blocks (tests/test_integrity*.py): the action token
(replay, stale token), no 500 from any body, Studio handlers for staff only, scores clamped and no attempt handed
back by course-team edits; then a hypothesis property over random sequences of requests and edits."""

import json
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from xblock.test.toy_runtime import TOYRUNTIME_KVS

from free2link_xblocks.core import red_flags as core

from .conftest import RecordingRuntime, load_block
from .test_integrity_properties import COUNTS, HOSTILE, SETTINGS, TOKENS, Player, token

SAMPLE = open("tests/data/red_flags.xml", encoding="utf-8").read()  # flags at units 1, 6 and 10-11; 12 units
EVENT = "xblock.f2l_red_flags.submitted"


@pytest.fixture
def block(runtime):
    return load_block(runtime, SAMPLE)[0]


def test_a_repeated_answer_is_replayed_and_counts_once(runtime, block):
    first = runtime.call(block, "submit", {"selected": [1], "seq": 0}, token=False)
    again = runtime.call(block, "submit", {"selected": [1], "seq": 0}, token=False)
    assert first[0] == again[0] == 200 and again[1]["replayed"] is True and again[1]["html"] == first[1]["html"]
    assert block.attempts == 1 and block.action_seq == 1
    assert len(runtime.events_of("grade")) == 1 and len(runtime.events_of(EVENT)) == 1


def test_a_stale_token_is_refused_with_the_current_view_and_changes_nothing(runtime, block):
    assert runtime.call(block, "submit", {"selected": [1]})[0] == 200
    status, answer = runtime.call(block, "submit", {"selected": [1, 6], "seq": 0}, token=False)
    assert status == 409 and "out of date" in answer["error"] and answer["seq"] == 1
    assert "Red flag 1: spotted" in answer["html"] and block.selected == [1] and block.attempts == 1
    assert runtime.call(block, "reset", {"seq": 9}, token=False)[0] == 409


@pytest.mark.parametrize("handler", ["submit", "reset"])
@pytest.mark.parametrize("body", [b"", b"{not json", b"[]", b"null", b'"x"', b"\xff\xfe", b"[" * 5000 + b"]" * 5000,
                                  b'{"seq": 0, "selected": ' + b"[" * 3000 + b"]" * 3000 + b"}",
                                  b'{"seq": "0"}', b'{"seq": 0, "selected": {"a": 1}}'])
def test_every_hostile_body_is_a_400_with_a_message(handler, body):
    runtime = RecordingRuntime()
    block = load_block(runtime, SAMPLE)[0]
    status, answer = runtime.call(block, handler, raw=body, token=False)
    assert status == 400 and answer["error"] and block.attempts == 0 and runtime.events == []


@pytest.mark.parametrize("handler", ["studio_validate", "studio_submit", "studio_preview"])
def test_a_learner_cannot_use_the_studio_handlers(runtime, block, handler):
    stored = block.red_flags_xml
    status, answer = runtime.call(block, handler, {"display_name": "x", "weight": 1, "max_attempts": 0,
                                                   "olx": SAMPLE.replace("3,000", "9,000")})
    assert status == 403 and "course team" in answer["error"] and block.red_flags_xml == stored


def test_an_edit_that_removes_flags_keeps_scores_within_the_new_maximum(runtime, block):
    block.max_attempts = 0
    runtime.call(block, "submit", {"selected": [1, 6, 10], "version": block.version})
    assert block.best_earned == 3
    root = etree.fromstring(SAMPLE.encode())
    for flag_id in ("passport", "hurry"):
        flag = root.find(f".//flag[@id='{flag_id}']")
        unwrap(flag)
        root.remove(root.find(f"feedback[@for='{flag_id}']"))
    block.red_flags_xml = core.serialise(core.load_red_flags(etree.tostring(root, encoding="unicode")))
    assert block.max_score() == 1 and block.get_score() == (1, 1)
    assert "3 of 1" not in runtime.render(block, "student_view").content
    # rescored against the edited text, the two units no longer flagged are false alarms: 1 - 2, floored at 0
    block.rescore(only_if_higher=False)
    assert runtime.events_of("grade")[-1] == {"value": 0, "max_value": 1, "only_if_higher": False}


def unwrap(element):
    """Take the tags of ``element`` away and keep its text where it was."""
    parent = element.getparent()
    previous = element.getprevious()
    text = (element.text or "") + (element.tail or "")
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    parent.remove(element)


def test_lowering_max_attempts_gives_no_attempt_back(runtime, block):
    runtime.call(block, "submit", {"selected": [1], "version": block.version})
    runtime.call(block, "reset")
    block.max_attempts = 1
    assert runtime.call(block, "submit", {"selected": [1]})[0] == 400 and block.attempts == 1


# ------------------------------------------------------------------ property: any sequence stays true

ANSWER = st.tuples(st.just("submit"), st.lists(st.integers(0, 11), min_size=1, max_size=6, unique=True),
                   st.just("current"))
MOVES = st.one_of(
    ANSWER, ANSWER, ANSWER,
    st.tuples(st.just("reset"), st.just("current")), st.tuples(st.just("reset"), st.just("current")),
    st.tuples(st.just("submit"), st.lists(st.sampled_from([0, 3, 11, 12, -1, "1", 2.5, True]), max_size=4), TOKENS),
    st.tuples(st.just("reset"), TOKENS),
    st.tuples(st.just("repeat")), st.tuples(st.just("repeat")),
    st.tuples(st.just("hostile"), st.sampled_from(["submit", "reset"]), HOSTILE),
    st.tuples(st.just("studio"), st.sampled_from(["studio_submit", "studio_validate", "studio_preview"])),
    st.tuples(st.just("edit"), st.sampled_from(["unflag", "prepend", "max_attempts"]), st.integers(0, 1000)),
)


def edit(block, kind: str, seed: int) -> None:
    """A course team's save of valid content: a flag unmarked, a sentence added in front (units renumbered)."""
    chance = random.Random(seed)
    if kind == "max_attempts":
        block.max_attempts = chance.choice([0, 1, 2, 3])
        return
    root = etree.fromstring(block.red_flags_xml.encode())
    if kind == "unflag":
        flags = root.findall(".//flag")
        if len(flags) < 2:
            return
        flag = chance.choice(flags)
        root.remove(root.find(f"feedback[@for='{flag.get('id')}']"))
        unwrap(flag)
    else:
        first = root.find(".//p")
        first.text = "One more sentence. " + (first.text or "")
    block.red_flags_xml = core.serialise(core.load_red_flags(etree.tostring(root, encoding="unicode")))
    COUNTS["course-team edits"] += 1


def play(max_attempts: int, moves) -> None:
    TOYRUNTIME_KVS.clear()
    runtime = RecordingRuntime("learner")
    block = load_block(runtime, SAMPLE)[0]
    block.max_attempts = max_attempts
    player = Player(runtime, block)
    for move in moves:
        kind = move[0]
        if kind == "submit":
            player.send("submit", {"selected": move[1], "seq": token(block, move[2])})
        elif kind == "reset":
            player.send("reset", {"seq": token(block, move[1])})
        elif not player.common_move(move):
            edit(block, move[1], move[2])
        score = block.get_score()
        assert 0 <= score.raw_earned <= score.raw_possible == block.max_score()
        player.check(block.max_score())
        assert json.dumps(block.learner_view_data())  # the mobile data stays readable whatever happened


@SETTINGS
@given(st.sampled_from([1, 2, 0]), st.lists(MOVES, min_size=6, max_size=30))
def test_red_flags_grades_and_attempts_stay_true(max_attempts, moves):
    play(max_attempts, moves)
