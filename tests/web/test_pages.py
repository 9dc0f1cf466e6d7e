from fastapi.testclient import TestClient

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
