"""GET /openapi.json describes every route of the app, as the app has them right now."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from chalice.test import Client

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def document():
    import app as application

    with Client(application.app) as client:
        response = client.http.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    return json.loads(response.body)


def app_routes() -> dict[tuple[str, str], list[str]]:
    """(path, method) -> path parameters of every route Chalice knows, OPTIONS preflights aside."""
    import app as application

    return {
        (path, method.lower()): sorted(entry.view_args)
        for path, methods in application.app.routes.items()
        for method, entry in methods.items()
        if method != "OPTIONS"
    }


def spec_routes(document: dict) -> dict[tuple[str, str], list[str]]:
    found = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            params = sorted(p["name"] for p in operation.get("parameters", []) if p["in"] == "path")
            found[(path, method)] = params
    return found


def test_every_route_of_the_app_is_described_with_its_methods_and_path_parameters(document):
    routes, described = app_routes(), spec_routes(document)
    missing = sorted(set(routes) - set(described))
    assert not missing, f"routes missing from chalicelib/openapi.py OPERATIONS: {missing}"
    extra = sorted(set(described) - set(routes))
    assert not extra, f"described but not routes of the app: {extra}"
    for key, params in routes.items():
        assert described[key] == params, f"{key}: path parameters {described[key]} != the route's {params}"
        assert re.findall(r"{(\w+)}", key[0]) == sorted(params) or sorted(re.findall(r"{(\w+)}", key[0])) == params


def test_json_api_routes_document_their_codes_and_non_api_routes_are_marked(document):
    expected = {
        ("/sites/{site}/comments", "post"): {201, 303, 400, 404, 409, 413, 415, 422, 429, 503},
        ("/sites/{site}/posts/{post_id}/comments", "get"): {200, 400, 404, 422, 503},
        ("/sites/{site}/counts", "get"): {200, 400, 404, 422, 503},
        ("/sites/{site}/form-token", "get"): {200, 404, 503},
        ("/sites/{site}/moderation/comments", "get"): {200, 401, 403, 422, 503},
        ("/sites/{site}/moderation/comments/{comment_id}", "post"): {200, 401, 403, 404, 409, 422, 503},
        ("/sites/{site}/moderation/comments/{comment_id}", "delete"): {204, 401, 403, 404, 503},
        ("/sites/{site}/moderation/erase", "post"): {200, 401, 403, 422, 503},
    }
    for (path, method), codes in expected.items():
        documented = {int(c) for c in document["paths"][path][method]["responses"]}
        assert codes <= documented, (path, method, codes - documented)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            moderation = "/moderation/" in path and operation.get("x-replybox-kind") != "page"  # links: token in URL
            assert (operation.get("security") == [{"bearerAuth": []}]) == moderation, (path, method)
            if moderation:
                assert {"401", "403"} <= set(operation["responses"])
            if not path.startswith("/sites/"):
                assert operation.get("x-replybox-kind") in ("page", "asset", "meta"), (path, method)
            for code, answer in operation["responses"].items():
                if code in ("429", "503") and "x-replybox-kind" not in operation:
                    assert answer["headers"]["Retry-After"]["required"] is True
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": "A moderator token (manage.py create-token)"}


def test_schemas_come_from_the_models_and_the_form_carries_wordpress_names(document):
    from chalicelib import models
    from chalicelib.openapi import named_model

    schemas = document["components"]["schemas"]
    for name in ("SubmitResult", "PublicComment", "ModeratorComment", "ModerationAction", "BulkAction", "EraseRequest"):
        model = named_model(name)
        assert set(schemas[name]["properties"]) == set(model.model_fields), name
    comment = schemas["CommentIn"]
    assert set(comment["required"]) == {"post_id", "author", "email", "content"}
    assert comment["properties"]["author"]["maxLength"] == models.MAX_AUTHOR
    assert comment["properties"]["content"]["maxLength"] == models.MAX_CONTENT
    form = schemas["CommentForm"]
    assert {"comment_post_ID", "comment_parent", "comment", "ak_hp_textarea", "author", "email"} <= set(form["properties"])
    body = document["paths"]["/sites/{site}/comments"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "application/x-www-form-urlencoded"}
    assert "email" not in schemas["PublicComment"]["properties"] and "email" not in schemas["SubmitResult"]["properties"]


def test_the_document_is_valid_openapi_3_1(document):
    schemathesis = pytest.importorskip("schemathesis")
    assert document["openapi"] == "3.1.0"
    schema = schemathesis.openapi.from_dict(document)
    operations = [result.ok() for result in schema.get_all_operations()]  # .ok() raises on an invalid operation
    assert len(operations) == len(spec_routes(document))


def test_importing_the_module_builds_nothing():
    """Cold start: the spec is built on the first request, not at import (no pydantic schema work)."""
    code = (
        "import sys, chalicelib.openapi as o; "
        "assert o.spec.cache_info().currsize == 0; "
        "assert 'chalicelib.models' not in sys.modules, 'models imported at import time'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_a_route_declares_its_contract_once_and_a_route_without_one_is_refused():
    """The content types Chalice accepts are the declared body's; a route with no contract fails the build."""
    from chalice import Chalice

    from chalicelib import openapi
    from chalicelib.api.contract import FORM, JSON, route

    app = Chalice(app_name="contract-test")

    @route(app, "POST", "/sites/{site}/things", tag="comments", body={JSON: "CommentIn", FORM: "CommentForm"}, answers={201: "SubmitResult"})
    def make_thing(site: str) -> None:
        """Make a thing."""

    entry = app.routes["/sites/{site}/things"]["POST"]
    assert entry.content_types == [JSON, FORM]
    described = openapi.spec(app)["paths"]["/sites/{site}/things"]["post"]
    assert described["summary"] == "Make a thing"
    assert set(described["responses"]) == {"201", "415"}  # Chalice refuses other content types itself

    @app.route("/plain", methods=["GET"])
    def plain() -> None:
        """Not declared."""

    openapi.spec.cache_clear()
    with pytest.raises(LookupError, match="GET /plain has no contract"):
        openapi.spec(app)
    openapi.spec.cache_clear()
