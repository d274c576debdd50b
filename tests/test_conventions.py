"""Open edX conventions in XBlock's ToyRuntime: the mobile app (multi_device, student_view_data), course
search (index_dictionary), rescoring scenarios, the content's language, Studio's author_view, and handler
HTML through the replace_urls service. The LMS side of each (course blocks API, search indexer, Instructor
Dashboard rescore, Studio unit page) is for the platform suite."""

import json
import re

import pytest
from lxml import etree
from xblock.core import XBlock, XBlockMixin
from xblock.fields import Scope, String
from xblock.runtime import Mixologist

from free2link_xblocks.core.scenario import load_scenario, scenario_to_element

from .conftest import RecordingRuntime, load_block

AMIRA = open("tests/data/amira.xml", encoding="utf-8").read()
HOSTESS = open("tests/data/hostess.xml", encoding="utf-8").read()
RED_FLAGS = open("tests/data/red_flags.xml", encoding="utf-8").read()
FEEDBACK = ["Open questions keep her in control.", "Lecturing can break trust.", "Good."]


def as_json(data) -> str:
    return json.dumps(data, ensure_ascii=False)  # also proves it is JSON, as the course blocks API sends it


# ------------------------------------------------------------------ mobile app


@pytest.mark.parametrize("xml", [AMIRA, HOSTESS, RED_FLAGS])
def test_the_learner_view_is_declared_for_every_device(runtime, xml):
    block = load_block(runtime, xml)[0]
    assert block.has_support(block.student_view, "multi_device")
    assert not block.has_support(block.studio_view, "multi_device")


def test_scenario_data_shows_the_current_step_and_nothing_ahead(runtime):
    block = load_block(runtime, AMIRA)[0]
    data = block.learner_view_data()
    text = as_json(data)
    assert data["state"] == "step" and data["step"]["id"] == "s1"
    assert [c["label"] for c in data["step"]["choices"]] == ["Ask Amira what she knows about the employer.",
                                                            "Tell her it is obviously a trafficker."]
    assert data["step"]["body"][1]["messages"][1] == {"from": "Amira", "html": "Really? What do I need?",
                                                      "self": True, "time": "21:10"}
    for hidden in [*FEEDBACK, "Looking together", "Hostess wanted", "Amira decides to wait", "She stops coming",
                   '"points"', '"next"', "end_bad", "harmful"]:
        assert hidden not in text, hidden


def test_scenario_data_gives_the_feedback_of_the_choice_made_only(runtime):
    block = load_block(runtime, AMIRA)[0]
    assert runtime.call(block, "choose", {"step": "s1", "choice": "c1"})[0] == 200
    data = block.learner_view_data()
    text = as_json(data)
    assert data["state"] == "feedback" and data["chosen"]["feedback"] == FEEDBACK[0]
    assert FEEDBACK[1] not in text and "Looking together" not in text
    runtime.call(block, "proceed")
    data = block.learner_view_data()
    assert data["state"] == "step" and data["step"]["title"] == "Looking together"
    assert FEEDBACK[0] not in as_json(data)
    runtime.call(block, "choose", {"step": "s2", "choice": "c1"})
    runtime.call(block, "proceed")
    data = block.learner_view_data()
    assert data["state"] == "end" and data["end"]["title"] == "Amira decides to wait"
    assert [d["feedback"] for d in data["path"]] == [FEEDBACK[0], FEEDBACK[2]]
    assert "Amira stops coming" not in as_json(data) and data["last_score"] == 3 == data["max_score"]


def test_scenario_data_after_an_edit_removed_the_learners_step_is_the_first_step(runtime):
    block = load_block(runtime, AMIRA)[0]
    runtime.call(block, "choose", {"step": "s1", "choice": "c1"})
    runtime.call(block, "proceed")
    edited = load_scenario(AMIRA.replace('next="s2"', 'next="end_good"').replace(
        AMIRA[AMIRA.index('  <step id="s2"'):AMIRA.index('  <end id="end_good"')], ""))
    block.scenario_xml = etree.tostring(scenario_to_element(edited), encoding="unicode")
    data = block.learner_view_data()
    assert data["state"] == "step" and data["step"]["id"] == "s1"


def test_quiz_data_has_no_answer_key_before_an_answer(runtime):
    block = load_block(runtime, HOSTESS)[0]
    data = block.learner_view_data()
    text = as_json(data)
    assert data["state"] == "answering" and [i["id"] for i in data["indicators"]] == ["pay", "debt", "contract"]
    assert "Maria, 20, shows you the advert." in text and data["prompt"].startswith("Which indicators")
    for hidden in ("present", "strength", "medium", "feedback", "Several medium indicators", "result"):
        assert hidden not in text, hidden
    assert runtime.call(block, "submit", {"selected": ["pay"]})[0] == 200
    data = block.learner_view_data()
    assert data["state"] == "result" and data["result"]["selected"] == ["pay"]
    assert {m["id"]: m["verdict"] for m in data["result"]["markings"]} == {
        "pay": "spotted", "debt": "missed", "contract": "left_out"}


def test_quiz_data_follows_the_learners_shuffled_order(runtime):
    block = load_block(runtime, HOSTESS.replace("<f2l_indicator_quiz", '<f2l_indicator_quiz shuffle="true"', 1))[0]
    assert [i["id"] for i in block.learner_view_data()["indicators"]] == [i.id for i in block._order()]


# ------------------------------------------------------------------ course search


def test_search_indexes_the_situation_not_the_feedback(runtime):
    scenario = load_block(runtime, AMIRA)[0].index_dictionary()
    situation = scenario["content"]["situation"]
    assert scenario["content"]["display_name"] == "A job offer on Instagram (short example)"
    assert "Amira, 19, shows you a message" in situation and "Hostess wanted" in situation
    assert "Looking together" in situation
    assert not any(f in situation for f in FEEDBACK) and "She keeps in touch." not in situation
    assert scenario["content_type"] == "Branching scenario"
    quiz = load_block(runtime, HOSTESS)[0].index_dictionary()
    assert "Maria, 20, shows you the advert." in quiz["content"]["case"]
    assert "Several medium indicators" not in as_json(quiz) and "Explain" not in as_json(quiz)


# ------------------------------------------------------------------ rescoring


def walk(runtime, block, *choices):
    """Play to an end and start again (where attempts remain)."""
    for step, choice in choices:
        assert runtime.call(block, "choose", {"step": step, "choice": choice})[0] == 200
        assert runtime.call(block, "proceed")[0] == 200
    runtime.call(block, "restart")


def test_rescoring_a_scenario_marks_the_kept_walks_against_the_corrected_points(runtime):
    block = load_block(runtime, AMIRA.replace('max_attempts="2"', 'max_attempts="0"'))[0]
    walk(runtime, block, ("s1", "c2"))
    walk(runtime, block, ("s1", "c1"), ("s2", "c1"))
    assert block.has_submitted_answer() and block.get_score() == (3, 3)
    corrected = load_scenario(AMIRA.replace('next="end_bad" points="0"', 'next="end_bad" points="5"'))
    block.scenario_xml = etree.tostring(scenario_to_element(corrected), encoding="unicode")
    assert block.calculate_score() == (5, 5)
    block.rescore(only_if_higher=False)
    assert runtime.events_of("grade")[-1] == {"value": 5, "max_value": 5, "only_if_higher": False}


def test_the_best_walk_is_kept_for_rescoring_however_many_follow(runtime):
    from free2link_xblocks.scenario.conventions import MAX_KEPT_PATHS

    block = load_block(runtime, AMIRA.replace('max_attempts="2"', 'max_attempts="0"'))[0]
    walk(runtime, block, ("s1", "c1"), ("s2", "c1"))  # 3 points, the best
    for _attempt in range(MAX_KEPT_PATHS + 3):
        walk(runtime, block, ("s1", "c2"))  # 0 points
    assert len(block.finished_paths) == MAX_KEPT_PATHS
    assert block.calculate_score() == (3, 3)


def test_a_walk_the_edit_made_impossible_does_not_count(runtime):
    block = load_block(runtime, AMIRA)[0]
    walk(runtime, block, ("s1", "c1"), ("s2", "c1"))
    edited = load_scenario(AMIRA.replace('<choice next="end_good"', '<choice id="look" next="end_good"'))
    block.scenario_xml = etree.tostring(scenario_to_element(edited), encoding="unicode")
    assert block.calculate_score() == (3, 3)  # the walk now ends elsewhere: the score stands


def test_a_learner_who_never_finished_has_nothing_to_rescore(runtime):
    block = load_block(runtime, AMIRA)[0]
    runtime.call(block, "choose", {"step": "s1", "choice": "c1"})
    assert not block.has_submitted_answer() and block.calculate_score() == (0, 3)


# ------------------------------------------------------------------ content language


def block_root(html: str) -> str:
    """The opening tag of the block's own root element."""
    return re.search(r'<div class="f2l f2l-(?:scenario|quiz|rf)"[^>]*>', html).group(0)


@XBlock.needs("i18n")
class CourseStandIn(XBlock):
    """The course block's one field that matters here (the platform's CourseBlock has ``language`` too)."""

    has_children = True
    language = String(default=None, scope=Scope.settings)


class UnitStandIn(XBlock):
    has_children = True


@pytest.mark.parametrize("xml", [AMIRA, HOSTESS, RED_FLAGS])
@XBlock.register_temp_plugin(CourseStandIn, "course")
@XBlock.register_temp_plugin(UnitStandIn, "vertical")
def test_the_block_root_carries_the_course_language(xml):
    runtime = RecordingRuntime()
    usage_id = runtime.parse_xml_string(f'<course language="el"><vertical>{xml}</vertical></course>')
    course = runtime.get_block(usage_id)
    block = runtime.get_block(runtime.get_block(course.children[0]).children[0])
    html = runtime.render(block, "student_view").content
    assert block.content_language() == "el"
    assert ' lang="el"' in block_root(html)


@pytest.mark.parametrize("xml", [AMIRA, HOSTESS, RED_FLAGS])
def test_without_a_course_the_page_language_applies(runtime, xml):
    block = load_block(runtime, xml)[0]
    assert block.content_language() == ""
    assert " lang=" not in block_root(runtime.render(block, "student_view").content)


# ------------------------------------------------------------------ Studio's unit page


def test_the_unit_page_shows_an_overview_not_the_block(runtime):
    scenario = load_block(runtime, AMIRA)[0]
    assert scenario.has_author_view
    html = runtime.render(scenario, "author_view").content
    assert "Steps: 2. Ends: 2. Maximum score: 3." in html
    assert "Amira stops coming" in html and "Looking together" in html
    assert "<form" not in html and "<button" not in html and 'href="#' not in html
    quiz = load_block(runtime, HOSTESS)[0]
    html = runtime.render(quiz, "author_view").content
    assert "Indicators: 3, of which present: 2. Maximum score: 3." in html and 'type="checkbox"' not in html


# ------------------------------------------------------------------ handler HTML


class StaticUrls:
    """The LMS's replace_urls service interface: /static/ links to the course's asset URLs."""

    def replace_urls(self, text, static_replace_only=False):
        return text.replace('"/static/', '"/asset-v1:Free2Link+ETRAF101+2026+type@asset+block/')


def test_handler_html_goes_through_replace_urls_like_the_first_render(runtime):
    runtime._services["replace_urls"] = StaticUrls()
    xml = AMIRA.replace("<feedback>Open questions keep her in control.</feedback>",
                        '<feedback>See <a href="/static/card.pdf">the card</a>.</feedback>')
    block = load_block(runtime, xml)[0]
    status, answer = runtime.call(block, "choose", {"step": "s1", "choice": "c1"})
    assert status == 200 and 'href="/asset-v1:Free2Link+ETRAF101+2026+type@asset+block/card.pdf"' in answer["html"]
    with_image = HOSTESS.replace("<p>Several medium", '<p><img src="/static/a.png" alt="A"/>Several medium')
    quiz = load_block(runtime, with_image)[0]
    status, answer = runtime.call(quiz, "submit", {"selected": ["pay", "debt"]})
    assert status == 200 and '"/asset-v1:Free2Link+ETRAF101+2026+type@asset+block/a.png"' in answer["html"]


def test_without_the_service_handler_html_is_unchanged(runtime):
    block = load_block(runtime, AMIRA.replace("<feedback>Good.</feedback>",
                                              '<feedback><a href="/static/x.pdf">x</a></feedback>'))[0]
    walk(runtime, block, ("s1", "c1"))
    status, answer = runtime.call(block, "choose", {"step": "s2", "choice": "c1"})
    assert status == 200 and 'href="/static/x.pdf"' in answer["html"]



@pytest.mark.parametrize("xml, action, payload", [(AMIRA, "choose", {"step": "s1", "choice": "c2"}),
                                                  (HOSTESS, "submit", {"selected": ["pay"]})])
def test_student_view_data_is_the_same_for_every_learner(runtime, xml, action, payload):
    """The course blocks API collects student_view_data once for all learners, on blocks an earlier request
    may have bound to one of them (the platform suite saw a learner's path served to others): content only."""
    block = load_block(runtime, xml)[0]
    before, learner_before = block.student_view_data(), block.learner_view_data()
    assert runtime.call(block, action, payload)[0] == 200
    assert block.learner_view_data() != learner_before
    assert block.student_view_data() == before
    text = as_json(before)
    for hidden in ('"present"', "strength", '"feedback"', '"points"', '"next"', "harmful", '"attempts"'):
        assert hidden not in text, hidden


# ------------------------------------------------------------------ the LMS's own mixins


class _PlatformMixin(XBlockMixin):
    """What the LMS's XModuleMixin says of every block it mixes into (xmodule/x_module.py): not scored."""

    has_score = False

    def get_score(self):
        return None

    def max_score(self):
        return None


@pytest.mark.parametrize("block_type", ["f2l_scenario", "f2l_indicator_quiz", "f2l_red_flags"])
def test_our_blocks_stay_scored_with_the_platforms_mixins(block_type):
    """The LMS builds each block class with its mixins after ours; Python places XBlockMixin subclasses before
    XBlockMixin, so a scorable base listed after it would lose, and the grades would skip the block."""
    mixed = Mixologist([_PlatformMixin]).mix(XBlock.load_class(block_type))
    assert mixed.has_score is True
    assert mixed.get_score is not _PlatformMixin.get_score and mixed.max_score is not _PlatformMixin.max_score
