"""The project's own docs keep up with the code: every route of the app is documented."""
from __future__ import annotations

import os
import re

from tests.conftest import ROOT


def _normalize(text: str) -> str:
    return re.sub(r"\{[^}/]*\}", "{}", text.replace("`", "").replace("*", ""))


def test_every_route_is_in_the_readme_or_the_docs():
    import app

    docs = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    for name in os.listdir(os.path.join(ROOT, "docs")):
        if name.endswith(".md"):
            docs += open(os.path.join(ROOT, "docs", name), encoding="utf-8").read()
    docs = _normalize(docs)
    missing = [
        f"{method} {path}"
        for path, methods in app.app.routes.items()
        for method in methods
        if method != "OPTIONS" and _normalize(path) not in docs
    ]
    assert not missing, f"routes without documentation: {missing}"


def test_readme_gives_exactly_the_two_setup_commands():
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    setup = readme.split("## Set-up", 1)[1].split("##", 1)[0]
    commands = re.findall(r"^make \w+", setup, re.M)
    assert commands == ["make run", "make test"]
