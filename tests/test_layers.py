"""The rooms of app/ and who may import whom, and the reader as the one path to an answer.

Each package of app/ is a layer; a module may import its own layer and the layers its
row of ``MAY_IMPORT`` names, nothing else of app/ (third-party packages are free, except
that the engine imports no web framework or database). ``app`` alone is the package's
``__init__`` (its version).
"""

import ast
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT

APP = PROJECT_ROOT / "app"
MAY_IMPORT = {
    "app.config": set(),
    "app.engine": set(),  # NumPy and Pillow: usable and testable with no server or database
    "app.store": {"app.config"},  # owns all SQL
    "app.services": {"app.config", "app.engine", "app.store"},  # engine + store, for web and CLI
    "app.report": {"app", "app.config", "app.engine", "app.services"},
    "app.web": {"app", "app.config", "app.engine", "app.store", "app.services"},
    "app.cli": {"app", "app.config", "app.engine", "app.store", "app.services", "app.report",
                "app.web"},
}  # fmt: skip
ENGINE_FORBIDDEN = ("fastapi", "starlette", "sqlalchemy", "alembic", "uvicorn")
# Turning input into an answer happens in the engine's reader: outside the engine, nothing
# calls the preprocessing or a network's forward pass directly.
ANSWER_CALLS = {
    "predict_proba", "logits", "hidden_activations", "strokes_to_pixels", "image_to_pixels",
    "pixels_to_array", "trajectory_features", "trajectories", "combine",
    "read_strokes", "points_to_pixels", "points_trajectory",
}  # fmt: skip
MODULES = sorted(p for p in APP.rglob("*.py") if "migrations" not in p.parts)


def layer_of(module: str) -> str:
    """The layer a dotted module name belongs to ("app.engine.reader" -> "app.engine")."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


def imports(path: Path, *, on_load: bool = False) -> list[str]:
    """Every module ``path`` imports, absolute (``from . import x`` is not used here); with
    ``on_load``, only those imported at the top level, as the module loads."""
    tree = ast.parse(path.read_text())
    names = []
    for node in tree.body if on_load else ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)


def test_every_module_is_in_a_layer_of_the_table() -> None:
    for path in MODULES:
        name = module_name(path)
        if name != "app.__init__":
            assert layer_of(name) in MAY_IMPORT, f"{name} is in no layer of the table"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(APP)))
def test_module_imports_only_what_its_layer_may(path: Path) -> None:
    own = layer_of(module_name(path))
    allowed = {own} | MAY_IMPORT.get(own, set())
    for name in imports(path):
        if name == "app" or name.startswith("app."):
            assert layer_of(name) in allowed, f"{own} may not import {name} ({path})"
        elif own == "app.engine":
            assert not name.startswith(ENGINE_FORBIDDEN), f"the engine imports {name} ({path})"


@pytest.mark.parametrize(
    "path", [p for p in MODULES if "engine" not in p.parts], ids=lambda p: str(p.relative_to(APP))
)
def test_answers_come_from_the_reader_only(path: Path) -> None:
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else None
            if isinstance(node.func, ast.Name):
                called = node.func.id
            assert called not in ANSWER_CALLS, f"{path} calls {called} instead of the reader"


def is_onnx(module: str) -> bool:
    return module.split(".")[0] in {"onnx", "onnxruntime"} or module == "app.engine.onnx_export"


def test_onnx_is_imported_only_by_the_export_command_as_it_runs() -> None:
    # onnx is an optional extra (export): the server and the other commands run without it.
    for path in MODULES:
        name = module_name(path)
        found = [n for n in imports(path) if is_onnx(n)]
        if name == "app.engine.onnx_export" or not found:
            continue
        assert name == "app.cli.export_model", f"{path} imports {found}"
        at_load = [n for n in imports(path, on_load=True) if is_onnx(n)]
        assert not at_load, f"{path} imports {at_load} as it loads, not when the command runs"


def test_the_table_catches_a_wrong_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from app.web.app import create_app\nimport sqlalchemy\n")
    assert [layer_of(n) for n in imports(bad) if n.startswith("app")] == ["app.web"]
    assert "app.web" not in MAY_IMPORT["app.engine"] | MAY_IMPORT["app.store"]
