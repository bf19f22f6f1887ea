"""The service: submit a comment, list and count approved ones, moderate, erase. No HTTP here."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import quote, urlsplit, urlunsplit

from . import spam
from .errors import (
    AuthError,
    BadRequestError,
    ConflictError,
    ForbiddenError,
    IllegalTransitionError,
    NotFoundError,
    ValidationError,
)
from .models import (
    STATUSES,
    Comment,
    CommentIn,
    ModeratorComment,
    PublicComment,
    Site,
    SubmitResult,
    content_html,
    is_ulid,
    normalize_text,
    parse_comment,
)
from .secrets import Keyring
from .storage import Effects, Guards, IdempotentReplay, Store, SubmissionContext

MAX_PAGE = 100

# action -> (statuses it applies to, status it leads to; None = the status before trash)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "approve": (frozenset({"pending", "spam"}), "approved"),
    "hold": (frozenset({"approved", "spam"}), "pending"),
    "spam": (frozenset({"pending", "approved"}), "spam"),
    "ham": (frozenset({"pending", "spam"}), "approved"),
    "trash": (frozenset({"pending", "approved", "spam"}), "trash"),
    "restore": (frozenset({"trash"}), None),
}
LEARN_SPAM, LEARN_HAM = "s#", "h#"


@dataclass
class Submitted:
    """An accepted submission: what the sender is told, and what the route needs to answer."""

    result: SubmitResult
    site: Site
    comment: CommentIn
    decision: str
    replayed: bool = False


def now_iso(now: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now * 1000) % 1000:03d}Z"


def new_id(now: float) -> str:
    from ulid import ULID

    return str(ULID.from_timestamp(now))


def origin_of(url: str) -> str | None:
    """scheme://host[:port] of an absolute http(s) URL, or None for anything else or anything odd."""
    if not isinstance(url, str) or not url or any(c in url for c in "\r\n\t\\ ") or any(ord(c) < 32 for c in url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return None
    default = {"http": 80, "https": 443}[parts.scheme.lower()]
    host = parts.hostname.lower()
    return f"{parts.scheme.lower()}://{host}" + (f":{port}" if port and port != default else "")


def is_allowed(url: str, site: Site) -> bool:
    origin = origin_of(url)
    return origin is not None and origin in {origin_of(o) for o in site.origins}


def post_address(site: Site, candidates: list[str], post_id: str) -> str:
    """The first candidate on an allowed origin, else the site's own URL of the post."""
    target = next((c for c in candidates if c and is_allowed(c, site)), None)
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


class Service:
    """replybox's use cases over a Store, a Keyring and a clock."""

    def __init__(
        self,
        store: Store,
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

    # ---- sites ----
    def cached_site(self, slug: str) -> Site | None:
        hit = self._sites.get(slug)
        if hit and self.clock() - hit[0] < self.site_ttl:
            return hit[1]
        return None

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
        comment_in = parse_comment(data)
        if comment_in.parent_id and not is_ulid(comment_in.parent_id):
            raise NotFoundError("the comment you reply to does not exist")
        now = self.clock()
        email_hash = self.keyring.email_hash(slug, comment_in.email)
        cached = self.cached_site(slug)
        author_hash = self._author_hash(email_hash, comment_in.author)
        context = self.store.load_submission_context(slug, author_hash, comment_in.parent_id, cached is None)
        site = cached or (context.site and self._remember(context.site))
        if site is None:
            raise NotFoundError(f"no site named {slug!r}")
        if comment_in.post_url and not is_allowed(comment_in.post_url, site):
            raise ValidationError({"post_url": "must be a page of this blog (an allowed origin)"})
        self._check_parent(comment_in, context)

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
        verdict = self.engine(submission, _site_rules(site), _learned(context.learned))
        status = self._status_for(verdict.decision, site, context.trusted)
        comment_id = new_id(now)
        created = now_iso(now)
        avatar = self.keyring.avatar(slug, comment_in.email)
        result = SubmitResult(
            id=comment_id,
            parent_id=comment_in.parent_id,
            author=comment_in.author,
            url=comment_in.url,
            avatar=avatar if status == "approved" else None,
            content_html=content_html(comment_in.content),
            created_at=created,
            status="approved" if status == "approved" else "pending",
        )
        if verdict.decision == "discard":
            return Submitted(result, site, comment_in, verdict.decision)
        comment = Comment(
            site=slug,
            id=comment_id,
            post_id=comment_in.post_id,
            parent_id=comment_in.parent_id,
            author=comment_in.author,
            email=comment_in.email,
            url=comment_in.url,
            content=comment_in.content,
            status=status,
            verdict=verdict.to_dict(),
            avatar=avatar,
            email_hash=email_hash,
            created_at=created,
            updated_at=created,
            expires_at=self._expiry(site, status, now),
        )
        guards = Guards(
            now=now,
            duplicate_digest=self._duplicate_digest(email_hash, comment_in.content),
            email_hash=email_hash,
            flood_seconds=site.flood_seconds,
            ip_hash=self.keyring.ip_hash(slug, ip) if ip else None,
            idempotency_digest=self.keyring.digest("idempotency", idempotency_key) if idempotency_key else None,
            idempotent_answer=result.model_dump(mode="json"),
            ip=ip,
            user_agent=user_agent,
            retention_days=site.retention_days,
        )
        try:
            self.store.insert_comment(comment, guards)
        except IdempotentReplay as replay:
            return Submitted(SubmitResult.model_validate(replay.answer), site, comment_in, "replay", replayed=True)
        return Submitted(result, site, comment_in, verdict.decision)

    def _check_parent(self, comment_in: CommentIn, context: SubmissionContext) -> None:
        parent = context.parent
        if comment_in.parent_id and (
            parent is None or parent.post_id != comment_in.post_id or parent.status != "approved"
        ):
            raise NotFoundError("the comment you reply to does not exist on this post")

    def _author_hash(self, email_hash: str, author: str) -> str:
        """Who a trust record is for: the email and the name together, as WordPress checks them."""
        return self.keyring.digest("trust", f"{email_hash}\x00{normalize_text(author)}")

    def _duplicate_digest(self, email_hash: str, content: str) -> str:
        return self.keyring.digest("duplicate", f"{email_hash}\x00{normalize_text(content)}")

    @staticmethod
    def _status_for(decision: str, site: Site, trusted: bool) -> str:
        if decision in ("spam", "discard"):
            return "spam"
        if decision == "approve" and (site.moderation == "auto" or (site.moderation == "trusted" and trusted)):
            return "approved"
        return "pending"

    def form_token(self, slug: str) -> dict:
        self.site(slug)
        from .secrets import FORM_TOKEN_TTL

        return {"form_token": self.keyring.form_token(slug, self.clock()), "expires_in": FORM_TOKEN_TTL}

    # ---- public reading ----
    def list_public(self, slug: str, post_id: str, limit: int = 50, cursor: str | None = None) -> dict:
        self.site(slug)
        limit = _page_size(limit)
        scope = f"public:{slug}:{post_id}"
        items, last = self.store.list_public(slug, post_id, limit, self.keyring.decode_cursor(scope, cursor))
        comments = [
            PublicComment(
                id=i["id"],
                parent_id=i.get("parent_id"),
                author=i["author"],
                url=i.get("url", ""),
                avatar=i["avatar"],
                content_html=content_html(i["content"]),
                created_at=i["created_at"],
                origin_id=i.get("origin_id"),
            ).model_dump(mode="json")
            for i in items
        ]
        count = self.store.count_approved(slug, [post_id])[post_id] if (cursor or last) else len(comments)
        return {
            "post_id": post_id,
            "count": count,
            "comments": comments,
            "next_cursor": self.keyring.encode_cursor(scope, last),
        }

    def counts(self, slug: str, post_ids: list[str]) -> dict[str, int]:
        self.site(slug)
        if len(post_ids) > 100:
            raise ValidationError({"post_id": "at most 100 posts at a time"})
        for post_id in post_ids:
            if not post_id or len(post_id) > 200:
                raise ValidationError({"post_id": "each post_id must be 1 to 200 characters"})
        return self.store.count_approved(slug, post_ids)

    # ---- moderators ----
    def authenticate(self, slug: str, token: str) -> str:
        """The name of the moderator whose token this is; AuthError or ForbiddenError otherwise."""
        import hmac

        if not token:
            raise AuthError("a moderator token is required")
        token_hash = self.keyring.token_hash(token)
        record = self.store.get_token(token_hash)
        if record is None or not hmac.compare_digest(record.get("pk", ""), f"TOKEN#{token_hash}"):
            raise AuthError("the moderator token is not valid")
        if record["site"] != slug:
            raise ForbiddenError("this token is for another site")
        return record["name"]

    def queue(self, slug: str, status: str = "pending", limit: int = 50, cursor: str | None = None) -> dict:
        if status not in STATUSES:
            raise ValidationError({"status": f"must be one of {', '.join(STATUSES)}"})
        limit = _page_size(limit)
        scope = f"queue:{slug}:{status}"
        comments, last = self.store.list_queue(slug, status, limit, self.keyring.decode_cursor(scope, cursor))
        return {
            "status": status,
            "comments": [ModeratorComment.of(c).model_dump(mode="json") for c in comments],
            "next_cursor": self.keyring.encode_cursor(scope, last),
        }

    def get(self, slug: str, comment_id: str) -> dict:
        return ModeratorComment.of(self._comment(slug, comment_id, full=True)).model_dump(mode="json")

    def _comment(self, slug: str, comment_id: str, full: bool = False) -> Comment:
        comment = self.store.get_comment(slug, comment_id.upper(), full=full) if is_ulid(comment_id.upper()) else None
        if comment is None:
            raise NotFoundError("no such comment")
        return comment

    def act(self, slug: str, comment_id: str, action: str, version: int | None = None) -> dict:
        """Apply a moderation action if the comment is still at `version`; returns the new full view."""
        if not isinstance(action, str) or action not in TRANSITIONS:
            raise ValidationError({"action": f"must be one of {', '.join(TRANSITIONS)}"})
        before = self._comment(slug, comment_id, full=True)
        if version is not None and version != before.version:
            raise ConflictError("the comment changed since you loaded it", ModeratorComment.of(before).model_dump(mode="json"))
        allowed, target = TRANSITIONS[action]
        if before.status not in allowed:
            raise IllegalTransitionError(f"cannot {action} a comment that is {before.status}")
        target = target or before.previous_status or "pending"
        now = self.clock()
        after = before.model_copy(
            update={
                "status": target,
                "previous_status": before.status if target == "trash" else None,
                "version": before.version + 1,
                "updated_at": now_iso(now),
                "taught": action if action in ("spam", "ham") else before.taught,
                "expires_at": self._expiry(self.site(slug), target, now),
            }
        )
        effects = Effects(
            count_delta=(target == "approved") - (before.status == "approved"),
            trust="grant" if target == "approved" else "revoke" if action == "spam" else None,
            author_hash=self._author_hash(before.email_hash, before.author),
            learn=self._lesson(before, action),
            duplicate_digest=(
                self._duplicate_digest(before.email_hash, before.content) if after.expires_at != before.expires_at else None
            ),
        )
        try:
            self.store.save_moderation(before, after, effects)
        except ConflictError:
            current = self.store.get_comment(slug, before.id, full=True)
            raise ConflictError(
                "the comment changed since you loaded it",
                ModeratorComment.of(current).model_dump(mode="json") if current else None,
            ) from None
        return ModeratorComment.of(after).model_dump(mode="json")

    @staticmethod
    def _expiry(site: Site, status: str, now: float) -> int | None:
        """When DynamoDB's TTL deletes a comment: spam and trash after the site's setting, from the
        moment they got there (as Akismet and Antispam Bee do); approved and pending never."""
        if status not in ("spam", "trash") or site.spam_retention_days <= 0:
            return None
        return int(now) + site.spam_retention_days * 86400

    def _lesson(self, comment: Comment, action: str) -> dict[str, int]:
        """Counter deltas a spam/ham decision teaches the site (and what an earlier lesson un-teaches)."""
        if action not in ("spam", "ham") or comment.taught == action:
            return {}
        tokens = spam.learning_tokens(
            spam.Submission(author=comment.author, email=comment.email, url=comment.url, content=comment.content)
        )
        delta: dict[str, int] = {}
        teach, unteach = (("spam", "ham") if action == "spam" else ("ham", "spam"))
        delta[f"{teach}_docs"] = 1
        for token in tokens:
            delta[(LEARN_SPAM if teach == "spam" else LEARN_HAM) + token] = 1
        if comment.taught == unteach:
            delta[f"{unteach}_docs"] = -1
            for token in tokens:
                delta[(LEARN_SPAM if unteach == "spam" else LEARN_HAM) + token] = -1
        return delta

    def delete(self, slug: str, comment_id: str) -> None:
        comment = self._comment(slug, comment_id)
        digest = self._duplicate_digest(comment.email_hash, comment.content)
        try:
            self.store.delete_comment(comment, digest)
        except ConflictError:
            self.store.delete_comment(self._comment(slug, comment_id), digest)

    def bulk(self, slug: str, action: str, ids: list[str]) -> dict:
        """One action on up to 100 comments; each id gets its new status or the reason it failed."""
        if not isinstance(action, str) or (action not in TRANSITIONS and action != "delete"):
            raise ValidationError({"action": f"must be one of {', '.join([*TRANSITIONS, 'delete'])}"})
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100 or not all(isinstance(i, str) for i in ids):
            raise ValidationError({"ids": "must be a list of 1 to 100 comment ids"})
        results: dict[str, str] = {}
        for comment_id in dict.fromkeys(ids):
            try:
                if action == "delete":
                    self.delete(slug, comment_id)
                    results[comment_id] = "deleted"
                else:
                    results[comment_id] = self.act(slug, comment_id, action)["status"]
            except NotFoundError:
                results[comment_id] = "error: not found"
            except IllegalTransitionError as exc:
                results[comment_id] = f"error: {exc}"
            except ConflictError:
                results[comment_id] = "error: changed by someone else, try again"
        return {"results": results}

    def erase(self, slug: str, email: str) -> dict:
        """GDPR erasure: every comment and stored datum of this address on the site."""
        if not isinstance(email, str) or "@" not in email or len(email) > 254:
            raise ValidationError({"email": "must be an email address"})
        email_hash = self.keyring.email_hash(slug, email)
        keys = self.store.email_items(slug, email_hash)
        return {"erased": self.store.erase_items(slug, email_hash, keys)}


def _page_size(limit: Any) -> int:
    try:
        limit = int(limit)
    except (TypeError, ValueError):
        raise ValidationError({"limit": f"must be a whole number from 1 to {MAX_PAGE}"}) from None
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError({"limit": f"must be a whole number from 1 to {MAX_PAGE}"})
    return limit


def _site_rules(site: Site) -> spam.SiteRules:
    return spam.SiteRules(moderation_keys=tuple(site.moderation_keys), disallowed_keys=tuple(site.disallowed_keys))


def _learned(item: dict | None) -> spam.LearnedCounts | None:
    if not item:
        return None
    tokens: dict[str, list[int]] = {}
    for name, value in item.items():
        if name.startswith(LEARN_SPAM) or name.startswith(LEARN_HAM):
            counts = tokens.setdefault(name[2:], [0, 0])
            counts[0 if name.startswith(LEARN_SPAM) else 1] = max(int(value), 0)
    return spam.LearnedCounts(
        spam_docs=max(int(item.get("spam_docs", 0)), 0),
        ham_docs=max(int(item.get("ham_docs", 0)), 0),
        tokens={k: (v[0], v[1]) for k, v in tokens.items()},
    )


__all__ = ["Service", "Submitted", "redirect_location", "is_allowed", "origin_of", "BadRequestError"]
