"""Splitting a number into digits: the geometry (pure, property-tested) and the reader's
reading of numbers written from the shared digit shapes."""

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from app.config import get_settings
from app.engine import checkpoint, numbers
from app.engine.errors import EmptyDrawing, InvalidInput
from app.engine.number_replay import Writing, write_number
from app.engine.reader import Limits, Reader
from tests.shapes import DIGITS, Shape

READER = Reader(checkpoint.load(get_settings().model_dir / "default.npz"))


def box(x0: float, x1: float, y0: float = 0.0, y1: float = 100.0) -> list[float]:
    return [x0, y0, x1, y1]


def as_points(shape: Shape) -> list[np.ndarray]:
    return [np.array(stroke, dtype=np.float64) for stroke in shape]


def test_boxes_layout_and_height() -> None:
    boxes = numbers.stroke_boxes([[[5, 1], [9, 4]], np.array([[0.0, 0.0, 7.0]])])
    np.testing.assert_array_equal(boxes, [[5, 1, 9, 4], [0, 0, 0, 0]])
    plan = numbers.layout(np.array([box(50, 60), box(0, 40, 10, 30), box(10, 20)]))
    assert plan.order == (2, 1, 0)  # by the centre of each stroke's extent
    assert plan.height == 100  # the tall strokes set it, not the short bar
    with pytest.raises(InvalidInput, match="expected at least one stroke"):
        numbers.stroke_boxes([])
    with pytest.raises(InvalidInput, match=r"stroke 0: expected points \(m, 2\)"):
        numbers.stroke_boxes([np.zeros((0, 2))])


def test_gaps_and_overlaps() -> None:
    apart = np.array([box(0, 10), box(30, 40)])
    assert numbers.separation(apart) == 20 and numbers.inner_gap(apart) == 20
    crossing = np.array([box(0, 30), box(20, 40), box(35, 50)])
    assert numbers.separation(crossing) == -5 and numbers.inner_gap(crossing) == 0
    assert numbers.separation(np.array([box(0, 10)])) == -np.inf
    assert numbers.overlap(np.array([box(0, 30)]), np.array([box(20, 40)])) == 10
    assert numbers.overlap(np.array([box(0, 10)]), np.array([box(20, 40)])) == 0


def test_candidates_are_short_narrow_runs_without_wide_gaps() -> None:
    boxes = np.array([box(0, 10), box(5, 60), box(70, 80), box(200, 210), box(205, 215)])
    plan = numbers.layout(boxes)
    found = numbers.runs(plan)
    assert (0, 2) in found and (3, 5) in found  # strokes that overlap
    assert (1, 3) in found  # a gap of 0.1 H
    assert all(not (i <= 2 < 3 < j) for i, j in found)  # 120 px = 1.2 H apart: never
    assert all(j - i <= numbers.MAX_STROKES for i, j in found)
    assert {(i, i + 1) for i in range(5)} <= set(found)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(1, 3), min_size=1, max_size=6),
    st.floats(numbers.MAX_GAP + 0.01, 2.0),
    st.randoms(use_true_random=False),
)
def test_digits_drawn_far_apart_never_merge(
    strokes_per_digit: list[int], spacing: float, random: object
) -> None:
    """Whatever the reader's confidences, strokes further apart than MAX_GAP writing
    heights end up in different digits."""
    rng = np.random.default_rng(random.getrandbits(32))  # type: ignore[attr-defined]
    boxes, owner, x = [], [], 0.0
    for d, count in enumerate(strokes_per_digit):
        for _ in range(count):
            left = x + rng.uniform(0, 30)
            boxes.append(box(left, left + rng.uniform(1, 60)))
            owner.append(d)
        x = max(b[2] for b in boxes) + spacing * 100
    plan = numbers.layout(np.array(boxes))
    candidates = numbers.runs(plan)
    split = numbers.best_split(plan, candidates, rng.uniform(0.01, 1, len(candidates)).tolist())
    digits_of = {k: {owner[plan.order[s]] for s in range(i, j)} for k, (i, j) in enumerate(split)}
    assert all(len(d) == 1 for d in digits_of.values())
    assert [i for i, _ in split] == sorted(i for i, _ in split)  # left to right, no gaps
    assert split[0][0] == 0 and split[-1][1] == len(boxes)


def test_the_split_with_the_surest_digits_wins() -> None:
    plan = numbers.layout(np.array([box(0, 50), box(40, 90)]))  # two strokes overlapping
    candidates = [(0, 1), (1, 2), (0, 2)]
    assert numbers.best_split(plan, candidates, [0.9, 0.9, 0.2]) == [(0, 1), (1, 2)]
    assert numbers.best_split(plan, candidates, [0.5, 0.5, 0.99]) == [(0, 2)]
    with pytest.raises(InvalidInput, match="covering every stroke"):
        numbers.best_split(plan, [(0, 1)], [0.9])


@pytest.mark.parametrize("digits", ["7", "41", "2024", "987650"])
def test_numbers_written_from_the_shapes_are_read(digits: str) -> None:
    written = write_number(
        [as_points(DIGITS[int(d)]) for d in digits], np.random.default_rng(len(digits))
    )
    strokes = [s.tolist() for s in written.strokes]
    read = READER.read_number(strokes, written.width, 280, Limits())
    assert read.number == digits
    assert [p.strokes for p in read.parts] == [
        tuple(i for i, d in enumerate(written.digit_of_stroke) if d == k)
        for k in range(len(digits))
    ]
    assert 0 < read.confidence <= min(float(r.probabilities.max()) for r in read.readings)
    for part in read.parts:
        x0, y0, x1, y1 = part.box
        assert 0 <= x0 < x1 <= written.width and 0 <= y0 < y1 <= 280


@settings(max_examples=12, deadline=None)
@given(st.floats(-300, 300), st.floats(-30, 30), st.floats(0.6, 1.6))
def test_a_number_moved_or_scaled_reads_the_same(dx: float, dy: float, scale: float) -> None:
    written = write_number([as_points(DIGITS[d]) for d in (3, 0, 5)], np.random.default_rng(5))
    before = READER.read_number([s.tolist() for s in written.strokes], written.width, 280, Limits())
    moved = [((s - (0, 140)) * scale + (0, 140) + (max(dx, 0) + 10, dy)) for s in written.strokes]
    width = written.width * scale + abs(dx) + 20
    after = READER.read_number([s.tolist() for s in moved], width, 280, Limits())
    assert after.number == before.number == "305"
    assert [p.strokes for p in after.parts] == [p.strokes for p in before.parts]


def test_empty_and_oversized_drawings_are_refused() -> None:
    with pytest.raises(EmptyDrawing):
        READER.read_number([[]], 280, 280, Limits())
    with pytest.raises(InvalidInput, match="expected at most 1 strokes"):
        READER.read_number([[[1, 1]], [[2, 2]]], 280, 280, Limits(max_strokes=1))


def test_writing_spreads_digits_as_asked() -> None:
    digits = [as_points(DIGITS[d]) for d in (1, 2, 3)]
    tight = write_number(digits, np.random.default_rng(0), Writing(spacing=(-0.05, -0.05)))
    wide = write_number(digits, np.random.default_rng(0), Writing(spacing=(0.4, 0.4)))
    assert tight.spacings == [-0.05, -0.05] and wide.spacings == [0.4, 0.4]
    assert wide.width > tight.width
    assert tight.digit_of_stroke == wide.digit_of_stroke == [0, 1, 2]
    for s in tight.strokes + wide.strokes:
        assert s[:, 0].min() >= 0 and s[:, 1].min() >= 0 and s[:, 1].max() <= 280
    with pytest.raises(InvalidInput):
        write_number([], np.random.default_rng(0))


def png_of(strokes: list[np.ndarray], width: float, pen: int = 14) -> bytes:
    """A drawing drawn black on white with a round pen, as a PNG."""
    image = Image.new("L", (round(width), 280), 255)
    draw = ImageDraw.Draw(image)
    for stroke in strokes:
        draw.line([tuple(p) for p in stroke.tolist()], fill=0, width=pen, joint="curve")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("digits", ["3", "305", "71"])
def test_an_image_of_a_number_is_split_by_its_pieces_of_ink(digits: str) -> None:
    written = write_number(
        [as_points(DIGITS[int(d)]) for d in digits],
        np.random.default_rng(2),
        Writing(spacing=(0.2, 0.3)),
    )
    read = READER.read_number_image(png_of(written.strokes, written.width), Limits())
    assert read.number == digits
    lefts = [p.box[0] for p in read.parts]
    assert lefts == sorted(lefts) and all(
        0 <= p.box[0] < p.box[2] <= written.width for p in read.parts
    )
    # A large photo of it is read the same: pieces are found at a working height.
    big = Image.open(io.BytesIO(png_of(written.strokes, written.width))).resize(
        (round(written.width * 4), 1120)
    )
    buffer = io.BytesIO()
    big.save(buffer, format="PNG")
    large = READER.read_number_image(buffer.getvalue(), Limits())
    assert large.number == digits
    assert large.parts[-1].box[2] == pytest.approx(4 * read.parts[-1].box[2], rel=0.05)
