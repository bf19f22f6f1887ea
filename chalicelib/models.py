"""pydantic models of a submission: what a commenter sends, the stored comment and site, the public view.

The moderators' requests and the other routes' answers are in chalicelib/views.py, which a cold POST
never imports."""
from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any, Callable, Literal, Optional, TypeVar, get_args

from .lazyrefs import deferred_compiles

with deferred_compiles():  # ~15 ms less of a cold start (lazyrefs.py)
    from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from .digest import DEFAULT_AFTER, DEFAULT_MINUTES
from .email_syntax import plain_parts
from .i18n import deferred


class Model(BaseModel):
    """Every replybox model builds its validator on first use, not at import: a cold start then
    builds only the few models its request touches (a submission: CommentIn, Site, Comment, SubmitResult)."""

    model_config = ConfigDict(defer_build=True)


Status = Literal["pending", "approved", "spam", "trash"]
STATUSES: tuple[str, ...] = get_args(Status)
Action = Literal["approve", "hold", "spam", "ham", "trash", "restore"]  # moderation.TRANSITIONS says what each does
ACTIONS: tuple[str, ...] = get_args(Action)

# WordPress's column limits (wp_comments): author 245, email 100, url 200, content 65525.
MAX_AUTHOR = 245
MAX_EMAIL = 100
MAX_URL = 200
MAX_CONTENT = 65525
MAX_POST_ID = 200
MAX_IDEMPOTENCY_KEY = 255
MAX_POST_TITLE = 300
MAX_LINE = 2000  # post_url, form_token
MAX_PAGE = 100  # comments on a page; posts in one counts request; ids in one bulk action
EXCERPT = 160  # characters of a parent comment shown beside a reply on /moderate

# Why a comment waits for a moderator (recorded at submission, shown on /moderate).
HeldBecause = Literal["first_comment", "spam_check", "policy_all"]

# Form names of WordPress's wp-comments-post.php and Akismet's honeypot -> our field names.
FORM_ALIASES = {
    "comment_post_ID": "post_id",
    "comment_parent": "parent_id",
    "comment": "content",
    "ak_hp_textarea": "hp",
}
_TICKED = frozenset({"1", "on", "true", "yes"})

_BIDI_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_ULID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


def _clean(value: Any, *, multiline: bool = False) -> str:
    """Trim, and refuse what cannot be stored or shown: control characters and lone surrogates."""
    if value is None:
        return ""
    if not isinstance(value, str):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        else:
            raise ValueError(deferred("must be text"))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(deferred("contains characters that are not valid Unicode")) from None
    value = value.strip()
    if (_CONTROL if multiline else _CONTROL_ONE_LINE).search(value):
        raise ValueError(deferred("contains control characters"))
    return value


def _clean_or_blank(value: Any) -> str:
    """_clean for a field that is never refused: what it would refuse reads as left empty."""
    try:
        return _clean(value)
    except ValueError:
        return ""


def _required(value: str, limit: int) -> str:
    if not value or not normalize_text(value):  # zero-width, bidi controls and the like alone are blank
        raise ValueError(deferred("is required"))
    if len(value) > limit:
        raise ValueError(deferred("must be at most {limit} characters", limit=limit))
    return value


def is_ulid(value: str) -> bool:
    return bool(_ULID.match(value))


def _schema_hook(required: tuple[str, ...], example: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    """A JSON-schema hook: these fields are required (the model defaults them, to say so per field)."""

    def hook(schema: dict[str, Any]) -> None:
        schema["required"] = list(required)
        schema["examples"] = [example]

    return hook


def _content_text(value: Any) -> str:
    return _required(_clean(value, multiline=True), MAX_CONTENT)


# Field limits, each once: the models validate with them (the BeforeValidators first, in a person's
# words), /openapi.json states them.
PostId = Annotated[str, Field(min_length=1, max_length=MAX_POST_ID, description="The blog's id of the post")]
Content = Annotated[str, Field(min_length=1, max_length=MAX_CONTENT, description="Plain text; shown escaped"),
                    BeforeValidator(_content_text)]


class CommentIn(Model):
    """A comment. Unknown fields are ignored; WordPress's form names are accepted too (comment_post_ID, comment_parent, comment, ak_hp_textarea)."""

    # validate_default: a field left out runs its validator too, so "required" is said per field.
    model_config = ConfigDict(extra="ignore", validate_default=True,
                              json_schema_extra=_schema_hook(
        ("post_id", "author", "email", "content"),
        {"post_id": "hello-world", "author": "Ada", "email": "ada@example.com", "content": "Lovely post."}))

    # The limits below are what /openapi.json states; the validators check them first, in a person's words.
    post_id: PostId = ""
    parent_id: Optional[str] = Field(None, description="An approved comment of the same post; empty or 0 = top level")
    author: Annotated[str, Field(min_length=1, max_length=MAX_AUTHOR, description="1..245 characters after trimming")] = ""
    email: Annotated[str, Field(min_length=3, max_length=MAX_EMAIL, description="Never shown publicly; at most 100 characters",
                                json_schema_extra={"format": "email"})] = ""
    url: Annotated[str, Field(max_length=MAX_URL, description="http(s) only; a bare host gets http://")] = ""
    content: Content = ""  # multi-line text: its validator is the type's
    post_url: Annotated[str, Field(max_length=MAX_LINE, description="Permalink of the post; must be on an allowed origin")] = ""
    post_title: str = Field("", description=f"The page's title; cut to {MAX_POST_TITLE} characters")
    redirect_to: str = Field("", description="Form only: where to go back to; must be on an allowed origin")
    form_token: Annotated[str, Field(max_length=MAX_LINE, description="From GET /sites/{site}/form-token")] = ""
    hp: str = Field("", description="Honeypot: humans leave it empty")
    subscribe_comments: bool = False  # "Notify me of replies" (WordPress's field), confirmed by mail first

    @field_validator("subscribe_comments", mode="before")
    @classmethod
    def _subscribe(cls, v: Any) -> bool:
        # A checkbox sends its value ("on", "1") or nothing; an odd value is no, never an error.
        return v is True or (isinstance(v, str) and v.strip().lower() in _TICKED)

    @field_validator("post_id", mode="before")
    @classmethod
    def _post_id(cls, v: Any) -> str:
        return _required(_clean(v), MAX_POST_ID)

    @field_validator("parent_id", mode="before")
    @classmethod
    def _parent_id(cls, v: Any) -> Optional[str]:
        v = _clean(v)
        return None if v in ("", "0") else v.upper()

    @field_validator("author", mode="before")
    @classmethod
    def _author(cls, v: Any) -> str:
        v = _required(_clean(v), MAX_AUTHOR)
        if _BIDI_CONTROLS.search(v):  # they reorder what follows the name on the page ("Ada" + RLO ...)
            raise ValueError(deferred(  # one literal: the catalog's extractor reads no joined strings
                "contains bidirectional control characters (U+202A-U+202E, U+2066-U+2069); a name needs none, the marks U+200E/U+200F are fine"
            ))
        return v

    @field_validator("email", mode="before")
    @classmethod
    def _email(cls, v: Any) -> str:
        v = _required(_clean(v), MAX_EMAIL)
        if plain_parts(v) is not None:  # an ordinary address: email-validator would take it as it is
            return v
        from email_validator import EmailNotValidError, validate_email

        try:
            validate_email(v, check_deliverability=False)
        except EmailNotValidError as exc:
            raise ValueError(deferred("is not a valid email address ({reason})", reason=str(exc))) from None
        return v

    @field_validator("url", mode="before")
    @classmethod
    def _url(cls, v: Any) -> str:
        v = _clean(v)
        if not v:
            return ""
        if "://" not in v and not v.lower().startswith(("javascript:", "data:", "vbscript:", "mailto:")):
            v = "http://" + v  # people type "example.com"; WordPress adds the scheme too
        if len(v) > MAX_URL:
            raise ValueError(deferred("must be at most {limit} characters", limit=MAX_URL))
        from urllib.parse import urlsplit

        try:
            parts = urlsplit(v)
        except ValueError:
            raise ValueError(deferred("is not a valid web address")) from None
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in v:
            raise ValueError(deferred("must be a web address starting with http:// or https://"))
        if "@" in parts.netloc:  # http://user:pass@host/ would put a password, or a fake host, in a public link
            raise ValueError(deferred("must not contain a user name or password (user@host)"))
        return v

    @field_validator("post_url", "form_token", mode="before")
    @classmethod
    def _one_line(cls, v: Any) -> str:
        v = _clean(v)
        if len(v) > MAX_LINE:
            raise ValueError(deferred("is too long"))
        return v

    @field_validator("redirect_to", mode="before")
    @classmethod
    def _redirect_to(cls, v: Any) -> str:
        # Never the sender's fault: an odd target is dropped and the next one in line is used.
        v = _clean_or_blank(v)
        return v if len(v) <= MAX_LINE else ""

    @field_validator("post_title", mode="before")
    @classmethod
    def _post_title(cls, v: Any) -> str:
        # Sent by the widget from document.title: a page's odd title is never the commenter's fault.
        return _clean_or_blank(v)[:MAX_POST_TITLE]

    @field_validator("hp", mode="before")
    @classmethod
    def _honeypot(cls, v: Any) -> str:
        # The honeypot is never refused: a bot that fills it must not learn it was caught. A JSON
        # client's null, false or 0 and a blank string mean left empty, not a bot.
        if v is None or v is False or (isinstance(v, (int, float)) and not isinstance(v, bool) and v == 0):
            return ""
        return v.strip() if isinstance(v, str) else str(v)


def validation_messages(exc: ValidationError) -> dict[str, str]:
    """pydantic errors -> {field: message}, one message per field, in a person's words."""
    fields: dict[str, str] = {}
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "body"
        message = str(error.get("ctx", {}).get("error") or error["msg"])  # a Deferred stays one (i18n.py)
        fields.setdefault(name, message)
    return fields


ModelT = TypeVar("ModelT", bound=BaseModel)


def parse(model: type[ModelT], data: dict[str, Any]) -> ModelT:
    """Validate a request's fields with its model; raises errors.FieldsError with a message per field."""
    from .errors import FieldsError

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise FieldsError(validation_messages(exc)) from None


def parse_comment(data: dict[str, Any]) -> CommentIn:
    return parse(CommentIn, data)


def parse_author(value: Any) -> str:
    """A display name checked as a submission's `author` is (a reply from a mailed link); errors name the field."""
    from .errors import FieldsError

    try:
        return CommentIn._author(value)
    except ValueError as exc:
        raise FieldsError({"author": str(exc)}) from None


# Letters that draw nothing, beside the format (Cf) and combining (Mn, Me) categories.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def normalize_text(text: str) -> str:
    """What counts as 'the same text' (duplicates): case, compatibility forms, accents, runs of space
    and invisible characters (zero-width, bidi controls, variation selectors) do not."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if c not in _BLANK_LETTERS and unicodedata.category(c) not in ("Cf", "Mn", "Me"))
    text = unicodedata.normalize("NFKC", text.casefold())
    return " ".join(text.split())


# Cyrillic and Greek letters drawn like Latin ones (a subset of Unicode TR39's confusables, both cases),
# so a copy with a look-alike letter swapped in is still the same text to the duplicate guard.
_LOOKALIKES = str.maketrans(
    "АВЕКМНОРСТХЅІЈаеорсухѕіјһԁԛԝӏ" "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧαιορνυχκ",
    "ABEKMHOPCTXSIJaeopcyxsijhdqwl" "ABEZHIKMNOPTYXaiopvuxk",
)


def duplicate_form(text: str) -> str:
    """normalize_text, and look-alike letters read as the Latin letter they imitate: what the duplicate
    guard compares (only there: a name's trust must not change because a letter looks like another)."""
    return normalize_text(unicodedata.normalize("NFKD", text).translate(_LOOKALIKES))


def content_html(content: str) -> str:
    """A comment's text -> safe HTML: links and a small Markdown subset, everything else escaped
    (chalicelib/render.py); blank lines make paragraphs, newlines <br>."""
    from .render import comment_html

    return comment_html(content)


def _empty_list() -> list:
    """A list field's default: a Python function, not the builtin `list`, because pydantic reads a
    default_factory's signature and a builtin's makes inspect tokenize its text (~3 ms of a cold start)."""
    return []


class Comment(Model):
    """A stored comment. ip/user_agent live on a separate item that DynamoDB TTL expires."""

    site: str
    id: str
    post_id: str
    parent_id: Optional[str] = None
    author: str
    email: str
    url: str = ""
    content: str
    status: Status
    previous_status: Optional[Status] = None
    verdict: dict[str, Any] = Field(default_factory=dict)
    avatar: str
    email_hash: str
    taught: Optional[Literal["spam", "ham"]] = None
    version: int = 1
    created_at: str
    updated_at: str
    post_title: str = ""
    held_because: Optional[HeldBecause] = None
    ip: str = ""
    user_agent: str = ""
    origin_id: Optional[str] = None  # its number on the blog it was imported from (old links)
    post_url: str = ""  # the post's permalink: from the submission (or the importer)
    expires_at: Optional[int] = None  # DynamoDB TTL (epoch seconds): set only while spam or trash
    network_expires_at: Optional[int] = None  # the NET item's TTL, as read with it; not stored here
    spam_marks: list[str] = Field(default_factory=_empty_list)  # spam-memory tags a moderator's spam mark counted
    duplicate_digest: Optional[str] = None  # its duplicate guard's key as written (an edit keeps it)
    moderator: bool = False  # the site's own reply (POST .../reply): no email, published at once

    @property
    def content_html(self) -> str:
        return content_html(self.content)


class PublicComment(Model):
    """What anyone may see of an approved comment: never an email, IP or user agent."""

    id: str
    parent_id: Optional[str] = None
    author: str
    url: str = ""
    avatar: str
    content_html: str
    created_at: str
    origin_id: Optional[str] = None  # the imported comment's old number ("comment-123" anchors)
    moderator: Optional[bool] = None  # true for the site's own reply (the badge); null for a reader's

    @field_validator("moderator", mode="before")
    @classmethod
    def _badge(cls, v: Any) -> Optional[bool]:
        return v or None

    @classmethod
    def of(cls, comment: Any) -> "PublicComment":
        """The view of a stored Comment, or of any object with its attributes (`content_html` too)."""
        return cls.model_validate(comment, from_attributes=True)


class SubmitResult(PublicComment):
    """The answer to an accepted submission: the public view and approved/pending. `avatar` is null
    unless the comment is public: the sender chose the email, so its avatar would be an oracle."""

    avatar: Optional[str]  # type: ignore[assignment]  # a public view that may withhold one field
    status: Literal["approved", "pending"]

    @classmethod
    def of(cls, comment: Any) -> "SubmitResult":
        """What its sender is told of a comment: spam (or discarded) reads as pending."""
        public = comment.status == "approved"
        return cls.model_validate({**PublicComment.of(comment).model_dump(), "avatar": comment.avatar if public else None,
                                   "status": "approved" if public else "pending"})


class Site(Model):
    """A blog: where its forms live and how it moderates."""

    slug: str
    origins: list[str]
    moderation: Literal["all", "trusted", "auto"] = "trusted"
    flood_seconds: int = 15
    post_url_template: str = "{origin}/?p={post_id}"
    moderation_keys: list[str] = Field(default_factory=_empty_list)
    disallowed_keys: list[str] = Field(default_factory=_empty_list)
    retention_days: int = 30  # days to keep a comment's IP and user agent
    spam_retention_days: int = 30  # days a spam or trashed comment is kept (0: kept until deleted)
    close_after_days: int = 0  # WordPress's "close comments on posts older than N days"; 0 = never
    close_before: str = ""  # YYYY-MM-DD (UTC): posts whose first comment came before it are closed; "" = none
    spam_memory_days: int = 90  # days the site remembers an email, IP or domain a moderator marked spam
    mail_daily_cap: int = 200  # reply-notification mails (confirmations included) a day, all readers together
    lang: Literal["en", "de", "ar"] = "en"  # readers' language: pages, messages, mails (chalicelib/i18n.py)
    # Moderator mail (chalicelib/digest.py): each new pending comment mailed at once while at most
    # digest_after wait; the ones arriving while more wait gathered in windows of digest_minutes, one
    # digest each (digest_minutes 0: always a mail per comment at once; digest_after 0: always a digest).
    digest_minutes: int = Field(default=DEFAULT_MINUTES, ge=0, le=1440)
    digest_after: int = Field(default=DEFAULT_AFTER, ge=0)
    # Unicode scripts this site's comments are written in ("Latin", "Cyrillic"): a comment mostly in
    # others is held (spam rule unexpected-script). Empty, the default: any script is fine.
    expected_scripts: list[Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,20}$")]] = Field(default_factory=_empty_list, max_length=8)

    @field_validator("close_before")
    @classmethod
    def _a_calendar_date(cls, value: str) -> str:
        return calendar_date(value) if value else value


def calendar_date(value: str) -> str:
    """A real day written YYYY-MM-DD, else ValueError (fromisoformat alone also takes 20130101)."""
    import datetime

    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(f"not a date YYYY-MM-DD: {value!r}")
    datetime.date.fromisoformat(value)
    return value
