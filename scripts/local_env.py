"""The local environment `make run` and manage.py share: DATA_DIR, DynamoDB Local's endpoint, the secret file."""
from __future__ import annotations

import os
from collections.abc import Mapping

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DDB_PORT = "8001"


def local_environment(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """What reaches the local stack, with every setting the environment gives explicitly kept as given.

    On AWS (REPLYBOX_SECRET_PARAMETER set) nothing local is added: the table is reached through the
    normal AWS environment.
    """
    env = os.environ if env is None else env
    if env.get("REPLYBOX_SECRET_PARAMETER"):
        return {}
    data_dir = os.path.abspath(env.get("DATA_DIR") or os.path.join(ROOT, ".data"))
    defaults = {
        "DATA_DIR": data_dir,
        "DYNAMODB_ENDPOINT_URL": f"http://127.0.0.1:{env.get('DDB_PORT') or DEFAULT_DDB_PORT}",
        "REPLYBOX_SECRET_FILE": os.path.join(data_dir, "secret"),
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    return {key: (value if key == "DATA_DIR" else env.get(key) or value) for key, value in defaults.items()}


def use_local_environment() -> dict[str, str]:
    """Put local_environment() into os.environ (before anything reads the settings) and return it."""
    local = local_environment()
    os.environ.update(local)
    return local
