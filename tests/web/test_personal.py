"""POST /predict, /predict/batch and /explain with a contributor id: their own drawings count."""

from fastapi.testclient import TestClient

from tests.web.conftest import one, seven, strokes_body


def shifted(strokes: list[list[list[float]]], dx: float) -> list[list[list[float]]]:
    return [[[x + dx, y] for x, y in stroke] for stroke in strokes]


def save(client: TestClient, strokes: list[list[list[float]]], label: int, who: str) -> None:
    body = strokes_body(strokes, label=label, contributor=who, source="api")
    assert client.post("/api/samples", json=body).status_code == 201


def test_a_contributors_corrections_read_their_next_drawing(client: TestClient) -> None:
    plain = client.post("/predict", json=strokes_body(seven())).json()
    assert plain["digit"] == 7 and plain["personal"] is None
    # This person writes their 1 the way the model reads a 7, and their 7 as a bar.
    for dx in (-20, 0, 20):
        save(client, shifted(seven(), dx), 1, "writer-a")
        save(client, shifted(one(), dx), 7, "writer-a")
    mine = client.post("/predict", json=strokes_body(shifted(seven(), 10), contributor="writer-a"))
    answer = mine.json()
    assert mine.status_code == 200 and answer["digit"] == 1
    assert answer["personal"]["samples"] == 6 and 0.5 < answer["personal"]["weight"] <= 1
    # Nobody else's answers change, and without an id the network answers alone.
    other = client.post("/predict", json=strokes_body(seven(), contributor="writer-b")).json()
    assert other["digit"] == 7 and other["personal"] is None
    assert client.post("/predict", json=strokes_body(seven())).json() == plain
    # The batch reads each item with its own contributor; /explain too.
    batch = client.post(
        "/predict/batch",
        json={"items": [strokes_body(seven(), contributor="writer-a"), strokes_body(seven())]},
    ).json()["predictions"]
    assert [p["digit"] for p in batch] == [1, 7]
    explained = client.post("/explain", json=strokes_body(seven(), contributor="writer-a")).json()
    assert explained["digit"] == 1 and explained["personal"]["samples"] == 6


def test_a_bad_contributor_id_is_refused(client: TestClient) -> None:
    answer = client.post("/predict", json=strokes_body(seven(), contributor="no spaces!"))
    assert answer.status_code == 422
