"""Daily quotas on contributions (app/web/quotas.py): the counts in memory, the settings,
and the contribute routes refusing what is over a quota, in one app and in two sharing a
Redis (``DIGITPAD_TEST_REDIS_URL``, as in test_ratelimit.py). Quotas are small (a few a
day), so that nothing waits for a window to pass."""

import asyncio
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.config import Settings, parse_rate
from app.engine.errors import OverQuota
from app.web.app import create_app
from app.web.quotas import Quotas, per
from tests.web.conftest import a_client, make_settings, one, strokes_body
from tests.web.test_numbers import number_body, written

DAY = 24 * 60 * 60


def quotas(address: str = "off", contributor: str = "off", redis_url: str | None = None) -> Quotas:
    """Quotas in memory (or in Redis at ``redis_url``), each a rate as the settings take it."""
    return Quotas(parse_rate(address), parse_rate(contributor), redis_url)


def spend(counted: Quotas, requests: list[tuple[str, str | None, int]]) -> list[OverQuota | None]:
    """Check each (address, contributor, cost) in turn, in one event loop: None for a
    contribution let through, the error for one refused."""

    async def run() -> list[OverQuota | None]:
        answers: list[OverQuota | None] = []
        for address, contributor, cost in requests:
            try:
                await counted.check(address, contributor, cost)
                answers.append(None)
            except OverQuota as refused:
                answers.append(refused)
        await counted.close()
        return answers

    return asyncio.run(run())


def refused(answers: list[OverQuota | None]) -> list[bool]:
    return [answer is not None for answer in answers]


def test_a_contributor_over_its_quota_is_refused_and_told_when_to_retry() -> None:
    answers = spend(quotas(contributor="3/day"), [("1.2.3.4", "me", 1)] * 4)
    assert refused(answers) == [False, False, False, True]
    error = answers[-1]
    assert error is not None and 1 <= error.retry_after <= DAY
    assert str(error) == (
        f"too many contributions: at most 3 per day from this contributor id; "
        f"retry in {error.retry_after} s"
    )


def test_contributors_and_addresses_count_apart() -> None:
    requests = [("a", "me", 1)] * 3 + [("a", "you", 1), ("b", "me", 1), ("b", None, 1)]
    answers = spend(quotas(address="4/day", contributor="3/day"), requests)
    assert refused(answers) == [False, False, False, False, True, False]


def test_made_up_ids_share_their_address_quota() -> None:
    requests = [("1.2.3.4", f"id-{i}", 1) for i in range(20)] + [("5.6.7.8", "id-0", 1)]
    answers = spend(quotas(address="5/day", contributor="3/day"), requests)
    assert refused(answers) == [False] * 5 + [True] * 15 + [False]
    assert all("at most 5 per day from this address" in str(a) for a in answers[5:20])


def test_a_refused_contribution_counts_against_no_quota() -> None:
    # Refused by the contributor's quota, it leaves the address's untouched.
    requests = [("a", "me", 1)] * 4 + [("a", "you", 1)] * 3
    answers = spend(quotas(address="5/day", contributor="3/day"), requests)
    assert refused(answers) == [False, False, False, True, False, False, True]
    assert "from this contributor id" in str(answers[3])
    assert "from this address" in str(answers[6])


def test_a_contribution_costs_its_drawings() -> None:
    requests = [("a", "me", 2), ("a", "me", 2), ("a", "me", 1), ("a", "me", 1)]
    assert refused(spend(quotas(contributor="3/day"), requests)) == [False, True, False, True]
    assert refused(spend(quotas(address="3/day"), [("a", None, 4)])) == [True]


def test_off_lifts_a_quota() -> None:
    one_id = [("a", "me", 5)] * 3
    many_ids = [("a", f"id-{i}", 5) for i in range(3)]
    assert refused(spend(quotas(), one_id)) == [False] * 3
    assert refused(spend(quotas(contributor="5/day"), one_id)) == [False, True, True]
    assert refused(spend(quotas(contributor="5/day"), many_ids)) == [False] * 3
    assert refused(spend(quotas(address="5/day"), many_ids)) == [False, True, True]


def test_an_unreachable_redis_fails_open_with_one_warning(
    logs: pytest.LogCaptureFixture,
) -> None:
    broken = quotas(address="1/day", contributor="1/day", redis_url="redis://127.0.0.1:1/0")
    answers = spend(broken, [("a", "me", 1)] * 3)
    assert refused(answers) == [False] * 3
    warnings = [r for r in logs.records if r.name == "digitpad.quotas"]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
    assert "contribution quotas not enforced" in warnings[0].getMessage()


def test_a_quota_in_words() -> None:
    assert [per(item) for item in parse_rate("500/day;100/2 hours;1/second")] == [
        "500 per day",
        "100 per 2 hours",
        "1 per second",
    ]


def test_quotas_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DIGITPAD_CONTRIBUTOR_QUOTA", raising=False)
    monkeypatch.delenv("DIGITPAD_ADDRESS_QUOTA", raising=False)
    assert (Settings().contributor_quota, Settings().address_quota) == ("500/day", "10000/day")
    monkeypatch.setenv("DIGITPAD_CONTRIBUTOR_QUOTA", " 50/hour;500/day ")
    monkeypatch.setenv("DIGITPAD_ADDRESS_QUOTA", "off")
    settings = Settings()
    assert settings.contributor_quota == "50/hour;500/day"
    assert settings.address_quota == "off"
    from_settings = Quotas.from_settings(settings)
    assert [str(i) for i in from_settings.quotas["contributor"]] == [
        "50 per 1 hour",
        "500 per 1 day",
    ]
    assert from_settings.quotas["address"] == []


@pytest.mark.parametrize("name", ["contributor_quota", "address_quota"])
@pytest.mark.parametrize("value", ["lots", "500/fortnight", "0/day", "500", ""])
def test_a_bad_quota_is_refused_at_start(name: str, value: str) -> None:
    with pytest.raises(ValidationError, match=f"{name}\n.*expected "):
        Settings(**{name: value})  # type: ignore[arg-type]


def new_id() -> str:
    """A contributor id no other test (or earlier run, for Redis) has used."""
    return uuid.uuid4().hex


def sample_from(contributor: str | None) -> dict[str, object]:
    return strokes_body(one(), label=1, contributor=contributor)


def saved_by(client: TestClient, contributor: str) -> int:
    return len(client.get(f"/api/contributors/{contributor}/samples").json()["items"])


@pytest.fixture(scope="module")
def per_id(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app, 3 drawings a day per contributor id and no address quota, for the tests
    that count under ids of their own (starting an app per test would cost most of their
    time)."""
    folder = tmp_path_factory.mktemp("per-id")
    settings = make_settings(folder, contributor_quota="3/day", address_quota="off")
    with TestClient(create_app(settings)) as client:
        yield client


def test_a_contributor_over_its_quota_gets_429_and_nothing_is_stored(per_id: TestClient) -> None:
    me = new_id()
    for _ in range(3):
        assert per_id.post("/api/samples", json=sample_from(me)).status_code == 201
    refused = per_id.post("/api/samples", json=sample_from(me))
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= DAY
    assert refused.json()["detail"].startswith(
        "too many contributions: at most 3 per day from this contributor id; retry in "
    )
    assert saved_by(per_id, me) == 3
    assert per_id.post("/api/samples", json=sample_from(new_id())).status_code == 201


def test_a_number_counts_as_its_digits(per_id: TestClient) -> None:
    me = new_id()
    two = number_body(written("12"), "12", contributor=me)
    assert per_id.post("/api/numbers", json=two).status_code == 201
    refused = per_id.post("/api/numbers", json=two)  # 4 drawings would pass 3
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert "at most 3 per day from this contributor id" in refused.json()["detail"]
    assert saved_by(per_id, me) == 2
    assert per_id.post("/api/samples", json=sample_from(me)).status_code == 201
    assert per_id.post("/api/samples", json=sample_from(me)).status_code == 429
    assert saved_by(per_id, me) == 3


def test_off_lifts_the_address_quota(per_id: TestClient) -> None:
    assert per_id.app.state.quotas.quotas["address"] == []  # type: ignore[attr-defined]
    statuses = {
        per_id.post("/api/samples", json=sample_from(new_id())).status_code for _ in range(20)
    }
    assert statuses == {201}


def test_twenty_made_up_ids_share_their_address_quota(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, contributor_quota="off", address_quota="5/day")
    with TestClient(create_app(settings)) as client:
        assert client.app.state.quotas.quotas["contributor"] == []  # type: ignore[attr-defined]
        statuses = [
            client.post("/api/samples", json=sample_from(f"made-up-{i}")).status_code
            for i in range(20)
        ]
        assert statuses == [201] * 5 + [429] * 15
        assert client.post("/api/samples", json=sample_from(None)).status_code == 429
        refused = client.post("/api/numbers", json=number_body(written("7"), "7"))
        assert refused.status_code == 429
        assert "at most 5 per day from this address" in refused.json()["detail"]
        assert client.get("/api/stats").json()["total"] == 5


def test_two_apps_on_one_redis_share_the_quotas(tmp_path: Path, redis_url: str) -> None:
    # Two workers (or servers): one client, one contributor id, counted together.
    address, me, other = a_client(), new_id(), new_id()
    settings = {"contributor_quota": "3/day", "address_quota": "5/day", "redis_url": redis_url}
    with (
        TestClient(create_app(make_settings(tmp_path / "a", **settings)), client=address) as a,
        TestClient(create_app(make_settings(tmp_path / "b", **settings)), client=address) as b,
    ):
        mine = sample_from(me)
        answers = [w.post("/api/samples", json=mine) for w in (a, b, a, b)]
        assert [r.status_code for r in answers] == [201, 201, 201, 429]
        assert "from this contributor id" in answers[-1].json()["detail"]
        theirs = sample_from(other)
        answers = [w.post("/api/samples", json=theirs) for w in (b, a, b)]
        assert [r.status_code for r in answers] == [201, 201, 429]
        assert "from this address" in answers[-1].json()["detail"]
        assert saved_by(a, me) + saved_by(b, me) == 3
