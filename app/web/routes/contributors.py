"""A contributor's own drawings: list them, delete one or all of them (forget me); and
blocking a contributor id (admin).

The contributor id is the random key a browser makes once and sends with what it draws
and saves; whoever holds it may see and delete that browser's drawings, and it is never
listed or shown back. An id with no drawings and a sample that is not among an id's
drawings both answer 404, so no answer tells whether another id, or another person's
sample, exists. Deleted drawings are gone from the store at once: no later fine-tune
reads them, and they stop counting for the contributor's personal pad from their next
prediction (versions trained before keep what they learned).
"""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from app.engine.errors import NotFound
from app.services import sample_files
from app.services.drawing_input import CONTRIBUTOR_PATTERN
from app.services.moderation import status_of
from app.store import SampleStore
from app.web.deps import Admin, ModerationDep, PersonalDep, SettingsDep, StoreDep
from app.web.routes.samples import ndjson_response, sample_page
from app.web.schemas import Blocked, ContributorPage, Forgotten, Id, Unblocked

router = APIRouter(prefix="/api", tags=["contributors"])
UNKNOWN: dict[int | str, dict[str, Any]] = {
    404: {"description": "No drawings saved with that contributor id (or not that sample)"}
}
ContributorId = Annotated[
    str,
    Path(
        max_length=64,
        pattern=CONTRIBUTOR_PATTERN,
        description="The contributor id the drawings were saved with (POST /api/samples).",
    ),
]


@router.get(
    "/contributors/{contributor}/samples", response_model=ContributorPage, responses=UNKNOWN
)
def their_samples(
    contributor: ContributorId,
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1)] = 50,
    before: Annotated[int | None, Query(ge=1, description="Samples older than this id")] = None,
) -> ContributorPage:
    """The drawings saved with this contributor id, newest first, a page at a time."""
    total = _saved(store, contributor)
    page = sample_page(request, store, settings, limit, before, contributor=contributor)
    return ContributorPage(items=page.items, next=page.next, total=total)


@router.get(
    "/contributors/{contributor}/samples/export",
    response_class=StreamingResponse,
    responses={
        **UNKNOWN,
        200: {"content": {sample_files.MEDIA_TYPE: {}}, "description": "One JSON object a line"},
    },
)
async def export_theirs(
    contributor: ContributorId,
    store: StoreDep,
    format: Annotated[Literal["ndjson"], Query(description="ndjson, as /api/samples/export")] = (
        "ndjson"
    ),
) -> StreamingResponse:
    """The drawings saved with this contributor id, as GET /api/samples/export?format=ndjson
    writes them (the id itself is not written)."""
    await run_in_threadpool(_saved, store, contributor)
    pieces = sample_files.export_ndjson(store, contributor=contributor)
    return await ndjson_response(pieces, "my-drawings.ndjson")


@router.delete(
    "/contributors/{contributor}/samples/{sample_id:int}", status_code=204, responses=UNKNOWN
)
def delete_theirs(contributor: ContributorId, sample_id: Id, store: StoreDep) -> Response:
    """Delete one of the drawings saved with this contributor id."""
    if not store.delete_contributed(contributor, sample_id):
        raise NotFound(f"no sample {sample_id} among this contributor id's drawings")
    return Response(status_code=204)


@router.delete("/contributors/{contributor}", response_model=Forgotten, responses=UNKNOWN)
def forget(contributor: ContributorId, store: StoreDep, personal: PersonalDep) -> Forgotten:
    """Delete every drawing saved with this contributor id, and what the server keeps of
    them for their personal pad."""
    deleted = store.delete_contributed(contributor)
    if not deleted:
        raise NotFound("no drawings saved with this contributor id")
    personal.forget(contributor)
    return Forgotten(deleted=deleted)


@router.post(
    "/admin/contributors/{contributor}/block", response_model=Blocked, dependencies=[Admin]
)
def block(contributor: ContributorId, moderation: ModerationDep, personal: PersonalDep) -> Blocked:
    """Block a contributor id (admin): every drawing saved with it is rejected, and its
    further contributions are refused with 403. Its personal pad forgets them too."""
    rejected = moderation.block(contributor)
    personal.forget(contributor)
    return Blocked(contributor=contributor, rejected=rejected)


@router.delete(
    "/admin/contributors/{contributor}/block",
    response_model=Unblocked,
    responses=UNKNOWN,
    dependencies=[Admin],
)
def unblock(
    contributor: ContributorId, moderation: ModerationDep, personal: PersonalDep
) -> Unblocked:
    """Lift a block (admin): the id's contributions are taken again, and the drawings the
    block rejected go back to moderation's status (those an admin rejected before it stay
    rejected). 404 for an id that is not blocked."""
    restored = moderation.unblock(contributor, status_of)
    if restored is None:
        raise NotFound("this contributor id is not blocked")
    personal.forget(contributor)
    return Unblocked(contributor=contributor, restored=restored)


def _saved(store: SampleStore, contributor: str) -> int:
    """How many drawings were saved with ``contributor``; NotFound when none were."""
    count = store.count_of(contributor)
    if not count:
        raise NotFound("no drawings saved with this contributor id")
    return count
