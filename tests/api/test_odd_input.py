"""Odd but valid input never loses a comment: it is stored, or refused with the field named and
everything typed given back (issue 13, item 6)."""
from __future__ import annotations

import json
from html import escape
from urllib.parse import quote, urlencode, urlsplit

import pytest

URL = "/sites/blog/comments"
GOOD = {"post_id": "hello-world", "author": "Ada", "email": "ada@example.com", "content": "Lovely post."}
FORM = {"comment_post_ID": "42", "author": "Grace", "email": "grace@example.org", "comment": "Thanks, it helped."}


def body(response):
    return json.loads(response.body)


def stored(app_service, response):
    if response.status_code == 303:
        return app_service.get("blog", response.headers["Location"].rsplit("comment-", 1)[1]).model_dump(mode="json")
    assert response.status_code == 201, response.body[:300]
    return app_service.get("blog", body(response)["id"]).model_dump(mode="json")


# ---- JSON types where text belongs -------------------------------------------------------------------------
@pytest.mark.parametrize("hp", [None, False, 0, "", "  "])
def test_an_empty_honeypot_in_any_json_type_is_empty(api, app_service, hp):
    response = api.post(URL, json_body={**GOOD, "hp": hp})
    assert stored(app_service, response)["content"] == "Lovely post."


@pytest.mark.parametrize("value, expected", [(42, "42"), (0, None), (1.5, "1.5")])
def test_numbers_are_text_where_text_belongs(api, app_service, value, expected):
    response = api.post(URL, json_body={**GOOD, "post_id": value} if expected else {**GOOD, "parent_id": value})
    comment = stored(app_service, response)
    assert (comment["post_id"] == expected) if expected else comment["parent_id"] is None


# ---- IRIs in redirect targets ---------------------------------------------------------------------------
def ascii_only(location):
    location.encode("ascii")
    assert " " not in location and "\n" not in location
    return location


@pytest.fixture
def idn_site(app_service):
    site = app_service.site("blog")
    app_service.store.put_site(site.model_copy(update={"origins": [*site.origins, "https://xn--bcher-kva.de"]}))
    app_service._sites.clear()


@pytest.mark.parametrize("field", ["redirect_to", "post_url", "referer"])
@pytest.mark.parametrize(
    "target, path",
    [
        ("https://blog.example/2024/café-crème/?q=été", "/2024/caf%C3%A9-cr%C3%A8me/"),
        ("https://blog.example/日本語/", "/%E6%97%A5%E6%9C%AC%E8%AA%9E/"),
        ("https://bücher.de/straße", "/stra%C3%9Fe"),
        ("https://xn--bcher-kva.de/a b", "/a%20b"),
        ("https://blog.example/already%20encoded/", "/already%20encoded/"),
    ],
)
def test_an_iri_target_is_followed_with_an_ascii_location(api, app_service, idn_site, field, target, path):
    form = dict(FORM)
    headers = {}
    if field == "referer":
        headers["referer"] = target.encode("utf-8").decode("latin-1")  # how a server sees raw UTF-8 in a header
    else:
        form[field] = target
    response = api.post(URL, form=form, headers=headers)
    assert response.status_code == 303
    location = ascii_only(response.headers["Location"])
    parts = urlsplit(location)
    assert parts.path == path, location
    assert parts.hostname in ("blog.example", "xn--bcher-kva.de")


# ---- forms from legacy-charset pages --------------------------------------------------------------------
@pytest.mark.parametrize("charset", ["windows-1252", "ISO-8859-1", "iso-8859-15"])
def test_a_form_in_a_declared_legacy_charset_is_read_in_it(api, app_service, charset):
    raw = urlencode({**FORM, "author": "José Müller", "comment": "Très bien, merci."}, encoding=charset)
    response = api.post(URL, raw=raw.encode(), headers={"content-type": f"application/x-www-form-urlencoded; charset={charset}"})
    comment = stored(app_service, response)
    assert (comment["author"], comment["content"]) == ("José Müller", "Très bien, merci.")


def test_windows_1252_punctuation_is_read(api, app_service):
    raw = "comment_post_ID=1&author=Ann&email=ann%40example.com&comment=%93quoted%94+%80+%85"
    response = api.post(URL, raw=raw.encode(), headers={"content-type": "application/x-www-form-urlencoded; charset=windows-1252"})
    assert stored(app_service, response)["content"] == "\u201cquoted\u201d \u20ac \u2026"


@pytest.mark.parametrize("raw", [
    b"comment_post_ID=1&author=Jos%E9&email=jose%40example.com&comment=Tr%E8s+bien",  # Latin-1, undeclared
    b"comment_post_ID=1&author=Jos\xe9&email=jose%40example.com&comment=Tr\xe8s bien",  # raw bytes
])
def test_an_undeclared_non_utf8_form_is_refused_naming_the_body_and_given_back(api, app_service, raw):
    response = api.post(URL, raw=raw, headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400
    page = response.body.decode()
    assert "Form" in page and "UTF-8" in page
    assert 'value="Jos\ufffd"' in page and "Tr\ufffds bien</textarea>" in page and 'value="jose@example.com"' in page


def test_an_unknown_charset_is_refused_naming_it(api):
    response = api.post(URL, raw=urlencode(FORM).encode(), headers={"content-type": "application/x-www-form-urlencoded; charset=x-klingon"})
    assert response.status_code in (400, 415) and "x-klingon" in response.body.decode()
    assert 'value="Grace"' in response.body.decode()


# ---- too many fields ----------------------------------------------------------------------------------------
def test_a_form_with_too_many_fields_is_refused_and_gives_back_the_known_ones(api, app_service):
    extra = "&".join(f"x{i}=1" for i in range(2000))
    response = api.post(URL, form=urlencode(FORM) + "&" + extra)
    assert response.status_code in (400, 413)
    page = response.body.decode()
    assert 'value="Grace"' in page and "Thanks, it helped.</textarea>" in page and "fields" in page
    assert app_service.queue("blog", "pending").model_dump(mode="json")["comments"] == []


# ---- invisible and control-like characters ------------------------------------------------------------------
@pytest.mark.parametrize("author", ["\u200b", "\u200b\u200c\u2060", "\ufeff ", "\u3164", "\u202e"])
def test_an_author_made_of_invisible_characters_is_required(api, author):
    response = api.post(URL, json_body={**GOOD, "author": author})
    assert response.status_code == 422 and "author" in body(response)["fields"]


@pytest.mark.parametrize("author", ["Ada\u202eevil", "\u202dAda", "Ada\u2067x\u2069", "A\u202ada\u202c"])
def test_bidi_embedding_and_override_controls_in_the_name_are_refused_by_name(api, author):
    response = api.post(URL, json_body={**GOOD, "author": author})
    assert response.status_code == 422 and "bidirectional" in body(response)["fields"]["author"]


@pytest.mark.parametrize("author", ["زهرا\u200cرضایی", "👩\u200d💻 Ada", "Zoë", "Zoe\u0308", "נוּר\u200f", "Z̤̈ǒ"])
def test_joiners_marks_and_combining_characters_are_kept(api, app_service, author):
    response = api.post(URL, json_body={**GOOD, "author": author})
    assert stored(app_service, response)["author"] == author


def test_content_keeps_its_bidi_text_and_invisible_only_content_is_required(api, app_service):
    text = "English then \u202bعربي\u202c and \u2067עברית\u2069 done"
    assert stored(app_service, api.post(URL, json_body={**GOOD, "content": text}))["content"] == text
    blank = api.post(URL, json_body={**GOOD, "content": "\u200b\n\u2060"}, ip="198.51.100.3")
    assert blank.status_code == 422 and "content" in body(blank)["fields"]


# ---- user-info in URLs ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["http://user:pass@ada.example/", "https://ada.example@evil.example/", "user@ada.example",
                                 "https://:@ada.example/", "http://ada.example%40evil.example@x.example/"])
def test_a_website_with_user_info_is_refused_by_name(api, url):
    response = api.post(URL, json_body={**GOOD, "url": url})
    assert response.status_code == 422 and "user name" in body(response)["fields"]["url"]
    page = api.post(URL, form={**FORM, "url": url}, ip="198.51.100.4")
    assert page.status_code == 422 and f'value="{escape(url, quote=True)}"' in page.body.decode()


def test_a_non_ascii_website_is_stored_as_typed(api, app_service):
    assert stored(app_service, api.post(URL, json_body={**GOOD, "url": "https://bücher.de/straße"}))["url"] == "https://bücher.de/straße"


def test_every_typed_value_comes_back_on_a_refusal(api):
    typed = {**FORM, "url": "ftp://x", "redirect_to": "https://blog.example/p/", "post_url": "https://blog.example/p/"}
    page = api.post(URL, form=typed).body.decode()
    for value in typed.values():
        assert escape(value, quote=True) in page, value


def _unused(*_):  # keep imports used when a test is trimmed
    return quote


def test_a_form_without_a_comment_field_is_not_refilled_with_none(api):
    page = api.post(URL, form={"comment_post_ID": "42", "author": "Grace", "email": "grace@example.org"}).body.decode()
    assert ">None</textarea>" not in page and 'value="Grace"' in page
