"""One mailbox is one person: every spelling of an address shares its keys (erasure, flood, trust,
avatar), on moto and on DynamoDB Local."""
from __future__ import annotations

import pytest

from chalicelib.signing import canonical_email
from tests.conftest import approving_engine, comment_data, make_service, make_site

# Each group is one mailbox: case of the domain and of the local part, the domain's U-label and
# A-label, composed and decomposed accents, full-width compatibility forms, spaces around it.
MAILBOXES = [
    ["ada@bücher.de", "ADA@BÜCHER.DE", "ada@xn--bcher-kva.de", "Ada@XN--BCHER-KVA.de", "ada@bu\u0308cher.de", " ada@bücher.de "],
    ["josé@example.com", "jose\u0301@example.com", "JOSÉ@EXAMPLE.COM", "ｊｏｓé@example.com"],
]


@pytest.mark.parametrize("spellings", MAILBOXES)
def test_every_spelling_has_one_canonical_form(spellings):
    assert len({canonical_email(s) for s in spellings}) == 1, {s: canonical_email(s) for s in spellings}


def test_different_mailboxes_stay_apart():
    forms = {canonical_email(e) for e in ["ada@bücher.de", "ada@bucher.de", "ada@example.com", "ada.b@example.com",
                                          "ada+x@example.com", "josé@example.com", "jose@example.com"]}
    assert len(forms) == 7


@pytest.mark.parametrize("spellings", MAILBOXES)
def test_erasing_one_spelling_erases_the_comments_of_all(store, keyring, clock, spellings):
    make_site(store, flood_seconds=0)
    service = make_service(store, keyring, clock)
    ids = []
    for i, email in enumerate(spellings):
        ids.append(service.submit("blog", comment_data(email=email, content=f"text {i}"), ip=f"203.0.113.{i}").result.id)
    kept = service.submit("blog", comment_data(email="someone.else@example.com", content="kept"), ip="203.0.113.99")
    assert service.erase("blog", spellings[-1]).model_dump(mode="json") == {"erased": len(spellings)}
    assert [c["id"] for c in service.queue("blog", "pending").model_dump(mode="json")["comments"]] == [kept.result.id]


def test_one_spelling_floods_and_trusts_for_the_others(store, keyring, clock):
    make_site(store)  # trusted policy, flood 15 s
    service = make_service(store, keyring, clock, engine=approving_engine)
    first = service.submit("blog", comment_data(email="ada@bücher.de"), ip="203.0.113.1").result
    assert first.status == "pending"
    held = service.submit("blog", comment_data(email="ADA@xn--bcher-kva.de", content="soon after"), ip="203.0.113.2")
    reasons = {r["rule"] for r in service.get("blog", held.result.id).model_dump(mode="json")["verdict"]["reasons"]}
    assert "flood-email" in reasons  # the same mailbox commented seconds ago
    service.act("blog", first.id, "approve", 1)
    clock.advance(60)
    trusted = service.submit("blog", comment_data(email="Ada@Bu\u0308cher.DE", content="later"), ip="203.0.113.3")
    assert trusted.result.status == "approved"  # trust follows the mailbox (with the same name)
    avatars = {store.get_comment("blog", i).avatar for i in (first.id, held.result.id, trusted.result.id)}
    assert len(avatars) == 1


def test_the_stored_email_keeps_its_spelling(store, keyring, clock):
    make_site(store)
    service = make_service(store, keyring, clock)
    done = service.submit("blog", comment_data(email="Ada.Lovelace@Bücher.de"), ip="203.0.113.1")
    assert service.get("blog", done.result.id).email == "Ada.Lovelace@Bücher.de"
