"""Moderator digests: new pending comments batched per site and time window, and the one mail that lists them.

The rule (issue 18: "digest every 30 minutes once more than 5 comments wait"): for a site whose
`digest_minutes` is above 0 (the default, 30), each new pending comment is mailed AT ONCE (the
per-comment mail of notify.py, as with `digest_minutes` 0) while it is one of at most `digest_after`
(5) comments waiting; once more wait, it goes into the site's current window instead. Every minute the
scheduled `send_digests` finds the windows that have closed (by their DUE items) and mails each one
once: one digest listing its comments that are still pending,
each with its signed links (approve, spam, delete, reply). So a quiet site gets every mail at once and
a busy one at most one digest per window beside its first few mails. Comments a moderator handled
meanwhile are left out; a window whose comments were all handled sends nothing. Like the per-comment
mail, a digest carries the post and the author's display name, never the text, an email, an IP or a
user agent. `digest_after` 0: every comment goes into a digest.

"Waiting" means: the site's comments that are pending in the queue index (the index the moderation
queue is read from), counted once per stream batch per site and only up to `digest_after` (a keys-only
Query per pending shard, starting at a random shard, stopping as soon as that many are found; no Scan).
The batch's own new comments are left out of that count and taken in arrival (id) order on top of it:
with W others waiting, the batch's first `digest_after - W` new comments are mailed, the rest digested
(`decide`). So on a quiet site the first 5 are mailed, the 6th and later are digested, and once a
moderator has cleared the queue the next comment is mailed at once again. Comments held in a window
count as waiting while they are pending, and stop counting once handled.

Each comment version is decided once, by its NOTIFIED marker (notify.py's per-comment marker, with
`how`): `mail` is claimed (a conditional write) before the publish and replaced by the plain marker
after it, `digest` is written before the window ADD. A repeated stream record finds its marker and
does what it says (publishes a claimed mail not yet marked sent, re-ADDs a digested id: adding twice
is adding once), so a comment is never both mailed and digested, and never mailed twice but for a
crash between the publish and its marker (then once more, as before). Edges: the queue index trails
the table by a moment, and two stream shards' handlers of one site count at the same time without
seeing each other's new comments, so at the 5/6 boundary each may mail its comments as though the
others were not waiting yet (one extra mail per racing handler, rare: it takes two new comments of one
site within that moment); a comment approved a moment ago may still count as waiting.

Exactly one digest per comment: a window is claimed (`claimed_until`) before its ids are read, and an
id is only ever ADDed to a window under the condition that it is not claimed; an ADD that finds its
window claimed goes to the next window. The comment's window comes from its `created_at`, so a
repeated stream record lands on the same item (a string set: adding twice is adding once), or finds
its id in the claimed window and stops. The claim is a lease: a sender that dies after the claim
lets the next run send after LEASE seconds, so a crash between the publish and `sent_at` can repeat
one digest, never lose one (as notify.py's markers).

Items (chalicelib/storage's table of items; their keys are in storage/schema.py):
- `DIGEST#{site}#{window start}` / `DIGEST`: `ids` (string set, at most MAX_LISTED), `more` (how many
  arrived once it was full), `claimed_until`, `sent_at`; TTL 2 days (longer than the stream's 24 h).
  Written by the stream handler once per batch of records per site (one UpdateItem for up to 25
  comments), read and updated twice by the sender. At a viral post (1,000 pending comments/s) each
  stream shard's handler writes it about 10 times a second, ~3 WCU each: well under a partition's 1,000.
- `DIGESTDUE#{hour of the window's end}` / `{end:010d}#{site}#{window start}`: put by the stream
  handler before its first ADD to a window (once per window per warm handler), queried each minute by
  the sender for the last LOOKBACK_HOURS hours (sk up to now), deleted once the window is sent; TTL 2 days.
- `NOTIFIED#{site}#{id}#{version}` / `NOTIFIED` with `how` (`mail` until the mail went out, `digest`):
  read for the batch in one BatchGetItem, written once per comment (digested ones in one BatchWriteItem
  per batch); each its own partition.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Callable

from .logs import log_event

if TYPE_CHECKING:
    from .storage import DynamoStore

DEFAULT_MINUTES = 30  # Site.digest_minutes: a window's length; 0 sends a mail per comment at once
DEFAULT_AFTER = 5  # Site.digest_after: new comments are mailed at once while at most this many wait
MAX_LISTED = 50  # comments one digest lists (about 1.2 KB each, far under SNS's 256 KB)
CHUNK = 25  # ids per ADD: the stream's batch size
LEASE = 300
WINDOW_TTL = 2 * 86400
LOOKBACK_HOURS = 6  # a sender that was down this long still finds the windows that closed meanwhile
MAX_HOPS = 50  # claimed windows a late record walks past before it joins the current one
DIGEST_ROUTE = "schedule:send_digests"


def decide(fresh: list[str], waiting: int, after: int) -> tuple[list[str], list[str]]:
    """Which of a site's new pending comments (ids in arrival order) are mailed at once and which go into
    its digest: with `waiting` others pending, the n-th new one is the (waiting + n)-th comment waiting,
    mailed while that is at most `after`."""
    room = max(after - waiting, 0)
    return fresh[:room], fresh[room:]


# ---- windows --------------------------------------------------------------------------------------
def window_start(epoch: float, minutes: int) -> int:
    """Windows are aligned on multiples of the site's N minutes (UTC epoch), so every handler agrees."""
    size = minutes * 60
    return int(epoch) // size * size


def created_epoch(comment: dict, fallback: float) -> float:
    import datetime

    try:
        return datetime.datetime.fromisoformat(str(comment.get("created_at", "")).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return fallback


class Windows:
    """A store's digest windows: which window an id joins (the next one past a claimed window), and the
    DUE mark each window gets once per warm handler."""

    def __init__(self, store: DynamoStore):
        self.store = store
        self._due_written: set[tuple[str, int]] = set()  # (site, start) whose DUE item this handler put

    def add(self, site: str, minutes: int, ids: list[str], start: int, now: float) -> None:
        """Put `ids` in the site's window from `start` on, or, where that one is claimed, in the next
        unclaimed one; an id found in a claimed window is in its digest already."""
        ids = list(dict.fromkeys(ids))
        if len(ids) > CHUNK:  # a window's room is checked per ADD, so no ADD may overfill it much
            for part in range(0, len(ids), CHUNK):
                self.add(site, minutes, ids[part:part + CHUNK], start, now)
            return
        size = minutes * 60
        waiting = ids
        hops = 0
        while waiting:
            if hops >= MAX_HOPS:
                start = max(start, window_start(now, minutes))
            self._ensure_due(site, start, start + size, now)
            outcome, item = self._try_add(site, start, waiting, now)
            if outcome == "added":
                return
            listed = item.get("ids") or set()
            waiting = [i for i in waiting if i not in listed]
            if outcome == "full" and waiting:
                if self.store.count_digest_overflow(site, start, len(waiting)):  # False: claimed meanwhile
                    return
            start += size
            hops += 1

    def _ensure_due(self, site: str, start: int, end: int, now: float) -> None:
        if (site, start) in self._due_written:
            return
        if len(self._due_written) > 10_000:  # a warm handler of many sites over days: forget old windows
            self._due_written.clear()
        self.store.put_digest_due(site, start, end, int(now) + WINDOW_TTL)
        self._due_written.add((site, start))

    def _try_add(self, site: str, start: int, ids: list[str], now: float) -> tuple[str, dict]:
        """('added', {}) or, when the ADD was refused, ('claimed' | 'full', the window as it is)."""
        if self.store.add_to_digest_window(site, start, ids, MAX_LISTED - len(ids), int(now) + WINDOW_TTL):
            return "added", {}
        item = self.store.digest_window(site, start)
        return ("claimed" if "claimed_until" in item else "full"), item

    def due(self, now: float) -> list[dict]:
        """Windows ({"site", "start", "end"}) that ended by `now`, within the last LOOKBACK_HOURS hours."""
        return self.store.closed_digest_windows(now, LOOKBACK_HOURS)

    def claim(self, site: str, start: int, now: float) -> dict | None:
        """The window, now claimed for LEASE seconds; None when it was sent or another sender holds it."""
        return self.store.claim_digest_window(site, start, int(now), int(now) + LEASE)

    def state(self, site: str, start: int) -> dict:
        return self.store.digest_window(site, start)

    def mark_sent(self, site: str, start: int, now: float) -> None:
        self.store.mark_digest_sent(site, start, int(now))

    def forget_due(self, due: dict) -> None:
        self.store.forget_digest_due(due["site"], due["start"], due["end"])


# ---- the mail -----------------------------------------------------------------------------------------
def digest_message(site: str, entries: list[tuple[dict, dict[str, str]]], more: int, public_url: str,
                   link_days: int) -> tuple[str, str]:
    """One mail for many comments: per comment its post, author, why it is held and its four links."""
    count = len(entries) + more
    comments = "comment" if count == 1 else "comments"  # a window all but one of whose comments were handled
    lines = [f"{count} {comments} on {site} {'is' if count == 1 else 'are'} waiting for a moderator.", ""]
    for number, (comment, links) in enumerate(entries, 1):
        reasons = [r for r in (comment.get("verdict") or {}).get("reasons") or [] if isinstance(r, dict)]
        held = ", ".join(str(r.get("rule", "?")) for r in reasons) or "the site asks a moderator to approve every new author"
        lines += [
            f"{number}. Post:   {comment.get('post_id', '')}",
            f"   Author: {comment.get('author', '')}",
            f"   Held:   {held}",
            f"   Approve:      {links['approve']}",
            f"   Mark as spam: {links['spam']}",
            f"   Delete:       {links['delete']}",
            f"   Reply:        {links['reply']}",
            "",
        ]
    if more:
        lines += [f"{more} more arrived than one mail lists: open the queue at {public_url.rstrip('/')}/moderate", ""]
    lines.append(f"Each link asks you to confirm, works once, and expires in {link_days} days.")
    subject = f"[replybox] {count} {comments} awaiting moderation on {site}"[:100]
    return subject, "\n".join(lines)


# ---- the scheduled sender -----------------------------------------------------------------------------
class DigestSender:
    """Sends each closed window once: one digest of its comments still pending."""

    def __init__(self, store: DynamoStore, notifier: Any, clock: Callable[[], float] = time.time):
        self.store = store
        self.windows = Windows(store)
        self.notifier = notifier  # its links, publisher and public URL
        self.clock = clock

    def run(self, request_id: str | None = None) -> dict:
        started = time.perf_counter()
        tally = {"digests": 0, "empty": 0, "busy": 0}
        now = self.clock()
        for due in self.windows.due(now):
            outcome = self.send(due["site"], int(due["start"]), now)
            tally[outcome] += 1
            if outcome != "busy" or self._done(due):
                self.windows.forget_due(due)
        log_event("info", request_id=request_id, route=DIGEST_ROUTE, status=200,
                  duration_ms=round((time.perf_counter() - started) * 1000, 2),
                  decision=",".join(f"{k}:{v}" for k, v in tally.items()))
        return tally

    def _done(self, due: dict) -> bool:
        """Whether the window of a DUE item was sent (or never came to be), so the DUE item can go."""
        window = self.windows.state(due["site"], int(due["start"]))
        return not window or "sent_at" in window

    def send(self, site: str, start: int, now: float) -> str:
        """'digests', 'empty' (nothing still pending) or 'busy' (sent already, or another sender holds it).
        A window holds only comments that came while more than `digest_after` waited (the first ones were
        mailed at once), so whatever of it is still pending is one digest, however few are left (a window
        filled before this rule, when every comment went into one, is sent the same way)."""
        window = self.windows.claim(site, start, now)
        if window is None:
            return "busy"
        ids = sorted(window.get("ids") or [])
        comments = [c.model_dump(mode="json") for c in self.store.get_comments(site, ids).values()]
        waiting = sorted((c for c in comments if c["status"] == "pending"), key=lambda c: c["id"])
        more = int(window.get("more") or 0)
        if not waiting and not more:
            outcome = "empty"
        else:
            entries = [(c, self.notifier.links(c, now)) for c in waiting]
            from .links import LINK_TTL

            subject, message = digest_message(site, entries, more, self.notifier.public_url, LINK_TTL // 86400)
            self.notifier.publish(subject=subject, message=message, site=site)
            outcome = "digests"
        self.windows.mark_sent(site, start, now)
        return outcome
