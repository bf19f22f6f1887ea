"""Warm requests: replybox's own overhead over the DynamoDB calls it makes.

In one process against DynamoDB Local, a warm `app.app(event, context)` for POST /sites/demo/comments
is timed against a bare boto3 client replaying exactly the DynamoDB calls that request made (recorded
with botocore's `provide-client-params` hook) into a clone of the table, so every condition meets
fresh data. Same for the public listing (GET .../posts/{post}/comments, a post with 50 approved
comments) against its bare Query. Also: the ratio to one bare put_item of the same comment item, the
calls per accepted comment and the request units each route consumes (ReturnConsumedCapacity).
Run: .venv/bin/python bench/bench_warm.py [--rounds 200]
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import common  # noqa: E402

SUBMIT_GOAL = 1.3
TARGET_POST = "popular"
TARGET_COMMENTS = 50


def replay(client: Any, calls: list[tuple[str, dict]], old: str, new: str, **extra: Any) -> list[dict]:
    """Make the same calls with a bare client, aimed at another table; returns the answers."""
    answers = []
    for operation, params in calls:
        answers.append(getattr(client, common.snake(operation))(**common.retarget(params, old, new), **extra))
    return answers


def capacity(answers: list[dict]) -> tuple[float, float]:
    """(write units, read units) DynamoDB reported for these answers, GSI writes included."""
    writes = reads = 0.0
    for operation, answer in answers:
        consumed = answer.get("ConsumedCapacity")
        for entry in consumed if isinstance(consumed, list) else [consumed] if consumed else []:
            if operation in ("TransactWriteItems", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"):
                writes += entry.get("CapacityUnits", 0.0)
            else:
                reads += entry.get("CapacityUnits", 0.0)
    return writes, reads


def computed_write_units(calls: list[tuple[str, dict]], projections: dict[str, tuple[str, set[str] | None]]) -> dict:
    """Write units by DynamoDB's published rules, from the items' sizes: a transactional write costs
    2 WRU per started KB of each item, a ConditionCheck 2 WRU, a standard write 1 WRU per KB; every GSI
    entry written costs 1 WRU per KB of its projection (index writes are not transactional)."""
    table_units = index_units = 0
    for operation, params in calls:
        if operation == "TransactWriteItems":
            for action in params["TransactItems"]:
                (kind, body), = action.items()
                if kind == "Put":
                    table_units += 2 * math.ceil(common.item_size(body["Item"]) / 1024)
                    index_units += _index_units(body["Item"], projections)
                else:  # ConditionCheck, Update (a counter: small), Delete
                    table_units += 2
        elif operation == "PutItem":
            table_units += math.ceil(common.item_size(params["Item"]) / 1024)
            index_units += _index_units(params["Item"], projections)
    return {"table": table_units, "indexes": index_units, "total": table_units + index_units}


def computed_read_units(calls: list[tuple[str, dict]], answers: list[dict]) -> float:
    """Read units by DynamoDB's rules: every key of a GetItem/BatchGetItem costs at least 0.5 RRU
    (1 if strongly consistent), found or not, per started 4 KB; a Query 0.5 RRU per started 4 KB of
    everything it read (summed, not per item)."""
    units = 0.0
    for (operation, params), answer in zip(calls, answers):
        if operation == "BatchGetItem":
            for table, request in params["RequestItems"].items():
                per = 1.0 if request.get("ConsistentRead") else 0.5
                found = {common.item_size(i) for i in answer.get("Responses", {}).get(table, [])}
                units += per * max(len(request["Keys"]), 1) + per * sum(math.ceil(size / 4096) - 1 for size in found)
        elif operation == "GetItem":
            per = 1.0 if params.get("ConsistentRead") else 0.5
            units += per * max(1, math.ceil(common.item_size(answer.get("Item", {})) / 4096))
        elif operation == "Query":
            per = 1.0 if params.get("ConsistentRead") else 0.5
            units += per * max(1, math.ceil(sum(common.item_size(i) for i in answer.get("Items", [])) / 4096))
    return units


def _index_units(item: dict, projections: dict[str, tuple[str, set[str] | None]]) -> int:
    units = 0
    for prefix, attributes in projections.values():
        if f"{prefix}pk" in item:
            kept = item if attributes is None else {k: v for k, v in item.items() if k in attributes}
            units += math.ceil(common.item_size(kept) / 1024)
    return units


def index_projections() -> dict[str, tuple[str, set[str] | None]]:
    """Each index's key prefix and the attributes its entries hold (None: all), from storage's schema."""
    from chalicelib.storage import table_schema

    out: dict[str, tuple[str, set[str] | None]] = {}
    for index in table_schema()["GlobalSecondaryIndexes"]:
        prefix = index["KeySchema"][0]["AttributeName"][: -len("pk")]
        projection = index["Projection"]
        kept = {"pk", "sk", f"{prefix}pk", f"{prefix}sk", *projection.get("NonKeyAttributes", [])}
        out[index["IndexName"]] = (prefix, None if projection["ProjectionType"] == "ALL" else kept)
    return out


def measure(endpoint: str, secret_file: str, rounds: int) -> dict:
    stamp = int(time.time())
    app_table, clone_table, units_table = f"warm{stamp}", f"clone{stamp}", f"units{stamp}"
    bare = common.bare_client(endpoint)
    for table in (app_table, clone_table, units_table):
        common.create_table(bare, table)
    keyring = common.keyring_of(secret_file)
    seeded = common.seed_comments(
        bare, app_table, keyring, total=TARGET_COMMENTS, target_post=TARGET_POST,
        target_approved=TARGET_COMMENTS, posts=1,
    )

    common.use_stack(endpoint, app_table, secret_file)
    import app
    from chalicelib import wiring

    recorder = common.CallRecorder(wiring.dynamodb_client())

    def handle(event: dict, expect: int) -> tuple[float, list[tuple[str, dict]]]:
        recorder.take()
        started = time.perf_counter()
        answer = app.app(event, common.LambdaContext())
        seconds = time.perf_counter() - started
        if answer["statusCode"] != expect:
            raise RuntimeError(f"{event['httpMethod']} {event['path']} answered {answer['statusCode']}: {answer['body'][:300]}")
        return seconds, recorder.take()

    def timed(action) -> float:
        started = time.perf_counter()
        action()
        return time.perf_counter() - started

    # Warm up both sides: connections, the site cache, the spam engine's automaton, botocore's caches.
    from io import StringIO
    from contextlib import redirect_stdout

    log = StringIO()  # the app's request log lines (one per request) would drown the table
    with redirect_stdout(log):
        for n in range(20):
            _, calls = handle(common.submit_event(n, tag=f"w{stamp}"), 201)
            replay(bare, calls, app_table, clone_table)
            handle(common.listing_event(TARGET_POST), 200)

        submit, submit_bare, put_one, listing, listing_bare = [], [], [], [], []
        calls_per_submit, calls_per_listing = [], []
        for i in range(rounds):
            n = 1000 + i
            app_seconds, calls = handle(common.submit_event(n, tag=f"s{stamp}"), 201)
            replay_seconds = timed(lambda: replay(bare, calls, app_table, clone_table))
            item = next(
                a["Put"]["Item"] for op, p in calls if op == "TransactWriteItems" for a in p["TransactItems"]
                if "Put" in a and a["Put"]["Item"]["sk"]["S"] == "COMMENT"
            )
            put_seconds = timed(lambda: bare.put_item(TableName=clone_table, Item={**item, "sk": {"S": "PUTONLY"}}))
            submit.append(app_seconds), submit_bare.append(replay_seconds), put_one.append(put_seconds)
            calls_per_submit.append(calls)

            list_seconds, list_calls = handle(common.listing_event(TARGET_POST), 200)
            list_replay = timed(lambda: replay(bare, list_calls, app_table, app_table))
            listing.append(list_seconds), listing_bare.append(list_replay)
            calls_per_listing.append(list_calls)

        # Request units: one more submission, its calls replayed into an untouched table with capacity on.
        _, calls = handle(common.submit_event(99_999, tag=f"u{stamp}"), 201)
        raw = replay(bare, calls, app_table, units_table, ReturnConsumedCapacity="INDEXES")
        unit_answers = list(zip([op for op, _ in calls], raw))
        submit_rru_computed = computed_read_units(calls, raw)
        _, list_calls = handle(common.listing_event(TARGET_POST), 200)
        raw = replay(bare, list_calls, app_table, app_table, ReturnConsumedCapacity="INDEXES")
        list_answers = list(zip([op for op, _ in list_calls], raw))
        listing_rru_computed = computed_read_units(list_calls, raw)

    def shape(calls: list[tuple[str, dict]]) -> str:
        return " + ".join(op for op, _ in calls)

    submit_shapes = {shape(c) for c in calls_per_submit}
    listing_shapes = {shape(c) for c in calls_per_listing}
    submit_writes, submit_reads = capacity(unit_answers)
    listing_writes, listing_reads = capacity(list_answers)
    med = common.median
    steady_calls = [c for c in calls_per_submit if not any(op == "GetItem" for op, _ in c)] or calls_per_submit
    return {
        "rounds": rounds,
        "seeded": seeded,
        "submit": med(submit),
        "submit_p95": common.percentile(submit, 95),
        "submit_replay": med(submit_bare),
        "put_item": med(put_one),
        "submit_ratio": med(submit) / med(submit_bare),
        "submit_put_ratio": med(submit) / med(put_one),
        "submit_calls": sorted(submit_shapes),
        "submit_writes_per_comment": med([sum(op in ("TransactWriteItems", "PutItem", "UpdateItem") for op, _ in c) for c in steady_calls]),
        "submit_reads_per_comment": med([sum(op in ("BatchGetItem", "GetItem", "Query") for op, _ in c) for c in steady_calls]),
        "transaction_items": med([len(p["TransactItems"]) for c in steady_calls for op, p in c if op == "TransactWriteItems"]),
        "submit_wru_reported": submit_writes,
        "submit_rru_reported": submit_reads,
        "submit_wru_computed": computed_write_units(calls, index_projections()),
        "submit_rru_computed": submit_rru_computed,
        "listing": med(listing),
        "listing_p95": common.percentile(listing, 95),
        "listing_replay": med(listing_bare),
        "listing_ratio": med(listing) / med(listing_bare),
        "listing_calls": sorted(listing_shapes),
        "listing_rru_reported": listing_reads,
        "listing_rru_computed": listing_rru_computed,
    }


def markdown(r: dict) -> str:
    ms, x = common.ms, common.ratio
    rows = [
        ["POST /sites/demo/comments through app.app", ms(r["submit"]), ms(r["submit_p95"]), x(r["submit"], r["submit_replay"])],
        ["the same DynamoDB calls, bare boto3 (baseline)", ms(r["submit_replay"]), "", "1.00×"],
        ["one bare put_item of the comment item", ms(r["put_item"]), "", x(r["put_item"], r["submit_replay"])],
        [f"GET listing of a post with {TARGET_COMMENTS} approved comments", ms(r["listing"]), ms(r["listing_p95"]), x(r["listing"], r["listing_replay"])],
        ["the same DynamoDB calls, bare boto3 (baseline)", ms(r["listing_replay"]), "", "1.00×"],
    ]
    computed = r["submit_wru_computed"]
    return (
        common.table([f"warm, {r['rounds']} rounds interleaved", "median", "p95", "vs its bare calls"], rows)
        + f"\n\n- Submission overhead goal ≤ {SUBMIT_GOAL}×: {common.verdict(r['submit_ratio'], SUBMIT_GOAL)} "
        + f"({r['submit_ratio']:.2f}×); against one bare put_item: {r['submit_put_ratio']:.2f}×.\n"
        + f"- DynamoDB calls per accepted comment: {', '.join(r['submit_calls'])} "
        + f"({r['submit_writes_per_comment']:g} write, {r['submit_reads_per_comment']:g} read; the site's "
        + "settings come from a one-minute in-process cache; when it is cold they ride in the same BatchGetItem). Goal one write, "
        + f"at most one read: {'met' if r['submit_writes_per_comment'] <= 1 and r['submit_reads_per_comment'] <= 1 else '**not met**'}. "
        + f"The write is one TransactWriteItems of {r['transaction_items']:g} items.\n"
        + f"- Request units per comment as DynamoDB Local reports them: {r['submit_wru_reported']:g} WRU, "
        + f"{r['submit_rru_reported']:g} RRU (it leaves out GSI writes inside transactions). By DynamoDB's "
        + f"published rules from the item sizes: {computed['table']} WRU on the table (2 per KB per transactional "
        + f"item) + {computed['indexes']} WRU of GSI entries = **{computed['total']} WRU** per comment, and "
        + f"**{r['submit_rru_computed']:g} RRU** for its read (DynamoDB Local reports 0 for keys it does not find; "
        + "DynamoDB charges 0.5 RRU per key).\n"
        + f"- Public listing: {', '.join(r['listing_calls'])}; {r['listing_rru_reported']:g} RRU per page as reported, "
        + f"**{r['listing_rru_computed']:g} RRU** by the rules. The Query asks for one item more than the page, so a "
        + "post with exactly a page of comments gets no cursor and needs no second read for its count.\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--endpoint", help="an already running DynamoDB Local (else one is started)")
    args = parser.parse_args(argv)
    secret_file = common.new_secret_file(common.scratch_dir("warm"))
    if args.endpoint:
        result = measure(args.endpoint, secret_file, args.rounds)
    else:
        with common.dynamodb_local() as endpoint:
            result = measure(endpoint, secret_file, args.rounds)
    print(markdown(result))
    common.emit(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
