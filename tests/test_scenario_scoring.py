"""Outcome-aware scoring, harmful paths against the pass mark, answer cues, shuffled choices and loops."""

from __future__ import annotations

import shutil

import pytest

from free2link_xblocks.cli import main
from free2link_xblocks.core import authoring, play
from free2link_xblocks.core.course import load_course
from free2link_xblocks.core.scenario import (
    answer_cue_problems,
    best_harmful_scores,
    choice_order,
    harmful_path_problems,
    load_scenario,
    max_score,
    scenario_body_xml,
)

from .conftest import RecordingRuntime, load_block
from .test_course_tools import MINI

# Three decisions worth 2 each; the harmful last choice still leads to the poor end.
LADDER = """<f2l_scenario {root}>
  <step id="s1" title="One">
    <choice id="a" next="s2" points="2" quality="good"><label>Ask</label><feedback>f</feedback></choice>
    <choice id="b" next="s2" points="0" quality="partial"><label>Tell her what to do</label><feedback>f</feedback></choice>
  </step>
  <step id="s2" title="Two">
    <choice id="a" next="s3" points="2" quality="good"><label>Listen</label><feedback>f</feedback></choice>
    <choice id="b" next="s3" points="0"><label>Wait and see what happens</label><feedback>f</feedback></choice>
  </step>
  <step id="s3" title="Three">
    <choice id="a" next="good" points="2" quality="good"><label>Refer</label><feedback>f</feedback></choice>
    <choice id="b" next="poor" points="0" quality="harmful"><label>Call the police without telling her</label>
      <feedback>f</feedback></choice>
  </step>
  <end id="good" title="Good" outcome="good" {good_end}><p>d</p></end>
  <end id="poor" title="Poor" outcome="poor"><p>d</p></end>
</f2l_scenario>"""


def ladder(root="", good_end=""):
    return load_scenario(LADDER.format(root=root, good_end=good_end))


# ------------------------------------------------------------------ scoring


def test_a_harmful_last_step_scores_high_without_outcome_points():
    scenario = ladder()
    assert max_score(scenario) == 6
    assert best_harmful_scores(scenario) == {("s3", "b"): 4}
    assert play.points(scenario, [("s1", "a"), ("s2", "a"), ("s3", "b")]) == 4


def test_end_points_make_the_outcome_count():
    scenario = ladder(good_end='points="6"')
    assert max_score(scenario) == 12
    assert play.points(scenario, [("s1", "a"), ("s2", "a"), ("s3", "a")]) == 12
    assert play.points(scenario, [("s1", "a"), ("s2", "a"), ("s3", "b")]) == 4
    assert best_harmful_scores(scenario) == {("s3", "b"): 4}


def test_harmful_cap_limits_every_path_through_a_harmful_choice():
    scenario = ladder(root='harmful_cap="1"')
    assert max_score(scenario) == 6
    assert play.points(scenario, [("s1", "a"), ("s2", "a"), ("s3", "b")]) == 1
    assert best_harmful_scores(scenario) == {("s3", "b"): 1}


def test_max_score_with_a_cap_is_the_best_harmless_path_when_harmful_paths_pay_more():
    text = """<f2l_scenario harmful_cap="3">
      <step id="s1"><choice next="e1" points="9" quality="harmful"><label>x</label><feedback>f</feedback></choice>
        <choice next="e1" points="2"><label>y</label><feedback>f</feedback></choice></step>
      <end id="e1" title="E"><p>d</p></end></f2l_scenario>"""
    assert max_score(load_scenario(text)) == 3


def test_new_attributes_survive_export_and_parse():
    scenario = ladder(root='harmful_cap="2"', good_end='points="3"')
    again = load_scenario(scenario_body_xml(scenario))
    assert again.harmful_cap == 2 and again.node("good").points == 3 and again == scenario


@pytest.mark.parametrize("root, good_end, expected", [
    ('harmful_cap="-1"', "", "harmful_cap must be a whole number"),
    ("", 'points="x"', "points must be a whole number"),
])
def test_bad_cap_or_end_points_are_errors(root, good_end, expected):
    with pytest.raises(Exception) as error:
        ladder(root, good_end)
    assert expected in str(error.value)


def test_harmful_path_at_the_pass_mark_is_an_error_when_graded_and_a_warning_otherwise():
    scenario = ladder()
    graded = harmful_path_problems(scenario, 0.6, graded=True)
    assert [p.is_error for p in graded] == [True] and "4 of 6 points" in graded[0].message()
    assert [p.severity for p in harmful_path_problems(scenario, 0.6)] == ["warning"]
    assert harmful_path_problems(scenario, 0.7, graded=True) == []  # 4/6 is below 70 %
    assert harmful_path_problems(ladder(root='harmful_cap="3"'), 0.6, graded=True) == []


# ------------------------------------------------------------------ answer cues


def test_answer_cues_best_first_and_longest_label():
    scenario = ladder()  # the best option is first in all three decisions, but never the longest label
    problems = answer_cue_problems(scenario)
    assert len(problems) == 1 and "listed first in 3 of 3" in problems[0].message()
    assert answer_cue_problems(scenario, shuffled=True) == []
    long_best = load_scenario(LADDER.format(root="", good_end="").replace(
        "<label>Ask</label>", "<label>Ask her calmly what she knows about the offer</label>").replace(
        "<label>Listen</label>", "<label>Listen without judging and without pressure at all</label>").replace(
        "<label>Refer</label>", "<label>Refer her, with her consent, to the anti-trafficking service</label>"))
    messages = [p.message() for p in answer_cue_problems(long_best, shuffled=True)]
    assert len(messages) == 1 and "longest label in 3 of 3" in messages[0]


def test_answer_cues_need_a_pattern_not_one_decision():
    text = """<f2l_scenario><step id="s1"><choice next="e" points="1"><label>long long long</label>
      <feedback>f</feedback></choice><choice next="e"><label>x</label><feedback>f</feedback></choice></step>
      <end id="e" title="E"><p>d</p></end></f2l_scenario>"""
    assert answer_cue_problems(load_scenario(text)) == []


# ------------------------------------------------------------------ shuffle


def test_choice_order_is_stable_per_seed_and_differs_between_learners():
    step = ladder().node("s1")
    orders = {tuple(c.id for c in choice_order(step, f"learner{n}:block")) for n in range(20)}
    assert orders == {("a", "b"), ("b", "a")}
    assert choice_order(step, "x:block") == choice_order(step, "x:block")


SHUFFLED = LADDER.format(root='shuffle="true"', good_end="").replace(
    '<step id="s1" title="One">',
    '<step id="s1" title="One">' + "".join(
        f'<choice id="z{n}" next="s2"><label>Option {n}</label><feedback>f</feedback></choice>' for n in range(6)))


def rendered_order(runtime, block):
    html = runtime.render(block, "student_view").content
    return [part.split('"')[0] for part in html.split('name="')[1:] if "value=" in part]


def test_a_shuffled_scenario_shows_each_learner_a_stable_order_of_their_own():
    first = RecordingRuntime("ana")
    block, usage = load_block(first, SHUFFLED)
    assert block.shuffle is True
    html = first.render(block, "student_view").content
    order = [line.split('value="')[1].split('"')[0] for line in html.splitlines() if 'type="radio"' in line]
    assert sorted(order) == sorted(["a", "b"] + [f"z{n}" for n in range(6)])
    assert order != ["a", "b"] + [f"z{n}" for n in range(6)]
    again = first.render(first.get_block(usage), "student_view").content
    assert again.count('type="radio"') == 8 and [
        line.split('value="')[1].split('"')[0] for line in again.splitlines() if 'type="radio"' in line] == order
    other = RecordingRuntime("bo")
    others = [line.split('value="')[1].split('"')[0]
              for line in other.render(other.get_block(usage), "student_view").content.splitlines()
              if 'type="radio"' in line]
    assert sorted(others) == sorted(order) and others != order


# ------------------------------------------------------------------ loops

LOOP = """<f2l_scenario>
  <step id="s1" title="Decide">
    <choice next="s2" points="2" quality="good"><label>Good</label><feedback>f</feedback></choice>
    <choice next="think" quality="harmful"><label>Harmful</label><feedback>f</feedback></choice>
  </step>
  <step id="think" title="Think again">
    <choice next="s1"><label>Go back to the decision</label><feedback>f</feedback></choice>
  </step>
  <step id="s2" title="Next">
    <choice next="end" points="1"><label>A</label><feedback>f</feedback></choice>
    <choice next="end"><label>B</label><feedback>f</feedback></choice>
  </step>
  <end id="end" title="End"><p>d</p></end>
</f2l_scenario>"""


def test_decisions_are_counted_not_visits():
    scenario = load_scenario(LOOP)
    progress = play.begin(scenario)
    assert play.decision_number(scenario, progress, "s1") == 1
    for _round in range(3):
        progress = play.choose(scenario, progress, "s1", "c2")
        assert play.decision_number(scenario, progress, "think") is None  # a pause, not a decision
        progress = play.choose(scenario, progress, "think", "c1")
        assert play.decision_number(scenario, progress, "s1") == 1
        if len(play.offered_choices(scenario, progress)) == 1:
            break
    progress = play.choose(scenario, progress, "s1", "c1")
    assert play.decision_number(scenario, progress, "s2") == 2


def test_after_two_rounds_only_the_way_out_of_the_loop_is_offered():
    scenario = load_scenario(LOOP)
    progress = play.begin(scenario)
    for _round in range(2):
        assert [c.id for c in play.offered_choices(scenario, progress)] == ["c1", "c2"]
        progress = play.choose(scenario, play.choose(scenario, progress, "s1", "c2"), "think", "c1")
    assert [c.id for c in play.offered_choices(scenario, progress)] == ["c1"]
    with pytest.raises(play.MoveError):
        play.choose(scenario, progress, "s1", "c2")
    assert play.is_finished(scenario, play.choose(scenario, play.choose(scenario, progress, "s1", "c1"), "s2", "c1"))


def test_a_learner_who_always_chooses_the_harmful_option_is_never_trapped(runtime):
    block, _usage = load_block(runtime, LOOP)
    for _visit in range(5):
        html = runtime.render(block, "student_view").content
        choices = [line.split('value="')[1].split('"')[0] for line in html.splitlines() if 'type="radio"' in line]
        assert "Decision 1" in html or block.node_id == "think"
        if block.node_id == "think":
            runtime.call(block, "choose", {"step": "think", "choice": "c1"})
        elif "c2" in choices:
            runtime.call(block, "choose", {"step": "s1", "choice": "c2"})
        else:
            assert "no longer offered" in html
            break
        runtime.call(block, "proceed")
    else:
        pytest.fail("the harmful option was offered for ever")
    assert runtime.call(block, "choose", {"step": "s1", "choice": "c2"})[0] == 400


# ------------------------------------------------------------------ Studio form and validate


def test_the_studio_form_round_trips_end_points_and_the_cap():
    scenario = ladder(root='harmful_cap="2"', good_end='points="3"')
    form = authoring.scenario_to_form(scenario)
    assert form["harmful_cap"] == "2" and form["nodes"][3]["points"] == "3"
    checked = authoring.check_scenario_form(form)
    assert not checked.errors and checked.model == scenario
    form["harmful_cap"] = "lots"
    checked = authoring.check_scenario_form(form)
    assert [p.path for p in checked.errors] == ["harmful_cap"]


def test_course_validate_fails_a_graded_scenario_whose_harmful_path_passes(tmp_path, capsys):
    course = tmp_path / "mini"
    shutil.copytree(MINI / "course", course)
    vertical = course / "vertical" / "v_check.xml"
    text = vertical.read_text(encoding="utf-8")
    harmful = 'next="end_bad" points="0" quality="harmful">'
    assert harmful in text
    vertical.write_text(text.replace(harmful, 'next="end_bad" points="2" quality="harmful">'), encoding="utf-8")
    findings = [f.format() for f in load_course(course).findings]
    assert any("harmful choice c2 can score 2 of 3 points, at or above the pass mark of 60%" in f
               and "warning" not in f for f in findings)
    assert main(["validate", str(course)]) == 1


def test_validate_of_a_lone_file_warns_with_the_default_pass_mark(tmp_path, capsys):
    path = tmp_path / "ladder.xml"
    path.write_text(LADDER.format(root="", good_end=""), encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "warning: a path through the harmful choice b can score 4 of 6 points, at or above the pass mark of 50%" \
        in out and "listed first in 3 of 3" in out


# ------------------------------------------------------------------ the shipped course

COURSE = MINI.parents[2] / "courses" / "e-trafficking-early-identification" / "course"


def course_scenarios():
    from free2link_xblocks.core.scenario import parse_scenario_element

    course = load_course(COURSE)
    return course, [(placed, parse_scenario_element(placed.element)[0]) for placed in course.blocks_of("f2l_scenario")]


def test_no_path_through_a_harmful_choice_of_the_course_reaches_its_pass_mark():
    from free2link_xblocks.core.course import pass_mark

    course, scenarios = course_scenarios()
    assert pass_mark(course.grading) == 0.6 and len(scenarios) == 8
    for placed, scenario in scenarios:
        best = max(best_harmful_scores(scenario).values())
        assert best < 0.6 * max_score(scenario), placed.element.get("url_name")
        assert answer_cue_problems(scenario, shuffled=True) == [] and placed.element.get("shuffle") == "true"


def test_every_scenario_choice_of_the_course_has_an_explicit_id():
    _course, scenarios = course_scenarios()
    for placed, _scenario in scenarios:
        for step in placed.element.iter("step"):
            for number, choice in enumerate(step.iter("choice"), start=1):
                assert choice.get("id") == f"c{number}", (placed.element.get("url_name"), step.get("id"))


# ------------------------------------------------------------------ the rule, checked against every path

def random_scenario(rng):
    """A small random scenario: steps s0..sN (later steps may loop back with 0 points), two or three ends."""
    steps = rng.randint(2, 5)
    ends = [f"e{n}" for n in range(rng.randint(2, 3))]
    cap = f' harmful_cap="{rng.randint(0, 4)}"' if rng.random() < 0.5 else ""
    parts = [f"<f2l_scenario{cap}>"]
    for n in range(steps):
        parts.append(f'<step id="s{n}" title="S">')
        for c in range(rng.randint(2, 3)):
            quality = rng.choice(["good", "partial", "harmful", None])
            quality_attr = f' quality="{quality}"' if quality else ""
            if n > 0 and rng.random() < 0.35:  # back into a loop: 0 points
                parts.append(f'<choice id="c{c}" next="s{rng.randint(0, n)}" points="0"{quality_attr}>'
                             '<label>x</label><feedback>f</feedback></choice>')
                continue
            target = f"s{rng.randint(n + 1, steps - 1)}" if n + 1 < steps and rng.random() < 0.6 else rng.choice(ends)
            parts.append(f'<choice id="c{c}" next="{target}" points="{rng.randint(0, 3)}"{quality_attr}>'
                         '<label>x</label><feedback>f</feedback></choice>')
        parts.append("</step>")
    parts += [f'<end id="{e}" title="E" points="{rng.randint(0, 3)}"><p>d</p></end>' for e in ends]
    return "".join(parts) + "</f2l_scenario>"


def every_path(scenario, node_id="s0", path=(), visits=None):
    """Every walk to an end, going round each loop at most twice."""
    visits = visits or {}
    node = scenario.node(node_id)
    if node.is_end:
        yield path, node
        return
    for choice in node.choices:
        if visits.get((node_id, choice.id), 0) >= 2:
            continue
        seen = {**visits, (node_id, choice.id): visits.get((node_id, choice.id), 0) + 1}
        yield from every_path(scenario, choice.next, path + ((node_id, choice.id),), seen)


def test_max_score_and_harmful_scores_agree_with_every_path():
    import random

    from free2link_xblocks.core.problems import ContentError

    rng = random.Random(14)
    checked = 0
    while checked < 400:
        try:
            scenario = load_scenario(random_scenario(rng))
        except ContentError:
            continue  # e.g. a step no one can reach
        scores, harmful = [], {}
        for path, _end in every_path(scenario):
            earned = play.points(scenario, path)
            scores.append(earned)
            for step_id, choice_id in path:
                if scenario.node(step_id).choice(choice_id).quality == "harmful":
                    key = (step_id, choice_id)
                    harmful[key] = max(harmful.get(key, earned), earned)
        assert max_score(scenario) == max(scores)
        assert best_harmful_scores(scenario) == harmful
        checked += 1
