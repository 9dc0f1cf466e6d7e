"""The model card: what a model is, how it was made and how well it reads, typed.

The card travels as JSON (beside the weights in ``NAME.json``, in the database, at
``GET /api/model``); here it is a `ModelCard`, read from JSON by `ModelCard.from_dict`
and written by `ModelCard.to_dict`, nowhere else. Cards of an older schema are brought
up to date by `migrate` as they are read, so cards already in databases and in
``model/*.json`` still load.

Schema history:
1. (no ``schema`` field) one network: ``architecture`` has sizes and activation.
2. ``schema: 2``; ``architecture.networks`` (how many networks are read together);
   ``training.data.credits`` (data whose licence asks to be credited); ``training.networks``
   (each network's seed and best epoch); ``metrics.unipen_test``.
3. ``schema: 3``; ``architecture.trajectory`` (networks that read the pen's path, and the
   weight of their vote; absent for a model of images only) and ``training.trajectory``.
4. ``schema: 4``; ``preprocessing`` (slant correction, the pen's width), the defaults
   for older cards.
"""

import os
import platform
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from importlib import metadata
from typing import Any

import numpy as np

from app.engine.errors import ModelFileError
from app.engine.preprocess.strokes import PEN_WIDTH
from app.engine.train import TrainConfig, TrainResult

SCHEMA = 4
FORMAT = "digitpad-mlp/2"
FORMAT_ONE_NETWORK = "digitpad-mlp/1"  # still read: one network, arrays without a prefix
Metrics = dict[str, Any]  # an `metrics.Evaluation` as JSON: n, accuracy, loss, per class, matrix


@dataclass(frozen=True)
class PathArchitecture:
    """The networks that read the pen's trajectory (`trajectory`), beside the image's."""

    sizes: tuple[int, ...]  # layer sizes, input (trajectory.FEATURES) first
    activation: str
    networks: int  # read together, their probabilities averaged
    weight: float  # their vote against the image networks', in [0, 1] (`reader.combine`)


@dataclass(frozen=True)
class Preprocessing:
    """How an input becomes the image networks' input, beyond MNIST's framing."""

    deskew: bool = False  # the slant taken out before they read (`preprocess.slant`)
    pen_width: float = PEN_WIDTH  # strokes drawn this wide, in pixels of the 28-px frame


@dataclass(frozen=True)
class Architecture:
    sizes: tuple[int, ...]  # layer sizes, input first
    activation: str  # hidden units: "relu" or "sigmoid"
    networks: int = 1  # networks of these sizes, read together (their probabilities averaged)
    trajectory: PathArchitecture | None = None  # for drawings that come as strokes


@dataclass(frozen=True)
class TrainingData:
    source: str  # e.g. "MNIST + 12000 scripted drawings + UNIPEN training writers ..."
    train: int | None = None  # images trained on
    validation: int | None = None  # images held out for early stopping
    test: int | None = None  # MNIST test images measured
    credits: tuple[str, ...] = ()  # data whose licence asks to be credited


@dataclass(frozen=True)
class Training:
    command: str  # the command that trains it again
    config: dict[str, Any]  # `train.TrainConfig.to_dict()`
    seconds: float
    history: tuple[dict[str, Any], ...] = ()  # `train.EpochStats` of the first network
    best_epoch: int | None = None
    seed: int | None = None
    data: TrainingData | None = None  # a fine-tuned version's says its parent too
    networks: tuple[dict[str, Any], ...] = ()  # each network's seed, best epoch, seconds
    trajectory: dict[str, Any] | None = None  # how the trajectory networks were trained
    machine: str | None = None
    software: str | None = None


@dataclass(frozen=True)
class ModelCard:
    """Everything the server, the pages and the registry know about a model version."""

    version: str  # "20261207-<first 10 hex digits of the weights' SHA-256>"
    created: str  # ISO 8601, UTC
    architecture: Architecture
    parameters: int  # all networks together
    weights_sha256: str  # checked against the weights on every load
    training: Training | None = None
    metrics: dict[str, Metrics] = field(default_factory=dict)  # "mnist_test", "unipen_test",
    # "contrib_test" (held-out contributions, for a fine-tuned version)
    insights: dict[str, Any] = field(default_factory=dict)  # `insights.insights_on` per set
    parent: str | None = None  # the version it was fine-tuned from
    finetune: dict[str, Any] | None = None  # the fine-tuning run's summary and options
    preprocessing: Preprocessing = Preprocessing()
    format: str = FORMAT
    schema: int = SCHEMA

    def to_dict(self) -> dict[str, Any]:
        """The card as JSON-ready data (tuples become lists; None fields are left out)."""
        data: dict[str, Any] = _json(asdict(self))
        return {k: v for k, v in data.items() if v is not None}

    @classmethod
    def from_dict(cls, data: object, *, source: str) -> "ModelCard":
        """A card from JSON data of any schema; ModelFileError naming ``source`` if it is
        not a digitpad card or a field is missing or of the wrong kind."""
        if not isinstance(data, dict) or data.get("format") not in (FORMAT, FORMAT_ONE_NETWORK):
            found = data.get("format") if isinstance(data, dict) else type(data).__name__
            raise ModelFileError(f"{source}: expected a card of format {FORMAT!r}, got {found!r}")
        card = migrate(data)
        try:
            arch, training = card["architecture"], card.get("training")
            return cls(
                version=str(card["version"]),
                created=str(card["created"]),
                architecture=Architecture(
                    sizes=tuple(int(s) for s in arch["sizes"]),
                    activation=str(arch["activation"]),
                    networks=int(arch["networks"]),
                    trajectory=_path_architecture(arch.get("trajectory")),
                ),
                parameters=int(card["parameters"]),
                weights_sha256=str(card["weights_sha256"]),
                training=None if training is None else _training(training),
                metrics=dict(card.get("metrics") or {}),
                insights=dict(card.get("insights") or {}),
                parent=card.get("parent"),
                finetune=card.get("finetune"),
                preprocessing=_preprocessing(card.get("preprocessing") or {}),
                format=str(card["format"]),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise ModelFileError(f"{source}: card lacks a valid field {e}") from None


def draft(
    *,
    command: str,
    config: TrainConfig,
    results: Sequence[TrainResult],
    metrics: dict[str, Metrics],
    insights: dict[str, Any],
    data: TrainingData | None = None,
    parent: str | None = None,
    finetune: dict[str, Any] | None = None,
    trajectory: dict[str, Any] | None = None,
    preprocessing: Preprocessing,
) -> dict[str, Any]:
    """The JSON of a new card from a training run (one result per network, trained from
    seeds ``config.seed``, +1, ...): what `checkpoint.to_bytes` completes with the fields
    it checks. Training and fine-tuning both make their cards here; ``trajectory`` says
    how the trajectory networks were trained, if there are any; ``preprocessing``, how the
    training inputs were made (the slant taken out or not, the pen)."""
    training = Training(
        command=command,
        config=config.to_dict(),
        seconds=round(sum(r.seconds for r in results), 2),
        history=tuple(vars(s) for s in results[0].history),  # the first network's
        best_epoch=results[0].best_epoch,
        seed=config.seed,
        data=data,
        networks=tuple(
            {"seed": config.seed + k, "best_epoch": r.best_epoch, "seconds": round(r.seconds, 2)}
            for k, r in enumerate(results)
        ),
        trajectory=trajectory,
        machine=f"{platform.machine()}, {os.cpu_count()} cores",
        software=f"digitpad {_version()}, numpy {np.__version__}, "
        f"python {platform.python_version()}",
    )
    out = {
        "training": _json(asdict(training)),
        "metrics": metrics,
        "insights": insights,
        "preprocessing": asdict(preprocessing),
    }
    if parent is not None:
        out["parent"] = parent
    if finetune is not None:
        out["finetune"] = finetune
    return out


def _version() -> str:
    """digitpad's version as installed (the engine does not import the app package)."""
    try:
        return metadata.version("digitpad")
    except metadata.PackageNotFoundError:
        return "(not installed)"


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """A card's JSON of any schema as schema ``SCHEMA`` (a new dict; ``data`` is kept)."""
    card = {**data}
    if card.get("schema", 1) == 1:
        card["architecture"] = {"networks": 1, **card.get("architecture", {})}
        training = card.get("training")
        if isinstance(training, dict) and isinstance(training.get("data"), dict):
            card["training"] = {**training, "data": {"credits": [], **training["data"]}}
        card["schema"] = 2
    if card["schema"] == 2:  # nothing to add: a model of images only has no trajectory
        card["schema"] = 3
    if card["schema"] == 3:  # nothing to add: no preprocessing field reads as the defaults
        card["schema"] = 4
    return card


def _json(value: Any) -> Any:
    """``value`` with every tuple, at any depth, turned into a list."""
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return value


def _training(data: dict[str, Any]) -> Training:
    about = data.get("data")
    return Training(
        command=str(data["command"]),
        config=dict(data.get("config") or {}),
        seconds=float(data.get("seconds", 0.0)),
        history=tuple(data.get("history") or ()),
        best_epoch=data.get("best_epoch"),
        seed=data.get("seed"),
        data=None
        if about is None
        else TrainingData(
            source=str(about["source"]),
            train=about.get("train"),
            validation=about.get("validation"),
            test=about.get("test"),
            credits=tuple(str(c) for c in about.get("credits", ())),
        ),
        networks=tuple(data.get("networks") or ()),
        trajectory=data.get("trajectory"),
        machine=data.get("machine"),
        software=data.get("software"),
    )


def _preprocessing(data: dict[str, Any]) -> Preprocessing:
    return Preprocessing(
        deskew=bool(data.get("deskew", False)),
        pen_width=float(data.get("pen_width", PEN_WIDTH)),
    )


def _path_architecture(data: dict[str, Any] | None) -> PathArchitecture | None:
    if data is None:
        return None
    return PathArchitecture(
        sizes=tuple(int(s) for s in data["sizes"]),
        activation=str(data["activation"]),
        networks=int(data["networks"]),
        weight=float(data["weight"]),
    )
