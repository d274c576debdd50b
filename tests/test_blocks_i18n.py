"""Every string our blocks show goes through the i18n service: none is left in English."""

import json
import re
from html import escape

from lxml import html as lxml_html

from free2link_xblocks.core.authoring import quiz_to_form, red_flags_to_form, scenario_to_form

from .conftest import RecordingRuntime, load_block

AMIRA = open("tests/data/amira.xml", encoding="utf-8").read()
HOSTESS = open("tests/data/hostess.xml", encoding="utf-8").read()
RED_FLAGS = open("tests/data/red_flags.xml", encoding="utf-8").read()


class PseudoTranslation:
    """Wraps every translated string in ⟦…⟧ so untranslated text stands out."""

    def gettext(self, message):
        return f"⟦{message}⟧"

    def ngettext(self, singular, plural, count):
        return f"⟦{singular if count == 1 else plural}⟧"

    def __getattr__(self, name):
        raise AttributeError(name)


AUTHOR_CONTENT = (".f2l-text", ".f2l-chat__sender", ".f2l-chat__time", ".f2l-chat__text", ".f2l-advert__title",
                  ".f2l-advert__text", ".f2l-choices__label", ".f2l-feedback__choice dd", ".f2l-feedback__text",
                  ".f2l-step__title", ".f2l-end__title", ".f2l-title", ".f2l-recap__step", ".f2l-tally__title",
                  ".f2l-tally__table tbody th", "textarea", "script", "caption", ".f2l-marking__label",
                  ".f2l-explanation", ".f2l-expected li", ".f2l-prompt", ".f2l-outline__label",
                  ".f2l-unit", "q")  # red flags: the clauses of the text, and quotes of it


def untranslated_text(markup):
    """Visible text and attribute values that are neither translated nor author content."""
    tree = lxml_html.fromstring(f"<div>{markup}</div>")
    for selector in AUTHOR_CONTENT:
        for element in _select(tree, selector):
            element.drop_tree()
    leftovers = []
    for text in tree.itertext():
        stripped = re.sub(r"⟦[^⟧]*⟧", "", text).strip()
        if re.search(r"[A-Za-z]{2,}", stripped):
            leftovers.append(stripped)
    for element in tree.iter():
        for name in ("aria-label", "title", "placeholder", "alt") + tuple(a for a in element.attrib
                                                                          if a.startswith("data-msg")):
            value = element.get(name)
            if value and not re.fullmatch(r"⟦[^⟧]*⟧", value):
                leftovers.append(f"{name}={value}")
    return leftovers


def _select(tree, selector):
    # css selectors without the cssselect package: class and descendant forms used above only
    parts = selector.split()
    found = [tree]
    for part in parts:
        tag, _, cls = part.partition(".")
        xpath = f".//{tag or '*'}" + (f"[contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')]" if cls else "")
        found = [m for f in found for m in f.xpath(xpath)]
    return found


def scenario_views(i18n) -> list[str]:
    """Every state of a scenario, as learners and course staff see it, and its Studio editor and errors."""
    runtime = RecordingRuntime("learner", staff=True, i18n=i18n)
    block = load_block(runtime, AMIRA)[0]
    views = [runtime.render(block, "student_view").content]
    views.append(runtime.call(block, "choose", {"step": "s1", "choice": "c1"})[1]["html"])
    views.append(runtime.call(block, "proceed")[1]["html"])
    views.append(runtime.call(block, "choose", {"step": "s2", "choice": "c1"})[1]["html"])
    views.append(runtime.call(block, "proceed")[1]["html"])
    views.append(runtime.render(block, "student_view").content)  # end screen, with the staff tally
    views.append(runtime.render(block, "studio_view").content)
    runtime.call(block, "restart")
    views.append(runtime.call(block, "choose", {"step": "s1", "choice": "c2"})[1]["html"])
    views.append(runtime.call(block, "proceed")[1]["html"])  # attempts used up
    views.append(escape(runtime.call(block, "restart")[1]["error"]))  # errors are text, shown as text
    views.append(escape(runtime.call(block, "studio_submit", {"display_name": "", "weight": "-1", "max_attempts": "x",
                                                        "allow_back": "maybe", "olx": "<f2l_scenario><step id='a'>"
                                                        "<choice next='b'><label>x</label></choice></step>"
                                                        "</f2l_scenario>"})[1]["error"]))
    return views


def quiz_views(i18n) -> list[str]:
    """Every state of an indicator quiz, as learners and course staff see it, and its Studio editor and errors."""
    runtime = RecordingRuntime("learner", staff=True, i18n=i18n)
    block = load_block(runtime, HOSTESS)[0]
    views = [runtime.render(block, "student_view").content]  # the form, with the confirm-none panel
    views.append(runtime.call(block, "submit", {"selected": ["pay", "contract"]})[1]["html"])
    views.append(runtime.call(block, "reset")[1]["html"])
    views.append(runtime.call(block, "submit", {"selected": [], "none": True})[1]["html"])  # last attempt
    views.append(runtime.render(block, "student_view").content)  # with the staff tally
    views.append(runtime.render(block, "studio_view").content)
    views.append(escape(runtime.call(block, "reset")[1]["error"]))
    views.append(escape(runtime.call(block, "studio_submit", {"display_name": "Q", "weight": "1", "max_attempts": "1",
                                                        "scoring": "most", "shuffle": False,
                                                        "olx": "<f2l_indicator_quiz><indicator id='a' present='x'/>"
                                                        "</f2l_indicator_quiz>"})[1]["error"]))
    block.max_attempts, block.submitted = 1, False
    views.append(runtime.render(block, "student_view").content)  # closed
    return views


def red_flags_views(i18n) -> list[str]:
    """Every state of a red flags exercise, as learners and course staff see it, and its Studio editor and errors."""
    runtime = RecordingRuntime("learner", staff=True, i18n=i18n)
    block = load_block(runtime, RED_FLAGS)[0]
    views = [runtime.render(block, "student_view").content]
    views.append(runtime.call(block, "submit", {"selected": [1, 5, 8]})[1]["html"])  # spotted, missed, false alarms
    views.append(runtime.call(block, "reset")[1]["html"])
    views.append(runtime.call(block, "submit", {"selected": [1, 6, 10]})[1]["html"])  # all right, last attempt
    views.append(runtime.render(block, "student_view").content)  # with the staff tally
    views.append(runtime.render(block, "studio_view").content)
    views.append(runtime.render(block, "author_view").content)
    views.append(escape(runtime.call(block, "reset")[1]["error"]))
    block.max_attempts, block.submitted = 1, False
    views.append(runtime.render(block, "student_view").content)  # closed
    return views


def studio_editor_texts(block_xml, form_of, change) -> list[str]:
    """The Studio editor: its page, the script's messages, and the answers of its three handlers."""
    runtime = RecordingRuntime("author", staff=True, i18n=PseudoTranslation())
    block = load_block(runtime, block_xml)[0]
    page = runtime.render(block, "studio_view").content
    data = json.loads(re.search(r'type="application/json">(.*?)</script>', page, re.S).group(1))
    strings = list(data["messages"].values()) + [v for labels in data["labels"].values() for v in labels.values()]
    settings = {s.name: getattr(block, s.name) for s in block.settings_spec}
    form = form_of(block.model)
    views = [page, runtime.call(block, "studio_validate", {**settings, "form": form})[1]["outline"]]
    change(form)
    answer = runtime.call(block, "studio_validate", {**settings, "form": form})[1]
    views.append(answer["outline"])
    # A problem next to its field is one translated sentence; one without a field names its item first.
    strings += [answer["status"]] + [p["message"] if p["path"] else p["message"].split(": ", 1)[0]
                                     for p in answer["problems"]]
    views.append(runtime.call(block, "studio_preview", {**settings, "form": form})[1]["html"])
    views.append(escape(runtime.call(block, "studio_submit", {**settings, "form": form})[1]["error"]))
    untranslated = [s for s in strings if not re.fullmatch(r"⟦[^⟧]*⟧", s)]
    return views, untranslated


def test_the_studio_editor_is_fully_translated():
    def break_scenario(form):
        form["nodes"][0]["choices"][0]["next"] = "s9"

    def break_quiz(form):
        form["indicators"][0]["strength"] = "high"

    def break_red_flags(form):
        form["feedback"][0]["strength"] = "high"

    for xml, form_of, change in ((AMIRA, scenario_to_form, break_scenario), (HOSTESS, quiz_to_form, break_quiz),
                                 (RED_FLAGS, red_flags_to_form, break_red_flags)):
        views, untranslated = studio_editor_texts(xml, form_of, change)
        assert untranslated == []
        for markup in views:
            assert untranslated_text(markup) == []


def test_every_scenario_state_is_fully_translated():
    for markup in scenario_views(PseudoTranslation()):
        assert untranslated_text(markup) == []


def test_handler_errors_are_translated():
    runtime = RecordingRuntime("learner", i18n=PseudoTranslation())
    block = load_block(runtime, AMIRA)[0]
    status, answer = runtime.call(block, "choose", {"step": "nope", "choice": "c1"})
    assert status == 400 and re.fullmatch(r"⟦[^⟧]*⟧", answer["error"])


def test_every_quiz_state_is_fully_translated():
    views = quiz_views(PseudoTranslation())
    for markup in views:
        assert untranslated_text(markup) == []
    assert "⟦Show the expected answer⟧" in views[3] and "⟦Which indicators the class missed" in views[4]


def test_every_red_flags_state_is_fully_translated():
    views = red_flags_views(PseudoTranslation())
    for markup in views:
        assert untranslated_text(markup) == []
    assert "⟦Your selection A⟧" in views[1] and "⟦Which red flags the class missed" in views[4]


def test_red_flags_handler_errors_are_translated():
    runtime = RecordingRuntime("learner", i18n=PseudoTranslation())
    block = load_block(runtime, RED_FLAGS)[0]
    for payload in ({"selected": [99]}, {"selected": []}, {"selected": "x"}, {"selected": [1, 1]}):
        status, answer = runtime.call(block, "submit", payload)
        assert status == 400 and re.fullmatch(r"⟦[^⟧]*⟧", answer["error"]), answer


def test_quiz_handler_errors_are_translated():
    runtime = RecordingRuntime("learner", i18n=PseudoTranslation())
    block = load_block(runtime, HOSTESS)[0]
    for payload in ({"selected": ["nope"]}, {"selected": []}, {"selected": "x"}):
        status, answer = runtime.call(block, "submit", payload)
        assert status == 400 and re.fullmatch(r"⟦[^⟧]*⟧", answer["error"]), answer
