"""The sample repository, on SQLite and PostgreSQL (see conftest.py)."""

import dataclasses
import json
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from sqlalchemy import event, text

from app.store import ModerationStore, NewNumber, NewSample, Sample, SampleStore, open_store
from app.store.samples import _LABELS


def pixels(seed: int = 0) -> npt.NDArray[np.uint8]:
    """A (28, 28) uint8 image whose bytes differ from seed to seed."""
    return np.random.default_rng(seed).integers(0, 256, size=(28, 28), dtype=np.uint8)


def sample(label: int = 3, predicted: int | None = None, **fields: Any) -> NewSample:
    """A pixels-only sample; ``fields`` override the other attributes."""
    return NewSample(label=label, pixels=pixels(label), predicted=predicted, **fields)


def add_many(store: SampleStore, labels: list[int]) -> list[Sample]:
    return [store.add(sample(label)) for label in labels]


def ids(samples: list[Sample]) -> list[int]:
    return [stored.id for stored in samples]


def count_statements(store: SampleStore, prefix: str) -> list[str]:
    """A list that fills with every SQL statement on ``samples`` starting with ``prefix``."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(prefix) and "samples" in statement:
            seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", record)
    return seen


DRAWN = NewSample(
    label=7,
    pixels=pixels(42),
    # Nested floats that do not survive a careless float32 or rounding, and an optional t.
    strokes=[
        [{"x": 10.5, "y": 0.1 + 0.2, "t": 0}, {"x": 11.333333333333334, "y": 20.0, "t": 16.7}],
        [{"x": 1e-7, "y": 279.99999999999994}],
    ],
    canvas_width=280.0,
    canvas_height=279.5,
    predicted=1,
    probabilities=[0.01, 0.6, 0.01, 0.02, 0.05, 0.05, 0.05, 0.2, 0.005, 0.005],
    model_version="mlp-2024-06-01-abc123",
    source="draw",
    contributor="c0ffee-browser-id",
)


@pytest.fixture
def local_time_is_not_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run with the process's local time zone 5:30 ahead of UTC (a POSIX TZ string)."""
    monkeypatch.setenv("TZ", "IST-5:30")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("local_time_is_not_utc")
def test_add_then_get_returns_every_field_as_sent(store: SampleStore, database_url: str) -> None:
    before = datetime.now(UTC)
    added = store.add(DRAWN)
    got = store.get(added.id)
    assert got is not None
    for stored in (added, got):
        assert stored.pixels.dtype == np.uint8
        assert stored.pixels.shape == (28, 28)
        assert stored.pixels.tobytes() == DRAWN.pixels.tobytes()
        assert json.dumps(stored.strokes) == json.dumps(DRAWN.strokes)  # types and order too
        for name in ("label", "canvas_width", "canvas_height", "predicted", "probabilities"):
            assert getattr(stored, name) == getattr(DRAWN, name), name
        assert (stored.model_version, stored.source, stored.contributor) == (
            "mlp-2024-06-01-abc123",
            "draw",
            "c0ffee-browser-id",
        )
        assert stored.created_at.utcoffset() == timedelta(0)
        assert before - timedelta(seconds=1) <= stored.created_at <= datetime.now(UTC)
    assert got.id == added.id
    assert got.created_at == added.created_at
    assert not got.pixels.flags.writeable
    # add returns after COMMIT: another engine sees the sample at once.
    other = open_store(database_url)
    try:
        seen = other.get(added.id)
        assert seen is not None
        assert seen.label == 7
    finally:
        other.close()


def test_missing_fields_are_stored_as_sql_null(store: SampleStore) -> None:
    added = store.add(NewSample(label=0, pixels=pixels()))
    got = store.get(added.id)
    assert got is not None
    assert (got.strokes, got.probabilities, got.predicted, got.canvas_width) == (None,) * 4
    with store.engine.connect() as connection:
        query = "SELECT count(*) FROM samples WHERE strokes IS NULL AND probabilities IS NULL"
        assert connection.execute(text(query)).scalar() == 1


def test_get_of_an_unknown_id_is_none(store: SampleStore) -> None:
    assert store.get(12345) is None


def test_list_is_newest_first_and_filters_by_label(store: SampleStore) -> None:
    added = add_many(store, [1, 2, 1, 3, 1])
    assert ids(store.list().items) == ids(added)[::-1]
    assert ids(store.list(label=1).items) == [added[4].id, added[2].id, added[0].id]
    assert store.list(label=9).items == []


def test_wrong_only_keeps_samples_whose_prediction_differs(store: SampleStore) -> None:
    no_prediction = store.add(sample(4))
    right = store.add(sample(4, predicted=4))
    wrong = store.add(sample(4, predicted=9))
    other_wrong = store.add(sample(5, predicted=6))
    assert ids(store.list(wrong_only=True).items) == [other_wrong.id, wrong.id]
    assert ids(store.list(wrong_only=True, label=4).items) == [wrong.id]
    assert {no_prediction.id, right.id}.isdisjoint(ids(store.list(wrong_only=True).items))


@pytest.mark.parametrize("count", [23, 20])
def test_pages_cover_every_sample_once(store: SampleStore, count: int) -> None:
    added = add_many(store, [i % 10 for i in range(count)])
    seen: list[int] = []
    page = store.list(limit=5)
    pages = 1
    while page.next_before_id is not None:
        late = store.add(sample(0))  # newer than every page: must not shift the pages
        page_ids = ids(page.items)
        seen += page_ids
        assert page.next_before_id == page_ids[-1]
        page = store.list(limit=5, before_id=page.next_before_id)
        pages += 1
        assert late.id not in ids(page.items)
    seen += ids(page.items)
    assert seen == ids(added)[::-1]
    assert pages == -(-count // 5)


def test_pages_of_one_label(store: SampleStore) -> None:
    added = add_many(store, [2, 3] * 7)
    twos = [stored.id for stored in added if stored.label == 2][::-1]
    first = store.list(label=2, limit=4)
    second = store.list(label=2, limit=4, before_id=first.next_before_id)
    assert ids(first.items) + ids(second.items) == twos
    assert second.next_before_id is None


@pytest.mark.parametrize(
    ("arguments", "message"),
    [({"limit": 0}, "limit must be at least 1"), ({"label": 10}, "label must be a digit")],
)
def test_list_refuses_bad_arguments(
    store: SampleStore, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        store.list(**arguments)


def test_stats_count_labels_and_matched_predictions(store: SampleStore) -> None:
    empty = store.stats()
    assert (empty.total, empty.with_prediction, empty.prediction_matched) == (0, 0, 0)
    assert empty.per_label == dict.fromkeys(range(10), 0)
    for label, predicted in [(1, 1), (1, 7), (1, None), (8, 8), (8, 8), (0, None)]:
        store.add(sample(label, predicted))
    stats = store.stats()
    assert stats.total == 6
    assert stats.per_label == {**dict.fromkeys(range(10), 0), 0: 1, 1: 3, 8: 2}
    assert list(stats.per_label) == list(range(10))
    assert (stats.with_prediction, stats.prediction_matched) == (4, 3)


def test_a_contributors_labels_and_pixels_are_theirs_only(store: SampleStore) -> None:
    mine = [store.add(sample(label, contributor="me")) for label in (1, 7, 7)]
    store.add(sample(2, contributor="someone-else"))
    store.add(sample(3))
    assert store.contributor_labels("me") == {s.id: s.label for s in mine}
    assert store.contributor_labels("nobody") == {}
    ModerationStore(store.engine).decide(mine[0].id, label=4)
    store.delete(mine[1].id)
    assert store.contributor_labels("me") == {mine[0].id: 4, mine[2].id: 7}
    found = store.samples_of([mine[0].id, mine[1].id, mine[2].id])
    assert set(found) == {mine[0].id, mine[2].id}  # the deleted one is gone
    assert np.array_equal(found[mine[2].id].pixels, mine[2].pixels)
    assert found[mine[0].id].label == 4 and found[mine[0].id].contributor == "me"
    assert store.samples_of([]) == {}


def test_delete_removes_one_sample(store: SampleStore) -> None:
    kept, deleted = add_many(store, [1, 2])
    assert store.delete(deleted.id) is True
    assert store.get(deleted.id) is None
    assert store.delete(deleted.id) is False
    assert ids(store.list().items) == [kept.id]


@pytest.mark.parametrize(
    ("count", "batch_size", "queries"),
    [
        (10, 3, 4),  # 9 left after the delete: three full batches, then an empty one
        (11, 3, 4),  # 10 left: 3 + 3 + 3 + 1
        (2, 1000, 1),
    ],
)
def test_iter_all_reads_in_id_order_batch_by_batch(
    store: SampleStore, count: int, batch_size: int, queries: int
) -> None:
    added = add_many(store, [i % 10 for i in range(count)])
    store.delete(added[1].id)  # a gap in the ids
    selects = count_statements(store, "SELECT")
    iterator = store.iter_all(batch_size=batch_size)
    first = next(iterator)
    assert len(selects) == 1  # lazily: one batch read so far
    rest = list(iterator)
    assert ids([first, *rest]) == [added[0].id, *ids(added[2:])]
    assert len(selects) == queries


def test_iter_all_refuses_an_empty_batch_at_once(store: SampleStore) -> None:
    with pytest.raises(ValueError, match="batch_size must be at least 1, got 0"):
        store.iter_all(batch_size=0)


def test_idempotency_key_returns_the_first_sample(store: SampleStore) -> None:
    first = store.add(sample(2), idempotency_key="req-1")
    again = store.add(sample(5), idempotency_key="req-1")
    other = store.add(sample(5), idempotency_key="req-2")
    assert again.id == first.id
    assert again.label == 2
    assert other.id != first.id
    assert store.stats().total == 2


def in_threads(count: int, work: Callable[[int], Sample]) -> list[Sample]:
    """Run ``work(0..count-1)`` in ``count`` threads released together."""
    start = threading.Barrier(count)

    def run(index: int) -> Sample:
        start.wait()
        return work(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_concurrent_adds_with_one_key_store_one_sample(store: SampleStore) -> None:
    results = in_threads(8, lambda i: store.add(sample(i), idempotency_key="same"))
    assert len({stored.id for stored in results}) == 1
    assert len({stored.label for stored in results}) == 1
    assert store.stats().total == 1


def test_concurrent_adds_all_land_exactly_once(store: SampleStore) -> None:
    def add_25(thread: int) -> Sample:
        for i in range(25):
            last = store.add(sample(i % 10, contributor=f"thread{thread}-{i}"))
        return last

    in_threads(8, add_25)
    contributors = [stored.contributor for stored in store.iter_all(batch_size=64)]
    expected = {f"thread{thread}-{i}" for thread in range(8) for i in range(25)}
    assert len(contributors) == 200
    assert set(contributors) == expected
    assert store.stats().total == 200


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"label": 10}, r"label must be a digit 0\.\.9, got 10"),
        ({"label": -1}, "label must be a digit"),
        ({"label": True}, "label must be a digit"),
        ({"label": 3.0}, "label must be a digit"),
        ({"pixels": np.zeros((28, 27), np.uint8)}, r"pixels must be a \(28, 28\) uint8 array"),
        ({"pixels": np.zeros((28, 28), np.float32)}, r"got \(28, 28\) float32"),
        ({"pixels": [[0] * 28] * 28}, "pixels must be"),
        ({"predicted": 12}, "predicted must be a digit"),
        ({"probabilities": [0.1] * 9}, "probabilities must hold 10 numbers, got 9"),
        ({"probabilities": [float("nan")] * 10}, "each probability must be finite"),
        ({"canvas_width": float("inf")}, "canvas_width must be finite"),
        ({"strokes": {"x": 1}}, "strokes must be a list or None, got dict"),
        ({"strokes": [[{"x": float("nan")}]]}, "strokes must be plain JSON"),
        ({"strokes": [[{1, 2}]]}, "strokes must be plain JSON"),
        ({"source": "s" * 33}, "source must be at most 32 characters, got 33"),
        ({"contributor": "c" * 65}, "contributor must be at most 64 characters, got 65"),
        ({"model_version": 1.5}, "model_version must be text or None, got float"),
    ],
)
def test_invalid_samples_are_refused_and_nothing_is_stored(
    store: SampleStore, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        store.add(dataclasses.replace(DRAWN, **change))
    assert store.stats().total == 0


def test_an_overlong_idempotency_key_is_refused(store: SampleStore) -> None:
    with pytest.raises(ValueError, match="idempotency_key must be at most 128 characters"):
        store.add(DRAWN, idempotency_key="k" * 129)
    assert store.add(DRAWN, idempotency_key="k" * 128).label == 7


def test_an_add_failing_after_its_insert_leaves_nothing(store: SampleStore) -> None:
    def fail(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT"):
            raise RuntimeError("failure after the INSERT, before COMMIT")

    inserts = count_statements(store, "INSERT")
    event.listen(store.engine, "after_cursor_execute", fail)
    with pytest.raises(RuntimeError, match="before COMMIT"):
        store.add(DRAWN, idempotency_key="retry-me")
    event.remove(store.engine, "after_cursor_execute", fail)
    assert len(inserts) == 1  # the row was written, then rolled back
    assert store.stats().total == 0
    # Nothing half-written: the same key is free, and the retry stores the sample.
    retried = store.add(DRAWN, idempotency_key="retry-me")
    assert [stored.id for stored in store.iter_all()] == [retried.id]


def test_a_contributors_revision_changes_with_every_change_to_their_drawings(
    store: SampleStore,
) -> None:
    moderation = ModerationStore(store.engine)
    seen = [store.contributor_revision("me")]
    assert seen == [0] and store.contributor_revision("nobody") == 0

    def changed() -> None:
        now = store.contributor_revision("me")
        assert now != seen[-1]
        seen.append(now)

    first = store.add(sample(1, contributor="me")).id
    changed()
    store.add_many([sample(2, contributor="me"), sample(3, contributor="me")])
    changed()
    digits = [sample(1, contributor="me"), sample(2, contributor="me")]
    store.add_number(NewNumber(label="12", split=[[0], [1]], contributor="me"), digits)
    changed()
    store.add(sample(4, contributor="someone-else"))
    assert store.contributor_revision("me") == seen[-1]  # nobody else's drawings count
    moderation.decide(first, label=7)
    changed()
    moderation.decide(first, status="rejected")
    changed()
    store.delete(first)
    changed()
    store.delete_contributed("me")
    changed()
    moderation.block("me")
    changed()
    assert store.contributor_revision("someone-else") == 1


def test_the_labels_for_a_personal_pad_are_read_from_the_index_alone(tmp_path: Any) -> None:
    """Their rows hold strokes and pixels (kilobytes each): the query must not read them."""
    store = open_store(f"sqlite:///{tmp_path / 'plan.db'}")
    try:
        query = _LABELS.params(contributor="me").compile(
            store.engine, compile_kwargs={"literal_binds": True}
        )
        with store.engine.connect() as connection:
            plan = connection.execute(text(f"EXPLAIN QUERY PLAN {query}")).all()
        assert "COVERING INDEX ix_samples_contributor_label_id_status" in str(plan)
    finally:
        store.close()
