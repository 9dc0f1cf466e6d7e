"""A fully connected network (multilayer perceptron) in NumPy, trained by backpropagation.

Layers are ``sizes = (784, 256, 128, 10)``: an input of 784 pixels, hidden layers with
the same activation (ReLU or sigmoid), and a softmax output read with cross-entropy.
``sizes = (784, 10)`` is the linear softmax-regression baseline, behind the same
interface. The maths follows Nielsen's *Neural Networks and Deep Learning*, chapter 2,
with rows as examples: a mini-batch is a matrix X of shape (n, 784) and layer l computes
``z = a @ W[l] + b[l]``, ``a = activation(z)``.

References: M. Nielsen, http://neuralnetworksanddeeplearning.com/chap2.html;
N. Srivastava et al., "Dropout", JMLR 15 (2014) for the inverted dropout used here.
"""

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.engine.activations import ACTIVATIONS, DERIVATIVES, cross_entropy, softmax
from app.engine.errors import ConfigError, InvalidInput

Array = NDArray[np.floating]
Labels = NDArray[np.integer]


@dataclass
class Gradients:
    """The loss of a mini-batch and its gradient for every weight and bias."""

    loss: float
    weights: list[Array]  # same shapes as MLP.weights
    biases: list[Array]  # same shapes as MLP.biases
    probabilities: Array  # (n, k): the forward pass's output, for training accuracy

    def parameters(self) -> list[Array]:
        """The gradients in the order of MLP.parameters(): W0, b0, W1, b1, ..."""
        return [g for pair in zip(self.weights, self.biases, strict=True) for g in pair]


class MLP:
    """A multilayer perceptron with ``weights[l]`` (sizes[l], sizes[l+1]) and ``biases[l]``."""

    def __init__(self, weights: list[Array], biases: list[Array], activation: str) -> None:
        if activation not in ACTIVATIONS:
            raise ConfigError(f"expected activation in {sorted(ACTIVATIONS)}, got {activation!r}")
        if not weights or len(weights) != len(biases):
            raise ConfigError(
                f"expected as many bias vectors as weight matrices (at least one), "
                f"got {len(weights)} weights and {len(biases)} biases"
            )
        for l, (W, b) in enumerate(zip(weights, biases, strict=True)):
            if W.ndim != 2 or b.shape != (W.shape[1],):
                raise ConfigError(
                    f"layer {l}: expected W (m, k) and b (k,), got W {W.shape} and b {b.shape}"
                )
            if l > 0 and W.shape[0] != weights[l - 1].shape[1]:
                raise ConfigError(
                    f"layer {l}: expected {weights[l - 1].shape[1]} inputs, got {W.shape[0]}"
                )
        self.weights = weights
        self.biases = biases
        self.activation = activation

    @classmethod
    def initialise(cls, sizes: tuple[int, ...], activation: str, rng: np.random.Generator) -> "MLP":
        """Random float32 weights for ``sizes``: He initialisation for ReLU, Glorot for
        sigmoid (normal, zero mean); biases start at zero."""
        if len(sizes) < 2 or any(s < 1 for s in sizes):
            raise ConfigError(f"expected at least two layer sizes, all >= 1, got {sizes}")
        if activation not in ACTIVATIONS:
            raise ConfigError(f"expected activation in {sorted(ACTIVATIONS)}, got {activation!r}")
        weights, biases = [], []
        for m, k in itertools.pairwise(sizes):
            std = np.sqrt(2.0 / m) if activation == "relu" else np.sqrt(2.0 / (m + k))
            weights.append((rng.standard_normal((m, k)) * std).astype(np.float32))
            biases.append(np.zeros(k, dtype=np.float32))
        return cls(weights, biases, activation)

    @property
    def sizes(self) -> tuple[int, ...]:
        """Layer widths, input first: (784, 256, 128, 10) for the default network."""
        return (self.weights[0].shape[0], *(W.shape[1] for W in self.weights))

    @property
    def n_parameters(self) -> int:
        """Number of weights and biases."""
        return sum(W.size + b.size for W, b in zip(self.weights, self.biases, strict=True))

    def parameters(self) -> list[Array]:
        """Every array the optimiser updates, in a fixed order: W0, b0, W1, b1, ..."""
        return [p for W, b in zip(self.weights, self.biases, strict=True) for p in (W, b)]

    def __repr__(self) -> str:
        sizes = "-".join(map(str, self.sizes))
        return f"MLP({sizes}, {self.activation}, {self.n_parameters:,} parameters)"

    def _check_input(self, X: Array) -> None:
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise InvalidInput(f"expected input of shape (n, {self.sizes[0]}), got {X.shape}")

    def hidden_activations(self, X: Array) -> list[Array]:
        """The output of every hidden layer for inputs X (n, sizes[0]): [(n, sizes[1]), ...]."""
        self._check_input(X)
        a = X.astype(self.weights[0].dtype, copy=False)
        act = ACTIVATIONS[self.activation]
        outputs = []
        for W, b in zip(self.weights[:-1], self.biases[:-1], strict=True):
            a = act(a @ W + b)
            outputs.append(a)
        return outputs

    def logits(self, X: Array) -> Array:
        """The output layer's inputs to softmax (n, k) for inputs X (n, sizes[0])."""
        hidden = self.hidden_activations(X)
        a = hidden[-1] if hidden else X.astype(self.weights[0].dtype, copy=False)
        out: Array = a @ self.weights[-1] + self.biases[-1]
        return out

    def predict_proba(self, X: Array) -> Array:
        """Class probabilities (n, k) for inputs X (n, sizes[0]); rows sum to 1."""
        return softmax(self.logits(X))

    def input_gradients(self, X: Array, classes: Labels) -> Array:
        """d logit[i, classes[i]] / d X[i] for each row: (n, sizes[0]), a saliency map.

        Backpropagation as in ``gradients``, started from the chosen logit instead of the
        loss, and carried down to the input.
        """
        slopes = [DERIVATIVES[self.activation](a) for a in self.hidden_activations(X)]
        delta = np.zeros((X.shape[0], self.sizes[-1]), dtype=self.weights[0].dtype)
        delta[np.arange(X.shape[0]), classes] = 1
        for l in range(len(self.weights) - 1, -1, -1):
            delta = delta @ self.weights[l].T
            if l > 0:
                delta *= slopes[l - 1]
        return delta

    def gradients(
        self,
        X: Array,
        y: Labels,
        *,
        weight_decay: float = 0.0,
        dropout: float = 0.0,
        rng: np.random.Generator | None = None,
    ) -> Gradients:
        """Backpropagation on a mini-batch X (n, sizes[0]) with integer labels y (n,).

        The loss is the mean cross-entropy plus ``weight_decay / 2 * sum(W**2)`` over the
        weight matrices (not the biases). With ``dropout`` p > 0, each hidden unit is
        zeroed with probability p and the survivors scaled by 1 / (1 - p) (``rng`` draws
        the masks), so that prediction needs no rescaling.
        """
        self._check_input(X)
        act, act_derivative = ACTIVATIONS[self.activation], DERIVATIVES[self.activation]
        dtype = self.weights[0].dtype
        n = X.shape[0]

        # Forward pass. inputs[l] is what layer l reads; slopes[l] = f'(z) of hidden
        # layer l times its dropout mask, which is all the backward pass needs of it.
        inputs = [X.astype(dtype, copy=False)]
        slopes = []
        for W, b in zip(self.weights[:-1], self.biases[:-1], strict=True):
            a = act(inputs[-1] @ W + b)
            slope = act_derivative(a)
            if dropout > 0:
                mask = _dropout_mask(a.shape, dropout, rng, dtype)
                a *= mask
                slope *= mask
            inputs.append(a)
            slopes.append(slope)
        probabilities = softmax(inputs[-1] @ self.weights[-1] + self.biases[-1])

        loss = cross_entropy(probabilities, y)
        if weight_decay:
            loss += 0.5 * weight_decay * sum(float(np.sum(W * W)) for W in self.weights)

        # Backward pass. delta = dLoss/dz for the current layer; for softmax with
        # cross-entropy it is (p - onehot(y)) / n at the output.
        delta = probabilities.copy()
        delta[np.arange(n), y] -= 1
        delta /= n
        nabla_w: list[Array] = [np.empty(0)] * len(self.weights)
        nabla_b: list[Array] = [np.empty(0)] * len(self.weights)
        for l in range(len(self.weights) - 1, -1, -1):
            nabla_w[l] = inputs[l].T @ delta
            nabla_b[l] = delta.sum(axis=0)
            if weight_decay:
                nabla_w[l] += weight_decay * self.weights[l]
            if l > 0:  # the input layer needs no delta
                delta = delta @ self.weights[l].T
                delta *= slopes[l - 1]
        return Gradients(loss, nabla_w, nabla_b, probabilities)


def _dropout_mask(
    shape: tuple[int, ...], p: float, rng: np.random.Generator | None, dtype: np.dtype
) -> Array:
    """Inverted dropout: 0 with probability p, else 1 / (1 - p)."""
    if rng is None:
        raise ConfigError("dropout needs a random generator, got rng=None")
    mask: Array = (rng.random(shape, dtype=np.float32) >= p).astype(dtype)
    mask /= 1 - p
    return mask
