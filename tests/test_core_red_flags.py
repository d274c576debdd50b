"""The red flags core: parsing, clause segmentation, validation, export and marking (no XBlock involved)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from free2link_xblocks.cli import main
from free2link_xblocks.core import red_flags as core
from free2link_xblocks.core.markup import parse_xml
from free2link_xblocks.core.problems import ContentError

SAMPLE = open("tests/data/red_flags.xml", encoding="utf-8").read()


def xml(text, feedback='<feedback for="a">Why.</feedback>', extra=""):
    return f"<f2l_red_flags>\n<text>\n{text}\n</text>\n{feedback}\n{extra}</f2l_red_flags>"


def messages(source):
    return [p.format() for p in core.parse_red_flags_element(parse_xml(source))[1]]


def unit_texts(model):
    return [u.text for u in model.units]


# ------------------------------------------------------------------ parsing and segmentation


def test_the_documented_shape_parses():
    model = core.load_red_flags(SAMPLE)
    assert model.settings == {"display_name": "Red flags in the hostess advert", "weight": 1.0, "max_attempts": 2}
    assert [m.id for m in model.flags] == ["pay", "passport", "hurry"]
    assert [m.id for m in model.phrases] == ["contract_q"]
    assert model.prompt.startswith("Select every phrase")
    assert model.intro and "Daria, 23" in model.intro[0].markup
    assert model.feedback_for("pay").strength == "medium" and "ILO" in model.feedback_for("pay").source
    assert model.mark("hurry").units == (10, 11)  # a flag may cover several clauses
    assert [u.index for u in model.units] == list(range(len(model.units)))


def test_clauses_are_cut_after_sentence_marks_and_commas_but_never_inside_numbers_or_times():
    model = core.load_red_flags(xml('<p><flag id="a">3,000 euro a month!</flag> Pay: 1.500 zł, at 21:04; call now… '
                                    'really? “Yes.” Fine</p>'))
    assert unit_texts(model) == ["3,000 euro a month!", "Pay:", "1.500 zł,", "at 21:04;", "call now…", "really?",
                                 "“Yes.”", "Fine"]


def test_units_do_not_depend_on_the_marks():
    """Flagged or not, the same text gives the same units: the cut never reveals a flag."""
    marked = core.load_red_flags(SAMPLE)
    bare = SAMPLE
    for tag in ("flag", "phrase"):
        bare = bare.replace(f"</{tag}>", "")
    for mark in marked.marks:
        bare = bare.replace(f'<{mark.kind} id="{mark.id}">', "")
    units_of_bare = core.derive(core.parse_red_flags_element(parse_xml(bare))[0].text, [])[0]
    assert [u.markup for u in units_of_bare] == [u.markup for u in marked.units]
    assert all(u.owner is None for u in units_of_bare)


def test_inline_markup_is_kept_per_clause_and_links_are_unwrapped():
    model = core.load_red_flags(xml('<p><flag id="a">Pay <strong>now, today</strong>.</flag> See <a href="https://x.eu">'
                                    'site</a>.</p>'))
    assert [u.markup for u in model.units] == ["Pay <strong>now,</strong>", "<strong>today</strong>.", "See site."]
    assert model.mark("a").units == (0, 1)


def test_learner_text_carries_no_ids_owners_or_feedback():
    model = core.load_red_flags(SAMPLE)
    payload = repr(core.learner_text(model))
    for secret in ("'pay'", "'passport'", "'hurry'", "contract_q", "owner", "strength", "lure", "medium", "flag"):
        assert secret not in payload
    units = [u for part in core.learner_text(model) for p in part.get("paragraphs", part.get("messages", [part]))
             for u in p["units"]]
    assert len(units) == len(model.units) and all(set(u) == {"index", "markup"} for u in units)
    assert "Send a photo of your passport today." in payload


def test_entities_are_refused():
    with pytest.raises(ContentError, match="DOCTYPE|ENTITY"):
        core.load_red_flags('<!DOCTYPE x [<!ENTITY e "boom">]><f2l_red_flags>&e;</f2l_red_flags>')


def test_malformed_xml_gives_a_line():
    with pytest.raises(ContentError) as error:
        core.load_red_flags("<f2l_red_flags>\n<text>\n<p>x</text></f2l_red_flags>")
    assert error.value.problems[0].line == 3


# ------------------------------------------------------------------ validation


def test_a_clean_text_has_no_problems():
    assert messages(SAMPLE) == []


def test_a_flag_ending_mid_clause_is_refused_with_its_line():
    out = messages(xml('<p>Hi.</p>\n<p>Pay is <flag id="a">3,000 euro</flag> a month.</p>'))
    assert len(out) == 2
    assert out[0].startswith('4: flag a: flag "a" starts inside a clause; the selectable units would reveal it')
    assert out[1].startswith('4: flag a: flag "a" ends inside a clause; the selectable units would reveal it')


@pytest.mark.parametrize("text, feedback, expected", [
    ('<p><flag id="a">A.</flag> <flag id="b">B.</flag></p>', '<feedback for="a">W</feedback>',
     'flag b: flag "b" has no <feedback for="b">'),
    ('<p><flag id="a">A.</flag> <phrase id="p">B.</phrase></p>', '<feedback for="a">W</feedback>',
     'phrase "p" has no <feedback for="p">'),
    ('<p><flag id="a">A.</flag></p>', '<feedback for="a">W</feedback><feedback for="zz">W</feedback>',
     '<feedback for="zz"> names no flag or phrase in the text'),
    ('<p><flag id="a">A. <flag id="b">B.</flag></flag></p>', '<feedback for="a">W</feedback><feedback for="b">W'
     '</feedback>', "flags and phrases cannot be nested"),
    ('<p><em><flag id="a">A.</flag></em></p>', '<feedback for="a">W</feedback>', "not inside <em>"),
    ('<p><flag id="a">A.</flag> <flag id="a">B.</flag></p>', '<feedback for="a">W</feedback>',
     'id "a" is used more than once (also on line 3)'),
    ('<p>Nothing flagged.</p>', '', "the text has no <flag>"),
    ('<p><flag id="a">A.</flag></p>', '<feedback for="a" strength="huge">W</feedback>',
     'strength must be one of strong, medium, weak, not "huge"'),
    ('<p><flag id="a">A.</flag></p>', '<feedback for="a">W</feedback><feedback for="a">X</feedback>',
     'more than one <feedback> for "a"'),
    ('<p><flag id="a b">A.</flag></p>', '<feedback for="a b">W</feedback>', '<flag> needs an id'),
    ('<p><flag id="a"> </flag>Text.</p>', '<feedback for="a">W</feedback>', 'flag "a" is empty'),
    ('Loose text<p><flag id="a">A.</flag></p>', '<feedback for="a">W</feedback>', "<text> holds text outside a <p>"),
    ('<ul><li>x</li></ul><p><flag id="a">A.</flag></p>', '<feedback for="a">W</feedback>', "<ul> is not allowed"),
])
def test_each_authoring_mistake_is_named(text, feedback, expected):
    out = messages(xml(text, feedback))
    assert any(expected in line for line in out), out


def test_no_text_at_all_is_an_error():
    assert any("there is no <text>" in m for m in messages("<f2l_red_flags><prompt>P</prompt></f2l_red_flags>"))


def test_free2link_validate_checks_red_flags_files_with_file_and_line(tmp_path, capsys):
    good = tmp_path / "good.xml"
    good.write_text(SAMPLE, encoding="utf-8")
    bad = tmp_path / "bad.xml"
    bad.write_text(SAMPLE.replace('<feedback for="passport"', '<feedback for="passports"'), encoding="utf-8")
    assert main(["validate", str(good)]) == 0
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert f'{bad}:18: <feedback for="passports"> names no flag or phrase in the text' in out
    assert f'{bad}:12: flag passport: flag "passport" has no <feedback for="passport">' in out


# ------------------------------------------------------------------ export


def test_export_is_an_exact_round_trip():
    model = core.load_red_flags(SAMPLE)
    text = core.serialise(model)
    again = core.load_red_flags(text)
    assert again == model and again.units == model.units and again.marks == model.marks
    assert core.serialise(again) == text
    assert text == SAMPLE.strip()  # the hand-written sample is already in the canonical form


# ------------------------------------------------------------------ marking


def test_the_scoring_rule():
    model = core.load_red_flags(SAMPLE)  # flags: pay (1), passport (6), hurry (10, 11); phrase: contract_q (8)
    assert core.grade(model, [1, 6, 10]).earned == 3
    assert core.grade(model, [1, 6, 10, 11]).earned == 3  # two units of one flag: spotted once
    result = core.grade(model, [1, 5, 8])  # one spotted, two false alarms
    assert (result.earned, result.possible) == (0, 3)  # floored at 0
    assert [r.verdict for r in result.flags] == ["spotted", "missed", "missed"]
    assert [(a.units, a.phrase.id if a.phrase else None) for a in result.false_alarms] == [((5,), None),
                                                                                           ((8,), "contract_q")]
    assert result.false_alarms[1].feedback.markup.startswith("Not a red flag")
    assert core.grade(model, [1, 6, 9]).earned == 1
    assert core.grade(model, list(range(len(model.units)))).earned == 0  # selecting everything does not pay


def test_the_units_of_one_phrase_count_once():
    model = core.load_red_flags(xml('<p><flag id="a">A.</flag> <flag id="b">B.</flag> <phrase id="p">C, D.</phrase>'
                                    '</p>', '<feedback for="a">W</feedback><feedback for="b">W</feedback>'
                                    '<feedback for="p">W</feedback>'))
    assert core.grade(model, [0, 1, 2, 3]).earned == 1  # 2 spotted - 1 phrase
    assert len(core.grade(model, [0, 1, 2, 3]).false_alarms) == 1


@pytest.mark.parametrize("bad", ["1", [1.5], [True], [1, 1], [-1], [99], None, {"a": 1}])
def test_malformed_selections_are_refused(bad):
    model = core.load_red_flags(SAMPLE)
    with pytest.raises(core.AnswerError):
        core.check_selection(model, bad)


def test_answers_survive_an_edit_that_renumbers_units():
    model = core.load_red_flags(SAMPLE)
    keys = core.unit_keys(model, [1, 6])
    edited = core.load_red_flags(SAMPLE.replace("<p>Events and", "<p>New sentence. Events and"))
    assert [edited.units[i].text for i in core.units_for_keys(edited, keys)] == [
        "3,000 euro a month for evening work!", "Send a photo of your passport today."]


# ------------------------------------------------------------------ properties

_WORDS = st.sampled_from(["pay", "3,000", "euro", "21:04", "now", "Milan", "«ok»", "e.g", "team", "zł"])
_ENDS = st.sampled_from([".", "!", "?", ";", ":", ",", ""])
_CLAUSE = st.builds(lambda words, end: " ".join(words) + end, st.lists(_WORDS, min_size=1, max_size=4), _ENDS)


@st.composite
def texts(draw):
    """Paragraphs of clauses, each clause flagged, a phrase or plain: always on clause boundaries."""
    paragraphs, feedback, n = [], [], 0
    for _ in range(draw(st.integers(1, 3))):
        clauses = draw(st.lists(_CLAUSE, min_size=1, max_size=5))
        clauses = [c if c[-1] in ".!?;:," or i == len(clauses) - 1 else c + "." for i, c in enumerate(clauses)]
        out = []
        for clause in clauses:
            kind = draw(st.sampled_from(["flag", "phrase", None, None]))
            if kind:
                n += 1
                out.append(f'<{kind} id="m{n}">{clause}</{kind}>')
                feedback.append(f'<feedback for="m{n}">Why {n}.</feedback>')
            else:
                out.append(clause)
        paragraphs.append("<p>" + " ".join(out) + "</p>")
    paragraphs.append('<p><flag id="always">Last one.</flag></p>')
    feedback.append('<feedback for="always">Why.</feedback>')
    return xml("\n".join(paragraphs), "\n".join(feedback))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts(), st.data())
def test_round_trip_and_score_bounds_hold_for_any_text(source, data):
    model = core.load_red_flags(source)
    again = core.load_red_flags(core.serialise(model))
    assert again == model and again.units == model.units
    selected = data.draw(st.lists(st.sampled_from(range(len(model.units))), unique=True))
    result = core.grade(model, selected)
    assert 0 <= result.earned <= result.possible == len(model.flags)
    assert result.earned <= len(result.spotted)
    every_flag = [f.units[0] for f in model.flags]
    assert core.grade(model, every_flag).earned == result.possible  # one unit per flag is a perfect answer
    assert core.grade(model, list(range(len(model.units)))).earned == max(
        0, len(model.flags) - len(core.grade(model, list(range(len(model.units)))).false_alarms))


def test_the_space_open_edx_drops_between_two_marks_changes_nothing():
    """Open edX imports OLX with remove_blank_text: white space alone between two elements is dropped."""
    spaced = xml('<p>Hello. <flag id="a">Pay 3,000 euro now!</flag> <phrase id="b">Fun team.</phrase></p>',
                 '<feedback for="a">Why.</feedback><feedback for="b">Not one.</feedback>')
    dropped = spaced.replace("</flag> <phrase", "</flag><phrase")
    assert dropped != spaced and messages(dropped) == messages(spaced) == []
    one, other = core.load_red_flags(spaced), core.load_red_flags(dropped)
    assert unit_texts(one) == unit_texts(other) == ["Hello.", "Pay 3,000 euro now!", "Fun team."]
    assert [(m.id, m.units) for m in one.marks] == [(m.id, m.units) for m in other.marks]
    # only after a clause's mark: words that run together still end a flag inside a clause
    assert any("ends inside a clause" in m or "starts inside a clause" in m
               for m in messages(dropped.replace("now!</flag>", "now</flag>")))
