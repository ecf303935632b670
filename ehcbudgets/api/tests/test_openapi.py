"""The OpenAPI document and the interactive docs."""

import json

import pytest
from django.urls import reverse

EXPECTED_OPERATIONS = {
    ("get", "/api/v1/me"),
    ("get", "/api/v1/children"),
    ("post", "/api/v1/children"),
    ("get", "/api/v1/children/{child_id}"),
    ("patch", "/api/v1/children/{child_id}"),
    ("get", "/api/v1/children/{child_id}/contacts"),
    ("post", "/api/v1/children/{child_id}/contacts"),
    ("patch", "/api/v1/children/{child_id}/contacts/{contact_id}"),
    ("get", "/api/v1/children/{child_id}/plans"),
    ("post", "/api/v1/children/{child_id}/plans"),
    ("get", "/api/v1/plans/{plan_id}"),
    ("post", "/api/v1/plans/{plan_id}/status"),
    ("get", "/api/v1/plans/{plan_id}/outcomes"),
    ("post", "/api/v1/plans/{plan_id}/outcomes"),
    ("patch", "/api/v1/plans/{plan_id}/outcomes/{outcome_id}"),
    ("get", "/api/v1/plans/{plan_id}/provision"),
    ("post", "/api/v1/plans/{plan_id}/provision"),
    ("patch", "/api/v1/plans/{plan_id}/provision/{provision_id}"),
    ("delete", "/api/v1/plans/{plan_id}/provision/{provision_id}"),
    ("get", "/api/v1/plans/{plan_id}/reviews"),
    ("post", "/api/v1/plans/{plan_id}/reviews"),
    ("post", "/api/v1/plans/{plan_id}/reviews/{review_id}/decision"),
    ("get", "/api/v1/offer/items"),
    ("get", "/api/v1/offer/items/{item_id}/rates"),
    ("post", "/api/v1/offer/items"),
    ("patch", "/api/v1/offer/items/{item_id}"),
    ("post", "/api/v1/offer/items/{item_id}/rates"),
    ("get", "/api/v1/council/policy"),
    ("post", "/api/v1/council/policy"),
    ("get", "/api/v1/children/{child_id}/letters"),
    ("get", "/api/v1/letters/{letter_id}"),
    ("get", "/api/v1/letters/{letter_id}/pdf"),
    ("get", "/api/v1/public/councils"),
    ("get", "/api/v1/public/councils/{code}/offer"),
    ("get", "/api/v1/children/{child_id}/budget-requests"),
    ("post", "/api/v1/children/{child_id}/budget-requests"),
    ("get", "/api/v1/budget-requests/{request_id}"),
    ("get", "/api/v1/children/{child_id}/budgets"),
    ("post", "/api/v1/budget-requests/{request_id}/budgets"),
    ("get", "/api/v1/budgets/{budget_id}"),
    ("put", "/api/v1/budgets/{budget_id}/lines/{provision_item_id}"),
    ("delete", "/api/v1/budgets/{budget_id}/lines/{provision_item_id}"),
    ("put", "/api/v1/budgets/{budget_id}/direct-payment-case"),
    ("post", "/api/v1/budgets/{budget_id}/submit"),
    ("post", "/api/v1/budgets/{budget_id}/approve"),
    ("post", "/api/v1/budgets/{budget_id}/refuse"),
    ("post", "/api/v1/budgets/{budget_id}/lines/{provision_item_id}/refuse-direct-payment"),
    ("post", "/api/v1/panel-referrals/{referral_id}/decision"),
    ("post", "/api/v1/budgets/{budget_id}/section-j"),
    ("post", "/api/v1/decisions/{decision_id}/review-requests"),
    ("post", "/api/v1/review-requests/{review_request_id}/decision"),
}


@pytest.fixture
def document(client, db):
    response = client.get(reverse("api:openapi-json"))
    assert response.status_code == 200
    return json.loads(response.content)


def _operations(document):
    return {
        (method, path): operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }


def test_the_document_is_openapi_3_1(document):
    assert document["openapi"].startswith("3.1.")
    assert document["info"]["version"] == "1.0.0"


def test_every_route_is_documented_with_a_summary_tags_and_a_unique_id(document):
    operations = _operations(document)

    assert set(operations) >= EXPECTED_OPERATIONS
    assert all(op["summary"] and op["tags"] and op.get("description") for op in operations.values())
    ids = [op["operationId"] for op in operations.values()]
    assert len(ids) == len(set(ids))


def test_every_route_but_the_public_offer_needs_a_token_or_a_session(document):
    assert set(document["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}
    assert document["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    operations = _operations(document)
    public = {key for key in operations if key[1].startswith("/api/v1/public/")}
    assert public == {("get", "/api/v1/public/councils"), ("get", "/api/v1/public/councils/{code}/offer")}
    assert all(op["security"] for key, op in operations.items() if key not in public)
    assert not any(operations[key].get("security") for key in public)


def test_the_letter_pdf_is_documented_as_a_pdf(document):
    responses = _operations(document)[("get", "/api/v1/letters/{letter_id}/pdf")]["responses"]

    assert set(responses["200"]["content"]) == {"application/pdf"}
    assert "application/problem+json" in responses["404"]["content"]


def test_refusals_are_documented_as_problem_json(document):
    operation = _operations(document)[("post", "/api/v1/children")]
    problem = operation["responses"]["422"]["content"]["application/problem+json"]["schema"]

    assert problem == {"$ref": "#/components/schemas/Problem"}
    assert {"Problem", "FieldError"} <= set(document["components"]["schemas"])
    assert "$defs" not in document["components"]["schemas"]["Problem"]


def test_money_is_a_string_in_and_out(document):
    schemas = document["components"]["schemas"]

    assert schemas["SubmitIn"]["properties"]["final_amount"]["type"] == "string"
    assert schemas["BudgetOut"]["properties"]["costed_total"]["type"] == "string"


def test_every_reference_resolves(document):
    refs = set()

    def collect(node):
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.add(node["$ref"])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(document)
    schemas = document["components"]["schemas"]
    assert refs and all(ref.removeprefix("#/components/schemas/") in schemas for ref in refs)


def test_the_interactive_docs_load(client, db):
    response = client.get(reverse("api:openapi-view"))

    assert response.status_code == 200
    assert b"openapi.json" in response.content
