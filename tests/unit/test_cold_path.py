"""A cold function's shortcut: botocore's data loader told which services replybox calls must build
every client as the stock loader does."""
from __future__ import annotations

import pytest


def test_the_loader_lists_only_our_services_and_each_client_still_builds():
    import botocore.session

    from chalicelib.botodata import SERVICES, loader_for

    session = botocore.session.Session()
    stock = session.get_available_services()
    session.register_component("data_loader", loader_for(session.get_config_variable("data_path")))
    assert session.get_available_services() == sorted(SERVICES)
    assert set(SERVICES) <= set(stock)  # each is a service botocore has data for
    for name in SERVICES:
        client = session.create_client(name, region_name="eu-west-1", aws_access_key_id="a", aws_secret_access_key="b")
        assert client.meta.service_model.service_name == name
        assert client.meta.region_name == "eu-west-1"


def test_a_service_we_do_not_call_is_unknown_as_botocore_says_it():
    import botocore.session
    from botocore.exceptions import UnknownServiceError

    from chalicelib.botodata import loader_for

    session = botocore.session.Session()
    session.register_component("data_loader", loader_for(None))
    with pytest.raises(UnknownServiceError, match="Valid service names are: dynamodb, sesv2, sns, ssm"):
        session.create_client("s3", region_name="us-east-1")


def test_the_loader_keeps_a_data_path_ahead_of_botocores_own(tmp_path):
    from chalicelib.botodata import loader_for

    loader = loader_for(str(tmp_path))
    assert loader.search_paths[0] == str(tmp_path)
    assert loader.search_paths[-1].endswith("botocore/data")
