"""Wider and deeper MLPs: accuracy against speed, each trained with the shipped recipe.

For each architecture, trains a network with `digitpad train`'s defaults (the shipped
model's recipe: MNIST plus the scripted writers' drawings, augmentation with restroke,
schedule, epochs) and only the layer sizes changed, then prints one table row:
parameters, training time, MNIST test accuracy, traced proxy accuracy (MNIST test
digits thinned and traced back into pen strokes, see bench/domain.py), and the latency
of one drawing end to end (strokes -> 28x28 -> probabilities, median and p99 over
``--repeats`` calls) and of the forward pass alone.

Run:  DIGITPAD_MNIST_DIR=../shared/data/mnist .venv/bin/python bench/architectures.py \
          [--arch 784,128,64,10 --arch 784,512,256,10 ...] [--epochs 40]
"""

import argparse
import platform
import statistics
import time
from dataclasses import replace

import numpy as np

from app.engine.metrics import evaluate
from app.engine.mnist import to_inputs
from app.engine.preprocess import strokes_to_pixels
from app.engine.proxy import SCRIPTED_DRAWINGS, render, traced, written_by_scripted_writers
from app.engine.train import TrainConfig, train
from app.services.datasets import load_mnist_from_settings
from bench.inference import seven, timed

ARCHITECTURES = [
    (784, 128, 64, 10),  # the shipped size
    (784, 256, 128, 10),
    (784, 512, 256, 10),
    (784, 800, 10),  # Simard et al. (2003): one hidden layer of 800 on distorted digits
    (784, 1024, 512, 10),
]


def parse_arch(text: str) -> tuple[int, ...]:
    return tuple(int(size) for size in text.split(","))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--arch", type=parse_arch, action="append", help="e.g. 784,256,10")
    parser.add_argument("--epochs", type=int, default=TrainConfig().epochs)
    parser.add_argument("--repeats", type=int, default=1000)
    args = parser.parse_args()

    data = load_mnist_from_settings(None)
    drawn, labels = written_by_scripted_writers(SCRIPTED_DRAWINGS, seed=TrainConfig().seed)
    X = np.concatenate([to_inputs(data.train.images), drawn])
    y = np.concatenate([data.train.labels.astype(np.int64), labels])
    test_X, test_y = to_inputs(data.test.images), data.test.labels.astype(np.int64)
    proxy = traced(data.test.images, data.test.labels, rng=np.random.default_rng(0))
    proxy_X = render(proxy)
    drawing = seven(np.random.default_rng(0))
    print(f"{platform.machine()}, {platform.python_version()}, {args.epochs} epochs each")
    print(
        "\n| layers | parameters | training | MNIST test | traced proxy "
        "| one drawing (median / p99) | forward pass |"
        "\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    )
    for arch in args.arch or ARCHITECTURES:
        config = replace(TrainConfig(), arch=arch, epochs=args.epochs)
        started = time.perf_counter()
        network = train(config, X, y).network
        seconds = time.perf_counter() - started
        mnist = evaluate(network, test_X, test_y).accuracy
        on_proxy = evaluate(network, proxy_X, proxy.labels).accuracy
        one = timed(
            lambda n=network: n.predict_proba(strokes_to_pixels(drawing, 280, 280).reshape(1, -1)),
            args.repeats,
        )
        forward = timed(lambda n=network: n.predict_proba(test_X[:1]), args.repeats)
        print(
            f"| {'-'.join(map(str, arch))} | {network.n_parameters:,} | {seconds:.0f} s "
            f"| {mnist:.2%} | {on_proxy:.2%} | {statistics.median(one):.3f} / "
            f"{np.percentile(one, 99):.3f} ms | {statistics.median(forward) * 1000:.0f} µs |",
            flush=True,
        )


if __name__ == "__main__":
    main()
