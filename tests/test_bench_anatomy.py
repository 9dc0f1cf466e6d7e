"""bench/anatomy.py: its table, its cached steps, and a tiny real run through the app."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from app.config import Settings
from app.web.app import create_app
from app.web.routes import predict as route
from bench.anatomy import STEPS, cached, measure, report


def test_the_table_splits_a_prediction_into_its_steps() -> None:
    costs = dict(zip(STEPS, [40, 300, 100], strict=True))
    medians = {"GET /healthz": 110, "POST /predict": 600}
    medians |= {step: 600 - cost for step, cost in costs.items()}
    lines = report(medians)
    assert lines[2:5] == [
        "| GET /healthz | 110 |",
        "| POST /predict | 600 |",
        "|   of which what /healthz costs too | 110 |",
    ]
    assert "|   of which rendering the strokes to 28x28 and their trajectory | 300 |" in lines
    assert lines[-1] == "|   of which the rest | 50 |"  # 600 - 110 - 40 - 300 - 100


def test_a_cached_step_answers_its_first_result_until_the_block_ends() -> None:
    real = route.parse_drawing
    first = b'{"strokes": [[[1, 2], [30, 40]]], "canvas": {"width": 50, "height": 50}}'
    other = b'{"strokes": [[[5, 5], [9, 9]]], "canvas": {"width": 10, "height": 10}}'
    with cached("parse_drawing"):
        assert route.parse_drawing(first) is route.parse_drawing(other)
    assert route.parse_drawing is real
    assert route.parse_drawing(other).canvas.width == 10  # type: ignore[union-attr]


def test_a_tiny_run_measures_every_row(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'bench.db'}",
        rate_limit_predict="off",
        rate_limit_samples="off",
    )
    # In a thread of its own: the browser tests' Playwright keeps an event loop running in
    # this one for the whole session.
    with ThreadPoolExecutor(1) as thread:
        run = thread.submit(asyncio.run, measure(create_app(settings), requests=5, rounds=1))
        medians = run.result()
    assert set(medians) == {"GET /healthz", "POST /predict", *STEPS}
    assert all(value > 0 for value in medians.values())
    assert route.drawing_to_ink.__name__ == "drawing_to_ink"  # restored
