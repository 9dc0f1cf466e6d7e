"""Every malformed request gets a 4xx that says what is wrong, and nothing is stored."""

import io
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from app.web.app import create_app
from tests.web.conftest import make_settings, one, strokes_body


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width x height pixels but holds almost no data: a bomb's header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def refusing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app for the many bodies that must be refused (nothing they send is stored, and
    the tests check that): starting an app per body would cost most of their time."""
    settings = make_settings(tmp_path_factory.mktemp("refusing"))
    with TestClient(create_app(settings)) as client:
        yield client


BAD_DRAWINGS = [
    (strokes_body([]), "at least one point, got no strokes"),
    (strokes_body([[]]), "at least one point, got 1 empty strokes"),
    ({"strokes": one()}, "canvas"),
    ({"canvas": {"width": 280, "height": 280}}, "either strokes"),
    ({"strokes": one(), "pixels": [[0.0] * 28] * 28}, "not both or neither"),
    (strokes_body([[[1.0, 2.0, 3.0, 4.0]]]), "at most 3"),
    (strokes_body([[["a", 2.0]]]), "strokes.0.0.0: Input should be a valid number"),
    (strokes_body([[[1e9, 5.0]]]), "stroke 0, point 0: expected a point at most one canvas"),
    ({"strokes": one(), "canvas": {"width": 0, "height": 280}}, "greater than 0"),
    ({"strokes": one(), "canvas": {"width": 1e6, "height": 280}}, "less than or equal"),
    ({"pixels": [[0.0] * 28] * 27}, "expected 28 rows of 28 numbers, got 27 rows"),
    ({"pixels": [[2.0] * 28] * 28}, "row 0, column 0: expected a number in [0, 1], got 2.0"),
    ({"pixels": [[0.0] * 28] * 28}, "expected some ink"),
    ({"strokes": one(), "canvas": {"width": 280, "height": 280}, "colour": "red"}, "colour: Extra"),
]


@pytest.mark.parametrize(("body", "message"), BAD_DRAWINGS)
def test_bad_drawings_are_422_with_a_message(
    refusing: TestClient, body: dict[str, object], message: str
) -> None:
    client = refusing
    for path, payload in (("/predict", body), ("/api/samples", {**body, "label": 3})):
        response = client.post(path, json=payload)
        assert response.status_code == 422, (path, response.text)
        assert message.lower() in response.json()["detail"].lower(), response.json()
    assert client.get("/api/stats").json()["total"] == 0


def test_non_finite_numbers_are_refused(client: TestClient) -> None:
    body = '{"strokes": [[[NaN, 1.0]]], "canvas": {"width": 280, "height": 280}}'
    response = client.post("/predict", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    body = '{"strokes": [[[1.0, 1.0]]], "canvas": {"width": Infinity, "height": 280}}'
    response = client.post("/predict", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422


def test_malformed_json_and_wrong_content_type(client: TestClient) -> None:
    response = client.post("/predict", content=b"{", headers={"content-type": "application/json"})
    assert response.status_code == 422 and "JSON" in response.json()["detail"]
    response = client.post("/predict", content=b"1,2", headers={"content-type": "text/csv"})
    assert response.status_code == 415 and "text/csv" in response.json()["detail"]


@pytest.mark.parametrize("label", [-1, 10, 3.5, "7", None])
def test_labels_outside_0_9_are_refused(refusing: TestClient, label: object) -> None:
    client = refusing
    response = client.post("/api/samples", json=strokes_body(one(), label=label))
    assert response.status_code == 422
    assert "label" in response.json()["detail"]
    assert client.get("/api/stats").json()["total"] == 0


def test_too_many_strokes_and_points(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, max_strokes=3, max_points_per_stroke=50, max_points=80)
    with TestClient(create_app(settings)) as client:
        cases = [
            (one() * 4, "expected at most 3 strokes, got 4"),
            ([[[140.0, 40.0 + i] for i in range(51)]], "stroke 0: expected at most 50 points"),
            ([[[140.0, 40.0 + i] for i in range(45)]] * 2, "at most 80 points in all, got 90"),
        ]
        for strokes, message in cases:
            response = client.post("/predict", json=strokes_body(strokes))
            assert response.status_code == 422 and message in response.json()["detail"]


def test_body_over_the_limit_is_413(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path, max_body_bytes=4096))) as client:
        big = strokes_body([[[140.0, 40.0 + i % 200] for i in range(2000)]], label=1)
        response = client.post("/api/samples", json=big)
        assert response.status_code == 413
        assert "at most 4096 bytes" in response.json()["detail"]

        def chunked() -> object:  # no Content-Length: counted while it streams
            yield b'{"pixels": ['
            for _ in range(400):
                yield b"[" + b",".join([b"0.0"] * 28) + b"],"

        response = client.post(
            "/predict", content=chunked(), headers={"content-type": "application/json"}
        )
        assert response.status_code == 413
        assert client.get("/api/stats").json()["total"] == 0


def upload(client: TestClient, data: bytes, name: str = "x.png") -> tuple[int, str]:
    response = client.post("/predict", files={"image": (name, data, "application/octet-stream")})
    return response.status_code, response.json()["detail"]


def test_bad_images_are_refused(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path, max_image_bytes=200_000))) as client:
        assert upload(client, b"not an image")[0] == 422
        tiff = io.BytesIO()
        Image.new("L", (28, 28), 255).save(tiff, format="TIFF")
        status, detail = upload(client, tiff.getvalue())
        assert status == 422 and "TIFF" in detail
        status, detail = upload(client, png_header_only(50_000, 50_000))
        assert status == 422 and "pixels" in detail
        noise = Image.fromarray(np.random.default_rng(0).integers(0, 256, (600, 600), np.uint8))
        big = io.BytesIO()
        noise.save(big, format="PNG")
        status, detail = upload(client, big.getvalue())
        assert status == 422 and "bytes" in detail
        blank = io.BytesIO()
        Image.new("L", (100, 100), 255).save(blank, format="PNG")
        status, detail = upload(client, blank.getvalue())
        assert status == 422 and "ink" in detail
        response = client.post("/predict", files={"picture": ("x.png", b"abc", "image/png")})
        assert response.status_code == 422 and "'image'" in response.json()["detail"]
