"""The model page (/model): the active version, the history, the admin panel's errors."""

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Locator, Page, Response, expect

from tests.browser.drawing import Pages

pytestmark = pytest.mark.browser

TOKEN_KEY = "digitpad.admin-token"


def by_id(page: Page, testid: str) -> Locator:
    return page.get_by_test_id(testid)


def models(api: httpx.Client) -> dict:
    response = api.get("/api/models")
    response.raise_for_status()
    return response.json()


def is_finetune(response: Response) -> bool:
    return response.url.endswith("/api/admin/finetune") and response.request.method == "POST"


def test_the_page_shows_the_active_version_and_its_history(pages: Pages, api: httpx.Client) -> None:
    listed = models(api)
    active = listed["active"]
    assert active == api.get("/api/model").json()["version"]
    entry = next(v for v in listed["versions"] if v["version"] == active)
    assert entry["active"]
    mnist = f"{100 * entry['card']['metrics']['mnist_test']['accuracy']:.2f}%"

    page = pages.open("desktop", "/model")
    expect(page.get_by_role("link", name="Model")).to_have_attribute("aria-current", "page")
    expect(by_id(page, "active-version")).to_have_text(active)
    expect(page.locator("#current-mnist")).to_have_text(mnist)
    rows = by_id(page, "versions").locator("tbody tr[data-version]")
    expect(rows).to_have_count(len(listed["versions"]))
    row = by_id(page, "versions").locator(f'tr[data-version="{active}"]')
    expect(row).to_have_class(re.compile(r"\bis-active\b"))
    expect(row).to_contain_text(mnist)
    expect(row).to_contain_text("Active")
    # No token entered: no rollback buttons, and the shipped model has nothing to roll to.
    expect(page.locator("[data-testid^=activate-]:visible")).to_have_count(0)


def test_a_fine_tune_without_a_configured_token_shows_the_servers_error(
    pages: Pages,
) -> None:
    pages.allow_errors("status of 403")  # the browser logs the refused request
    page = pages.open("desktop", "/model")
    by_id(page, "admin-token").fill("not-the-token")
    with page.expect_response(is_finetune) as answered:
        by_id(page, "start-finetune").click()
    response = answered.value
    assert response.status == 403
    assert response.request.headers["authorization"] == "Bearer not-the-token"
    detail = response.json()["detail"]
    status = by_id(page, "job-status")
    expect(status).to_be_visible()
    expect(status).to_contain_text("Refused")
    expect(status).to_contain_text(detail)
    expect(by_id(page, "start-finetune")).to_be_enabled()  # free to try again
    # The token is kept for this tab only.
    assert page.evaluate(f"sessionStorage.getItem('{TOKEN_KEY}')") == "not-the-token"
    assert page.evaluate("localStorage.length") == 0


def test_layout_fits_and_screenshot(pages: Pages, screenshot_dir: Path) -> None:
    phone = pages.open("phone", "/model")
    expect(by_id(phone, "versions").locator("tr[data-version]").first).to_be_visible()
    width = phone.evaluate("innerWidth")
    assert phone.evaluate("document.documentElement.scrollWidth") <= width, "sideways overflow"

    page = pages.open("desktop", "/model", device_scale_factor=1)
    expect(by_id(page, "versions").locator("tr[data-version]").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280, "sideways overflow"
    for testid in ("active-version", "start-finetune", "versions"):
        box = by_id(page, testid).bounding_box()
        assert box is not None and box["y"] + box["height"] <= 800, f"{testid} is off screen"
    page.screenshot(path=screenshot_dir / "model-desktop.png")
