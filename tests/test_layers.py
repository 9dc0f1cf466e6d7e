"""The engine is a layer of its own: it imports no web framework, database or settings."""

import ast
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT

ENGINE = PROJECT_ROOT / "app" / "engine"
FORBIDDEN = ("fastapi", "starlette", "sqlalchemy", "alembic", "app.config", "app.web", "app.store")


@pytest.mark.parametrize("path", sorted(ENGINE.rglob("*.py")), ids=lambda p: p.name)
def test_engine_module_imports_nothing_above_it(path: Path) -> None:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            assert not name.startswith(FORBIDDEN), f"{path} imports {name}"
