"""`/sdk/v1/openapi.json`: the document the fuzzer and client authors read matches the
models that validate requests."""

from __future__ import annotations

from starlette.testclient import TestClient

from analytics.ingest import EventIn


def test_the_document_describes_both_sdk_endpoints_from_the_validating_models(
    client: TestClient,
) -> None:
    response = client.get("/sdk/v1/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {"/sdk/v1/session", "/sdk/v1/events"}
    schemas = document["components"]["schemas"]
    assert schemas["EventIn"]["required"] == ["event_id", "type", "timestamp"]
    assert set(schemas["EventIn"]["properties"]) == set(EventIn.model_fields)
    assert schemas["EventBatch"]["properties"]["events"]["items"] == {
        "$ref": "#/components/schemas/EventIn"
    }
    assert schemas["EventBatch"]["properties"]["events"]["maxItems"] == 500
    for path in document["paths"].values():
        statuses = set(path["post"]["responses"])
        assert statuses == {"200", "400", "401", "403", "408", "413", "422", "429", "503"}
