"""A cold function's shortcuts: botocore's data loader, told which services replybox calls and reading
plain dicts, must build every client as the stock loader does."""
from __future__ import annotations

import pytest


def test_the_loader_lists_only_our_services_and_each_client_still_builds():
    import botocore.session

    from chalicelib.botodata import CREDENTIAL_SERVICES, SERVICES, loader_for

    session = botocore.session.Session()
    stock = session.get_available_services()
    session.register_component("data_loader", loader_for(session.get_config_variable("data_path")))
    assert session.get_available_services() == sorted(SERVICES + CREDENTIAL_SERVICES)
    assert set(SERVICES + CREDENTIAL_SERVICES) <= set(stock)  # each is a service botocore has data for
    for name in SERVICES + CREDENTIAL_SERVICES:
        client = session.create_client(name, region_name="eu-west-1", aws_access_key_id="a", aws_secret_access_key="b")
        assert client.meta.service_model.service_name == name
        assert client.meta.region_name == "eu-west-1"


def test_a_service_we_do_not_call_is_unknown_as_botocore_says_it():
    import botocore.session
    from botocore.exceptions import UnknownServiceError

    from chalicelib.botodata import loader_for

    session = botocore.session.Session()
    session.register_component("data_loader", loader_for(None))
    with pytest.raises(UnknownServiceError, match="Valid service names are: dynamodb, sesv2, signin, sns, ssm, sso, sso-oidc, sts"):
        session.create_client("s3", region_name="us-east-1")


def test_the_loader_keeps_a_data_path_ahead_of_botocores_own(tmp_path):
    from chalicelib.botodata import loader_for

    loader = loader_for(str(tmp_path))
    assert loader.search_paths[0] == str(tmp_path)
    assert loader.search_paths[-1].endswith("botocore/data")


@pytest.mark.parametrize("name", ["endpoints", "partitions", "sdk-default-configuration", "_retry"])
def test_plain_dicts_hold_what_botocores_ordered_dicts_held_in_the_same_order(name):
    import json

    from botocore.loaders import create_loader

    from chalicelib.botodata import loader_for

    ours, stock = loader_for(None).load_data_with_path(name), create_loader().load_data_with_path(name)
    assert ours[1] == stock[1]  # the same file, so botocore still knows it for its own data
    assert type(ours[0]) is dict
    assert json.dumps(ours[0]) == json.dumps(stock[0])  # every key, value and order


def test_each_service_model_is_the_one_botocore_builds():
    import json

    from botocore.loaders import create_loader

    from chalicelib.botodata import SERVICES, loader_for

    ours, stock = loader_for(None), create_loader()
    for name in SERVICES:
        for type_name in ("service-2", "endpoint-rule-set-1"):
            assert json.dumps(ours.load_service_model(name, type_name)) == json.dumps(stock.load_service_model(name, type_name))


def test_a_request_serialises_byte_for_byte_as_with_the_stock_loader():
    import botocore.session

    from chalicelib.botodata import loader_for

    def put_request(session):
        client = session.create_client("dynamodb", region_name="eu-west-1", aws_access_key_id="a", aws_secret_access_key="b")
        model = client.meta.service_model.operation_model("TransactWriteItems")
        params = {"TransactItems": [{"Put": {"TableName": "t", "Item": {"pk": {"S": "a"}, "n": {"N": "1"}},
                                             "ConditionExpression": "attribute_not_exists(pk)"}}]}
        return client._serializer.serialize_to_request(params, model), client.meta.endpoint_url

    ours = botocore.session.Session()
    ours.register_component("data_loader", loader_for(None))
    assert put_request(ours) == put_request(botocore.session.Session())
