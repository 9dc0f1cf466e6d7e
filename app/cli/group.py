"""The ``digitpad`` command group and what its commands share: failing with a message,
the --model and --mnist-dir options, the store with the shipped model seeded in."""

from pathlib import Path
from typing import NoReturn

import click

from app import __version__
from app.config import get_settings
from app.engine.errors import DigitpadError
from app.services.model_versions import seed
from app.store import ModelRegistry, SampleStore, open_store

DEFAULT_MODEL = "default.npz"
BASELINE_MODEL = "baseline.npz"


def fail(error: DigitpadError) -> NoReturn:
    """Stop the command with the error's message (exit status 1), no traceback."""
    raise click.ClickException(str(error))


def parse_arch(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[int, ...]:
    """Layer sizes from "784,128,64,10"."""
    try:
        return tuple(int(s) for s in value.split(","))
    except ValueError:
        raise click.BadParameter(f"expected sizes like 784,128,64,10, got {value!r}") from None


@click.group()
@click.version_option(__version__, prog_name="digitpad")
def main() -> None:
    """digitpad: draw a digit, watch a NumPy multilayer perceptron read it."""


mnist_dir_option = click.option(
    "--mnist-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder of the four MNIST files (default: DIGITPAD_MNIST_DIR, else cache/download).",
)


model_option = click.option(
    "--model",
    "model_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Model .npz (default: the model folder's default.npz).",
)


def open_registry() -> tuple[SampleStore, ModelRegistry]:
    """The store and the model registry, with the shipped model seeded in."""
    settings = get_settings()
    store = open_store(settings.database_url)
    registry = ModelRegistry(store.engine)
    seed(registry, settings.model_dir)
    return store, registry
