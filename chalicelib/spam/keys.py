"""WordPress-style comment keys: case-insensitive substrings matched over a comment's fields.

WordPress loops over its keys and runs one regex per key per field. Here all keys of a list go
into one Aho-Corasick automaton, so each field is read once whatever the number of keys.
Automatons are built on first use (never at import: Lambda cold starts pay only when a comment
arrives) and cached: the shipped list once per process, a site's own short lists by content.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import ahocorasick

from .text import strip_tags

DEFAULT_LIST_PATH = Path(__file__).with_name("data") / "blacklist.txt"
# Keys of the community list that occur in published (ham) comments of the shared data sets: written
# by `manage.py train` (spamtrain.ham_keys), left out of the shipped matcher. Key names only, no rows.
HAM_KEYS_PATH = Path(__file__).with_name("data") / "blacklist-ham.txt"

# The fields WordPress checks, in its order; "content without tags" catches keys split by markup.
FIELDS = ("author", "email", "url", "content", "content without tags", "ip", "user agent")


@dataclass(frozen=True)
class KeyMatch:
    key: str
    field: str


class KeyMatcher:
    """A set of keys, matched as case-insensitive substrings (WordPress semantics: keys are trimmed,
    empty keys ignored)."""

    def __init__(self, keys: Iterable[str]):
        automaton = ahocorasick.Automaton()
        for raw in keys:
            key = raw.strip().lower()
            if key:
                automaton.add_word(key, key)
        self.size = len(automaton)
        if self.size:
            automaton.make_automaton()
            self._automaton: ahocorasick.Automaton | None = automaton
        else:
            self._automaton = None

    def find(self, text: str) -> list[str]:
        """Distinct keys that occur in text (case-insensitive), in order of first occurrence."""
        if self._automaton is None or not text:
            return []
        return list(dict.fromkeys(key for _, key in self._automaton.iter(text.lower())))

    def find_in_fields(self, fields: dict[str, str], limit: int = 20) -> list[KeyMatch]:
        """Distinct (key, first field it occurs in), across fields in order; at most `limit`."""
        matches: dict[str, KeyMatch] = {}
        for field, text in fields.items():
            for key in self.find(text):
                if key not in matches:
                    matches[key] = KeyMatch(key, field)
                    if len(matches) >= limit:
                        return list(matches.values())
        return list(matches.values())


def comment_fields(author: str, email: str, url: str, content: str, ip: str, user_agent: str) -> dict[str, str]:
    """The texts WordPress matches keys against, by field name (tag-stripped content only if it differs)."""
    fields = {"author": author, "email": email, "url": url, "content": content}
    if "<" in content:
        stripped = strip_tags(content)
        if stripped != content:
            fields["content without tags"] = stripped
    fields["ip"] = ip
    fields["user agent"] = user_agent
    return fields


@lru_cache(maxsize=256)
def site_matcher(keys: tuple[str, ...]) -> KeyMatcher:
    """A site's moderation or disallowed keys, built once per distinct list."""
    return KeyMatcher(keys)


def read_key_list(path: Path) -> list[str]:
    """Keys from a one-key-per-line UTF-8 file (blank lines skipped)."""
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


_default_lock = threading.Lock()
_default: KeyMatcher | None = None


def default_matcher() -> KeyMatcher:
    """The shipped community list (data/blacklist.txt) without the keys ordinary comments use
    (data/blacklist-ham.txt), built on first call (~0.1 s), then cached."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                try:
                    ham = {key.strip().lower() for key in read_key_list(HAM_KEYS_PATH)} if HAM_KEYS_PATH.exists() else set()
                    _default = KeyMatcher(k for k in read_key_list(DEFAULT_LIST_PATH) if k.strip().lower() not in ham)
                except OSError:
                    _default = KeyMatcher(())
    return _default


def use_default_matcher(matcher: KeyMatcher | None) -> None:
    """Match with `matcher` instead of the shipped list (evaluation folds); None rebuilds the shipped one."""
    global _default
    with _default_lock:
        _default = matcher
