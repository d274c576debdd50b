"""report.html in headless Chromium: it renders offline, logs no error, passes axe-core, and reflows at 320 px."""

import pytest

from free2link_xblocks.cli import main

from . import report_exports as rx
from .browser import console_errors, require_browser, run_axe, screenshot, start_chromium

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def report_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    cohort = rx.make_cohort(160, seed=41)
    args = []
    for language, run in rx.RUNS.items():
        path = folder / f"{run}_grade_report_2026-04-01-1015.csv"
        rx.write_grade_report(path, [x for x in cohort if x.language == language])
        args += ["--grades", str(path)]
    rx.write_responses(folder / "responses.csv", cohort, extra_lines=[",".join(["x"] * 30) + "\n"])
    rx.write_roster(folder / "roster.csv", cohort[:150])
    out = folder / "out"
    assert main(["report", *args, "--responses", str(folder / "responses.csv"), "--roster",
                 str(folder / "roster.csv"), "--out", str(out), "--salt", "browser-test"]) == 0
    return (out / "report.html").as_uri()


def test_the_report_renders_with_zero_axe_violations(driver, report_url):
    driver.get(report_url)
    assert driver.find_element("css selector", "h1").text == "Training progress report"
    assert len(driver.find_elements("css selector", "table caption")) == 10
    assert len(driver.find_elements("css selector", "svg[role=img]")) == 4
    rows = driver.find_elements("css selector", "section[aria-labelledby=matrix] tbody tr")
    assert len(rows) == 160
    violations = run_axe(driver, "html")
    size = driver.get_window_size()
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1024, min(height + 140, 12000))  # the whole page, for the trainer's view
    path = screenshot(driver, "report")
    driver.set_window_size(size["width"], size["height"])
    assert path.exists()
    assert violations == [], violations
    assert console_errors(driver) == []


def test_the_report_reflows_on_a_320_px_phone(report_url):
    require_browser()
    phone = start_chromium()
    try:
        phone.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                              {"width": 320, "height": 720, "deviceScaleFactor": 1, "mobile": False})
        phone.get(report_url)
        # only the tables' own scroll regions may be wider than the screen, never the page
        overflow = phone.execute_script(
            "const width = document.documentElement.clientWidth;"
            "return [...document.querySelectorAll('body *')].filter(e => !e.closest('.scroll'))"
            ".filter(e => e.getBoundingClientRect().right > width + 1).map(e => e.tagName + '.' + e.className);")
        assert overflow == []
        assert phone.execute_script("return document.documentElement.scrollWidth") <= 320
        screenshot(phone, "report-320px")
        assert run_axe(phone, "html") == []
    finally:
        phone.quit()
