"""A reader of exported ndjson written for the tests, apart from the code under test, and
drawings to export (times on points, no times, several labels)."""

import json
import math
from datetime import UTC, datetime
from typing import Any

from app.store import Sample
from tests.web.conftest import one, seven

NAMES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TIMESTAMP = "%Y-%m-%d %H:%M:%S.%f UTC"


def read_ndjson(data: bytes) -> list[dict[str, Any]]:
    """Every line of ``data`` as a JSON object; the data must end each line with a newline."""
    text = data.decode()
    assert text == "" or text.endswith("\n"), "the last line is not ended"
    records = [json.loads(line) for line in text.split("\n")[:-1]]
    assert all(isinstance(record, dict) for record in records)
    return records


def points_of(record: dict[str, Any]) -> list[list[list[float]]]:
    """A line's drawing back as strokes of [x, y] or [x, y, t] points."""
    strokes = []
    for stroke in record["drawing"]:
        xs, ys = stroke[0], stroke[1]
        ts = stroke[2] if len(stroke) == 3 else [None] * len(xs)
        points = zip(xs, ys, ts, strict=True)
        strokes.append([[x, y] if t is None else [x, y, t] for x, y, t in points])
    return strokes


def assert_line_is(record: dict[str, Any], sample: Sample) -> None:
    """``record`` holds ``sample`` as it was stored, and nothing private."""
    assert set(record) == {"key_id", "word", "recognized", "timestamp", "drawing", "digitpad"}
    assert record["key_id"] == str(sample.id)
    assert NAMES.index(record["word"]) == sample.label
    assert record["recognized"] is (
        sample.predicted is not None and sample.predicted == sample.label
    )
    when = datetime.strptime(record["timestamp"], TIMESTAMP).replace(tzinfo=UTC)
    assert when == sample.created_at
    assert points_of(record) == sample.strokes
    assert record["digitpad"] == {
        "canvas": [sample.canvas_width, sample.canvas_height],
        "predicted": sample.predicted,
        "probabilities": sample.probabilities,
        "model": sample.model_version,
        "source": sample.source,
    }


def timed(strokes: list[list[list[float]]], step: float = 16.0) -> list[list[list[float]]]:
    """``strokes`` with a time (ms) on every point."""
    t = iter(range(10_000))
    return [[[x, y, step * next(t)] for x, y, *_ in stroke] for stroke in strokes]


def zero() -> list[list[list[float]]]:
    """A ring of 25 points on a 300x280.5 canvas, and an empty stroke after it."""
    ring = [
        [140 + 70 * math.sin(a * math.pi / 12), 140 - 100 * math.cos(a * math.pi / 12)]
        for a in range(25)
    ]
    return [ring, []]


def bodies() -> list[dict[str, Any]]:
    """``POST /api/samples`` bodies of several labels: times on every point, on none, on
    some; a prediction right, wrong, and none; an empty stroke; a contributor id."""
    canvas = {"width": 280, "height": 280}
    mixed = timed(one())
    mixed[0][3] = mixed[0][3][:2]  # one point sent without its time
    return [
        {"strokes": timed(seven()), "canvas": canvas, "label": 7, "predicted": 7,
         "probabilities": [0.01] * 7 + [0.91, 0.01, 0.01], "model": "m1", "source": "draw",
         "contributor": "private-key-1"},
        {"strokes": one(), "canvas": canvas, "label": 1, "predicted": 7, "source": "collect"},
        {"strokes": zero(), "canvas": {"width": 300, "height": 280.5}, "label": 0},
        {"strokes": mixed, "canvas": canvas, "label": 1, "predicted": 1, "model": "m2"},
        {"strokes": timed(seven(), 8.5), "canvas": canvas, "label": 7, "source": "api"},
    ]  # fmt: skip
