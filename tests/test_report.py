"""`digitpad report`: the insights views as PNG files and one self-contained HTML page."""

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner, Result
from PIL import Image

from app.cli import main
from app.config import get_settings
from app.engine import checkpoint

MODEL_DIR = get_settings().model_dir
SHIPPED = MODEL_DIR / "default.npz"
FIGURES = (
    "overall.png",
    "per_digit.png",
    "confusion.png",
    "confusion_baseline.png",
    "curves.png",
    "first_layer.png",
    "average_inputs.png",
    "mistakes.png",
)


def report(*args: str) -> Result:
    return CliRunner().invoke(main, ["report", *args])


def copy_model(folder: Path, name: str = "default", **card_changes: Any) -> Path:
    """The shipped model copied into ``folder``, its card changed (None removes a key)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SHIPPED, folder / f"{name}.npz")
    card = json.loads(checkpoint.card_path(SHIPPED).read_text())
    for key, value in card_changes.items():
        if value is None:
            card.pop(key)
        else:
            card[key] = value
    (folder / f"{name}.json").write_text(json.dumps(card))
    return folder / f"{name}.npz"


# The whole report is drawn once for the tests that read it (about 5 s): CI runs them.
@pytest.fixture(scope="module")
def shipped_report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    out = tmp_path_factory.mktemp("report")
    result = report("--out", str(out))
    assert result.exit_code == 0, result.output
    yield out, result.stdout


@pytest.mark.slow
def test_report_writes_every_figure(shipped_report: tuple[Path, str]) -> None:
    out, printed = shipped_report
    assert printed.split() == [str(out / name) for name in (*FIGURES, "index.html")]
    sizes = {}
    for name in FIGURES:
        with Image.open(out / name) as image:
            assert image.format == "PNG" and image.mode == "RGB"
            picture = np.asarray(image)
        sizes[name] = picture.shape[1], picture.shape[0]
        not_white = (picture != 255).any(axis=2).mean()
        assert 0.02 < not_white < 0.98, name  # drawn on, not blank
        assert len(np.unique(picture.reshape(-1, 3), axis=0)) > 20, name
    assert sizes["overall.png"] == (440, 300)
    assert sizes["per_digit.png"] == (760, 320)
    assert sizes["confusion.png"] == sizes["confusion_baseline.png"]
    assert sizes["curves.png"] == (2 * 520 + 16, 300)
    units = checkpoint.load(SHIPPED).network.sizes[1]  # 128: 8 rows of 16
    assert sizes["first_layer.png"][1] > (units // 16) * 28 * 3
    assert sizes["average_inputs.png"][0] > 10 * 28 * 3


@pytest.mark.slow
def test_report_page_shows_the_cards_numbers_and_figures(shipped_report: tuple[Path, str]) -> None:
    out, _ = shipped_report
    page = (out / "index.html").read_text()
    for name in FIGURES:
        assert f'src="{name}"' in page
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"""(src|href)=["']?(//|/)""", page)  # nothing outside the folder
    card = checkpoint.load(SHIPPED).card.to_dict()
    baseline = checkpoint.load(MODEL_DIR / "baseline.npz").card.to_dict()
    test = card["metrics"]["mnist_test"]
    assert f"{test['accuracy']:.2%}" in page
    assert f"{baseline['metrics']['mnist_test']['accuracy']:.2%}" in page
    for accuracy in test["per_class_accuracy"]:
        assert f"<td>{accuracy:.2%}</td>" in page
    assert card["version"] in page and card["training"]["command"] in page
    sizes = "-".join(map(str, card["architecture"]["sizes"]))
    assert sizes in page and f"{card['parameters']:,} parameters" in page


def test_report_of_the_linear_model_shows_its_output_weights(tmp_path: Path) -> None:
    result = report("--model", str(MODEL_DIR / "baseline.npz"), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "the model is the linear baseline" in result.stderr
    assert not (tmp_path / "confusion_baseline.png").exists()
    with Image.open(tmp_path / "first_layer.png") as image:
        width, height = image.size
    assert 10 * 28 * 3 < width < 16 * 29 * 3 and height < 2 * 28 * 3 + 100  # one row of 10
    page = (tmp_path / "index.html").read_text()
    assert "confusion_baseline.png" not in page and "no hidden layer" in page


def test_a_card_without_insights_needs_mnist(tmp_path: Path) -> None:
    model = copy_model(tmp_path / "old", insights=None)
    empty = tmp_path / "empty"
    empty.mkdir()
    out = tmp_path / "out"
    result = report("--model", str(model), "--out", str(out), "--mnist-dir", str(empty))
    assert result.exit_code == 1
    assert "keeps no MNIST test pictures" in result.output
    assert "measured on MNIST, which failed" in result.output
    assert "expected the MNIST files" in result.output
    assert not out.exists()  # nothing half-written


@pytest.mark.slow
def test_a_card_without_metrics_or_insights_is_measured_on_mnist(
    mnist_dir: Path, tmp_path: Path, shipped_report: tuple[Path, str]
) -> None:
    model = copy_model(tmp_path / "old", insights=None, metrics=None)
    out = tmp_path / "out"
    result = report("--model", str(model), "--out", str(out), "--mnist-dir", str(mnist_dir))
    assert result.exit_code == 0, result.output
    assert "measured now on MNIST test" in result.stderr
    shipped, _ = shipped_report
    for name in FIGURES:  # the same network on the same images: the same figures
        with Image.open(out / name) as again, Image.open(shipped / name) as kept:
            np.testing.assert_array_equal(np.asarray(again), np.asarray(kept), err_msg=name)
    accuracy = checkpoint.load(SHIPPED).card.metrics["mnist_test"]["accuracy"]
    assert f"{accuracy:.2%}" in (out / "index.html").read_text()


def test_a_missing_model_or_a_bad_card_fails_with_a_message(tmp_path: Path) -> None:
    result = report("--model", str(tmp_path / "nothing.npz"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "nothing.json: model card not found" in result.output
    card = json.loads(checkpoint.card_path(SHIPPED).read_text())
    metrics = card["metrics"]
    metrics["mnist_test"]["confusion_matrix"] = metrics["mnist_test"]["confusion_matrix"][:9]
    model = copy_model(tmp_path / "bad", metrics=metrics)
    result = report("--model", str(model), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "10x10 confusion matrix" in result.output and "Traceback" not in result.output
    model = copy_model(
        tmp_path / "bad_history", training={"command": "x", "history": [{"epoch": "one"}]}
    )
    result = report("--model", str(model), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1 and "training.history to be a list of epochs" in result.output
    assert report("--model", str(model)).exit_code == 2  # --out is required


def test_a_broken_baseline_is_left_out_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "models"
    copy_model(folder)
    (folder / "baseline.npz").write_bytes(b"not a model")
    shutil.copy(checkpoint.card_path(MODEL_DIR / "baseline.npz"), folder / "baseline.json")
    monkeypatch.setenv("DIGITPAD_MODEL_DIR", str(folder))
    get_settings.cache_clear()
    try:
        result = report("--out", str(tmp_path / "out"))
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "the linear baseline is left out" in result.stderr
    assert not (tmp_path / "out" / "confusion_baseline.png").exists()
    assert (tmp_path / "out" / "confusion.png").exists()
