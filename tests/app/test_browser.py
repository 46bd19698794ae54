"""End to end: the real Streamlit server on loopback, each page loaded in headless Debian Chromium.

Streamlit draws tables on a canvas, so the checks read text the DOM does hold: titles, headings, metric
values and widget values. Every page is saved as artifacts/<page>.png for a human to look at.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.links import entity_link
from tests.app.conftest import MAIN, TITLES, view

pytestmark = [pytest.mark.browser, pytest.mark.process]

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
REPO = MAIN.parents[1]
ARTIFACTS = REPO / "artifacts"
SERVER_START_S, PAGE_LOAD_S = 90, 45

if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
    pytest.skip(f"needs Debian chromium and chromium-driver ({CHROMIUM}, {CHROMEDRIVER}); `.ci/run` installs them",
                allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is a dev dependency: pip install -e '.[dev]'")
from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as resp:
                if resp.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"streamlit not healthy within {SERVER_START_S}s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def app_url(filled_snapshot: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    env = {**os.environ, "GAPWATCH_PUBLISHED_PATH": str(filled_snapshot),
           "GAPWATCH_DATA_DIR": str(filled_snapshot.parents[1])}
    # As `gapwatch up` starts it: warmed (app/server.py), then `streamlit run app/main.py`.
    cmd = [sys.executable, "-m", "app.server", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none", "--client.toolbarMode", "minimal"]
    with log.open("wb") as out:
        server = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, server, log)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--window-size=1400,1100", f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(PAGE_LOAD_S)
    try:
        yield driver
    finally:
        driver.quit()


def page_text(driver: webdriver.Chrome) -> str:
    """The visible text plus the values of inputs (a selectbox shows its choice in an input's value)."""
    values = [e.get_attribute("value") or "" for e in driver.find_elements(By.TAG_NAME, "input")]
    return "\n".join([driver.find_element(By.TAG_NAME, "body").text, *values])


def load(driver: webdriver.Chrome, url: str, *texts: str) -> str:
    """Open `url`, wait until its script run has finished and the page holds every one of `texts`."""
    driver.get(url)

    def ready(d: webdriver.Chrome) -> str | bool:
        if d.find_elements(By.CSS_SELECTOR, '[data-testid="stException"]'):
            return "exception"
        if d.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidgetRunningIcon"]'):
            return False
        text = page_text(d)
        return text if all(t in text for t in texts) else False

    try:
        text = WebDriverWait(driver, PAGE_LOAD_S, poll_frequency=0.3).until(ready)
    except TimeoutException:
        missing = [t for t in texts if t not in page_text(driver)]
        pytest.fail(f"{url}: still missing {missing} (or still running) after {PAGE_LOAD_S}s")
    assert text != "exception", f"{url} raised: {driver.find_element(By.TAG_NAME, 'body').text[:2000]}"
    return text


def shoot(driver: webdriver.Chrome, page: str) -> Path:
    """Save the whole page (the window grown to the page's height) as artifacts/<page>.png for a human to judge."""
    ARTIFACTS.mkdir(exist_ok=True)
    height = driver.execute_script(
        "const m = document.querySelector('[data-testid=\"stMain\"]') || document.body; return m.scrollHeight;")
    driver.set_window_size(1400, min(max(int(height or 0) + 120, 1100), 6000))
    time.sleep(1.0)  # charts draw after the script run ends
    target = ARTIFACTS / f"{page}.png"
    assert driver.save_screenshot(str(target))
    driver.set_window_size(1400, 1100)
    return target


def test_every_page_loads_in_chromium(app_url: str, browser: webdriver.Chrome, filled_snapshot: Path) -> None:
    version = view(filled_snapshot, "SELECT max(version) FROM snapshot_info")[0][0]
    tracked = view(filled_snapshot, "SELECT count(*) FROM v_model_openness")[0][0]
    # Landscape is the default page: its URL is the root, and /landscape is the same page.
    body = load(browser, f"{app_url}/", TITLES["landscape"], "Open vs closed, per capability", "Models tracked",
                "Latest changes", f"Data version {version}")
    assert f"{tracked:,}" in body
    assert "Page not found" not in body and "Deploy" not in body
    shoot(browser, "landscape")
    body = load(browser, f"{app_url}/landscape", TITLES["landscape"], "Open vs closed, per capability")
    assert "Page not found" not in body

    expected = {
        "gap_trends": ("How many months open models trail",),
        "prices": ("Biggest price cuts", "One model's price history"),
        "licences": ("Licence text changes", "Per-model evidence"),
        "changes": ("Kinds",),
        "cost": ("Decision factors", "Monthly cost"),
        "sources": ("Health per source", "Unmatched model names"),
        "sql": ("Start from an example", "Run"),
    }
    for page, texts in expected.items():
        body = load(browser, f"{app_url}/{page}", TITLES[page], *texts)
        assert "Deploy" not in body and "None" not in body.split()
        shoot(browser, page)


def test_change_link_opens_the_models_prices(app_url: str, browser: webdriver.Chrome, filled_snapshot: Path):
    (model,) = view(filled_snapshot, "SELECT after ->> 'model' FROM v_changes WHERE kind = 'price_cut' LIMIT 1")[0]
    body = load(browser, f"{app_url}/{entity_link('price_cut', None, model)}", "One model's price history", model)
    assert "Nothing named" not in body and "Page not found" not in body


def test_tables_and_charts_are_drawn_as_html_and_svg(app_url: str, browser: webdriver.Chrome,
                                                    filled_snapshot: Path) -> None:
    """Tables are HTML the DOM holds (read here as text), charts inline SVG whose points carry their tooltip as a
    hover title; neither reaches the reader as markup typed out, and no chart or grid script is needed."""
    rows = view(filled_snapshot, "SELECT best_open_model, best_closed_model FROM v_gap_headline "
                "WHERE definition = 'open-weights' AND capability = 'general'")
    assert rows and all(rows[0])
    # Waited for by name: Streamlit draws a page's elements as its script produces them, and its running icon
    # shows only after a moment, so the heading can be there before the table under it.
    body = load(browser, f"{app_url}/", TITLES["landscape"], "Open vs closed, per capability", *rows[0])
    assert "<table" not in body and "<svg" not in body and "<div" not in body
    load(browser, f"{app_url}/prices", TITLES["prices"], "One model's price history")
    titles = [t.get_attribute("textContent") for t in browser.find_elements(By.CSS_SELECTOR, ".gw-chart svg title")]
    listed = {f"${p:,.3f}" for row in view(filled_snapshot, "SELECT input_per_mtok, output_per_mtok FROM "
                                                           "v_price_history") for p in row if p is not None}
    hovered = [t.rsplit("$ / 1M: ", 1)[-1] for t in titles if t.startswith("listing: ")]
    assert hovered and set(hovered) <= listed, titles[:5]  # each point of the price history: its listed price
    assert not browser.find_elements(By.CSS_SELECTOR, '[data-testid="stVegaLiteChart"], canvas')

    load(browser, f"{app_url}/changes", TITLES["changes"], "open page")
    link = browser.find_element(By.LINK_TEXT, "open page")
    target = link.get_attribute("href")
    link.click()
    WebDriverWait(browser, PAGE_LOAD_S).until(lambda d: d.current_url == target)
    assert "/changes" not in browser.current_url
