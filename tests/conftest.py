"""Fixtures shared by every test folder.

Tests that need the real MNIST files take the ``mnist_dir`` fixture. It reads
``DIGITPAD_MNIST_DIR``: unset, those tests are skipped with a message; set but not a
readable folder with the four files, they fail (CI sets it, so CI never skips them).
Tests that need the UNIPEN digits take ``unipen_dir``, from ``DIGITPAD_UNIPEN_DIR``.
"""

import os
from pathlib import Path

import pytest

from app.engine.unipen import UNIPEN_FILE
from tests import needs

MNIST_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)


@pytest.fixture(scope="session")
def mnist_dir() -> Path:
    """The folder of the real MNIST files, from DIGITPAD_MNIST_DIR."""
    value = os.environ.get("DIGITPAD_MNIST_DIR")
    if not value:
        pytest.skip("DIGITPAD_MNIST_DIR is not set; set it to a folder of the MNIST files")
    folder = Path(value)
    missing = [
        name
        for name in MNIST_FILES
        if not (folder / name).is_file() and not (folder / f"{name}.gz").is_file()
    ]
    if missing:
        pytest.fail(f"DIGITPAD_MNIST_DIR={value} is set but lacks {', '.join(missing)}")
    return folder


@pytest.fixture(scope="session")
def unipen_dir() -> Path:
    """The folder of the UNIPEN digits file, from DIGITPAD_UNIPEN_DIR (skipped when unset,
    failing under CI=true; set but without the file, failing)."""
    value = os.environ.get("DIGITPAD_UNIPEN_DIR")
    if not value:
        needs.missing("DIGITPAD_UNIPEN_DIR is not set; set it to the folder of the UNIPEN file")
    folder = Path(value)
    if not (folder / UNIPEN_FILE).is_file():
        pytest.fail(f"DIGITPAD_UNIPEN_DIR={value} is set but lacks {UNIPEN_FILE}")
    return folder
