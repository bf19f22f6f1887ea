"""Domain errors. They carry what went wrong, never how HTTP says it (app.py maps them)."""
from __future__ import annotations


class ReplyboxError(Exception):
    """Base of every error the service raises on purpose."""


class FieldsError(ReplyboxError):
    """Client input is wrong; `fields` maps each field name to a message a person can act on."""

    def __init__(self, fields: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


class BadRequestError(ReplyboxError):
    """The request cannot be read at all (bad encoding, malformed JSON, forged cursor)."""


class NotFoundError(ReplyboxError):
    """A named thing (site, post parent, comment) does not exist."""


class DuplicateError(ReplyboxError):
    """The same author already left this comment on this post."""


class IdempotencyError(ReplyboxError):
    """The Idempotency-Key is too long, or was used before for another request."""


class FloodError(ReplyboxError):
    """Comments from one sender come too fast."""

    def __init__(self, retry_after: int):
        from .i18n import deferred

        super().__init__(deferred("too many comments; try again in {seconds} s", seconds=retry_after))
        self.retry_after = retry_after


class ConflictError(ReplyboxError):
    """The caller acted on a stale version; `current` is what is stored now, when known."""

    def __init__(self, message: str, current: object | None = None):
        super().__init__(message)
        self.current = current


class IllegalTransitionError(ReplyboxError):
    """A moderation action that does not apply to the comment's status."""


class ClosedError(ReplyboxError):
    """Comments are closed on this post (by a moderator, the imported file, or the site's age rule)."""


class AuthError(ReplyboxError):
    """Missing, unknown or revoked moderator token."""


class ForbiddenError(ReplyboxError):
    """A valid token of another site."""


class StorageUnavailableError(ReplyboxError):
    """DynamoDB is throttling, failing or unreachable; nothing was half-written. Retry later."""

    retry_after = 2


class BodyTooLargeError(BadRequestError):
    """The request body is over the limit (256 KiB)."""


class UnreadableFormError(BadRequestError):
    """A form that cannot be taken as sent; `values` is what could be read of it, to give back."""

    def __init__(self, message: str, values: dict):
        super().__init__(message)
        self.values = values


class FormCharsetError(UnreadableFormError):
    """The form declares a charset we cannot decode."""


class TooManyFieldsError(UnreadableFormError):
    """The form has more fields than any comment form sends."""


class LinkError(ReplyboxError):
    """A mailed moderation link that cannot be used."""

    @property
    def status(self) -> int:
        """Its HTTP answer, from the one table of the HTTP edge."""
        from chalicelib.api.error_table import page_status

        return page_status(self)


class InvalidLinkError(LinkError, ForbiddenError):
    """Forged, or made for another site."""


class ExpiredLinkError(LinkError):
    """Older than its lifetime."""
