"""Labelled drawings: contribute, list, fetch, export, statistics; review (list flagged,
accept, reject, relabel) and delete (admin). The public listing shows accepted samples."""

import itertools
from collections.abc import Iterator
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from app.config import Settings
from app.engine.errors import InvalidInput, NotFound
from app.engine.figures import encode_png
from app.services import sample_files
from app.services.drawing_input import Canvas, SampleIn, drawing_to_ink, sample_of
from app.services.moderation import Drawn, reasons_of
from app.services.moderation import contribute as contribute_sample
from app.store import ModerationStore, Sample, SampleStore
from app.web.deps import (
    AddressDep,
    Admin,
    AdminHeader,
    ModelDep,
    ModerationDep,
    ModeratorDep,
    QuotasDep,
    SettingsDep,
    StoreDep,
    check_admin,
)
from app.web.errors import responses
from app.web.export import FORMATS, build_export, chunks
from app.web.schemas import (
    Decision,
    Id,
    Review,
    SampleDetail,
    SampleOut,
    SamplePage,
    Stats,
    Status,
)

router = APIRouter(prefix="/api", tags=["samples"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No sample with that id"}}


def sample_url(request: Request, sample_id: int, suffix: str = "") -> str:
    """The absolute URL of sample ``sample_id`` (``suffix=".png"``: of its image), as
    ``request.url_for`` builds it but without trying every route (0.1 ms a call)."""
    return f"{request.base_url}api/samples/{sample_id}{suffix}"


def _out(request: Request, sample: Sample, reasons: list[str] | None = None) -> SampleOut:
    """``sample`` as the API shows it; with ``reasons``, its review too (for admins)."""
    canvas = None
    if sample.canvas_width is not None and sample.canvas_height is not None:
        canvas = Canvas(width=sample.canvas_width, height=sample.canvas_height)
    return SampleOut(
        id=sample.id,
        created_at=sample.created_at,
        label=sample.label,
        predicted=sample.predicted,
        probabilities=sample.probabilities,
        model=sample.model_version,
        source=sample.source,
        canvas=canvas,
        image_url=sample_url(request, sample.id, ".png"),
        number_id=sample.number_id,
        number_position=sample.number_position,
        status=sample.verdict.status if sample.verdict else None,  # type: ignore[arg-type]
        review=_review(sample, reasons),
    )


def _review(sample: Sample, reasons: list[str] | None) -> Review | None:
    verdict = sample.verdict
    if verdict is None or reasons is None:
        return None
    return Review(
        decided_by=verdict.decided_by,  # type: ignore[arg-type]
        decided_at=verdict.decided_at,
        trust=verdict.trust,
        reasons=reasons,
    )


def _found(sample: Sample | None, sample_id: int) -> Sample:
    if sample is None:
        raise NotFound(f"no sample with id {sample_id}")
    return sample


@router.post("/samples", status_code=201, response_model=SampleOut, responses=responses(403, 429))
async def contribute(
    body: SampleIn,
    request: Request,
    response: Response,
    store: StoreDep,
    moderation: ModerationDep,
    moderator: ModeratorDep,
    model: ModelDep,
    settings: SettingsDep,
    quotas: QuotasDep,
    address: AddressDep,
    idempotency_key: Annotated[
        str | None, Header(max_length=128, description="Makes retries safe: one sample per key")
    ] = None,
) -> SampleOut:
    """Store a labelled drawing (acknowledged once committed), with its moderation status:
    accepted, or flagged for review. 429 beyond the daily quotas of the client's address
    or the contributor id; 403 for a blocked contributor."""
    # Rendered on the event loop (as /predict does); only the database write waits in a
    # thread. A whole sync route in threads made the threads queue for the GIL, which
    # took the p99 at concurrency 16 from about 50 to 100 ms.
    ink = drawing_to_ink(body, model, settings)
    await quotas.check(address, body.contributor)
    stored = await run_in_threadpool(
        partial(contribute_sample, drawn=Drawn(ink, model)),
        store, moderation, moderator, sample_of(body, ink), idempotency_key,
    )  # fmt: skip
    response.headers["Location"] = sample_url(request, stored.id)
    return _out(request, stored)


@router.get("/samples", response_model=SamplePage)
def list_samples(
    request: Request,
    store: StoreDep,
    moderation: ModerationDep,
    settings: SettingsDep,
    label: Annotated[int | None, Query(ge=0, le=9)] = None,
    wrong: Annotated[bool, Query(description="Only samples the live prediction got wrong")] = False,
    status: Annotated[
        Status, Query(description="flagged or rejected: admins only, with each one's reasons")
    ] = "accepted",
    limit: Annotated[int, Query(ge=1)] = 50,
    before: Annotated[int | None, Query(ge=1, description="Samples older than this id")] = None,
    authorization: AdminHeader = None,
) -> SamplePage:
    """Newest first, a page at a time; ``next`` links to the following page. Everyone
    sees the accepted samples; admins also the flagged and rejected, with their review."""
    admin = status != "accepted" or authorization is not None
    if admin:
        check_admin(settings, authorization)
    return sample_page(
        request, store, settings, limit, before,
        moderation=moderation if admin else None, label=label, wrong_only=wrong, status=status,
    )  # fmt: skip


def sample_page(
    request: Request,
    store: SampleStore,
    settings: Settings,
    limit: int,
    before: int | None,
    *,
    moderation: ModerationStore | None = None,
    **filters: Any,
) -> SamplePage:
    """One page of the samples `SampleStore.list` keeps with ``filters``, newest first,
    with ids below ``before``; ``next`` links to the following page. With
    ``moderation``, each sample's review too."""
    if limit > settings.max_page_size:
        raise InvalidInput(f"expected limit <= {settings.max_page_size}, got {limit}")
    page = store.list(limit=limit, before_id=before, **filters)
    next_url = None
    if page.next_before_id is not None:
        next_url = str(request.url.include_query_params(before=page.next_before_id))
    reasons = reasons_of(moderation, page.items) if moderation is not None else {}
    items = [_out(request, s, reasons.get(s.id)) for s in page.items]
    return SamplePage(items=items, next=next_url)


@router.get(
    "/samples/export",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"application/zip": {}, sample_files.MEDIA_TYPE: {}},
            "description": "A zip archive (npz, idx), or one JSON object a line (ndjson)",
        }
    },
)
async def export(
    store: StoreDep,
    settings: SettingsDep,
    format: Annotated[
        Literal["npz", "idx", "ndjson"],
        Query(description="npz or idx (zip), or ndjson (the drawings' strokes)"),
    ] = "npz",
    label: Annotated[int | None, Query(ge=0, le=9, description="Only this digit")] = None,
    since: Annotated[
        int,
        Query(
            ge=0,
            le=2**63 - 1,
            description="Only samples with ids above this one (an earlier export's last key_id)",
        ),
    ] = 0,
    status: Annotated[Status, Query(description="flagged or rejected: admins only")] = "accepted",
    authorization: AdminHeader = None,
) -> StreamingResponse:
    """Every accepted sample in MNIST's shapes: images (n, 28, 28) uint8 and labels (n,);
    or, as ndjson, every accepted drawing's strokes in Quick, Draw!'s layout (samples
    stored as pixels only are left out; no contributor ids). Admins may export the
    flagged or the rejected ones instead."""
    if status != "accepted":
        check_admin(settings, authorization)
    if format == "ndjson":
        pieces = sample_files.export_ndjson(store, label=label, since=since, status=status)
        return await ndjson_response(pieces)
    samples = store.iter_matching(label=label, after_id=since, status=status)
    file = await run_in_threadpool(build_export, samples, format)
    name = FORMATS[format][3]
    return StreamingResponse(
        chunks(file),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def ndjson_response(
    pieces: Iterator[bytes], name: str = sample_files.FILE_NAME
) -> StreamingResponse:
    """An ndjson download of ``pieces``, saved as ``name``. The first piece is read before
    answering, so that a database that cannot be reached gets the usual 503 rather than a
    cut-off 200."""
    first = await run_in_threadpool(next, pieces, b"")
    return StreamingResponse(
        itertools.chain([first], pieces),
        media_type=sample_files.MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/samples/{sample_id:int}.png",
    name="sample_png",
    responses={**NOT_FOUND, 200: {"content": {"image/png": {}}}},
)
def sample_png(sample_id: Id, store: StoreDep) -> Response:
    """The 28x28 image the model saw (white ink on black, as in MNIST)."""
    sample = _found(store.get(sample_id), sample_id)
    return Response(
        encode_png(sample.pixels),
        media_type="image/png",
        headers={"Cache-Control": "max-age=86400"},
    )


@router.get("/samples/{sample_id:int}", response_model=SampleDetail, responses=NOT_FOUND)
def get_sample(sample_id: Id, request: Request, store: StoreDep) -> SampleDetail:
    """One sample, with its strokes as they were sent."""
    sample = _found(store.get(sample_id), sample_id)
    return SampleDetail(**_out(request, sample).model_dump(), strokes=sample.strokes)


@router.patch(
    "/samples/{sample_id:int}", response_model=SampleOut, responses=NOT_FOUND, dependencies=[Admin]
)
def decide(sample_id: Id, body: Decision, request: Request, moderation: ModerationDep) -> SampleOut:
    """Review a sample (admin): accept or reject it, or give it a new label (which accepts
    it). Moderation never changes an admin's decision."""
    decided = moderation.decide(sample_id, status=body.status, label=body.label)
    return _out(request, _found(decided, sample_id))


@router.delete(
    "/samples/{sample_id:int}", status_code=204, responses=NOT_FOUND, dependencies=[Admin]
)
def delete(sample_id: Id, store: StoreDep) -> Response:
    """Delete a sample (admin)."""
    if not store.delete(sample_id):
        raise NotFound(f"no sample with id {sample_id}")
    return Response(status_code=204)


@router.get("/stats", response_model=Stats)
def stats(store: StoreDep) -> Stats:
    """How many samples per label, and how often the live prediction was right."""
    s = store.stats()
    return Stats(
        total=s.total,
        per_label={str(label): count for label, count in sorted(s.per_label.items())},
        with_prediction=s.with_prediction,
        prediction_matched=s.prediction_matched,
        prediction_accuracy=s.prediction_matched / s.with_prediction if s.with_prediction else None,
        per_status=s.per_status,
    )
