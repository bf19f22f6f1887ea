"""Key lists: prefix-automaton matching gives WordPress's answers, and the big list loads lazily
from its shipped index, which must be current."""
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


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet="abcAB .-_é", min_size=0, max_size=9), max_size=12),
    st.text(alphabet="abcAB .-_éÉ", max_size=60),
)
def test_keys_come_in_order_of_where_they_end_longer_first(key_list, text):
    # The order decides which keys a verdict names and which the 10-key limit keeps.
    lowered = text.lower()

    def first_end(key: str) -> tuple[int, int]:
        return (lowered.index(key) + len(key), -len(key))

    assert KeyMatcher(key_list).find(text) == sorted(wordpress_finds(key_list, text), key=first_end)


def test_a_key_shorter_than_the_prefix_and_longer_keys_sharing_it_are_all_found():
    matcher = KeyMatcher(["ca", "casino", "CASINO royale", "cas"])
    assert matcher.find("Casino Royale tonight") == ["ca", "cas", "casino", "casino royale"]


def test_dropped_keys_never_match():
    matcher = KeyMatcher(groups=keys.key_groups(["great post", "great posts", "viagra"]), drop=frozenset({"great post"}))
    assert matcher.find("Great posts and viagra") == ["great posts", "viagra"]


def test_the_shipped_index_is_the_shipped_list_grouped():
    # A stale index would silently miss the keys added to blacklist.txt: keys.write_list_index() rewrites it.
    lines = keys.LIST_INDEX_PATH.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "" and lines[:-1] == keys.key_groups(keys.read_key_list(keys.DEFAULT_LIST_PATH))


def test_the_shipped_matcher_leaves_out_the_keys_ordinary_comments_use():
    ham = keys.read_key_list(keys.HAM_KEYS_PATH)
    assert ham and not [key for key in ham if key.strip().lower() in default_matcher().find(key)]
    assert default_matcher().find("Cheap Air tickets") == ["cheap air"]


def test_matches_say_which_field_first_held_the_key():
    fields = comment_fields("Casino Bob", "bob@example.org", "", "try the casino", "10.0.0.1", "UA")
    matches = KeyMatcher(["casino", "10.0.0."]).find_in_fields(fields)
    assert [(m.key, m.field) for m in matches] == [("casino", "author"), ("10.0.0.", "ip")]


def test_the_shipped_list_is_the_full_community_list_with_its_license():
    assert default_matcher().size > 60_000
    for data in (keys.DEFAULT_LIST_PATH.parent, keys.LIST_INDEX_PATH.parent):  # the list and the index
        assert "MIT License" in (data / "blacklist-LICENSE.txt").read_text(encoding="utf-8")


def test_importing_the_engine_builds_nothing():
    code = (
        "import chalicelib.spam as s, chalicelib.spam.keys as k, chalicelib.spam.classifier as c, sys;"
        "assert k.shipped_matcher.cache_info().currsize == 0 and c._read_shipped.cache_info().currsize == 0;"
        "assert 'numpy' not in sys.modules and 'sklearn' not in sys.modules;"
        "s.evaluate(s.Submission(content='hello'));"
        "assert k.shipped_matcher.cache_info().currsize == 1;"
        "assert 'numpy' not in sys.modules and 'sklearn' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=keys.LIST_INDEX_PATH.parents[3])


def test_a_user_agent_that_comes_again_gives_the_same_keys_and_few_are_remembered():
    matcher = KeyMatcher(["evilbot", "crawler"])
    fields = {"content": "hello", "user agent": "EvilBot/1.0 (+crawler)"}
    first = matcher.find_in_fields(fields)
    assert [(m.key, m.field) for m in first] == [("evilbot", "user agent"), ("crawler", "user agent")]
    assert matcher.find_in_fields(fields) == first
    for i in range(keys.AGENTS_REMEMBERED + 10):
        assert matcher.find_in_fields({"user agent": f"Agent/{i}"}) == []
    assert len(matcher._agents) <= keys.AGENTS_REMEMBERED
