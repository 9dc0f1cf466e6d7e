"""The samples page (/samples): the gallery, its filters and pages, the admin errors."""

import math
import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Locator, Page, Response, expect

from tests.browser.drawing import DEVICES, Pages
from tests.shapes import DIGITS

pytestmark = pytest.mark.browser

TOKEN_KEY = "digitpad.admin-token"
SIDE = 280  # the canvas the test drawings are on
# (label, live prediction or None): some read right, some wrong, one without a prediction.
CONTRIBUTIONS = [(3, 3), (7, 1), (0, 0), (5, None), (3, 8), (9, 4), (1, 1)]
IMAGES_RENDERED = """() => [...document.querySelectorAll('[data-testid="tile"] img')]
    .every((img) => img.complete && img.naturalWidth === 28 && img.naturalHeight === 28)"""


def by_id(page: Page | Locator, testid: str) -> Locator:
    return page.get_by_test_id(testid)


def contribute(api: httpx.Client) -> list[int]:
    """Store CONTRIBUTIONS through the API, oldest first; their ids."""
    ids = []
    for label, predicted in CONTRIBUTIONS:
        strokes = [[[x * SIDE, y * SIDE] for x, y in stroke] for stroke in DIGITS[label]]
        body = {
            "strokes": strokes,
            "canvas": {"width": SIDE, "height": SIDE},
            "label": label,
            "predicted": predicted,
            "source": "browser-test",
        }
        response = api.post("/api/samples", json=body)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


def listed(api: httpx.Client, **query: object) -> list[dict]:
    response = api.get("/api/samples", params=query)
    response.raise_for_status()
    return response.json()["items"]


def count_listed(api: httpx.Client) -> int:
    """How many drawings the public listing has, every page of it."""
    count, path = 0, "/api/samples?limit=200"
    while path:
        page = api.get(path).raise_for_status().json()
        count += len(page["items"])
        path = page["next"]
    return count


def tile_ids(page: Page) -> list[int]:
    tiles = by_id(page, "gallery").locator('[data-testid="tile"]')
    return [int(i) for i in tiles.evaluate_all("ts => ts.map((t) => t.dataset.sampleId)")]


def is_listing(response: Response) -> bool:
    return "/api/samples?" in response.url and response.request.method == "GET"


def test_the_gallery_shows_the_drawings_newest_first_as_the_model_saw_them(
    pages: Pages, api: httpx.Client
) -> None:
    ids = contribute(api)
    expected = [s["id"] for s in listed(api, limit=24)]
    assert expected[: len(ids)] == ids[::-1]  # the API's order: newest first

    page = pages.open("desktop", "/samples")
    expect(page.get_by_role("link", name="Samples")).to_have_attribute("aria-current", "page")
    tiles = by_id(page, "gallery").locator('[data-testid="tile"]')
    expect(tiles).to_have_count(len(expected))
    assert tile_ids(page) == expected
    page.wait_for_function(IMAGES_RENDERED)
    assert tiles.first.locator("img").evaluate("img => img.naturalWidth") == 28

    newest = tiles.first  # (1, 1): read right
    expect(by_id(newest, "label")).to_have_text("1")
    expect(by_id(newest, "predicted")).to_have_text("read as 1")
    expect(by_id(newest, "predicted")).to_have_class(re.compile(r"\bchip-ok\b"))
    wrong = by_id(page, "gallery").locator(f'[data-sample-id="{ids[5]}"]')  # (9, 4)
    expect(by_id(wrong, "predicted")).to_have_text("read as 4")
    expect(by_id(wrong, "predicted")).to_have_class(re.compile(r"\bchip-danger\b"))
    unread = by_id(page, "gallery").locator(f'[data-sample-id="{ids[3]}"]')  # (5, None)
    expect(by_id(unread, "predicted")).to_have_text("no prediction")
    expect(wrong).to_contain_text("browser-test")

    stats = api.get("/api/stats").json()
    shown = stats["per_status"]["accepted"]
    expect(by_id(page, "count")).to_contain_text(f"{shown} accepted drawings of {stats['total']}")
    expect(by_id(page, "count")).to_contain_text("live accuracy")
    # Without a token there is nothing to relabel or delete with.
    expect(page.locator('[data-testid="relabel"]:visible')).to_have_count(0)
    expect(page.locator('[data-testid="delete"]:visible')).to_have_count(0)


def test_the_filters_show_one_label_or_the_wrong_predictions(
    pages: Pages, api: httpx.Client
) -> None:
    contribute(api)
    page = pages.open("desktop", "/samples")
    tiles = by_id(page, "gallery").locator('[data-testid="tile"]')
    expect(tiles.first).to_be_visible()

    with page.expect_response(is_listing) as answered:
        by_id(page, "filter-label").locator('button[value="3"]').click()
    assert "label=3" in answered.value.url
    threes = [s["id"] for s in listed(api, label=3, limit=24)]
    expect(tiles).to_have_count(len(threes))
    assert tile_ids(page) == threes
    labels = tiles.evaluate_all("ts => ts.map((t) => t.dataset.label)")
    assert labels and set(labels) == {"3"}
    expect(page).to_have_url(re.compile(r"[?&]label=3\b"))

    with page.expect_response(is_listing) as answered:
        by_id(page, "filter-wrong").check()
    assert "label=3" in answered.value.url and "wrong=true" in answered.value.url
    expect(tiles).to_have_count(len(listed(api, label=3, wrong="true", limit=24)))

    with page.expect_response(is_listing):
        by_id(page, "filter-label").locator('button[value="all"]').click()
    wrong = [s["id"] for s in listed(api, wrong="true", limit=24)]
    expect(tiles).to_have_count(len(wrong))
    assert tile_ids(page) == wrong
    readings = tiles.evaluate_all("ts => ts.map((t) => [t.dataset.label, t.dataset.predicted])")
    assert readings and all(p != "" and p != label for label, p in readings)
    expect(tiles.locator('[data-testid="predicted"].chip-danger')).to_have_count(len(wrong))


def test_load_more_follows_the_next_page(pages: Pages, api: httpx.Client) -> None:
    contribute(api)
    page = pages.open("desktop", "/samples?limit=2")
    tiles = by_id(page, "gallery").locator('[data-testid="tile"]')
    expect(tiles).to_have_count(2)
    expect(by_id(page, "load-more")).to_be_visible()
    with page.expect_response(is_listing) as answered:
        by_id(page, "load-more").click()
    assert "before=" in answered.value.url
    expect(tiles).to_have_count(4)
    assert tile_ids(page) == [s["id"] for s in listed(api, limit=4)]
    page.wait_for_function(IMAGES_RENDERED)

    # Two pages exactly: after the second, nothing more to load. The gallery lists the
    # accepted drawings, which the stats' total (every drawing) may outnumber.
    total = count_listed(api)
    half = math.ceil(total / 2)
    assert half <= 200, "more samples than two pages of the largest size"
    page = pages.open("desktop", f"/samples?limit={half}")
    tiles = by_id(page, "gallery").locator('[data-testid="tile"]')
    expect(tiles).to_have_count(half)
    by_id(page, "load-more").click()
    expect(tiles).to_have_count(total)
    expect(by_id(page, "load-more")).to_be_hidden()


def test_admin_actions_without_a_configured_token_show_the_servers_error(
    pages: Pages, api: httpx.Client
) -> None:
    pages.allow_errors("status of 403")  # the browser logs the refused requests
    contribute(api)
    page = pages.open("desktop", "/samples")
    tile = by_id(page, "gallery").locator('[data-testid="tile"]').first
    sample_id = tile.get_attribute("data-sample-id")
    by_id(page, "admin-token").fill("not-the-token")
    expect(by_id(tile, "delete")).to_be_visible()

    by_id(tile, "delete").click()
    expect(tile).to_contain_text("Delete this drawing?")  # confirmed in the page
    with page.expect_response(lambda r: r.request.method == "DELETE") as answered:
        by_id(tile, "confirm-delete").click()
    response = answered.value
    assert response.status == 403
    assert response.request.headers["authorization"] == "Bearer not-the-token"
    expect(by_id(tile, "tile-error")).to_have_text(response.json()["detail"])
    expect(by_id(page, "gallery").locator(f'[data-sample-id="{sample_id}"]')).to_have_count(1)
    assert api.get(f"/api/samples/{sample_id}").status_code == 200

    label = by_id(tile, "label").inner_text()
    by_id(tile, "relabel").click()
    new = "2" if label != "2" else "6"
    with page.expect_response(lambda r: r.request.method == "PATCH") as answered:
        by_id(tile, f"relabel-{new}").click()
    assert answered.value.status == 403
    expect(by_id(tile, "tile-error")).to_have_text(answered.value.json()["detail"])
    expect(by_id(tile, "label")).to_have_text(label)
    # The token is kept for this tab only.
    assert page.evaluate(f"sessionStorage.getItem('{TOKEN_KEY}')") == "not-the-token"
    assert page.evaluate("localStorage.length") == 0


def test_no_drawings_shows_the_empty_state(pages: Pages) -> None:
    page = pages.open("desktop", "/samples")
    page.route(
        re.compile(r"/api/samples\?"), lambda route: route.fulfill(json={"items": [], "next": None})
    )
    page.reload()
    expect(by_id(page, "empty")).to_have_text("No drawings yet — draw one.")
    expect(by_id(page, "empty").get_by_role("link", name="draw one")).to_have_attribute("href", "/")
    expect(by_id(page, "gallery").locator('[data-testid="tile"]')).to_have_count(0)
    expect(by_id(page, "load-more")).to_be_hidden()


def test_layout_fits_and_screenshot(pages: Pages, api: httpx.Client, screenshot_dir: Path) -> None:
    contribute(api)
    phone = pages.open("phone", "/samples")
    expect(by_id(phone, "tile").first).to_be_visible()
    phone.wait_for_function(IMAGES_RENDERED)
    # The device's width, not innerWidth: a mobile browser widens its layout viewport
    # to fit what overflows, so innerWidth would grow along with the overflow.
    width = DEVICES["phone"]["viewport"]["width"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= width, "sideways overflow"
    by_id(phone, "admin-token").fill("a-token")
    by_id(phone, "tile").first.get_by_test_id("relabel").click()
    by_id(phone, "tile").nth(1).get_by_test_id("delete").click()
    assert phone.evaluate("document.documentElement.scrollWidth") <= width, "sideways overflow"
    for path in ("/", "/collect", "/model"):  # the nav, one link longer, still fits
        other = pages.open("phone", path)
        assert other.evaluate("document.documentElement.scrollWidth") <= width, path
        nav = other.locator(".site-nav").bounding_box()
        assert nav is not None and nav["x"] + nav["width"] <= width, f"{path}: the nav overflows"

    page = pages.open("desktop", "/samples", device_scale_factor=1)
    expect(by_id(page, "tile").first).to_be_visible()
    page.wait_for_function(IMAGES_RENDERED)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280, "sideways overflow"
    for testid in ("filter-label", "filter-wrong", "admin-token", "gallery"):
        box = by_id(page, testid).bounding_box()
        assert box is not None and box["y"] < 800, f"{testid} is off screen"
    page.screenshot(path=screenshot_dir / "samples-desktop.png")
