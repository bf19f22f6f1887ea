"""manage.py as an administrator runs it, against DynamoDB Local."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest

from tests.conftest import ROOT, ddb_local_client

pytestmark = pytest.mark.ddblocal


@pytest.fixture
def manage(ddb_local_endpoint, tmp_path):
    from chalicelib.secrets import create_secret_file

    secret = tmp_path / "secret"
    create_secret_file(str(secret))
    env = {
        **os.environ,
        "DYNAMODB_ENDPOINT_URL": ddb_local_endpoint,
        "REPLYBOX_TABLE": f"manage-{uuid.uuid4().hex[:8]}",
        "REPLYBOX_SECRET_FILE": str(secret),
    }

    def run(*args, stdin=None):
        return subprocess.run(
            [sys.executable, os.path.join(ROOT, "manage.py"), *args],
            cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=60,
        )

    run.env = env
    return run


def test_table_site_and_tokens(manage, ddb_local_endpoint):
    assert manage("create-table").returncode == 0
    assert manage("create-table").returncode == 0  # again: nothing to do, no error
    made = manage("create-site", "my-blog", "--origin", "https://blog.example/", "--origin", "http://localhost:4000",
                  "--moderation", "auto", "--flood-seconds", "0", "--post-url-template", "{origin}/posts/{post_id}",
                  "--spam-retention-days", "7")
    assert made.returncode == 0, made.stderr
    assert manage("create-site", "bad", "--origin", "javascript:alert(1)").returncode == 2
    refused = manage("create-site", "bad", "--origin", "https://blog.example", "--spam-retention-days", "-1")
    assert refused.returncode == 2 and "--spam-retention-days" in refused.stderr
    token = manage("create-token", "my-blog", "--name", "alice")
    assert token.returncode == 0 and len(token.stdout.strip()) >= 43
    assert manage("create-token", "nosuch", "--name", "x").returncode == 1

    client = ddb_local_client(ddb_local_endpoint)
    table = manage.env["REPLYBOX_TABLE"]
    site = client.get_item(TableName=table, Key={"pk": {"S": "SITE#my-blog"}, "sk": {"S": "SITE"}})["Item"]
    assert [o["S"] for o in site["origins"]["L"]] == ["https://blog.example", "http://localhost:4000"]
    assert site["moderation"]["S"] == "auto" and site["flood_seconds"]["N"] == "0"
    assert site["spam_retention_days"]["N"] == "7"
    stored = json.dumps(client.query(TableName=table, KeyConditionExpression="pk = :p",
                                     ExpressionAttributeValues={":p": {"S": "SITE#my-blog"}})["Items"])
    assert token.stdout.strip() not in stored  # only a keyed hash is kept

    assert manage("revoke-token", "my-blog", "alice").returncode == 0
    assert manage("revoke-token", "my-blog", "alice").returncode == 1


def test_score_reads_json_lines_and_writes_one_verdict_each_in_order(manage):
    lines = [
        {"author": "Ann", "email": "ann@example.com", "content": "Thank you, the stretches helped my back."},
        {"author": "akismet-guaranteed-spam", "content": "x"},
        {},
        {"content": "CHECK OUT MY CHANNEL http://bit.ly/x http://bit.ly/y subscribe!!!"},
    ]
    result = manage("score", stdin="\n".join(json.dumps(line) for line in lines) + "\n")
    assert result.returncode == 0, result.stderr
    verdicts = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(verdicts) == 4
    assert all(set(v) == {"score", "decision", "reasons"} for v in verdicts)
    assert verdicts[1]["decision"] == "spam"
    assert verdicts[3]["decision"] in ("spam", "discard")
    assert verdicts[0]["decision"] in ("approve", "hold")
    for v in verdicts:
        assert all(set(r) == {"rule", "score", "detail"} for r in v["reasons"])


def test_score_reads_a_file_too(manage, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"author": "A", "content": "hello"}) + "\n")
    result = manage("score", str(path))
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 1
