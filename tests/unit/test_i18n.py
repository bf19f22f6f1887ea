"""The message catalogs: in step with the sources and with their compiled files, and the runtime's fallbacks."""
from __future__ import annotations

import json
import os
import re
import sys

import pytest

from chalicelib import i18n

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from scripts import i18n as catalogs  # noqa: E402


def test_compiled_catalogs_are_what_the_po_files_make():
    stale = []
    for path, data in catalogs.compiled().items():
        if not os.path.exists(path):
            stale.append(f"{os.path.relpath(path, ROOT)} is missing")
            continue
        with open(path, "rb") as fh:
            if fh.read() != data:
                stale.append(f"{os.path.relpath(path, ROOT)} differs from its .po")
    assert not stale, "run `make i18n`: " + "; ".join(stale)


@pytest.mark.parametrize("domain", sorted(catalogs.DOMAINS))
@pytest.mark.parametrize("lang", catalogs.TRANSLATED)
def test_every_string_in_the_sources_is_in_the_catalogs(domain, lang):
    in_sources = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogs.extracted(domain) if m.id}
    in_po = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogs.read_po(lang, domain) if m.id}
    assert in_sources - in_po == set(), "new strings: run `make i18n` and translate them"
    assert in_po - in_sources == set(), "strings the sources no longer have: run `make i18n`"


def test_the_scripts_know_the_same_languages_as_the_server():
    for name in ("widget.js", "count.js"):
        with open(os.path.join(ROOT, "chalicelib", "web", "static", name), encoding="utf-8") as fh:
            script = fh.read()
        listed = re.search(r"const LANGUAGES = (\[.*?\]);", script)
        assert listed and json.loads(listed.group(1)) == list(i18n.LANGUAGES), name
    with open(os.path.join(ROOT, "chalicelib", "web", "static", "widget.js"), encoding="utf-8") as fh:
        rtl = re.search(r"const RIGHT_TO_LEFT = (\[.*?\]);", fh.read())
    assert rtl and set(json.loads(rtl.group(1))) == set(i18n.RIGHT_TO_LEFT)


def test_a_site_can_only_be_set_to_a_shipped_language():
    from typing import get_args

    from chalicelib.models import Site

    assert get_args(Site.model_fields["lang"].annotation) == i18n.LANGUAGES


@pytest.mark.parametrize("tag, lang", [("de", "de"), ("de-AT", "de"), ("AR_eg", "ar"), ("en-GB", "en"),
                                       ("fr", "en"), ("", "en"), (None, "en"), ("x-klingon", "en"), ("de;q=1", "en")])
def test_a_tag_names_a_shipped_language_or_english(tag, lang):
    assert i18n.language(tag) == lang


def test_an_unknown_language_reads_english():
    assert i18n.translations("fr").gettext("Post Comment") == "Post Comment"
    assert i18n.direction("fr") == "ltr" and i18n.direction("ar") == "rtl"


def test_a_deferred_message_is_english_text_until_translated_and_survives_an_exception():
    from chalicelib import errors

    message = i18n.deferred("must be at most {limit} characters", limit=245)
    assert message == "must be at most 245 characters"
    carried = str(errors.ClosedError(message))
    assert isinstance(carried, i18n.Deferred) and carried.params == {"limit": 245}
    assert json.dumps({"m": carried}) == '{"m": "must be at most 245 characters"}'
    assert i18n.translate(carried, "en") == "must be at most 245 characters"
    assert i18n.translate("plain text", "de") == "plain text"


def test_english_dates_read_as_before():
    assert i18n.format_time("2026-12-01T19:45:07.123Z", "en") == "1 December 2026 at 19:45 UTC"
    assert i18n.format_time("not a time", "en") == "not a time"


PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
# English detail from a library (email-validator's reason): a translation may leave it out, as Arabic does
# (an English sentence inside right-to-left text reads badly).
MAY_DROP = {"{reason}"}


@pytest.mark.parametrize("domain", sorted(catalogs.DOMAINS))
@pytest.mark.parametrize("lang", catalogs.TRANSLATED)
def test_every_message_is_translated_and_keeps_its_placeholders(domain, lang):
    problems = []
    for message in catalogs.read_po(lang, domain):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        if message.fuzzy or not all(texts):
            problems.append(f"untranslated: {ids[0]!r}")
        elif len(ids) == 1 and not wanted - MAY_DROP <= set(PLACEHOLDER.findall(texts[0])) <= wanted:
            problems.append(f"placeholders of {ids[0]!r} differ: {texts[0]!r}")
        elif any(not set(PLACEHOLDER.findall(text)) <= wanted for text in texts):
            # a plural form may leave the number out ("تعليق واحد", one comment), never add another
            problems.append(f"a plural form of {ids[0]!r} has an unknown placeholder")
    assert not problems, "\n".join(problems)
