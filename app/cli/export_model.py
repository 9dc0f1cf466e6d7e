"""``digitpad export-model``: a model's image networks written as a file other programs
read (ONNX), from a model file or a version in the database."""

import contextlib
from pathlib import Path

import click

from app.cli.group import DEFAULT_MODEL, fail, main, model_option, open_registry
from app.config import get_settings
from app.engine import checkpoint
from app.engine.checkpoint import Checkpoint
from app.engine.errors import DigitpadError
from app.engine.files import write_bytes_atomic
from app.services.model_versions import load_version


@main.command("export-model")
@model_option
@click.option(
    "--version",
    "version",
    default=None,
    help="A model version in the database (see digitpad models list), instead of --model.",
)
@click.option(
    "--format",
    "export_format",
    type=click.Choice(["onnx"]),  # the one format so far
    required=True,
    help="onnx: the image networks' mean probabilities as an ONNX graph.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="File to write.",
)
def export_model_command(
    model_path: Path | None, version: str | None, export_format: str, out: Path
) -> None:
    """Write a model's image networks (averaged) as a graph that other programs run:
    input (n, 784) float32 images framed as MNIST, output (n, 10) probabilities."""
    if model_path is not None and version is not None:
        raise click.UsageError("give --model or --version, not both")
    try:
        from app.engine.onnx_export import to_onnx
    except ModuleNotFoundError as e:
        raise click.ClickException(
            f"exporting needs the onnx package ({e}); install it with pip install -e '.[export]'"
        ) from None
    try:
        model = _load(model_path, version)
        data = to_onnx(model).SerializeToString()
    except DigitpadError as e:
        fail(e)
    try:
        write_bytes_atomic(out, data)
    except OSError as e:
        raise click.ClickException(f"cannot write {out}: {e}") from None
    left_out = " (trajectory networks left out)" if model.paths else ""
    click.echo(
        f"{out}: model {model.version}, image networks "
        f"{len(model.networks)} x {'-'.join(map(str, model.network.sizes))}{left_out}"
    )


def _load(model_path: Path | None, version: str | None) -> Checkpoint:
    """The version from the database, else the model file (default: the shipped one)."""
    if version is None:
        return checkpoint.load(model_path or get_settings().model_dir / DEFAULT_MODEL)
    store, registry = open_registry()
    with contextlib.closing(store):
        return load_version(registry, version).checkpoint
