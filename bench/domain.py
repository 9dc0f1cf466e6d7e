"""How well a model reads canvas drawings, before and after fine-tuning on some writers.

For the shipped model (or each ``--model``), prints:

1. accuracy on real pen-drawn digits: UNIPEN's test writers (`app.engine.unipen`: people
   no model here trains on), each drawing replayed onto the page's canvas and read as
   ``POST /predict`` reads it; overall, without the labels `bench/label_noise.py` finds
   suspect, per site, the confusion matrix and the ten writers read worst; for a model
   of several image networks, each one's accuracy alone (how much seeds differ);
2. accuracy on MNIST test, on the traced proxy (every MNIST test digit thinned and traced
   back into pen strokes) and on the scripted proxy (scripted writers, each with their
   own habits), each drawing sent through the server's strokes preprocessing; and the
   confusion matrix of each;
3. the contribute -> fine-tune -> evaluate loop on each proxy: half the writers
   contribute their drawings (into a real SQLite store, with a contributor id each), the
   product's own fine-tuning run (`app.services.finetune_run.run_finetune`, the defaults of
   `digitpad finetune`) trains a new version, and the other writers' drawings are read by
   the model before and after, with MNIST test before and after.

The proxies are stand-ins, not people: see app/engine/proxy/__init__.py.

Run:  DIGITPAD_MNIST_DIR=../shared/data/mnist DIGITPAD_UNIPEN_DIR=../shared/data/unipen \
      .venv/bin/python bench/domain.py [--model M ...] [--no-loop]
"""

import argparse
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from app.config import PROJECT_ROOT, Settings, get_settings
from app.engine import checkpoint
from app.engine.checkpoint import card_path
from app.engine.metrics import Evaluation, evaluate, evaluate_probabilities
from app.engine.mnist import to_inputs
from app.engine.preprocess.strokes import PEN_WIDTH
from app.engine.proxy import ProxySet, render, scripted, traced
from app.engine.reader import Reader
from app.engine.replay import replay
from app.engine.trajectory import trajectories
from app.engine.unipen import PenDigits, load_unipen, split_digits
from app.services.datasets import load_mnist_from_settings, read_label_issues
from app.services.finetune_run import FinetuneOptions, run_finetune
from app.services.model_versions import SHIPPED_MODEL, load_version, seed
from app.store import ModelRegistry, NewSample, open_store

SCRIPTED_WRITERS = 100
PER_DIGIT = 3  # drawings of each digit by each scripted writer
CANVAS = 280.0
LABEL_ISSUES = PROJECT_ROOT / "model" / "unipen-label-issues.json"  # bench/label_noise.py


def proxies(mnist_dir: Path | None, rng_seed: int) -> tuple[dict[str, Any], dict[str, ProxySet]]:
    """MNIST test (images, labels) and the two proxy sets, made with ``rng_seed``."""
    data = load_mnist_from_settings(mnist_dir)
    test = (to_inputs(data.test.images), data.test.labels.astype(np.int64))
    rng = np.random.default_rng(rng_seed)
    sets = {
        "traced": traced(data.test.images, data.test.labels, rng=rng),
        "scripted": scripted(SCRIPTED_WRITERS, PER_DIGIT, rng=rng),
    }
    return {"mnist": test}, sets


@dataclass(frozen=True, eq=False)
class RealWriters:
    """UNIPEN's test writers, replayed onto the canvas as the page sends drawings."""

    digits: PenDigits
    images: np.ndarray  # (n, 784) float32, what the image networks read
    paths: np.ndarray  # (n, trajectory.FEATURES) float32, what the trajectory networks read
    suspect: np.ndarray  # (n,) bool: the label is in the label-issues list

    def read(self, reader: Reader) -> np.ndarray:
        """(n, 10): the reader's probabilities, as the server answers for these strokes
        (drawn again, in the same places, for a model that draws with another pen)."""
        images, pen = self.images, reader.card.preprocessing.pen_width
        if pen != PEN_WIDTH:
            images = replay(self.digits, np.random.default_rng(0), pen_width=pen).images
        return reader.probabilities(images, self.paths)


def real_writers(folder: Path, part: str = "test", issues: Path = LABEL_ISSUES) -> RealWriters:
    """The ``part`` writers of the fixed split ("test" or "validation"); ``issues`` lists
    suspect labels (if it exists)."""
    digits = split_digits(load_unipen(folder))[part]
    replayed = replay(digits, np.random.default_rng(0))
    suspect_ids = read_label_issues(issues) if issues.exists() else []
    return RealWriters(digits, replayed.images, replayed.paths, np.isin(digits.ids, suspect_ids))


def real_text(reader: Reader, real: RealWriters) -> tuple[dict[str, Evaluation], str]:
    """Accuracy on the test writers, all labels and without suspect ones, and the details:
    per site, the ten writers read worst (with what their misread digits were read as)."""
    labels, p = real.digits.labels, real.read(reader)
    read = p.argmax(axis=1)
    results = {
        "UNIPEN test writers": evaluate_probabilities(p, labels),
        "UNIPEN test writers, suspect labels left out": evaluate_probabilities(
            p[~real.suspect], labels[~real.suspect]
        ),
    }
    right = read == labels
    site_of = real.digits.sites
    per_site = ", ".join(
        f"{site} {right[site_of == site].mean():.1%} of {(site_of == site).sum()}"
        for site in sorted(set(site_of.tolist()))
    )
    writers = sorted(
        set(real.digits.writers.tolist()), key=lambda w: right[real.digits.writers == w].mean()
    )
    lines = [f"\nUNIPEN test writers per site: {per_site}", "\nten writers read worst:"]
    for writer in writers[:10]:
        mine = real.digits.writers == writer
        misread = ", ".join(
            f"{t}->{r}" for t, r in zip(labels[mine & ~right], read[mine & ~right], strict=True)
        )
        lines.append(f"  {writer}: {right[mine].mean():.1%} of {mine.sum()} ({misread})")
    return results, "\n".join(lines)


def confusion_text(result: Evaluation) -> str:
    """The confusion matrix as aligned text: rows true digit, columns what was read."""
    cm = np.array(result.confusion_matrix)
    width = max(4, len(str(cm.max())) + 1)
    lines = ["true\\read" + "".join(f"{p:>{width}}" for p in range(10))]
    for t in range(10):
        lines.append(f"{t:>9}" + "".join(f"{c:>{width}}" for c in cm[t]))
    return "\n".join(lines)


def contributing_writers(writers: np.ndarray, rng_seed: int) -> set[int]:
    """Half of the writers (ids), chosen by ``rng_seed``: those who contribute."""
    names = np.unique(writers)
    return set(np.random.default_rng(rng_seed).permutation(names)[: len(names) // 2].tolist())


def finetune_loop(
    model_path: Path,
    proxy: ProxySet,
    images: np.ndarray,
    mnist_dir: Path | None,
    rng_seed: int,
    **options: Any,
) -> dict[str, Any]:
    """Half the proxy's writers contribute, `run_finetune` runs (the defaults of
    ``digitpad finetune``, or ``options`` of `FinetuneOptions`), the others are read
    (``images``, the proxy rendered, with the trajectories of its strokes)."""
    writers = np.unique(proxy.writers)
    contributing = contributing_writers(proxy.writers, rng_seed)
    given = np.array([w in contributing for w in proxy.writers])
    with tempfile.TemporaryDirectory() as folder:
        model_dir = Path(folder) / "model"
        model_dir.mkdir()
        shutil.copy(model_path, model_dir / SHIPPED_MODEL)
        shutil.copy(card_path(model_path), card_path(model_dir / SHIPPED_MODEL))
        settings = Settings(
            database_url=f"sqlite:///{folder}/digitpad.db",
            model_dir=model_dir,
            mnist_dir=mnist_dir or get_settings().mnist_dir,
            unipen_dir=get_settings().unipen_dir,
        )
        store = open_store(settings.database_url)
        registry = ModelRegistry(store.engine)
        before = load_version(registry, seed(registry, model_dir))
        for i in np.flatnonzero(given):
            store.add(
                NewSample(
                    label=int(proxy.labels[i]),
                    pixels=np.rint(images[i].reshape(28, 28) * 255).astype(np.uint8),
                    strokes=[stroke.round(2).tolist() for stroke in proxy.strokes[i]],
                    canvas_width=CANVAS,
                    canvas_height=CANVAS,
                    source="bench",
                    contributor=f"writer-{proxy.writers[i]}",
                )
            )
        started = time.perf_counter()
        chosen = FinetuneOptions(mnist_dir=settings.mnist_dir, seed=rng_seed, **options)
        summary = run_finetune(settings, store, registry, chosen, command="bench/domain.py")
        seconds = time.perf_counter() - started
        after = load_version(registry, registry.active() or before.version)
        store.close()
    others = ~given
    paths = trajectories([proxy.strokes[i] for i in np.flatnonzero(others)])

    def accuracy(reader: Reader) -> float:
        p = reader.probabilities(images[others], paths)
        return evaluate_probabilities(p, proxy.labels[others]).accuracy

    return {
        "contributed": int(given.sum()),
        "writers": (len(contributing), len(writers) - len(contributing)),
        "before": accuracy(before),
        "after": accuracy(after),
        "mnist_before": summary["before"]["mnist_test"],
        "mnist_after": summary["after"]["mnist_test"],
        "decision": summary["decision"],
        "seconds": seconds,
    }


def report(
    path: Path,
    mnist: dict[str, Any],
    sets: dict[str, ProxySet],
    args: Any,
    real: RealWriters | None = None,
    validation: RealWriters | None = None,
) -> None:
    model = Reader(checkpoint.load(path))
    sizes = "-".join(map(str, model.network.sizes))
    print(f"\n## {path} (version {model.version}, {len(model.networks)} x {sizes})")
    pen = model.card.preprocessing.pen_width
    rendered = {name: render(proxy, pen_width=pen) for name, proxy in sets.items()}
    results: dict[str, Evaluation] = {}
    details = ""
    if validation is not None:
        labels = validation.digits.labels
        p = validation.read(model)
        results["UNIPEN validation writers"] = evaluate_probabilities(p, labels)
    if real is not None:
        on_real, details = real_text(model, real)
        results.update(on_real)
    results["MNIST test"] = evaluate(model, *mnist["mnist"])
    for name, proxy in sets.items():
        p = model.probabilities(rendered[name], trajectories(proxy.strokes))
        results[f"{name} proxy"] = evaluate_probabilities(p, proxy.labels)
    print("\n| set | drawings | accuracy |\n| --- | ---: | ---: |")
    for name, result in results.items():
        print(f"| {name} | {result.n:,} | {result.accuracy:.2%} |")
    print(details)
    if len(model.networks) > 1:
        for name, writers in (("validation", validation), ("test", real)):
            if writers is not None:
                print(f"image networks alone, UNIPEN {name} writers: {alone(model, writers)}")
    for name, result in results.items():
        if "left out" not in name:
            print(f"\nconfusion, {name}:\n{confusion_text(result)}")
    if args.loop:
        for name, proxy in sets.items():
            loop = finetune_loop(path, proxy, rendered[name], args.mnist_dir, 0)
            print(loop_text(name, loop))


def alone(model: Reader, writers: RealWriters) -> str:
    """Each image network's accuracy on ``writers`` read alone (how much networks of one
    recipe differ by their seed)."""
    one = [Reader(checkpoint.unsaved(n, None, model.card.preprocessing)) for n in model.networks]
    accuracies = [
        float((writers.read(r).argmax(axis=1) == writers.digits.labels).mean()) for r in one
    ]
    return ", ".join(f"{a:.2%}" for a in accuracies)


def loop_text(name: str, loop: dict[str, Any]) -> str:
    """The fine-tune loop's result on the ``name`` proxy as a small table."""
    gain, mnist_change = loop["after"] - loop["before"], loop["mnist_after"] - loop["mnist_before"]
    return (
        f"\nfine-tune loop on the {name} proxy: {loop['writers'][0]} writers contribute "
        f"{loop['contributed']:,} drawings, {loop['writers'][1]} other writers are read"
        f"\n| | before | after | gain |\n| --- | ---: | ---: | ---: |"
        f"\n| other writers | {loop['before']:.2%} | {loop['after']:.2%} | {100 * gain:+.2f} pts |"
        f"\n| MNIST test | {loop['mnist_before']:.2%} | {loop['mnist_after']:.2%} "
        f"| {100 * mnist_change:+.2f} pts |"
        f"\ndecision: {loop['decision']} ({loop['seconds']:.0f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, action="append", help="model .npz (repeatable)")
    parser.add_argument("--mnist-dir", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=0, help="for the proxies")
    parser.add_argument("--no-loop", dest="loop", action="store_false", help="skip fine-tuning")
    args = parser.parse_args()
    started = time.perf_counter()
    mnist, sets = proxies(args.mnist_dir, args.seed)
    seconds = time.perf_counter() - started
    print(
        f"proxies: traced {len(sets['traced'].labels):,} MNIST test digits; scripted "
        f"{SCRIPTED_WRITERS} writers x 10 digits x {PER_DIGIT} ({seconds:.0f} s)"
    )
    folder = get_settings().unipen_dir
    real = real_writers(folder) if folder else None
    validation = real_writers(folder, "validation") if folder else None
    if real is None:
        print("DIGITPAD_UNIPEN_DIR is unset: no real handwriting in this run")
    else:
        print(
            f"UNIPEN test writers: {len(set(real.digits.writers.tolist()))} writers, "
            f"{len(real.digits):,} digits, {int(real.suspect.sum())} with suspect labels"
        )
    for path in args.model or [get_settings().model_dir / SHIPPED_MODEL]:
        report(path, mnist, sets, args, real, validation)


if __name__ == "__main__":
    main()
