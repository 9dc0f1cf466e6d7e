"""``digitpad moderate``: score every contributed drawing of the database again and print
what moderation decided (the same scoring runs before every fine-tune)."""

import contextlib

import click

from app.cli.group import main
from app.config import get_settings
from app.services.moderation import reasons_of, referee
from app.services.moderation_batch import moderate_all
from app.services.reading import limits
from app.store import ModerationStore, StoreUnavailableError, open_store


@main.command("moderate")
@click.option(
    "--show",
    type=click.IntRange(0, None),
    default=10,
    show_default=True,
    help="Print this many flagged drawings (the newest) with their reasons.",
)
def moderate_command(show: int) -> None:
    """Score every drawing (the shipped model's word, other contributors' drawings, each
    contributor's record) and store each one's status: accepted or flagged for review.
    An admin's decisions stay as they are."""
    settings = get_settings()
    try:
        store = open_store(settings.database_url)
        with contextlib.closing(store):
            moderation = ModerationStore(store.engine)
            done = moderate_all(store, moderation, referee(settings), limits(settings))
            flagged = store.list(status="flagged", limit=show).items if show else []
            why = reasons_of(moderation, flagged)
    except StoreUnavailableError as error:
        raise click.ClickException(str(error)) from None
    counts = ", ".join(f"{n} {status}" for status, n in sorted(done.counts.items()))
    doubted = sum(r < 0.5 for r in done.records.values())
    click.echo(f"scored {len(done.statuses)} drawings: {counts or 'none'}")
    click.echo(f"{len(done.records)} contributors, {doubted} with a record below 50%")
    for sample in flagged:
        click.echo(f"  sample {sample.id} labelled {sample.label}: {'; '.join(why[sample.id])}")
