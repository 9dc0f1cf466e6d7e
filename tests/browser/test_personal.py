"""The pad learns its writer: after three corrected drawings of a style, the next one reads.

The style is real: drawings of one digit by one of UNIPEN's test writers that the shipped
model misreads. The test picks, with the engine, a writer and digit whose misread drawing
the three others would correct; the browser then goes the whole way a person does: draws
each of the three with the mouse, saves it with the right digit (the page sends its
contributor id), and draws the fourth, which the page must now read right.
"""

import itertools
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from app.config import get_settings
from app.engine import checkpoint
from app.engine.personal import Personal
from app.engine.reader import Ink, Limits, Reader
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


def as_ink(reader: Reader, shape: Shape) -> Ink:
    """``reader``'s input for a shape drawn on a 280x280 pad, as the page sends it."""
    strokes = [[[x * 280, y * 280] for x, y in stroke] for stroke in shape]
    return reader.from_strokes(strokes, 280, 280, Limits())


def misread_styles(unipen_dir: Path) -> Iterator[tuple[list[Shape], Shape, int]]:
    """Three drawings to save and a fourth to read, of one digit by one test writer: the
    shipped model misreads the fourth (the digit under a third), and reads it right with
    the three as the writer's (over 60%), drawn as the test draws them on the page."""
    reader = Reader(checkpoint.load(get_settings().model_dir / "default.npz"))
    test: PenDigits = split_digits(load_unipen(unipen_dir))["test"]
    replayed = replay(test, np.random.default_rng(0))
    y = replayed.labels
    read = reader.probabilities(replayed.images, replayed.paths).argmax(axis=1)
    for writer in sorted(set(test.writers.tolist())):
        for digit in range(10):
            group = np.flatnonzero((test.writers == writer) & (y == digit))
            for target in group[read[group] != digit]:
                saved = [i for i in group if i != target][:3]
                if len(saved) < 3:
                    continue
                shapes = [as_shape(test.strokes[i]) for i in saved]
                drawn = as_shape(test.strokes[target])
                ink = as_ink(reader, drawn)
                if reader.read([ink])[0].probabilities[digit] > 0.33:
                    continue
                features = reader.features_of([as_ink(reader, shape) for shape in shapes])
                mine = Personal.of(features, [digit] * 3, split=reader.image_features)
                if reader.read([ink], personal=mine)[0].probabilities[digit] > 0.6:
                    yield shapes, drawn, digit


def reading(page: Page) -> int:
    expect(page.locator(".result")).to_have_attribute("aria-busy", "false")
    return int(page.get_by_test_id("prediction").inner_text())


def taught(page: Page, saved: list[Shape], target: Shape, digit: int) -> bool:
    """Save ``saved`` as ``digit`` from ``page``, then draw ``target``: read as ``digit``?"""
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
    read = reading(page)
    expect(page.get_by_test_id("personal")).to_be_visible()
    expect(page.get_by_test_id("personal")).to_contain_text("your 3 saved drawings")
    return read == digit


def test_three_corrections_teach_the_pad_a_writers_style(pages: Pages, unipen_dir: Path) -> None:
    """Of the first five styles that three of their writer's drawings correct offline, the
    page misreads one and, once the three are saved from it, reads it right. (Drawn with
    the mouse, a shape's image moves a pixel here and there, which is enough to change
    a reading at the margin: the page, not the offline reading, decides.)"""
    for saved, target, digit in itertools.islice(misread_styles(unipen_dir), 5):
        page = pages.open("desktop")  # a new browser: a new contributor id
        draw_with_mouse(page, target)
        if reading(page) != digit and taught(page, saved, target, digit):
            break
    else:
        pytest.fail("no misread style that three saved drawings taught the page")
    # Another browser (another contributor id) still gets the network's own reading.
    other = pages.open("desktop")
    draw_with_mouse(other, target)
    assert reading(other) != digit
    expect(other.get_by_test_id("personal")).to_be_hidden()
