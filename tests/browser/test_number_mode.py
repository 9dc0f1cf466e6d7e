"""The drawing page's number mode (/?mode=number): the Digit | Number switch, a number
written and read live, a box over each digit's ink, a digit's bars, correcting a digit
to save the number, undo and clear, the phone, and the layout.

Saving a number (POST /api/numbers) is answered in most tests by a stand-in for the
server's route (``stub_saving``), which records what the page sent; one test saves to the
real server and reads the stored digits back.
"""

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Locator, Page, Route, expect

from tests.browser.drawing import (
    DEVICES,
    Pages,
    draw_with_mouse,
    draw_with_touch,
    painted_pixels,
    percent,
)
from tests.shapes import DIGITS, Shape

pytestmark = pytest.mark.browser

NUMBER = [3, 4, 7]  # four strokes: the 4 has two
PAD_HEIGHT = 280  # CSS px, in number mode on every screen


def by_id(page: Page, testid: str) -> Locator:
    return page.get_by_test_id(testid)


def pad_box(page: Page) -> dict[str, float]:
    box = page.locator("#pad").bounding_box()
    assert box is not None, "the pad is not visible"
    return box


def side_by_side(page: Page, digits: list[int]) -> Shape:
    """The shapes of ``digits`` in a row on the pad: each scaled into its own square slot,
    as high as the pad or as wide as its share of the pad, the row centred; as fractions
    of the pad's width and height, as draw_with_mouse takes them."""
    box = pad_box(page)
    width, height = box["width"], box["height"]
    side = min(height, width / len(digits))
    left, top = (width - side * len(digits)) / 2, (height - side) / 2
    return [
        [((left + (slot + x) * side) / width, (top + y * side) / height) for x, y in stroke]
        for slot, digit in enumerate(digits)
        for stroke in DIGITS[digit]
    ]


def ink_extent(page: Page, shape: Shape) -> tuple[float, float, float, float]:
    """Where a shape's points are on the page: (x0, y0, x1, y1) in CSS px."""
    box = pad_box(page)
    xs = [box["x"] + x * box["width"] for stroke in shape for x, _ in stroke]
    ys = [box["y"] + y * box["height"] for stroke in shape for _, y in stroke]
    return min(xs), min(ys), max(xs), max(ys)


def stub_saving(page: Page) -> list[dict[str, Any]]:
    """Answer POST /api/numbers as the server's route is to answer (201, the number's id
    and one sample per digit); return what was sent: each request's body and key."""
    sent: list[dict[str, Any]] = []

    def answer(route: Route) -> None:
        body = route.request.post_data_json
        sent.append({"body": body, "key": route.request.headers.get("idempotency-key")})
        saved = {
            "id": 40 + len(sent),
            "label": body["label"],
            "samples": [100 + i for i in range(len(body["split"]))],
            "created_at": "2026-12-07T12:00:00+00:00",
        }
        route.fulfill(status=201, json=saved)

    page.route("**/api/numbers", answer)
    return sent


def expect_number(page: Page, count: int) -> str:
    """Wait for the reading of the drawing as it is, of ``count`` digits; check its
    confidence and boxes; return the number."""
    expect(by_id(page, "number-result")).to_have_attribute("aria-busy", "false")
    digits = by_id(page, "number").locator(".number-digit")
    expect(digits).to_have_count(count)
    expect(page.locator(".number-box")).to_have_count(count)
    expect(by_id(page, "number-confidence")).to_contain_text("%")
    return "".join(digits.all_inner_texts())


def expect_digit_bars(page: Page, index: int, count: int, digit: int) -> None:
    """The bars shown are those of the digit at ``index``, read as ``digit``."""
    expect(by_id(page, "digit-title")).to_have_text(f"Digit {index + 1} of {count}: {digit}")
    expect(by_id(page, f"number-digit-{index}")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".number-box").nth(index)).to_have_class(re.compile(r"\bis-chosen\b"))
    expect(by_id(page, f"digit-prob-{digit}")).to_have_class(re.compile(r"\bis-top\b"))
    labels = [by_id(page, f"digit-prob-{d}").locator(".bar-pct").inner_text() for d in range(10)]
    total = sum(percent(label) for label in labels)
    assert 95 <= total <= 105, f"the ten percentages add up to {total}"


def expect_saved(body: dict[str, Any], label: str, predicted: str) -> None:
    """A POST /api/numbers body: the number as saved and as read, split into its digits
    so that every stroke is in exactly one digit."""
    assert body["label"] == label
    assert body["predicted"] == predicted
    assert body["source"] == "draw" and body["model"] and body["contributor"]
    strokes = body["strokes"]
    assert len(strokes) == sum(len(DIGITS[d]) for d in NUMBER)
    assert len(body["split"]) == len(label)
    assert sorted(i for digit in body["split"] for i in digit) == list(range(len(strokes)))
    assert body["split"] == [[0], [1, 2], [3]], "the 4's two strokes are one digit"


def expect_cleared(page: Page) -> None:
    expect(by_id(page, "number").locator(".number-digit")).to_have_count(0)
    expect(page.locator(".number-box")).to_have_count(0)
    expect(by_id(page, "number-result")).to_have_class(re.compile(r"\bis-empty\b"))
    assert painted_pixels(page) == 0, "the pad still shows ink"


def test_the_switch_chooses_the_mode_and_it_is_kept(pages: Pages) -> None:
    page = pages.open("desktop")
    expect(by_id(page, "mode-digit")).to_have_attribute("aria-pressed", "true")
    expect(by_id(page, "number-result")).to_be_hidden()
    square = pad_box(page)
    assert square["width"] == pytest.approx(square["height"], abs=1)
    draw_with_mouse(page, DIGITS[7])
    expect(by_id(page, "prediction")).to_have_text("7")

    by_id(page, "mode-number").click()  # the digit drawn goes: a number starts afresh
    expect(by_id(page, "mode-number")).to_have_attribute("aria-pressed", "true")
    expect(by_id(page, "mode-digit")).to_have_attribute("aria-pressed", "false")
    expect(page).to_have_url(re.compile(r"/\?mode=number$"))
    expect(page.locator("#result")).to_be_hidden()
    expect(by_id(page, "number-result")).to_be_visible()
    expect(page.locator(".pad-hint")).to_contain_text("Write a number")
    wide = pad_box(page)
    assert wide["height"] == pytest.approx(PAD_HEIGHT, abs=1)
    assert wide["width"] > 3 * wide["height"], "the pad should be wide in number mode"
    assert painted_pixels(page) == 0

    page.reload()  # kept in the browser, and in the address
    expect(by_id(page, "mode-number")).to_have_attribute("aria-pressed", "true")
    page.goto("/")
    expect(by_id(page, "mode-number")).to_have_attribute("aria-pressed", "true")
    by_id(page, "mode-digit").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("#result")).to_be_visible()
    page.reload()
    expect(by_id(page, "mode-digit")).to_have_attribute("aria-pressed", "true")

    linked = pages.open("desktop", "/?mode=number")  # a link opens the mode it names
    expect(by_id(linked, "mode-number")).to_have_attribute("aria-pressed", "true")
    expect(by_id(linked, "number-result")).to_be_visible()


def test_a_number_written_with_the_mouse_is_read_and_a_digit_corrected(pages: Pages) -> None:
    page = pages.open("desktop", "/?mode=number")
    sent = stub_saving(page)
    shape = side_by_side(page, NUMBER)
    with page.expect_request(lambda r: r.url.endswith("/predict/number")) as first:
        draw_with_mouse(page, shape)
    box = pad_box(page)
    canvas = first.value.post_data_json["canvas"]
    assert canvas == {"width": round(box["width"]), "height": round(box["height"])}
    assert expect_number(page, 3) == "347"
    expect(page.locator("#number-summary")).to_have_text(re.compile(r"reads 347, 3 digits"))

    # Each digit's box is drawn around that digit's ink, left to right.
    strokes = iter(shape)
    for i, digit in enumerate(NUMBER):
        ink = ink_extent(page, [next(strokes) for _ in DIGITS[digit]])
        drawn = page.locator(".number-box").nth(i).bounding_box()
        assert drawn is not None
        assert drawn["x"] <= ink[0] and drawn["x"] + drawn["width"] >= ink[2], f"box {i}"
        assert drawn["y"] <= ink[1] and drawn["y"] + drawn["height"] >= ink[3], f"box {i}"
        assert drawn["x"] >= box["x"] and drawn["x"] + drawn["width"] <= box["x"] + box["width"]
        expect(by_id(page, f"box-{i}")).to_have_text(str(digit))

    # A click on a box's digit, the mouse resting on a box, or a click on a digit of the
    # number shows that digit's bars (each time another digit than was shown).
    by_id(page, "box-2").click()
    expect_digit_bars(page, 2, 3, 7)
    first_box = page.locator(".number-box").nth(0).bounding_box()
    assert first_box is not None
    page.mouse.move(first_box["x"] + 6, first_box["y"] + first_box["height"] / 2)
    expect_digit_bars(page, 0, 3, 3)
    by_id(page, "number-digit-1").click()
    expect_digit_bars(page, 1, 3, 4)

    with page.expect_response(lambda r: r.url.endswith("/api/numbers")) as saved:
        by_id(page, "fix-9").click()  # the 4 was a 9
    assert saved.value.status == 201
    assert len(sent) == 1 and sent[0]["key"]
    expect_saved(sent[0]["body"], label="397", predicted="347")
    assert sent[0]["body"]["canvas"] == canvas
    expect(by_id(page, "saved")).to_contain_text("Saved 397. Thank you! (number #41)")
    expect(by_id(page, "saved").get_by_role("link", name="My drawings")).to_be_visible()
    expect_cleared(page)


def test_save_as_read_undo_and_clear(pages: Pages) -> None:
    page = pages.open("desktop", "/?mode=number")
    sent = stub_saving(page)
    expect(by_id(page, "save-number")).to_be_disabled()
    expect(by_id(page, "fix-0")).to_be_disabled()
    draw_with_mouse(page, side_by_side(page, NUMBER))
    assert expect_number(page, 3) == "347"
    page.keyboard.press("Control+z")  # the 7 goes
    assert expect_number(page, 2) == "34"
    by_id(page, "clear").click()
    expect_cleared(page)
    expect(by_id(page, "save-number")).to_be_disabled()

    draw_with_mouse(page, side_by_side(page, NUMBER))
    assert expect_number(page, 3) == "347"
    by_id(page, "save-number").click()
    expect(by_id(page, "saved")).to_contain_text("Saved 347. Thank you! The network got it right.")
    expect_saved(sent[0]["body"], label="347", predicted="347")
    expect_cleared(page)

    draw_with_mouse(page, side_by_side(page, NUMBER))
    assert expect_number(page, 3) == "347"
    by_id(page, "number-digit-0").click()
    page.keyboard.press("8")  # a digit key corrects the chosen digit
    expect(by_id(page, "saved")).to_contain_text("Saved 847.")
    expect_saved(sent[1]["body"], label="847", predicted="347")
    assert sent[1]["key"] != sent[0]["key"]


def test_a_saved_number_is_stored_digit_by_digit(pages: Pages, api: httpx.Client) -> None:
    page = pages.open("desktop", "/?mode=number")
    draw_with_mouse(page, side_by_side(page, NUMBER))
    assert expect_number(page, 3) == "347"
    by_id(page, "number-digit-2").click()
    with page.expect_response(lambda r: r.url.endswith("/api/numbers")) as saved:
        page.keyboard.press("1")  # the 7 was a 1
    assert saved.value.status == 201
    stored = saved.value.json()
    assert stored["label"] == "341" and len(stored["samples"]) == 3
    expect(by_id(page, "saved")).to_contain_text("Saved 341.")
    digits = [api.get(f"/api/samples/{i}").json() for i in stored["samples"]]
    assert [d["label"] for d in digits] == [3, 4, 1]
    assert [d["predicted"] for d in digits] == [3, 4, 7]
    assert {d["number_id"] for d in digits} == {stored["id"]}
    assert [len(d["strokes"]) for d in digits] == [len(DIGITS[d]) for d in NUMBER]


def test_a_number_written_by_touch_on_the_phone(pages: Pages) -> None:
    page = pages.open("phone", "/?mode=number")
    sent = stub_saving(page)
    box = pad_box(page)
    assert box["width"] > 0.85 * DEVICES["phone"]["viewport"]["width"], "nearly full width"
    assert box["height"] == pytest.approx(PAD_HEIGHT, abs=1)
    page.evaluate("window.scrollTo(0, 40)")
    page.wait_for_function("window.scrollY === 40")
    draw_with_touch(page, side_by_side(page, NUMBER))
    assert page.evaluate("window.scrollY") == 40, "the page scrolled while drawing"
    assert expect_number(page, 3) == "347"
    by_id(page, "number-digit-2").tap()
    expect_digit_bars(page, 2, 3, 7)
    by_id(page, "box-1").tap()
    expect_digit_bars(page, 1, 3, 4)
    by_id(page, "number-digit-2").tap()
    expect_digit_bars(page, 2, 3, 7)
    by_id(page, "fix-1").tap()  # the 7 was a 1
    expect(by_id(page, "saved")).to_contain_text("Saved 341.")
    expect_saved(sent[0]["body"], label="341", predicted="347")
    expect_cleared(page)


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_layout_fits_and_screenshot(pages: Pages, device: str, screenshot_dir: Path) -> None:
    page = pages.open(device, "/?mode=number", device_scale_factor=1 if device == "desktop" else 2)
    # The device's width: a phone's browser widens innerWidth to fit what overflows.
    width = DEVICES[device]["viewport"]["width"]
    shape = side_by_side(page, NUMBER)
    if device == "phone":
        draw_with_touch(page, shape)
    else:
        draw_with_mouse(page, shape)
    expect_number(page, 3)
    by_id(page, "box-1").click()
    page.wait_for_timeout(300)  # bars finish their transition
    # Taken before the checks, so that a failing layout can be seen.
    page.screenshot(path=screenshot_dir / f"draw-number-{device}.png", full_page=device == "phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways overflow"
    across = ("#pad", "#number-result", ".number-box-label", "[data-testid=mode-number]")
    for selector in (*across, "[data-testid=fix-9]", "[data-testid=digit-prob-9]"):
        for found in page.locator(selector).all():
            box = found.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, selector
    if device == "desktop":  # the pad, the number and its correction fit on one screen
        for selector in (
            "#pad",
            "[data-testid=number]",
            "[data-testid=save-number]",
            "[data-testid=fix-9]",
        ):
            box = page.locator(selector).bounding_box()
            assert box is not None and box["y"] + box["height"] <= 800, selector
