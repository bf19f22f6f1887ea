"""WordPress-style comment keys: case-insensitive substrings matched over a comment's fields.

WordPress loops over its keys and runs one regex per key per field. Here each field is read once
by an Aho-Corasick automaton of the keys' first PREFIX characters (a short key whole), and a hit is
checked against the keys that begin there. The automaton of prefixes is a tenth the size of one of
whole keys, so the shipped 62k-key list loads in a few milliseconds instead of ~75 ms to build:
it loads from data/blacklist-index.txt (the list grouped by prefix, written by `write_list_index`)
on first use (never at import), and a group's keys are read only when the group is first hit.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from functools import cache, lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Iterable

import ahocorasick

from .text import strip_tags

# The community list as published, kept with the training tools: it is not deployed (the index below
# holds the same keys), which keeps the package under 5 MB with the bytecode it ships.
DEFAULT_LIST_PATH = Path(__file__).parents[2] / "spamtrain" / "data" / "blacklist.txt"
# The same keys lower-cased, trimmed and grouped by their first PREFIX characters, one group a line,
# keys tab-separated (no key holds a tab): the form the matcher loads. tests/unit/test_spam_keys.py
# checks it is current; after changing blacklist.txt, run `write_list_index()`.
LIST_INDEX_PATH = Path(__file__).with_name("data") / "blacklist-index.txt"
# Keys of the community list that occur in published (ham) comments of the shared data sets: written
# by `manage.py train` (spamtrain.ham_keys), left out of the shipped matcher. Key names only, no rows.
HAM_KEYS_PATH = Path(__file__).with_name("data") / "blacklist-ham.txt"

# The fields WordPress checks, in its order; "content without tags" catches keys split by markup.
FIELDS = ("author", "email", "url", "content", "content without tags", "ip", "user agent")

# Characters of a key the automaton holds. Longer prefixes hit less often in ordinary text but make
# a larger automaton: 4 loads the shipped list in ~8 ms and scans a comment in ~0.1 ms.
PREFIX = 4
# User agents whose keys a matcher remembers (see KeyMatcher._find_agent).
AGENTS_REMEMBERED = 256


_Group = tuple[int, tuple[int, ...], dict[str, tuple[int, ...]], frozenset[str]]


@dataclass(frozen=True)
class KeyMatch:
    key: str
    field: str


class KeyMatcher:
    """A set of keys, matched as case-insensitive substrings (WordPress semantics: keys are trimmed,
    empty keys ignored)."""

    def __init__(self, keys: Iterable[str] = (), *, groups: Iterable[str] | None = None, drop: frozenset[str] = frozenset()):
        """From `keys`, or from `groups` as key_groups writes them; keys in `drop` (lower-case) never match."""
        automaton = ahocorasick.Automaton()
        lines = list(filter(None, key_groups(keys) if groups is None else groups))
        # Each group under its first key's first PREFIX characters; add_word through map(), a C loop
        # (a cold start adds 13k groups).
        heads = map(itemgetter(slice(0, PREFIX)), lines)
        prefixes = [head.split("\t", 1)[0] if "\t" in head else head for head in heads]
        deque(map(automaton.add_word, prefixes, lines), maxlen=0)
        self._drop = drop
        self._groups: dict[str, _Group] = {}
        self._agents: dict[str, tuple[str, ...]] = {}
        self._automaton: ahocorasick.Automaton | None = None
        if len(automaton):
            automaton.make_automaton()
            self._automaton = automaton

    @property
    def size(self) -> int:
        """How many keys it matches (reads every group: for tests and tools, not requests)."""
        if self._automaton is None:
            return 0
        return sum(len(self._group(line)[3]) for line in self._automaton.values())

    def find(self, text: str) -> list[str]:
        """Distinct keys that occur in text (case-insensitive), in order of first occurrence (by where
        the key ends; of two ending at the same place, the longer first)."""
        if self._automaton is None or not text:
            return []
        text = text.lower()
        found: dict[str, tuple[int, int]] = {}
        groups = self._groups
        for end, line in self._automaton.iter(text):
            group = groups.get(line)
            prefix, lengths, by_next, keys = group if group is not None else self._group(line)
            if by_next:
                longer = by_next.get(text[end + 1 : end + 1 + PREFIX])
                if longer:
                    lengths += longer
            start = end - prefix + 1
            for length in lengths:
                key = text[start : start + length]
                if key in keys and key not in found:
                    found[key] = (start + length, -length)
        return sorted(found, key=found.__getitem__) if len(found) > 1 else list(found)

    def _find_agent(self, text: str) -> tuple[str, ...]:
        """find() of a user agent, remembered: a few browsers' strings come again and again (held in
        memory only, at most AGENTS_REMEMBERED of them)."""
        found = self._agents.get(text)
        if found is None:
            if len(self._agents) >= AGENTS_REMEMBERED:
                self._agents.clear()
            found = self._agents[text] = tuple(self.find(text))
        return found

    def _group(self, line: str) -> _Group:
        """A group's prefix length, the lengths of its keys up to two prefixes long, the lengths of
        the longer ones by their next PREFIX characters, and its keys; read on the group's first hit.
        Common prefixes ('the ', 'your') begin keys of dozens of lengths: looking up the next
        characters first tries only the few that can fit the text there."""
        keys = frozenset(line.split("\t")) - self._drop
        prefix = len(line[:PREFIX].split("\t", 1)[0])
        by_next: dict[str, set[int]] = {}
        for key in keys:
            if len(key) >= prefix + PREFIX:
                by_next.setdefault(key[prefix : prefix + PREFIX], set()).add(len(key))
        short = tuple(sorted({len(k) for k in keys if len(k) < prefix + PREFIX}))
        parsed = (prefix, short, {n: tuple(sorted(lengths)) for n, lengths in by_next.items()}, keys)
        self._groups[line] = parsed
        return parsed

    def find_in_fields(self, fields: dict[str, str], limit: int = 20) -> list[KeyMatch]:
        """Distinct (key, first field it occurs in), across fields in order; at most `limit`."""
        matches: dict[str, KeyMatch] = {}
        for field, text in fields.items():
            for key in self._find_agent(text) if field == "user agent" else self.find(text):
                if key not in matches:
                    matches[key] = KeyMatch(key, field)
                    if len(matches) >= limit:
                        return list(matches.values())
        return list(matches.values())


def key_groups(keys: Iterable[str]) -> list[str]:
    """Keys trimmed, lower-cased and grouped by their first PREFIX characters: one tab-joined line a
    group, sorted (what LIST_INDEX_PATH holds for the shipped list)."""
    groups: dict[str, list[str]] = {}
    for key in sorted({k.strip().lower() for k in keys} - {""}):
        groups.setdefault(key[:PREFIX], []).append(key)
    return ["\t".join(group) for group in groups.values()]


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


def write_list_index() -> None:
    """Rewrite LIST_INDEX_PATH from the shipped list (after blacklist.txt changed)."""
    LIST_INDEX_PATH.write_text("\n".join(key_groups(read_key_list(DEFAULT_LIST_PATH))) + "\n", encoding="utf-8")


@cache
def shipped_matcher() -> KeyMatcher:
    """The shipped community list (data/blacklist-index.txt) without the keys ordinary comments use
    (data/blacklist-ham.txt), loaded on first call (~10 ms), then cached."""
    try:
        ham = frozenset(key.strip().lower() for key in read_key_list(HAM_KEYS_PATH)) if HAM_KEYS_PATH.exists() else frozenset()
        return KeyMatcher(groups=LIST_INDEX_PATH.read_text(encoding="utf-8").split("\n"), drop=ham)
    except OSError:
        return KeyMatcher(())


_swapped_in: KeyMatcher | None = None  # an evaluation fold's list (use_default_matcher)


def default_matcher() -> KeyMatcher:
    """The list submissions are matched with: the shipped one, unless an evaluation swapped one in."""
    return _swapped_in if _swapped_in is not None else shipped_matcher()


def use_default_matcher(matcher: KeyMatcher | None) -> None:
    """Match with `matcher` instead of the shipped list (evaluation folds); None reloads the shipped one."""
    global _swapped_in
    _swapped_in = matcher
    if matcher is None:
        shipped_matcher.cache_clear()
