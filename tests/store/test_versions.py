"""The model registry, on SQLite and PostgreSQL (see conftest.py)."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from sqlalchemy import func, select, update

from app.store import ModelRegistry, SampleStore
from app.store.tables import ModelVersionRow

T = TypeVar("T")

# Every byte value, and more than a few MB would ever need to survive a round trip.
WEIGHTS = bytes(range(256)) * 16_384
CARD: dict[str, Any] = {"layers": [784, 128, 10], "accuracy": 0.9812, "notes": "né à Paris"}


@pytest.fixture
def registry(store: SampleStore) -> ModelRegistry:
    """A registry on the store's (migrated, empty) database."""
    return ModelRegistry(store.engine)


def in_threads(count: int, work: Callable[[int], T]) -> list[T]:
    """Run ``work(0..count-1)`` in ``count`` threads released together."""
    start = threading.Barrier(count)

    def run(index: int) -> T:
        start.wait()
        return work(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def add(registry: ModelRegistry, version: str, parent: str | None = None) -> None:
    registry.add(version=version, parent=parent, card={"name": version}, weights=version.encode())


def test_add_get_and_weights_round_trip(registry: ModelRegistry) -> None:
    before = datetime.now(UTC)
    added = registry.add(version="v1", parent=None, card=CARD, weights=WEIGHTS)
    assert added.version == "v1"
    assert added.parent is None
    assert added.card == CARD
    assert added.active is False
    assert added.created_at.tzinfo is not None
    assert before - timedelta(seconds=1) <= added.created_at <= datetime.now(UTC)
    assert registry.get("v1") == added
    weights = registry.weights("v1")
    assert type(weights) is bytes
    assert weights == WEIGHTS


def test_a_child_names_its_parent(registry: ModelRegistry) -> None:
    add(registry, "base")
    child = registry.add(version="tuned", parent="base", card={}, weights=b"tuned")
    assert child.parent == "base"
    assert registry.get("tuned") == child


def test_unknown_versions_read_as_none(registry: ModelRegistry) -> None:
    assert registry.get("nope") is None
    assert registry.weights("nope") is None
    assert registry.active() is None
    assert registry.list() == []
    assert registry.activations() == []


def test_adding_again_with_the_same_weights_returns_the_stored_version(
    registry: ModelRegistry,
) -> None:
    first = registry.add(version="v1", parent=None, card=CARD, weights=WEIGHTS)
    again = registry.add(version="v1", parent=None, card={"other": 1}, weights=WEIGHTS)
    assert again == first
    assert len(registry.list()) == 1


def test_adding_again_with_other_weights_is_refused(registry: ModelRegistry) -> None:
    registry.add(version="v1", parent=None, card=CARD, weights=WEIGHTS)
    with pytest.raises(ValueError, match="version 'v1' exists with other weights"):
        registry.add(version="v1", parent=None, card=CARD, weights=WEIGHTS + b"\0")
    assert registry.weights("v1") == WEIGHTS


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"parent": "ghost"}, "parent 'ghost' is not a stored model version"),
        ({"version": ""}, "version must be a non-empty string"),
        ({"version": "v" * 65}, "version must be at most 64 characters, got 65"),
        ({"weights": b""}, "weights must be non-empty bytes"),
        ({"weights": bytearray(b"x")}, "weights must be non-empty bytes, got bytearray"),
        ({"card": [1]}, "card must be a dict, got list"),
        ({"card": {"loss": float("nan")}}, "card must be plain JSON"),
    ],
)
def test_bad_adds_are_refused(
    registry: ModelRegistry, fields: dict[str, Any], message: str
) -> None:
    arguments: dict[str, Any] = {"version": "v1", "parent": None, "card": {}, "weights": b"w"}
    with pytest.raises(ValueError, match=message):
        registry.add(**(arguments | fields))
    assert registry.list() == []


def test_list_is_newest_first_and_flags_the_active_one(registry: ModelRegistry) -> None:
    for version in ("a", "b", "c"):
        add(registry, version)
    registry.activate("b")
    listed = registry.list()
    assert [(v.version, v.active) for v in listed] == [("c", False), ("b", True), ("a", False)]
    assert listed[0].created_at >= listed[1].created_at >= listed[2].created_at


def test_list_breaks_ties_by_version(registry: ModelRegistry, store: SampleStore) -> None:
    for version in ("x", "z", "y"):
        add(registry, version)
    same_time = datetime(2025, 1, 1, tzinfo=UTC)
    with store.engine.begin() as connection:
        connection.execute(update(ModelVersionRow).values(created_at=same_time))
    assert [v.version for v in registry.list()] == ["z", "y", "x"]


def test_activate_moves_the_pointer_and_logs_every_activation(registry: ModelRegistry) -> None:
    add(registry, "v1")
    add(registry, "v2", parent="v1")
    activated = registry.activate("v1")
    assert activated.version == "v1"
    assert activated.active is True
    assert registry.active() == "v1"
    registry.activate("v2")
    assert registry.active() == "v2"
    assert registry.get("v1").active is False  # type: ignore[union-attr]
    assert registry.get("v2").active is True  # type: ignore[union-attr]
    registry.activate("v1")  # a rollback
    assert registry.active() == "v1"
    log = registry.activations()
    assert [version for version, _ in log] == ["v1", "v2", "v1"]
    times = [when for _, when in log]
    assert all(when.tzinfo is not None for when in times)
    assert times == sorted(times, reverse=True)
    assert [version for version, _ in registry.activations(limit=2)] == ["v1", "v2"]


def test_activating_an_unknown_version_changes_nothing(registry: ModelRegistry) -> None:
    add(registry, "v1")
    registry.activate("v1")
    with pytest.raises(ValueError, match="cannot activate 'ghost': not a stored model version"):
        registry.activate("ghost")
    assert registry.active() == "v1"
    assert len(registry.activations()) == 1


def test_activations_limit_must_be_positive(registry: ModelRegistry) -> None:
    with pytest.raises(ValueError, match="limit must be at least 1, got 0"):
        registry.activations(limit=0)


def test_seed_on_an_empty_registry_adds_and_activates(registry: ModelRegistry) -> None:
    assert registry.seed(version="shipped", card=CARD, weights=WEIGHTS) == "shipped"
    seeded = registry.get("shipped")
    assert seeded is not None
    assert seeded.active is True
    assert seeded.card == CARD
    assert registry.weights("shipped") == WEIGHTS
    assert [version for version, _ in registry.activations()] == ["shipped"]


def test_seed_keeps_another_active_version(registry: ModelRegistry) -> None:
    add(registry, "tuned")
    registry.activate("tuned")
    assert registry.seed(version="shipped", card=CARD, weights=WEIGHTS) == "tuned"
    assert registry.active() == "tuned"
    assert registry.get("shipped") is not None  # added, not activated
    assert [version for version, _ in registry.activations()] == ["tuned"]


def test_seeding_again_is_a_no_op(registry: ModelRegistry) -> None:
    registry.seed(version="shipped", card=CARD, weights=WEIGHTS)
    assert registry.seed(version="shipped", card=CARD, weights=WEIGHTS) == "shipped"
    assert len(registry.list()) == 1
    assert len(registry.activations()) == 1


def test_seed_refuses_other_weights_under_a_stored_version(registry: ModelRegistry) -> None:
    registry.seed(version="shipped", card=CARD, weights=WEIGHTS)
    with pytest.raises(ValueError, match="version 'shipped' exists with other weights"):
        registry.seed(version="shipped", card=CARD, weights=b"other")


def test_concurrent_seeds_store_one_row_and_agree(
    registry: ModelRegistry, store: SampleStore
) -> None:
    # Each thread its own registry, as each server process would have.
    answers = in_threads(
        8,
        lambda i: ModelRegistry(store.engine).seed(version="shipped", card=CARD, weights=WEIGHTS),
    )
    assert answers == ["shipped"] * 8
    with store.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(ModelVersionRow)) == 1
    assert [version for version, _ in registry.activations()] == ["shipped"]


def test_concurrent_activations_leave_the_pointer_on_the_last_logged(
    registry: ModelRegistry,
) -> None:
    for version in ("a", "b", "c", "d"):
        add(registry, version)
    in_threads(8, lambda i: registry.activate("abcd"[i % 4]))
    log = registry.activations()
    assert len(log) == 8
    assert registry.active() == log[0][0]
