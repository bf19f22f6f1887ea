"""What every benchmark shares: DynamoDB Local in memory, the table and demo site, API Gateway events,
a DynamoDB call recorder, and the statistics and markdown helpers."""
from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from typing import Any, Iterator

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

SITE = "demo"
ORIGIN = "https://blog.example"
REGION = "us-east-1"
CREDS = {"AWS_ACCESS_KEY_ID": "replybox", "AWS_SECRET_ACCESS_KEY": "local"}
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
CONTENT = (
    "Thanks for the write-up. I tried the stretches from the second section for a week and the stiffness "
    "in the morning is much better; the one with the towel under the knees helped most."
)


# ---- DynamoDB Local -------------------------------------------------------------------------------
@contextmanager
def dynamodb_local() -> Iterator[str]:
    """DynamoDB Local in memory on a free port; yields its endpoint URL."""
    from scripts import dynamodb_local as ddb

    port = ddb.free_port()
    process = ddb.start(port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        ddb.stop(process)


def stack_env(endpoint: str, table: str, secret_file: str) -> dict[str, str]:
    """The environment `make run` gives the app (scripts/run.py), pointed at this endpoint and table."""
    return {
        "DYNAMODB_ENDPOINT_URL": endpoint,
        "REPLYBOX_TABLE": table,
        "REPLYBOX_SECRET_FILE": secret_file,
        "AWS_DEFAULT_REGION": REGION,
        "PYDANTIC_DISABLE_PLUGINS": "__all__",  # as deployed (.chalice/config.json): no entry-point scan
        **CREDS,
    }


def use_stack(endpoint: str, table: str, secret_file: str) -> None:
    """Point this process's replybox wiring at the endpoint and table."""
    os.environ.update(stack_env(endpoint, table, secret_file))
    os.environ.pop("AWS_PROFILE", None)
    from chalicelib import wiring

    wiring.reset()


def new_secret_file(directory: str) -> str:
    from chalicelib.signing import create_secret_file

    path = os.path.join(directory, "secret")
    create_secret_file(path)
    return path


def bare_client(endpoint: str, pool: int = 10) -> Any:
    """A plain boto3 DynamoDB client, configured like wiring.dynamodb_client (the baseline's client)."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=CREDS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDS["AWS_SECRET_ACCESS_KEY"],
        config=Config(retries={"mode": "standard", "total_max_attempts": 3}, max_pool_connections=pool),
    )


def create_table(client: Any, table: str, *, site_kwargs: dict | None = None) -> Any:
    """The replybox table (its own create_table: same keys and indexes) with the demo site in it."""
    from chalicelib.models import Site
    from chalicelib.storage import DynamoStore

    store = DynamoStore(client, table)
    store.create_table()
    store.put_site(Site(slug=SITE, origins=[ORIGIN], **(site_kwargs or {})))
    return store


def moderator_token(store: Any, secret_file: str) -> str:
    """A moderator token for the demo site, stored as the app stores it (a keyed hash)."""
    from chalicelib.signing import Keyring, load_secret, new_api_token

    token = new_api_token()
    store.put_token(SITE, "bench", Keyring(load_secret(secret_file, None, REGION)).token_hash(token))
    return token


# ---- API Gateway REST (v1) proxy events ------------------------------------------------------------
def api_event(
    method: str,
    resource: str,
    path_parameters: dict[str, str],
    *,
    body: str | None = None,
    headers: dict[str, str] | None = None,
    query: dict[str, list[str]] | None = None,
    source_ip: str = "203.0.113.7",
) -> dict:
    """An API Gateway REST API proxy event (payload format 1.0), as Lambda hands it to Chalice."""
    path = resource
    for name, value in path_parameters.items():
        path = path.replace("{" + name + "}", value)
    headers = {"Host": "abc123.execute-api.us-east-1.amazonaws.com", "User-Agent": USER_AGENT, **(headers or {})}
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in query.items()} if query else None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": "abc123",
            "resourcePath": resource,
            "httpMethod": method,
            "extendedRequestId": uuid.uuid4().hex[:16],
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime()),
            "path": "/api" + path,
            "accountId": "123456789012",
            "protocol": "HTTP/1.1",
            "stage": "api",
            "domainPrefix": "abc123",
            "requestTimeEpoch": int(time.time() * 1000),
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": source_ip, "userAgent": USER_AGENT},
            "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
            "apiId": "abc123",
        },
        "body": body,
        "isBase64Encoded": False,
    }


def comment_body(n: int, *, post_id: str = "hello-world", tag: str = "") -> dict:
    """A distinct, clean comment (own author, email and text: no duplicate or flood guard trips)."""
    return {
        "post_id": post_id,
        "author": f"Reader {tag}{n}",
        "email": f"reader-{tag}{n}@example.org",
        "url": "",
        "content": f"{CONTENT} (note {tag}{n})",
    }


def submit_event(n: int, *, tag: str = "", post_id: str = "hello-world") -> dict:
    """POST /sites/demo/comments with a JSON body, from its own IP."""
    return api_event(
        "POST",
        "/sites/{site}/comments",
        {"site": SITE},
        body=json.dumps(comment_body(n, post_id=post_id, tag=tag)),
        headers={"Content-Type": "application/json", "Origin": ORIGIN},
        source_ip=f"198.51.{(n // 250) % 250}.{n % 250 + 1}",
    )


def listing_event(post_id: str, limit: int = 50) -> dict:
    return api_event(
        "GET",
        "/sites/{site}/posts/{post_id}/comments",
        {"site": SITE, "post_id": post_id},
        query={"limit": [str(limit)]},
        headers={"Origin": ORIGIN},
    )


def counts_event(post_ids: list[str]) -> dict:
    return api_event("GET", "/sites/{site}/counts", {"site": SITE}, query={"post_id": post_ids}, headers={"Origin": ORIGIN})


def queue_event(token: str, status: str = "pending", limit: int = 50) -> dict:
    return api_event(
        "GET",
        "/sites/{site}/moderation/comments",
        {"site": SITE},
        query={"status": [status], "limit": [str(limit)]},
        headers={"Authorization": f"Bearer {token}"},
    )


class LambdaContext:
    """The attributes of the Lambda context object Chalice and the app read."""

    function_name = "replybox-dev"
    function_version = "$LATEST"
    memory_limit_in_mb = 128
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:replybox-dev"
    log_group_name = "/aws/lambda/replybox-dev"
    log_stream_name = "bench"

    def __init__(self) -> None:
        self.aws_request_id = str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


# ---- recording DynamoDB calls ----------------------------------------------------------------------
class CallRecorder:
    """Records every DynamoDB call a client makes (operation name, parameters as the caller gave them)
    through botocore's `provide-client-params` hook; `before-call` sees the same calls on the wire."""

    def __init__(self, client: Any):
        self.calls: list[tuple[str, dict]] = []
        self.on_wire = 0
        self.active = True
        client.meta.events.register("provide-client-params.dynamodb", self._params)
        client.meta.events.register("before-call.dynamodb", self._before_call)

    def _params(self, params: dict, model: Any, **_: Any) -> None:
        if self.active:
            import copy

            self.calls.append((model.name, copy.deepcopy(params)))

    def _before_call(self, model: Any, **_: Any) -> None:
        if self.active:
            self.on_wire += 1

    def take(self) -> list[tuple[str, dict]]:
        calls, self.calls = self.calls, []
        return calls


def snake(operation: str) -> str:
    """TransactWriteItems -> transact_write_items (the client method's name)."""
    return "".join("_" + c.lower() if c.isupper() else c for c in operation).lstrip("_")


def retarget(params: Any, old: str, new: str) -> Any:
    """The same request aimed at another table: every TableName and RequestItems key renamed."""
    if isinstance(params, dict):
        out = {}
        for key, value in params.items():
            if key == "TableName" and value == old:
                out[key] = new
            elif key == "RequestItems":
                out[key] = {(new if k == old else k): retarget(v, old, new) for k, v in value.items()}
            else:
                out[key] = retarget(value, old, new)
        return out
    if isinstance(params, list):
        return [retarget(v, old, new) for v in params]
    return params


# ---- numbers ---------------------------------------------------------------------------------------
def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-p * len(ordered) // 100))))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "n/a"


def verdict(value: float, goal: float, *, at_least: bool = False) -> str:
    ok = value >= goal if at_least else value <= goal
    return "met" if ok else "**not met**"


def table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
    }


def scratch_dir(prefix: str) -> str:
    return tempfile.mkdtemp(prefix=f"replybox-{prefix}-")


def emit(result: dict) -> None:
    """Benchmarks print their result as one JSON line (after any human text) for bench/run.py."""
    print("RESULT " + json.dumps(result), flush=True)


def parse_result(stdout: str) -> dict:
    for line in reversed(stdout.splitlines()):
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    raise ValueError("no RESULT line in the benchmark's output")


# ---- seeding a table ---------------------------------------------------------------------------------
def seeded_comment(n: int, *, post_id: str, status: str, when: float, keyring: Any) -> Any:
    """A stored Comment as Service.submit builds it (id from the time, keyed hashes, a verdict)."""
    from chalicelib.models import Comment
    from chalicelib.moderation import new_id, now_iso

    body = comment_body(n, post_id=post_id, tag="seed")
    created = now_iso(when)
    return Comment(
        site=SITE,
        id=new_id(when),
        post_id=post_id,
        author=body["author"],
        email=body["email"],
        content=body["content"],
        status=status,
        verdict={"score": 0.4, "decision": "approve" if status == "approved" else "hold",
                 "reasons": [{"rule": "links", "score": 0.4, "detail": "1 link"}]},
        avatar=keyring.avatar("demo", body["email"]),
        email_hash=keyring.email_hash(SITE, body["email"]),
        created_at=created,
        updated_at=created,
    )


def batch_write(client: Any, table: str, items: list[dict], threads: int = 8) -> float:
    """Put marshalled items with BatchWriteItem (25 a call) from parallel writers; returns seconds."""
    from concurrent.futures import ThreadPoolExecutor

    def write(chunk: list[dict]) -> None:
        pending = {table: [{"PutRequest": {"Item": item}} for item in chunk]}
        for attempt in range(10):
            answer = client.batch_write_item(RequestItems=pending)
            pending = answer.get("UnprocessedItems") or {}
            if not pending:
                return
            time.sleep(0.05 * 2**attempt)
        raise RuntimeError("BatchWriteItem kept items unprocessed")

    started = time.perf_counter()
    chunks = [items[i : i + 25] for i in range(0, len(items), 25)]
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(write, chunks))
    return time.perf_counter() - started


def seed_comments(
    client: Any,
    table: str,
    keyring: Any,
    *,
    total: int,
    target_post: str,
    target_approved: int,
    posts: int,
    pending_share: float = 0.2,
    with_network: bool = True,
) -> dict:
    """`total` comments shaped exactly as storage.comment_item makes them, spread over `posts` posts,
    with `target_approved` approved ones on `target_post`; COUNT items as the app keeps them and the
    NET (IP + user agent) item of every comment. Returns what was written and how long it took."""
    import random

    from chalicelib.storage import comment_item, count_key, marshal, network_key

    rng = random.Random(7)
    started_at = time.time() - 30 * 86400
    items: list[dict] = []
    counts: dict[str, int] = {}
    for n in range(total):
        if n < target_approved:
            post_id, status = target_post, "approved"
        else:
            post_id = f"post-{rng.randrange(posts):05d}"
            status = "pending" if rng.random() < pending_share else rng.choice(["approved"] * 8 + ["spam", "trash"])
        when = started_at + n * (30 * 86400 / max(total, 1))
        comment = seeded_comment(n, post_id=post_id, status=status, when=when, keyring=keyring)
        items.append(marshal(comment_item(comment)))
        if with_network:
            net = {**network_key(SITE, comment.id), "ip": f"198.51.100.{n % 250}", "user_agent": USER_AGENT,
                   "expires_at": int(when) + 30 * 86400}
            items.append(marshal(net))
        if status == "approved":
            counts[post_id] = counts.get(post_id, 0) + 1
    items += [marshal({**count_key(SITE, post), "approved": count}) for post, count in counts.items()]
    seconds = batch_write(client, table, items)
    return {"items": len(items), "comments": total, "posts_with_comments": len(counts), "seconds": seconds}


def keyring_of(secret_file: str) -> Any:
    from chalicelib.signing import Keyring, load_secret

    return Keyring(load_secret(secret_file, None, REGION))


# ---- DynamoDB item sizes (for write units when a server does not report them) -------------------------
def attribute_size(value: dict) -> int:
    """Bytes of one attribute value by DynamoDB's sizing rules (numbers approximated)."""
    (kind, inner), = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        digits = len(inner.lstrip("-").replace(".", "").strip("0")) or 1
        return 1 + (digits + 1) // 2
    if kind == "B":
        return len(inner)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(len(k.encode()) + attribute_size(v) + 1 for k, v in inner.items())
    if kind == "L":
        return 3 + sum(attribute_size(v) + 1 for v in inner)
    if kind in ("SS", "NS", "BS"):
        return sum(attribute_size({kind[0]: v}) for v in inner)
    raise ValueError(kind)


def item_size(item: dict) -> int:
    return sum(len(name.encode()) + attribute_size(value) for name, value in item.items())
