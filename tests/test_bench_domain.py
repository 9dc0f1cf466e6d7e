"""bench/domain.py: the proxy accuracy table, the confusion matrices and the fine-tune loop,
run small on the shipped model."""

from argparse import Namespace
from pathlib import Path

import numpy as np
import pytest

from app.config import PROJECT_ROOT
from app.engine import checkpoint
from app.engine.metrics import evaluate
from app.engine.proxy import render, scripted, traced
from app.engine.reader import Reader
from app.engine.unipen import load_unipen, writer_split
from bench.domain import confusion_text, finetune_loop, loop_text, real_text, real_writers, report

SHIPPED = PROJECT_ROOT / "model" / "default.npz"


def test_confusion_text_is_the_matrix_row_by_row() -> None:
    model = checkpoint.load(SHIPPED)
    proxy = scripted(2, 1, rng=np.random.default_rng(0))
    result = evaluate(model.network, render(proxy), proxy.labels)
    lines = confusion_text(result).splitlines()
    assert lines[0].split() == ["true\\read", *map(str, range(10))]
    rows = [[int(c) for c in line.split()[1:]] for line in lines[1:]]
    assert rows == result.confusion_matrix and sum(map(sum, rows)) == 20


def test_report_prints_each_set_and_its_confusions(
    mnist_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = np.random.default_rng(1)
    images = (rng.random((50, 784)) > 0.8).astype(np.float32)
    mnist = {"mnist": (images, rng.integers(0, 10, 50))}
    sets = {
        "traced": traced(
            np.rint(images.reshape(-1, 28, 28) * 255).astype(np.uint8),
            np.arange(50) % 10,
            rng=rng,
        ),
        "scripted": scripted(8, 2, rng=rng),
    }
    report(SHIPPED, mnist, sets, Namespace(loop=False, mnist_dir=mnist_dir))
    out = capsys.readouterr().out
    for row in ("| MNIST test | 50 |", "| traced proxy | 50 |", "| scripted proxy | 160 |"):
        assert row in out
    assert out.count("confusion, ") == 3
    assert "fine-tune loop" not in out


def test_loop_text_shows_the_gain_in_points() -> None:
    loop = {
        "writers": (4, 5),
        "contributed": 1234,
        "before": 0.9,
        "after": 0.955,
        "mnist_before": 0.99,
        "mnist_after": 0.988,
        "decision": "activated",
        "seconds": 12.3,
    }
    text = loop_text("scripted", loop)
    assert "loop on the scripted proxy: 4 writers contribute 1,234 drawings, 5 other" in text
    assert "| other writers | 90.00% | 95.50% | +5.50 pts |" in text
    assert "| MNIST test | 99.00% | 98.80% | -0.20 pts |" in text
    assert "decision: activated (12 s)" in text


@pytest.mark.slow  # a whole fine-tuning run, about 30 s
def test_the_loop_fine_tunes_on_some_writers_and_reads_the_others(mnist_dir: Path) -> None:
    proxy = scripted(6, 2, rng=np.random.default_rng(2))
    loop = finetune_loop(SHIPPED, proxy, render(proxy), mnist_dir, 0, real_per_epoch=500)
    assert loop["writers"] == (3, 3) and loop["contributed"] == 60
    assert 0 <= loop["before"] <= 1 and 0 <= loop["after"] <= 1
    assert loop["mnist_after"] >= 0.98  # a short fine-tune keeps MNIST
    assert loop["decision"] in ("activated", "kept previous")


@pytest.mark.slow  # replays every test writer's digit, about 3 s
def test_real_writers_are_the_test_writers_read_as_the_page_sends_them(unipen_dir: Path) -> None:
    real = real_writers(unipen_dir)
    everyone = load_unipen(unipen_dir)
    test_writers = writer_split(everyone.writers, everyone.sites)["test"]
    assert set(real.digits.writers.tolist()) == test_writers
    assert real.images.shape == (len(real.digits), 784)
    assert real.suspect.dtype == bool and real.suspect.shape == (len(real.digits),)
    results, details = real_text(Reader(checkpoint.load(SHIPPED)), real)
    whole = results["UNIPEN test writers"]
    assert whole.n == len(real.digits) and 0.9 < whole.accuracy <= 1
    assert results["UNIPEN test writers, suspect labels left out"].n == whole.n - real.suspect.sum()
    worst = details.split("ten writers read worst:\n")[1].splitlines()
    assert len(worst) == 10
    rates = [float(line.split(": ")[1].split("%")[0]) for line in worst]
    assert rates == sorted(rates)  # worst first
