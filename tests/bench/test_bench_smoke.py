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
                    "## 5. Memory and size", "## 6. Cost"):
        assert section in report
    assert "failed (exit" not in report
    assert "cold start vs boto3 + put_item" in done.stdout


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
