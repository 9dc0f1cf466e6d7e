"""MNIST as the settings say where it is, with download progress bars on the terminal."""

from pathlib import Path
from typing import Any

from tqdm import tqdm

from app.config import get_settings
from app.engine.mnist import Mnist, load_mnist


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
