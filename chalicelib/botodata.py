"""botocore's data loader, told which services replybox calls (imported by wiring.aws_session only).

Before loading a service's model, botocore's Loader checks the name against every service it knows:
`list_available_services` lists each of ~400 folders in its data and each folder's API versions
(about 900 listdir and 1,800 isfile calls, ~15 ms of a cold start) on every client's first model.
This Loader looks in the same places for the four services replybox calls and no others, so a
client for any of them builds exactly as before, and any other name is unknown, as botocore says
of a service it does not have.
"""
from __future__ import annotations

import os

from botocore.loaders import Loader, create_loader, instance_cache

# DynamoDB (the store), SES v2 (mail.py), SNS (notify.py), SSM Parameter Store (signing.py).
SERVICES = ("dynamodb", "sesv2", "sns", "ssm")


class OurServicesLoader(Loader):
    """botocore's Loader whose list of available services holds only SERVICES (those it has data for)."""

    @instance_cache
    def list_available_services(self, type_name: str) -> list[str]:
        return sorted(name for name in SERVICES if self._has(name, type_name))

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
                             include_default_search_paths=False)
