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


def _markdown_files() -> list[str]:
    docs = os.path.join(ROOT, "docs")
    return [os.path.join(ROOT, "README.md"), os.path.join(ROOT, "BENCHMARKS.md")] + sorted(
        os.path.join(docs, name) for name in os.listdir(docs) if name.endswith(".md"))


def broken_links(path: str) -> list[str]:
    """Links (and images) of one Markdown file that leave the repository or name a missing file."""
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # code blocks hold commands, not links
    problems = []
    for target in re.findall(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)", text):
        if re.match(r"[a-z][a-z0-9+.-]*:", target, re.I):  # http:, https:, mailto:, file:, ...
            if not target.lower().startswith(("http://", "https://", "mailto:")):
                problems.append(target)
            continue
        local = target.split("#", 1)[0]
        if not local:
            continue  # an anchor on the same page
        resolved = os.path.realpath(os.path.join(os.path.dirname(path), local))
        if not resolved.startswith(os.path.realpath(ROOT) + os.sep) or not os.path.exists(resolved):
            problems.append(target)
    return problems


def test_docs_link_only_to_files_inside_the_repo():
    found = {os.path.relpath(p, ROOT): broken_links(p) for p in _markdown_files()}
    assert {p: links for p, links in found.items() if links} == {}
    # Nor does the README name a path out of the checkout in its text: a fresh clone has nothing beside it.
    assert not re.search(r"(?<![\w.])\.\./", open(os.path.join(ROOT, "README.md"), encoding="utf-8").read())


def test_the_link_check_catches_a_link_out_of_the_repo_and_a_missing_file(monkeypatch):
    import io

    outside = "../../elsewhere/API.md"
    text = f"[c]({outside}) [m](missing.md) [ok](api.md) [top](../README.md#api) [w](https://x.example)"
    monkeypatch.setattr("builtins.open", lambda *args, **kwargs: io.StringIO(text))
    assert broken_links(os.path.join(ROOT, "docs", "api.md")) == [outside, "missing.md"]


def test_the_api_reference_is_in_the_repo_and_the_readme_links_it():
    reference = open(os.path.join(ROOT, "docs", "api.md"), encoding="utf-8").read()
    assert "## Added in v2" in reference and "### `POST /sites/{site}/comments`" in reference
    assert "](docs/api.md)" in open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
