"""Red flags in the course pipeline: a flag is translated inside its sentence, and a translation keeps it whole.

A translator sees ``<flag id>`` and ``<phrase id>`` inline, like ``<em>``, and may move them within the
sentence; ``free2link validate --lang`` and ``free2link build`` refuse a translation that loses, doubles or
renames one, or whose flag no longer starts and ends on a clause boundary in that language (the selectable
clauses would then give the flag away).
"""

from __future__ import annotations

import json
import shutil
import tarfile

import pytest
from lxml import etree

from free2link_xblocks import course_tools
from free2link_xblocks.cli import main
from free2link_xblocks.core.red_flags import parse_red_flags_element
from free2link_xblocks.i18n_tools import parse_po

from .test_course_tools import MINI, T, translate_catalogue

SENTENCE = ('Events in Milan. <flag id="pay">3,000 euro a month, no experience needed. </flag>'
            '<phrase id="team">A fun team.</phrase>')
MESSAGE = 'Hi! <flag id="passport">Send a photo of your passport today.</flag>'
NOTE = "For course teams: check the advert before publishing."
VERTICAL = f"""<vertical display_name="Spot the red flags">
  <f2l_red_flags url_name="flags" xblock-family="xblock.v1" display_name="Red flags in an advert" weight="1.0"
                 max_attempts="2">
    <prompt>Select every red flag.</prompt>
    <text>
      <advert source="Facebook group" title="Hostesses wanted">
        <p>{SENTENCE}</p>
      </advert>
      <chat platform="WhatsApp">
        <message from="Stella" time="21:04">{MESSAGE}</message>
      </chat>
    </text>
    <feedback for="pay" strength="medium" source="ILO–EC operational indicators">Pay far above the usual rate.</feedback>
    <feedback for="passport">A passport photo sent early can be misused (by our estimate: medium).</feedback>
    <feedback for="team">Not a red flag: a friendly team is an ordinary promise.</feedback>
    <explanation><p>Two signs appear together.</p><p class="f2l-course-team">{NOTE}</p></explanation>
  </f2l_red_flags>
</vertical>
"""


@pytest.fixture
def source(tmp_path):
    """The mini course with a red-flags unit, its catalogues extracted."""
    copy = tmp_path / "mini-course"
    shutil.copytree(MINI, copy)
    course = copy / "course"
    (course / "vertical" / "v_flags.xml").write_text(VERTICAL, encoding="utf-8")
    learn = course / "sequential" / "seq_learn.xml"
    learn.write_text(learn.read_text(encoding="utf-8").replace(
        '<vertical url_name="v_intro"/>', '<vertical url_name="v_intro"/>\n  <vertical url_name="v_flags"/>'),
        encoding="utf-8")
    policy = course / "policies" / "run1" / "policy.json"
    data = json.loads(policy.read_text(encoding="utf-8"))
    data["course/run1"]["advanced_modules"].append("f2l_red_flags")
    policy.write_text(json.dumps(data), encoding="utf-8")
    course_tools.extract(copy, T)
    return copy


def translating(replacements: dict):
    """A pseudo-translation («it» in front) with some units replaced by hand."""
    return lambda msgid: replacements.get(msgid, "«it» " + msgid)


def built_flags(tarball, tmp_path):
    with tarfile.open(tarball) as archive:
        archive.extractall(tmp_path / "unpacked", filter="data")
    root = etree.parse(str(tmp_path / "unpacked" / "course" / "vertical" / "v_flags.xml")).getroot()
    return root.find("f2l_red_flags")


def test_a_flag_is_offered_inside_its_sentence_not_cut_out_of_it(source):
    msgids = set(parse_po(course_tools.catalogue_path(source, None).read_text(encoding="utf-8")))
    assert SENTENCE in msgids and MESSAGE in msgids
    assert "3,000 euro a month, no experience needed." not in msgids and "Events in Milan." not in msgids
    assert {"Pay far above the usual rate.", "ILO–EC operational indicators", "Select every red flag."} <= msgids


def test_a_translator_may_move_a_flag_within_its_sentence(source, tmp_path):
    moved = ('<phrase id="team">Un team simpatico. </phrase><flag id="pay">3.000 euro al mese, senza esperienza.</flag> '
             'Eventi a Milano.')
    translate_catalogue(source, "it", translate=translating({SENTENCE: moved}))
    assert course_tools.validate_course(source, T, language="it").errors == 0
    tarball, report = course_tools.build(source, "it", tmp_path / "dist", T)
    assert tarball is not None, report.lines
    block = built_flags(tarball, tmp_path)
    model, problems = parse_red_flags_element(block)
    assert [p for p in problems if p.is_error] == []
    assert [u.text for u in model.units][:4] == ["Un team simpatico.", "3.000 euro al mese,", "senza esperienza.",
                                                 "Eventi a Milano."]
    assert {m.id: m.units for m in model.marks}["pay"] == (1, 2)
    assert NOTE not in etree.tostring(block, encoding="unicode")  # the course-team note is taken out...
    checklist = (tmp_path / "dist" / "mini-course-it-course-team-checklist.md").read_text(encoding="utf-8")
    assert f"`vertical/v_flags.xml:16`: «it» {NOTE}" in checklist  # ...and listed for the course team


@pytest.mark.parametrize("translation", [
    "Eventi a Milano. 3.000 euro al mese. <phrase id=\"team\">Un team simpatico.</phrase>",  # the flag is lost
    ('Eventi a Milano. <flag id="pay">3.000 euro al mese. </flag><flag id="pay">Senza esperienza. </flag>'
     '<phrase id="team">Un team simpatico.</phrase>'),  # the flag is doubled
    ('Eventi a Milano. <flag id="paga">3.000 euro al mese. </flag>'
     '<phrase id="team">Un team simpatico.</phrase>'),  # the flag is renamed
    ('Eventi a Milano. <phrase id="pay">3.000 euro al mese. </phrase>'
     '<phrase id="team">Un team simpatico.</phrase>'),  # the flag became a phrase
], ids=["lost", "doubled", "renamed", "retagged"])
def test_a_translation_must_keep_each_flag_once_with_its_id(source, tmp_path, translation):
    translate_catalogue(source, "it", translate=translating({SENTENCE: translation}))
    expected = "vertical/v_flags.xml:7: the translation of"
    rule = "must keep each <flag id> and <phrase id> of the original exactly once, with the same id"
    report = course_tools.validate_course(source, T, language="it")
    assert report.errors == 1 and expected in report.lines[0] and rule in report.lines[0], report.lines
    tarball, report = course_tools.build(source, "it", tmp_path / "dist", T)
    assert tarball is None and any(expected in line and rule in line for line in report.lines), report.lines


def test_a_translated_flag_that_ends_inside_a_clause_is_refused(source, tmp_path, capsys):
    # The clauses would be "Ciao!" and "Mandami una foto del passaporto oggi.": a flag on only part of one
    # would have to be cut out of it, and the cut would show the learner where the flag is.
    inside = 'Ciao! <flag id="passport">Mandami una foto</flag> del passaporto oggi.'
    translate_catalogue(source, "it", translate=translating({MESSAGE: inside}))
    po = course_tools.catalogue_path(source, "it")
    report = course_tools.validate_course(source, T, language="it")
    assert report.errors == 1, report.lines
    line = report.lines[0]
    assert "vertical/v_flags.xml:10:" in line and 'flag "passport" ends inside a clause' in line
    assert line.endswith(f"(in the translation from {po})"), line
    assert main(["validate", str(source), "--lang", "it"]) == 1
    assert 'flag "passport" ends inside a clause' in capsys.readouterr().out
    tarball, report = course_tools.build(source, "it", tmp_path / "dist", T)
    assert tarball is None and any("ends inside a clause" in line and str(po) in line for line in report.lines)
    assert not (tmp_path / "dist").exists()


def test_the_same_flags_in_every_language_of_a_clean_build(source, tmp_path):
    translate_catalogue(source, "it")
    ids = {}
    for language in ("en", "it"):
        tarball, report = course_tools.build(source, language, tmp_path / language, T)
        assert tarball is not None, report.lines
        model, _problems = parse_red_flags_element(built_flags(tarball, tmp_path / language))
        ids[language] = [(m.kind, m.id) for m in model.marks]
    assert ids["it"] == ids["en"] == [("flag", "pay"), ("phrase", "team"), ("flag", "passport")]


# ------------------------------------------------------------------ OLX as openedx-platform parses it

class PlatformElement(etree.ElementBase):
    """The element class openedx-platform parses OLX with (openedx/core/lib/safe_lxml, as `cms import` does): its
    ``iterdescendants(tag=None, *tags)`` passes ``tag`` on by keyword, so a call with several tags fails there."""

    def iterdescendants(self, tag=None, *tags):  # noqa: B026 - the platform's own signature
        return super().iterdescendants(tag=tag, *tags)  # noqa: B026


def platform_parse(markup: str):
    parser = etree.XMLParser(resolve_entities=False)
    parser.set_element_class_lookup(etree.ElementDefaultClassLookup(element=PlatformElement))
    return etree.fromstring(markup, parser)


def test_a_translation_is_checked_on_markup_the_platform_parsed():
    from free2link_xblocks.core.course_text import apply_translation, text_units

    root = platform_parse(VERTICAL)
    unit = next(u for u in text_units(root) if u.msgid == SENTENCE)
    apply_translation(unit, SENTENCE.replace("Events in Milan.", "Eventi a Milano."))
    assert unit.element.text.startswith("Eventi a Milano.")


def test_every_red_flags_exercise_of_the_course_parses_as_the_platform_parses_it():
    from free2link_xblocks.core.course import load_course

    source = course_tools.course_sources()[0] / "course"
    exercises = load_course(source).blocks_of("f2l_red_flags")
    assert len(exercises) >= 4
    for placed in exercises:
        model, problems = parse_red_flags_element(platform_parse(etree.tostring(placed.element, encoding="unicode")))
        assert model is not None and [p for p in problems if p.is_error] == [], placed.source


def test_white_space_alone_between_two_flags_is_refused_as_open_edx_drops_it(source, tmp_path):
    """Open edX imports OLX with remove_blank_text: "</flag> <phrase>" would become "needed.A fun team." there."""
    vertical = source / "course" / "vertical" / "v_flags.xml"
    vertical.write_text(vertical.read_text(encoding="utf-8").replace("needed. </flag><phrase", "needed.</flag> <phrase"),
                        encoding="utf-8")
    report = course_tools.validate_course(source / "course", T)
    assert report.errors == 1, report.lines
    assert "vertical/v_flags.xml:7: <flag> and <phrase> are separated only by white space, which Open edX drops" \
        in report.lines[0] and '"o experience needed." would run into "A fun team."' in report.lines[0]


def test_a_translation_that_puts_white_space_alone_between_two_flags_is_refused(source, tmp_path):
    spaced = ('Eventi a Milano. <flag id="pay">3.000 euro al mese, senza esperienza.</flag> '
              '<phrase id="team">Un team simpatico.</phrase>')
    translate_catalogue(source, "it", translate=translating({SENTENCE: spaced}))
    report = course_tools.validate_course(source, T, language="it")
    assert report.errors == 1 and "separated only by white space" in report.lines[0], report.lines
    assert report.lines[0].endswith(f"(in the translation from {course_tools.catalogue_path(source, 'it')})")
    tarball, report = course_tools.build(source, "it", tmp_path / "dist", T)
    assert tarball is None and any("separated only by white space" in line for line in report.lines)
