"""f2l_red_flags in XBlock's own ToyRuntime: OLX round trip, no answer key before an answer, marking, grades,
attempts, the staff view, reports, mobile data, search, Studio handlers and translation."""

import io
import json
import re
from collections import namedtuple

import pytest
from lxml import etree
from xblock.fields import Scope

from free2link_xblocks.core import red_flags as core
from free2link_xblocks.core.authoring import red_flags_to_form
from free2link_xblocks.i18n import CatalogueI18nService

from .conftest import RecordingRuntime, load_block

SAMPLE = open("tests/data/red_flags.xml", encoding="utf-8").read()  # flags pay (1), passport (6), hurry (10, 11)
UserState = namedtuple("UserState", "username block_key state updated scope")
# What must not reach the page before an answer: ids, feedback, strengths, sources, the explanation.
SECRETS = ['"pay"', '"passport"', '"hurry"', "contract_q", "common lure", "can be misused", "good sign", "medium",
           "weak", "EMPACT", "Three recruitment indicators", "owner", "<flag", "<phrase", "feedback"]


@pytest.fixture
def block(runtime):
    return load_block(runtime, SAMPLE)[0]


def html_of(runtime, block):
    return runtime.render(block, "student_view").content


def submit(runtime, block, selected, **extra):
    return runtime.call(block, "submit", {"selected": selected, "version": block.version, **extra})


# ------------------------------------------------------------------ OLX


def test_parse_sets_settings_and_content(block):
    assert block.display_name == "Red flags in the hostess advert" and block.max_attempts == 2
    assert block.weight == 1.0 and block.has_score and block.max_score() == 3
    assert block.model == core.load_red_flags(SAMPLE)


def test_export_writes_the_readable_form_and_parses_back_identically(runtime, block):
    out = io.BytesIO()
    runtime.export_to_xml(block, out)
    root = etree.fromstring(out.getvalue())
    node = root if root.tag == "f2l_red_flags" else root.find(".//f2l_red_flags")
    assert node.get("max_attempts") == "2" and node.find("text/advert/p/flag").get("id") == "pay"
    assert "attempts" not in node.attrib and "selected" not in node.attrib
    again = load_block(RecordingRuntime(), etree.tostring(node, encoding="unicode"))[0]
    assert again.model == block.model and again.red_flags_xml == block.red_flags_xml


def test_invalid_olx_is_refused_with_line_and_flag(runtime):
    with pytest.raises(Exception, match=r'flag pay: flag "pay" ends inside a clause'):
        load_block(runtime, SAMPLE.replace("evening work!</flag>", "evening</flag> work!"))


# ------------------------------------------------------------------ before an answer: no answer key


def test_before_an_answer_the_page_carries_units_only(runtime, block):
    html = html_of(runtime, block)
    for secret in SECRETS:
        assert secret not in html, secret
    units = re.findall(r'<span class="f2l-unit" role="button" tabindex="0" aria-pressed="false" data-unit="(\d+)">',
                       html)
    assert units == [str(i) for i in range(len(block.model.units))]
    assert "3,000 euro a month for evening work!" in html and "Hi Daria!" in html
    # every unit is written the same way: the tag around a flag equals the tag around any other clause
    assert len(set(re.findall(r'<span class="f2l-unit"[^>]*data-unit="\d+">', html))) == len(units)
    assert len({re.sub(r"\d+", "N", tag) for tag in re.findall(r'<span class="f2l-unit"[^>]*>', html)}) == 1


def test_mobile_data_holds_the_content_only(block):
    data = json.dumps(block.student_view_data())
    for secret in SECRETS:
        assert secret not in data, secret
    assert block.student_view_data()["state"] == "answering" and block.student_view_data()["max_score"] == 3


def test_search_indexes_the_text_not_the_feedback(block):
    content = block.index_dictionary()["content"]
    assert "3,000 euro a month" in content["text"] and "common lure" not in json.dumps(content)
    assert block.index_dictionary()["content_type"] == "Red flags"


# ------------------------------------------------------------------ answering


def test_an_answer_is_marked_in_place_and_publishes_grade_and_event(runtime, block):
    status, answer = submit(runtime, block, [1, 6, 5])
    assert status == 200 and answer["focus"] == "result"
    assert (block.attempts, block.best_earned, block.last_earned) == (1, 1, 1)  # 2 spotted - 1 false alarm
    assert runtime.events_of("grade") == [{"value": 1, "max_value": 3, "only_if_higher": None}]
    event = runtime.events_of("xblock.f2l_red_flags.submitted")[0]
    assert event["spotted"] == ["pay", "passport"] and event["missed"] == ["hurry"]
    assert event["false_alarms"] == [[5]] and event["selected"] == [1, 5, 6]
    html = answer["html"]
    assert "Red flag 1: spotted" in html and "Red flag 3: not selected" in html
    assert "Your selection A: not a red flag" in html and "common lure" in html and "EMPACT 2022–23" in html
    assert "This is not one of the red flags in this text." in html
    assert "Three recruitment indicators" in html and "Try again" in html
    assert "f2l-unit--missed" in html and "f2l-unit--spotted f2l-unit--selected" in html


def test_a_phrase_shows_its_own_feedback_and_counts_once(runtime, block):
    submit(runtime, block, [1, 6, 10, 8])
    assert block.last_earned == 2
    html = html_of(runtime, block)
    assert "asking for a contract is a good sign" in html


def test_selecting_everything_scores_nothing(runtime, block):
    submit(runtime, block, list(range(len(block.model.units))))
    assert block.best_earned == 0


@pytest.mark.parametrize("selected", [[], "1", [1.5], [True], [1, 1], [-1], [99], None, [[1]]])
def test_malformed_selections_are_400_and_change_nothing(runtime, block, selected):
    status, answer = submit(runtime, block, selected)
    assert status == 400 and answer["error"] and block.attempts == 0 and runtime.events == []


def test_an_answer_on_an_old_version_of_the_text_is_refused(runtime, block):
    status, answer = submit(runtime, block, [1], version="0000000000000000")
    assert status == 400 and "changed by the course team" in answer["error"] and block.attempts == 0


def test_best_score_is_kept_and_attempts_are_enforced(runtime, block):
    submit(runtime, block, [1, 6, 10])
    assert block.best_earned == 3
    assert runtime.call(block, "reset")[0] == 200
    submit(runtime, block, [1])
    assert (block.best_earned, block.last_earned, block.attempts) == (3, 1, 2)
    assert runtime.call(block, "reset")[0] == 400
    html = html_of(runtime, block)
    assert "Best score: 3 of 3 points" in html and "You have used all your attempts" in html


def test_after_a_reset_the_page_is_a_fresh_selection(runtime, block):
    submit(runtime, block, [1])
    status, answer = runtime.call(block, "reset")
    assert status == 200 and 'aria-pressed="true"' not in answer["html"] and "f2l-unit--" not in answer["html"]
    for secret in SECRETS:
        assert secret not in answer["html"], secret


def test_learner_view_data_gives_the_result_after_an_answer(runtime, block):
    assert "result" not in block.learner_view_data()
    submit(runtime, block, [1])
    data = block.learner_view_data()
    assert data["state"] == "result" and data["result"]["earned"] == 1
    assert [f["verdict"] for f in data["result"]["flags"]] == ["spotted", "missed", "missed"]


# ------------------------------------------------------------------ course-team edits


def test_an_edit_that_renumbers_the_units_keeps_the_answer_and_rescores_it(runtime, block):
    submit(runtime, block, [1, 6, 10])
    block.red_flags_xml = core.serialise(core.load_red_flags(SAMPLE.replace(
        "<p>Events and", "<p>New opening sentence. Events and")))
    assert block._selection() == [2, 7, 11]
    assert block.calculate_score().raw_earned == 3
    assert "Red flag 1: spotted" in html_of(runtime, block)


def test_a_lower_maximum_clamps_the_best_score_everywhere(runtime, block):
    submit(runtime, block, [1, 6, 10])
    edited = SAMPLE.replace('<flag id="hurry">decide today, don’t tell many people.</flag>',
                            "decide today, don’t tell many people.").replace(
        '<feedback for="hurry" strength="weak">Pressure to decide fast leaves no time to check.</feedback>', "")
    block.red_flags_xml = core.serialise(core.load_red_flags(edited))
    assert block.max_score() == 2 and block.get_score().raw_earned == 2
    html = html_of(runtime, block)
    assert "Best score: 2 of 2 points" in html and "3 of 2" not in html
    state = {"attempts": block.attempts, "best_earned": block.best_earned, "answers": block.answers}
    row = next(block.generate_report_data(iter([UserState("ana", None, state, None, None)])))[1]
    assert row["Best score"] == 2 and row["Max score"] == 2


# ------------------------------------------------------------------ staff view and reports


def test_the_staff_view_shows_which_flags_the_class_missed(block):
    usage_id = block.scope_ids.usage_id
    for learner, selected in (("ana", [1, 6]), ("ben", [1, 5]), ("eva", [1, 6, 10])):
        runtime = RecordingRuntime(learner)
        submit(runtime, runtime.get_block(usage_id), selected)
    staff = RecordingRuntime("teacher", staff=True)
    html = html_of(staff, staff.get_block(usage_id))
    assert "Which red flags the class missed" in html
    assert re.search(r"Send a photo of your passport today\.</th><td>Missed in 1 of 3 answers", html)
    assert re.search(r"decide today, don’t tell many people\.</th><td>Missed in 2 of 3 answers", html)
    assert "Hi Daria!</q>: Ticked by mistake in 1 of 3 answers" in html


def test_learners_do_not_see_the_staff_view(runtime, block):
    submit(runtime, block, [1])
    assert "Which red flags the class missed" not in html_of(runtime, block)


def test_report_rows_give_spotted_missed_and_false_alarms(runtime, block):
    submit(runtime, block, [1, 5, 8])
    state = {name: field.read_from(block) for name, field in block.fields.items() if field.scope == Scope.user_state}
    rows = list(block.generate_report_data(iter([UserState("ana", None, state, None, None),
                                                 UserState("ben", None, {}, None, None)])))
    assert rows[0] == ("ana", {
        "Attempts": 1, "Best score": 0, "Max score": 3, "Last score": 0,
        "Spotted red flags": "3,000 euro a month for evening work!",
        "Missed red flags": "Send a photo of your passport today. | decide today, don’t tell many people.",
        "False alarms": "Hi Daria! | Is there a contract?", "Spotted ids": "pay", "Missed ids": "passport hurry",
        "False alarm count": 2, "False alarm phrase ids": "contract_q"})
    assert rows[1][1]["Attempts"] == 0 and rows[1][1]["Spotted ids"] == ""


# ------------------------------------------------------------------ Studio


def test_studio_saves_the_form_with_the_same_validation(runtime, block):
    runtime.as_staff()
    form = red_flags_to_form(block.model)
    form["text"][1]["markup"] = '<p>Daria wrote. <flag id="new">She was told to pay a fee.</flag></p>'
    settings = {"display_name": "X", "weight": 2, "max_attempts": 1}
    status, answer = runtime.call(block, "studio_validate", {**settings, "form": form})
    assert status == 200 and answer["errors"] == 1
    assert answer["problems"][0]["path"] == "text.1" and "no <feedback for=" in answer["problems"][0]["message"]
    form["feedback"].append({"for": "new", "strength": "strong", "source": "", "feedback": "A fee is a red flag."})
    status, answer = runtime.call(block, "studio_submit", {**settings, "form": form})
    assert status == 200 and "Red flags: 4" in answer["summary"]
    assert block.max_score() == 4 and block.display_name == "X" and block.weight == 2.0
    assert '<flag id="new">She was told to pay a fee.</flag>' in block.red_flags_xml


def test_studio_refuses_a_flag_that_would_be_revealed_and_stores_nothing(runtime, block):
    runtime.as_staff()
    stored = block.red_flags_xml
    olx = SAMPLE.replace("evening work!</flag>", "evening</flag> work!").replace(
        ' display_name="Red flags in the hostess advert" weight="1.0" max_attempts="2"', "")
    status, answer = runtime.call(block, "studio_submit", {"display_name": "X", "olx": olx})
    assert status == 400 and 'flag "pay" ends inside a clause' in answer["error"]
    assert block.red_flags_xml == stored


def test_studio_view_preview_and_author_view_render(runtime, block):
    runtime.as_staff()
    assert "Mark as red flag" in runtime.render(block, "studio_view").content
    status, answer = runtime.call(block, "studio_preview", {"display_name": "X", "weight": 1, "max_attempts": 0,
                                                            "form": red_flags_to_form(block.model)})
    assert status == 200 and 'aria-pressed="false"' in answer["html"] and "common lure" not in answer["html"]
    outline = runtime.render(block, "author_view").content
    assert "3,000 euro a month for evening work!" in outline and "Medium indicator" in outline


def test_the_interface_is_translated(block):
    runtime = RecordingRuntime("learner", i18n=CatalogueI18nService("pl"))
    mine = load_block(runtime, SAMPLE)[0]
    html = html_of(runtime, mine)
    assert "Nic jeszcze nie zaznaczono." in html and "Wyślij" in html
    counts = json.loads(re.search(r'data-counts="([^"]+)"', html).group(1).replace("&quot;", '"'))
    assert counts[1] == "Zaznaczono 1 część tekstu." and counts[2] == "Zaznaczono 2 części tekstu."


def test_the_form_shows_paragraphs_as_blank_line_separated_text_and_reads_them_back(block):
    from free2link_xblocks.core.authoring import check_red_flags_form

    form = red_flags_to_form(block.model)
    assert form["text"][1]["markup"] == "Daria wrote to the number yesterday, at <em>21:00</em>."
    form["text"][1]["markup"] = '<phrase id="p2">She is unsure.</phrase> She asks you.\n\n  \nShe waits.'
    form["feedback"].append({"for": "p2", "strength": "", "source": "", "feedback": "Doubt is not a red flag."})
    checked = check_red_flags_form(form)
    assert [p.problem.format() for p in checked.problems] == []
    model = checked.model
    assert [[u.text for u in model.passage_units(n)] for n in (1, 2)] == [["She is unsure.", "She asks you."],
                                                                           ["She waits."]]
    assert model.mark("p2").kind == "phrase" and model.mark("p2").units == (3,)
