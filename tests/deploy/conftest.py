"""Fixtures for the deploy tests: the packaged template, moto SNS/SQS, stream records as Lambda gets them."""
from __future__ import annotations

import json
import os

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="session")
def packaged(tmp_path_factory):
    """`make package` once per session (into a temp dir, not the shared build/): the merged template."""
    from scripts.package import package

    out = tmp_path_factory.mktemp("build")
    template = package("dev", str(out))
    return {"dir": out, "template": template, "path": out / "sam.json"}


@pytest.fixture
def template(packaged):
    return json.loads(json.dumps(packaged["template"]))


@pytest.fixture
def streamed_store(moto_store, monkeypatch):
    """The moto table with the deployed stream turned on (NEW_IMAGE), as the template defines it.

    Requests leave their count changes to the stream handler here, as when a request dies before
    settling one: moto's stream loses the records of later writes after a request settles its count
    (a second transaction right after the first), which these tests read."""
    from deploy.template import table_definition

    spec = table_definition()["StreamSpecification"]
    moto_store.client.update_table(
        TableName=moto_store.table, StreamSpecification={"StreamEnabled": True, **spec}
    )
    monkeypatch.setattr(moto_store, "_settle_count", lambda due: None)
    return moto_store


class Stream:
    """Reads a moto table's stream from the start and hands back Lambda-shaped DynamoDB events."""

    def __init__(self, store):
        import boto3

        self.store = store
        self.arn = store.client.describe_table(TableName=store.table)["Table"]["LatestStreamArn"]
        self.streams = boto3.client("dynamodbstreams", region_name="us-east-1")
        shard = self.streams.describe_stream(StreamArn=self.arn)["StreamDescription"]["Shards"][0]["ShardId"]
        self.iterator = self.streams.get_shard_iterator(
            StreamArn=self.arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]

    def records(self) -> list[dict]:
        answer = self.streams.get_records(ShardIterator=self.iterator)
        self.iterator = answer.get("NextShardIterator") or self.iterator
        out = []
        for record in answer["Records"]:
            record = dict(record)
            data = dict(record["dynamodb"])
            created = data.get("ApproximateCreationDateTime")
            if hasattr(created, "timestamp"):
                data["ApproximateCreationDateTime"] = int(created.timestamp())
            record["dynamodb"] = data
            record["eventSourceARN"] = self.arn
            record.pop("userIdentity", None)
            out.append(record)
        return out

    def event(self) -> dict:
        return {"Records": self.records()}


@pytest.fixture
def stream(streamed_store):
    return Stream(streamed_store)


class Inbox:
    """An SQS queue subscribed to the moderators' topic: what an email subscriber would receive."""

    def __init__(self):
        import boto3

        self.sns = boto3.client("sns", region_name="us-east-1")
        self.sqs = boto3.client("sqs", region_name="us-east-1")
        self.topic = self.sns.create_topic(Name="replybox-moderation")["TopicArn"]
        self.queue = self.sqs.create_queue(QueueName="inbox")["QueueUrl"]
        queue_arn = self.sqs.get_queue_attributes(QueueUrl=self.queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.sns.subscribe(TopicArn=self.topic, Protocol="sqs", Endpoint=queue_arn)

    def messages(self) -> list[dict]:
        out = []
        while True:
            got = self.sqs.receive_message(QueueUrl=self.queue, MaxNumberOfMessages=10).get("Messages", [])
            if not got:
                return out
            for message in got:
                out.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.queue, ReceiptHandle=message["ReceiptHandle"])


@pytest.fixture
def inbox(moto_client):
    from chalicelib import notify

    notify.sns_client.cache_clear()  # built inside this test's moto
    yield Inbox()
    notify.sns_client.cache_clear()


PUBLIC_URL = "https://api.example/api"


@pytest.fixture
def notifier(streamed_store, keyring, clock, inbox):
    from chalicelib.notify import Notifier, sns_publisher

    return Notifier(
        streamed_store, keyring, sns_publisher(inbox.topic), PUBLIC_URL, clock=clock
    )


@pytest.fixture
def wired(moto_store, keyring, clock, monkeypatch):
    """The app's wiring pointed at this test's moto store, keyring and clock (routes use wiring)."""
    from chalicelib import wiring
    from tests.conftest import make_service, make_site

    make_site(moto_store)
    service = make_service(moto_store, keyring, clock)
    monkeypatch.setattr(wiring, "service", lambda: service)
    monkeypatch.setattr(wiring, "keyring", lambda: keyring)
    return service


@pytest.fixture
def http(wired):
    from chalice.test import Client

    import app as application

    with Client(application.app, project_dir=ROOT) as client:
        yield client.http


def cfn_lint_available() -> bool:
    try:
        import cfnlint.api  # noqa: F401
    except ImportError:
        return False
    return True


def need_cfn_lint() -> None:
    if not cfn_lint_available():
        if os.environ.get("CI"):
            pytest.fail("cfn-lint is not installed but CI is set: add cfn-lint to requirements-dev.txt")
        pytest.skip("cfn-lint is not importable (pip install cfn-lint); CI is unset, so this is a local skip")
