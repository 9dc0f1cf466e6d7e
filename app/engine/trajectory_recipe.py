"""How the trajectory networks learn, and how much their vote counts.

The trajectory networks (`trajectory`) read the pen's path, so they learn from drawings
that have one: UNIPEN's training writers, each digit placed on the canvas ``copies``
times, slanted, rotated and stretched a little each time (`replay.place_on_canvas`),
less the digits whose labels are suspect. MNIST has no pen paths and is not used.

Their vote is joined with the image networks' by `reader.combine`; `choose_weight`
picks its weight on writers neither side trained on (UNIPEN's validation writers).
"""

from collections.abc import Collection
from typing import Any

import numpy as np
import numpy.typing as npt

from app.engine.checkpoint import PathNetworks
from app.engine.ensemble import Ensemble
from app.engine.reader import Reader, combine
from app.engine.replay import Distortion, place_on_canvas, replay
from app.engine.train import TrainConfig, TrainResult
from app.engine.trajectory import FEATURES, trajectories
from app.engine.unipen import PenDigits, split_digits

# 30 epochs of 160-256-128-10 with a little dropout: on the validation writers, dropout
# 0.1-0.2 and 20 copies read best among 4-20 copies, 256-128 or 512-256 units.
PATH_CONFIG = TrainConfig(
    arch=(FEATURES, 256, 128, 10), augment=False, epochs=30, dropout=0.1, validation_size=2000
)
PATH_STREAM = 3  # trajectory training placements come from default_rng([seed, 3])
WEIGHTS = tuple(round(0.05 * i, 2) for i in range(11))  # the weights tried, 0 to 0.5


def path_training_set(
    unipen: PenDigits,
    *,
    copies: int,
    label_issues: Collection[int] = (),
    writers: Collection[str] | None = None,
    seed: int,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
    """Trajectories (m, FEATURES) float32 and labels (m,) int64 of UNIPEN's training
    writers (or ``writers``), m = copies x their digits less ``label_issues`` (UNIPEN
    ids): all digits once, then all again, each time placed and bent anew."""
    chosen = split_digits(unipen)["train"] if writers is None else unipen.of_writers(writers)
    kept = chosen.take(~np.isin(chosen.ids, list(label_issues)))
    rng = np.random.default_rng([seed, PATH_STREAM])
    placed = [
        place_on_canvas(strokes, rng, distort=Distortion())
        for _ in range(copies)
        for strokes in kept.strokes
    ]
    return trajectories(placed), np.tile(kept.labels, copies)


def choose_weight(
    images: npt.NDArray[np.float32], paths: npt.NDArray[np.float32], labels: npt.NDArray[np.int64]
) -> float:
    """The weight in ``WEIGHTS`` whose `combine` of the image networks' probabilities
    ``images`` (n, 10) and the trajectory networks' ``paths`` (n, 10) reads ``labels``
    (n,) best; the smallest of equals (the image networks read every input, trust
    them where the paths add nothing)."""
    scores = [float((combine(images, paths, w).argmax(axis=1) == labels).mean()) for w in WEIGHTS]
    return WEIGHTS[int(np.argmax(scores))]


def path_networks(
    images: Reader,
    results: list[TrainResult],
    unipen: PenDigits,
    seed: int,
    validation_writers: Collection[str] | None = None,
) -> tuple[PathNetworks, dict[str, Any]]:
    """The trained trajectory networks with the weight `choose_weight` gives them on the
    UNIPEN validation writers (or ``validation_writers``), and what the card says of them."""
    chosen = (
        split_digits(unipen)["validation"]
        if validation_writers is None
        else unipen.of_writers(validation_writers)
    )
    pen = images.card.preprocessing.pen_width
    validation = replay(chosen, np.random.default_rng(0), pen_width=pen)
    networks = tuple(r.network for r in results)
    weight = choose_weight(
        images.probabilities(validation.images),
        Ensemble(networks).predict_proba(validation.paths),
        validation.labels,
    )
    about = {
        "weight_chosen_on": f"UNIPEN validation writers ({len(validation.labels)} digits)",
        "networks": [
            {"seed": seed + k, "best_epoch": r.best_epoch, "seconds": round(r.seconds, 2)}
            for k, r in enumerate(results)
        ],
    }
    return PathNetworks(networks, weight), about
