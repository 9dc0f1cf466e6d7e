"""Tests of app.engine.augment: exact warps against NumPy references, then random batches."""

from dataclasses import replace

import numpy as np
import pytest

from app.engine.augment import (
    AugmentConfig,
    affine_matrices,
    augment,
    elastic_displacement,
    gaussian_matrix,
    warp,
)
from app.engine.errors import ConfigError, InvalidInput

OFF = AugmentConfig(
    rotation_deg=0,
    scale=(1, 1),
    shear=0,
    translate_px=0,
    elastic_alpha=0,
    elastic_prob=0,
    restroke=0,
)


def random_images(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((n, 784), dtype=np.float32)


def blob(n: int) -> np.ndarray:
    """(n, 784) copies of a round Gaussian blob of ink in the middle."""
    d = np.arange(28) - 13.5
    image = np.exp(-(d[:, None] ** 2 + d[None, :] ** 2) / (2 * 3.0**2))
    return np.tile(image.astype(np.float32).ravel(), (n, 1))


def shifted(image: np.ndarray, tx: int, ty: int) -> np.ndarray:
    """The 28x28 image moved right by tx and down by ty, zero where nothing moved in."""
    out = np.zeros_like(image)
    out[max(ty, 0) : 28 + min(ty, 0), max(tx, 0) : 28 + min(tx, 0)] = image[
        max(-ty, 0) : 28 + min(-ty, 0), max(-tx, 0) : 28 + min(-tx, 0)
    ]
    return out


def test_all_distortions_off_return_a_copy_of_the_input() -> None:
    images = random_images(5)
    before = images.copy()
    out = augment(images, np.random.default_rng(0), OFF)
    np.testing.assert_allclose(out, images, atol=1e-6)
    assert not np.shares_memory(out, images)
    np.testing.assert_array_equal(images, before)


@pytest.mark.parametrize(("tx", "ty"), [(3, 0), (0, -2), (-4, 5), (27, 0)])
def test_integer_translation_shifts_with_zero_fill(tx: int, ty: int) -> None:
    images = random_images(2)
    A = affine_matrices([0, 0], [1, 1], [0, 0], [(tx, ty), (tx, ty)])
    out = warp(images, A)
    for image, moved in zip(images, out, strict=True):
        expected = shifted(image.reshape(28, 28), tx, ty)
        np.testing.assert_allclose(moved.reshape(28, 28), expected, atol=1e-5)


def test_half_pixel_translation_averages_neighbours() -> None:
    image = random_images(1)
    out = warp(image, affine_matrices([0], [1], [0], [(0.5, 0)]))
    grid = image.reshape(28, 28)
    left = np.pad(grid, ((0, 0), (1, 0)))[:, :28]  # each pixel's left neighbour, 0 at x = 0
    np.testing.assert_allclose(out.reshape(28, 28), (grid + left) / 2, atol=1e-5)


def test_rotation_by_90_degrees_is_counter_clockwise_like_rot90() -> None:
    images = random_images(3)
    out = warp(images, affine_matrices([90] * 3, [1] * 3, [0] * 3, np.zeros((3, 2))))
    for image, turned in zip(images, out, strict=True):
        expected = np.rot90(image.reshape(28, 28))
        np.testing.assert_allclose(turned.reshape(28, 28), expected, atol=1e-5)


def test_affine_matrices_invert_the_documented_forward_map() -> None:
    rng = np.random.default_rng(0)
    theta_deg, s, k = rng.uniform(-30, 30, 4), rng.uniform(0.5, 2, 4), rng.uniform(-1, 1, 4)
    t = rng.uniform(-3, 3, (4, 2))
    A = affine_matrices(theta_deg, s, k, t).astype(np.float64)
    c = np.array([13.5, 13.5])
    for i, theta in enumerate(np.radians(theta_deg)):
        R = np.array([[np.cos(theta), np.sin(theta)], [-np.sin(theta), np.cos(theta)]])
        M = R @ (s[i] * np.eye(2)) @ np.array([[1, k[i]], [0, 1]])
        p = rng.uniform(0, 27, 2)
        forward = c + t[i] + M @ (p - c)
        np.testing.assert_allclose(A[i, :, :2] @ forward + A[i, :, 2], p, atol=1e-4)


def test_augment_gives_a_new_float32_batch_in_the_unit_range() -> None:
    images = np.concatenate([random_images(6), np.ones((2, 784), np.float32)])
    before = images.copy()
    out = augment(images, np.random.default_rng(1), AugmentConfig(elastic_prob=1))
    assert out.shape == (8, 784)
    assert out.dtype == np.float32
    assert out.min() >= 0 and out.max() <= 1
    np.testing.assert_array_equal(images, before)


def test_same_seed_same_output_other_seed_other_output() -> None:
    images = blob(4)
    config = AugmentConfig()
    first = augment(images, np.random.default_rng(7), config)
    again = augment(images, np.random.default_rng(7), config)
    other = augment(images, np.random.default_rng(8), config)
    np.testing.assert_array_equal(first, again)
    assert np.abs(first - other).max() > 0.1


def test_affine_part_scales_the_ink_mass_by_the_area_factor() -> None:
    images = blob(200)
    config = AugmentConfig(scale=(0.9, 1.1), elastic_prob=0, restroke=0)
    out = augment(images, np.random.default_rng(0), config)
    ratio = out.sum(axis=1) / images.sum(axis=1)
    # rotation and shear keep areas and the blob stays inside: only s^2 in [0.81, 1.21] is left
    assert ratio.min() > 0.8 and ratio.max() < 1.22


def test_default_distortions_keep_the_ink_mass_on_average() -> None:
    images = blob(200)
    out = augment(images, np.random.default_rng(0), AugmentConfig(elastic_prob=1, restroke=0))
    ratio = out.sum(axis=1) / images.sum(axis=1)
    assert abs(ratio.mean() - 1) < 0.1
    assert np.abs(ratio - 1).mean() < 0.25


def test_gaussian_matrix_is_a_symmetric_normalised_smoothing_filter() -> None:
    G = gaussian_matrix(2.0)
    assert G.shape == (28, 28)
    assert G.dtype == np.float32
    np.testing.assert_array_equal(G, G.T)
    rows = G.sum(axis=1)
    np.testing.assert_allclose(rows[8:20], 1, atol=1e-4)  # kernel not cut by the border
    assert np.all(rows <= 1 + 1e-6) and np.all(rows[[0, -1]] < 0.6)  # cut in half at the border
    np.testing.assert_array_equal(np.argmax(G, axis=1), np.arange(28))
    np.testing.assert_allclose(np.diag(G, 1), np.full(27, G[0, 1]), rtol=1e-6)  # Toeplitz


def test_elastic_displacement_is_smooth_and_proportional_to_alpha() -> None:
    D = elastic_displacement(np.random.default_rng(3), 50, 34.0, 6.0)
    D2 = elastic_displacement(np.random.default_rng(3), 50, 68.0, 6.0)
    assert D.shape == (50, 2, 28, 28)
    assert D.dtype == np.float32
    np.testing.assert_allclose(D2, 2 * D, rtol=1e-5, atol=1e-6)
    rms = np.sqrt(np.mean(D[:, :, 4:24, 4:24] ** 2))
    step = np.sqrt(np.mean(np.diff(D, axis=-1) ** 2))
    assert 0.5 < rms < 2 and step < 0.3 * rms


def test_elastic_part_alone_moves_ink() -> None:
    config = AugmentConfig(rotation_deg=0, scale=(1, 1), shear=0, translate_px=0, elastic_prob=1)
    images = random_images(4)
    out = augment(images, np.random.default_rng(0), config)
    assert np.abs(out - images).mean() > 0.05


@pytest.mark.parametrize(
    "options",
    [
        {"rotation_deg": -1},
        {"rotation_deg": float("nan")},
        {"scale": (1.1, 0.9)},
        {"scale": (0, 1)},
        {"scale": (0.9, 1.0, 1.1)},
        {"shear": -0.1},
        {"translate_px": 15},
        {"elastic_alpha": -1},
        {"elastic_sigma": 0},
        {"elastic_prob": 1.5},
    ],
)
def test_invalid_config_raises_config_error(options: dict[str, object]) -> None:
    with pytest.raises(ConfigError, match="expected"):
        AugmentConfig(**options)  # type: ignore[arg-type]


def test_images_of_the_wrong_shape_raise_invalid_input() -> None:
    with pytest.raises(InvalidInput, match=r"expected images of shape \(n, 784\)"):
        augment(np.zeros((2, 28, 28), np.float32), np.random.default_rng(0), AugmentConfig())


def test_restroke_redraws_the_chosen_share_with_a_round_pen() -> None:
    ring = np.zeros((28, 28), dtype=np.float32)
    d = np.hypot(*np.meshgrid(np.arange(28) - 13.5, np.arange(28) - 13.5))
    ring[(d > 6) & (d < 9)] = 1.0  # a thick "0"
    images = np.tile(ring.ravel(), (64, 1))
    config = replace(OFF, restroke=0.5, restroke_width=(1.5, 1.5))
    out = augment(images, np.random.default_rng(3), config)
    # Exactly the samples the rng chose first are redrawn, with the same thin pen.
    chosen = np.random.default_rng(3).random(64) < 0.5
    redrawn = ~np.isclose(out, images).all(axis=1)
    np.testing.assert_array_equal(redrawn, chosen)
    assert 0 < chosen.sum() < 64
    thin_ink, thick_ink = out[chosen].sum(axis=1), images[0].sum()
    assert np.all(thin_ink < 0.7 * thick_ink) and np.allclose(thin_ink, thin_ink[0], rtol=1e-3)


def test_restroke_is_a_share() -> None:
    with pytest.raises(ConfigError, match="restroke in"):
        AugmentConfig(restroke=1.5)
