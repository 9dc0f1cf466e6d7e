"""Helpers shared by the browser tests (fixtures are in conftest.py).

The devices, the pages opened on them, digit shapes and drawing them with a mouse or a
finger, and reading the canvases back. A shape is a list of strokes, each a list of
(x, y) points as fractions of the pad's side.
"""

import re
from typing import Any

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page

from tests.shapes import Shape

STEPS = 12  # pointer moves between two points of a shape


DEVICES: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 3,
        "is_mobile": True,
        "has_touch": True,
    },
}


class Pages:
    """Fresh pages on the live server, each in its own context (cookies, storage), with
    their JavaScript errors and console errors collected."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.contexts: list[BrowserContext] = []
        self.errors: list[str] = []
        self.allowed: list[re.Pattern[str]] = []

    def open(self, device: str = "desktop", path: str = "/", **options: Any) -> Page:
        """A page for ``device`` (see DEVICES; ``options`` override), loaded at ``path``."""
        context = self.browser.new_context(base_url=self.base_url, **{**DEVICES[device], **options})
        self.contexts.append(context)
        page = context.new_page()

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                self.errors.append(f"{path}: console: {message.text}")

        page.on("pageerror", lambda error: self.errors.append(f"{path}: {error}"))
        page.on("console", on_console)
        page.goto(path)
        page.wait_for_load_state("networkidle")
        return page

    def allow_errors(self, pattern: str) -> None:
        """Expect console errors matching ``pattern`` (a test that fakes a failure)."""
        self.allowed.append(re.compile(pattern))

    def close(self) -> list[str]:
        """Close every context; return the errors not allowed."""
        for context in self.contexts:
            context.close()
        return [e for e in self.errors if not any(p.search(e) for p in self.allowed)]


Point = tuple[float, float]


def _catmull_rom(p0: Point, p1: Point, p2: Point, p3: Point, t: float) -> Point:
    """The point at t in [0, 1] of the Catmull-Rom curve from p1 to p2."""

    def axis(a: float, b: float, c: float, d: float) -> float:
        return 0.5 * (
            2 * b
            + (c - a) * t
            + (2 * a - 5 * b + 4 * c - d) * t**2
            + (3 * b - a - 3 * c + d) * t**3
        )

    return axis(p0[0], p1[0], p2[0], p3[0]), axis(p0[1], p1[1], p2[1], p3[1])


def _pad_points(page: Page, stroke: list[Point]) -> list[Point]:
    """A stroke's points in viewport CSS pixels: a smooth curve through the shape's points,
    as a hand moves, STEPS pointer moves per segment."""
    box = page.locator("#pad").bounding_box()
    assert box is not None, "the pad is not visible"
    ends = [stroke[0], *stroke, stroke[-1]]
    points = [stroke[0]]
    for i in range(len(stroke) - 1):
        p0, p1, p2, p3 = ends[i : i + 4]
        points += [_catmull_rom(p0, p1, p2, p3, step / STEPS) for step in range(1, STEPS + 1)]
    return [(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in points]


def draw_with_mouse(page: Page, shape: Shape) -> None:
    """Draw ``shape`` on #pad with the mouse, one button press per stroke."""
    for stroke in shape:
        points = _pad_points(page, stroke)
        page.mouse.move(*points[0])
        page.mouse.down()
        for x, y in points[1:]:
            page.mouse.move(x, y)
        page.mouse.up()


def draw_with_touch(page: Page, shape: Shape) -> None:
    """Draw ``shape`` on #pad with a finger: real touch input through the DevTools protocol,
    which the browser turns into pointer events of type "touch" (and would scroll with)."""
    cdp = page.context.new_cdp_session(page)
    try:
        for stroke in shape:
            points = _pad_points(page, stroke)
            for i, (x, y) in enumerate(points):
                kind = "touchStart" if i == 0 else "touchMove"
                touch = {"x": x, "y": y, "id": 1, "radiusX": 4, "radiusY": 4, "force": 1}
                cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [touch]})
            cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    finally:
        cdp.detach()


def percent(text: str) -> float:
    """A bar's label as a number: "97%" -> 97, "<1%" -> 0.5, ">99%" -> 99.5."""
    match = re.fullmatch(r"\s*([<>])?\s*(\d+(?:\.\d+)?)\s*%\s*", text)
    assert match, f"expected a percentage, got {text!r}"
    value = float(match.group(2))
    return value + {"<": -0.5, ">": 0.5, None: 0}[match.group(1)]


def painted_pixels(page: Page, selector: str = "#pad") -> int:
    """How many pixels of a canvas are painted at all (alpha > 0), after the next frame
    (the pad draws once per animation frame)."""
    return page.evaluate(
        """async (selector) => {
            await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
            const c = document.querySelector(selector);
            const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n += 1;
            return n;
        }""",
        selector,
    )


def bright_pixels(page: Page, selector: str) -> int:
    """How many pixels of a canvas are bright (white ink on the preview's black)."""
    return page.evaluate(
        """(selector) => {
            const c = document.querySelector(selector);
            const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] > 384) n += 1;
            return n;
        }""",
        selector,
    )
