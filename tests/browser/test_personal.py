"""The pad learns its writer: after three corrected drawings of a style, the next one reads.

The style is real: drawings of one digit by one of UNIPEN's test writers that the shipped
model misreads. The test picks, with the engine, a writer and digit whose misread drawing
the three others would correct; the browser then goes the whole way a person does: draws
each of the three with the mouse, saves it with the right digit (the page sends its
contributor id), and draws the fourth, which the page must now read right.
"""

from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from app.config import get_settings
from app.engine import checkpoint
from app.engine.personal import Personal
from app.engine.reader import Ink, Reader
from app.engine.replay import replay
from app.engine.unipen import PenDigits, load_unipen, split_digits
from tests.browser.drawing import Pages, draw_with_mouse
from tests.shapes import Shape

pytestmark = pytest.mark.browser

MAX_POINTS = 16  # per stroke: the mouse need not visit every pen sample


def as_shape(strokes: tuple[np.ndarray, ...]) -> Shape:
    """Pen strokes as a shape: fractions of the pad, the drawing's longer side 0.7 of it."""
    points = np.concatenate(strokes)
    low, span = points.min(axis=0), float((points.max(axis=0) - points.min(axis=0)).max())
    middle = (points.max(axis=0) - low) / span / 2
    shape = []
    for stroke in strokes:
        keep = np.unique(np.linspace(0, len(stroke) - 1, MAX_POINTS).round().astype(int))
        fractions = 0.5 + 0.7 * ((stroke[keep] - low) / span - middle)
        shape.append([(float(x), float(y)) for x, y in fractions])
    return shape


def misread_style(unipen_dir: Path) -> tuple[list[Shape], Shape, int]:
    """Three drawings to save and a fourth to read, of one digit by one test writer: the
    shipped model misreads the fourth, and reads it right with the three as the writer's."""
    reader = Reader(checkpoint.load(get_settings().model_dir / "default.npz"))
    test: PenDigits = split_digits(load_unipen(unipen_dir))["test"]
    replayed = replay(test, np.random.default_rng(0))
    X, y = replayed.images, replayed.labels
    read = reader.probabilities(X, replayed.paths).argmax(axis=1)
    features = reader.features(X, replayed.paths)
    for writer in sorted(set(test.writers.tolist())):
        for digit in range(10):
            group = np.flatnonzero((test.writers == writer) & (y == digit))
            for target in group[read[group] != digit]:
                saved = [i for i in group if i != target][:3]
                if len(saved) < 3:
                    continue
                mine = Personal.of(features[saved], y[saved], split=reader.image_features)
                ink = Ink(X[target].reshape(28, 28), replayed.paths[target])
                if reader.read([ink], personal=mine)[0].digit == digit:
                    shapes = [as_shape(test.strokes[i]) for i in saved]
                    return shapes, as_shape(test.strokes[target]), digit
    pytest.fail("no misread drawing that three of its writer's own would correct")


def reading(page: Page) -> int:
    expect(page.locator(".result")).to_have_attribute("aria-busy", "false")
    return int(page.get_by_test_id("prediction").inner_text())


def test_three_corrections_teach_the_pad_a_writers_style(pages: Pages, unipen_dir: Path) -> None:
    saved, target, digit = misread_style(unipen_dir)
    page = pages.open("desktop")
    draw_with_mouse(page, target)
    assert reading(page) != digit, "the model should misread this drawing at first"
    expect(page.get_by_test_id("personal")).to_be_hidden()
    page.get_by_test_id("clear").click()
    for shape in saved:
        draw_with_mouse(page, shape)
        reading(page)
        with page.expect_response(lambda r: r.url.endswith("/api/samples")) as response:
            page.get_by_test_id(f"label-{digit}").click()
        assert response.value.status == 201
        expect(page.get_by_test_id("saved")).to_contain_text(f"Saved as {digit}")
    with page.expect_request(lambda r: r.url.endswith("/predict")) as sent:
        draw_with_mouse(page, target)
    assert sent.value.post_data_json["contributor"]  # the page names its contributor id
    assert reading(page) == digit
    expect(page.get_by_test_id("personal")).to_be_visible()
    expect(page.get_by_test_id("personal")).to_contain_text("your 3 saved drawings")
    # Another browser (another contributor id) still gets the network's own reading.
    other = pages.open("desktop")
    draw_with_mouse(other, target)
    assert reading(other) != digit
    expect(other.get_by_test_id("personal")).to_be_hidden()
