"""Every sample scored again at once: ``digitpad moderate``, before each fine-tune, and at
a server's first start over samples not scored yet.

The drawings are read a batch at a time and only what the scores need is kept (the
referee's probabilities and features, labels and contributors: about 300 bytes a
drawing), so memory stays bounded by the number of drawings, not by their strokes.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import TypeVar

import numpy as np

from app.engine.moderation import Scores, score_all
from app.engine.reader import Limits, Reader
from app.services.moderation import evidence_record, status_of
from app.services.reading import stored_ink
from app.store import ModerationStore, SampleStore, Verdict

BATCH = 1000  # drawings read, and verdicts written, at once
T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last one shorter)."""
    iterator = iter(items)
    while part := list(islice(iterator, size)):
        yield part


@dataclass(frozen=True)
class Moderated:
    """What a batch run found: each sample's status and each contributor's record."""

    statuses: dict[int, str]  # sample id -> status
    records: dict[str, float]

    @property
    def counts(self) -> dict[str, int]:
        """Samples per status."""
        values = list(self.statuses.values())
        return {status: values.count(status) for status in sorted(set(values))}

    @property
    def accepted(self) -> set[int]:
        """The ids of the accepted samples."""
        return {i for i, status in self.statuses.items() if status == "accepted"}


def moderate_all(
    store: SampleStore, moderation: ModerationStore, referee: Reader, limits: Limits
) -> Moderated:
    """Score every sample again (`engine.moderation.score_all`) and store the verdicts;
    an admin's decisions stay as they are, and the drawings an admin rejected or of a
    blocked contributor speak for nothing."""
    blocked = moderation.blocked()
    ids, labels, keys, decided, probabilities, features = [], [], [], [], [], []
    for batch in batched(store.iter_all(batch_size=BATCH), BATCH):
        p, F = referee.assess([stored_ink(s, referee, limits) for s in batch])
        probabilities.append(p)
        features.append(F)
        for s in batch:
            ids.append(s.id)
            labels.append(s.label)
            keys.append(s.contributor or f"\0{s.id}")  # no id: a contributor of its own
            by_admin = s.verdict is not None and s.verdict.decided_by == "admin"
            decided.append(s.verdict.status if by_admin and s.verdict else None)
    if not ids:
        return Moderated({}, {})
    codes = {key: code for code, key in enumerate(dict.fromkeys(keys))}
    owners = np.array([codes[k] for k in keys], dtype=np.int64)
    usable = np.array(
        [d != "rejected" and k not in blocked for d, k in zip(decided, keys, strict=True)]
    )
    scores = score_all(
        np.concatenate(probabilities), np.concatenate(features), labels, owners, usable=usable
    )
    for part in batched(_verdicts(ids, decided, scores), BATCH):
        moderation.set_verdicts(part)
    statuses = {
        i: d or status_of(float(t)) for i, d, t in zip(ids, decided, scores.trust, strict=True)
    }
    records = {k: float(scores.records[c]) for k, c in codes.items() if not k.startswith("\0")}
    return Moderated(statuses, records)


def _verdicts(
    ids: list[int], decided: list[str | None], scores: Scores
) -> Iterator[tuple[int, Verdict]]:
    """Moderation's verdict on each sample an admin has not decided."""
    for i, sample_id in enumerate(ids):
        if decided[i] is not None:
            continue
        yield sample_id, Verdict(
            status=status_of(float(scores.trust[i])),
            support=float(scores.support[i]),
            trust=round(float(scores.trust[i]), 6),
            evidence=evidence_record(
                int(scores.read[i]), scores.p_label[i], scores.vote.agree[i],
                scores.vote.disagree[i],
            ),
        )  # fmt: skip
