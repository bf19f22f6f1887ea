"""manage.py import as an administrator runs it, against DynamoDB Local."""
from __future__ import annotations

import os

import pytest

from tests.conftest import ROOT
from tests.integration.test_manage import manage  # noqa: F401 - the fixture

pytestmark = pytest.mark.ddblocal
WXR = os.path.join(ROOT, "tests", "fixtures", "cc-labs-wordpress.xml")


def test_import_twice_then_summary_says_nothing_new(manage, tmp_path):  # noqa: F811
    assert manage("create-table").returncode == 0
    assert manage("create-site", "labs", "--origin", "http://labs.creativecommons.org").returncode == 0
    first = manage("import", "labs", WXR)
    assert first.returncode == 0, first.stderr
    assert "imported 32 comments (approved 32)" in first.stdout
    assert "skipped 17: pingback 17" in first.stdout
    assert first.stderr == ""  # no progress bar when stderr is not a terminal
    second = manage("import", "labs", WXR)
    assert "imported 0 comments" in second.stdout and "already imported 32" in second.stdout

    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><disqus>&a;</disqus>')
    refused = manage("import", "labs", str(bomb))
    assert refused.returncode == 1 and "DOCTYPE" in refused.stderr and "Traceback" not in refused.stderr
    assert manage("import", "nosuch", WXR).returncode == 1
