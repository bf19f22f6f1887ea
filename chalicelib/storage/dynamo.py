"""DynamoStore: every read and write of the table, through a low-level boto3 client."""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Iterable

from ..errors import (
    ConflictError,
    DuplicateError,
    FloodError,
    NotFoundError,
    StorageUnavailableError,
)
from .codec import (
    comment_from_item,
    comment_item,
    lesson_counters,
    marshal,
    merged_learned,
    network_item,
    site_from_item,
    trust_item,
    unmarshal,
)
from .records import EmailFlooded, Effects, Guards, IdempotentReplay, ImportEntry, Lesson, SubmissionContext
from .schema import (
    COUNT_SHARDS,
    DISCARD_SHARDS,
    EMAIL_INDEX,
    IDEMPOTENCY_SECONDS,
    LEARNED_PARTS,
    META_INDEX_SET,
    PUBLIC_INDEX,
    QUEUE_INDEX,
    QUEUE_SHARDS,
    TTL_ATTRIBUTE,
    meta_index_values,
    comment_key,
    count_due_key,
    count_key,
    digest_due_key,
    digest_due_pk,
    digest_window_key,
    discards_key,
    duplicate_key,
    email_pk,
    flood_key,
    idempotency_key,
    learned_key,
    learned_part_key,
    mail_cap_key,
    mailed_key,
    learned_part,
    memory_key,
    network_key,
    notified_key,
    origin_key,
    post_meta_key,
    public_pk,
    queue_pk,
    queue_shard,
    site_key,
    subscription_key,
    table_schema,
    token_key,
    token_name_key,
    trust_key,
)
from .transact import Transaction

if TYPE_CHECKING:
    from ..models import Comment, Site


_RETRYABLE = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "TransactionInProgressException",
    "LimitExceededException",
}


class DynamoStore:
    """The Store on a DynamoDB table through a low-level boto3 client."""

    def __init__(self, client: Any, table: str):
        self.client = client
        self.table = table

    # -- errors at the edge --
    def _call(self, operation: str, **kwargs: Any) -> dict:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self.client, operation)(**kwargs)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in _RETRYABLE or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500:
                raise StorageUnavailableError(code) from exc
            raise
        except BotoCoreError as exc:  # connection refused, timeouts, ...
            raise StorageUnavailableError(type(exc).__name__) from exc

    # -- schema --
    def create_table(self) -> None:
        """Create the table with its indexes and TTL unless they exist, then wait until it is ACTIVE.

        Safe to repeat and to race: a table that exists, or that another caller (or an earlier attempt
        whose answer timed out) is creating, is waited for, not created twice.
        """
        from botocore.exceptions import ClientError, ReadTimeoutError

        try:
            self.client.describe_table(TableName=self.table)
        except ClientError as exc:
            if _error_code(exc) != "ResourceNotFoundException":
                raise
            try:
                self.client.create_table(TableName=self.table, **table_schema())
            except ReadTimeoutError:
                pass  # the request may still be creating it: the waiter below finds out
            except ClientError as exc:
                if _error_code(exc) != "ResourceInUseException":  # created meanwhile
                    raise
        self.client.get_waiter("table_exists").wait(TableName=self.table, WaiterConfig={"Delay": 1, "MaxAttempts": 120})
        ttl = self.client.describe_time_to_live(TableName=self.table)["TimeToLiveDescription"]
        if ttl.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
            try:
                self.client.update_time_to_live(
                    TableName=self.table,
                    TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
                )
            except ClientError as exc:  # enabled meanwhile by a racing caller
                if "already enabled" not in str(exc).lower():
                    raise

    # -- sites --
    def put_site(self, site: Site) -> None:
        item = {**site_key(site.slug), **site.model_dump()}
        self._call("put_item", TableName=self.table, Item=marshal(item))

    def get_site(self, slug: str) -> Site | None:
        item = self._call("get_item", TableName=self.table, Key=marshal(site_key(slug))).get("Item")
        return site_from_item(unmarshal(item)) if item else None

    # -- submission --
    def load_submission_context(
        self,
        site: str,
        author_hash: str,
        parent_id: str | None,
        with_site: bool,
        post_id: str | None = None,
        memory: Iterable[str] = (),
        with_learned: bool = True,
    ) -> SubmissionContext:
        """One BatchGetItem: trust, learned stats and the site (each unless cached), the parent (by id,
        or its ORIGIN item when named by an imported comment's old number), the post's META item and
        the comment's spam-memory items."""
        tags = list(dict.fromkeys(memory))
        keys = [trust_key(site, author_hash), *(memory_key(site, t) for t in tags)]
        if with_learned:
            keys += [learned_key(site), *(learned_part_key(site, n) for n in range(LEARNED_PARTS))]
        if with_site:
            keys.append(site_key(site))
        by_number = bool(parent_id and parent_id.isdigit())
        parent_key = (origin_key(site, parent_id) if by_number else comment_key(site, parent_id)) if parent_id else None
        if parent_key:
            keys.append(parent_key)
        if post_id:
            keys.append(post_meta_key(site, post_id))
        found = self._batch_get(keys)
        by_sk = {}
        for item in found:
            by_sk[(item["pk"], item["sk"])] = item
        site_item = by_sk.get(tuple(site_key(site).values()))
        parent_item = by_sk.get(tuple(parent_key.values())) if parent_key else None
        return SubmissionContext(
            site=site_from_item(site_item) if site_item else None,
            trusted=tuple(trust_key(site, author_hash).values()) in by_sk,
            learned=merged_learned(by_sk, site) if with_learned else None,
            parent=comment_from_item(parent_item) if parent_item and not by_number else None,
            parent_origin=parent_item if by_number else None,
            post_state=by_sk.get(tuple(post_meta_key(site, post_id).values())) if post_id else None,
            memory={t: by_sk[k] for t in tags if (k := tuple(memory_key(site, t).values())) in by_sk},
        )

    def _batch_get(self, keys: list[dict], projection: str | None = None, consistent: bool = False) -> list[dict]:
        """BatchGetItem of any number of keys (100 a call), following UnprocessedKeys with a short bounded backoff."""
        if len(keys) > 100:
            return [item for start in range(0, len(keys), 100)
                    for item in self._batch_get(keys[start : start + 100], projection, consistent)]
        request: dict = {"Keys": [marshal(k) for k in keys]}
        if projection:
            request["ProjectionExpression"] = projection
        if consistent:
            request["ConsistentRead"] = True
        pending = {self.table: request}
        items: list[dict] = []
        for attempt in range(5):
            answer = self._call("batch_get_item", RequestItems=pending)
            items.extend(unmarshal(i) for i in answer.get("Responses", {}).get(self.table, []))
            pending = answer.get("UnprocessedKeys") or {}
            if not pending:
                return items
            time.sleep(0.05 * 2**attempt)
        raise StorageUnavailableError("BatchGetItem left keys unprocessed")

    def _transaction(self) -> Transaction:
        return Transaction(self._call, self.table)

    def insert_comment(self, comment: Comment, guards: Guards) -> None:
        """Write a comment with its guards in one transaction; conditions decide dup/flood/replay.

        Steps go in the order their failures take precedence: a replay, then a vanished parent, a
        duplicate, an IP flood, an email flood; the comment's own items last."""
        now = int(guards.now)
        tx = self._transaction()
        if guards.idempotency_digest:
            self._add_idempotency(tx, comment, guards, now)
        if comment.parent_id:
            tx.check(
                comment_key(comment.site, comment.parent_id), "#status = :approved",
                names={"#status": "status"}, values={":approved": "approved"},
                failure=NotFoundError("the comment you reply to is not available"),
            )
        self._add_duplicate_guard(tx, comment, guards, now)
        if guards.flood_seconds > 0:
            self._add_flood_guards(tx, comment, guards, now)
        self._add_comment_items(tx, comment, guards, now)
        due = self._add_count_due(tx, comment, str(comment.version), 1) if comment.status == "approved" else None
        if guards.first_comment:  # only while the post has none: the hot post's META is not rewritten
            tx.update(
                post_meta_key(comment.site, comment.post_id),
                f"SET first_comment_at = if_not_exists(first_comment_at, :t), {META_INDEX_SET}",
                values={":t": comment.created_at, **meta_index_values(comment.site, comment.post_id)},
            )
        tx.commit()
        self._settle_count(due)

    def _add_comment_items(self, tx: Transaction, comment: Comment, guards: Guards, now: int) -> None:
        """The COMMENT item, its unconfirmed SUB item and its NET item: each new (an id taken: never)."""
        stored = ConflictError("the comment could not be stored; please send it again")
        tx.put(comment_item(comment), condition="attribute_not_exists(#pk)", names={"#pk": "pk"}, failure=stored)
        if guards.subscription:
            tx.put(guards.subscription, condition="attribute_not_exists(#pk)", names={"#pk": "pk"}, failure=stored)
        if guards.ip or guards.user_agent:
            expires_at = now + guards.retention_days * 86400
            if comment.expires_at:  # never after its comment (a spam verdict expires it)
                expires_at = min(expires_at, comment.expires_at)
            tx.put(network_item(comment, guards.ip, guards.user_agent, expires_at),
                   condition="attribute_not_exists(#pk)", names={"#pk": "pk"}, failure=stored)

    def _add_idempotency(self, tx: Transaction, comment: Comment, guards: Guards, now: int) -> None:
        digest = guards.idempotency_digest or ""

        def replay(old: dict) -> Exception:
            first = old or self.get_idempotent(comment.site, digest) or {}
            return IdempotentReplay(first.get("answer") or {}, first.get("request"))

        tx.put(
            {
                **idempotency_key(comment.site, digest),
                "answer": guards.idempotent_answer or {},
                "request": guards.request_digest,
                "gsi3pk": email_pk(comment.site, guards.email_hash),
                "gsi3sk": comment.id,
                "expires_at": now + IDEMPOTENCY_SECONDS,
            },
            condition="attribute_not_exists(#pk)", names={"#pk": "pk"}, failure=replay,
        )

    def _add_duplicate_guard(self, tx: Transaction, comment: Comment, guards: Guards, now: int) -> None:
        from ..i18n import deferred  # gettext and json load with the first submission, not the stream handler

        tx.put(
            {
                **duplicate_key(comment.site, comment.post_id, guards.duplicate_digest),
                "comment_id": comment.id,
                # A moderator's reply has no email: its guard is no one's personal datum.
                **({"gsi3pk": email_pk(comment.site, guards.email_hash), "gsi3sk": comment.id} if guards.email_hash else {}),
                "expires_at": comment.expires_at,  # the guard lives as long as its comment
            },
            # A guard past its TTL belongs to a spam/trash comment DynamoDB has yet to delete: free.
            condition="attribute_not_exists(#pk) OR #expires < :now",
            names={"#pk": "pk", "#expires": "expires_at"},
            values={":now": now},
            failure=DuplicateError(deferred("you already left this comment on this post")),
        )

    def _add_flood_guards(self, tx: Transaction, comment: Comment, guards: Guards, now: int) -> None:
        """The IP's guard answers 429 with the time left; the email's holds the comment (EmailFlooded),
        and once the service held it the email's guard is just renewed."""
        until = now + guards.flood_seconds
        free, names, values = "attribute_not_exists(#pk) OR #until <= :now", {"#pk": "pk", "#until": "until"}, {":now": now}

        def flooded(old: dict) -> Exception:
            left = int(old["until"]) - now if "until" in old else guards.flood_seconds
            return FloodError(max(1, min(guards.flood_seconds, left)))

        if guards.ip_hash:
            guard = {**flood_key(comment.site, "I", guards.ip_hash), "until": until, "expires_at": until + 60}
            tx.put(guard, condition=free, names=names, values=values, failure=flooded)
        if guards.email_hash:
            guard = {**flood_key(comment.site, "E", guards.email_hash), "until": until, "expires_at": until + 60}
            if guards.email_flood_held:
                tx.put(guard)
            else:
                tx.put(guard, condition=free, names=names, values=values, failure=EmailFlooded())

    # -- counts: a COUNTDUE item rides in the comment's transaction, a shard takes it after --
    def _add_count_due(self, tx: Transaction, comment: Comment, change: str, delta: int) -> dict:
        """Put the COUNTDUE item of a change of the post's count; returns it, to settle after the commit.
        It has a key of its own, so concurrent approvals of one post never meet in their transactions
        (a COUNT shard in each did: conflicts)."""
        due = {**count_due_key(comment.site, comment.id, change), "site": comment.site, "post_id": comment.post_id,
               "delta": delta}
        tx.put(due)
        return due

    def _settle_count(self, due: dict | None) -> None:
        """Add a just-committed COUNTDUE to its shard now; if that fails, the stream handler does it."""
        if due is None:
            return
        from botocore.exceptions import ClientError

        try:
            self.settle_count(due)
        except (StorageUnavailableError, ClientError) as exc:
            from ..logs import log_event

            log_event("warning", route="storage:settle_count", error=type(exc).__name__)

    def settle_count(self, due: dict, now: float | None = None) -> bool:
        """Add a COUNTDUE item's delta to a random shard of its post's count and mark the item settled
        (TTL deletes it two days on, past the stream's 24 h), in one transaction; False when it was
        settled already: the request and the stream handler both try, only one wins, so counts are
        exact however often each tries."""
        tx = self._transaction()
        tx.update({"pk": due["pk"], "sk": due["sk"]}, "SET settled = :t, expires_at = :e",
                  condition="attribute_exists(pk) AND attribute_not_exists(settled)",
                  values={":t": True, ":e": int(now or time.time()) + 2 * 86400}, failure=_Settled())
        self._add_count(tx, due["site"], due["post_id"], int(due["delta"]))
        try:
            tx.commit()
        except _Settled:
            return False
        return True

    def _add_count(self, tx: Transaction, site: str, post_id: str, delta: int) -> None:
        """ADD to one of the post's count shards, at random: the count is their sum, wherever each went."""
        import random

        tx.update(count_key(site, post_id, random.randrange(COUNT_SHARDS)), "ADD approved :d", values={":d": delta})

    def get_idempotent(self, site: str, digest: str) -> dict | None:
        """The IDEM item of a key: {"answer", "request"} (what was answered, and to which request)."""
        item = self._call(
            "get_item", TableName=self.table, Key=marshal(idempotency_key(site, digest)), ConsistentRead=True
        ).get("Item")
        return unmarshal(item) if item else None

    # -- reading comments --
    def get_comment(self, site: str, comment_id: str, *, full: bool = False) -> Comment | None:
        if not full:
            item = self._call(
                "get_item", TableName=self.table, Key=marshal(comment_key(site, comment_id)), ConsistentRead=True
            ).get("Item")
            return comment_from_item(unmarshal(item)) if item else None
        answer = self._call(
            "query",
            TableName=self.table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues=marshal({":pk": comment_key(site, comment_id)["pk"]}),
            ConsistentRead=True,
        )
        items = {i["sk"]: i for i in map(unmarshal, answer.get("Items", []))}
        if "COMMENT" not in items:
            return None
        return comment_from_item(items["COMMENT"], items.get("NET"))

    def _query_page(
        self, index: str, key: str, value: str, *, forward: bool, limit: int, start: dict | None, head: str = ""
    ) -> tuple[list[dict], dict | None]:
        """One page of a Query on an index partition; the start key of the next page or None.

        It asks for one item more than the page: DynamoDB's own LastEvaluatedKey is set whenever the
        page is full, so a post with exactly `limit` comments would hand out a cursor to nothing.
        `head` names the sk of an item that sorts first in the partition and is not part of the page
        (a post's META): on the first page it is asked for too and returned first, apart.
        """
        lift = bool(head) and not start
        kwargs: dict = dict(
            TableName=self.table,
            IndexName=index,
            KeyConditionExpression=f"{key} = :pk",
            ExpressionAttributeValues=marshal({":pk": value}),
            ScanIndexForward=forward,
            Limit=limit + 1 + lift,
        )
        if start:
            kwargs["ExclusiveStartKey"] = marshal(start)
        answer = self._call("query", **kwargs)
        items = [unmarshal(i) for i in answer.get("Items", [])]
        lifted = [items.pop(0)] if lift and items and items[0].get("sk") == head else []
        if len(items) > limit:
            items = items[:limit]
            sort_key = key[:-2] + "sk"  # gsi1pk -> gsi1sk
            return lifted + items, {name: items[-1][name] for name in ("pk", "sk", key, sort_key)}
        last = answer.get("LastEvaluatedKey")  # only when DynamoDB stopped at its 1 MB page size
        return lifted + items, unmarshal(last) if last else None

    def list_public(self, site: str, post_id: str, limit: int, start: dict | None) -> tuple[list[dict], dict | None]:
        """Approved comments of a post; on the first page the post's META item comes first (sk META):
        it sorts before every id in the public index, so the closed state costs no second read."""
        return self._query_page(
            PUBLIC_INDEX, "gsi1pk", public_pk(site, post_id), forward=True, limit=limit, start=start, head="META"
        )

    def count_approved(self, site: str, post_ids: list[str]) -> dict[str, int]:
        counts = {post_id: 0 for post_id in post_ids}
        if not counts:
            return counts
        keys = {}
        for post_id in counts:
            for shard in (None, *range(COUNT_SHARDS)):
                keys[count_key(site, post_id, shard)["pk"]] = post_id
        found = self._batch_get([{"pk": pk, "sk": "COUNT"} for pk in keys], projection="pk, sk, approved")
        for item in found:
            counts[keys[item["pk"]]] += int(item.get("approved", 0))
        return {post_id: max(count, 0) for post_id, count in counts.items()}

    def list_queue(self, site: str, status: str, limit: int, start: dict | None) -> tuple[list[Comment], dict | None]:
        """A page of a status's queue, newest first: its shards merged by id. The cursor is the last id
        shown; each shard is read from just before it, so no comment is skipped or shown twice.

        Each shard is read a little past its share of the page first (ids spread evenly over the
        shards), then only the shard that holds back the merge is read further: a page of 50 reads
        about 90 index entries, not 8 x 51."""
        before = (start or {}).get("before")
        want = limit + 1  # one more than the page tells whether another follows
        share = -(-3 * want // (2 * QUEUE_SHARDS)) + 1  # its share of the page, and half as much again
        read: list[dict] = []
        unread: dict[int, tuple[str, dict]] = {}  # shard -> (its last id read, where to go on), while it has more

        def read_shard(shard: int, size: int, go_on: dict | None) -> None:
            page, more = self._queue_shard(site, status, shard, size, before, go_on)
            read.extend(page)
            if more:  # nothing given yet (DynamoDB may stop short): nothing of it is known
                unread[shard] = (page[-1]["gsi2sk"] if page else unread.get(shard, (before or "\U0010ffff",))[0], more)
            else:
                unread.pop(shard, None)

        for shard in range(QUEUE_SHARDS):
            read_shard(shard, share, None)
        while True:
            # Whatever a shard has not given yet is older than the last id it gave: the merge is known
            # down to the newest such id.
            floor = max((last for last, _ in unread.values()), default="")
            known = sorted((i for i in read if i["gsi2sk"] >= floor), key=lambda i: i["gsi2sk"], reverse=True)
            if len(known) >= want or not unread:
                break
            holding = max(unread, key=lambda shard: unread[shard][0])
            read_shard(holding, max(share, want - len(known)), unread[holding][1])
        items = known[:limit]
        more = len(known) > limit
        last = {"before": items[-1]["gsi2sk"]} if more and items else None
        # The index holds keys only (a table made before it holds whole items: used as they are).
        keys_only = bool(items) and "status" not in items[0]
        wanted = [network_key(site, i["gsi2sk"]) for i in items]
        if keys_only:
            wanted += [{"pk": i["pk"], "sk": i["sk"]} for i in items]
        found = self._batch_get(wanted) if items else []
        networks = {f["pk"]: f for f in found if f.get("sk") == "NET"}
        if keys_only:
            # The index trails the table a little: a comment deleted or moved on since is not shown.
            full = {f["pk"]: f for f in found if f.get("sk") == "COMMENT"}
            items = [full[i["pk"]] for i in items if full.get(i["pk"], {}).get("status") == status]
        return [comment_from_item(i, networks.get(i["pk"])) for i in items], last

    def get_comments(self, site: str, comment_ids: list[str]) -> dict[str, Comment]:
        """Comments by id (without their network items); missing ones are left out."""
        if not comment_ids:
            return {}
        found = self._batch_get([comment_key(site, i) for i in comment_ids])
        return {item["id"]: comment_from_item(item) for item in found if item.get("sk") == "COMMENT"}

    def _queue_shard(
        self, site: str, status: str, shard: int, limit: int, before: str | None, go_on: dict | None
    ) -> tuple[list[dict], dict | None]:
        """Up to `limit` entries of one queue shard older than `before`, newest first, from `go_on` (where
        an earlier read of it stopped); and where to go on, while DynamoDB says there may be more."""
        condition, values = "gsi2pk = :pk", {":pk": queue_pk(site, status, shard)}
        if before:
            condition, values[":before"] = condition + " AND gsi2sk < :before", before
        kwargs: dict = {"ExclusiveStartKey": go_on} if go_on else {}
        answer = self._call(
            "query", TableName=self.table, IndexName=QUEUE_INDEX, KeyConditionExpression=condition,
            ExpressionAttributeValues=marshal(values), ScanIndexForward=False, Limit=limit, **kwargs,
        )
        return [unmarshal(i) for i in answer.get("Items", [])], answer.get("LastEvaluatedKey")

    def reshard_queue(self, site: str) -> int:
        """Move comments indexed under the unsharded queue key (QUEUE#{site}#{status}, before the
        shards) onto their shard; returns how many. A Query on the old key each page: no Scan."""
        from ..models import STATUSES

        moved = 0
        for status in STATUSES:
            while True:
                answer = self._call(
                    "query", TableName=self.table, IndexName=QUEUE_INDEX, KeyConditionExpression="gsi2pk = :pk",
                    ExpressionAttributeValues=marshal({":pk": f"QUEUE#{site}#{status}"}), Limit=100,
                )
                items = [unmarshal(i) for i in answer.get("Items", [])]
                if not items:
                    break
                for item in items:
                    self._call(
                        "update_item", TableName=self.table, Key=marshal({"pk": item["pk"], "sk": item["sk"]}),
                        UpdateExpression="SET gsi2pk = :new", ConditionExpression="gsi2pk = :old",
                        ExpressionAttributeValues=marshal({":new": queue_pk(site, status, queue_shard(item["gsi2sk"])),
                                                           ":old": item["gsi2pk"]}),
                    )
                    moved += 1
        return moved

    def count_queue(self, site: str, status: str, cap: int) -> int:
        """How many comments have this status, counted up to just past `cap` (Select=COUNT pages, shard by shard)."""
        count = 0
        for shard in range(QUEUE_SHARDS):
            start = None
            while count <= cap:
                kwargs: dict = dict(
                    TableName=self.table,
                    IndexName=QUEUE_INDEX,
                    KeyConditionExpression="gsi2pk = :pk",
                    ExpressionAttributeValues=marshal({":pk": queue_pk(site, status, shard)}),
                    Select="COUNT",
                    Limit=cap + 1 - count,
                )
                if start:
                    kwargs["ExclusiveStartKey"] = start
                answer = self._call("query", **kwargs)
                count += answer.get("Count", 0)
                start = answer.get("LastEvaluatedKey")
                if not start:
                    break
        return count

    # -- the discard trace --
    def count_discard(self, site: str, day: str, reason: str, expires_at: int) -> None:
        import random

        self._call(
            "update_item",
            TableName=self.table,
            Key=marshal(discards_key(site, day, random.randrange(DISCARD_SHARDS))),
            UpdateExpression="ADD #reason :one SET expires_at = :expires",
            ExpressionAttributeNames={"#reason": f"reason#{reason}"},
            ExpressionAttributeValues=marshal({":one": 1, ":expires": expires_at}),
        )

    def discard_counts(self, site: str, days: list[str]) -> dict[str, dict[str, int]]:
        """day -> reason -> discarded comments, summed over the day's shards; days without any are left out."""
        keys = [discards_key(site, day, shard) for day in days for shard in range(DISCARD_SHARDS)]
        prefix = f"DISCARDS#{site}#"
        counts: dict[str, dict[str, int]] = {}
        for item in self._batch_get(keys):
            day = item["pk"][len(prefix) :].rsplit("#", 1)[0]
            reasons = counts.setdefault(day, {})
            for name, value in item.items():
                if name.startswith("reason#"):
                    reasons[name[len("reason#") :]] = reasons.get(name[len("reason#") :], 0) + int(value)
        return counts

    # -- moderation --
    def save_moderation(self, before: Comment, after: Comment, effects: Effects) -> None:
        """Store `after` if the comment is still at `before.version`, with its effects, atomically."""
        changed = ConflictError("the comment was changed by someone else")
        tx = self._transaction()
        tx.put(comment_item(after), condition="#version = :v", names={"#version": "version"},
               values={":v": before.version}, failure=changed)
        due = self._add_count_due(tx, after, str(after.version), effects.count_delta) if effects.count_delta else None
        if effects.trust == "grant":
            tx.put(trust_item(after.site, effects.author_hash, after.email_hash, after.updated_at))
        elif effects.trust == "revoke":
            tx.delete(trust_key(after.site, effects.author_hash))
        self._add_lesson(tx, after.site, effects.learn)
        for tag, delta in effects.memory.items():
            # A new mark keeps the memory for another full period; taking one back never extends
            # it, and an item TTL already took comes back only as a husk that expires.
            expiry = "expires_at = :e" if delta > 0 else "expires_at = if_not_exists(expires_at, :e)"
            tx.update(memory_key(after.site, tag), f"ADD marks :d SET {expiry}",
                      values={":d": delta, ":e": effects.memory_expires_at})
        if effects.duplicate_digest:
            self._add_guard_expiry(tx, after, effects.duplicate_digest)
        if after.expires_at and (before.network_expires_at or 0) > after.expires_at:
            # IP and user agent never outlive their comment; an earlier own expiry stays as it is.
            tx.update(network_key(after.site, after.id), "SET expires_at = :e", condition="attribute_exists(pk)",
                      values={":e": after.expires_at}, optional=True)
        tx.commit()
        self._settle_count(due)

    def _add_lesson(self, tx: Transaction, site: str, lesson: Lesson | None) -> None:
        """ADD a spam/ham decision's counter deltas, one update per LEARNED part they fall in."""
        parts: dict[int, dict[str, int]] = {}
        for name, delta in (lesson_counters(lesson) if lesson else {}).items():
            parts.setdefault(learned_part(name), {})[name] = delta
        for part, deltas in sorted(parts.items()):
            names = {f"#a{i}": name for i, name in enumerate(deltas)}
            values = {f":d{i}": delta for i, delta in enumerate(deltas.values())}
            expression = "ADD " + ", ".join(f"#a{i} :d{i}" for i in range(len(names)))
            tx.update(learned_part_key(site, part), expression, names=names, values=values)

    def _add_guard_expiry(self, tx: Transaction, comment: Comment, digest: str) -> None:
        """The duplicate guard of a comment, rewritten with the comment's expiry (or none); optional:
        a guard another comment owns now must not block the change.

        Written whole, so a guard DynamoDB already deleted comes back with a restored comment.
        """
        values: dict[str, str | int] = {":id": comment.id, ":g": email_pk(comment.site, comment.email_hash)}
        expression = "SET comment_id = :id, gsi3pk = :g, gsi3sk = :id"
        if comment.expires_at:
            expression += ", expires_at = :e"
            values[":e"] = comment.expires_at
        else:
            expression += " REMOVE expires_at"
        tx.update(duplicate_key(comment.site, comment.post_id, digest), expression,
                  condition="attribute_not_exists(pk) OR comment_id = :id", values=values, optional=True)

    def delete_comment(self, comment: Comment, duplicate_digest: str | None) -> None:
        """Remove a comment for good, with its network item, guard and its share of the count."""
        tx = self._transaction()
        tx.delete(comment_key(comment.site, comment.id), condition="#version = :v", names={"#version": "version"},
                  values={":v": comment.version}, failure=ConflictError("the comment was changed by someone else"))
        tx.delete(network_key(comment.site, comment.id))
        if duplicate_digest:
            tx.delete(duplicate_key(comment.site, comment.post_id, duplicate_digest),
                      condition="attribute_not_exists(comment_id) OR comment_id = :id", values={":id": comment.id},
                      optional=True)
        due = self._add_count_due(tx, comment, "deleted", -1) if comment.status == "approved" else None
        tx.commit()
        self._settle_count(due)

    # -- erasure --
    def email_items(self, site: str, email_hash: str) -> list[dict]:
        """Keys of every item indexed under this email hash (comments, guards, idempotent answers, trust)."""
        keys: list[dict] = []
        start = None
        while True:
            kwargs: dict = dict(
                TableName=self.table,
                IndexName=EMAIL_INDEX,
                KeyConditionExpression="gsi3pk = :pk",
                ExpressionAttributeValues=marshal({":pk": email_pk(site, email_hash)}),
            )
            if start:
                kwargs["ExclusiveStartKey"] = start
            answer = self._call("query", **kwargs)
            keys.extend({"pk": unmarshal(i)["pk"], "sk": unmarshal(i)["sk"]} for i in answer.get("Items", []))
            start = answer.get("LastEvaluatedKey")
            if not start:
                return keys

    def erase_items(self, site: str, email_hash: str, keys: list[dict]) -> int:
        """Delete the given items plus the flood and spam-memory records of the email; returns comments erased."""
        erased = 0
        for key in keys:
            if key["sk"] != "COMMENT":
                self._call("delete_item", TableName=self.table, Key=marshal(key))
                continue
            item = self._call("get_item", TableName=self.table, Key=marshal(key), ConsistentRead=True).get("Item")
            if not item:
                continue
            comment = comment_from_item(unmarshal(item))
            try:
                self.delete_comment(comment, None)
            except ConflictError:
                # Changed while we erased: read it again and delete that version.
                fresh = self.get_comment(site, comment.id)
                if fresh:
                    self.delete_comment(fresh, None)
            erased += 1
        # A trust record from before trust was by name and email (it lived in the site's partition).
        legacy_trust = {"pk": f"SITE#{site}", "sk": f"TRUST#{email_hash}"}
        for key in (legacy_trust, flood_key(site, "E", email_hash), memory_key(site, f"E#{email_hash}")):
            self._call("delete_item", TableName=self.table, Key=marshal(key))
        return erased

    # -- import --
    def import_comments(self, entries: list["ImportEntry"]) -> list[str]:
        """Store imported comments, each with its ORIGIN item, network item and count, unless it is
        there already (conditional puts: a second import of the same file writes nothing).
        Returns, per entry, `new`, `present` (the comment is there), or `deleted` (only its ORIGIN
        item is left: a moderator deleted or erased it, or spam expired, and it stays gone).
        Up to 20 go in one transaction; when one of them is not new the group is retried one by one."""
        outcomes: list[str] = []
        for start in range(0, len(entries), 20):
            group = entries[start : start + 20]
            if len(group) > 1:
                try:
                    self._import_transaction(group).commit()
                    outcomes.extend(["new"] * len(group))
                    continue
                except _NotNew:
                    pass
            for entry in group:
                try:
                    self._import_transaction([entry]).commit()
                    outcomes.append("new")
                except _NotNew as exc:
                    outcomes.append(exc.outcome)
        return outcomes

    def _import_transaction(self, group: list["ImportEntry"]) -> Transaction:
        tx = self._transaction()
        counts: dict[tuple[str, str], int] = {}
        new, names = "attribute_not_exists(#pk)", {"#pk": "pk"}
        for entry in group:
            comment = entry.comment
            tx.put(comment_item(comment), condition=new, names=names, failure=_NotNew("present"))
            if comment.origin_id:
                origin = {**origin_key(comment.site, comment.origin_id), "comment_id": comment.id, "post_id": comment.post_id}
                tx.put({**origin, "expires_at": comment.expires_at}, condition=new, names=names, failure=_NotNew("deleted"))  # it goes with its comment
            if entry.network:
                tx.put({**network_key(comment.site, comment.id), **entry.network}, condition=new, names=names, failure=_NotNew("deleted"))
            if comment.status == "approved":
                counts[(comment.site, comment.post_id)] = counts.get((comment.site, comment.post_id), 0) + 1
        for (site, post_id), delta in counts.items():
            self._add_count(tx, site, post_id, delta)
        return tx

    def grant_trust(self, site: str, author_hash: str, email_hash: str, since: str) -> None:
        self._call("put_item", TableName=self.table, Item=marshal(trust_item(site, author_hash, email_hash, since)))

    # -- post state: closed, first comment --
    def get_post_state(self, site: str, post_id: str, *, consistent: bool = True) -> dict:
        item = self._call(
            "get_item", TableName=self.table, Key=marshal(post_meta_key(site, post_id)), ConsistentRead=consistent
        ).get("Item")
        return unmarshal(item) if item else {}

    def set_post_state(
        self, site: str, post_id: str, *, closed: bool | None = None, first_comment_at: str | None = None
    ) -> None:
        """Open or close a post, and/or record its first comment's time (kept if an earlier one is known)."""
        if closed is not None:
            self._call(
                "update_item",
                TableName=self.table,
                Key=marshal(post_meta_key(site, post_id)),
                UpdateExpression=f"SET closed = :c, {META_INDEX_SET}",
                ExpressionAttributeValues=marshal({":c": closed, **meta_index_values(site, post_id)}),
            )
        if first_comment_at:
            from botocore.exceptions import ClientError

            try:
                self._call(
                    "update_item",
                    TableName=self.table,
                    Key=marshal(post_meta_key(site, post_id)),
                    UpdateExpression=f"SET first_comment_at = :t, {META_INDEX_SET}",
                    ConditionExpression="attribute_not_exists(first_comment_at) OR first_comment_at > :t",
                    ExpressionAttributeValues=marshal({":t": first_comment_at, **meta_index_values(site, post_id)}),
                )
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                    raise

    # -- moderator mail (the stream handler) --
    def was_notified(self, site: str, comment_id: str, version: int) -> bool:
        key = marshal(notified_key(site, comment_id, version))
        return "Item" in self._call("get_item", TableName=self.table, Key=key, ConsistentRead=True)

    def mark_notified(self, site: str, comment_id: str, version: int, expires_at: int) -> None:
        item = {**notified_key(site, comment_id, version), "expires_at": expires_at}
        self._call("put_item", TableName=self.table, Item=marshal(item))

    def notice_states(self, site: str, comments: list[tuple[str, int]]) -> dict[str, str]:
        """What was decided for each (id, version) by its marker: 'mailed' (the mail went out), 'mail'
        (to be mailed: the publish is not known to have happened) or 'digest'; ids without one are left out."""
        keys = {notified_key(site, i, v)["pk"]: i for i, v in comments}
        found = self._batch_get([notified_key(site, i, v) for i, v in comments], "pk, how", consistent=True) if keys else []
        return {keys[item["pk"]]: str(item.get("how") or "mailed") for item in found if item["pk"] in keys}

    def claim_notice(self, site: str, comment_id: str, version: int, how: str, expires_at: int) -> bool:
        """Decide how this comment version is announced ('mail'); False when it was decided already."""
        return self._update_if(
            notified_key(site, comment_id, version), "SET how = :how, expires_at = :exp", "attribute_not_exists(pk)",
            {":how": how, ":exp": expires_at},
        )

    def mark_digested(self, site: str, comments: list[tuple[str, int]], expires_at: int) -> None:
        """Markers saying these comment versions go into a digest, never a mail of their own (BatchWriteItem)."""
        for start in range(0, len(comments), 25):
            puts = [{"PutRequest": {"Item": marshal({**notified_key(site, i, v), "how": "digest", "expires_at": expires_at})}}
                    for i, v in comments[start:start + 25]]
            pending = {self.table: puts}
            for attempt in range(5):
                pending = self._call("batch_write_item", RequestItems=pending).get("UnprocessedItems") or {}
                if not pending:
                    break
                time.sleep(0.05 * 2**attempt)
            else:
                raise StorageUnavailableError("BatchWriteItem left items unprocessed")

    def count_pending(self, site: str, cap: int, besides: set[str]) -> int:
        """How many of the site's comments the queue index holds as pending, `besides` left out, counted up
        to `cap`: a keys-only Query per pending shard, starting at a random one, until `cap` are found."""
        import random

        count = 0
        first = random.randrange(QUEUE_SHARDS)
        for step in range(QUEUE_SHARDS):
            if count >= cap:
                break
            answer = self._call(
                "query", TableName=self.table, IndexName=QUEUE_INDEX, KeyConditionExpression="gsi2pk = :pk",
                ExpressionAttributeValues=marshal({":pk": queue_pk(site, "pending", (first + step) % QUEUE_SHARDS)}),
                ProjectionExpression="gsi2sk", Limit=cap - count + len(besides),
            )
            count += sum(1 for item in answer.get("Items", []) if unmarshal(item).get("gsi2sk") not in besides)
        return min(count, cap)

    def site_fields(self, slug: str) -> dict:
        """The site's settings as stored (no Site model: the stream handler loads no pydantic); {} when none."""
        item = self._call("get_item", TableName=self.table, Key=marshal(site_key(slug))).get("Item")
        return unmarshal(item) if item else {}

    # -- moderators' digest windows (chalicelib/digest.py) --
    def put_digest_due(self, site: str, start: int, end: int, expires_at: int) -> None:
        """Mark the window as one to send once it ends."""
        item = {**digest_due_key(site, start, end), "site": site, "start": start, "expires_at": expires_at}
        self._call("put_item", TableName=self.table, Item=marshal(item))

    def add_to_digest_window(self, site: str, start: int, ids: list[str], room: int, expires_at: int) -> bool:
        """ADD the ids to the window unless it is claimed or holds more than `room` ids; False when refused."""
        return self._update_if(
            digest_window_key(site, start), "ADD ids :ids SET site = :site, #start = :start, expires_at = :exp",
            "attribute_not_exists(claimed_until) AND (attribute_not_exists(ids) OR size(ids) <= :room)",
            {":ids": set(ids), ":site": site, ":start": start, ":room": room, ":exp": expires_at}, names={"#start": "start"},
        )

    def count_digest_overflow(self, site: str, start: int, count: int) -> bool:
        """Count comments a full window cannot list; False when it is gone or was claimed meanwhile."""
        return self._update_if(
            digest_window_key(site, start), "ADD more :n", "attribute_exists(pk) AND attribute_not_exists(claimed_until)",
            {":n": count},
        )

    def digest_window(self, site: str, start: int) -> dict:
        """The window as it is (`ids`, `more`, `claimed_until`, `sent_at`); {} when there is none."""
        item = self._call(
            "get_item", TableName=self.table, Key=marshal(digest_window_key(site, start)), ConsistentRead=True
        ).get("Item")
        return unmarshal(item) if item else {}

    def claim_digest_window(self, site: str, start: int, now: int, until: int) -> dict | None:
        """The window, now claimed until `until`; None when it is gone, sent, or claimed past `now`."""
        from botocore.exceptions import ClientError

        try:
            answer = self._call(
                "update_item",
                TableName=self.table,
                Key=marshal(digest_window_key(site, start)),
                UpdateExpression="SET claimed_until = :until",
                ConditionExpression=(
                    "attribute_exists(pk) AND attribute_not_exists(sent_at) "
                    "AND (attribute_not_exists(claimed_until) OR claimed_until < :now)"
                ),
                ExpressionAttributeValues=marshal({":until": until, ":now": now}),
                ReturnValues="ALL_NEW",
            )
        except ClientError as exc:
            if _error_code(exc) == "ConditionalCheckFailedException":
                return None
            raise
        return unmarshal(answer["Attributes"])

    def mark_digest_sent(self, site: str, start: int, sent_at: int) -> None:
        self._call(
            "update_item",
            TableName=self.table,
            Key=marshal(digest_window_key(site, start)),
            UpdateExpression="SET sent_at = :now",
            ExpressionAttributeValues=marshal({":now": sent_at}),
        )

    def closed_digest_windows(self, now: float, hours: int) -> list[dict]:
        """{"site", "start", "end"} of each window marked due that ended by `now`, in this hour's bucket
        and the `hours` before it, oldest bucket first."""
        found: list[dict] = []
        for hours_ago in range(hours, -1, -1):
            query: dict = {
                "TableName": self.table,
                "KeyConditionExpression": "pk = :pk AND sk < :upto",
                "ExpressionAttributeValues": marshal(
                    {":pk": digest_due_pk(now - hours_ago * 3600), ":upto": f"{int(now) + 1:010d}"}
                ),
            }
            while True:
                answer = self._call("query", **query)
                for item in map(unmarshal, answer.get("Items", [])):
                    found.append({"site": item["site"], "start": int(item["start"]), "end": int(item["sk"][:10])})
                if not answer.get("LastEvaluatedKey"):
                    break
                query["ExclusiveStartKey"] = answer["LastEvaluatedKey"]
        return found

    def forget_digest_due(self, site: str, start: int, end: int) -> None:
        self._call("delete_item", TableName=self.table, Key=marshal(digest_due_key(site, start, end)))

    # -- readers' mails (chalicelib/mail.py) --
    def get_subscription(self, site: str, comment_id: str) -> dict | None:
        item = self._call(
            "get_item", TableName=self.table, Key=marshal(subscription_key(site, comment_id)), ConsistentRead=True
        ).get("Item")
        return unmarshal(item) if item else None

    def confirm_subscription(self, site: str, comment_id: str) -> bool:
        """Confirmed (and kept: its TTL removed); False when there is no such subscription."""
        return self._update_if(
            subscription_key(site, comment_id), "SET confirmed = :t REMOVE expires_at", "attribute_exists(pk)", {":t": True}
        )

    def stop_subscription(self, site: str, comment_id: str) -> None:
        self._call("delete_item", TableName=self.table, Key=marshal(subscription_key(site, comment_id)))

    def take_from_mail_cap(self, site: str, day: str, cap: int, expires_at: int) -> bool:
        """Count one mail against the site's cap of the day; False once it is reached."""
        return self._update_if(
            mail_cap_key(site, day), "ADD sent :one SET expires_at = :exp", "attribute_not_exists(sent) OR sent < :cap",
            {":one": 1, ":cap": cap, ":exp": expires_at},
        )

    def was_mailed(self, site: str, kind: str, item_id: str) -> bool:
        key = marshal(mailed_key(site, kind, item_id))
        return bool(self._call("get_item", TableName=self.table, Key=key, ConsistentRead=True).get("Item"))

    def mark_mailed(self, site: str, kind: str, item_id: str, expires_at: int) -> None:
        item = {**mailed_key(site, kind, item_id), "expires_at": expires_at}
        self._call("put_item", TableName=self.table, Item=marshal(item))

    def _update_if(self, key: dict, expression: str, condition: str, values: dict, names: dict | None = None) -> bool:
        """One conditional UpdateItem; False when its condition failed."""
        from botocore.exceptions import ClientError

        extra = {"ExpressionAttributeNames": names} if names else {}
        try:
            self._call("update_item", TableName=self.table, Key=marshal(key), UpdateExpression=expression,
                       ConditionExpression=condition, ExpressionAttributeValues=marshal(values), **extra)
        except ClientError as exc:
            if _error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    # -- moderator tokens --
    def put_token(self, site: str, name: str, token_hash: str) -> None:
        old = self._call("get_item", TableName=self.table, Key=marshal(token_name_key(site, name))).get("Item")
        tx = self._transaction()
        if old:
            tx.delete(token_key(unmarshal(old)["token_hash"]))
        tx.put({**token_key(token_hash), "site": site, "name": name})
        tx.put({**token_name_key(site, name), "token_hash": token_hash})
        tx.commit()

    def get_token(self, token_hash: str) -> dict | None:
        """The moderator token stored under this hash: {"site", "name"}; None when there is none."""
        item = self._call("get_item", TableName=self.table, Key=marshal(token_key(token_hash))).get("Item")
        if not item:
            return None
        record = unmarshal(item)
        return {"site": record["site"], "name": record["name"]}

    def revoke_token(self, site: str, name: str) -> bool:
        item = self._call("get_item", TableName=self.table, Key=marshal(token_name_key(site, name))).get("Item")
        if not item:
            return False
        tx = self._transaction()
        tx.delete(token_key(unmarshal(item)["token_hash"]))
        tx.delete(token_name_key(site, name))
        tx.commit()
        return True


def _error_code(exc: Any) -> str:
    return exc.response.get("Error", {}).get("Code", "")


class _Settled(Exception):
    """A COUNTDUE item settled already (or gone): nothing to add."""


class _NotNew(Exception):
    """An imported comment that is not new: `present` (the comment is there) or `deleted` (only its
    ORIGIN item is left)."""

    def __init__(self, outcome: str):
        super().__init__(outcome)
        self.outcome = outcome
