"""The merged CloudFormation template: it lints, and holds the table the code creates, wired as deployed."""
from __future__ import annotations

import json

import pytest

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
    assert deployed["queue"][1] == {"ProjectionType": "KEYS_ONLY"}
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


def test_every_function_skips_pydantic_plugin_discovery(template):
    # Cold start: pydantic otherwise scans every installed distribution's entry points for plugins
    # the first time it builds a validator; replybox uses none.
    for name in ("APIHandler", "NotifyModerators", "SendDigests"):
        env = template["Resources"][name]["Properties"]["Environment"]["Variables"]
        assert env["PYDANTIC_DISABLE_PLUGINS"] == "__all__", name


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
    patterns = [json.loads(f["Pattern"]) for f in props["FilterCriteria"]["Filters"]]
    assert {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"sk": {"S": ["COMMENT"]}, "status": {"S": ["pending"]}}}} in patterns
    # readers' mails: new subscriptions, and replies once approved (chalicelib/mail.py)
    assert {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"sk": {"S": ["SUB"]}}}} in patterns
    replies = [p for p in patterns if p["dynamodb"]["NewImage"].get("status") == {"S": ["approved"]}]
    assert replies and replies[0]["eventName"] == ["INSERT", "MODIFY"] and "parent_id" in replies[0]["dynamodb"]["NewImage"]
    assert len(patterns) == 3


def test_the_api_is_throttled_with_settings_a_busy_post_fits(template):
    every, submit = template["Resources"]["RestAPI"]["Properties"]["MethodSettings"]
    assert every["ResourcePath"] == "/*" and every["HttpMethod"] == "*"
    assert every["ThrottlingRateLimit"] == {"Ref": "ThrottleRateLimit"}
    assert every["ThrottlingBurstLimit"] == {"Ref": "ThrottleBurstLimit"}
    assert submit["ResourcePath"] == "/~1sites~1{site}~1comments" and submit["HttpMethod"] == "POST"
    assert submit["ThrottlingRateLimit"] == {"Ref": "SubmitRateLimit"}
    parameters = template["Parameters"]
    # A real blog's defaults: a post on a news site's front page must not meet 429s at 25 requests/s.
    assert parameters["ThrottleRateLimit"]["Default"] >= 500
    assert parameters["ThrottleBurstLimit"]["Default"] >= parameters["ThrottleRateLimit"]["Default"]
    assert 0 < parameters["SubmitRateLimit"]["Default"] <= parameters["ThrottleRateLimit"]["Default"]
    concurrency = template["Resources"]["APIHandler"]["Properties"]["ReservedConcurrentExecutions"]
    assert concurrency == {"Fn::If": ["HasApiConcurrency", {"Ref": "ApiConcurrency"}, {"Ref": "AWS::NoValue"}]}


def _behaviour_for(distribution: dict, path: str) -> dict:
    """The cache behaviour CloudFront picks for a path: the first pattern that matches, else the default."""
    from fnmatch import fnmatchcase

    config = distribution["Properties"]["DistributionConfig"]
    for behaviour in config["CacheBehaviors"]:
        if fnmatchcase(path, behaviour["PathPattern"]):
            return behaviour
    return config["DefaultCacheBehavior"]


def test_the_edge_cache_is_an_option_keyed_on_what_public_answers_vary_by(template):
    resources = template["Resources"]
    assert template["Parameters"]["EdgeCache"]["Default"] == "false"
    distribution = resources["EdgeDistribution"]
    assert distribution["Condition"] == "HasEdgeCache"
    public = resources["EdgePublicCachePolicy"]["Properties"]["CachePolicyConfig"]
    key = public["ParametersInCacheKeyAndForwardedToOrigin"]
    assert set(key["QueryStringsConfig"]["QueryStrings"]) >= {"cursor", "limit", "post_id"}
    assert key["QueryStringsConfig"]["QueryStringBehavior"] == "whitelist"
    assert key["HeadersConfig"]["Headers"] == ["Origin"]  # no Authorization, no cookies in a shared answer
    assert key["CookiesConfig"] == {"CookieBehavior": "none"}
    assert key["EnableAcceptEncodingGzip"] and key["EnableAcceptEncodingBrotli"]
    assert public["DefaultTTL"] == 0  # the origin's Cache-Control decides
    public_ref = {"Ref": "EdgePublicCachePolicy"}
    for path in ("/sites/demo/posts/hello-world/comments", "/sites/demo/counts", "/widget.js"):
        assert _behaviour_for(distribution, path)["CachePolicyId"] == public_ref, path
    for path in ("/sites/demo/moderation/comments", "/sites/demo/moderation/comments/01J0", "/sites/demo/comments",
                 "/sites/demo/form-token", "/moderate", "/sites/demo/moderation/bulk"):
        behaviour = _behaviour_for(distribution, path)
        assert behaviour["CachePolicyId"] == {"Ref": "EdgePassThroughCachePolicy"}, path
    passing = resources["EdgePassThroughCachePolicy"]["Properties"]["CachePolicyConfig"]
    assert passing["MaxTTL"] <= 1 and passing["DefaultTTL"] == 0  # moderation answers say no-store: never kept
    headers = resources["EdgePassThroughRequestPolicy"]["Properties"]["OriginRequestPolicyConfig"]["HeadersConfig"]
    assert "CloudFront-Viewer-Address" in headers["Headers"]  # the flood guard needs the reader's address
    env = resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert env["REPLYBOX_BEHIND_EDGE"] == {"Fn::If": ["HasEdgeCache", "1", ""]}
    assert template["Outputs"]["EdgeUrl"]["Condition"] == "HasEdgeCache"


def test_snapstart_needs_a_runtime_that_has_it(template):
    from deploy.template import snapstart

    with pytest.raises(ValueError, match="python3.12"):
        snapstart(json.loads(json.dumps({**template, "Resources": {**template["Resources"], "APIHandler": {
            "Properties": {**template["Resources"]["APIHandler"]["Properties"], "Runtime": "python3.11"}}}})))


def test_snapstart_on_python312_lints_and_invokes_the_published_alias(template, tmp_path):
    need_cfn_lint()
    from pathlib import Path

    from cfnlint.api import lint_file

    from deploy.template import snapstart

    template["Resources"]["APIHandler"]["Properties"]["Runtime"] = "python3.12"
    started = snapstart(template)
    function = started["Resources"]["APIHandler"]["Properties"]
    assert function["SnapStart"] == {"ApplyOn": "PublishedVersions"} and function["AutoPublishAlias"]
    body = json.dumps(started["Resources"]["RestAPI"])
    assert "${APIHandlerAliaslive}" in body and "${APIHandler.Arn}" not in body
    path = tmp_path / "snapstart.json"
    path.write_text(json.dumps(started))
    matches = lint_file(Path(path))
    assert not matches, "\n".join(str(m) for m in matches)


def test_the_zip_holds_only_the_app(packaged):
    import zipfile

    names = zipfile.ZipFile(packaged["dir"] / "deployment.zip").namelist()
    assert "app.py" in names and "chalicelib/notify.py" in names
    assert not any(n.startswith(("tests/", "deploy/", "scripts/", "boto3/", "moto/", "cfnlint/")) for n in names)
    # The checkout's own __pycache__ (written by `make run` or these tests) is not zipped beside ours.
    assert len(names) == len(set(names)), sorted(n for n in set(names) if names.count(n) > 1)[:5]


def test_the_zip_carries_bytecode_for_what_a_cold_start_imports(packaged):
    # Lambda's code directory is read-only: a module without its .pyc is compiled on every cold start.
    import sys
    import zipfile

    zipped = zipfile.ZipFile(packaged["dir"] / "deployment.zip")
    names = set(zipped.namelist())
    tag = sys.implementation.cache_tag
    for module in ("app", "chalicelib/models", "chalicelib/spam/keys", "pydantic/main", "email_validator/syntax"):
        folder, _, name = module.rpartition("/")
        assert f"{folder + '/' if folder else ''}__pycache__/{name}.{tag}.pyc" in names, module
    flags = int.from_bytes(zipped.read(f"__pycache__/app.{tag}.pyc")[4:8], "little")
    assert flags == 0b01  # hash-based, never checked against the source (a zip keeps no timestamps)
    assert not any(n.startswith("pydantic/v1/") and n.endswith(".pyc") for n in names)  # never imported
    # the spam rules' compiled regular expressions, kept for the same Python as the bytecode
    import marshal

    from chalicelib.spam import precompiled

    header, entries, gates = marshal.loads(zipped.read("chalicelib/spam/data/regex-code.marshal"))
    assert header == precompiled._header() and entries and gates
    # and the methods of its dataclasses and named tuples, recorded by that Python from the package
    from chalicelib import classcode

    header, entries = marshal.loads(zipped.read("chalicelib/data/class-code.marshal"))
    assert header == classcode._header() and {mode for mode, _ in entries} == {"exec", "eval"} and len(entries) > 200


def test_the_zip_leaves_out_dnspython_which_nothing_imports(packaged, tmp_path):
    # email-validator reads DNS only for deliverability, which replybox never checks: a submission and a
    # signed-link address check run from the unzipped package with no `dns` in it, and never import it.
    import os
    import subprocess
    import sys
    import zipfile

    zipped = zipfile.ZipFile(packaged["dir"] / "deployment.zip")
    assert not any(n.startswith(("dns/", "dnspython-")) for n in zipped.namelist())
    assert os.path.getsize(packaged["dir"] / "deployment.zip") < 5_000_000
    zipped.extractall(tmp_path)
    code = (
        "import sys, email_validator; from chalicelib.models import CommentIn; from chalicelib import signing;"
        " CommentIn.model_validate({'post_id': 'p', 'author': 'A', 'email': 'Jos\u00e9@b\u00fccher.example', 'content': 'hi'});"
        " email_validator.validate_email('x@[192.0.2.1]', check_deliverability=False, allow_domain_literal=True);"
        " assert 'dns' not in sys.modules, 'dns imported'"
    )
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONNOUSERSITE": "1"}
    done = subprocess.run([sys.executable, "-S", "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
