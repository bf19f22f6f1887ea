"""A 5-second run of bench/soak.py: mixed routes from 4 threads, zero 5xx. Time is not asserted."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.ddblocal


def test_five_second_soak_has_no_server_errors(ddb_local_endpoint):
    env = {k: v for k, v in os.environ.items() if k != "DYNAMODB_ENDPOINT_URL"}
    done = subprocess.run(
        [sys.executable, os.path.join(ROOT, "bench", "soak.py"), "--seconds", "5", "--threads", "4",
         "--endpoint", ddb_local_endpoint, "--out", "-", "--json"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["server_errors"] == 0, result["statuses"]
    assert not result["harness_errors"], result["harness_errors"]
    assert result["requests"] > 0 and done.returncode == 0
    assert {"submit json", "public list", "moderation queue"} <= set(result["routes"])
