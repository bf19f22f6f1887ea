"""The merged CloudFormation template: it lints, and holds the table the code creates, wired as deployed."""
from __future__ import annotations

import json

from tests.deploy.conftest import need_cfn_lint


def test_cfn_lint_passes_on_the_packaged_template(packaged):
    need_cfn_lint()
    from pathlib import Path

    from cfnlint.api import lint_file

    matches = lint_file(Path(packaged["path"]))
    assert not matches, "\n".join(str(m) for m in matches)


def test_cfn_lint_can_fail(packaged, tmp_path):
    """The lint test is not vacuous: a broken table definition is reported."""
    need_cfn_lint()
    from pathlib import Path

    from cfnlint.api import lint_file

    broken = json.loads(json.dumps(packaged["template"]))
    broken["Resources"]["ReplyboxTable"]["Properties"]["BillingMode"] = "FREE"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    assert lint_file(Path(path))


def test_the_deployed_table_is_the_one_create_table_makes(template, moto_store):
    """Same keys, indexes, projections, billing and TTL as `manage.py create-table` (on moto)."""
    table = template["Resources"]["ReplyboxTable"]
    props = table["Properties"]
    described = moto_store.client.describe_table(TableName=moto_store.table)["Table"]
    assert props["BillingMode"] == described["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert props["KeySchema"] == described["KeySchema"]
    assert sorted(props["AttributeDefinitions"], key=str) == sorted(described["AttributeDefinitions"], key=str)
    deployed = {i["IndexName"]: (i["KeySchema"], i["Projection"]) for i in props["GlobalSecondaryIndexes"]}
    created = {i["IndexName"]: (i["KeySchema"], i["Projection"]) for i in described["GlobalSecondaryIndexes"]}
    assert deployed == created
    assert set(deployed) == {"public", "queue", "email"}
    assert deployed["public"][1]["ProjectionType"] == "INCLUDE" and "email" not in deployed["public"][1]["NonKeyAttributes"]
    assert deployed["queue"][1] == {"ProjectionType": "ALL"}
    assert deployed["email"][1] == {"ProjectionType": "KEYS_ONLY"}
    ttl = moto_store.client.describe_time_to_live(TableName=moto_store.table)["TimeToLiveDescription"]
    assert props["TimeToLiveSpecification"] == {"Enabled": True, "AttributeName": ttl["AttributeName"]}
    assert ttl["AttributeName"] == "expires_at"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}
    assert table["DeletionPolicy"] == "Retain" and "TableName" not in props


def test_functions_get_their_configuration_by_reference_never_a_secret(template):
    resources = template["Resources"]
    for name in ("APIHandler", "NotifyModerators"):
        env = resources[name]["Properties"]["Environment"]["Variables"]
        assert env["REPLYBOX_TABLE"] == {"Ref": "ReplyboxTable"}
        assert env["REPLYBOX_SECRET_PARAMETER"] == {"Ref": "SecretParameterName"}
        assert not any("SECRET" in k and k != "REPLYBOX_SECRET_PARAMETER" for k in env)
    notify_env = resources["NotifyModerators"]["Properties"]["Environment"]["Variables"]
    assert notify_env["REPLYBOX_TOPIC_ARN"] == {"Ref": "ModeratorTopic"}
    assert "REPLYBOX_PUBLIC_URL" in notify_env
    parameter = template["Parameters"]["SecretParameterName"]
    assert parameter["Type"] == "String" and parameter["Default"].startswith("/")
    assert not any(r["Type"] == "AWS::SSM::Parameter" for r in resources.values())  # the value never is in it
    assert resources["ModeratorTopic"]["Type"] == "AWS::SNS::Topic"


def test_the_notifier_reads_the_table_stream_and_reports_partial_failures(template):
    function = template["Resources"]["NotifyModerators"]["Properties"]
    assert function["Handler"] == "chalicelib.notify.notify_moderators"
    (event,) = function["Events"].values()
    props = event["Properties"]
    assert event["Type"] == "DynamoDB"
    assert props["Stream"] == {"Fn::GetAtt": ["ReplyboxTable", "StreamArn"]}
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": ["NotifyFailures", "Arn"]}
    assert props["MaximumRetryAttempts"] > 0 and props["BisectBatchOnFunctionError"] is True
    pattern = json.loads(props["FilterCriteria"]["Filters"][0]["Pattern"])
    assert pattern["eventName"] == ["INSERT"]
    assert pattern["dynamodb"]["NewImage"] == {"sk": {"S": ["COMMENT"]}, "status": {"S": ["pending"]}}


def test_the_api_is_throttled(template):
    (setting,) = template["Resources"]["RestAPI"]["Properties"]["MethodSettings"]
    assert setting["ResourcePath"] == "/*" and setting["HttpMethod"] == "*"
    assert setting["ThrottlingRateLimit"] == {"Ref": "ThrottleRateLimit"}
    assert setting["ThrottlingBurstLimit"] == {"Ref": "ThrottleBurstLimit"}
    assert template["Parameters"]["ThrottleRateLimit"]["Default"] > 0


def test_the_zip_holds_only_the_app(packaged):
    import zipfile

    names = zipfile.ZipFile(packaged["dir"] / "deployment.zip").namelist()
    assert "app.py" in names and "chalicelib/notify.py" in names
    assert not any(n.startswith(("tests/", "deploy/", "scripts/", "boto3/", "moto/", "cfnlint/")) for n in names)
