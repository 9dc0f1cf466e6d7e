"""A contributor's own drawings through the API: listed, deleted one by one or all at once,
and unknown ids refused alike."""

from fastapi.testclient import TestClient

from tests.ndjson_reader import points_of, read_ndjson
from tests.web.conftest import one, seven
from tests.web.test_samples import contribute

ME, OTHER = "4f0c2d7e-1b7a-4c1e-9a51-0d6f3c2b8e11", "9b2e6a10-55c3-4d8e-8f7a-2c4b1e0d9a37"


def saved(client: TestClient, contributor: str, labels: list[int]) -> list[int]:
    """Ids of drawings saved with ``contributor``, one per label."""
    return [
        contribute(client, seven() if label == 7 else one(), label, contributor=contributor).json()[
            "id"
        ]
        for label in labels
    ]


def test_a_contributor_sees_their_own_drawings_only_newest_first(client: TestClient) -> None:
    mine = saved(client, ME, [7, 1, 7])
    theirs = saved(client, OTHER, [1])
    contribute(client, one(), 1)  # no contributor at all
    listed = client.get(f"/api/contributors/{ME}/samples").json()
    assert [item["id"] for item in listed["items"]] == mine[::-1]
    assert [item["label"] for item in listed["items"]] == [7, 1, 7]
    assert all("contributor" not in item for item in listed["items"])
    assert listed["next"] is None
    first = client.get(f"/api/contributors/{ME}/samples", params={"limit": 2}).json()
    assert [item["id"] for item in first["items"]] == mine[:0:-1]
    rest = client.get(first["next"]).json()
    assert [item["id"] for item in rest["items"]] == mine[:1] and rest["next"] is None
    assert client.get(f"/api/contributors/{OTHER}/samples").json()["items"][0]["id"] == theirs[0]


def test_deleting_one_drawing_leaves_the_others_and_other_peoples(client: TestClient) -> None:
    mine = saved(client, ME, [7, 1])
    theirs = saved(client, OTHER, [7])
    before = client.get("/api/stats").json()["total"]
    assert client.delete(f"/api/contributors/{ME}/samples/{mine[0]}").status_code == 204
    assert [i["id"] for i in client.get(f"/api/contributors/{ME}/samples").json()["items"]] == [
        mine[1]
    ]
    assert client.get(f"/api/samples/{mine[0]}").status_code == 404
    assert client.get("/api/stats").json()["total"] == before - 1
    # Someone else's sample through my id, and mine again: the same 404 as no sample.
    for sample in (theirs[0], mine[0], 10**12):
        response = client.delete(f"/api/contributors/{ME}/samples/{sample}")
        assert response.status_code == 404
        assert response.json()["detail"] == (
            f"no sample {sample} among this contributor id's drawings"
        )
    assert client.get(f"/api/samples/{theirs[0]}").status_code == 200


def test_forget_me_deletes_every_drawing_of_the_id_and_nothing_else(client: TestClient) -> None:
    saved(client, ME, [7, 1, 1])
    theirs = saved(client, OTHER, [1])
    answer = client.delete(f"/api/contributors/{ME}")
    assert answer.status_code == 200 and answer.json() == {"deleted": 3}
    assert client.get(f"/api/contributors/{ME}/samples").status_code == 404
    assert client.get("/api/stats").json()["total"] == 1
    assert client.get(f"/api/samples/{theirs[0]}").status_code == 200
    again = client.delete(f"/api/contributors/{ME}")
    assert again.status_code == 404


def test_unknown_and_malformed_ids_are_refused(client: TestClient) -> None:
    saved(client, OTHER, [1])
    unknown = client.get(f"/api/contributors/{ME}/samples")
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "no drawings saved with this contributor id"
    assert client.delete(f"/api/contributors/{ME}").json() == unknown.json()
    for bad in ("has space", "x" * 65, "semi;colon"):
        assert client.get(f"/api/contributors/{bad}/samples").status_code == 422
    assert client.get(f"/api/contributors/{OTHER}/samples", params={"limit": 0}).status_code == 422


def test_a_deleted_drawing_stops_counting_for_the_personal_pad(client: TestClient) -> None:
    saved(client, ME, [7, 7, 7])
    body = {"strokes": seven(), "canvas": {"width": 280, "height": 280}, "contributor": ME}
    assert client.post("/predict", json=body).json()["personal"]["samples"] == 3
    personal = client.app.state.personal  # type: ignore[attr-defined]
    assert any(key[1] == ME for key in personal._entries)
    client.delete(f"/api/contributors/{ME}")
    assert not any(key[1] == ME for key in personal._entries)
    assert client.post("/predict", json=body).json()["personal"] is None


def test_a_contributor_downloads_their_drawings_as_ndjson(client: TestClient) -> None:
    timed = [[[p[0], p[1], 16.0 * i] for i, p in enumerate(s)] for s in seven()]
    mine = [
        contribute(client, strokes, label, contributor=ME).json()["id"]
        for strokes, label in ((timed, 7), (one(), 1))
    ]
    saved(client, OTHER, [1])
    answer = client.get(f"/api/contributors/{ME}/samples/export", params={"format": "ndjson"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/x-ndjson")
    assert 'filename="my-drawings.ndjson"' in answer.headers["content-disposition"]
    records = read_ndjson(answer.content)
    assert [int(r["key_id"]) for r in records] == mine  # theirs only, oldest first
    assert [r["word"] for r in records] == ["seven", "one"]
    assert points_of(records[0]) == timed  # the times kept
    assert ME not in answer.text
    unknown = client.get(f"/api/contributors/{'0' * 8}/samples/export")
    assert unknown.status_code == 404
