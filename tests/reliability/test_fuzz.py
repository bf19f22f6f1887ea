"""Schemathesis against the real local stack: every route, with and without a moderator token.

Zero 5xx, and every answer conforms to /openapi.json (documented status code, content type, headers,
schema). Requests go one at a time: `chalice local` stalls under concurrency. The run is seeded
(REPLYBOX_FUZZ_SEED, default fixed) so CI is repeatable; set another seed to explore.
"""
from __future__ import annotations

import os
import time

import pytest

pytestmark = pytest.mark.ddblocal

schemathesis = pytest.importorskip("schemathesis")

SEED = int(os.environ.get("REPLYBOX_FUZZ_SEED", "20240909"))
# Examples per (operation, variant, mode); the variants below add up to well over 1,000 requests.
EXAMPLES = int(os.environ.get("REPLYBOX_FUZZ_EXAMPLES", "20"))
MIN_REQUESTS = 1000


def checks():
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [not_a_server_error, status_code_conformance, content_type_conformance,
            response_headers_conformance, response_schema_conformance]


def fuzz(operation, mode, examples, *, session, base_url, stats, headers=None, path_parameters=None):
    """Run `examples` generated requests against one operation; returns the failures, reported not raised."""
    from hypothesis import HealthCheck, Phase, given, seed, settings

    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)
    failures: list[str] = []
    enabled = checks()

    @seed(SEED)
    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck), print_blob=False)
    @given(case=strategy)
    def run(case):
        response = case.call(base_url=base_url, session=session, headers=headers, timeout=30)
        stats[response.status_code] = stats.get(response.status_code, 0) + 1
        try:
            case.validate_response(response, checks=enabled, headers=headers)
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collect all failures, then report
            if len(failures) < 3:
                failures.append(f"{case.method} {case.formatted_path} [{mode}]: {str(exc)[:1500]}")

    from hypothesis.errors import Unsatisfiable

    try:
        run()
    except Unsatisfiable:  # nothing to negate (an operation without parameters or body)
        pass
    return failures


def test_fuzz_every_route_with_and_without_a_token(fuzz_target):
    import requests
    from schemathesis import GenerationMode

    schema = schemathesis.openapi.from_url(f"{fuzz_target.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14
    session = requests.Session()
    stats: dict[int, int] = {}
    failures: list[str] = []
    started = time.monotonic()
    site = {"site": fuzz_target.site}
    bearer = {"Authorization": f"Bearer {fuzz_target.token}"}
    other = {"Authorization": f"Bearer {fuzz_target.other_token}"}
    for op in operations:
        moderation = "/moderation/" in op.path
        params = [p.name for p in op.path_parameters]
        variants = []
        if moderation:
            variants += [("token", bearer, site), ("no token", None, site), ("other site's token", other, site),
                         ("token, any site", bearer, None)]
        elif "site" in params:
            variants += [("our site", None, site), ("any site", None, None)]
        else:
            variants += [("plain", None, None)]
        for _, headers, fixed in variants:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                failures += fuzz(op, mode, EXAMPLES, session=session, base_url=fuzz_target.url, stats=stats,
                                 headers=headers, path_parameters=fixed)
    total = sum(stats.values())
    print(f"fuzz: {total} requests in {time.monotonic() - started:.0f} s, seed {SEED}, statuses {sorted(stats.items())}")
    assert not failures, "\n\n".join(failures)
    assert not [s for s in stats if s >= 500], stats
    assert total >= MIN_REQUESTS or EXAMPLES < 20, f"only {total} requests"
