"""The collect page (/collect): it asks for the least-collected digit and stores drawings."""

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, Response, expect

from tests.browser.drawing import (
    Pages,
    draw_with_mouse,
    draw_with_touch,
    painted_pixels,
)
from tests.shapes import DIGITS, ONE, SEVEN

pytestmark = pytest.mark.browser


def least_collected(api: httpx.Client) -> int:
    """The digit with the fewest stored samples; ties go to the smaller digit."""
    per_label = api.get("/api/stats").json()["per_label"]
    return min(range(10), key=lambda d: (per_label[str(d)], d))


def add_samples(api: httpx.Client, labels: list[int]) -> None:
    """Store a drawing (a stroke) for each of ``labels`` through the API."""
    for label in labels:
        drawing = {
            "strokes": [[[10, 10, 0], [10, 90, 50]]],
            "canvas": {"width": 100, "height": 100},
        }
        response = api.post("/api/samples", json={**drawing, "label": label, "source": "test"})
        assert response.status_code == 201, response.text


def is_save(response: Response) -> bool:
    return response.url.endswith("/api/samples") and response.request.method == "POST"


@pytest.fixture
def collect(pages: Pages) -> Page:
    """The collect page in a desktop window."""
    return pages.open("desktop", "/collect")


def test_asks_for_the_least_collected_digit_and_stores_it(pages: Pages, api: httpx.Client) -> None:
    # Give every digit but 6 and 8 one more drawing than the most collected one has:
    # 6 and 8 tie for least, and the smaller, 6, is asked for first.
    per_label = api.get("/api/stats").json()["per_label"]
    top = max(per_label.values())
    add_samples(
        api, [d for d in range(10) if d not in (6, 8) for _ in range(top + 1 - per_label[str(d)])]
    )
    add_samples(api, [8] * (top - per_label["8"]) + [6] * (top - per_label["6"]))
    assert least_collected(api) == 6

    page = pages.open("desktop", "/collect")
    target = page.get_by_test_id("target")
    expect(target).to_have_text("6")
    expect(page.get_by_test_id("save")).to_be_disabled()

    draw_with_mouse(page, SEVEN)  # whatever is drawn, it is stored as the digit asked for
    with page.expect_response(is_save) as saved:
        page.get_by_test_id("save").click()
    assert saved.value.status == 201
    sample_id = saved.value.json()["id"]
    expect(page.get_by_test_id("saved")).to_contain_text("Saved your 6")
    # By its id: a 7 stored as 6 waits for review, out of the public listing.
    sample = api.get(f"/api/samples/{sample_id}").json()
    assert sample["label"] == 6
    assert sample["source"] == "collect"
    assert sample["predicted"] is None

    expect(target).to_have_text("8")  # now the least collected
    assert least_collected(api) == 8
    expect(page.get_by_test_id("session-count")).to_have_text("1")
    expect(page.locator(".session-text")).to_have_text("drawing this session")
    assert painted_pixels(page) == 0, "the pad is cleared for the next drawing"
    expect(page.locator(".thumbs .thumb")).to_have_count(1)


def test_enter_saves_and_skip_asks_for_another_digit(collect: Page, api: httpx.Client) -> None:
    target = collect.get_by_test_id("target")
    expect(target).to_have_text(re.compile(r"^\d$"))
    first = int(target.inner_text())
    assert first == least_collected(api)

    draw_with_mouse(collect, ONE)
    collect.get_by_test_id("skip").click()  # skipping also clears the pad
    expect(target).not_to_have_text(str(first))
    assert painted_pixels(collect) == 0
    second = int(target.inner_text())

    draw_with_mouse(collect, ONE)
    collect.keyboard.press("Control+z")
    expect(collect.get_by_test_id("save")).to_be_disabled()
    draw_with_mouse(collect, ONE)
    with collect.expect_response(is_save) as saved:
        collect.keyboard.press("Enter")
    assert saved.value.json()["label"] == second
    expect(collect.get_by_test_id("session-count")).to_have_text("1")


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_layout_fits_and_screenshot(
    pages: Pages, api: httpx.Client, device: str, screenshot_dir: Path
) -> None:
    page = pages.open(device, "/collect", device_scale_factor=1 if device == "desktop" else 2)
    draw = draw_with_touch if device == "phone" else draw_with_mouse

    def draw_what_is_asked() -> None:
        digit = least_collected(api)
        expect(page.get_by_test_id("target")).to_have_text(str(digit))
        draw(page, DIGITS[digit])

    for saved in range(1, 4):
        draw_what_is_asked()
        page.get_by_test_id("save").click()
        expect(page.get_by_test_id("session-count")).to_have_text(str(saved))
    expect(page.locator(".thumbs .thumb")).to_have_count(3)
    draw_what_is_asked()
    width = page.evaluate("innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways overflow"
    save = page.get_by_test_id("save").bounding_box()
    assert save is not None and save["x"] + save["width"] <= width
    assert save["y"] + save["height"] <= page.viewport_size["height"], "Save is below the fold"
    expect(page.get_by_test_id("saved")).to_be_hidden(timeout=8000)
    page.screenshot(path=screenshot_dir / f"collect-{device}.png")
