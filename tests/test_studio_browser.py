"""The Studio editor in the workbench's studio view, in headless Chromium, driven with the keyboard.

An author builds a scenario and a quiz from nothing, sees the server's validation next to the
field it concerns, fixes it, saves, reloads, and plays the result in the student view.
axe-core audits the form, the overview, the OLX mode, the preview and the removal dialog.
Each test puts the shipped example it edited back as it was, for the other browser tests.
"""

import re

import pytest
from lxml import etree

from .browser import ROOT, active, console_errors, press, run_axe, scenario_url, screenshot, tab_to, wait_for
from .workbench import Client

pytestmark = pytest.mark.browser
SCENARIO = "The gamer friend (think again)"
QUIZ = "Her phone keeps ringing"


def audit(driver, name, selector=".f2l-studio"):
    violations = run_axe(driver, selector)
    path = screenshot(driver, name)
    assert violations == [], violations
    return path


def studio_url(workbench, title, student):
    return scenario_url(workbench, title, student).replace("/?student=", "/studio_view/?student=")


def wait_until(driver, condition, timeout=10):
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, timeout).until(lambda d: condition(d))
    except TimeoutException:
        screenshot(driver, "studio-timeout")
        raise AssertionError("timed out; status: " + status(driver) + "; problems: " + driver.find_element(
            "css selector", ".f2l-studio__problems").text) from None


def status(driver):
    return driver.find_element("css selector", ".f2l-studio__status").text


def field_id(suffix):
    return lambda a: a["id"].endswith("-f-" + suffix)


def button(text):
    return lambda a: a["tag"] == "BUTTON" and a["text"].strip() == text


def typed(driver, *keys):
    press(driver, *keys)


def shift_tab_to(driver, condition, limit=120):
    """Move focus backwards with Shift+Tab until the script ``condition`` holds."""
    from selenium.webdriver.common.keys import Keys

    for _ in range(limit):
        press(driver, Keys.SHIFT, Keys.TAB, Keys.SHIFT)
        if driver.execute_script("return " + condition):
            return
    raise AssertionError(f"Shift+Tab never reached {condition}; last: {active(driver)}")


@pytest.fixture
def restore(workbench):
    """Put back the shipped example a test edits (its file's settings and content), for the other tests."""
    saved = []

    def keep(title, file):
        client = Client(workbench.url, "staff")
        status_code, html = client.get(re.search(r"/scenario/[^/]+/", scenario_url(workbench, title, "x")).group(0))
        assert status_code == 200
        usage_id = re.search(r"data-usage='([^']+)' data-block-type='f2l_", html).group(1)
        root = etree.fromstring(next(ROOT.glob(f"free2link_xblocks/*/workbench/{file}")).read_bytes())
        settings = {name: root.attrib.pop(name) for name in list(root.attrib)
                    if name not in ("start", "harmful_cap")}  # those two belong to the content
        saved.append((client, usage_id, {**settings, "olx": etree.tostring(root, encoding="unicode")}))

    yield keep
    for client, usage_id, body in saved:
        status_code, answer = client.post(usage_id, "studio_submit", body)
        assert status_code == 200, answer


def unfold(driver, inside):
    """Open the folded step, end or indicator that holds ``inside``, with its toggle (mouse)."""
    toggle = driver.execute_script(
        "const box = arguments[0].closest('.f2l-item:has(> legend > .f2l-item__toggle)');"
        "return box && box.querySelector(':scope > legend > .f2l-item__toggle');", inside)
    if toggle is not None and toggle.get_attribute("aria-expanded") == "false":
        driver.execute_script("arguments[0].click()", toggle)


def shift_tab_to_save(driver):
    shift_tab_to(driver, "document.activeElement.type === 'submit' && document.activeElement.textContent === 'Save'",
                 limit=200)


def remove_everything(driver, list_selector):
    """Empty a list of the form with the Remove buttons (mouse; the keyboard comes after)."""
    while True:
        buttons = driver.find_elements("css selector", f"{list_selector} > .f2l-item > .f2l-item__tools "
                                                       "[data-action=remove]")
        if not buttons:
            return
        unfold(driver, buttons[0])
        driver.execute_script("arguments[0].click()", buttons[0])  # not hidden by the sticky Save bar
        dialogs = driver.find_elements("css selector", "dialog[open]")
        if dialogs:
            dialogs[0].find_element("css selector", "[data-dialog=confirm]").click()


def test_an_author_builds_a_scenario_with_the_keyboard_fixes_an_error_saves_and_plays_it(driver, workbench, restore):
    from selenium.webdriver.common.keys import Keys

    restore(SCENARIO, "40_think_again.xml")
    url = studio_url(workbench, SCENARIO, "staff")
    driver.get(url)
    wait_for(driver, ".f2l-item")
    remove_everything(driver, "[data-path=nodes]")
    assert active(driver)["text"] == "Add a step"  # focus lands on what is left to do
    # In the author's words, next to the list of steps: no OLX tags.
    wait_until(driver, lambda d: "Add a step: the scenario has none." in d.find_element(
        "css selector", "[id$='-f-nodes-errors']").text)

    # A first step, with its narrative and a choice.
    press(driver, Keys.ENTER)
    assert active(driver)["id"].endswith("-f-nodes-0-id")
    tab_to(driver, field_id("nodes-0-title"))
    typed(driver, "At the desk")
    tab_to(driver, field_id("nodes-0-parts-0-markup"))
    typed(driver, "<p>A young woman asks for help & advice at the desk.</p>")
    tab_to(driver, field_id("nodes-0-choices-0-label"))
    typed(driver, "Listen to her story first.")
    tab_to(driver, field_id("nodes-0-choices-0-points"))
    typed(driver, Keys.BACKSPACE, "2")
    tab_to(driver, field_id("nodes-0-choices-0-quality"))
    typed(driver, Keys.ARROW_DOWN)  # A helpful choice
    tab_to(driver, field_id("nodes-0-choices-0-feedback"))
    typed(driver, "Listening first builds trust.")
    # An end.
    tab_to(driver, button("Add an end"))
    press(driver, Keys.ENTER)
    assert active(driver)["id"].endswith("-f-nodes-1-id")
    tab_to(driver, field_id("nodes-1-title"))
    typed(driver, "She accepts support")
    tab_to(driver, field_id("nodes-1-outcome"))
    typed(driver, Keys.ARROW_DOWN)
    tab_to(driver, field_id("nodes-1-parts-0-markup"))
    typed(driver, "<p>She meets a counsellor the next day.</p>")
    # The choice leads to the end, chosen from a list of the steps and ends.
    shift_tab_to(driver, "document.activeElement.id.endsWith('-f-nodes-0-choices-0-next')")
    typed(driver, Keys.ARROW_DOWN, Keys.ARROW_DOWN)  # "Choose..." -> s1 -> end1
    assert driver.execute_script("return document.activeElement.selectedOptions[0].text") == "end1: She accepts support"
    wait_until(driver, lambda d: status(d) == "No problems found.")

    # A second step that nothing leads to: the server says so, next to that step and in the overview.
    tab_to(driver, button("Add a step"))
    press(driver, Keys.ENTER)
    tab_to(driver, field_id("nodes-2-title"))
    typed(driver, "Her documents")
    tab_to(driver, field_id("nodes-2-parts-0-markup"))
    typed(driver, "<p>Her passport is kept by the employer.</p>")
    tab_to(driver, field_id("nodes-2-choices-0-label"))
    typed(driver, "Call the anti-trafficking helpline with her.")
    tab_to(driver, field_id("nodes-2-choices-0-next"))
    typed(driver, Keys.END)
    tab_to(driver, field_id("nodes-2-choices-0-feedback"))
    typed(driver, "The helpline knows the next steps.")
    wait_until(driver, lambda d: status(d) == "1 error to fix before saving.")
    errors = wait_for(driver, "#" + active(driver)["id"].replace("-f-nodes-2-choices-0-feedback", "-f-nodes-2-errors")
                      + ":not([hidden])")
    assert 'cannot be reached from the start step "s1"' in errors.text
    assert "Cannot be reached from the start" in driver.find_element("css selector", "[data-outline]").text
    summary = driver.find_element("css selector", ".f2l-studio__problems")
    assert "Step 2 \u2014 Her documents: cannot be reached" in summary.text
    assert summary.find_element("css selector", "a").get_attribute("href").endswith("-f-nodes-2")
    audit(driver, "studio-scenario-error")

    # Fix it: a second choice on the first step leads there.
    shift_tab_to(driver, "document.activeElement.getAttribute('data-list') === 'nodes.0.choices'")
    press(driver, Keys.ENTER)
    assert active(driver)["id"].endswith("-f-nodes-0-choices-1-label")
    typed(driver, "Ask about her documents.")
    tab_to(driver, field_id("nodes-0-choices-1-next"))
    typed(driver, Keys.ARROW_DOWN, Keys.ARROW_DOWN)  # "Choose..." -> s1 -> s2
    tab_to(driver, field_id("nodes-0-choices-1-feedback"))
    typed(driver, "Documents kept by an employer are an indicator.")
    wait_until(driver, lambda d: status(d) == "No problems found.")
    outline = driver.find_element("css selector", "[data-outline]").text
    assert "Steps: 2. Ends: 1. Maximum score: 2." in outline and "Cannot be reached" not in outline
    audit(driver, "studio-scenario-form")

    shift_tab_to_save(driver)  # Save and Cancel stay at the top of the editor
    press(driver, Keys.ENTER)
    wait_until(driver, lambda d: status(d).startswith("Saved."))
    assert console_errors(driver) == []

    # Reload: the form shows what was stored.
    driver.get(url)
    wait_for(driver, ".f2l-item")
    assert driver.find_element("css selector", "[id$='-f-nodes-0-title']").get_attribute("value") == "At the desk"
    assert driver.find_element("css selector", "[id$='-f-nodes-0-parts-0-markup']").get_attribute("value") == (
        "<p>A young woman asks for help &amp; advice at the desk.</p>")

    # A learner plays it, with the keyboard.
    driver.get(scenario_url(workbench, SCENARIO, "first_learner"))
    wait_for(driver, ".f2l-choices")
    assert "A young woman asks for help & advice at the desk." in driver.find_element("css selector", ".f2l-step").text
    tab_to(driver, lambda a: a["type"] == "radio")
    press(driver, Keys.ARROW_DOWN)  # the second option: her documents
    tab_to(driver, button("Confirm my choice"))
    press(driver, Keys.ENTER)
    assert "Documents kept by an employer" in wait_for(driver, ".f2l-feedback").text
    tab_to(driver, button("Continue"))
    press(driver, Keys.ENTER)
    wait_for(driver, "form.f2l-choices[data-step=s2]")
    tab_to(driver, lambda a: a["type"] == "radio")
    press(driver, Keys.SPACE)
    tab_to(driver, button("Confirm my choice"))
    press(driver, Keys.ENTER)
    tab_to(driver, button("See the outcome"))
    press(driver, Keys.ENTER)
    assert "She accepts support" in wait_for(driver, ".f2l-end").text


def test_the_olx_mode_the_preview_and_the_removal_dialog(driver, workbench, restore):
    from selenium.webdriver.common.keys import Keys

    restore(SCENARIO, "40_think_again.xml")
    driver.get(studio_url(workbench, SCENARIO, "instructor"))
    wait_for(driver, ".f2l-item")
    wait_until(driver, lambda d: status(d) == "No problems found.")
    screenshot(driver, "studio-scenario-editor")

    # Removing a step that choices lead to asks where they should lead instead.
    remove = driver.find_element("css selector", "[data-path='nodes.1'] > .f2l-item__tools [data-action=remove]")
    unfold(driver, remove)  # a long scenario opens folded: a list of titles
    driver.execute_script("arguments[0].focus()", remove)
    press(driver, Keys.ENTER)
    dialog = wait_for(driver, "dialog[open]")
    assert active(driver)["tag"] == "SELECT" and "think1: Think again — Choices leading here: 2." in dialog.text
    # The safe default: Enter right away re-points no choice to some other step.
    assert driver.execute_script("return document.activeElement.value") == ""
    audit(driver, "studio-remove-dialog")
    press(driver, Keys.ESCAPE)
    assert not driver.find_elements("css selector", "dialog[open]") and active(driver)["text"] == "Remove"
    press(driver, Keys.ENTER)
    wait_for(driver, "dialog[open]")
    press(driver, Keys.ARROW_DOWN)  # the first step in the list
    tab_to(driver, button("Move those choices and remove the step"))
    press(driver, Keys.ENTER)
    assert len(driver.find_elements("css selector", "[data-path=nodes] > .f2l-item")) == 6
    wait_until(driver, lambda d: "think1" not in d.find_element("css selector", "[data-outline]").text)

    # The OLX mode shows the form's content; an error there is reported by line.
    shift_tab_to(driver, "document.activeElement.getAttribute('data-tab') === 'form'", limit=400)
    press(driver, Keys.ARROW_RIGHT)  # Settings
    assert driver.find_element("css selector", "[data-panel=settings] [data-setting]").is_displayed()
    press(driver, Keys.ARROW_RIGHT)
    textarea = wait_for(driver, "textarea[name=olx]")
    wait_until(driver, lambda d: textarea.is_displayed() and "<f2l_scenario" in textarea.get_attribute("value"))
    assert 'id="think1"' not in textarea.get_attribute("value")
    driver.execute_script("arguments[0].focus(); arguments[0].setSelectionRange(0, 0)", textarea)
    text = textarea.get_attribute("value")
    driver.execute_script("arguments[0].value = arguments[1]", textarea, text.replace('next="s2"', 'next="s9"', 1))
    press(driver, " ", Keys.BACKSPACE)  # an input event, as typing gives
    problems = wait_for(driver, ".f2l-studio__problems:not([hidden])")
    wait_until(driver, lambda d: 'leads to "s9", which does not exist' in problems.text)
    assert re.search(r"\b\d+: step s1: choice c1 leads to", problems.text)
    assert textarea.get_attribute("aria-invalid") == "true"
    audit(driver, "studio-olx-error")
    # The problem's line number is a link that selects that line in the OLX.
    line = problems.find_element("css selector", "a[data-line]")
    number = int(line.get_attribute("data-line"))
    driver.execute_script("arguments[0].focus()", line)
    press(driver, Keys.ENTER)
    selected = driver.execute_script("const t = arguments[0]; return [document.activeElement === t,"
                                     " t.value.slice(t.selectionStart, t.selectionEnd)]", textarea)
    assert selected == [True, text.replace('next="s2"', 'next="s9"', 1).split("\n")[number - 1]]
    assert 'next="s9"' in selected[1]
    # Back to the form is refused while the OLX has errors.
    shift_tab_to(driver, "document.activeElement.getAttribute('data-tab') === 'olx'")
    press(driver, Keys.HOME)
    wait_until(driver, lambda d: "Correct them before you go back to the form" in status(d))
    assert not textarea.get_attribute("hidden") and textarea.is_displayed()
    driver.execute_script("arguments[0].value = arguments[1]", textarea, text)
    press(driver, Keys.HOME)
    wait_until(driver, lambda d: d.find_element("css selector", "[data-editor]").is_displayed())

    # The preview shows the learner view of the unsaved content, any step or end.
    press(driver, Keys.END)
    preview = wait_for(driver, "[data-preview] .f2l-scenario")
    assert "Credits from a friend" in preview.text and "Confirm my choice" in preview.text
    select = driver.find_element("css selector", "[data-preview-picker] select")
    driver.execute_script("arguments[0].focus()", select)
    press(driver, Keys.END)
    wait_until(driver, lambda d: d.find_elements("css selector", "[data-preview] .f2l-end"))
    assert all(not b.is_enabled() for b in driver.find_elements("css selector", "[data-preview] button"))
    audit(driver, "studio-preview")
    assert console_errors(driver) == []


def test_an_author_builds_a_quiz_with_the_keyboard_fixes_an_error_saves_and_a_learner_answers(driver, workbench,
                                                                                             restore):
    from selenium.webdriver.common.keys import Keys

    restore(QUIZ, "20_phone_keeps_ringing.xml")
    url = studio_url(workbench, QUIZ, "staff")
    driver.get(url)
    wait_for(driver, ".f2l-item")
    remove_everything(driver, "[data-path=case]")
    remove_everything(driver, "[data-path=indicators]")
    wait_until(driver, lambda d: "Add at least two indicators (there are 0 now)." in d.find_element(
        "css selector", "[data-path=indicators]").text)

    tab_to(driver, button("Add text"))
    press(driver, Keys.ENTER)
    assert active(driver)["id"].endswith("-f-case-0-markup")
    typed(driver, "<p>Her phone rings every hour; she must answer.</p>")
    tab_to(driver, field_id("prompt"))
    typed(driver, Keys.CONTROL, "a", Keys.CONTROL, "Which indicators do you see?")
    tab_to(driver, button("Add an indicator"))
    press(driver, Keys.ENTER)
    assert active(driver)["id"].endswith("-f-indicators-0-id")
    tab_to(driver, field_id("indicators-0-label"))
    typed(driver, "She is controlled by phone")
    tab_to(driver, field_id("indicators-0-present"))
    press(driver, Keys.SPACE)
    tab_to(driver, field_id("indicators-0-feedback"))
    typed(driver, "Constant calls are a form of control.")
    # One indicator is not a question: the error sits at the list of indicators.
    wait_until(driver, lambda d: status(d) == "1 error to fix before saving.")
    box = wait_for(driver, "[id$='-f-indicators-errors']:not([hidden])")
    assert "Add at least two indicators (there are 1 now)." in box.text
    audit(driver, "studio-quiz-error")
    tab_to(driver, button("Add an indicator"))
    press(driver, Keys.ENTER)
    tab_to(driver, field_id("indicators-1-label"))
    typed(driver, "She has a written contract")
    tab_to(driver, field_id("indicators-1-feedback"))
    typed(driver, "Nothing in the case shows a contract.")
    wait_until(driver, lambda d: status(d) == "No problems found.")
    assert "Indicators: 2, of which present: 1." in driver.find_element("css selector", "[data-outline]").text
    screenshot(driver, "studio-quiz-editor")
    audit(driver, "studio-quiz-form")
    shift_tab_to_save(driver)
    press(driver, Keys.ENTER)
    wait_until(driver, lambda d: status(d).startswith("Saved."))

    driver.get(url)
    wait_for(driver, ".f2l-item")
    assert driver.find_element("css selector", "[id$='-f-indicators-1-label']").get_attribute("value") == (
        "She has a written contract")

    driver.get(scenario_url(workbench, QUIZ, "quiz_learner"))
    wait_for(driver, ".f2l-quiz__form")
    assert "Her phone rings every hour" in driver.find_element("css selector", ".f2l-quiz").text
    tab_to(driver, lambda a: a["type"] == "checkbox" and a["text"] == "indicator1")
    press(driver, Keys.SPACE)
    tab_to(driver, button("Submit my answer"))
    press(driver, Keys.ENTER)
    assert "You judged every indicator correctly." in wait_for(driver, ".f2l-result").text


def test_the_form_edits_the_harmful_cap_and_the_points_of_an_end(driver, workbench, restore):
    from selenium.webdriver.common.keys import Keys

    restore(SCENARIO, "40_think_again.xml")
    url = studio_url(workbench, SCENARIO, "staff")
    driver.get(url)
    wait_for(driver, ".f2l-item")
    cap = driver.find_element("css selector", "[data-path=harmful_cap]")
    assert cap.get_attribute("value") == "2" and cap.get_attribute("aria-describedby")
    end_points = driver.find_elements("css selector", "input[data-path$='.points'][data-path^='nodes.']")
    end_points = [e for e in end_points if ".choices." not in e.get_attribute("data-path")]
    assert [e.get_attribute("value") for e in end_points] == ["0", "0"]  # the two ends of the example

    cap.clear()
    cap.send_keys("lots")
    wait_until(driver, lambda d: status(d) == "1 error to fix before saving.")
    assert "harmful_cap must be a whole number" in driver.find_element("css selector", ".f2l-studio__problems").text
    cap.clear()
    cap.send_keys("1")
    unfold(driver, end_points[0])  # a long scenario opens folded: open the end's card
    end_points[0].clear()
    end_points[0].send_keys("3")
    wait_until(driver, lambda d: status(d) == "No problems found.")
    assert "Maximum score: 9." in driver.find_element("css selector", "[data-outline]").text
    tab_to(driver, button("Save"))
    press(driver, Keys.ENTER)
    wait_until(driver, lambda d: status(d).startswith("Saved."))

    driver.get(url)
    wait_for(driver, ".f2l-item")
    assert driver.find_element("css selector", "[data-path=harmful_cap]").get_attribute("value") == "1"
    saved = [e.get_attribute("value") for e in driver.find_elements(
        "css selector", "input[data-path$='.points'][data-path^='nodes.']") if ".choices." not in e.get_attribute(
        "data-path")]
    assert saved == ["3", "0"]
    assert console_errors(driver) == []


LARGEST = "Cleaning job, then"  # one of the course's two largest scenarios: 6 steps and 4 ends


def test_the_outline_reaches_any_step_of_the_largest_course_scenario_in_at_most_10_key_presses(driver, workbench):
    from selenium.webdriver.common.keys import Keys

    url = studio_url(workbench, LARGEST, "staff")

    def fresh_page():
        driver.get(url)
        wait_for(driver, ".f2l-item")
        wait_until(driver, lambda d: status(d) == "No problems found.")  # the overview is redrawn by then

    fresh_page()
    nodes = len(driver.find_elements("css selector", "[data-path=nodes] > .f2l-item"))
    assert nodes == 10
    # A long scenario opens folded: a list of titles, each one tab stop.
    assert all(t.get_attribute("aria-expanded") == "false"
               for t in driver.find_elements("css selector", "[data-path=nodes] > .f2l-item > legend > button"))
    audit(driver, "studio-outline")
    presses = {}
    for target in range(nodes):
        if target:
            fresh_page()  # as the editor opens, every time
        driver.execute_script(
            "let s = document.getElementById('top-of-editor'); if (!s) { s = document.createElement('span');"
            " s.id = 'top-of-editor'; s.tabIndex = -1; const e = document.querySelector('.f2l-studio');"
            " e.parentNode.insertBefore(s, e); } s.focus();")
        count = 0
        while not driver.execute_script("return document.activeElement.matches('a.f2l-outline__link')"):
            press(driver, Keys.TAB)
            count += 1
            assert count < 10, active(driver)
        here = driver.execute_script("return [...document.querySelectorAll('[data-outline] a.f2l-outline__link')]"
                                     ".indexOf(document.activeElement)")
        # The shortest way from the focused line: arrows, or Home/End then arrows.
        ways = [[Keys.ARROW_DOWN if target > here else Keys.ARROW_UP] * abs(target - here),
                [Keys.HOME] + [Keys.ARROW_DOWN] * target, [Keys.END] + [Keys.ARROW_UP] * (nodes - 1 - target)]
        keys = min(ways, key=len) + [Keys.ENTER]
        press(driver, *keys)
        count += len(keys)
        where = driver.execute_script(
            "const f = document.activeElement.closest('.f2l-item[data-path^=\"nodes.\"]');"
            " const r = document.activeElement.getBoundingClientRect();"
            " return [f && f.getAttribute('data-path'), f && !f.querySelector(':scope > .f2l-item__body').hidden,"
            " r.top >= document.querySelector('.f2l-studio__bar').getBoundingClientRect().bottom - 1"
            " && r.top < window.innerHeight];")  # in view, below the sticky Save bar
        assert where == [f"nodes.{target}", True, True], (target, where)
        presses[target] = count
    print("key presses from the top of the editor to each node:", presses)
    assert max(presses.values()) <= 10, presses
    assert console_errors(driver) == []


def test_errors_speak_the_authors_words_and_stay_on_choice_1_when_a_second_choice_is_added(driver, workbench,
                                                                                          restore):
    from selenium.webdriver.common.keys import Keys

    restore(SCENARIO, "40_think_again.xml")
    driver.get(studio_url(workbench, SCENARIO, "staff"))
    wait_for(driver, ".f2l-item")
    wait_until(driver, lambda d: status(d) == "No problems found.")
    add = driver.find_element("css selector", "[data-list=nodes][data-what=step]")
    driver.execute_script("arguments[0].focus()", add)
    press(driver, Keys.ENTER)
    step = active(driver)["id"].rsplit("-id", 1)[0]  # ...-f-nodes-7
    tab_to(driver, field_id(step.split("-f-")[1] + "-title"))
    typed(driver, "Her documents")
    tab_to(driver, field_id(step.split("-f-")[1] + "-parts-0-markup"))
    typed(driver, "Her passport is kept by the employer.")  # plain text: the first choice comes right after it

    def choice_1_is_marked(d):
        label = d.find_element("css selector", f"#{step}-choices-0-label")
        return label.get_attribute("aria-invalid") == "true" and d.find_elements(
            "css selector", f".f2l-studio__problems a[href$='{step}-choices-0-label']")

    wait_until(driver, choice_1_is_marked)
    tab_to(driver, lambda a: a["tag"] == "BUTTON" and a["text"] == "Add a choice")
    press(driver, Keys.ENTER)
    assert active(driver)["id"] == f"{step}-choices-1-label"
    wait_until(driver, lambda d: d.find_elements("css selector", f".f2l-studio__problems a[href$='{step}-choices-1-label']"))
    # Choice 1 keeps its field link and its invalid fields (the bug: they moved to the step).
    assert choice_1_is_marked(driver)
    assert driver.find_element("css selector", f"#{step}-choices-0-next").get_attribute("aria-invalid") == "true"
    label_note = driver.find_element("css selector", f"#{step}-choices-0-label").find_element(
        "xpath", "..").find_element("css selector", ".f2l-studio__error").text
    assert label_note == "Write the text of this choice."
    summary = driver.find_element("css selector", ".f2l-studio__problems")
    lines = summary.text.split("\n")
    assert "Step 6 \u2014 Her documents, Choice 1, What the learner chooses: Write the text of this choice." in lines
    assert "Step 6 \u2014 Her documents, Choice 2, Leads to: Choose the step or end this choice leads to." in summary.text
    # No OLX in the form's messages, no repeated step id.
    assert not re.search(r"<\w+>|next=|\bstep s\d", summary.text), summary.text
    # Errors apart from warnings: the error list has as many lines as the status counts.
    errors = len(summary.find_elements("css selector", ".f2l-studio__problems-heading:first-child + ul > li"))
    # the status comes after "Added." has been said (say() writes it a moment later), never before it
    wait_until(driver, lambda d: status(d) == f"{errors} errors to fix before saving.")
    heading = summary.find_elements("css selector", ".f2l-studio__problems-heading--warning")
    assert heading and heading[0].text.startswith("Warnings")
    assert "Add feedback: without it" in summary.find_element(
        "css selector", ".f2l-studio__problems-heading--warning + ul").text
    audit(driver, "studio-errors-in-words")
