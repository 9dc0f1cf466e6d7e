"""A labelled drawing as the store takes it (`NewSample`) and gives it back (`Sample`):
plain dataclasses, so that callers need not know SQLAlchemy."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, kw_only=True, eq=False)
class NewSample:
    """A labelled drawing to store (compared by identity: it holds an array)."""

    label: int
    """What the person says they drew, 0..9."""
    pixels: npt.NDArray[np.uint8] = field(repr=False)
    """(28, 28) uint8, 255 = ink: the image the model saw."""
    strokes: list[Any] | None = field(default=None, repr=False)
    """The raw strokes exactly as sent (JSON), or None for a pixels-only sample."""
    canvas_width: float | None = None
    canvas_height: float | None = None
    predicted: int | None = None
    """The live prediction shown when the sample was sent, 0..9."""
    probabilities: list[float] | None = None
    """The ten probabilities shown with that prediction."""
    model_version: str | None = None
    """Version id of the model that made the prediction (at most 64 characters)."""
    source: str | None = None
    """Where the sample came from, e.g. "draw", "collect", "api" (at most 32 characters)."""
    contributor: str | None = None
    """Anonymous random id of the browser (at most 64 characters); never shown publicly."""


@dataclass(frozen=True, kw_only=True, eq=False)
class Sample(NewSample):
    """A stored sample; its ``pixels`` array is read-only."""

    id: int
    created_at: datetime
    """When it was stored, timezone-aware UTC."""
