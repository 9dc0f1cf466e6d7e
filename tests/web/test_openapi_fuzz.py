"""Schemathesis against the OpenAPI schema: every route and every body form, generated
from the schema (and broken on purpose), sent to a real server. No answer may be a 5xx,
and every answer must match the schema: status code, content type, body, headers.

Checks left out, and why:
- positive_data_acceptance: some schema-valid bodies are refused on purpose (an empty
  drawing, a page size over DIGITPAD_MAX_PAGE_SIZE, a label sent as 6.0): 422 with a
  message, which is the contract;
- unsupported_method, allow_header_conformance: for a path served by several routes
  (GET and PATCH /api/samples/{id}), Starlette's 405 names only the first route's method.
POST /api/admin/finetune is left out: each call would start a training process (the
fine-tuning tests cover it).
"""

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    allow_header_conformance,
    positive_data_acceptance,
    unsupported_method,
)
from schemathesis.generation.case import Case

from app.config import Settings
from app.web.app import create_app
from tests.server import running_server
from tests.web.conftest import ADMIN, ADMIN_TOKEN

pytestmark = pytest.mark.server  # starts a real server or database

SKIPPED = [positive_data_acceptance, unsupported_method, allow_header_conformance]
schema = schemathesis.openapi.from_dict(
    create_app(Settings(database_url="sqlite://", admin_token=ADMIN_TOKEN)).openapi()
).exclude(path="/api/admin/finetune")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("fuzz")
    env = {
        "DIGITPAD_DATABASE_URL": f"sqlite:///{folder / 'digitpad.db'}",
        "DIGITPAD_ADMIN_TOKEN": ADMIN_TOKEN,
        "DIGITPAD_RATE_LIMIT_PREDICT": "off",
        "DIGITPAD_RATE_LIMIT_SAMPLES": "off",
    }
    with running_server(env, folder / "server.log") as url:
        yield url


def test_every_route_is_fuzzed() -> None:
    operations = {
        f"{op.method.upper()} {op.path}" for op in (r.ok() for r in schema.get_all_operations())
    }
    assert {"POST /predict", "POST /predict/batch", "POST /explain", "POST /api/samples"} <= (
        operations
    )
    assert len(operations) >= 18


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_every_request_as_documented(case: Case, server: str) -> None:
    case.call_and_validate(base_url=server, headers=ADMIN, excluded_checks=SKIPPED)
