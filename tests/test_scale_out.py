"""Scale-out: two real servers on one PostgreSQL database behave as one service.

Each server is its own ``digitpad serve`` process, as two replicas behind a proxy would
be. They share nothing but the database (a fresh schema for this module on the server
named by ``DIGITPAD_TEST_POSTGRES_URL``; skipped when it is unset, failing under CI=true,
as in tests/store/conftest.py): a drawing saved through one is listed by the other, and a
model version activated through one is what both answer with within seconds.

The same deployment in containers, docker-compose.yml with deploy/nginx.conf, cannot run
here (no container engine): the file is checked against the code instead, and the nginx
config with ``nginx -t`` (Debian's nginx; skipped without it, failing under CI=true).
"""

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
import yaml
from sqlalchemy import Engine

from app import cli
from app.config import PROJECT_ROOT, Settings
from app.engine import checkpoint
from app.engine.network import MLP
from app.store import ModelRegistry, open_store
from app.web.routes import health
from tests.needs import missing
from tests.server import Server, server_process
from tests.shapes import DIGITS, strokes
from tests.store.conftest import fresh_schema, postgres_admin  # noqa: F401 (fixture)

pytestmark = pytest.mark.server  # starts a real server or database

TOKEN = "scale-out-admin-token"
POLL_SECONDS = 0.5  # DIGITPAD_MODEL_POLL_SECONDS of both servers
SWITCH_SECONDS = 10.0  # the bound on how long both take to serve a newly activated version


@pytest.fixture(scope="module")
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A URL to a new, empty schema on the test PostgreSQL server, dropped at the end."""
    admin: Engine = request.getfixturevalue("postgres_admin")
    with fresh_schema(admin, "scale") as url:
        yield url


@pytest.fixture(scope="module")
def servers(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Server, Server]]:
    """Two servers, one worker each, on the same database."""
    logs = tmp_path_factory.mktemp("scale-out")
    env = {
        "DIGITPAD_DATABASE_URL": database_url,
        "DIGITPAD_ADMIN_TOKEN": TOKEN,
        "DIGITPAD_MODEL_POLL_SECONDS": str(POLL_SECONDS),
        "DIGITPAD_RATE_LIMIT_PREDICT": "off",
        "DIGITPAD_RATE_LIMIT_SAMPLES": "off",
    }
    with (
        server_process(env, logs / "a.log", timeout=60) as a,
        server_process(env, logs / "b.log", timeout=60) as b,
    ):
        yield a, b


def drawing(digit: int, seed: int) -> dict[str, object]:
    shape = strokes(DIGITS[digit], np.random.default_rng(seed))
    return {"strokes": shape, "canvas": {"width": 280, "height": 280}}


def wait_for(check: Callable[[], bool], seconds: float) -> float:
    """Seconds until ``check()`` holds; fails the test if it does not within ``seconds``."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > seconds:
            pytest.fail(f"not true within {seconds} s", pytrace=False)
        time.sleep(0.1)
    return time.monotonic() - started


def test_both_are_ready_on_the_shared_database(servers: tuple[Server, Server]) -> None:
    for server in servers:
        ready = httpx.get(f"{server.url}/readyz", timeout=10).json()
        assert ready["status"] == "ready" and ready["database"] == "ok"


def test_a_sample_saved_through_one_server_is_listed_by_the_other(
    servers: tuple[Server, Server],
) -> None:
    a, b = servers
    body = {**drawing(3, seed=1), "label": 3, "source": "api"}
    saved = httpx.post(f"{a.url}/api/samples", json=body, timeout=10)
    assert saved.status_code == 201, saved.text
    sample_id = saved.json()["id"]

    listed = httpx.get(f"{b.url}/api/samples", params={"label": 3}, timeout=10).json()
    assert sample_id in [item["id"] for item in listed["items"]]
    fetched = httpx.get(f"{b.url}/api/samples/{sample_id}", timeout=10)
    assert fetched.status_code == 200 and fetched.json()["label"] == 3
    # And the other way round.
    eight = {**drawing(8, seed=1), "label": 8, "source": "api"}
    again = httpx.post(f"{b.url}/api/samples", json=eight, timeout=10).json()
    listed = httpx.get(f"{a.url}/api/samples", params={"label": 8}, timeout=10).json()
    assert again["id"] in [item["id"] for item in listed["items"]]


def test_moderation_is_shared_review_and_blocking_included(
    servers: tuple[Server, Server],
) -> None:
    a, b = servers
    admin = {"Authorization": f"Bearer {TOKEN}"}
    honest = [
        httpx.post(f"{a.url}/api/samples", json={**drawing(d, seed=7), "label": d,
                   "contributor": "person"}, timeout=10).json()
        for d in range(10)
    ]  # fmt: skip
    assert {s["status"] for s in honest} == {"accepted"}
    bot = {**drawing(3, seed=8), "label": 8, "contributor": "bot"}
    sent = httpx.post(f"{a.url}/api/samples", json=bot, timeout=10).json()
    assert sent["status"] == "flagged"
    listed = httpx.get(
        f"{b.url}/api/samples", params={"status": "flagged"}, headers=admin, timeout=10
    ).json()
    flagged = {item["id"]: item for item in listed["items"]}
    assert sent["id"] in flagged and flagged[sent["id"]]["review"]["reasons"]
    blocked = httpx.post(f"{b.url}/api/admin/contributors/bot/block", headers=admin, timeout=10)
    assert blocked.json() == {"contributor": "bot", "rejected": 1}
    refused = httpx.post(f"{a.url}/api/samples", json=bot, timeout=10)
    assert refused.status_code == 403
    decided = httpx.patch(
        f"{a.url}/api/samples/{sent['id']}", json={"label": 3}, headers=admin, timeout=10
    ).json()
    assert decided["status"] == "accepted" and decided["label"] == 3


def test_a_version_activated_through_one_server_is_served_by_both(
    servers: tuple[Server, Server], database_url: str
) -> None:
    a, b = servers
    shipped = httpx.get(f"{a.url}/api/model", timeout=10).json()["version"]
    assert httpx.get(f"{b.url}/api/model", timeout=10).json()["version"] == shipped
    # A new version in the registry both servers read (as `digitpad finetune` would add it).
    network = MLP.initialise((784, 16, 10), "relu", np.random.default_rng(0))
    weights, made = checkpoint.to_bytes(network, {"parent": shipped})
    card = made.to_dict()
    version = card["version"]
    store = open_store(database_url)
    try:
        ModelRegistry(store.engine).add(version=version, parent=shipped, card=card, weights=weights)
    finally:
        store.close()

    activated = httpx.post(
        f"{a.url}/api/models/{version}/activate",
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    )
    assert activated.status_code == 200, activated.text

    def serves(server: Server) -> bool:
        model = httpx.get(f"{server.url}/api/model", timeout=10).json()["version"]
        answer = httpx.post(f"{server.url}/predict", json=drawing(7, seed=2), timeout=10)
        return model == version and answer.json()["model"] == version

    for server in (a, b):
        wait_for(lambda server=server: serves(server), SWITCH_SECONDS)
    assert httpx.get(f"{b.url}/api/models", timeout=10).json()["active"] == version


COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
NGINX_CONF = PROJECT_ROOT / "deploy" / "nginx.conf"


def test_compose_runs_replicas_behind_a_proxy_with_postgres_and_redis() -> None:
    assert set(SERVICES) == {"app", "proxy", "postgres", "redis"}
    app = SERVICES["app"]
    assert app["build"] == "." and (PROJECT_ROOT / "Dockerfile").is_file()
    assert app["deploy"]["replicas"] >= 2 and "ports" not in app  # reached through the proxy
    command = app["command"]
    assert command[:1] == ["serve"] and "--workers" not in command
    # Options of the real serve command; the client address is taken from the proxy.
    options = {opt for param in cli.main.commands["serve"].params for opt in param.opts}
    assert {arg for arg in command if arg.startswith("--")} <= options
    assert command[command.index("--forwarded-allow-ips") + 1] == "*"
    proxy = SERVICES["proxy"]
    assert proxy["volumes"] == ["./deploy/nginx.conf:/etc/nginx/nginx.conf:ro"]
    assert NGINX_CONF.is_file()
    port = command[command.index("--port") + 1]
    assert f"server app:{port};" in NGINX_CONF.read_text()


def test_compose_sets_only_real_settings_and_valid_values() -> None:
    env = SERVICES["app"]["environment"]
    names = {f"DIGITPAD_{field.upper()}" for field in Settings.model_fields}
    assert {name for name in env if name.startswith("DIGITPAD_")} <= names
    database = env["DIGITPAD_DATABASE_URL"]
    assert database.startswith("postgresql+psycopg://digitpad:") and "@postgres:5432/" in database
    postgres = SERVICES["postgres"]["environment"]
    assert (
        database.endswith(f"/{postgres['POSTGRES_DB']}") and postgres["POSTGRES_USER"] == "digitpad"
    )
    assert env["DIGITPAD_REDIS_URL"] == "redis://redis:6379/0"
    # One admin token, required from the environment: no default baked into the file.
    assert env["DIGITPAD_ADMIN_TOKEN"].startswith("${DIGITPAD_ADMIN_TOKEN:?")
    given = {k: v for k, v in env.items() if k.startswith("DIGITPAD_") and "${" not in v}
    settings = Settings(**{k.removeprefix("DIGITPAD_").lower(): v for k, v in given.items()})
    assert settings.redis_url == "redis://redis:6379/0"


def test_every_service_has_a_healthcheck_and_the_app_waits_for_its_stores() -> None:
    for name, service in SERVICES.items():
        assert service["healthcheck"]["test"], name
    probe = " ".join(SERVICES["app"]["healthcheck"]["test"])
    assert any(f"127.0.0.1:8000{route.path}'" in probe for route in health.router.routes)
    for store in ("postgres", "redis"):
        assert SERVICES["app"]["depends_on"][store]["condition"] == "service_healthy"
    assert SERVICES["proxy"]["depends_on"]["app"]["condition"] == "service_healthy"


def test_nginx_accepts_its_config(tmp_path: Path) -> None:
    # /usr/sbin is not on every PATH.
    nginx = shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin")
    if nginx is None:
        message = "nginx is missing (Debian: apt-get install nginx)"
        missing(message)
    # "app" resolves only on the compose network: point the upstream at loopback.
    conf = tmp_path / "nginx.conf"
    conf.write_text(NGINX_CONF.read_text().replace("server app:", "server 127.0.0.1:"))
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
