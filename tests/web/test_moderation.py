"""Moderation through the API: statuses given at once, the review listing (admin), an
admin's decisions, blocked contributors refused."""

import io
import json
import time
from types import SimpleNamespace

import numpy as np
from fastapi.testclient import TestClient

from app.config import Settings
from app.engine.preprocess import strokes_to_pixels
from app.engine.reader import Limits
from app.services.moderation import Moderator, referee
from app.store import JobStore, ModerationStore, NewSample, open_store
from app.web.app import create_app
from app.web.runtime.startup import score_unscored
from tests.shapes import DIGITS, strokes
from tests.web.conftest import ADMIN, one, strokes_body


def post(client: TestClient, label: int, contributor: str, drawing: object = None) -> dict:
    body = strokes_body(drawing or one(), label=label, contributor=contributor)
    response = client.post("/api/samples", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def honest(client: TestClient, who: str, seed: int) -> list[dict]:
    rng = np.random.default_rng(seed)
    return [post(client, d, who, strokes(shape, rng)) for d, shape in enumerate(DIGITS)]


def test_a_contribution_gets_its_status_at_once(client: TestClient) -> None:
    assert {s["status"] for s in honest(client, "honest", 0)} == {"accepted"}
    bot = [post(client, 8, f"bot-{i}") for i in range(3)]  # 1s labelled 8
    assert {s["status"] for s in bot} == {"flagged"}
    counted = client.get("/api/stats").json()["per_status"]
    assert counted == {"accepted": 10, "flagged": 3, "rejected": 0, "unscored": 0}


def test_the_public_sees_accepted_drawings_and_admins_the_flagged_with_reasons(
    client: TestClient,
) -> None:
    good = honest(client, "honest", 1)
    bad = post(client, 8, "bot")
    public = client.get("/api/samples", params={"limit": 50}).json()["items"]
    assert {s["id"] for s in public} == {s["id"] for s in good}
    assert all(s["review"] is None for s in public)
    assert client.get("/api/samples", params={"status": "flagged"}).status_code == 401
    listed = client.get("/api/samples", params={"status": "flagged"}, headers=ADMIN).json()
    assert [s["id"] for s in listed["items"]] == [bad["id"]]
    review = listed["items"][0]["review"]
    assert review["decided_by"] == "moderation" and review["trust"] < 0.5
    assert any("the model reads 1" in reason for reason in review["reasons"])
    # An admin listing of accepted drawings shows their reviews too.
    mine = client.get("/api/samples", headers=ADMIN).json()["items"]
    assert all(s["review"] is not None and s["status"] == "accepted" for s in mine)


def test_the_public_export_holds_accepted_drawings_and_admins_export_the_others(
    client: TestClient,
) -> None:
    good = honest(client, "honest", 2)
    flagged = post(client, 8, "bot")["id"]
    rejected = post(client, 8, "bot-2")["id"]
    client.patch(f"/api/samples/{rejected}", json={"status": "rejected"}, headers=ADMIN)

    def exported(status: str | None = None, headers: dict | None = None) -> list[int]:
        params = {"format": "ndjson"} | ({"status": status} if status else {})
        response = client.get("/api/samples/export", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return [int(json.loads(line)["key_id"]) for line in response.text.splitlines()]

    assert exported() == [s["id"] for s in good]
    npz = client.get("/api/samples/export", params={"format": "npz"})
    with np.load(io.BytesIO(npz.content), allow_pickle=False) as data:
        assert len(data["labels"]) == len(good)
    for status in ("flagged", "rejected"):
        answer = client.get("/api/samples/export", params={"status": status})
        assert answer.status_code == 401
    assert exported("flagged", ADMIN) == [flagged]
    assert exported("rejected", ADMIN) == [rejected]


def test_an_admin_accepts_rejects_or_relabels(client: TestClient) -> None:
    first, second, third = (post(client, 8, "bot")["id"] for _ in range(3))
    patch = client.patch
    assert patch(f"/api/samples/{first}", json={"status": "accepted"}).status_code == 401
    accepted = patch(f"/api/samples/{first}", json={"status": "accepted"}, headers=ADMIN).json()
    assert accepted["status"] == "accepted" and accepted["label"] == 8
    relabelled = patch(f"/api/samples/{second}", json={"label": 1}, headers=ADMIN).json()
    assert relabelled["status"] == "accepted" and relabelled["label"] == 1
    rejected = patch(f"/api/samples/{third}", json={"status": "rejected"}, headers=ADMIN).json()
    assert rejected["status"] == "rejected"
    for body in ({}, {"status": "flagged"}, {"label": 10}, {"status": "accepted", "x": 1}):
        assert patch(f"/api/samples/{third}", json=body, headers=ADMIN).status_code == 422
    assert patch("/api/samples/99999", json={"label": 1}, headers=ADMIN).status_code == 404
    listed = client.get("/api/samples", params={"status": "rejected"}, headers=ADMIN).json()
    assert listed["items"][0]["review"]["reasons"][0] == "rejected by an admin"
    # Moderation never undoes an admin: the bot's next drawing restates only its own.
    post(client, 8, "bot")
    assert client.get(f"/api/samples/{first}").json()["status"] == "accepted"


def test_a_blocked_contributor_is_refused_and_their_drawings_rejected(
    client: TestClient,
) -> None:
    ids = [post(client, 8, "bot")["id"] for _ in range(2)]
    path = "/api/admin/contributors/bot/block"
    assert client.post(path).status_code == 401
    blocked = client.post(path, headers=ADMIN).json()
    assert blocked == {"contributor": "bot", "rejected": 2}
    refused = client.post("/api/samples", json=strokes_body(one(), label=1, contributor="bot"))
    assert refused.status_code == 403 and "blocked" in refused.json()["detail"]
    number = strokes_body(one(), label="1", split=[[0]], contributor="bot")
    assert client.post("/api/numbers", json=number).status_code == 403
    assert {client.get(f"/api/samples/{i}").json()["status"] for i in ids} == {"rejected"}
    assert client.get("/api/stats").json()["total"] == 2  # nothing else was stored
    assert post(client, 1, "someone-else")["status"] == "accepted"


def test_an_unblocked_contributor_is_taken_again_and_their_drawings_rescored(
    client: TestClient,
) -> None:
    mistaken = honest(client, "honest-but-blocked", 3)  # blocked by mistake
    path = "/api/admin/contributors/honest-but-blocked/block"
    assert client.post(path, headers=ADMIN).json()["rejected"] == len(mistaken)
    assert client.delete(path).status_code == 401
    lifted = client.delete(path, headers=ADMIN)
    assert lifted.json() == {"contributor": "honest-but-blocked", "restored": len(mistaken)}
    statuses = {client.get(f"/api/samples/{s['id']}").json()["status"] for s in mistaken}
    assert statuses == {"accepted"}  # their trust, as moderation gave it before the block
    assert post(client, 1, "honest-but-blocked", one())["status"] == "accepted"
    again = client.delete(path, headers=ADMIN)
    assert again.status_code == 404 and "not blocked" in again.json()["detail"]


def test_an_honest_writers_disputed_drawing_is_accepted_as_their_record_grows(
    client: TestClient,
) -> None:
    disputed = post(client, 7, "writer")  # a 1 they say is a 7: the model disagrees
    assert disputed["status"] == "flagged"
    for seed in range(4):
        honest(client, "writer", seed)
    assert client.get(f"/api/samples/{disputed['id']}").json()["status"] == "accepted"


def test_drawings_stored_before_moderation_are_scored_on_the_first_start(
    settings: Settings,
) -> None:
    store = open_store(settings.database_url)
    pixels = np.rint(strokes_to_pixels(one(), 280, 280) * 255).astype(np.uint8)
    ids = [store.add(NewSample(label=label, pixels=pixels, contributor="old")).id
           for label in (1, 1, 1, 8)]  # fmt: skip
    store.close()
    with TestClient(create_app(settings)) as client:
        deadline = time.monotonic() + 30
        statuses: list[str | None] = [None]
        while None in statuses and time.monotonic() < deadline:
            time.sleep(0.05)
            statuses = [client.get(f"/api/samples/{i}").json()["status"] for i in ids]
    assert statuses == ["accepted", "accepted", "accepted", "flagged"]


def test_one_worker_scores_them_and_not_while_another_job_runs(settings: Settings) -> None:
    store = open_store(settings.database_url)
    jobs = JobStore(store.engine)
    state = SimpleNamespace(  # what a started app holds (none started here: no race)
        store=store, jobs=jobs, moderation=ModerationStore(store.engine),
        moderator=Moderator(referee(settings), Limits()),
    )  # fmt: skip
    app = SimpleNamespace(state=state)
    pixels = np.rint(strokes_to_pixels(one(), 280, 280) * 255).astype(np.uint8)
    ids = [store.add(NewSample(label=label, pixels=pixels)).id for label in (1, 8)]
    other = jobs.start("finetune", {})  # another worker's job, a fine-tune or a first run
    score_unscored(app)  # type: ignore[arg-type]
    assert [store.get(i).verdict for i in ids] == [None, None]  # type: ignore[union-attr]
    jobs.finish(other.id)
    score_unscored(app)  # type: ignore[arg-type]
    assert [store.get(i).verdict.status for i in ids] == ["accepted", "flagged"]  # type: ignore[union-attr]
    job = jobs.get(other.id + 1)
    assert job is not None and (job.kind, job.status) == ("moderate", "succeeded")
    assert job.result == {"statuses": {"accepted": 1, "flagged": 1}}
    store.close()
