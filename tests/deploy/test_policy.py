"""The Lambda policies grant exactly the DynamoDB actions the code performs, on exactly the table.

Every operation the code sends is collected through botocore's event hooks on moto while each Store and
Service path runs (and the stream handler, for its own role). IAM authorizes the items of a
TransactWriteItems by their own actions (Put -> PutItem, ConditionCheck -> ConditionCheckItem, ...), so
a transaction counts as those.
"""
from __future__ import annotations

import json

import pytest

from chalicelib import errors
from tests.conftest import approving_engine, comment_data, make_service, make_site

TRANSACT = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem"}
ADMIN_ONLY = {"CreateTable", "DescribeTable", "UpdateTimeToLive", "DescribeTimeToLive", "ListTables", "DeleteTable"}
STREAM_READ = {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"}


class Calls:
    """IAM actions implied by the DynamoDB requests a client sends, and the tables they touch."""

    def __init__(self, client):
        self.client = client
        self.actions: set[str] = set()
        self.tables: set[str] = set()
        self.indexes: set[str] = set()
        client.meta.events.register("before-parameter-build.dynamodb", self.record)

    def record(self, params, model, **_):
        name = model.name
        if name == "TransactWriteItems":
            for item in params["TransactItems"]:
                (kind, op), = item.items()
                self.actions.add("dynamodb:" + TRANSACT[kind])
                self.tables.add(op["TableName"])
            return
        self.actions.add("dynamodb:" + name)
        if "RequestItems" in params:
            self.tables.update(params["RequestItems"])
        if "TableName" in params:
            self.tables.add(params["TableName"])
        if "IndexName" in params:
            self.indexes.add(params["IndexName"])

    def close(self):
        self.client.meta.events.unregister("before-parameter-build.dynamodb", self.record)


def statements(template, role):
    """The role's policy statements, with conditional ones (Fn::If) taken as granted."""
    (policy,) = template["Resources"][role]["Properties"]["Policies"]
    out = []
    for statement in policy["PolicyDocument"]["Statement"]:
        if "Fn::If" in statement:
            statement = statement["Fn::If"][1]
        out.append(statement)
    return out


def granted(template, role, prefix="dynamodb:"):
    actions = set()
    for statement in statements(template, role):
        assert statement["Effect"] == "Allow"
        actions.update(a for a in _list(statement["Action"]) if a.startswith(prefix))
    return actions


def _list(value):
    return value if isinstance(value, list) else [value]


def table_statement(template, role):
    (statement,) = [s for s in statements(template, role) if s.get("Sid") == "ReplyboxTable"]
    return statement


def exercise_every_api_path(store, keyring, clock, http=None):
    """Each Service path the API Lambda runs: submit (reply, idempotency, duplicate, flood), reading,
    the queue, every action, delete, bulk, erase, token checks."""
    service = make_service(store, keyring, clock)
    auto = make_service(store, keyring, clock, engine=approving_engine)
    service.form_token("blog")  # site read (GetItem)
    first = service.submit("blog", comment_data(), ip="203.0.113.9", user_agent="UA", idempotency_key="k1")
    service.submit("blog", comment_data(), ip="203.0.113.9", user_agent="UA", idempotency_key="k1")  # replay
    with pytest.raises(errors.FloodError):
        service.submit("blog", comment_data(content="again, fast"), ip="203.0.113.9")
    clock.advance(60)
    with pytest.raises(errors.DuplicateError):
        service.submit("blog", comment_data(), ip="203.0.113.9")
    parent = auto.submit("blog", comment_data(email="bo@example.com", content="approved at once"), ip="203.0.113.8")
    clock.advance(60)
    auto.submit("blog", comment_data(email="cy@example.com", content="a reply", parent_id=parent.result.id), ip="203.0.113.7")
    service.list_public("blog", "hello-world", limit=1)
    service.counts("blog", ["hello-world", "other"])
    service.queue("blog", "pending")
    service.get("blog", first.result.id)
    version = 1
    for action in ("approve", "hold", "spam", "ham", "trash", "restore"):
        version = service.act("blog", first.result.id, action, version).version
    with pytest.raises(errors.ConflictError):
        service.act("blog", first.result.id, "approve", 1)
    clock.advance(60)
    other = service.submit("blog", comment_data(email="di@example.com", content="to delete"), ip="203.0.113.6")
    service.delete("blog", other.result.id)
    clock.advance(60)
    more = [service.submit("blog", comment_data(email=f"e{i}@example.com", content=f"bulk {i}"), ip=f"203.0.113.{20 + i}")
            for i in range(2)]
    service.bulk("blog", "spam", [more[0].result.id])
    service.bulk("blog", "delete", [more[1].result.id])
    service.erase("blog", "ada@example.com")
    token = "mod-token-" + "b" * 40
    store.put_token("blog", "ann", keyring.token_hash(token))
    return service, token


@pytest.fixture
def collected(moto_store, keyring, clock, monkeypatch):
    """(API calls, admin calls) on moto. Admin: what manage.py does (create-table, create-site, tokens)."""
    from chalice.test import Client

    from chalicelib import wiring
    from chalicelib.links import make_link_token
    from tests.conftest import ROOT

    admin = Calls(moto_store.client)
    from chalicelib.storage import DynamoStore

    DynamoStore(moto_store.client, moto_store.table + "-new").create_table()  # `manage.py create-table`
    make_site(moto_store, moderation="auto")  # the approving engine's comments go public at once
    admin.close()
    api = Calls(moto_store.client)
    service, token = exercise_every_api_path(moto_store, keyring, clock)
    api.close()
    admin_tokens = Calls(moto_store.client)
    moto_store.put_token("blog", "bob", keyring.token_hash("x" * 40))
    moto_store.revoke_token("blog", "bob")
    admin_tokens.close()
    _reopen(api)
    service.authenticate("blog", token)
    # The mailed links, through the routes (they run in the API Lambda too).
    monkeypatch.setattr(wiring, "service", lambda: service)
    monkeypatch.setattr(wiring, "keyring", lambda: keyring)
    import time

    pending = service.submit("blog", comment_data(email="fy@example.com", content="by link"), ip="203.0.113.5")
    link = make_link_token(keyring, "blog", pending.result.id, "approve", 1, time.time())
    import app as application

    with Client(application.app, project_dir=ROOT) as client:
        assert client.http.get(f"/sites/blog/moderation/links/{link}").status_code == 200
        assert client.http.post(f"/sites/blog/moderation/links/{link}", headers={"content-type": "application/x-www-form-urlencoded"}).status_code == 200
    api.close()
    return api, admin, admin_tokens


def _reopen(calls):
    calls.client.meta.events.register("before-parameter-build.dynamodb", calls.record)
    return calls


def test_api_policy_is_exactly_what_the_api_code_calls(template, collected, moto_store):
    api, _, _ = collected
    assert granted(template, "ApiHandlerRole") == api.actions
    assert api.tables == {moto_store.table}
    assert api.indexes == {"public", "queue", "email"}


def test_admin_operations_are_not_in_any_lambda_policy(template, collected):
    _, admin, admin_tokens = collected
    admin_only = {a for a in admin.actions if a.split(":")[1] in ADMIN_ONLY}
    assert {"dynamodb:CreateTable", "dynamodb:UpdateTimeToLive"} <= admin_only
    for role in ("ApiHandlerRole", "NotifyModeratorsRole"):
        assert not granted(template, role) & {"dynamodb:" + a for a in ADMIN_ONLY}
    # Token management (manage.py) needs nothing the API does not hold already.
    assert admin_tokens.actions <= granted(template, "ApiHandlerRole")


def test_notify_policy_is_exactly_what_the_stream_handler_calls(template, notifier, stream, streamed_store, keyring, clock):
    from chalicelib.mail import ReplyMailer
    from tests.conftest import make_service

    make_site(streamed_store)  # the default digest settings: the comment is mailed at once (one waits)
    make_site(streamed_store, "always", digest_after=0)  # its comment goes into a digest window
    make_service(streamed_store, keyring, clock).submit("blog", comment_data(subscribe_comments="on"), ip="203.0.113.9")
    make_service(streamed_store, keyring, clock).submit("always", comment_data(), ip="203.0.113.9")
    event = stream.event()
    # A count change its request could not settle (chalicelib/notify.py): settled here, in a transaction.
    from chalicelib.storage import count_due_key, marshal

    due = {**count_due_key("blog", "01J0000000000000000000000A", "2"), "site": "blog", "post_id": "hello-world", "delta": 1}
    streamed_store.client.put_item(TableName=streamed_store.table, Item=marshal(due))
    event["Records"].append({"eventName": "INSERT", "dynamodb": {"NewImage": marshal(due), "SequenceNumber": "9" * 21}})
    calls = Calls(streamed_store.client)
    sent: list[str] = []
    notifier.mailer = ReplyMailer(streamed_store, keyring, lambda **mail: sent.append(mail["to"]), "https://x.example")
    notifier.handle(event)
    notifier.handle(event)  # repeated delivery: the marker read
    calls.close()
    assert sent == ["ada@example.com"]  # the confirmation mail, once
    table_actions = set(_list(table_statement(template, "NotifyModeratorsRole")["Action"]))
    # UpdateItem: the per-site daily cap of readers' mails (an ADD under a condition), settling a count
    # (the COUNTDUE item marked, a COUNT shard added to, in one transaction), a mail's marker claimed and
    # the digest window's ADD; BatchGetItem / BatchWriteItem: the batch's markers; Query: how many wait
    assert table_actions == calls.actions == {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                                              "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:Query"}
    assert calls.tables == {streamed_store.table} and calls.indexes == {"queue"}
    # Besides the table: reading the stream (done by Lambda's poller with this role), nothing else.
    assert granted(template, "NotifyModeratorsRole") == calls.actions | STREAM_READ


def test_resources_are_the_table_and_its_indexes_only(template):
    table = {"Fn::GetAtt": ["ReplyboxTable", "Arn"]}
    indexes = {"Fn::Sub": "${ReplyboxTable.Arn}/index/*"}
    assert table_statement(template, "ApiHandlerRole")["Resource"] == [table, indexes]
    assert table_statement(template, "NotifyModeratorsRole")["Resource"] == [
        table, {"Fn::Sub": "${ReplyboxTable.Arn}/index/queue"}]  # counting the pending: the queue index only
    for role in ("ApiHandlerRole", "NotifyModeratorsRole"):
        for statement in statements(template, role):
            assert statement["Resource"] != "*" and "*" not in _list(statement["Resource"])
            if any(a in STREAM_READ for a in _list(statement["Action"])):
                assert statement["Resource"] in (
                    {"Fn::GetAtt": ["ReplyboxTable", "StreamArn"]},
                    {"Fn::Sub": "${ReplyboxTable.Arn}/stream/*"},
                )


def test_secret_topic_and_key_grants(template):
    for role in ("ApiHandlerRole", "NotifyModeratorsRole"):
        by_action = {a: s for s in statements(template, role) for a in _list(s["Action"])}
        assert by_action["ssm:GetParameter"]["Resource"]["Fn::Sub"].endswith(":parameter${SecretParameterName}")
        assert by_action["kms:Decrypt"]["Resource"] == {"Ref": "SecretKmsKeyArn"}
        assert "kms:ViaService" in json.dumps(by_action["kms:Decrypt"]["Condition"])
        assert not any(a.startswith(("ssm:", "kms:")) and a not in ("ssm:GetParameter", "kms:Decrypt") for a in by_action)
    api = {a for s in statements(template, "ApiHandlerRole") for a in _list(s["Action"])}
    notify = {a: s for s in statements(template, "NotifyModeratorsRole") for a in _list(s["Action"])}
    assert not any(a.startswith(("sns:", "sqs:")) for a in api)
    assert notify["sns:Publish"]["Resource"] == {"Ref": "ModeratorTopic"}
    assert notify["sqs:SendMessage"]["Resource"] == {"Fn::GetAtt": ["NotifyFailures", "Arn"]}
    # readers' mails: SES for the configured verified sender only, and only when one is configured
    (policy,) = template["Resources"]["NotifyModeratorsRole"]["Properties"]["Policies"]
    (mail,) = [s for s in policy["PolicyDocument"]["Statement"] if s.get("Fn::If", [None])[0] == "HasMailFrom"]
    condition, grant, absent = mail["Fn::If"]
    assert condition == "HasMailFrom" and absent == {"Ref": "AWS::NoValue"}
    assert grant["Action"] == ["ses:SendEmail"]
    assert grant["Resource"]["Fn::Sub"].endswith(":identity/${MailIdentity}")
    assert grant["Condition"] == {"StringEquals": {"ses:FromAddress": {"Ref": "MailFrom"}}}
    assert not any(a.startswith("ses:") for a in api)


def test_every_granted_dynamodb_action_is_a_real_one(template):
    import botocore.session

    operations = set(botocore.session.get_session().get_service_model("dynamodb").operation_names)
    operations |= {"ConditionCheckItem"} | {"DescribeStream", "GetRecords", "GetShardIterator", "ListStreams"}
    for role in ("ApiHandlerRole", "NotifyModeratorsRole"):
        assert {a.split(":")[1] for a in granted(template, role)} <= operations
