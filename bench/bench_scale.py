"""Flat at scale: the public listing, the counts route and the moderation queue on a table holding
1,000 comments against one holding 100,000 (same DynamoDB Local, in memory, measured interleaved).

Both tables are loaded with BatchWriteItem from parallel writers, with items shaped exactly as
storage.comment_item makes them (plus each comment's NET item and the posts' COUNT items), spread
over total/10 posts; in both, the post `popular` has 50 approved comments and about a fifth of all
comments wait in the queue. Requests go through `app.app(event, context)` as on Lambda.
Run: .venv/bin/python bench/bench_scale.py [--small 1000 --large 100000 --rounds 150]
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import common  # noqa: E402

GOAL = 1.2
TARGET_POST = "popular"
TARGET_COMMENTS = 50


def measure(endpoint: str, secret_file: str, small: int, large: int, rounds: int) -> dict:
    stamp = int(time.time())
    bare = common.bare_client(endpoint, pool=16)
    keyring = common.keyring_of(secret_file)
    sizes = {"small": small, "large": large}
    tables, tokens, loads = {}, {}, {}
    for name, total in sizes.items():
        table = f"scale{name}{stamp}"
        store = common.create_table(bare, table)
        loads[name] = common.seed_comments(
            bare, table, keyring, total=total, target_post=TARGET_POST, target_approved=TARGET_COMMENTS,
            posts=max(total // 10, 1),
        )
        tables[name], tokens[name] = table, common.moderator_token(store, secret_file)
        print(f"loaded {total} comments ({loads[name]['items']} items) in {loads[name]['seconds']:.1f} s", file=sys.stderr)

    common.use_stack(endpoint, tables["small"], secret_file)
    import app
    from chalicelib import wiring
    from chalicelib.moderation import Service
    from chalicelib.storage import DynamoStore

    services = {
        name: Service(DynamoStore(wiring.dynamodb_client(), table), wiring.keyring(), site_ttl=60.0)
        for name, table in tables.items()
    }
    current = ["small"]
    wiring.service = lambda: services[current[0]]  # one app, two tables: point its service at either

    count_posts = [TARGET_POST] + [f"post-{i:05d}" for i in range(19)]
    routes = {
        "public listing (50 comments)": lambda name: common.listing_event(TARGET_POST),
        "counts of 20 posts": lambda name: common.counts_event(count_posts),
        "moderation queue (pending, 50)": lambda name: common.queue_event(tokens[name]),
    }

    def handle(name: str, event: dict) -> float:
        current[0] = name
        started = time.perf_counter()
        answer = app.app(event, common.LambdaContext())
        seconds = time.perf_counter() - started
        if answer["statusCode"] != 200:
            raise RuntimeError(f"{event['path']} answered {answer['statusCode']}: {answer['body'][:300]}")
        return seconds

    from contextlib import redirect_stdout
    from io import StringIO

    times = {route: {name: [] for name in sizes} for route in routes}
    with redirect_stdout(StringIO()):  # the app's request log: one line per request
        for _ in range(10):
            for route, event in routes.items():
                for name in sizes:
                    handle(name, event(name))
        for i in range(rounds):
            for route, event in routes.items():
                order = ("small", "large") if i % 2 else ("large", "small")
                for name in order:
                    times[route][name].append(handle(name, event(name)))

    results = {}
    for route, by_size in times.items():
        p50 = {n: common.median(v) for n, v in by_size.items()}
        p95 = {n: common.percentile(v, 95) for n, v in by_size.items()}
        results[route] = {
            "p50": p50, "p95": p95,
            "ratio_p50": p50["large"] / p50["small"], "ratio_p95": p95["large"] / p95["small"],
        }
    return {"rounds": rounds, "sizes": sizes, "loads": loads, "routes": results}


def markdown(r: dict) -> str:
    ms = common.ms
    small, large = r["sizes"]["small"], r["sizes"]["large"]
    rows = []
    for route, v in r["routes"].items():
        rows.append([
            route, ms(v["p50"]["small"]), ms(v["p50"]["large"]), f"{v['ratio_p50']:.2f}× ({common.verdict(v['ratio_p50'], GOAL)})",
            ms(v["p95"]["small"]), ms(v["p95"]["large"]), f"{v['ratio_p95']:.2f}×",
        ])
    load = r["loads"]["large"]
    return (
        common.table(
            [f"{r['rounds']} requests each, interleaved", f"p50 {small:,}", f"p50 {large:,}", "p50 ratio",
             f"p95 {small:,}", f"p95 {large:,}", "p95 ratio"],
            rows,
        )
        + f"\n\nGoal: ratio ≤ {GOAL}. Loading {large:,} comments ({load['items']:,} items with NET and COUNT items) "
        + f"took {load['seconds']:.0f} s with 8 parallel BatchWriteItem writers.\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=150)
    parser.add_argument("--endpoint", help="an already running DynamoDB Local (else one is started)")
    args = parser.parse_args(argv)
    secret_file = common.new_secret_file(common.scratch_dir("scale"))
    if args.endpoint:
        result = measure(args.endpoint, secret_file, args.small, args.large, args.rounds)
    else:
        with common.dynamodb_local() as endpoint:
            result = measure(endpoint, secret_file, args.small, args.large, args.rounds)
    print(markdown(result))
    common.emit(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
