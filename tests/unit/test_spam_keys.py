"""Key lists: Aho-Corasick matching gives WordPress's answers, and the big list loads lazily."""
from __future__ import annotations

import re
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.spam import keys
from chalicelib.spam.keys import KeyMatcher, comment_fields, default_matcher


def wordpress_finds(key_list: list[str], text: str) -> set[str]:
    """WordPress's loop: trim each key, skip empty ones, preg_match(preg_quote(key), field, 'i')."""
    found = set()
    for key in key_list:
        key = key.strip()
        if key and re.search(re.escape(key), text, re.I):
            found.add(key.lower())
    return found


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet="abcAB .-_é", min_size=0, max_size=5), max_size=8),
    st.text(alphabet="abcAB .-_éÉ", max_size=60),
)
def test_matcher_agrees_with_the_wordpress_regex_loop(key_list, text):
    assert set(KeyMatcher(key_list).find(text)) == wordpress_finds(key_list, text)


def test_matches_say_which_field_first_held_the_key():
    fields = comment_fields("Casino Bob", "bob@example.org", "", "try the casino", "10.0.0.1", "UA")
    matches = KeyMatcher(["casino", "10.0.0."]).find_in_fields(fields)
    assert [(m.key, m.field) for m in matches] == [("casino", "author"), ("10.0.0.", "ip")]


def test_the_shipped_list_is_the_full_community_list_with_its_license():
    assert default_matcher().size > 60_000
    data = keys.DEFAULT_LIST_PATH.parent
    assert "MIT License" in (data / "blacklist-LICENSE.txt").read_text(encoding="utf-8")


def test_importing_the_engine_builds_nothing():
    code = (
        "import chalicelib.spam as s, chalicelib.spam.keys as k, chalicelib.spam.classifier as c, sys;"
        "assert k._default is None and c._model is None;"
        "assert 'numpy' not in sys.modules and 'sklearn' not in sys.modules;"
        "s.evaluate(s.Submission(content='hello'));"
        "assert k._default is not None;"
        "assert 'numpy' not in sys.modules and 'sklearn' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=keys.DEFAULT_LIST_PATH.parents[3])
