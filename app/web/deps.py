"""What routes receive: settings, the active model, the stores, the contribution quotas, the
client's address, and the admin check."""

import secrets
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Header, HTTPException, Request

from app.config import Settings
from app.engine.errors import Unavailable
from app.engine.reader import Reader
from app.services.moderation import Moderator
from app.services.personal import PersonalDrawings
from app.store import JobStore, ModelRegistry, ModerationStore, SampleStore
from app.web.errors import DATABASE_DOWN
from app.web.quotas import Quotas


def _from_state(name: str) -> Callable[[Request], Any]:
    """A dependency returning ``app.state.<name>``, set by the app's lifespan; 503 while
    it is None (the database has not been reached yet, see startup.py)."""

    async def get(request: Request) -> Any:  # async: no I/O, so no trip to a thread
        value = getattr(request.app.state, name)
        if value is None:
            raise Unavailable(DATABASE_DOWN)
        return value

    get.__name__ = f"get_{name}"
    return get


SettingsDep = Annotated[Settings, Depends(_from_state("settings"))]
ModelDep = Annotated[Reader, Depends(_from_state("model"))]
StoreDep = Annotated[SampleStore, Depends(_from_state("store"))]
RegistryDep = Annotated[ModelRegistry, Depends(_from_state("registry"))]
JobsDep = Annotated[JobStore, Depends(_from_state("jobs"))]
PersonalDep = Annotated[PersonalDrawings, Depends(_from_state("personal"))]
ModerationDep = Annotated[ModerationStore, Depends(_from_state("moderation"))]
ModeratorDep = Annotated[Moderator, Depends(_from_state("moderator"))]
QuotasDep = Annotated[Quotas, Depends(_from_state("quotas"))]


async def client_address(request: Request) -> str:
    """The client's address, as the rate limits see it ("unknown" when the server has none)."""
    return request.client.host if request.client else "unknown"


AddressDep = Annotated[str, Depends(client_address)]


AdminHeader = Annotated[str | None, Header(description="Bearer <admin token>")]


async def require_admin(settings: SettingsDep, authorization: AdminHeader = None) -> None:
    """403 when no admin token is configured, 401 unless the request carries it."""
    check_admin(settings, authorization)


def check_admin(settings: Settings, authorization: str | None) -> None:
    """`require_admin` for a route that is admin-only for some of its queries."""
    if settings.admin_token is None:
        raise HTTPException(403, "admin requests are disabled: DIGITPAD_ADMIN_TOKEN is not set")
    scheme, _, token = (authorization or "").partition(" ")
    expected = settings.admin_token.get_secret_value()
    if scheme.lower() != "bearer" or not secrets.compare_digest(token.encode(), expected.encode()):
        raise HTTPException(
            401, "expected the header Authorization: Bearer <admin token>",
            headers={"WWW-Authenticate": "Bearer"},
        )  # fmt: skip


Admin = Depends(require_admin)
