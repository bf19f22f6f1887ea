"""What a site's moderators teach: bounded learning keys per comment, and evidence from their counts.

A spam/ham decision adds 1 to the site's document count and to each key `learning_tokens` returns.
Keys are 13-bit buckets of a stable hash (crc32) written in hex ("1f3a"), so a site's whole table
has at most 8192 keys whatever it learns; a comment gives at most 64. Collisions only blur evidence.
Buckets also keep text out of storage: a key cannot be read back into a word or a domain.
"""
from __future__ import annotations

import math
import zlib
from typing import Any, Mapping

from .text import Prepared, link_host, words

BUCKETS = 8192
MAX_KEYS = 64

# Words every comment has: they say nothing about a campaign, and would let a site that marked
# only spam so far see spam everywhere.
STOPWORDS = frozenset(
    """a about after again all also am an and any are as at be because been before being but by can
    could did do does doing don down even ever every for from get got had has have he her here him his
    how i if in into is it its just let like me more most much my no not now of off on once one only
    or other our out over own really same she should so some such than that the their them then there
    these they this those through to too up us very was we were what when where which while who why will
    with would yes yet you your yours im dont its thats youre ive""".split()
)

# Per-key evidence: Robinson's smoothing toward "no idea" (0.5) with this strength, so a key seen
# in one marked comment counts for little and one seen in several counts for more.
_STRENGTH = 2.0
# Evidence is averaged over the comment's keys (at least this many), so a comment must mostly
# consist of taught material to move, and one shared word cannot.
_MIN_KEYS = 5


def bucket(feature: str) -> str:
    """Stable hex bucket of a feature string (zlib.crc32: the same on every process and Python)."""
    return format(zlib.crc32(feature.encode("utf-8", "surrogatepass")) % BUCKETS, "x")


def learning_features(author: str, email: str, url: str, prepared: Prepared) -> list[str]:
    """Readable features before hashing, most telling first: link hosts, author words, email domain,
    site URL host, then content words (stop words and numbers left out)."""
    feats = [f"h:{host}" for host in prepared.hosts]
    feats += [f"a:{w}" for w in words(author[:200])]
    domain = email.rpartition("@")[2].strip().lower()
    if domain:
        feats.append(f"e:{domain[:100]}")
    site_host = link_host(url[:300]) if url.strip() else ""
    if site_host:
        feats.append(f"h:{site_host}")
    if len(prepared.links) >= 2:
        feats.append("n:links")
    feats += [f"w:{w}" for w in words(prepared.visible[:20000]) if 2 <= len(w) <= 30 and w not in STOPWORDS and not w.isdigit()]
    return feats


def learning_keys(author: str, email: str, url: str, prepared: Prepared) -> list[str]:
    """At most MAX_KEYS distinct bucket keys for one comment, most telling features first."""
    keys: dict[str, None] = {}
    for feature in learning_features(author, email, url, prepared):
        keys[bucket(feature)] = None
        if len(keys) >= MAX_KEYS:
            break
    return list(keys)


def learned_log_odds(
    keys: list[str], spam_docs: int, ham_docs: int, counts: Mapping[str, tuple[int, int]]
) -> tuple[float, int]:
    """Mean per-key log-odds of spam from the site's counts, and how many keys it had seen.

    Positive means the comment is made of what moderators marked spam, negative of what they marked ham.
    """
    spam_docs, ham_docs = max(_as_int(spam_docs), 0), max(_as_int(ham_docs), 0)
    if not keys or spam_docs + ham_docs == 0:
        return 0.0, 0
    total, known = 0.0, 0
    for key in keys:
        spam, ham = _pair(counts.get(key))
        spam, ham = min(spam, spam_docs), min(ham, ham_docs)
        if spam + ham == 0:
            continue
        known += 1
        spam_rate = spam / spam_docs if spam_docs else 0.0
        ham_rate = ham / ham_docs if ham_docs else 0.0
        p = spam_rate / (spam_rate + ham_rate)
        n = spam + ham
        f = (_STRENGTH * 0.5 + n * p) / (_STRENGTH + n)
        total += math.log(f / (1.0 - f))
    return total / max(len(keys), _MIN_KEYS), known


def _pair(value: Any) -> tuple[int, int]:
    """A stored (spam, ham) count pair, tolerating what a database hands back (Decimal, list, junk)."""
    try:
        spam, ham = value
        return max(_as_int(spam), 0), max(_as_int(ham), 0)
    except (TypeError, ValueError):
        return 0, 0


def _as_int(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return 0
    return number
