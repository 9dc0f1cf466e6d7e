"""The training set of a recipe: MNIST, scripted drawings and real pen-drawn digits.

`training_set` puts together what ``digitpad train`` trains on, so that the command, the
benches and the tests build it the same way:

- MNIST's 60,000 training images (scanned paper);
- ``scripted`` drawings by scripted writers (`proxy.written_by_scripted_writers`);
- UNIPEN's training writers (`unipen.split_digits`), each digit replayed onto the page's
  canvas ``unipen_copies`` times, slanted, rotated and stretched a little each time
  (`replay.replay` with a `Distortion`), less the digits whose labels are suspect.
"""

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app.engine.errors import ConfigError
from app.engine.mnist import Mnist, to_inputs
from app.engine.preprocess.strokes import PEN_WIDTH
from app.engine.proxy import written_by_scripted_writers
from app.engine.replay import Distortion, replay
from app.engine.unipen import CREDIT as UNIPEN_CREDIT
from app.engine.unipen import PenDigits, split_digits

UNIPEN_STREAM = 2  # UNIPEN replays come from default_rng([seed, 2])


@dataclass(frozen=True, eq=False)
class TrainingSet:
    """Images (n, 784) float32 in [0, 1], labels (n,) int64, and what they are."""

    images: npt.NDArray[np.float32]
    labels: npt.NDArray[np.int64]
    source: str  # for the model card, e.g. "MNIST + 12000 scripted drawings"
    credits: tuple[str, ...]  # data whose licence asks to be credited


def training_set(
    mnist: Mnist,
    *,
    scripted: int,
    unipen: PenDigits | None,
    unipen_copies: int,
    label_issues: Collection[int] = (),
    writers: Collection[str] | None = None,
    seed: int,
    pen_width: float = PEN_WIDTH,
) -> TrainingSet:
    """MNIST's training images plus the recipe's drawings, MNIST first.

    ``unipen``: the whole UNIPEN set, required when ``unipen_copies`` > 0; its training
    writers are used, or ``writers`` when given (for experiments that hold some out or
    add some in). ``label_issues``: UNIPEN ids left out. ``pen_width``: the pen the
    drawings are drawn with (the model's, `card.Preprocessing`).
    """
    parts = [(to_inputs(mnist.train.images), mnist.train.labels.astype(np.int64))]
    source = ["MNIST"]
    credits: list[str] = []
    if scripted:
        parts.append(written_by_scripted_writers(scripted, seed=seed, pen_width=pen_width))
        source.append(f"{scripted} scripted drawings")
    if unipen_copies:
        if unipen is None:
            raise ConfigError("expected the UNIPEN digits (DIGITPAD_UNIPEN_DIR) for unipen copies")
        chosen = split_digits(unipen)["train"] if writers is None else unipen.of_writers(writers)
        kept = chosen.take(~np.isin(chosen.ids, list(label_issues)))
        rng = np.random.default_rng([seed, UNIPEN_STREAM])
        real = replay(kept, rng, copies=unipen_copies, distort=Distortion(), pen_width=pen_width)
        parts.append((real.images, real.labels))
        source.append(
            f"UNIPEN {'training' if writers is None else 'chosen'} writers ({len(kept)} digits, "
            f"{len(chosen) - len(kept)} suspect labels left out) x {unipen_copies}"
        )
        credits.append(UNIPEN_CREDIT)
    return TrainingSet(
        images=np.concatenate([p[0] for p in parts]),
        labels=np.concatenate([p[1] for p in parts]),
        source=" + ".join(source),
        credits=tuple(credits),
    )
