"""Rendering a comment (chalicelib/render.py): the slowest 64 KiB texts, with the renderer as it is and as it
was before its spans stopped at the next delimiter (a `**` span could run across another `**`, and a
URL's unopened ")" were counted again for each one dropped), both measured in this run against one
reference: `html.escape` of the same text, the least any renderer does. Ratios only: the machine's
speed cancels out.

Run: .venv/bin/python bench/bench_render.py [--quick]
"""
from __future__ import annotations

import argparse
import html
import os
import re
import sys
import time
from contextlib import contextmanager
from typing import Callable, Iterator

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import common  # noqa: E402
from chalicelib import render  # noqa: E402
from chalicelib.models import MAX_CONTENT  # noqa: E402

# The renderer before (its two patterns of work), kept here only as this benchmark's baseline.
_BEFORE_EMPHASIS = re.compile(
    r"\*\*(?=\S)(?P<strong>[^\n]{1," + str(render.SPAN) + r"}?)(?<=\S)\*\*"
    r"|\*(?=[^\s*])(?P<star>[^*\n]{1," + str(render.SPAN) + r"}?)(?<=[^\s*])\*"
    r"|(?<![\w])_(?=[^\s_])(?P<under>[^_\n]{1," + str(render.SPAN) + r"}?)(?<=[^\s_])_(?![\w])"
)


def _before_link(found: str, keep: Callable[[str], str]) -> str:
    url = found.rstrip(render._TRAILING)
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1].rstrip(render._TRAILING)
    rest = found[len(url):]
    if not render._is_web_address(url):
        return found
    escaped = html.escape(url, quote=True)
    return keep(f'<a href="{escaped}" rel="{render.LINK_REL}">{escaped}</a>') + rest


def _before_inline(text: str) -> str:
    atoms: list[str] = []

    def keep(markup: str) -> str:
        atoms.append(markup)
        return f"{render._OPEN}{len(atoms) - 1}{render._CLOSE}"

    text = render._CODE_SPAN.sub(lambda m: keep("<code>" + html.escape(m.group(1)) + "</code>"), text)
    text = render._URL.sub(lambda m: _before_link(m.group(0), keep), text)
    text = render._emphasis(html.escape(text), 0)
    return render._PLACEHOLDER.sub(lambda m: atoms[int(m.group(1))], text)


@contextmanager
def renderer_before() -> Iterator[None]:
    saved = render._EMPHASIS, render._inline, render._starts_block
    render._EMPHASIS, render._inline = _BEFORE_EMPHASIS, _before_inline
    render._starts_block = lambda line, depth: bool(  # type: ignore[assignment]
        render._FENCE.match(line) or (render._QUOTE.match(line) and depth < render.MAX_QUOTE_DEPTH)
        or render._BULLET.match(line) or render._FIRST_NUMBER.match(line)
    )
    try:
        yield
    finally:
        render._EMPHASIS, render._inline, render._starts_block = saved


def texts(size: int) -> dict[str, str]:
    """Ordinary prose, then the texts that cost the renderer most per character (found by trying)."""
    def fill(unit: str) -> str:
        return (unit * (size // len(unit) + 1))[:size]

    return {
        "ordinary prose (paragraphs)": fill(common.CONTENT + "\n\n"),
        "`**a ` (a ** that never closes)": fill("**a "),
        "`**a **b **c ` (nested tries)": fill("**a **b **c "),
        "URLs ending in 1,990 `)`": fill("http://a.b/" + ")" * 1990 + " "),
        "`*a` (an emphasis every 2 chars)": fill("*a"),
        "`` `a `` (a code span every 2 chars)": fill("`a"),
        "`- a` lines (a list item every 4 chars)": fill("- a\n"),
        "`ok` lines (a line every 3 chars)": fill("ok\n"),
    }


def best_of(text: str, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        render.comment_html(text)
        best = min(best, time.perf_counter() - started)
    return best


def escape_time(text: str, runs: int) -> float:
    best = float("inf")
    for _ in range(runs * 20):  # far quicker than rendering: more runs for a steady floor
        started = time.perf_counter()
        html.escape(text)
        best = min(best, time.perf_counter() - started)
    return best


def measure(quick: bool = False) -> dict:
    size = 4096 if quick else MAX_CONTENT
    runs = 2 if quick else 5
    cases = texts(size)
    reference = escape_time(cases["ordinary prose (paragraphs)"], runs)
    now: dict[str, float] = {}
    before: dict[str, float] = {}
    for name, text in cases.items():
        for _ in range(runs):  # interleaved, so a shared machine's slow spell falls on both sides
            now[name] = min(now.get(name, float("inf")), best_of(text, 1) / reference)
            with renderer_before():
                before[name] = min(before.get(name, float("inf")), best_of(text, 1) / reference)
    return {"size": size, "now": now, "before": before}


def markdown(result: dict) -> str:
    now, before = result["now"], result["before"]
    lines = [
        f"Each text is {result['size']:,} characters (a comment's maximum); each time is the best of several",
        "runs, in units of `html.escape` of the prose text (measured in the same run).",
        "",
        "| text | before | now | before / now |",
        "|---|---:|---:|---:|",
    ]
    for name in now:
        lines.append(f"| {name} | {before[name]:,.0f} | {now[name]:,.0f} | {before[name] / now[name]:.1f}× |")
    worst_before, worst_now = max(before.values()), max(now.values())
    lines += ["", f"Slowest text: {worst_before:,.0f} before, {worst_now:,.0f} now ({worst_before / worst_now:.1f}× less); "
              f"slowest / prose: {worst_before / before['ordinary prose (paragraphs)']:.0f}× before, "
              f"{worst_now / now['ordinary prose (paragraphs)']:.0f}× now. Linear in the text now: what remains is "
              "one Python step per code span, emphasis or line."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 KiB texts, two runs each (the smoke test)")
    args = parser.parse_args(argv)
    result = measure(args.quick)
    print(markdown(result))
    now, before = result["now"], result["before"]
    print(f"slowest 64 KiB comment, before / now: {max(before.values()) / max(now.values()):.1f}x")
    common.emit({"slowest_before": max(before.values()), "slowest_now": max(now.values())})
    return 0


if __name__ == "__main__":
    sys.exit(main())
