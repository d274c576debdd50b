"""The editor's JSON form (core.authoring): lossless round trip, one validation with the OLX, strict reading."""

import copy
import json
from pathlib import Path

import pytest

from free2link_xblocks.core import authoring
from free2link_xblocks.core.markup import parse_xml
from free2link_xblocks.core.quiz import parse_quiz_element
from free2link_xblocks.core.red_flags import parse_red_flags_element
from free2link_xblocks.core.scenario import load_scenario, parse_scenario_element

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(ROOT.glob("free2link_xblocks/*/workbench/*.xml"))
AMIRA = (ROOT / "tests/data/amira.xml").read_text(encoding="utf-8")
HOSTESS = (ROOT / "tests/data/hostess.xml").read_text(encoding="utf-8")


def kit(root):
    if root.tag == "f2l_scenario":
        return parse_scenario_element, authoring.scenario_to_form, authoring.check_scenario_form
    if root.tag == "f2l_red_flags":
        return parse_red_flags_element, authoring.red_flags_to_form, authoring.check_red_flags_form
    return parse_quiz_element, authoring.quiz_to_form, authoring.check_quiz_form


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_shipped_example_survives_the_form_round_trip(path):
    """form(parse(x)) -> OLX element -> parse gives the same model, with no problem added."""
    root = parse_xml(path.read_text(encoding="utf-8"))
    parse, to_form, check = kit(root)
    model, problems = parse(root)
    checked = check(json.loads(json.dumps(to_form(model))))  # as the browser sends it
    assert checked.model == model
    assert [p.problem.message() for p in checked.problems] == [p.message() for p in problems]
    assert parse(parse_xml(checked.olx))[0] == model


def amira_form():
    return authoring.scenario_to_form(load_scenario(AMIRA))


def located(checked):
    return {(p.path, p.problem.message()) for p in checked.problems}


def test_the_form_and_the_olx_get_the_same_problems_each_tied_to_its_field():
    form = amira_form()
    form["nodes"][0]["choices"][0]["next"] = "s9"
    form["nodes"][0]["choices"][1]["points"] = "lots"
    form["nodes"][1]["id"] = "s1"
    checked = authoring.check_scenario_form(form)
    assert located(checked) == {
        ("nodes.0.choices.0.next", 'choice c1 leads to "s9", which does not exist'),
        ("nodes.0.choices.1.points", 'points must be a whole number of at least 0, not "lots"'),
        ("nodes.1.id", 'id "s1" is used more than once (also on line 2)'),
    }
    # The same content as OLX gets the same messages from the same parser.
    _, problems = parse_scenario_element(parse_xml(checked.olx))
    assert {p.message() for p in problems} == {m for _, m in located(checked)}


@pytest.mark.parametrize("change, path, message", [
    (lambda f: f["nodes"].append({"kind": "step", "id": "lost", "title": "", "parts": [],
                                  "choices": [{"id": "c1", "label": "x", "feedback": "y", "next": "end_bad"}]}),
     "nodes.4", 'cannot be reached from the start step "s1"'),
    (lambda f: f["nodes"][1]["choices"][0].update(label=""), "nodes.1.choices.0.label", "choice 1 has no <label>"),
    (lambda f: f["nodes"][1]["choices"][0].update(next=""), "nodes.1.choices.0.next",
     'choice 1 has no next="..." step'),
    (lambda f: f["nodes"][1]["choices"][0].update(quality="great"), "nodes.1.choices.0.quality",
     'quality must be one of good, partial, harmful, not "great"'),
    (lambda f: f["nodes"][2].update(outcome="fine"), "nodes.2.outcome",
     'outcome must be one of good, mixed, poor, not "fine"'),
    (lambda f: f["nodes"][0].update(id=""), "nodes.0.id", '<step> needs an id="..." attribute'),
    (lambda f: f["nodes"][0]["parts"][1]["messages"][0].update({"from": ""}), "nodes.0.parts.1.messages.0.from",
     'a chat <message> needs a from="..." attribute'),
    (lambda f: f["nodes"][0]["choices"][0].update(label="<p>Ask her"), "nodes.0.choices.0.label",
     "the text is not well-formed"),
    (lambda f: f.update(start="nowhere"), "start", 'start="nowhere" names no step'),
    (lambda f: f.update(nodes=[n for n in f["nodes"] if n["kind"] == "step"]), "nodes", "the scenario has no <end>"),
    (lambda f: f["nodes"][0]["choices"][0].update(next="s1", points="1"), "nodes.0.choices.0.points",
     "leads back into a loop"),
])
def test_each_scenario_problem_points_at_its_field(change, path, message):
    form = amira_form()
    change(form)
    checked = authoring.check_scenario_form(form)
    assert any(p.path == path and message in p.problem.message() for p in checked.errors), located(checked)


@pytest.mark.parametrize("change, path, message", [
    (lambda f: f["indicators"][0].update(strength="high"), "indicators.0.strength", "strength must be one of"),
    (lambda f: f["indicators"][1].update(id="pay"), "indicators.1.id", 'id "pay" is used more than once'),
    (lambda f: f["indicators"][0].update(id="no spaces"), "indicators.0.id", "needs an id"),
    (lambda f: f["indicators"][0].update(label=""), "indicators.0.label", "the indicator has no <label>"),
    (lambda f: f.update(indicators=f["indicators"][:1]), "indicators", "at least two <indicator> elements"),
    (lambda f: f.update(prompt="a <b"), "prompt", "the text is not well-formed"),
])
def test_each_quiz_problem_points_at_its_field(change, path, message):
    form = authoring.quiz_to_form(parse_quiz_element(parse_xml(HOSTESS))[0])
    change(form)
    checked = authoring.check_quiz_form(form)
    assert any(p.path == path and message in p.problem.message() for p in checked.errors), located(checked)


def test_authors_may_type_html_habits():
    form = amira_form()
    form["nodes"][0]["parts"][0]["markup"] = "<p>Tom & Jerry&nbsp;&copy; &amp; co</p>"
    checked = authoring.check_scenario_form(form)
    assert checked.errors == []
    assert checked.model.nodes[0].body[0].markup == "<p>Tom &amp; Jerry \u00a9 &amp; co</p>"  # white space is collapsed


def test_markup_is_sanitised_as_for_olx():
    form = amira_form()
    form["nodes"][0]["parts"][0]["markup"] = '<p onclick="x()">Hi<script>alert(1)</script> <a href="javascript:x">a</a></p>'
    checked = authoring.check_scenario_form(form)
    assert checked.model.nodes[0].body[0].markup == "<p>Hi <a>a</a></p>"


@pytest.mark.parametrize("form, path, message", [
    ([1, 2], None, "form must be a JSON object"),
    ({"nodes": "all"}, "nodes", "nodes must be a list of at most 3000 items"),
    ({"nodes": [{"kind": "bomb"}]}, "nodes.0.kind", "must be one of step, end"),
    ({"nodes": [{"kind": "step", "id": {"$ne": 1}}]}, "nodes.0.id", "must be text of at most 500 characters"),
    ({"nodes": [{"kind": "step", "id": "a", "title": "x" * 501}]}, "nodes.0.title", "at most 500 characters"),
    ({"nodes": [{"kind": "end", "id": "a", "parts": [{"kind": "text", "markup": "\x00"}]}]},
     "nodes.0.parts.0.markup", "control characters"),
    ({"nodes": [{"kind": "step", "id": "a", "choices": [{"points": True}]}]}, "nodes.0.choices.0.points",
     "must be text"),
    ({"nodes": [{"kind": "step", "id": "a", "evil": "<script>"}]}, "nodes.0.evil", "is not a field of this form"),
    ({"nodes": [{"kind": "step", "id": "a", "choices": [{}] * 51}]}, "nodes.0.choices", "at most 50 items"),
    ({"nodes": [{"kind": "step", "id": "a", "parts": [{"kind": "chat", "messages": [{"self": "yes"}]}]}]},
     "nodes.0.parts.0.messages.0.self", "must be true or false"),
])
def test_a_tampered_scenario_form_gives_clear_problems_never_an_exception(form, path, message):
    checked = authoring.check_scenario_form(form)
    assert any(p.path == path and message in p.problem.message() for p in checked.errors), located(checked)


def test_a_tampered_quiz_form_gives_clear_problems():
    checked = authoring.check_quiz_form({"indicators": [{"id": "a", "present": "yes"}, None], "case": "x"})
    messages = {p.problem.message() for p in checked.errors}
    assert "indicators.0.present must be true or false" in messages
    assert "indicators.1 must be a JSON object" in messages and "case must be a list of at most 50 items" in messages


def test_blanking_or_retyping_any_field_never_raises():
    """Every string field set to '', garbage or markup, and every list emptied: problems, never exceptions."""
    base = amira_form()

    def spots(value, path=()):
        if isinstance(value, dict):
            for key, inner in value.items():
                yield from spots(inner, path + (key,))
        elif isinstance(value, list):
            yield path
            for index, inner in enumerate(value):
                yield from spots(inner, path + (index,))
        else:
            yield path

    for spot in list(spots(base)):
        for replacement in ("", "<b>", "&", " x ", 7, None, [], {}, True):
            form = copy.deepcopy(base)
            holder = form
            for key in spot[:-1]:
                holder = holder[key]
            if spot:
                holder[spot[-1]] = replacement
            checked = authoring.check_scenario_form(form)
            assert isinstance(checked.problems, list)


def test_the_outline_shows_where_choices_lead_and_what_cannot_be_reached():
    form = amira_form()
    form["nodes"].insert(2, {"kind": "step", "id": "island", "title": "Alone", "parts": [],
                             "choices": [{"id": "c1", "label": "Loop", "feedback": "f", "next": "island"}]})
    checked = authoring.check_scenario_form(form)
    outline = {n["id"]: n for n in authoring.scenario_outline(checked.model, checked.paths)}
    assert outline["s1"]["is_start"] and outline["s1"]["path"] == "nodes.0"
    assert [(c["target"], c["target_path"]) for c in outline["s1"]["choices"]] == [("s2", "nodes.1"),
                                                                                  ("end_bad", "nodes.4")]
    assert not outline["island"]["reachable"] and outline["end_good"]["reachable"]
    assert outline["end_bad"]["is_end"] and outline["end_bad"]["outcome"] == "poor"


def test_a_choice_without_target_traps_the_learner_but_does_not_crash_the_checks():
    form = amira_form()
    form["nodes"][1]["choices"][0]["next"] = ""
    form["nodes"][1]["choices"][0]["points"] = "3"
    checked = authoring.check_scenario_form(form)
    assert any(p.path == "nodes.1.choices.0.next" for p in checked.errors)
    outline = {n["id"]: n for n in authoring.scenario_outline(checked.model, checked.paths)}
    assert outline["s2"]["trapped"] and not outline["s2"]["choices"][0]["target_exists"]


@pytest.mark.parametrize("choices", [1, 2, 3])
def test_the_first_choice_after_plain_narrative_text_keeps_its_own_problems(choices):
    # A step whose narrative is plain text: the first choice used to share the step's OLX line,
    # and its problems landed on the step instead of the choice's fields.
    form = {"start": "s1", "nodes": [
        {"kind": "step", "id": "s1", "title": "T", "parts": [{"kind": "text", "markup": "She asks for help."}],
         "choices": [{"id": f"c{n + 1}", "label": "", "next": "end1", "points": "0"} for n in range(choices)]},
        {"kind": "end", "id": "end1", "title": "E", "parts": [{"kind": "text", "markup": "Done."}]}]}
    checked = authoring.check_scenario_form(form)
    labels = sorted(p.path for p in checked.problems if "<label>" in p.problem.template)
    assert labels == [f"nodes.0.choices.{n}.label" for n in range(choices)]
    model = checked.model
    assert authoring.scenario_to_form(model)["nodes"][0]["parts"] == form["nodes"][0]["parts"]


def test_every_problem_in_the_authors_words_replaces_a_real_template_of_the_core():
    # The form's wording is keyed by the core's templates: each key must be one (the catalogue
    # holds every template marked for translation), and its placeholders must be the core's.
    import re

    catalogue = (Path(authoring.__file__).parent.parent / "translations" / "it" / "LC_MESSAGES" / "text.po").read_text(
        encoding="utf-8")
    msgids = set()
    for block in re.findall(r'^msgid ((?:".*"\n)+)', catalogue, re.M):
        msgids.add("".join(json.loads(line) for line in block.split("\n") if line))
    for template, wording in authoring._FORM_WORDING.items():
        assert template in msgids, template
        assert set(re.findall(r"\{(\w+)\}", wording)) <= set(re.findall(r"\{(\w+)\}", template)), wording
        assert not re.search(r"<\w+|=\"", wording), wording
