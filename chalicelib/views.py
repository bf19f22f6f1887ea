"""pydantic models a submission never builds: moderators' requests, the answers of the other routes
and the error schemas. chalicelib/models.py holds what a cold POST needs (CommentIn, Comment, Site and
the submitter's view); splitting them keeps ~25 class builds out of that cold start."""
from __future__ import annotations

from typing import Annotated, Any, Literal, Optional

from .lazyrefs import deferred_compiles

with deferred_compiles():  # where views.py is the first to import pydantic (lazyrefs.py)
    from pydantic import BeforeValidator, ConfigDict, Field, RootModel

from .models import (
    ACTIONS,
    EXCERPT,
    MAX_EMAIL,
    MAX_IDEMPOTENCY_KEY,
    MAX_PAGE,
    Action,
    Comment,
    Content,
    HeldBecause,
    Model,
    PostId,
    PublicComment,
    Status,
    parse,
)


def _one_of(*allowed: str) -> BeforeValidator:
    def check(value: Any) -> Any:
        if not isinstance(value, str) or value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return value

    return BeforeValidator(check)


def _person_email(value: Any) -> str:
    # No stored comment has an address longer than a submission may send.
    if not isinstance(value, str) or "@" not in value or not 3 <= len(value) <= MAX_EMAIL:
        raise ValueError(f"must be an email address of at most {MAX_EMAIL} characters")
    return value


def _comment_ids(value: Any) -> list[str]:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_PAGE or not all(isinstance(i, str) for i in value):
        raise ValueError(f"must be a list of 1 to {MAX_PAGE} comment ids")
    return value


def _true_or_false(value: Any) -> bool:
    if not isinstance(value, bool):  # "false" would read as true in a lax check
        raise ValueError("must be true or false")
    return value


# Field limits of the moderators' requests and the routes' parameters (/openapi.json states them).
PersonEmail = Annotated[str, Field(min_length=3, max_length=MAX_EMAIL, pattern="@"), BeforeValidator(_person_email)]
CommentIds = Annotated[list[str], Field(min_length=1, max_length=MAX_PAGE), BeforeValidator(_comment_ids)]
TrueOrFalse = Annotated[bool, BeforeValidator(_true_or_false)]
IdempotencyKey = Annotated[str, Field(max_length=MAX_IDEMPOTENCY_KEY)]
PostIds = Annotated[list[PostId], Field(max_length=MAX_PAGE)]
QueueStatus = Annotated[Status, Field(json_schema_extra={"default": "pending"})]


def parse_content(value: Any) -> str:
    """A comment's text checked as a submission's `content` is (a moderator's reply or edit)."""
    return parse(ReplyRequest, {"content": value}).content


class ParentExcerpt(Model):
    """The start of the comment a reply answers, shown beside the reply on /moderate."""

    id: str
    author: str
    status: Status
    excerpt: str

    @classmethod
    def of(cls, comment: Comment) -> "ParentExcerpt":
        text = " ".join(comment.content.split())
        excerpt = text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"
        return cls(id=comment.id, author=comment.author, status=comment.status, excerpt=excerpt)


class ModeratorComment(PublicComment):
    """The full view a moderator works from."""

    post_id: str
    post_url: str = ""
    post_title: str = ""
    held_because: Optional[HeldBecause] = None
    parent: Optional[ParentExcerpt] = None
    status: Status
    content: str
    email: str
    ip: str = ""
    user_agent: str = ""
    verdict: dict[str, Any] = Field(default_factory=dict)
    version: int
    updated_at: str

    @classmethod
    def of(cls, comment: Comment, parent: Comment | None = None) -> "ModeratorComment":
        view = cls.model_validate(comment, from_attributes=True)
        view.parent = ParentExcerpt.of(parent) if parent else None
        return view


# ---- moderators' requests (the service passes every field, null if left out, so its check names it) ----
class ModerationAction(Model):
    model_config = ConfigDict(extra="ignore")

    action: Annotated[Literal[Action, "edit"], _one_of(*ACTIONS, "edit")]
    version: Optional[int] = None  # the version the moderator loaded; required to edit
    content: Optional[str] = None  # the new text, for `edit` only (checked as a submission's)


class ReplyRequest(Model):
    model_config = ConfigDict(extra="ignore", validate_default=True)

    content: Content = ""  # the reply's text, checked as a submission's `content` is


class BulkAction(Model):
    model_config = ConfigDict(extra="ignore")

    action: Annotated[Literal[Action, "delete"], _one_of(*ACTIONS, "delete")]
    ids: CommentIds


class EmptyRequest(Model):
    model_config = ConfigDict(extra="ignore")

    status: Annotated[Literal["spam", "trash"], _one_of("spam", "trash")]
    cursor: Optional[str] = None  # next_cursor of the previous call


class EraseRequest(Model):
    """The address of an erasure or an export."""

    model_config = ConfigDict(extra="ignore")

    email: PersonEmail


class PostClosing(Model):
    model_config = ConfigDict(extra="ignore")

    closed: TrueOrFalse


# ---- answers ----------------------------------------------------------------------------------------
class PublicPage(Model):
    """Approved comments of a post, oldest first."""

    post_id: str
    count: int = Field(ge=0)
    comments: list[PublicComment]
    next_cursor: Optional[str] = None
    closed: bool = False  # new comments are refused: the widget says "Comments are closed"


class Counts(RootModel[dict[str, Annotated[int, Field(ge=0)]]]):
    """Approved comment counts by post id."""

    model_config = ConfigDict(defer_build=True)


class SubscriptionView(Model):
    """A reader's reply-notification subscription, as a person's data export shows it."""

    comment_id: str
    post_id: str
    confirmed: bool
    created_at: str


class PersonExport(Model):
    """Every comment of one email address on the site, in the moderator's full view."""

    email: str
    comments: list[ModeratorComment]
    subscriptions: list[SubscriptionView]


class PostState(Model):
    """A post opened or closed by a moderator."""

    post_id: str
    closed: bool


class QueuePage(Model):
    """One status of the moderation queue, newest first."""

    status: Status
    comments: list[ModeratorComment]
    next_cursor: Optional[str] = None


class FormToken(Model):
    form_token: str
    expires_in: int


class BulkResult(Model):
    """Each id: its new status, `deleted`, or `error: ...`."""

    results: dict[str, str]


class OriginCheck(Model):
    """The widget's question after a blocked call; it carries nothing else."""

    origin_allowed: bool


class DiscardDay(Model):
    day: str
    total: int = Field(ge=0)
    reasons: dict[str, int]


class ModerationStats(Model):
    """Tab counts stop at 1,000 (`capped` names those past it); discards are counts only."""

    counts: dict[str, int]
    capped: list[Status]
    discarded: list[DiscardDay]


class EmptyResult(Model):
    deleted: int = Field(ge=0)
    skipped: int = Field(ge=0)
    next_cursor: Optional[str] = None


class EraseResult(Model):
    erased: int = Field(ge=0)


class Error(Model):
    """Every JSON error of replybox; `fields` on 422, `current` on a stale-version 409."""

    model_config = ConfigDict(extra="allow")
    error: str
    message: Optional[str] = None
    fields: Optional[dict[str, str]] = None
    current: Optional[ModeratorComment] = None


class GatewayError(Model):
    """An error Chalice / API Gateway answers before replybox runs (e.g. 415 on a JSON-only route)."""

    model_config = ConfigDict(extra="allow")
    Code: Optional[str] = None
    Message: Optional[str] = None
    message: Optional[str] = None
