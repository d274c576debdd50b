"""Grades that stay true (issue 13), in XBlock's ToyRuntime: the action token, Studio handlers for
staff only, no 500 from any body, scores clamped after course-team edits, no attempt handed out
by an edit, and choice ids that do not depend on their order."""

import io
import json
import re

import pytest
from lxml import etree

from free2link_xblocks.core import authoring
from free2link_xblocks.core.markup import parse_xml
from free2link_xblocks.core.safejson import json_depth
from free2link_xblocks.core.scenario import load_scenario, parse_scenario_element, scenario_body_xml

from .conftest import RecordingRuntime, load_block

AMIRA = open("tests/data/amira.xml", encoding="utf-8").read()  # max score 3, max_attempts 2
HOSTESS = open("tests/data/hostess.xml", encoding="utf-8").read()
LEARNER_HANDLERS = [("scenario", "choose"), ("scenario", "proceed"), ("scenario", "back"),
                    ("scenario", "restart"), ("quiz", "submit"), ("quiz", "reset")]
STUDIO_HANDLERS = ["studio_validate", "studio_submit", "studio_preview"]


def blocks(runtime):
    return {"scenario": load_block(runtime, AMIRA)[0], "quiz": load_block(runtime, HOSTESS)[0]}


def edit_scenario(block, xml):
    """What a course team's save does to the stored content."""
    block.scenario_xml = scenario_body_xml(load_scenario(xml))


# ------------------------------------------------------------------ the action token


def test_a_repeated_request_is_replayed_and_counts_once(runtime):
    quiz = blocks(runtime)["quiz"]
    first = runtime.call(quiz, "submit", {"selected": ["pay"], "seq": 0}, token=False)
    again = runtime.call(quiz, "submit", {"selected": ["pay"], "seq": 0}, token=False)
    assert first[0] == again[0] == 200 and again[1]["replayed"] is True and again[1]["html"] == first[1]["html"]
    assert quiz.attempts == 1 and quiz.action_seq == 1
    assert len(runtime.events_of("grade")) == 1 and len(runtime.events_of("xblock.f2l_indicator_quiz.submitted")) == 1


def test_a_stale_token_is_refused_with_the_current_view_and_changes_nothing(runtime):
    scenario = blocks(runtime)["scenario"]
    assert runtime.call(scenario, "choose", {"step": "s1", "choice": "c2"})[0] == 200
    # another tab, rendered before that choice, sends a different choice with the old token
    status, answer = runtime.call(scenario, "choose", {"step": "s1", "choice": "c1", "seq": 0}, token=False)
    assert status == 409 and "out of date" in answer["error"] and answer["seq"] == 1
    assert "Lecturing can break trust." in answer["html"]  # the feedback the learner really has
    assert scenario.path == [["s1", "c2"]] and scenario.action_seq == 1
    # a token from the future is as stale as one from the past
    assert runtime.call(scenario, "proceed", {"seq": 7}, token=False)[0] == 409


@pytest.mark.parametrize("kind, handler", LEARNER_HANDLERS)
@pytest.mark.parametrize("token", [None, "0", 1.0, True, [0]])
def test_a_learner_action_without_a_whole_number_token_is_a_400(runtime, kind, handler, token):
    block = blocks(runtime)[kind]
    payload = {"step": "s1", "choice": "c1", "selected": ["pay"]}
    if token is not None:
        payload["seq"] = token
    status, answer = runtime.call(block, handler, payload, token=False)
    assert status == 400 and '"seq"' in answer["error"] and block.action_seq == 0


def test_the_page_carries_the_token_and_each_answer_the_next(runtime):
    scenario = blocks(runtime)["scenario"]
    assert scenario.student_view().json_init_args["seq"] == 0
    assert runtime.call(scenario, "choose", {"step": "s1", "choice": "c1"})[1]["seq"] == 1
    assert runtime.call(scenario, "proceed")[1]["seq"] == 2
    assert scenario.student_view().json_init_args["seq"] == 2


def test_a_refused_action_uses_no_token(runtime):
    scenario = blocks(runtime)["scenario"]
    assert runtime.call(scenario, "choose", {"step": "s9", "choice": "c1"})[0] == 400
    assert scenario.action_seq == 0 and runtime.call(scenario, "choose", {"step": "s1", "choice": "c1"})[0] == 200


# ------------------------------------------------------------------ Studio handlers: course staff only


@pytest.mark.parametrize("handler", STUDIO_HANDLERS)
@pytest.mark.parametrize("kind", ["scenario", "quiz"])
def test_a_learner_cannot_use_the_studio_handlers(runtime, kind, handler):
    block = blocks(runtime)[kind]
    before = (block.content_xml, block.display_name, block.weight, block.max_attempts)
    settings = {s.name: getattr(block, s.name) for s in block.settings_spec}
    payload = {**settings, "display_name": "Hacked", "olx": block.content_xml.replace("Amira", "Eve")}
    status, answer = runtime.call(block, handler, payload)
    assert status == 403 and answer["error"] == "Only the course team can edit this exercise."
    assert (block.content_xml, block.display_name, block.weight, block.max_attempts) == before
    assert runtime.as_staff().call(block, handler, payload)[0] == 200  # the same request, by course staff


class Permissions:
    """Studio's ``studio_user_permissions`` service: may this user write to the course?"""

    def __init__(self, allowed):
        self.allowed = allowed
        self.asked = []

    def can_write(self, course_key):
        self.asked.append(course_key)
        return self.allowed


class UsageKey(str):
    context_key = "course-v1:Free2Link+ETRAF101+2026"


@pytest.mark.parametrize("allowed, status", [(True, 200), (False, 403)])
def test_in_studio_the_platform_permission_decides_not_the_lms_staff_flag(allowed, status):
    runtime = RecordingRuntime("author", staff=not allowed)
    permissions = Permissions(allowed)
    runtime._services["studio_user_permissions"] = permissions
    block = load_block(runtime, AMIRA)[0]
    block.scope_ids = block.scope_ids._replace(usage_id=UsageKey(block.scope_ids.usage_id))
    settings = {s.name: getattr(block, s.name) for s in block.settings_spec}
    assert runtime.call(block, "studio_validate", {**settings, "olx": block.content_xml})[0] == status
    assert permissions.asked == ["course-v1:Free2Link+ETRAF101+2026"]


# ------------------------------------------------------------------ no 500 from any body

HOSTILE_BODIES = [b"[" * 1000 + b"]" * 1000, b'{"a":' * 1000 + b"1" + b"}" * 1000, b"[" * 100_000,
                  b"\xff\xfe{}", b"", b"null", b'{"seq": 0, "x": 1e999999}', b'{"seq": 0, "x": ' + b"9" * 5000 + b"}",
                  b'{"seq": "' + b"a" * 200_000 + b'"}', b'"\\ud800"', b"{" + b" " * 10 + b"\x00}"]


@pytest.mark.parametrize("body", HOSTILE_BODIES, ids=range(len(HOSTILE_BODIES)))
@pytest.mark.parametrize("kind, handler", LEARNER_HANDLERS + [(k, h) for k in ("scenario", "quiz")
                                                               for h in STUDIO_HANDLERS])
def test_every_handler_answers_a_hostile_body_with_a_400_and_a_message(kind, handler, body):
    runtime = RecordingRuntime("someone", staff=True)
    block = blocks(runtime)[kind]
    before = (block.content_xml, block.action_seq, block.attempts)
    status, answer = runtime.call(block, handler, raw=body)
    if handler == "studio_validate" and status == 200:  # a JSON object: checked, and its problems listed
        assert body.startswith(b"{") and answer["errors"] >= 1, answer
    else:
        assert status == 400 and isinstance(answer["error"], str) and answer["error"], answer
    assert (block.content_xml, block.action_seq, block.attempts) == before


def test_json_depth_ignores_brackets_in_strings():
    assert json_depth('{"a": ["[[[[", {"b": "}}}"}]}') == 3 and json_depth("[]") == 1 and json_depth('"["') == 0


def deep_chat_form(block):
    form = authoring.scenario_to_form(block.model)
    nested = "<span>" * 253 + "x" + "</span>" * 253
    form["nodes"][0]["parts"].append({"kind": "chat", "platform": "Chat", "messages": [
        {"from": "A", "time": "", "self": False, "markup": nested}]})
    return {**{s.name: getattr(block, s.name) for s in block.settings_spec}, "form": form}


def test_markup_nested_beyond_the_parser_limit_is_a_validation_message_not_a_500():
    runtime = RecordingRuntime("author", staff=True)
    block = blocks(runtime)["scenario"]
    before = block.content_xml
    status, answer = runtime.call(block, "studio_validate", deep_chat_form(block))
    assert status == 200 and answer["errors"] == 1 and "Excessive depth" in answer["problems"][0]["message"]
    for handler in ("studio_submit", "studio_preview"):
        status, answer = runtime.call(block, handler, deep_chat_form(block))
        assert status == 400 and "Excessive depth" in answer["error"]
    assert block.content_xml == before


# ------------------------------------------------------------------ course-team edits


def test_a_lowered_maximum_clamps_the_best_score_everywhere(runtime):
    scenario = blocks(runtime)["scenario"]
    for step, choice in (("s1", "c1"), ("s2", "c1")):
        runtime.call(scenario, "choose", {"step": step, "choice": choice})
        runtime.call(scenario, "proceed")
    assert scenario.best_points == 3 and runtime.events_of("grade")[-1] == {"value": 3, "max_value": 3}
    edit_scenario(scenario, AMIRA.replace('points="2"', 'points="0"'))  # the maximum is now 1
    html = runtime.render(scenario, "student_view").content
    assert "Best score: 1 of 1 point" in html and "3 of 1" not in html
    row = dict(scenario._report_row(scenario.scenario, 1, {"best_points": 3, "attempts": 1}))
    assert row["Best score"] == 1 and row["Max score"] == 1
    runtime.call(scenario, "restart")
    runtime.call(scenario, "choose", {"step": "s1", "choice": "c2"})
    assert runtime.events_of("grade")[-1] == {"value": 1, "max_value": 1}


def test_a_quiz_switched_to_all_or_nothing_never_scores_above_one(runtime):
    quiz = blocks(runtime)["quiz"]
    quiz.max_attempts = 0
    runtime.call(quiz, "submit", {"selected": ["pay", "debt"]})
    assert quiz.best_earned == 3
    quiz.scoring = "all_or_nothing"
    assert (quiz.get_score().raw_earned, quiz.get_score().raw_possible) == (1, 1)
    assert "3 of 1" not in runtime.render(quiz, "student_view").content
    runtime.call(quiz, "reset")
    runtime.call(quiz, "submit", {"selected": ["pay"]})
    assert all(g["value"] <= g["max_value"] for g in runtime.events_of("grade"))
    last = runtime.events_of("grade")[-1]
    assert (last["value"], last["max_value"]) == (1, 1)


def test_an_edit_that_breaks_the_path_gives_no_attempt_back(runtime):
    scenario = blocks(runtime)["scenario"]
    for _attempt in range(2):
        runtime.call(scenario, "restart")
        runtime.call(scenario, "choose", {"step": "s1", "choice": "c2"})
    assert scenario.attempts == 2 and runtime.call(scenario, "restart")[0] == 400
    # the course team removes the end the learner stands on, and the choice that led there
    edited = AMIRA.replace('next="end_bad"', 'next="end_good"')
    edit_scenario(scenario, re.sub(r'<end id="end_bad".*?</end>', "", edited, flags=re.S))
    assert 'type="radio"' not in runtime.render(scenario, "student_view").content  # no step to play
    status, answer = runtime.call(scenario, "choose", {"step": "s1", "choice": "c1"})
    assert status == 400 and "used all your attempts" in answer["error"]
    assert scenario.attempts == 2 and len(runtime.events_of("grade")) == 2


def test_an_edit_of_max_attempts_below_the_attempts_used_gives_none_back(runtime):
    quiz = blocks(runtime)["quiz"]
    runtime.call(quiz, "submit", {"selected": ["pay"]})
    runtime.call(quiz, "reset")
    quiz.max_attempts = 1
    assert runtime.call(quiz, "submit", {"selected": ["pay"]})[0] == 400 and quiz.attempts == 1


# ------------------------------------------------------------------ stable choice ids


def test_export_and_the_form_write_every_choice_id():
    scenario = load_scenario(AMIRA)
    exported = scenario_body_xml(scenario)
    assert len(re.findall(r"<choice ", exported)) == len(re.findall(r'<choice id="c\d"', exported)) == 3
    checked = authoring.check_scenario_form(json.loads(json.dumps(authoring.scenario_to_form(scenario))))
    assert len(re.findall(r'<choice id="c\d"', checked.olx)) == 3


def test_reordering_choices_with_ids_keeps_a_learners_path(runtime):
    scenario = blocks(runtime)["scenario"]
    runtime.call(scenario, "choose", {"step": "s1", "choice": "c1"})
    runtime.call(scenario, "proceed")
    root = etree.fromstring(scenario.scenario_xml.encode())
    step = root.find("step[@id='s1']")
    first, second = step.findall("choice")
    step.remove(second)
    first.addprevious(second)  # c2 now comes first
    scenario.scenario_xml = etree.tostring(root, encoding="unicode")
    html = runtime.render(scenario, "student_view").content
    assert "has updated this scenario" not in html and scenario.path == [["s1", "c1"]] and scenario.node_id == "s2"


def test_the_validator_warns_where_a_choice_has_no_id():
    xml = ('<f2l_scenario><step id="a"><choice next="e"><label>x</label><feedback>f</feedback></choice>'
           '<choice id="keep" next="e"><label>y</label><feedback>f</feedback></choice></step>'
           '<end id="e"/></f2l_scenario>')
    _model, problems = parse_scenario_element(parse_xml(xml))
    assert [p.format() for p in problems] == [
        '1: step a: warning: choice 1 has no id="...": it is called c1 by its position, so reordering or removing '
        "choices would change learners' saved paths"]


def test_exported_olx_carries_the_ids(runtime):
    scenario = blocks(runtime)["scenario"]
    out = io.BytesIO()
    runtime.export_to_xml(scenario, out)
    assert out.getvalue().decode().count('<choice id="') == 3
