"""The training loop: a ``TrainConfig`` and data in, a trained network and its history out.

One code path for everything: training from scratch, the softmax-regression baseline
(``arch=(784, 10)``) and fine-tuning (``finetune.finetune_config``, a preset started from
given weights with ``init``). The loop prints nothing; it reports through the
``on_batch`` and ``on_epoch`` callbacks, and the CLI draws the progress bar.
"""

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.engine.activations import ACTIVATIONS, cross_entropy
from app.engine.augment import AugmentConfig, augment
from app.engine.errors import ConfigError
from app.engine.network import MLP
from app.engine.optim import OPTIMIZERS, SCHEDULES, SGD, Adam, Optimizer, learning_rate
from app.engine.preprocess.slant import deskew


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a training run; saved in the model card as it is."""

    arch: tuple[int, ...] = (784, 256, 128, 10)  # layer sizes, input first
    activation: str = "relu"  # hidden units: "relu" or "sigmoid"
    optimizer: str = "adam"  # "adam" or "sgd" (with momentum)
    lr: float = 2e-3  # peak learning rate
    momentum: float = 0.9  # SGD only
    batch_size: int = 128
    epochs: int = 40
    schedule: str = "cosine"  # "cosine" decay to 0, or "constant"
    warmup_epochs: float = 1.0  # linear warm-up before the schedule
    weight_decay: float = 0.0  # L2 penalty on the weights (not the biases)
    dropout: float = 0.0  # probability of zeroing each hidden unit while training
    augment: bool = True  # random affine and elastic distortions of each batch
    augmentation: AugmentConfig = field(default_factory=AugmentConfig)
    deskew: bool = False  # the slant taken out of every image, after the distortions
    validation_size: int = 5000  # images held out of training, for early stopping
    patience: int | None = None  # stop after this many epochs without a better val accuracy
    seed: int = 0  # everything random comes from np.random.default_rng(seed)

    def __post_init__(self) -> None:
        checks = [
            (len(self.arch) >= 2 and min(self.arch) >= 1, "arch of >= 2 sizes >= 1", self.arch),
            (
                self.activation in ACTIVATIONS,
                f"activation in {sorted(ACTIVATIONS)}",
                self.activation,
            ),
            (self.optimizer in OPTIMIZERS, f"optimizer in {OPTIMIZERS}", self.optimizer),
            (self.schedule in SCHEDULES, f"schedule in {SCHEDULES}", self.schedule),
            (self.lr > 0, "lr > 0", self.lr),
            (self.batch_size >= 1, "batch_size >= 1", self.batch_size),
            (self.epochs >= 1, "epochs >= 1", self.epochs),
            (self.warmup_epochs >= 0, "warmup_epochs >= 0", self.warmup_epochs),
            (self.weight_decay >= 0, "weight_decay >= 0", self.weight_decay),
            (0 <= self.dropout < 1, "dropout in [0, 1)", self.dropout),
            (self.validation_size >= 0, "validation_size >= 0", self.validation_size),
            (self.patience is None or self.patience >= 1, "patience >= 1", self.patience),
        ]
        for ok, expected, got in checks:
            if not ok:
                raise ConfigError(f"expected {expected}, got {got!r}")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (tuples become lists)."""
        return asdict(self)


@dataclass
class EpochStats:
    """One line of the training history."""

    epoch: int  # 1-based
    loss: float  # mean training loss over the epoch's batches (with augmentation)
    train_accuracy: float  # on the epoch's (augmented) training batches
    val_loss: float | None
    val_accuracy: float | None
    lr: float  # at the end of the epoch
    seconds: float


@dataclass
class TrainResult:
    """The trained network (the best epoch's weights when validating) and its history."""

    network: MLP
    history: list[EpochStats]
    best_epoch: int
    seconds: float


BatchCallback = Callable[[int, int, float], None]  # (batch index, batches per epoch, loss)
EpochCallback = Callable[[EpochStats], None]


def train(
    config: TrainConfig,
    images: NDArray[np.floating],
    labels: NDArray[np.integer],
    *,
    init: MLP | None = None,
    on_batch: BatchCallback | None = None,
    on_epoch: EpochCallback | None = None,
) -> TrainResult:
    """Train on images (n, 784) float32 in [0, 1] with labels (n,) in 0..9.

    The last ``config.validation_size`` images of ``default_rng(seed).permutation(n)``
    are held out; the returned network is the epoch with the best validation accuracy
    (the last epoch when there is no validation set). ``init`` starts from a copy of
    given weights.
    """
    if images.ndim != 2 or images.shape[1] != config.arch[0] or len(images) != len(labels):
        raise ConfigError(
            f"expected images (n, {config.arch[0]}) and labels (n,), "
            f"got {images.shape} and {labels.shape}"
        )
    if config.validation_size >= len(images):
        raise ConfigError(
            f"expected validation_size < {len(images)} images, got {config.validation_size}"
        )
    rng = np.random.default_rng(config.seed)
    order = rng.permutation(len(images))  # first draw: the split depends only on the seed
    network = _start(config, init, rng)
    n_val = config.validation_size
    train_idx, val_idx = order[: len(order) - n_val], order[len(order) - n_val :]
    X_val, y_val = images[val_idx], labels[val_idx]
    if config.deskew:
        X_val = deskew(X_val)

    optimizer = _optimizer(config, network)
    steps_per_epoch = -(-len(train_idx) // config.batch_size)
    total_steps = steps_per_epoch * config.epochs
    warmup_steps = round(config.warmup_epochs * steps_per_epoch)
    history: list[EpochStats] = []
    best_accuracy, best_epoch, best_params = -1.0, 0, [p.copy() for p in network.parameters()]
    started = time.perf_counter()

    for epoch in range(1, config.epochs + 1):
        epoch_started = time.perf_counter()
        rng.shuffle(train_idx)
        loss_sum = correct = 0.0
        lr = config.lr
        for b in range(steps_per_epoch):
            batch = train_idx[b * config.batch_size : (b + 1) * config.batch_size]
            X, y = images[batch], labels[batch]
            if config.augment:
                X = augment(X, rng, config.augmentation)
            if config.deskew:
                X = deskew(X)
            grads = network.gradients(
                X, y, weight_decay=config.weight_decay, dropout=config.dropout, rng=rng
            )
            step = (epoch - 1) * steps_per_epoch + b
            lr = learning_rate(
                step, total_steps, config.lr, schedule=config.schedule, warmup_steps=warmup_steps
            )
            optimizer.step(grads.parameters(), lr)
            loss_sum += grads.loss * len(batch)
            correct += float((grads.probabilities.argmax(axis=1) == y).sum())
            if on_batch:
                on_batch(b, steps_per_epoch, grads.loss)

        val_loss = val_accuracy = None
        if n_val:
            p_val = network.predict_proba(X_val)
            val_loss = cross_entropy(p_val, y_val)
            val_accuracy = float((p_val.argmax(axis=1) == y_val).mean())
        stats = EpochStats(
            epoch=epoch,
            loss=loss_sum / len(train_idx),
            train_accuracy=correct / len(train_idx),
            val_loss=val_loss,
            val_accuracy=val_accuracy,
            lr=lr,
            seconds=time.perf_counter() - epoch_started,
        )
        history.append(stats)
        if on_epoch:
            on_epoch(stats)

        score = val_accuracy if val_accuracy is not None else float(epoch)
        if score > best_accuracy:
            best_accuracy, best_epoch = score, epoch
            best_params = [p.copy() for p in network.parameters()]
        elif config.patience is not None and epoch - best_epoch >= config.patience:
            break

    for param, best in zip(network.parameters(), best_params, strict=True):
        param[...] = best
    return TrainResult(network, history, best_epoch, time.perf_counter() - started)


def _start(config: TrainConfig, init: MLP | None, rng: np.random.Generator) -> MLP:
    """A fresh network for the config, or a copy of ``init`` (which must match it)."""
    if init is None:
        return MLP.initialise(config.arch, config.activation, rng)
    if init.sizes != config.arch or init.activation != config.activation:
        raise ConfigError(
            f"expected a starting network {config.arch} {config.activation}, "
            f"got {init.sizes} {init.activation}"
        )
    return MLP([W.copy() for W in init.weights], [b.copy() for b in init.biases], init.activation)


def _optimizer(config: TrainConfig, network: MLP) -> Optimizer:
    if config.optimizer == "sgd":
        return SGD(network.parameters(), momentum=config.momentum)
    return Adam(network.parameters())
