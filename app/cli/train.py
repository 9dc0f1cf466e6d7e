"""``digitpad train``: a network trained on MNIST (and real pen-drawn digits), with its card."""

import shlex
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
import numpy as np
from tqdm import tqdm

from app.cli.group import fail, main, mnist_dir_option, parse_arch
from app.config import get_settings
from app.engine import checkpoint
from app.engine.activations import ACTIVATIONS
from app.engine.card import Preprocessing, TrainingData, draft
from app.engine.errors import DigitpadError
from app.engine.insights import insights_on
from app.engine.metrics import evaluate as evaluate_network
from app.engine.metrics import evaluate_probabilities
from app.engine.mnist import to_inputs
from app.engine.optim import OPTIMIZERS, SCHEDULES
from app.engine.preprocess.strokes import PEN_WIDTH
from app.engine.proxy import SCRIPTED_DRAWINGS
from app.engine.reader import Reader
from app.engine.recipe import training_set
from app.engine.replay import replay
from app.engine.train import EpochStats, TrainConfig, TrainResult, train
from app.engine.trajectory_recipe import PATH_CONFIG, path_networks, path_training_set
from app.engine.unipen import split_digits
from app.services.datasets import (
    load_mnist_from_settings,
    load_unipen_from_settings,
    read_label_issues,
)

_D = TrainConfig()  # the command's defaults are the config's


@main.command("train", context_settings={"show_default": True})
@click.option(
    "--arch", default=",".join(map(str, _D.arch)), callback=parse_arch, help="Layer sizes."
)
@click.option("--activation", type=click.Choice(sorted(ACTIVATIONS)), default=_D.activation)
@click.option("--optimizer", type=click.Choice(OPTIMIZERS), default=_D.optimizer)
@click.option("--lr", type=float, default=_D.lr, help="Peak learning rate.")
@click.option("--batch-size", type=click.IntRange(min=1), default=_D.batch_size)
@click.option("--epochs", type=click.IntRange(min=1), default=_D.epochs)
@click.option("--augment/--no-augment", default=_D.augment)
@click.option(
    "--restroke",
    type=click.FloatRange(0, 1),
    default=_D.augmentation.restroke,
    help="Share of training digits redrawn with a round pen, as the canvas draws.",
)
@click.option(
    "--scripted",
    type=click.IntRange(min=0),
    default=SCRIPTED_DRAWINGS,
    help="Drawings of scripted writers (styles MNIST lacks) added to the training set.",
)
@click.option(
    "--unipen-copies",
    type=click.IntRange(min=0),
    default=0,
    help="Replays of each UNIPEN training writer's digit (real pen strokes, slanted and "
    "stretched a little each time) added to the training set; needs DIGITPAD_UNIPEN_DIR.",
)
@click.option(
    "--unipen-label-issues",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help='JSON file whose "ids" are UNIPEN digits to leave out (bench/label_noise.py).',
)
@click.option(
    "--networks",
    type=click.IntRange(1, 9),
    default=1,
    help="Networks trained on the same data from seeds SEED, SEED+1, ... and read together "
    "(their probabilities averaged).",
)
@click.option(
    "--trajectory-networks",
    type=click.IntRange(0, 9),
    default=0,
    help="Networks that read the pen's path (UNIPEN's training writers; needs "
    "DIGITPAD_UNIPEN_DIR), joined with the image networks for drawings sent as strokes.",
)
@click.option(
    "--trajectory-copies",
    type=click.IntRange(min=1),
    default=20,
    help="Placements of each UNIPEN training digit the trajectory networks learn from.",
)
@click.option(
    "--deskew/--no-deskew",
    default=_D.deskew,
    help="Take each image's slant out before the image networks read it (training and "
    "reading alike).",
)
@click.option(
    "--pen-width",
    type=click.FloatRange(0.5, 6),
    default=PEN_WIDTH,
    help="The pen drawings are drawn with, in pixels of the 28-px frame (training "
    "drawings and the page's alike).",
)
@click.option("--schedule", type=click.Choice(SCHEDULES), default=_D.schedule)
@click.option("--warmup-epochs", type=click.FloatRange(min=0), default=_D.warmup_epochs)
@click.option("--weight-decay", type=click.FloatRange(min=0), default=_D.weight_decay)
@click.option("--dropout", type=click.FloatRange(0, 1, max_open=True), default=_D.dropout)
@click.option("--validation-size", type=click.IntRange(min=0), default=_D.validation_size)
@click.option("--patience", type=click.IntRange(min=1), default=_D.patience)
@click.option("--seed", type=int, default=_D.seed)
@mnist_dir_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Where to write the model (.npz, with its .json card). "
    "Default: models/ in the cache folder.",
)
def train_command(
    mnist_dir: Path | None,
    out: Path | None,
    restroke: float,
    scripted: int,
    unipen_copies: int,
    unipen_label_issues: Path | None,
    networks: int,
    trajectory_networks: int,
    trajectory_copies: int,
    pen_width: float,
    **options: Any,
) -> None:
    """Train a network on MNIST (and real pen-drawn digits) and write it with its card."""
    try:
        augmentation = replace(_D.augmentation, restroke=restroke)
        config = TrainConfig(**options, augmentation=augmentation)
        data = load_mnist_from_settings(mnist_dir)
        unipen = load_unipen_from_settings() if unipen_copies or trajectory_networks else None
        issues = read_label_issues(unipen_label_issues) if unipen_label_issues else ()
        recipe = training_set(
            data,
            scripted=scripted,
            unipen=unipen,
            unipen_copies=unipen_copies,
            label_issues=issues,
            seed=config.seed,
            pen_width=pen_width,
        )
    except DigitpadError as e:
        fail(e)
    X, y = recipe.images, recipe.labels
    click.echo(
        f"training {'-'.join(map(str, config.arch))} {config.activation} on "
        f"{len(X) - config.validation_size} images, validating on {config.validation_size}"
    )
    bar = tqdm(total=0, unit="batch", leave=False)

    def on_batch(b: int, total: int, loss: float) -> None:
        if b == 0:
            bar.reset(total=total)
        bar.update(1)
        if b % 20 == 0:
            bar.set_postfix(loss=f"{loss:.4f}")

    def several(
        what: str, base: TrainConfig, count: int, X: np.ndarray, y: np.ndarray
    ) -> list[TrainResult]:
        """``count`` networks trained from seeds base.seed, +1, ..., each epoch printed."""

        def on_epoch(s: EpochStats) -> None:
            val = "" if s.val_accuracy is None else f"  val {s.val_accuracy:.2%}"
            bar.write(
                f"epoch {s.epoch:3d}/{base.epochs}  loss {s.loss:.4f}  "
                f"train {s.train_accuracy:.2%}{val}  lr {s.lr:.2e}  {s.seconds:.2f} s",
                file=sys.stdout,
            )

        out = []
        for k in range(count):
            if count > 1:
                bar.write(f"{what} {k + 1} of {count} (seed {base.seed + k})", file=sys.stdout)
            member = replace(base, seed=base.seed + k)
            out.append(train(member, X, y, on_batch=on_batch, on_epoch=on_epoch))
        return out

    results = several("network", config, networks, X, y)
    preprocessing = Preprocessing(deskew=config.deskew, pen_width=pen_width)
    images_only = checkpoint.unsaved(tuple(r.network for r in results), None, preprocessing)
    paths, trajectory = None, None
    if trajectory_networks and unipen is not None:
        path_X, path_y = path_training_set(
            unipen, copies=trajectory_copies, label_issues=issues, seed=config.seed
        )
        bar.write(f"trajectory networks: {len(path_X) - PATH_CONFIG.validation_size} paths")
        path_config = replace(PATH_CONFIG, seed=config.seed)
        path_results = several(
            "trajectory network", path_config, trajectory_networks, path_X, path_y
        )
        paths, trajectory = path_networks(Reader(images_only), path_results, unipen, config.seed)
        trajectory["copies"] = trajectory_copies
        trajectory["config"] = path_config.to_dict()
    bar.close()
    result = results[0]
    reader = Reader(checkpoint.unsaved(images_only.networks, paths, preprocessing))
    test_X = to_inputs(data.test.images)
    test = evaluate_network(reader, test_X, data.test.labels)
    metrics: dict[str, dict[str, Any]] = {"mnist_test": test.to_dict()}
    if unipen is not None:
        real = split_digits(unipen)["test"]
        replayed = replay(real, np.random.default_rng(0), pen_width=pen_width)
        p = reader.probabilities(replayed.images, replayed.paths)
        metrics["unipen_test"] = evaluate_probabilities(p, replayed.labels).to_dict()
    card = draft(
        command=shlex.join(["digitpad", "train", *sys.argv[2:]]),
        config=config,
        results=results,
        metrics=metrics,
        insights={"mnist_test": insights_on(reader, test_X, data.test.labels)},
        trajectory=trajectory,
        preprocessing=preprocessing,
        data=TrainingData(
            source=recipe.source,
            credits=recipe.credits,
            train=len(X) - config.validation_size,
            validation=config.validation_size,
            test=test.n,
        ),
    )
    out = out or get_settings().cache_dir / "models" / f"model-{time.strftime('%Y%m%d-%H%M%S')}.npz"
    written = checkpoint.save(reader.networks, out, card, paths)
    on_real = metrics.get("unipen_test")
    click.echo(
        f"test accuracy {test.accuracy:.2%}"
        + ("" if on_real is None else f", UNIPEN test writers {on_real['accuracy']:.2%}")
        + f" (best epoch {result.best_epoch}, {sum(r.seconds for r in results):.1f} s); wrote "
        f"{out} and {checkpoint.card_path(out).name}, version {written.version}"
    )
