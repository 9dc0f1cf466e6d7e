"""A contributor's own drawings, ready for the reader: the pad that learns its writer.

Before each prediction that names a contributor, one lookup by primary key tells whether
their samples changed (`SampleStore.contributor_revision`), so a drawing saved
a moment ago, relabelled or deleted counts (or stops counting) from the next prediction,
in every worker; when they have none left, what was kept of them is dropped. Their
drawings (strokes drawn again, or pixels) are turned into the reader's features once
per model version and kept in memory (a bounded cache of recent contributors), so only
new samples cost a forward pass.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from app.engine.personal import Personal
from app.engine.reader import Limits, Reader
from app.services.reading import stored_ink
from app.store import SampleStore

CAPACITY = 2048  # contributors whose features each worker keeps


@dataclass(frozen=True)
class _Entry:
    revision: int
    features: dict[int, np.ndarray]  # sample id -> (d,) float32
    personal: Personal | None


class PersonalDrawings:
    """Each recent contributor's samples as one model version's features; thread-safe."""

    def __init__(self, capacity: int = CAPACITY, limits: Limits | None = None) -> None:
        self.capacity = capacity
        self.limits = limits or Limits()  # stored strokes were checked against these
        self._entries: OrderedDict[tuple[str, str], _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def personal(self, reader: Reader, store: SampleStore, contributor: str) -> Personal | None:
        """The contributor's labelled drawings for ``reader``, or None if they have none."""
        revision = store.contributor_revision(contributor)
        if revision == 0:  # they never saved a drawing
            return None
        key = (reader.version, contributor)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
        if entry is None or entry.revision != revision:
            entry = self._refresh(reader, store, contributor, revision, entry, self.limits)
            with self._lock:
                if entry.personal is None:  # none any more: what was kept of them goes
                    self._entries.pop(key, None)
                    return None
                self._entries[key] = entry
                while len(self._entries) > self.capacity:
                    self._entries.popitem(last=False)
        return entry.personal

    def forget(self, contributor: str) -> None:
        """Drop what this worker keeps of ``contributor``'s drawings, for every version
        (other workers drop theirs at the contributor's next prediction)."""
        with self._lock:
            for key in [k for k in self._entries if k[1] == contributor]:
                del self._entries[key]

    @staticmethod
    def _refresh(
        reader: Reader,
        store: SampleStore,
        contributor: str,
        revision: int,
        old: _Entry | None,
        limits: Limits,
    ) -> _Entry:
        """Their samples now: features kept from ``old``, new ones from their drawings."""
        labels = store.contributor_labels(contributor)
        known = {} if old is None else {i: f for i, f in old.features.items() if i in labels}
        samples = store.samples_of([i for i in labels if i not in known])
        if samples:
            ids = sorted(samples)
            features = reader.features_of([stored_ink(samples[i], reader, limits) for i in ids])
            known.update(zip(ids, features, strict=True))
        kept = sorted(known)  # a sample deleted meanwhile has no pixels and is skipped
        personal = None
        if kept:
            personal = Personal.of(
                np.stack([known[i] for i in kept]),
                np.array([labels[i] for i in kept]),
                split=reader.image_features,
            )
        return _Entry(revision, known, personal)
