"""The HMAC secret and everything keyed by it: email/IP hashes, avatars, form tokens, cursors, API tokens."""
from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import os
import secrets
import time
from typing import TYPE_CHECKING, Any

from .errors import BadRequestError

if TYPE_CHECKING:  # the spam package loads only where a comment is scored
    from .spam.verdict import FormTokenState

FORM_TOKEN_TTL = 3600


def load_secret(secret_file: str | None, parameter: str | None, region: str) -> bytes:
    """Read the deployed secret (SSM SecureString) or the local file; both are read once per process."""
    if parameter:
        from .wiring import aws_session

        ssm = aws_session().create_client("ssm", region_name=region)
        value = ssm.get_parameter(Name=parameter, WithDecryption=True)["Parameter"]["Value"]
        return value.encode()
    path = secret_file or os.path.join(os.environ.get("DATA_DIR", ".data"), "secret")
    with open(path, "rb") as fh:
        value = fh.read().strip()
    if len(value) < 32:
        raise RuntimeError(f"the secret in {path} is shorter than 32 bytes")
    return value


def create_secret_file(path: str) -> bool:
    """Write a fresh random secret (mode 600) unless one exists. Returns True when it wrote one."""
    if os.path.exists(path):
        return False
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_urlsafe(48) + "\n")
    return True


@functools.lru_cache(maxsize=1024)
def canonical_email(email: str) -> str:
    """The one spelling of a mailbox that every keyed email hash sees (trust, flood, erasure, avatar).

    Unicode compatibility forms folded (NFKC), the domain as its IDNA A-label in lower case, and the
    local part case-folded: RFC 5321 lets a server tell `Ada` from `ada`, but practically none does,
    and treating them as two people would let one dodge an erasure or a flood by a capital letter.
    Dots and `+tags` are kept: only some providers ignore them. Only keys use this; the stored and
    shown address is what the person typed.
    """
    import unicodedata

    from .email_syntax import plain_parts

    text = unicodedata.normalize("NFKC", email.strip())
    local, _, domain = text.rpartition("@")
    parts = plain_parts(text)  # an ordinary address: what email-validator would answer, without loading it
    if parts is not None:
        local, domain = parts
    else:
        from email_validator import EmailNotValidError, validate_email

        try:
            checked = validate_email(text, check_deliverability=False)
            local, domain = checked.local_part, checked.ascii_domain
        except EmailNotValidError:  # erasure of an odd address: still fold what can be folded
            try:
                domain = domain.encode("idna").decode("ascii")
            except UnicodeError:
                pass
    return f"{unicodedata.normalize('NFKC', local).casefold()}@{domain.lower()}" if local else text.casefold()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Keyring:
    """Every keyed derivation from one secret, each under its own purpose label."""

    def __init__(self, secret: bytes):
        self._secret = secret

    def _mac(self, purpose: str, message: str) -> bytes:
        return hmac.new(self._secret, f"{purpose}\x00{message}".encode(), hashlib.sha256).digest()

    def email_hash(self, site: str, email: str) -> str:
        """Stable per-site id of a normalized email: joins trust records, guards and erasure."""
        return self._mac("email", f"{site}\x00{canonical_email(email)}").hex()[:32]

    def ip_hash(self, site: str, ip: str) -> str:
        return self._mac("ip", f"{site}\x00{ip}").hex()[:32]

    def avatar(self, site: str, email: str) -> str:
        """An avatar id no one can turn back into the email (unlike Gravatar's plain MD5). It is per
        site too, so the same person's avatar does not link their comments across blogs."""
        return self._mac("avatar", f"{site}\x00{canonical_email(email)}").hex()[:20]

    def token_hash(self, token: str) -> str:
        return self._mac("api-token", token).hex()

    def digest(self, purpose: str, message: str) -> str:
        return self._mac(purpose, message).hex()[:32]

    # Signed values: base64url(json) + "." + base64url(mac)
    def sign(self, purpose: str, payload: dict[str, Any]) -> str:
        body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
        return body + "." + _b64(self._mac(purpose, body)[:18])

    def unsign(self, purpose: str, value: str) -> dict[str, Any] | None:
        """The payload of a value this keyring signed for `purpose`, or None when forged."""
        if not isinstance(value, str) or value.count(".") != 1 or len(value) > 4096:
            return None
        body, mac = value.split(".")
        try:
            expected = self._mac(purpose, body)[:18]
            if not hmac.compare_digest(expected, _unb64(mac)):
                return None
            payload = json.loads(_unb64(body))
        except (ValueError, TypeError):
            return None
        return payload if isinstance(payload, dict) else None

    def form_token(self, site: str, now: float | None = None) -> str:
        issued = int(now if now is not None else time.time())
        return self.sign("form", {"s": site, "t": issued, "n": secrets.token_hex(4)})

    def check_form_token(
        self, site: str, token: str, now: float | None = None
    ) -> tuple[FormTokenState, float | None]:
        """('valid', age) | ('missing'|'forged'|'expired', None) for the spam engine."""
        if not token:
            return "missing", None
        payload = self.unsign("form", token)
        if payload is None or payload.get("s") != site or not isinstance(payload.get("t"), int):
            return "forged", None
        age = (now if now is not None else time.time()) - payload["t"]
        if age > FORM_TOKEN_TTL or age < -60:
            return "expired", None
        return "valid", max(age, 0.0)

    def encode_cursor(self, scope: str, key: dict[str, Any] | None) -> str | None:
        return None if key is None else self.sign("cursor:" + scope, key)

    def decode_cursor(self, scope: str, cursor: str | None) -> dict[str, Any] | None:
        """The DynamoDB start key a cursor stands for; a tampered or foreign cursor is a 400."""
        if not cursor:
            return None
        key = self.unsign("cursor:" + scope, cursor)
        if key is None:
            raise BadRequestError("cursor is not valid for this listing")
        return key


def new_api_token() -> str:
    return secrets.token_urlsafe(32)
