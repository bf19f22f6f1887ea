"""The table as data: its schema and indexes (what `create_table` and the deploy template both read),
and the key of every item (the table of items is in the package's docstring)."""
from __future__ import annotations

PUBLIC_INDEX = "public"
QUEUE_INDEX = "queue"
EMAIL_INDEX = "email"
PUBLIC_FIELDS = [
    "id", "parent_id", "author", "url", "avatar", "content", "created_at", "origin_id", "moderator",
    "closed", "first_comment_at",  # of a post's META item, which leads the post's partition
]  # `moderator` joined later: a table made before it needs its public index re-created to show the badge
IDEMPOTENCY_SECONDS = 24 * 3600
TTL_ATTRIBUTE = "expires_at"


def table_schema() -> dict:
    """The table as data (CreateTable's arguments but its name): what `create_table` creates and what
    the deploy template declares, so the two cannot drift apart."""
    attrs = ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk"]
    return {
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in attrs],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "GlobalSecondaryIndexes": [
            _index(PUBLIC_INDEX, "gsi1", {"ProjectionType": "INCLUDE", "NonKeyAttributes": PUBLIC_FIELDS}),
            # Keys only: every submission and status change writes an entry here (~100 B, 1 WCU, where
            # the whole item was ~1.3 KB, 2 WCU) and a queue page reads its comments by key after.
            _index(QUEUE_INDEX, "gsi2", {"ProjectionType": "KEYS_ONLY"}),
            _index(EMAIL_INDEX, "gsi3", {"ProjectionType": "KEYS_ONLY"}),
        ],
    }


def _index(name: str, prefix: str, projection: dict) -> dict:
    return {
        "IndexName": name,
        "KeySchema": [
            {"AttributeName": f"{prefix}pk", "KeyType": "HASH"},
            {"AttributeName": f"{prefix}sk", "KeyType": "RANGE"},
        ],
        "Projection": projection,
    }


# ---- keys -------------------------------------------------------------------------------------
def site_key(site: str) -> dict:
    return {"pk": f"SITE#{site}", "sk": "SITE"}


def learned_key(site: str) -> dict:
    """The site's LEARNED counts as one item, as they were kept before the parts (still read, summed in)."""
    return {"pk": f"SITE#{site}", "sk": "LEARNED"}


LEARNED_PARTS = 64  # see the LEARNED parts above


def learned_part_key(site: str, part: int) -> dict:
    return {"pk": f"LEARNED#{site}#{part}", "sk": "LEARNED"}


# A LEARNED counter's attribute: a verdict's document count, or a learning key's count under it.
LEARNED_DOCS = {"spam": "spam_docs", "ham": "ham_docs"}
LEARNED_KEY_PREFIX = {"spam": "s#", "ham": "h#"}


def learned_part(attribute: str) -> int:
    """The part a LEARNED counter lives in: a bucket's by its number ("s#1f3a"), the document counts in 0."""
    prefix, _, bucket = attribute.partition("#")
    try:
        return int(bucket, 16) % LEARNED_PARTS if prefix + "#" in LEARNED_KEY_PREFIX.values() else 0
    except ValueError:
        return 0


def trust_key(site: str, author_hash: str) -> dict:
    """A partition of its own: read by every submission, written by approvals (not the site's partition)."""
    return {"pk": f"TRUST#{site}#{author_hash}", "sk": "TRUST"}


def token_key(token_hash: str) -> dict:
    return {"pk": f"TOKEN#{token_hash}", "sk": "TOKEN"}


def token_name_key(site: str, name: str) -> dict:
    return {"pk": f"SITE#{site}", "sk": f"TOKENNAME#{name}"}


def comment_key(site: str, comment_id: str) -> dict:
    return {"pk": f"COMMENT#{site}#{comment_id}", "sk": "COMMENT"}


def network_key(site: str, comment_id: str) -> dict:
    return {"pk": f"COMMENT#{site}#{comment_id}", "sk": "NET"}


COUNT_SHARDS = 8  # see the COUNT items above
QUEUE_SHARDS = 8  # see the queue index above


def count_key(site: str, post_id: str, shard: int | None = None) -> dict:
    """One shard of a post's approved count; without a shard, the single item counts had before."""
    if shard is None:
        return {"pk": f"POST#{site}#{post_id}", "sk": "COUNT"}
    return {"pk": f"COUNT#{site}#{post_id}#{shard}", "sk": "COUNT"}


def count_due_key(site: str, comment_id: str, change: str) -> dict:
    """A change of a post's count that its comment's transaction wrote, until it is added to a COUNT
    shard; `change` is the comment's version after the change, or `deleted`."""
    return {"pk": f"COUNTDUE#{site}#{comment_id}#{change}", "sk": "COUNTDUE"}


def duplicate_key(site: str, post_id: str, digest: str) -> dict:
    return {"pk": f"DUP#{site}#{post_id}#{digest}", "sk": "GUARD"}


def flood_key(site: str, kind: str, digest: str) -> dict:
    return {"pk": f"FLOOD#{site}#{kind}#{digest}", "sk": "GUARD"}


def memory_key(site: str, tag: str) -> dict:
    """A spam-memory item; `tag` is E#{eh}, I#{ih} or D#{keyed hash of a domain}."""
    return {"pk": f"MEMORY#{site}#{tag}", "sk": "MEMORY"}


def idempotency_key(site: str, digest: str) -> dict:
    return {"pk": f"IDEM#{site}#{digest}", "sk": "IDEM"}


def notified_key(site: str, comment_id: str, version: int) -> dict:
    return {"pk": f"NOTIFIED#{site}#{comment_id}#{version}", "sk": "NOTIFIED"}


def origin_key(site: str, origin_id: str) -> dict:
    return {"pk": f"ORIGIN#{site}#{origin_id}", "sk": "ORIGIN"}


def post_meta_key(site: str, post_id: str) -> dict:
    return {"pk": f"POST#{site}#{post_id}", "sk": "META"}


DISCARD_SHARDS = 10  # see the DISCARDS item above


def discards_key(site: str, day: str, shard: int) -> dict:
    return {"pk": f"DISCARDS#{site}#{day}#{shard}", "sk": "DISCARDS"}


def public_pk(site: str, post_id: str) -> str:
    return f"POST#{site}#{post_id}"


def queue_pk(site: str, status: str, shard: int) -> str:
    return f"QUEUE#{site}#{status}#{shard}"


def queue_shard(comment_id: str) -> int:
    """The queue shard of a comment: fixed by its id (crc32: the same in every process)."""
    import zlib

    return zlib.crc32(comment_id.encode("ascii")) % QUEUE_SHARDS


def subscription_key(site: str, comment_id: str) -> dict:
    return {"pk": f"SUB#{site}#{comment_id}", "sk": "SUB"}


def mail_cap_key(site: str, day: str) -> dict:
    return {"pk": f"MAILCAP#{site}#{day}", "sk": "MAILCAP"}


def mailed_key(site: str, kind: str, item_id: str) -> dict:
    return {"pk": f"MAILED#{site}#{kind}#{item_id}", "sk": "MAILED"}


def digest_window_key(site: str, start: int) -> dict:
    return {"pk": f"DIGEST#{site}#{start}", "sk": "DIGEST"}


def digest_due_pk(epoch: float) -> str:
    """The DIGESTDUE bucket of an hour (UTC): the sender Queries one per hour it looks back."""
    import time

    return f"DIGESTDUE#{time.strftime('%Y-%m-%dT%H', time.gmtime(epoch))}"


def digest_due_key(site: str, start: int, end: int) -> dict:
    """Sorted by the window's end, so `sk < {now + 1:010d}` is the windows closed by now."""
    return {"pk": digest_due_pk(end), "sk": f"{end:010d}#{site}#{start}"}


# What an item is, by its sort key (the stream handler and erasure ask by kind, not by key string).
KINDS = {"COMMENT": "comment", "NET": "network", "SUB": "subscription", "META": "post", "GUARD": "guard", "IDEM": "idempotency",
         "TRUST": "trust"}


def email_pk(site: str, email_hash: str) -> str:
    return f"EMAIL#{site}#{email_hash}"


# ULID character), so the first page of a listing reads the closed state in the same Query.
META_INDEX_SET = "gsi1pk = :gpk, gsi1sk = :gsk"


def meta_index_values(site: str, post_id: str) -> dict:
    return {":gpk": public_pk(site, post_id), ":gsk": "!META"}
