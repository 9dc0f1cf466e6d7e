"""``digitpad export-samples`` and ``import-samples``, driven in-process, on SQLite and
PostgreSQL (the ``database_url`` fixtures; see tests/store/conftest.py)."""

import json
from pathlib import Path

import numpy as np

from app.config import Settings, get_settings
from app.engine import checkpoint
from app.engine.reader import Reader
from app.services.drawing_input import checked_sample
from app.services.model_versions import SHIPPED_MODEL
from app.store import ModerationStore, NewSample, Sample, open_store
from tests.cli.conftest import UseDatabase, run
from tests.ndjson_reader import assert_line_is, bodies, read_ndjson

SETTINGS = Settings(database_url="sqlite://")


def fill(url: str) -> list[Sample]:
    """The test bodies stored as ``POST /api/samples`` stores them, and one pixels-only."""
    model = Reader(checkpoint.load(get_settings().model_dir / SHIPPED_MODEL))
    store = open_store(url)
    try:
        stored = [store.add(checked_sample(body, model, SETTINGS)) for body in bodies()]
        store.add(NewSample(label=4, pixels=np.zeros((28, 28), np.uint8)))
        return stored
    finally:
        store.close()


def stored_in(url: str) -> list[Sample]:
    store = open_store(url)
    try:
        return list(store.iter_all())
    finally:
        store.close()


def test_an_export_imported_into_an_empty_database_gives_the_same_samples(
    database_url: str, other_database_url: str, tmp_path: Path, use: UseDatabase
) -> None:
    stored = fill(database_url)
    use(database_url)
    out = tmp_path / "drawings.ndjson"
    exported = run("export-samples", "--format", "ndjson", "--out", str(out))
    assert exported.exit_code == 0, exported.output
    assert exported.stderr == "wrote 5 drawings (ndjson); left out 1 stored without strokes\n"
    records = read_ndjson(out.read_bytes())
    for record, sample in zip(records, stored, strict=True):
        assert_line_is(record, sample)
    assert run("export-samples").stdout_bytes == out.read_bytes()

    use(other_database_url)
    imported = run("import-samples", str(out))
    assert imported.exit_code == 0, imported.output
    assert imported.stdout == "imported 5 drawings\n" and imported.stderr == ""
    copies = stored_in(other_database_url)
    assert len(copies) == len(stored)
    for copy, sample in zip(copies, stored, strict=True):
        for name in ("label", "strokes", "canvas_width", "canvas_height", "predicted",
                     "probabilities", "model_version", "source"):  # fmt: skip
            assert getattr(copy, name) == getattr(sample, name), name
        np.testing.assert_array_equal(copy.pixels, sample.pixels)
        assert copy.contributor is None


def test_the_export_keeps_a_label_after_an_id(database_url: str, use: UseDatabase) -> None:
    stored = fill(database_url)
    use(database_url)
    result = run("export-samples", "--label", "7", "--since", str(stored[0].id))
    assert result.exit_code == 0, result.output
    assert [r["key_id"] for r in read_ndjson(result.stdout_bytes)] == [str(stored[4].id)]
    assert result.stderr == "wrote 1 drawing (ndjson)\n"
    assert run("export-samples", "--label", "10").exit_code == 2


def test_the_export_keeps_one_status(database_url: str, use: UseDatabase) -> None:
    stored = fill(database_url)
    store = open_store(database_url)
    ModerationStore(store.engine).decide(stored[1].id, status="rejected")
    ModerationStore(store.engine).decide(stored[2].id, status="accepted")
    store.close()
    use(database_url)
    for status, expected in (("rejected", stored[1]), ("accepted", stored[2])):
        result = run("export-samples", "--status", status)
        assert result.exit_code == 0, result.output
        assert [r["key_id"] for r in read_ndjson(result.stdout_bytes)] == [str(expected.id)]
    assert run("export-samples", "--status", "maybe").exit_code == 2


def test_refused_lines_are_listed_with_their_reasons_and_the_rest_stored(
    database_url: str, use: UseDatabase
) -> None:
    use(database_url, max_points_per_stroke="30")
    good = {"word": "one", "drawing": [[[140, 140], [40, 240]]], "digitpad": {"canvas": [280, 280]}}
    too_long = {**good, "drawing": [[[140] * 31, list(range(31))]]}
    lines = [good, "not json", {**good, "word": "eleven"}, too_long, good]
    lines += [{**good, "word": "ten"}] * 22
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    result = run("import-samples", "-", stdin=text.encode())
    assert result.exit_code == 1
    assert result.stdout == "imported 2 drawings\n"
    listed = result.stderr.splitlines()
    assert listed[0] == "refused 25 lines:"
    assert listed[1] == (
        "  line 2: expected a line of JSON, got 'not json' (Expecting value: line 1 column 1 "
        "(char 0))"
    )
    assert listed[2] == "  line 3: expected word to be a digit's name (zero ... nine), got 'eleven'"
    assert listed[3] == "  line 4: stroke 0: expected at most 30 points, got 31"
    assert listed[4].startswith("  line 6: expected word") and listed[20].startswith("  line 22:")
    assert listed[21:] == ["  ... and 5 more"]
    assert [s.label for s in stored_in(database_url)] == [1, 1]


def test_a_source_is_given_to_every_sample_and_a_bad_one_stores_nothing(
    database_url: str, tmp_path: Path, use: UseDatabase
) -> None:
    fill(database_url)
    use(database_url)
    out = tmp_path / "drawings.ndjson"
    assert run("export-samples", "--out", str(out)).exit_code == 0
    refused = run("import-samples", str(out), "--source", "Room 4")
    assert refused.exit_code == 1 and "source 'Room 4': String should match" in refused.stderr
    assert len(stored_in(database_url)) == 6
    taken = run("import-samples", str(out), "--source", "room-4")
    assert taken.exit_code == 0, taken.output
    assert [s.source for s in stored_in(database_url)[6:]] == ["room-4"] * 5


def test_an_export_that_cannot_be_written_fails_with_a_message(
    database_url: str, tmp_path: Path, use: UseDatabase
) -> None:
    use(database_url)
    result = run("export-samples", "--out", str(tmp_path / "missing" / "drawings.ndjson"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot write {tmp_path / 'missing'}")
