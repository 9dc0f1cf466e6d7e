"""Tests of app.engine.preprocess.components: the pieces of ink of an image."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine.errors import EmptyDrawing
from app.engine.preprocess.components import components


def test_pieces_are_joined_through_diagonals_and_numbered_left_to_right() -> None:
    ink = np.zeros((10, 20))
    ink[1:9, 8:10] = 1.0  # a bar with an arm: one piece
    ink[5, 9:15] = 1.0
    ink[1:9, 2] = 1.0  # a line, with a diagonal step at its foot
    ink[9, 3] = 1.0
    ink[2, 17] = 0.1  # too faint to be ink
    labels, count = components(ink)
    assert count == 2 and labels.dtype == np.int32
    assert set(labels[1:10, 2:4].ravel()) == {0, 1}  # the leftmost piece is 1
    assert labels[9, 3] == 1
    assert set(labels[:, 8:15][ink[:, 8:15] > 0.5]) == {2}
    assert labels[2, 17] == 0


def test_specks_are_dropped_and_a_blank_image_is_refused() -> None:
    ink = np.zeros((40, 40))
    ink[5:35, 10] = 1.0  # 30 px tall
    ink[20, 30] = 1.0  # a speck of 1 px: under a tenth of the tallest piece
    labels, count = components(ink)
    assert count == 1 and labels[20, 30] == 0
    with pytest.raises(EmptyDrawing):
        components(np.zeros((5, 5)))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(1, 6)), min_size=1, max_size=6))
def test_separate_blocks_are_separate_pieces(blocks: list[tuple[int, int]]) -> None:
    """Blocks side by side with a blank column between them are one piece each, in order."""
    columns, x = [], 0
    for top, width in blocks:
        columns.append((x, x + width, top))
        x += width + 1
    ink = np.zeros((20, x))
    for left, right, top in columns:
        ink[top : top + 12, left:right] = 1.0
    labels, count = components(ink)
    assert count == len(blocks)
    for k, (left, right, top) in enumerate(columns, start=1):
        assert (labels[top : top + 12, left:right] == k).all()
