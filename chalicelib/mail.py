"""Reply notifications for readers: double opt-in subscriptions, their signed links, and the mails (Amazon SES).

Flow: a reader ticks "Notify me of replies" (`subscribe_comments`) -> the comment is stored with an
unconfirmed SUB item in the same transaction (not for a comment judged spam) -> the table's stream
mails a confirmation link once -> GET on the link shows a page, its POST confirms -> when a reply
to that comment is APPROVED (INSERT or MODIFY whose new image is approved), the stream mails the
reader once per reply, naming the replier by display name only, with RFC 8058 one-click
unsubscribe (`List-Unsubscribe` + `List-Unsubscribe-Post`) and the same link as a GET-then-POST page.

Items (see chalicelib/storage's table):
- `SUB#{site}#{comment id}` / `SUB`: `email`, `email_hash` (gsi3: erase and export find it), `confirmed`,
  `post_id`, `post_url`, `author`; TTL 7 days until confirmed, none after. Written once per
  subscribing comment, read once per approved reply to it: well under any key's limit at a viral post.
- `MAILCAP#{site}#{day}` / `MAILCAP`: `sent`, ADDed under the condition `sent < cap` before each mail
  (the per-site daily cap, `Site.mail_daily_cap`); TTL 2 days. At most `cap` writes a day.
- `MAILED#{site}#{kind}#{id}` / `MAILED`: the stream's at-least-once guard (kind `confirm` per SUB,
  `reply` per reply id); TTL 7 days. Written after the mail went out: a crash can repeat one, never lose one.
"""
from __future__ import annotations

import time
from email.message import EmailMessage
from functools import cache
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import quote

from . import i18n
from .i18n import deferred
from .logs import log_event

if TYPE_CHECKING:
    from .storage import DynamoStore

SUB_PURPOSE = "reply-subscription"
CONFIRM_TTL = 7 * 24 * 3600
STOP_TTL = 400 * 24 * 3600  # an unsubscribe link outlives any sensible wait between replies
MARKER_TTL = 7 * 24 * 3600
ACTIONS = ("confirm", "stop")


def subscription_item(site: str, comment: Any, email_hash: str, now: float) -> dict:
    """The unconfirmed SUB item written with a subscribing comment: it lasts CONFIRM_TTL unless confirmed."""
    from .storage import subscription_item as item

    return item(site, comment, email_hash, int(now) + CONFIRM_TTL)


# ---- signed links -------------------------------------------------------------------------------------
def make_token(keyring: Any, site: str, comment_id: str, action: str, now: float) -> str:
    ttl = CONFIRM_TTL if action == "confirm" else STOP_TTL
    return keyring.sign(SUB_PURPOSE, {"s": site, "c": comment_id, "a": action, "e": int(now) + ttl})


def read_token(keyring: Any, site: str, token: str, now: float) -> dict:
    """The payload of a subscription link of this site, or InvalidLinkError / ExpiredLinkError."""
    from .links import read_signed_link

    return read_signed_link(keyring, SUB_PURPOSE, site, token, now, ACTIONS, invalid=deferred("This link is not valid."),
                            expired=deferred("This link has expired. Tick the box again with your next comment."))


def link_url(public_url: str, site: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/sites/{quote(site)}/subscriptions/{token}"


# ---- the store's part ---------------------------------------------------------------------------------
class Subscriptions:
    """Readers' subscriptions and mail markers, as the mail flow sees them (the items: the store's methods)."""

    def __init__(self, store: DynamoStore):
        self.store = store

    def get(self, site: str, comment_id: str) -> dict | None:
        return self.store.get_subscription(site, comment_id)

    def confirm(self, site: str, comment_id: str) -> bool:
        """Confirmed (and kept: its TTL removed); False when there is no such subscription."""
        return self.store.confirm_subscription(site, comment_id)

    def stop(self, site: str, comment_id: str) -> None:
        self.store.stop_subscription(site, comment_id)

    def take_from_cap(self, site: str, cap: int, now: float) -> bool:
        """Count one mail against the site's daily cap; False once the day's cap is reached."""
        return self.store.take_from_mail_cap(site, _day(now), cap, int(now) + 2 * 86400)

    def was_mailed(self, site: str, kind: str, item_id: str) -> bool:
        return self.store.was_mailed(site, kind, item_id)

    def mark_mailed(self, site: str, kind: str, item_id: str, now: float) -> None:
        self.store.mark_mailed(site, kind, item_id, int(now) + MARKER_TTL)


def _day(now: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(now))


# ---- the mails ----------------------------------------------------------------------------------------
def confirmation_mail(sub: dict, confirm_url: str, lang: str = i18n.DEFAULT) -> tuple[str, str]:
    """The one mail before confirmation, in the site's language."""
    _ = i18n.translations(lang).gettext
    site = sub["site"]
    days = CONFIRM_TTL // 86400
    lines = [
        _("Hello {name},").format(name=sub.get("author", "")),
        "",
        _("You asked to hear about replies to your comment on {site} (post {post}).").format(
            site=site, post=sub.get("post_id", "")),
        _("Nothing is sent until you confirm. To confirm, open this link and press the button:"),
        "",
        confirm_url,
        "",
        _("The link expires in {days} days. If you did not ask for this, ignore this mail.").format(days=days),
    ]
    return _("Confirm reply notifications on {site}").format(site=site)[:100], "\n".join(lines)


def reply_mail(sub: dict, reply: dict, stop_url: str, lang: str = i18n.DEFAULT) -> tuple[str, str]:
    """The mail to the parent's author: the replier by display name only, never their email."""
    _ = i18n.translations(lang).gettext
    site = sub["site"]
    where = sub.get("post_url") or _("post {post}").format(post=sub.get("post_id", ""))
    lines = [
        _("Hello {name},").format(name=sub.get("author", "")),
        "",
        _("{name} replied to your comment on {site}:").format(name=reply.get("author") or _("Someone"), site=site),
        "",
        *[f"> {line}" for line in str(reply.get("content", "")).splitlines()[:40]],
        "",
        _("Read it: {address}").format(address=where + (f"#comment-{reply['id']}" if sub.get("post_url") else "")),
        "",
        _("No more mails about this comment: {address}").format(address=stop_url),
    ]
    return _("New reply to your comment on {site}").format(site=site)[:100], "\n".join(lines)


def build_message(sender: str, to: str, subject: str, body: str, unsubscribe_url: str | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    if unsubscribe_url:  # RFC 8058: the mail client POSTs List-Unsubscribe=One-Click to the URL
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(body)
    return message.as_bytes()


@cache
def ses_client() -> Any:
    from botocore.config import Config

    from .config import get_settings
    from .wiring import aws_session

    config = Config(retries={"mode": "standard", "total_max_attempts": 3}, connect_timeout=2, read_timeout=5)
    return aws_session().create_client("sesv2", region_name=get_settings().region, config=config)


def ses_sender(sender: str) -> Callable[..., None]:
    def send(*, to: str, subject: str, body: str, unsubscribe_url: str | None = None) -> None:
        raw = build_message(sender, to, subject, body, unsubscribe_url)
        ses_client().send_email(FromEmailAddress=sender, Destination={"ToAddresses": [to]},
                                Content={"Raw": {"Data": raw}})

    return send


# ---- the stream's part ----------------------------------------------------------------------------------
class ReplyMailer:
    """What the stream handler does for readers: confirmation mails for new SUB items, and a mail per
    approved reply to a confirmed subscription, within the site's daily cap."""

    def __init__(self, store: DynamoStore, keyring: Any, send: Callable[..., None], public_url: str,
                 clock: Callable[[], float] = time.time):
        self.subscriptions = Subscriptions(store)
        self.store = store
        self.keyring = keyring
        self.send = send
        self.public_url = public_url
        self.clock = clock
        self._capped: set[tuple[str, str]] = set()  # (site, day) whose cap this warm handler saw reached

    def _within_cap(self, site: str, now: float) -> bool:
        day = _day(now)
        if (site, day) in self._capped:
            return False
        if self.subscriptions.take_from_cap(site, self._cap(site), now):
            return True
        self._capped.add((site, day))
        log_event("warning", site=site, route="mail", decision="daily cap reached")
        return False

    def handle_item(self, item: dict) -> str:
        """'mailed' or 'skipped' for a stream record's new image (an item as the store's codec decodes it)."""
        from .storage import item_kind

        kind = item_kind(item)
        if kind == "subscription" and item.get("confirmed") is False:
            return self._confirmation(item)
        if kind == "comment" and item.get("status") == "approved" and item.get("parent_id"):
            return self._reply(item)
        return "skipped"

    def _cap(self, site: str) -> int:
        settings = self.store.get_site(site)
        return settings.mail_daily_cap if settings else 0

    def _language(self, site: str) -> str:
        settings = self.store.get_site(site)
        return i18n.language(settings.lang) if settings else i18n.DEFAULT

    def _confirmation(self, sub: dict) -> str:
        site, comment_id = sub["site"], sub["comment_id"]
        if self.subscriptions.was_mailed(site, "confirm", comment_id):
            return "skipped"
        now = self.clock()
        if not self._within_cap(site, now):
            return "skipped"
        url = link_url(self.public_url, site, make_token(self.keyring, site, comment_id, "confirm", now))
        subject, body = confirmation_mail(sub, url, self._language(site))
        self.send(to=sub["email"], subject=subject, body=body)
        self.subscriptions.mark_mailed(site, "confirm", comment_id, now)
        return "mailed"

    def _reply(self, reply: dict) -> str:
        site = reply["site"]
        sub = self.subscriptions.get(site, reply["parent_id"])
        if not sub or sub.get("confirmed") is not True:
            return "skipped"
        if reply.get("email_hash") and reply.get("email_hash") == sub.get("email_hash"):
            return "skipped"  # answering oneself
        if self.subscriptions.was_mailed(site, "reply", reply["id"]):
            return "skipped"
        now = self.clock()
        if not self._within_cap(site, now):
            return "skipped"
        url = link_url(self.public_url, site, make_token(self.keyring, site, sub["comment_id"], "stop", now))
        subject, body = reply_mail(sub, reply, url, self._language(site))
        self.send(to=sub["email"], subject=subject, body=body, unsubscribe_url=url)
        self.subscriptions.mark_mailed(site, "reply", reply["id"], now)
        return "mailed"
