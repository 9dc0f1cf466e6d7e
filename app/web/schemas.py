"""Request and response bodies of the JSON API (they are also the OpenAPI schema)."""

from datetime import datetime
from typing import Annotated, Any, Self

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.services.finetune_run import FinetuneOptions

Digit = Annotated[int, Field(ge=0, le=9, strict=True, description="A digit, 0 to 9.")]
Probabilities = Annotated[
    list[Annotated[float, Field(ge=0, le=1)]],
    Field(min_length=10, max_length=10, description="P(digit) for 0..9, summing to 1."),
]
Point = Annotated[
    list[float],
    Field(min_length=2, max_length=3, description="[x, y] or [x, y, t]: canvas pixels, t in ms"),
]

# Row ids are 64-bit in both databases: a larger number in a path is refused (422).
Id = Annotated[int, Path(ge=1, le=2**63 - 1, description="A positive 64-bit id")]
CONTRIBUTOR_PATTERN = r"^[A-Za-z0-9_-]+$"  # the page's ids are random UUIDs


class Strict(BaseModel):
    """Refuses unknown fields and non-finite numbers."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Canvas(Strict):
    width: float = Field(gt=0, le=10_000, description="Canvas width in CSS pixels.")
    height: float = Field(gt=0, le=10_000, description="Canvas height in CSS pixels.")


class Drawing(Strict):
    """A digit as strokes on a canvas, or as a 28x28 array already in the MNIST convention."""

    strokes: list[list[Point]] | None = Field(
        default=None,
        description="Strokes in drawing order, each a list of points; origin top-left, y down.",
    )
    canvas: Canvas | None = Field(default=None, description="The canvas the strokes were on.")
    pixels: list[list[float]] | None = Field(
        default=None, description="28 rows of 28 values in [0, 1], 1 = ink, centred like MNIST."
    )
    contributor: str | None = Field(
        default=None,
        max_length=64,
        pattern=CONTRIBUTOR_PATTERN,
        description="An anonymous random id of the drawing browser; never shown back. With "
        "a prediction, that contributor's own labelled drawings are read beside the network.",
    )

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        if (self.strokes is None) == (self.pixels is None):
            raise ValueError("expected either strokes (with canvas) or pixels, not both or neither")
        if self.strokes is not None and self.canvas is None:
            raise ValueError("expected a canvas {width, height} with the strokes")
        if self.pixels is not None and self.canvas is not None:
            raise ValueError("expected no canvas with pixels")
        return self


class Personal(BaseModel):
    samples: int = Field(description="How many of the contributor's drawings were compared.")
    weight: float = Field(
        ge=0, le=1, description="How far they moved the probabilities (total variation)."
    )


class Prediction(BaseModel):
    digit: Digit
    probabilities: Probabilities
    model: str = Field(description="Version id of the model that made this prediction.")
    pixels: list[list[float]] = Field(description="The 28x28 image the model saw, 1 = ink.")
    personal: Personal | None = Field(
        default=None,
        description="With a contributor id that has labelled drawings: how much they counted.",
    )


class HiddenUnit(BaseModel):
    layer: int = Field(description="0 = the first hidden layer.")
    unit: int
    activation: float = Field(description="Its output for this drawing.")
    weights: list[list[float]] | None = Field(
        description="First layer only: the unit's 28x28 incoming weights, scaled to [-1, 1]."
    )


class Explained(Prediction):
    saliency: list[list[float]] = Field(
        description="28x28 in [-1, 1]: how each pixel's ink moves the predicted digit's score."
    )
    hidden: list[list[HiddenUnit]] = Field(description="Per hidden layer, the most active units.")


class BatchRequest(Strict):
    items: list[Drawing] = Field(min_length=1, description="Drawings, predicted in one pass.")


class BatchPrediction(BaseModel):
    predictions: list[Prediction]


class SampleIn(Drawing):
    """A labelled drawing contributed by a person or a program."""

    label: Digit
    predicted: Digit | None = Field(default=None, description="The prediction shown, if any.")
    probabilities: Probabilities | None = None
    model: str | None = Field(default=None, max_length=64, description="Its model version.")
    source: str | None = Field(
        default=None, max_length=32, pattern=r"^[a-z0-9_-]+$", description='e.g. "draw".'
    )


class SampleOut(BaseModel):
    """A stored sample, as the public sees it (no contributor id)."""

    id: int
    created_at: datetime
    label: Digit
    predicted: Digit | None
    probabilities: list[float] | None
    model: str | None
    source: str | None
    canvas: Canvas | None
    image_url: str = Field(description="The 28x28 image the model saw, as a PNG.")


class SampleDetail(SampleOut):
    strokes: list[list[list[float]]] | None = Field(description="The strokes as they were sent.")


class SamplePage(BaseModel):
    items: list[SampleOut]
    next: str | None = Field(description="URL of the next (older) page, or null at the end.")


class ContributorPage(SamplePage):
    total: int = Field(description="How many drawings were saved with this contributor id.")


class Forgotten(BaseModel):
    deleted: int = Field(description="How many drawings were deleted.")


class Relabel(Strict):
    label: Digit


class Stats(BaseModel):
    total: int
    per_label: dict[str, int] = Field(description='Samples per label, "0" to "9".')
    with_prediction: int = Field(description="Samples sent with the live prediction shown.")
    prediction_matched: int = Field(description="Of those, how many had it right.")
    prediction_accuracy: float | None = Field(
        description="prediction_matched / with_prediction (null when there are none)."
    )


class ModelVersionOut(BaseModel):
    version: str
    parent: str | None
    created_at: datetime
    active: bool
    card: dict[str, Any] = Field(description="The model card: architecture, metrics, training.")


class ModelList(BaseModel):
    active: str | None
    versions: list[ModelVersionOut] = Field(description="Newest first.")


class FinetuneRequest(Strict):
    epochs: int = Field(default=FinetuneOptions.epochs, ge=1, le=50)
    force: bool = Field(default=False, description="Activate even if not better.")


class JobOut(BaseModel):
    id: int
    kind: str
    status: str = Field(description='"running", "succeeded" or "failed".')
    params: dict[str, Any]
    progress: dict[str, Any] = Field(description="stage, epoch, epochs, loss while running.")
    result: dict[str, Any] | None
    error: str | None
    created_at: datetime
    updated_at: datetime


class ModelSummary(BaseModel):
    version: str
    sizes: list[int] = Field(description="Layer sizes of each network, input first.")
    activation: str
    parameters: int = Field(description="All networks together.")
    networks: int = Field(description="Networks read together (probabilities averaged).")


class Curve(BaseModel):
    version: str
    epochs: list[dict[str, float | None]] = Field(
        description="Per epoch: epoch, loss, train_accuracy, val_loss, val_accuracy."
    )


class AverageInputs(BaseModel):
    count: list[int] = Field(description="MNIST test images the model reads as each digit.")
    images: list[str] = Field(description="Their average picture per digit (data: URLs).")
    difference: list[str] = Field(description="Each average minus the mean of all (data: URLs).")


class BaselineSummary(BaseModel):
    version: str
    metrics: dict[str, Any]
    contributed: dict[str, Any] | None
    mnist_mistakes: bool


class Insights(BaseModel):
    """Evaluations are objects of n, accuracy, loss, per_class_accuracy, confusion_matrix."""

    model: ModelSummary
    mnist_test: dict[str, Any] | None = Field(description="On MNIST's 10,000 test images.")
    unipen_test: dict[str, Any] | None = Field(
        description="On UNIPEN's test writers (real pen-drawn digits), when measured."
    )
    contrib_test: dict[str, Any] | None = Field(
        description="On contributions held out by contributor, for a fine-tuned version."
    )
    contributed: dict[str, Any] | None = Field(description="On every stored contribution now.")
    mnist_mistakes: bool = Field(description="Whether the card keeps MNIST test pictures.")
    average_inputs: AverageInputs | None
    curves: list[Curve] = Field(description="The active version's, then each parent's.")
    baseline: BaselineSummary | None


class CellItem(BaseModel):
    id: int | None = Field(default=None, description="A contributed sample's id.")
    mnist_index: int | None = Field(default=None, description="An MNIST test image's index.")
    image_url: str
    probabilities: list[float]


class Cell(BaseModel):
    model: str
    source: str
    true: int
    predicted: int
    items: list[CellItem]
