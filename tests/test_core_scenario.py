"""The pure scenario core: parsing, validation, scoring, loops, sanitising, export."""

import pytest

from free2link_xblocks.core.markup import parse_xml, sanitize_html
from free2link_xblocks.core.problems import ContentError
from free2link_xblocks.core.scenario import (
    load_scenario,
    max_score,
    parse_scenario_element,
    scenario_body_xml,
)


def build(steps, start=None, extra=""):
    start_attr = f' start="{start}"' if start else ""
    return f"<f2l_scenario{start_attr}{extra}>{steps}</f2l_scenario>"


def choice(target, points=0, label="Do it", feedback="Because.", extra=""):
    return (f'<choice next="{target}" points="{points}"{extra}><label>{label}</label>'
            f"<feedback>{feedback}</feedback></choice>")


def problems_of(xml):
    _scenario, problems = parse_scenario_element(parse_xml(xml))
    return [p for p in problems if p.is_error]


def messages(xml):
    return [p.format() for p in problems_of(xml)]


AMIRA = open("tests/data/amira.xml", encoding="utf-8").read()


def test_the_issue_example_parses_with_its_settings_and_content():
    scenario = load_scenario(AMIRA)
    assert scenario.start == "s1"
    s1 = scenario.node("s1")
    assert [c.id for c in s1.choices] == ["c1", "c2"]
    assert s1.choices[0].points == 2 and s1.choices[0].quality == "good"
    chat = s1.body[1]
    assert chat.platform == "Instagram"
    assert [m.sender for m in chat.messages] == ["Elena_Jobs", "Amira"]
    assert chat.messages[1].is_self and chat.messages[0].time == "21:04"
    assert scenario.settings == {"display_name": "A job offer on Instagram (short example)", "max_attempts": 2,
                                 "allow_back": True}
    assert scenario.node("end_bad").outcome == "poor"


def test_start_defaults_to_the_first_step():
    xml = build('<end id="e" title="E"/>' + '<step id="a">' + choice("e") + "</step>")
    assert load_scenario(xml).start == "a"


def test_export_then_parse_gives_an_identical_scenario():
    scenario = load_scenario(AMIRA)
    exported = scenario_body_xml(scenario)
    assert load_scenario(exported) == scenario
    # and the export is stable (a fixed point)
    assert scenario_body_xml(load_scenario(exported)) == exported


def test_indentation_does_not_change_the_scenario():
    compact = build('<step id="a"><p>One</p><p>Two <em>x</em></p>' + choice("e") + '</step><end id="e"><p>Bye</p></end>')
    spaced = compact.replace("<p>Two", "\n\n      <p>Two").replace("<choice", "\n   <choice")
    assert load_scenario(compact) == load_scenario(spaced)


@pytest.mark.parametrize("xml, expected", [
    (build('<step id="a">' + choice("e") + '</step><step id="a">' + choice("e") + '</step><end id="e"/>'),
     "step a: id \"a\" is used more than once"),
    (build('<step id="a">' + choice("nowhere") + '</step><end id="e"/>'),
     "step a: choice c1 leads to \"nowhere\", which does not exist"),
    (build('<step id="a">' + choice("e") + '</step><step id="lost">' + choice("e") + '</step><end id="e"/>'),
     "step lost: cannot be reached from the start step \"a\""),
    (build('<step id="a">' + choice("b") + choice("e") + '</step><step id="b">' + choice("c") + '</step>'
           '<step id="c">' + choice("b") + '</step><end id="e"/>'),
     "step b: no end can be reached from here"),
    (build('<step id="a">' + choice("b") + '</step><step id="b">' + choice("a") + "</step>"),
     "the scenario has no <end>"),
    (build('<step id="a">' + choice("e", points="-1") + '</step><end id="e"/>'),
     "points must be a whole number of at least 0, not \"-1\""),
    (build('<step id="a">' + choice("e", points="1.5") + '</step><end id="e"/>'),
     "points must be a whole number of at least 0, not \"1.5\""),
    (build('<step id="a"><p>No choices</p></step><end id="e"/>'),
     "step a: a step without choices must be written as an <end>"),
    (build('<step id="a">' + choice("e") + '</step><end id="e"/>', start="zz"),
     "start=\"zz\" names no step"),
    (build('<step id="a">' + choice("e") + '</step><end id="e" outcome="great"/>'),
     "end e: outcome must be one of good, mixed, poor"),
    (build('<step id="a">' + choice("e", extra=' quality="bad"') + '</step><end id="e"/>'),
     "quality must be one of good, partial, harmful"),
    (build('<step id="a"><choice next="e"><feedback>x</feedback></choice></step><end id="e"/>'),
     "choice 1 has no <label>"),
    (build('<step id="a">' + choice("e") + '</step><end id="e"/>', extra=' max_attempts="two"'),
     "max_attempts must be a whole number"),
])
def test_validation_names_the_problem_and_the_step(xml, expected):
    found = messages(xml)
    assert any(expected in m for m in found), found


def test_errors_carry_the_source_line():
    xml = "<f2l_scenario>\n<step id=\"a\">\n" + choice("gone") + "\n</step>\n<end id=\"e\"/>\n</f2l_scenario>"
    with pytest.raises(ContentError) as error:
        load_scenario(xml, source="course/vertical/u1.xml")
    assert str(error.value).startswith("course/vertical/u1.xml:3: step a: choice c1 leads to \"gone\"")


def test_malformed_xml_names_the_line():
    with pytest.raises(ContentError) as error:
        load_scenario("<f2l_scenario>\n<step id='a'>\n</f2l_scenario>", source="bad.xml")
    assert str(error.value).startswith("bad.xml:3: not well-formed XML")


def test_entities_and_doctypes_are_refused():
    xxe = ('<?xml version="1.0"?><!DOCTYPE f [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           '<f2l_scenario><step id="a"><p>&x;</p>' + choice("e") + '</step><end id="e"/></f2l_scenario>')
    with pytest.raises(ContentError) as error:
        load_scenario(xxe)
    assert "DOCTYPE and ENTITY declarations are not allowed" in str(error.value)


def test_missing_feedback_is_a_warning_not_an_error():
    xml = build('<step id="a"><choice id="c1" next="e"><label>x</label></choice></step><end id="e"/>')
    scenario, problems = parse_scenario_element(parse_xml(xml))
    assert [p.severity for p in problems] == ["warning"]
    assert scenario.node("a").choices[0].feedback == ""


# ------------------------------------------------------------------ loops and scoring


def test_a_zero_point_loop_is_allowed():
    xml = build('<step id="a">' + choice("think", 0) + choice("b", 2) + '</step>'
                '<step id="think">' + choice("a", 0) + '</step>'
                '<step id="b">' + choice("e", 1) + '</step><end id="e"/>')
    scenario = load_scenario(xml)
    assert max_score(scenario) == 3


def test_a_loop_that_could_earn_points_again_is_rejected():
    xml = build('<step id="a">' + choice("think", 1) + choice("e", 2) + '</step>'
                '<step id="think">' + choice("a", 0) + '</step><end id="e"/>')
    assert any("step a: choice c1 leads back into a loop and awards 1 points" in m for m in messages(xml))


def test_a_self_loop_with_points_is_rejected():
    xml = build('<step id="a">' + choice("a", 1) + choice("e") + '</step><end id="e"/>')
    assert any("leads back into a loop" in m for m in messages(xml))


def test_max_score_is_the_best_path_not_the_sum_of_best_choices():
    # a -> b (5) -> e (0) ; a -> c (1) -> e (10): best is 11 via c.
    xml = build('<step id="a">' + choice("b", 5) + choice("c", 1) + '</step>'
                '<step id="b">' + choice("e", 0) + '</step>'
                '<step id="c">' + choice("e", 10) + '</step><end id="e"/>')
    assert max_score(load_scenario(xml)) == 11


def test_max_score_of_a_1000_step_chain_with_loops():
    steps = []
    for i in range(1000):
        nxt = f"s{i + 1}" if i < 999 else "end"
        back = f"s{i - 1}" if i else "s0"
        steps.append(f'<step id="s{i}">' + choice(nxt, 1) + choice(back, 0) + "</step>")
    # every s(i) -> s(i-1) edge makes a loop with s(i-1) -> s(i), which awards a point: rejected
    assert any("leads back into a loop" in m for m in messages(build("".join(steps) + '<end id="end"/>')))
    steps = [f'<step id="s{i}">' + choice(f"s{i + 1}" if i < 999 else "end", 1) + choice("end", 0) + "</step>"
             for i in range(1000)]
    assert max_score(load_scenario(build("".join(steps) + '<end id="end"/>'))) == 1000


# ------------------------------------------------------------------ sanitising


@pytest.mark.parametrize("dirty, clean", [
    ('<p onclick="x()">Hi</p>', "<p>Hi</p>"),
    ("<script>alert(1)</script><p>ok</p>", "<p>ok</p>"),
    ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href=" JaVaScRiPt:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="https://example.org/a?b=1">x</a>', '<a href="https://example.org/a?b=1" rel="noopener noreferrer">x</a>'),
    ('<a href="/static/leaflet.pdf">x</a>', '<a href="/static/leaflet.pdf" rel="noopener noreferrer">x</a>'),
    ('<img src="data:image/svg+xml,..." onerror="x()"/>', '<img alt=""/>'),
    ("<iframe src='https://evil'></iframe>text", "text"),
    ("<blink>kept text</blink>", "kept text"),
    ("<style>p{}</style><em>x &amp; y</em>", "<em>x &amp; y</em>"),
    ("not <xml", "not &lt;xml"),
])
def test_sanitiser_allow_list(dirty, clean):
    assert sanitize_html(dirty) == clean


def test_sanitising_is_idempotent():
    dirty = '<p>a <a href="https://x.org" rel="evil">b</a><br/>c</p><ul><li>d</li></ul>'
    once = sanitize_html(dirty)
    assert sanitize_html(once) == once
