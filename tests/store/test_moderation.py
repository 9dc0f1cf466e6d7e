"""The moderation repository on SQLite and PostgreSQL: verdicts stored and restated, an
admin's decisions final, blocked contributors' drawings rejected, records summed."""

import numpy as np
import pytest

from app.store import ModerationStore, NewSample, SampleStore, Verdict

EVIDENCE = {"read": 3, "p_label": 0.01, "agree": 0.5, "disagree": 4.0}


def add(store: SampleStore, label: int, contributor: str | None, verdict: Verdict | None) -> int:
    pixels = np.full((28, 28), label, np.uint8)
    new = NewSample(label=label, pixels=pixels, contributor=contributor, verdict=verdict)
    return store.add(new).id


def flagged(support: float = 0.02, trust: float = 0.1) -> Verdict:
    return Verdict(status="flagged", support=support, trust=trust, evidence=EVIDENCE)


def accepted(support: float = 0.99) -> Verdict:
    return Verdict(status="accepted", support=support, trust=0.99, evidence=EVIDENCE)


def test_a_verdict_is_stored_with_the_sample_and_read_back(store: SampleStore) -> None:
    sample_id = add(store, 8, "bot", flagged())
    got = store.get(sample_id)
    assert got is not None and got.verdict is not None
    assert (got.verdict.status, got.verdict.decided_by) == ("flagged", "moderation")
    assert got.verdict.evidence == EVIDENCE and got.verdict.decided_at is not None
    assert got.verdict.support == pytest.approx(0.02)
    unscored = store.get(add(store, 1, None, None))
    assert unscored is not None and unscored.verdict is None
    assert ModerationStore(store.engine).unscored() == 1


def test_bad_verdicts_are_refused_and_nothing_is_stored(store: SampleStore) -> None:
    for bad, match in [
        (Verdict(status="maybe"), "status must be one of"),
        (Verdict(status="accepted", decided_by="bot"), "decided_by must be one of"),
        (Verdict(status="accepted", trust=1.5), r"trust must be in \[0, 1\]"),
        (Verdict(status="accepted", evidence={"x": float("nan")}), "plain JSON"),
    ]:
        with pytest.raises(ValueError, match=match):
            add(store, 1, None, bad)
    assert store.stats().total == 0


def test_listing_by_status(store: SampleStore) -> None:
    good = add(store, 1, "a", accepted())
    bad = add(store, 8, "b", flagged())
    assert [s.id for s in store.list(status="accepted").items] == [good]
    assert [s.id for s in store.list(status="flagged").items] == [bad]
    assert store.list(status="rejected").items == []


def test_a_record_sums_the_support_of_a_contributors_scored_drawings(
    store: SampleStore,
) -> None:
    moderation = ModerationStore(store.engine)
    add(store, 1, "me", accepted(0.9))
    add(store, 2, "me", flagged(0.2))
    add(store, 3, "me", None)  # not scored yet: not in the record
    add(store, 4, "you", accepted(0.5))
    count, summed = moderation.record("me")
    assert count == 2 and summed == pytest.approx(1.1)
    assert moderation.record("nobody") == (0, 0.0)
    assert [s.support for s in moderation.scored_of("me")] == pytest.approx([0.9, 0.2])
    high = moderation.scored_of("me", support_between=(0.5, 0.95))
    assert [s.support for s in high] == pytest.approx([0.9])


def test_an_admins_decision_is_final_for_moderation(store: SampleStore) -> None:
    moderation = ModerationStore(store.engine)
    first, second = add(store, 8, "x", flagged()), add(store, 7, "x", flagged())
    decided = moderation.decide(first, status="accepted")
    assert decided is not None and decided.verdict is not None
    assert (decided.verdict.status, decided.verdict.decided_by) == ("accepted", "admin")
    relabelled = moderation.decide(second, label=1)
    assert relabelled is not None and relabelled.label == 1
    assert relabelled.verdict is not None and relabelled.verdict.status == "accepted"
    # Moderation's later word changes neither.
    moderation.set_verdicts([(first, flagged()), (second, flagged())])
    moderation.restate([(first, "flagged", 0.1), (second, "flagged", 0.1)])
    for sample_id in (first, second):
        got = store.get(sample_id)
        assert got is not None and got.verdict is not None and got.verdict.status == "accepted"
    assert moderation.decide(second + 100, status="rejected") is None
    with pytest.raises(ValueError, match="expected a status or a label"):
        moderation.decide(first)
    with pytest.raises(ValueError, match="label must be a digit"):
        moderation.decide(first, label=10)


def test_moderation_restates_its_own_verdicts_and_keeps_their_evidence(
    store: SampleStore,
) -> None:
    moderation = ModerationStore(store.engine)
    sample_id = add(store, 8, "x", accepted())
    moderation.restate([(sample_id, "flagged", 0.3)])
    got = store.get(sample_id)
    assert got is not None and got.verdict is not None
    assert (got.verdict.status, got.verdict.trust, got.verdict.evidence) == (
        "flagged", pytest.approx(0.3), EVIDENCE,
    )  # fmt: skip


def test_blocking_rejects_every_drawing_and_marks_the_id(store: SampleStore) -> None:
    moderation = ModerationStore(store.engine)
    theirs = [add(store, 8, "bot", flagged()), add(store, 1, "bot", accepted())]
    mine = add(store, 1, "me", accepted())
    assert not moderation.is_blocked("bot")
    assert moderation.block("bot") == 2
    assert moderation.is_blocked("bot") and moderation.blocked() == {"bot"}
    for sample_id in theirs:
        got = store.get(sample_id)
        assert got is not None and got.verdict is not None
        assert (got.verdict.status, got.verdict.decided_by) == ("rejected", "admin")
    assert store.get(mine).verdict.status == "accepted"  # type: ignore[union-attr]
    # Rejected drawings leave the personal pad's view, and count as saved for "my drawings".
    assert store.contributor_labels("bot") == {}
    assert store.count_of("bot") == 2
    assert moderation.block("bot") == 0  # again: no error, nothing more to reject


def test_unblocking_gives_the_blocks_rejections_back_to_moderation(store: SampleStore) -> None:
    moderation = ModerationStore(store.engine)
    disputed, good = add(store, 8, "bot", flagged()), add(store, 1, "bot", accepted())
    unscored, judged = add(store, 2, "bot", None), add(store, 3, "bot", accepted())
    moderation.decide(judged, status="rejected")  # an admin's own decision, before the block
    assert moderation.unblock("bot", status_of) is None  # not blocked
    assert moderation.block("bot") == 3
    revision = store.contributor_revision("bot")
    assert moderation.unblock("bot", status_of) == 3
    assert not moderation.is_blocked("bot") and moderation.blocked() == set()
    assert store.contributor_revision("bot") > revision  # their personal pad sees it
    verdicts = {i: store.get(i).verdict for i in (disputed, good, unscored, judged)}  # type: ignore[union-attr]
    assert verdicts[unscored] is None  # scored at the next batch
    assert (verdicts[disputed].status, verdicts[disputed].decided_by) == ("flagged", "moderation")  # type: ignore[union-attr]
    assert (verdicts[good].status, verdicts[good].decided_by) == ("accepted", "moderation")  # type: ignore[union-attr]
    assert (verdicts[judged].status, verdicts[judged].decided_by) == ("rejected", "admin")  # type: ignore[union-attr]
    assert moderation.unblock("bot", status_of) is None


def status_of(trust: float) -> str:
    return "accepted" if trust >= 0.5 else "flagged"
