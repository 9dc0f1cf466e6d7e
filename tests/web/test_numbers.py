"""POST /predict/number: numbers, single digits, images, empty drawings and the limits."""

import io
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw

from app.engine.number_replay import Writing, write_number
from app.web.app import create_app
from tests.shapes import DIGITS
from tests.web.conftest import make_settings
from tests.web.test_contributors import ME
from tests.web.test_samples import contribute


def written(digits: str, seed: int = 0, spacing: tuple[float, float] = (0.1, 0.3)) -> dict:
    """The JSON body of ``digits`` written from the shared shapes, and its strokes' owners."""
    number = write_number(
        [[np.array(s) for s in DIGITS[int(d)]] for d in digits],
        np.random.default_rng(seed),
        Writing(spacing=spacing),
    )
    return {
        "strokes": [s.tolist() for s in number.strokes],
        "canvas": {"width": number.width, "height": 280},
        "owner": number.digit_of_stroke,
    }


def body_of(number: dict, **extra: object) -> dict:
    return {"strokes": number["strokes"], "canvas": number["canvas"], **extra}


def test_a_number_is_read_digit_by_digit_left_to_right(client: TestClient) -> None:
    number = written("4072")
    answer = client.post("/predict/number", json=body_of(number))
    assert answer.status_code == 200, answer.text
    read = answer.json()
    assert read["number"] == "4072" and len(read["digits"]) == 4
    assert read["model"] == client.get("/api/model").json()["version"]
    owner = number["owner"]
    for k, digit in enumerate(read["digits"]):
        assert digit["digit"] == int("4072"[k])
        assert digit["strokes"] == [i for i, d in enumerate(owner) if d == k]
        assert abs(sum(digit["probabilities"]) - 1) < 1e-4
        assert len(digit["pixels"]) == 28 and all(len(row) == 28 for row in digit["pixels"])
        x0, y0, x1, y1 = digit["box"]
        assert 0 <= x0 < x1 <= number["canvas"]["width"] and 0 <= y0 < y1 <= 280
    lefts = [d["box"][0] for d in read["digits"]]
    assert lefts == sorted(lefts)
    product = np.prod([d["probabilities"][d["digit"]] for d in read["digits"]])
    assert abs(read["confidence"] - product) < 1e-4


def test_a_single_digit_is_a_one_digit_number_as_predict_reads_it(client: TestClient) -> None:
    number = written("7")
    read = client.post("/predict/number", json=body_of(number)).json()
    alone = client.post("/predict", json=body_of(number)).json()
    first = read["digits"][0]
    assert read["number"] == "7" and first["digit"] == alone["digit"] == 7
    np.testing.assert_allclose(first["probabilities"], alone["probabilities"], atol=1e-5)
    assert first["strokes"] == list(range(len(number["strokes"])))


def test_an_image_of_a_number_is_split_by_its_pieces(client: TestClient) -> None:
    number = written("305", spacing=(0.25, 0.35))
    image = Image.new("L", (round(number["canvas"]["width"]), 280), 255)
    pen = ImageDraw.Draw(image)
    for stroke in number["strokes"]:
        pen.line([tuple(p) for p in stroke], fill=0, width=14, joint="curve")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    answer = client.post("/predict/number", files={"image": ("n.png", buffer.getvalue())})
    assert answer.status_code == 200, answer.text
    read = answer.json()
    assert read["number"] == "305"
    assert [d["strokes"] for d in read["digits"]] == [[0], [1], [2]]  # pieces, from the left


def test_empty_and_bad_drawings_are_refused_as_predict_refuses_them(client: TestClient) -> None:
    empty = {"strokes": [[]], "canvas": {"width": 280, "height": 280}}
    number, one = client.post("/predict/number", json=empty), client.post("/predict", json=empty)
    assert number.status_code == one.status_code == 422
    assert number.json()["detail"] == one.json()["detail"]
    pixels = client.post("/predict/number", json={"pixels": [[0.0] * 28] * 28})
    assert pixels.status_code == 422
    assert "expected strokes with a canvas, or an image" in pixels.json()["detail"]
    assert (
        client.post(
            "/predict/number", content=b"x", headers={"content-type": "text/plain"}
        ).status_code
        == 415
    )
    blank = io.BytesIO()
    Image.new("L", (100, 50), 255).save(blank, format="PNG")
    assert (
        client.post("/predict/number", files={"image": ("b.png", blank.getvalue())}).status_code
        == 422
    )


def test_more_digits_than_the_setting_allows_are_refused(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path, max_digits=3))
    with TestClient(app) as client:
        assert client.post("/predict/number", json=body_of(written("123"))).status_code == 200
        answer = client.post("/predict/number", json=body_of(written("1234")))
        assert answer.status_code == 422
        assert answer.json()["detail"] == "expected at most 3 digits, got 4"


def test_a_contributors_drawings_count_for_each_digit(client: TestClient) -> None:
    seven = written("7")
    for _ in range(3):
        contribute(client, seven["strokes"], 7, contributor=ME, canvas=seven["canvas"])
    read = client.post("/predict/number", json=body_of(written("77"), contributor=ME)).json()
    assert read["number"] == "77"
    assert all(d["personal"]["samples"] == 3 for d in read["digits"])
    plain = client.post("/predict/number", json=body_of(written("77"))).json()
    assert all(d["personal"] is None for d in plain["digits"])


def number_body(number: dict, label: str, **extra: object) -> dict:
    """A POST /api/numbers body for ``number`` (from `written`), split by its owners."""
    owner = number["owner"]
    split = [[i for i, d in enumerate(owner) if d == k] for k in range(max(owner) + 1)]
    return {**body_of(number), "label": label, "split": split, "source": "draw", **extra}


def test_a_labelled_number_is_stored_with_a_sample_per_digit(client: TestClient) -> None:
    number = written("305")
    read = client.post("/predict/number", json=body_of(number)).json()
    body = number_body(number, "306", predicted=read["number"], contributor=ME)
    answer = client.post("/api/numbers", json=body, headers={"Idempotency-Key": "n-1"})
    assert answer.status_code == 201, answer.text
    stored = answer.json()
    assert stored["label"] == "306" and len(stored["samples"]) == 3
    for position, sample_id in enumerate(stored["samples"]):
        sample = client.get(f"/api/samples/{sample_id}").json()
        assert sample["label"] == int("306"[position])
        assert sample["number_id"] == stored["id"] and sample["number_position"] == position
        assert sample["predicted"] == int(read["number"][position])
        assert sample["strokes"] == [number["strokes"][i] for i in body["split"][position]]
        alone = client.post("/predict", json=body_of({**number, "strokes": sample["strokes"]}))
        png = client.get(sample["image_url"]).content
        seen = np.array(Image.open(io.BytesIO(png)), dtype=np.float64) / 255
        np.testing.assert_allclose(seen, alone.json()["pixels"], atol=0.003)
    again = client.post("/api/numbers", json=body, headers={"Idempotency-Key": "n-1"})
    assert again.status_code == 201 and again.json() == stored  # a retry stores nothing
    assert client.get("/api/stats").json()["total"] == 3
    mine = client.get(f"/api/contributors/{ME}/samples").json()
    assert sorted(i["id"] for i in mine["items"]) == stored["samples"]
    assert client.delete(f"/api/contributors/{ME}").json() == {"deleted": 3}
    with client.app.state.store.engine.connect() as connection:  # type: ignore[attr-defined]
        assert connection.exec_driver_sql("SELECT count(*) FROM numbers").scalar() == 0


def test_bad_numbers_are_refused_and_nothing_is_stored(tmp_path: Path) -> None:
    number = written("123")
    good = number_body(number, "123")
    bad = {
        "one group short": {**good, "split": good["split"][:2], "label": "12"},
        "a stroke twice": {**good, "split": [[0], [0, 1], [2]]},
        "a stroke left out": {**good, "split": [[0], [1], []]},
        "not digits": {**good, "label": "1x3"},
        "pixels": {"pixels": [[0.0] * 28] * 28, "label": "1", "split": [[0]]},
        "too many digits": {**good},
    }
    app = create_app(make_settings(tmp_path, max_digits=2))
    with TestClient(app) as client:
        for name, body in bad.items():
            answer = client.post("/api/numbers", json=body)
            assert answer.status_code == 422, name
        assert "expected at most 2 digits, got 3" in client.post("/api/numbers", json=good).text
        assert client.get("/api/stats").json()["total"] == 0
