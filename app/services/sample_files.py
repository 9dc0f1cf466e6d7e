"""Contributed drawings as ndjson: one JSON object a line, in the layout of Quick, Draw!'s
raw files, written by the export (``GET /api/samples/export?format=ndjson``, ``digitpad
export-samples``) and read back by ``digitpad import-samples``.

A line (wrapped here)::

    {"key_id": "42", "word": "seven", "recognized": true,
     "timestamp": "2025-01-02 03:04:05.678901 UTC",
     "drawing": [[[x0, x1, ...], [y0, y1, ...], [t0, t1, ...]], ...],
     "digitpad": {"canvas": [280.0, 280.0], "predicted": 7,
                  "probabilities": [...], "model": "...", "source": "draw"}}

- ``key_id``: the sample's id, as text; ``word``: its label's name, "zero" ... "nine";
- ``recognized``: whether the live prediction was the label; false when none was shown
  (``digitpad.predicted`` is then null);
- ``timestamp``: when it was stored, in UTC;
- ``drawing``: per stroke, its xs, its ys and, when the page sent times, its ts (ms; null
  for a point sent without one);
- ``digitpad``: the fields Quick, Draw! lacks: the canvas [width, height] and what the
  page showed. Contributor ids are never written; samples stored without strokes (pixels
  only) are left out.

On import, ``key_id``, ``timestamp``, ``recognized`` and Quick, Draw!'s ``countrycode``
are ignored (each sample gets a new id and time); everything else is checked as
``POST /api/samples`` checks a body.
"""

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from app.config import Settings
from app.engine.errors import InvalidInput
from app.engine.preprocess.checks import show
from app.engine.reader import Reader
from app.services.drawing_input import check_source, checked_sample
from app.store import NewSample, Sample, SampleStore

MEDIA_TYPE = "application/x-ndjson"
FILE_NAME = "digitpad-samples.ndjson"
WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
TIMESTAMP = "%Y-%m-%d %H:%M:%S.%f UTC"  # Quick, Draw!'s, e.g. 2017-03-01 20:41:36.707250 UTC
OWN = "digitpad"  # the object holding digitpad's own fields
OWN_FIELDS = ("canvas", "predicted", "probabilities", "model", "source")
IGNORED = ("key_id", "timestamp", "recognized", "countrycode")
READ_BATCH = 250  # samples read from the store at a time by the export
CHUNK_BYTES = 64 * 1024  # lines are handed on in pieces of about this size
IMPORT_BATCH = 500  # samples written in one transaction by the import
LISTED = 20  # refused lines reported one by one; the rest are counted


@dataclass
class ExportCount:
    """How many samples an export wrote, and how many it left out (no strokes)."""

    written: int = 0
    skipped: int = 0


@dataclass
class ImportReport:
    """What an import took and what it refused."""

    taken: int = 0
    refused: int = 0
    reasons: list[tuple[int, str]] = field(default_factory=list)
    """(line number from 1, why) of the first LISTED refused lines."""

    def refuse(self, line_number: int, reason: str) -> None:
        self.refused += 1
        if len(self.reasons) < LISTED:
            self.reasons.append((line_number, reason))


def encode(sample: Sample) -> dict[str, Any] | None:
    """The ndjson object of a stored sample, or None for one stored without strokes."""
    if sample.strokes is None or sample.canvas_width is None or sample.canvas_height is None:
        return None
    return {
        "key_id": str(sample.id),
        "word": WORDS[sample.label],
        "recognized": sample.predicted == sample.label,
        "timestamp": sample.created_at.astimezone(UTC).strftime(TIMESTAMP),
        "drawing": [_columns(stroke) for stroke in sample.strokes],
        OWN: {
            "canvas": [sample.canvas_width, sample.canvas_height],
            "predicted": sample.predicted,
            "probabilities": sample.probabilities,
            "model": sample.model_version,
            "source": sample.source,
        },
    }


def _columns(stroke: list[list[float]]) -> list[list[float | None]]:
    """A stroke of points [x, y] or [x, y, t] as [xs, ys] or, with any time, [xs, ys, ts]."""
    columns: list[list[float | None]] = [[p[0] for p in stroke], [p[1] for p in stroke]]
    if any(len(p) > 2 for p in stroke):
        columns.append([p[2] if len(p) > 2 else None for p in stroke])
    return columns


def export_ndjson(
    store: SampleStore,
    *,
    label: int | None = None,
    since: int = 0,
    contributor: str | None = None,
    status: str | None = None,
    count: ExportCount | None = None,
) -> Iterator[bytes]:
    """The samples with ids above ``since`` (of one ``label``, of one ``contributor``, of
    one moderation ``status``, if given; the contributor id is never written) as ndjson, by
    ascending id, in pieces of about CHUNK_BYTES: memory stays bounded by one read batch
    (READ_BATCH samples) and one piece, however many there are. ``count`` is kept up to date.
    """
    count = count if count is not None else ExportCount()
    piece: list[bytes] = []
    size = 0
    matching = store.iter_matching(
        label=label, after_id=since, contributor=contributor, status=status, batch_size=READ_BATCH
    )
    for sample in matching:
        record = encode(sample)
        if record is None:
            count.skipped += 1
            continue
        line = (json.dumps(record, separators=(",", ":"), allow_nan=False) + "\n").encode()
        piece.append(line)
        size += len(line)
        count.written += 1
        if size >= CHUNK_BYTES:
            yield b"".join(piece)
            piece.clear()
            size = 0
    if piece:
        yield b"".join(piece)


def decode(line: bytes | str) -> dict[str, Any]:
    """One ndjson line as the fields of a ``POST /api/samples`` body (label, strokes,
    canvas, predicted, probabilities, model, source), not yet checked beyond the layout.

    Raises InvalidInput naming what is wrong with the layout."""
    try:
        record = json.loads(line)
    except ValueError as error:  # also UnicodeDecodeError
        text = line.decode("utf-8", "replace") if isinstance(line, bytes) else line
        raise InvalidInput(f"expected a line of JSON, got {show(text.strip())} ({error})") from None
    if not isinstance(record, dict):
        raise InvalidInput(f"expected a JSON object, got {show(record)}")
    _only(record, ("word", "drawing", OWN, *IGNORED), "the line")
    word = record.get("word")
    if word not in WORDS:
        raise InvalidInput(f"expected word to be a digit's name (zero ... nine), got {show(word)}")
    own = record.get(OWN, {})
    if not isinstance(own, dict):
        raise InvalidInput(f"expected {OWN} to be an object, got {show(own)}")
    _only(own, OWN_FIELDS, OWN)
    fields = {name: own[name] for name in OWN_FIELDS if name in own}
    if "canvas" in own:
        fields["canvas"] = _canvas(own["canvas"])
    return {**fields, "label": WORDS.index(word), "strokes": _strokes(record.get("drawing"))}


def _only(record: dict[str, Any], names: tuple[str, ...], where: str) -> None:
    unknown = sorted(set(record) - set(names))
    if unknown:
        raise InvalidInput(f"expected only {', '.join(names)} in {where}, got {unknown}")


def _canvas(value: object) -> dict[str, object]:
    if not isinstance(value, list) or len(value) != 2:
        raise InvalidInput(f"expected {OWN}.canvas as [width, height], got {show(value)}")
    return {"width": value[0], "height": value[1]}


def _strokes(drawing: object) -> list[list[list[Any]]]:
    """Strokes of points [x, y] or [x, y, t] from Quick, Draw!'s [xs, ys(, ts)] columns."""
    if not isinstance(drawing, list):
        raise InvalidInput(f"expected drawing as a list of strokes, got {show(drawing)}")
    strokes = []
    for i, stroke in enumerate(drawing):
        if not (
            isinstance(stroke, list)
            and len(stroke) in (2, 3)
            and all(isinstance(column, list) for column in stroke)
        ):
            raise InvalidInput(
                f"stroke {i}: expected [[xs], [ys]] or [[xs], [ys], [ts]], got {show(stroke)}"
            )
        lengths = [len(column) for column in stroke]
        if len(set(lengths)) > 1:
            raise InvalidInput(f"stroke {i}: expected columns of one length, got {lengths}")
        xs, ys, *rest = stroke
        ts = rest[0] if rest else [None] * len(xs)
        points = zip(xs, ys, ts, strict=True)
        strokes.append([[x, y] if t is None else [x, y, t] for x, y, t in points])
    return strokes


def read_line(
    line: bytes, model: Reader, settings: Settings, *, source: str | None = None
) -> NewSample:
    """The sample to store for one line, checked as ``POST /api/samples`` checks a body (the
    same size limit, fields, drawing limits and rendering with ``model``'s pen);
    ``source``, if given, replaces the line's.

    Raises InvalidInput (EmptyDrawing for no points) with the reason."""
    if len(line) > settings.max_body_bytes:
        raise InvalidInput(
            f"expected a line of at most {settings.max_body_bytes} bytes, got {len(line)}"
        )
    fields = decode(line)
    if source is not None:
        fields["source"] = source
    return checked_sample(fields, model, settings)


def import_ndjson(
    lines: Iterable[bytes],
    store: SampleStore,
    model: Reader,
    settings: Settings,
    *,
    source: str | None = None,
    batch_size: int = IMPORT_BATCH,
) -> ImportReport:
    """Store every good line of an ndjson file, ``batch_size`` samples a transaction;
    blank lines are passed over. ``source``, if given, replaces each line's (InvalidInput
    at once if it could not be a body's).

    Returns what was taken and, for refused lines, their numbers and reasons. A database
    error stops the import: the batches written before it stay, the one in hand does not."""
    if source is not None:
        check_source(source)
    report = ImportReport()
    batch: list[NewSample] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            batch.append(read_line(line, model, settings, source=source))
        except InvalidInput as error:
            report.refuse(number, str(error))
            continue
        if len(batch) >= batch_size:
            report.taken += len(store.add_many(batch))
            batch.clear()
    report.taken += len(store.add_many(batch))
    return report
