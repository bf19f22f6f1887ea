"""GET /sites/{site}/origin-check: the widget's way to learn that the browser blocked it for its origin."""
from __future__ import annotations

import json


def test_says_whether_the_pages_origin_is_allowed_to_any_origin(api):
    for origin, allowed in (
        ("https://blog.example", True),
        ("http://localhost:4000", True),
        ("https://other.example", False),
        ("https://blog.example.evil.test", False),
        ("null", False),
    ):
        response = api.get("/sites/blog/origin-check", headers={"origin": origin})
        assert response.status_code == 200
        assert json.loads(response.body) == {"origin_allowed": allowed}, origin
        # Readable from the page that was refused: that page is the one asking.
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.headers["Cache-Control"] == "no-store"


def test_without_an_origin_it_is_not_allowed(api):
    assert json.loads(api.get("/sites/blog/origin-check").body) == {"origin_allowed": False}


def test_an_unknown_site_is_a_404_the_widget_can_read(api):
    response = api.get("/sites/nosuch/origin-check", headers={"origin": "https://blog.example"})
    assert response.status_code == 404
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert json.loads(response.body)["error"] == "not_found"
    assert api.get("/sites/Not_A_Slug/origin-check").status_code == 404
