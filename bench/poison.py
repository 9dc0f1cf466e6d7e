"""Poisoned contributions: does moderation flag them, and does fine-tuning stay good?

Half of UNIPEN's test writers (``--writers``) contribute their digits honestly, a
contributor id each, placed on the page's canvas as a person draws there; then
attackers send slightly altered copies of those drawings (bent and moved on the canvas)
with wrong labels, ``--levels`` of all contributions, spread over many contributor ids
(25, or more so that none sends over 40). Every drawing goes through the product's own
path, `services.moderation.contribute`, into a real SQLite store: its status is decided
as it arrives, as the server does. Then ``digitpad finetune``'s run (`run_finetune`, its
defaults) trains a new version, and the other writers are read with it.

Attacks: ``flip`` (every digit labelled as another, one fixed mapping), ``targeted``
(copies of 7s labelled 1), ``random`` (any wrong label), ``camouflaged`` (flips, with a
third of each attacker's drawings honestly labelled to look trustworthy), ``patient``
(three honest labels for every flipped one).

Printed, as a Markdown table: for each attack and level, the share of wrong-labelled
attack drawings flagged (recall), the share of flagged drawings that are attacks
(precision), the share of honest writers' drawings flagged, and the version fine-tuning
trained (whether or not its gate activated it): the other writers' accuracy with it, its
MNIST test accuracy, and the gate's decision; beside the clean run (no attack).

Run:  DIGITPAD_MNIST_DIR=../shared/data/mnist DIGITPAD_UNIPEN_DIR=../shared/data/unipen \\
      .venv/bin/python bench/poison.py [--levels 0.1,0.25,0.4] [--attacks flip,...]
      [--no-finetune] [--writers test|validation]
"""

import argparse
import tempfile
import time
from dataclasses import dataclass

import numpy as np

from app.config import Settings, get_settings
from app.engine.metrics import evaluate, evaluate_probabilities
from app.engine.mnist import to_inputs
from app.engine.proxy import render
from app.engine.reader import Limits, Reader
from app.engine.replay import Distortion, place_on_canvas
from app.engine.trajectory import trajectories
from app.engine.unipen import load_unipen, split_digits
from app.services.datasets import load_mnist_from_settings
from app.services.finetune_run import FinetuneOptions, run_finetune
from app.services.model_versions import load_version, seed
from app.services.moderation import Moderator, contribute, referee
from app.store import ModelRegistry, ModerationStore, NewSample, open_store
from bench.domain import contributing_writers
from bench.finetune_real import as_proxy

ATTACKS = ("flip", "targeted", "random", "camouflaged", "patient")
FLIP = np.array([7, 4, 5, 8, 9, 6, 0, 1, 3, 2])  # no digit to itself
SLIGHT = Distortion(rotation_deg=4.0, shear=0.1, stretch=0.08)
MOST_PER_ATTACKER = 40


@dataclass(frozen=True)
class Contribution:
    strokes: list[list[list[float]]]
    label: int
    contributor: str
    attack: bool  # a wrong label sent by an attacker


def attack(
    kind: str, level: float, honest: list[Contribution], rng: np.random.Generator
) -> list[Contribution]:
    """``level`` of all contributions from attackers: altered copies of honest drawings."""
    count = round(level / (1 - level) * len(honest))
    pool = [c for c in honest if c.label == 7] if kind == "targeted" else honest
    ids = max(25, -(-count // MOST_PER_ATTACKER))
    out = []
    for n, k in enumerate(rng.integers(0, len(pool), count)):
        source = pool[int(k)]
        moved = place_on_canvas([np.array(s) for s in source.strokes], rng, distort=SLIGHT)
        label = {
            "flip": int(FLIP[source.label]),
            "targeted": 1,
            "random": int((source.label + rng.integers(1, 10)) % 10),
            "camouflaged": int(FLIP[source.label]) if n % 3 else source.label,
            "patient": int(FLIP[source.label]) if n % 4 == 3 else source.label,
        }[kind]
        strokes = [s.tolist() for s in moved]
        out.append(Contribution(strokes, label, f"attacker-{n % ids}", label != source.label))
    return out


def run(
    contributions: list[Contribution], settings: Settings, finetune: bool, seed_: int
) -> tuple[np.ndarray, Reader | None, str]:
    """Send every contribution through moderation into a fresh store; (flagged or not,
    per contribution), the version fine-tuning trained (None without) and its decision
    (activated, or kept the previous one)."""
    with tempfile.TemporaryDirectory() as folder:
        settings = settings.model_copy(update={"database_url": f"sqlite:///{folder}/p.db"})
        store = open_store(settings.database_url)
        registry = ModelRegistry(store.engine)
        seed(registry, settings.model_dir)
        moderation, moderator = ModerationStore(store.engine), Moderator(REFEREE, Limits())
        ids = []
        for c in contributions:
            ink = REFEREE.from_strokes(c.strokes, 280, 280, Limits())
            sample = NewSample(
                label=c.label, pixels=np.rint(ink.pixels * 255).astype(np.uint8),
                strokes=c.strokes, canvas_width=280, canvas_height=280, source="bench",
                contributor=c.contributor,
            )  # fmt: skip
            ids.append(contribute(store, moderation, moderator, sample).id)
        flagged_ids = {
            s.id for s in store.iter_all() if s.verdict and s.verdict.status != "accepted"
        }
        flagged = np.array([i in flagged_ids for i in ids])
        after, decision = None, "-"
        if finetune:
            options = FinetuneOptions(mnist_dir=settings.mnist_dir, seed=seed_)
            summary = run_finetune(settings, store, registry, options, command="bench/poison.py")
            after, decision = load_version(registry, summary["version"]), summary["decision"]
        store.close()
    return flagged, after, decision


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--levels", default="0.1,0.25,0.4")
    parser.add_argument("--attacks", default=",".join(ATTACKS))
    parser.add_argument("--writers", default="test", choices=["test", "validation"])
    parser.add_argument("--no-finetune", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    settings = get_settings()
    if settings.unipen_dir is None:
        raise SystemExit("set DIGITPAD_UNIPEN_DIR to the folder of the UNIPEN file")
    digits = split_digits(load_unipen(settings.unipen_dir))[args.writers]
    proxy, _ = as_proxy(digits, np.random.default_rng(args.seed))
    contributing = contributing_writers(proxy.writers, args.seed)
    given = np.array([w in contributing for w in proxy.writers])
    honest = [
        Contribution([s.round(1).tolist() for s in proxy.strokes[i]], int(proxy.labels[i]),
                     f"writer-{proxy.writers[i]}", False)
        for i in np.flatnonzero(given)
    ]  # fmt: skip
    others = np.flatnonzero(~given)
    images = render(proxy)[others]
    paths = trajectories([proxy.strokes[i] for i in others])

    def accuracy(reader: Reader | None) -> str:
        if reader is None:
            return "-"
        p = reader.probabilities(images, paths)
        return f"{evaluate_probabilities(p, proxy.labels[others]).accuracy:.2%}"

    test = load_mnist_from_settings().test
    mnist_X, mnist_y = to_inputs(test.images), test.labels.astype(np.int64)

    def mnist(reader: Reader | None) -> str:
        return "-" if reader is None else f"{evaluate(reader, mnist_X, mnist_y).accuracy:.2%}"

    print(
        f"UNIPEN {args.writers} writers: {len(contributing)} contribute {len(honest):,} "
        f"drawings, {len(np.unique(proxy.writers)) - len(contributing)} others read "
        f"({len(others):,} drawings); the shipped model reads them {accuracy(REFEREE)}, "
        f"MNIST test {mnist(REFEREE)}\n"
    )
    print(
        "| attack | level | attack drawings | flagged (recall) | precision | honest flagged "
        "| fine-tuned version, other writers | its MNIST test | decision | seconds |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
    rng = np.random.default_rng(args.seed)
    cases = [("none", 0.0)] + [
        (kind, float(level)) for kind in args.attacks.split(",") for level in args.levels.split(",")
    ]
    for kind, level in cases:
        started = time.perf_counter()
        bad = attack(kind, level, honest, rng) if level else []
        sent = honest + bad
        flagged, after, decision = run(sent, settings, not args.no_finetune, args.seed)
        is_attack = np.array([c.attack for c in sent])
        is_honest = np.arange(len(sent)) < len(honest)
        recall = f"{flagged[is_attack].mean():.1%}" if is_attack.any() else "-"
        precision = f"{is_attack[flagged].mean():.1%}" if flagged.any() and level else "-"
        print(
            f"| {kind} | {level:.0%} | {is_attack.sum()} | {recall} | {precision} "
            f"| {flagged[is_honest].mean():.1%} | {accuracy(after)} | {mnist(after)} "
            f"| {decision} | {time.perf_counter() - started:.0f} |",
            flush=True,
        )


REFEREE = referee(get_settings())

if __name__ == "__main__":
    main()
