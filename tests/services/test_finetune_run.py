"""Fine-tuning's trajectory networks: they learn contributed pen paths, their vote kept;
and what a fine-tuned version's card says it was trained on."""

from datetime import UTC, datetime

import numpy as np

from app.config import get_settings
from app.engine import checkpoint
from app.engine.checkpoint import PathNetworks
from app.engine.ensemble import Ensemble
from app.engine.network import MLP
from app.engine.reader import Reader
from app.engine.replay import Replayed, bent_paths
from app.engine.trajectory import FEATURES, trajectory_features
from app.engine.unipen import CREDIT
from app.services.finetune_run import FinetuneOptions, finetune_paths, tuned_on
from app.store import Sample
from tests.shapes import DIGITS, Shape, strokes

CROSS: Shape = [[(0.25, 0.2), (0.75, 0.8)], [(0.75, 0.2), (0.25, 0.8)]]  # someone's 4


def contributed(count: int, rng: np.random.Generator) -> list[Sample]:
    return [
        Sample(
            id=i, created_at=datetime.now(UTC), label=4, pixels=np.zeros((28, 28), np.uint8),
            strokes=[[[*p, 1000.0 + j] for j, p in enumerate(s)] for s in strokes(CROSS, rng)],
            canvas_width=280, canvas_height=280,
        )
        for i in range(count)
    ]  # fmt: skip


def real_paths(rng: np.random.Generator) -> Replayed:
    drawings = [[np.array(s) for s in shape] for shape in DIGITS]
    paths = bent_paths(drawings, rng, copies=30)
    labels = np.tile(np.arange(10), 30)
    return Replayed(np.zeros((len(labels), 784), np.float32), labels, paths)


def test_trajectory_networks_learn_the_contributed_paths_and_keep_their_weight() -> None:
    rng = np.random.default_rng(0)
    networks = tuple(MLP.initialise((FEATURES, 16, 10), "relu", rng) for _ in range(2))
    paths = PathNetworks(networks, 0.35)
    cross = trajectory_features([np.array(s) for s in CROSS]).reshape(1, -1)
    before = Ensemble(networks).predict_proba(cross)[0, 4]
    options = FinetuneOptions(epochs=5, lr=1e-2)
    tuned = finetune_paths(paths, contributed(12, rng), real_paths(rng), options, rng)
    assert tuned.weight == 0.35 and len(tuned.networks) == 2
    assert all(t.sizes == n.sizes for t, n in zip(tuned.networks, networks, strict=True))
    assert Ensemble(tuned.networks).predict_proba(cross)[0, 4] > max(before, 0.5)
    assert not np.array_equal(tuned.networks[0].weights[0], networks[0].weights[0])


def test_nothing_drawn_leaves_the_trajectory_networks_as_they_are() -> None:
    rng = np.random.default_rng(1)
    paths = PathNetworks((MLP.initialise((FEATURES, 8, 10), "relu", rng),), 0.2)
    assert finetune_paths(paths, [], real_paths(rng), FinetuneOptions(), rng) is paths


def test_a_fine_tuned_version_carries_its_parents_credits_on() -> None:
    shipped = Reader(checkpoint.load(get_settings().model_dir / "default.npz"))
    assert shipped.card.training is not None and shipped.card.training.data is not None
    assert CREDIT in shipped.card.training.data.credits
    data = tuned_on(shipped, 1000, 10_000, real=True)
    assert data.credits == shipped.card.training.data.credits  # UNIPEN once, not twice
    assert shipped.version in data.source and "UNIPEN" in data.source
    assert (data.train, data.validation, data.test) == (1000, 0, 10_000)
    # A parent that names no data (fine-tuned before this was recorded): UNIPEN's credit
    # is added when its drawings were replayed, and only then.
    bare = Reader(
        checkpoint.unsaved(MLP.initialise((784, 8, 10), "relu", np.random.default_rng(1)))
    )
    assert tuned_on(bare, 10, 10, real=True).credits == (CREDIT,)
    assert tuned_on(bare, 10, 10, real=False).credits == ()
