import numpy as np
import pytest

from app.engine.errors import ModelFileError
from app.engine.insights import average_inputs, insights_on, mistakes_in, pack, unpack
from app.engine.network import MLP


def reader_of_mass() -> MLP:
    """A linear 784-10 network that reads an image as the digit of its brightest tenth
    (pixels 0..77 vote for 0, 78..155 for 1, ...): its answers are easy to foresee."""
    net = MLP.initialise((784, 10), "relu", np.random.default_rng(0))
    net.weights[0][:] = 0
    for d in range(10):
        net.weights[0][d * 78 : (d + 1) * 78, d] = 1
    net.biases[0][:] = 0
    return net


def image_for(digit: int, strength: float) -> np.ndarray:
    image = np.zeros(784, dtype=np.float32)
    image[digit * 78 : digit * 78 + 10] = strength
    return image


def test_pack_round_trips_and_refuses_what_does_not_fit() -> None:
    pixels = np.random.default_rng(0).integers(0, 256, (3, 784), dtype=np.uint8)
    text = pack(pixels)
    np.testing.assert_array_equal(unpack(text, 3), pixels)
    with pytest.raises(ModelFileError, match="expected 4 pictures of 784 bytes, got 2352"):
        unpack(text, 4)
    with pytest.raises(ModelFileError, match="base64 of zlib"):
        unpack("not base64!", 1)


def test_mistakes_are_kept_per_cell_most_confident_first() -> None:
    # Five images of 3 read as 5 (with rising confidence), one 3 read right, one 8 read as 2.
    images = [image_for(5, s) for s in (0.2, 0.6, 0.4, 1.0, 0.8)]
    images += [image_for(3, 1.0), image_for(2, 0.5)]
    labels = np.array([3, 3, 3, 3, 3, 3, 8])
    data = insights_on(reader_of_mass(), np.stack(images), labels, per_cell=3)
    found = data["mistakes"]
    assert data["n"] == 7
    assert found["count"] == 4
    assert found["index"] == [3, 4, 1, 6]  # cell (3, 5), surest first, then cell (8, 2)
    assert found["true"] == [3, 3, 3, 8] and found["predicted"] == [5, 5, 5, 2]
    kept = mistakes_in(data, 3, 5)
    assert [m.index for m in kept] == [3, 4, 1]
    confidence = [m.probabilities[5] for m in kept]
    assert confidence == sorted(confidence, reverse=True)
    assert kept[0].picture.shape == (28, 28) and kept[0].picture.dtype == np.uint8
    np.testing.assert_array_equal(kept[0].picture.ravel(), np.rint(images[3] * 255))
    assert mistakes_in(data, 0, 1) == []


def test_average_inputs_are_the_mean_image_per_answer() -> None:
    images = np.stack([image_for(4, 1.0), image_for(4, 0.5), image_for(7, 1.0)])
    data = insights_on(reader_of_mass(), images, np.array([4, 4, 1]))
    assert data["average_inputs"]["count"] == [0, 0, 0, 0, 2, 0, 0, 1, 0, 0]
    means, difference = average_inputs(data)
    assert means.shape == (10, 28, 28) and means.dtype == np.uint8
    np.testing.assert_array_equal(means[4].ravel(), np.rint(images[:2].mean(axis=0) * 255))
    np.testing.assert_array_equal(means[7].ravel(), np.rint(images[2] * 255))
    assert not means[0].any() and not difference[0].any()  # never answered
    # Digit 7's pixels are bright only in its own images: above the overall mean there.
    assert difference[7].ravel()[7 * 78] > 0 > difference[7].ravel()[4 * 78]
