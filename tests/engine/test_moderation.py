"""Moderation's formulas: each witness alone, and the hard case they exist for: an honest
correction the model disputes is accepted, a bot's wrong labels are flagged."""

import numpy as np
import pytest

from app.engine.errors import InvalidInput
from app.engine.moderation import (
    MODEL_CAP,
    NEIGHBOUR_CAP,
    PRIOR_TRUST,
    model_evidence,
    nearest_others,
    neighbour_vote,
    reasons,
    record,
    score_all,
    trust,
)


def one_hot(digits: list[int], confidence: float = 0.99) -> np.ndarray:
    p = np.full((len(digits), 10), (1 - confidence) / 9)
    p[np.arange(len(digits)), digits] = confidence
    return p


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_the_model_speaks_for_labels_it_reads_and_against_others_within_its_cap() -> None:
    e = model_evidence(one_hot([3, 3]), [3, 8])
    assert e[0] > 2 and e[1] == -MODEL_CAP
    assert model_evidence(np.full((1, 10), 0.1), [5])[0] < 0  # unsure: a little against
    assert model_evidence(one_hot([1], 0.5), [1])[0] == pytest.approx(0)
    with pytest.raises(InvalidInput, match="expected probabilities"):
        model_evidence(np.ones((2, 9)), [1, 2])


def test_neighbours_are_other_peoples_similar_drawings_only() -> None:
    rng = np.random.default_rng(0)
    base = unit(rng.normal(size=(1, 16)))
    reference = unit(np.vstack([base + 0.01 * rng.normal(size=(3, 16)), -base]))
    near = nearest_others(base, np.array([0]), reference, np.array([0, 1, 2, 3]), k=4)
    # Row 0 is the same owner's, row 3 is unlike: two qualify, most similar first.
    assert sorted(near.index[0, :2].tolist()) == [1, 2] and near.index[0, 2:].tolist() == [-1, -1]
    assert near.similarity[0, 0] >= near.similarity[0, 1] > 0.9
    empty = nearest_others(base, np.array([0]), np.zeros((0, 16), np.float32), np.zeros(0, int))
    assert (empty.index == -1).all()


def test_each_neighbour_counts_as_much_as_its_contributor_is_trusted() -> None:
    near = nearest_others(
        unit(np.ones((1, 4))), np.array([9]), unit(np.ones((3, 4))), np.array([0, 1, 2]), k=3
    )
    vote = neighbour_vote(near, [7], [7, 1, 1], [0.9, 0.2, 0.3])
    assert vote.agree[0] == pytest.approx(0.9) and vote.disagree[0] == pytest.approx(0.5)
    assert 0 < vote.evidence[0] <= NEIGHBOUR_CAP


def test_a_record_starts_at_the_prior_and_follows_what_supports_the_labels() -> None:
    assert record(0, 0) == pytest.approx(PRIOR_TRUST)
    assert record(0, 40) < 0.1 and record(39, 40) > 0.9
    assert record(1, 1) > record(1, 2)
    assert trust(0.5, 0) == pytest.approx(0.5) and trust(0.9, -5) < 0.5 < trust(0.9, -4)


def population(rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Five honest people who draw digit d near centre d (one of them also draws a curled
    9 the model reads as 3, like nobody else's drawings), and a bot who labels 3s as 8."""
    centres = unit(rng.normal(size=(10, 32)))
    features, labels, owners, read = [], [], [], []
    for person in range(5):
        for d in range(10):
            for _ in range(4):
                features.append(centres[d] + 0.05 * rng.normal(size=32))
                labels.append(d)
                owners.append(person)
                read.append(d)
    curled = unit(centres[9:10] + centres[3:4] + rng.normal(size=(1, 32)))[0]
    features.append(curled)
    labels.append(9)
    owners.append(0)
    read.append(3)  # the honest correction
    for _ in range(30):
        features.append(centres[3] + 0.05 * rng.normal(size=32))
        labels.append(8)
        owners.append(5)
        read.append(3)  # the bot
    return unit(np.array(features)), np.array(labels), np.array(owners), np.array(read)


def test_an_honest_correction_is_accepted_and_a_bots_labels_are_flagged() -> None:
    features, labels, owners, read = population(np.random.default_rng(1))
    scores = score_all(one_hot(read.tolist(), 0.995), features, labels, owners)
    honest, bot = owners < 5, owners == 5
    assert scores.accepted[honest].all()  # the curled 9 too: its writer is right 40 times in 40
    assert not scores.accepted[bot].any()
    assert scores.records[5] < 0.15 < 0.9 < scores.records[:5].min()
    correction = np.flatnonzero((labels == 9) & (read == 3))[0]
    assert scores.vote.disagree[correction] < 1  # nobody's drawings speak against it


def test_admin_rejected_drawings_speak_for_nothing() -> None:
    features, labels, owners, read = population(np.random.default_rng(2))
    everyone = score_all(one_hot(read.tolist()), features, labels, owners)
    usable = owners != 5
    without = score_all(one_hot(read.tolist()), features, labels, owners, usable=usable)
    threes = (labels == 3) & (owners < 5)
    assert without.vote.disagree[threes].sum() < everyone.vote.disagree[threes].sum()
    assert np.allclose(without.vote.disagree[threes], 0)


def test_reasons_say_what_speaks_against_a_label() -> None:
    assert reasons(9, 9, 0.98, 3.0, 0.0, 0.95) == []
    said = reasons(8, 3, 0.001, 0.2, 4.5, 0.05)
    assert len(said) == 3
    assert "reads 3" in said[0] and "against" in said[1] and "record 5%" in said[2]
