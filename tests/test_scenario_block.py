"""f2l_scenario in XBlock's own ToyRuntime: OLX round trip, views, handlers, grades, reports."""

import io
import re
from collections import namedtuple

import pytest
from lxml import etree

from free2link_xblocks.core.problems import ContentError
from free2link_xblocks.core.scenario import load_scenario, scenario_body_xml

from .conftest import RecordingRuntime, load_block

AMIRA = open("tests/data/amira.xml", encoding="utf-8").read()
UserState = namedtuple("UserState", "username block_key state updated scope")


@pytest.fixture
def block(runtime):
    return load_block(runtime, AMIRA)[0]


def html_of(runtime, block):
    return runtime.render(block, "student_view").content


def play(runtime, block, *choices):
    """Choose each (step, choice) and read its feedback; return the last response."""
    result = None
    for step, choice in choices:
        status, result = runtime.call(block, "choose", {"step": step, "choice": choice})
        assert status == 200, result
        status, result = runtime.call(block, "proceed")
        assert status == 200, result
    return result


# ------------------------------------------------------------------ OLX


def test_parse_sets_settings_and_content(block):
    assert block.display_name == "A job offer on Instagram (short example)"
    assert block.max_attempts == 2 and block.allow_back is True
    assert block.max_score() == 3
    assert block.scenario == load_scenario(AMIRA)


def test_export_writes_the_readable_form_and_parses_back_identically(runtime, block):
    out = io.BytesIO()
    runtime.export_to_xml(block, out)
    exported = out.getvalue().decode()
    root = etree.fromstring(exported.encode())
    node = root if root.tag == "f2l_scenario" else root.find(".//f2l_scenario")
    assert node.get("display_name") == "A job offer on Instagram (short example)"
    assert node.get("max_attempts") == "2" and node.get("allow_back") == "true"
    assert node.find("step/chat/message").get("from") == "Elena_Jobs"
    # no learner state leaks into an export
    assert "node_id" not in node.attrib and "attempts" not in node.attrib
    again, _ = load_block(RecordingRuntime(), etree.tostring(node, encoding="unicode"))
    assert again.scenario == block.scenario
    assert scenario_body_xml(again.scenario) == scenario_body_xml(block.scenario)


def test_invalid_olx_is_refused_with_line_and_step(runtime):
    broken = AMIRA.replace('next="s2"', 'next="nowhere"')
    with pytest.raises(ContentError) as error:
        load_block(runtime, broken)
    assert re.search(r"\b8: step s1: choice c1 leads to \"nowhere\"", str(error.value))


# ------------------------------------------------------------------ what the browser receives


def test_student_view_shows_only_the_current_step(runtime, block):
    html = html_of(runtime, block)
    assert "Amira, 19, shows you a message" in html
    assert "Ask Amira what she knows about the employer." in html
    # no feedback, points, targets or other steps before a choice
    for secret in ("Open questions keep her in control", "Lecturing can break trust", "Looking together",
                   "Amira stops coming", "end_bad", "points", "s2"):
        assert secret not in html, secret


def test_feedback_is_only_for_the_chosen_choice(runtime, block):
    status, result = runtime.call(block, "choose", {"step": "s1", "choice": "c1"})
    assert status == 200
    assert "Open questions keep her in control." in result["html"]
    assert "Lecturing can break trust" not in result["html"]
    assert result["focus"] == "feedback"
    # reload: the learner is exactly where they were, feedback on screen
    html = html_of(runtime, block)
    assert "Open questions keep her in control." in html and "Continue" in html


def test_user_html_is_escaped(runtime):
    xml = AMIRA.replace("Elena_Jobs", "&lt;script&gt;alert(1)&lt;/script&gt;")
    html = html_of(runtime, load_block(runtime, xml)[0])
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# ------------------------------------------------------------------ playing, grades, completion


def test_playing_to_an_end_publishes_grade_and_completion(runtime, block):
    play(runtime, block, ("s1", "c1"), ("s2", "c1"))
    assert block.attempts == 1 and block.best_points == 3
    assert runtime.events_of("grade") == [{"value": 3, "max_value": 3}]
    assert runtime.events_of("completion") == [{"completion": 1.0}]
    html = html_of(runtime, block)
    assert "Amira decides to wait" in html and "Good outcome" in html
    assert "This attempt: 3 of 3 points" in html and "Open questions keep her in control." in html  # recap


def test_no_completion_on_view(runtime, block):
    html_of(runtime, block)
    assert runtime.events_of("completion") == [] and runtime.events_of("grade") == []


def test_best_attempt_is_kept_and_attempts_are_enforced(runtime, block):
    play(runtime, block, ("s1", "c1"), ("s2", "c1"))
    assert runtime.call(block, "restart")[0] == 200
    play(runtime, block, ("s1", "c2"))
    assert block.attempts == 2 and block.best_points == 3 and block.last_points == 0
    assert runtime.events_of("grade")[-1] == {"value": 3, "max_value": 3}
    status, result = runtime.call(block, "restart")
    assert status == 400 and "used all your attempts" in result["error"]
    assert "Try again" not in html_of(runtime, block)


def test_back_undoes_the_last_decision_when_allowed(runtime, block):
    play(runtime, block, ("s1", "c1"))
    assert block.node_id == "s2"
    status, _ = runtime.call(block, "back")
    assert status == 200 and block.node_id == "s1" and block.path == []


def test_back_is_refused_when_the_author_did_not_allow_it(runtime):
    block = load_block(runtime, AMIRA.replace(' allow_back="true"', ""))[0]
    play(runtime, block, ("s1", "c1"))
    status, result = runtime.call(block, "back")
    assert status == 400 and "not enabled" in result["error"] and block.node_id == "s2"


GARBAGE = [
    b"not json",
    b"[1, 2]",
    b'{"step": "s1"}',
    b'{"step": "s1", "choice": 7}',
    b'{"step": "s2", "choice": "c1"}',
    b'{"step": "s1", "choice": "c9"}',
    b'{"step": "s1", "choice": "' + b"x" * 5000 + b'"}',
]


@pytest.mark.parametrize("body", GARBAGE)
def test_garbage_gets_400_and_leaves_state_untouched(runtime, block, body):
    html_of(runtime, block)
    before = (block.node_id, list(block.path), block.attempts, dict(block.choice_tally))
    status, result = runtime.call(block, "choose", raw=body)
    assert status == 400 and result["error"]
    assert (block.node_id, list(block.path), block.attempts, dict(block.choice_tally)) == before


def test_choices_after_the_end_are_refused(runtime, block):
    play(runtime, block, ("s1", "c2"))
    status, result = runtime.call(block, "choose", {"step": "s1", "choice": "c1"})
    assert status == 400 and block.attempts == 1


# ------------------------------------------------------------------ live edits


def test_an_edit_that_breaks_the_walk_restarts_cleanly_and_keeps_the_best(runtime, block):
    play(runtime, block, ("s1", "c1"), ("s2", "c1"))
    runtime.call(block, "restart")
    play(runtime, block, ("s1", "c1"))
    assert block.node_id == "s2"
    edited = load_scenario(AMIRA.replace('id="s2"', 'id="s2b"').replace('next="s2"', 'next="s2b"'))
    block.scenario_xml = scenario_body_xml(edited)
    html = html_of(runtime, block)
    assert "updated this scenario" in html and block.node_id == "s1"
    assert block.best_points == 3 and block.attempts == 1


def test_an_edit_elsewhere_does_not_disturb_the_learner(runtime, block):
    play(runtime, block, ("s1", "c1"))
    block.scenario_xml = scenario_body_xml(load_scenario(AMIRA.replace("She keeps in touch.", "She stays.")))
    html = html_of(runtime, block)
    assert "updated this scenario" not in html and block.node_id == "s2"


# ------------------------------------------------------------------ reports and tallies


def test_report_rows_are_readable(runtime, block):
    play(runtime, block, ("s1", "c2"))
    runtime.call(block, "restart")
    play(runtime, block, ("s1", "c1"))
    state = {name: getattr(block, name) for name in
             ("node_id", "path", "attempts", "best_points", "last_points", "last_path", "last_node_id")}
    states = [UserState("worker1", "key", state, None, None), UserState("worker2", "key", {}, None, None)]
    rows = list(block.generate_report_data(iter(states)))
    assert [name for name, _ in rows] == ["worker1", "worker2"]
    row = rows[0][1]
    assert row["Attempts"] == 1 and row["Best score"] == 0 and row["Max score"] == 3
    assert row["Completed"] == "yes" and row["Last outcome"] == "Amira stops coming"
    assert row["Last path"] == "The message: Tell her it is obviously a trafficker."
    assert row["Harmful choices in last path"] == "Tell her it is obviously a trafficker."
    assert row["Harmful choice ids"] == "s1:c2" and row["Last path ids"] == "s1:c2"
    assert row["Current step"] == "Looking together"
    assert rows[1][1]["Completed"] == "no" and rows[1][1]["Best score"] == ""
    assert len(list(block.generate_report_data(iter(states), limit_responses=1))) == 1


def test_staff_see_the_class_tally_and_learners_do_not(block):
    learner = RecordingRuntime("learner")
    learner_block = learner.get_block(block.scope_ids.usage_id)
    learner.call(learner_block, "choose", {"step": "s1", "choice": "c2"})
    assert "How the class chose" not in learner.render(learner_block, "student_view").content
    staff = RecordingRuntime("teacher", staff=True)
    staff_block = staff.get_block(block.scope_ids.usage_id)
    html = staff.render(staff_block, "student_view").content
    assert "How the class chose" in html
    assert re.search(r"Tell her it is obviously a trafficker\..*?<td>1</td><td>100%</td>", html, re.S)


# ------------------------------------------------------------------ Studio


def studio_payload(block, **changes):
    payload = {"display_name": "Edited", "weight": "2", "max_attempts": "3", "allow_back": False, "shuffle": False,
               "olx": block.scenario_xml}
    payload.update(changes)
    return payload


def test_studio_view_renders_the_settings_and_olx(runtime, block):
    html = runtime.render(block, "studio_view").content
    assert re.search(r'name="max_attempts" data-kind="count" value="2"', html)
    assert "Elena_Jobs" in html and "Maximum score: 3" in html


def test_studio_saves_valid_content(runtime, block):
    olx = block.scenario_xml.replace('points="2"', 'points="5"')
    runtime.as_staff()
    status, answer = runtime.call(block, "studio_submit", studio_payload(block, olx=olx))
    assert status == 200 and "Maximum score: 6" in answer["summary"]
    assert block.display_name == "Edited" and block.weight == 2.0 and block.max_attempts == 3
    assert block.max_score() == 6


@pytest.mark.parametrize("changes, expected", [
    ({"olx": "<f2l_scenario><step id='a'>"}, "not well-formed XML"),
    ({"olx": AMIRA.split("<f2l_scenario")[0] + "<f2l_scenario><step id='a'><choice next='b'><label>x</label>"
             "</choice></step><end id='e'/></f2l_scenario>"}, 'choice c1 leads to "b", which does not exist'),
    ({"olx": '<!DOCTYPE x [<!ENTITY e "boom">]><f2l_scenario/>'}, "DOCTYPE and ENTITY declarations"),
    ({"weight": "-1"}, "weight must be a number of at least 0"),
    ({"max_attempts": "2.5"}, "max_attempts must be a whole number from 0 to 1000"),
    ({"display_name": ""}, "display_name must be between 1 and 255 characters"),
    ({"allow_back": "maybe"}, "allow_back must be true or false"),
    ({"olx": '<f2l_scenario max_attempts="9"><step id="a"><choice next="e"><label>x</label></choice></step>'
             '<end id="e"/></f2l_scenario>'}, "not as attributes in the OLX: max_attempts"),
])
def test_studio_refuses_invalid_input_and_stores_nothing(runtime, block, changes, expected):
    before = (block.scenario_xml, block.display_name, block.weight, block.max_attempts, block.allow_back)
    runtime.as_staff()
    status, answer = runtime.call(block, "studio_submit", studio_payload(block, **changes))
    assert status == 400 and expected in answer["error"], answer
    assert (block.scenario_xml, block.display_name, block.weight, block.max_attempts, block.allow_back) == before


def test_a_choice_made_on_an_outdated_page_is_refused(runtime, block):
    html = html_of(runtime, block)
    version = re.search(r'data-version="([0-9a-f]+)"', html).group(1)
    block.scenario_xml = scenario_body_xml(load_scenario(AMIRA.replace("Open questions", "Questions")))
    status, result = runtime.call(block, "choose", {"step": "s1", "choice": "c1", "version": version})
    assert status == 400 and "reload" in result["error"] and block.path == []
