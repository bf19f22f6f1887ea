"""Trusted authors are a name and an email together (WordPress's "previously approved comment")."""
from __future__ import annotations

from chalicelib.storage import marshal, trust_key
from tests.conftest import approving_engine, comment_data


def post(service, clock, author, email="ada@example.com", **overrides):
    clock.advance(30)  # past the flood window
    data = comment_data(author=author, email=email, content=f"{author} says hello at {clock.now}", **overrides)
    return service.submit("blog", data, ip="203.0.113.7").result


def approve(service, comment_id):
    return service.act("blog", comment_id, "approve", service.get("blog", comment_id).version).model_dump(mode="json")


def test_the_same_email_under_another_name_is_not_trusted(service, clock):
    service.engine = approving_engine
    first = post(service, clock, "Ada Lovelace")
    assert first.status == "pending"  # unknown author
    approve(service, first.id)
    assert post(service, clock, "Ada Lovelace").status == "approved"
    # Names compare as people write them: case, Unicode forms and runs of space do not matter.
    assert post(service, clock, "  ADA   lovelace ").status == "approved"
    assert post(service, clock, "Ａｄａ Lovelace").status == "approved"  # fullwidth letters, NFKC
    assert post(service, clock, "Charles Babbage").status == "pending"
    assert post(service, clock, "Ada Lovelace", email="other@example.com").status == "pending"


def test_spam_revokes_only_that_pair(service, clock):
    service.engine = approving_engine
    for name in ("Ada", "Countess"):
        approve(service, post(service, clock, name).id)
    trusted = post(service, clock, "Ada")
    assert trusted.status == "approved"
    service.act("blog", trusted.id, "spam", service.get("blog", trusted.id).version)
    assert post(service, clock, "Ada").status == "pending"
    assert post(service, clock, "Countess").status == "approved"


def test_erasure_removes_every_trust_record_of_the_email(service, store, clock, keyring):
    service.engine = approving_engine
    for name in ("Ada", "Countess"):
        approve(service, post(service, clock, name).id)
    email_hash = keyring.email_hash("blog", "ada@example.com")
    records = [trust_key("blog", service._author_hash(email_hash, name)) for name in ("Ada", "Countess")]
    for key in records:
        assert "Item" in store.client.get_item(TableName=store.table, Key=marshal(key))
    assert service.erase("blog", "ada@example.com").model_dump(mode="json") == {"erased": 2}
    for key in records:
        assert "Item" not in store.client.get_item(TableName=store.table, Key=marshal(key))
    assert post(service, clock, "Ada").status == "pending"  # trust is gone with the data


def test_trust_keys_hold_neither_the_email_nor_the_name(service, store, clock):
    service.engine = approving_engine
    approve(service, post(service, clock, "Ada Lovelace").id)
    keys = [
        " ".join(str(v) for k, v in item.items() if k in ("pk", "sk", "gsi3pk", "gsi3sk"))
        for item in store.client.scan(TableName=store.table)["Items"]  # test code only
    ]
    trust = [k for k in keys if "TRUST#" in k]
    assert trust and not any("ada" in k.lower() or "lovelace" in k.lower() for k in trust)
