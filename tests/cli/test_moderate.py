"""``digitpad moderate``, driven in-process, on SQLite and PostgreSQL."""

import numpy as np

from app.engine.preprocess import strokes_to_pixels
from app.store import ModerationStore, NewSample, SampleStore
from tests.cli.conftest import UseDatabase, run
from tests.shapes import DIGITS, strokes


def drawing(shape: int, label: int, contributor: str) -> NewSample:
    drawn = strokes(DIGITS[shape], np.random.default_rng(shape))
    pixels = np.rint(strokes_to_pixels(drawn, 280, 280) * 255).astype(np.uint8)
    return NewSample(label=label, pixels=pixels, strokes=drawn, canvas_width=280,
                     canvas_height=280, contributor=contributor)  # fmt: skip


def test_moderate_scores_every_drawing_and_shows_the_flagged(
    store: SampleStore, database_url: str, use: UseDatabase
) -> None:
    use(database_url)
    for person in ("a", "b"):
        store.add_many([drawing(d, d, person) for d in range(10)])
    wrong = store.add(drawing(3, 8, "bot")).id
    result = run("moderate", "--show", "5")
    assert result.exit_code == 0, result.output
    assert "scored 21 drawings: 20 accepted, 1 flagged" in result.output
    assert "3 contributors, 0 with a record below 50%" in result.output  # one drawing: 67%
    assert f"sample {wrong} labelled 8: the model reads 3" in result.output
    assert ModerationStore(store.engine).unscored() == 0


def test_moderate_says_so_when_the_database_cannot_be_reached(use: UseDatabase) -> None:
    use("postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    result = run("moderate")
    assert result.exit_code == 1 and "Error:" in result.output
