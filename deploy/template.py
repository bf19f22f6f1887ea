"""The CloudFormation template merged into `chalice package` output: table, topic, wiring, throttling,
the optional CloudFront edge cache and, where the runtime allows it, SnapStart.

The table is not written out by hand: `table_definition()` reads storage's schema as data
(`table_schema()`, the same that `DynamoStore.create_table` and `manage.py create-table` create), so the
deployed keys, indexes, projections and TTL cannot drift from the code. Point-in-time recovery and the
NEW_IMAGE stream are deployment choices added on top.

The Lambda roles are Chalice's (`autogen_policy: false`), each with its policy file beside this module
(`policy-api.json`, `policy-notify.json`, `policy-digest.json`); the intrinsic functions in them resolve against the
resources defined here.
"""
from __future__ import annotations

import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLE = "ReplyboxTable"
TOPIC = "ModeratorTopic"
FAILURES = "NotifyFailures"
API_FUNCTION = "APIHandler"
NOTIFY_FUNCTION = "NotifyModerators"  # Chalice's name for `notify_moderators` in chalicelib/notify.py
NOTIFY_EVENT = "NotifyModeratorsDynamodbEventSource"
DIGEST_FUNCTION = "SendDigests"  # Chalice's name for `send_digests` (chalicelib/notify.py): every minute
STREAM_VIEW = "NEW_IMAGE"
EDGE = "EdgeDistribution"
# Public GET answers the edge may keep (a few seconds, as their Cache-Control says); everything else
# (the comment POST, moderation, pages, mailed links) passes through uncached.
CACHED_PATHS = ["/sites/*/posts/*/comments", "/sites/*/counts", "/widget.js", "/static/*", "/avatars/*"]
CACHE_KEY_QUERY = ["cursor", "limit", "post_id", "v"]  # v: the widget's version stamp
# What the origin needs of an uncached request: the form's and the spam engine's headers and the
# viewer's address (API Gateway sees CloudFront's). Authorization cannot be listed in an origin
# request policy; the pass-through cache policy carries it (TTL 0: never kept).
PASS_HEADERS = ["Content-Type", "Origin", "Referer", "User-Agent", "Idempotency-Key", "Accept",
                "Accept-Language", "CloudFront-Viewer-Address"]
SNAPSTART_RUNTIMES = ("python3.12", "python3.13")


def table_definition() -> dict:
    """The AWS::DynamoDB::Table properties: storage's schema (what `create_table` creates; CloudFormation
    names the table after the stack, the Lambdas get it by Ref), plus TTL, PITR and the stream."""
    from chalicelib.storage import TTL_ATTRIBUTE, table_schema

    return {
        **table_schema(),
        "TimeToLiveSpecification": {"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
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


def edge_resources(stage: str) -> dict:
    """CloudFront in front of the REST API (only with EdgeCache=true): cache keys for the public reads."""
    def cache_policy(name: str, max_ttl: int, headers: list[str], query: dict, encodings: bool) -> dict:
        return {
            "Type": "AWS::CloudFront::CachePolicy",
            "Condition": "HasEdgeCache",
            "Properties": {
                "CachePolicyConfig": {
                    "Name": {"Fn::Sub": "${AWS::StackName}-" + name},
                    "MinTTL": 0,
                    "DefaultTTL": 0,  # the origin's Cache-Control decides; no-store is never kept
                    "MaxTTL": max_ttl,
                    "ParametersInCacheKeyAndForwardedToOrigin": {
                        "EnableAcceptEncodingGzip": encodings,
                        "EnableAcceptEncodingBrotli": encodings,
                        "HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": headers},
                        "CookiesConfig": {"CookieBehavior": "none"},
                        "QueryStringsConfig": query,
                    },
                }
            },
        }

    public_query = {"QueryStringBehavior": "whitelist", "QueryStrings": CACHE_KEY_QUERY}
    all_methods = ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]
    behaviour = {"TargetOriginId": "api", "ViewerProtocolPolicy": "https-only"}
    return {
        # Origin is in the key: the answer's Access-Control-Allow-Origin echoes it.
        "EdgePublicCachePolicy": cache_policy("public", 60, ["Origin"], public_query, True),
        "EdgePassThroughCachePolicy": cache_policy(
            "pass-through", 1, ["Authorization"], {"QueryStringBehavior": "all"}, False
        ),
        "EdgePassThroughRequestPolicy": {
            "Type": "AWS::CloudFront::OriginRequestPolicy",
            "Condition": "HasEdgeCache",
            "Properties": {
                "OriginRequestPolicyConfig": {
                    "Name": {"Fn::Sub": "${AWS::StackName}-pass-through"},
                    "HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": PASS_HEADERS},
                    "CookiesConfig": {"CookieBehavior": "none"},
                    "QueryStringsConfig": {"QueryStringBehavior": "all"},
                }
            },
        },
        EDGE: {
            "Type": "AWS::CloudFront::Distribution",
            "Condition": "HasEdgeCache",
            "Properties": {
                "DistributionConfig": {
                    "Enabled": True,
                    "Comment": {"Fn::Sub": "replybox ${AWS::StackName}"},
                    "HttpVersion": "http2and3",
                    "PriceClass": {"Ref": "EdgePriceClass"},
                    "Origins": [
                        {
                            "Id": "api",
                            "DomainName": {"Fn::Sub": "${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"},
                            "OriginPath": "/" + api_stage(stage),
                            "CustomOriginConfig": {"OriginProtocolPolicy": "https-only", "OriginSSLProtocols": ["TLSv1.2"]},
                        }
                    ],
                    "DefaultCacheBehavior": {
                        **behaviour,
                        "AllowedMethods": all_methods,
                        "CachedMethods": ["GET", "HEAD"],
                        "Compress": False,
                        "CachePolicyId": {"Ref": "EdgePassThroughCachePolicy"},
                        "OriginRequestPolicyId": {"Ref": "EdgePassThroughRequestPolicy"},
                    },
                    "CacheBehaviors": [
                        {
                            **behaviour,
                            "PathPattern": path,
                            "AllowedMethods": ["GET", "HEAD", "OPTIONS"],
                            "CachedMethods": ["GET", "HEAD"],
                            "Compress": True,
                            "CachePolicyId": {"Ref": "EdgePublicCachePolicy"},
                        }
                        for path in CACHED_PATHS
                    ],
                }
            },
        },
    }


def merge_template(stage: str = "dev") -> dict:
    """The template `chalice package --merge-template` deep-merges over its own output."""
    environment = {
        "REPLYBOX_TABLE": {"Ref": TABLE},
        "REPLYBOX_SECRET_PARAMETER": {"Ref": "SecretParameterName"},
    }
    edge = edge_resources(stage)
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
            "MailFrom": {
                "Type": "String",
                "Default": "",
                "Description": "Sender of readers' reply notifications (an SES-verified address); empty: none are sent.",
            },
            "MailIdentity": {
                "Type": "String",
                "Default": "",
                "Description": "The SES identity MailFrom is verified under (its domain, or the address itself).",
            },
            # A real blog's defaults (docs/deploy.md: what a viral post needs). Behind the edge cache
            # the API sees the comments and the cache's misses, not every page view.
            "ThrottleRateLimit": {"Type": "Number", "Default": 500, "MinValue": 1,
                                  "Description": "Steady requests per second across the API (all routes)."},
            "ThrottleBurstLimit": {"Type": "Number", "Default": 1000, "MinValue": 1,
                                   "Description": "Burst of requests the API accepts (all routes)."},
            "SubmitRateLimit": {"Type": "Number", "Default": 200, "MinValue": 1,
                                "Description": "Steady comment submissions per second (POST /sites/{site}/comments)."},
            "SubmitBurstLimit": {"Type": "Number", "Default": 400, "MinValue": 1,
                                 "Description": "Burst of comment submissions."},
            "ApiConcurrency": {"Type": "Number", "Default": 0, "MinValue": 0,
                               "Description": "Reserved concurrency of the API function; 0: none reserved (account pool)."},
            "EdgeCache": {"Type": "String", "Default": "false", "AllowedValues": ["true", "false"],
                          "Description": "Put a CloudFront distribution in front that caches the public reads."},
            "EdgePriceClass": {"Type": "String", "Default": "PriceClass_100",
                               "AllowedValues": ["PriceClass_100", "PriceClass_200", "PriceClass_All"],
                               "Description": "CloudFront edge locations to use (100: North America and Europe)."},
        },
        "Conditions": {
            "HasEdgeCache": {"Fn::Equals": [{"Ref": "EdgeCache"}, "true"]},
            "HasApiConcurrency": {"Fn::Not": [{"Fn::Equals": [{"Ref": "ApiConcurrency"}, "0"]}]},
            "HasSecretKmsKey": {"Fn::Not": [{"Fn::Equals": [{"Ref": "SecretKmsKeyArn"}, ""]}]},
            "HasPublicUrl": {"Fn::Not": [{"Fn::Equals": [{"Ref": "PublicUrl"}, ""]}]},
            "HasMailFrom": {"Fn::Not": [{"Fn::Equals": [{"Ref": "MailFrom"}, ""]}]},
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
            API_FUNCTION: {
                "Properties": {
                    "Environment": {
                        "Variables": {
                            **environment,
                            # Behind CloudFront the viewer's address comes in CloudFront-Viewer-Address.
                            "REPLYBOX_BEHIND_EDGE": {"Fn::If": ["HasEdgeCache", "1", ""]},
                        }
                    },
                    "ReservedConcurrentExecutions": {
                        "Fn::If": ["HasApiConcurrency", {"Ref": "ApiConcurrency"}, {"Ref": "AWS::NoValue"}]
                    },
                }
            },
            NOTIFY_FUNCTION: {
                "Properties": {
                    "Environment": {
                        "Variables": {
                            **environment,
                            "REPLYBOX_TOPIC_ARN": {"Ref": TOPIC},
                            "REPLYBOX_PUBLIC_URL": public_url,
                            "REPLYBOX_MAIL_FROM": {"Ref": "MailFrom"},
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
                                # Only new pending comments, new subscriptions and approved replies wake
                                # the function (chalicelib/notify.py, chalicelib/mail.py); the handler checks again.
                                "FilterCriteria": {
                                    "Filters": [
                                        {
                                            "Pattern": json.dumps(
                                                {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"sk": {"S": ["SUB"]}}}},
                                                separators=(",", ":"),
                                            )
                                        },
                                        {
                                            "Pattern": json.dumps(
                                                {
                                                    "eventName": ["INSERT", "MODIFY"],
                                                    "dynamodb": {
                                                        "NewImage": {
                                                            "sk": {"S": ["COMMENT"]},
                                                            "status": {"S": ["approved"]},
                                                            "parent_id": {"S": [{"anything-but": [""]}]},
                                                        }
                                                    },
                                                },
                                                separators=(",", ":"),
                                            )
                                        },
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
            DIGEST_FUNCTION: {
                "Properties": {
                    "Environment": {
                        "Variables": {
                            **environment,
                            "REPLYBOX_TOPIC_ARN": {"Ref": TOPIC},
                            "REPLYBOX_PUBLIC_URL": public_url,
                        }
                    },
                }
            },
            "RestAPI": {
                "Properties": {
                    # gzip/deflate for clients that send Accept-Encoding (answers say Vary: Accept-Encoding)
                    "MinimumCompressionSize": 1024,
                    "MethodSettings": [
                        {
                            "ResourcePath": "/*",
                            "HttpMethod": "*",
                            "ThrottlingRateLimit": {"Ref": "ThrottleRateLimit"},
                            "ThrottlingBurstLimit": {"Ref": "ThrottleBurstLimit"},
                        },
                        {
                            "ResourcePath": "/~1sites~1{site}~1comments",  # "/" is written ~1 here
                            "HttpMethod": "POST",
                            "ThrottlingRateLimit": {"Ref": "SubmitRateLimit"},
                            "ThrottlingBurstLimit": {"Ref": "SubmitBurstLimit"},
                        },
                    ]
                }
            },
            **edge,
        },
        "Outputs": {
            "TableName": {"Value": {"Ref": TABLE}},
            "ModeratorTopicArn": {"Value": {"Ref": TOPIC}},
            "NotifyFailuresQueueUrl": {"Value": {"Ref": FAILURES}},
            "SecretParameter": {"Value": {"Ref": "SecretParameterName"}},
            "PublicUrl": {"Value": public_url},
            "EdgeUrl": {
                "Condition": "HasEdgeCache",
                "Description": "The CloudFront URL: give blogs this one (widget, form action, API).",
                "Value": {"Fn::Sub": "https://${EdgeDistribution.DomainName}"},
            },
        },
    }


def snapstart(template: dict) -> dict:
    """Turn on Lambda SnapStart for the API function of a packaged template (python3.12+ only): it
    runs on published versions, so the function gets an alias and API Gateway invokes the alias."""
    function = template["Resources"][API_FUNCTION]["Properties"]
    if function.get("Runtime") not in SNAPSTART_RUNTIMES:
        raise ValueError(f"SnapStart for Python needs {' or '.join(SNAPSTART_RUNTIMES)}; this package is {function.get('Runtime')} "
                         "(package with that Python)")
    function["SnapStart"] = {"ApplyOn": "PublishedVersions"}
    function["AutoPublishAlias"] = "live"
    alias = API_FUNCTION + "Aliaslive"  # the AWS::Lambda::Alias the SAM transform makes; Ref is its ARN
    text = json.dumps(template["Resources"]["RestAPI"]).replace("${" + API_FUNCTION + ".Arn}", "${" + alias + "}")
    template["Resources"]["RestAPI"] = json.loads(text)
    template["Resources"]["APIHandlerInvokePermission"]["Properties"]["FunctionName"] = {"Ref": alias}
    return template
