"""Tests of app.engine.proxy.writers: scripted writers, their glyphs and their habits."""

import dataclasses

import numpy as np
import pytest

from app.engine.errors import InvalidInput
from app.engine.preprocess import strokes_to_pixels
from app.engine.proxy.writers import CANVAS, Writer, random_writer, write

STYLES = [f.name for f in dataclasses.fields(Writer) if f.type in (bool, "bool")]


def writer(seed: int = 0, **style: bool) -> Writer:
    return dataclasses.replace(random_writer(np.random.default_rng(seed)), **style)


def box(drawing: list[np.ndarray]) -> np.ndarray:
    """(x0, y0, x1, y1) of all the points."""
    points = np.concatenate(drawing)
    return np.concatenate([points.min(axis=0), points.max(axis=0)])


def test_there_are_eleven_style_choices() -> None:
    assert len(STYLES) == 11


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("choice", [False, True])
def test_every_digit_in_every_style_is_drawable_and_renders_with_ink(
    style: str, choice: bool
) -> None:
    rng = np.random.default_rng(1)
    for seed in range(3):
        hand = writer(seed, **{style: choice})
        for digit in range(10):
            drawing = write(hand, digit, rng)
            assert drawing
            for stroke in drawing:
                assert stroke.ndim == 2 and stroke.shape[1] == 2 and len(stroke) >= 2
                assert np.isfinite(stroke).all()
                assert stroke.min() >= 0 and stroke.max() <= CANVAS
            image = strokes_to_pixels(drawing, CANVAS, CANVAS)
            assert image.sum() > 40  # a digit's worth of ink, not a dot


@pytest.mark.parametrize(
    ("digit", "style", "strokes_without", "strokes_with"),
    [
        (7, "seven_crossbar", 1, 2),
        (1, "one_base", 1, 2),
        (0, "zero_slash", 1, 2),
        (8, "eight_two_circles", 1, 2),
        (5, "five_one_stroke", 2, 1),
    ],
)
def test_style_choices_change_the_strokes(
    digit: int, style: str, strokes_without: int, strokes_with: int
) -> None:
    rng = np.random.default_rng(2)
    assert len(write(writer(**{style: False}), digit, rng)) == strokes_without
    assert len(write(writer(**{style: True}), digit, rng)) == strokes_with


def test_a_flag_and_a_closed_four_change_the_shape() -> None:
    rng = np.random.default_rng(3)
    plain = write(writer(one_flag=False, slant=0.0), 1, rng)[0]
    flagged = write(writer(one_flag=True, slant=0.0), 1, rng)[0]
    # A flag starts the 1 well to the left of its stem; a plain 1 starts at the top.
    assert flagged[0, 0] < flagged[len(flagged) // 2, 0] - 10
    assert plain[0, 1] < plain[-1, 1] and abs(plain[0, 0] - plain[-1, 0]) < 30
    # A closed 4 starts its first stroke near the top of the stem, an open one at the left.
    for four_open in (False, True):
        first, stem = write(writer(four_open=four_open, slant=0.0), 4, rng)
        gap = abs(first[0, 0] - stem[0, 0])
        assert (gap > 40) if four_open else (gap < 30)


def test_a_writer_keeps_their_habits() -> None:
    rng = np.random.default_rng(4)
    hands = [random_writer(rng) for _ in range(30)]
    boxes = np.array([[box(write(h, 0, rng)) for _ in range(5)] for h in hands])  # (30, 5, 4)
    width, height = boxes[..., 2] - boxes[..., 0], boxes[..., 3] - boxes[..., 1]
    centre_x = (boxes[..., 0] + boxes[..., 2]) / 2
    for habit in (height, centre_x, width / height):
        # Writers without habits would give about 2 (5 samples a writer), not under 0.5.
        assert habit.std(axis=1).mean() < 0.5 * habit.mean(axis=1).std()
    for h in hands:
        assert len({len(write(h, 7, rng)) for _ in range(5)}) == 1  # crossbar or not, always


def test_writers_differ_in_style_size_and_place() -> None:
    rng = np.random.default_rng(5)
    hands = [random_writer(rng) for _ in range(300)]
    for style in STYLES:
        share = np.mean([getattr(h, style) for h in hands])
        assert 0.02 < share < 0.9, style
    sizes = np.array([h.size for h in hands]) / CANVAS
    assert sizes.min() < 0.4 and sizes.max() > 0.8
    centres = np.array([h.centre for h in hands])
    assert np.abs(centres - CANVAS / 2).max() > 40  # some write well off-centre
    assert min(h.slant for h in hands) < 0 < max(h.slant for h in hands)


def test_samples_vary_and_a_seed_repeats_them() -> None:
    hand = writer(6)
    a = write(hand, 3, np.random.default_rng(7))
    b = write(hand, 3, np.random.default_rng(7))
    c = write(hand, 3, np.random.default_rng(8))
    assert all(np.array_equal(s, t) for s, t in zip(a, b, strict=True))
    assert not all(len(s) == len(t) and np.allclose(s, t) for s, t in zip(a, c, strict=True))
    spacing = np.hypot(*np.diff(a[0], axis=0).T)
    assert spacing.std() > 0.2 * spacing.mean()  # uneven pen speed


def test_refuses_a_digit_outside_0_9() -> None:
    with pytest.raises(InvalidInput, match=r"0\.\.9"):
        write(writer(), 10, np.random.default_rng(0))
