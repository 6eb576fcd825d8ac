"""The browsable API docs work without internet: Swagger UI's files are served by the service itself."""

from __future__ import annotations

from decision_service.web import create_app
from tests.api.fakes import keyed_client, memory_config


def test_docs_page_loads_swagger_ui_from_the_service() -> None:
    client = keyed_client(create_app(memory_config()))
    page = client.get("/docs")
    assert page.status_code == 200 and b"/docs/assets/swagger-ui-bundle.js" in page.data
    for name, kind in (("swagger-ui-bundle.js", "javascript"), ("swagger-ui.css", "css")):
        with client.get(f"/docs/assets/{name}") as asset:  # a streamed file: close it
            assert asset.status_code == 200 and kind in asset.content_type and len(asset.data) > 10_000


def test_docs_assets_do_not_serve_anything_else() -> None:
    client = keyed_client(create_app(memory_config()))
    for path in ("/docs/assets/../config.py", "/docs/assets/missing.js", "/docs/assets/%2e%2e/__init__.py"):
        resp = client.get(path)
        assert resp.status_code == 404 and resp.content_type.startswith("application/problem+json")
