"""The benchmarks run: each with minimal sizes, through bench/run.py. No timing is asserted here."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.ddblocal


def test_every_benchmark_runs_and_writes_its_report(tmp_path):
    out = tmp_path / "BENCHMARKS.md"
    done = subprocess.run(
        [sys.executable, os.path.join(ROOT, "bench", "run.py"), "--quick", "--skip-spam", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = out.read_text()
    for section in ("## Summary", "## 1. Cold start", "## 2. Warm requests", "## 3. Flat at scale",
                    "## 5. Memory and size", "## 6. Cost", "## 7. Hot keys at a viral post",
                    "## 8. Rendering a comment"):
        assert section in report
    assert "failed (exit" not in report
    assert "cold start vs boto3 + put_item" in done.stdout
    assert "hottest DynamoDB key at a viral post" in done.stdout
    assert "% of partition limit" in report and "per million page views" in report


def test_replay_aims_every_call_at_the_clone():
    from bench.common import retarget

    call = {
        "TransactItems": [{"Put": {"TableName": "app", "Item": {"pk": {"S": "x"}}}}],
        "RequestItems": {"app": {"Keys": [{"pk": {"S": "TableName"}}]}},
    }
    moved = retarget(call, "app", "clone")
    assert moved["TransactItems"][0]["Put"]["TableName"] == "clone"
    assert list(moved["RequestItems"]) == ["clone"]
    assert moved["RequestItems"]["clone"]["Keys"] == [{"pk": {"S": "TableName"}}]


def test_item_size_follows_dynamodb_rules():
    from bench.common import item_size

    # name bytes + value bytes: "pk" + "abc" = 5; "n" + 1 + ceil(3 digits / 2) = 4; "b" + 1 = 2
    assert item_size({"pk": {"S": "abc"}}) == 5
    assert item_size({"n": {"N": "123"}}) == 4
    assert item_size({"b": {"BOOL": True}}) == 2


def test_hot_key_patterns_group_ids_and_hashes_of_one_kind():
    from bench.hotkeys import key_pattern

    assert key_pattern("COMMENT#demo#01J9Z3Q4K5M6N7P8Q9R0S1T2V3") == "COMMENT#{site}#{id}"
    assert key_pattern("DUP#demo#viral-post#0123456789abcdef0123") == "DUP#{site}#{post}#{hash}"
    assert key_pattern("QUEUE#demo#pending#3") == "QUEUE#{site}#pending#{shard}"
    assert key_pattern("COUNT#demo#viral-post#7") == "COUNT#{site}#{post}#{shard}"


def test_hot_key_load_scales_each_kind_by_its_rate():
    from bench.hotkeys import key_loads

    result = {
        "sizes": {"submissions": 10, "approvals": 5, "views": 100},
        "units": {
            "submission": {("queue", "QUEUE#demo#pending", "write"): 20.0},
            "view": {("public", "POST#demo#viral-post", "read"): 50.0},
        },
    }
    loads = key_loads(result, hit_ratio=0.9)
    assert loads[("queue", "QUEUE#{site}#pending")]["write"] == 2.0 * 1_000  # 2 WCU a comment at 1,000/s
    assert abs(loads[("public", "POST#{site}#{post}")]["read"] - 0.5 * 10_000) < 1e-6  # 10% of 100,000 views/s


def test_the_render_benchmark_compares_before_and_now(tmp_path):
    done = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "bench_render.py"), "--quick"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "| `**a ` (a ** that never closes) |" in done.stdout and "slowest 64 KiB comment, before / now:" in done.stdout
    assert '"slowest_before"' in done.stdout  # the RESULT line bench/run.py reads
