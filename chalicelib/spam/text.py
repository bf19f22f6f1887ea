"""Text helpers the spam rules share: visible text, links and their hosts, words.

Every pattern here does bounded work per start position (bounded repeats, or anchored to the start
of a run), so a hostile 65 KB comment costs linear time, never quadratic.
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from typing import Iterator

class Lazy:
    """A regular expression compiled on first use: a pattern that a cheap check (a literal, a
    character class scanned in C) usually shows is not needed costs a short-lived process nothing."""

    __slots__ = ("pattern", "flags", "_compiled")

    def __init__(self, pattern: str, flags: int = 0):
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern | None = None

    def compiled(self) -> re.Pattern:
        if self._compiled is None:
            from . import precompiled

            self._compiled = precompiled.compile(self.pattern, self.flags)
        return self._compiled

    def patterns(self) -> Iterator[tuple[str, int]]:
        """What it compiles (precompiled.py keeps their code)."""
        yield self.pattern, self.flags

    def search(self, text: str, pos: int = 0) -> re.Match | None:
        return self.compiled().search(text, pos)

    def match(self, text: str, pos: int = 0) -> re.Match | None:
        return self.compiled().match(text, pos)

    def finditer(self, text: str) -> Iterator[re.Match]:
        return self.compiled().finditer(text)

    def findall(self, text: str) -> list:
        return self.compiled().findall(text)

    def sub(self, repl: str, text: str) -> str:
        return self.compiled().sub(repl, text)


# Invisible characters spammers (and YouTube's export) sprinkle into text to split words.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_ANY_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")

_ANCHOR = re.compile(r"""<a\s[^<>]{0,2000}?href\s*=\s*["']?([^"'\s<>]{1,2000})[^<>]{0,2000}>""", re.I)
_TAG = re.compile(r"<[^<>]{0,2000}>")
_SCHEME_URL = Lazy(r"""(?:\bhttps?://|\bwww\.)[^\s<>"'\[\]]{1,2000}""", re.I)
# Bare domains ("example.com/page") and the spaced dodge ("kidsmediausa . com").
_TLDS = (
    "com|net|org|info|biz|ru|ly|co|io|me|tk|ml|ga|cf|gq|xyz|top|online|site|shop|club|store|"
    "us|uk|de|in|pl|ro|cn|br|fr|es|it|nl|su|ua|cc|tv|ws|pw|vip|win|loan|link|click"
)
_BARE_DOMAIN = Lazy(
    r"(?<![\w.@/-])(?:[a-z0-9-]{1,63}\.){1,4}(?:" + _TLDS + r")\b(?!\.\w)(?:/[^\s<>\"']{0,200})?", re.I
)
_SPACED_DOMAIN = Lazy(r"(?<![\w.-])([a-z0-9-]{2,63})\s{1,3}\.\s{1,3}(com|net|org)\b", re.I)
# What each link pattern cannot match without: most comments lack them, and these scan at C speed
# (a literal to look for) where the patterns above try every position.
_WWW = re.compile(r"[wW][wW][wW]\.")  # 'www.' in any case (re.I's 'w' is w or W): a class first scans in C
_DOT_TLD = re.compile(r"\.(?:" + _TLDS + r")\b", re.I)
_SPACED_DOT = re.compile(r"\s\.\s")
_TRAILING_PUNCT = ".,;:!?)]}'\"*"
_WORD = re.compile(r"\w+")

# Hosts that only forward to somewhere else: a visitor cannot see where a link goes.
SHORTENER_HOSTS = frozenset(
    """bit.ly bitly.com tinyurl.com goo.gl t.co ow.ly is.gd buff.ly adf.ly bit.do cutt.ly shorturl.at
    rebrand.ly tiny.cc lnkd.in rb.gy v.gd t.ly s.id soo.gd shorte.st bc.vc ouo.io qr.net tr.im x.co
    po.st mcaf.ee su.pr clck.ru u.to shrtco.de tiny.one tinyurl.one shrtm.nu linktr.ee j.mp db.tt
    fb.me wp.me short.io short.gy urlz.fr snip.ly bl.ink""".split()
)
VIDEO_HOSTS = frozenset({"youtube.com", "m.youtube.com", "youtu.be", "vimeo.com"})
# Hosts where anyone publishes a page or a script in a minute, used to bounce a visitor on to a scam
# (Google Apps Script web apps, Telegraph pages, Telegram and WhatsApp chats).
REDIRECTOR_HOSTS = frozenset(
    """script.google.com script.googleusercontent.com sites.google.com forms.gle telegra.ph graph.org
    teletype.in t.me wa.me""".split()
)
# A link whose query carries another, percent-encoded address ('?to=https%3A%2F%2F...'): an open
# redirect that shows one site and lands on another.
OPEN_REDIRECT = Lazy(r"[?&][\w.-]{1,40}=https?%3a%2f%2f", re.I)


def without_invisible(text: str) -> str:
    """NFKC-folded text without zero-width characters (fullwidth 'ｃｏｍ' becomes 'com')."""
    if text.isascii():  # the invisible characters are not ASCII, and NFKC keeps ASCII as it is
        return text
    if _ANY_INVISIBLE.search(text):  # a C scan: translate() looks every character up in a dict
        text = text.translate(_INVISIBLE)
    return unicodedata.normalize("NFKC", text)


def strip_tags(text: str) -> str:
    """Text without HTML tags, as WordPress's wp_strip_all_tags sees it (tags removed, text kept)."""
    return _TAG.sub("", text)


def visible_text(content: str) -> str:
    """What a reader would see: entities decoded, link targets kept in place of their tags."""
    text = html.unescape(without_invisible(content))
    if "<" not in text:  # no tag, so neither pattern can match
        return text
    text = _ANCHOR.sub(lambda m: f" {m.group(1)} ", text)
    return _TAG.sub(" ", text)


def find_links(text: str) -> list[str]:
    """Distinct links in visible text, in order: scheme/www URLs, bare domains, spaced domains."""
    found: dict[str, str] = {}
    spans: list[tuple[int, int]] = []
    if "://" in text or _WWW.search(text):
        for match in _SCHEME_URL.finditer(text):
            _add_link(found, match.group(0))
            spans.append(match.span())
    if _DOT_TLD.search(text):
        for match in _BARE_DOMAIN.finditer(text):
            if not _inside(match.start(), spans):
                _add_link(found, match.group(0))
    if _SPACED_DOT.search(text):
        for match in _SPACED_DOMAIN.finditer(text):
            _add_link(found, f"{match.group(1)}.{match.group(2)}")
    return list(found.values())


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _add_link(found: dict[str, str], raw: str) -> None:
    link = raw.rstrip(_TRAILING_PUNCT)
    key = link.lower().removeprefix("http://").removeprefix("https://").removeprefix("www.").rstrip("/")
    if key and key not in found:
        found[key] = link


def link_host(link: str) -> str:
    """Lower-case host of a link without 'www.' and port: 'https://www.Bit.ly:80/x' -> 'bit.ly'."""
    rest = link.lower().split("://", 1)[-1]
    for stop in "/?#\\":
        rest = rest.split(stop, 1)[0]
    host = rest.rsplit("@", 1)[-1].split(":", 1)[0].strip(".")
    return host.removeprefix("www.")


# Second-level labels under which a country code's registrable names sit ("example.co.uk").
_SECOND_LEVEL = frozenset("co com net org gov edu ac or ne go gob nic ltd plc sch".split())
# Hosts where each subdomain belongs to someone else (the Public Suffix List's private section).
SHARED_HOSTING = frozenset(
    """blogspot.com wordpress.com github.io gitlab.io netlify.app herokuapp.com wixsite.com weebly.com
    tumblr.com substack.com vercel.app pages.dev web.app firebaseapp.com appspot.com azurewebsites.net
    cloudfront.net s3.amazonaws.com medium.com livejournal.com over-blog.com jimdo.com webflow.io""".split()
)
_IP_HOST = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_HOST_LABEL = re.compile(r"[a-z0-9-]{1,63}")


def registrable_domain(host: str) -> str:
    """The name someone registered, roughly: 'blog.shop.example.co.uk' -> 'example.co.uk'.

    A small rule instead of the Public Suffix List (which would add a 200 KB file to every cold
    start): two labels, three under a country code's common second level. '' when host is no name.
    """
    host = host.strip().lower().rstrip(".").removeprefix("www.")
    if _IP_HOST.fullmatch(host):
        return host
    labels = host.split(".")
    if len(labels) < 2 or not all(_HOST_LABEL.fullmatch(label) for label in labels) or not labels[-1].isalpha():
        return ""
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    if len(labels) > keep and ".".join(labels[-keep:]) in SHARED_HOSTING:
        keep += 1
    return ".".join(labels[-keep:])


def link_domains(url: str, prepared: "Prepared", limit: int = 5) -> list[str]:
    """Distinct registrable domains of the author URL field, then of the content's links, in order."""
    hosts = [link_host(url[:2000])] if url.strip() else []
    hosts += prepared.hosts
    found = dict.fromkeys(d for d in (registrable_domain(h) for h in hosts) if d)
    return list(found)[:limit]


def host_matches(host: str, hosts: frozenset[str]) -> bool:
    """True when host or one of its parent domains is in hosts ('m.bit.ly' matches 'bit.ly')."""
    parts = host.split(".")
    return any(".".join(parts[i:]) in hosts for i in range(len(parts) - 1))


_ASCII_UPPER = bytes(range(ord("A"), ord("Z") + 1))
_ASCII_LOWER = bytes(range(ord("a"), ord("z") + 1))
_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")


def non_ascii(text: str) -> str:
    """Text's characters outside ASCII, in order ('' for ASCII text)."""
    return "" if text.isascii() else "".join(_NOT_ASCII.findall(text))


def case_counts(text: str) -> tuple[int, int]:
    """How many characters of text are upper case and how many lower case (str.isupper and
    str.islower of each): the ASCII part counted by bytes.translate, the rest one by one."""
    part = text.encode("ascii", "ignore")  # an ASCII character is upper (lower) case iff A-Z (a-z)
    upper, lower = len(part) - len(part.translate(None, _ASCII_UPPER)), len(part) - len(part.translate(None, _ASCII_LOWER))
    rest = non_ascii(text)
    return upper + sum(map(str.isupper, rest)), lower + sum(map(str.islower, rest))


def words(text: str) -> list[str]:
    """Lower-case word tokens (letters, digits, underscore; any script)."""
    return _WORD.findall(text.lower())


@dataclass(frozen=True)
class Prepared:
    """One comment's text, derived once per evaluation and shared by every rule."""

    content: str

    @cached_property
    def visible(self) -> str:
        return visible_text(self.content)

    @cached_property
    def links(self) -> list[str]:
        return find_links(self.visible)

    @cached_property
    def hosts(self) -> list[str]:
        return [host for host in (link_host(link) for link in self.links) if host]
