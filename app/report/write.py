"""The offline report (`digitpad report`): the insights page's views as PNG files, and one
self-contained HTML page (templates/report.html) showing them with the numbers behind them.

Everything comes from the model card when it can: ``metrics.mnist_test`` (accuracy, per
digit, confusion matrix), ``training.history`` (learning curves) and
``insights.mnist_test`` (kept mistakes, average inputs). A card without metrics or
insights (an older one) has them measured now on the MNIST test set, loaded only then.
The linear baseline is measured the same way, beside the model.
"""

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
from numpy.typing import NDArray

from app import __version__
from app.config import PROJECT_ROOT
from app.engine import checkpoint
from app.engine.card import ModelCard
from app.engine.checkpoint import Checkpoint
from app.engine.errors import DigitpadError, ModelFileError
from app.engine.figures import encode_png
from app.engine.files import write_bytes_atomic
from app.engine.insights import average_inputs, insights_on, mistakes_in
from app.engine.metrics import N_CLASSES, Evaluation, evaluate
from app.engine.mnist import to_inputs
from app.engine.reader import Reader
from app.report import charts
from app.report.canvas import RGB
from app.report.figures import axis_floor, figures
from app.services.datasets import load_mnist_from_settings

PAGE = "index.html"


class ReportError(DigitpadError):
    """A report that cannot be made (data missing that only MNIST could give)."""


@dataclass(frozen=True)
class Measured:
    """One model of the report: its checkpoint, its MNIST test metrics and whether they
    were measured now (True) or read from its card (False)."""

    path: Path
    model: Checkpoint
    test: Evaluation
    measured_now: bool


@dataclass
class ReportData:
    """What the report shows: the model, the baseline (None without one), the model's kept
    MNIST test pictures (`insights_on`'s data) and notes on what is missing."""

    model: Measured
    baseline: Measured | None
    insights: dict[str, Any]
    insights_measured_now: bool
    notes: list[str] = field(default_factory=list)


class _TestSet:
    """The MNIST test set, loaded the first time something needs it."""

    def __init__(self, mnist_dir: Path | None) -> None:
        self.mnist_dir = mnist_dir
        self.data: tuple[NDArray[np.float32], NDArray[np.uint8]] | None = None

    def get(self, why: str) -> tuple[NDArray[np.float32], NDArray[np.uint8]]:
        if self.data is None:
            try:
                mnist = load_mnist_from_settings(self.mnist_dir)
            except DigitpadError as e:
                raise ReportError(f"{why}; they are measured on MNIST, which failed: {e}") from None
            self.data = to_inputs(mnist.test.images), mnist.test.labels
        return self.data


def card_metrics(card: ModelCard, source: str) -> Evaluation | None:
    """The card's ``metrics.mnist_test`` (None when absent); ModelFileError if malformed."""
    found = card.metrics.get("mnist_test")
    if found is None:
        return None
    try:
        cm = np.asarray(found["confusion_matrix"], dtype=np.int64)
        per_class = [float(a) for a in found["per_class_accuracy"]]
        accuracy = float(found["accuracy"])
        loss = float(found.get("loss", math.nan))
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise ModelFileError(f"{source}: card's metrics.mnist_test lacks a valid {e}") from None
    if cm.shape != (N_CLASSES, N_CLASSES) or (cm < 0).any() or len(per_class) != N_CLASSES:
        raise ModelFileError(
            f"{source}: card's metrics.mnist_test: expected 10 per-digit accuracies and a "
            f"10x10 confusion matrix of counts, got {len(per_class)} and shape {cm.shape}"
        )
    if not 0 <= accuracy <= 1:
        raise ModelFileError(f"{source}: expected an accuracy in [0, 1], got {accuracy}")
    n = int(cm.sum())
    return Evaluation(n, accuracy, loss, per_class, cm.tolist())


def _measure(path: Path, model: Checkpoint, test_set: _TestSet) -> Measured:
    found = card_metrics(model.card, str(path))
    if found is not None:
        return Measured(path, model, found, measured_now=False)
    why = f"{checkpoint.card_path(path)}: the card has no MNIST test metrics"
    images, labels = test_set.get(why)
    return Measured(path, model, evaluate(Reader(model), images, labels), measured_now=True)


def _kept_pictures(card: ModelCard, source: str) -> dict[str, Any] | None:
    """The card's ``insights.mnist_test`` (None when absent), checked to unpack."""
    found = card.insights.get("mnist_test")
    if found is None:
        return None
    if not isinstance(found, dict):
        raise ModelFileError(f"{source}: card's insights.mnist_test: expected an object")
    try:
        average_inputs(found)
        mistakes_in(found, 0, 0)
    except (KeyError, TypeError, ValueError) as e:
        raise ModelFileError(f"{source}: card's insights.mnist_test lacks a valid {e}") from None
    except ModelFileError as e:
        raise ModelFileError(f"{source}: card's insights.mnist_test: {e}") from None
    return found


def _check_history(card: ModelCard, source: str) -> None:
    """ModelFileError unless ``training.history`` (when there) is a list of epochs, each an
    object of numbers (or null where a value was not measured)."""
    history = card.training.history if card.training else ()
    if not all(
        isinstance(epoch, dict)
        and all(v is None or isinstance(v, int | float) for v in epoch.values())
        and isinstance(epoch.get("epoch"), int)
        for epoch in history
    ):
        raise ModelFileError(
            f"{source}: expected the card's training.history to be a list of epochs, "
            f"each an object of numbers, got {str(history)[:60]}"
        )


def gather(model_path: Path, *, baseline_path: Path | None, mnist_dir: Path | None) -> ReportData:
    """Load the model (and the baseline at ``baseline_path`` when it is there and is not
    the model itself), and whatever their cards lack, measured on MNIST test."""
    test_set = _TestSet(mnist_dir)
    model = _measure(model_path, checkpoint.load(model_path), test_set)
    _check_history(model.model.card, str(model_path))
    notes: list[str] = []
    baseline = None
    if baseline_path is None or not baseline_path.exists():
        notes.append(f"no linear baseline to compare with ({baseline_path} not found)")
    else:
        try:
            loaded = checkpoint.load(baseline_path)
        except ModelFileError as e:
            notes.append(f"the linear baseline is left out: {e}")
        else:
            if loaded.card.weights_sha256 == model.model.card.weights_sha256:
                notes.append("the model is the linear baseline; nothing to compare it with")
            else:
                try:
                    baseline = _measure(baseline_path, loaded, test_set)
                except (ModelFileError, ReportError) as e:
                    notes.append(f"the linear baseline is left out: {e}")
    kept = _kept_pictures(model.model.card, str(model_path))
    if kept is not None:
        return ReportData(model, baseline, kept, insights_measured_now=False, notes=notes)
    why = f"{checkpoint.card_path(model_path)}: the card keeps no MNIST test pictures"
    images, labels = test_set.get(why)
    kept = insights_on(Reader(model.model), images, labels)
    return ReportData(model, baseline, kept, insights_measured_now=True, notes=notes)


def _architecture(model: Checkpoint) -> str:
    """The layer sizes ("784-256-128-10"), with how many networks read together ("5 x ..."),
    and the trajectory networks (" + 5 x 160-... reading the pen's path")."""

    def layers(count: int, sizes: tuple[int, ...]) -> str:
        return ("" if count == 1 else f"{count} x ") + "-".join(map(str, sizes))

    images = layers(len(model.networks), model.network.sizes)
    if model.paths is None:
        return images
    paths = model.paths.networks
    return f"{images} + {layers(len(paths), paths[0].sizes)} reading the pen's path"


def render_page(data: ReportData, written: dict[str, RGB]) -> str:
    """The HTML page: the model's facts, the numbers, and each written figure."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(PROJECT_ROOT / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    model, base = data.model, data.baseline
    both = [(model, "this network")] + ([(base, "the linear baseline")] if base else [])
    overall = [
        {
            "name": name,
            "accuracy": m.test.accuracy,
            "n": m.test.n,
            "wrong": m.test.n - int(np.trace(np.asarray(m.test.confusion_matrix))),
            "measured_now": m.measured_now,
        }
        for m, name in both
    ]
    counts = np.asarray(model.test.confusion_matrix).sum(axis=1)
    digits = [
        {
            "digit": d,
            "n": int(counts[d]),
            "model": model.test.per_class_accuracy[d],
            "baseline": base.test.per_class_accuracy[d] if base else None,
        }
        for d in range(N_CLASSES)
    ]
    card = model.model.card.to_dict()
    return environment.get_template("report.html").render(
        data=data,
        card=card,
        training=card.get("training") or {},
        architecture=_architecture(model.model),
        baseline_architecture=_architecture(base.model) if base else "",
        overall=overall,
        overall_axis=charts.percent(axis_floor([m.test.accuracy for m, _ in both])),
        digits=digits,
        figures={name: picture.shape for name, picture in written.items()},
        generated=datetime.now(UTC).isoformat(timespec="seconds"),
        digitpad=__version__,
    )


def write_report(
    model_path: Path, out: Path, *, baseline_path: Path | None, mnist_dir: Path | None = None
) -> tuple[list[Path], list[str]]:
    """Write the report of the model at ``model_path`` into the folder ``out`` (made if
    missing): its PNG figures and index.html. Returns the paths written, and notes on
    what was left out or measured now."""
    data = gather(model_path, baseline_path=baseline_path, mnist_dir=mnist_dir)
    base = data.baseline.test if data.baseline else None
    pictures = figures(data.model.model, data.model.test, base, data.insights)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, picture in pictures.items():
        write_bytes_atomic(out / name, encode_png(picture))
        paths.append(out / name)
    write_bytes_atomic(out / PAGE, render_page(data, pictures).encode())
    paths.append(out / PAGE)
    notes = list(data.notes)
    if data.model.measured_now or (data.baseline is not None and data.baseline.measured_now):
        notes.append("metrics missing from a card were measured now on MNIST test")
    if data.insights_measured_now:
        notes.append("the mistakes and average inputs were measured now on MNIST test")
    return paths, notes
