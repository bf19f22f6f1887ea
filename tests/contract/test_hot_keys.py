"""No hot key on the write path, on moto and DynamoDB Local: the sharded queue keeps its order and its
cursors, sharded counts converge after concurrent approvals, LEARNED is read once per warm function."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.storage import COUNT_SHARDS, QUEUE_INDEX, QUEUE_SHARDS
from tests.conftest import comment_data, make_service, make_site


@pytest.fixture
def busy(store, keyring, clock):
    make_site(store, flood_seconds=0)
    return make_service(store, keyring, clock)


def submit_many(service, clock, n: int, post_id: str = "hello-world", tag: str = "") -> list[str]:
    ids = []
    for i in range(n):
        clock.advance(0.003 * (i % 3 + 1))  # ids a few ms apart, some in the same shard, some not
        data = comment_data(post_id=post_id, author=f"Reader {tag}{i}", email=f"r{tag}{i}@example.com",
                            content=f"Remark number {tag}{i}.")
        ids.append(service.submit("blog", data, ip=f"203.0.113.{i % 250}").result.id)
    return ids


def test_the_sharded_queue_pages_newest_first_without_gaps_or_repeats(busy, store, clock):
    ids = submit_many(busy, clock, 23)
    shards = {store.client.get_item(TableName=store.table, Key={"pk": {"S": f"COMMENT#blog#{i}"}, "sk": {"S": "COMMENT"}})
              ["Item"]["gsi2pk"]["S"] for i in ids}
    assert len(shards) > 1 and all(pk.startswith("QUEUE#blog#pending#") for pk in shards)  # really spread
    seen, cursor, pages = [], None, 0
    while True:
        page = busy.queue("blog", "pending", limit=5, cursor=cursor).model_dump(mode="json")
        seen += [c["id"] for c in page["comments"]]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
        assert len(page["comments"]) == 5
    assert seen == sorted(ids, reverse=True)  # every comment once, newest first across shards
    assert pages == 5
    # A comment that arrives while the moderator pages shows on the first page, not in the middle.
    first = busy.queue("blog", "pending", limit=5).model_dump(mode="json")
    late = submit_many(busy, clock, 1, tag="late")[0]
    assert busy.queue("blog", "pending", limit=5, cursor=first["next_cursor"]).model_dump(mode="json")["comments"][0]["id"] == seen[5]
    assert busy.queue("blog", "pending", limit=5).model_dump(mode="json")["comments"][0]["id"] == late


def test_a_full_last_page_hands_out_no_cursor_and_tab_counts_add_the_shards(busy, clock):
    ids = submit_many(busy, clock, 2 * QUEUE_SHARDS)
    page = busy.queue("blog", "pending", limit=len(ids)).model_dump(mode="json")
    assert [c["id"] for c in page["comments"]] == sorted(ids, reverse=True) and page["next_cursor"] is None
    assert busy.store.count_queue("blog", "pending", 1000) == len(ids)
    assert busy.store.count_queue("blog", "pending", 3) == 4  # stops just past the cap, over all shards


def queue_entries_read(store, monkeypatch) -> list[int]:
    """How many queue index entries each Query on the queue index gives, from now on."""
    reads: list[int] = []
    call = store._call

    def counting(operation, **kwargs):
        answer = call(operation, **kwargs)
        if operation == "query" and kwargs.get("IndexName") == QUEUE_INDEX:
            reads.append(len(answer.get("Items", [])))
        return answer

    monkeypatch.setattr(store, "_call", counting)
    return reads


def test_a_page_reads_about_its_share_of_each_shard_not_a_page_of_each(busy, store, clock, monkeypatch):
    ids = submit_many(busy, clock, 120)
    reads = queue_entries_read(store, monkeypatch)
    page = busy.queue("blog", "pending", limit=50).model_dump(mode="json")
    assert [c["id"] for c in page["comments"]] == sorted(ids, reverse=True)[:50] and page["next_cursor"]
    assert 51 <= sum(reads) < 2 * 51  # 8 shards x 51 = 408 before; a page and a cursor's worth is 51
    reads.clear()
    rest = busy.queue("blog", "pending", limit=50, cursor=page["next_cursor"]).model_dump(mode="json")
    assert [c["id"] for c in rest["comments"]] == sorted(ids, reverse=True)[50:100] and sum(reads) < 2 * 51


def test_a_queue_all_in_one_shard_still_pages_newest_first(busy, store, clock, monkeypatch):
    # Ids spread evenly over the shards; if they did not, the shard that holds back the merge is read on.
    from chalicelib.storage import codec

    monkeypatch.setattr(codec, "queue_shard", lambda comment_id: 3)
    ids = submit_many(busy, clock, 17)
    seen, cursor = [], None
    for size in (5, 1, 7, 5):
        page = busy.queue("blog", "pending", limit=size, cursor=cursor).model_dump(mode="json")
        seen += [c["id"] for c in page["comments"]]
        cursor = page["next_cursor"]
    assert seen == sorted(ids, reverse=True) and cursor is None


def test_counts_converge_after_concurrent_approvals(busy, clock, request):
    ids = submit_many(busy, clock, 24, post_id="viral")
    workers = 1 if "[moto]" in request.node.name else 8  # moto is not thread-safe; DynamoDB Local is a server

    def act(action):
        def one(comment_id):
            version = busy.get("blog", comment_id).version
            return busy.act("blog", comment_id, action, version).status
        return one

    with ThreadPoolExecutor(max_workers=workers) as pool:
        assert set(pool.map(act("approve"), ids)) == {"approved"}
    assert busy.counts("blog", ["viral", "other"]) == {"viral": 24, "other": 0}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        assert set(pool.map(act("hold"), ids[:10])) == {"pending"}
    assert busy.counts("blog", ["viral"]) == {"viral": 14}
    page = busy.list_public("blog", "viral", limit=5).model_dump(mode="json")
    assert page["count"] == 14 and page["next_cursor"]


def test_a_count_from_before_the_shards_still_counts(busy, store, clock):
    from chalicelib.storage import count_key, marshal

    store.client.put_item(TableName=store.table, Item=marshal({**count_key("blog", "old-post"), "approved": 5}))
    ids = submit_many(busy, clock, 2, post_id="old-post")
    for comment_id in ids:
        busy.act("blog", comment_id, "approve", 1)
    assert busy.counts("blog", ["old-post"]) == {"old-post": 7}
    assert COUNT_SHARDS > 1


def test_learned_counts_are_read_once_per_warm_function_and_after_a_lesson(busy, store, clock):
    reads = []
    original = store.load_submission_context

    def spy(*args, **kwargs):
        reads.append(kwargs.get("with_learned", True))
        return original(*args, **kwargs)

    store.load_submission_context = spy
    ids = submit_many(busy, clock, 3)
    assert reads == [True, False, False]
    busy.act("blog", ids[0], "spam", 1)  # a lesson: this function must see it at once
    submit_many(busy, clock, 1, tag="after")
    assert reads[-1] is True


def test_comments_from_before_the_shards_join_the_queue_after_reshard(busy, store, clock):
    ids = submit_many(busy, clock, 3)
    for comment_id in ids:  # as an older version indexed them
        store.client.update_item(TableName=store.table, Key={"pk": {"S": f"COMMENT#blog#{comment_id}"}, "sk": {"S": "COMMENT"}},
                                 UpdateExpression="SET gsi2pk = :old", ExpressionAttributeValues={":old": {"S": "QUEUE#blog#pending"}})
    assert busy.queue("blog", "pending").model_dump(mode="json")["comments"] == []
    assert store.reshard_queue("blog") == 3
    assert [c["id"] for c in busy.queue("blog", "pending").model_dump(mode="json")["comments"]] == sorted(ids, reverse=True)
    assert store.reshard_queue("blog") == 0


def test_a_lesson_adds_to_small_learned_parts_and_older_counts_still_count(busy, store, clock):
    from chalicelib.storage import LEARNED_PARTS, learned_key, learned_part_key, marshal, unmarshal

    old = {**learned_key("blog"), "spam_docs": 2, "s#1": 3}
    store.client.put_item(TableName=store.table, Item=marshal(old))
    ids = submit_many(busy, clock, 1, tag="lesson")
    busy.act("blog", ids[0], "spam", 1)
    parts = [store.client.get_item(TableName=store.table, Key=marshal(learned_part_key("blog", n))).get("Item")
             for n in range(LEARNED_PARTS)]
    written = [unmarshal(p) for p in parts if p]
    assert len(written) > 1  # the comment's keys went to several parts, each its own partition
    assert unmarshal(store.client.get_item(TableName=store.table, Key=marshal(learned_key("blog")))["Item"]) == old
    context = store.load_submission_context("blog", "nobody", None, False)
    assert context.learned["spam_docs"] == 3 and context.learned["s#1"] >= 3
    taught = sum(1 for item in written for name in item if name.startswith("s#"))
    assert sum(1 for name in context.learned if name.startswith("s#")) >= taught


def count_due_records(dues):
    """The stream's INSERT records of COUNTDUE items, as Lambda hands them to the notifier."""
    from chalicelib.storage import marshal

    return {"Records": [{"eventName": "INSERT", "dynamodb": {"NewImage": marshal(due), "SequenceNumber": str(n)}}
                        for n, due in enumerate(dues, 1)]}


def test_counts_converge_when_the_stream_settles_what_requests_could_not(busy, store, clock, keyring, request, monkeypatch):
    from chalicelib.notify import Notifier
    from chalicelib.storage import marshal

    ids = submit_many(busy, clock, 16, post_id="viral")
    workers = 1 if "[moto]" in request.node.name else 8
    left: list[dict] = []  # every request dies before settling its count: the stream must do it all
    monkeypatch.setattr(type(store), "_settle_count", lambda self, due: due and left.append(due))

    def act(action):
        def one(comment_id):
            return busy.act("blog", comment_id, action, busy.get("blog", comment_id).version).status
        return one

    with ThreadPoolExecutor(max_workers=workers) as pool:
        assert set(pool.map(act("approve"), ids)) == {"approved"}
        assert set(pool.map(act("trash"), ids[:4])) == {"trash"}
        list(pool.map(lambda i: busy.delete("blog", i), ids[4:7]))
    assert busy.counts("blog", ["viral"]) == {"viral": 0}  # nothing settled yet
    assert len(left) == 16 + 4 + 3

    notifier = Notifier(store, keyring, lambda **_: None, "https://api.example", clock=clock)
    records = count_due_records(left)
    # A spam comment's TTL deletion reaches the handler too (a REMOVE by DynamoDB's service): no count moves.
    records["Records"].append({"eventName": "REMOVE", "userIdentity": {"type": "Service", "principalId": "dynamodb.amazonaws.com"},
                               "dynamodb": {"OldImage": marshal({"pk": "COMMENT#blog#X", "sk": "COMMENT", "status": "spam"}),
                                            "SequenceNumber": "999"}})
    assert notifier.handle(records) == {"batchItemFailures": []}
    assert busy.counts("blog", ["viral"]) == {"viral": 16 - 4 - 3}
    notifier.handle(records)  # the stream delivers at least once: a repeat settles nothing twice
    assert busy.counts("blog", ["viral"]) == {"viral": 9}
    assert busy.list_public("blog", "viral", limit=50).model_dump(mode="json")["count"] == 9 == len(busy.list_public("blog", "viral", limit=50).model_dump(mode="json")["comments"])


def test_a_request_settles_its_own_count_and_the_stream_copy_is_a_no_op(busy, store, clock, keyring):
    from chalicelib.notify import Notifier

    dues: list[dict] = []
    settle = type(store)._settle_count

    def keep(self, due):
        dues.append(due)
        settle(self, due)

    type(store)._settle_count = keep
    try:
        comment_id = submit_many(busy, clock, 1, post_id="quiet")[0]
        busy.act("blog", comment_id, "approve", 1)
    finally:
        type(store)._settle_count = settle
    assert busy.counts("blog", ["quiet"]) == {"quiet": 1}  # at once, no stream needed (make run has none)
    notifier = Notifier(store, keyring, lambda **_: None, "https://api.example", clock=clock)
    assert notifier.handle(count_due_records([d for d in dues if d])) == {"batchItemFailures": []}
    assert busy.counts("blog", ["quiet"]) == {"quiet": 1}


def test_a_table_whose_queue_index_projects_whole_items_pages_the_same(store, keyring, clock):
    # Tables made before the queue index held keys only keep their projection (an index's projection
    # cannot change in place): the queue reads both alike.
    import uuid

    from chalicelib.storage import DynamoStore, QUEUE_INDEX, table_schema

    schema = table_schema()
    for index in schema["GlobalSecondaryIndexes"]:
        if index["IndexName"] == QUEUE_INDEX:
            assert index["Projection"] == {"ProjectionType": "KEYS_ONLY"}
            index["Projection"] = {"ProjectionType": "ALL"}
    old = DynamoStore(store.client, f"replybox-old-{uuid.uuid4().hex[:8]}")
    store.client.create_table(TableName=old.table, **schema)
    try:
        old.create_table()  # finds it, waits (bounded), adds TTL: never rebuilds the index
        make_site(old, flood_seconds=0)
        service = make_service(old, keyring, clock)
        ids = submit_many(service, clock, 6)
        service.act("blog", ids[0], "approve", 1)
        page = service.queue("blog", "pending", limit=3).model_dump(mode="json")
        assert [c["id"] for c in page["comments"]] == sorted(ids[1:], reverse=True)[:3]
        assert page["comments"][0]["email"] and page["comments"][0]["content"]  # the full moderator view
        rest = service.queue("blog", "pending", limit=3, cursor=page["next_cursor"]).model_dump(mode="json")
        assert [c["id"] for c in rest["comments"]] == sorted(ids[1:], reverse=True)[3:]
        assert [c["id"] for c in service.queue("blog", "approved").model_dump(mode="json")["comments"]] == [ids[0]]
        description = store.client.describe_table(TableName=old.table)["Table"]
        queue = next(i for i in description["GlobalSecondaryIndexes"] if i["IndexName"] == QUEUE_INDEX)
        assert queue["Projection"]["ProjectionType"] == "ALL"
    finally:
        store.client.delete_table(TableName=old.table)


def test_a_queue_page_reads_its_comments_by_key_from_a_keys_only_index(busy, store, clock):
    ids = submit_many(busy, clock, 5)
    from chalicelib.storage import queue_pk, queue_shard

    entry = store.client.query(
        TableName=store.table, IndexName="queue", KeyConditionExpression="gsi2pk = :pk",
        ExpressionAttributeValues={":pk": {"S": queue_pk("blog", "pending", queue_shard(ids[0]))}},
    )["Items"][0]
    assert set(entry) == {"pk", "sk", "gsi2pk", "gsi2sk"}  # ~100 B an entry, not the comment
    page = busy.queue("blog", "pending", limit=5).model_dump(mode="json")
    assert [c["id"] for c in page["comments"]] == sorted(ids, reverse=True)
    assert all(c["email"] == "r" + c["author"].split()[-1] + "@example.com" for c in page["comments"])
