"""Drawings as ndjson, exported and imported, on SQLite and PostgreSQL (the ``store``
fixtures; see tests/store/conftest.py)."""

import json
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from sqlalchemy import event

from app.config import Settings, get_settings
from app.engine import checkpoint
from app.engine.errors import InvalidInput
from app.engine.reader import Reader
from app.services import sample_files
from app.services.drawing_input import checked_sample
from app.services.model_versions import SHIPPED_MODEL
from app.services.sample_files import (
    ExportCount,
    decode,
    encode,
    export_ndjson,
    import_ndjson,
    read_line,
)
from app.store import NewSample, Sample, SampleStore, open_store
from tests.ndjson_reader import assert_line_is, bodies, read_ndjson
from tests.web.conftest import seven

SETTINGS = Settings(database_url="sqlite://")


@pytest.fixture(scope="module")
def model() -> Reader:
    return Reader(checkpoint.load(get_settings().model_dir / SHIPPED_MODEL))


def fill(store: SampleStore, model: Reader) -> list[Sample]:
    """The test bodies stored as ``POST /api/samples`` stores them, and one pixels-only."""
    stored = [store.add(checked_sample(body, model, SETTINGS)) for body in bodies()]
    stored.insert(2, store.add(NewSample(label=4, pixels=np.zeros((28, 28), np.uint8))))
    return stored


def export(store: SampleStore, **filters: Any) -> bytes:
    return b"".join(export_ndjson(store, **filters))


def line(**fields: Any) -> bytes:
    """An ndjson line of a "1", with ``fields`` replacing or adding to its own."""
    record = {
        "word": "one",
        "drawing": [[[140.0, 140.0, 140.0], [40.0, 140.0, 240.0]]],
        "digitpad": {"canvas": [280, 280]},
        **fields,
    }
    return json.dumps(record).encode()


def test_every_drawing_is_a_line_in_quick_draws_layout(store: SampleStore, model: Reader) -> None:
    stored = fill(store, model)
    count = ExportCount()
    data = b"".join(export_ndjson(store, count=count))
    records = read_ndjson(data)
    drawn = [sample for sample in stored if sample.strokes is not None]
    assert len(records) == len(drawn) == count.written == 5 and count.skipped == 1
    for record, sample in zip(records, drawn, strict=True):
        assert_line_is(record, sample)
    assert [r["recognized"] for r in records] == [True, False, False, True, False]
    assert records[0]["drawing"][0][2][:3] == [0.0, 16.0, 32.0]  # times kept
    assert [len(stroke) for stroke in records[1]["drawing"]] == [2]  # none sent: none given
    assert records[2]["drawing"][1] == [[], []]  # an empty stroke stays one
    assert records[3]["drawing"][0][2][3] is None  # a point sent without its time
    assert b"private-key-1" not in data and b"contributor" not in data


def test_the_export_keeps_a_label_and_goes_on_after_an_id(
    store: SampleStore, model: Reader
) -> None:
    stored = fill(store, model)
    sevens = read_ndjson(export(store, label=7))
    assert [r["key_id"] for r in sevens] == [str(stored[0].id), str(stored[5].id)]
    after = read_ndjson(export(store, since=stored[3].id))
    assert [r["key_id"] for r in after] == [str(s.id) for s in stored[4:]]
    assert (
        read_ndjson(export(store, label=7, since=stored[0].id))[0]["key_id"] == sevens[1]["key_id"]
    )
    assert export(store, since=stored[-1].id) == b""
    assert export(store, label=4) == b""  # the only 4 has no strokes


def test_the_export_reads_a_batch_at_a_time_and_hands_on_whole_lines(
    store: SampleStore, model: Reader, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(3):
        fill(store, model)
    monkeypatch.setattr(sample_files, "READ_BATCH", 4)
    monkeypatch.setattr(sample_files, "CHUNK_BYTES", 1000)  # about one long line
    selects: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "samples" in statement:
            selects.append(statement)

    event.listen(store.engine, "before_cursor_execute", record)
    pieces = export_ndjson(store)
    first = next(pieces)
    assert len(selects) == 1  # lazily: the first batch gave the first piece
    rest = list(pieces)
    assert len(selects) == 5  # 18 samples: four batches of 4, one of 2
    assert all(piece.endswith(b"\n") and len(piece) < 1000 + 2000 for piece in [first, *rest])
    assert len(read_ndjson(b"".join([first, *rest]))) == 15


def test_an_import_of_an_export_gives_the_same_samples(
    store: SampleStore, other_database_url: str, model: Reader
) -> None:
    stored = [s for s in fill(store, model) if s.strokes is not None]
    other = open_store(other_database_url)
    try:
        lines = export(store).splitlines(keepends=True)
        report = import_ndjson(lines, other, model, SETTINGS, batch_size=2)
        assert (report.taken, report.refused, report.reasons) == (5, 0, [])
        imported = list(other.iter_all())
    finally:
        other.close()
    assert len(imported) == len(stored)
    for new, old in zip(imported, stored, strict=True):
        for name in ("label", "strokes", "canvas_width", "canvas_height", "predicted",
                     "probabilities", "model_version", "source"):  # fmt: skip
            assert getattr(new, name) == getattr(old, name), name
        np.testing.assert_array_equal(new.pixels, old.pixels)
        assert new.contributor is None


def test_bad_lines_are_refused_with_their_reasons_and_the_rest_stored(
    store: SampleStore, model: Reader
) -> None:
    settings = Settings(database_url="sqlite://", max_points_per_stroke=30)
    lines = [
        line(),
        b"{not json",
        line(word="seven", drawing=[]),
        b"",
        line(word="eleven"),
        line(drawing=[[[140.0, 140.0], [40.0, 900.0]]]),  # y far below a 280-high canvas
        line(drawing=[[[140.0] * 31, [float(y) for y in range(31)]]]),
        line(digitpad={"canvas": [280, 280], "source": "Not Allowed"}),
        line(word="seven", drawing=[[[60.0, 200.0, 110.0], [50.0, 50.0, 240.0]]]),
    ]
    report = import_ndjson(lines, store, model, settings)
    assert report.taken == 2 and report.refused == 6
    reasons = dict(report.reasons)
    assert list(reasons) == [2, 3, 5, 6, 7, 8]  # line 4 is blank: passed over
    assert reasons[2].startswith("expected a line of JSON, got")
    assert "at least one point" in reasons[3]
    assert "digit's name" in reasons[5] and "'eleven'" in reasons[5]
    assert "stroke 0, point 1" in reasons[6] and "outside" in reasons[6]
    assert reasons[7] == "stroke 0: expected at most 30 points, got 31"
    assert reasons[8].startswith("source: String should match pattern")
    assert [s.label for s in store.iter_all()] == [1, 7]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (b"[1, 2]", "expected a JSON object, got [1, 2]"),
        (line(countrycode="FR", extra=1), "expected only word, drawing, digitpad, key_id, "
         "timestamp, recognized, countrycode in the line, got ['extra']"),
        (line(digitpad={"canvas": [280, 280], "contributor": "x"}),
         "expected only canvas, predicted, probabilities, model, source in digitpad, "
         "got ['contributor']"),
        (line(digitpad=[]), "expected digitpad to be an object, got []"),
        (line(digitpad={"canvas": 280}), "expected digitpad.canvas as [width, height], got 280"),
        (line(drawing={"x": 1}), "expected drawing as a list of strokes, got {'x': 1}"),
        (line(drawing=[[[1.0]]]), "stroke 0: expected [[xs], [ys]] or [[xs], [ys], [ts]], "
         "got [[1.0]]"),
        (line(drawing=[[[1.0, 2.0], [3.0]]]), "stroke 0: expected columns of one length, "
         "got [2, 1]"),
    ],
)  # fmt: skip
def test_a_line_out_of_the_layout_is_refused_with_what_is_wrong(text: bytes, reason: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        decode(text)
    assert str(caught.value) == reason


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"digitpad": {}}, "Value error, expected a canvas {width, height} with the strokes"),
        ({"digitpad": {"canvas": [0, 280]}}, "canvas.width: Input should be greater than 0"),
        ({"digitpad": {"canvas": [280, 280], "predicted": 1.5}},
         "predicted: Input should be a valid integer"),
        ({"digitpad": {"canvas": [280, 280], "probabilities": [0.5] * 9}},
         "probabilities: List should have at least 10 items"),
        ({"drawing": [[["a"], [1.0]]]}, "strokes.0.0.0: Input should be a valid number"),
    ],
)  # fmt: skip
def test_a_line_is_checked_as_a_post_body_is(
    fields: dict[str, Any], reason: str, model: Reader
) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_line(line(**fields), model, SETTINGS)
    assert reason in str(caught.value)


def test_nan_and_lines_over_the_body_limit_are_refused(model: Reader) -> None:
    with pytest.raises(InvalidInput, match="finite number"):
        read_line(line().replace(b"140.0, 140.0, 140.0", b"NaN, 140.0, 140.0"), model, SETTINGS)
    small = Settings(database_url="sqlite://", max_body_bytes=1024)
    long_line = line(drawing=[[[140.0] * 100, [40.0 + y for y in range(100)]]])
    with pytest.raises(InvalidInput, match=r"expected a line of at most 1024 bytes, got \d+"):
        read_line(long_line, model, small)


def test_a_given_source_replaces_each_lines_and_a_bad_one_stops_at_once(
    store: SampleStore, model: Reader
) -> None:
    record = encode(store.add(checked_sample(bodies()[0], model, SETTINGS)))
    assert record is not None
    lines = [json.dumps(record).encode()]
    assert import_ndjson(lines, store, model, SETTINGS, source="classroom").taken == 1
    assert [s.source for s in store.iter_all()] == ["draw", "classroom"]
    with pytest.raises(InvalidInput, match="source 'Class 4B'"):
        import_ndjson(iter_failing(), store, model, SETTINGS, source="Class 4B")


def iter_failing() -> Iterator[bytes]:
    raise AssertionError("no line is read before the source is checked")
    yield b""


def test_a_batch_that_fails_to_be_written_leaves_nothing_and_the_earlier_ones_stay(
    store: SampleStore, model: Reader, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [line(), line(word="seven", drawing=seven_columns())] * 3
    real = store.add_many
    calls: list[int] = []

    def second_fails(samples: list[NewSample]) -> tuple[int, ...]:
        calls.append(len(samples))
        if len(calls) == 2:
            bad = NewSample(label=1, pixels=np.zeros((27, 28), np.uint8))
            return real([*samples, bad])  # refused by the store: nothing of it written
        return real(samples)

    monkeypatch.setattr(store, "add_many", second_fails)
    with pytest.raises(ValueError, match=r"sample 2: pixels must be a \(28, 28\) uint8 array"):
        import_ndjson(lines, store, model, SETTINGS, batch_size=2)
    assert calls == [2, 2]
    assert [s.label for s in store.iter_all()] == [1, 7]


def seven_columns() -> list[list[list[float]]]:
    return [[[p[0] for p in s], [p[1] for p in s]] for s in seven()]
