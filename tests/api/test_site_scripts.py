"""Through the API: the per-site script setting holds comments mostly in other scripts (off by default)."""
from __future__ import annotations

import json

from chalicelib import spam

RUSSIAN = "Спасибо за статью, вторая растяжка мне очень помогла, спина болит намного меньше."


def send(api, clock, content):
    clock.advance(30)  # past the flood window
    data = {"post_id": "p", "author": "Ivan", "email": "ivan@example.com", "content": content}
    response = api.post("/sites/blog/comments", json_body=data, ip="203.0.113.9")
    assert response.status_code == 201, response.body
    return json.loads(response.body)


def test_a_site_that_expects_latin_holds_a_russian_comment_and_publishes_an_english_one(api, app_service, clock):
    app_service.engine = spam.evaluate
    site = app_service.store.get_site("blog")
    app_service.store.put_site(site.model_copy(update={"moderation": "auto"}))  # publish what the engine approves
    app_service._sites.clear()
    assert send(api, clock, RUSSIAN)["status"] == "approved"  # off by default: any script is fine
    site = app_service.store.get_site("blog")
    assert site.expected_scripts == []
    app_service.store.put_site(site.model_copy(update={"expected_scripts": ["Latin"]}))
    app_service._sites.clear()  # this warm function re-reads the site it just changed
    assert send(api, clock, RUSSIAN + " Жду новых статей.")["status"] == "pending"
    assert send(api, clock, "Thank you, the second stretch helped my back a lot.")["status"] == "approved"
