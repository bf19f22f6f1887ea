"""The service: submit a comment, list and count approved ones, moderate, erase. No HTTP here."""
from __future__ import annotations

import os
import re
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, NamedTuple
from urllib.parse import quote, urlsplit, urlunsplit

from . import spam
from .errors import (
    AuthError,
    ClosedError,
    ConflictError,
    FieldsError,
    ForbiddenError,
    IdempotencyError,
    IllegalTransitionError,
    NotFoundError,
    StorageUnavailableError,
)
from .i18n import deferred
from .models import (
    MAX_IDEMPOTENCY_KEY,
    MAX_PAGE,
    MAX_POST_ID,
    STATUSES,
    Comment,
    CommentIn,
    PublicComment,
    Site,
    SubmitResult,
    content_html,
    duplicate_form,
    is_ulid,
    normalize_text,
    parse,
    parse_comment,
)
from .signing import Keyring
from .storage import (
    DynamoStore,
    Effects,
    EmailFlooded,
    Guards,
    IdempotentReplay,
    Lesson,
    SubmissionContext,
    comment_id_of,
    item_kind,
)


if TYPE_CHECKING:  # the answers' models: a submission (the cold start) never builds them
    from .views import (
        BulkResult,
        EmptyResult,
        EraseResult,
        FormToken,
        ModerationStats,
        ModeratorComment,
        PersonExport,
        PostState,
        PublicPage,
        QueuePage,
    )


# action -> (statuses it applies to, status it leads to; None = the status before trash)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "approve": (frozenset({"pending", "spam"}), "approved"),
    "hold": (frozenset({"approved", "spam"}), "pending"),
    "spam": (frozenset({"pending", "approved"}), "spam"),
    "ham": (frozenset({"pending", "spam"}), "approved"),
    "trash": (frozenset({"pending", "approved", "spam"}), "trash"),
    "restore": (frozenset({"trash"}), None),
}
STATS_DAYS = 7  # discards shown on /moderate
COUNT_CAP = 1000  # a tab's count stops here ("1000+"): counting reads the whole queue partition
DISCARD_DAYS_KEPT = STATS_DAYS + 1
EMPTY_PAGE = MAX_PAGE  # comments deleted by one call of `empty` (a delete transaction each)


class Submitted(NamedTuple):  # not a dataclass: ~0.8 ms less of a cold start
    """An accepted submission: what the sender is told, and what the route needs to answer."""

    result: SubmitResult
    site: Site
    comment: CommentIn
    decision: str
    replayed: bool = False


def now_iso(now: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now * 1000) % 1000:03d}Z"


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # ULID's base32
_last_id = [-1, 0]  # milliseconds and random part of the last id made here
_id_lock = threading.Lock()


def new_id(now: float) -> str:
    """A ULID: 48 bits of milliseconds, 80 random bits, 26 characters of Crockford's base32. Ids of one
    millisecond count up from the first one's random part, so they sort in the order they were made
    (python-ulid's strict monotonic policy, which made them before: its import is ~2 ms of a cold start)."""
    millis = int(now * 1000)
    with _id_lock:
        randomness = _last_id[1] + 1 if millis == _last_id[0] else int.from_bytes(os.urandom(10), "big")
        if randomness >> 80:
            raise ValueError("no ULID left in this millisecond")
        _last_id[:] = millis, randomness
    value = millis << 80 | randomness
    return "".join(_CROCKFORD[value >> shift & 31] for shift in range(125, -1, -5))


def ascii_url(url: str) -> str | None:
    """An absolute http(s) IRI as the ASCII URI a Location header needs (the host as its IDNA A-label;
    path, query and fragment percent-encoded as UTF-8, escapes already there kept), or None for
    anything else or anything odd (user-info, control characters, backslashes, a bad host)."""
    if not isinstance(url, str) or not url or any(c in url for c in "\r\n\t\\") or any(ord(c) < 32 or ord(c) == 127 for c in url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return None
    host = ascii_host(parts.hostname)
    if host is None:
        return None

    def encode(text: str, safe: str) -> str:
        return quote(_LONE_PERCENT.sub("%25", text), safe=safe + "%")

    netloc = host + (f":{port}" if port is not None else "")
    return urlunsplit((parts.scheme.lower(), netloc, encode(parts.path, _PATH_SAFE), encode(parts.query, _QUERY_SAFE),
                       encode(parts.fragment, _QUERY_SAFE)))


_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_PATH_SAFE = "/!$&'()*+,;=:@-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


# An ASCII host name idna.encode would give back as it is, lower-cased: LDH labels of 1-63, no "??--"
# (Punycode and the like go to idna, which checks them).
_PLAIN_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\Z")


def ascii_host(host: str) -> str | None:
    """A host name as its IDNA A-label in lower case (UTS 46 mapping, as browsers do), or None."""
    lowered = host.lower() if host.isascii() else ""
    if len(lowered) <= 253 and _PLAIN_HOST.match(lowered) and not any(label[2:4] == "--" for label in lowered.split(".")):
        return lowered  # the blog's own host, nearly always: no need to load idna (~1 ms of a cold submission)
    import idna

    try:
        return idna.encode(host, uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError, ValueError):
        return None


def origin_of(url: str) -> str | None:
    """scheme://host[:port] of an absolute http(s) URL, or None for anything else or anything odd."""
    ascii_form = ascii_url(url)
    if ascii_form is None:
        return None
    parts = urlsplit(ascii_form)
    default = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port and parts.port != default else "")


def is_allowed(url: str, site: Site) -> bool:
    origin = origin_of(url)
    return origin is not None and origin in {origin_of(o) for o in site.origins}


def post_address(site: Site, candidates: list[str], post_id: str) -> str:
    """The first candidate on an allowed origin, else the site's own URL of the post."""
    target = next((a for a in map(ascii_url, candidates) if a and is_allowed(a, site)), None)
    if target is None:
        target = site.post_url_template.format(origin=site.origins[0].rstrip("/"), post_id=quote(post_id, safe=""))
    return target


def redirect_location(site: Site, candidates: list[str], post_id: str, comment_id: str, pending: bool) -> str:
    """post_address() with ?replybox=pending while it awaits a moderator, and #comment-{id}."""
    parts = urlsplit(post_address(site, candidates, post_id))
    query = parts.query
    if pending:
        query = (query + "&" if query else "") + "replybox=pending"
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, f"comment-{comment_id}"))



def _well_formed(text: str) -> str:
    """The text with every lone surrogate replaced by U+FFFD (a split pair joined), so it encodes as UTF-8."""
    if text.isascii():  # nearly always: no surrogate, and no UTF-16 codec to load on a cold start
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")

class Service:
    """replybox's use cases over the store, a Keyring and a clock."""

    def __init__(
        self,
        store: DynamoStore,
        keyring: Keyring,
        clock: Callable[[], float] = time.time,
        site_ttl: float = 60.0,
        engine: Callable[..., spam.Verdict] | None = None,
    ):
        self.store = store
        self.keyring = keyring
        self.clock = clock
        self.engine = engine or spam.evaluate
        self.site_ttl = site_ttl
        self._sites: dict[str, tuple[float, Site]] = {}
        # A site's LEARNED counts, kept as long as its settings: read by every submission, at their cap
        # 137 KB (17 read units), they made the site's partition the hottest key of a busy post.
        self._learned: dict[str, tuple[float, spam.LearnedCounts | None]] = {}

    # ---- sites ----
    def cached_site(self, slug: str) -> Site | None:
        hit = self._sites.get(slug)
        if hit and self.clock() - hit[0] < self.site_ttl:
            return hit[1]
        return None

    def cached_learned(self, slug: str) -> tuple[bool, spam.LearnedCounts | None]:
        """(hit, counts) of the site's learned spam counts in this warm function."""
        hit = self._learned.get(slug)
        if hit and self.clock() - hit[0] < self.site_ttl:
            return True, hit[1]
        return False, None

    def _remember(self, site: Site) -> Site:
        self._sites[site.slug] = (self.clock(), site)
        return site

    def site(self, slug: str) -> Site:
        """A site's settings, cached in the warm function for up to a minute."""
        site = self.cached_site(slug)
        if site is None:
            site = self.store.get_site(slug)
            if site is None:
                raise NotFoundError(f"no site named {slug!r}")
            self._remember(site)
        return site

    # ---- submitting ----
    def submit(
        self, slug: str, data: dict[str, Any], *, ip: str = "", user_agent: str = "", idempotency_key: str = ""
    ) -> Submitted:
        """Validate, score and store a comment in one transaction (after at most one batched read)."""
        if len(idempotency_key) > MAX_IDEMPOTENCY_KEY:
            raise IdempotencyError(f"the Idempotency-Key header must be at most {MAX_IDEMPOTENCY_KEY} characters")
        # Headers are whatever the event's JSON held: a lone surrogate ("\ud800") cannot be stored or
        # hashed as UTF-8, so it becomes U+FFFD (the header is kept, never a 500 or a 503).
        user_agent, idempotency_key = _well_formed(user_agent), _well_formed(idempotency_key)
        comment_in = parse_comment(data)
        if comment_in.parent_id and not (is_ulid(comment_in.parent_id) or is_origin_number(comment_in.parent_id)):
            raise NotFoundError(deferred("the comment you reply to does not exist"))
        now = self.clock()
        email_hash = self.keyring.email_hash(slug, comment_in.email)
        ip_hash = self.keyring.ip_hash(slug, ip) if ip else None
        state, age = self.keyring.check_form_token(slug, comment_in.form_token, now)
        submission = spam.Submission(
            author=comment_in.author,
            email=comment_in.email,
            url=comment_in.url,
            content=comment_in.content,
            ip=ip,
            user_agent=user_agent,
            honeypot=comment_in.hp,
            form_token=state,
            form_age=age,
        )
        memory_tags = self._memory_tags(slug, email_hash, ip_hash, submission)
        cached = self.cached_site(slug)
        author_hash = self._author_hash(email_hash, comment_in.author)
        known, learned = self.cached_learned(slug)
        context = self.store.load_submission_context(
            slug, author_hash, comment_in.parent_id, cached is None, post_id=comment_in.post_id, memory=memory_tags,
            with_learned=not known,
        )
        if not known:
            learned = context.learned_counts
            self._learned[slug] = (self.clock(), learned)
        site = cached or (context.site and self._remember(context.site))
        if site is None:
            raise NotFoundError(f"no site named {slug!r}")
        if comment_in.post_url and not is_allowed(comment_in.post_url, site):
            raise FieldsError({"post_url": deferred("must be a page of this blog (an allowed origin)")})
        comment_in = self._check_parent(comment_in, context)
        if post_is_closed(site, context.post_state, now):
            raise ClosedError(deferred("comments are closed on this post"))

        memory = _site_memory(context.memory, memory_tags, now)
        verdict = self.engine(submission, _site_rules(site), learned, memory)
        status = self._status_for(verdict.decision, site, context.trusted)
        created = now_iso(now)
        comment = Comment(
            **comment_in.model_dump(include={"post_id", "parent_id", "author", "email", "url", "content", "post_title"}),
            site=slug,
            id=new_id(now),
            status=status,
            verdict=verdict.to_dict(),
            avatar=self.keyring.avatar(slug, comment_in.email),
            email_hash=email_hash,
            created_at=created,
            updated_at=created,
            expires_at=self._expiry(site, status, now),
            post_url=comment_in.post_url or (comment_in.redirect_to if is_allowed(comment_in.redirect_to, site) else ""),
            held_because=self._held_because(verdict.decision, site, context.trusted, status),
            duplicate_digest=(duplicate_digest := self._duplicate_digest(comment_in)),
        )
        result = SubmitResult.of(comment)
        if verdict.decision == "discard":  # nothing of it is kept
            self._trace_discard(slug, now, verdict)
            return Submitted(result, site, comment_in, verdict.decision)
        guards = Guards(
            now=now,
            duplicate_digest=duplicate_digest,
            email_hash=email_hash,
            flood_seconds=site.flood_seconds,
            ip_hash=ip_hash,
            idempotency_digest=self.keyring.digest("idempotency", idempotency_key) if idempotency_key else None,
            idempotent_answer=result.model_dump(mode="json"),
            request_digest=self._request_digest(slug, comment_in, email_hash) if idempotency_key else None,
            ip=ip,
            user_agent=user_agent,
            retention_days=site.retention_days,
            first_comment=status != "spam" and not context.post_state.get("first_comment_at"),
            subscription=self._subscription(slug, comment, email_hash, now) if comment_in.subscribe_comments else None,
        )
        decision = verdict.decision
        try:
            try:
                self.store.insert_comment(comment, guards)
            except EmailFlooded:
                comment = _held_for_email_flood(comment, site.flood_seconds)
                result = SubmitResult.of(comment)
                guards.email_flood_held, guards.idempotent_answer = True, result.model_dump(mode="json")
                decision = "hold"
                self.store.insert_comment(comment, guards)
        except IdempotentReplay as replay:
            if replay.request is not None and replay.request != guards.request_digest:
                raise IdempotencyError(
                    "this Idempotency-Key was already used for another comment; send a new key with a new comment"
                ) from None
            return Submitted(SubmitResult.model_validate(replay.answer), site, comment_in, "replay", replayed=True)
        return Submitted(result, site, comment_in, decision)

    @staticmethod
    def _subscription(slug: str, comment: Comment, email_hash: str, now: float) -> dict | None:
        """The unconfirmed subscription of a reader who asked to hear about replies; none for a comment
        judged spam, so a bot cannot make the site mail confirmation links to strangers."""
        if comment.status == "spam":
            return None
        from .mail import subscription_item

        return subscription_item(slug, comment, email_hash, now)

    def reply(self, slug: str, parent_id: str, moderator: str, content: Any) -> ModeratorComment:
        """A moderator's reply under an approved comment, published at once as the site's: no spam
        score, no flood or duplicate check (the moderator chose to post it). It has no email: no
        trust, erasure or avatar key of a real person can match it. Returns the new full view."""
        from .views import ModeratorComment, parse_content

        content = parse_content(content)
        site = self.site(slug)
        parent = self._comment(slug, parent_id)
        if parent.status != "approved":
            raise FieldsError({"parent_id": f"comment {parent.id} is {parent.status}: approve it before replying"})
        now = self.clock()
        created = now_iso(now)
        comment = Comment(
            site=slug,
            id=new_id(now),
            post_id=parent.post_id,
            parent_id=parent.id,
            author=moderator,
            email="",
            email_hash="",
            content=content,
            status="approved",
            avatar=self.keyring.digest("moderator-avatar", f"{slug}\x00{moderator}")[:20],
            created_at=created,
            updated_at=created,
            post_url=parent.post_url,
            post_title=parent.post_title,
            moderator=True,
        )
        comment.duplicate_digest = self._duplicate_digest(comment)
        guards = Guards(
            now=now,
            duplicate_digest=comment.duplicate_digest,
            email_hash="",
            flood_seconds=0,
            ip_hash=None,
            retention_days=site.retention_days,
        )
        self.store.insert_comment(comment, guards)
        return ModeratorComment.of(comment, parent)

    def _check_parent(self, comment_in: CommentIn, context: SubmissionContext) -> CommentIn:
        """The parent must be an approved comment of the post. Named by an imported comment's old
        number (comment_parent=123, ?replytocom=123), it is resolved to its id here; that it is
        approved is then checked by the write's ConditionCheck, so the submission stays one read."""
        if not comment_in.parent_id:
            return comment_in
        origin = context.parent_origin
        if origin is not None:
            if origin.get("post_id") != comment_in.post_id:
                raise NotFoundError(deferred("the comment you reply to does not exist on this post"))
            return comment_in.model_copy(update={"parent_id": origin["comment_id"]})
        parent = context.parent
        if parent is None or parent.post_id != comment_in.post_id or parent.status != "approved":
            raise NotFoundError(deferred("the comment you reply to does not exist on this post"))
        return comment_in

    def _author_hash(self, email_hash: str, author: str) -> str:
        """Who a trust record is for: the email and the name together, as WordPress checks them."""
        return self.keyring.digest("trust", f"{email_hash}\x00{normalize_text(author)}")

    def _request_digest(self, slug: str, comment_in: CommentIn, email_hash: str) -> str:
        """What an Idempotency-Key is bound to: the fields that decide what is stored, as validated
        (trimmed, aliases resolved), so JSON and the form send one request. Where the sender is sent
        back (redirect_to, post_url) and the form token do not count: a reloaded form sends new ones."""
        import json

        fields = comment_in.model_dump(include={"post_id", "parent_id", "author", "url", "content", "hp"})
        return self.keyring.digest("idempotent-request", json.dumps([slug, email_hash, fields], sort_keys=True))

    def _duplicate_digest(self, comment: CommentIn | Comment) -> str:
        """WordPress's duplicate check without its email branch: same post (the guard's key), same
        parent, same name and same text. Whoever's email is sent, the answer is the same."""
        parts = (comment.parent_id or "", duplicate_form(comment.author), duplicate_form(comment.content))
        return self.keyring.digest("duplicate", "\x00".join(parts))

    def _guard_digest(self, comment: Comment) -> str:
        """The key of a stored comment's duplicate guard: as written, since an edit changes the text
        (comments stored before the key was kept: derived again)."""
        return comment.duplicate_digest or self._duplicate_digest(comment)

    @staticmethod
    def _status_for(decision: str, site: Site, trusted: bool) -> str:
        if decision in ("spam", "discard"):
            return "spam"
        if decision == "approve" and (site.moderation == "auto" or (site.moderation == "trusted" and trusted)):
            return "approved"
        return "pending"

    @staticmethod
    def _held_because(decision: str, site: Site, trusted: bool, status: str) -> str | None:
        """Why a comment waits, in the moderator's terms; None when it went straight up."""
        if status == "approved":
            return None
        if decision != "approve":
            return "spam_check"
        return "policy_all" if site.moderation == "all" else "first_comment"

    def _trace_discard(self, slug: str, now: float, verdict: spam.Verdict) -> None:
        """Count a discarded comment by day and its strongest reason: nothing of it is kept, but a
        moderator can see that real comments might be lost. Best effort: a bot's answer never changes."""
        reason = max(verdict.reasons, key=lambda r: r.score).rule if verdict.reasons else "unknown"
        day = time.strftime("%Y-%m-%d", time.gmtime(now))
        try:
            self.store.count_discard(slug, day, reason, int(now) + DISCARD_DAYS_KEPT * 86400)
        except StorageUnavailableError:
            from .logs import log_event

            log_event("warning", site=slug, error="discard count not stored")

    def form_token(self, slug: str) -> FormToken:
        from .views import FormToken

        self.site(slug)
        from .signing import FORM_TOKEN_TTL

        return FormToken(form_token=self.keyring.form_token(slug, self.clock()), expires_in=FORM_TOKEN_TTL)

    # ---- public reading ----
    def list_public(self, slug: str, post_id: str, limit: int = 50, cursor: str | None = None) -> PublicPage:
        from .views import PublicPage

        site = self.site(slug)
        limit = _page_size(limit)
        scope = f"public:{slug}:{post_id}"
        items, last = self.store.list_public(slug, post_id, limit, self.keyring.decode_cursor(scope, cursor))
        state = items.pop(0) if items and item_kind(items[0]) == "post" else None
        comments = [PublicComment.model_validate({**i, "content_html": content_html(i["content"])}) for i in items]
        count = self.store.count_approved(slug, [post_id])[post_id] if (cursor or last) else len(comments)
        return PublicPage(
            post_id=post_id,
            count=count,
            comments=comments,
            next_cursor=self.keyring.encode_cursor(scope, last),
            # Read with the first page (the widget's question); a later page reads the item itself.
            closed=post_is_closed(
                site, state if not cursor else self.store.get_post_state(slug, post_id, consistent=False), self.clock()
            ),
        )

    def set_closed(self, slug: str, post_id: str, closed: Any) -> PostState:
        """A moderator opens or closes a post; either choice outranks the site's close-after-days rule."""
        from .views import PostClosing, PostState

        self.site(slug)
        closed = parse(PostClosing, {"closed": closed}).closed
        if not post_id or len(post_id) > MAX_POST_ID:
            raise FieldsError({"post_id": f"must be 1 to {MAX_POST_ID} characters"})
        self.store.set_post_state(slug, post_id, closed=closed)
        return PostState(post_id=post_id, closed=closed)

    def counts(self, slug: str, post_ids: list[str]) -> dict[str, int]:
        self.site(slug)
        if len(post_ids) > MAX_PAGE:
            raise FieldsError({"post_id": f"at most {MAX_PAGE} posts at a time"})
        for post_id in post_ids:
            if not post_id or len(post_id) > MAX_POST_ID:
                raise FieldsError({"post_id": f"each post_id must be 1 to {MAX_POST_ID} characters"})
        return self.store.count_approved(slug, post_ids)

    # ---- moderators ----
    def authenticate(self, slug: str, token: str) -> str:
        """The name of the moderator whose token this is; AuthError or ForbiddenError otherwise."""
        if not token:
            raise AuthError("a moderator token is required")
        record = self.store.get_token(self.keyring.token_hash(token))
        if record is None:
            raise AuthError("the moderator token is not valid")
        if record["site"] != slug:
            raise ForbiddenError("this token is for another site")
        return record["name"]

    def queue(self, slug: str, status: str = "pending", limit: int = 50, cursor: str | None = None) -> QueuePage:
        from .views import ModeratorComment, QueuePage

        if status not in STATUSES:
            raise FieldsError({"status": f"must be one of {', '.join(STATUSES)}"})
        limit = _page_size(limit)
        scope = f"queue:{slug}:{status}"
        comments, last = self.store.list_queue(slug, status, limit, self.keyring.decode_cursor(scope, cursor))
        parents = self.store.get_comments(slug, list({c.parent_id for c in comments if c.parent_id}))
        return QueuePage(
            status=status,
            comments=[ModeratorComment.of(c, parents.get(c.parent_id or "")) for c in comments],
            next_cursor=self.keyring.encode_cursor(scope, last),
        )

    def stats(self, slug: str) -> ModerationStats:
        """Counts of each tab (up to COUNT_CAP) and the discards of the last STATS_DAYS days."""
        from .views import DiscardDay, ModerationStats

        counts = {status: self.store.count_queue(slug, status, COUNT_CAP) for status in STATUSES}
        now = self.clock()
        days = [time.strftime("%Y-%m-%d", time.gmtime(now - n * 86400)) for n in range(STATS_DAYS)]
        discards = self.store.discard_counts(slug, days)
        return ModerationStats(
            counts={status: min(n, COUNT_CAP) for status, n in counts.items()},
            capped=[status for status, n in counts.items() if n > COUNT_CAP],
            discarded=[
                DiscardDay(day=day, total=sum(discards.get(day, {}).values()), reasons=discards.get(day, {}))
                for day in days
            ],
        )

    def empty(self, slug: str, status: str, cursor: str | None = None) -> EmptyResult:
        """Delete one page (EMPTY_PAGE) of the spam or trash queue; `next_cursor` continues with the next.
        A comment that changed since the page was read is left alone (counted in `skipped`)."""
        from .views import EmptyRequest, EmptyResult

        status = parse(EmptyRequest, {"status": status, "cursor": cursor}).status
        scope = f"empty:{slug}:{status}"
        comments, last = self.store.list_queue(slug, status, EMPTY_PAGE, self.keyring.decode_cursor(scope, cursor))
        deleted = skipped = 0
        for comment in comments:
            try:
                self.store.delete_comment(comment, self._guard_digest(comment))
                deleted += 1
            except ConflictError:
                skipped += 1
        next_cursor = self.keyring.encode_cursor(scope, last)
        return EmptyResult(deleted=deleted, skipped=skipped, next_cursor=next_cursor)

    def get(self, slug: str, comment_id: str) -> ModeratorComment:
        from .views import ModeratorComment

        comment = self._comment(slug, comment_id, full=True)
        parent = self.store.get_comment(slug, comment.parent_id) if comment.parent_id else None
        return ModeratorComment.of(comment, parent)

    def _comment(self, slug: str, comment_id: str, full: bool = False) -> Comment:
        comment = self.store.get_comment(slug, comment_id.upper(), full=full) if is_ulid(comment_id.upper()) else None
        if comment is None:
            raise NotFoundError("no such comment")
        return comment

    def act(
        self, slug: str, comment_id: str, action: str, version: int | None = None, content: str | None = None
    ) -> ModeratorComment:
        """Apply a moderation action (or `edit` the text, given `content`) if the comment is still at
        `version`; returns the new full view."""
        from .views import ModerationAction, ModeratorComment, parse_content

        request = parse(ModerationAction, {"action": action, "version": version, "content": content})
        action, version, content = request.action, request.version, request.content
        if action == "edit":
            if version is None:
                raise FieldsError({"version": "is required to edit (the version you loaded)"})
            content = parse_content(content)
        before = self._comment(slug, comment_id, full=True)
        if version is not None and version != before.version:
            raise ConflictError("the comment changed since you loaded it", ModeratorComment.of(before).model_dump(mode="json"))
        if action == "edit":
            after = before.model_copy(
                update={"content": content, "version": before.version + 1, "updated_at": now_iso(self.clock())}
            )
            return self._save(before, after, Effects())
        allowed, target = TRANSITIONS[action]
        if before.status not in allowed:
            raise IllegalTransitionError(f"cannot {action} a comment that is {before.status}")
        target = target or before.previous_status or "pending"
        now = self.clock()
        site = self.site(slug)
        memory = self._memory_marks(site, before, action)
        after = before.model_copy(
            update={
                "status": target,
                "previous_status": before.status if target == "trash" else None,
                "version": before.version + 1,
                "updated_at": now_iso(now),
                "taught": action if action in ("spam", "ham") else before.taught,
                "expires_at": self._expiry(site, target, now),
                "spam_marks": [tag for tag, delta in memory.items() if delta > 0] if memory else before.spam_marks,
            }
        )
        effects = Effects(
            count_delta=(target == "approved") - (before.status == "approved"),
            trust="grant" if target == "approved" else "revoke" if action == "spam" else None,
            author_hash=self._author_hash(before.email_hash, before.author),
            learn=self._lesson(before, action),
            duplicate_digest=(
                self._guard_digest(before) if after.expires_at != before.expires_at else None
            ),
            memory=memory,
            memory_expires_at=int(now) + site.spam_memory_days * 86400,
        )
        return self._save(before, after, effects)

    def _save(self, before: Comment, after: Comment, effects: Effects) -> ModeratorComment:
        from .views import ModeratorComment

        if effects.learn:
            self._learned.pop(before.site, None)  # this function sees its own lesson at once
        try:
            self.store.save_moderation(before, after, effects)
        except ConflictError:
            current = self.store.get_comment(before.site, before.id, full=True)
            raise ConflictError(
                "the comment changed since you loaded it",
                ModeratorComment.of(current).model_dump(mode="json") if current else None,
            ) from None
        return ModeratorComment.of(after)

    @staticmethod
    def _expiry(site: Site, status: str, now: float) -> int | None:
        """When DynamoDB's TTL deletes a comment: spam and trash after the site's setting, from the
        moment they got there (as Akismet and Antispam Bee do); approved and pending never."""
        if status not in ("spam", "trash") or site.spam_retention_days <= 0:
            return None
        return int(now) + site.spam_retention_days * 86400

    def _lesson(self, comment: Comment, action: str) -> Lesson | None:
        """What a spam/ham decision teaches the site (and whether it takes an earlier lesson back)."""
        if action not in ("spam", "ham") or comment.taught == action:
            return None
        keys = spam.learning_tokens(_as_submission(comment))
        return Lesson(action, keys, takes_back=comment.taught in ("spam", "ham"))

    def _memory_tags(self, slug: str, email_hash: str, ip_hash: str | None, submission: spam.Submission) -> dict[str, str]:
        """A comment's keys in the site's spam memory (E#{eh}, I#{ih}, D#{keyed domain hash}) -> the
        domain a D# key stands for ("" for the others). No key holds a plain value."""
        tags = {f"E#{email_hash}": ""} if email_hash else {}
        if ip_hash and not _is_loopback(submission.ip):
            tags[f"I#{ip_hash}"] = ""
        for domain in spam.memory_domains(submission):
            tags["D#" + self.keyring.digest("spam-domain", f"{slug}\x00{domain}")] = domain
        return tags

    def _memory_marks(self, site: Site, comment: Comment, action: str) -> dict[str, int]:
        """Deltas on the site's spam memory: a moderator's spam mark counts the comment's email, IP
        (while the network item lasts) and domains once; `ham` takes exactly those marks back."""
        if action == "spam" and comment.taught != "spam" and site.spam_memory_days > 0:
            ip_hash = self.keyring.ip_hash(site.slug, comment.ip) if comment.ip and not _is_loopback(comment.ip) else None
            return {tag: 1 for tag in self._memory_tags(site.slug, comment.email_hash, ip_hash, _as_submission(comment))}
        if action == "ham" and comment.taught == "spam":
            return {tag: -1 for tag in comment.spam_marks}
        return {}

    def delete(self, slug: str, comment_id: str) -> None:
        comment = self._comment(slug, comment_id)
        digest = self._guard_digest(comment)
        try:
            self.store.delete_comment(comment, digest)
        except ConflictError:
            self.store.delete_comment(self._comment(slug, comment_id), digest)

    def bulk(self, slug: str, action: str, ids: list[str]) -> BulkResult:
        """One action on up to 100 comments; each id gets its new status or the reason it failed."""
        from .views import BulkAction, BulkResult

        request = parse(BulkAction, {"action": action, "ids": ids})
        results: dict[str, str] = {}
        for comment_id in dict.fromkeys(request.ids):
            try:
                if request.action == "delete":
                    self.delete(slug, comment_id)
                    results[comment_id] = "deleted"
                else:
                    results[comment_id] = self.act(slug, comment_id, request.action).status
            except NotFoundError:
                results[comment_id] = "error: not found"
            except IllegalTransitionError as exc:
                results[comment_id] = f"error: {exc}"
            except ConflictError:
                results[comment_id] = "error: changed by someone else, try again"
        return BulkResult(results=results)

    def erase(self, slug: str, email: str) -> EraseResult:
        """GDPR erasure: every comment and stored datum of this address on the site."""
        from .views import EraseRequest, EraseResult

        email = parse(EraseRequest, {"email": email}).email
        email_hash = self.keyring.email_hash(slug, email)
        keys = self.store.email_items(slug, email_hash)
        return EraseResult(erased=self.store.erase_items(slug, email_hash, keys))

    def export_person(self, slug: str, email: str) -> PersonExport:
        """GDPR access: every comment this address left on the site, in the moderator's full view."""
        from .views import EraseRequest, ModeratorComment, PersonExport, SubscriptionView

        email = parse(EraseRequest, {"email": email}).email
        self.site(slug)
        email_hash = self.keyring.email_hash(slug, email)
        comments, subscriptions = [], []
        for key in self.store.email_items(slug, email_hash):
            kind = item_kind(key)
            if kind == "subscription":
                sub = self.store.get_subscription(slug, comment_id_of(key))
                if sub and sub.get("email_hash") == email_hash:
                    subscriptions.append(SubscriptionView.model_validate(sub))
                continue
            if kind != "comment":
                continue
            comment = self.store.get_comment(slug, comment_id_of(key), full=True)
            if comment is not None and comment.email_hash == email_hash:
                comments.append(ModeratorComment.of(comment))
        comments.sort(key=lambda c: c.id)
        subscriptions.sort(key=lambda s: s.comment_id)
        return PersonExport(email=email, comments=comments, subscriptions=subscriptions)


def is_origin_number(value: str) -> bool:
    """An imported comment's old number (WordPress comment_ID, Disqus id) as a theme's form sends it."""
    return value.isdigit() and len(value) <= 40


def post_is_closed(site: Site, state: dict | None, now: float) -> bool:
    """Closed by a moderator (or the imported file), else by the site's rules, both counted from the
    post's first comment: N days after it (close_after_days), or when it came before a date
    (close_before: the posts of the old blog). A moderator's explicit `closed: false` reopens a post for good."""
    state = state or {}  # a post nobody commented on has no META item
    if "closed" in state:
        return bool(state["closed"])
    first = state.get("first_comment_at")
    if not first:
        return False
    if site.close_before and first[:10] < site.close_before:  # ISO dates compare as text
        return True
    if not site.close_after_days:
        return False
    import calendar

    started = calendar.timegm(time.strptime(first[:19], "%Y-%m-%dT%H:%M:%S"))
    return now >= started + site.close_after_days * 86400


def _held_for_email_flood(comment: Comment, seconds: int) -> Comment:
    """The comment once held because its email commented less than `seconds` ago."""
    reason = {"rule": "flood-email", "score": 0.0, "detail": f"the same email commented less than {seconds} s ago"}
    verdict = {**comment.verdict, "reasons": [*comment.verdict.get("reasons", []), reason]}
    status = "pending" if comment.status == "approved" else comment.status
    return comment.model_copy(update={"status": status, "verdict": verdict})


def _is_loopback(ip: str) -> bool:
    """A caller on this machine (make run's local server sees every browser as 127.0.0.1): its
    address says nothing of who sent a comment, so the spam memory neither learns nor matches it."""
    import ipaddress

    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def _page_size(limit: Any) -> int:
    try:
        limit = int(limit)
    except (TypeError, ValueError):
        raise FieldsError({"limit": f"must be a whole number from 1 to {MAX_PAGE}"}) from None
    if not 1 <= limit <= MAX_PAGE:
        raise FieldsError({"limit": f"must be a whole number from 1 to {MAX_PAGE}"})
    return limit


def _site_rules(site: Site) -> spam.SiteRules:
    return spam.SiteRules(
        moderation_keys=tuple(site.moderation_keys), disallowed_keys=tuple(site.disallowed_keys),
        expected_scripts=tuple(site.expected_scripts),
    )


def _as_submission(comment: Comment) -> spam.Submission:
    """What a moderator's decision on a stored comment teaches from: its author, email, URL and text."""
    return spam.Submission(author=comment.author, email=comment.email, url=comment.url, content=comment.content)


def _site_memory(found: dict[str, dict], tags: dict[str, str], now: float) -> spam.SiteMemory:
    """The engine's view of what the site's moderators marked spam, from the memory items found
    (an item past its TTL that DynamoDB has yet to delete counts for nothing)."""

    def marks(tag: str) -> int:
        item = found.get(tag) or {}
        return max(int(item.get("marks", 0)), 0) if int(item.get("expires_at", 0)) > now else 0

    return spam.SiteMemory(
        email=sum(marks(tag) for tag in tags if tag.startswith("E#")),
        ip=sum(marks(tag) for tag in tags if tag.startswith("I#")),
        domains=tuple(domain for tag, domain in tags.items() if tag.startswith("D#") and marks(tag)),
    )
