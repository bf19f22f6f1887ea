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
    from chalicelib.signing import create_secret_file

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
                  "--spam-retention-days", "7", "--spam-memory-days", "45")
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
    assert site["spam_retention_days"]["N"] == "7" and site["spam_memory_days"]["N"] == "45"
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


def test_create_site_refuses_an_existing_site_and_update_changes_only_what_is_given(manage):
    assert manage("create-table").returncode == 0
    assert manage("create-site", "blog", "--origin", "https://blog.example", "--moderation", "auto",
                  "--flood-seconds", "5").returncode == 0
    again = manage("create-site", "blog", "--origin", "https://other.example")
    assert again.returncode == 1 and "--update" in again.stderr
    updated = manage("create-site", "blog", "--update", "--moderation", "all")
    assert updated.returncode == 0, updated.stderr
    site = json.loads(manage("show-site", "blog").stdout)
    assert site["origins"] == ["https://blog.example"]  # kept: not given
    assert site["moderation"] == "all" and site["flood_seconds"] == 5
    assert manage("create-site", "nosuch", "--update", "--moderation", "all").returncode == 1
    assert manage("create-site", "fresh").returncode == 2  # a new site needs an origin


def test_moderator_mail_settings_default_to_a_digest_and_are_changed_by_update(manage):
    assert manage("create-table").returncode == 0
    assert manage("create-site", "blog", "--origin", "https://blog.example").returncode == 0
    site = json.loads(manage("show-site", "blog").stdout)
    assert (site["digest_minutes"], site["digest_after"]) == (30, 5)
    assert manage("create-site", "blog", "--update", "--digest-minutes", "0").returncode == 0
    site = json.loads(manage("show-site", "blog").stdout)
    assert (site["digest_minutes"], site["digest_after"]) == (0, 5)  # a mail per comment; the other kept
    for option, value in (("--digest-minutes", "1441"), ("--digest-minutes", "-1"), ("--digest-after", "-2")):
        refused = manage("create-site", "blog", "--update", option, value)
        assert refused.returncode == 2 and option in refused.stderr
    assert json.loads(manage("show-site", "blog").stdout)["digest_minutes"] == 0


def test_the_script_setting_is_set_cleared_and_checked(manage):
    assert manage("create-table").returncode == 0
    assert manage("create-site", "blog", "--origin", "https://blog.example").returncode == 0
    assert json.loads(manage("show-site", "blog").stdout)["expected_scripts"] == []  # off by default
    assert manage("create-site", "blog", "--update", "--script", "Latin", "--script", "Greek").returncode == 0
    assert json.loads(manage("show-site", "blog").stdout)["expected_scripts"] == ["Latin", "Greek"]
    wrong = manage("create-site", "blog", "--update", "--script", "La tin")
    assert wrong.returncode == 2 and "--script" in wrong.stderr and "Traceback" not in wrong.stderr
    assert manage("create-site", "blog", "--update", "--script", "any").returncode == 0
    assert json.loads(manage("show-site", "blog").stdout)["expected_scripts"] == []


def test_show_add_and_remove_origins_never_the_last(manage):
    assert manage("create-table").returncode == 0
    assert manage("create-site", "blog", "--origin", "https://blog.example").returncode == 0
    shown = manage("show-site", "blog")
    assert shown.returncode == 0
    from chalicelib.models import Site

    site = json.loads(shown.stdout)
    assert set(site) == set(Site.model_fields)  # every setting of the site
    assert site["origins"] == ["https://blog.example"] and site["moderation"] == "trusted"
    assert site["flood_seconds"] == 15 and site["post_url_template"] == "{origin}/?p={post_id}"
    assert manage("show-site", "nosuch").returncode == 1
    assert manage("add-origin", "blog", "http://localhost:4000/some/page").returncode == 0
    assert manage("add-origin", "blog", "http://localhost:4000").returncode == 0  # already there: no change
    assert json.loads(manage("show-site", "blog").stdout)["origins"] == ["https://blog.example", "http://localhost:4000"]
    assert manage("add-origin", "blog", "javascript:alert(1)").returncode == 2
    assert manage("remove-origin", "blog", "https://nope.example").returncode == 1
    assert manage("remove-origin", "blog", "https://blog.example").returncode == 0
    last = manage("remove-origin", "blog", "http://localhost:4000")
    assert last.returncode == 1 and "last origin" in last.stderr
    assert json.loads(manage("show-site", "blog").stdout)["origins"] == ["http://localhost:4000"]


def test_local_environment_is_make_runs_and_explicit_settings_win():
    from scripts.local_env import ROOT as root
    from scripts.local_env import local_environment

    assert local_environment({}) == {
        "DATA_DIR": os.path.join(root, ".data"), "DYNAMODB_ENDPOINT_URL": "http://127.0.0.1:8001",
        "REPLYBOX_SECRET_FILE": os.path.join(root, ".data", "secret"), "AWS_DEFAULT_REGION": "us-east-1"}
    moved = local_environment({"DDB_PORT": "9001", "DATA_DIR": "/srv/rb"})
    assert moved["DYNAMODB_ENDPOINT_URL"] == "http://127.0.0.1:9001" and moved["REPLYBOX_SECRET_FILE"] == "/srv/rb/secret"
    explicit = local_environment({"DYNAMODB_ENDPOINT_URL": "http://db:8000", "REPLYBOX_SECRET_FILE": "/k",
                                  "AWS_DEFAULT_REGION": "eu-west-1"})
    assert explicit["DYNAMODB_ENDPOINT_URL"] == "http://db:8000" and explicit["REPLYBOX_SECRET_FILE"] == "/k"
    assert explicit["AWS_DEFAULT_REGION"] == "eu-west-1"
    assert local_environment({"REPLYBOX_SECRET_PARAMETER": "/replybox/prod/secret"}) == {}  # on AWS


def local_manage(stack, *args, **env):
    """manage.py as a person runs it beside `make run`: from the project root, nothing exported but what
    `make run` itself was given (DDB_PORT, DATA_DIR)."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("AWS_", "REPLYBOX_", "DYNAMODB_")) and k not in ("DATA_DIR", "DDB_PORT")}
    clean.update({"DDB_PORT": str(stack.ddb_port), "DATA_DIR": stack.data_dir, **env})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=60)


def test_manage_reaches_the_local_stack_with_no_exports(local_stack):
    from tests.integration.test_local_stack import request

    shown = local_manage(local_stack, "show-site", "demo")
    assert shown.returncode == 0, shown.stderr
    assert local_stack.url in json.loads(shown.stdout)["origins"]
    made = local_manage(local_stack, "create-token", "demo", "--name", "probe")
    assert made.returncode == 0, made.stderr
    try:  # the same secret as the server's: the token it printed works there
        status, _, _ = request(f"{local_stack.url}/sites/demo/moderation/comments",
                               headers={"Authorization": f"Bearer {made.stdout.strip()}"})
        assert status == 200
    finally:
        assert local_manage(local_stack, "revoke-token", "demo", "probe").returncode == 0


def test_unreachable_dynamodb_names_the_endpoint_it_tried(local_stack):
    from scripts import dynamodb_local

    port = dynamodb_local.free_port()
    for command in (["show-site", "demo"], ["create-table"]):
        result = local_manage(local_stack, *command, DDB_PORT=str(port))
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert f"http://127.0.0.1:{port}" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_origin_changes_apply_at_once_on_make_runs_server(local_stack):
    from tests.integration.test_local_stack import request

    origin = f"https://new-{uuid.uuid4().hex[:8]}.example"

    def allowed() -> bool:
        _, headers, _ = request(f"{local_stack.url}/sites/demo/counts?post_id=1", headers={"Origin": origin})
        return headers.get("Access-Control-Allow-Origin") == origin

    assert not allowed()  # and the site is now in the server's cache
    assert local_manage(local_stack, "add-origin", "demo", origin).returncode == 0
    try:
        assert allowed()
    finally:
        assert local_manage(local_stack, "remove-origin", "demo", origin).returncode == 0
    assert not allowed()
