"""Load: how many requests a real server answers, and how fast, as clients pile up.

Starts ``digitpad serve`` on loopback (SQLite in a temporary folder, rate limits off) or
drives ``--url``, and sends each route for a few seconds (after a one-second warm-up) at
concurrency 1, 16 and 64, one route after the other, with wrk: C, HTTP/1.1 keep-alive as
browsers do, one thread, so that the load generator leaves the cores to the server.

- GET /healthz, the reference: the cost of HTTP alone;
- POST /predict, one drawing as strokes (a "7": 3 strokes, 150 points, 280x280 canvas);
- POST /predict/batch, 32 such drawings in one request (runs 3 times as long);
- POST /api/samples, a contribution with its label (each one a new row).

Prints requests/s, p50 and p99 latency, errors (refused or broken connections, timeouts,
statuses of 400 and up), each rate as a multiple of /healthz's at the same concurrency
and, for a server it started, the server's CPU time per request (all its processes, from
/proc: unlike the rates, it hardly moves when other work shares the machine), then the
goals and whether each holds. Needs wrk (Debian: apt-get install wrk).

Run:  .venv/bin/python bench/load.py [--workers 2] [--seconds 5] [--url URL]
"""

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from bench.inference import seven
from tests.server import server_process

BATCH = 32  # drawings in one /predict/batch request
CANVAS = {"width": 280, "height": 280}
ERRORS = ("connect", "read", "write", "status", "timeout")  # wrk's error counts
DELAYED_ACK_MS = 35  # Linux delays an ACK by 40 ms at most: a floor near it is that
# Repeats one request (method, optional JSON body file) on every connection; done() prints
# one line for the bench to parse (times in microseconds).
WRK_SCRIPT = """\
function init(args)
  wrk.method = args[1]
  if args[2] ~= nil then
    local file = assert(io.open(args[2], "rb"))
    wrk.body = file:read("*a")
    file:close()
    wrk.headers["Content-Type"] = "application/json"
  end
  text = wrk.format()
end
function request() return text end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "LOAD requests=%.0f duration_us=%.0f p50_us=%.0f p99_us=%.0f connect=%.0f read=%.0f "
    .. "write=%.0f status=%.0f timeout=%.0f\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


@dataclass(frozen=True)
class Route:
    """One request the bench repeats; ``length`` scales the run's duration."""

    name: str
    method: str
    path: str
    body: dict[str, object] | None
    length: int = 1


@dataclass(frozen=True)
class Run:
    """What wrk measured for one route at one concurrency."""

    route: str
    concurrency: int
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_ms: float | None = None  # the server's CPU time per request, all its processes

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class Goal:
    text: str
    measured: str
    holds: bool


def drawing(rng: np.random.Generator) -> dict[str, object]:
    """A "7" as the page sends it: 3 strokes, 150 points (one decimal) on a 280x280 canvas."""
    strokes = [[[round(x, 1), round(y, 1)] for x, y in stroke] for stroke in seven(rng)]
    return {"strokes": strokes, "canvas": CANVAS}


def routes(rng: np.random.Generator) -> list[Route]:
    """The four routes: /healthz (the reference), /predict, /predict/batch, /api/samples."""
    one = drawing(rng)
    batch = {"items": [drawing(rng) for _ in range(BATCH)]}
    sample = {**drawing(rng), "label": 7, "predicted": 7, "source": "bench"}
    return [
        Route("GET /healthz", "GET", "/healthz", None),
        Route("POST /predict (strokes)", "POST", "/predict", one),
        Route(f"POST /predict/batch ({BATCH})", "POST", "/predict/batch", batch, length=3),
        Route("POST /api/samples", "POST", "/api/samples", sample),
    ]


def parse_wrk(output: str, route: str, concurrency: int) -> Run:
    """The run from wrk's output: the ``LOAD key=value ...`` line the script prints."""
    for line in output.splitlines():
        if line.startswith("LOAD "):
            values = {k: float(v) for k, v in (pair.split("=") for pair in line.split()[1:])}
            return Run(
                route=route,
                concurrency=concurrency,
                requests=int(values["requests"]),
                seconds=values["duration_us"] / 1e6,
                p50_ms=values["p50_us"] / 1000,
                p99_ms=values["p99_us"] / 1000,
                errors=int(sum(values[k] for k in ERRORS)),
            )
    raise RuntimeError(f"wrk printed no LOAD line:\n{output[-2000:]}")


def run_wrk(url: str, route: Route, concurrency: int, seconds: int, folder: Path) -> Run:
    """Send ``route`` from ``concurrency`` connections for ``seconds`` (whole), each
    connection waiting for its answer before sending again."""
    script = folder / "load.lua"
    script.write_text(WRK_SCRIPT)
    args = [route.method]
    if route.body is not None:
        body = folder / f"{route.path.strip('/').replace('/', '-')}.json"
        body.write_text(json.dumps(route.body))
        args.append(str(body))
    command = ["wrk", "-t1", f"-c{concurrency}", f"-d{seconds}s"]
    command += ["--timeout", "10s", "-s", str(script), url.rstrip("/") + route.path, "--", *args]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stderr or result.stdout}")
    return parse_wrk(result.stdout, route.name, concurrency)


def table(runs: Sequence[Run], reference: str) -> list[str]:
    """A Markdown table of the runs, each rate also as a multiple of ``reference``'s."""
    base = {r.concurrency: r.rate for r in runs if r.route == reference}
    lines = [
        "| route | concurrency | requests | requests/s | p50 ms | p99 ms | errors | x /healthz "
        "| server CPU ms / request |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        ratio = f"{r.rate / base[r.concurrency]:.2f}" if base.get(r.concurrency) else "-"
        cpu = "-" if r.cpu_ms is None else f"{r.cpu_ms:.2f}"
        lines.append(
            f"| {r.route} | {r.concurrency} | {r.requests} | {r.rate:.0f} | {r.p50_ms:.1f} "
            f"| {r.p99_ms:.1f} | {r.errors} | {ratio} | {cpu} |"
        )
    return lines


def goals(runs: Sequence[Run], routes: Sequence[Route], *, sqlite: bool) -> list[Goal]:
    """The issue's goals, each with what was measured and whether it holds. A run that got
    no answer at all counts as an error."""
    health, predict, batch, samples = (r.name for r in routes)
    rate = {(r.route, r.concurrency): r.rate for r in runs}
    ratios = [
        rate[predict, c] / rate[health, c]
        for (name, c) in rate
        if name == predict and rate.get((health, c))
    ]
    at16 = [r for r in runs if r.concurrency == 16 and r.route != batch]
    worst16 = max(at16, key=lambda r: r.p99_ms, default=None)
    errors = sum(r.errors for r in runs) + sum(r.requests == 0 for r in runs)
    best_samples = max((r.rate for r in runs if r.route == samples), default=0.0)
    return [
        Goal(
            "/predict (strokes) at least 0.5 x /healthz's rate, at every concurrency",
            f"lowest {min(ratios, default=0):.2f}",
            len(ratios) > 0 and min(ratios) >= 0.5,
        ),
        Goal(
            "p99 under 50 ms at concurrency 16 (every route but the 32-drawing batch)",
            f"highest {worst16.p99_ms:.1f} ms ({worst16.route})" if worst16 else "not run",
            worst16 is not None and worst16.p99_ms < 50,
        ),
        Goal("zero errors", f"{errors}", errors == 0),
        Goal(
            "contributions at least 300/s on SQLite" + ("" if sqlite else " (--url: its database)"),
            f"best {best_samples:.0f}/s",
            best_samples >= 300,
        ),
    ]


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU seconds of process ``pid`` and all its descendants, from /proc
    (None without a pid or where there is no /proc)."""
    stats: dict[int, tuple[int, int]] = {}  # pid -> (parent pid, clock ticks)
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        stats[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    if pid is None or pid not in stats:
        return None
    tree = {pid}
    while grown := {p for p, (parent, _) in stats.items() if parent in tree} - tree:
        tree |= grown
    return sum(stats[p][1] for p in tree) / os.sysconf("SC_CLK_TCK")


def delayed_ack_warning(runs: Sequence[Run], reference: str) -> str | None:
    """A warning when ``reference`` alone, one request at a time, takes 40 ms: the time a
    peer waits before acknowledging a small packet, so answers wait on that, not on work."""
    alone = [r for r in runs if r.route == reference and r.concurrency == 1]
    if not alone or alone[0].p50_ms < DELAYED_ACK_MS:
        return None
    return (
        f"warning: {reference} takes {alone[0].p50_ms:.0f} ms at concurrency 1: answers on "
        "kept-alive connections wait for delayed ACKs (Nagle's algorithm is on; uvicorn "
        "leaves TCP_NODELAY off with --workers > 1), so the rates measure that wait"
    )


@contextmanager
def target(url: str | None, workers: int, folder: Path) -> Iterator[tuple[str, int | None]]:
    """``url`` as given, or a server started for the bench (stopped at the end), with the
    process id of the server started."""
    if url:
        yield url, None
        return
    env = {
        "DIGITPAD_DATABASE_URL": f"sqlite:///{folder / 'load.db'}",
        "DIGITPAD_RATE_LIMIT_PREDICT": "off",
        "DIGITPAD_RATE_LIMIT_SAMPLES": "off",
        "DIGITPAD_CONTRIBUTOR_QUOTA": "off",
        "DIGITPAD_ADDRESS_QUOTA": "off",
    }
    with server_process(env, folder / "server.log", workers=workers, timeout=60) as server:
        yield server.url, server.process.pid


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--url", help="Drive this server instead of starting one.")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="Server worker processes."
    )
    parser.add_argument("--seconds", type=int, default=5, help="Length of each run.")
    parser.add_argument("--warm-up", type=int, default=1, help="Seconds, before each route.")
    parser.add_argument("--concurrency", default="1,16,64", help="Comma-separated levels.")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        parser.error("wrk is missing (Debian: apt-get install wrk)")
    levels = [int(c) for c in args.concurrency.split(",")]
    # A plain kill stops the server we started too (the context managers run on SystemExit).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    chosen = routes(np.random.default_rng(0))
    load_before = os.getloadavg()[0]
    runs = []
    with (
        tempfile.TemporaryDirectory(prefix="digitpad-load-") as tmp,
        target(args.url, args.workers, Path(tmp)) as (url, pid),
    ):
        for route in chosen:
            if args.warm_up > 0:
                run_wrk(url, route, 2, args.warm_up, Path(tmp))
            for c in levels:
                before = cpu_seconds(pid)
                run = run_wrk(url, route, c, args.seconds * route.length, Path(tmp))
                after = cpu_seconds(pid)
                if before is not None and after is not None and run.requests:
                    run = replace(run, cpu_ms=(after - before) * 1000 / run.requests)
                runs.append(run)

    server = args.url or f"digitpad serve --workers {args.workers}, SQLite, rate limits off"
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, load average {load_before:.2f} "
        f"before the run; server: {server}; client: wrk, 1 thread, keep-alive\n"
    )
    print("\n".join(table(runs, chosen[0].name)))
    best_batch = max((r.rate for r in runs if r.route == chosen[2].name), default=0.0)
    print(f"\n/predict/batch: at best {best_batch * BATCH:.0f} drawings/s\n")
    if warning := delayed_ack_warning(runs, chosen[0].name):
        print(f"{warning}\n")
    for goal in goals(runs, chosen, sqlite=args.url is None):
        print(f"- {'holds' if goal.holds else 'MISSED'}: {goal.text}: {goal.measured}")


if __name__ == "__main__":
    main()
