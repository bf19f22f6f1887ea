"""Moderator notifications: the stream handler that mails each new pending comment with its one-click links.

Flow: a comment is stored `pending` -> the table's stream (NEW_IMAGE) -> `notify_moderators` publishes one
SNS message (moderators subscribe by email) with signed links to approve or mark it spam -> a moderator
opens a link (chalicelib/web/links.py): `GET` shows a confirmation page (mail scanners follow GETs, so a GET never changes
anything) -> its form `POST`s to the same URL, which calls `Service.act`.

A link (chalicelib/links.py) is `Keyring.sign("moderation-link", {s: site, c: id, a: action, v: version, e: expiry})`. The
version makes it single-use: the first action moves the comment to version v+1, so any replay (or the
other link of the same mail) finds a stale version and gets "already handled".

The same handler settles post counts: a comment's transaction writes a COUNTDUE item instead of
touching a COUNT shard (chalicelib/storage/dynamo.py `settle_count`), its request adds it to a shard
right after, and the INSERT of the item here does the same when that request could not (it died, or
its settle conflicted): exactly one of them wins, so counts end exact. TTL's deletions of spam and
trash change no count (only approved comments count, and they never expire).

Only an INSERT of a pending comment notifies. A MODIFY back to pending is a moderator's own `hold`
(or a restore from trash): moderators already know about it, so a mail would be noise.

Stream records come at least once. Each notification leaves a marker item
`NOTIFIED#{site}#{id}#{version}` / `NOTIFIED` (TTL 7 days, longer than the stream's 24 h): a record
whose marker exists is skipped. The marker is written after the publish succeeds, so a crash between
the two can repeat one mail but never loses one (SNS standard topics have no dedup id, and FIFO topics
cannot deliver email). A record that fails for a passing reason (SNS or DynamoDB unavailable) is
reported in `batchItemFailures` and processing stops there: Lambda retries from that record on.
A malformed record is logged and skipped: retrying can never fix it.

A site with `digest_minutes` above 0 (the default) has its batch's new pending comments decided
together after the batch's other records (`mail_or_digest`): mailed here at once while at most
`digest_after` comments wait, else added to the site's window item (chalicelib/digest.py, which says
what "waiting" is), one UpdateItem per site and window, for the scheduled `send_digests` to mail once
the window closes. The marker of a comment version says which it got (`how`: `mail`, claimed before
the publish, or `digest`), so a repeated record does the same again and never both. A failure there
reports the batch's first such record for retry (each step is idempotent).
"""
from __future__ import annotations

import os
import time
from functools import cache
from typing import TYPE_CHECKING, Any, Callable

from chalice import Blueprint, Rate

from .links import LINK_TTL, LINK_ACTIONS, link_url, make_link_token
from .logs import log_event

if TYPE_CHECKING:
    from .storage import DynamoStore

notify = Blueprint(__name__)

MARKER_TTL = 7 * 24 * 3600
# `chalice package` needs a string at import; the deploy template replaces it with the table's stream.
STREAM_ARN = os.environ.get(
    "REPLYBOX_STREAM_ARN", "arn:aws:dynamodb:us-east-1:000000000000:table/replybox/stream/placeholder"
)
STREAM_ROUTE = "dynamodb:notify_moderators"
SITE_CACHE_SECONDS = 60  # a changed digest setting reaches a warm handler within a minute


# ---- the stream handler --------------------------------------------------------------------------
class MalformedRecordError(Exception):
    """A stream record that is not what DynamoDB sends; retrying cannot help."""


class Notifier:
    """Turns stream records of new pending comments into one SNS message each."""

    def __init__(
        self,
        store: DynamoStore,
        keyring: Any,
        publish: Callable[..., Any],
        public_url: str,
        clock: Callable[[], float] = time.time,
        mailer: Any = None,
    ):
        self.mailer = mailer  # readers' reply notifications (chalicelib/mail.py), when a sender is set
        self.store = store
        self.keyring = keyring
        self.publish = publish
        self.public_url = public_url
        self.clock = clock
        self._sites: dict[str, tuple[float, dict]] = {}
        self._windows: Any = None

    def handle(self, event: Any, request_id: str | None = None) -> dict:
        """Process a batch; returns the partial batch answer Lambda expects."""
        started = time.perf_counter()
        records = event.get("Records") if isinstance(event, dict) else None
        tally = {"notified": 0, "batched": 0, "counted": 0, "skipped": 0, "malformed": 0, "failed": 0}
        failures: list[dict] = []
        held: list[tuple[Any, dict]] = []  # (record, comment) of sites with digests: mailed or digested below
        for record in records if isinstance(records, list) else []:
            try:
                outcome = self.handle_record(record, held)
                if outcome != "held":
                    tally[outcome] += 1
            except MalformedRecordError:
                tally["malformed"] += 1
                log_event("error", request_id=request_id, route=STREAM_ROUTE, error="MalformedRecord")
            except Exception as exc:  # noqa: BLE001 - a passing failure: Lambda retries from here
                sequence = _sequence_number(record)
                tally["failed"] += 1
                log_event("error", request_id=request_id, route=STREAM_ROUTE, error=type(exc).__name__)
                if sequence is None:  # cannot be retried by number: fail the whole batch
                    raise
                failures.append({"itemIdentifier": sequence})
                break  # stream order: everything after the failed record comes again anyway
        if held:
            try:
                for outcome, count in self.mail_or_digest([comment for _, comment in held]).items():
                    tally[outcome] += count
            except Exception as exc:  # noqa: BLE001 - a passing failure: retry from the first held record
                sequence = _sequence_number(held[0][0])
                tally["failed"] += 1
                log_event("error", request_id=request_id, route=STREAM_ROUTE, error=type(exc).__name__)
                if sequence is None:
                    raise
                failures = [{"itemIdentifier": sequence}]  # it comes before any record that failed above
        log_event(
            "error" if failures else "info",
            request_id=request_id,
            route=STREAM_ROUTE,
            status=500 if failures else 200,
            duration_ms=round((time.perf_counter() - started) * 1000, 2),
            decision=",".join(f"{k}:{v}" for k, v in tally.items()),
        )
        return {"batchItemFailures": failures}

    def handle_record(self, record: Any, held: list | None = None) -> str:
        """'notified', 'held' (appended to `held`: its site has digests, see `mail_or_digest`), 'counted' or
        'skipped'; raises MalformedRecordError or a passing error."""
        due = _count_due(record)
        if due is not None:  # usually settled by its own request already: then this is a no-op
            return "counted" if self.store.settle_count(due) else "skipped"
        if self.mailer is not None:
            item = _new_image(record)
            if item is not None and self.mailer.handle_item(item) == "mailed":
                return "notified"
        comment = _pending_comment(record)
        if comment is None:
            return "skipped"
        if held is not None and self.digest_minutes(comment["site"]) > 0:
            held.append((record, comment))
            return "held"
        return self.notify_one(comment)

    def mail_or_digest(self, comments: list[dict]) -> dict[str, int]:
        """Each new pending comment of a site with digests, mailed at once while few wait, else into the
        site's window (chalicelib/digest.py `decide`); per site one marker read, at most one count of its
        pending comments and one window write. Returns how many were 'notified', 'batched' and 'skipped'."""
        from .digest import decide

        outcomes = {"notified": 0, "batched": 0, "skipped": 0}
        sites: dict[str, dict[str, dict]] = {}
        for comment in comments:
            sites.setdefault(comment["site"], {})[comment["id"]] = comment
        outcomes["skipped"] += len(comments) - sum(len(group) for group in sites.values())  # one record twice
        expires_at = int(self.clock()) + MARKER_TTL
        digested: list[dict] = []
        for site, group in sites.items():
            states = self.store.notice_states(site, [(i, c["version"]) for i, c in group.items()])
            fresh = sorted(i for i in group if i not in states)  # ULIDs: in the order they arrived
            after = self.digest_setting(site, "digest_after")
            waiting = self.store.count_pending(site, after, set(fresh)) if fresh and after > 0 else 0
            mail, digest = decide(fresh, waiting, after)
            for comment_id in mail:
                if self.store.claim_notice(site, comment_id, group[comment_id]["version"], "mail", expires_at):
                    states[comment_id] = "mail"
            if digest:
                self.store.mark_digested(site, [(i, group[i]["version"]) for i in digest], expires_at)
                states.update(dict.fromkeys(digest, "digest"))
            for comment_id, comment in sorted(group.items()):
                state = states.get(comment_id, "mailed")  # no marker now: another handler claimed it meanwhile
                if state == "mail":
                    self.mail(comment)
                    outcomes["notified"] += 1
                elif state == "digest":
                    digested.append(comment)
                    outcomes["batched"] += 1
                else:
                    outcomes["skipped"] += 1
        if digested:
            self.add_to_windows(digested)
        return outcomes

    def notify_one(self, comment: dict) -> str:
        """The per-comment mail, once per comment version: 'notified' or 'skipped'."""
        if self.store.was_notified(comment["site"], comment["id"], comment["version"]):
            return "skipped"  # a repeated record: this version was announced already (or is in a digest)
        self.mail(comment)
        return "notified"

    def mail(self, comment: dict) -> None:
        """Publish the per-comment mail, then leave the marker saying it went out."""
        subject, message = self.message(comment)
        self.publish(subject=subject, message=message, site=comment["site"])
        self.store.mark_notified(comment["site"], comment["id"], comment["version"], int(self.clock()) + MARKER_TTL)

    def digest_minutes(self, site: str) -> int:
        """The site's digest window (0: a mail per comment)."""
        return self.digest_setting(site, "digest_minutes")

    def digest_setting(self, site: str, name: str) -> int:
        """`digest_minutes` or `digest_after` of the site, read raw (so this handler never loads pydantic)
        and kept a minute."""
        from .digest import DEFAULT_AFTER, DEFAULT_MINUTES

        now = self.clock()
        cached = self._sites.get(site)
        if cached is None or now - cached[0] > SITE_CACHE_SECONDS:
            cached = self._sites[site] = (now, self.store.site_fields(site))
        value = cached[1].get(name, {"digest_minutes": DEFAULT_MINUTES, "digest_after": DEFAULT_AFTER}[name])
        return value if isinstance(value, int) and value > 0 else 0

    def add_to_windows(self, comments: list[dict]) -> None:
        """One UpdateItem per site and window for the batch's comments (chalicelib/digest.py)."""
        from .digest import Windows, created_epoch, window_start

        if self._windows is None:
            self._windows = Windows(self.store)
        now = self.clock()
        groups: dict[tuple[str, int, int], list[str]] = {}
        for comment in comments:
            minutes = self.digest_minutes(comment["site"])
            start = window_start(created_epoch(comment, now), minutes)
            groups.setdefault((comment["site"], minutes, start), []).append(comment["id"])
        for (site, minutes, start), ids in groups.items():
            self._windows.add(site, minutes, ids, start, now)

    def links(self, comment: dict, now: float) -> dict[str, str]:
        """A comment's signed one-click links, one per mailed action."""
        return {
            action: link_url(
                self.public_url,
                comment["site"],
                make_link_token(self.keyring, comment["site"], comment["id"], action, comment["version"], now),
            )
            for action in LINK_ACTIONS
        }

    def message(self, comment: dict) -> tuple[str, str]:
        """The mail: post, author name, verdict reasons and the signed links. No email, IP or UA."""
        links = self.links(comment, self.clock())
        reasons = (comment.get("verdict") or {}).get("reasons") or []
        lines = [
            f"A comment on {comment['site']} is waiting for a moderator.",
            "",
            f"Post:   {comment.get('post_id', '')}",
            f"Author: {comment.get('author', '')}",
            "",
            "Why it is held:",
            *([f"  - {r.get('rule', '?')} ({r.get('score', 0)}): {r.get('detail', '')}" for r in reasons if isinstance(r, dict)]
              or ["  - the site asks a moderator to approve every new author"]),
            "",
            f"Approve:      {links['approve']}",
            f"Mark as spam: {links['spam']}",
            f"Delete:       {links['delete']}",
            f"Reply:        {links['reply']}",
            "",
            f"Each link asks you to confirm, works once, and expires in {LINK_TTL // 86400} days.",
        ]
        subject = f"[replybox] comment awaiting moderation on {comment['site']}"[:100]
        return subject, "\n".join(lines)


def _sequence_number(record: Any) -> str | None:
    try:
        value = record["dynamodb"]["SequenceNumber"]
    except (KeyError, TypeError):
        return None
    return value if isinstance(value, str) and value else None


def _new_image(record: Any) -> dict | None:
    """The item an INSERT or MODIFY record leaves (for readers' mails), else None."""
    if not isinstance(record, dict) or not isinstance(record.get("dynamodb"), dict):
        raise MalformedRecordError("no dynamodb section")
    image = record["dynamodb"].get("NewImage")
    if record.get("eventName") not in ("INSERT", "MODIFY") or not isinstance(image, dict):
        return None
    from .storage import item_kind

    item = _decoded(image)
    if item_kind(item) in ("subscription", "comment") and not all(
        isinstance(item.get(k), str) and item[k] for k in ("site", "pk")
    ):
        raise MalformedRecordError("item without site")
    return item


def _count_due(record: Any) -> dict | None:
    """The COUNTDUE item an INSERT record carries (a count change to settle), else None."""
    if not isinstance(record, dict) or record.get("eventName") != "INSERT":
        return None
    item = _new_image(record)
    if item is None or item.get("sk") != "COUNTDUE":
        return None
    if not all(isinstance(item.get(k), str) and item[k] for k in ("pk", "site", "post_id")) or not isinstance(
        item.get("delta"), int
    ):
        raise MalformedRecordError("COUNTDUE without site, post or delta")
    return item


def _pending_comment(record: Any) -> dict | None:
    """The new comment a record announces when it is an INSERT of a pending comment, else None."""
    if not isinstance(record, dict) or not isinstance(record.get("dynamodb"), dict):
        raise MalformedRecordError("no dynamodb section")
    if record.get("eventName") != "INSERT":
        return None
    image = record["dynamodb"].get("NewImage")
    if not isinstance(image, dict):
        raise MalformedRecordError("INSERT without NewImage")
    from .storage import item_kind

    item = _decoded(image)
    if item_kind(item) != "comment" or item.get("status") != "pending":
        return None
    if not all(isinstance(item.get(k), str) and item[k] for k in ("site", "id")) or not isinstance(
        item.get("version"), int
    ):
        raise MalformedRecordError("comment without site, id or version")
    return item


def _decoded(image: dict) -> dict:
    """A stream image as the store's codec decodes the table's items."""
    from .storage import unmarshal

    try:
        return unmarshal(image)
    except (TypeError, ValueError, AttributeError) as exc:
        raise MalformedRecordError("undecodable image") from exc


@cache
def sns_client() -> Any:
    from botocore.config import Config

    from .config import get_settings
    from .wiring import aws_session

    config = Config(retries={"mode": "standard", "total_max_attempts": 3}, connect_timeout=2, read_timeout=5)
    return aws_session().create_client("sns", region_name=get_settings().region, config=config)


def sns_publisher(topic_arn: str) -> Callable[..., Any]:
    def publish(*, subject: str, message: str, site: str) -> None:
        # The `site` attribute lets a moderator's subscription filter to their own site.
        sns_client().publish(
            TopicArn=topic_arn,
            Subject=subject,
            Message=message,
            MessageAttributes={"site": {"DataType": "String", "StringValue": site}},
        )

    return publish


@cache
def notifier() -> Notifier:
    from . import wiring

    public_url = os.environ.get("REPLYBOX_PUBLIC_URL", "")
    sender = os.environ.get("REPLYBOX_MAIL_FROM", "")
    mailer = None
    if sender:  # readers' reply notifications go out only once the deploy names a verified SES sender
        from .mail import ReplyMailer, ses_sender

        mailer = ReplyMailer(wiring.store(), wiring.keyring(), ses_sender(sender), public_url)
    return Notifier(
        wiring.store(),
        wiring.keyring(),
        sns_publisher(os.environ.get("REPLYBOX_TOPIC_ARN", "")),
        public_url,
        mailer=mailer,
    )


@notify.on_dynamodb_record(stream_arn=STREAM_ARN, batch_size=25, name="notify_moderators")
def notify_moderators(event: Any) -> dict:
    """Mail moderators about each new pending comment; reports the records to retry."""
    context = event.context
    return notifier().handle(event.to_dict(), getattr(context, "aws_request_id", None))


@cache
def digest_sender() -> Any:
    from . import wiring
    from .digest import DigestSender

    return DigestSender(wiring.store(), notifier())


@notify.schedule(Rate(1, unit=Rate.MINUTES), name="send_digests")
def send_digests(event: Any) -> dict:
    """Mail each moderators' digest whose window closed (chalicelib/digest.py)."""
    return digest_sender().run(getattr(getattr(event, "context", None), "aws_request_id", None))
