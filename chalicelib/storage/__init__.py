"""All DynamoDB access: one table, its keys and indexes, and the store (DynamoStore) that reads and writes it.

The package: `schema` (the table, its indexes and every item's key, as data), `codec` (items <-> dicts and
models), `records` (what the store takes and gives), `transact` (the transaction builder: each step
names the domain error its failed condition means), `dynamo` (DynamoStore). Key strings and attribute
encodings stay in here: the service and the stream handler ask by meaning (`Lesson` and
`SubmissionContext.learned_counts` for the learned stats, `item_kind` / `comment_id_of` for an item
or stream image, `get_token` -> site and name, the subscription and mail-marker methods, the digest-window methods and
`site_fields` for the stream handler's raw read of a site's settings).

One on-demand table (`REPLYBOX_TABLE`), keys `pk`/`sk`, TTL attribute `expires_at`.

| item                     | pk                              | sk            | indexes                                   |
|--------------------------|---------------------------------|---------------|-------------------------------------------|
| site settings            | SITE#{site}                     | SITE          |                                           |
| site's learned spam stats| SITE#{site} (before the parts;  | LEARNED       | (read and summed in, never written now)   |
|                          | still summed in)                |               |                                           |
| learned stats, one part  | LEARNED#{site}#{0-63}           | LEARNED       | (a bucket's counters by its number % 64)  |
| trusted name + email     | TRUST#{site}#{ah}               | TRUST         | email                                     |
| trusted email (before    | SITE#{site}                     | TRUST#{eh}    | (never written now; erasure deletes it)   |
| names joined trust)      |                                 |               |                                           |
| token name -> hash       | SITE#{site}                     | TOKENNAME#{n} |                                           |
| moderator token          | TOKEN#{token hash}              | TOKEN         |                                           |
| comment                  | COMMENT#{site}#{id}             | COMMENT       | public (approved only), queue, email      |
|                          |                                 |               | (TTL while spam/trash: spam retention)    |
| comment's IP + UA        | COMMENT#{site}#{id}             | NET           | (TTL: the site's retention, never after   |
|                          |                                 |               | its comment's)                            |
| approved count of a post | POST#{site}#{post} (before      | COUNT         | (read, never written now: the shards are) |
|                          | shards; still summed)           |               |                                           |
| count change to settle   | COUNTDUE#{site}#{id}#{version   | COUNTDUE      | (TTL: 2 days once `settled`; see below)   |
|                          | or "deleted"}                   |               |                                           |
| approved count, one shard| COUNT#{site}#{post}#{0-7}       | COUNT         | (the count is the sum of the shards)      |
| duplicate guard          | DUP#{site}#{post}#{digest}      | GUARD         | email (TTL: its comment's, if any)        |
| flood guard (email / IP) | FLOOD#{site}#E#{eh} / #I#{ih}   | GUARD         | (TTL); an email hit holds, an IP hit 429s |
| idempotent answer        | IDEM#{site}#{digest of key}     | IDEM          | email (TTL: 24 h)                         |
| moderator mail sent      | NOTIFIED#{site}#{id}#{version}  | NOTIFIED      | (TTL: 7 days); `how`: `mail` (claimed,    |
| (or decided: mail/digest)|                                 |               | not yet sent) or `digest`; none: mailed   |
| spam memory (email / IP /| MEMORY#{site}#E#{eh} / #I#{ih} /| MEMORY        | (TTL: the site's spam_memory_days, 90,    |
| link domain), `marks`    | #D#{keyed hash of the domain}   |               | renewed by each new mark)                 |
| imported comment's number| ORIGIN#{site}#{number}          | ORIGIN        | (-> comment id and post)                  |
| post state (closed, first)| POST#{site}#{post}             | META          | public (gsi1sk `!META`: first in the post)|
| discards of a day (shard)| DISCARDS#{site}#{day}#{0-9}     | DISCARDS      | (TTL: 8 days)                             |
| reply subscription       | SUB#{site}#{comment id}         | SUB           | email (TTL 7 days until confirmed)        |
| readers' mails of a day  | MAILCAP#{site}#{day}            | MAILCAP       | (TTL: 2 days); `sent` under the daily cap |
| reader mail sent         | MAILED#{site}#{kind}#{id}       | MAILED        | (TTL: 7 days)                             |
| moderators' digest window| DIGEST#{site}#{window start}    | DIGEST        | (TTL: 2 days); `ids` (set, <= 50), `more` |
| digest window to send    | DIGESTDUE#{hour of its end}     | {end}#{site}#{start} | (TTL: 2 days; deleted once sent)   |

A LEARNED part holds only counters: `spam_docs`/`ham_docs` (in part 0) and, per learning key
(a 13-bit bucket, chalicelib/spam/learned.py), `s#{bucket}`/`h#{bucket}`, in part int(bucket, 16) % 64.
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
  Keys only (tables made before keep their whole-item projection; both are read alike). A status's
  queue is the newest-first merge of its 8 shards (`list_queue`: each read a little past its share of
  the page, then the shard that holds back the merge read on; ~90 entries for a page of 50); the
  page's comments and their NET items come in one BatchGetItem after.
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
| moderation queue by status, newest first| Query `queue` (keys) on each shard's gsi2pk (ids before the |
|                                         | cursor), descending, merged + BatchGetItem of the page's    |
|                                         | comments and NET, then the replies' parents                 |
| tab counts (moderator page)             | Query `queue` on each shard, Select=COUNT, stops past 1,000 |
| empty spam / trash                      | Query `queue` page by page, a delete transaction per comment|
| discard trace: count one / last 7 days  | UpdateItem ADD on a random shard / BatchGetItem of 70 keys  |
| one comment, full view                  | Query pk = COMMENT#{site}#{id} (COMMENT and NET items)      |
| moderation action                       | TransactWriteItems: conditional Update on version + COUNTDUE,|
|                                         | trust, learned stats, the guard's and NET item's TTL,       |
|                                         | spam memory (ADD marks on spam, taken back on ham)          |
| delete                                  | TransactWriteItems: conditional Delete + COUNTDUE + NET +   |
|                                         | guard                                                       |
| settle a count change (after the above, | TransactWriteItems: Update COUNTDUE (not yet settled) + ADD |
| or from the stream handler)             | on a random COUNT shard                                     |
| erase an email                          | Query `email` on gsi3pk, then a transaction per comment,    |
|                                         | then DeleteItem of its legacy trust, flood and MEMORY E#    |
| token check                             | GetItem TOKEN#{hash}                                        |
| stream: was this comment mailed already | GetItem NOTIFIED, PutItem after the SNS publish             |
| stream: mail at once or digest (a site  | per batch and site: BatchGetItem NOTIFIED of its comments,  |
| with digests): how many wait, decided   | Query `queue` (keys, pending shards, from a random one)     |
| once per comment                        | until digest_after others are found; UpdateItem NOTIFIED    |
|                                         | (attribute_not_exists) before a publish, PutItem after;     |
|                                         | BatchWriteItem NOTIFIED `how=digest` of the rest            |
| stream: a comment into its digest window| PutItem DIGESTDUE (once a window), UpdateItem ADD on DIGEST |
| schedule: closed windows, send each once| Query DIGESTDUE#{hour} (sk <= now) for the last 6 hours,    |
|                                         | UpdateItem claim, BatchGetItem the comments, DeleteItem DUE |
| revoke token                            | GetItem TOKENNAME, then TransactWriteItems deleting both    |
| import: comments of a file              | TransactWriteItems of up to 20 comments (conditional puts of |
|                                         | COMMENT + ORIGIN, NET, one ADD per post's COUNT)            |
| export of a site / of one email         | Query `queue` per status / Query `email` + GetItem each     |

Per-key rates at a viral post (1,000 comments/s, 100,000 views/s; `bench/hotkeys.py` measures them):
every submission writes a queue index entry (keys only, ~100 B, 1 WCU; it was the whole ~1.3 KB item,
2 WCU): 1,000-2,000 WCU/s on one key would be up to twice a partition's limit, so the queue is also
sharded 8 ways by id (~150 WCU/s a shard with the approvals' moves). A change of a post's count (an approval, an unapproval, deleting an approved comment, an
approved submission) is not in the comment's transaction: that writes a COUNTDUE item of its own key
(no two transactions meet on it, where a shard in each made concurrent approvals conflict), and the
request then settles it: one transaction marks it settled and ADDs its delta to one of 8 shards chosen
at random (~250 approvals/s: ~60 WCU/s a shard, where one COUNT item took 500). When the request
cannot (it died, the settle conflicted or was throttled), the stream handler settles it from the
item's INSERT record (chalicelib/notify.py); only one of the two can mark it, so counts end exact.
Spam and trash that TTL deletes were never counted (only approved comments are, and they carry no
TTL), so their REMOVE records change nothing. The importer still ADDs to a shard in its own
transactions (one per post per 20 comments, never concurrent on a viral post). Trust records have a partition
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
Moderators' digests (chalicelib/digest.py): to decide which new pending comments are mailed at once
(while at most digest_after wait), the stream handler counts the site's pending comments once per
batch: a keys-only Query of up to digest_after + 25 entries on a queue shard, then the next, stopping
once digest_after are found (a busy site: one Query; a quiet one: all 8, a few entries each), starting
at a random shard so a viral site's batches (~40/s at 1,000 comments/s) spread ~3 RCU/s on each shard's
index partition. Each comment's NOTIFIED marker is its own key, written once (twice when mailed).
The handler ADDs the batch's comments bound for a digest (<= 25)
to DIGEST#{site}#{window} in one UpdateItem: at 1,000 pending comments/s, ~10 writes/s per stream shard
of ~3 WCU (the item stops growing at 50 ids), far under a partition's 1,000 WCU/s. A DIGESTDUE item is
put once per window per warm handler and Queried by hour bucket once a minute by `send_digests`.
No Scan anywhere.
"""
from __future__ import annotations

from .codec import (
    comment_from_item,
    comment_id_of,
    comment_item,
    item_kind,
    marshal,
    subscription_item,
    trust_item,
    unmarshal,
)
from .dynamo import DynamoStore
from .records import EmailFlooded, Effects, Guards, IdempotentReplay, ImportEntry, Lesson, SubmissionContext
from .schema import (
    COUNT_SHARDS,
    DISCARD_SHARDS,
    EMAIL_INDEX,
    IDEMPOTENCY_SECONDS,
    LEARNED_PARTS,
    PUBLIC_FIELDS,
    PUBLIC_INDEX,
    count_due_key,
    QUEUE_INDEX,
    QUEUE_SHARDS,
    TTL_ATTRIBUTE,
    comment_key,
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
    learned_part,
    learned_part_key,
    mail_cap_key,
    mailed_key,
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

__all__ = [
    "COUNT_SHARDS", "DISCARD_SHARDS", "EMAIL_INDEX", "IDEMPOTENCY_SECONDS", "LEARNED_PARTS", "PUBLIC_FIELDS",
    "PUBLIC_INDEX", "QUEUE_INDEX", "QUEUE_SHARDS", "TTL_ATTRIBUTE", "DynamoStore", "Effects", "EmailFlooded",
    "Guards", "IdempotentReplay", "ImportEntry", "SubmissionContext", "Lesson", "comment_from_item", "comment_id_of", "comment_item", "item_kind", "mail_cap_key", "mailed_key",
    "subscription_item", "subscription_key",
    "comment_key", "count_due_key", "count_key", "digest_due_key", "digest_due_pk", "digest_window_key", "discards_key",
    "duplicate_key", "email_pk", "flood_key", "idempotency_key",
    "learned_key", "learned_part", "learned_part_key", "marshal", "memory_key", "network_key", "notified_key",
    "origin_key", "post_meta_key", "public_pk", "queue_pk", "queue_shard", "site_key", "table_schema", "token_key",
    "token_name_key", "trust_item", "trust_key", "unmarshal",
]
