"""`make i18n`: extract every reader-facing string into the catalogs' .po files, then compile them.

Usage: python scripts/i18n.py [extract|compile|all]   (all: both, what `make i18n` runs)

Two domains, both under chalicelib/locale/LANG/LC_MESSAGES/:
- replybox: Python (`_`, `gettext`, `ngettext`, `deferred`) and the Jinja2 templates (`_`, `ngettext`); compiled
  to replybox.mo, which chalicelib/i18n.py reads with the standard library's gettext.
- widget: widget.js and count.js (`t`, `tn`); compiled to chalicelib/web/static/widget-LANG.json, one small
  cacheable file per language that the scripts fetch when the page is not in English.
Also chalicelib/locale/dates.json: each language's CLDR long date pattern and month names (Babel's
data), so the runtime formats dates without Babel. Babel is a dev tool (requirements-dev.txt).
tests/unit/test_i18n.py fails when a compiled file differs from what its .po gives.
"""
from __future__ import annotations

import datetime
import io
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOCALE = os.path.join(ROOT, "chalicelib", "locale")
STATIC = os.path.join(ROOT, "chalicelib", "web", "static")
TRANSLATED = ("de", "ar")  # English is the source language: its text is the msgids
# For English dates the British pattern ("1 December 2026"), as the pages showed before catalogs.
CLDR_LOCALE = {"en": "en_GB", "de": "de", "ar": "ar"}
DOMAINS = {
    "replybox": {
        "method_map": [("chalicelib/**.py", "python"), ("chalicelib/web/templates/**.html", "jinja2.ext:babel_extract")],
        "keywords": {"_": None, "gettext": None, "ngettext": (1, 2), "deferred": None},
    },
    "widget": {
        "method_map": [("chalicelib/web/static/widget.js", "javascript"), ("chalicelib/web/static/count.js", "javascript")],
        "keywords": {"t": None, "tn": (1, 2)},
    },
}
FIXED_DATE = datetime.datetime(2026, 12, 1, tzinfo=datetime.timezone.utc)
HEADER = "Translations of replybox's reader-facing text (docs/i18n.md)."


def po_path(lang: str, domain: str) -> str:
    return os.path.join(LOCALE, lang, "LC_MESSAGES", f"{domain}.po")


def extracted(domain: str):
    """A template catalog of every message the sources carry now, without line numbers (no churn)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    spec = DOMAINS[domain]
    template = Catalog(project="replybox", header_comment=f"# {HEADER}", fuzzy=False)
    for filename, _lineno, message, comments, context in extract_from_dir(
        ROOT, method_map=spec["method_map"], keywords=spec["keywords"], comment_tags=("Translators:",),
        strip_comment_tags=True,
    ):
        template.add(message, None, [(filename, None)], auto_comments=comments, context=context)
    return template


def read_po(lang: str, domain: str):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po as babel_read_po

    path = po_path(lang, domain)
    if not os.path.exists(path):
        return Catalog(locale=lang, project="replybox", header_comment=f"# {HEADER}", fuzzy=False)
    with open(path, "rb") as fh:
        return babel_read_po(fh, locale=lang)


def po_bytes(catalog) -> bytes:
    from babel.messages.pofile import write_po

    out = io.BytesIO()
    write_po(out, catalog, width=110, include_lineno=False, omit_header=False, sort_output=True,
             ignore_obsolete=True)
    return out.getvalue()


def extract() -> None:
    """Bring each language's .po in line with the sources: new msgids come untranslated, gone ones leave."""
    for domain in DOMAINS:
        template = extracted(domain)
        for lang in TRANSLATED:
            catalog = read_po(lang, domain)
            catalog.update(template, update_header_comment=False, no_fuzzy_matching=True)
            catalog.creation_date = catalog.revision_date = FIXED_DATE  # no churn in the headers
            os.makedirs(os.path.dirname(po_path(lang, domain)), exist_ok=True)
            with open(po_path(lang, domain), "wb") as fh:
                fh.write(po_bytes(catalog))


def mo_bytes(lang: str) -> bytes:
    from babel.messages.mofile import write_mo

    out = io.BytesIO()
    write_mo(out, read_po(lang, "replybox"), use_fuzzy=False)
    return out.getvalue()


def plural_categories(lang: str) -> list[str]:
    """The CLDR plural category (what Intl.PluralRules answers) of each of the .po's plural forms."""
    import gettext

    from babel import Locale

    catalog = read_po(lang, "widget")
    form_of = gettext.c2py(catalog.plural_expr)
    rule = Locale.parse(lang).plural_form
    categories = ["other"] * catalog.num_plurals
    for n in range(0, 1000):
        categories[form_of(n)] = rule(n)
    return categories


def widget_json(lang: str) -> bytes:
    """{msgid: text} and, for a plural, {singular msgid: {CLDR category: text}}; untranslated ones left out."""
    catalog = read_po(lang, "widget")
    categories = plural_categories(lang)
    strings: dict[str, object] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if message.pluralizable:
            forms = {categories[i]: text for i, text in enumerate(message.string) if text}
            if forms:
                strings[message.id[0]] = forms
        elif message.string:
            strings[message.id] = message.string
    return (json.dumps(strings, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")


_FIELD = re.compile(r"('[^']*'|[A-Za-z]+|[^'A-Za-z]+)")


def _format_of(pattern: str) -> str:
    """A CLDR date pattern ("d. MMMM y") as the format string chalicelib/i18n.py fills ("{d}. {MMMM} {y}")."""
    out = []
    for token in _FIELD.findall(pattern):
        if token.startswith("'"):
            out.append(token[1:-1].replace("{", "{{").replace("}", "}}") or "'")
        elif token.isalpha():
            if token not in ("d", "dd", "MMMM", "y"):
                raise ValueError(f"date pattern field {token!r} of {pattern!r} is not one chalicelib/i18n.py fills")
            out.append("{" + token + "}")
        else:
            out.append(token.replace("{", "{{").replace("}", "}}"))
    return "".join(out)


def dates_json() -> bytes:
    from babel import Locale

    table = {}
    for lang, name in CLDR_LOCALE.items():
        cldr = Locale.parse(name)
        table[lang] = {
            "date": _format_of(cldr.date_formats["long"].pattern),
            "months": [cldr.months["format"]["wide"][m] for m in range(1, 13)],
        }
    return (json.dumps(table, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def compiled() -> dict[str, bytes]:
    """Every compiled file (path -> bytes) as the .po files and Babel's CLDR data make it."""
    files = {os.path.join(LOCALE, "dates.json"): dates_json()}
    for lang in TRANSLATED:
        files[os.path.join(LOCALE, lang, "LC_MESSAGES", "replybox.mo")] = mo_bytes(lang)
        files[os.path.join(STATIC, f"widget-{lang}.json")] = widget_json(lang)
    return files


def compile_all() -> None:
    for path, data in compiled().items():
        with open(path, "wb") as fh:
            fh.write(data)


def main(argv: list[str]) -> int:
    step = argv[0] if argv else "all"
    if step not in ("extract", "compile", "all"):
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    if step in ("extract", "all"):
        extract()
    if step in ("compile", "all"):
        compile_all()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
