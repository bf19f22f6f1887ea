"""The sender's address the flood guard and the spam engine see, directly and behind CloudFront."""
from __future__ import annotations

from types import SimpleNamespace

import pytest


def request(headers: dict, source_ip: str = "130.176.0.9") -> SimpleNamespace:
    return SimpleNamespace(headers=headers, context={"identity": {"sourceIp": source_ip}})


@pytest.fixture
def behind_edge(monkeypatch):
    from chalicelib.config import get_settings

    monkeypatch.setenv("REPLYBOX_BEHIND_EDGE", "1")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_behind_the_edge_the_viewer_address_is_the_sender(behind_edge):
    from chalicelib.api.reading import viewer_ip

    assert viewer_ip(request({"cloudfront-viewer-address": "198.51.100.7:46532"})) == "198.51.100.7"
    assert viewer_ip(request({"cloudfront-viewer-address": "2001:db8::1:46532"})) == "2001:db8::1"
    assert viewer_ip(request({})) == "130.176.0.9"  # a request that did not come through CloudFront


def test_without_the_edge_a_sent_viewer_header_is_ignored(monkeypatch):
    from chalicelib.api.reading import viewer_ip
    from chalicelib.config import get_settings

    monkeypatch.delenv("REPLYBOX_BEHIND_EDGE", raising=False)
    get_settings.cache_clear()
    assert viewer_ip(request({"cloudfront-viewer-address": "198.51.100.7:46532"}, "203.0.113.5")) == "203.0.113.5"
    get_settings.cache_clear()
