"""The insights page (/insights): accuracy beside the baseline, per-digit bars, the
confusion heat maps and their mistakes, the learning curves, the first layer's weights
and the average input of each digit."""

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.drawing import Pages
from tests.shapes import DIGITS, SEVEN

pytestmark = pytest.mark.browser

SIDE = 280  # the canvas the test drawings are on
TRUE = 3  # the label the mislabelled sevens get
IMAGES_LOADED = """(imgs) => imgs.length > 0
    && imgs.every((img) => img.complete && img.naturalWidth > 0)"""


def by_id(page: Page | Locator, testid: str) -> Locator:
    return page.get_by_test_id(testid)


def contribute(api: httpx.Client, shape: list, label: int) -> int:
    strokes = [[[x * SIDE, y * SIDE] for x, y in stroke] for stroke in shape]
    body = {
        "strokes": strokes,
        "canvas": {"width": SIDE, "height": SIDE},
        "label": label,
        "source": "browser-test",
    }
    response = api.post("/api/samples", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def percent(accuracy: float) -> str:
    return f"{100 * accuracy:.2f}%"


def test_no_contributed_drawings_says_so(pages: Pages, api: httpx.Client) -> None:
    # The session's server may hold drawings already: answer as a fresh install would.
    data = {**api.get("/api/insights").json(), "contributed": None}
    page = pages.open("desktop", "/insights")
    page.route(re.compile(r"/api/insights$"), lambda route: route.fulfill(json=data))
    page.reload()
    expect(by_id(page, "contributed-accuracy").locator("xpath=..")).to_contain_text(
        "No contributed drawings yet"
    )
    expect(by_id(page, "show-contributed")).to_be_disabled()


def test_the_page_shows_accuracy_confusions_curves_and_the_first_layer(
    pages: Pages, api: httpx.Client, screenshot_dir: Path
) -> None:
    # Two sevens labelled 3 (mislabelled), and two drawings labelled right.
    wrong = {contribute(api, SEVEN, TRUE) for _ in range(2)}
    contribute(api, DIGITS[0], 0)
    contribute(api, DIGITS[1], 1)
    data = api.get("/api/insights").json()
    mnist, baseline = data["mnist_test"], data["baseline"]["metrics"]["mnist_test"]
    active = data["curves"][0]
    assert active["version"] == data["model"]["version"]
    # The cell the mislabelled sevens are in: labelled 3, read as what the model sees.
    (read_as,) = {
        p
        for p in range(10)
        if p != TRUE
        and wrong
        & {
            item["id"]
            for item in api.get(
                "/api/insights/mistakes", params={"true": TRUE, "predicted": p}
            ).json()["items"]
        }
    }
    listed = api.get("/api/insights/mistakes", params={"true": TRUE, "predicted": read_as})
    in_cell = listed.json()["items"]

    page = pages.open("desktop", "/insights", device_scale_factor=1)
    expect(page.get_by_role("link", name="Insights", exact=True).first).to_have_attribute(
        "aria-current", "page"
    )
    expect(by_id(page, "mlp-accuracy")).to_have_text(percent(mnist["accuracy"]))
    expect(by_id(page, "baseline-accuracy")).to_have_text(percent(baseline["accuracy"]))
    expect(by_id(page, "contributed-accuracy")).to_have_text(
        percent(data["contributed"]["accuracy"])
    )

    # Ten bars per MNIST series (the network, the linear model), one per contributed digit.
    bars = by_id(page, "per-digit").locator("rect.ins-bar")
    expect(bars.and_(page.locator(".is-mnist"))).to_have_count(10)
    expect(bars.and_(page.locator(".is-base"))).to_have_count(10)
    drawn = sum(1 for row in data["contributed"]["confusion_matrix"] if sum(row))
    expect(bars.and_(page.locator(".is-contributed"))).to_have_count(drawn)

    # The MNIST heat map: 100 cells whose counts are the test set.
    cells = by_id(page, "confusion").locator("[data-testid^=cell-]")
    expect(cells).to_have_count(100)
    counts = cells.evaluate_all("cs => cs.map((c) => Number(c.textContent))")
    assert sum(counts) == mnist["n"] == 10000
    assert counts[7 * 10 + 2] == mnist["confusion_matrix"][7][2]
    expect(by_id(page, "cell-5-5")).to_have_class(re.compile(r"\bis-diag\b"))

    # One line per metric and set for the active version, a point per epoch.
    lines = by_id(page, "curves").locator(f'polyline[data-version="{active["version"]}"]')
    expect(lines).to_have_count(4)
    for points in lines.evaluate_all("ls => ls.map((l) => l.points.numberOfItems)"):
        assert points == len(active["epochs"])

    layer = by_id(page, "first-layer")
    expect(layer).to_have_attribute("src", "/api/insights/first-layer.png")
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=layer.element_handle()
    )

    # The average input of each digit, and how it differs from the average of all.
    averages = by_id(page, "average-inputs").locator("img")
    expect(averages).to_have_count(20)
    page.wait_for_function(IMAGES_LOADED, arg=averages.element_handles())

    # An MNIST cell lists the test images kept in the card, surest mistake first.
    by_id(page, "cell-4-9").click()
    tiles = by_id(page, "mistakes").locator(".ins-mistake")
    expect(tiles).to_have_count(min(mnist["confusion_matrix"][4][9], 12))
    page.wait_for_function(
        IMAGES_LOADED, arg=by_id(page, "mistakes").locator("img").element_handles()
    )
    expect(tiles.first.locator(".ins-probs li").first).to_contain_text("9")
    page.screenshot(path=screenshot_dir / "insights-mistakes-desktop.png", full_page=False)

    # The linear model's confusions, and its own mistakes.
    by_id(page, "show-baseline").click()
    expect(by_id(page, "mistakes")).to_be_hidden()
    expect(by_id(page, "cell-7-2")).to_have_text(str(baseline["confusion_matrix"][7][2]))
    counts = cells.evaluate_all("cs => cs.map((c) => Number(c.textContent))")
    assert sum(counts) == 10000 and counts[11] == baseline["confusion_matrix"][1][1]
    by_id(page, "cell-7-2").click()
    expect(by_id(page, "mistakes")).to_contain_text("the linear model reads 2")
    expect(tiles).to_have_count(min(baseline["confusion_matrix"][7][2], 12))

    # The contributed drawings: the mislabelled sevens' cell lists them.
    by_id(page, "show-contributed").click()
    expect(by_id(page, "show-contributed")).to_have_attribute("aria-pressed", "true")
    expect(by_id(page, "mistakes")).to_be_hidden()
    cell = by_id(page, f"cell-{TRUE}-{read_as}")
    expect(cell).to_have_text(str(len(in_cell)))
    cell.click()
    tiles = by_id(page, "mistakes").locator(".ins-mistake")
    expect(tiles).to_have_count(len(in_cell))
    shown = {int(i) for i in tiles.evaluate_all("ts => ts.map((t) => t.dataset.sampleId)")}
    assert wrong <= shown
    images = by_id(page, "mistakes").locator("img")
    page.wait_for_function(IMAGES_LOADED, arg=images.element_handles())
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280, "sideways overflow"
    page.screenshot(path=screenshot_dir / "insights-desktop.png", full_page=True)
