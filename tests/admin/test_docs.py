"""/docs is served from this server alone: no CDN in the page, its files from the pinned
package (the browser test proves no request leaves the server)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_docs_load_swagger_ui_from_this_server(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/docs/static/") for s in sources), sources
    assert "cdn" not in page.text and "https://" not in page.text
    for source in sources:
        answer = client.get(source)
        assert answer.status_code == 200 and len(answer.content) > 1000, source
    assert '"validatorUrl": null' in page.text
    assert client.get("/openapi.json").json()["paths"]
