"""The reader: inputs checked and framed, networks averaged, a contributor's drawings blended."""

import numpy as np
import pytest

from app.engine import checkpoint
from app.engine.errors import EmptyDrawing, InvalidInput
from app.engine.network import MLP
from app.engine.personal import Personal
from app.engine.preprocess import strokes_to_pixels
from app.engine.reader import Limits, Reader

ONE = [[[140.0, 40.0 + 10 * i] for i in range(21)]]


def reader(count: int = 1) -> Reader:
    networks = tuple(
        MLP.initialise((784, 16, 8, 10), "relu", np.random.default_rng(s)) for s in range(count)
    )
    return Reader(checkpoint.unsaved(networks))


def test_one_network_answers_with_its_own_probabilities() -> None:
    r = reader()
    image = strokes_to_pixels(ONE, 280, 280)
    (reading,) = r.read([image])
    expected = r.network.predict_proba(image.reshape(1, 784))[0]
    np.testing.assert_allclose(reading.probabilities, expected, rtol=1e-6)
    assert reading.digit == int(expected.argmax()) and reading.pixels is image
    assert reading.personal is None and r.version == r.card.version


def test_several_networks_are_averaged() -> None:
    r = reader(3)
    X = np.random.default_rng(0).random((5, 784), dtype=np.float32)
    mean = sum(n.predict_proba(X) for n in r.networks) / 3
    np.testing.assert_allclose(r.probabilities(X), mean, rtol=1e-5)
    readings = r.read(list(X.reshape(5, 28, 28)))
    assert [x.digit for x in readings] == mean.argmax(axis=1).tolist()


def test_inputs_are_checked_against_the_limits() -> None:
    tight = Limits(max_strokes=1, max_points_per_stroke=5, max_points=8)
    two = [[[0.0, 0.0], [1.0, 1.0]], [[2.0, 2.0]]]
    with pytest.raises(InvalidInput, match="expected at most 1 strokes, got 2"):
        Reader.from_strokes(two, 280, 280, tight)
    with pytest.raises(InvalidInput, match="stroke 0: expected at most 5 points, got 6"):
        Reader.from_strokes([[[0.0, float(i)] for i in range(6)]], 280, 280, tight)
    with pytest.raises(EmptyDrawing):
        Reader.from_strokes([[]], 280, 280, tight)
    image = Reader.from_strokes(ONE, 280, 280, Limits())
    np.testing.assert_array_equal(image, strokes_to_pixels(ONE, 280, 280))
    with pytest.raises(InvalidInput):
        Reader.from_pixels([[0.5] * 27] * 28)


def test_a_contributors_drawings_move_the_answer_towards_their_label() -> None:
    r = reader()
    image = strokes_to_pixels(ONE, 280, 280)
    X = image.reshape(1, 784)
    plain = r.read([image])[0]
    label = (plain.digit + 3) % 10  # a label the network does not give this drawing
    others = np.random.default_rng(1).random((9, 784), dtype=np.float32)
    personal = Personal.of(
        r.features(np.concatenate([X, others])), [label, *[d for d in range(10) if d != label]]
    )
    blended = r.read([image], personal=personal)[0]
    assert blended.digit == label
    assert blended.personal is not None and blended.personal.samples == 10
    assert 0 < blended.personal.weight <= 1
    assert blended.probabilities[label] > plain.probabilities[label]
