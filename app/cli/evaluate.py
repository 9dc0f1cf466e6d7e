"""``digitpad evaluate`` and ``digitpad report``: a model measured on MNIST test, and its
figures written for offline reading."""

import json
from pathlib import Path

import click

from app.cli.group import BASELINE_MODEL, DEFAULT_MODEL, fail, main, mnist_dir_option, model_option
from app.config import get_settings
from app.engine import checkpoint
from app.engine.errors import DigitpadError
from app.engine.metrics import evaluate as evaluate_network
from app.engine.mnist import to_inputs
from app.engine.reader import Reader
from app.report.write import write_report
from app.services.datasets import load_mnist_from_settings


@main.command("evaluate")
@model_option
@mnist_dir_option
def evaluate_command(model_path: Path | None, mnist_dir: Path | None) -> None:
    """Print a model's metrics on the MNIST test set as JSON."""
    path = model_path or get_settings().model_dir / DEFAULT_MODEL
    try:
        loaded = checkpoint.load(path)
        data = load_mnist_from_settings(mnist_dir)
    except DigitpadError as e:
        fail(e)
    test = evaluate_network(Reader(loaded), to_inputs(data.test.images), data.test.labels)
    report = {"model": loaded.version, "path": str(path), "mnist_test": test.to_dict()}
    click.echo(json.dumps(report, indent=2))


@main.command("report")
@model_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder to write the figures (PNG) and index.html into; made if missing.",
)
@mnist_dir_option
def report_command(model_path: Path | None, out: Path, mnist_dir: Path | None) -> None:
    """Write the insights views of a model as PNG files and one HTML page, for offline
    reading, compared with the linear baseline of the model folder."""
    settings = get_settings()
    path = model_path or settings.model_dir / DEFAULT_MODEL
    try:
        written, notes = write_report(
            path, out, baseline_path=settings.model_dir / BASELINE_MODEL, mnist_dir=mnist_dir
        )
    except DigitpadError as e:
        fail(e)
    except OSError as e:
        raise click.ClickException(f"cannot write the report into {out}: {e}") from None
    for note in notes:
        click.echo(f"note: {note}", err=True)
    for written_path in written:
        click.echo(str(written_path))
