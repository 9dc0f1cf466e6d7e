"""Tests of app.engine.proxy.thinning: skeletons one pixel wide that keep the topology."""

import numpy as np
import pytest

from app.engine.errors import InvalidInput
from app.engine.proxy.thinning import thin

Image = np.ndarray


def components(image: Image, connectivity: int = 8) -> int:
    """The number of connected groups of True pixels (8- or 4-connected)."""
    steps = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx]
    if connectivity == 4:
        steps = [(dy, dx) for dy, dx in steps if not (dy and dx)]
    seen = np.zeros_like(image, dtype=bool)
    count = 0
    for start in zip(*np.nonzero(image), strict=True):
        if seen[start]:
            continue
        count += 1
        seen[start] = True
        stack = [start]
        while stack:
            y, x = stack.pop()
            for dy, dx in steps:
                q = (y + dy, x + dx)
                inside = 0 <= q[0] < image.shape[0] and 0 <= q[1] < image.shape[1]
                if inside and image[q] and not seen[q]:
                    seen[q] = True
                    stack.append(q)
    return count


def neighbours(image: Image) -> np.ndarray:
    """How many of its 8 neighbours are True, for every pixel."""
    padded = np.pad(image.astype(int), 1)
    h, w = image.shape
    return sum(
        padded[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w]
        for dy in (-1, 0, 1)
        for dx in (-1, 0, 1)
        if dy or dx
    )


def has_2x2_block(image: Image) -> bool:
    return bool((image[:-1, :-1] & image[1:, :-1] & image[:-1, 1:] & image[1:, 1:]).any())


def ring(inner: float = 6, outer: float = 10, size: int = 28) -> Image:
    y, x = np.mgrid[:size, :size] - (size - 1) / 2
    r = np.hypot(y, x)
    return (r >= inner) & (r <= outer)


def blobs(seed: int, size: int = 28) -> Image:
    """Random smooth blobs of ink: thresholded, smoothed noise."""
    noise = np.random.default_rng(seed).random((size, size))
    for _ in range(3):
        noise = (noise + np.roll(noise, 1, 0) + np.roll(noise, -1, 0)) / 3
        noise = (noise + np.roll(noise, 1, 1) + np.roll(noise, -1, 1)) / 3
    image = noise > np.quantile(noise, 0.7)
    image[[0, -1]] = image[:, [0, -1]] = False
    return image


def reference_thin(image: Image) -> Image:
    """Guo and Hall's algorithm A1 pixel by pixel, written from the paper's conditions."""
    img = np.pad(image, 1).astype(int)
    while True:
        changed = False
        for subiteration in (0, 1):
            remove = []
            for i, j in zip(*np.nonzero(img), strict=True):
                p2, p3, p4, p5 = img[i - 1, j], img[i - 1, j + 1], img[i, j + 1], img[i + 1, j + 1]
                p6, p7, p8, p9 = img[i + 1, j], img[i + 1, j - 1], img[i, j - 1], img[i - 1, j - 1]
                C = (
                    (not p2 and (p3 or p4))
                    + (not p4 and (p5 or p6))
                    + (not p6 and (p7 or p8))
                    + (not p8 and (p9 or p2))
                )
                N1 = bool(p9 or p2) + bool(p3 or p4) + bool(p5 or p6) + bool(p7 or p8)
                N2 = bool(p2 or p3) + bool(p4 or p5) + bool(p6 or p7) + bool(p8 or p9)
                if subiteration == 0:
                    kept = (p6 or p7 or not p9) and p8
                else:
                    kept = (p2 or p3 or not p5) and p4
                if C == 1 and 2 <= min(N1, N2) <= 3 and not kept:
                    remove.append((i, j))
            for i, j in remove:
                img[i, j] = 0
            changed |= bool(remove)
        if not changed:
            return img[1:-1, 1:-1].astype(bool)


def test_a_thick_line_becomes_one_pixel_wide_and_keeps_its_ends() -> None:
    image = np.zeros((28, 28), dtype=bool)
    image[10:15, 4:24] = True  # 5 px thick, columns 4..23
    skeleton = thin(image[None])[0]
    assert not has_2x2_block(skeleton)
    assert (skeleton.sum(axis=0) <= 1).all()  # one pixel per column
    assert components(skeleton) == 1
    assert (skeleton <= image).all()
    ends = np.argwhere(skeleton & (neighbours(skeleton) == 1))
    assert len(ends) == 2
    assert sorted(ends[:, 1]) == pytest.approx([6, 21], abs=1)  # within the thickness / 2


def test_a_ring_stays_a_thin_closed_ring() -> None:
    image = ring()
    skeleton = thin(image[None])[0]
    assert components(skeleton) == 1
    assert components(~skeleton, connectivity=4) == 2  # outside and the hole
    assert not has_2x2_block(skeleton)
    assert (neighbours(skeleton)[skeleton] >= 2).all()  # no ends
    radius = np.hypot(*(np.argwhere(skeleton) - 13.5).T)
    assert radius.min() > 6.5 and radius.max() < 9.5


@pytest.mark.parametrize("seed", range(6))
def test_matches_a_pixel_by_pixel_reference_and_keeps_the_topology(seed: int) -> None:
    image = blobs(seed)
    skeleton = thin(image[None])[0]
    np.testing.assert_array_equal(skeleton, reference_thin(image))
    assert components(skeleton) == components(image)
    assert components(~skeleton, 4) == components(~image, 4)  # holes are kept


def test_a_batch_is_thinned_like_each_image_alone() -> None:
    images = np.stack([blobs(seed) for seed in range(5)] + [ring(), np.zeros((28, 28), bool)])
    together = thin(images)
    for image, skeleton in zip(images, together, strict=True):
        np.testing.assert_array_equal(thin(image[None])[0], skeleton)
    assert not together[-1].any()


def test_tiny_shapes_stay() -> None:
    image = np.zeros((1, 5, 5), dtype=bool)
    image[0, 2, 2] = True
    np.testing.assert_array_equal(thin(image), image)
    image[0, 2, 3] = True
    np.testing.assert_array_equal(thin(image), image)


def test_numbers_are_read_as_ink_where_nonzero_and_wide_images_work() -> None:
    image = np.zeros((1, 12, 60), dtype=np.uint8)
    image[0, 4:8, 2:58] = 200
    skeleton = thin(image)
    assert skeleton.dtype == bool and skeleton.shape == (1, 12, 60)
    assert components(skeleton[0]) == 1 and not has_2x2_block(skeleton[0])
    assert skeleton[0].sum(axis=0)[5:55].tolist() == [1] * 50


@pytest.mark.parametrize("shape", [(28, 28), (1, 28, 63), (2, 3, 4, 5)])
def test_refuses_other_shapes(shape: tuple[int, ...]) -> None:
    with pytest.raises(InvalidInput, match=r"shape \(n, h, w\)"):
        thin(np.zeros(shape, dtype=bool))
