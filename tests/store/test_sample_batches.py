"""Samples written and read in batches (``add_many``, ``iter_matching``), on SQLite and
PostgreSQL (see conftest.py)."""

from typing import Any

import numpy as np
import pytest
from sqlalchemy import event

from app.store import NewSample, SampleStore
from tests.store.test_samples import DRAWN, count_statements, ids, pixels, sample


def test_add_many_stores_every_sample_as_add_does(store: SampleStore) -> None:
    batch = [sample(3), DRAWN, sample(9, predicted=4, source="import")]
    new_ids = store.add_many(batch)
    assert len(new_ids) == 3 and list(new_ids) == sorted(new_ids)
    stored = store.samples_of(new_ids)
    for sample_id, sent in zip(new_ids, batch, strict=True):
        got = stored[sample_id]
        np.testing.assert_array_equal(got.pixels, sent.pixels)
        for name in ("label", "strokes", "canvas_width", "canvas_height", "predicted",
                     "probabilities", "model_version", "source", "contributor"):  # fmt: skip
            assert getattr(got, name) == getattr(sent, name), name
    assert store.add_many([]) == ()


def test_add_many_checks_every_sample_before_writing_any(store: SampleStore) -> None:
    bad = NewSample(label=10, pixels=pixels())
    with pytest.raises(ValueError, match=r"sample 2: label must be a digit 0\.\.9, got 10"):
        store.add_many([sample(1), sample(2), bad])
    assert list(store.iter_all()) == []


def test_add_many_is_one_transaction(store: SampleStore) -> None:
    """A failure in the database after some rows went in leaves none of them."""
    many = [sample(i % 10) for i in range(2500)]
    inserts = count_statements(store, "INSERT")
    store.add_many(many)
    statements = len(inserts)
    assert statements >= 2  # the rows go in over several INSERT statements
    inserts.clear()

    def fail_the_last(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT") and len(inserts) == statements:
            raise RuntimeError("the database went away")

    event.listen(store.engine, "before_cursor_execute", fail_the_last)
    with pytest.raises(RuntimeError, match="went away"):
        store.add_many(many)
    event.remove(store.engine, "before_cursor_execute", fail_the_last)
    assert len(inserts) == statements  # all but the last went through, then were undone
    assert sum(1 for _ in store.iter_all()) == len(many)
    assert len(store.add_many(many[:5])) == 5  # the store is usable afterwards


def test_iter_matching_keeps_a_label_after_an_id_batch_by_batch(store: SampleStore) -> None:
    added = store.add_many([sample(i % 3) for i in range(12)])  # labels 0 1 2 0 1 2 ...
    selects = count_statements(store, "SELECT")
    twos = store.iter_matching(label=2, batch_size=2)
    first = next(twos)
    assert len(selects) == 1  # lazily: one batch read so far
    assert ids([first, *twos]) == list(added[2::3])
    assert len(selects) == 3  # four matches: two full batches, then an empty one
    assert ids(list(store.iter_matching(after_id=added[8]))) == list(added[9:])
    assert ids(list(store.iter_matching(label=0, after_id=added[3]))) == [added[6], added[9]]
    assert list(store.iter_matching(after_id=added[-1])) == []


def test_iter_matching_refuses_bad_arguments_at_once(store: SampleStore) -> None:
    with pytest.raises(ValueError, match="batch_size must be at least 1, got 0"):
        store.iter_matching(batch_size=0)
    with pytest.raises(ValueError, match=r"label must be a digit 0\.\.9, got 10"):
        store.iter_matching(label=10)
