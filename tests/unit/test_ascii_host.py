"""A host's ASCII form is idna's (UTS 46), whether or not the plain-host shortcut answered."""
from __future__ import annotations

import idna
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.moderation import ascii_host, origin_of


def idna_form(host: str) -> str | None:
    try:
        return idna.encode(host, uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError, ValueError):
        return None


@pytest.mark.parametrize("host", [
    "blog.example", "Blog.Example", "www.ichthyosaurs.co.uk", "127.0.0.1", "a", "a-b.c", "x" * 63 + ".com",
    "x" * 64 + ".com", "ab--cd.example", "xn--bcher-kva.example", "bücher.example", "straße.example", "a_b.example",
    "-a.example", "a-.example", "a..b", ".a", "a.", "", "ＥＸＡＭＰＬＥ.com", ("a" * 50 + ".") * 5 + "com",
])
def test_known_hosts(host):
    assert ascii_host(host) == idna_form(host)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="aZ09-._ü", max_size=70))
def test_any_host_reads_as_idna_reads_it(host):
    assert ascii_host(host) == idna_form(host)


def test_an_origin_keeps_its_port_and_drops_the_default_one():
    assert origin_of("https://Blog.Example:443/post?x=1") == "https://blog.example"
    assert origin_of("http://blog.example:8080/") == "http://blog.example:8080"
    assert origin_of("https://bücher.example/") == "https://xn--bcher-kva.example"
