"""All DynamoDB access: one table, its keys and indexes, and the store (DynamoStore) that reads and writes it.

One on-demand table (`REPLYBOX_TABLE`), keys `pk`/`sk`, TTL attribute `expires_at`.

| item                     | pk                              | sk            | indexes                                   |
|--------------------------|---------------------------------|---------------|-------------------------------------------|
| site settings            | SITE#{site}                     | SITE          |                                           |
| site's learned spam stats| SITE#{site} (before the parts;  | LEARNED       | (read and summed in, never written now)   |
|                          | still summed in)                |               |                                           |
| learned stats, one part  | LEARNED#{site}#{0-63}           | LEARNED       | (a bucket's counters by its number % 64)  |
| trusted name + email     | TRUST#{site}#{ah}               | TRUST         | email                                     |
| token name -> hash       | SITE#{site}                     | TOKENNAME#{n} |                                           |
| moderator token          | TOKEN#{token hash}              | TOKEN         |                                           |
| comment                  | COMMENT#{site}#{id}             | COMMENT       | public (approved only), queue, email      |
|                          |                                 |               | (TTL while spam/trash: spam retention)    |
| comment's IP + UA        | COMMENT#{site}#{id}             | NET           | (TTL: the site's retention, never after   |
|                          |                                 |               | its comment's)                            |
| approved count of a post | POST#{site}#{post} (before      | COUNT         | (read, never written now: the shards are) |
|                          | shards; still summed)           |               |                                           |
| approved count, one shard| COUNT#{site}#{post}#{0-7}       | COUNT         | (the count is the sum of the shards)      |
| duplicate guard          | DUP#{site}#{post}#{digest}      | GUARD         | email (TTL: its comment's, if any)        |
| flood guard (email / IP) | FLOOD#{site}#E#{eh} / #I#{ih}   | GUARD         | (TTL); an email hit holds, an IP hit 429s |
| idempotent answer        | IDEM#{site}#{digest of key}     | IDEM          | email (TTL: 24 h)                         |
| moderator mail sent      | NOTIFIED#{site}#{id}#{version}  | NOTIFIED      | (TTL: 7 days)                             |
| spam memory (email / IP /| MEMORY#{site}#E#{eh} / #I#{ih} /| MEMORY        | (TTL: the site's spam_memory_days, 90,    |
| link domain), `marks`    | #D#{keyed hash of the domain}   |               | renewed by each new mark)                 |
| imported comment's number| ORIGIN#{site}#{number}          | ORIGIN        | (-> comment id and post)                  |
| post state (closed, first)| POST#{site}#{post}             | META          | public (gsi1sk `!META`: first in the post)|
| discards of a day (shard)| DISCARDS#{site}#{day}#{0-9}     | DISCARDS      | (TTL: 8 days)                             |
| reply subscription       | SUB#{site}#{comment id}         | SUB           | email (TTL 7 days until confirmed)        |
| readers' mails of a day  | MAILCAP#{site}#{day}            | MAILCAP       | (TTL: 2 days); `sent` under the daily cap |
| reader mail sent         | MAILED#{site}#{kind}#{id}       | MAILED        | (TTL: 7 days)                             |

A DISCARDS item holds only counters, `reason#{rule}` (the strongest rule of each discarded comment),
added to with ADD; nothing of the comment is kept. A bot flood is the one thing that writes
it, all of a site's discards of a day: at 1,000 discarded comments/s that is 1,000 writes/s on one day,
over a partition's 1,000 WCU/s, so each write picks one of 10 shards at random (about 100 writes/s a
key) and the 7-day view reads all 70 keys in one BatchGetItem. A throttled counter write is dropped,
never the answer (a bot must not learn it was caught).

`eh` is the keyed hash of the normalized email, `ih` of the IP: no key holds either in the clear (nor
a domain: the memory keys it by a keyed hash, and a comment's `spam_marks` lists those keys). `ah`
is the keyed hash of `eh` plus the normalized author name (WordPress trusts the pair: the same email
under another name is not trusted).
`id` is a ULID, so ids sort by time.

Global secondary indexes, all sparse:
- `public`: `gsi1pk` = POST#{site}#{post}, `gsi1sk` = id; only approved comments carry it. Projects the
  public fields only, so the index behind public pages never holds an email.
- `queue`: `gsi2pk` = QUEUE#{site}#{status}#{0-7} (the shard from the id), `gsi2sk` = id; every comment.
  Projects all. A status's queue is the newest-first merge of its 8 shards (`list_queue`).
- `email`: `gsi3pk` = EMAIL#{site}#{eh}, `gsi3sk` = id (TRUST#{ah} for trust); comments, duplicate
  guards, idempotent answers, trust records. Keys only: it serves erasure.

| access pattern                          | served by                                                   |
|-----------------------------------------|-------------------------------------------------------------|
| submission: site, trust, learned, parent| one BatchGetItem (site skipped while cached); the parent is |
| (or its ORIGIN item), the post's META,  | read by id, or by its ORIGIN item when named by old number; |
| spam memory (email, IP, <= 5 domains)   | the comment's MEMORY keys (well under BatchGetItem's 100)   |
| submission: store comment + guards      | one TransactWriteItems (conditions enforce dup/flood/idem)  |
| idempotent replay                       | GetItem IDEM                                                |
| public comments of a post, oldest first | Query `public` on gsi1pk, ascending                         |
| counts of posts                         | BatchGetItem COUNT items (each post's 8 shards + the old one)|
| moderation queue by status, newest first| Query `queue` on each shard's gsi2pk (ids before the cursor),|
|                                         | descending, merged + BatchGetItem NET and                   |
|                                         | the replies' parents                                        |
| tab counts (moderator page)             | Query `queue` on each shard, Select=COUNT, stops past 1,000 |
| empty spam / trash                      | Query `queue` page by page, a delete transaction per comment|
| discard trace: count one / last 7 days  | UpdateItem ADD on a random shard / BatchGetItem of 70 keys  |
| one comment, full view                  | Query pk = COMMENT#{site}#{id} (COMMENT and NET items)      |
| moderation action                       | TransactWriteItems: conditional Update on version + count,  |
|                                         | trust, learned stats, the guard's and NET item's TTL,       |
|                                         | spam memory (ADD marks on spam, taken back on ham)          |
| delete                                  | TransactWriteItems: conditional Delete + count + NET + guard|
| erase an email                          | Query `email` on gsi3pk, then a transaction per comment,    |
|                                         | then DeleteItem of its legacy trust, flood and MEMORY E#    |
| token check                             | GetItem TOKEN#{hash}                                        |
| stream: was this comment mailed already | GetItem NOTIFIED, PutItem after the SNS publish             |
| revoke token                            | GetItem TOKENNAME, then TransactWriteItems deleting both    |
| import: comments of a file              | TransactWriteItems of up to 20 comments (conditional puts of |
|                                         | COMMENT + ORIGIN, NET, one ADD per post's COUNT)            |
| export of a site / of one email         | Query `queue` per status / Query `email` + GetItem each     |

Per-key rates at a viral post (1,000 comments/s, 100,000 views/s; `bench/hotkeys.py` measures them):
every submission writes a queue index entry (~1.3 KB, 2 WCU): 2,000 WCU/s on one key would be twice a
partition's limit, so the queue is sharded 8 ways by id (~300 WCU/s a shard with the approvals'
moves). Approvals (~250/s) add to the post's count in their transaction (2 WCU): on 8 shards chosen
at random that is ~60 WCU/s a shard, where one COUNT item took 500. Trust records have a partition
each (`TRUST#...`): under `SITE#{site}` every submission's read and every approval's write landed on
the site's one partition, beside its settings and LEARNED. LEARNED is read whole (65 keys, BatchGetItem)
once per warm function a minute, not per comment; a spam/ham decision ADDs to the parts its ≤ 64 keys
fall in, each its own partition of ≤ 2.3 KB at the cap, where one 137 KB item took ~280 WCU per
decision on the site's partition. ORIGIN items are written once by
the importer and read only by a reply naming an old number (inside the submission's one
BatchGetItem); a post's META item is read by every submission to it (reads scale: one item, strongly
consistent reads at 1,000/s are within a partition's 3,000 RCU) and written only when a moderator
opens or closes the post, or once by the post's first comment. A MEMORY item is read by every
submission that carries its email, IP or domain: one spammer's, or one domain linked from every
comment of the post, at up to 1,000 eventually consistent reads/s (500 RCU, a sixth of a partition's
3,000); it is written only by moderators' spam/ham marks (one ADD per mark, bulk included: at most
100 per bulk call). A TRUST item is read by its author's submissions only and written on approval/spam.
Readers' mails (chalicelib/mail.py): a SUB item is written once with its comment (in the submission's
transaction) and read by each approved reply to that one comment; MAILED markers are one put per
mail. MAILCAP#{site}#{day} takes one conditional ADD per mail from the stream handler only, which
reads a stream shard one record at a time (well under 1,000 WCU/s however viral the post), and a
warm handler stops asking once it saw the day's cap reached.
No Scan anywhere.
"""
from __future__ import annotations

import time
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Iterable

from .errors import (
    ConflictError,
    DuplicateError,
    FloodError,
    NotFoundError,
    StorageUnavailableError,
)

if TYPE_CHECKING:  # pydantic loads only where a comment or site is built, not for the stream handler
    from .models import Comment, Site

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
            _index(QUEUE_INDEX, "gsi2", {"ProjectionType": "ALL"}),
            _index(EMAIL_INDEX, "gsi3", {"ProjectionType": "KEYS_ONLY"}),
        ],
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


def learned_part(attribute: str) -> int:
    """The part a LEARNED counter lives in: a bucket's by its number ("s#1f3a"), the document counts in 0."""
    prefix, _, bucket = attribute.partition("#")
    try:
        return int(bucket, 16) % LEARNED_PARTS if prefix in ("s", "h") else 0
    except ValueError:
        return 0


def trust_key(site: str, author_hash: str) -> dict:
    """A partition of its own: read by every submission, written by approvals (not the site's partition)."""
    return {"pk": f"TRUST#{site}#{author_hash}", "sk": "TRUST"}


def trust_item(site: str, author_hash: str, email_hash: str, since: str) -> dict:
    return {
        **trust_key(site, author_hash),
        "since": since,
        "gsi3pk": email_pk(site, email_hash),  # erasure finds it by the email alone
        "gsi3sk": f"TRUST#{author_hash}",
    }


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


def email_pk(site: str, email_hash: str) -> str:
    return f"EMAIL#{site}#{email_hash}"


# ---- (de)serialization --------------------------------------------------------------------------
def _to_ddb(value: Any) -> dict:
    if isinstance(value, bool):
        return {"BOOL": value}
    if value is None:
        return {"NULL": True}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, (int, float, Decimal)):
        return {"N": str(Decimal(str(value)))}
    if isinstance(value, dict):
        return {"M": {str(k): _to_ddb(v) for k, v in value.items()}}
    if isinstance(value, (list, tuple)):
        return {"L": [_to_ddb(v) for v in value]}
    raise TypeError(f"cannot store {type(value).__name__}")


def _from_ddb(value: dict) -> Any:
    (kind, inner), = value.items()
    if kind == "S":
        return inner
    if kind == "N":
        number = Decimal(inner)
        return int(number) if number == number.to_integral_value() and "." not in inner else float(number)
    if kind == "BOOL":
        return inner
    if kind == "NULL":
        return None
    if kind == "M":
        return {k: _from_ddb(v) for k, v in inner.items()}
    if kind == "L":
        return [_from_ddb(v) for v in inner]
    if kind == "SS":
        return set(inner)
    raise TypeError(f"unexpected DynamoDB type {kind}")


def marshal(item: dict) -> dict:
    return {k: _to_ddb(v) for k, v in item.items() if v is not None}


def unmarshal(item: dict) -> dict:
    return {k: _from_ddb(v) for k, v in item.items()}


# ---- what the store takes and gives -----------------------------------------------------------------
class SubmissionContext:
    """What one BatchGetItem brings back for a submission."""

    def __init__(
        self,
        site: Site | None,
        trusted: bool,
        learned: dict | None,
        parent: Comment | None,
        parent_origin: dict | None = None,
        post_state: dict | None = None,
        memory: dict[str, dict] | None = None,
    ):
        self.site = site
        self.trusted = trusted
        self.learned = learned
        self.parent = parent
        self.parent_origin = parent_origin  # ORIGIN item when the parent was named by its old number
        self.post_state = post_state or {}  # the post's META item: closed, first_comment_at
        self.memory = memory or {}  # spam-memory tag -> its item ({"marks", "expires_at"}), where found


class Guards:
    """The conditional items written with a comment: they make dup/flood/idempotency race-free."""

    def __init__(
        self,
        *,
        now: float,
        duplicate_digest: str,
        email_hash: str,
        flood_seconds: int,
        ip_hash: str | None,
        idempotency_digest: str | None = None,
        idempotent_answer: dict | None = None,
        request_digest: str | None = None,
        ip: str = "",
        user_agent: str = "",
        retention_days: int = 30,
        first_comment: bool = False,
        email_flood_held: bool = False,
        subscription: dict | None = None,
    ):
        self.now = now
        self.duplicate_digest = duplicate_digest
        self.email_hash = email_hash
        self.flood_seconds = flood_seconds
        self.ip_hash = ip_hash
        self.idempotency_digest = idempotency_digest
        self.idempotent_answer = idempotent_answer
        self.request_digest = request_digest  # what the key is bound to: a reuse with another body is refused
        self.ip = ip
        self.user_agent = user_agent
        self.retention_days = retention_days
        self.first_comment = first_comment  # the post has no first_comment_at yet: this write sets it
        # True once the service held the comment for its email's flood: the guard is then just renewed.
        self.email_flood_held = email_flood_held
        self.subscription = subscription  # the unconfirmed SUB item of "Notify me of replies" (chalicelib/mail.py)


class Effects:
    """What a moderation action changes beside the comment itself."""

    def __init__(
        self,
        *,
        count_delta: int = 0,
        trust: str | None = None,  # "grant" | "revoke"
        author_hash: str = "",  # whose trust: the keyed hash of the comment's email and name
        learn: dict[str, int] | None = None,  # attribute -> delta on the LEARNED item
        duplicate_digest: str | None = None,  # the comment's expiry changed: its guard follows it
        memory: dict[str, int] | None = None,  # spam-memory tag -> delta on its marks
        memory_expires_at: int = 0,  # when a spam-memory item that gets a mark expires
    ):
        self.count_delta = count_delta
        self.trust = trust
        self.author_hash = author_hash
        self.learn = learn or {}
        self.duplicate_digest = duplicate_digest
        self.memory = memory or {}
        self.memory_expires_at = memory_expires_at


class ImportEntry:
    """One imported comment and, when it is still within the site's retention, its IP and user agent."""

    def __init__(self, comment: Comment, network: dict | None = None):
        self.comment = comment
        self.network = network  # {"ip", "user_agent", "expires_at"}


class EmailFlooded(Exception):
    """Only the email's flood guard refused the comment. The service holds it for a moderator and
    writes again rather than answer 429, which would confirm that a stranger's address commented."""


class IdempotentReplay(Exception):
    """The Idempotency-Key was used before; `answer` is what was answered then, `request` the digest
    of the request it answered (None for a record older than that field)."""

    def __init__(self, answer: dict, request: str | None = None):
        super().__init__("idempotent replay")
        self.answer = answer
        self.request = request


# ---- DynamoDB ---------------------------------------------------------------------------------------
_RETRYABLE = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "TransactionInProgressException",
    "LimitExceededException",
}


def comment_item(comment: Comment) -> dict:
    """The COMMENT item of a comment, with the index keys its status calls for."""
    data = comment.model_dump(exclude={"ip", "user_agent", "network_expires_at"})
    data["pk"], data["sk"] = comment_key(comment.site, comment.id).values()
    data["gsi2pk"], data["gsi2sk"] = queue_pk(comment.site, comment.status, queue_shard(comment.id)), comment.id
    if comment.email_hash:  # an imported comment may have no email (anonymous Disqus posts)
        data["gsi3pk"], data["gsi3sk"] = email_pk(comment.site, comment.email_hash), comment.id
    if comment.status == "approved":
        data["gsi1pk"], data["gsi1sk"] = public_pk(comment.site, comment.post_id), comment.id
    return data


def comment_from_item(item: dict, network: dict | None = None) -> Comment:
    from .models import Comment

    data = {k: v for k, v in item.items() if not k.startswith("gsi") and k not in ("pk", "sk")}
    if network:
        data["ip"] = network.get("ip", "")
        data["user_agent"] = network.get("user_agent", "")
        data["network_expires_at"] = network.get("expires_at")
    return Comment.model_validate(data)


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
        return _site_from_item(unmarshal(item)) if item else None

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
            site=_site_from_item(site_item) if site_item else None,
            trusted=tuple(trust_key(site, author_hash).values()) in by_sk,
            learned=_merged_learned(by_sk, site) if with_learned else None,
            parent=comment_from_item(parent_item) if parent_item and not by_number else None,
            parent_origin=parent_item if by_number else None,
            post_state=by_sk.get(tuple(post_meta_key(site, post_id).values())) if post_id else None,
            memory={t: by_sk[k] for t in tags if (k := tuple(memory_key(site, t).values())) in by_sk},
        )

    def _batch_get(self, keys: list[dict], projection: str | None = None) -> list[dict]:
        """BatchGetItem of any number of keys (100 a call), following UnprocessedKeys with a short bounded backoff."""
        if len(keys) > 100:
            return [item for start in range(0, len(keys), 100) for item in self._batch_get(keys[start : start + 100], projection)]
        request: dict = {"Keys": [marshal(k) for k in keys]}
        if projection:
            request["ProjectionExpression"] = projection
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

    def insert_comment(self, comment: Comment, guards: Guards) -> None:
        """Write a comment with its guards in one transaction; conditions decide dup/flood/replay."""
        now = int(guards.now)
        actions: list[dict] = []
        kinds: list[str] = []

        def put(item: dict, kind: str, condition: str | None, values: dict | None = None) -> None:
            op: dict = {"TableName": self.table, "Item": marshal(item)}
            if condition:
                op["ConditionExpression"] = condition
                names = {"#pk": "pk", "#until": "until", "#expires": "expires_at"}
                op["ExpressionAttributeNames"] = {k: v for k, v in names.items() if k in condition}
            if kind in ("flood", "idempotency"):  # the item in the way: time left / the first answer
                op["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
            if values:
                op["ExpressionAttributeValues"] = marshal(values)
            actions.append({"Put": op})
            kinds.append(kind)

        if guards.idempotency_digest:
            put(
                {
                    **idempotency_key(comment.site, guards.idempotency_digest),
                    "answer": guards.idempotent_answer or {},
                    "request": guards.request_digest,
                    "gsi3pk": email_pk(comment.site, guards.email_hash),
                    "gsi3sk": comment.id,
                    "expires_at": now + IDEMPOTENCY_SECONDS,
                },
                "idempotency",
                "attribute_not_exists(#pk)",
            )
        put(comment_item(comment), "comment", "attribute_not_exists(#pk)")
        if guards.subscription:
            put(guards.subscription, "subscription", "attribute_not_exists(#pk)")
        if guards.ip or guards.user_agent:
            network_expiry = now + guards.retention_days * 86400
            if comment.expires_at:  # never after its comment (a spam verdict expires it)
                network_expiry = min(network_expiry, comment.expires_at)
            put(
                {
                    **network_key(comment.site, comment.id),
                    "ip": guards.ip,
                    "user_agent": guards.user_agent,
                    "expires_at": network_expiry,
                },
                "network",
                "attribute_not_exists(#pk)",
            )
        put(
            {
                **duplicate_key(comment.site, comment.post_id, guards.duplicate_digest),
                "comment_id": comment.id,
                # A moderator's reply has no email: its guard is no one's personal datum.
                **({"gsi3pk": email_pk(comment.site, guards.email_hash), "gsi3sk": comment.id} if guards.email_hash else {}),
                "expires_at": comment.expires_at,  # the guard lives as long as its comment
            },
            "duplicate",
            # A guard past its TTL belongs to a spam/trash comment DynamoDB has yet to delete: free.
            "attribute_not_exists(#pk) OR #expires < :now",
            {":now": now},
        )
        if guards.flood_seconds > 0:
            until = now + guards.flood_seconds
            for kind, digest in (("E", guards.email_hash), ("I", guards.ip_hash)):
                if not digest:
                    continue
                guard = {**flood_key(comment.site, kind, digest), "until": until, "expires_at": until + 60}
                if kind == "E" and guards.email_flood_held:
                    put(guard, "email-flood", None)
                else:
                    put(guard, "flood" if kind == "I" else "email-flood", "attribute_not_exists(#pk) OR #until <= :now",
                        {":now": now})
        if comment.parent_id:
            actions.append(
                {
                    "ConditionCheck": {
                        "TableName": self.table,
                        "Key": marshal(comment_key(comment.site, comment.parent_id)),
                        "ConditionExpression": "#status = :approved",
                        "ExpressionAttributeNames": {"#status": "status"},
                        "ExpressionAttributeValues": marshal({":approved": "approved"}),
                    }
                }
            )
            kinds.append("parent")
        if comment.status == "approved":
            actions.append({"Update": self._count_update(comment.site, comment.post_id, 1)})
            kinds.append("count")
        if guards.first_comment:  # only while the post has none: the hot post's META is not rewritten
            actions.append(
                {
                    "Update": {
                        "TableName": self.table,
                        "Key": marshal(post_meta_key(comment.site, comment.post_id)),
                        "UpdateExpression": f"SET first_comment_at = if_not_exists(first_comment_at, :t), {META_INDEX_SET}",
                        "ExpressionAttributeValues": marshal(
                            {":t": comment.created_at, **_meta_index_values(comment.site, comment.post_id)}
                        ),
                    }
                }
            )
            kinds.append("post")
        failed = self._transact(actions, kinds)
        if not failed:
            return
        if "idempotency" in failed:
            first = failed["idempotency"][0] or self.get_idempotent(comment.site, guards.idempotency_digest or "") or {}
            raise IdempotentReplay(first.get("answer") or {}, first.get("request"))
        if "parent" in failed:
            raise NotFoundError("the comment you reply to is not available")
        if "duplicate" in failed:
            raise DuplicateError("you already left this comment on this post")
        if "flood" in failed:
            untils = [int(old["until"]) for old in failed["flood"] if "until" in old]
            raise FloodError(max(1, min(guards.flood_seconds, max(untils) - now)) if untils else guards.flood_seconds)
        if "email-flood" in failed:
            raise EmailFlooded()
        raise ConflictError("the comment could not be stored; please send it again")

    def _transact(self, actions: list[dict], kinds: list[str], attempts: int = 4) -> dict[str, list[dict]]:
        """Run TransactWriteItems; returns the kinds whose conditions failed (empty: committed), each
        with the items in the way where the action asked for them (ReturnValuesOnConditionCheckFailure).

        A TransactionConflict (another transaction on the same item) is retried: on retry the
        conditions see the winner's write, so the loser learns a plain condition failure.
        """
        from botocore.exceptions import ClientError

        for attempt in range(attempts):
            try:
                self._call("transact_write_items", TransactItems=actions)
                return {}
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                    raise
                reasons = exc.response.get("CancellationReasons") or _reasons_from_message(
                    exc.response.get("Error", {}).get("Message", ""), len(actions)
                )
                codes = [r.get("Code", "None") for r in reasons]
                failed: dict[str, list[dict]] = {}
                for i, reason in enumerate(reasons[: len(kinds)]):
                    if reason.get("Code") == "ConditionalCheckFailed":
                        old = unmarshal(reason["Item"]) if reason.get("Item") else {}
                        failed.setdefault(kinds[i], []).append(old)
                if failed:
                    return failed
                if any(code in ("TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded") for code in codes):
                    time.sleep(0.02 * 2**attempt)
                    continue
                raise StorageUnavailableError("transaction cancelled: " + ",".join(codes)) from exc
        raise StorageUnavailableError("transaction kept conflicting")

    def _count_update(self, site: str, post_id: str, delta: int) -> dict:
        """ADD to one of the post's count shards, at random: the count is their sum, wherever each went."""
        import random

        return {
            "TableName": self.table,
            "Key": marshal(count_key(site, post_id, random.randrange(COUNT_SHARDS))),
            "UpdateExpression": "ADD approved :d",
            "ExpressionAttributeValues": marshal({":d": delta}),
        }

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
        shown; each shard is read from just before it, so no comment is skipped or shown twice."""
        before = (start or {}).get("before")
        merged: list[dict] = []
        floor = None  # a shard cut short by DynamoDB's 1 MB page: nothing older than its last is known
        for shard in range(QUEUE_SHARDS):
            page, cut = self._queue_shard(site, status, shard, limit + 1, before)
            merged.extend(page)
            if cut and page:
                floor = max(floor or "", page[-1]["gsi2sk"])
        merged.sort(key=lambda i: i["gsi2sk"], reverse=True)
        if floor:
            merged = [i for i in merged if i["gsi2sk"] >= floor]
        items = merged[:limit]
        more = len(merged) > limit or floor is not None
        last = {"before": items[-1]["gsi2sk"]} if more and items else None
        networks: dict[str, dict] = {}
        if items:
            for net in self._batch_get([network_key(site, i["id"]) for i in items]):
                networks[net["pk"]] = net
        return [comment_from_item(i, networks.get(i["pk"])) for i in items], last

    def get_comments(self, site: str, comment_ids: list[str]) -> dict[str, Comment]:
        """Comments by id (without their network items); missing ones are left out."""
        if not comment_ids:
            return {}
        found = self._batch_get([comment_key(site, i) for i in comment_ids])
        return {item["id"]: comment_from_item(item) for item in found if item.get("sk") == "COMMENT"}

    def _queue_shard(self, site: str, status: str, shard: int, limit: int, before: str | None) -> tuple[list[dict], bool]:
        """Up to `limit` entries of one queue shard older than `before`, newest first; and whether
        DynamoDB stopped early (its 1 MB page) with more left."""
        condition, values = "gsi2pk = :pk", {":pk": queue_pk(site, status, shard)}
        if before:
            condition, values[":before"] = condition + " AND gsi2sk < :before", before
        answer = self._call(
            "query", TableName=self.table, IndexName=QUEUE_INDEX, KeyConditionExpression=condition,
            ExpressionAttributeValues=marshal(values), ScanIndexForward=False, Limit=limit,
        )
        items = [unmarshal(i) for i in answer.get("Items", [])]
        return items, bool(answer.get("LastEvaluatedKey")) and len(items) < limit

    def reshard_queue(self, site: str) -> int:
        """Move comments indexed under the unsharded queue key (QUEUE#{site}#{status}, before the
        shards) onto their shard; returns how many. A Query on the old key each page: no Scan."""
        from .models import STATUSES

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
                        ExpressionAttributeValues=marshal({":new": queue_pk(site, status, queue_shard(item["id"])),
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
        item = comment_item(after)
        actions: list[dict] = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": marshal(item),
                    "ConditionExpression": "#version = :v",
                    "ExpressionAttributeNames": {"#version": "version"},
                    "ExpressionAttributeValues": marshal({":v": before.version}),
                }
            }
        ]
        kinds = ["comment"]
        if effects.count_delta:
            actions.append({"Update": self._count_update(after.site, after.post_id, effects.count_delta)})
            kinds.append("count")
        if effects.trust == "grant":
            trust = trust_item(after.site, effects.author_hash, after.email_hash, after.updated_at)
            actions.append({"Put": {"TableName": self.table, "Item": marshal(trust)}})
            kinds.append("trust")
        elif effects.trust == "revoke":
            actions.append({"Delete": {"TableName": self.table, "Key": marshal(trust_key(after.site, effects.author_hash))}})
            kinds.append("trust")
        parts: dict[int, dict[str, int]] = {}
        for name, delta in effects.learn.items():
            parts.setdefault(learned_part(name), {})[name] = delta
        for part, deltas in sorted(parts.items()):
            names = {f"#a{i}": name for i, name in enumerate(deltas)}
            values = {f":d{i}": delta for i, delta in enumerate(deltas.values())}
            expression = "ADD " + ", ".join(f"#a{i} :d{i}" for i in range(len(names)))
            actions.append(
                {
                    "Update": {
                        "TableName": self.table,
                        "Key": marshal(learned_part_key(after.site, part)),
                        "UpdateExpression": expression,
                        "ExpressionAttributeNames": names,
                        "ExpressionAttributeValues": marshal(values),
                    }
                }
            )
            kinds.append("learned")
        for tag, delta in effects.memory.items():
            # A new mark keeps the memory for another full period; taking one back never extends
            # it, and an item TTL already took comes back only as a husk that expires.
            expiry = "expires_at = :e" if delta > 0 else "expires_at = if_not_exists(expires_at, :e)"
            actions.append(
                {
                    "Update": {
                        "TableName": self.table,
                        "Key": marshal(memory_key(after.site, tag)),
                        "UpdateExpression": f"ADD marks :d SET {expiry}",
                        "ExpressionAttributeValues": marshal({":d": delta, ":e": effects.memory_expires_at}),
                    }
                }
            )
            kinds.append("memory")
        if effects.duplicate_digest:
            actions.append({"Update": self._guard_expiry(after, effects.duplicate_digest)})
            kinds.append("duplicate")
        if after.expires_at and (before.network_expires_at or 0) > after.expires_at:
            # IP and user agent never outlive their comment; an earlier own expiry stays as it is.
            actions.append(
                {
                    "Update": {
                        "TableName": self.table,
                        "Key": marshal(network_key(after.site, after.id)),
                        "UpdateExpression": "SET expires_at = :e",
                        "ConditionExpression": "attribute_exists(pk)",
                        "ExpressionAttributeValues": marshal({":e": after.expires_at}),
                    }
                }
            )
            kinds.append("network")
        if "comment" in self._transact_besides(actions, kinds, {"duplicate", "network"}):
            raise ConflictError("the comment was changed by someone else")

    def _guard_expiry(self, comment: Comment, digest: str) -> dict:
        """The duplicate guard of a comment, rewritten with the comment's expiry (or none).

        Written whole, so a guard DynamoDB already deleted comes back with a restored comment.
        """
        values: dict[str, str | int] = {":id": comment.id, ":g": email_pk(comment.site, comment.email_hash)}
        expression = "SET comment_id = :id, gsi3pk = :g, gsi3sk = :id"
        if comment.expires_at:
            expression += ", expires_at = :e"
            values[":e"] = comment.expires_at
        else:
            expression += " REMOVE expires_at"
        return {
            "TableName": self.table,
            "Key": marshal(duplicate_key(comment.site, comment.post_id, digest)),
            "UpdateExpression": expression,
            "ConditionExpression": "attribute_not_exists(pk) OR comment_id = :id",
            "ExpressionAttributeValues": marshal(values),
        }

    def _transact_besides(self, actions: list[dict], kinds: list[str], optional: set[str]) -> dict[str, list[dict]]:
        """_transact, once more without the `optional` actions when only those failed their
        conditions (a guard another comment owns now, a network item TTL deleted): they must not
        block the change they go with."""
        failed = self._transact(actions, kinds)
        if failed and set(failed) <= optional:
            kept = [(a, k) for a, k in zip(actions, kinds) if k not in optional]
            failed = self._transact([a for a, _ in kept], [k for _, k in kept])
        return failed

    def delete_comment(self, comment: Comment, duplicate_digest: str | None) -> None:
        """Remove a comment for good, with its network item, guard and its share of the count."""
        actions: list[dict] = [
            {
                "Delete": {
                    "TableName": self.table,
                    "Key": marshal(comment_key(comment.site, comment.id)),
                    "ConditionExpression": "#version = :v",
                    "ExpressionAttributeNames": {"#version": "version"},
                    "ExpressionAttributeValues": marshal({":v": comment.version}),
                }
            },
            {"Delete": {"TableName": self.table, "Key": marshal(network_key(comment.site, comment.id))}},
        ]
        kinds = ["comment", "network"]
        if duplicate_digest:
            actions.append(
                {
                    "Delete": {
                        "TableName": self.table,
                        "Key": marshal(duplicate_key(comment.site, comment.post_id, duplicate_digest)),
                        "ConditionExpression": "attribute_not_exists(comment_id) OR comment_id = :id",
                        "ExpressionAttributeValues": marshal({":id": comment.id}),
                    }
                }
            )
            kinds.append("duplicate")
        if comment.status == "approved":
            actions.append({"Update": self._count_update(comment.site, comment.post_id, -1)})
            kinds.append("count")
        if "comment" in self._transact_besides(actions, kinds, {"duplicate"}):
            raise ConflictError("the comment was changed by someone else")

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
        for group in chunks(entries, 20):
            if len(group) > 1 and not self._transact(*self._import_actions(group)):
                outcomes.extend(["new"] * len(group))
                continue
            for entry in group:
                failed = self._transact(*self._import_actions([entry]))
                outcomes.append("new" if not failed else "present" if "comment" in failed else "deleted")
        return outcomes

    def _import_actions(self, group: list["ImportEntry"]) -> tuple[list[dict], list[str]]:
        actions: list[dict] = []
        kinds: list[str] = []
        counts: dict[tuple[str, str], int] = {}

        def put(item: dict, kind: str) -> None:
            actions.append(
                {
                    "Put": {
                        "TableName": self.table,
                        "Item": marshal(item),
                        "ConditionExpression": "attribute_not_exists(#pk)",
                        "ExpressionAttributeNames": {"#pk": "pk"},
                    }
                }
            )
            kinds.append(kind)

        for entry in group:
            comment = entry.comment
            put(comment_item(comment), "comment")
            if comment.origin_id:
                origin = {**origin_key(comment.site, comment.origin_id), "comment_id": comment.id, "post_id": comment.post_id}
                put({**origin, "expires_at": comment.expires_at}, "origin")  # it goes with its comment
            if entry.network:
                put({**network_key(comment.site, comment.id), **entry.network}, "network")
            if comment.status == "approved":
                counts[(comment.site, comment.post_id)] = counts.get((comment.site, comment.post_id), 0) + 1
        for (site, post_id), delta in counts.items():
            actions.append({"Update": self._count_update(site, post_id, delta)})
            kinds.append("count")
        return actions, kinds

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
                ExpressionAttributeValues=marshal({":c": closed, **_meta_index_values(site, post_id)}),
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
                    ExpressionAttributeValues=marshal({":t": first_comment_at, **_meta_index_values(site, post_id)}),
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

    # -- moderator tokens --
    def put_token(self, site: str, name: str, token_hash: str) -> None:
        old = self._call("get_item", TableName=self.table, Key=marshal(token_name_key(site, name))).get("Item")
        actions: list[dict] = []
        if old:
            actions.append({"Delete": {"TableName": self.table, "Key": marshal(token_key(unmarshal(old)["token_hash"]))}})
        actions.append({"Put": {"TableName": self.table, "Item": marshal({**token_key(token_hash), "site": site, "name": name})}})
        actions.append(
            {"Put": {"TableName": self.table, "Item": marshal({**token_name_key(site, name), "token_hash": token_hash})}}
        )
        self._call("transact_write_items", TransactItems=actions)

    def get_token(self, token_hash: str) -> dict | None:
        item = self._call("get_item", TableName=self.table, Key=marshal(token_key(token_hash))).get("Item")
        return unmarshal(item) if item else None

    def revoke_token(self, site: str, name: str) -> bool:
        item = self._call("get_item", TableName=self.table, Key=marshal(token_name_key(site, name))).get("Item")
        if not item:
            return False
        token_hash = unmarshal(item)["token_hash"]
        self._call(
            "transact_write_items",
            TransactItems=[
                {"Delete": {"TableName": self.table, "Key": marshal(token_key(token_hash))}},
                {"Delete": {"TableName": self.table, "Key": marshal(token_name_key(site, name))}},
            ],
        )
        return True


def _error_code(exc: Any) -> str:
    return exc.response.get("Error", {}).get("Code", "")


# A post's META item sits in the public index ahead of the post's comments ("!" sorts before every
# ULID character), so the first page of a listing reads the closed state in the same Query.
META_INDEX_SET = "gsi1pk = :gpk, gsi1sk = :gsk"


def _meta_index_values(site: str, post_id: str) -> dict:
    return {":gpk": public_pk(site, post_id), ":gsk": "!META"}


def _index(name: str, prefix: str, projection: dict) -> dict:
    return {
        "IndexName": name,
        "KeySchema": [
            {"AttributeName": f"{prefix}pk", "KeyType": "HASH"},
            {"AttributeName": f"{prefix}sk", "KeyType": "RANGE"},
        ],
        "Projection": projection,
    }


def _merged_learned(by_key: dict, site: str) -> dict | None:
    """The site's LEARNED counters: the parts and the item from before them, added up; None if none."""
    merged: dict[str, int] = {}
    found = False
    for key in (learned_key(site), *(learned_part_key(site, n) for n in range(LEARNED_PARTS))):
        item = by_key.get(tuple(key.values()))
        if item:
            found = True
            for name, value in item.items():
                if name not in ("pk", "sk") and isinstance(value, (int, float)):
                    merged[name] = merged.get(name, 0) + int(value)
    return merged if found else None


def _site_from_item(item: dict) -> Site:
    from .models import Site

    return Site.model_validate({k: v for k, v in item.items() if k not in ("pk", "sk")})


def _reasons_from_message(message: str, count: int) -> list[dict]:
    """Older servers put the reasons only in the message: '... reasons [None, ConditionalCheckFailed]'."""
    if "[" not in message:
        return []
    inside = message[message.rfind("[") + 1 : message.rfind("]")]
    return [{"Code": part.strip()} for part in inside.split(",")][:count]



def chunks(items: list, size: int) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
