"""What a cold submission loads: a fresh process answers one POST (DynamoDB Local) without what it never uses."""
from __future__ import annotations

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

CHILD = r"""
import json, sys

import app
from chalice.test import Client
from chalicelib import wiring
from chalicelib.models import Site

wiring.setup_store().create_table()
wiring.store().put_site(Site(slug="blog", origins=["https://blog.example"]))
body = {"post_id": "p1", "author": "Ada", "email": sys.argv[1], "content": "A thoughtful remark on the post."}
with Client(app.app) as client:
    answer = client.http.post("/sites/blog/comments", body=json.dumps(body),
                              headers={"Content-Type": "application/json", "Origin": "https://blog.example"})
print(json.dumps({"status": answer.status_code,
                  "loaded": sorted(m for m in sys.modules if m.startswith(("chalicelib", "email_validator", "ulid", "boto3")))}))
"""


def _submit(tmp_path, endpoint: str, email: str) -> dict:
    import uuid

    from chalicelib.signing import create_secret_file

    secret = tmp_path / "secret"
    create_secret_file(str(secret))
    env = dict(os.environ)
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
               DYNAMODB_ENDPOINT_URL=endpoint, REPLYBOX_TABLE=f"cold{uuid.uuid4().hex[:8]}", REPLYBOX_SECRET_FILE=str(secret))
    env.pop("AWS_PROFILE", None)
    done = subprocess.run([sys.executable, "-c", CHILD, email], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_submission_builds_no_moderator_models_and_loads_no_email_validator_or_boto3(tmp_path, ddb_local_endpoint):
    out = _submit(tmp_path, ddb_local_endpoint, "ada@example.com")
    assert out["status"] == 201
    assert "chalicelib.moderation" in out["loaded"] and "chalicelib.models" in out["loaded"]  # it did run
    assert "chalicelib.views" not in out["loaded"]
    assert "email_validator" not in out["loaded"]
    assert "ulid" not in out["loaded"]
    assert "boto3" not in out["loaded"]  # botocore's own session and client (wiring.aws_session)


def test_an_internationalised_address_is_still_checked_by_email_validator(tmp_path, ddb_local_endpoint):
    out = _submit(tmp_path, ddb_local_endpoint, "ada@bücher.example")
    assert out["status"] == 201
    assert "email_validator" in out["loaded"]


def test_a_new_id_is_the_ulid_python_ulid_reads_back():
    from ulid import ULID

    from chalicelib.moderation import new_id

    for now in (1_790_000_000.0, 1_790_000_000.123456, 0.0, 281_474_976_710.655):
        made = new_id(now)
        assert len(made) == 26 and str(ULID.from_str(made)) == made
        assert ULID.from_str(made).milliseconds == int(now * 1000)
    same_millisecond = [new_id(1_790_000_000.0) for _ in range(50)]
    assert same_millisecond == sorted(set(same_millisecond))  # distinct, in the order they were made
    assert new_id(1_790_000_000.0) < new_id(1_790_000_000.002)  # time-ordered
    assert new_id(1_790_000_000.003)[10:] != new_id(1_790_000_000.004)[10:]  # a new millisecond: fresh random bits
