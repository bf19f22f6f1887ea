"""manage.py import as an administrator runs it, against DynamoDB Local."""
from __future__ import annotations

import os

import pytest

from tests.conftest import ROOT
from tests.integration.test_manage import manage  # noqa: F401 - the fixture

pytestmark = pytest.mark.ddblocal
WXR = os.path.join(ROOT, "tests", "fixtures", "ichthyosaurs-wordpress.xml")


def test_import_twice_then_summary_says_nothing_new(manage, tmp_path):  # noqa: F811
    assert manage("create-table").returncode == 0
    assert manage("create-site", "ichthyosaurs", "--origin", "https://ichthyosaurs.wordpress.com").returncode == 0
    first = manage("import", "ichthyosaurs", WXR)
    assert first.returncode == 0, first.stderr
    assert "imported 19 comments (approved 19)" in first.stdout
    assert "skipped 3: pingback 3" in first.stdout
    assert first.stderr == ""  # no progress bar when stderr is not a terminal
    second = manage("import", "ichthyosaurs", WXR)
    assert "imported 0 comments" in second.stdout and "already imported 19" in second.stdout

    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><disqus>&a;</disqus>')
    refused = manage("import", "ichthyosaurs", str(bomb))
    assert refused.returncode == 1 and "DOCTYPE" in refused.stderr and "Traceback" not in refused.stderr
    assert manage("import", "nosuch", WXR).returncode == 1


def test_close_after_days_and_export(manage):  # noqa: F811
    import json

    assert manage("create-table").returncode == 0
    assert manage("create-site", "ichthyosaurs", "--origin", "https://ichthyosaurs.wordpress.com").returncode == 0
    assert manage("create-site", "ichthyosaurs", "--update", "--close-after-days", "-1").returncode == 2
    assert manage("create-site", "ichthyosaurs", "--update", "--close-after-days", "14").returncode == 0
    shown = json.loads(manage("show-site", "ichthyosaurs").stdout)
    assert shown["close_after_days"] == 14 and shown["origins"] == ["https://ichthyosaurs.wordpress.com"]

    bad = manage("create-site", "ichthyosaurs", "--update", "--close-before", "2013-02-30")
    assert bad.returncode == 2 and "--close-before" in bad.stderr and "Traceback" not in bad.stderr
    assert manage("create-site", "ichthyosaurs", "--update", "--close-before", "2013-01-01").returncode == 0
    assert json.loads(manage("show-site", "ichthyosaurs").stdout)["close_before"] == "2013-01-01"
    assert manage("create-site", "ichthyosaurs", "--update", "--close-before", "never").returncode == 0
    shown = json.loads(manage("show-site", "ichthyosaurs").stdout)
    assert shown["close_before"] == "" and shown["close_after_days"] == 14  # --update changed only the date

    assert manage("import", "ichthyosaurs", WXR).returncode == 0
    lines = manage("export", "ichthyosaurs").stdout.splitlines()
    assert len(lines) == 19 and all(json.loads(line)["status"] == "approved" for line in lines)
    wxr = manage("export", "ichthyosaurs", "--format", "wxr").stdout
    assert wxr.startswith("<?xml") and wxr.count("<wp:comment>") == 19
    person = manage("export", "ichthyosaurs", "--email", "mike@indexdata.com").stdout.splitlines()
    assert [json.loads(line)["author"] for line in person] == ["Mike Taylor"]
    assert manage("export", "ichthyosaurs", "--email", "nonsense").returncode == 2
