"""The kept code of the spam rules' lazily compiled patterns (chalicelib/spam/precompiled.py): current,
complete, and giving the very pattern objects re.compile gives."""
from __future__ import annotations

import marshal
import re


from chalicelib.spam import precompiled

STALE = "data/regex-code.marshal is stale: run `make regex-cache` (scripts/regex_cache.py) and commit it"


def test_the_kept_code_is_this_interpreters_and_holds_exactly_the_lazily_compiled_patterns():
    header, entries, gates = marshal.loads(precompiled.CACHE_PATH.read_bytes())
    assert header == precompiled._header(), STALE
    assert set(entries) == {(pattern, int(flags)) for pattern, flags in precompiled.lazy_patterns()}, STALE
    # each gate's patterns are what its branches make now (a change to how they are made shows here)
    assert gates == precompiled.lazy_gates() and gates, STALE


def test_each_kept_pattern_is_the_pattern_re_compiles():
    kept = precompiled._kept()
    assert kept, STALE
    for pattern, flags in kept:
        made = precompiled.compile(pattern, flags)
        assert made == re.compile(pattern, flags), pattern[:80]  # same pattern, flags and code
        assert (made.groups, made.groupindex) == (re.compile(pattern, flags).groups, re.compile(pattern, flags).groupindex)


COMMENTS = [
    "Thanks, the second step worked for me!",
    "Norton customer support phone number 1-888-555-0199 call now toll free helpline",
    "python training in chennai best institute https://training.example/chennai",
    "Great post! I love your blog, very informative. Visit my site https://pills.example",
    "check out my channel and subscribe to me, like this comment if you are watching in 2015",
    "buy cheap replica watches and payday loans at the best casino https://x.example/?ref=abcd",
    '<a rel="nofollow" href="http://x.example">x</a> [url=http://y.example]y[/url] bit.ly/3xYz pimpmyviews. com',
    "Hello I am from Palestine, wonderful song ❤❤❤ ПРИВЕТ 你好 مرحبا",
    "Your article is really amazing, I am regular visitor of your website, keep sharing this kind of posts",
]


CHILD = """
import json, re, sys
from chalicelib.spam import Submission, evaluate, precompiled
anew = []
precompiled.compile_anew = lambda pattern, flags=0: anew.append(pattern) or re.compile(pattern, flags)
for content in json.loads(sys.stdin.read()):
    verdict = evaluate(Submission(author="Kim", email="kim@example.org", url="https://kim.example/", content=content))
    assert verdict.reasons
print(json.dumps(anew))
"""


def test_the_verdicts_of_a_fresh_process_compile_no_pattern_anew():
    # A new interpreter, as a cold start is: every pattern a rule compiles on first use comes from the kept code.
    import json
    import subprocess
    import sys
    from pathlib import Path

    done = subprocess.run([sys.executable, "-c", CHILD], input=json.dumps(COMMENTS), cwd=Path(__file__).resolve().parents[2],
                          capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == [], STALE


def test_code_from_another_interpreter_is_not_used(monkeypatch):
    monkeypatch.setattr(precompiled, "_header", lambda: (1, "cpython", (3, 99), 0, 4))
    precompiled._file.cache_clear()
    try:
        assert precompiled._kept() == {}
        assert precompiled.compile(r"\bcheap\b", re.I) == re.compile(r"\bcheap\b", re.I)
    finally:
        precompiled._file.cache_clear()


def test_a_missing_or_damaged_file_compiles_as_re_does(monkeypatch, tmp_path):
    damaged = tmp_path / "regex-code.marshal"
    damaged.write_bytes(b"not marshal")
    for path in (damaged, tmp_path / "absent.marshal"):
        monkeypatch.setattr(precompiled, "CACHE_PATH", path)
        precompiled._file.cache_clear()
        assert precompiled._kept() == {}
        assert precompiled.compile("a+b") == re.compile("a+b")
    precompiled._file.cache_clear()
