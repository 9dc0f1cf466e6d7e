"""MNIST and UNIPEN as the settings say where they are (MNIST with download progress bars)."""

import json
from pathlib import Path
from typing import Any

from tqdm import tqdm

from app.config import get_settings
from app.engine.errors import ConfigError, DataFormatError
from app.engine.mnist import Mnist, load_mnist
from app.engine.unipen import PenDigits, load_unipen


class _Bars:
    """tqdm bars for MNIST downloads, one per file, fed by the engine's progress calls."""

    def __init__(self) -> None:
        self.bars: dict[str, tqdm[Any]] = {}

    def __call__(self, name: str, done: int, total: int | None) -> None:
        bar = self.bars.get(name)
        if bar is None:
            bar = self.bars[name] = tqdm(
                total=total, desc=name, unit="B", unit_scale=True, leave=False
            )
        bar.update(done - bar.n)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def load_mnist_from_settings(mnist_dir: Path | None = None) -> Mnist:
    """MNIST from ``mnist_dir``, else as the settings say, with download progress bars."""
    settings = get_settings()
    bars = _Bars()
    try:
        return load_mnist(
            mnist_dir=mnist_dir or settings.mnist_dir,
            cache_dir=settings.cache_dir,
            mirrors=settings.mnist_mirrors,
            progress=bars,
        )
    finally:
        bars.close()


def load_unipen_from_settings() -> PenDigits:
    """The UNIPEN digits from the folder the settings name (DIGITPAD_UNIPEN_DIR)."""
    folder = get_settings().unipen_dir
    if folder is None:
        raise ConfigError(
            "expected DIGITPAD_UNIPEN_DIR, the folder of the UNIPEN file; it is unset"
        )
    return load_unipen(folder)


def read_label_issues(path: Path) -> list[int]:
    """The ``ids`` list of a label-issues file (written by bench/label_noise.py)."""
    try:
        ids = json.loads(path.read_text())["ids"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise DataFormatError(f"{path}: expected JSON with a list of ids, got {e}") from None
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        raise DataFormatError(f"{path}: expected ids as a list of integers")
    return ids
