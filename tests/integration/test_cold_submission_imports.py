"""What a cold submission loads: a fresh process answers one POST without the models it never uses."""
from __future__ import annotations

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

CHILD = r"""
import json, os, sys
from moto import mock_aws

with mock_aws():
    import app
    from chalice.test import Client
    from chalicelib import wiring
    from chalicelib.models import Site

    wiring.store().create_table()
    wiring.store().put_site(Site(slug="blog", origins=["https://blog.example"]))
    body = {"post_id": "p1", "author": "Ada", "email": sys.argv[1], "content": "A thoughtful remark on the post."}
    with Client(app.app) as client:
        answer = client.http.post("/sites/blog/comments", body=json.dumps(body),
                                  headers={"Content-Type": "application/json", "Origin": "https://blog.example"})
    print(json.dumps({"status": answer.status_code, "loaded": sorted(m for m in sys.modules if m.startswith(("chalicelib", "email_validator", "ulid")))}))
"""


def _submit(tmp_path, email: str) -> dict:
    from chalicelib.signing import create_secret_file

    secret = tmp_path / "secret"
    create_secret_file(str(secret))
    env = {k: v for k, v in os.environ.items() if k != "DYNAMODB_ENDPOINT_URL"}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
               REPLYBOX_TABLE="cold", REPLYBOX_SECRET_FILE=str(secret))
    env.pop("AWS_PROFILE", None)
    done = subprocess.run([sys.executable, "-c", CHILD, email], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_submission_builds_no_moderator_models_and_loads_no_email_validator(tmp_path):
    out = _submit(tmp_path, "ada@example.com")
    assert out["status"] == 201
    assert "chalicelib.moderation" in out["loaded"] and "chalicelib.models" in out["loaded"]  # it did run
    assert "chalicelib.views" not in out["loaded"]
    assert "email_validator" not in out["loaded"]
    assert "ulid" not in out["loaded"]


def test_an_internationalised_address_is_still_checked_by_email_validator(tmp_path):
    out = _submit(tmp_path, "ada@bücher.example")
    assert out["status"] == 201
    assert "email_validator" in out["loaded"]


def test_a_new_id_is_the_ulid_python_ulid_reads_back():
    from ulid import ULID

    from chalicelib.moderation import new_id

    for now in (1_790_000_000.0, 1_790_000_000.123456, 0.0, 281_474_976_710.655):
        made = new_id(now)
        assert len(made) == 26 and str(ULID.from_str(made)) == made
        assert ULID.from_str(made).milliseconds == int(now * 1000)
    assert new_id(1_790_000_000.0) != new_id(1_790_000_000.0)  # 80 random bits
    assert new_id(1_790_000_000.0) < new_id(1_790_000_000.002)  # time-ordered
