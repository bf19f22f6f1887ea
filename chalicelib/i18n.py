"""Readers' languages: the compiled message catalogs (chalicelib/locale, read with the standard library's
gettext), text direction, and dates written the language's way.

English is the source language: a msgid is the English text, so English needs no catalog and any
language without one (or any msgid a catalog lacks) falls back to English. The catalogs are made by
`make i18n` (scripts/i18n.py, Babel: a dev tool, not deployed); docs/i18n.md says how to add a language.
"""
from __future__ import annotations

import gettext as _gettext
import json
import os
import re
from datetime import datetime
from functools import cache
from typing import Any

LOCALE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "locale")
DOMAIN = "replybox"
DEFAULT = "en"
LANGUAGES = ("en", "de", "ar")
RIGHT_TO_LEFT = frozenset({"ar"})
_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")


def language(tag: Any) -> str:
    """The shipped language a tag names ("de", "de-AT", "ar_EG"), else English."""
    match = _TAG.match(tag.strip()) if isinstance(tag, str) else None
    code = match.group(1).lower() if match else ""
    return code if code in LANGUAGES else DEFAULT


def direction(lang: str) -> str:
    return "rtl" if lang in RIGHT_TO_LEFT else "ltr"


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The language's compiled catalog; English (and anything unknown) answers with the msgids."""
    return _gettext.translation(DOMAIN, LOCALE_DIR, [language(lang)], fallback=True)


class Deferred(str):
    """English text now, translated when the reader's language is known (validation messages are made
    before anyone knows which site's language applies). It is a str, so every path that only logs or
    joins it keeps working; `str()` keeps it a Deferred, so it survives an exception's message."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, params: dict[str, Any]) -> "Deferred":
        text = super().__new__(cls, msgid.format(**params))
        text.msgid, text.params = msgid, params
        return text

    def __str__(self) -> str:
        return self

    def __reduce__(self) -> tuple:
        return (Deferred, (self.msgid, self.params))


def deferred(msgid: str, **params: Any) -> Deferred:
    """Mark a message for the catalog (scripts/i18n.py extracts `deferred("...")`), translated later."""
    return Deferred(msgid, params)


def translate(text: Any, lang: str) -> Any:
    """A Deferred in the language; anything else as it is."""
    if not isinstance(text, Deferred):
        return text
    return translations(lang).gettext(text.msgid).format(**text.params)


def translate_answer(body: dict, lang: str) -> dict:
    """An error answer with its human `message` and field messages in the language; codes untouched."""
    body = dict(body)
    if "message" in body:
        body["message"] = translate(body["message"], lang)
    if isinstance(body.get("fields"), dict):
        body["fields"] = {name: translate(message, lang) for name, message in body["fields"].items()}
    return body


@cache
def _dates() -> dict[str, dict]:
    """Per language: the CLDR date pattern as a format string and the month names (scripts/i18n.py)."""
    with open(os.path.join(LOCALE_DIR, "dates.json"), encoding="utf-8") as fh:
        return json.load(fh)


def format_time(iso: str, lang: str) -> str:
    """"1 December 2026 at 19:45 UTC", "1. Dezember 2026 um 19:45 UTC": a stored UTC time as a reader
    without JavaScript sees it (the widget rewrites it in the reader's zone with Intl.DateTimeFormat)."""
    try:
        moment = datetime.strptime(iso[:19], "%Y-%m-%dT%H:%M:%S")
    except (TypeError, ValueError):
        return str(iso)
    lang = language(lang)
    dates = _dates().get(lang) or _dates()[DEFAULT]
    day = dates["date"].format(d=moment.day, dd=f"{moment.day:02d}", MMMM=dates["months"][moment.month - 1], y=moment.year)
    _ = translations(lang).gettext
    # Translators: a comment's date and time without JavaScript, e.g. "1 December 2026 at 19:45 UTC".
    return _("{date} at {time} UTC").format(date=day, time=f"{moment:%H:%M}")
