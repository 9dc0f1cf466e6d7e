"""``digitpad export-samples`` and ``digitpad import-samples``: the contributed drawings of
the database (``DIGITPAD_DATABASE_URL``) written as ndjson in Quick, Draw!'s layout, and
such files read back (see app/services/sample_files.py)."""

import contextlib
from pathlib import Path
from typing import BinaryIO

import click

from app.cli.group import fail, main, open_registry
from app.config import get_settings
from app.engine.errors import DigitpadError
from app.engine.files import write_chunks_atomic
from app.services.model_versions import load_version
from app.services.sample_files import ExportCount, ImportReport, export_ndjson, import_ndjson
from app.store import SAMPLE_STATUSES, StoreUnavailableError, open_store


@main.command("export-samples")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["ndjson"]),
    default="ndjson",
    show_default=True,
    help="ndjson: one drawing a line (the API also serves npz and idx).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="File to write, replaced only once the export is whole (default: standard output).",
)
@click.option("--label", type=click.IntRange(0, 9), default=None, help="Only this digit.")
@click.option(
    "--since",
    type=click.IntRange(0, 2**63 - 1),
    default=0,
    help="Only samples with ids above this one (an earlier export's last key_id).",
)
@click.option(
    "--status",
    type=click.Choice(SAMPLE_STATUSES),
    default=None,
    help="Only the drawings of this moderation status (default: every drawing stored).",
)
def export_samples(
    fmt: str, out: Path | None, label: int | None, since: int, status: str | None
) -> None:
    """Write the drawings as ndjson, by ascending id; samples stored as pixels only are
    left out, and so are contributor ids. A count goes to standard error."""
    count = ExportCount()
    try:
        store = open_store(get_settings().database_url)
        with contextlib.closing(store):
            pieces = export_ndjson(store, label=label, since=since, status=status, count=count)
            if out is None:
                for piece in pieces:
                    click.echo(piece, nl=False)  # bytes go to the binary stream as they are
            else:
                write_chunks_atomic(out, pieces)
    except StoreUnavailableError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"cannot write {out}: {error}") from None
    left_out = f"; left out {count.skipped} stored without strokes" if count.skipped else ""
    click.echo(f"wrote {_drawings(count.written)} ({fmt}){left_out}", err=True)


@main.command("import-samples")
@click.argument("file", type=click.File("rb"))
@click.option(
    "--source",
    default=None,
    help='The source every sample gets, e.g. "classroom" (default: each line\'s own).',
)
def import_samples(file: BinaryIO, source: str | None) -> None:
    """Store the drawings of an ndjson FILE (- for standard input), each line checked as
    POST /api/samples checks a body and drawn with the active model's pen, 500 a
    transaction. Exits with status 1 when some lines were refused (the others are stored)."""
    try:
        store, registry = open_registry()
        with contextlib.closing(store):
            active = registry.active()
            if active is None:  # open_registry seeds the shipped model: not expected
                raise click.ClickException("no active model version; see digitpad models list")
            model = load_version(registry, active)
            report = import_ndjson(file, store, model, get_settings(), source=source)
    except DigitpadError as error:
        fail(error)
    except StoreUnavailableError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"imported {_drawings(report.taken)}")
    if report.refused:
        click.echo(_refusals(report), err=True)
        raise SystemExit(1)


def _drawings(n: int) -> str:
    return f"{n} drawing" if n == 1 else f"{n} drawings"


def _refusals(report: ImportReport) -> str:
    """The refused lines: how many, then the first ones listed with their reasons."""
    lines = [f"refused {report.refused} lines:"]
    lines += [f"  line {number}: {reason}" for number, reason in report.reasons]
    if report.refused > len(report.reasons):
        lines.append(f"  ... and {report.refused - len(report.reasons)} more")
    return "\n".join(lines)
