"""The ordinary email address, told apart without email-validator (whose import is ~15 ms of a cold start).

`plain_parts` recognises only addresses email-validator (syntax check, no DNS) accepts as they are:
ASCII dot-atom local part, ASCII host names, a letters-only top-level domain, RFC 5321's lengths.
For those it returns what email-validator would (the local part as typed, the domain in lower case);
anything else (Unicode, Punycode, quoting, odd TLDs, reserved names, long parts) gets None and goes to
email-validator itself, so no address is judged or hashed differently than before.
"""
from __future__ import annotations

import re

_ATEXT = r"A-Za-z0-9!#$%&'*+/=?^_`{|}~-"  # RFC 5322 3.2.3
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"  # RFC 1123 2.1
_PLAIN = re.compile(rf"([{_ATEXT}]+(?:\.[{_ATEXT}]+)*)@((?:{_LABEL}\.)+[A-Za-z]+)\Z")
# IANA special-use names email-validator refuses (its SPECIAL_USE_DOMAIN_NAMES, none with a dot).
_SPECIAL_USE = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})
MAX_ADDRESS, MAX_LOCAL, MAX_DOMAIN, MAX_LABEL = 254, 64, 253, 63  # RFC 5321 4.5.3.1, RFC 1035 2.3.4


def plain_parts(address: str) -> tuple[str, str] | None:
    """(local part, lower-case domain) of an ordinary ASCII address; None: ask email-validator."""
    if len(address) > MAX_ADDRESS:
        return None
    match = _PLAIN.match(address)
    if match is None:
        return None
    local, domain = match[1], match[2].lower()
    if len(local) > MAX_LOCAL or len(domain) > MAX_DOMAIN:
        return None
    labels = domain.split(".")
    # "xn--" (Punycode) and other "??--" labels are IDNA's business: email-validator decodes or refuses them.
    if labels[-1] in _SPECIAL_USE or any(len(label) > MAX_LABEL or label[2:4] == "--" for label in labels):
        return None
    return local, domain
