"""Fixtures for the browser tests: the real server and a real headless Chromium.

``live_server`` starts ``digitpad serve`` in a subprocess with a temporary SQLite
database, for the whole session. ``browser`` is Debian's Chromium (/usr/bin/chromium)
through Playwright: missing, the tests are skipped, or fail when ``CI`` is "true".
``pages.open(device, path)`` opens fresh pages, and ``desktop`` and ``phone`` are the
drawing page on each (1280x800; 390x844 with touch at 3x); a test fails if a page
raised a JavaScript error or logged one (a CSP violation, a failed request).
``live_server`` has no admin token (admin requests answer 403); ``admin_server`` is a
server of one test's own with ``ADMIN_TOKEN``, and ``admin_pages`` and ``admin_api``
drive it.

Set ``SCREENSHOTS_DIR`` (e.g. docs/screenshots) to keep the layout tests' screenshots.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser.drawing import Pages
from tests.needs import missing
from tests.server import running_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT = 30.0  # seconds for the server to answer /healthz
ADMIN_TOKEN = "browser-test-admin-token"


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a real digitpad server with an empty temporary database."""
    folder = tmp_path_factory.mktemp("server")
    env = {"DIGITPAD_DATABASE_URL": f"sqlite:///{folder / 'digitpad.db'}"}
    with running_server(env, folder / "server.log", timeout=START_TIMEOUT) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium, shared by the session."""
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} is missing: apt-get install chromium")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def admin_server(tmp_path: Path) -> Iterator[str]:
    """The base URL of a real server with DIGITPAD_ADMIN_TOKEN set to ADMIN_TOKEN and an
    empty database of its own, for one test (what is flagged is the test's alone)."""
    env = {
        "DIGITPAD_DATABASE_URL": f"sqlite:///{tmp_path / 'admin.db'}",
        "DIGITPAD_ADMIN_TOKEN": ADMIN_TOKEN,
    }
    with running_server(env, tmp_path / "admin-server.log", timeout=START_TIMEOUT) as url:
        yield url


def _pages(browser: Browser, base_url: str) -> Iterator[Pages]:
    opened = Pages(browser, base_url)
    yield opened
    errors = opened.close()
    assert not errors, "errors in the page:\n" + "\n".join(errors)


@pytest.fixture
def pages(browser: Browser, live_server: str) -> Iterator[Pages]:
    """Open pages with ``pages.open(device, path)``; the test fails afterwards if a page
    raised a JavaScript error or logged an error (a CSP violation, a failed request)."""
    yield from _pages(browser, live_server)


@pytest.fixture
def admin_pages(browser: Browser, admin_server: str) -> Iterator[Pages]:
    """`pages` on `admin_server`."""
    yield from _pages(browser, admin_server)


@pytest.fixture
def desktop(pages: Pages) -> Page:
    """The drawing page in a 1280x800 desktop window."""
    return pages.open("desktop")


@pytest.fixture
def phone(pages: Pages) -> Page:
    """The drawing page on a 390x844 touch phone with a 3x screen."""
    return pages.open("phone")


@pytest.fixture
def api(live_server: str) -> Iterator[httpx.Client]:
    """An HTTP client for the live server's API."""
    with httpx.Client(base_url=live_server, timeout=10) as client:
        yield client


@pytest.fixture
def admin_api(admin_server: str) -> Iterator[httpx.Client]:
    """An HTTP client for `admin_server`'s API (it sends no token unless told)."""
    with httpx.Client(base_url=admin_server, timeout=10) as client:
        yield client


@pytest.fixture
def screenshot_dir(tmp_path: Path) -> Path:
    """Where screenshots go: SCREENSHOTS_DIR if set (created), else a temporary folder."""
    value = os.environ.get("SCREENSHOTS_DIR")
    folder = Path(value) if value else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder
