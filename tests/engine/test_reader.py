"""The reader: inputs checked and framed, networks averaged, a contributor's drawings blended."""

import numpy as np
import pytest

from app.engine import checkpoint
from app.engine.card import Preprocessing
from app.engine.errors import EmptyDrawing, InvalidInput
from app.engine.network import MLP
from app.engine.personal import Personal
from app.engine.preprocess import strokes_to_pixels
from app.engine.preprocess.slant import deskew
from app.engine.reader import Ink, Limits, Reader, combine
from app.engine.trajectory import FEATURES, trajectory_features

ONE = [[[140.0, 40.0 + 10 * i] for i in range(21)]]


def reader(count: int = 1) -> Reader:
    networks = tuple(
        MLP.initialise((784, 16, 8, 10), "relu", np.random.default_rng(s)) for s in range(count)
    )
    return Reader(checkpoint.unsaved(networks))


def test_one_network_answers_with_its_own_probabilities() -> None:
    r = reader()
    image = strokes_to_pixels(ONE, 280, 280)
    (reading,) = r.read([Ink(image)])
    expected = r.network.predict_proba(image.reshape(1, 784))[0]
    np.testing.assert_allclose(reading.probabilities, expected, rtol=1e-6)
    assert reading.digit == int(expected.argmax())
    np.testing.assert_array_equal(reading.pixels, image)
    assert reading.personal is None and r.version == r.card.version


def test_several_networks_are_averaged() -> None:
    r = reader(3)
    X = np.random.default_rng(0).random((5, 784), dtype=np.float32)
    mean = sum(n.predict_proba(X) for n in r.networks) / 3
    np.testing.assert_allclose(r.probabilities(X), mean, rtol=1e-5)
    readings = r.read([Ink(x) for x in X.reshape(5, 28, 28)])
    assert [x.digit for x in readings] == mean.argmax(axis=1).tolist()


def test_inputs_are_checked_against_the_limits() -> None:
    tight = Limits(max_strokes=1, max_points_per_stroke=5, max_points=8)
    two = [[[0.0, 0.0], [1.0, 1.0]], [[2.0, 2.0]]]
    with pytest.raises(InvalidInput, match="expected at most 1 strokes, got 2"):
        reader(1).from_strokes(two, 280, 280, tight)
    with pytest.raises(InvalidInput, match="stroke 0: expected at most 5 points, got 6"):
        reader(1).from_strokes([[[0.0, float(i)] for i in range(6)]], 280, 280, tight)
    with pytest.raises(EmptyDrawing):
        reader(1).from_strokes([[]], 280, 280, tight)
    ink = reader(1).from_strokes(ONE, 280, 280, Limits())
    np.testing.assert_array_equal(ink.pixels, strokes_to_pixels(ONE, 280, 280))
    assert ink.path is not None
    np.testing.assert_array_equal(ink.path, trajectory_features(ONE))
    assert Reader.from_pixels([[0.5] * 28] * 28).path is None
    with pytest.raises(InvalidInput):
        Reader.from_pixels([[0.5] * 27] * 28)


def test_a_contributors_drawings_move_the_answer_towards_their_label() -> None:
    r = reader()
    image = strokes_to_pixels(ONE, 280, 280)
    X = image.reshape(1, 784)
    plain = r.read([Ink(image)])[0]
    label = (plain.digit + 3) % 10  # a label the network does not give this drawing
    others = np.random.default_rng(1).random((9, 784), dtype=np.float32)
    personal = Personal.of(
        r.features(np.concatenate([X, others])), [label, *[d for d in range(10) if d != label]]
    )
    blended = r.read([Ink(image)], personal=personal)[0]
    assert blended.digit == label
    assert blended.personal is not None and blended.personal.samples == 10
    assert 0 < blended.personal.weight <= 1
    assert blended.probabilities[label] > plain.probabilities[label]


def with_paths(weight: float) -> Reader:
    rng = np.random.default_rng(5)
    images = MLP.initialise((784, 16, 10), "relu", rng)
    paths = tuple(MLP.initialise((FEATURES, 16, 10), "relu", rng) for _ in range(2))
    return Reader(checkpoint.unsaved(images, checkpoint.PathNetworks(paths, weight)))


def test_drawings_are_read_by_image_and_trajectory_together_images_by_the_image_alone() -> None:
    r = with_paths(0.4)
    assert r.paths is not None
    drawn = r.from_strokes(ONE, 280, 280, Limits())
    assert drawn.path is not None
    X, path = drawn.pixels.reshape(1, 784), drawn.path.reshape(1, -1)
    image_p = r.network.predict_proba(X)
    path_p = (r.paths.networks[0].predict_proba(path) + r.paths.networks[1].predict_proba(path)) / 2
    expected = combine(image_p, path_p, 0.4)[0]
    as_drawing, as_image = r.read([drawn, Ink(drawn.pixels)])  # one batch, mixed
    np.testing.assert_allclose(as_drawing.probabilities, expected, rtol=1e-5)
    np.testing.assert_allclose(as_image.probabilities, image_p[0], rtol=1e-5)
    np.testing.assert_allclose(r.probabilities(X, path)[0], expected, rtol=1e-5)


def test_combine_is_a_weighted_geometric_mean_of_the_two_readers() -> None:
    a = np.array([[0.7, 0.2, 0.1] + [0.0] * 7], dtype=np.float32)
    b = np.array([[0.1, 0.8, 0.1] + [0.0] * 7], dtype=np.float32)
    np.testing.assert_allclose(combine(a, b, 0.0), a, atol=1e-6)
    np.testing.assert_allclose(combine(a, b, 1.0), b, atol=1e-6)
    half = combine(a, b, 0.5)[0]
    assert half.dtype == np.float32 and abs(half.sum() - 1) < 1e-6
    raw = np.sqrt(a[0, :3] * b[0, :3])
    np.testing.assert_allclose(half[:3], raw / raw.sum(), rtol=1e-4)
    assert half[1] > half[0]  # 0.8 * 0.2 beats 0.7 * 0.1


def test_points_with_times_give_the_same_ink_as_points_without() -> None:
    timed = [[[x, y, 1000.0 + i] for i, (x, y) in enumerate(stroke)] for stroke in ONE]
    plain, with_times = (reader(1).from_strokes(d, 280, 280, Limits()) for d in (ONE, timed))
    np.testing.assert_array_equal(plain.pixels, with_times.pixels)
    assert plain.path is not None and with_times.path is not None
    np.testing.assert_array_equal(plain.path, with_times.path)


def test_features_have_an_image_part_and_a_path_part_for_drawings() -> None:
    r = with_paths(0.3)
    drawn = r.from_strokes(ONE, 280, 280, Limits())
    pictured = Ink(drawn.pixels)
    F = r.features_of([drawn, pictured])
    split = r.image_features
    assert split == r.network.sizes[-2] and F.shape == (2, split + 16)
    np.testing.assert_allclose(np.linalg.norm(F[:, :split], axis=1), 1, atol=1e-4)
    assert np.linalg.norm(F[0, split:]) == pytest.approx(1, abs=1e-4)
    assert not F[1, split:].any()  # an image has no path
    np.testing.assert_allclose(
        F[:, :split], r.features(drawn.pixels.reshape(1, -1)).repeat(2, 0)[:, :split], rtol=1e-5
    )
    assert reader().features(drawn.pixels.reshape(1, -1)).shape == (1, 8)  # images only


def test_moderation_reads_probabilities_and_image_features_in_one_pass() -> None:
    r = with_paths(0.3)
    inks = [r.from_strokes(ONE, 280, 280, Limits()), Ink(strokes_to_pixels(ONE, 280, 280))]
    p, F = r.assess(inks)
    np.testing.assert_allclose(p, r.probabilities_of(inks), rtol=1e-5)
    np.testing.assert_allclose(F, r.features_of(inks)[:, : r.image_features], rtol=1e-5)
    X = np.stack([ink.pixels.reshape(-1) for ink in inks])
    np.testing.assert_allclose(r.image_features_of(X), F, rtol=1e-5, atol=1e-6)


def test_a_version_trained_upright_reads_images_with_their_slant_taken_out() -> None:
    network = MLP.initialise((784, 16, 10), "relu", np.random.default_rng(4))
    upright = Reader(checkpoint.unsaved(network, None, Preprocessing(deskew=True)))
    leaning = strokes_to_pixels([[[100.0, 250.0], [180.0, 30.0]]], 280, 280)
    X = leaning.reshape(1, 784)
    seen = deskew(X)
    assert np.abs(seen - X).max() > 0.5  # the slant was there to take out
    np.testing.assert_allclose(upright.probabilities(X), network.predict_proba(seen), rtol=1e-5)
    (reading,) = upright.read([Ink(leaning)])
    np.testing.assert_allclose(reading.pixels, seen.reshape(28, 28))  # the image it saw
    np.testing.assert_allclose(
        upright.features(X), Reader(checkpoint.unsaved(network)).features(seen)
    )


def test_a_version_draws_strokes_with_its_own_pen() -> None:
    network = MLP.initialise((784, 16, 10), "relu", np.random.default_rng(4))
    thin = Reader(checkpoint.unsaved(network, None, Preprocessing(pen_width=1.75)))
    ink = thin.from_strokes(ONE, 280, 280, Limits())
    np.testing.assert_array_equal(ink.pixels, strokes_to_pixels(ONE, 280, 280, pen_width=1.75))
    assert ink.pixels.sum() < reader(1).from_strokes(ONE, 280, 280, Limits()).pixels.sum()
