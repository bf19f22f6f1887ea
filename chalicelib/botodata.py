"""botocore's data loader, told which services replybox calls and reading its JSON into plain dicts
(imported by wiring.aws_session only).

Two costs of a cold start that every client's first model pays with the stock Loader:
- Before loading a service's model, it checks the name against every service it knows:
  `list_available_services` lists each of ~400 folders in its data and each folder's API versions
  (about 900 listdir and 1,800 isfile calls, ~15 ms). This Loader looks in the same places for the
  services replybox calls (and those the credential chain calls) and no others, so a client for any
  of them builds exactly as before, and any other name is unknown, as botocore says of a service it
  does not have.
- It decodes each file with `object_pairs_hook=OrderedDict`, which takes twice as long as a plain
  decode: endpoints.json (1.2 MB, every partition's every service) 29 ms against 12 ms, DynamoDB's
  model 5.5 ms against 2.8 ms. Since Python 3.7 a dict keeps its keys in the order read, as the
  OrderedDict did, so the models built from them are the same (tests/unit/test_cold_path.py).
Both are botocore's public extension points (a Loader's `file_loader` and its method), so they hold
for the runtime's botocore as for the pinned one.
"""
from __future__ import annotations

import gzip
import json
import os
from typing import Any

from botocore.loaders import JSONFileLoader, Loader, create_loader, instance_cache

# DynamoDB (the store), SES v2 (mail.py), SNS (notify.py), SSM Parameter Store (signing.py).
SERVICES = ("dynamodb", "sesv2", "sns", "ssm")
# The clients botocore's credential chain builds itself: an assumed role (sts), AWS SSO (sso,
# sso-oidc) and `aws login` (signin), for a moderator's or deployer's profile on their own machine.
CREDENTIAL_SERVICES = ("signin", "sso", "sso-oidc", "sts")

# What botocore's JSONFileLoader tries, in its order: `name.json`, then `name.json.gz`.
_OPENERS = ((".json", open), (".json.gz", gzip.open))


class PlainJSONFileLoader(JSONFileLoader):
    """botocore's JSON file loader, decoding into dicts rather than OrderedDicts."""

    def load_file(self, file_path: str) -> Any:
        for ext, opener in _OPENERS:
            path = file_path + ext
            if os.path.isfile(path):
                with opener(path, "rb") as fp:
                    return json.loads(fp.read().decode("utf-8"))
        return None


class OurServicesLoader(Loader):
    """botocore's Loader whose list of available services holds only SERVICES and
    CREDENTIAL_SERVICES (those it has data for)."""

    @instance_cache
    def list_available_services(self, type_name: str) -> list[str]:
        return sorted(name for name in SERVICES + CREDENTIAL_SERVICES if self._has(name, type_name))

    def _has(self, service: str, type_name: str) -> bool:
        """Whether some API version of `service`, in some folder of the search path, has `type_name`:
        the test botocore's own list_available_services makes of each service folder."""
        for location in self._potential_locations():
            folder = os.path.join(location, service)
            if os.path.isdir(folder):
                for version in os.listdir(folder):
                    if self.file_loader.exists(os.path.join(folder, version, type_name)):
                        return True
        return False


def loader_for(data_path: str | None) -> Loader:
    """Ours, searching what botocore's session would search: `data_path` (its AWS_DATA_PATH folders),
    then ~/.aws/models and botocore's own data."""
    return OurServicesLoader(extra_search_paths=list(create_loader(data_path).search_paths),
                             file_loader=PlainJSONFileLoader(), include_default_search_paths=False)
