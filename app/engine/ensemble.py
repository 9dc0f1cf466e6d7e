"""Several networks of one shape read together, in one pass.

A model's networks are read together and their softmax outputs averaged. Reading them
one after another costs each network's NumPy calls again, which for one drawing is
most of the time (a 160-256-128-10 network's arithmetic takes a few microseconds, its
calls some 15). An `Ensemble` stacks each layer's weights of all networks, (m, in, out),
and reads them all with one batched matrix product per layer, as NumPy's ``matmul``
does over a leading axis.
"""

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from app.engine.activations import ACTIVATIONS, softmax
from app.engine.errors import InvalidInput, ModelFileError
from app.engine.network import MLP


class Ensemble:
    """Networks of one shape, their layers stacked: ``predict_proba`` averages them."""

    def __init__(self, networks: Sequence[MLP]) -> None:
        check_same_shape(networks)
        first = networks[0]
        self.sizes = first.sizes
        self.count = len(networks)
        self._act = ACTIVATIONS[first.activation]
        # (m, in, out) weights and (m, 1, out) biases, one slice per network.
        self._weights = [
            np.stack([n.weights[l] for n in networks]) for l in range(len(first.weights))
        ]
        self._biases = [
            np.stack([n.biases[l] for n in networks])[:, None, :] for l in range(len(first.biases))
        ]

    def predict_proba(self, X: npt.NDArray[np.floating]) -> npt.NDArray[np.float32]:
        """(n, k) float32: the mean of the networks' softmax outputs for X (n, sizes[0])."""
        return self.read(X)[0]

    def read(
        self, X: npt.NDArray[np.floating]
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
        """For X (n, sizes[0]): the mean of the networks' softmax outputs (n, k) float32,
        and the first network's last hidden layer (n, sizes[-2]) float32 (X itself for a
        network without one), from the same pass."""
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise InvalidInput(f"expected input of shape (n, {self.sizes[0]}), got {X.shape}")
        a = X.astype(self._weights[0].dtype, copy=False)
        hidden = a
        last = len(self._weights) - 1
        for l, (W, b) in enumerate(zip(self._weights, self._biases, strict=True)):
            z = np.matmul(a, W)  # (m, n, out): (n, in) broadcast against each network
            z += b
            a = z if l == last else self._act(z)
            if l == last - 1:
                hidden = a[0]
        p: npt.NDArray[np.float32] = softmax(a)  # (m, n, k)
        mean: npt.NDArray[np.float32] = p[0] if self.count == 1 else p.mean(axis=0)
        return mean, hidden


def check_same_shape(networks: Sequence[MLP]) -> None:
    """ModelFileError unless there is at least one network and all have the first's
    sizes and activation (networks read together must)."""
    if not networks:
        raise ModelFileError("expected at least one network, got none")
    first = networks[0]
    if any(n.sizes != first.sizes or n.activation != first.activation for n in networks):
        raise ModelFileError(
            f"expected networks all {first.sizes} {first.activation}, "
            f"got {[n.sizes for n in networks]}"
        )
