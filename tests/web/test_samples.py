import io
import zipfile
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient
from httpx import Response
from PIL import Image

from app.engine.idx import parse_idx
from app.engine.preprocess import strokes_to_pixels
from app.web.app import create_app
from tests.web.conftest import ADMIN, make_settings, one, seven, strokes_body


def contribute(
    client: TestClient, strokes: list[list[list[float]]], label: int, **extra: object
) -> Response:
    response = client.post("/api/samples", json=strokes_body(strokes, label=label, **extra))
    assert response.status_code == 201, response.text
    return response


def test_a_contribution_is_stored_as_sent(client: TestClient) -> None:
    strokes = [[[p[0], p[1], 16.0 * i] for i, p in enumerate(s)] for s in seven()]
    response = contribute(
        client, strokes, 7, predicted=1, model="m1", source="draw", contributor="abc-123",
        probabilities=[0.1] * 10,
    )  # fmt: skip
    created = response.json()
    assert response.headers["location"].endswith(f"/api/samples/{created['id']}")
    assert created["label"] == 7 and created["predicted"] == 1 and created["source"] == "draw"
    assert "contributor" not in created  # never shown back

    detail = client.get(f"/api/samples/{created['id']}").json()
    assert detail["strokes"] == strokes  # exactly as sent, times included
    assert detail["canvas"] == {"width": 280.0, "height": 280.0}
    assert "contributor" not in detail

    png = client.get(created["image_url"])
    assert png.headers["content-type"] == "image/png"
    image = np.array(Image.open(io.BytesIO(png.content)))
    expected = np.rint(strokes_to_pixels(strokes, 280, 280) * 255).astype(np.uint8)
    np.testing.assert_array_equal(image, expected)


def test_sample_urls_are_the_ones_the_router_builds(tmp_path: Path) -> None:
    # Behind a proxy that mounts the app under a path prefix (uvicorn --root-path).
    app = create_app(make_settings(tmp_path))
    with TestClient(app, root_path="/digitpad") as client:
        response = contribute(client, one(), 1)
        sample_id = response.json()["id"]
        item = client.get("/api/samples").json()["items"][0]
    base = "http://testserver/digitpad/"
    for name, url in [
        ("get_sample", response.headers["location"]),
        ("sample_png", item["image_url"]),
    ]:
        assert url.startswith(base)
        assert url == str(app.url_path_for(name, sample_id=sample_id).make_absolute_url(base))


def test_list_filters_and_pages(client: TestClient) -> None:
    ids = [
        contribute(client, one(), label=1, predicted=7 if i % 3 == 0 else 1).json()["id"]
        for i in range(7)
    ]
    page = client.get("/api/samples", params={"limit": 2}).json()
    seen = []
    while True:
        seen += [item["id"] for item in page["items"]]
        if page["next"] is None:
            break
        page = client.get(page["next"]).json()
    assert seen == sorted(ids, reverse=True)
    ones = client.get("/api/samples", params={"label": 1}).json()["items"]
    assert len(ones) == 7 and client.get("/api/samples", params={"label": 2}).json()["items"] == []
    wrong = client.get("/api/samples", params={"wrong": True}).json()["items"]
    assert [s["id"] for s in wrong] == [ids[6], ids[3], ids[0]]
    assert client.get("/api/samples", params={"limit": 201}).status_code == 422


def test_stats_count_labels_and_live_accuracy(client: TestClient) -> None:
    contribute(client, one(), 1, predicted=1)
    contribute(client, one(), 7, predicted=1)
    contribute(client, seven(), 7)
    stats = client.get("/api/stats").json()
    assert stats["total"] == 3
    assert stats["per_label"] == {str(d): {1: 1, 7: 2}.get(d, 0) for d in range(10)}
    assert stats["with_prediction"] == 2 and stats["prediction_matched"] == 1
    assert stats["prediction_accuracy"] == 0.5


def test_idempotency_key_makes_retries_safe(client: TestClient) -> None:
    headers = {"Idempotency-Key": "retry-1"}
    body = strokes_body(one(), label=1)
    first = client.post("/api/samples", json=body, headers=headers).json()
    again = client.post("/api/samples", json=body, headers=headers).json()
    assert first["id"] == again["id"]
    assert client.get("/api/stats").json()["total"] == 1


def test_missing_samples_are_404(client: TestClient) -> None:
    for path in ("/api/samples/999", "/api/samples/999.png"):
        response = client.get(path)
        assert response.status_code == 404 and "999" in response.json()["detail"]


def test_relabel_and_delete_need_the_admin_token(client: TestClient) -> None:
    sample_id = contribute(client, one(), 7).json()["id"]
    url = f"/api/samples/{sample_id}"
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"}):
        assert client.patch(url, json={"label": 1}, headers=headers).status_code == 401
        assert client.delete(url, headers=headers).status_code == 401
    assert client.get(url).json()["label"] == 7

    relabelled = client.patch(url, json={"label": 1}, headers=ADMIN)
    assert relabelled.status_code == 200 and relabelled.json()["label"] == 1
    assert client.patch("/api/samples/999", json={"label": 1}, headers=ADMIN).status_code == 404
    assert client.patch(url, json={"label": 12}, headers=ADMIN).status_code == 422
    assert client.delete(url, headers=ADMIN).status_code == 204
    assert client.get(url).status_code == 404
    assert client.delete(url, headers=ADMIN).status_code == 404


def test_admin_routes_are_refused_without_a_configured_token(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path, admin_token=None))) as client:
        sample_id = contribute(client, one(), 7).json()["id"]
        response = client.delete(f"/api/samples/{sample_id}", headers=ADMIN)
        assert response.status_code == 403
        assert "DIGITPAD_ADMIN_TOKEN" in response.json()["detail"]


def test_export_npz_and_idx_hold_every_sample(client: TestClient) -> None:
    contribute(client, one(), 1)
    contribute(client, seven(), 7)
    expected = np.stack(
        [np.rint(strokes_to_pixels(s, 280, 280) * 255).astype(np.uint8) for s in (one(), seven())]
    )

    npz = client.get("/api/samples/export", params={"format": "npz"})
    assert npz.status_code == 200 and "attachment" in npz.headers["content-disposition"]
    with np.load(io.BytesIO(npz.content), allow_pickle=False) as data:
        np.testing.assert_array_equal(data["images"], expected)
        np.testing.assert_array_equal(data["labels"], [1, 7])

    idx = client.get("/api/samples/export", params={"format": "idx"})
    with zipfile.ZipFile(io.BytesIO(idx.content)) as archive:
        images = parse_idx(archive.read("digitpad-images-idx3-ubyte"), "images")
        labels = parse_idx(archive.read("digitpad-labels-idx1-ubyte"), "labels")
    np.testing.assert_array_equal(images, expected)
    np.testing.assert_array_equal(labels, [1, 7])
    assert client.get("/api/samples/export", params={"format": "csv"}).status_code == 422


def test_export_of_nothing_is_an_empty_dataset(client: TestClient) -> None:
    npz = client.get("/api/samples/export")
    with np.load(io.BytesIO(npz.content), allow_pickle=False) as data:
        assert data["images"].shape == (0, 28, 28) and data["labels"].shape == (0,)
