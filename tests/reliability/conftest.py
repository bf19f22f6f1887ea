"""Fixtures of the reliability suite: a fuzzing site on the real local stack, and a DynamoDB Local of our own."""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass

import pytest

from tests.api.conftest import api, app_service, guard, moderator_token  # noqa: F401 - the API suite's fixtures
from tests.conftest import ROOT


@dataclass
class FuzzTarget:
    """The running `make run` stack with a site for fuzzing (flood control off) and its tokens."""

    url: str
    site: str
    token: str
    other_token: str  # a valid token of another site: 403 on `site`
    comment_ids: list


def manage(stack, *args: str) -> str:
    """Run manage.py against the stack's DynamoDB Local, as an operator would."""
    env = {
        **stack.env(),
        "DYNAMODB_ENDPOINT_URL": f"http://127.0.0.1:{stack.ddb_port}",
        "REPLYBOX_SECRET_FILE": os.path.join(stack.data_dir, "secret"),
        "AWS_ACCESS_KEY_ID": "replybox",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    done = subprocess.run(
        [sys.executable, os.path.join(ROOT, "manage.py"), *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture(scope="session")
def fuzz_target(local_stack):
    """Site `fuzz` (moderation auto, flood 0) on the local stack, a moderator token, a few comments."""
    import json
    import urllib.request

    manage(local_stack, "create-site", "fuzz", "--origin", local_stack.url, "--flood-seconds", "0",
           "--moderation", "all", "--post-url-template", "{origin}/demo")
    manage(local_stack, "create-site", "fuzz-other", "--origin", local_stack.url, "--flood-seconds", "0")
    token = manage(local_stack, "create-token", "fuzz", "--name", "fuzzer").splitlines()[-1]
    other = manage(local_stack, "create-token", "fuzz-other", "--name", "fuzzer").splitlines()[-1]
    ids = []
    for i in range(5):
        body = json.dumps({"post_id": "p1", "author": f"Seed {i}", "email": f"seed{i}@example.com",
                           "content": f"Seed comment number {i}"}).encode()
        request = urllib.request.Request(f"{local_stack.url}/sites/fuzz/comments", data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            ids.append(json.loads(answer.read())["id"])
    return FuzzTarget(local_stack.url, "fuzz", token, other, ids)
