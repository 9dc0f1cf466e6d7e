"""``digitpad export-model``: a model file or a database version written as ONNX."""

import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from app.cli import main
from app.config import get_settings
from app.engine import checkpoint
from app.engine.network import MLP
from app.services.model_versions import seed
from app.store import ModelRegistry, open_store
from tests import needs

onnx = needs.package("onnx", "export")

SHIPPED = get_settings().model_dir / "default.npz"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["export-model", *args])
    return result.exit_code, result.output


def export(out: Path, *args: str) -> tuple[int, str]:
    """``digitpad export-model ARGS --format onnx --out OUT``."""
    return run(*args, "--format", "onnx", "--out", str(out))


def props(path: Path) -> dict[str, str]:
    return {p.key: p.value for p in onnx.load(str(path)).metadata_props}


def test_the_shipped_model_is_written_by_default(tmp_path: Path) -> None:
    out = tmp_path / "digits.onnx"
    code, output = export(out)
    assert code == 0, output
    shipped = checkpoint.load(SHIPPED)
    assert output.startswith(f"{out}: model {shipped.version}")
    assert "trajectory networks left out" in output
    assert props(out)["digitpad.version"] == shipped.version


def test_a_model_file_is_written(tmp_path: Path) -> None:
    small = tmp_path / "small.npz"
    network = MLP.initialise((784, 8, 10), "relu", np.random.default_rng(0))
    card = checkpoint.save(network, small, {})
    out = tmp_path / "small.onnx"
    code, output = export(out, "--model", str(small))
    assert code == 0, output
    assert props(out)["digitpad.weights_sha256"] == card.weights_sha256
    assert "left out" not in output


def test_a_database_version_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    monkeypatch.setenv("DIGITPAD_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        store = open_store(url)
        registry = ModelRegistry(store.engine)
        shipped = seed(registry, SHIPPED.parent)
        network = MLP.initialise((784, 8, 10), "sigmoid", np.random.default_rng(1))
        weights, card = checkpoint.to_bytes(network, {"parent": shipped})
        registry.add(version=card.version, parent=shipped, card=card.to_dict(), weights=weights)
        store.close()
        out = tmp_path / "version.onnx"
        code, output = export(out, "--version", card.version)
        assert code == 0, output
        assert props(out)["digitpad.version"] == card.version
        assert props(out)["digitpad.parent"] == shipped
        code, output = export(out, "--version", "20990101-absent")
        assert code == 1 and "version 20990101-absent: not in the database" in output
    finally:
        get_settings.cache_clear()


def test_bad_input_gives_messages_not_tracebacks(tmp_path: Path) -> None:
    out = tmp_path / "x.onnx"
    code, output = run("--format", "tflite", "--out", str(out))
    assert code == 2 and "Invalid value for '--format'" in output
    code, output = export(out, "--model", str(tmp_path / "absent.npz"))
    assert code == 1 and "model card not found" in output and "Traceback" not in output
    code, output = export(out, "--model", str(SHIPPED), "--version", "v")
    assert code == 2 and "give --model or --version, not both" in output
    code, output = export(tmp_path / "no-folder" / "x.onnx")
    assert code == 1 and "cannot write" in output
    assert not out.exists()


def test_a_slant_corrected_model_is_refused(tmp_path: Path) -> None:
    model = tmp_path / "upright.npz"
    network = MLP.initialise((784, 8, 10), "relu", np.random.default_rng(0))
    checkpoint.save(network, model, {"preprocessing": {"deskew": True}})
    code, output = export(tmp_path / "u.onnx", "--model", str(model))
    assert code == 1 and "does not include the slant correction" in output
    assert not (tmp_path / "u.onnx").exists()


def test_without_onnx_it_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "onnx", None)  # import onnx now fails as if absent
    monkeypatch.delitem(sys.modules, "app.engine.onnx_export", raising=False)
    code, output = export(tmp_path / "x.onnx")
    assert code == 1 and "pip install -e '.[export]'" in output
