"""The indicator quiz core: parsing, validation, export, marking and shuffling (no XBlock involved)."""

import pytest
from lxml import etree

from free2link_xblocks.core import quiz as core
from free2link_xblocks.core.markup import parse_xml
from free2link_xblocks.core.problems import ContentError

HOSTESS = open("tests/data/hostess.xml", encoding="utf-8").read()


def quiz_xml(indicators, root_attrs=""):
    return f"<f2l_indicator_quiz {root_attrs}><case><p>A case.</p></case>{indicators}</f2l_indicator_quiz>"


def indicator(id_, present="true", extra="", body="<label>L</label><feedback>F</feedback>"):
    return f'<indicator id="{id_}" present="{present}" {extra}>{body}</indicator>'


def problems_of(xml):
    return core.parse_quiz_element(parse_xml(xml))[1]


def messages(xml):
    return [p.format() for p in problems_of(xml)]


# ------------------------------------------------------------------ parsing


def test_the_documented_shape_parses():
    quiz = core.load_quiz(HOSTESS)
    assert quiz.settings == {"display_name": "The hostess advert", "weight": 1.0, "max_attempts": 2,
                             "scoring": "every_decision"}
    assert [type(p).__name__ for p in quiz.case] == ["Advert", "RichText"]
    assert quiz.case[0].source == "Facebook group 'Work in Europe'" and quiz.case[0].title == "Hostesses wanted, Milan"
    assert quiz.prompt == "Which indicators of possible trafficking do you see?"
    assert [(i.id, i.present, i.strength) for i in quiz.indicators] == [
        ("pay", True, "medium"), ("debt", True, "medium"), ("contract", False, None)]
    assert quiz.present_ids == {"pay", "debt"}
    assert "Several medium indicators" in quiz.explanation
    debt = quiz.indicator("debt")
    assert debt.feedback == "" and debt.feedback_for(True).startswith("Right") and debt.feedback_for(False).startswith(
        "Look again")
    assert quiz.indicator("pay").feedback_for(True) == quiz.indicator("pay").feedback_for(False)


def test_export_parses_back_identically_and_is_stable():
    quiz = core.load_quiz(HOSTESS)
    text = etree.tostring(core.quiz_to_element(quiz), encoding="unicode")
    again = core.load_quiz(text)
    assert again == quiz
    assert etree.tostring(core.quiz_to_element(again), encoding="unicode") == text
    assert '<feedback when="missed">' in text and 'present="false"' in text


def test_author_markup_is_sanitised():
    quiz = core.load_quiz(quiz_xml(indicator("a", body='<label>Pay <script>alert(1)</script><b onclick="x()">high'
                                                       '</b></label><feedback>F</feedback>') + indicator("b")))
    assert "script" not in quiz.indicator("a").label and "onclick" not in quiz.indicator("a").label


def test_entities_are_refused():
    with pytest.raises(ContentError, match="DOCTYPE|ENTITY|entit"):
        core.load_quiz('<!DOCTYPE x [<!ENTITY e "boom">]><f2l_indicator_quiz>&e;</f2l_indicator_quiz>')


# ------------------------------------------------------------------ validation


def test_a_clean_quiz_has_no_problems():
    assert problems_of(HOSTESS) == []


def test_duplicate_ids_name_the_indicator_and_both_lines():
    xml = "<f2l_indicator_quiz><case><p>C</p></case>\n" + indicator("a") + "\n" + indicator("a") + "</f2l_indicator_quiz>"
    assert messages(xml) == ['3: indicator a: id "a" is used more than once (also on line 2)']


@pytest.mark.parametrize("xml, expected", [
    (quiz_xml(indicator("a")), "a quiz needs at least two <indicator> elements, found 1"),
    (quiz_xml(indicator("a", body="<feedback>F</feedback>") + indicator("b")), "indicator a: the indicator has no <label>"),
    (quiz_xml('<indicator id="a"><label>L</label><feedback>F</feedback></indicator>' + indicator("b")),
     'indicator a: present="true" or present="false" is required'),
    (quiz_xml(indicator("a", present="maybe") + indicator("b")), 'present must be true or false, not "maybe"'),
    (quiz_xml(indicator("a", extra='strength="huge"') + indicator("b")),
     'indicator a: strength must be one of strong, medium, weak, not "huge"'),
    (quiz_xml(indicator("a", body='<label>L</label><feedback when="always">F</feedback>') + indicator("b")),
     'indicator a: <feedback when="..."> must be one of selected, missed, not "always"'),
    (quiz_xml(indicator("a", body="<label>L</label><hint>H</hint><feedback>F</feedback>") + indicator("b")),
     "indicator a: <hint> is not allowed in an indicator: use <label> and <feedback>"),
    (quiz_xml(indicator("a b") + indicator("b")), 'indicator 1 needs an id="..."'),
    (quiz_xml(indicator("a") + indicator("b") + "<step/>"), "<step> is not allowed here"),
    (quiz_xml(indicator("a") + indicator("b"), 'scoring="most"'),
     'scoring must be one of every_decision, all_or_nothing, not "most"'),
    (quiz_xml(indicator("a") + indicator("b"), 'shuffle="often"'), 'shuffle must be true or false, not "often"'),
])
def test_each_rule_is_reported_with_its_indicator(xml, expected):
    found = [p for p in problems_of(xml) if p.is_error]
    assert any(expected in p.format() for p in found), [p.format() for p in found]


def test_errors_carry_the_source_line():
    xml = "<f2l_indicator_quiz>\n<case><p>C</p></case>\n" + indicator("a") + "\n" + indicator(
        "b", extra='strength="x"') + "\n</f2l_indicator_quiz>"
    with pytest.raises(ContentError) as caught:
        core.load_quiz(xml, "quiz.xml")
    assert str(caught.value) == 'quiz.xml:4: indicator b: strength must be one of strong, medium, weak, not "x"'


def test_missing_feedback_and_case_are_warnings_not_errors():
    xml = ("<f2l_indicator_quiz>" + indicator("a", body="<label>L</label>")
           + indicator("b", body='<label>L</label><feedback when="selected">S</feedback>') + "</f2l_indicator_quiz>")
    found = problems_of(xml)
    assert found and not any(p.is_error for p in found)
    assert {p.node_id for p in found if "no <feedback>" in p.template} == {"a", "b"}
    assert any("no <case>" in p.template for p in found)


# ------------------------------------------------------------------ marking

QUIZ = core.load_quiz(HOSTESS)  # present: pay, debt; absent: contract


@pytest.mark.parametrize("selected, every_decision, all_or_nothing", [
    (["pay", "debt"], 3, 1),  # exactly the present ones
    (["pay"], 2, 0),  # one missed
    (["pay", "debt", "contract"], 2, 0),  # one false alarm
    ([], 1, 0),  # "none of these": only the absent one is right
    (["contract"], 0, 0),  # everything wrong
])
def test_scores_in_both_modes(selected, every_decision, all_or_nothing):
    assert core.mark(QUIZ, selected, "every_decision").earned == every_decision
    assert core.mark(QUIZ, selected, "all_or_nothing").earned == all_or_nothing
    assert core.max_score(QUIZ, "every_decision") == 3 and core.max_score(QUIZ, "all_or_nothing") == 1


def test_an_empty_answer_is_right_when_no_indicator_is_present():
    none_present = core.load_quiz(quiz_xml(indicator("a", "false") + indicator("b", "false")))
    result = core.mark(none_present, [], "all_or_nothing")
    assert result.is_correct and result.earned == result.possible == 1
    assert [m.verdict for m in result.markings] == [core.LEFT_OUT, core.LEFT_OUT]


def test_ticking_everything_is_right_when_every_indicator_is_present():
    all_present = core.load_quiz(quiz_xml(indicator("a") + indicator("b") + indicator("c")))
    assert core.mark(all_present, ["a", "b", "c"], "every_decision").earned == 3
    assert core.mark(all_present, [], "every_decision").earned == 0


def test_the_four_verdicts_and_their_feedback():
    result = core.mark(QUIZ, ["pay", "contract"])
    verdicts = {m.indicator.id: m.verdict for m in result.markings}
    assert verdicts == {"pay": core.SPOTTED, "debt": core.MISSED, "contract": core.FALSE_ALARM}
    assert result.markings[1].feedback.startswith("Look again")
    assert [i.id for i in result.with_verdict(core.MISSED)] == ["debt"]
    assert core.mark(QUIZ, ["debt"]).markings[1].feedback.startswith("Right")


def test_ids_no_longer_in_the_quiz_are_ignored_when_marking_old_answers():
    assert core.mark(QUIZ, ["pay", "debt", "gone"]).earned == 3


@pytest.mark.parametrize("answer, message", [
    ("pay", "must be a list"), ([1], "must be a list"), (None, "must be a list"), (["pay", "pay"], "more than once"),
    (["pay", "nope"], "not in this quiz: nope"),
])
def test_malformed_answers_are_refused(answer, message):
    with pytest.raises(core.AnswerError, match=message):
        core.check_answer(QUIZ, answer)


def test_a_well_formed_answer_is_accepted():
    assert core.check_answer(QUIZ, ["debt", "pay"]) == {"pay", "debt"}
    assert core.check_answer(QUIZ, []) == frozenset()


# ------------------------------------------------------------------ shuffling

MANY = core.load_quiz(quiz_xml("".join(indicator(f"i{n}") for n in range(8))))


def test_shuffled_order_is_stable_for_a_seed_and_differs_between_seeds():
    first = core.shuffled(MANY, "learner-1")
    assert core.shuffled(MANY, "learner-1") == first
    assert sorted(i.id for i in first) == sorted(i.id for i in MANY.indicators)
    orders = {tuple(i.id for i in core.shuffled(MANY, f"learner-{n}")) for n in range(20)}
    assert len(orders) > 10


def test_adding_an_indicator_keeps_the_order_of_the_others():
    more = core.load_quiz(quiz_xml("".join(indicator(f"i{n}") for n in range(9))))
    before = [i.id for i in core.shuffled(MANY, "seed")]
    after = [i.id for i in core.shuffled(more, "seed") if i.id != "i8"]
    assert after == before
