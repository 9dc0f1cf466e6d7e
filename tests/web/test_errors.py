"""Domain errors mapped to HTTP in one place (app/web/errors.py)."""

from fastapi.testclient import TestClient

from app.engine.errors import (
    ConfigError,
    EmptyDrawing,
    InvalidInput,
    ModelFileError,
    NotFound,
    OverQuota,
    Unavailable,
)
from app.web.errors import status_of, unavailable


def test_each_domain_error_has_one_status() -> None:
    assert status_of(InvalidInput("x")) == status_of(EmptyDrawing("x")) == 422
    assert status_of(NotFound("x")) == 404
    assert status_of(OverQuota("x", retry_after=60)) == 429
    assert status_of(ModelFileError("x")) == status_of(Unavailable("x")) == 503
    assert status_of(ConfigError("x")) == 500  # unmapped: a bug, not the client's fault


def test_every_503_says_when_to_try_again() -> None:
    answer = unavailable("the database is unavailable")
    assert answer.status_code == 503 and int(answer.headers["Retry-After"]) > 0


def test_routes_answer_not_found_as_json(client: TestClient) -> None:
    for path in ("/api/samples/987654", "/api/samples/987654.png"):
        answer = client.get(path)
        assert answer.status_code == 404
        assert answer.json() == {"detail": "no sample with id 987654"}
