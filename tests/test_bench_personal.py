"""bench/personal.py: which of a writer's digits are saved, and which are read."""

import numpy as np

from app.engine.unipen import PenDigits
from bench.personal import saved_and_rest


def digits_of(writers: list[str], labels: list[int]) -> PenDigits:
    n = len(labels)
    stroke = (np.zeros((2, 2)),)
    return PenDigits(
        labels=np.array(labels, dtype=np.int64),
        writers=np.array(writers),
        sites=np.array(["x"] * n),
        checked=np.ones(n, dtype=bool),
        strokes=tuple(stroke for _ in range(n)),
        ids=np.arange(n, dtype=np.int64),
    )


def test_k_of_each_digit_are_saved_and_the_rest_read() -> None:
    labels = [d for d in range(10) for _ in range(4)]  # "a" wrote four of every digit
    labels_b = [d for d in range(10) for _ in range(2)]  # "b" two of every digit
    digits = digits_of(["a"] * 40 + ["b"] * 20, labels + labels_b)
    for k in (1, 2, 3):
        draws = saved_and_rest(digits, k, np.random.default_rng(k))
        assert len(draws) == (1 if k >= 2 else 2)  # a writer needs more than k of each
        for saved, rest in draws:
            writer = set(digits.writers[np.concatenate([saved, rest])].tolist())
            assert len(writer) == 1
            assert np.bincount(digits.labels[saved], minlength=10).tolist() == [k] * 10
            assert not set(saved) & set(rest)
            assert len(saved) + len(rest) == (digits.writers == writer.pop()).sum()
    first = saved_and_rest(digits, 3, np.random.default_rng(0))[0][0]
    again = saved_and_rest(digits, 3, np.random.default_rng(0))[0][0]
    other = saved_and_rest(digits, 3, np.random.default_rng(1))[0][0]
    assert first.tolist() == again.tolist() and first.tolist() != other.tolist()
