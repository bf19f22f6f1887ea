"""The CloudFormation template merged into `chalice package` output: table, topic, wiring, throttling.

The table is not written out by hand: `table_definition()` runs `DynamoStore.create_table` (what
`manage.py create-table` runs) against a recording client and turns the call into the resource, so the
deployed keys, indexes, projections and TTL cannot drift from the code. Point-in-time recovery and the
NEW_IMAGE stream are deployment choices added on top.

The Lambda roles are Chalice's (`autogen_policy: false`), each with its policy file beside this module
(`policy-api.json`, `policy-notify.json`); the intrinsic functions in them resolve against the
resources defined here.
"""
from __future__ import annotations

import json
import os
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLE = "ReplyboxTable"
TOPIC = "ModeratorTopic"
FAILURES = "NotifyFailures"
API_FUNCTION = "APIHandler"
NOTIFY_FUNCTION = "NotifyModerators"  # Chalice's name for `notify_moderators` in chalicelib/notify.py
NOTIFY_EVENT = "NotifyModeratorsDynamodbEventSource"
STREAM_VIEW = "NEW_IMAGE"


class _RecordingClient:
    """Just enough of a DynamoDB client for `create_table` to describe the table it would create."""

    def __init__(self) -> None:
        self.created: dict[str, Any] = {}
        self.ttl: dict[str, Any] = {}

    def describe_table(self, **_: Any) -> dict:
        from botocore.exceptions import ClientError

        raise ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": "no table"}}, "DescribeTable")

    def create_table(self, **kwargs: Any) -> dict:
        self.created = kwargs
        return {}

    def get_waiter(self, _name: str) -> Any:
        class Waiter:
            def wait(self, **_: Any) -> None:
                return None

        return Waiter()

    def describe_time_to_live(self, **_: Any) -> dict:
        return {"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}

    def update_time_to_live(self, **kwargs: Any) -> dict:
        self.ttl = kwargs["TimeToLiveSpecification"]
        return {}


def table_definition() -> dict:
    """The AWS::DynamoDB::Table properties `DynamoStore.create_table` stands for, plus PITR and the stream."""
    from chalicelib.storage import DynamoStore

    client = _RecordingClient()
    DynamoStore(client, "replybox").create_table()
    created = dict(client.created)
    created.pop("TableName")  # CloudFormation names it after the stack; the Lambdas get it by Ref
    return {
        **created,
        "TimeToLiveSpecification": client.ttl,
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "StreamSpecification": {"StreamViewType": STREAM_VIEW},
        "SSESpecification": {"SSEEnabled": True},
    }


def chalice_config() -> dict:
    with open(os.path.join(ROOT, ".chalice", "config.json")) as fh:
        return json.load(fh)


def api_stage(stage: str) -> str:
    config = chalice_config()
    return config.get("stages", {}).get(stage, {}).get("api_gateway_stage") or config.get("api_gateway_stage") or "api"


def merge_template(stage: str = "dev") -> dict:
    """The template `chalice package --merge-template` deep-merges over its own output."""
    environment = {
        "REPLYBOX_TABLE": {"Ref": TABLE},
        "REPLYBOX_SECRET_PARAMETER": {"Ref": "SecretParameterName"},
    }
    public_url = {
        "Fn::If": [
            "HasPublicUrl",
            {"Ref": "PublicUrl"},
            {"Fn::Sub": "https://${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}/" + api_stage(stage)},
        ]
    }
    return {
        "Description": f"replybox comment moderation backend (stage {stage})",
        "Parameters": {
            "SecretParameterName": {
                "Type": "String",
                "Default": f"/replybox/{stage}/secret",
                "AllowedPattern": "^/[A-Za-z0-9_.\\-/]+$",
                "Description": "Name (not value) of the SSM SecureString holding the HMAC secret (>= 32 chars).",
            },
            "SecretKmsKeyArn": {
                "Type": "String",
                "Default": "",
                "Description": "ARN of the customer managed KMS key of that parameter; empty for aws/ssm.",
            },
            "PublicUrl": {
                "Type": "String",
                "Default": "",
                "Description": "Base URL of the API for mailed links (custom domain); empty: the API Gateway URL.",
            },
            "ThrottleRateLimit": {"Type": "Number", "Default": 25, "MinValue": 1,
                                  "Description": "Steady requests per second across the API."},
            "ThrottleBurstLimit": {"Type": "Number", "Default": 50, "MinValue": 1,
                                   "Description": "Burst of requests the API accepts."},
        },
        "Conditions": {
            "HasSecretKmsKey": {"Fn::Not": [{"Fn::Equals": [{"Ref": "SecretKmsKeyArn"}, ""]}]},
            "HasPublicUrl": {"Fn::Not": [{"Fn::Equals": [{"Ref": "PublicUrl"}, ""]}]},
        },
        "Resources": {
            TABLE: {
                "Type": "AWS::DynamoDB::Table",
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
                "Properties": table_definition(),
            },
            TOPIC: {
                "Type": "AWS::SNS::Topic",
                "Properties": {"DisplayName": "replybox moderation"},
            },
            FAILURES: {
                # Batches the notifier gave up on (after retries): their stream positions, kept 14 days.
                "Type": "AWS::SQS::Queue",
                "DeletionPolicy": "Delete",
                "UpdateReplacePolicy": "Delete",
                "Properties": {"MessageRetentionPeriod": 1209600, "SqsManagedSseEnabled": True},
            },
            API_FUNCTION: {"Properties": {"Environment": {"Variables": environment}}},
            NOTIFY_FUNCTION: {
                "Properties": {
                    "Environment": {
                        "Variables": {
                            **environment,
                            "REPLYBOX_TOPIC_ARN": {"Ref": TOPIC},
                            "REPLYBOX_PUBLIC_URL": public_url,
                        }
                    },
                    "Events": {
                        NOTIFY_EVENT: {
                            "Properties": {
                                "Stream": {"Fn::GetAtt": [TABLE, "StreamArn"]},
                                "StartingPosition": "TRIM_HORIZON",
                                "FunctionResponseTypes": ["ReportBatchItemFailures"],
                                "BisectBatchOnFunctionError": True,
                                "MaximumRetryAttempts": 10,
                                "DestinationConfig": {
                                    "OnFailure": {"Type": "SQS", "Destination": {"Fn::GetAtt": [FAILURES, "Arn"]}}
                                },
                                # Only new pending comments wake the function; the handler checks again.
                                "FilterCriteria": {
                                    "Filters": [
                                        {
                                            "Pattern": json.dumps(
                                                {
                                                    "eventName": ["INSERT"],
                                                    "dynamodb": {
                                                        "NewImage": {
                                                            "sk": {"S": ["COMMENT"]},
                                                            "status": {"S": ["pending"]},
                                                        }
                                                    },
                                                },
                                                separators=(",", ":"),
                                            )
                                        }
                                    ]
                                },
                            }
                        }
                    },
                }
            },
            "RestAPI": {
                "Properties": {
                    "MethodSettings": [
                        {
                            "ResourcePath": "/*",
                            "HttpMethod": "*",
                            "ThrottlingRateLimit": {"Ref": "ThrottleRateLimit"},
                            "ThrottlingBurstLimit": {"Ref": "ThrottleBurstLimit"},
                        }
                    ]
                }
            },
        },
        "Outputs": {
            "TableName": {"Value": {"Ref": TABLE}},
            "ModeratorTopicArn": {"Value": {"Ref": TOPIC}},
            "NotifyFailuresQueueUrl": {"Value": {"Ref": FAILURES}},
            "SecretParameter": {"Value": {"Ref": "SecretParameterName"}},
            "PublicUrl": {"Value": public_url},
        },
    }
