"""Pixels sent as they are: a 28x28 grid already framed like MNIST, checked and used as is."""

import numpy as np
import numpy.typing as npt

from app.engine.errors import EmptyDrawing, InvalidInput
from app.engine.preprocess.checks import is_list, is_number, show
from app.engine.preprocess.frame import FRAME, Ink


def pixels_to_array(pixels: npt.ArrayLike) -> Ink:
    """``pixels`` (28 rows of 28 numbers in [0, 1], 1 = ink) as a (28, 28) float32 array.

    No framing is done: the grid is taken as the network's input as it is.

    Raises InvalidInput naming the first row or value (indices from 0) that is wrong: not
    28 rows of 28 numbers, not finite, or outside [0, 1]; EmptyDrawing when all are 0.
    """
    grid = _grid(pixels)
    bad = ~np.isfinite(grid) | (grid < 0) | (grid > 1)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise InvalidInput(
            f"row {row}, column {col}: expected a number in [0, 1], got {grid[row, col]}"
        )
    if not grid.any():
        raise EmptyDrawing("expected some ink (a value above 0), got 28x28 zeros")
    return grid.astype(np.float32)


def _grid(pixels: object) -> npt.NDArray[np.float64]:
    """``pixels`` as a (28, 28) array; InvalidInput at the first row or value that is wrong.

    NumPy reads the common case in one go; anything else is read row by row, to say where
    it goes wrong.
    """
    try:
        array = np.asarray(pixels)
    except (ValueError, TypeError):  # ragged rows
        array = np.empty(0)
    if array.shape == (FRAME, FRAME) and array.dtype.kind in "iuf":
        return array.astype(np.float64)
    if not is_list(pixels) or len(pixels) != FRAME:
        got = f"{len(pixels)} rows" if is_list(pixels) else show(pixels)
        raise InvalidInput(f"expected {FRAME} rows of {FRAME} numbers, got {got}")
    for r, row in enumerate(pixels):
        if not is_list(row) or len(row) != FRAME:
            got = f"{len(row)} values" if is_list(row) else show(row)
            raise InvalidInput(f"row {r}: expected {FRAME} numbers, got {got}")
        for c, value in enumerate(row):
            if not is_number(value):
                raise InvalidInput(f"row {r}, column {c}: expected a number, got {show(value)}")
    return np.asarray(pixels, dtype=np.float64)
