"""Hot keys at a viral post: the load on every DynamoDB partition key at 1,000 comments/s and 100,000
page views/s on one post, against DynamoDB's per-partition limits, and the request units and dollars.

It drives the scenario in-process (`app.app(event, context)` with API Gateway proxy events) on DynamoDB
Local in memory: SUBMISSIONS comments, APPROVALS approvals (with the queue pages a moderator reads) and
VIEWS page views of one post. A botocore recorder sees every call (`provide-client-params` for what the
app asked, `after-call` for what came back) and charges each key by DynamoDB's published rules, with
a shadow copy of the items written so that an update or delete is charged for the item it changed:
- reads: 4 KB a unit (GetItem/BatchGetItem per item, at least one unit even when nothing is found;
  Query on the sum of what it read), half a unit when eventually consistent (every index read);
- writes: 1 KB a unit of the larger of the old and new item, twice in a transaction (ConditionCheck
  too); every index entry written or removed costs 1 unit per KB of its projection (keys + projected
  attributes + 100 bytes), an entry whose index key changes costs a delete plus a put.
Each key's load at the scenario is its units per event of each kind times that kind's rate. The edge
cache's hit ratio on page views is an assumption (stated in the output), with the uncached load beside.
Run: .venv/bin/python bench/hotkeys.py [--quick]
"""
from __future__ import annotations

import argparse
import copy
import json
import math
import os
import re
import sys
import time
from collections import defaultdict
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import common  # noqa: E402

POST = "viral-post"
COMMENTS_PER_SECOND = 1_000
VIEWS_PER_SECOND = 100_000
READ_LIMIT, WRITE_LIMIT = 3_000, 1_000  # DynamoDB's per-partition limits, units per second
GOAL = 0.5  # every key under half its partition's limit
# Assumption, not measured here: CloudFront keeps a public answer for its s-maxage (5 s) per regional
# edge cache, so at 100,000 views/s of one page the origin sees a few requests a second per cache key;
# 99.9 % is a conservative round figure for it.
EDGE_HIT_RATIO = 0.999
FULL = {"submissions": 2_000, "approvals": 500, "views": 5_000}
QUICK = {"submissions": 40, "approvals": 10, "views": 50}
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}
KB, READ_UNIT = 1024, 4096


# ---- charging keys ---------------------------------------------------------------------------------
class KeyMeter:
    """Charges every call of a client to the partition keys it touched (base table and each index)."""

    def __init__(self, client: Any, side: Any, table: str):
        self.side = side  # an unrecorded client: reads the shadow's missing items
        self.table = table
        self.kind = "setup"
        self.units: dict[str, dict[tuple[str, str, str], float]] = defaultdict(lambda: defaultdict(float))
        self.calls: dict[str, int] = defaultdict(int)
        self.shadow: dict[tuple[str, str], dict | None] = {}
        self._pending: list[tuple[str, dict]] = []
        described = side.describe_table(TableName=table)["Table"]
        self.indexes = {i["IndexName"]: _index_shape(i) for i in described.get("GlobalSecondaryIndexes", [])}
        client.meta.events.register("provide-client-params.dynamodb", self._before)
        client.meta.events.register("after-call.dynamodb", self._after)

    def _before(self, params: dict, model: Any, **_: Any) -> None:
        params_copy = copy.deepcopy(params)
        self._pending.append((model.name, params_copy))
        for key in _written_keys(model.name, params_copy):
            if key not in self.shadow:
                self.shadow[key] = self._fetch(key)

    def _after(self, parsed: dict, model: Any, http_response: Any = None, **_: Any) -> None:
        operation, params = self._pending.pop()
        if operation != model.name or (http_response is not None and http_response.status_code >= 300):
            return
        self.calls[self.kind] += 1
        if operation in WRITES:
            self._charge_writes(operation, params)
        else:
            self._charge_reads(operation, params, parsed)

    def _fetch(self, key: tuple[str, str]) -> dict | None:
        item = self.side.get_item(TableName=self.table, Key={"pk": {"S": key[0]}, "sk": {"S": key[1]}}, ConsistentRead=True)
        return item.get("Item")

    def charge(self, where: str, pk: str, mode: str, units: float) -> None:
        self.units[self.kind][(where, pk, mode)] += units

    # -- reads --
    def _charge_reads(self, operation: str, params: dict, parsed: dict) -> None:
        per = 1.0 if params.get("ConsistentRead") else 0.5
        if operation == "GetItem":
            key = _key(params["Key"])
            self.charge("table", key[0], "read", per * _read_units(self._full_size(key, parsed.get("Item"))))
        elif operation == "BatchGetItem":
            for table, request in params["RequestItems"].items():
                found = {_key(i): i for i in parsed.get("Responses", {}).get(table, [])}
                per_batch = 1.0 if request.get("ConsistentRead") else 0.5
                for raw in request["Keys"]:
                    key = _key(raw)
                    self.charge("table", key[0], "read", per_batch * _read_units(self._full_size(key, found.get(key))))
        elif operation == "Query":
            index = params.get("IndexName")
            pk = _partition_value(params)
            items = parsed.get("Items", [])
            if index:
                size = sum(self._projected_size(index, self.shadow.get(_key(i)) or i) for i in items)
                per = 0.5  # an index is read eventually consistent
            else:
                size = sum(self._full_size(_key(i), i) for i in items)
            self.charge(index or "table", pk, "read", per * _read_units(size))

    def _full_size(self, key: tuple[str, str], returned: dict | None) -> int:
        """What DynamoDB charges on: the whole stored item, whatever a projection returned."""
        stored = self.shadow.get(key, returned)
        return common.item_size(stored) if stored else 0

    def _projected_size(self, index: str, item: dict) -> int:
        keys, attributes = self.indexes[index]
        kept = item if attributes is None else {k: v for k, v in item.items() if k in attributes or k in keys}
        return common.item_size(kept) + 100

    # -- writes --
    def _charge_writes(self, operation: str, params: dict) -> None:
        if operation == "TransactWriteItems":
            for action in params["TransactItems"]:
                (kind, body), = action.items()
                self._charge_write(kind, body, factor=2)
        elif operation == "BatchWriteItem":
            for requests in params["RequestItems"].values():
                for request in requests:
                    (kind, body), = request.items()
                    self._charge_write("Put" if kind == "PutRequest" else "Delete", body, factor=1)
        else:
            self._charge_write(operation[: -len("Item")], params, factor=1)

    def _charge_write(self, kind: str, body: dict, factor: int) -> None:
        key = _key(body["Item"] if kind == "Put" else body["Key"])
        old = self.shadow.get(key)
        if kind == "Put":
            new = body["Item"]
        elif kind == "Delete":
            new = None
        elif kind == "Update":
            new = self._fetch(key)
        else:  # ConditionCheck: charged as a write, changes nothing
            self.charge("table", key[0], "write", factor * _write_units(common.item_size(old) if old else 0))
            return
        self.shadow[key] = new
        biggest = max(common.item_size(old) if old else 0, common.item_size(new) if new else 0)
        self.charge("table", key[0], "write", factor * _write_units(biggest))
        for index, (keys, _attributes) in self.indexes.items():
            hash_name = keys[0]
            before = old.get(hash_name, {}).get("S") if old else None
            after = new.get(hash_name, {}).get("S") if new else None
            if before and (before != after or _sort_value(old, keys) != _sort_value(new, keys)):
                self.charge(index, before, "write", _write_units(self._projected_size(index, old)))
            if after and (after != before or _sort_value(old, keys) != _sort_value(new, keys)
                          or self._projected_size(index, old) != self._projected_size(index, new)
                          or _projection(self.indexes[index], old) != _projection(self.indexes[index], new)):
                self.charge(index, after, "write", _write_units(self._projected_size(index, new)))


def _index_shape(index: dict) -> tuple[tuple[str, ...], set[str] | None]:
    keys = tuple(k["AttributeName"] for k in index["KeySchema"]) + ("pk", "sk")
    projection = index["Projection"]
    if projection["ProjectionType"] == "ALL":
        return keys, None
    return keys, set(projection.get("NonKeyAttributes", []))


def _projection(shape: tuple[tuple[str, ...], set[str] | None], item: dict | None) -> dict:
    keys, attributes = shape
    if not item:
        return {}
    return item if attributes is None else {k: v for k, v in item.items() if k in attributes or k in keys}


def _sort_value(item: dict | None, keys: tuple[str, ...]) -> str | None:
    return item.get(keys[1], {}).get("S") if item and len(keys) > 3 else None


def _key(item: dict) -> tuple[str, str]:
    return item["pk"]["S"], item["sk"]["S"]


def _written_keys(operation: str, params: dict) -> list[tuple[str, str]]:
    if operation == "TransactWriteItems":
        bodies = [next(iter(a.values())) for a in params["TransactItems"]]
    elif operation in ("PutItem", "UpdateItem", "DeleteItem"):
        bodies = [params]
    elif operation == "BatchWriteItem":
        bodies = [next(iter(r.values())) for rs in params["RequestItems"].values() for r in rs]
    else:
        return []
    return [_key(b.get("Item") or b["Key"]) for b in bodies]


def _partition_value(params: dict) -> str:
    """The partition key value a Query names (`name = :placeholder` in its key condition)."""
    condition = params["KeyConditionExpression"]
    placeholder = re.search(r"=\s*(:\w+)", condition).group(1)
    return params["ExpressionAttributeValues"][placeholder]["S"]


def _read_units(size: int) -> int:
    return max(1, math.ceil(size / READ_UNIT))


def _write_units(size: int) -> int:
    return max(1, math.ceil(size / KB))


def key_pattern(pk: str) -> str:
    """A partition key with its ids and hashes named, so the same kind of key groups together."""
    pk = re.sub(r"\b[0-9A-HJKMNP-TV-Z]{26}\b", "{id}", pk)
    pk = re.sub(r"#[0-9a-f]{16,}", "#{hash}", pk)
    pk = re.sub(r"^(COUNTDUE#.*)#(?:\d+|deleted)$", r"\1#{change}", pk)
    pk = re.sub(r"^((?:QUEUE|COUNT)#.*)#\d+$", r"\1#{shard}", pk)
    return pk.replace(f"#{POST}", "#{post}").replace(f"#{common.SITE}", "#{site}")


# ---- the scenario ------------------------------------------------------------------------------------
def seed_learned_at_cap(client: Any, table: str) -> int:
    """The site's LEARNED counts at their size cap (every bucket taught as spam and as ham); its bytes."""
    from chalicelib.spam.learned import BUCKETS
    from chalicelib.storage import learned_key, marshal

    item = {**learned_key(common.SITE), "spam_docs": 5000, "ham_docs": 5000}
    for n in range(BUCKETS):
        item[f"s#{n:x}"] = 100 + n % 900
        item[f"h#{n:x}"] = 100 + n % 900
    marshalled = marshal(item)
    client.put_item(TableName=table, Item=marshalled)
    return common.item_size(marshalled)


def run_scenario(endpoint: str, sizes: dict, learned_at_cap: bool) -> dict:
    directory = common.scratch_dir("hotkeys")
    secret = common.new_secret_file(directory)
    table = f"hotkeys-{int(time.time())}"
    common.use_stack(endpoint, table, secret)
    side = common.bare_client(endpoint)
    store = common.create_table(side, table, site_kwargs={"moderation": "all", "flood_seconds": 0})
    token = common.moderator_token(store, secret)
    learned_bytes = seed_learned_at_cap(side, table) if learned_at_cap else 0

    import logging

    import app as application
    from chalicelib import wiring

    logging.getLogger("replybox.requests").disabled = True  # one JSON line a request would drown the table

    meter = KeyMeter(wiring.dynamodb_client(), side, table)
    handler = application.app
    seconds: dict[str, float] = defaultdict(float)

    def call(kind: str, event: dict, expect: int) -> dict:
        meter.kind = kind
        started = time.perf_counter()
        answer = handler(event, common.LambdaContext())
        seconds[kind] += time.perf_counter() - started
        if answer["statusCode"] != expect:
            raise SystemExit(f"{kind}: {event['httpMethod']} {event['path']} answered {answer['statusCode']}: {answer['body'][:300]}")
        return answer

    call("warm-up", _form_token_event(), 200)
    ids = []
    for n in range(sizes["submissions"]):
        call("submission", _form_token_event(), 200)  # the widget asks for it when the form is focused
        answer = call("submission", common.submit_event(n, tag="hot", post_id=POST), 201)
        ids.append(json.loads(answer["body"])["id"])
    for n, comment_id in enumerate(ids[: sizes["approvals"]]):
        if n % 50 == 0:  # the moderator reads the queue a page at a time
            call("approval", common.queue_event(token), 200)
        call("approval", _approve_event(token, comment_id), 200)
    for _ in range(sizes["views"]):
        for event in page_view_events():
            call("view", event, 200)
    return {"units": meter.units, "calls": meter.calls, "seconds": seconds, "sizes": sizes, "learned_bytes": learned_bytes}


def page_view_events() -> list[dict]:
    """What the widget asks on a page view: the first page of comments and the post's count (the form
    token only when someone starts writing: counted with the submission; avatars are drawn in the page)."""
    return [common.listing_event(POST), common.counts_event([POST])]


def _form_token_event() -> dict:
    return common.api_event("GET", "/sites/{site}/form-token", {"site": common.SITE}, headers={"Origin": common.ORIGIN})


def _approve_event(token: str, comment_id: str) -> dict:
    return common.api_event(
        "POST", "/sites/{site}/moderation/comments/{comment_id}", {"site": common.SITE, "comment_id": comment_id},
        body=json.dumps({"action": "approve"}),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )


# ---- at the scenario's rates -------------------------------------------------------------------------
def rates(sizes: dict, hit_ratio: float) -> dict[str, float]:
    """Events per second of each kind at the scenario; approvals keep the run's share of submissions."""
    return {
        "submission": COMMENTS_PER_SECOND,
        "approval": COMMENTS_PER_SECOND * sizes["approvals"] / sizes["submissions"],
        "view": VIEWS_PER_SECOND * (1 - hit_ratio),
    }


def key_loads(result: dict, hit_ratio: float) -> dict[tuple[str, str], dict[str, float]]:
    """(where, key pattern) -> hottest key's read and write units per second at the scenario."""
    per_second = rates(result["sizes"], hit_ratio)
    counts = {"submission": result["sizes"]["submissions"], "approval": result["sizes"]["approvals"], "view": result["sizes"]["views"]}
    loads: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for kind, charged in result["units"].items():
        if kind not in per_second:
            continue
        for (where, pk, mode), units in charged.items():
            loads[(where, pk)][mode] += units / counts[kind] * per_second[kind]
    hottest: dict[tuple[str, str], dict[str, float]] = {}
    for (where, pk), load in loads.items():
        pattern = (where, key_pattern(pk))
        share = max(load["read"] / READ_LIMIT, load["write"] / WRITE_LIMIT)
        if pattern not in hottest or share > hottest[pattern]["share"]:
            hottest[pattern] = {"read": load["read"], "write": load["write"], "share": share}
    return hottest


def units_per_event(result: dict) -> dict[str, dict[str, float]]:
    """Read and write request units per submission, per approval and per uncached page view."""
    counts = {"submission": result["sizes"]["submissions"], "approval": result["sizes"]["approvals"], "view": result["sizes"]["views"]}
    out: dict[str, dict[str, float]] = {}
    for kind, count in counts.items():
        charged = result["units"].get(kind, {})
        out[kind] = {mode: sum(u for (_, _, m), u in charged.items() if m == mode) / count for mode in ("read", "write")}
        out[kind]["calls"] = result["calls"].get(kind, 0) / count
        out[kind]["ms"] = result["seconds"].get(kind, 0.0) / count * 1000
    return out


def dollars(per_event: dict, approvals_per_comment: float, hit_ratio: float, memory_mb: int) -> dict[str, dict[str, float]]:
    """Dollars per million comments (submission + its share of approvals) and per million page views."""
    from bench.run import PRICES as p

    def bill(events: list[tuple[str, float]], requests: float, edge: float, cached_share: float) -> dict[str, float]:
        read = sum(per_event[k]["read"] * w for k, w in events) * 1e6 * (1 - cached_share)
        write = sum(per_event[k]["write"] * w for k, w in events) * 1e6 * (1 - cached_share)
        ms = sum(per_event[k]["ms"] * w for k, w in events) * (1 - cached_share)
        origin = requests * 1e6 * (1 - cached_share)
        return {
            "DynamoDB reads": read * p["dynamodb_rru"],
            "DynamoDB writes": write * p["dynamodb_wru"],
            "Lambda requests": origin * p["lambda_request"],
            "Lambda duration": 1e6 * ms / 1000 * memory_mb / 1024 * p["lambda_gb_second"],
            "API Gateway": origin * p["api_gateway_rest_request"],
            "CloudFront requests": edge * 1e6 * p.get("cloudfront_request", 0.0),
        }

    views_requests = len(page_view_events())
    return {
        "per million comments": bill([("submission", 1.0), ("approval", approvals_per_comment)],
                                     2.0 + approvals_per_comment, 0.0, 0.0),  # form token + submission
        "per million page views (no edge cache)": bill([("view", 1.0)], views_requests, 0.0, 0.0),
        f"per million page views ({hit_ratio:.1%} edge hits)": bill([("view", 1.0)], views_requests, views_requests, hit_ratio),
    }


def markdown(result: dict, hit_ratio: float, memory_mb: int) -> tuple[str, dict]:
    from bench.run import PRICES

    cached = key_loads(result, hit_ratio)
    uncached = key_loads(result, 0.0)
    order = sorted(cached, key=lambda k: -cached[k]["share"])
    rows = []
    for where, pattern in order:
        c, u = cached[(where, pattern)], uncached[(where, pattern)]
        if c["share"] < 0.001 and u["share"] < 0.001:
            continue
        label = f"`{pattern}`" + ("" if where == "table" else f" (index `{where}`)")
        rows.append([
            label,
            f"{c['read']:,.0f} RCU/s + {c['write']:,.0f} WCU/s",
            f"{c['share']:.0%}" + ("" if c["share"] < GOAL else " **over half**"),
            f"{u['read']:,.0f} RCU/s + {u['write']:,.0f} WCU/s ({u['share']:.0%})",
        ])
    per = units_per_event(result)
    sizes = result["sizes"]
    money = dollars(per, sizes["approvals"] / sizes["submissions"], hit_ratio, memory_mb)
    r = rates(result["sizes"], hit_ratio)
    worst = max((v["share"] for v in cached.values()), default=0.0)
    text = (
        f"{sizes['submissions']:,} submissions, {sizes['approvals']:,} approvals (with the moderator's queue pages) and "
        f"{sizes['views']:,} page views (comment listing and count, as the widget asks them) of one post, driven "
        "in-process through `app.app(event, context)` on DynamoDB Local; every key read and written (base table and each "
        "index) charged by DynamoDB's rules (`bench/hotkeys.py` says which), then scaled to "
        f"{COMMENTS_PER_SECOND:,} comments/s, {r['approval']:,.0f} approvals/s (the run's share) and "
        f"{VIEWS_PER_SECOND:,} page views/s, against the per-partition limits of {READ_LIMIT:,} RCU/s and {WRITE_LIMIT:,} WCU/s. "
        f"**Assumption: the edge cache answers {hit_ratio:.1%} of page views** (CloudFront, `s-maxage` of a few seconds: the "
        f"origin then sees {r['view']:,.0f} views/s); the load without any edge cache is beside it."
        + (f" The site's `LEARNED` item is seeded at its size cap ({result['learned_bytes'] / 1000:.1f} kB)." if result["learned_bytes"] else "")
        + " The run is one warm function: the site's settings and `LEARNED` are read once per warm function a "
        "minute (`site_cache_seconds`), so at ~100 concurrent functions they cost ~2 reads/s, not one per comment."
        + "\n\n"
        + common.table(["key (hottest of its kind)", "load at the scenario", "% of partition limit", "without the edge cache"], rows)
        + f"\n\nHottest key: **{worst:.0%}** of its partition's limit (goal: under {GOAL:.0%}: {common.verdict(worst, GOAL - 1e-9)}).\n\n"
        + "Request units measured per event:\n\n"
        + common.table(
            ["event", "read units", "write units", "DynamoDB calls", "in-process time (DynamoDB Local)"],
            [[k, f"{v['read']:.2f}", f"{v['write']:.2f}", f"{v['calls']:.2f}", f"{v['ms']:.1f} ms"] for k, v in per.items()],
        )
        + f"\n\nDollars (prices us-east-1, {PRICES['as_of']}; Lambda at {memory_mb} MB, duration as measured in-process, "
        "an upper bound on CPU):\n\n"
        + common.table(
            ["", *next(iter(money.values())).keys(), "total"],
            [[name, *(f"${v:,.2f}" for v in lines.values()), f"**${sum(lines.values()):,.2f}**"] for name, lines in money.items()],
        )
        + "\n"
    )
    summary = {
        "worst_share": worst,
        "hit_ratio": hit_ratio,
        "keys": {f"{w}:{p}": v for (w, p), v in cached.items()},
        "per_event": per,
        "dollars": {name: sum(lines.values()) for name, lines in money.items()},
    }
    return text, summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few events of each kind (smoke run)")
    parser.add_argument("--sizes", help="submissions,approvals,views (default %s)" % ",".join(map(str, FULL.values())))
    parser.add_argument("--hit-ratio", type=float, default=EDGE_HIT_RATIO)
    parser.add_argument("--learned", choices=["cap", "empty"], default="cap", help="the site's LEARNED item at its cap, or none")
    args = parser.parse_args(argv)
    from bench.run import lambda_memory_mb

    with common.dynamodb_local() as endpoint:
        sizes = QUICK if args.quick else FULL
        if args.sizes:
            sizes = dict(zip(FULL, map(int, args.sizes.split(","))))
        result = run_scenario(endpoint, sizes, args.learned == "cap")
    text, summary = markdown(result, args.hit_ratio, lambda_memory_mb())
    print(text)
    common.emit(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
