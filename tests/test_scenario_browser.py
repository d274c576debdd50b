"""The learner plays a scenario in headless Chromium with the keyboard only; axe-core audits each screen."""

import re

import pytest

from .browser import (
    active,
    console_errors,
    overflow_at_320px,
    press,
    run_axe,
    scenario_url,
    screenshot,
    tab_to,
    wait_for,
)

pytestmark = pytest.mark.browser


def audit(driver, name):
    violations = run_axe(driver, ".f2l-scenario")
    screenshot(driver, name)
    assert violations == [], violations


def test_keyboard_only_play_to_the_end_with_zero_axe_violations(driver, workbench):
    from selenium.webdriver.common.keys import Keys

    driver.get(scenario_url(workbench, "A job offer on Instagram", "keyboard"))
    wait_for(driver, ".f2l-choices")
    audit(driver, "scenario-step")
    # First option by keyboard: Tab into the radio group, Space selects.
    focused = tab_to(driver, lambda a: a["type"] == "radio")
    press(driver, Keys.SPACE)
    assert driver.execute_script("return document.activeElement.checked") is True, focused
    tab_to(driver, lambda a: a["tag"] == "BUTTON" and "Confirm" in a["text"])
    press(driver, Keys.ENTER)
    wait_for(driver, ".f2l-feedback")
    focus = active(driver)
    assert focus["id"].endswith("-feedback"), focus
    assert "Open questions keep her in control." in driver.find_element("css selector", ".f2l-feedback").text
    audit(driver, "scenario-feedback")
    tab_to(driver, lambda a: a["tag"] == "BUTTON" and "Continue" in a["text"])
    press(driver, Keys.ENTER)
    wait_for(driver, "form.f2l-choices[data-step='s2']")
    assert active(driver)["id"].endswith("-step-title")
    tab_to(driver, lambda a: a["type"] == "radio")
    press(driver, Keys.SPACE)
    tab_to(driver, lambda a: a["tag"] == "BUTTON" and "Confirm" in a["text"])
    press(driver, Keys.ENTER)
    wait_for(driver, ".f2l-feedback")
    tab_to(driver, lambda a: a["tag"] == "BUTTON" and "See the outcome" in a["text"])
    press(driver, Keys.ENTER)
    wait_for(driver, ".f2l-end")
    end_text = driver.find_element("css selector", ".f2l-end").text
    assert "Amira decides to wait" in end_text and "This attempt: 3 of 3 points" in end_text
    assert active(driver)["id"].endswith("-end-title")
    # The outcome and the score are one card at the top; the path is one line per decision, opened by keyboard.
    card = driver.find_element("css selector", ".f2l-outcome").text
    assert "Amira decides to wait" in card and "Your score" in card and "This attempt: 3 of 3 points" in card
    lines = driver.find_elements("css selector", ".f2l-recap__details")
    assert len(lines) == 2 and not any(d.get_attribute("open") for d in lines)
    assert "A helpful choice" in lines[0].find_element("css selector", "summary").text
    tab_to(driver, lambda a: a["tag"] == "SUMMARY")
    press(driver, Keys.ENTER)
    assert lines[0].get_attribute("open") is not None
    assert "Open questions keep her in control." in lines[0].text
    audit(driver, "scenario-end")
    assert console_errors(driver) == []


def test_confirming_without_a_choice_explains_and_keeps_focus_in_the_form(driver, workbench):
    from selenium.webdriver.common.keys import Keys

    driver.get(scenario_url(workbench, "A job offer on Instagram", "no_choice"))
    wait_for(driver, ".f2l-choices")
    tab_to(driver, lambda a: a["tag"] == "BUTTON" and "Confirm" in a["text"])
    press(driver, Keys.ENTER)
    error = driver.find_element("css selector", ".f2l-form-error")
    assert error.is_displayed() and "select one of the options" in error.text
    assert active(driver)["type"] == "radio"


def test_reflows_at_320_css_pixels(workbench):
    url = scenario_url(workbench, "A job offer on Instagram", "phone")
    assert overflow_at_320px(url, ".f2l-scenario", ".f2l-choices", "scenario-320px") == []


def test_no_third_party_requests(driver, workbench):
    driver.get(scenario_url(workbench, "A job offer on Instagram", "privacy"))
    wait_for(driver, ".f2l-choices")
    urls = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    outside = [u for u in urls if not re.match(r"^https?://127\.0\.0\.1[:/]", u)]
    assert outside == []


TYPE_INTO = "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}))"


def test_studio_editor_reports_errors_saves_and_passes_axe(driver, workbench):
    from selenium.webdriver.common.by import By

    url = scenario_url(workbench, "A job offer on Instagram", "staff").replace("/?student=", "/studio_view/?student=")
    driver.get(url)
    wait_for(driver, ".f2l-studio .f2l-item")
    violations = run_axe(driver, ".f2l-studio")
    assert violations == [], violations
    driver.find_element(By.CSS_SELECTOR, ".f2l-studio [data-tab=olx]").click()  # the "Edit OLX" mode
    textarea = driver.find_element(By.CSS_SELECTOR, ".f2l-studio textarea[name=olx]")
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 10).until(lambda d: textarea.is_displayed())
    original = textarea.get_attribute("value")
    driver.execute_script(TYPE_INTO,
                          textarea, original.replace('next="s2"', 'next="s9"'))
    driver.find_element(By.CSS_SELECTOR, ".f2l-studio button[type=submit]").click()
    WebDriverWait(driver, 10).until(lambda d: active(d)["cls"] == "f2l-studio__problems")
    errors = driver.find_element(By.CSS_SELECTOR, ".f2l-studio__problems")
    assert "Nothing was saved." in errors.text and 'leads to "s9", which does not exist' in errors.text
    screenshot(driver, "scenario-studio-error")
    driver.execute_script(TYPE_INTO,
                          textarea, original)
    driver.find_element(By.CSS_SELECTOR, ".f2l-studio button[type=submit]").click()
    WebDriverWait(driver, 10).until(
        lambda d: "Saved." in d.find_element(By.CSS_SELECTOR, ".f2l-studio__status").text)


def test_a_reload_resumes_exactly_where_the_learner_was(driver, workbench):
    from selenium.webdriver.common.by import By

    url = scenario_url(workbench, "A job offer on Instagram", "reloader")
    driver.get(url)
    wait_for(driver, ".f2l-choices")
    driver.find_elements(By.CSS_SELECTOR, ".f2l-choices__label")[1].click()
    driver.find_element(By.CSS_SELECTOR, ".f2l-choices button[type=submit]").click()
    wait_for(driver, ".f2l-feedback")
    driver.get(url)
    feedback = wait_for(driver, ".f2l-feedback")
    assert "Lecturing can break trust." in feedback.text
    driver.find_element(By.CSS_SELECTOR, "[data-action=proceed]").click()
    wait_for(driver, ".f2l-end")
    driver.get(url)
    assert "Amira stops coming" in wait_for(driver, ".f2l-end").text


def test_a_scenario_plays_in_greek_with_the_keyboard(driver, workbench):
    """The workbench's ?lang=el loads our Greek catalogue as the LMS would; nothing of the interface stays English."""
    from selenium.webdriver.common.keys import Keys

    from free2link_xblocks.i18n import catalogue

    greek = catalogue("el").gettext
    driver.get(scenario_url(workbench, "A job offer on Instagram", "greek") + "&lang=el")
    wait_for(driver, ".f2l-choices")
    body = driver.find_element("css selector", ".f2l-scenario").text
    assert greek("What do you do?") in body and greek("Decision {number}").format(number=1) in body
    assert "What do you do?" not in body
    tab_to(driver, lambda a: a["type"] == "radio")
    press(driver, Keys.SPACE)
    tab_to(driver, lambda a: a["tag"] == "BUTTON" and greek("Confirm my choice") in a["text"])
    press(driver, Keys.ENTER)
    feedback = wait_for(driver, ".f2l-feedback")
    assert greek("Your choice") in feedback.text and greek("Continue") in feedback.text
    assert driver.execute_script("return document.querySelector('[role=status]').textContent") in (
        greek("Feedback on your choice"), "")
    audit(driver, "scenario-greek-feedback")
    tab_to(driver, lambda a: a["tag"] == "BUTTON" and greek("Continue") in a["text"])
    press(driver, Keys.ENTER)
    wait_for(driver, "form.f2l-choices[data-step='s2']")
    # The choice is kept for the next pages, as Django's language cookie would be.
    driver.get(scenario_url(workbench, "A job offer on Instagram", "greek"))
    assert greek("Confirm my choice") in wait_for(driver, ".f2l-choices").text
