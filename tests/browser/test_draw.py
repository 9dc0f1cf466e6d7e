"""The drawing page (/): live reading, the empty state, undo and clear, saving, the phone."""

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Locator, Page, Request, Response, Route, expect

from tests.browser.drawing import (
    Pages,
    bright_pixels,
    draw_with_mouse,
    draw_with_touch,
    painted_pixels,
    percent,
)
from tests.shapes import DIGITS, FOUR, ONE, SEVEN

pytestmark = pytest.mark.browser

DIGIT = re.compile(r"^\d$")


def by_id(page: Page, testid: str) -> Locator:
    return page.get_by_test_id(testid)


def expect_reading(page: Page) -> int:
    """Wait for the prediction of the drawing as it is; check the ten bars and the
    preview; return the digit."""
    expect(page.locator(".result")).to_have_attribute("aria-busy", "false")
    expect(by_id(page, "prediction")).to_have_text(DIGIT)
    digit = int(by_id(page, "prediction").inner_text())
    expect(page.locator(".confidence")).to_contain_text("%")
    total = 0.0
    for d in range(10):
        bar = by_id(page, f"prob-{d}")
        expect(bar).to_be_visible()
        total += percent(bar.locator(".bar-pct").inner_text())
    assert 95 <= total <= 105, f"the ten percentages add up to {total}"
    expect(by_id(page, f"prob-{digit}")).to_have_class(re.compile(r"\bis-top\b"))
    assert bright_pixels(page, "#seen") > 10, "the 28x28 preview shows no ink"
    return digit


def expect_empty(page: Page) -> None:
    """The reading is in its empty state: no digit, no percentages, no preview."""
    expect(by_id(page, "prediction")).to_have_text("")
    for d in range(10):
        expect(by_id(page, f"prob-{d}").locator(".bar-pct")).to_have_text("")
    expect(page.locator(".result")).to_have_class(re.compile(r"\bis-empty\b"))
    assert bright_pixels(page, "#seen") == 0
    assert painted_pixels(page) == 0, "the pad still shows ink"


def listed(api: httpx.Client, label: int) -> dict[int, dict]:
    """The stored samples with ``label``, by id."""
    response = api.get("/api/samples", params={"label": label, "limit": 200})
    response.raise_for_status()
    return {item["id"]: item for item in response.json()["items"]}


def is_save(response: Response) -> bool:
    return response.url.endswith("/api/samples") and response.request.method == "POST"


def test_drawing_shows_the_reading_and_a_label_saves_it(desktop: Page, api: httpx.Client) -> None:
    draw_with_mouse(desktop, SEVEN)
    predicted = expect_reading(desktop)
    assert predicted == 7, "the shipped model should read this clear 7"
    with desktop.expect_response(is_save) as saved:
        by_id(desktop, "label-7").click()
    assert saved.value.status == 201
    sample_id = saved.value.json()["id"]
    expect(by_id(desktop, "saved")).to_be_visible()
    expect(by_id(desktop, "saved")).to_contain_text("Saved as 7")
    expect(by_id(desktop, "saved")).to_contain_text(f"#{sample_id}")
    expect_empty(desktop)  # ready for the next drawing
    sample = listed(api, 7)[sample_id]
    assert sample["source"] == "draw"
    assert sample["predicted"] == predicted
    assert len(sample["probabilities"]) == 10
    assert sample["canvas"]["width"] == sample["canvas"]["height"] > 0


def test_the_network_reads_each_digit_drawn_on_the_page(desktop: Page) -> None:
    # End to end: pointer input -> strokes -> the server's preprocessing -> the model.
    read = []
    for shape in DIGITS:
        draw_with_mouse(desktop, shape)
        read.append(expect_reading(desktop))
        desktop.keyboard.press("Escape")
    assert read == list(range(10))


def test_the_sent_drawing_is_in_css_pixels_of_the_pad(desktop: Page) -> None:
    with desktop.expect_request(lambda r: r.url.endswith("/predict")) as sent:
        draw_with_mouse(desktop, ONE)
    body = sent.value.post_data_json
    box = desktop.locator("#pad").bounding_box()
    assert box is not None
    assert body["canvas"] == {"width": round(box["width"]), "height": round(box["height"])}
    xs = [p[0] for stroke in body["strokes"] for p in stroke]
    ys = [p[1] for stroke in body["strokes"] for p in stroke]
    assert min(xs) == pytest.approx(max(xs), abs=1.5) == pytest.approx(box["width"] / 2, abs=1.5)
    assert min(ys) == pytest.approx(0.15 * box["height"], abs=1.5)
    times = [p[2] for stroke in body["strokes"] for p in stroke]
    assert times == sorted(times) and times[0] == 0


def test_an_empty_pad_predicts_nothing(desktop: Page) -> None:
    requests: list[str] = []
    desktop.on("request", lambda r: requests.append(r.url))
    expect_empty(desktop)
    for testid in ("yes", "undo", "clear", *(f"label-{d}" for d in range(10))):
        expect(by_id(desktop, testid)).to_be_disabled()
    for key in ("7", "Escape", "Delete", "Control+z", "Enter"):
        desktop.keyboard.press(key)
    desktop.locator("#pad").click(button="right")  # not a drawing button
    desktop.wait_for_timeout(600)
    api_calls = [url for url in requests if "/predict" in url or "/api/samples" in url]
    assert api_calls == []
    expect_empty(desktop)
    expect(by_id(desktop, "saved")).to_be_hidden()


def test_undo_and_clear_go_back_to_the_empty_state(desktop: Page) -> None:
    draw_with_mouse(desktop, FOUR)  # two strokes
    expect_reading(desktop)
    inked = painted_pixels(desktop)
    desktop.keyboard.press("Control+z")  # the second stroke goes, a reading stays
    expect_reading(desktop)
    assert 0 < painted_pixels(desktop) < inked
    by_id(desktop, "undo").click()
    expect_empty(desktop)

    draw_with_mouse(desktop, ONE)
    expect_reading(desktop)
    desktop.keyboard.press("Escape")
    expect_empty(desktop)

    draw_with_mouse(desktop, SEVEN)
    expect_reading(desktop)
    by_id(desktop, "clear").click()
    desktop.wait_for_timeout(400)  # a late answer must not bring the reading back
    expect_empty(desktop)


def test_an_answer_arriving_after_clear_is_ignored(desktop: Page) -> None:
    held: list[Route] = []
    desktop.route("**/predict", lambda route: held.append(route))
    draw_with_mouse(desktop, ONE)
    while not held:
        desktop.wait_for_timeout(20)
    desktop.keyboard.press("Delete")
    for route in held:
        route.continue_()
    desktop.wait_for_timeout(500)
    assert len(held) == 1, "a second prediction left while the first was in flight"
    expect_empty(desktop)


def test_a_digit_key_saves_with_that_label(desktop: Page, api: httpx.Client) -> None:
    draw_with_mouse(desktop, ONE)
    expect_reading(desktop)
    with desktop.expect_response(is_save) as saved:
        desktop.keyboard.press("4")  # the person says it is a 4, whatever the network read
    sample_id = saved.value.json()["id"]
    expect(by_id(desktop, "saved")).to_contain_text("Saved as 4")
    expect_empty(desktop)
    # By its id: a 1 stored as 4 waits for review, out of the public listing.
    sample = api.get(f"/api/samples/{sample_id}").json()
    assert (sample["label"], sample["predicted"]) == (4, 1)


def test_yes_saves_the_predicted_digit(desktop: Page, api: httpx.Client) -> None:
    draw_with_mouse(desktop, ONE)
    digit = expect_reading(desktop)
    article = "an" if digit == 8 else "a"
    expect(by_id(desktop, "yes")).to_contain_text(f"Yes, it's {article} {digit}")
    with desktop.expect_response(is_save) as saved:
        by_id(desktop, "yes").click()
    sample = listed(api, digit)[saved.value.json()["id"]]
    assert sample["label"] == sample["predicted"] == digit
    expect(by_id(desktop, "stats")).to_contain_text("contributed")


def test_predictions_are_throttled_one_at_a_time_while_drawing(desktop: Page) -> None:
    started: list[Request] = []
    in_flight = peak = 0

    def on_request(request: Request) -> None:
        nonlocal in_flight, peak
        if request.url.endswith("/predict"):
            started.append(request)
            in_flight += 1
            peak = max(peak, in_flight)

    def on_done(request: Request) -> None:
        nonlocal in_flight
        if request.url.endswith("/predict"):
            in_flight -= 1

    desktop.on("request", on_request)
    desktop.on("requestfinished", on_done)
    desktop.on("requestfailed", on_done)
    box = desktop.locator("#pad").bounding_box()
    assert box is not None
    x, y, side = box["x"], box["y"], box["width"]
    desktop.mouse.move(x + 0.3 * side, y + 0.2 * side)
    desktop.mouse.down()
    t0 = desktop.evaluate("performance.now()")
    for i in range(60):  # about a second of drawing, a move every ~16 ms
        desktop.mouse.move(x + 0.3 * side + i * 3, y + 0.2 * side + i * 4)
        desktop.wait_for_timeout(16)
    elapsed = desktop.evaluate("performance.now()") - t0
    live = len(started)
    desktop.mouse.up()
    expect(by_id(desktop, "prediction")).to_have_text(DIGIT)
    assert live >= 2, "the reading should update while drawing, not only at pen-up"
    assert live <= elapsed / 150 + 2, f"{live} predictions in {elapsed:.0f} ms of drawing"
    assert peak == 1, "more than one prediction in flight"


def test_server_errors_show_a_message(pages: Pages, desktop: Page) -> None:
    pages.allow_errors("status of 422")
    desktop.route(
        "**/api/samples",
        lambda route: route.fulfill(
            status=422, json={"detail": "expected a drawing with ink, got none"}
        ),
    )
    draw_with_mouse(desktop, ONE)
    expect_reading(desktop)
    by_id(desktop, "label-1").click()
    expect(by_id(desktop, "error")).to_contain_text("expected a drawing with ink, got none")
    expect(by_id(desktop, "saved")).to_be_hidden()
    assert painted_pixels(desktop) > 0, "a failed save must keep the drawing"
    expect(by_id(desktop, "label-1")).to_be_enabled()  # and let the person try again


def test_the_pad_stops_at_the_server_limits(desktop: Page) -> None:
    def lower_limits(route: Route) -> None:
        html = route.fetch().text()
        html = re.sub(r'data-max-points="\d+"', 'data-max-points="40"', html)
        html = re.sub(r'data-max-strokes="\d+"', 'data-max-strokes="3"', html)
        route.fulfill(body=html, content_type="text/html")

    desktop.route("**/", lower_limits)
    desktop.reload()
    sent: list[dict] = []
    desktop.on("request", lambda r: r.url.endswith("/predict") and sent.append(r.post_data_json))
    dots = [[(0.2, 0.2)], [(0.5, 0.5)], [(0.8, 0.8)]]
    draw_with_mouse(desktop, [*dots, [(0.3, 0.7), (0.7, 0.3)]])  # the fourth stroke is refused
    expect(by_id(desktop, "error")).to_contain_text("most strokes")
    desktop.keyboard.press("Control+z")
    zigzag = [(0.2, 0.2), (0.8, 0.2), (0.2, 0.5), (0.8, 0.8), (0.2, 0.8)]
    draw_with_mouse(desktop, [zigzag])  # 2 + 49 points: stops at 40
    expect(by_id(desktop, "error")).to_contain_text("as much ink")
    expect(by_id(desktop, "prediction")).to_have_text(DIGIT)
    desktop.wait_for_timeout(300)
    strokes = sent[-1]["strokes"]
    assert len(strokes) == 3
    assert sum(len(stroke) for stroke in strokes) == 40


def test_phone_touch_draws_without_scrolling(phone: Page) -> None:
    size = phone.evaluate("[document.documentElement.scrollHeight, innerHeight]")
    assert size[0] > size[1], "the page should be taller than the phone for this test"
    phone.evaluate("window.scrollTo(0, 40)")
    phone.wait_for_function("window.scrollY === 40")
    phone.evaluate(
        """() => {
            window.pointerTypes = [];
            document.getElementById("pad").addEventListener(
                "pointermove", (e) => window.pointerTypes.push(e.pointerType));
        }"""
    )
    draw_with_touch(phone, ONE)
    draw_with_touch(phone, [[(0.5, 0.85), (0.5, 0.2)]])  # upwards as well
    types = phone.evaluate("window.pointerTypes")
    assert types and set(types) == {"touch"}, "expected pointer events of type touch"
    assert phone.evaluate("window.scrollY") == 40, "the page scrolled while drawing"
    expect(by_id(phone, "prediction")).to_have_text(DIGIT)


def test_a_pen_wins_over_a_resting_palm(phone: Page) -> None:
    sent: list[dict] = []
    phone.on("request", lambda r: r.url.endswith("/predict") and sent.append(r.post_data_json))
    box = phone.locator("#pad").bounding_box()
    assert box is not None
    x, y, side = box["x"], box["y"], box["width"]
    cdp = phone.context.new_cdp_session(phone)

    def palm(kind: str, dx: float = 0) -> None:
        points = [] if kind == "touchEnd" else [{"x": x + 0.8 * side + dx, "y": y + 0.8 * side}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    def pen(kind: str, fy: float) -> None:
        event = {"type": kind, "x": x + 0.5 * side, "y": y + fy * side, "pointerType": "pen"}
        pressed = {"button": "left", "buttons": 0 if kind == "mouseReleased" else 1}
        cdp.send("Input.dispatchMouseEvent", {**event, **pressed, "clickCount": 1})

    palm("touchStart")
    for i in range(5):
        palm("touchMove", 3 * i)
    pen("mousePressed", 0.15)
    for i in range(1, 21):
        pen("mouseMoved", 0.15 + 0.035 * i)
    pen("mouseReleased", 0.85)
    palm("touchEnd")
    expect(by_id(phone, "prediction")).to_have_text("1")
    expect(phone.locator(".result")).to_have_attribute("aria-busy", "false")
    strokes, middle = sent[-1]["strokes"], sent[-1]["canvas"]["width"] / 2
    assert len(strokes) == 1, "the palm's stroke should be gone"
    assert all(abs(p[0] - middle) < 1 for p in strokes[0]), "the stroke is the pen's"


def test_phone_canvas_is_sharp_on_a_3x_screen(phone: Page) -> None:
    css, backing, dpr = phone.evaluate(
        """() => {
            const c = document.getElementById("pad");
            const r = c.getBoundingClientRect();
            return [[r.width, r.height], [c.width, c.height], devicePixelRatio];
        }"""
    )
    assert dpr == 3
    assert css[0] > 0.85 * 390, f"the pad should be nearly full width, is {css[0]} px"
    assert abs(backing[0] - css[0] * 3) <= 1
    assert abs(backing[1] - css[1] * 3) <= 1


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_layout_fits_and_screenshot(pages: Pages, device: str, screenshot_dir: Path) -> None:
    page = pages.open(device, device_scale_factor=1 if device == "desktop" else 2)
    width = page.evaluate("innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways overflow"
    for selector in ("#pad", ".result", "[data-testid=label-9]", "[data-testid=prob-9]"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, selector
    if device == "desktop":  # the pad and the whole reading fit on one screen
        for selector in ("#pad", "[data-testid=label-9]"):
            box = page.locator(selector).bounding_box()
            assert box is not None and box["y"] + box["height"] <= 800, selector
    if device == "phone":
        draw_with_touch(page, SEVEN)
    else:
        draw_with_mouse(page, SEVEN)
    expect_reading(page)
    page.wait_for_timeout(300)  # bars finish their transition
    page.screenshot(path=screenshot_dir / f"draw-{device}.png")
