"""f2l_red_flags in headless Chromium: a learner selects red flags with the keyboard only (and a finger or a
mouse), axe-core audits each screen, the page fits 320 CSS pixels; an author marks a red flag in the Studio
form by selecting words and pressing "Mark as red flag", saves, and the flag is there after a reload."""

import re

import pytest

from .browser import active, console_errors, overflow_at_320px, press, run_axe, scenario_url, screenshot, tab_to, wait_for
from .test_studio_browser import (  # noqa: F401 - restore is a fixture
    restore,
    shift_tab_to_save,
    status,
    studio_url,
    wait_until,
)

pytestmark = pytest.mark.browser
TITLE = "Red flags in the hostess advert"
CARE = "Red flags in a care job post"


def audit(driver, name, selector=".f2l-rf"):
    violations = run_axe(driver, selector)
    screenshot(driver, name)
    assert violations == [], violations


def unit(text):
    return lambda a: "f2l-unit" in a["cls"] and a["text"].strip() == text


def pressed(driver):
    return driver.execute_script(
        "return [...document.querySelectorAll('.f2l-unit[aria-pressed=true]')].map(u => u.textContent.trim());")


def test_keyboard_only_selection_result_in_place_and_try_again_with_zero_axe_violations(driver, workbench):
    from selenium.webdriver.common.keys import Keys

    driver.get(scenario_url(workbench, TITLE, "rf_keyboard"))
    wait_for(driver, ".f2l-rf__form")
    audit(driver, "rf-form")
    tab_to(driver, unit("3,000 euro a month for evening work!"))
    press(driver, Keys.SPACE)
    assert driver.execute_script("return document.activeElement.getAttribute('aria-pressed')") == "true"
    assert driver.find_element("css selector", ".f2l-rf__count").text == "1 part of the text selected."
    tab_to(driver, unit("Hi Daria!"))
    press(driver, Keys.ENTER)
    tab_to(driver, unit("Is there a contract?"))
    press(driver, Keys.SPACE)
    press(driver, Keys.ENTER)  # selected, then unselected again
    assert pressed(driver) == ["3,000 euro a month for evening work!", "Hi Daria!"]
    assert driver.find_element("css selector", ".f2l-rf__count").text == "2 parts of the text selected."
    audit(driver, "rf-form-selected")
    tab_to(driver, lambda a: a["tag"] == "BUTTON" and "Submit my answer" in a["text"])
    press(driver, Keys.ENTER)
    wait_for(driver, ".f2l-result")
    assert active(driver)["id"].endswith("-result")
    body = driver.find_element("css selector", ".f2l-rf__body").text
    assert "Red flag 1: spotted" in body and "Red flag 4: not selected" in body
    assert "Your selection A: not a red flag" in body and "Very high pay for low-skill work" in body
    counts = driver.find_element("css selector", ".f2l-counts").text.split("\n")
    assert counts == ["Red flags spotted", "1 / 6", "Red flags not selected", "5", "False alarms", "1"]
    # the tag after a flag in the text leads to its explanation
    target = driver.find_element("css selector", ".f2l-unit__tag--spotted").get_attribute("href").split("#")[1]
    assert driver.find_element("id", target).text.startswith("Red flag 1:")
    audit(driver, "rf-result")
    tab_to(driver, lambda a: a["tag"] == "BUTTON" and "Try again" in a["text"])
    press(driver, Keys.ENTER)
    wait_for(driver, ".f2l-rf__form")
    assert "f2l-unit" in active(driver)["cls"] and pressed(driver) == []
    assert console_errors(driver) == []


def test_a_click_or_a_tap_selects_like_the_keyboard_and_an_empty_answer_is_explained(driver, workbench):
    driver.get(scenario_url(workbench, CARE, "rf_mouse"))
    wait_for(driver, ".f2l-rf__form")
    driver.find_element("css selector", ".f2l-button--primary").click()
    error = wait_for(driver, ".f2l-form-error:not([hidden])")
    assert error.text == "Select at least one part of the text, then submit."
    units = driver.find_elements("css selector", ".f2l-unit")
    target = next(u for u in units if u.text.strip() == "We pay your ticket and your visa,")
    target.click()
    assert target.get_attribute("aria-pressed") == "true"
    target.click()
    assert target.get_attribute("aria-pressed") == "false"
    target.click()
    driver.find_element("css selector", ".f2l-button--primary").click()
    result = wait_for(driver, ".f2l-result")
    assert "1 / 4" in result.text and console_errors(driver) == []


def test_the_page_carries_no_answer_key_before_an_answer(driver, workbench):
    driver.get(scenario_url(workbench, TITLE, "rf_snoop"))
    wait_for(driver, ".f2l-rf__form")
    block = driver.execute_script("return document.querySelector('.f2l-rf').outerHTML")
    args = driver.execute_script("return [...document.querySelectorAll('.xblock_json_init_args')]"
                                 ".map(s => s.textContent).join(' ')")
    for secret in ('"pay"', "passport\"", "whatsapp_only", "contract_q", "strength", "feedback", "EMPACT",
                   "f2l-unit--", "<flag"):
        assert secret not in block and secret not in args, secret


def test_reflows_at_320_css_pixels(workbench):
    url = scenario_url(workbench, TITLE, "rf_phone")
    assert overflow_at_320px(url, ".f2l-rf", ".f2l-rf__form", "rf-320px") == []


def test_an_author_marks_a_red_flag_by_selecting_words_saves_and_it_round_trips(driver, workbench, restore):  # noqa: F811
    from selenium.webdriver.common.keys import Keys

    restore(CARE, "30_care_job_telegram.xml")
    url = studio_url(workbench, CARE, "staff")
    driver.get(url)
    box = wait_for(driver, "[id$='-f-text-0-markup']")
    audit(driver, "rf-studio-form", ".f2l-studio")
    # The author selects "Housing is with the family." in the advert's text box (as with a mouse drag or Shift+arrows)
    driver.execute_script(
        "const box = arguments[0]; const at = box.value.indexOf('Housing is with the family.');"
        "box.focus(); box.setSelectionRange(at, at + 'Housing is with the family.'.length);", box)
    tab_to(driver, lambda a: a["tag"] == "BUTTON" and a["text"].strip() == "Mark as red flag")
    press(driver, Keys.ENTER)
    assert active(driver)["id"].endswith("-f-feedback-5-feedback")
    marked = driver.find_element("css selector", "[id$='-f-text-0-markup']").get_attribute("value")
    assert '<flag id="flag1">Housing is with the family.</flag>' in marked
    # until its feedback is written, the new flag is a problem shown next to it
    wait_until(driver, lambda d: 'the <feedback> for "flag1" is empty' in d.find_element(
        "css selector", ".f2l-studio__problems").text)
    press(driver, "Living in the employer's home makes control easier.")
    wait_until(driver, lambda d: status(d) == "No problems found.")
    assert "Red flags: 5" in driver.find_element("css selector", "[data-outline]").text
    audit(driver, "rf-studio-marked", ".f2l-studio")
    shift_tab_to_save(driver)  # Save stays at the top of the editor
    press(driver, Keys.ENTER)
    wait_until(driver, lambda d: status(d).startswith("Saved."))

    driver.get(url)
    wait_for(driver, "[id$='-f-text-0-markup']")
    assert '<flag id="flag1">Housing is with the family.</flag>' in driver.find_element(
        "css selector", "[id$='-f-text-0-markup']").get_attribute("value")
    assert driver.find_element("css selector", "[id$='-f-feedback-5-feedback']").get_attribute("value") == (
        "Living in the employer's home makes control easier.")
    # and the learner's page: the new flag is marked like the others
    driver.get(scenario_url(workbench, CARE, "rf_after_edit"))
    wait_for(driver, ".f2l-rf__form")
    target = next(u for u in driver.find_elements("css selector", ".f2l-unit")
                  if u.text.strip() == "Housing is with the family.")
    target.click()
    driver.find_element("css selector", ".f2l-button--primary").click()
    result = wait_for(driver, ".f2l-result")
    assert "1 / 5" in result.text and re.search(r"Red flag \d: spotted", driver.find_element(
        "css selector", ".f2l-rf__body").text)
    assert console_errors(driver) == []


def test_on_a_phone_every_clause_and_button_is_a_44_pixel_target(workbench):
    """As in the mobile app's webview (touch, 360 px): buttons at least 44 x 44, each clause at least 44 high (a
    clause is a target inside a sentence, so its width is the text's), also at a root font of 62.5 %."""
    from .browser import require_browser, start_chromium
    from .test_mobile_browser import small_targets

    require_browser()
    phone = start_chromium()
    try:
        phone.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                              {"width": 360, "height": 740, "deviceScaleFactor": 2, "mobile": True})
        phone.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5})
        phone.get(scenario_url(workbench, TITLE, "rf_touch"))
        wait_for(phone, ".f2l-rf__form")
        assert small_targets(phone, ".f2l-rf") == []
        for root_size in ("", "62.5%"):
            phone.execute_script("document.documentElement.style.fontSize = arguments[0];", root_size)
            low = phone.execute_script("return [...document.querySelectorAll('.f2l-unit')].filter("
                                       "u => u.getBoundingClientRect().height < 44).map(u => u.textContent)")
            assert low == [], (root_size, low)
        phone.execute_script("document.documentElement.style.fontSize = '';")
        screenshot(phone, "rf-phone")
        phone.execute_script("document.querySelector('.f2l-unit').click();"
                             "document.querySelector('.f2l-rf__form button[type=submit]').click();")
        wait_for(phone, ".f2l-result")
        assert small_targets(phone, ".f2l-rf") == []
    finally:
        phone.quit()
