"""A contributor's own labelled drawings, read beside the network: the pad learns its writer.

No retraining: a person's saved drawings are kept as points in the network's feature
space (`Reader.features`: the last hidden layer, unit length; and where the model has
trajectory networks, theirs beside it), and a new drawing is compared with them. For each
digit j the person has drawn, s_j is the cosine similarity of the new drawing to their
closest drawing of j (for two drawings that both came as strokes, the mean of the image's
and the path's similarities: on UNIPEN's validation writers with three drawings a digit,
98.57% -> 99.19% read right against the image's alone), and NEUTRAL is a similarity between
those of a person's drawings of other digits and of the same digit. Above it, a drawing
looks like their j; below, unlike. That gives a second opinion, which multiplies the
network's probabilities (a product of experts):

    p'_j ∝ p_j · exp(κ w_j (s_j - NEUTRAL)),   w_j = min(1, n_j / FULL)

where n_j is how many drawings of j they saved (one drawing is a weaker witness than
three) and a digit they have not drawn has no opinion (exponent 0). A drawing much like
one of their own 9s moves towards 9 however the network read it; one like none of their
drawings barely moves. Only the contributor's own drawings count, so nobody's labels
change anybody else's answers. κ and FULL were chosen on UNIPEN's validation writers
(bench/personal.py --tune).
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app.engine.errors import InvalidInput

# κ: how much a difference in similarity counts against the network's probabilities. Two
# drawings of the same digit by one person are typically ~0.9 alike, of different digits
# ~0.6: a gap of 0.1 multiplies the odds by e^5.
SHARPNESS = 50.0
# On UNIPEN's validation writers, a drawing's closest other drawing of the same digit by
# the same person has a similarity of 0.83 to 0.98 (10th to 90th percentile), its closest
# drawing of another digit 0.39 to 0.71: a digit not drawn yet sits between the two.
NEUTRAL = 0.75
FULL = 3  # drawings of a digit from which it counts fully

Features = npt.NDArray[np.float32]  # (n, d) float32: an image part and a path part


def has_path(features: Features, split: int) -> npt.NDArray[np.bool_]:
    """(n,) True where a row's path part (columns ``split`` on) is not all zeros."""
    return np.asarray(features[:, split:].any(axis=1))


@dataclass(frozen=True, eq=False)
class Personal:
    """One contributor's labelled drawings, as the reader's features, grouped by digit
    (make it with `Personal.of`). Their similarity to a new drawing is one product: with
    ``image`` for a drawing without a path, with ``joint`` for one with a path."""

    image: Features  # (n, split): the image part, the drawings of each digit together
    joint: Features  # (n, d): [image, path] / 2 where a drawing has a path, [image, 0] not
    digits: npt.NDArray[np.int64]  # (g,) the digits drawn, ascending
    starts: npt.NDArray[np.intp]  # (g,) where each digit's rows start
    weight: npt.NDArray[np.float64]  # (g,) how much each digit's drawings count, 0..1

    @classmethod
    def of(
        cls, features: npt.ArrayLike, labels: npt.ArrayLike, split: int | None = None
    ) -> "Personal":
        """From features (n, d) and labels (n,) in 0..9, n >= 1. ``split``: where the
        features' path part starts (`Reader.image_features`; None: no path part). Each
        part of a row is of unit length, or zeros for a drawing without a path."""
        F = np.asarray(features, dtype=np.float32)
        y = np.asarray(labels, dtype=np.int64)
        if F.ndim != 2 or y.shape != (len(F),) or not len(y):
            raise InvalidInput(
                f"expected features (n, d) and labels (n,), n >= 1, got {F.shape} and {y.shape}"
            )
        if y.min() < 0 or y.max() > 9:
            raise InvalidInput(f"expected labels in 0..9, got {y.min()}..{y.max()}")
        order = np.argsort(y, kind="stable")
        digits, starts = np.unique(y[order], return_index=True)
        F = F[order]
        split = F.shape[1] if split is None else split
        drawn = has_path(F, split)
        joint = F.copy()
        joint[drawn] /= 2  # the mean of the two similarities for two drawings with a path
        counts = np.diff([*starts, len(F)])
        weight = np.minimum(1.0, counts / FULL)
        return cls(np.ascontiguousarray(F[:, :split]), joint, digits, starts, weight)

    @property
    def split(self) -> int:
        """Where the features' path part starts."""
        return int(self.image.shape[1])

    @property
    def drawn(self) -> npt.NDArray[np.bool_]:
        """(n,) whether each drawing has a path part."""
        return has_path(self.joint, self.split)

    def __len__(self) -> int:
        return len(self.image)


@dataclass(frozen=True)
class PersonalWeight:
    """How much a contributor's drawings counted in one answer."""

    samples: int  # how many of their drawings were compared
    weight: float  # total variation between the network's answer and the blended one, 0..1


def opinion(
    features: Features, personal: Personal, *, sharpness: float = SHARPNESS
) -> npt.NDArray[np.float64]:
    """(m, 10) log q: the second opinion for ``features`` (m, d), 0 for digits not drawn."""
    s = personal.split
    with_path = has_path(features, s)
    if with_path.all():  # the usual case: drawings that came as strokes
        similarity = features @ personal.joint.T  # (m, n) cosine similarities
    elif not with_path.any():
        similarity = features[:, :s] @ personal.image.T
    else:
        similarity = np.empty((len(features), len(personal)), np.float32)
        similarity[with_path] = features[with_path] @ personal.joint.T
        similarity[~with_path] = features[~with_path, :s] @ personal.image.T
    closest = np.maximum.reduceat(similarity, personal.starts, axis=1)  # (m, g)
    log_q = np.zeros((len(features), 10))
    log_q[:, personal.digits] = sharpness * personal.weight * (closest - NEUTRAL)
    return log_q


def blend(
    probabilities: npt.NDArray[np.float32],
    features: Features,
    personal: Personal,
    *,
    sharpness: float = SHARPNESS,
) -> tuple[npt.NDArray[np.float32], list[PersonalWeight]]:
    """The network's probabilities (m, 10) blended with ``personal``'s opinion of the same
    inputs (their ``features`` (m, d)): (m, 10) float32 rows summing to 1, and for each
    row how much the person's drawings moved it."""
    log_p = np.log(np.maximum(probabilities.astype(np.float64), 1e-12))
    log_p += opinion(features, personal, sharpness=sharpness)
    log_p -= log_p.max(axis=1, keepdims=True)
    blended = np.exp(log_p)
    blended /= blended.sum(axis=1, keepdims=True)
    moved = 0.5 * np.abs(blended - probabilities).sum(axis=1)
    weights = [PersonalWeight(len(personal), round(float(m), 4)) for m in moved]
    return blended.astype(np.float32), weights
