"""Small checks shared by the readers of JSON-like input (strokes, pixels)."""

import reprlib
from typing import Any, TypeGuard

import numpy as np
import numpy.typing as npt

ListLike = list[Any] | tuple[Any, ...] | npt.NDArray[Any]


def is_number(value: object) -> TypeGuard[float]:
    """Whether ``value`` is a real number: int, float or a NumPy one, but not a bool."""
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def is_list(value: object) -> TypeGuard[ListLike]:
    """Whether ``value`` is a list, tuple or array (a str is not)."""
    return isinstance(value, list | tuple | np.ndarray)


def show(value: object) -> str:
    """A repr of ``value`` short enough for an error message."""
    return reprlib.repr(value)
