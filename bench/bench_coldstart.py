"""Cold start: a fresh process that imports `app` and handles one POST /sites/demo/comments event
through Chalice's Lambda entry point, against a fresh process that imports boto3, builds a DynamoDB
client and puts the same item once. Both run against DynamoDB Local, interleaved (ABBA), median of
`--runs` each; the wall time of the whole process (interpreter start to exit) is compared.

Also: where a cold request's time goes (step by step, in fresh processes) and the peak RSS after
the request. Run: .venv/bin/python bench/bench_coldstart.py [--runs 15]
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

GOAL = 1.5
# Not handed to the children: a caller's PYTHONPATH, and a PYTHONDONTWRITEBYTECODE that would have
# the app side compile its own modules on every run while boto3's bytecode came with its install.
NOT_PASSED = ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")

# The Lambda side: what the runtime does on a cold start (import the handler's module), then one event.
APP_CHILD = r"""
import time
t0 = time.perf_counter()
import app
t1 = time.perf_counter()
import json, resource, sys
class Context:
    aws_request_id = "cold-start"; function_name = "replybox-dev"; memory_limit_in_mb = 128
    def get_remaining_time_in_millis(self): return 30000
event = json.loads(sys.stdin.read())
t2 = time.perf_counter()
response = app.app(event, Context())
t3 = time.perf_counter()
print("CHILD " + json.dumps({"status": response["statusCode"], "import": t1 - t0, "handle": t3 - t2,
      "total": t3 - t0 - (t2 - t1), "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

# The baseline: the least any Python Lambda storing this comment in DynamoDB has to do.
BARE_CHILD = r"""
import time
t0 = time.perf_counter()
import json, os, resource, sys
request = json.loads(sys.stdin.read())
t1 = time.perf_counter()
import boto3
client = boto3.client("dynamodb", endpoint_url=os.environ["DYNAMODB_ENDPOINT_URL"])
client.put_item(TableName=request["table"], Item=request["item"])
t2 = time.perf_counter()
print("CHILD " + json.dumps({"status": 200, "import": 0.0, "handle": t2 - t1, "total": t2 - t0 - (t1 - t0),
      "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

# Where the app's cold request spends its time: each step timed in order, in one fresh process.
STEPS_CHILD = r"""
import time
steps = []
def step(name, action):
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    steps.append((name, time.perf_counter() - wall, time.process_time() - cpu))
import importlib, json, sys
step("import chalice", lambda: importlib.import_module("chalice"))
step("import app (routes)", lambda: importlib.import_module("app"))
step("import pydantic", lambda: importlib.import_module("pydantic"))
step("import chalicelib.models (schemas)", lambda: importlib.import_module("chalicelib.models"))
step("import chalicelib.spam", lambda: importlib.import_module("chalicelib.spam"))
step("import chalicelib.moderation, storage", lambda: importlib.import_module("chalicelib.moderation"))
step("import botocore (the app builds its client without boto3)", lambda: importlib.import_module("botocore.session"))
from chalicelib import wiring
step("build DynamoDB client", wiring.dynamodb_client)
from chalicelib.spam import classifier, keys
step("spam: load key index (62k keys)", keys.default_matcher)
step("spam: load classifier", classifier.shipped_model)
import app
class Context:
    aws_request_id = "steps"; function_name = "replybox-dev"; memory_limit_in_mb = 128
    def get_remaining_time_in_millis(self): return 30000
event = json.loads(sys.stdin.read())
step("first request (rest of it: 2 DynamoDB calls)", lambda: app.app(event, Context()))
print("CHILD " + json.dumps(steps))
"""


def run_child(code: str, stdin: str, env: dict) -> tuple[float, float, dict]:
    """Run one fresh interpreter; its wall time, its CPU time (user + system) and what it printed."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code], input=stdin, capture_output=True, text=True, cwd=common.ROOT, env=env
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = [line for line in done.stdout.splitlines() if line.startswith("CHILD ")]
    if done.returncode or not lines:
        raise RuntimeError(f"cold-start child failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return wall, cpu, json.loads(lines[-1][len("CHILD ") :])


def bare_item(n: int) -> dict:
    """The COMMENT item replybox stores for a submission, marshalled, with a fresh id."""
    from chalicelib.models import Comment
    from chalicelib.moderation import new_id, now_iso
    from chalicelib.storage import comment_item, marshal

    now = time.time()
    body = common.comment_body(n, tag="bare")
    comment = Comment(
        site=common.SITE, id=new_id(now), post_id=body["post_id"], author=body["author"], email=body["email"],
        content=body["content"], status="pending", verdict={"score": 0.0, "decision": "approve", "reasons": []},
        avatar="0" * 20, email_hash="0" * 32, created_at=now_iso(now), updated_at=now_iso(now),
    )
    return marshal(comment_item(comment))


def measure(endpoint: str, secret_file: str, runs: int, table: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k not in NOT_PASSED}
    env.update(common.stack_env(endpoint, table, secret_file))
    # Both sides read compiled bytecode, as on Lambda (the package ships .pyc: scripts/package.py);
    # the warm-up runs below write it here, whatever the caller's PYTHONDONTWRITEBYTECODE says.
    env["PYTHONPYCACHEPREFIX"] = os.path.join(os.path.dirname(secret_file), "pycache")
    sides: dict[str, dict[str, list]] = {side: {"wall": [], "cpu": [], "out": []} for side in ("app", "bare")}

    def run(side: str, n: int, keep: bool = True) -> None:
        if side == "app":
            wall, cpu, out = run_child(APP_CHILD, json.dumps(common.submit_event(n, tag="cold")), env)
            if out["status"] != 201:
                raise RuntimeError(f"the cold request answered {out['status']}, not 201")
        else:
            wall, cpu, out = run_child(BARE_CHILD, json.dumps({"table": table, "item": bare_item(n)}), env)
        if keep:
            sides[side]["wall"].append(wall), sides[side]["cpu"].append(cpu), sides[side]["out"].append(out)

    base = int(time.time()) % 100_000 * 100
    run("app", base, keep=False)  # warm the page cache (and write .pyc files) for both sides alike
    run("bare", base, keep=False)
    for i in range(runs):
        order = ("app", "bare") if i % 2 else ("bare", "app")  # ABBA: neither side always goes first
        for side in order:
            run(side, base + 1 + i)

    steps: dict[str, list[tuple[float, float]]] = {}
    for i in range(max(3, runs // 5)):
        _, _, out = run_child(STEPS_CHILD, json.dumps(common.submit_event(base + 10_000 + i, tag="steps")), env)
        for name, wall, cpu in out:
            steps.setdefault(name, []).append((wall, cpu))

    def process_wall(code: str) -> float:
        walls = []
        for _ in range(max(3, runs // 3)):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], cwd=common.ROOT, env=env, check=True, capture_output=True)
            walls.append(time.perf_counter() - started)
        return common.median(walls)

    app, bare = sides["app"], sides["bare"]
    med = common.median
    return {
        "runs": runs,
        "app_wall": med(app["wall"]),
        "bare_wall": med(bare["wall"]),
        "ratio": med(app["wall"]) / med(bare["wall"]),
        "app_cpu": med(app["cpu"]),
        "bare_cpu": med(bare["cpu"]),
        "cpu_ratio": med(app["cpu"]) / med(bare["cpu"]),
        "app_in_process": med([o["total"] for o in app["out"]]),
        "bare_in_process": med([o["total"] for o in bare["out"]]),
        "app_import": med([o["import"] for o in app["out"]]),
        "app_rss_mb": med([o["maxrss_kb"] for o in app["out"]]) / 1024,
        "app_rss_max_mb": max(o["maxrss_kb"] for o in app["out"]) / 1024,
        "bare_rss_mb": med([o["maxrss_kb"] for o in bare["out"]]) / 1024,
        "interpreter": process_wall("pass"),
        "import_app_process": process_wall("import app"),
        "steps": {name: [med([w for w, _ in v]), med([c for _, c in v])] for name, v in steps.items()},
    }


def markdown(r: dict) -> str:
    ms, x = common.ms, common.ratio
    rows = [
        ["replybox: start, import app, handle one POST event", ms(r["app_wall"]), x(r["app_wall"], r["bare_wall"]),
         ms(r["app_cpu"]), x(r["app_cpu"], r["bare_cpu"])],
        ["baseline: start, import boto3, client, one put_item", ms(r["bare_wall"]), "1.00×", ms(r["bare_cpu"]), "1.00×"],
        ["replybox inside the process (import + handle)", ms(r["app_in_process"]),
         x(r["app_in_process"], r["bare_in_process"]), "", ""],
        ["baseline inside the process", ms(r["bare_in_process"]), "1.00×", "", ""],
        ["`python -c 'import app'`", ms(r["import_app_process"]), "", "", ""],
        ["`python -c pass` (the interpreter alone)", ms(r["interpreter"]), "", "", ""],
    ]
    steps = [[name, ms(wall), ms(cpu)] for name, (wall, cpu) in r["steps"].items()]
    return (
        common.table(
            [f"cold start, median of {r['runs']} each, interleaved", "wall", "vs baseline", "CPU", "vs baseline"], rows
        )
        + f"\n\nGoal ≤ {GOAL}× (wall): {common.verdict(r['ratio'], GOAL)} ({r['ratio']:.2f}×; CPU time {r['cpu_ratio']:.2f}×). "
        + f"Peak RSS after the request: replybox {r['app_rss_mb']:.1f} MB (highest {r['app_rss_max_mb']:.1f} MB), "
        + f"baseline {r['bare_rss_mb']:.1f} MB.\n\n"
        + "Where replybox's cold request goes (fresh process; each step after the ones above it; median):\n\n"
        + common.table(["step", "wall", "CPU"], steps)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--endpoint", help="an already running DynamoDB Local (else one is started)")
    args = parser.parse_args(argv)
    directory = common.scratch_dir("cold")
    secret_file = common.new_secret_file(directory)

    def go(endpoint: str) -> dict:
        table = f"cold{int(time.time())}"
        common.create_table(common.bare_client(endpoint), table)
        return measure(endpoint, secret_file, args.runs, table)

    if args.endpoint:
        result = go(args.endpoint)
    else:
        with common.dynamodb_local() as endpoint:
            result = go(endpoint)
    print(markdown(result))
    common.emit(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
