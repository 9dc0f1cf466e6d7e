"""The report's facts about a model: how its networks are named."""

import numpy as np

from app.engine import checkpoint
from app.engine.network import MLP
from app.report.write import _architecture


def test_the_architecture_names_image_and_trajectory_networks() -> None:
    rng = np.random.default_rng(0)
    one = MLP.initialise((784, 8, 10), "relu", rng)
    assert _architecture(checkpoint.unsaved(one)) == "784-8-10"
    paths = checkpoint.PathNetworks(
        tuple(MLP.initialise((160, 4, 10), "relu", rng) for _ in range(3)), 0.3
    )
    both = checkpoint.unsaved((one, one), paths)
    assert _architecture(both) == "2 x 784-8-10 + 3 x 160-4-10 reading the pen's path"
