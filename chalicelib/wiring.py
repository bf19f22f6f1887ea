"""Cached factories: the DynamoDB clients, the Stores, the Keyring and the Service, built on first use."""
from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from .config import get_settings

if TYPE_CHECKING:  # the types only: each factory imports its module when first called (cold start)
    from .moderation import Service
    from .signing import Keyring
    from .storage import DynamoStore


@cache
def dynamodb_client() -> Any:
    """A low-level DynamoDB client with bounded retries and timeouts, so a Lambda never hangs."""
    from botocore.config import Config

    settings = get_settings()
    return _client(Config(
        retries={"mode": "standard", "total_max_attempts": settings.ddb_max_attempts},
        connect_timeout=1,
        read_timeout=settings.ddb_timeout_seconds,
    ))


@cache
def setup_client() -> Any:
    """The client for set-up calls (create table, TTL, waiters): patient, and it never repeats a call."""
    from botocore.config import Config

    settings = get_settings()
    return _client(Config(
        retries={"mode": "standard", "total_max_attempts": 1},
        connect_timeout=5,
        read_timeout=settings.setup_timeout_seconds,
    ))


@cache
def aws_session() -> Any:
    """The process's one botocore session, for every AWS client (DynamoDB, SSM, SES, SNS): a second
    session costs ~20 ms of cold start for loading botocore's data and the credential chain again.
    botocore's own, not boto3's: a low-level client gains nothing from boto3, whose import (s3transfer,
    multiprocessing, its resource docs) is ~10 ms more of a cold start."""
    import botocore.session

    from .botodata import loader_for

    session = botocore.session.get_session()
    session.register_component("data_loader", loader_for(session.get_config_variable("data_path")))
    return session


def _client(config: Any) -> Any:
    settings = get_settings()
    kwargs: dict[str, Any] = {"region_name": settings.region, "config": config}
    session = aws_session()
    if settings.endpoint_url:
        kwargs["endpoint_url"] = settings.endpoint_url
        if session.get_credentials() is None:
            # DynamoDB Local accepts any letters-and-digits key; AWS never sees these.
            kwargs.update(aws_access_key_id="replybox", aws_secret_access_key="local")
    return session.create_client("dynamodb", **kwargs)


@cache
def store() -> DynamoStore:
    from .storage import DynamoStore

    return DynamoStore(dynamodb_client(), get_settings().table)


@cache
def setup_store() -> DynamoStore:
    """The Store on the set-up client: for `create_table` (manage.py, make run), never on a request path."""
    from .storage import DynamoStore

    return DynamoStore(setup_client(), get_settings().table)


@cache
def keyring() -> Keyring:
    from .signing import Keyring, load_secret

    settings = get_settings()
    return Keyring(load_secret(settings.secret_file, settings.secret_parameter, settings.region))


@cache
def service() -> Service:
    from .moderation import Service

    return Service(store(), keyring(), site_ttl=get_settings().site_cache_seconds)


def reset() -> None:
    """Forget every built object (tests, and after the environment changed)."""
    for factory in (get_settings, aws_session, dynamodb_client, setup_client, store, setup_store, keyring, service):
        factory.cache_clear()
