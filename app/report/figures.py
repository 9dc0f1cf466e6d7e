"""The figures of the offline report (`digitpad report`), composed from charts.py and
canvas.py: each is an RGB array (h, w, 3) uint8, named by the PNG file it goes to."""

import math
from typing import Any

import numpy as np

from app.engine.card import ModelCard
from app.engine.checkpoint import Checkpoint
from app.engine.figures import diverging, weight_grid
from app.engine.insights import average_inputs, mistakes_in
from app.engine.metrics import N_CLASSES, Evaluation
from app.report import canvas, charts
from app.report.canvas import RGB
from app.report.charts import Line, Series


def axis_floor(values: list[float]) -> float:
    """Where an accuracy axis starts: at most 90%, a tenth below the lowest value."""
    return min(0.9, math.floor(min(values) * 10) / 10)


def _curves(card: ModelCard) -> RGB | None:
    """Loss and accuracy per epoch, training solid, validation dashed (None: no history)."""
    history = card.training.history if card.training else ()
    if not history:
        return None

    def column(key: str) -> list[float]:
        return [math.nan if h.get(key) is None else float(h[key]) for h in history]

    epochs = column("epoch")
    loss, val_loss = column("loss"), column("val_loss")
    acc, val_acc = column("train_accuracy"), column("val_accuracy")
    best = card.training.best_epoch if card.training else None
    marker = float(best) if best else None
    finite_loss = [v for v in loss + val_loss if not math.isnan(v)]
    finite_acc = [v for v in acc + val_acc if not math.isnan(v)]
    return canvas.side_by_side(
        [
            charts.line_chart(
                [
                    Line("training", epochs, loss, charts.ACCENT),
                    Line("validation", epochs, val_loss, charts.ORANGE, dashed=True),
                ],
                title="Loss (cross-entropy)",
                lo=0.0,
                hi=math.ceil(max(finite_loss) * 10) / 10 or 1.0,
                tick_format=lambda t: f"{t:g}",
                marker=marker,
                marker_label="kept",
            ),
            charts.line_chart(
                [
                    Line("training", epochs, acc, charts.ACCENT),
                    Line("validation", epochs, val_acc, charts.ORANGE, dashed=True),
                ],
                title="Accuracy",
                lo=axis_floor(finite_acc),
                hi=1.0,
                tick_format=charts.percent,
                marker=marker,
                marker_label="kept",
            ),
        ]
    )


def _first_layer(model: Checkpoint) -> RGB:
    W = model.network.weights[0]
    if len(model.network.sizes) > 2:
        return canvas.titled(
            weight_grid(W),
            f"The first hidden layer: {W.shape[1]} units, each one's 784 incoming weights",
            note="red: ink there turns the unit on; blue: ink there holds it off; white: no effect",
        )
    pictures = [diverging(W[:, d].reshape(28, 28)) for d in range(W.shape[1])]
    return canvas.titled(
        canvas.picture_grid(
            pictures, [str(d) for d in range(W.shape[1])], columns=10, scale=3, border=True
        ),
        "The linear model's only layer: the 784 weights of each digit's output",
        note="red: ink there counts for the digit; blue: against it; white: no effect",
    )


def _mistakes(kept: dict[str, Any], wrong: int) -> RGB | None:
    """The kept mistakes ordered by cell (true, then read digit), each labelled; ``wrong``
    is how many the model makes in all."""
    pictures, labels, per_cell = [], [], 0
    for t in range(N_CLASSES):
        for p in range(N_CLASSES):
            cell = mistakes_in(kept, t, p)
            per_cell = max(per_cell, len(cell))
            for m in cell:
                pictures.append(m.picture)
                sure = m.probabilities[p]
                labels.append(
                    f"{t}{canvas.ARROW}{p} ({'>99' if sure > 0.99 else f'{100 * sure:.0f}'}%)"
                )
    if not pictures:
        return None
    title = f"The {wrong:,} MNIST test images this network reads wrong"
    if len(pictures) < wrong:
        title = f"{len(pictures):,} of the {wrong:,} MNIST test images this network reads wrong"
        title += f" (at most {per_cell} per cell, the surest first)"
    return canvas.titled(
        canvas.picture_grid(pictures, labels, columns=15, scale=2),
        title,
        note="true digit → what it read (the network's probability for that answer), "
        "ordered by true digit, then by what it read",
    )


def figures(
    model: Checkpoint,
    test: Evaluation,
    baseline_test: Evaluation | None,
    kept: dict[str, Any],
) -> dict[str, RGB]:
    """Each figure of the report by its file name, from the model, its MNIST test metrics,
    the linear baseline's (None: no baseline) and the model's kept MNIST test pictures
    (`insights_on`'s data). Figures without data (no training history, no mistakes) are
    left out."""
    tests = [test] if baseline_test is None else [test, baseline_test]
    names = ["this network", "linear baseline"]
    colours = [charts.ACCENT, charts.BASELINE]
    found: dict[str, RGB] = {}
    found["overall.png"] = charts.bar_chart(
        [f"MNIST test, {test.n:,} digits"],
        [Series(n, [t.accuracy], c) for t, n, c in zip(tests, names, colours, strict=False)],
        title="Overall accuracy",
        lo=axis_floor([t.accuracy for t in tests]),
        value_format=lambda v: f"{v:.2%}",
        size=(440, 300),
    )
    found["per_digit.png"] = charts.bar_chart(
        [str(d) for d in range(N_CLASSES)],
        [
            Series(n, t.per_class_accuracy, c)
            for t, n, c in zip(tests, names, colours, strict=False)
        ],
        title="Accuracy per digit (MNIST test)",
        lo=axis_floor([a for t in tests for a in t.per_class_accuracy]),
        size=(760, 320),
    )
    for file, t, who in zip(
        ["confusion.png", "confusion_baseline.png"],
        tests,
        ["This network", "Linear baseline"],
        strict=False,
    ):
        wrong = t.n - int(np.trace(np.asarray(t.confusion_matrix)))
        title = f"{who}: {wrong} of {t.n:,} MNIST test digits read wrong"
        found[file] = charts.heat_map(np.asarray(t.confusion_matrix), title=title)
    curves = _curves(model.card)
    if curves is not None:
        found["curves.png"] = curves
    found["first_layer.png"] = _first_layer(model)
    means, difference = average_inputs(kept)
    found["average_inputs.png"] = canvas.titled(
        canvas.picture_grid(
            [*means, *(diverging(d) for d in difference)],
            [str(d) for d in range(N_CLASSES)] * 2,
            columns=N_CLASSES,
            scale=3,
            row_titles=["average input", "minus the average of all"],
            border=True,
        ),
        "What each output answers to: the MNIST test images this network reads as each digit",
    )
    mistakes = _mistakes(kept, test.n - int(np.trace(np.asarray(test.confusion_matrix))))
    if mistakes is not None:
        found["mistakes.png"] = mistakes
    return found
