"""The Studio editor's handlers in XBlock's ToyRuntime: validate, submit (form or OLX), preview; nothing invalid stored."""

import json
import re

import pytest

from free2link_xblocks.core.authoring import quiz_to_form, scenario_to_form

from .conftest import RecordingRuntime, load_block

AMIRA = open("tests/data/amira.xml", encoding="utf-8").read()
HOSTESS = open("tests/data/hostess.xml", encoding="utf-8").read()
SCENARIO_SETTINGS = {"display_name": "Amira", "weight": "1", "max_attempts": "2", "allow_back": True,
                     "shuffle": False}
QUIZ_SETTINGS = {"display_name": "Hostess", "weight": "1", "max_attempts": "2", "scoring": "every_decision",
                 "shuffle": False}


@pytest.fixture
def runtime():
    return RecordingRuntime("author", staff=True)


@pytest.fixture
def scenario(runtime):
    return load_block(runtime, AMIRA)[0]


@pytest.fixture
def quiz(runtime):
    return load_block(runtime, HOSTESS)[0]


def stored(block):
    return (block.content_xml, *(getattr(block, s.name) for s in block.settings_spec))


def test_the_editor_page_carries_the_form_and_its_messages(runtime, scenario):
    html = runtime.render(scenario, "studio_view").content
    data = json.loads(re.search(r'<script id="[^"]+-studio-data" type="application/json">(.*?)</script>', html,
                                re.S).group(1))
    assert data["form"] == scenario_to_form(scenario.model) and data["kind"] == "f2l_scenario"
    assert data["messages"]["add_step"] == "Add a step" and data["labels"]["quality"]["good"] == "A helpful choice"
    assert 'role="tablist"' in html and "<dialog" in html and "Steps: 2. Ends: 2. Maximum score: 3." in html
    # The overview links each step to its place in the form.
    assert re.search(r'href="#f2l-\w+-f-nodes-1"[^>]*>Step s2: Looking together</a>', html)
    # Learner pages are unchanged: the editor's script and style load in the studio view only.
    learner = runtime.render(scenario, "student_view")
    assert not any("studio" in r.data for r in learner.resources)


def test_validate_reports_problems_with_paths_the_outline_and_the_olx_and_stores_nothing(runtime, scenario):
    before = stored(scenario)
    form = scenario_to_form(scenario.model)
    form["nodes"][0]["choices"][0]["next"] = "s9"
    status, answer = runtime.call(scenario, "studio_validate", {**SCENARIO_SETTINGS, "weight": "-2", "form": form})
    assert status == 200 and answer["errors"] == 2 and answer["status"] == "2 errors to fix before saving."
    assert {(p["path"], p["message"]) for p in answer["problems"]} == {
        ("settings.weight", 'weight must be a number of at least 0, not "-2"'),
        # next to its field, in the author's words: no OLX line, attribute or repeated step id
        ("nodes.0.choices.0.next",
         "This choice leads to \u201cs9\u201d, which is not in the scenario: choose where it leads."),
    }
    assert "a step that does not exist: \u201cs9\u201d" in answer["outline"]
    assert "2 errors must be fixed before saving" in answer["outline"]
    assert 'next="s9"' in answer["olx"]
    assert stored(scenario) == before


def test_validate_of_olx_gives_lines_and_the_form_once_it_is_valid(runtime, scenario):
    status, answer = runtime.call(scenario, "studio_validate", {**SCENARIO_SETTINGS,
                                                                "olx": scenario.content_xml.replace('"s2"', '"s9"', 1)})
    assert status == 200 and "form" not in answer
    assert re.fullmatch(r'\d+: step s1: choice c1 leads to "s9", which does not exist', answer["problems"][0]["message"])
    status, answer = runtime.call(scenario, "studio_validate", {**SCENARIO_SETTINGS, "olx": scenario.content_xml})
    assert answer["status"] == "No problems found." and answer["form"] == scenario_to_form(scenario.model)
    assert "Steps: 2. Ends: 2. Maximum score: 3." in answer["outline"]


def test_submit_of_the_form_stores_the_content_and_settings(runtime, scenario):
    form = scenario_to_form(scenario.model)
    form["nodes"][0]["choices"][0]["points"] = "5"
    form["nodes"][0]["choices"].reverse()  # reordered: the choice ids stay with their choices
    status, answer = runtime.call(scenario, "studio_submit", {**SCENARIO_SETTINGS, "max_attempts": "4", "form": form})
    assert status == 200 and answer["summary"] == "Saved. Steps: 2. Ends: 2. Maximum score: 6."
    assert scenario.max_attempts == 4 and scenario.display_name == "Amira"
    assert [c.id for c in scenario.model.nodes[0].choices] == ["c2", "c1"]
    assert '<choice id="c2"' in scenario.content_xml


@pytest.mark.parametrize("payload, expected", [
    ({"form": {"nodes": []}}, "the scenario has no <step>"),
    ({"form": "<f2l_scenario/>"}, "form must be a JSON object"),
    ({"form": {"nodes": [{"kind": "step", "id": "a", "choices": [{"next": "e", "label": "x"}]},
                         {"kind": "end", "id": "e", "parts": [{"kind": "script", "markup": "x"}]}]}},
     "nodes.1.parts.0.kind must be one of text, chat, advert"),
    ({"form": {"nodes": [{"kind": "step", "id": "a", "choices": [{"next": "e", "label": "<p>x"}]},
                         {"kind": "end", "id": "e"}]}}, "step a: the text is not well-formed"),
    ({"form": {"nodes": [{"kind": "step", "id": "a", "choices": [{"next": "a", "label": "x", "points": "3"}]},
                         {"kind": "end", "id": "e"}]}}, "leads back into a loop"),
    ({"olx": '<f2l_scenario><step id="a"><choice next="b"><label>x</label></choice></step><end id="e"/></f2l_scenario>'},
     '1: step a: choice c1 leads to "b", which does not exist'),
    ({"olx": ""}, "the OLX is missing or too long"),
    ({}, "the OLX is missing or too long"),
])
def test_submit_refuses_invalid_or_tampered_content_and_stores_nothing(runtime, scenario, payload, expected):
    before = stored(scenario)
    status, answer = runtime.call(scenario, "studio_submit", {**SCENARIO_SETTINGS, "display_name": "Changed", **payload})
    assert status == 400 and expected in answer["error"], answer
    assert stored(scenario) == before


@pytest.mark.parametrize("handler", ["studio_validate", "studio_submit", "studio_preview"])
@pytest.mark.parametrize("raw", [b"[1, 2]", b'"form"', b"null", b"{not json"])
def test_garbage_requests_get_a_400_with_a_message(runtime, scenario, handler, raw):
    before = stored(scenario)
    status, answer = runtime.call(scenario, handler, raw=raw)
    assert status == 400 and answer["error"], answer
    assert stored(scenario) == before


def test_preview_renders_any_step_or_end_of_unsaved_content_and_stores_nothing(runtime, scenario):
    before = stored(scenario)
    form = scenario_to_form(scenario.model)
    form["nodes"][1]["title"] = "Looking at it together"
    status, answer = runtime.call(scenario, "studio_preview", {**SCENARIO_SETTINGS, "form": form, "show": "s2"})
    assert status == 200 and answer["shown"] == "s2"
    assert "Looking at it together" in answer["html"] and "Look at the offer together." in answer["html"]
    assert "Good." not in answer["html"]  # like the learner view: no feedback before a choice
    assert [o["value"] for o in answer["options"]] == ["s1", "s2", "end_good", "end_bad"]
    status, answer = runtime.call(scenario, "studio_preview", {**SCENARIO_SETTINGS, "form": form, "show": "end_bad"})
    assert "She stops coming." in answer["html"] and "Poor outcome" in answer["html"]
    status, answer = runtime.call(scenario, "studio_preview", {**SCENARIO_SETTINGS, "form": form, "show": ["x"]})
    assert answer["shown"] == "s1"
    assert stored(scenario) == before and scenario.node_id == "" and scenario.path == []


def test_a_learner_keeps_their_place_when_the_form_saves_an_edit_that_keeps_their_path(runtime, scenario):
    """The scenario's live-edit rule holds for edits made in the form: ids are kept, so paths stay valid."""
    learner = RecordingRuntime("amira_learner")
    mine = learner.get_block(scenario.scope_ids.usage_id)
    learner.render(mine, "student_view")
    assert learner.call(mine, "choose", {"step": "s1", "choice": "c1"})[0] == 200
    learner.call(mine, "proceed")
    form = scenario_to_form(scenario.model)
    form["nodes"][0]["choices"].reverse()
    form["nodes"][1]["title"] = "Looking together, carefully"
    assert runtime.call(scenario, "studio_submit", {**SCENARIO_SETTINGS, "form": form})[0] == 200
    mine = learner.get_block(scenario.scope_ids.usage_id)
    html = learner.render(mine, "student_view").content
    assert "Looking together, carefully" in html and "starts again" not in html and mine.path == [["s1", "c1"]]
    # An edit that removes the step the learner is on sends them back to the start, with a message.
    form["nodes"] = [n for n in form["nodes"] if n["id"] != "s2"]
    form["nodes"][0]["choices"][1]["next"] = "end_good"
    assert runtime.call(scenario, "studio_submit", {**SCENARIO_SETTINGS, "form": form})[0] == 200
    mine = learner.get_block(scenario.scope_ids.usage_id)
    html = learner.render(mine, "student_view").content
    assert "starts again from the beginning" in html and mine.path == []


def test_quiz_validate_submit_and_preview(runtime, quiz):
    form = quiz_to_form(quiz.model)
    form["indicators"][0]["strength"] = "high"
    status, answer = runtime.call(quiz, "studio_validate", {**QUIZ_SETTINGS, "form": form})
    assert [(p["path"], p["message"]) for p in answer["problems"]] == [
        ("indicators.0.strength", 'strength must be one of strong, medium, weak, not "high"')]
    before = stored(quiz)
    assert runtime.call(quiz, "studio_submit", {**QUIZ_SETTINGS, "form": form})[0] == 400
    assert stored(quiz) == before
    form["indicators"][0]["strength"] = "strong"
    status, answer = runtime.call(quiz, "studio_validate", {**QUIZ_SETTINGS, "scoring": "all_or_nothing",
                                                            "form": form})
    assert "Maximum score: 1." in answer["outline"] and "Present in the case" in answer["outline"]
    status, answer = runtime.call(quiz, "studio_preview", {**QUIZ_SETTINGS, "form": form})
    assert status == 200 and "Hostesses wanted, Milan" in answer["html"] and answer["options"] == []
    assert "Strong indicator" not in answer["html"]  # the preview is the question, as learners first see it
    status, answer = runtime.call(quiz, "studio_submit", {**QUIZ_SETTINGS, "form": form})
    assert status == 200 and quiz.model.indicators[0].strength == "strong"
