"""`make bench`: run every benchmark, print the summary table and write build/BENCHMARKS.md.

Each benchmark runs in its own process with its own DynamoDB Local (in memory) and prints markdown
plus one RESULT line; every number is a ratio against a baseline measured in the same run.
`--quick` runs each with minimal sizes (a smoke run: the numbers mean nothing).
Run: .venv/bin/python bench/run.py [--quick] [--out build/BENCHMARKS.md]  (`make bench-docs`: the committed copy)
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import common  # noqa: E402

BENCH = os.path.join(common.ROOT, "bench")
SOAK = os.path.join(BENCH, "results", "soak.md")

FULL = {
    "coldstart": ["--runs", "15"],
    "warm": ["--rounds", "300"],
    "scale": ["--small", "1000", "--large", "100000", "--rounds", "150"],
    "size": [],
    "render": [],
}
QUICK = {
    "coldstart": ["--runs", "1"],
    "warm": ["--rounds", "2"],
    "scale": ["--small", "60", "--large", "120", "--rounds", "2"],
    "size": [],
    "render": ["--quick"],
}

# Prices, us-east-1, on-demand, as published by AWS (re-check before quoting: they change).
PRICES = {
    "as_of": "as published in November 2024 (AWS pricing pages; re-check)",
    "lambda_gb_second": 0.0000166667,  # x86
    "lambda_request": 0.20 / 1e6,
    "api_gateway_rest_request": 3.50 / 1e6,  # first 333 million a month
    "api_gateway_http_request": 1.00 / 1e6,  # HTTP API, first 300 million a month
    "cloudfront_request": 0.0100 / 1e4,  # HTTPS, United States and Europe
    "dynamodb_wru": 0.625 / 1e6,  # on-demand, after the 1 Nov 2024 cut
    "dynamodb_rru": 0.125 / 1e6,
    "dynamodb_gb_month": 0.25,
    "logs_gb": 0.50,  # CloudWatch Logs ingestion
}
COMMENTS = 1_000_000
COMMENTS_PER_POST = 10  # -> 100,000 posts
READS_PER_PAGE = 100
FULL_CPU_MB = 1769  # Lambda gives one full vCPU at 1,769 MB, proportionally less below


def run_bench(name: str, args: list[str], timeout: int) -> tuple[str, dict | None, float]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, os.path.join(BENCH, f"bench_{name}.py"), *args],
        cwd=common.ROOT, capture_output=True, text=True, timeout=timeout,
    )
    seconds = time.perf_counter() - started
    if done.returncode:
        return f"`bench_{name}.py` failed (exit {done.returncode}):\n\n```\n{done.stderr[-3000:]}\n```\n", None, seconds
    text = "\n".join(line for line in done.stdout.splitlines() if not line.startswith("RESULT "))
    return text.strip() + "\n", common.parse_result(done.stdout), seconds


def run_spam(timeout: int) -> tuple[str, float]:
    """bench/bench_spam.py (another engineer's) if it exists: its markdown, as it printed it."""
    path = os.path.join(BENCH, "bench_spam.py")
    if not os.path.exists(path):
        return "_bench/bench_spam.py is not in this tree yet._\n", 0.0
    started = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, path], cwd=common.ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"_bench_spam.py did not finish within {timeout} s._\n", time.perf_counter() - started
    seconds = time.perf_counter() - started
    if done.returncode:
        return f"`bench_spam.py` failed (exit {done.returncode}):\n\n```\n{done.stderr[-3000:]}\n```\n", seconds
    return done.stdout.strip() + "\n", seconds


def run_hotkeys(quick: bool, timeout: int) -> tuple[str, dict | None, float]:
    """bench/hotkeys.py: the load on each key at a viral post (its own DynamoDB Local)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, os.path.join(BENCH, "hotkeys.py"), *(["--quick"] if quick else [])],
        cwd=common.ROOT, capture_output=True, text=True, timeout=timeout,
    )
    seconds = time.perf_counter() - started
    if done.returncode:
        return f"`hotkeys.py` failed (exit {done.returncode}):\n\n```\n{done.stderr[-3000:]}\n```\n", None, seconds
    text = "\n".join(line for line in done.stdout.splitlines() if not line.startswith("RESULT "))
    return text.strip() + "\n", common.parse_result(done.stdout), seconds


def lambda_memory_mb() -> int:
    try:
        with open(os.path.join(common.ROOT, ".chalice", "config.json")) as fh:
            config = json.load(fh)
        return int(config.get("lambda_functions", {}).get("api_handler", {}).get("lambda_memory_size")
                   or config.get("lambda_memory_size") or 128)
    except (OSError, ValueError):
        return 128


def cost(warm: dict, memory_mb: int) -> tuple[str, dict]:
    """The monthly AWS bill for COMMENTS submissions and their pages read READS_PER_PAGE times."""
    p = PRICES
    posts = COMMENTS // COMMENTS_PER_POST
    reads = posts * READS_PER_PAGE
    requests = COMMENTS + reads
    scale = max(1.0, FULL_CPU_MB / memory_mb)  # upper bound: as if all measured time were CPU

    def billed_ms(seconds: float) -> float:
        return max(1.0, round(seconds * 1000 * scale + 0.5))

    submit_ms, listing_ms = billed_ms(warm["submit"]), billed_ms(warm["listing"])
    gb_seconds = (COMMENTS * submit_ms + reads * listing_ms) / 1000 * memory_mb / 1024
    wru = COMMENTS * warm["submit_wru_computed"]["total"]
    rru = COMMENTS * warm["submit_rru_computed"] + reads * warm["listing_rru_computed"]
    storage_gb = COMMENTS * 2.5 / 1e6  # ~2.5 KB a comment: its items and index entries (NET expires)
    log_gb = requests * 600 / 1e9  # our JSON line + Lambda's START/END/REPORT lines
    lines = {
        "Lambda requests": requests * p["lambda_request"],
        "Lambda duration": gb_seconds * p["lambda_gb_second"],
        "API Gateway REST requests": requests * p["api_gateway_rest_request"],
        "DynamoDB writes": wru * p["dynamodb_wru"],
        "DynamoDB reads": rru * p["dynamodb_rru"],
        "DynamoDB storage (one month)": storage_gb * p["dynamodb_gb_month"],
        "CloudWatch Logs": log_gb * p["logs_gb"],
    }
    total = sum(lines.values())
    detail = {
        "Lambda requests": f"{requests:,} requests",
        "Lambda duration": f"{submit_ms:g} ms × {COMMENTS:,} + {listing_ms:g} ms × {reads:,} at {memory_mb} MB = {gb_seconds:,.0f} GB-s",
        "API Gateway REST requests": f"{requests:,} requests",
        "DynamoDB writes": f"{warm['submit_wru_computed']['total']} WRU × {COMMENTS:,}",
        "DynamoDB reads": f"{warm['submit_rru_computed']:g} RRU × {COMMENTS:,} + {warm['listing_rru_computed']:g} RRU × {reads:,}",
        "DynamoDB storage (one month)": f"≈ {storage_gb:.1f} GB",
        "CloudWatch Logs": f"≈ {log_gb:.1f} GB at ~600 B a request",
    }
    rows = [[name, detail[name], f"${value:,.2f}"] for name, value in lines.items()] + [["**total**", "", f"**${total:,.2f}**"]]
    text = (
        f"{COMMENTS:,} submitted comments on {posts:,} posts ({COMMENTS_PER_POST} a post), each post's comment "
        f"list read {READS_PER_PAGE} times ({reads:,} listing requests). Prices us-east-1, {p['as_of']}: Lambda "
        f"${p['lambda_gb_second']}/GB-s and ${p['lambda_request'] * 1e6:.2f}/M requests, API Gateway REST "
        f"${p['api_gateway_rest_request'] * 1e6:.2f}/M, DynamoDB on-demand ${p['dynamodb_wru'] * 1e6:.3f}/M WRU and "
        f"${p['dynamodb_rru'] * 1e6:.3f}/M RRU, storage ${p['dynamodb_gb_month']}/GB-month, CloudWatch Logs "
        f"${p['logs_gb']}/GB. Durations are the warm medians measured above against DynamoDB Local, scaled by "
        f"{scale:.2f} for the CPU share of a {memory_mb} MB function (memory from .chalice/config.json; an upper "
        "bound: it treats the whole request as CPU) and rounded up to the billed millisecond; real DynamoDB "
        "answers more slowly than a local one, so add a few ms per call. Request units by DynamoDB's rules.\n\n"
        + common.table(["item", "volume", "cost"], rows)
        + "\n\nNext to hosted services for the same volume (prices from memory, **as published in 2024: re-check "
        "them before quoting**; none could be looked up from this machine):\n\n"
        + common.table(
            ["service", "published plan (2024)", "fits 1M comments + 10M page views a month?"],
            [
                ["Disqus", "Plus $11/month, Pro $105/month (billed yearly); Business: custom quote",
                 "no self-serve plan at ~330k page views a day: Business, priced on request"],
                ["Hyvor Talk", "plans from about $12/month, priced by monthly page views",
                 "a top or custom tier at 10M page views"],
                ["Akismet (spam checks only)", "Pro $9.95/month for 10k checks; Business $49.95/month for 60k; "
                 "Enterprise from $99.95", "1M checks a month is an Enterprise / custom quote"],
            ],
        )
        + "\n"
    )
    return text, {"total": total, "lines": lines}


def summary_rows(results: dict) -> list[list[str]]:
    rows = []
    cold, warm, scale, size = (results.get(k) for k in ("coldstart", "warm", "scale", "size"))
    if cold:
        rows.append(["cold start vs boto3 + put_item (wall, median)", f"{cold['ratio']:.2f}×", "≤ 1.5×", common.verdict(cold["ratio"], 1.5)])
    if warm:
        rows.append(["warm submission vs its bare DynamoDB calls", f"{warm['submit_ratio']:.2f}×", "≤ 1.3×", common.verdict(warm["submit_ratio"], 1.3)])
        rows.append(["warm submission vs one bare put_item", f"{warm['submit_put_ratio']:.2f}×", "(reported)", ""])
        rows.append(["warm public listing vs its bare calls", f"{warm['listing_ratio']:.2f}×", "(reported)", ""])
        ok = warm["submit_writes_per_comment"] <= 1 and warm["submit_reads_per_comment"] <= 1
        rows.append(["DynamoDB calls per accepted comment", f"{warm['submit_writes_per_comment']:g} write + {warm['submit_reads_per_comment']:g} read",
                     "1 write, ≤ 1 read", "met" if ok else "**not met**"])
        rows.append(["write units per comment (by DynamoDB's rules)", f"{warm['submit_wru_computed']['total']} WRU", "(reported)", ""])
    if scale:
        for route, v in scale["routes"].items():
            worst = max(v["ratio_p50"], v["ratio_p95"])
            sizes = f"{scale['sizes']['large']:,} vs {scale['sizes']['small']:,} comments"
            rows.append([f"{route}: {sizes} (p50 / p95)", f"{v['ratio_p50']:.2f}× / {v['ratio_p95']:.2f}×", "≤ 1.2×",
                         common.verdict(worst, 1.2)])
    if cold:
        rows.append(["peak RSS after a cold request", f"{cold['app_rss_max_mb']:.0f} MB", "fits 128 MB with room",
                     "met" if cold["app_rss_max_mb"] < 100 else "**not met**"])
    hot = results.get("hotkeys")
    if hot:
        rows.append([f"hottest DynamoDB key at a viral post ({hot['hit_ratio']:.1%} edge hits assumed)",
                     f"{hot['worst_share']:.0%} of its partition", "< 50%", common.verdict(hot["worst_share"], 0.5 - 1e-9)])
    if size:
        rows.append(["deployment.zip", f"{size['zip_mb']:.2f} MB", "< 5 MB", common.verdict(size["zip_mb"], 5.0)])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="minimal sizes: proves the scripts work, numbers mean nothing")
    parser.add_argument("--out", default=os.path.join(common.ROOT, "build", "BENCHMARKS.md"))
    parser.add_argument("--skip-spam", action="store_true")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    started = time.perf_counter()
    texts, results, timings = {}, {}, {}
    for name, bench_args in plan.items():
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        texts[name], results[name], timings[name] = run_bench(name, bench_args, timeout=420)
    print("bench: hotkeys ...", file=sys.stderr, flush=True)
    texts["hotkeys"], results["hotkeys"], timings["hotkeys"] = run_hotkeys(args.quick, timeout=1800)
    spam_text, timings["spam"] = ("_skipped (--skip-spam)._\n", 0.0) if args.skip_spam else run_spam(timeout=300)
    memory = lambda_memory_mb()
    cost_text, _ = cost(results["warm"], memory) if results.get("warm") else ("_no warm results, no cost._\n", None)

    info = common.machine()
    rows = summary_rows(results)
    summary = common.table(["measure", "result", "goal", ""], rows)
    print(summary)
    took = time.perf_counter() - started
    parts = [
        "# replybox benchmarks\n",
        "Every number is a ratio against a baseline measured in the same run, on the same machine, interleaved "
        "where it can be: the machines are shared and noisy, absolute times are not comparable between runs.\n",
        f"- Date: {time.strftime('%Y-%m-%d %H:%M %Z')}{' (QUICK smoke run: sizes too small to mean anything)' if args.quick else ''}\n"
        f"- Machine: {info['nproc']} CPUs, {info['cpu']}, Python {info['python']}, {info['os']}\n"
        f"- Reproduce: `make bench` (= `.venv/bin/python bench/run.py`), {took / 60:.1f} minutes this time "
        f"({', '.join(f'{k} {v:.0f} s' for k, v in timings.items())}). Each benchmark runs alone too: "
        "`.venv/bin/python bench/bench_<name>.py --help`. DynamoDB Local runs in memory (`scripts/dynamodb_local.py`).\n",
        "## Summary\n", summary + "\n",
        "## 1. Cold start\n",
        "A fresh `python` process imports `app` and hands Chalice's Lambda entry point (`app.app(event, context)`) one "
        "API Gateway REST (v1) proxy event for `POST /sites/demo/comments`, against DynamoDB Local; the baseline is a fresh "
        "process that imports boto3, builds a DynamoDB client and puts the same comment item once. The Lambda runtime does "
        "not import boto3 for us, so both sides pay for it.\n",
        texts.get("coldstart", ""),
        "## 2. Warm requests\n", texts.get("warm", ""),
        "## 3. Flat at scale\n", texts.get("scale", ""),
        "## 4. Spam scoring\n", "Output of `bench/bench_spam.py` (owned by the spam engine's author), as printed:\n", spam_text,
        "## 5. Memory and size\n",
        (f"Peak RSS of the cold process after its request (from §1): **{results['coldstart']['app_rss_mb']:.0f} MB** "
         f"(highest of the runs {results['coldstart']['app_rss_max_mb']:.0f} MB; the boto3-only baseline "
         f"{results['coldstart']['bare_rss_mb']:.0f} MB). The Lambda runtime itself adds a few MB; 128 MB leaves "
         f"{128 - results['coldstart']['app_rss_max_mb']:.0f} MB of room.\n\n" if results.get("coldstart") else ""),
        texts.get("size", ""),
        "## 6. Cost\n", cost_text,
        "## 7. Hot keys at a viral post\n", texts.get("hotkeys", ""),
        "## 8. Rendering a comment\n", texts.get("render", ""),
    ]
    if os.path.exists(SOAK):
        with open(SOAK) as fh:
            parts += ["## Soak test\n", "From `bench/results/soak.md` (another engineer's soak run, included as written):\n", fh.read().strip() + "\n"]
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as fh:
        fh.write("\n".join(parts))
    print(f"\nwrote {args.out} in {took / 60:.1f} minutes", file=sys.stderr)
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
