"""Headless Debian Chromium driven by Selenium, with axe-core loaded from node_modules (no CDN)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"


def require_browser():
    """Chromium, ChromeDriver and axe-core must be there; in CI their absence is a failure."""
    missing = [name for name in ("chromium", "chromedriver") if not shutil.which(name)]
    if not AXE.exists():
        missing.append("axe-core (npm ci)")
    if missing:
        message = "missing for browser tests: " + ", ".join(missing) + " (scripts/install-test-deps installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def start_chromium(width=1024, height=900):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-extensions", f"--window-size={width},{height}",
                 f"--user-data-dir={tempfile.mkdtemp(prefix='f2l-chromium-')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(executable_path=shutil.which("chromedriver")))


def run_axe(driver, selector: str) -> list[dict]:
    """Run axe-core on the element matched by ``selector``; return the violations."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document.querySelector(arguments[0]), {resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.html)})))).catch(e => done([{id: 'axe-error', help: String(e)}]));",
        selector)
    return result


def screenshot(driver, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def console_errors(driver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"
            and "favicon" not in entry["message"]]


def overflow_at_320px(url: str, block_css: str, ready_css: str, name: str) -> list[str]:
    """Open ``url`` 320 CSS pixels wide; return the elements of the block that stick out (WCAG 1.4.10)."""
    require_browser()
    narrow = start_chromium()
    try:
        narrow.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 320, "height": 720, "deviceScaleFactor": 1, "mobile": False})
        narrow.get(url)
        wait_for(narrow, ready_css)
        # The workbench page around the block is not ours; the block must fit the width it is given.
        narrow.execute_script("document.body.prepend(document.querySelector(arguments[0]));", block_css)
        overflowing = narrow.execute_script(
            "const b = document.querySelector(arguments[0]); const right = document.documentElement.clientWidth;"
            "return [...b.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > right + 1)"
            ".map(e => e.outerHTML.slice(0, 80));", block_css)
        screenshot(narrow, name)
        return overflowing
    finally:
        narrow.quit()


# ------------------------------------------------------------------ keyboard helpers


def scenario_url(workbench, title_fragment, student):
    """The workbench address of the shipped example whose page contains ``title_fragment``."""
    import urllib.request

    for scenario_id in workbench.scenario_ids(block_type=r"f2l_\w+"):
        html = urllib.request.urlopen(f"{workbench.url}/scenario/{scenario_id}/?student=probe", timeout=30).read()
        if title_fragment.encode() in html:
            return f"{workbench.url}/scenario/{scenario_id}/?student={student}"
    raise AssertionError(title_fragment)


def active(driver):
    return driver.execute_script(
        "const a = document.activeElement; return {tag: a.tagName, id: a.id, type: a.type || '',"
        " cls: a.className, text: (a.innerText || a.value || '').slice(0, 80)};")


def press(driver, *keys):
    from selenium.webdriver.common.action_chains import ActionChains

    chain = ActionChains(driver)
    for key in keys:
        chain.send_keys(key)
    chain.perform()


def tab_to(driver, predicate, limit=60):
    from selenium.webdriver.common.keys import Keys

    for _ in range(limit):
        press(driver, Keys.TAB)
        if predicate(active(driver)):
            return active(driver)
    raise AssertionError(f"keyboard focus never reached the target; last: {active(driver)}")


def wait_for(driver, css, timeout=10):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css)))
