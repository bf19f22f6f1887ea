"""Soak: the in-process handler under a bounded mixed load against DynamoDB Local; memory must stay flat.

    .venv/bin/python bench/soak.py [--seconds 60] [--threads 8] [--endpoint URL] [--out bench/results/soak.md]

Starts DynamoDB Local in memory (unless --endpoint), creates a table, a site with flood control off and a
moderator token, then runs 8 threads for 60 s through chalice's LocalGateway (the code path of
`chalice local`, without its HTTP server) on a mix of routes: submissions as JSON and as forms, public
listings, counts, form tokens, the moderation queue, moderation actions and /openapi.json. It reports
requests, status counts, p50/p95 per route and the process RSS at start, middle and end, prints a
markdown section and writes it to bench/results/soak.md (bench/run.py includes that file in BENCHMARKS.md).
The load is bounded in time and count and only ever reaches 127.0.0.1.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from urllib.parse import urlencode

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

SITE = "soak"
ORIGIN = "https://blog.example"
MAX_REQUESTS = 200_000  # a hard cap beside the time bound
POSTS = [f"post-{i}" for i in range(20)]
# route name -> weight in the mix
MIX = {
    "submit json": 25, "submit form": 10, "public list": 25, "counts": 12, "form token": 10,
    "moderation queue": 8, "moderation act": 8, "openapi": 2,
}


def rss_kib() -> int:
    """Resident set size of this process (Linux /proc), in KiB."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def thread_safe(app) -> None:
    """Make Chalice's current_request per thread, as `chalice local` does (one Lambda = one request at a time)."""
    from chalice.local import LocalChalice

    if not isinstance(app, LocalChalice):
        app.__class__ = type("SoakChalice", (LocalChalice, type(app)), {})


class Load:
    """The shared state of the run: the gateway, the token, ids to moderate and the measurements."""

    def __init__(self, gateway, token: str, deadline: float):
        self.gateway = gateway
        self.token = token
        self.deadline = deadline
        self.lock = threading.Lock()
        self.pending: list[str] = []
        self.statuses: Counter = Counter()
        self.by_route: dict[str, Counter] = defaultdict(Counter)
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.count = 0
        self.errors: list[str] = []

    def call(self, method: str, path: str, headers: dict, body: bytes = b"") -> tuple[int, bytes]:
        from chalice.local import LocalGatewayException

        try:
            answer = self.gateway.handle_request(method=method, path=path, headers=headers, body=body)
            return answer["statusCode"], answer["body"] if isinstance(answer["body"], bytes) else (answer["body"] or "").encode()
        except LocalGatewayException as exc:  # the gateway's own 403/404 for unrouted paths
            return exc.CODE, b""

    def one(self, rnd: random.Random, n: int) -> None:
        route = rnd.choices(list(MIX), weights=list(MIX.values()))[0]
        post = rnd.choice(POSTS)
        json_headers = {"content-type": "application/json", "user-agent": "soak/1", "origin": ORIGIN}
        auth = {"authorization": f"Bearer {self.token}", "content-type": "application/json"}
        started = time.perf_counter()
        if route == "submit json":
            body = json.dumps({"post_id": post, "author": f"Reader {n}", "email": f"r{n}@example.com",
                               "content": f"Soak comment {n}: the stretches helped my back."}).encode()
            headers = {**json_headers, "idempotency-key": f"k{n}"} if n % 5 == 0 else json_headers
            status, answer = self.call("POST", f"/sites/{SITE}/comments", headers, body)
            if status == 201 and json.loads(answer)["status"] == "pending":
                with self.lock:
                    self.pending.append(json.loads(answer)["id"])
        elif route == "submit form":
            body = urlencode({"comment_post_ID": post, "author": f"Form {n}", "email": f"f{n}@example.org",
                              "comment": f"Form comment {n}", "submit": "Post Comment"}).encode()
            status, _ = self.call("POST", f"/sites/{SITE}/comments",
                                  {"content-type": "application/x-www-form-urlencoded", "user-agent": "soak/1"}, body)
        elif route == "public list":
            status, _ = self.call("GET", f"/sites/{SITE}/posts/{post}/comments?limit=20", {"origin": ORIGIN})
        elif route == "counts":
            query = "&".join(f"post_id={p}" for p in rnd.sample(POSTS, 5))
            status, _ = self.call("GET", f"/sites/{SITE}/counts?{query}", {})
        elif route == "form token":
            status, _ = self.call("GET", f"/sites/{SITE}/form-token", {})
        elif route == "moderation queue":
            status, _ = self.call("GET", f"/sites/{SITE}/moderation/comments?status=pending&limit=20", auth)
        elif route == "moderation act":
            with self.lock:
                comment_id = self.pending.pop() if self.pending else None
            if comment_id is None:
                return
            action = rnd.choice(["approve", "approve", "spam", "trash"])
            status, _ = self.call("POST", f"/sites/{SITE}/moderation/comments/{comment_id}", auth,
                                  json.dumps({"action": action, "version": 1}).encode())
        else:
            status, _ = self.call("GET", "/openapi.json", {})
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.count += 1
            self.statuses[status] += 1
            self.by_route[route][status] += 1
            self.latency[route].append(elapsed)
            self.latency["all"].append(elapsed)

    def worker(self, seed: int) -> None:
        rnd = random.Random(seed)
        n = seed * 1_000_000
        while time.monotonic() < self.deadline:
            with self.lock:
                if self.count >= MAX_REQUESTS:
                    return
            n += 1
            try:
                self.one(rnd, n)
            except Exception as exc:  # noqa: BLE001 - a crash of the harness is reported, not hidden
                with self.lock:
                    self.errors.append(f"{type(exc).__name__}: {exc}")
                    self.statuses["harness error"] += 1


def setup(endpoint: str, data_dir: str) -> tuple[object, str]:
    """Table, site (flood off, moderation `trusted`) and a moderator token; returns (gateway, token)."""
    env = {
        "DYNAMODB_ENDPOINT_URL": endpoint,
        "REPLYBOX_TABLE": f"soak-{uuid.uuid4().hex[:8]}",
        "REPLYBOX_SECRET_FILE": os.path.join(data_dir, "secret"),
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "replybox",
        "AWS_SECRET_ACCESS_KEY": "local",
    }
    os.environ.update(env)
    os.environ.pop("AWS_PROFILE", None)
    from chalice.config import Config
    from chalice.local import LocalGateway

    from chalicelib import wiring
    from chalicelib.models import Site
    from chalicelib.signing import create_secret_file, new_api_token

    create_secret_file(env["REPLYBOX_SECRET_FILE"])
    wiring.reset()
    store = wiring.store()
    store.create_table()
    store.put_site(Site(slug=SITE, origins=[ORIGIN], flood_seconds=0))
    token = new_api_token()
    store.put_token(SITE, "soak", wiring.keyring().token_hash(token))
    import app as application

    thread_safe(application.app)
    return LocalGateway(application.app, Config.create()), token


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run(seconds: float, threads: int, endpoint: str | None = None) -> dict:
    """Run the soak; returns the measurements (also what the markdown is made of)."""
    import logging

    from scripts import dynamodb_local

    data_dir = tempfile.mkdtemp(prefix="replybox-soak-")
    process = None
    if endpoint is None:
        port = dynamodb_local.free_port()
        process = dynamodb_local.start(port)
        endpoint = f"http://127.0.0.1:{port}"
    try:
        gateway, token = setup(endpoint, data_dir)
        logging.disable(logging.CRITICAL)
        devnull = open(os.devnull, "w")
        real_stdout, sys.stdout = sys.stdout, devnull  # the app logs a JSON line per request
        try:
            rss = {"start": rss_kib()}
            load = Load(gateway, token, time.monotonic() + seconds)
            workers = [threading.Thread(target=load.worker, args=(i + 1,)) for i in range(threads)]
            started = time.monotonic()
            for w in workers:
                w.start()
            time.sleep(seconds / 2)
            rss["middle"] = rss_kib()
            for w in workers:
                w.join(seconds + 60)
            elapsed = time.monotonic() - started
            rss["end"] = rss_kib()
        finally:
            sys.stdout = real_stdout
            devnull.close()
            logging.disable(logging.NOTSET)
    finally:
        if process is not None:
            dynamodb_local.stop(process)
    routes = {
        route: {"requests": len(load.latency[route]), "p50_ms": percentile(load.latency[route], 0.5),
                "p95_ms": percentile(load.latency[route], 0.95), "statuses": dict(sorted(load.by_route[route].items()))}
        for route in MIX if load.latency[route]
    }
    return {
        "seconds": round(elapsed, 1), "threads": threads, "requests": load.count,
        "rate": round(load.count / elapsed, 1) if elapsed else 0.0,
        "statuses": {str(k): v for k, v in sorted(load.statuses.items(), key=lambda kv: str(kv[0]))},
        "server_errors": sum(v for k, v in load.statuses.items() if isinstance(k, int) and k >= 500),
        "harness_errors": load.errors[:5],
        "p50_ms": percentile(load.latency["all"], 0.5), "p95_ms": percentile(load.latency["all"], 0.95),
        "mean_ms": statistics.fmean(load.latency["all"]) if load.latency["all"] else 0.0,
        "rss_kib": rss, "routes": routes,
    }


def markdown(result: dict) -> str:
    rss = result["rss_kib"]
    growth = (rss["end"] - rss["middle"]) / rss["middle"] * 100 if rss["middle"] else 0.0
    lines = [
        "## Soak: mixed load on the in-process handler",
        "",
        f"{result['threads']} threads for {result['seconds']} s against DynamoDB Local (in memory), through chalice's "
        "LocalGateway; `bench/soak.py`.",
        "",
        f"- requests: **{result['requests']}** ({result['rate']} per second), 5xx: **{result['server_errors']}**",
        f"- status counts: {', '.join(f'{k}: {v}' for k, v in result['statuses'].items())}",
        f"- latency: p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms (2 cores shared by the load, "
        "the app and DynamoDB Local)",
        f"- RSS: start {rss['start'] / 1024:.1f} MiB, middle {rss['middle'] / 1024:.1f} MiB, end {rss['end'] / 1024:.1f} MiB "
        f"({growth:+.1f}% over the second half)",
        "",
        "| route | requests | p50 ms | p95 ms | statuses |",
        "|---|---:|---:|---:|---|",
    ]
    for route, data in result["routes"].items():
        statuses = ", ".join(f"{k}: {v}" for k, v in data["statuses"].items())
        lines.append(f"| {route} | {data['requests']} | {data['p50_ms']:.1f} | {data['p95_ms']:.1f} | {statuses} |")
    lines += ["", "409 on a moderation action: two moderators (threads) took the same comment; 422: an action the "
              "comment's status does not allow (spam on a comment the engine already filed as spam). Both are "
              "answers, not failures.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--endpoint", help="a running DynamoDB Local (default: start one in memory)")
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "soak.md"),
                        help="where to write the markdown ('-' for nowhere)")
    parser.add_argument("--json", action="store_true", help="print the measurements as JSON instead")
    args = parser.parse_args(argv)
    result = run(min(args.seconds, 600.0), max(1, min(args.threads, 32)), args.endpoint)
    text = markdown(result)
    print(json.dumps(result) if args.json else text)
    if args.out != "-":
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as fh:
            fh.write(text)
    return 0 if result["server_errors"] == 0 and not result["harness_errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
