"""Activation functions, their derivatives, softmax and the cross-entropy loss.

Lookup tables in the manner of scikit-learn's ``neural_network/_base.py``: the network
stores an activation by name and finds the function here. Every function works on
float arrays of any shape and keeps their dtype.
"""

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating]


def relu(z: Array) -> Array:
    """max(0, z), computed in place: ``z`` is overwritten and returned."""
    return np.maximum(z, 0, out=z)


def sigmoid(z: Array) -> Array:
    """1 / (1 + exp(-z)), computed in place as (1 + tanh(z / 2)) / 2 (no overflow)."""
    z *= 0.5
    np.tanh(z, out=z)
    z += 1
    z *= 0.5
    return z


def relu_derivative(a: Array) -> Array:
    """relu'(z) written in terms of the output a = relu(z): 1 where a > 0, else 0."""
    return (a > 0).astype(a.dtype)


def sigmoid_derivative(a: Array) -> Array:
    """sigmoid'(z) written in terms of the output a = sigmoid(z): a (1 - a)."""
    return a * (1 - a)


ACTIVATIONS: dict[str, Callable[[Array], Array]] = {"relu": relu, "sigmoid": sigmoid}
DERIVATIVES: dict[str, Callable[[Array], Array]] = {
    "relu": relu_derivative,
    "sigmoid": sigmoid_derivative,
}


def softmax(logits: Array) -> Array:
    """Softmax over the last axis of ``logits`` (..., k) → probabilities (..., k), each
    row summing to 1.

    Computed in place (``logits`` is overwritten); the row maximum is subtracted first
    so that exp never overflows.
    """
    logits -= logits.max(axis=-1, keepdims=True)
    np.exp(logits, out=logits)
    logits /= logits.sum(axis=-1, keepdims=True)
    return logits


def cross_entropy(probabilities: Array, labels: NDArray[np.integer]) -> float:
    """Mean of -log p[i, labels[i]] over the rows: probabilities (n, k), labels (n,) ints."""
    n = labels.shape[0]
    picked = probabilities[np.arange(n), labels]
    # The floor keeps log finite when a probability underflows to 0.
    return float(-np.log(np.maximum(picked, 1e-12)).mean())
