"""Fine-tuning on contributed drawings: split by contributor, mix with MNIST, decide.

Fine-tuning is the same training loop (``train.train``) started from the active model's
weights with a preset config (``finetune_config``), on a training set that mixes MNIST
with the contributed drawings, oversampled to a chosen share (``mix``); trajectory
networks the same way, on pen paths (real ones, and the contributed drawings' bent a
little, `replay.bent_paths`). It is judged on
contributions held out by contributor (``split_by_contributor``), so no person's drawings
are on both sides, and on the MNIST test set; ``decide`` says whether the new version may
replace the old one.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.engine.errors import ConfigError
from app.engine.network import MLP
from app.engine.train import TrainConfig

MAX_MNIST_DROP = 0.003  # the most MNIST test accuracy a new version may lose (0.3 points)


def split_by_contributor(
    contributors: Sequence[str | None],
    holdout: float,
    rng: np.random.Generator,
    *,
    eligible: Sequence[bool] | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Indices (train, test) of the samples, whole contributors on each side.

    About ``holdout`` of the contributors (at least one, when there are two or more) go to
    the test side, chosen among those whose samples are ``eligible`` (default: all; the
    others all train). A sample without a contributor id is a contributor of its own.
    """
    if not 0 < holdout < 1:
        raise ConfigError(f"expected holdout in (0, 1), got {holdout}")
    keys = [c if c is not None else f"\0anonymous-{i}" for i, c in enumerate(contributors)]
    allowed = [True] * len(keys) if eligible is None else list(eligible)
    groups = sorted({k for k, ok in zip(keys, allowed, strict=True) if ok})
    n_all = len(set(keys))  # at least one contributor always trains
    n_test = min(len(groups), n_all - 1, max(1, round(holdout * len(groups)))) if n_all >= 2 else 0
    test_groups = {groups[i] for i in rng.permutation(len(groups))[:n_test]}
    is_test = np.array([k in test_groups for k in keys], dtype=bool)
    return np.flatnonzero(~is_test), np.flatnonzero(is_test)


def mix(
    mnist_images: NDArray[np.float32],
    mnist_labels: NDArray[np.integer],
    images: NDArray[np.float32],
    labels: NDArray[np.integer],
    *,
    share: float,
    mnist_count: int,
    rng: np.random.Generator,
) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """A training set of ``mnist_count`` MNIST images plus contributed ones making up
    ``share`` of the whole; the contributions are few, so they are repeated (each copy is
    augmented differently by the training loop). Images (n, 784) float32, labels (n,)."""
    if not 0 < share < 1:
        raise ConfigError(f"expected a share of contributed drawings in (0, 1), got {share}")
    if len(images) == 0:
        raise ConfigError("expected contributed drawings to train on, got none")
    mnist_count = min(mnist_count, len(mnist_images))
    n_contributed = max(len(images), round(share / (1 - share) * mnist_count))
    picked = rng.choice(len(mnist_images), size=mnist_count, replace=False)
    repeated = np.resize(rng.permutation(len(images)), n_contributed)
    X = np.concatenate([mnist_images[picked], images[repeated]])
    y = np.concatenate([mnist_labels[picked], labels[repeated]]).astype(np.int64)
    return X, y


def finetune_config(
    network: MLP, *, epochs: int, seed: int, lr: float = 3e-4, deskew: bool = False
) -> TrainConfig:
    """The fine-tuning preset: the network's own shape, a small learning rate decaying to
    zero, no warm-up, no validation split (held-out contributions judge the result); the
    image augmentation, and the slant correction if the model has it (``deskew``), for
    image networks only (a trajectory network's inputs are not images)."""
    return TrainConfig(
        arch=network.sizes,
        activation=network.activation,
        lr=lr,
        epochs=epochs,
        warmup_epochs=0,
        validation_size=0,
        augment=network.sizes[0] == 784,
        deskew=deskew and network.sizes[0] == 784,
        seed=seed,
    )


@dataclass(frozen=True)
class Decision:
    activate: bool
    reason: str


def decide(
    before: dict[str, float | None],
    after: dict[str, float | None],
    *,
    force: bool = False,
    max_mnist_drop: float = MAX_MNIST_DROP,
) -> Decision:
    """Whether the new version replaces the old: at least as good on held-out
    contributions and at most ``max_mnist_drop`` worse on MNIST test, or ``force``.
    ``before`` and ``after`` hold accuracies under "mnist_test" and "contrib_test" (None:
    nothing held out).

    A tie activates: held-out writers the old version already reads perfectly, or nearly,
    cannot show a gain however much the new one learnt from the others (on UNIPEN's test
    writers, 100% before and after on 648 held-out drawings, while the writers no version
    trained on read 98.63% after against 98.58%, bench/poison.py); what they can show is
    a loss."""
    if force:
        return Decision(True, "forced")
    mnist_drop = (before["mnist_test"] or 0) - (after["mnist_test"] or 0)
    old, new = before["contrib_test"], after["contrib_test"]
    if old is None or new is None:
        return Decision(False, "no held-out contributions to judge by")
    if new < old:
        return Decision(False, f"worse on held-out contributions ({new:.2%} vs {old:.2%})")
    if mnist_drop > max_mnist_drop:
        return Decision(
            False, f"MNIST test accuracy fell by {mnist_drop:.2%}, more than {max_mnist_drop:.2%}"
        )
    return Decision(True, f"held-out contributions {old:.2%} -> {new:.2%}, MNIST within bound")
