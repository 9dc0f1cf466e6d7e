"""The "Why this answer?" panel on the drawing page: collapsed it asks nothing; open it
asks POST /explain once and draws the saliency map and the hidden units; clear resets it."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, Request, expect

from tests.browser.drawing import draw_with_mouse
from tests.shapes import SEVEN

pytestmark = pytest.mark.browser


def by_id(page: Page, testid: str) -> Locator:
    return page.get_by_test_id(testid)


def colours(page: Page, selector: str) -> dict[str, int]:
    """Count a canvas's reddish, bluish and painted pixels (alpha > 0)."""
    return page.evaluate(
        """(selector) => {
            const c = document.querySelector(selector);
            const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
            const n = { red: 0, blue: 0, painted: 0 };
            for (let i = 0; i < d.length; i += 4) {
                if (d[i + 3] > 0) n.painted += 1;
                if (d[i] - d[i + 2] > 60) n.red += 1;
                if (d[i + 2] - d[i] > 60) n.blue += 1;
            }
            return n;
        }""",
        selector,
    )


def test_the_panel_explains_on_demand_and_resets(desktop: Page, screenshot_dir: Path) -> None:
    explains: list[Request] = []
    desktop.on("request", lambda r: r.url.endswith("/explain") and explains.append(r))
    panel = by_id(desktop, "explain")

    draw_with_mouse(desktop, SEVEN)
    expect(desktop.locator(".result")).to_have_attribute("aria-busy", "false")
    expect(by_id(desktop, "prediction")).to_have_text(re.compile(r"^\d$"))
    digit = int(by_id(desktop, "prediction").inner_text())
    desktop.wait_for_timeout(300)
    expect(panel).not_to_have_attribute("open", "")
    expect(by_id(desktop, "saliency")).to_be_hidden()
    assert explains == [], "the closed panel must not ask for an explanation"

    with desktop.expect_response(lambda r: r.url.endswith("/explain")) as answer:
        by_id(desktop, "explain-toggle").click()
    assert answer.value.ok
    expect(panel).to_have_attribute("open", "")
    expect(by_id(desktop, "saliency")).to_be_visible()
    expect(by_id(desktop, "unit")).to_have_count(8)
    desktop.wait_for_timeout(200)
    assert len(explains) == 1
    body = explains[0].post_data_json
    assert body["strokes"] and body["canvas"]["width"] > 0

    saliency = colours(desktop, "[data-testid=saliency]")
    assert saliency["red"] > 0 and saliency["blue"] > 0, saliency
    for i in range(8):
        picture = colours(desktop, f"[data-testid=unit]:nth-child({i + 1}) canvas")
        assert picture["painted"] == 28 * 28, f"unit {i} is not painted"
        assert picture["red"] + picture["blue"] > 0, f"unit {i} has no colour"
    assert desktop.locator(".units-2 .unit-row").count() == 8
    expect(panel).to_contain_text(f"toward {'an' if digit == 8 else 'a'} {digit}")

    desktop.evaluate("document.fonts.ready")
    panel.scroll_into_view_if_needed()
    desktop.screenshot(path=screenshot_dir / "explain-desktop.png", full_page=True)

    # A new stroke is explained once, at pen-up (not while drawing); an undo once more.
    draw_with_mouse(desktop, [[(0.36, 0.52), (0.64, 0.52)]])
    desktop.wait_for_timeout(400)
    assert len(explains) == 2
    desktop.keyboard.press("Control+z")
    desktop.wait_for_timeout(400)
    assert len(explains) == 3
    expect(by_id(desktop, "unit")).to_have_count(8)

    by_id(desktop, "clear").click()
    expect(by_id(desktop, "unit")).to_have_count(0)
    expect(by_id(desktop, "saliency")).to_be_hidden()
    expect(panel.locator(".explain-empty")).to_be_visible()
    desktop.wait_for_timeout(300)
    assert len(explains) == 3, "an empty pad is not explained"
