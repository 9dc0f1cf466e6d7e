"""Request and response bodies of the JSON API (they are also the OpenAPI schema).

The drawing and sample bodies (``Drawing``, ``SampleIn``) live below the web layer, in
``app/services/drawing_input.py``, because ``digitpad import-samples`` checks with them too.
"""

from datetime import datetime
from typing import Annotated, Any, Literal, Self

from fastapi import Path
from pydantic import BaseModel, Field, model_validator

from app.services.drawing_input import Canvas, Digit, Drawing, Probabilities, Strict
from app.services.finetune_run import FinetuneOptions

# Row ids are 64-bit in both databases: a larger number in a path is refused (422).
Id = Annotated[int, Path(ge=1, le=2**63 - 1, description="A positive 64-bit id")]


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


class NumberDigit(Prediction):
    box: list[float] = Field(
        description="[x0, y0, x1, y1]: where the digit's ink is, in canvas (or image) pixels."
    )
    strokes: list[int] = Field(
        description="Which strokes make the digit (indices into the drawing's strokes); for "
        "an image, which of its pieces of ink, counted from the left."
    )


class NumberPrediction(BaseModel):
    number: str = Field(description='The digits read, left to right, e.g. "4072".')
    digits: list[NumberDigit] = Field(description="Each digit, left to right.")
    confidence: float = Field(description="The product of the digits' probabilities.")
    model: str = Field(description="Version id of the model that made this prediction.")


class NumberOut(BaseModel):
    """A stored number."""

    id: int
    label: str
    created_at: datetime
    samples: list[int] = Field(description="Its digits' sample ids, left to right.")


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


Status = Literal["accepted", "flagged", "rejected"]


class Review(BaseModel):
    """A sample's moderation, as admins see it."""

    decided_by: Literal["moderation", "admin"]
    decided_at: datetime | None
    trust: float | None = Field(description="How likely its label is right, 0 to 1.")
    reasons: list[str] = Field(description="What speaks against its label, in words.")


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
    number_id: int | None = Field(
        default=None, description="The contributed number it is a digit of, if any."
    )
    number_position: int | None = Field(
        default=None, description="Its place in that number, 0 = the leftmost digit."
    )
    status: Status | None = Field(
        default=None,
        description="Moderation: accepted (it may train the model), flagged (waiting for "
        "review) or rejected; null until it is scored.",
    )
    review: Review | None = Field(
        default=None, description="Why it has its status (admin listings only)."
    )


class SampleDetail(SampleOut):
    strokes: list[list[list[float]]] | None = Field(description="The strokes as they were sent.")


class SamplePage(BaseModel):
    items: list[SampleOut]
    next: str | None = Field(description="URL of the next (older) page, or null at the end.")


class ContributorPage(SamplePage):
    total: int = Field(description="How many drawings were saved with this contributor id.")


class Forgotten(BaseModel):
    deleted: int = Field(description="How many drawings were deleted.")


class Decision(Strict):
    """An admin's decision on a sample: a status, a new label (which accepts it), or both."""

    status: Literal["accepted", "rejected"] | None = None
    label: Digit | None = None

    @model_validator(mode="after")
    def _something(self) -> Self:
        if self.status is None and self.label is None:
            raise ValueError("expected a status (accepted or rejected), a label, or both")
        return self


class Blocked(BaseModel):
    contributor: str
    rejected: int = Field(description="How many of their samples were rejected.")


class Unblocked(BaseModel):
    contributor: str
    restored: int = Field(description="How many of their samples went back to moderation.")


class Stats(BaseModel):
    total: int
    per_label: dict[str, int] = Field(description='Samples per label, "0" to "9".')
    with_prediction: int = Field(description="Samples sent with the live prediction shown.")
    prediction_matched: int = Field(description="Of those, how many had it right.")
    prediction_accuracy: float | None = Field(
        description="prediction_matched / with_prediction (null when there are none)."
    )
    per_status: dict[str, int] = Field(
        description="Samples per moderation status: accepted, flagged (waiting for review), "
        "rejected, unscored."
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
    force: bool = Field(default=False, description="Activate whatever the gate says.")


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
