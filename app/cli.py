"""The ``digitpad`` command: thin wrappers that read settings and call the engine."""

import contextlib
import json
import os
import platform
import shlex
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

import click
import numpy as np
import uvicorn
from pydantic import ValidationError
from tqdm import tqdm

from app import __version__
from app.config import get_settings
from app.data import load_mnist_from_settings
from app.engine import checkpoint
from app.engine.activations import ACTIVATIONS
from app.engine.errors import DigitpadError
from app.engine.insights import insights_on
from app.engine.metrics import evaluate as evaluate_network
from app.engine.mnist import to_inputs
from app.engine.optim import OPTIMIZERS, SCHEDULES
from app.engine.proxy import SCRIPTED_DRAWINGS, written_by_scripted_writers
from app.engine.train import EpochStats, TrainConfig, train
from app.finetuning import FinetuneOptions, run_finetune
from app.report import write_report
from app.store import JobStore, ModelRegistry, SampleStore, open_store
from app.versions import seed
from app.web import workers as workers_module
from app.web.serving import NoDelayH11Protocol

DEFAULT_MODEL = "default.npz"
APP_FACTORY = "app.web.app:create_app"
GRACEFUL_SECONDS = 30  # on SIGTERM, how long requests in flight may take to finish
BASELINE_MODEL = "baseline.npz"
_D = TrainConfig()  # the CLI's defaults are the config's


def _fail(error: DigitpadError) -> NoReturn:
    raise click.ClickException(str(error))


def _arch(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[int, ...]:
    try:
        return tuple(int(s) for s in value.split(","))
    except ValueError:
        raise click.BadParameter(f"expected sizes like 784,128,64,10, got {value!r}") from None


@click.group()
@click.version_option(__version__, prog_name="digitpad")
def main() -> None:
    """digitpad: draw a digit, watch a NumPy multilayer perceptron read it."""


@main.command("train", context_settings={"show_default": True})
@click.option("--arch", default=",".join(map(str, _D.arch)), callback=_arch, help="Layer sizes.")
@click.option("--activation", type=click.Choice(sorted(ACTIVATIONS)), default=_D.activation)
@click.option("--optimizer", type=click.Choice(OPTIMIZERS), default=_D.optimizer)
@click.option("--lr", type=float, default=_D.lr, help="Peak learning rate.")
@click.option("--batch-size", type=click.IntRange(min=1), default=_D.batch_size)
@click.option("--epochs", type=click.IntRange(min=1), default=_D.epochs)
@click.option("--augment/--no-augment", default=_D.augment)
@click.option(
    "--restroke",
    type=click.FloatRange(0, 1),
    default=_D.augmentation.restroke,
    help="Share of training digits redrawn with a round pen, as the canvas draws.",
)
@click.option(
    "--scripted",
    type=click.IntRange(min=0),
    default=SCRIPTED_DRAWINGS,
    help="Drawings of scripted writers (styles MNIST lacks) added to the training set.",
)
@click.option("--schedule", type=click.Choice(SCHEDULES), default=_D.schedule)
@click.option("--warmup-epochs", type=click.FloatRange(min=0), default=_D.warmup_epochs)
@click.option("--weight-decay", type=click.FloatRange(min=0), default=_D.weight_decay)
@click.option("--dropout", type=click.FloatRange(0, 1, max_open=True), default=_D.dropout)
@click.option("--validation-size", type=click.IntRange(min=0), default=_D.validation_size)
@click.option("--patience", type=click.IntRange(min=1), default=_D.patience)
@click.option("--seed", type=int, default=_D.seed)
@click.option("--mnist-dir", type=click.Path(path_type=Path), default=None)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Where to write the model (.npz, with its .json card). "
    "Default: models/ in the cache folder.",
)
def train_command(
    mnist_dir: Path | None, out: Path | None, restroke: float, scripted: int, **options: Any
) -> None:
    """Train a network on MNIST and write it with its model card."""
    try:
        augmentation = replace(_D.augmentation, restroke=restroke)
        config = TrainConfig(**options, augmentation=augmentation)
        data = load_mnist_from_settings(mnist_dir)
    except DigitpadError as e:
        _fail(e)
    X, y = to_inputs(data.train.images), data.train.labels.astype(np.int64)
    if scripted:
        drawn, labels = written_by_scripted_writers(scripted, seed=config.seed)
        X, y = np.concatenate([X, drawn]), np.concatenate([y, labels])
    click.echo(
        f"training {'-'.join(map(str, config.arch))} {config.activation} on "
        f"{len(X) - config.validation_size} images, validating on {config.validation_size}"
    )
    bar = tqdm(total=0, unit="batch", leave=False)

    def on_batch(b: int, total: int, loss: float) -> None:
        if b == 0:
            bar.reset(total=total)
        bar.update(1)
        if b % 20 == 0:
            bar.set_postfix(loss=f"{loss:.4f}")

    def on_epoch(s: EpochStats) -> None:
        val = "" if s.val_accuracy is None else f"  val {s.val_accuracy:.2%}"
        bar.write(
            f"epoch {s.epoch:3d}/{config.epochs}  loss {s.loss:.4f}  "
            f"train {s.train_accuracy:.2%}{val}  lr {s.lr:.2e}  {s.seconds:.2f} s",
            file=sys.stdout,
        )

    result = train(config, X, y, on_batch=on_batch, on_epoch=on_epoch)
    bar.close()
    test_X = to_inputs(data.test.images)
    test = evaluate_network(result.network, test_X, data.test.labels)
    card = {
        "training": {
            "command": shlex.join(["digitpad", "train", *sys.argv[2:]]),
            "config": config.to_dict(),
            "seed": config.seed,
            "data": {
                "source": "MNIST" + (f" + {scripted} scripted drawings" if scripted else ""),
                "train": len(X) - config.validation_size,
                "validation": config.validation_size,
                "test": test.n,
            },
            "seconds": round(result.seconds, 2),
            "best_epoch": result.best_epoch,
            "history": [vars(s) for s in result.history],
            "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            "software": f"digitpad {__version__}, numpy {np.__version__}, "
            f"python {platform.python_version()}",
        },
        "metrics": {"mnist_test": test.to_dict()},
        "insights": {"mnist_test": insights_on(result.network, test_X, data.test.labels)},
    }
    out = out or get_settings().cache_dir / "models" / f"model-{time.strftime('%Y%m%d-%H%M%S')}.npz"
    written = checkpoint.save(result.network, out, card)
    click.echo(
        f"test accuracy {test.accuracy:.2%} (best epoch {result.best_epoch}, "
        f"{result.seconds:.1f} s); wrote {out} and {checkpoint.card_path(out).name}, "
        f"version {written['version']}"
    )


model_option = click.option(
    "--model",
    "model_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Model .npz (default: the model folder's default.npz).",
)


@main.command("evaluate")
@model_option
@click.option("--mnist-dir", type=click.Path(path_type=Path), default=None)
def evaluate_command(model_path: Path | None, mnist_dir: Path | None) -> None:
    """Print a model's metrics on the MNIST test set as JSON."""
    path = model_path or get_settings().model_dir / DEFAULT_MODEL
    try:
        loaded = checkpoint.load(path)
        data = load_mnist_from_settings(mnist_dir)
    except DigitpadError as e:
        _fail(e)
    test = evaluate_network(loaded.network, to_inputs(data.test.images), data.test.labels)
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
@click.option("--mnist-dir", type=click.Path(path_type=Path), default=None)
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
        _fail(e)
    except OSError as e:
        raise click.ClickException(f"cannot write the report into {out}: {e}") from None
    for note in notes:
        click.echo(f"note: {note}", err=True)
    for written_path in written:
        click.echo(str(written_path))


@main.command("serve", context_settings={"show_default": True})
@click.option("--host", default="127.0.0.1", help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    help="Worker processes, each listening on the port itself (on Linux).",
)
@click.option(
    "--forwarded-allow-ips",
    default="127.0.0.1",
    help="Comma-separated proxy addresses (or *) trusted to set X-Forwarded-For: the "
    "client address that rate limits and logs use.",
)
def serve_command(host: str, port: int, workers: int, forwarded_allow_ips: str) -> None:
    """Serve the drawing page and the API (settings from DIGITPAD_* variables)."""
    try:
        get_settings()  # a bad setting stops here, as one message
    except ValidationError as error:
        raise click.ClickException(str(error)) from None
    options: dict[str, Any] = dict(
        factory=True,
        host=host,
        port=port,
        workers=workers,
        forwarded_allow_ips=forwarded_allow_ips,
        access_log=False,  # the app logs every request itself, as JSON
        http=NoDelayH11Protocol,  # see app/web/serving.py
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
    )
    if workers > 1 and workers_module.CAN_SHARE_PORT:  # see app/web/workers.py
        config = uvicorn.Config(APP_FACTORY, **options)
        try:
            sys.exit(workers_module.serve(config, workers))
        except OSError as error:
            raise click.ClickException(f"cannot listen on {host}:{port}: {error}") from None
    uvicorn.run(APP_FACTORY, **options)


def _open_registry() -> tuple[SampleStore, ModelRegistry]:
    """The store and the model registry, with the shipped model seeded in."""
    settings = get_settings()
    store = open_store(settings.database_url)
    registry = ModelRegistry(store.engine)
    seed(registry, settings.model_dir)
    return store, registry


@main.command("finetune", context_settings={"show_default": True})
@click.option("--epochs", type=click.IntRange(1, 50), default=FinetuneOptions.epochs)
@click.option(
    "--mix",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=FinetuneOptions.mix,
    help="Share of contributed drawings per epoch.",
)
@click.option(
    "--mnist-per-epoch",
    type=click.IntRange(min=100),
    default=FinetuneOptions.mnist_per_epoch,
    help="MNIST images mixed in.",
)
@click.option(
    "--holdout",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=FinetuneOptions.holdout,
    help="Share of contributors held out to judge.",
)
@click.option("--seed", type=int, default=FinetuneOptions.seed)
@click.option("--force", is_flag=True, help="Activate the new version even if not better.")
@click.option("--dry-run", is_flag=True, help="Train and report; record nothing.")
@click.option("--mnist-dir", type=click.Path(path_type=Path), default=None)
@click.option("--job-id", type=int, default=None, hidden=True)
def finetune_command(job_id: int | None, **options: Any) -> None:
    """Fine-tune the active model on the contributed drawings; activate it if better."""
    store, registry = _open_registry()
    jobs = JobStore(store.engine)
    progress = (lambda p: jobs.progress(job_id, p)) if job_id is not None else None
    try:
        summary = run_finetune(
            get_settings(),
            store,
            registry,
            FinetuneOptions(**options),
            command=shlex.join(["digitpad", *sys.argv[1:]]),
            progress=progress,
        )
    except Exception as error:
        if job_id is not None:
            with contextlib.suppress(ValueError):  # the job was taken over as stale: let it be
                jobs.finish(job_id, error=str(error))
        if isinstance(error, DigitpadError):
            _fail(error)
        raise
    finally:
        store.close()
    if job_id is not None:
        jobs.finish(job_id, result=summary)
    click.echo(_finetune_table(summary))


def _finetune_table(summary: dict[str, Any]) -> str:
    def pct(value: float | None) -> str:
        return "-" if value is None else f"{value:.2%}"

    before, after = summary["before"], summary["after"]
    n = summary["samples"]
    return "\n".join(
        [
            f"contributed drawings: {n['total']} ({n['train']} to train on, "
            f"{n['held_out']} held out by contributor)",
            f"{'':24}{'before':>10}{'after':>10}",
            f"{'MNIST test':24}{pct(before['mnist_test']):>10}{pct(after['mnist_test']):>10}",
            f"{'held-out contributions':24}{pct(before['contrib_test']):>10}"
            f"{pct(after['contrib_test']):>10}",
            f"{summary['decision']}: {summary['reason']}",
            f"new version {summary['version'] or '(none recorded)'}; active {summary['active']}",
        ]
    )


@main.group("models")
def models_group() -> None:
    """The model versions in the database."""


@models_group.command("list")
def models_list() -> None:
    """Every version, newest first; * marks the active one."""
    store, registry = _open_registry()
    with contextlib.closing(store):
        for v in registry.list():
            metrics = v.card.get("metrics", {})
            mnist = metrics.get("mnist_test", {}).get("accuracy")
            contrib = (metrics.get("contrib_test") or {}).get("accuracy")
            click.echo(
                f"{'*' if v.active else ' '} {v.version}  {v.created_at:%Y-%m-%d %H:%M}  "
                f"parent {v.parent or '-':20}  MNIST {mnist or 0:.2%}  "
                f"contributions {'-' if contrib is None else f'{contrib:.2%}'}"
            )


@models_group.command("activate")
@click.argument("version")
def models_activate(version: str) -> None:
    """Make VERSION the active one (servers switch within seconds); also a rollback."""
    store, registry = _open_registry()
    with contextlib.closing(store):
        if registry.get(version) is None:
            raise click.ClickException(f"no model version {version!r}; see digitpad models list")
        registry.activate(version)
    click.echo(f"active version: {version}")


if __name__ == "__main__":
    main()
