"""The learner answers an indicator quiz in headless Chromium with the keyboard only; axe-core audits each screen."""

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
TITLE = "The hostess advert"


def audit(driver, name):
    violations = run_axe(driver, ".f2l-quiz")
    screenshot(driver, name)
    assert violations == [], violations


def is_checkbox(value):
    return lambda a: a["type"] == "checkbox" and a["text"] == value


def test_keyboard_only_answer_feedback_and_try_again_with_zero_axe_violations(driver, workbench):
    from selenium.webdriver.common.keys import Keys

    driver.get(scenario_url(workbench, TITLE, "keyboard"))
    wait_for(driver, ".f2l-quiz__form")
    audit(driver, "quiz-form")
    for value in ("pay", "photos"):
        tab_to(driver, is_checkbox(value))
        press(driver, Keys.SPACE)
        assert driver.execute_script("return document.activeElement.checked") is True
    tab_to(driver, lambda a: a["tag"] == "BUTTON" and "Submit my answer" in a["text"])
    press(driver, Keys.ENTER)
    wait_for(driver, ".f2l-result")
    focus = active(driver)
    assert focus["id"].endswith("-result"), focus
    result = driver.find_element("css selector", ".f2l-quiz__body").text
    assert "You judged 5 of 8 indicators correctly." in result
    assert "You missed it: it is present in this case." in result and "Correctly left out" in result
    # Each result is tied to its indicator for screen readers.
    described = driver.execute_script(
        "const box = document.querySelector('.f2l-marking__input[value=pay]');"
        "return box.getAttribute('aria-describedby').split(' ').map(id => document.getElementById(id).textContent"
        ".replace(/\\s+/g, ' ').trim());")
    assert described[0].endswith("You ticked it, and it is present in this case. Medium indicator")
    # The feedback on an indicator judged right is folded under "Why" (referenced, so still read).
    assert "common lure" in described[1]
    assert driver.execute_script("return document.getElementById(arguments[0]).closest('details:not([open])') !== null",
                                 driver.execute_script("return document.querySelector('.f2l-marking__input[value=pay]')"
                                                       ".getAttribute('aria-describedby').split(' ')[1]"))
    summary = driver.find_element("css selector", ".f2l-counts").text.split("\n")
    assert summary == ["Spotted", "2 / 5", "Missed", "3", "False alarms", "0"]
    # What the learner ticked is shown clearly (not a pale, disabled checkbox).
    ticked = driver.execute_script("return [...document.querySelectorAll('.f2l-marking__box--ticked')].length")
    assert ticked == driver.execute_script("return document.querySelectorAll('.f2l-marking__input:checked').length") == 2
    audit(driver, "quiz-result")
    tab_to(driver, lambda a: a["tag"] == "BUTTON" and "Try again" in a["text"])
    press(driver, Keys.ENTER)
    wait_for(driver, ".f2l-quiz__form")
    assert active(driver)["type"] == "checkbox"
    assert driver.execute_script("return document.querySelectorAll('.f2l-quiz__form :checked').length") == 0
    assert console_errors(driver) == []


def test_an_empty_answer_is_confirmed_as_none_of_these(driver, workbench):
    from selenium.webdriver.common.keys import Keys

    driver.get(scenario_url(workbench, TITLE, "empty"))
    wait_for(driver, ".f2l-quiz__form")
    tab_to(driver, lambda a: a["tag"] == "BUTTON" and "Submit my answer" in a["text"])
    press(driver, Keys.ENTER)
    panel = driver.find_element("css selector", ".f2l-confirm")
    assert panel.is_displayed() and active(driver)["cls"] == "f2l-confirm__text"
    audit(driver, "quiz-confirm-none")
    tab_to(driver, lambda a: a["tag"] == "BUTTON" and "go back to the list" in a["text"])
    press(driver, Keys.ENTER)
    assert not panel.is_displayed() and active(driver)["type"] == "checkbox"
    tab_to(driver, lambda a: a["tag"] == "BUTTON" and "Submit my answer" in a["text"])
    press(driver, Keys.ENTER)
    tab_to(driver, lambda a: a["tag"] == "BUTTON" and "none of them is present" in a["text"])
    press(driver, Keys.ENTER)
    wait_for(driver, ".f2l-result")
    assert "You judged 3 of 8 indicators correctly." in driver.find_element("css selector", ".f2l-result").text


def test_a_reload_shows_the_marked_answer(driver, workbench):
    from selenium.webdriver.common.by import By

    url = scenario_url(workbench, TITLE, "reloader")
    driver.get(url)
    wait_for(driver, ".f2l-quiz__form")
    driver.find_element(By.CSS_SELECTOR, "label[for$='-i1']").click()
    driver.find_element(By.CSS_SELECTOR, ".f2l-quiz__form button[type=submit]").click()
    wait_for(driver, ".f2l-result")
    driver.get(url)
    assert "You judged" in wait_for(driver, ".f2l-result").text


def test_reflows_at_320_css_pixels(workbench):
    url = scenario_url(workbench, TITLE, "phone")
    assert overflow_at_320px(url, ".f2l-quiz", ".f2l-quiz__form", "quiz-320px") == []
