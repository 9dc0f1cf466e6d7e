"""Fine-tuning that pays: people the model has never seen contribute, the others gain.

A population the model never saw: every writer of some UNIPEN sites (``--sites``) is
left out of a base model's training. Half of those writers contribute their digits
through a real SQLite store, a contributor id each, as the page would send them; the
product's own fine-tuning run (`run_finetune` with the defaults of ``digitpad finetune``)
trains a new version; the other half are read before and after. The reference is a model
trained from the start with the contributing writers in (the same recipe otherwise): the
share of the gap between the base model and the reference that fine-tuning closes is the
figure to judge the defaults by.

Run:  DIGITPAD_MNIST_DIR=../shared/data/mnist DIGITPAD_UNIPEN_DIR=../shared/data/unipen \\
      .venv/bin/python bench/finetune_real.py [--sites ced,tos,imp,aga] [--epochs 20]
"""

import argparse
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from app.config import get_settings
from app.engine import checkpoint
from app.engine.metrics import evaluate_probabilities
from app.engine.proxy import ProxySet, render
from app.engine.reader import Reader
from app.engine.recipe import training_set
from app.engine.replay import place_on_canvas
from app.engine.train import TrainConfig, train
from app.engine.trajectory import trajectories
from app.engine.trajectory_recipe import PATH_CONFIG, path_networks, path_training_set
from app.engine.unipen import PenDigits, load_unipen, split_digits
from app.services.datasets import load_mnist_from_settings, read_label_issues
from app.services.finetune_run import FinetuneOptions
from bench.domain import LABEL_ISSUES, contributing_writers, finetune_loop, loop_text

SITES = "ced,tos,imp,aga"  # 147 writers, 2,574 digits


def as_proxy(digits: PenDigits, rng: np.random.Generator) -> tuple[ProxySet, dict[int, str]]:
    """The digits placed on the page's canvas, with integer writer ids (and their names)."""
    names = sorted(set(digits.writers.tolist()))
    number = {name: i for i, name in enumerate(names)}
    strokes = [place_on_canvas(s, rng) for s in digits.strokes]
    writers = np.array([number[w] for w in digits.writers.tolist()], dtype=np.int64)
    return ProxySet(strokes, digits.labels, writers, "UNIPEN unseen sites"), dict(enumerate(names))


def trained(
    unipen: PenDigits,
    writers: set[str],
    config: TrainConfig,
    copies: int,
    out: Path,
    *,
    trajectory_networks: int = 1,
    validation_writers: set[str] | None = None,
) -> Path:
    """A one-network model of the shipped recipe on MNIST plus ``writers``, with
    ``trajectory_networks`` trajectory networks trained on ``writers`` (their weight
    chosen on ``validation_writers``), saved at ``out``."""
    data = training_set(
        load_mnist_from_settings(),
        scripted=12_000,
        unipen=unipen,
        unipen_copies=copies,
        label_issues=read_label_issues(LABEL_ISSUES),
        writers=writers,
        seed=config.seed,
    )
    result = train(config, data.images, data.labels)
    paths = None
    if trajectory_networks:
        issues = read_label_issues(LABEL_ISSUES)
        X, y = path_training_set(unipen, copies=20, label_issues=issues, writers=writers, seed=0)
        results = [train(replace(PATH_CONFIG, seed=k), X, y) for k in range(trajectory_networks)]
        images = Reader(checkpoint.unsaved(result.network))
        paths, _ = path_networks(images, results, unipen, 0, validation_writers)
    training = {"command": "bench/finetune_real.py", "data": {"source": data.source}}
    checkpoint.save(result.network, out, {"training": training}, paths)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", default=SITES, help="comma-separated sites left out")
    parser.add_argument("--epochs", type=int, default=20, help="for the base and reference")
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument("--trajectory-networks", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="keep the base and reference here, reuse them")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="OPTION=VALUE",
        help="a fine-tuning option instead of its default, e.g. epochs=5",
    )
    args = parser.parse_args()
    overrides = {
        k: type(getattr(FinetuneOptions, k))(v) for k, v in (s.split("=") for s in args.set)
    }
    folder = get_settings().unipen_dir
    if folder is None:
        raise SystemExit("set DIGITPAD_UNIPEN_DIR to the folder of the UNIPEN file")
    unipen = load_unipen(folder)
    sites = set(args.sites.split(","))
    unseen = unipen.take(np.isin(unipen.sites, list(sites)))
    known = set(split_digits(unipen)["train"].writers.tolist()) - set(unseen.writers.tolist())
    proxy, names = as_proxy(unseen, np.random.default_rng(args.seed))
    images = render(proxy)  # as the server reads what the page sends
    contributing = {names[i] for i in contributing_writers(proxy.writers, args.seed)}
    config = TrainConfig(epochs=args.epochs, seed=args.seed)
    print(
        f"unseen sites {sorted(sites)}: {len(names)} writers, {len(unseen):,} digits; base "
        f"and reference: 784-256-128-10, {args.epochs} epochs, UNIPEN x {args.copies}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        base, reference = folder / "base.npz", folder / "reference.npz"
        validation = set(split_digits(unipen)["validation"].writers.tolist()) - set(
            unseen.writers.tolist()
        )
        more = {"trajectory_networks": args.trajectory_networks, "validation_writers": validation}
        if not base.exists():
            trained(unipen, known, config, args.copies, base, **more)
        if not reference.exists():
            trained(unipen, known | contributing, config, args.copies, reference, **more)
        print(f"base and reference ready ({time.perf_counter() - started:.0f} s)")
        loop = finetune_loop(base, proxy, images, None, args.seed, **overrides)
        others = ~np.isin(unseen.writers, list(contributing))
        paths = trajectories([proxy.strokes[i] for i in np.flatnonzero(others)])
        p = Reader(checkpoint.load(reference)).probabilities(images[others], paths)
        ref = evaluate_probabilities(p, unseen.labels[others])
    print(loop_text("UNIPEN unseen sites", loop))
    gap = ref.accuracy - loop["before"]
    closed = (loop["after"] - loop["before"]) / gap if gap > 0 else float("nan")
    print(
        f"reference, trained with the contributors from the start: {ref.accuracy:.2%} on the "
        f"other writers; share of the gap closed by fine-tuning: {closed:.0%}"
    )


if __name__ == "__main__":
    main()
