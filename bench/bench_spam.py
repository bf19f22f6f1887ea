"""Spam engine speed against WordPress's key-by-key loop, measured in the same run.

WordPress (`wp_check_comment_disallowed_list`) trims each key and runs
`preg_match('#' . preg_quote($key, '#') . '#i', $field)` over author, email, URL, content, content
without tags, IP and user agent, stopping at the first match. Emulated here with
`re.search(re.escape(key), field, re.I)`, as written (Python's regex cache holds 512 patterns, so with
62k keys each search compiles again, much like PHP's PCRE cache of 4096), and a kinder variant with
every pattern compiled once. Both run on a sample of the comments (the loop takes seconds per
comment); rates are per comment. Prints markdown. Run: .venv/bin/python bench/bench_spam.py
"""
from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chalicelib.spam import Submission, evaluate  # noqa: E402
from chalicelib.spam import classifier, keys  # noqa: E402

DATA = ROOT.parent / "shared" / "datasets" / "youtube-spam"
BLOG_DATA = ROOT.parent / "shared" / "datasets" / "blog-comments"
EMAIL, IP = "reader@example.org", "203.0.113.7"
USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
WP_SAMPLE = 8  # comments for the as-written loop (~6 s each)
WP_COMPILED_SAMPLE = 30


def load_comments() -> list[tuple[str, str]]:
    comments = []
    for path in sorted(DATA.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            comments += [(row["AUTHOR"], row["CONTENT"]) for row in csv.DictReader(handle)]
    return comments


def load_blog_submissions() -> list[Submission]:
    """Every shared blog comment with the fields a blog form sends (blog-length: ~25 words median)."""
    import json  # noqa: PLC0415

    rows = [json.loads(line) for path in sorted(BLOG_DATA.glob("*.jsonl")) for line in path.open(encoding="utf-8") if line.strip()]
    return [Submission(author=r["author"], email=r["email"] or EMAIL, url=r["url"], content=r["content"], ip=IP, user_agent=USER_AGENT)
            for r in rows]


def fields_of(author: str, content: str) -> dict[str, str]:
    return keys.comment_fields(author, EMAIL, "", content, IP, USER_AGENT)


def wordpress_loop(key_list: list[str], fields: dict[str, str]) -> str | None:
    for key in key_list:
        key = key.strip()
        if not key:
            continue
        for text in fields.values():
            if re.search(re.escape(key), text, re.I):
                return key
    return None


def wordpress_compiled(patterns: list[re.Pattern], fields: dict[str, str]) -> str | None:
    for pattern in patterns:
        for text in fields.values():
            if pattern.search(text):
                return pattern.pattern
    return None


def per_comment(func, items) -> float:
    started = time.perf_counter()
    for item in items:
        func(item)
    return (time.perf_counter() - started) / len(items)


def cold_load_in_subprocess(pycache: str) -> dict[str, float]:
    """Fresh interpreter: import, build the automaton, load the model, first verdict (a Lambda cold
    start). It reads compiled bytecode from `pycache`, as Lambda reads the .pyc files the package
    ships (scripts/package.py), so a longer source file costs no compiling here either."""
    code = """
import time, json
t0 = time.perf_counter()
import chalicelib.spam as spam
from chalicelib.spam import keys, classifier
t1 = time.perf_counter(); keys.default_matcher()
t2 = time.perf_counter(); classifier.shipped_model()
t3 = time.perf_counter(); spam.evaluate(spam.Submission(author="A", email="a@example.org", content="hello there"))
t4 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "automaton": t2 - t1, "model": t3 - t2, "first_verdict": t4 - t3}))
"""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = pycache
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, env=env).stdout
    import json

    return json.loads(out)


def main() -> int:
    comments = load_comments()
    key_list = keys.read_key_list(keys.DEFAULT_LIST_PATH)
    all_fields = [fields_of(a, c) for a, c in comments]
    step = max(len(comments) // WP_COMPILED_SAMPLE, 1)
    sample = all_fields[::step][:WP_COMPILED_SAMPLE]

    with tempfile.TemporaryDirectory() as pycache:
        cold_load_in_subprocess(pycache)  # writes the bytecode (and warms the page cache)
        colds = [cold_load_in_subprocess(pycache) for _ in range(5)]
    cold = {k: min(c[k] for c in colds) for k in colds[0]}

    matcher = keys.default_matcher()
    ours_all = per_comment(matcher.find_in_fields, all_fields)
    ours_sample = per_comment(matcher.find_in_fields, sample)
    submissions = [Submission(author=a, email=EMAIL, content=c, ip=IP, user_agent=USER_AGENT) for a, c in comments]
    engine = min(per_comment(evaluate, submissions) for _ in range(3))
    blog = load_blog_submissions()
    blog_engine = min(per_comment(evaluate, blog) for _ in range(3)) if blog else None

    started = time.perf_counter()
    compiled = [re.compile(re.escape(k.strip()), re.I) for k in key_list if k.strip()]
    compile_time = time.perf_counter() - started
    wp_compiled = per_comment(lambda f: wordpress_compiled(compiled, f), sample)
    wp_as_written = per_comment(lambda f: wordpress_loop(key_list, f), sample[:WP_SAMPLE])

    started = time.perf_counter()
    keys.KeyMatcher(key_list)
    build_whole = time.perf_counter() - started

    rate = lambda seconds: f"{1 / seconds:,.0f}"  # noqa: E731
    print(f"## Spam engine vs WordPress key loop ({len(key_list):,} keys, {len(comments):,} YouTube comments)\n")
    print("| what | comments/s | µs per comment | vs WordPress loop (as written) |")
    print("|---|---:|---:|---:|")
    rows = [
        (f"WordPress loop, `re.search(re.escape(key), field, re.I)` ({WP_SAMPLE} comments)", wp_as_written),
        (f"WordPress loop, patterns compiled once ({len(sample)} comments)", wp_compiled),
        (f"our key matching, prefix automaton, same {len(sample)} comments", ours_sample),
        (f"our key matching, all {len(comments):,} comments", ours_all),
        (f"whole engine `evaluate()` (all rules + classifier), all {len(comments):,}", engine),
    ]
    if blog_engine:
        rows.append((f"whole engine `evaluate()`, all {len(blog):,} blog comments (blog length, email + URL)", blog_engine))
    for name, seconds in rows:
        print(f"| {name} | {rate(seconds)} | {seconds * 1e6:,.1f} | {wp_as_written / seconds:,.0f}× |")
    print(f"\nKey matching speed-up: **{wp_as_written / ours_sample:,.0f}×** over the loop as written, "
          f"**{wp_compiled / ours_sample:,.0f}×** over the loop with precompiled patterns "
          f"(which first spends {compile_time:.2f} s compiling {len(compiled):,} patterns).\n")
    print("| cold start, fresh process reading bytecode (best of 5) | ms |")
    print("|---|---:|")
    print(f"| import chalicelib.spam | {cold['import'] * 1e3:.1f} |")
    print(f"| load the {matcher.size:,}-key prefix index data/blacklist-index.txt (first use) | {cold['automaton'] * 1e3:.1f} |")
    print(f"| load data/classifier.json ({classifier.MODEL_PATH.stat().st_size / 1024:.0f} KiB) (first use) | {cold['model'] * 1e3:.1f} |")
    print(f"| first verdict after both are loaded | {cold['first_verdict'] * 1e3:.1f} |")
    print(f"| for comparison: group and load the raw list spamtrain/data/blacklist.txt (warm process) | {build_whole * 1e3:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
