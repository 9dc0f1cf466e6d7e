"""A labelled drawing as the store takes it (`NewSample`) and gives it back (`Sample`), its
moderation (`Verdict`), a
contributed number (`NewNumber`, `StoredNumber`), a page of samples and the counts:
plain dataclasses, so that callers need not know SQLAlchemy."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, kw_only=True)
class Verdict:
    """A sample's moderation: its status, who set it and when, and why."""

    status: str
    """"accepted", "flagged" (for review) or "rejected"."""
    decided_by: str = "moderation"
    """"moderation" (the scores) or "admin"."""
    support: float | None = None
    """How likely the label is right by the drawing's own evidence, 0..1."""
    trust: float | None = None
    """The same with its contributor's record, 0..1; accepted from 0.5."""
    evidence: dict[str, Any] | None = None
    """What the model read ("read", "p_label") and what others' drawings said ("agree",
    "disagree"), for the reasons shown to reviewers."""
    decided_at: datetime | None = None
    """Set by the store."""


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
    verdict: Verdict | None = None
    """Its moderation; None until it is scored."""


@dataclass(frozen=True, kw_only=True, eq=False)
class Sample(NewSample):
    """A stored sample; its ``pixels`` array is read-only."""

    id: int
    created_at: datetime
    """When it was stored, timezone-aware UTC."""
    number_id: int | None = None
    """The contributed number this sample is a digit of, if any."""
    number_position: int | None = None
    """Its place in that number, 0 = the leftmost digit."""


@dataclass(frozen=True, kw_only=True)
class NewNumber:
    """A contributed number to store; its digits are stored as samples beside it."""

    label: str
    """The digits, e.g. "4072" (at most 100)."""
    split: list[list[int]]
    """For each digit, left to right, the indices of its strokes in the drawing as sent."""
    predicted: str | None = None
    """The number read live when it was sent."""
    model_version: str | None = None
    source: str | None = None
    contributor: str | None = None


@dataclass(frozen=True)
class StoredNumber:
    """A stored number: its id, label and its digits' sample ids, left to right."""

    id: int
    label: str
    created_at: datetime
    sample_ids: tuple[int, ...]


@dataclass(frozen=True)
class Page:
    """One page of samples, newest first; pass ``next_before_id`` to get the next page."""

    items: list[Sample]
    next_before_id: int | None
    """None when there are no more samples."""


@dataclass(frozen=True)
class Stats:
    """Counts over all stored samples."""

    total: int
    per_label: dict[int, int]
    """Samples per label; all ten digits are keys."""
    with_prediction: int
    """Samples stored with the prediction shown at the time."""
    prediction_matched: int
    """Of those, how many the model got right (prediction == label)."""
    per_status: dict[str, int]
    """Samples per moderation status: accepted, flagged, rejected, and unscored."""
