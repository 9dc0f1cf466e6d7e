import io

import numpy as np
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw

from app.engine.preprocess import strokes_to_pixels
from tests.web.conftest import one, seven, strokes_body


def assert_prediction(answer: dict[str, object], model: str) -> None:
    probabilities = answer["probabilities"]
    assert isinstance(probabilities, list) and len(probabilities) == 10
    assert abs(sum(probabilities) - 1) < 1e-4
    assert answer["digit"] == int(np.argmax(probabilities))
    assert answer["model"] == model
    pixels = np.array(answer["pixels"])
    assert pixels.shape == (28, 28) and pixels.min() >= 0 and pixels.max() <= 1


def test_strokes_are_read(client: TestClient) -> None:
    model = client.get("/api/model").json()["version"]
    answer = client.post("/predict", json=strokes_body(one())).json()
    assert_prediction(answer, model)
    assert answer["digit"] == 1
    expected = strokes_to_pixels(one(), 280, 280)
    np.testing.assert_allclose(answer["pixels"], expected, atol=1e-3)


def test_pixels_are_read_as_they_are(client: TestClient) -> None:
    pixels = strokes_to_pixels(seven(), 280, 280)
    answer = client.post("/predict", json={"pixels": pixels.tolist()}).json()
    np.testing.assert_allclose(answer["pixels"], pixels, atol=1e-3)
    assert answer["digit"] == 7


def test_an_uploaded_png_with_a_transparent_background_is_read(client: TestClient) -> None:
    canvas = Image.new("RGBA", (280, 280), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).line([(140, 40), (140, 240)], fill=(0, 0, 0, 255), width=18)
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    response = client.post("/predict", files={"image": ("one.png", buffer.getvalue(), "image/png")})
    assert response.status_code == 200, response.text
    assert response.json()["digit"] == 1


def test_batch_answers_in_order_in_one_pass(client: TestClient) -> None:
    items = [strokes_body(seven()), strokes_body(one()), {"pixels": np.zeros((28, 28)).tolist()}]
    items[2]["pixels"][10][14] = 1.0  # type: ignore[index]
    answer = client.post("/predict/batch", json={"items": items})
    assert answer.status_code == 200, answer.text
    digits = [p["digit"] for p in answer.json()["predictions"]]
    assert digits[:2] == [7, 1] and len(digits) == 3


def test_batch_with_one_bad_item_is_refused_whole_naming_it(client: TestClient) -> None:
    items = [strokes_body(seven()), strokes_body([]), strokes_body(one())]
    response = client.post("/predict/batch", json={"items": items})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("items[1]: ")


def test_batch_limit(client: TestClient) -> None:
    items = [strokes_body(one())] * 257
    response = client.post("/predict/batch", json={"items": items})
    assert response.status_code == 422
    assert "expected at most 256 items, got 257" in response.json()["detail"]


def test_explain_says_why(client: TestClient) -> None:
    body = strokes_body(seven())
    predicted = client.post("/predict", json=body).json()
    answer = client.post("/explain", json=body)
    assert answer.status_code == 200, answer.text
    explained = answer.json()
    assert explained["digit"] == predicted["digit"] == 7
    assert explained["probabilities"] == predicted["probabilities"]
    saliency = np.array(explained["saliency"])
    assert saliency.shape == (28, 28) and np.abs(saliency).max() == 1
    first, second = explained["hidden"]
    assert len(first) == len(second) == 8
    assert all(np.array(u["weights"]).shape == (28, 28) for u in first)
    assert all(u["weights"] is None for u in second)
    activations = [u["activation"] for u in first]
    assert activations == sorted(activations, reverse=True) and activations[0] > 0


def test_explain_refuses_what_predict_refuses(client: TestClient) -> None:
    response = client.post("/explain", json=strokes_body([]))
    assert response.status_code == 422 and "at least one point" in response.json()["detail"]
    assert (
        client.post("/explain", content=b"x", headers={"content-type": "text/plain"}).status_code
        == 415
    )
