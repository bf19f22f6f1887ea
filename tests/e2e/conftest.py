"""The real stack for browser tests: scripts/run.py (DynamoDB Local + chalice local) on free ports, a second
"blog" origin that embeds the widget, and Debian's Chromium driven by Playwright."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
# build/ (ignored) by default: `make screenshots` points this at docs/screenshots to refresh the committed copies.
SCREENSHOTS = os.path.abspath(os.environ.get("REPLYBOX_SCREENSHOTS") or os.path.join(ROOT, "build", "screenshots"))
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: drives a real browser against the real local stack (make run)")


def _require_browser() -> None:
    if not os.path.exists(CHROMIUM) and not os.environ.get("CI"):
        pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium); browser tests run only where it is")
    try:
        import playwright  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("playwright is not installed (pip install -r requirements-dev.txt)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Stack:
    """The running API and what tests need to talk to it as a moderator."""

    base: str
    data_dir: str
    blog: str
    env: dict = field(repr=False)

    @property
    def token(self) -> str:
        with open(os.path.join(self.data_dir, "demo-token"), encoding="utf-8") as fh:
            return fh.read().strip()

    def call(self, method: str, path: str, body: Any = None, token: str | None = None, headers: dict | None = None):
        """(status, JSON body) of one API request."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if body is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                raw = response.read()
                return response.status, (json.loads(raw) if raw else None)
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            return exc.code, (json.loads(raw) if raw else None)

    def submit(self, post_id: str, **fields: str) -> dict:
        """A comment sent as the widget would; unique content and email unless given."""
        marker = uuid.uuid4().hex[:8]
        body = {
            "post_id": post_id,
            "author": fields.pop("author", f"Reader {marker}"),
            "email": fields.pop("email", f"reader-{marker}@example.org"),
            "content": fields.pop("content", f"A thoughtful remark {marker} about stretching."),
            **fields,
        }
        status, answer = self.call("POST", "/sites/demo/comments", body)
        assert status == 201, answer
        return answer

    def moderate(self, comment_id: str, action: str) -> dict:
        """Apply a moderation action at the comment's current version (approve works from pending and spam)."""
        status, current = self.call("GET", f"/sites/demo/moderation/comments/{comment_id}", token=self.token)
        assert status == 200, current
        status, after = self.call(
            "POST",
            f"/sites/demo/moderation/comments/{comment_id}",
            {"action": action, "version": current["version"]},
            token=self.token,
        )
        assert status == 200, after
        return after


def _wait_until_up(process: subprocess.Popen, base: str, data_dir: str, log_path: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(base + "/widget.js", timeout=2) as response:
                if response.status == 200 and os.path.exists(os.path.join(data_dir, "demo-token")):
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    with open(log_path, encoding="utf-8", errors="replace") as fh:
        tail = fh.read()[-3000:]
    raise RuntimeError(f"the stack did not come up (exit code {process.poll()}):\n{tail}")


def _stop(process: subprocess.Popen) -> None:
    """Stop run.py and everything it started (DynamoDB Local, chalice local): its whole process group."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass


INDEX_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Another blog</title></head>
<body><main><h1>Latest posts</h1>
<article><h2>Post A</h2><a href="/a#comments" data-replybox-count="count-a">Comments</a></article>
<article><h2>Post B</h2><a href="/b#comments" data-replybox-count="count-b">Comments</a></article>
<footer>Post A again: <span data-replybox-count="count-a" data-site="demo">?</span></footer>
<script src="{api}/count.js" data-site="demo" defer></script>
</main></body></html>"""


class _BlogHandler(BaseHTTPRequestHandler):
    """Another origin's blog post embedding the widget with its two lines."""

    api = ""

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        # /embed: its own post, two comments a page; anything else: the demo post, as another blog would show it.
        # /many: a post with many comments (requests per page view). /imported, /closed: posts of the
        # import tests (two comments a page). /index: an index page whose counts come from count.js.
        if self.path.startswith("/index"):
            return self._send(INDEX_PAGE.format(api=self.api).encode())
        post, size = ("embed-test", 2) if self.path.startswith("/embed") else (
            ("many-test", 100) if self.path.startswith("/many") else (
                ("imported-post", 2) if self.path.startswith("/imported") else (
                    ("closed-post", 2) if self.path.startswith("/closed") else ("massage-for-lower-back-pain", 100))))
        # ?lang=xx: the script tag carries data-lang="xx" (the page itself stays <html lang="en">).
        lang = re.search(r"[?&]lang=([A-Za-z-]{1,20})", self.path)
        data_lang = f' data-lang="{lang.group(1)}"' if lang else ""
        page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Another blog</title></head>
<body><main><h1>Another blog's post</h1><p>Some words before the comments.</p>
<div id="replybox"></div>
<script src="{self.api}/widget.js" data-site="demo" data-post="{post}" data-page-size="{size}"{data_lang} defer></script>
</main></body></html>""".encode()
        self._send(page)

    def _send(self, page: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        # The blog's own strict policy: the widget must work without inline code, talking to its API only.
        self.send_header(
            "Content-Security-Policy",
            f"default-src 'self'; script-src {self.api}; style-src {self.api}; img-src {self.api}; connect-src {self.api}",
        )
        self.end_headers()
        self.wfile.write(page)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    _require_browser()
    port, ddb_port, blog_port = free_port(), free_port(), free_port()
    data_dir = str(tmp_path_factory.mktemp("replybox-data"))
    log_path = os.path.join(data_dir, "run.log")
    base, blog = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{blog_port}"
    env = {
        **os.environ,
        "PORT": str(port),
        "DDB_PORT": str(ddb_port),
        "DATA_DIR": data_dir,
        "AWS_ACCESS_KEY_ID": "replybox",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    for name in ("DYNAMODB_ENDPOINT_URL", "REPLYBOX_SECRET_FILE", "REPLYBOX_SECRET_PARAMETER", "REPLYBOX_TABLE"):
        env.pop(name, None)  # this stack's own table and secret, under its own DATA_DIR
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, os.path.join(ROOT, "scripts", "run.py")],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
    try:
        _wait_until_up(process, base, data_dir, log_path)
        # Every request here comes from 127.0.0.1: no flood window, and the second blog origin allowed.
        admin_env = {**env, "DYNAMODB_ENDPOINT_URL": f"http://127.0.0.1:{ddb_port}",
                     "REPLYBOX_SECRET_FILE": os.path.join(data_dir, "secret")}
        subprocess.run(
            [sys.executable, os.path.join(ROOT, "manage.py"), "create-site", "demo", "--update", "--origin", base, "--origin", blog,
             "--flood-seconds", "0", "--post-url-template", "{origin}/demo"],
            cwd=ROOT, env=admin_env, check=True, capture_output=True, timeout=60,
        )
        handler = type("BlogHandler", (_BlogHandler,), {"api": base})
        server = ThreadingHTTPServer(("127.0.0.1", blog_port), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield Stack(base=base, data_dir=data_dir, blog=blog, env=env)
        finally:
            server.shutdown()
            server.server_close()
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def browser(stack: Stack) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class PageWatch:
    """Fails the test on any dialog (an injected alert), script error or Content-Security-Policy violation."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def attach(self, page: Any) -> Any:
        def on_dialog(dialog: Any) -> None:
            self.problems.append(f"a {dialog.type} dialog opened: {dialog.message!r}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("pageerror", lambda exc: self.problems.append(f"script error: {exc}"))
        page.on(
            "console",
            lambda msg: self.problems.append(f"console: {msg.text}")
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None,
        )
        return page


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    """open_page(javascript=True, viewport=DESKTOP, **context options) -> a fresh page in its own context, watched."""
    contexts, watch = [], PageWatch()

    def make(javascript: bool = True, viewport: dict = DESKTOP, **options: Any) -> Any:
        context = browser.new_context(java_script_enabled=javascript, viewport=viewport, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return watch.attach(context.new_page())

    yield make
    for context in contexts:
        context.close()
    assert not watch.problems, "\n".join(watch.problems)


@pytest.fixture(scope="session")
def screenshots() -> str:
    os.makedirs(SCREENSHOTS, exist_ok=True)
    return SCREENSHOTS

