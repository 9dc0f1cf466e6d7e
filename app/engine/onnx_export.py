"""A model's image networks as an ONNX graph, for reading digits outside digitpad.

The graph computes what `reader.Reader.probabilities` computes for images, built straight
from the weights with the ``onnx`` package's helpers. Its layers are stacked over the
networks as `ensemble.Ensemble` stacks them:

    images (n, 784) float32 in [0, 1]
      -> per layer l: MatMul with W_l (m, in, out), Add b_l (m, 1, out), then Relu or
         Sigmoid on the hidden layers: (m, n, out), one slice per network
      -> Softmax over the digits: (m, n, 10)
      -> ReduceMean over the networks: probabilities (n, 10) float32, rows summing to 1

Left out, and said so in the graph's ``metadata_props``: framing an input as MNIST does
(`preprocess`; the caller passes images already framed), the trajectory networks (they
read the pen's path, which an image has not) and a contributor's own drawings
(`personal`). A model trained with slant correction is refused, since the graph would
read its images differently from digitpad.

``onnx`` is an optional dependency (the ``export`` extra); only the command imports this
module, never the server.
"""

import json
from collections.abc import Sequence

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from app.engine.checkpoint import Checkpoint
from app.engine.ensemble import check_same_shape
from app.engine.errors import ConfigError
from app.engine.network import MLP

OPSET = 17  # ONNX operator set: read by onnxruntime 1.13 (2022) and later
INPUT = "images"
OUTPUT = "probabilities"
HIDDEN_OPS = {"relu": "Relu", "sigmoid": "Sigmoid"}  # a hidden layer's activation -> ONNX op
INPUT_NOTE = (
    "(n, 784) float32 in [0, 1]: 28x28 images in the MNIST convention, rows flattened; "
    "0 = background, 1 = full ink; the ink's bounding box scaled to fit 20x20 keeping its "
    "aspect ratio, anti-aliased, its centre of mass moved to pixel (14, 14)"
)


def to_onnx(model: Checkpoint) -> onnx.ModelProto:
    """The ONNX model of ``model``'s image networks: input ``images`` (n, 784) float32 in
    [0, 1], output ``probabilities`` (n, 10) float32, the mean of the networks' softmax
    outputs; the card's version, data credits and what the graph leaves out in its
    ``metadata_props``.

    Raises ConfigError for a model trained with slant correction (the graph does not
    take the slant out) or whose hidden activation has no ONNX op here, and
    ModelFileError for networks not all of one shape.
    """
    networks = model.networks
    check_same_shape(networks)
    if model.card.preprocessing.deskew:
        raise ConfigError(
            f"model {model.version}: expected images read as they come, got a model trained "
            "with slant correction (card.preprocessing.deskew); the ONNX graph does not "
            "include the slant correction, so it would read differently from digitpad"
        )
    if model.network.activation not in HIDDEN_OPS:
        raise ConfigError(
            f"expected a hidden activation in {sorted(HIDDEN_OPS)}, "
            f"got {model.network.activation!r}"
        )
    nodes, weights, logits = _layers(networks)
    nodes += [
        helper.make_node("Softmax", [logits], ["p"], name="softmax", axis=-1),  # (m, n, k)
        helper.make_node(
            "ReduceMean", ["p"], [OUTPUT], name="mean_over_networks", axes=[0], keepdims=0
        ),
    ]
    sizes = model.network.sizes
    graph = helper.make_graph(
        nodes,
        "digitpad",
        [helper.make_tensor_value_info(INPUT, TensorProto.FLOAT, ["n", sizes[0]])],
        [helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["n", sizes[-1]])],
        initializer=weights,
    )
    onnx_model = helper.make_model_gen_version(
        graph,
        producer_name="digitpad",
        opset_imports=[helper.make_opsetid("", OPSET)],
        doc_string=f"digitpad model {model.version}: the image networks' mean probabilities",
    )
    helper.set_model_props(onnx_model, metadata(model))
    return onnx_model


def _layers(
    networks: Sequence[MLP],
) -> tuple[list[onnx.NodeProto], list[onnx.TensorProto], str]:
    """The nodes of every layer from ``INPUT`` to the logits (m, n, k), their weights
    stacked over the m networks (W_l (m, in, out), b_l (m, 1, out) float32), and the
    logits' name."""
    op = HIDDEN_OPS[networks[0].activation]
    nodes, weights = [], []
    a = INPUT
    last = len(networks[0].weights) - 1
    for l in range(last + 1):
        W = np.stack([n.weights[l] for n in networks]).astype(np.float32, copy=False)
        b = np.stack([n.biases[l] for n in networks])[:, None, :].astype(np.float32, copy=False)
        weights += [numpy_helper.from_array(W, f"W{l}"), numpy_helper.from_array(b, f"b{l}")]
        nodes += [
            helper.make_node("MatMul", [a, f"W{l}"], [f"z{l}.matmul"], name=f"layer{l}.matmul"),
            helper.make_node("Add", [f"z{l}.matmul", f"b{l}"], [f"z{l}"], name=f"layer{l}.add"),
        ]
        a = f"z{l}"
        if l < last:
            nodes.append(helper.make_node(op, [a], [f"a{l}"], name=f"layer{l}.{op.lower()}"))
            a = f"a{l}"
    return nodes, weights, a


def metadata(model: Checkpoint) -> dict[str, str]:
    """The ``metadata_props`` of ``model``'s graph: keys ``digitpad.*``, string values
    (lists as JSON)."""
    card = model.card
    data = card.training.data if card.training else None
    sizes = "-".join(map(str, model.network.sizes))
    left_out = [
        "preprocessing: the caller frames each input as MNIST does (see digitpad.input)",
        "a contributor's own drawings, which digitpad blends in for that person",
    ]
    if model.paths is not None:
        path_sizes = "-".join(map(str, model.paths.networks[0].sizes))
        left_out.insert(
            1,
            f"the {len(model.paths.networks)} trajectory networks ({path_sizes}), which read "
            f"the pen's path of a drawing sent as strokes (an image has none) and join the "
            f"image networks' answer with weight {model.paths.weight}",
        )
    return {
        "digitpad.version": card.version,
        "digitpad.created": card.created,
        "digitpad.weights_sha256": card.weights_sha256,
        **({"digitpad.parent": card.parent} if card.parent else {}),
        "digitpad.credits": json.dumps(list(data.credits) if data else []),
        "digitpad.input": INPUT_NOTE,
        "digitpad.output": (
            "(n, 10) float32: the probabilities of the digits 0..9, the mean of the "
            f"softmax outputs of {len(model.networks)} network(s) {sizes} "
            f"{model.network.activation}"
        ),
        "digitpad.pen_width": (
            f"{card.preprocessing.pen_width}: the width, in pixels of the 28-pixel frame, of "
            "the round pen that drew the strokes the model was trained on"
        ),
        "digitpad.left_out": json.dumps(left_out),
    }
