"""The ordinary-address check stands in for email-validator only where email-validator agrees with it."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.email_syntax import plain_parts
from chalicelib.signing import canonical_email

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

ORDINARY = [
    "ada@example.com",
    "Ada.Lovelace@Example.COM",
    "o'brien+blog@mail.example.co.uk",
    "first.last@sub-domain.example.org",
    "x@a.io",
    "Postmaster@example.net",  # a case-insensitive mailbox name: email-validator lowers it, the key folds it anyway
    "{weird}|~^`!#$%&*=?_-/@example.com",
    "a" * 64 + "@example.com",
]
ODD = [
    "ada@bücher.de",  # IDNA
    "ada@straße.de",  # IDNA 2008 keeps ß: only the idna package gets this right
    "ada@xn--bcher-kva.de",  # Punycode: checked by decoding it
    "ada@ab--cd.com",  # an R-LDH label email-validator refuses
    "ädä@example.com",  # SMTPUTF8 local part
    '"ada lovelace"@example.com',  # quoted local part
    "ada@example",  # no dot
    "ada@example.123",  # numeric TLD
    "ada@example.local",
    "ada@printer.localhost",
    "ada@x.test",
    "ada@10.0.0.1.in-addr.arpa",
    "ada@[127.0.0.1]",
    "a" * 65 + "@example.com",  # past RFC 5321's 64: email-validator's own length rules decide
    "ada@" + "a" * 64 + ".com",  # a label past 63
    "ada@@example.com",
    "ada@.example.com",
    "ada.@example.com",
    ".ada@example.com",
    "ada..x@example.com",
    "ada@-example.com",
    "ada@example-.com",
    "ada@example.com.",
    "Ada <ada@example.com>",
    "ada@example.com\n",
    "",
    "@",
]


def _validator_parts(address: str) -> tuple[str, str] | None:
    try:
        checked = validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return None
    return checked.local_part, checked.ascii_domain


@pytest.mark.parametrize("address", ORDINARY)
def test_an_ordinary_address_reads_as_email_validator_reads_it(address):
    parts = plain_parts(address)
    assert parts is not None
    expected = _validator_parts(address)
    assert expected is not None
    assert (parts[0].casefold(), parts[1]) == (expected[0].casefold(), expected[1])


@pytest.mark.parametrize("address", ODD)
def test_anything_unusual_is_left_to_email_validator(address):
    assert plain_parts(address) is None


# Characters that make the fast path's edge cases: atext, dots, hyphens, an @, a few that are never allowed.
_ALPHABET = "aZ09.-@_+'`{|}~!#$%&*=?^/ \"<>()[]\\,;:ßü"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, min_size=1, max_size=40), st.sampled_from(["com", "org", "test", "local", "c0m", "io", "x"]))
def test_the_fast_path_never_takes_what_email_validator_refuses(local_and_host, tld):
    address = f"{local_and_host}.{tld}"
    parts = plain_parts(address)
    if parts is not None:
        expected = _validator_parts(address)
        assert expected is not None, address
        assert (parts[0].casefold(), parts[1]) == (expected[0].casefold(), expected[1])


@pytest.mark.parametrize("address", ORDINARY)
def test_the_email_key_is_the_same_either_way(address, monkeypatch):
    fast = canonical_email.__wrapped__(address)
    monkeypatch.setattr("chalicelib.email_syntax.plain_parts", lambda _address: None)
    assert canonical_email.__wrapped__(address) == fast


def test_a_submission_with_an_ordinary_address_loads_no_email_validator():
    code = (
        "import sys\n"
        "from chalicelib.models import parse_comment\n"
        "from chalicelib.signing import canonical_email\n"
        "c = parse_comment({'post_id': 'p', 'author': 'Ada', 'email': 'Ada@Example.com', 'content': 'Hello'})\n"
        "canonical_email(c.email)\n"
        "print('email_validator' in sys.modules)\n"
        "parse_comment({'post_id': 'p', 'author': 'Ada', 'email': 'ada@bücher.de', 'content': 'Hello'})\n"
        "print('email_validator' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True"]
