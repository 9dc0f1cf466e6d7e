"""Training speed of digitpad beside scikit-learn and PyTorch, in one run.

All three train the same 784-128-64-10 ReLU network with Adam (lr 1e-3), batch 128,
no augmentation, on the 60,000 MNIST training images for the same number of epochs,
in float32 on the CPU, then report seconds per epoch (the median epoch; scikit-learn's mean, as
it trains in one call) and MNIST test accuracy.
The arithmetic limit is the epoch's nominal work (6 x parameters x images: forward,
backward and weight gradients) divided by the machine's measured large-matmul speed.

Run:  DIGITPAD_MNIST_DIR=../shared/data/mnist .venv/bin/python bench/train_speed.py
(needs `pip install scikit-learn torch==2.13.0`; --skip-sklearn / --skip-torch to omit)
"""

import argparse
import itertools
import os
import platform
import statistics
import time

import numpy as np

from app.engine.metrics import evaluate
from app.engine.mnist import to_inputs
from app.engine.train import TrainConfig, train
from app.services.datasets import load_mnist_from_settings

ARCH = (784, 128, 64, 10)
THREADS = os.cpu_count() or 1


def peak_gflops(n: int = 2048, repeats: int = 5) -> float:
    """The machine's float32 matrix-multiply speed on a large product (GFLOP/s)."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    a @ b
    started = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2 * n**3 * repeats / (time.perf_counter() - started) / 1e9


def run_digitpad(X, y, Xt, yt, epochs: int) -> tuple[float, float]:
    config = TrainConfig(
        arch=ARCH, epochs=epochs, augment=False, validation_size=0, schedule="constant"
    )
    result = train(config, X, y)
    per_epoch = statistics.median(s.seconds for s in result.history)
    return per_epoch, evaluate(result.network, Xt, yt).accuracy


def run_sklearn(X, y, Xt, yt, epochs: int) -> tuple[float, float]:
    """The mean over the epochs: one fit call (partial_fit per epoch adds overhead)."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    model = MLPClassifier(
        hidden_layer_sizes=ARCH[1:-1], solver="adam", learning_rate_init=1e-3,
        batch_size=128, max_iter=epochs, alpha=0.0, tol=0.0, n_iter_no_change=epochs + 1,
        random_state=0,
    )  # fmt: skip
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    per_epoch = (time.perf_counter() - started) / epochs
    return per_epoch, float((model.predict(Xt) == yt).mean())


def run_torch(X, y, Xt, yt, epochs: int) -> tuple[float, float]:
    import torch

    torch.manual_seed(0)
    torch.set_num_threads(THREADS)
    layers: list[torch.nn.Module] = []
    for i, (m, k) in enumerate(itertools.pairwise(ARCH)):
        layers.append(torch.nn.Linear(m, k))
        if i < len(ARCH) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    Xs, ys = torch.from_numpy(X), torch.from_numpy(y)
    seconds = []
    for _ in range(epochs):
        started = time.perf_counter()
        order = torch.randperm(len(Xs))
        for i in range(0, len(Xs), 128):
            batch = order[i : i + 128]
            optimizer.zero_grad()
            loss_fn(model(Xs[batch]), ys[batch]).backward()
            optimizer.step()
        seconds.append(time.perf_counter() - started)
    with torch.no_grad():
        accuracy = float((model(torch.from_numpy(Xt)).argmax(1).numpy() == yt).mean())
    return statistics.median(seconds), accuracy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--skip-sklearn", action="store_true")
    parser.add_argument("--skip-torch", action="store_true")
    args = parser.parse_args()

    data = load_mnist_from_settings()
    X, y = to_inputs(data.train.images), data.train.labels.astype(np.int64)
    Xt, yt = to_inputs(data.test.images), data.test.labels.astype(np.int64)
    n_params = sum(m * k + k for m, k in itertools.pairwise(ARCH))
    gflop = 6 * n_params * len(X) / 1e9
    peak = peak_gflops()

    runs = {"digitpad (NumPy)": run_digitpad}
    if not args.skip_torch:
        runs["PyTorch (CPU)"] = run_torch
    if not args.skip_sklearn:
        runs["scikit-learn MLPClassifier"] = run_sklearn
    results = {name: run(X, y, Xt, yt, args.epochs) for name, run in runs.items()}

    ours = results["digitpad (NumPy)"][0]
    print(
        f"machine: {platform.machine()}, {THREADS} cores, numpy {np.__version__}; "
        f"large float32 matmul {peak:.0f} GFLOP/s"
    )
    print(
        f"network {'-'.join(map(str, ARCH))}, Adam, batch 128, {args.epochs} epochs, "
        f"{len(X)} images; nominal work {gflop:.1f} GFLOP per epoch, "
        f"arithmetic limit {gflop / peak:.3f} s per epoch\n"
    )
    print(
        "| implementation | s / epoch | GFLOP/s | x arithmetic limit | time / digitpad's "
        "| MNIST test accuracy |"
    )
    print("|---|---|---|---|---|---|")
    for name, (per_epoch, accuracy) in results.items():
        print(
            f"| {name} | {per_epoch:.3f} | {gflop / per_epoch:.0f} | "
            f"{per_epoch / (gflop / peak):.2f} | {per_epoch / ours:.2f} | {accuracy:.2%} |"
        )

    limit = ours / (gflop / peak)
    print(f"\ndigitpad: {limit:.2f} x the arithmetic limit (goal <= 3)", end="")
    if "PyTorch (CPU)" in results:
        print(f"; {ours / results['PyTorch (CPU)'][0]:.2f} x PyTorch's time (goal <= 0.8)", end="")
    print()


if __name__ == "__main__":
    main()
