"""f2l_indicator_quiz in XBlock's own ToyRuntime: OLX round trip, no leak, marking, grades, reports, Studio."""

import io
import re
from collections import namedtuple

import pytest
from lxml import etree

from free2link_xblocks.core.quiz import load_quiz, quiz_to_element

from .conftest import RecordingRuntime, load_block

HOSTESS = open("tests/data/hostess.xml", encoding="utf-8").read()
UserState = namedtuple("UserState", "username block_key state updated scope")
SECRETS = ["going rate for the work.", "Right: an advance", "Look again", "reassuring, not a warning sign",
           "Several medium indicators", "Medium indicator", "present=", "medium"]


@pytest.fixture
def block(runtime):
    return load_block(runtime, HOSTESS)[0]


def html_of(runtime, block):
    return runtime.render(block, "student_view").content


def submit(runtime, block, selected, **extra):
    return runtime.call(block, "submit", {"selected": selected, **extra})


def state_of(block):
    return (list(block.selected), block.submitted, block.attempts, block.best_earned, block.last_earned,
            list(block.answers), dict(block.indicator_tally))


# ------------------------------------------------------------------ OLX


def test_parse_sets_settings_and_content(block):
    assert block.display_name == "The hostess advert" and block.max_attempts == 2
    assert block.scoring == "every_decision" and block.shuffle is False
    assert block.quiz == load_quiz(HOSTESS) and block.max_score() == 3
    assert block.has_score and not getattr(block, "has_custom_completion", False)


def test_export_writes_the_readable_form_and_parses_back_identically(runtime, block):
    out = io.BytesIO()
    runtime.export_to_xml(block, out)
    root = etree.fromstring(out.getvalue())
    node = root if root.tag == "f2l_indicator_quiz" else root.find(".//f2l_indicator_quiz")
    assert node.get("max_attempts") == "2" and node.get("scoring") == "every_decision"
    assert node.find("indicator").get("present") == "true" and node.find("case/advert") is not None
    assert "attempts" not in node.attrib and "selected" not in node.attrib
    again = load_block(RecordingRuntime(), etree.tostring(node, encoding="unicode"))[0]
    assert again.quiz == block.quiz and again.quiz_xml == block.quiz_xml
    assert (again.display_name, again.max_attempts, again.scoring) == (block.display_name, 2, "every_decision")


def test_invalid_olx_is_refused_with_line_and_indicator(runtime):
    bad = HOSTESS.replace('id="contract" present="false"', 'id="contract" present="perhaps"')
    with pytest.raises(Exception, match=r'indicator contract: present must be true or false, not "perhaps"'):
        load_block(runtime, bad)


# ------------------------------------------------------------------ before and after submission


def test_before_submission_the_browser_gets_the_case_prompt_and_labels_only(runtime, block):
    html = html_of(runtime, block)
    assert "Hostesses wanted, Milan" in html and "Which indicators of possible trafficking" in html
    assert html.count('type="checkbox"') == 3 and "Pay far above the going rate" in html
    for secret in SECRETS:
        assert secret not in html, secret


def test_submission_marks_every_indicator_and_publishes_the_grade(runtime, block):
    status, answer = submit(runtime, block, ["pay", "contract"])
    assert status == 200 and answer["focus"] == "result"
    html = answer["html"]
    assert "You judged 1 of 3 indicators correctly." in html
    assert "You ticked it, and it is present in this case." in html
    assert "You missed it: it is present in this case." in html and "Look again" in html
    assert "You ticked it, but it is not present in this case." in html
    assert "Medium indicator" in html and "Several medium indicators" in html
    assert re.search(r'value="pay" disabled checked aria-describedby="(\S+)-m1-verdict \1-m1-feedback"', html)
    assert runtime.events_of("grade") == [{"value": 1, "max_value": 3, "only_if_higher": None}]
    assert runtime.events_of("xblock.f2l_indicator_quiz.submitted")[0]["missed"] == ["debt"]
    assert "Show the expected answer" not in html  # one attempt left, not all right
    assert "Try again" in html


def test_the_best_score_is_kept_and_attempts_are_enforced(runtime, block):
    submit(runtime, block, ["pay", "debt"])
    assert runtime.call(block, "reset")[0] == 200 and block.selected == [] and not block.submitted
    status, answer = submit(runtime, block, ["contract"])
    assert status == 200 and block.best_earned == 3 and block.last_earned == 0
    assert [e["value"] for e in runtime.events_of("grade")] == [3, 3]
    assert "Show the expected answer" in answer["html"] and "Try again" not in answer["html"]
    before = state_of(block)
    assert runtime.call(block, "reset")[0] == 400
    assert submit(runtime, block, ["pay"])[0] == 400
    assert state_of(block) == before
    assert "used all your attempts" in html_of(runtime, block)


def test_a_correct_answer_shows_the_expected_answer(runtime, block):
    html = submit(runtime, block, ["debt", "pay"])[1]["html"]
    assert "You judged every indicator correctly." in html and "Show the expected answer" in html


def test_an_empty_answer_must_be_confirmed_and_is_then_marked(runtime, block):
    status, answer = submit(runtime, block, [])
    assert status == 400 and "confirm that none" in answer["error"] and block.attempts == 0
    status, answer = submit(runtime, block, [], none=True)
    assert status == 200 and block.last_earned == 1 and "You judged 1 of 3" in answer["html"]


def test_all_or_nothing_scores_one_point_for_a_perfect_answer_only(runtime):
    block = load_block(runtime, HOSTESS.replace("every_decision", "all_or_nothing"))[0]
    assert block.max_score() == 1
    submit(runtime, block, ["pay"])
    runtime.call(block, "reset")
    submit(runtime, block, ["pay", "debt"])
    assert [e["value"] for e in runtime.events_of("grade")] == [0, 1]


GARBAGE = [b"{not json", b'"text"', b"[]", b'{"selected": "pay"}', b'{"selected": [1, 2]}',
           b'{"selected": ["pay", "pay"]}', b'{"selected": ["nope"]}', b'{"selected": []}',
           b'{"selected": [], "none": "yes"}', b'{"selected": ["pay"], "version": "0000"}']


@pytest.mark.parametrize("body", GARBAGE)
def test_garbage_gets_400_and_leaves_state_untouched(runtime, block, body):
    html_of(runtime, block)
    before = state_of(block)
    status, result = runtime.call(block, "submit", raw=body)
    assert status == 400 and result["error"]
    assert state_of(block) == before and runtime.events_of("grade") == []


def test_a_second_submission_without_try_again_is_refused(runtime, block):
    submit(runtime, block, ["pay"])
    before = state_of(block)
    status, result = submit(runtime, block, ["pay", "debt"])
    assert status == 400 and "Try again" in result["error"] and state_of(block) == before


def test_user_html_is_escaped(runtime):
    block = load_block(runtime, HOSTESS.replace("The hostess advert", "&lt;img src=x onerror=alert(1)&gt;").replace(
        "Hostesses wanted, Milan", "&lt;script&gt;x&lt;/script&gt;"))[0]
    html = html_of(runtime, block)
    assert "<img src=x" not in html and "<script>x" not in html and "&lt;script&gt;x" in html


# ------------------------------------------------------------------ shuffle


def order_seen(runtime, usage_id):
    html = runtime.render(runtime.get_block(usage_id), "student_view").content
    return re.findall(r'type="checkbox" class="f2l-choices__input" name="\S+" id="\S+" value="([^"]+)"', html)


def test_shuffle_is_stable_per_learner_and_differs_between_learners():
    many = HOSTESS.replace('scoring="every_decision"', 'scoring="every_decision" shuffle="true"').replace(
        "</f2l_indicator_quiz>", "".join(f'<indicator id="x{n}" present="false"><label>Extra {n}</label>'
                                         f'<feedback>F</feedback></indicator>' for n in range(5)) + "</f2l_indicator_quiz>")
    first = RecordingRuntime("learner-a")
    usage_id = load_block(first, many)[1]
    order = order_seen(first, usage_id)
    assert sorted(order) == sorted(["pay", "debt", "contract"] + [f"x{n}" for n in range(5)])
    assert order_seen(RecordingRuntime("learner-a"), usage_id) == order  # a reload
    others = {tuple(order_seen(RecordingRuntime(f"learner-{n}"), usage_id)) for n in range(8)}
    assert len(others) > 1
    block = first.get_block(usage_id)
    result_html = submit(first, block, ["pay"])[1]["html"]
    marked = re.findall(r'class="f2l-marking__input" id="\S+" value="([^"]+)"', result_html)
    assert marked == order  # the feedback follows the order the learner saw


# ------------------------------------------------------------------ reports, tallies, rescoring


def test_report_rows_are_readable(runtime, block):
    submit(runtime, block, ["pay", "contract"])
    runtime.call(block, "reset")  # the report shows the last submitted answer, even after Try again
    state = {name: getattr(block, name) for name in ("selected", "submitted", "attempts", "best_earned",
                                                      "last_earned", "answers")}
    states = [UserState("worker1", "key", state, None, None), UserState("worker2", "key", {}, None, None)]
    rows = list(block.generate_report_data(iter(states)))
    assert [name for name, _ in rows] == ["worker1", "worker2"]
    row = rows[0][1]
    assert row["Attempts"] == 1 and row["Best score"] == 1 and row["Max score"] == 3 and row["Last score"] == 1
    assert row["Ticked indicators"] == "Pay far above the going rate for the work | A written contract in her language"
    assert row["Missed indicators"] == "Travel paid now, to be repaid later"
    assert row["False alarms"] == "A written contract in her language"
    assert (row["Ticked ids"], row["Missed ids"], row["False alarm ids"]) == ("pay contract", "debt", "contract")
    assert rows[1][1]["Attempts"] == 0 and rows[1][1]["Missed indicators"] == "" and rows[1][1]["Best score"] == ""
    assert len(list(block.generate_report_data(iter(states), limit_responses=1))) == 1


def test_staff_see_which_indicators_the_class_missed_and_learners_do_not(block):
    usage_id = block.scope_ids.usage_id
    for name, answer in (("l1", ["pay"]), ("l2", ["pay", "contract"]), ("l3", ["pay", "debt"])):
        learner = RecordingRuntime(name)
        submit(learner, learner.get_block(usage_id), answer)
    learner = RecordingRuntime("l1")
    assert "the class missed" not in learner.render(learner.get_block(usage_id), "student_view").content
    staff = RecordingRuntime("teacher", staff=True)
    html = staff.render(staff.get_block(usage_id), "student_view").content
    assert "Which indicators the class missed" in html
    assert re.search(r"Travel paid now, to be repaid later</th><td>Yes</td><td>Missed in 2 of 3 answers \(67%\)", html)
    assert re.search(r"A written contract in her language</th><td>No</td><td>Ticked by mistake in 1 of 3 answers", html)


def test_rescoring_after_the_course_team_corrects_the_quiz(runtime, block):
    submit(runtime, block, ["pay", "contract"])
    assert block.get_score() == (1, 3)
    corrected = load_quiz(HOSTESS.replace('id="contract" present="false"', 'id="contract" present="true"'))
    block.quiz_xml = etree.tostring(quiz_to_element(corrected), encoding="unicode")
    assert block.calculate_score() == (2, 3)
    block.rescore(only_if_higher=False)
    assert runtime.events_of("grade")[-1] == {"value": 2, "max_value": 3, "only_if_higher": False}


def test_a_removed_indicator_does_not_break_the_learners_result(runtime, block):
    submit(runtime, block, ["pay", "contract"])
    edited = load_quiz(HOSTESS.replace('<indicator id="contract"', '<indicator id="written"'))
    block.quiz_xml = etree.tostring(quiz_to_element(edited), encoding="unicode")
    html = html_of(runtime, block)
    assert "You judged 2 of 3 indicators correctly." in html


def test_an_answer_from_an_outdated_page_is_refused(runtime, block):
    version = re.search(r'data-version="([0-9a-f]+)"', html_of(runtime, block)).group(1)
    block.quiz_xml = block.quiz_xml.replace("Maria, 20", "Maria, 21")
    status, result = submit(runtime, block, ["pay"], version=version)
    assert status == 400 and "reload" in result["error"] and block.attempts == 0


# ------------------------------------------------------------------ Studio


def studio_payload(block, **changes):
    payload = {"display_name": "Edited", "weight": "2", "max_attempts": "3", "scoring": "all_or_nothing",
               "shuffle": True, "olx": block.quiz_xml}
    payload.update(changes)
    return payload


def test_studio_view_renders_the_settings_and_olx(runtime, block):
    html = runtime.render(block, "studio_view").content
    assert '<option value="every_decision" selected>Every decision counts</option>' in html
    assert "Hostesses wanted, Milan" in html and "Indicators: 3, of which present: 2. Maximum score: 3." in html


def test_studio_saves_valid_content(runtime, block):
    runtime.as_staff()
    status, answer = runtime.call(block, "studio_submit", studio_payload(block))
    assert status == 200 and "Maximum score: 1" in answer["summary"]
    assert (block.scoring, block.shuffle, block.max_attempts) == ("all_or_nothing", True, 3)


@pytest.mark.parametrize("changes, expected", [
    ({"scoring": "most"}, 'scoring must be one of every_decision, all_or_nothing, not "most"'),
    ({"shuffle": "often"}, "shuffle must be true or false"),
    ({"olx": HOSTESS.replace('strength="medium"', 'strength="high"', 1).split(">", 1)[0].replace(
        ' display_name="The hostess advert" weight="1.0" max_attempts="2" scoring="every_decision"', "") + ">"
        + HOSTESS.replace('strength="medium"', 'strength="high"', 1).split(">", 1)[1]},
     'indicator pay: strength must be one of strong, medium, weak, not "high"'),
    ({"olx": "<f2l_indicator_quiz><indicator id='a' present='true'><label>x</label></indicator></f2l_indicator_quiz>"},
     "at least two <indicator> elements"),
    ({"olx": HOSTESS}, "not as attributes in the OLX: display_name, max_attempts, scoring, weight"),
])
def test_studio_refuses_invalid_input_and_stores_nothing(runtime, block, changes, expected):
    before = (block.quiz_xml, block.display_name, block.scoring, block.shuffle, block.max_attempts)
    runtime.as_staff()
    status, answer = runtime.call(block, "studio_submit", studio_payload(block, **changes))
    assert status == 400 and expected in answer["error"], answer
    assert (block.quiz_xml, block.display_name, block.scoring, block.shuffle, block.max_attempts) == before
