"""Why the network read a drawing as it did: a saliency map and its most active units.

- Saliency: the gradient of the predicted digit's logit with respect to each input pixel
  (Simonyan, Vedaldi and Zisserman, "Deep inside convolutional networks", 2014), scaled so
  the largest magnitude is 1: positive where more ink would raise the digit's score,
  negative where it would lower it.
- Hidden units: for each hidden layer, the units that fired most for this drawing; for
  the first layer, each unit's incoming weights are a 28x28 picture of what it looks for.
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.engine.network import MLP

Image28 = NDArray[np.float32]  # (28, 28)


@dataclass(frozen=True)
class Unit:
    layer: int  # 0 = the first hidden layer
    unit: int  # index within the layer
    activation: float  # its output for this drawing
    weights: Image28 | None  # first layer only: incoming weights, scaled to [-1, 1]


@dataclass(frozen=True)
class Explanation:
    digit: int
    saliency: Image28  # in [-1, 1]
    layers: list[list[Unit]]  # per hidden layer, the most active units, strongest first


def _scaled(a: NDArray[np.floating]) -> Image28:
    """``a`` divided by its largest magnitude (zeros stay zeros), as float32."""
    peak = float(np.abs(a).max())
    return (a / peak if peak > 0 else a).astype(np.float32)


def explain(network: MLP, image: Image28, *, top_k: int = 8) -> Explanation:
    """Explain the network's reading of one (28, 28) image in [0, 1] (1 = ink)."""
    x = image.reshape(1, -1)
    digit = int(network.logits(x)[0].argmax())
    saliency = _scaled(network.input_gradients(x, np.array([digit]))[0]).reshape(28, 28)
    layers = []
    for l, outputs in enumerate(network.hidden_activations(x)):
        strongest = np.argsort(outputs[0])[::-1][:top_k]
        layers.append(
            [
                Unit(
                    layer=l,
                    unit=int(u),
                    activation=float(outputs[0, u]),
                    weights=_scaled(network.weights[0][:, u]).reshape(28, 28) if l == 0 else None,
                )
                for u in strongest
            ]
        )
    return Explanation(digit=digit, saliency=saliency, layers=layers)
