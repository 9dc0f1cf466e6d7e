"""The checks a sample's fields pass before they are written (``ValueError`` with the
reason, whoever the caller: the web layer validates first, scripts may not), and the
record a stored row is read back as (`to_sample`)."""

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np

from app.store.records import NewSample, Sample, Verdict
from app.store.tables import (
    CONTRIBUTOR_LENGTH,
    DECIDERS,
    IDEMPOTENCY_KEY_LENGTH,
    MODEL_VERSION_LENGTH,
    SAMPLE_STATUSES,
    SOURCE_LENGTH,
    SampleRow,
    as_utc,
    check_plain_json,
)

DIGITS = range(10)


def new_values(sample: NewSample, idempotency_key: str | None) -> dict[str, Any]:
    """Check every field of ``sample``: the values of the row to insert, by column."""
    pixels = sample.pixels
    if not isinstance(pixels, np.ndarray) or pixels.shape != (28, 28) or pixels.dtype != np.uint8:
        got = f"{pixels.shape} {pixels.dtype}" if isinstance(pixels, np.ndarray) else type(pixels)
        raise ValueError(f"pixels must be a (28, 28) uint8 array, got {got}")
    plain_json_list(sample.strokes)
    now = datetime.now(UTC)
    return dict(
        created_at=now,
        label=digit(sample.label, "label"),
        pixels=pixels.tobytes(),
        strokes=sample.strokes,
        canvas_width=optional_finite(sample.canvas_width, "canvas_width"),
        canvas_height=optional_finite(sample.canvas_height, "canvas_height"),
        predicted=None if sample.predicted is None else digit(sample.predicted, "predicted"),
        probabilities=probabilities(sample.probabilities),
        model_version=short_text(sample.model_version, "model_version", MODEL_VERSION_LENGTH),
        source=short_text(sample.source, "source", SOURCE_LENGTH),
        contributor=short_text(sample.contributor, "contributor", CONTRIBUTOR_LENGTH),
        idempotency_key=short_text(idempotency_key, "idempotency_key", IDEMPOTENCY_KEY_LENGTH),
        **verdict_values(sample.verdict, now),
    )


def verdict_values(verdict: Verdict | None, now: datetime) -> dict[str, Any]:
    """Check a verdict: the moderation columns' values (all None for no verdict)."""
    if verdict is None:
        return dict(status=None, status_by=None, status_at=None, support=None, trust=None,
                    evidence=None)  # fmt: skip
    if verdict.status not in SAMPLE_STATUSES:
        raise ValueError(
            f"status must be one of {', '.join(SAMPLE_STATUSES)}, got {verdict.status!r}"
        )
    if verdict.decided_by not in DECIDERS:
        raise ValueError(
            f"decided_by must be one of {', '.join(DECIDERS)}, got {verdict.decided_by!r}"
        )
    for name in ("support", "trust"):
        value = getattr(verdict, name)
        if value is not None and not 0 <= finite(value, name) <= 1:
            raise ValueError(f"{name} must be in [0, 1], got {value!r}")
    if verdict.evidence is not None:
        check_plain_json(verdict.evidence, "evidence")
    return dict(
        status=verdict.status,
        status_by=verdict.decided_by,
        status_at=now,
        support=verdict.support,
        trust=verdict.trust,
        evidence=verdict.evidence,
    )


def plain_json_list(strokes: object) -> None:
    """Refuse strokes that are not a JSON list (NaN and infinity are not JSON either)."""
    if strokes is None:
        return
    if not isinstance(strokes, list):
        raise ValueError(f"strokes must be a list or None, got {type(strokes).__name__}")
    check_plain_json(strokes, "strokes")


def digit(value: object, name: str) -> int:
    """``value`` as an int 0..9 (NumPy integers accepted; bools and floats refused)."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value not in DIGITS:
        raise ValueError(f"{name} must be a digit 0..9, got {value!r}")
    return int(value)


def finite(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return float(value)


def optional_finite(value: object, name: str) -> float | None:
    return None if value is None else finite(value, name)


def probabilities(values: Sequence[float] | None) -> list[float] | None:
    if values is None:
        return None
    if len(values) != len(DIGITS):
        raise ValueError(f"probabilities must hold 10 numbers, got {len(values)}")
    return [finite(value, "each probability") for value in values]


def short_text(value: str | None, name: str, max_length: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text or None, got {type(value).__name__}")
    if len(value) > max_length:
        raise ValueError(f"{name} must be at most {max_length} characters, got {len(value)}")
    return value


def to_sample(row: SampleRow) -> Sample:
    """The dataclass for a row; ``created_at`` comes back in UTC (SQLite stores it naive)."""
    created_at = row.created_at
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    return Sample(
        id=row.id,
        created_at=created_at.astimezone(UTC),
        label=row.label,
        pixels=np.frombuffer(row.pixels, dtype=np.uint8).reshape(28, 28),
        strokes=row.strokes,
        canvas_width=row.canvas_width,
        canvas_height=row.canvas_height,
        predicted=row.predicted,
        probabilities=row.probabilities,
        model_version=row.model_version,
        source=row.source,
        contributor=row.contributor,
        number_id=row.number_id,
        number_position=row.number_position,
        verdict=None if row.status is None else to_verdict(row),
    )


def to_verdict(row: SampleRow) -> Verdict:
    """The verdict of a scored row."""
    return Verdict(
        status=str(row.status),
        decided_by=row.status_by or "moderation",
        support=row.support,
        trust=row.trust,
        evidence=row.evidence,
        decided_at=None if row.status_at is None else as_utc(row.status_at),
    )
