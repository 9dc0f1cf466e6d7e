"""A contributor's drawings for the reader, from a real SQLite store, kept in step with it."""

from pathlib import Path

import numpy as np
import pytest

from app.engine import checkpoint
from app.engine.network import MLP
from app.engine.reader import Limits, Reader
from app.engine.trajectory import FEATURES
from app.services.personal import PersonalDrawings
from app.store import ModerationStore, NewSample, SampleStore, open_store


@pytest.fixture
def store(tmp_path: Path) -> SampleStore:
    return open_store(f"sqlite:///{tmp_path / 'samples.db'}")


READER = Reader(checkpoint.unsaved(MLP.initialise((784, 16, 10), "relu", np.random.default_rng(0))))


def add(store: SampleStore, label: int, contributor: str | None, seed: int) -> int:
    pixels = (np.random.default_rng(seed).random((28, 28)) * 255).astype(np.uint8)
    return store.add(NewSample(label=label, pixels=pixels, contributor=contributor)).id


def labels_of(personal: object) -> list[int]:
    assert personal is not None
    return sorted(np.repeat(personal.digits, np.diff([*personal.starts, len(personal)])).tolist())


def test_only_the_contributors_own_drawings_count_and_changes_count_at_once(
    store: SampleStore,
) -> None:
    drawings = PersonalDrawings()
    assert drawings.personal(READER, store, "me") is None
    first = add(store, 9, "me", 1)
    add(store, 3, "someone-else", 2)
    add(store, 5, None, 3)
    assert labels_of(drawings.personal(READER, store, "me")) == [9]
    second = add(store, 4, "me", 4)
    assert labels_of(drawings.personal(READER, store, "me")) == [4, 9]  # the next prediction
    ModerationStore(store.engine).decide(first, label=7)
    assert labels_of(drawings.personal(READER, store, "me")) == [4, 7]
    store.delete(second)
    mine = drawings.personal(READER, store, "me")
    assert labels_of(mine) == [7]
    expected = READER.features(
        store.samples_of([first])[first].pixels.reshape(1, 784) / np.float32(255)
    )
    np.testing.assert_allclose(mine.joint, expected, rtol=1e-5)  # type: ignore[union-attr]
    assert labels_of(drawings.personal(READER, store, "someone-else")) == [3]


def test_the_cache_keeps_only_recent_contributors(store: SampleStore) -> None:
    drawings = PersonalDrawings(capacity=2)
    for n, who in enumerate(("a", "b", "c")):
        add(store, n, who, n)
        drawings.personal(READER, store, who)
    assert len(drawings._entries) == 2
    assert labels_of(drawings.personal(READER, store, "a")) == [0]  # read again from the store


def test_drawings_saved_as_strokes_are_compared_by_their_path_too(store: SampleStore) -> None:
    rng = np.random.default_rng(3)
    paths = checkpoint.PathNetworks((MLP.initialise((FEATURES, 6, 10), "relu", rng),), 0.3)
    reader = Reader(checkpoint.unsaved(MLP.initialise((784, 16, 10), "relu", rng), paths))
    stroke = [[[140.0, 40.0 + 10 * i] for i in range(21)]]
    ink = reader.from_strokes(stroke, 280, 280, Limits())
    store.add(
        NewSample(
            label=1, pixels=np.rint(ink.pixels * 255).astype(np.uint8), strokes=stroke,
            canvas_width=280, canvas_height=280, contributor="me",
        )
    )  # fmt: skip
    add(store, 2, "me", 5)  # pixels only
    mine = PersonalDrawings().personal(reader, store, "me")
    assert mine is not None and mine.split == reader.image_features == 16
    assert mine.digits.tolist() == [1, 2] and mine.drawn.tolist() == [True, False]
    features = reader.features_of([ink])[0]  # both parts halved, as for any drawing with a path
    np.testing.assert_allclose(mine.joint[0], features / 2, rtol=1e-5)
    np.testing.assert_allclose(mine.image[0], features[:16], rtol=1e-5)
