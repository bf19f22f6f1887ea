"""What the store takes and gives: a submission's context, the guards and effects written with a
comment, import entries, and the outcomes a write signals to the service."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import Comment, Site
    from ..spam.verdict import LearnedCounts


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

    @property
    def learned_counts(self) -> LearnedCounts | None:
        """The site's learned spam counts as the engine reads them; None when nothing was taught."""
        from .codec import learned_counts

        return learned_counts(self.learned)


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


class Lesson:
    """What one spam/ham decision teaches: the verdict and the comment's learning keys (spam.learning_tokens);
    `takes_back` when the comment was taught the other verdict before, whose lesson is then undone."""

    def __init__(self, verdict: str, keys: list[str], takes_back: bool = False):
        self.verdict = verdict  # "spam" | "ham"
        self.keys = keys
        self.takes_back = takes_back


class Effects:
    """What a moderation action changes beside the comment itself."""

    def __init__(
        self,
        *,
        count_delta: int = 0,
        trust: str | None = None,  # "grant" | "revoke"
        author_hash: str = "",  # whose trust: the keyed hash of the comment's email and name
        learn: Lesson | None = None,  # what a spam/ham decision teaches the site's LEARNED counters
        duplicate_digest: str | None = None,  # the comment's expiry changed: its guard follows it
        memory: dict[str, int] | None = None,  # spam-memory tag -> delta on its marks
        memory_expires_at: int = 0,  # when a spam-memory item that gets a mark expires
    ):
        self.count_delta = count_delta
        self.trust = trust
        self.author_hash = author_hash
        self.learn = learn
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
