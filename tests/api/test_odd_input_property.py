"""Property: whatever odd but valid value a JSON client or a form sends in any field, the comment is
stored (201 / 303) or refused with a 4xx that names a field, and a form's page gives back every
value typed (issue 13, item 6). Bounded to a few dozen examples per path, well under a minute."""
from __future__ import annotations

import json
from html.parser import HTMLParser
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

URL = "/sites/blog/comments"
ODD_TEXT = [
    "", " ", "0", "Zoë", "Zoe\u0308", "A\u200bda", "\u200b", "\ufeffAda", "Ada\u202eevil", "\u2066x\u2069",
    "زهرا\u200cرضایی", "👩\u200d💻", "Z̤̈ǒ", "\u3164", "x" * 300, "line\nbreak", "tab\there", "a\x00b",
    "https://bücher.de/straße", "http://user:pass@ada.example/", "ada.example", "javascript:alert(1)",
    "https://blog.example/café/?q=été", "https://blog.example/日本語/", "ada@bücher.de", "ADA@XN--BCHER-KVA.DE",
    "\"quotes\" & <tags>", "'single'", "%41%", "+plus+", "a=b&c=d",
]
text = st.one_of(st.sampled_from(ODD_TEXT), st.text(st.characters(codec="utf-8"), max_size=40))
json_value = st.one_of(text, st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                       st.lists(st.sampled_from(["a", "b"]), max_size=2), st.just({"$gt": ""}))
FIELDS = ["post_id", "parent_id", "author", "email", "url", "content", "post_url", "redirect_to", "hp"]
FORM_NAMES = {"post_id": "comment_post_ID", "parent_id": "comment_parent", "content": "comment", "hp": "ak_hp_textarea"}
NAMED = set(FIELDS) | {"body", "form_token"}
BASE = {"post_id": "hello-world", "author": "Ada", "email": "ada@example.com", "content": "A thought"}


class FormValues(HTMLParser):
    """name -> value of every input and textarea of the error page, as a browser would submit them."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self._textarea: str | None = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.values[attrs["name"]] = attrs.get("value") or ""
        if tag == "textarea":
            self._textarea = attrs.get("name")
            self.values[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def _unique(api_state, data: dict) -> dict:
    """A fresh IP, a later time and a text of its own: floods and duplicates are not what is tested."""
    api_state["n"] += 1
    api_state["clock"].advance(60)
    if isinstance(data.get("content"), str) and data["content"].strip():
        data["content"] += f" #{api_state['n']}"
    return data


def test_json_stores_or_names_the_field(api, app_service, clock):
    state = {"n": 0, "clock": clock}

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.dictionaries(st.sampled_from(FIELDS), json_value, min_size=1, max_size=3))
    def check(change):
        data = _unique(state, {**BASE, **change})
        response = api.post(URL, json_body=data, ip=f"10.0.{state['n'] // 250}.{state['n'] % 250}")
        if response.status_code == 201:
            if "hp" not in change:  # a filled honeypot is discarded unseen, by design
                assert app_service.get("blog", json.loads(response.body)["id"]).model_dump(mode="json")
            return
        assert 400 <= response.status_code < 500, (response.status_code, data)
        answer = json.loads(response.body)
        # A field is named; or the post/parent is unknown, or the same text came before (a number as text).
        assert set(answer.get("fields", {})) & NAMED or answer["error"] in ("not_found", "duplicate"), (data, answer)

    check()


def test_forms_store_or_name_the_field_and_give_everything_back(api, app_service, clock):
    state = {"n": 0, "clock": clock}

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.dictionaries(st.sampled_from(FIELDS), text, min_size=1, max_size=3),
           st.sampled_from(["utf-8", "windows-1252", None]))
    def check(change, charset):
        data = _unique(state, {**BASE, **change})
        form = {FORM_NAMES.get(k, k): v for k, v in data.items()}
        encoding = charset or "utf-8"
        try:
            raw = urlencode(form, encoding=encoding).encode("ascii")
        except UnicodeEncodeError:  # not representable in that charset: a browser would send UTF-8
            raw, charset = urlencode(form).encode("ascii"), "utf-8"
        content_type = "application/x-www-form-urlencoded" + (f"; charset={charset}" if charset else "")
        response = api.post(URL, raw=raw, headers={"content-type": content_type}, ip=f"10.1.{state['n'] // 250}.{state['n'] % 250}")
        if response.status_code == 303:
            location = response.headers["Location"]
            location.encode("ascii")
            if "hp" not in change:
                assert app_service.get("blog", location.rsplit("comment-", 1)[1]).model_dump(mode="json")
            return
        assert 400 <= response.status_code < 500, (response.status_code, data)
        page = response.body.decode("utf-8")
        assert "err-" in page or response.status_code in (404, 409), page[:500]  # a problem is listed, by field
        given_back = FormValues(page).values
        for field, value in data.items():
            if field == "hp" or not value:
                continue
            assert given_back.get(FORM_NAMES.get(field, field)) == value, (field, value, given_back)

    check()
