"""The real spam engine through the Service and storage: moderators' spam/ham marks teach the site."""
from __future__ import annotations

from chalicelib import spam
from tests.conftest import make_service, make_site
from tests.unit.test_spam_learned import CAMPAIGN, NEXT


def post(service, clock, author, content, n):
    token = service.keyring.form_token("blog", clock() - 45)  # a person who took 45 s to write
    data = {"post_id": "back-pain", "author": author, "email": f"{author.lower()}{n}@example.com",
            "content": content, "form_token": token}
    return service.submit("blog", data, ip=f"198.51.100.{n}").result


def test_marking_a_campaign_spam_catches_its_next_comment_and_ham_undoes_it(store, keyring, clock):
    make_site(store, flood_seconds=0)
    service = make_service(store, keyring, clock, engine=spam.evaluate)
    before = post(service, clock, "Svetlana", NEXT.content, 99)
    assert service.get("blog", before.id).status == "pending"  # the shipped model lets it through to a person

    taught = [post(service, clock, author, content, n) for n, (author, content) in enumerate(CAMPAIGN)]
    for comment in taught:
        service.act("blog", comment.id, "spam", service.get("blog", comment.id).version)

    after = post(service, clock, "Svetlana", NEXT.content + " Kisses", 100)
    view = service.get("blog", after.id).model_dump(mode="json")
    assert view["status"] == "spam"
    assert any(r["rule"] == "site-learned" and r["score"] > 0 for r in view["verdict"]["reasons"])
    assert after.status == "pending"  # the sender is never told

    # The moderator was wrong about all three: marking them ham un-teaches the lesson.
    for comment in taught:
        service.act("blog", comment.id, "ham", service.get("blog", comment.id).version)
    again = post(service, clock, "Svetlana", NEXT.content + " Hugs", 101)
    assert service.get("blog", again.id).status == "pending"
