"""The site's spam memory on both backends: what moderators mark spam holds or blocks the next one."""
from __future__ import annotations

import pytest

from chalicelib import spam
from chalicelib.storage import marshal, memory_key, unmarshal
from tests.conftest import comment_data, make_service, make_site

DAY = 86400
PLAIN = "Thanks, this helped my lower back a lot. I will try the stretches tonight."


class RecordingEngine:
    """The real engine, remembering the spam memory the service handed it and what it decided."""

    def __init__(self):
        self.memory: spam.SiteMemory | None = None
        self.verdict: spam.Verdict | None = None

    def __call__(self, submission, rules=None, learned=None, memory=None):
        self.memory = memory
        self.verdict = spam.evaluate(submission, rules, learned, memory)
        return self.verdict

    @property
    def rules(self) -> set[str]:
        return {r.rule for r in self.verdict.reasons}


@pytest.fixture
def engine():
    return RecordingEngine()


@pytest.fixture
def service(store, keyring, clock, engine):
    make_site(store, moderation="auto")
    return make_service(store, keyring, clock, engine=engine)


def send(service, clock, email="spammer@example.com", ip="198.51.100.7", **overrides):
    clock.advance(30)  # past the flood window
    data = comment_data(email=email, content=overrides.pop("content", f"{PLAIN} ({clock.now})"), **overrides)
    return service.submit("blog", data, ip=ip, user_agent="UA/1")


def mark(service, comment_id, action="spam"):
    return service.act("blog", comment_id, action, service.get("blog", comment_id).version).model_dump(mode="json")


def memory_item(service, tag):
    store = service.store
    item = store.client.get_item(TableName=store.table, Key=marshal(memory_key("blog", tag)), ConsistentRead=True)
    return unmarshal(item["Item"]) if "Item" in item else None


def tags(service, comment_id):
    return service.store.get_comment("blog", comment_id).spam_marks


def test_an_email_marked_spam_blocks_its_next_comment(service, clock, engine):
    first = send(service, clock)
    assert first.result.status == "approved" and engine.memory == spam.SiteMemory()
    mark(service, first.result.id)
    second = send(service, clock, ip="192.0.2.1", post_id="another-post")
    assert engine.memory.email == 1 and "memory-email" in engine.rules
    assert second.decision in ("spam", "discard") and second.result.status == "pending"
    send(service, clock, email="someone.else@example.com", ip="192.0.2.2")
    assert engine.memory == spam.SiteMemory() and not {"memory-email", "memory-ip"} & engine.rules


def test_a_domain_marked_spam_holds_or_blocks_the_next_link_to_it(service, clock, engine):
    site = "https://backcare-notes.example/stretches"
    first = send(service, clock, url=site)
    mark(service, first.result.id)
    later = send(service, clock, email="other@example.com", ip="192.0.2.3", url="http://www.backcare-notes.example/")
    assert engine.memory.domains == ("backcare-notes.example",) and "memory-domain" in engine.rules
    assert later.decision != "approve" and later.result.status == "pending"
    send(service, clock, email="third@example.com", ip="192.0.2.4", url="https://elsewhere.example/")
    assert engine.memory == spam.SiteMemory()


def test_an_ip_marked_spam_holds_only(service, clock, engine):
    mark(service, send(service, clock).result.id)
    # The same IP, a new person with other words (the same words would also meet what the site learned).
    neighbour = send(service, clock, email="neighbour@example.com", content="I tried the second stretch and my knee feels better.")
    assert engine.memory == spam.SiteMemory(ip=1)
    assert neighbour.decision == "hold" and "memory-ip" in engine.rules


def test_a_loopback_caller_is_not_remembered(service, clock, engine):
    # make run's local server sees every browser as 127.0.0.1: one spam mark there must not hold
    # every later comment on the demo.
    mark(service, send(service, clock, ip="127.0.0.1").result.id)
    neighbour = send(service, clock, email="neighbour@example.com", ip="127.0.0.1",
                     content="I tried the second stretch and my knee feels better.")
    assert engine.memory == spam.SiteMemory() and "memory-ip" not in engine.rules
    assert neighbour.result.status == "approved"


def test_ham_takes_the_marks_back(service, clock, engine):
    first = send(service, clock, url="https://backcare-notes.example/")
    mark(service, first.result.id)
    marked = tags(service, first.result.id)
    assert {t[:2] for t in marked} == {"E#", "I#", "D#"}
    assert all(memory_item(service, t)["marks"] == 1 for t in marked)
    assert mark(service, first.result.id, "ham")["status"] == "approved"
    assert all(memory_item(service, t)["marks"] == 0 for t in marked)
    assert tags(service, first.result.id) == []
    again = send(service, clock, url="https://backcare-notes.example/")
    assert engine.memory == spam.SiteMemory() and again.result.status == "approved"


def test_each_comment_marks_once_in_bulk_too(service, clock):
    ids = [send(service, clock).result.id for _ in range(3)]
    assert set(service.bulk("blog", "spam", ids).model_dump(mode="json")["results"].values()) == {"spam"}
    (email_tag,) = [t for t in tags(service, ids[0]) if t.startswith("E#")]
    assert memory_item(service, email_tag)["marks"] == 3
    mark(service, ids[0], "approve")  # not a lesson: the mark stays, and a new spam mark does not add one
    mark(service, ids[0], "spam")
    assert memory_item(service, email_tag)["marks"] == 3
    mark(service, ids[1], "ham")
    assert memory_item(service, email_tag)["marks"] == 2


def test_the_memory_expires_after_the_site_setting(store, keyring, clock, engine):
    make_site(store, moderation="auto", spam_memory_days=5)
    service = make_service(store, keyring, clock, engine=engine)
    first = send(service, clock)
    mark(service, first.result.id)
    for tag in tags(service, first.result.id):
        assert memory_item(service, tag)["expires_at"] == int(clock.now) + 5 * DAY
    clock.advance(6 * DAY)  # past its TTL, before DynamoDB got round to deleting it
    send(service, clock)
    assert engine.memory == spam.SiteMemory() and not {"memory-email", "memory-ip"} & engine.rules


def test_no_memory_when_the_site_turns_it_off(store, keyring, clock, engine):
    make_site(store, moderation="auto", spam_memory_days=0)
    service = make_service(store, keyring, clock, engine=engine)
    first = send(service, clock)
    mark(service, first.result.id)
    assert tags(service, first.result.id) == []
    send(service, clock)
    assert engine.memory == spam.SiteMemory()


def test_erasure_forgets_the_email_but_not_the_domain(service, clock, engine):
    first = send(service, clock, url="https://backcare-notes.example/")
    mark(service, first.result.id)
    (email_tag,) = [t for t in tags(service, first.result.id) if t.startswith("E#")]
    (domain_tag,) = [t for t in tags(service, first.result.id) if t.startswith("D#")]
    assert service.erase("blog", "spammer@example.com").model_dump(mode="json") == {"erased": 1}
    assert memory_item(service, email_tag) is None
    assert memory_item(service, domain_tag)["marks"] == 1  # the site's knowledge, not that person's data


def test_no_stored_key_holds_a_plain_email_ip_or_domain(service, clock, store):
    comment = send(service, clock, email="Plain.Person@Example.com", url="https://backcare-notes.example/")
    mark(service, comment.result.id)
    send(service, clock, email="plain.person@example.com", url="https://backcare-notes.example/x")
    key_fields = ("pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk")
    plain = ("plain.person", "example.com", "198.51.100.7", "backcare", "notes.example")
    memory = 0
    for raw in store.client.scan(TableName=store.table)["Items"]:  # test code only
        item = unmarshal(raw)
        keys = " ".join(str(item.get(f, "")) for f in key_fields) + " " + " ".join(item.get("spam_marks", []))
        assert not any(p in keys.lower() for p in plain), keys
        memory += item["pk"].startswith("MEMORY#")
    assert memory == 3
