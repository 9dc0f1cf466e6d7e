"""``digitpad finetune`` and ``digitpad models``: new versions from contributed drawings,
the versions listed, one made active."""

import contextlib
import shlex
import sys
from typing import Any

import click

from app.cli.group import fail, main, mnist_dir_option, open_registry
from app.config import get_settings
from app.engine.card import ModelCard
from app.engine.errors import DigitpadError
from app.services.finetune_run import FinetuneOptions, run_finetune
from app.store import JobStore


@main.command("finetune", context_settings={"show_default": True})
@click.option("--epochs", type=click.IntRange(1, 50), default=FinetuneOptions.epochs)
@click.option(
    "--lr",
    type=click.FloatRange(0, min_open=True),
    default=FinetuneOptions.lr,
    help="Peak learning rate.",
)
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
    "--real-per-epoch",
    type=click.IntRange(min=0),
    default=FinetuneOptions.real_per_epoch,
    help="UNIPEN training writers' drawings mixed in (when DIGITPAD_UNIPEN_DIR is set).",
)
@click.option(
    "--holdout",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=FinetuneOptions.holdout,
    help="Share of contributors held out to judge.",
)
@click.option("--seed", type=int, default=FinetuneOptions.seed)
@click.option("--force", is_flag=True, help="Activate the new version whatever the gate says.")
@click.option("--dry-run", is_flag=True, help="Train and report; record nothing.")
@mnist_dir_option
@click.option("--job-id", type=int, default=None, hidden=True)
def finetune_command(job_id: int | None, **options: Any) -> None:
    """Fine-tune the active model on the contributed drawings; activate it if better."""
    store, registry = open_registry()
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
            fail(error)
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
    store, registry = open_registry()
    with contextlib.closing(store):
        for v in registry.list():
            metrics = ModelCard.from_dict(v.card, source=f"version {v.version}").metrics
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
    store, registry = open_registry()
    with contextlib.closing(store):
        if registry.get(version) is None:
            raise click.ClickException(f"no model version {version!r}; see digitpad models list")
        registry.activate(version)
    click.echo(f"active version: {version}")
