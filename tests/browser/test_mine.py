"""My drawings (/mine): what this browser saved, seen, deleted one by one and all at once,
at desktop and phone sizes."""

import json
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, Response, expect

from tests.browser.drawing import DEVICES, Pages, draw_with_mouse, draw_with_touch
from tests.shapes import ONE, SEVEN, Shape

pytestmark = pytest.mark.browser

# A function, not an expression: Playwright evals an expression again on every poll, and
# the polls after the first run under the page's CSP, which refuses eval (a flaky wait).
IMAGES_RENDERED = "() => [...document.querySelectorAll('#mine-gallery img')].every(i => i.complete)"


def is_save(response: Response) -> bool:
    return response.url.endswith("/api/samples") and response.request.method == "POST"


def save(page: Page, shape: Shape, label: int, *, touch: bool = False) -> int:
    """Draw ``shape`` on the drawing page, save it as ``label``; the sample's id."""
    page.locator("#pad").scroll_into_view_if_needed()  # saving scrolled to the labels
    (draw_with_touch if touch else draw_with_mouse)(page, shape)
    with page.expect_response(is_save) as saved:
        page.get_by_test_id(f"label-{label}").click()
    assert saved.value.status == 201
    return int(saved.value.json()["id"])


def tile_ids(page: Page) -> list[int]:
    tiles = page.locator("#mine-gallery [data-testid='tile']")
    return [int(t.get_attribute("data-sample-id") or 0) for t in tiles.all()]


def test_a_browser_sees_and_deletes_its_own_drawings(pages: Pages, api: httpx.Client) -> None:
    # Once every drawing is deleted, the listing answers 404 (an id with no drawings),
    # which the page shows as its empty state and the browser logs as a failed load.
    pages.allow_errors("status of 404")
    someone_else = pages.open("desktop")
    theirs = save(someone_else, ONE, 1)
    page = pages.open("desktop")
    mine = [save(page, shape, label) for shape, label in ((SEVEN, 7), (ONE, 1), (SEVEN, 7))]
    toast = page.get_by_test_id("saved")
    expect(toast.get_by_role("link", name="My drawings")).to_be_visible()
    total = api.get("/api/stats").json()["total"]

    page.get_by_role("contentinfo").get_by_role("link", name="My drawings").click()
    page.wait_for_url("**/mine")
    expect(page.locator("#mine-count")).to_have_text("3 drawings saved from this browser")
    expect(page.locator("#mine-gallery [data-testid='tile']")).to_have_count(3)
    assert tile_ids(page) == mine[::-1]  # newest first, and nobody else's
    assert theirs not in tile_ids(page)
    expect(page.locator("#mine-gallery [data-testid='relabel']").first).to_be_hidden()
    with page.expect_download() as download:
        page.locator("#mine-download").click()
    lines = Path(download.value.path()).read_text().splitlines()
    assert [json.loads(line)["key_id"] for line in lines] == [str(i) for i in mine]

    newest = page.locator(f"#mine-gallery [data-sample-id='{mine[2]}']")
    newest.get_by_test_id("delete").click()
    newest.get_by_test_id("confirm-delete").click()
    expect(page.locator("#mine-gallery [data-testid='tile']")).to_have_count(2)
    expect(page.locator("#mine-count")).to_have_text("2 drawings saved from this browser")
    assert api.get(f"/api/samples/{mine[2]}").status_code == 404
    assert api.get("/api/stats").json()["total"] == total - 1

    page.reload()
    expect(page.locator("#mine-gallery [data-testid='tile']")).to_have_count(2)  # loaded
    assert tile_ids(page) == mine[1::-1]  # the server's list, not the page's memory
    page.locator("#mine-forget").click()
    expect(page.locator("#mine-confirm")).to_be_visible()
    page.locator("#mine-forget-confirm").click()
    expect(page.get_by_test_id("saved")).to_contain_text("Deleted 2 drawings")
    expect(page.locator("#mine-gallery [data-testid='tile']")).to_have_count(0)
    expect(page.locator("#mine-empty")).to_be_visible()
    expect(page.locator("#mine-actions")).to_be_hidden()
    assert api.get("/api/stats").json()["total"] == total - 3
    assert api.get(f"/api/samples/{theirs}").status_code == 200
    page.reload()
    expect(page.locator("#mine-empty")).to_be_visible()
    expect(page.locator("#mine-count")).to_have_text("")


def test_each_drawing_says_where_moderation_left_it(pages: Pages, api: httpx.Client) -> None:
    page = pages.open("desktop")
    right = save(page, ONE, 1)
    doubtful = save(page, ONE, 8)  # the model reads a 1: flagged for review
    statuses = {i: api.get(f"/api/samples/{i}").json()["status"] for i in (right, doubtful)}
    assert statuses == {right: "accepted", doubtful: "flagged"}

    page.goto("/mine")
    gallery = page.locator("#mine-gallery")
    expect(gallery.get_by_test_id("tile")).to_have_count(2)
    flagged = gallery.locator(f"[data-sample-id='{doubtful}']")
    expect(flagged).to_have_attribute("data-status", "flagged")
    expect(flagged.get_by_test_id("status")).to_have_text("waiting for review")
    accepted = gallery.locator(f"[data-sample-id='{right}']")
    expect(accepted.get_by_test_id("status")).to_have_text("accepted")
    expect(page.locator(".privacy")).to_contain_text("waiting for review")
    # Leave no flagged drawing behind for the other tests of the shared server.
    page.locator("#mine-forget").click()
    page.locator("#mine-forget-confirm").click()
    expect(page.locator("#mine-empty")).to_be_visible()
    assert api.get(f"/api/samples/{doubtful}").status_code == 404


def test_layout_fits_and_screenshot(pages: Pages, screenshot_dir: Path) -> None:
    phone = pages.open("phone")
    for shape, label in ((SEVEN, 7), (ONE, 1)):
        save(phone, shape, label, touch=True)
    phone.goto("/mine")
    expect(phone.locator("#mine-gallery [data-testid='tile']")).to_have_count(2)
    phone.wait_for_function(IMAGES_RENDERED)
    width = DEVICES["phone"]["viewport"]["width"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= width, "sideways overflow"
    phone.locator("#mine-forget").click()
    expect(phone.locator("#mine-forget-confirm")).to_be_enabled()
    assert phone.evaluate("document.documentElement.scrollWidth") <= width, "sideways overflow"
    phone.wait_for_timeout(300)  # the buttons finish their transition
    phone.screenshot(path=screenshot_dir / "mine-phone.png", full_page=True)

    desktop = pages.open("desktop")
    save(desktop, SEVEN, 7)
    desktop.goto("/mine")
    expect(desktop.locator("#mine-gallery [data-testid='tile']")).to_have_count(1)
    desktop.wait_for_function(IMAGES_RENDERED)
    assert desktop.evaluate("document.documentElement.scrollWidth") <= 1280, "sideways overflow"
    for selector in ("#mine-forget", "#mine-download", "#mine-gallery"):
        box = desktop.locator(selector).bounding_box()
        assert box is not None and box["y"] < 800, f"{selector} is off screen"
    desktop.screenshot(path=screenshot_dir / "mine-desktop.png")
