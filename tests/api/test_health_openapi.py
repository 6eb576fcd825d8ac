"""Liveness and the OpenAPI document."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_healthz_answers_ok(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_openapi_documents_the_allocation_endpoint(client: FlaskClient) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    post = doc["paths"]["/v1/allocations"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/AllocationRequest")
    assert post["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/OrderDecision")
    for status in ("400", "413", "415", "422"):
        assert "application/problem+json" in post["responses"][status]["content"]
    assert post["summary"].startswith("Decide which warehouses")
    assert "/healthz" in doc["paths"]
    assert "application/problem+json" in doc["components"]["responses"]["DEFAULT_ERROR"]["content"]


def test_openapi_schemas_describe_request_and_response(client: FlaskClient) -> None:
    schemas = client.get("/openapi.json").get_json()["components"]["schemas"]
    for name in ("AllocationRequest", "Order", "OrderLine", "Network", "Lane", "Policy", "OrderDecision", "Fill"):
        assert name in schemas
    assert set(schemas["Lane"]["properties"]) >= {"from", "to", "capacity"}
    assert schemas["OrderLine"]["properties"]["unit_price"]["type"] == "number"
    assert schemas["Order"]["properties"]["requested_date"] == {"type": "string", "format": "date"}
    assert schemas["Policy"]["properties"]["time_limit_ms"]["maximum"] == 60000
    assert "strategic" in schemas["Policy"]["properties"]["tiers"]["default"]
    assert set(schemas["Fill"]["properties"]) >= {"via_lane", "ship_from", "on_time", "unit_margin"}


def test_browsable_docs_are_served_and_need_no_other_host(client: FlaskClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200 and response.mimetype == "text/html" and b"openapi.json" in response.data
    assert b"http://" not in response.data and b"https://" not in response.data  # every script from this service
    assert client.get("/redoc").status_code == 404  # no page that would be blank offline
