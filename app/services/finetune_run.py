"""One fine-tuning run, as the CLI and the admin job both start it.

Reads the settings, the active model version (registry) and the contributed drawings
(store), scores them all again (moderation) and keeps the accepted ones, re-renders each
drawing from its stored strokes with today's preprocessing, calls the engine's
fine-tuning pieces, and records the new immutable version with its card; it becomes the
active one only if ``decide`` says so (or with ``force``). Only trusted contributors'
drawings are held out to judge it.
"""

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from app.config import Settings
from app.engine import checkpoint
from app.engine.card import TrainingData, draft
from app.engine.checkpoint import PathNetworks
from app.engine.errors import ConfigError
from app.engine.finetune import decide, finetune_config, mix, split_by_contributor
from app.engine.insights import insights_on
from app.engine.metrics import evaluate, evaluate_probabilities
from app.engine.mnist import to_inputs
from app.engine.moderation import TRUSTED
from app.engine.reader import Reader
from app.engine.replay import Distortion, Replayed, bent_paths, replay
from app.engine.train import EpochStats, train
from app.engine.unipen import CREDIT as UNIPEN_CREDIT
from app.engine.unipen import load_unipen, split_digits
from app.services.datasets import load_mnist_from_settings
from app.services.moderation import referee
from app.services.moderation_batch import moderate_all
from app.services.reading import limits, stored_ink
from app.store import ModelRegistry, ModerationStore, Sample, SampleStore

MIN_SAMPLES = 10  # fewer contributed drawings than this is not worth a new version
PATH_COPIES = 5  # bent copies of each contributed drawing's pen path


@dataclass(frozen=True)
class FinetuneOptions:
    """The knobs of one run (the CLI's options and the admin request's body)."""

    epochs: int = 3
    lr: float = 3e-4  # peak learning rate, decaying to 0
    mix: float = 0.25  # share of contributed drawings in the training set
    mnist_per_epoch: int = 20_000  # MNIST training images mixed in
    # UNIPEN training writers' drawings mixed in beside MNIST, when DIGITPAD_UNIPEN_DIR is
    # set (replayed onto the canvas, distorted): keeps the real styles already learnt.
    # On sites the model never saw (bench/finetune_real.py): other writers +1.71 points
    # with 20,000, +1.29 without.
    real_per_epoch: int = 20_000
    holdout: float = 0.25  # share of contributors held out to judge the result
    seed: int = 0
    force: bool = False  # activate even if worse
    dry_run: bool = False  # train and report, record nothing
    mnist_dir: Path | None = None


Progress = Callable[[dict[str, Any]], None]


def run_finetune(
    settings: Settings,
    store: SampleStore,
    registry: ModelRegistry,
    options: FinetuneOptions,
    *,
    command: str,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Fine-tune the active version on the contributions; return the summary (before,
    after, decision, new version) that the CLI prints and the admin job stores."""
    report = progress or (lambda _: None)
    started = time.perf_counter()
    parent = registry.active()
    weights = registry.weights(parent) if parent else None
    version = registry.get(parent) if parent else None
    if parent is None or weights is None or version is None:
        raise ConfigError("expected an active model version in the database, got none")
    model = Reader(checkpoint.from_bytes(weights, version.card, source=f"version {parent}"))

    report({"stage": "moderating contributed drawings"})
    moderated = moderate_all(
        store, ModerationStore(store.engine), referee(settings), limits(settings)
    )
    accepted = moderated.accepted  # flagged and rejected drawings never train
    samples = [s for s in store.iter_all() if s.id in accepted]
    if len(samples) < MIN_SAMPLES:
        raise ConfigError(
            f"expected at least {MIN_SAMPLES} accepted contributed drawings, got {len(samples)}"
        )
    inks = [stored_ink(s, model, limits(settings)) for s in samples]
    images = np.stack([ink.pixels.reshape(-1) for ink in inks])
    labels = np.array([s.label for s in samples], dtype=np.int64)
    rng = np.random.default_rng(options.seed)
    # Only trusted contributors' drawings judge the new version; the others all train.
    trusted = [moderated.records.get(s.contributor or "", 0.0) >= TRUSTED for s in samples]
    train_idx, test_idx = split_by_contributor(
        [s.contributor for s in samples], options.holdout, rng, eligible=trusted
    )

    report({"stage": "loading MNIST"})
    mnist = load_mnist_from_settings(options.mnist_dir)
    mnist_X, mnist_y = to_inputs(mnist.train.images), mnist.train.labels.astype(np.int64)
    picked = rng.choice(len(mnist_X), min(options.mnist_per_epoch, len(mnist_X)), replace=False)
    base_X, base_y = mnist_X[picked], mnist_y[picked]
    replayed = None
    if options.real_per_epoch and settings.unipen_dir is not None:
        report({"stage": "replaying UNIPEN training writers"})
        real = split_digits(load_unipen(settings.unipen_dir))["train"]
        chosen = real.take(
            rng.choice(len(real), min(options.real_per_epoch, len(real)), replace=False)
        )
        pen = model.card.preprocessing.pen_width
        replayed = replay(chosen, rng, distort=Distortion(), pen_width=pen)
        real_X, real_y = replayed.images, replayed.labels
        base_X, base_y = np.concatenate([base_X, real_X]), np.concatenate([base_y, real_y])
    test_X, test_y = to_inputs(mnist.test.images), mnist.test.labels.astype(np.int64)

    def scores(reader: Reader) -> dict[str, Any]:
        held_out = (
            evaluate_probabilities(
                reader.probabilities_of([inks[i] for i in test_idx]), labels[test_idx]
            ).to_dict()
            if len(test_idx)
            else None
        )
        return {"mnist_test": evaluate(reader, test_X, test_y).to_dict(), "contrib_test": held_out}

    before = scores(model)
    X, y = mix(
        base_X,
        base_y,
        images[train_idx],
        labels[train_idx],
        share=options.mix,
        mnist_count=len(base_X),
        rng=rng,
    )
    config = finetune_config(
        model.network,
        epochs=options.epochs,
        seed=options.seed,
        lr=options.lr,
        deskew=model.card.preprocessing.deskew,
    )

    def on_epoch(stats: EpochStats) -> None:
        report(
            {
                "stage": "training",
                "epoch": stats.epoch,
                "epochs": options.epochs,
                "loss": round(stats.loss, 5),
                "train_accuracy": round(stats.train_accuracy, 5),
            }
        )

    report({"stage": "training", "epoch": 0, "epochs": options.epochs})
    # Each image network of the version is fine-tuned on the same data, from its own
    # weights; its trajectory networks too, where there are real pen paths to keep them
    # reading everyone else (else they are kept as they are).
    results = [train(config, X, y, init=network, on_epoch=on_epoch) for network in model.networks]
    networks = tuple(r.network for r in results)
    paths = model.paths
    if paths is not None and replayed is not None:
        report({"stage": "training trajectory networks", "epochs": options.epochs})
        drawn = [i for i in train_idx if inks[i].path is not None]
        paths = finetune_paths(paths, [samples[i] for i in drawn], replayed, options, rng)
    tuned = Reader(checkpoint.unsaved(networks, paths, model.card.preprocessing))
    after = scores(tuned)
    decision = decide(_accuracies(before), _accuracies(after), force=options.force)

    summary: dict[str, Any] = {
        "parent": parent,
        "samples": {
            "total": len(moderated.statuses),
            "statuses": moderated.counts,
            "train": len(train_idx),
            "held_out": len(test_idx),
        },
        "before": _accuracies(before),
        "after": _accuracies(after),
        "decision": "forced"
        if options.force
        else ("activated" if decision.activate else "kept previous"),
        "reason": decision.reason,
        "version": None,
        "active": parent,
        "seconds": round(time.perf_counter() - started, 1),
    }
    if options.dry_run:
        summary["decision"] = "dry run: " + summary["decision"]
        return summary
    card = draft(
        command=command,
        config=config,
        results=results,
        metrics={k: v for k, v in after.items() if v is not None},
        insights={"mnist_test": insights_on(tuned, test_X, test_y)},
        parent=parent,
        preprocessing=model.card.preprocessing,
        data=tuned_on(model, len(X), len(test_y), replayed is not None),
        finetune={
            **{k: summary[k] for k in ("before", "after", "decision", "reason")},
            "samples": len(samples),
            "per_label": np.bincount(labels[train_idx], minlength=10).tolist(),
            "options": {
                k: str(v) if isinstance(v, Path) else v for k, v in asdict(options).items()
            },
        },
    )
    data, full = checkpoint.to_bytes(networks, card, paths)
    registry.add(version=full.version, parent=parent, card=full.to_dict(), weights=data)
    summary["version"] = full.version
    if decision.activate:
        registry.activate(full.version)
        summary["active"] = full.version
    return summary


def finetune_paths(
    paths: PathNetworks,
    samples: list[Sample],
    real: Replayed,
    options: FinetuneOptions,
    rng: np.random.Generator,
) -> PathNetworks:
    """The trajectory networks fine-tuned from their weights on the real pen paths of
    ``real`` mixed with the contributed drawings' (each bent ``PATH_COPIES`` times), in
    the share and for the epochs of ``options``; their weight in the vote kept."""
    if not samples:
        return paths
    drawings = [
        [np.asarray(s, dtype=np.float64)[:, :2] for s in x.strokes or () if s] for x in samples
    ]
    contributed = bent_paths(drawings, rng, copies=PATH_COPIES)
    labels = np.tile(np.array([x.label for x in samples], dtype=np.int64), PATH_COPIES)
    X, y = mix(
        real.paths, real.labels, contributed, labels,
        share=options.mix, mnist_count=len(real.paths), rng=rng,
    )  # fmt: skip
    config = finetune_config(
        paths.networks[0], epochs=options.epochs, seed=options.seed, lr=options.lr
    )
    tuned = tuple(train(config, X, y, init=network).network for network in paths.networks)
    return PathNetworks(tuned, paths.weight)


def tuned_on(parent: Reader, train: int, test: int, real: bool) -> TrainingData:
    """What a fine-tuned version was trained on: its parent's data (the credits its
    weights carry on), contributed drawings, MNIST and, when ``real``, UNIPEN's training
    writers."""
    before = parent.card.training.data if parent.card.training else None
    credits = list(before.credits if before else ())
    if real and UNIPEN_CREDIT not in credits:
        credits.append(UNIPEN_CREDIT)
    return TrainingData(
        source=f"fine-tuned from {parent.version} on contributed drawings + MNIST"
        + (" + UNIPEN training writers" if real else ""),
        train=train,
        validation=0,
        test=test,
        credits=tuple(credits),
    )


def _accuracies(scores: dict[str, Any]) -> dict[str, float | None]:
    return {k: (v["accuracy"] if v is not None else None) for k, v in scores.items()}
