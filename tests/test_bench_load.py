"""bench/load.py: its parsing of wrk, its table and goals, its request bodies, and a tiny
real run (wrk against a started server; skipped without wrk, failing under CI=true)."""

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest

from app.services.drawing_input import Drawing, SampleIn
from app.web.schemas import BatchRequest
from bench.load import (
    BATCH,
    Run,
    cpu_seconds,
    delayed_ack_warning,
    goals,
    main,
    parse_wrk,
    routes,
    table,
)
from tests.needs import missing

pytestmark = pytest.mark.server  # starts a real server or database

ROUTES = routes(np.random.default_rng(0))
HEALTH, PREDICT, BATCH_ROUTE, SAMPLES = (r.name for r in ROUTES)
WRK_OUTPUT = """\
Running 5s test @ http://127.0.0.1:8000/predict
  1 threads and 16 connections
  2000 requests in 5.00s, 1.20MB read
LOAD requests=2000 duration_us=5000000 p50_us=7500 p99_us=31250 connect=0 read=1 write=0 \
status=2 timeout=3
Requests/sec:    400.00
"""


def run(route: str, concurrency: int, rate: float, p99_ms: float = 10, errors: int = 0) -> Run:
    return Run(route, concurrency, int(rate * 5), 5.0, p99_ms / 2, p99_ms, errors)


def good_runs() -> list[Run]:
    """Runs for which every goal holds."""
    return [
        run(name, c, rate)
        for c in (1, 16, 64)
        for name, rate in ((HEALTH, 1000), (PREDICT, 600), (BATCH_ROUTE, 30), (SAMPLES, 400))
    ]


def test_parses_the_line_the_wrk_script_prints() -> None:
    parsed = parse_wrk(WRK_OUTPUT, PREDICT, 16)
    assert parsed == Run(PREDICT, 16, 2000, 5.0, 7.5, 31.25, errors=6)
    assert parsed.rate == 400


def test_no_line_from_wrk_is_an_error_that_shows_its_output() -> None:
    with pytest.raises(RuntimeError, match="unable to connect"):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n", HEALTH, 1)


def test_the_table_compares_each_rate_with_healthz_at_the_same_concurrency() -> None:
    lines = table([run(HEALTH, 1, 1000), run(PREDICT, 1, 600), run(PREDICT, 16, 500)], HEALTH)
    assert lines[0].startswith("| route | concurrency | requests | requests/s |")
    assert lines[2] == f"| {HEALTH} | 1 | 5000 | 1000 | 5.0 | 10.0 | 0 | 1.00 | - |"
    assert lines[3].endswith("| 0.60 | - |")
    assert lines[4].endswith("| - | - |")  # no /healthz run at 16 to compare with
    with_cpu = table([replace(run(HEALTH, 1, 1000), cpu_ms=0.456)], HEALTH)
    assert with_cpu[2].endswith("| 1.00 | 0.46 |")


def test_every_goal_holds_for_good_runs() -> None:
    results = goals(good_runs(), ROUTES, sqlite=True)
    assert len(results) == 4 and all(goal.holds for goal in results), results


@pytest.mark.parametrize(
    ("change", "missed"),
    [
        (lambda r: run(r.route, r.concurrency, 400) if r.route == PREDICT else r, 0),
        (lambda r: run(r.route, 16, r.rate, p99_ms=60) if r.concurrency == 16 else r, 1),
        (lambda r: run(r.route, r.concurrency, r.rate, errors=1), 2),
        (lambda r: run(r.route, r.concurrency, 0) if r.route == BATCH_ROUTE else r, 2),
        (lambda r: run(r.route, r.concurrency, 299) if r.route == SAMPLES else r, 3),
    ],
    ids=["predict-slow", "p99", "errors", "no-answer", "samples-slow"],
)
def test_each_goal_is_missed_alone(change: Callable[[Run], Run], missed: int) -> None:
    runs = [change(r) for r in good_runs()]
    holds = [goal.holds for goal in goals(runs, ROUTES, sqlite=True)]
    assert holds == [i != missed for i in range(4)]


def test_the_batch_is_not_held_to_the_p99_goal() -> None:
    runs = [
        run(r.route, 16, r.rate, p99_ms=900) if r.route == BATCH_ROUTE else r for r in good_runs()
    ]
    assert goals(runs, ROUTES, sqlite=True)[1].holds


def test_warns_when_healthz_alone_waits_for_delayed_acks() -> None:
    assert delayed_ack_warning(good_runs(), HEALTH) is None
    slow = [Run(HEALTH, 1, 110, 5.0, 44.0, 48.0, 0), *good_runs()[1:]]
    assert "44 ms at concurrency 1" in (delayed_ack_warning(slow, HEALTH) or "")


def test_cpu_time_covers_a_process_and_its_children() -> None:
    child = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        start = cpu_seconds(os.getpid())
        time.sleep(0.5)
        spent = cpu_seconds(os.getpid())
        assert start is not None and spent is not None and spent - start > 0.1
    finally:
        child.kill()
        child.wait()
    assert cpu_seconds(None) is None


def test_the_bodies_are_what_the_api_accepts() -> None:
    bodies = {r.path: r.body for r in ROUTES}
    assert bodies["/healthz"] is None
    one = Drawing.model_validate(bodies["/predict"])
    assert one.strokes is not None and len(one.strokes) == 3
    assert sum(len(stroke) for stroke in one.strokes) == 150
    assert len(BatchRequest.model_validate(bodies["/predict/batch"]).items) == BATCH
    assert SampleIn.model_validate(bodies["/api/samples"]).label == 7


def test_a_tiny_real_run_prints_a_row_per_route(
    capsys: pytest.CaptureFixture[str],
) -> None:
    if shutil.which("wrk") is None:
        message = "wrk is missing (Debian: apt-get install wrk)"
        missing(message)
    main(["--workers", "1", "--seconds", "1", "--warm-up", "0", "--concurrency", "2"])
    out = capsys.readouterr().out
    assert "digitpad serve --workers 1" in out and "cores" in out
    for route in ROUTES:
        assert f"\n| {route.name} | 2 | " in out, out
    assert out.count("- holds: ") + out.count("- MISSED: ") == 4
    assert "- holds: zero errors: 0" in out
