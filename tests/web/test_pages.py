import re

from fastapi.testclient import TestClient

from app.config import PROJECT_ROOT
from app.web.routes.pages import PAGES


def test_pages_render(client: TestClient) -> None:
    for path in PAGES:
        assert client.get(path).status_code == 200, path
    for path in ("/", "/collect"):
        assert 'id="pad"' in client.get(path).text


def test_pages_are_sent_with_a_strict_content_security_policy(client: TestClient) -> None:
    for path in PAGES:
        headers = client.get(path).headers
        policy = headers["content-security-policy"]
        assert "script-src 'self';" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy and headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"


def test_every_stylesheet_is_linked_once_and_served(client: TestClient) -> None:
    linked = re.findall(
        r'<link rel="stylesheet" href="/static/css/([\w-]+\.css)">', client.get("/").text
    )
    on_disk = sorted(path.name for path in (PROJECT_ROOT / "static" / "css").glob("*.css"))
    assert sorted(linked) == on_disk and len(set(linked)) == len(linked)
    assert linked[0] == "base.css"  # variables and reset first: the others build on them
    for name in linked:
        response = client.get(f"/static/css/{name}")
        assert response.status_code == 200 and response.headers["content-type"].startswith(
            "text/css"
        )
