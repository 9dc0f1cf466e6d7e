"""Optimisers and the learning-rate schedule.

In the manner of scikit-learn's ``_stochastic_optimizers.py``: a small base class that
holds the parameter arrays and updates them in place, and one subclass per rule filling
in ``_update``. The learning rate is passed to every ``step`` so that a schedule can
change it.

References: D. Kingma and J. Ba, "Adam: a method for stochastic optimization" (2015);
I. Sutskever et al., "On the importance of initialization and momentum" (2013);
I. Loshchilov and F. Hutter, "SGDR: stochastic gradient descent with warm restarts"
(2017) for the cosine schedule.
"""

import math

import numpy as np
from numpy.typing import NDArray

from app.engine.errors import ConfigError

Array = NDArray[np.floating]


class Optimizer:
    """Updates ``params`` in place from gradients of the same shapes, in the same order."""

    def __init__(self, params: list[Array]) -> None:
        self.params = params

    def step(self, grads: list[Array], lr: float) -> None:
        """Apply one update with learning rate ``lr``."""
        if len(grads) != len(self.params):
            raise ConfigError(f"expected {len(self.params)} gradients, got {len(grads)}")
        for i, (param, grad) in enumerate(zip(self.params, grads, strict=True)):
            self._update(i, param, grad, lr)

    def _update(self, i: int, param: Array, grad: Array, lr: float) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent with momentum: v = mu v - lr g; param += v."""

    def __init__(self, params: list[Array], momentum: float = 0.9) -> None:
        super().__init__(params)
        if not 0 <= momentum < 1:
            raise ConfigError(f"expected momentum in [0, 1), got {momentum}")
        self.momentum = momentum
        self.velocities = [np.zeros_like(p) for p in params]

    def _update(self, i: int, param: Array, grad: Array, lr: float) -> None:
        v = self.velocities[i]
        v *= self.momentum
        v -= lr * grad
        param += v


class Adam(Optimizer):
    """Adam: running means of the gradient (m) and of its square (v), bias-corrected."""

    def __init__(
        self,
        params: list[Array],
        beta1: float = 0.9,
        beta2: float = 0.999,
        epsilon: float = 1e-8,
    ) -> None:
        super().__init__(params)
        if not (0 <= beta1 < 1 and 0 <= beta2 < 1):
            raise ConfigError(f"expected betas in [0, 1), got {beta1} and {beta2}")
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.scratch = [np.empty_like(p) for p in params]
        self.t = 0

    def step(self, grads: list[Array], lr: float) -> None:
        self.t += 1
        super().step(grads, lr)

    def _update(self, i: int, param: Array, grad: Array, lr: float) -> None:
        # In place, through one scratch buffer per parameter: on a network this small,
        # allocating temporaries would cost a third of the training time.
        m, v, buf = self.m[i], self.v[i], self.scratch[i]
        m *= self.beta1
        np.multiply(grad, 1 - self.beta1, out=buf)
        m += buf  # m = beta1 m + (1 - beta1) g
        v *= self.beta2
        np.multiply(grad, grad, out=buf)
        buf *= 1 - self.beta2
        v += buf  # v = beta2 v + (1 - beta2) g^2
        # Bias corrections folded into the step size (Kingma & Ba, end of section 2).
        lr_t = lr * math.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t)
        np.sqrt(v, out=buf)
        buf += self.epsilon
        np.divide(m, buf, out=buf)
        buf *= lr_t
        param -= buf  # param -= lr_t m / (sqrt(v) + epsilon)


OPTIMIZERS = ("adam", "sgd")
SCHEDULES = ("cosine", "constant")


def learning_rate(
    step: int, total_steps: int, base_lr: float, *, schedule: str, warmup_steps: int = 0
) -> float:
    """The learning rate at ``step`` (0-based) of ``total_steps``.

    1. During the first ``warmup_steps``, rise linearly from base_lr / warmup_steps.
    2. Then ``constant`` keeps base_lr, and ``cosine`` decays from base_lr to 0 along
       half a cosine over the remaining steps.
    """
    if schedule not in SCHEDULES:
        raise ConfigError(f"expected schedule in {SCHEDULES}, got {schedule!r}")
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    if schedule == "constant":
        return base_lr
    progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
    return base_lr * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))
