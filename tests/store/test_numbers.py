"""Contributed numbers in the store: the number and its digits in one transaction, retries,
and forgetting a contributor, on SQLite and PostgreSQL."""

import numpy as np
import pytest
from sqlalchemy import text

from app.store import NewNumber, NewSample, SampleStore


def digit(label: int, strokes: list[list[list[float]]]) -> NewSample:
    return NewSample(
        label=label,
        pixels=np.full((28, 28), label, np.uint8),
        strokes=strokes,
        canvas_width=600.0,
        canvas_height=280.0,
        contributor="me",
    )


def numbers_count(store: SampleStore) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM numbers")).scalar_one())


NUMBER = NewNumber(label="42", split=[[0, 1], [2]], predicted="41", source="draw", contributor="me")
DIGITS = [digit(4, [[[10, 10]], [[20, 10]]]), digit(2, [[[300, 10]]])]


def test_a_number_and_its_digits_are_stored_together(store: SampleStore) -> None:
    stored = store.add_number(NUMBER, DIGITS, idempotency_key="k")
    assert stored.label == "42" and len(stored.sample_ids) == 2
    samples = [store.get(i) for i in stored.sample_ids]
    assert [s.label for s in samples if s] == [4, 2]
    assert [(s.number_id, s.number_position) for s in samples if s] == [
        (stored.id, 0),
        (stored.id, 1),
    ]
    assert store.add_number(NUMBER, DIGITS, idempotency_key="k") == stored  # a retry
    assert numbers_count(store) == 1 and store.stats().total == 2


def test_a_bad_digit_stores_nothing(store: SampleStore) -> None:
    broken = NewSample(label=2, pixels=np.zeros((27, 28), np.uint8))
    with pytest.raises(ValueError, match="pixels must be a"):
        store.add_number(NUMBER, [DIGITS[0], broken])
    with pytest.raises(ValueError, match="one sample and one group of strokes per digit"):
        store.add_number(NUMBER, DIGITS[:1])
    with pytest.raises(ValueError, match="label must be"):
        store.add_number(NewNumber(label="4x", split=[[0], [1]]), DIGITS)
    assert numbers_count(store) == 0 and store.stats().total == 0


def test_forgetting_a_contributor_forgets_their_numbers(store: SampleStore) -> None:
    store.add_number(NUMBER, DIGITS)
    other = NewNumber(label="7", split=[[0]], contributor="you")
    store.add_number(other, [NewSample(label=7, pixels=np.zeros((28, 28), np.uint8))])
    assert store.delete_contributed("me") == 2
    assert numbers_count(store) == 1 and store.stats().total == 1
