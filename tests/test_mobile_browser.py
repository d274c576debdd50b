"""On a phone, as in the Open edX mobile app's webview: every target a learner touches is at least 44 CSS
pixels each way, also under a theme that shrinks the root font (62.5 %), and no rule needs a hover."""

import pytest

from .browser import require_browser, scenario_url, screenshot, start_chromium, wait_for

pytestmark = pytest.mark.browser
TARGETS = ("button, summary, .f2l-choices__label, a.f2l-button,"
           " input:not([type=hidden]):not([disabled]):not(.f2l-choices__input)")
# What a :hover rule may change: decoration only, never what is shown or where.
HOVER_ALLOWED = ("text-decoration", "color", "background", "border-color", "box-shadow", "outline", "cursor")


@pytest.fixture(scope="module")
def phone():
    require_browser()
    browser = start_chromium()
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 360, "height": 740, "deviceScaleFactor": 2, "mobile": True})
    browser.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5})
    yield browser
    browser.quit()


def small_targets(driver, block_css: str) -> list[str]:
    """Visible targets of the block under 44 x 44 CSS pixels, at the page's root font and at 62.5 %."""
    found = []
    for root_size in ("", "62.5%"):
        driver.execute_script("document.documentElement.style.fontSize = arguments[0];", root_size)
        found += driver.execute_script(
            "return [...document.querySelector(arguments[0]).querySelectorAll(arguments[1])]"
            ".filter(e => e.offsetParent !== null).map(e => [e, e.getBoundingClientRect()])"
            ".filter(([e, r]) => r.height < 44 || r.width < 44)"
            ".map(([e, r]) => arguments[2] + ' ' + Math.round(r.width) + 'x' + Math.round(r.height) + ' '"
            " + e.outerHTML.slice(0, 70));", block_css, TARGETS, root_size or "16px")
    driver.execute_script("document.documentElement.style.fontSize = '';")
    return found


def hover_rules(driver) -> list[str]:
    """Our :hover rules that change more than decoration (hover-only content or layout)."""
    return driver.execute_script(
        "const allowed = arguments[0], bad = [];"
        "for (const sheet of document.styleSheets) {"
        "  if (!(sheet.href || '').includes('/resource/f2l_')) continue;"
        "  for (const rule of sheet.cssRules) {"
        "    if (!rule.selectorText || !rule.selectorText.includes(':hover')) continue;"
        "    for (const name of rule.style) if (!allowed.some(a => name.startsWith(a))) bad.push(rule.cssText);"
        "  }"
        "}"
        "return bad;", list(HOVER_ALLOWED))


def click(driver, css):
    driver.execute_script("document.querySelector(arguments[0]).click();", css)


def test_scenario_targets_on_a_phone(phone, workbench):
    phone.get(scenario_url(workbench, "A job offer on Instagram", "touch_scenario"))
    wait_for(phone, ".f2l-scenario__body form")
    assert small_targets(phone, ".f2l-scenario") == []
    assert hover_rules(phone) == []
    click(phone, ".f2l-scenario .f2l-choices__input")
    click(phone, ".f2l-scenario form button[type=submit]")
    wait_for(phone, ".f2l-scenario [data-action=proceed]")
    assert small_targets(phone, ".f2l-scenario") == []
    screenshot(phone, "phone-scenario-feedback")


def test_quiz_targets_on_a_phone(phone, workbench):
    phone.get(scenario_url(workbench, "The hostess advert", "touch_quiz"))
    wait_for(phone, ".f2l-quiz__form")
    assert small_targets(phone, ".f2l-quiz") == []
    assert hover_rules(phone) == []
    click(phone, ".f2l-quiz .f2l-choices__input")
    click(phone, ".f2l-quiz form button[type=submit]")
    wait_for(phone, ".f2l-result")
    assert small_targets(phone, ".f2l-quiz") == []
    screenshot(phone, "phone-quiz-result")
