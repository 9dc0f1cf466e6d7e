"""Moderation as the app runs it: a verdict for each new contribution at once (every
sample is also scored again in a batch, moderation_batch.py).

The referee is the shipped model, which never trains on contributions, so its word on
any contribution is out of sample. A new drawing is weighed (`engine.moderation`) by
that model, by its nearest drawings from other contributors (kept in each worker's
memory as the referee's features, `Moderator`), and by its contributor's record in the
database; then their earlier drawings' statuses follow their new record (`revisit`), so
a person whose labels keep being right sees an early disputed drawing accepted, and a
bot's early drawings that passed are flagged as its record falls.
"""

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from app.config import Settings
from app.engine import checkpoint
from app.engine.errors import Forbidden
from app.engine.moderation import (
    ACCEPT,
    PRIOR_TRUST,
    evidence_of,
    model_evidence,
    nearest_others,
    neighbour_vote,
    reasons,
    record,
    records_of,
    support,
    trust,
    turning_point,
)
from app.engine.reader import Ink, Limits, Reader
from app.services.model_versions import SHIPPED_MODEL
from app.services.reading import stored_ink
from app.store import (
    ModerationStore,
    NewNumber,
    NewSample,
    Sample,
    SampleStore,
    StoredNumber,
    Verdict,
)

REBUILD_SECONDS = 300.0  # how often a worker's index is rebuilt (deleted samples leave it)


def status_of(trusted: float) -> str:
    """ "accepted" from ACCEPT on, else "flagged" (for review)."""
    return "accepted" if trusted >= ACCEPT else "flagged"


def check_allowed(moderation: ModerationStore, contributor: str | None) -> None:
    """Forbidden (403) for a contributor an admin blocked."""
    if contributor is not None and moderation.is_blocked(contributor):
        raise Forbidden("this contributor id is blocked: its contributions are refused")


@dataclass(frozen=True)
class Drawn:
    """A drawing as a model drew it: the ink, and the model."""

    ink: Ink
    by: Reader


class Moderator:
    """One worker's referee and its index of other contributions; thread-safe."""

    def __init__(self, referee: Reader, limits: Limits) -> None:
        self.referee = referee
        self.limits = limits
        self._lock = threading.Lock()
        self._clear()

    def _clear(self) -> None:
        """Forget every sample taken in."""
        self._codes: dict[str, int] = {}
        self._after = 0  # the last stored id looked at
        self._n = 0
        self._ids = np.zeros(0, np.int64)
        self._labels = np.zeros(0, np.int64)
        self._owners = np.zeros(0, np.int64)
        self._support = np.zeros(0, np.float64)
        self._features = np.zeros((0, self.referee.image_features), np.float32)
        self._built_at = time.monotonic()

    def judge(
        self, moderation: ModerationStore, sample: NewSample, drawn: Ink | None = None
    ) -> Verdict:
        """The verdict on a new sample (not stored yet), from the referee, other people's
        drawings and its contributor's record with it. ``drawn``: the sample as the
        referee draws it, if the caller has it (else it is drawn here)."""
        ink = drawn or stored_ink(sample, self.referee, self.limits)
        p, F = self.referee.assess([ink])
        labels = np.array([sample.label])
        with self._lock:
            self._refresh(moderation)
            n = self._n
            own = self._codes.get(sample.contributor or "", -1)
            owners = self._owners[:n]
            near = nearest_others(F, np.array([own]), self._features[:n], owners)
            weights = records_of(owners, self._support[:n], len(self._codes) + 1)
            vote = neighbour_vote(near, labels, self._labels[:n], weights[owners])
        evidence = float(model_evidence(p, labels)[0] + vote.evidence[0])
        supported = float(support(evidence))
        count, summed = moderation.record(sample.contributor) if sample.contributor else (0, 0)
        trusted = float(trust(record(summed + supported, count + 1), evidence))
        return Verdict(
            status=status_of(trusted),
            support=supported,
            trust=trusted,
            evidence=evidence_record(
                int(p[0].argmax()), float(p[0, sample.label]), vote.agree[0], vote.disagree[0]
            ),
        )

    def same_drawing(self, drawn: Drawn | None) -> Ink | None:
        """The ink of ``drawn`` if the referee would draw it the same (the serving model
        preprocesses as the referee does), else None."""
        if drawn is None or drawn.by.card.preprocessing != self.referee.card.preprocessing:
            return None
        return drawn.ink

    def _refresh(self, moderation: ModerationStore) -> None:
        """Take in the samples stored since the last call (all of them, now and then): the
        referee's features of the image each was stored with, not drawn again."""
        if time.monotonic() - self._built_at > REBUILD_SECONDS:
            self._clear()
        rows = moderation.stored_after(self._after)
        if not rows:
            return
        self._after = rows[-1].id
        new = [r for r in rows if r.status is not None and r.status != "rejected"]
        if not new:
            return
        keys = [r.contributor or f"\0{r.id}" for r in new]  # no id: a contributor of its own
        for key in keys:
            self._codes.setdefault(key, len(self._codes))
        images = np.stack([np.frombuffer(r.pixels, np.uint8) for r in new]) / np.float32(255)
        F = self.referee.image_features_of(images)
        self._grow(len(new))
        part = slice(self._n, self._n + len(new))
        self._ids[part] = [r.id for r in new]
        self._labels[part] = [r.label for r in new]
        self._owners[part] = [self._codes[key] for key in keys]
        self._support[part] = [0.5 if r.support is None else r.support for r in new]
        self._features[part] = F
        self._n += len(new)

    def _grow(self, extra: int) -> None:
        """Room for ``extra`` more samples, doubling the arrays when they are full."""
        if self._n + extra <= len(self._ids):
            return
        size = max(2 * len(self._ids), self._n + extra, 256)
        for name in ("_ids", "_labels", "_owners", "_support", "_features"):
            old = getattr(self, name)
            grown = np.zeros((size, *old.shape[1:]), old.dtype)
            grown[: self._n] = old[: self._n]
            setattr(self, name, grown)


def evidence_record(read: int, p_label: float, agree: float, disagree: float) -> dict[str, Any]:
    """A verdict's evidence as stored: what the model read and gave the label, and the
    weight of other people's drawings for and against it."""
    return {
        "read": read,
        "p_label": round(float(p_label), 6),
        "agree": round(float(agree), 4),
        "disagree": round(float(disagree), 4),
    }


def revisit(moderation: ModerationStore, contributor: str, added: Sequence[float]) -> None:
    """Bring a contributor's drawings' statuses in line with their record, now that
    drawings of support ``added`` joined it. Only a drawing whose evidence lies between
    minus the record's log-odds before and after can change status, so only those are
    read: a contribution costs the same for a person's 10th drawing as for their 1,000th
    (the others keep the trust of their last change)."""
    count, summed = moderation.record(contributor)
    after = float(record(summed, count))
    before = float(record(summed - sum(added), count - len(added)))
    edges = turning_point([before, after])
    low, high = support(edges.min()), support(edges.max())
    rows = moderation.scored_of(contributor, support_between=(float(low), float(high)))
    if not rows:
        return
    trusted = trust(np.full(len(rows), after), evidence_of([r.support for r in rows]))
    changes = [
        (row.id, status_of(t), round(float(t), 6))
        for row, t in zip(rows, trusted, strict=True)
        if row.decided_by != "admin" and status_of(t) != row.status
    ]
    moderation.restate(changes)


def contribute(
    store: SampleStore,
    moderation: ModerationStore,
    moderator: Moderator,
    sample: NewSample,
    idempotency_key: str | None = None,
    *,
    drawn: Drawn | None = None,
) -> Sample:
    """Store a contribution with its verdict (Forbidden for a blocked contributor), then
    restate its contributor's other drawings. ``drawn``: the sample as the serving
    model drew it, used again if the referee would draw it the same."""
    check_allowed(moderation, sample.contributor)
    verdict = moderator.judge(moderation, sample, moderator.same_drawing(drawn))
    stored = store.add(replace(sample, verdict=verdict), idempotency_key=idempotency_key)
    if sample.contributor is not None and verdict.support is not None:
        revisit(moderation, sample.contributor, [verdict.support])
    return stored


def contribute_number(
    store: SampleStore,
    moderation: ModerationStore,
    moderator: Moderator,
    number: NewNumber,
    digits: Sequence[NewSample],
    idempotency_key: str | None = None,
) -> StoredNumber:
    """`contribute` for a number: each digit judged as a drawing of its own."""
    check_allowed(moderation, number.contributor)
    judged = [replace(d, verdict=moderator.judge(moderation, d)) for d in digits]
    stored = store.add_number(number, judged, idempotency_key=idempotency_key)
    if number.contributor is not None:
        revisit(
            moderation, number.contributor, [d.verdict.support or 0 for d in judged if d.verdict]
        )
    return stored


def referee(settings: Settings) -> Reader:
    """The model moderation asks: the shipped one, which never trains on contributions."""
    return Reader(checkpoint.load(settings.model_dir / SHIPPED_MODEL))


def reasons_of(moderation: ModerationStore, samples: Sequence[Sample]) -> dict[int, list[str]]:
    """Why each scored sample has its status, in words (`engine.moderation.reasons`),
    for reviewers: an admin's decision first, then what speaks against its label."""
    records = {}
    for contributor in {s.contributor for s in samples if s.contributor is not None}:
        count, summed = moderation.record(contributor)
        records[contributor] = float(record(summed, count))
    out = {}
    for s in samples:
        if s.verdict is None:
            continue
        why = [f"{s.verdict.status} by an admin"] if s.verdict.decided_by == "admin" else []
        e = s.verdict.evidence
        if e is not None:
            mark = records.get(s.contributor or "", PRIOR_TRUST)
            why += reasons(s.label, e["read"], e["p_label"], e["agree"], e["disagree"], mark)
        out[s.id] = why
    return out
