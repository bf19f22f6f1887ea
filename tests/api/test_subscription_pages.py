"""The reader's subscription links through the app: GET asks, POST (or a one-click POST) acts, and no
page or header names the reader's email (the autouse privacy guard reads every public answer)."""
from __future__ import annotations

import json

from chalicelib.mail import Subscriptions, make_token

FORM = {"content-type": "application/x-www-form-urlencoded"}


def test_confirm_then_one_click_stop_without_the_email_anywhere(api, app_service, clock):
    data = {"post_id": "p", "author": "Ada", "email": "ada.private@example.com", "content": "Tell me", "subscribe_comments": True}
    comment_id = json.loads(api.post("/sites/blog/comments", json_body=data).body)["id"]
    subscriptions = Subscriptions(app_service.store)
    confirm = make_token(app_service.keyring, "blog", comment_id, "confirm", clock())
    asked = api.get(f"/sites/blog/subscriptions/{confirm}")
    assert asked.status_code == 200 and b"Yes, notify me of replies" in asked.body
    assert subscriptions.get("blog", comment_id)["confirmed"] is False  # a GET (a mail scanner) changes nothing
    assert api.post(f"/sites/blog/subscriptions/{confirm}", raw=b"", headers=FORM).status_code == 200
    assert subscriptions.get("blog", comment_id)["confirmed"] is True
    stop = make_token(app_service.keyring, "blog", comment_id, "stop", clock())
    done = api.post(f"/sites/blog/subscriptions/{stop}", raw=b"List-Unsubscribe=One-Click", headers=FORM)
    assert done.status_code == 200 and b"Unsubscribed" in done.body
    assert subscriptions.get("blog", comment_id) is None
    again = api.post(f"/sites/blog/subscriptions/{confirm}", raw=b"", headers=FORM)
    assert again.status_code == 404  # stopped stays stopped


def test_a_link_of_another_site_or_forged_does_nothing(api, app_service, clock):
    other = make_token(app_service.keyring, "other", "01ARZ3NDEKTSV4RRFFQ69G5FAV", "stop", clock())
    assert api.get(f"/sites/blog/subscriptions/{other}").status_code == 403
    assert api.post("/sites/blog/subscriptions/forged", raw=b"", headers=FORM).status_code == 403
