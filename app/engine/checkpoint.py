"""Saving and loading a model: weights in ``.npz``, a JSON model card beside it.

A model is one network or several of the same shape read together (an ensemble, see
`reader.Reader`), and optionally networks that read the pen's trajectory (`PathNetworks`).
``to_bytes`` / ``from_bytes`` do the same for weights kept elsewhere (in the database).

``NAME.npz`` holds arrays ``n0.W0, n0.b0, n0.W1, ...`` (float32; ``nK.`` numbers the
network, ``tK.`` a trajectory network; files of format ``digitpad-mlp/1`` hold one
network as ``W0, b0, ...``) and is
read with ``allow_pickle=False``, so a model file cannot run code. ``NAME.json`` is the model card:
architecture, activation, version id, date, training data and command, metrics. Both are
written atomically (a temporary file, then a rename), and loading refuses a file whose
arrays do not match its card or whose content hash differs from the card's.
"""

import hashlib
import json
import zipfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import numpy as np

from app.engine.card import (
    FORMAT,
    FORMAT_ONE_NETWORK,
    SCHEMA,
    ModelCard,
    PathArchitecture,
    Preprocessing,
)
from app.engine.ensemble import check_same_shape
from app.engine.errors import ModelFileError
from app.engine.files import write_bytes_atomic
from app.engine.network import MLP

Networks = MLP | tuple[MLP, ...]
DEFAULT_PREPROCESSING = Preprocessing()


@dataclass(frozen=True)
class PathNetworks:
    """Networks that read the pen's trajectory, all of one shape, and their vote's weight."""

    networks: tuple[MLP, ...]
    weight: float  # in [0, 1]: see `reader.combine`


@dataclass
class Checkpoint:
    """A loaded model (one network or several) and its model card."""

    networks: tuple[MLP, ...]
    card: ModelCard
    paths: PathNetworks | None = None

    @property
    def network(self) -> MLP:
        """The first network (the only one, unless the model is an ensemble)."""
        return self.networks[0]

    @property
    def version(self) -> str:
        """The card's version id."""
        return self.card.version


def as_tuple(networks: Networks) -> tuple[MLP, ...]:
    """One network or several, as a tuple."""
    return (networks,) if isinstance(networks, MLP) else tuple(networks)


def weights_digest(networks: Networks, paths: PathNetworks | None = None) -> str:
    """SHA-256 over each network's layer sizes and every parameter's bytes, in order, the
    trajectory networks last (for one network, the same digest as format 1's)."""
    h = hashlib.sha256()
    for network in as_tuple(networks) + (paths.networks if paths else ()):
        h.update(repr(network.sizes).encode())
        for p in network.parameters():
            h.update(np.ascontiguousarray(p, dtype=np.float32).tobytes())
    return h.hexdigest()


def card_path(path: Path) -> Path:
    """The model card that goes with the weights at ``path`` (same name, ``.json``)."""
    return path.with_suffix(".json")


def to_bytes(
    networks: Networks, draft: dict[str, Any], paths: PathNetworks | None = None
) -> tuple[bytes, ModelCard]:
    """The .npz bytes of ``networks`` (all of the first one's shape), of the trajectory
    networks ``paths`` if any, and their card.

    The card is ``draft`` (JSON fields of `ModelCard`: training, metrics, insights,
    parent, finetune, preprocessing) plus the fields the loader checks: format, architecture (sizes,
    activation, number of networks, the trajectory networks'), parameter count, digest, a
    version id and the date (kept if given).
    """
    members = as_tuple(networks)
    network = members[0]
    check_same_shape(members)
    path_members = paths.networks if paths else ()
    if paths:
        check_same_shape(path_members)
    digest = weights_digest(members, paths)
    created = draft.get("created") or datetime.now(UTC).isoformat(timespec="seconds")
    full = {
        **draft,
        "schema": SCHEMA,
        "format": FORMAT,
        "version": draft.get("version") or f"{created[:10].replace('-', '')}-{digest[:10]}",
        "created": created,
        "architecture": {
            "sizes": list(network.sizes),
            "activation": network.activation,
            "networks": len(members),
            **(
                {
                    "trajectory": {
                        "sizes": list(path_members[0].sizes),
                        "activation": path_members[0].activation,
                        "networks": len(path_members),
                        "weight": paths.weight,
                    }
                }
                if paths
                else {}
            ),
        },
        "parameters": sum(m.n_parameters for m in members + path_members),
        "weights_sha256": digest,
    }
    arrays = {}
    for prefix, group in (("n", members), ("t", path_members)):
        for k, member in enumerate(group):
            for l, (W, b) in enumerate(zip(member.weights, member.biases, strict=True)):
                arrays[f"{prefix}{k}.W{l}"] = W.astype(np.float32)
                arrays[f"{prefix}{k}.b{l}"] = b.astype(np.float32)
    buffer = BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]
    return buffer.getvalue(), ModelCard.from_dict(full, source="a new card")


def unsaved(
    networks: Networks,
    paths: PathNetworks | None = None,
    preprocessing: Preprocessing = DEFAULT_PREPROCESSING,
) -> Checkpoint:
    """Networks just trained (on inputs made by ``preprocessing``), as a checkpoint with a
    card of their own (not written)."""
    _, card = to_bytes(networks, {"preprocessing": asdict(preprocessing)}, paths)
    return Checkpoint(as_tuple(networks), card, paths)


def save(
    networks: Networks, path: Path, draft: dict[str, Any], paths: PathNetworks | None = None
) -> ModelCard:
    """Write ``path`` (.npz) and its card beside it; return the card as written."""
    weights, card = to_bytes(networks, draft, paths)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(path, weights)
    write_bytes_atomic(card_path(path), (json.dumps(card.to_dict(), indent=2) + "\n").encode())
    return card


def load(path: Path) -> Checkpoint:
    """Read a network and its card from files, refusing anything inconsistent."""
    try:
        card = json.loads(card_path(path).read_text())
    except FileNotFoundError:
        raise ModelFileError(f"{card_path(path)}: model card not found") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ModelFileError(f"{card_path(path)}: expected a JSON model card, got {e}") from None
    try:
        weights = path.read_bytes()
    except FileNotFoundError:
        raise ModelFileError(f"{path}: weights file not found") from None
    except OSError as e:
        raise ModelFileError(f"{path}: cannot read the weights: {e}") from None
    return from_bytes(weights, card, source=str(path))


def from_bytes(data: bytes, card_json: object, *, source: str) -> Checkpoint:
    """A model from .npz bytes and its card (JSON data, any schema), refusing anything
    inconsistent.

    ``source`` names where they came from, in error messages. Raises ModelFileError when
    the card is not a digitpad card, the arrays are not the ones it describes (names,
    shapes, float32, finite), or their digest differs from the card's.
    """
    card = ModelCard.from_dict(card_json, source=source)
    sizes = list(card.architecture.sizes)
    activation = card.architecture.activation
    count = card.architecture.networks
    expected_digest = card.weights_sha256
    try:
        with np.load(BytesIO(data), allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as e:
        raise ModelFileError(f"{source}: expected an .npz file of arrays, got {e}") from None
    prefixes = [""] if card.format == FORMAT_ONE_NETWORK else [f"n{k}." for k in range(count)]
    path_arch = card.architecture.trajectory
    path_prefixes = [f"t{k}." for k in range(path_arch.networks)] if path_arch else []
    expected_names = _names(prefixes, len(sizes)) | (
        _names(path_prefixes, len(path_arch.sizes)) if path_arch else set()
    )
    if set(arrays) != expected_names:
        raise ModelFileError(
            f"{source}: expected arrays {sorted(expected_names)} for sizes {sizes}, "
            f"got {sorted(arrays)}"
        )
    networks = tuple(_network(arrays, prefix, sizes, activation, source) for prefix in prefixes)
    paths = _paths(arrays, path_arch, source) if path_arch else None
    if weights_digest(networks, paths) != expected_digest:
        raise ModelFileError(
            f"{source}: expected weights with SHA-256 {expected_digest[:12]}… from the card, "
            f"got {weights_digest(networks, paths)[:12]}…"
        )
    return Checkpoint(networks, card, paths)


def _names(prefixes: list[str], n_sizes: int) -> set[str]:
    """The array names of networks with these prefixes and ``n_sizes`` layer sizes."""
    return {f"{p}{k}{l}" for p in prefixes for l in range(n_sizes - 1) for k in "Wb"}


def _paths(arrays: dict[str, np.ndarray], arch: PathArchitecture, source: str) -> PathNetworks:
    """The trajectory networks the card describes, checked like the image networks."""
    if not 0.0 <= arch.weight <= 1.0:
        raise ModelFileError(f"{source}: expected a trajectory weight in [0, 1], got {arch.weight}")
    sizes = list(arch.sizes)
    return PathNetworks(
        tuple(
            _network(arrays, f"t{k}.", sizes, arch.activation, source) for k in range(arch.networks)
        ),
        arch.weight,
    )


def _network(
    arrays: dict[str, np.ndarray], prefix: str, sizes: list[int], activation: str, source: str
) -> MLP:
    """The network whose arrays are named ``prefix`` + W0, b0, ..., checked against ``sizes``."""
    weights, biases = [], []
    for l in range(len(sizes) - 1):
        W, b = arrays[f"{prefix}W{l}"], arrays[f"{prefix}b{l}"]
        where = f"{source}: {prefix}layer {l}"
        if W.shape != (sizes[l], sizes[l + 1]) or b.shape != (sizes[l + 1],):
            raise ModelFileError(
                f"{where}: expected W {(sizes[l], sizes[l + 1])} and "
                f"b {(sizes[l + 1],)} from the card, got W {W.shape} and b {b.shape}"
            )
        if W.dtype != np.float32 or b.dtype != np.float32:
            raise ModelFileError(f"{where}: expected float32, got {W.dtype}, {b.dtype}")
        if not (np.isfinite(W).all() and np.isfinite(b).all()):
            raise ModelFileError(f"{where}: weights are not all finite")
        weights.append(W)
        biases.append(b)
    return MLP(weights, biases, activation)
