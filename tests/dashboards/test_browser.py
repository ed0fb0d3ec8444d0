"""`efficiency dashboard` in a real headless Chromium: every page opens, finishes rendering
(script done, no skeletons, every chart drawn) without an exception or an error box, and is
saved as a PNG; then an incident is acknowledged through the page and the store says so.

The PNGs go to ``$EFFICIENCY_TEST_ARTIFACTS`` when set (``make screenshots`` copies three of
them into docs/images for the README), else under the test's own folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from efficiency.store.db import Database
from efficiency.store.incident_actions import list_actions
from efficiency.store.incidents import Incident
from tests.browser import Browser, chromium
from tests.dashboards.fill import Filled
from tests.servers import free_port, stop_process, wait_http

#: the page is done: the script finished, nothing is still a skeleton, every plotly chart has
#: drawn, and the page's heading is there
RENDERED = """(() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.dataset.testScriptState !== 'notRunning') return false;
  if (app.dataset.testConnectionState !== 'CONNECTED') return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  if (!charts.every(c => c.querySelector('.main-svg'))) return false;
  const h1 = document.querySelector('h1');
  return h1 ? document.querySelectorAll('*').length : false;
})()"""
PROBLEMS = """[...document.querySelectorAll(
  '[data-testid="stException"], [data-testid="stAlertContentError"]')].map(e => e.innerText)"""


def rendered(browser: Browser, what: str) -> None:
    """Wait until the page is rendered and has stayed the same for one more poll."""
    last = None
    for _ in range(3):
        count = browser.wait_for(RENDERED, timeout=90, what=f"{what} rendered")
        if count == last:
            return
        last = count
        browser.wait_for("new Promise(r => setTimeout(() => r(true), 400))")
    browser.wait_for(RENDERED, timeout=30, what=f"{what} settled")


@pytest.fixture
def dashboard(store: Filled, tmp_path: Path) -> str:
    port = free_port()
    log = (tmp_path / "dashboard.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "efficiency", "--config", str(store.config), "--db",
         str(store.db), "dashboard", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/_stcore/health", timeout=90, proc=proc)
        yield url
    finally:
        stop_process(proc, 15)
        log.close()


def test_every_page_in_chromium_and_acknowledge(
    dashboard: str, store: Filled, tmp_path: Path
) -> None:
    out = Path(os.environ.get("EFFICIENCY_TEST_ARTIFACTS") or tmp_path / "screenshots")
    checkout = store.incidents["checkout"]
    pages = {
        "overview": "",
        "incidents": "incidents",
        "incident-detail": f"incidents?incident={checkout}",
        "hotspots-flame": "hotspots?service=checkout",
        "hotspots-diff": "hotspots?service=checkout&mode=diff",
        "gpu": "gpu",
        "proposals": "proposals",
        "savings": "savings",
        "capacity": "capacity?service=checkout",
        "fleet": "fleet",
    }
    with chromium(tmp_path) as browser:
        for name, path in pages.items():
            browser.navigate(f"{dashboard}/{path}")
            rendered(browser, name)
            assert browser.evaluate(PROBLEMS) == [], name
            browser.screenshot(out / f"{name}.png")
            if name == "hotspots-diff":  # the README's crop: the differential graph alone
                browser.screenshot(out / "flame-diff.png", selector='[data-testid="stPlotlyChart"]')
            if name == "incident-detail":  # acknowledge it through the page
                _acknowledge(browser, out)
    db = Database(f"sqlite:///{store.db}")
    try:
        with db.session() as s:
            assert s.get_one(Incident, checkout).status == "acknowledged"
            assert [(a["action"], a["actor"]) for a in list_actions(s, checkout)] == [
                ("acknowledge", "alice")
            ]
    finally:
        db.dispose()
    assert {f"{n}.png" for n in pages} <= {p.name for p in out.glob("*.png")}


def _acknowledge(browser: Browser, out: Path) -> None:
    """Click Acknowledge, give a name, confirm, and wait for the page to say it is done."""
    browser.click_text("Acknowledge")
    browser.wait_for("document.body.innerText.includes('Confirm?')", what="the question")
    browser.type_into('input[aria-label="Your name (recorded with the action)"]', "alice")
    enabled = ("[...document.querySelectorAll('button')].some(b => "
               "b.innerText.trim() === 'Confirm' && !b.disabled)")  # fmt: skip
    browser.wait_for(enabled, what="Confirm enabled")
    browser.click_text("Confirm")
    browser.wait_for("document.body.innerText.includes('done by alice')", what="done")
    rendered(browser, "the acknowledged incident")
    assert browser.evaluate(PROBLEMS) == []
    browser.screenshot(out / "incident-acknowledged.png")
