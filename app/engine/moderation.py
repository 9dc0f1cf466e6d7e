"""How far to trust a contributed label: the few formulas of moderation.

Three witnesses speak on each labelled drawing, each as a log-likelihood ratio ("how much
likelier is what we see if the label is right than if it is wrong"):

1. **The model** (`model_evidence`): a model that never trained on contributions (the
   shipped one) gives probability m to the label; ``MODEL_SCALE · log(m / (1 - m))``,
   capped at ``±MODEL_CAP``. A cap, because the model is exactly what an honest correction
   contradicts: a curled-tail 9 labelled 9 that the model reads as 3.
2. **Other people's drawings** (`neighbour_evidence`): the drawing's ``NEIGHBOURS``
   nearest drawings by *other* contributors in the model's feature space, those at least
   ``MIN_SIMILARITY`` alike, each counting as much as its contributor is trusted (their
   record): those labelled the same speak for the label, the others against it.
3. **The contributor's record** (`record`): how often their labels were supported by the
   first two witnesses, with a prior worth ``PRIOR_WEIGHT`` drawings at ``PRIOR_TRUST``
   (one drawing says little about a person; forty say a lot), as Dawid and Skene weigh
   annotators by their agreement with everyone else.

A drawing's *support* is ``sigmoid(SUPPORT_SHARPNESS · (model + neighbours))``, what its
own evidence says, sharpened so that a drawing the model reads well counts as nearly one
right label in its contributor's record; its *trust* is ``sigmoid(RECORD_WEIGHT ·
logit(record) + model + neighbours)``. The record counts twice: on UNIPEN's test writers
(`bench/poison.py`) that halved the honest drawings flagged (0.8% -> 0.4%) and still
flagged 99% to 100% of every attack, attackers who send three honest labels for every
wrong one included; at three times, those attackers' wrong labels began to pass.

At least ``ACCEPT``: accepted, else flagged for review. So an honest correction of a
misread drawing, from a person whose labels are mostly right and whose drawing is not
like other people's drawings of another digit, is accepted; a bot labelling 3s as 8s has
a record near zero, and other people's 3s speak against every one of its labels.
``MIN_SIMILARITY`` and the caps were set on UNIPEN's validation writers; the record's
weight and prior with `bench/poison.py`, whose writers are UNIPEN's test writers (none
of them trained the model).
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app.engine.errors import InvalidInput

MODEL_SCALE = 0.5
MODEL_CAP = 2.5
NEIGHBOURS = 10
MIN_SIMILARITY = 0.8  # on UNIPEN, 98.6% of other writers' drawings this alike share the label
NEIGHBOUR_SCALE = 0.5
NEIGHBOUR_CAP = 3.0
PRIOR_TRUST = 0.7
PRIOR_WEIGHT = 5.0
RECORD_BOUNDS = (0.01, 0.99)
SUPPORT_SHARPNESS = 2.0
RECORD_WEIGHT = 2.0  # a record's log-odds count twice: see the module's docstring
ACCEPT = 0.5  # trust from which a drawing is accepted
CHUNK_CELLS = 1 << 21  # similarities computed at once in `nearest_others` (8 MB)
TRUSTED = 0.9  # record from which a contributor's drawings may judge a fine-tune

Floats = npt.NDArray[np.float64]


def model_evidence(probabilities: npt.ArrayLike, labels: npt.ArrayLike) -> Floats:
    """(n,) float64 in [-MODEL_CAP, MODEL_CAP]: the model's word on each label, from
    ``probabilities`` (n, 10) rows summing to 1 and ``labels`` (n,) in 0..9."""
    p = np.asarray(probabilities, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    if p.ndim != 2 or p.shape[1] != 10 or y.shape != (len(p),):
        raise InvalidInput(
            f"expected probabilities (n, 10) and labels (n,), got {p.shape}, {y.shape}"
        )
    m = np.clip(p[np.arange(len(y)), y], 1e-12, 1 - 1e-12)
    return np.clip(MODEL_SCALE * np.log(m / (1 - m)), -MODEL_CAP, MODEL_CAP)


@dataclass(frozen=True, eq=False)
class Neighbours:
    """Each drawing's nearest drawings by other contributors (`nearest_others`)."""

    index: npt.NDArray[np.intp]  # (n, k) rows of the reference drawings, -1: none
    similarity: npt.NDArray[np.float32]  # (n, k) cosine similarity, -inf where none


def nearest_others(
    queries: npt.NDArray[np.float32],
    owners: npt.NDArray[np.int64],
    reference: npt.NDArray[np.float32],
    reference_owners: npt.NDArray[np.int64],
    *,
    k: int = NEIGHBOURS,
) -> Neighbours:
    """For each query (n, d) of unit length, its ``k`` most similar reference rows (m, d)
    whose owner differs from its own, most similar first, and at least ``MIN_SIMILARITY``
    alike; fewer (index -1) when fewer qualify. Owners are contributor codes, (n,) and
    (m,). Queries go in chunks of at most ``CHUNK_CELLS`` similarities."""
    n, m = len(queries), len(reference)
    chunk = max(1, CHUNK_CELLS // max(m, 1))
    k_eff = min(k, m)
    index = np.full((n, k), -1, dtype=np.intp)
    similarity = np.full((n, k), -np.inf, dtype=np.float32)
    if k_eff == 0:
        return Neighbours(index, similarity)
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        S = queries[start:stop] @ reference.T
        S[owners[start:stop, None] == reference_owners[None, :]] = -np.inf
        S[S < MIN_SIMILARITY] = -np.inf
        top = np.argpartition(-S, k_eff - 1, axis=1)[:, :k_eff]
        sims = np.take_along_axis(S, top, axis=1)
        order = np.argsort(-sims, axis=1)
        top, sims = np.take_along_axis(top, order, 1), np.take_along_axis(sims, order, 1)
        index[start:stop, :k_eff] = np.where(np.isfinite(sims), top, -1)
        similarity[start:stop, :k_eff] = sims
    return Neighbours(index, similarity)


@dataclass(frozen=True, eq=False)
class Vote:
    """What other people's drawings say of each label: weights for and against."""

    agree: Floats  # (n,) summed trust of neighbours with the same label
    disagree: Floats  # (n,) summed trust of neighbours with another label

    @property
    def evidence(self) -> Floats:
        """(n,) in [-NEIGHBOUR_CAP, NEIGHBOUR_CAP]."""
        weight = NEIGHBOUR_SCALE * (self.agree - self.disagree)
        return np.clip(weight, -NEIGHBOUR_CAP, NEIGHBOUR_CAP)


def neighbour_vote(
    neighbours: Neighbours,
    labels: npt.ArrayLike,
    reference_labels: npt.ArrayLike,
    reference_trust: npt.ArrayLike,
) -> Vote:
    """Each label (n,) weighed against its neighbours' labels (m,), each neighbour counting
    its contributor's record (m,) in [0, 1]."""
    y = np.asarray(labels, dtype=np.int64)
    ref_y = np.append(np.asarray(reference_labels, dtype=np.int64), -1)  # row -1: none
    ref_w = np.append(np.asarray(reference_trust, dtype=np.float64), 0.0)
    same = ref_y[neighbours.index] == y[:, None]
    w = ref_w[neighbours.index]
    return Vote((w * same).sum(axis=1), (w * ~same).sum(axis=1))


def record(supported: npt.ArrayLike, counts: npt.ArrayLike) -> Floats:
    """Contributors' records in RECORD_BOUNDS: (summed support of their drawings + the
    prior's) / (their drawings + the prior's weight); (c,) each."""
    s, n = np.asarray(supported, dtype=np.float64), np.asarray(counts, dtype=np.float64)
    r = (s + PRIOR_TRUST * PRIOR_WEIGHT) / (n + PRIOR_WEIGHT)
    return np.clip(r, *RECORD_BOUNDS)


def sigmoid(x: npt.ArrayLike) -> Floats:
    """The logistic function 1 / (1 + e^-x), elementwise, float64."""
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))


def support(evidence: npt.ArrayLike) -> Floats:
    """(n,) in (0, 1): how far each drawing's own evidence supports its label."""
    return sigmoid(SUPPORT_SHARPNESS * np.asarray(evidence, dtype=np.float64))


def evidence_of(supported: npt.ArrayLike) -> Floats:
    """The evidence a `support` came from (its inverse), (n,) float64."""
    s = np.clip(np.asarray(supported, dtype=np.float64), 1e-12, 1 - 1e-12)
    return np.log(s / (1 - s)) / SUPPORT_SHARPNESS


def turning_point(records: npt.ArrayLike) -> Floats:
    """The evidence at which a drawing's trust is ACCEPT (one half) for a contributor of
    each record: more is accepted, less flagged. (n,) float64."""
    r = np.asarray(records, dtype=np.float64)
    return -RECORD_WEIGHT * np.log(r / (1 - r))


def trust(records: npt.ArrayLike, evidence: npt.ArrayLike) -> Floats:
    """sigmoid(RECORD_WEIGHT · logit(record) + evidence): how likely each label is right,
    (n,) in (0, 1)."""
    return sigmoid(np.asarray(evidence, dtype=np.float64) - turning_point(records))


def records_of(owners: npt.NDArray[np.int64], support: npt.ArrayLike, n_owners: int) -> Floats:
    """(n_owners,) records from each drawing's owner code (n,) and support (n,)."""
    summed = np.bincount(owners, weights=np.asarray(support, np.float64), minlength=n_owners)
    return record(summed, np.bincount(owners, minlength=n_owners))


@dataclass(frozen=True, eq=False)
class Scores:
    """Every drawing's evidence, support and trust, and every contributor's record."""

    read: npt.NDArray[np.int64]  # (n,) the digit the model reads
    p_label: Floats  # (n,) the model's probability of the label
    vote: Vote
    support: Floats  # (n,) `support` of model + neighbours
    trust: Floats  # (n,)
    records: Floats  # (c,) per owner code

    @property
    def accepted(self) -> npt.NDArray[np.bool_]:
        """(n,) whether each drawing's trust reaches ACCEPT."""
        return np.asarray(self.trust >= ACCEPT)


def score_all(
    probabilities: npt.ArrayLike,
    features: npt.NDArray[np.float32],
    labels: npt.ArrayLike,
    owners: npt.NDArray[np.int64],
    *,
    usable: npt.NDArray[np.bool_] | None = None,
) -> Scores:
    """Score every drawing at once: ``probabilities`` (n, 10) from a model that never
    trained on them, ``features`` (n, d) of unit length, ``labels`` (n,), ``owners`` (n,)
    contributor codes 0..c-1. ``usable`` (n,): the drawings that may speak as others'
    neighbours (default all; not those rejected by an admin).

    Two rounds, as in Dawid and Skene's: records from the model's word alone weigh the
    neighbours, then records from the model and the neighbours give the trust."""
    p = np.asarray(probabilities, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    n_owners = int(owners.max()) + 1 if len(owners) else 0
    e_model = model_evidence(p, y)
    first = records_of(owners, support(e_model), n_owners)
    ref = np.flatnonzero(np.ones(len(y), bool) if usable is None else usable)
    near = nearest_others(features, owners, features[ref], owners[ref])
    vote = neighbour_vote(near, y, y[ref], first[owners[ref]])
    evidence = e_model + vote.evidence
    supported = support(evidence)
    records = records_of(owners, supported, n_owners)
    return Scores(
        read=p.argmax(axis=1),
        p_label=p[np.arange(len(y)), y],
        vote=vote,
        support=supported,
        trust=trust(records[owners], evidence),
        records=records,
    )


def reasons(
    label: int, read: int, p_label: float, agree: float, disagree: float, record: float
) -> list[str]:
    """Why a drawing labelled ``label`` is doubted, in words, from its evidence and its
    contributor's record; empty when nothing speaks against it."""
    out = []
    if read != label and p_label < 0.5:
        given = "under 0.1%" if p_label < 0.001 else f"only {p_label:.1%}"
        out.append(f"the model reads {read}, giving {label} {given}")
    if disagree > agree:
        out.append(
            f"similar drawings by others are mostly labelled otherwise "
            f"(weight {disagree:.1f} against, {agree:.1f} for)"
        )
    if record < PRIOR_TRUST:
        out.append(f"this contributor's labels are often disputed (record {record:.0%})")
    return out
