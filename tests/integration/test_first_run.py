"""A newcomer's first `make run`: missing tools and busy ports in one line, DynamoDB Local on loopback
only, and a server log without IPs, tokens, emails, user agents or tracebacks."""
from __future__ import annotations

import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.ddblocal

PREFLIGHT = os.path.join(ROOT, "scripts", "preflight.py")


def preflight(*, path=None, port=None, ddb_port=None):
    from scripts import dynamodb_local

    env = {**os.environ, "PORT": str(port or dynamodb_local.free_port()),
           "DDB_PORT": str(ddb_port or dynamodb_local.free_port())}
    if path is not None:
        env["PATH"] = path
    return subprocess.run([sys.executable, PREFLIGHT, "run"], env=env, capture_output=True, text=True, timeout=60)


def one_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_missing_java_and_npm_say_what_to_install(tmp_path):
    # A PATH with neither java nor npm (nor apt-get, so nothing is installed behind the test's back).
    line = one_line(preflight(path=str(tmp_path)))
    assert "Java 17" in line and "npm" in line
    assert "openjdk-17-jre-headless" in line and "nodejs npm" in line


def test_only_the_missing_tool_is_named(tmp_path):
    fake_npm = tmp_path / "npm"
    fake_npm.write_text("#!/bin/sh\n")
    fake_npm.chmod(0o755)
    line = one_line(preflight(path=str(tmp_path)))
    assert "Java 17" in line and "openjdk-17-jre-headless" in line
    assert "nodejs" not in line


@pytest.mark.skipif(os.geteuid() != 0 or not os.path.exists("/etc/debian_version"),
                    reason="the apt-get path is taken only as root on Debian")
def test_on_debian_as_root_missing_tools_are_installed_with_apt(tmp_path):
    # A stand-in apt-get on a PATH without java or npm: it records its calls and "installs" the
    # tools by writing them into the same folder, so the check afterwards finds them.
    log = tmp_path / "apt-calls"
    apt = tmp_path / "apt-get"
    apt.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> {log}\n'
        'if [ "$1" = install ]; then\n'
        f'  for tool in java npm; do printf "#!/bin/sh\\n" > {tmp_path}/$tool; /bin/chmod 755 {tmp_path}/$tool; done\n'
        "fi\n"
    )
    apt.chmod(0o755)
    result = preflight(path=str(tmp_path))
    assert result.returncode == 0, result.stderr
    calls = log.read_text().splitlines()
    assert calls[0] == "update -qq"
    assert calls[1].startswith("install -y -qq") and "openjdk-17-jre-headless" in calls[1] and "nodejs npm" in calls[1]
    assert "installing openjdk-17-jre-headless nodejs npm" in result.stderr


def test_all_there_and_free_ports_pass():
    assert shutil.which("java") and shutil.which("npm")
    result = preflight()
    assert result.returncode == 0 and result.stderr == ""


@pytest.fixture
def held_port():
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        yield held.getsockname()[1]


def test_busy_api_port_is_one_line_naming_it(held_port):
    line = one_line(preflight(port=held_port))
    assert f"port {held_port}" in line and "PORT=" in line


def test_run_py_on_a_busy_api_port_is_one_line_and_starts_nothing(held_port, tmp_path):
    from scripts import dynamodb_local

    ddb_port = dynamodb_local.free_port()
    env = {**os.environ, "PORT": str(held_port), "DDB_PORT": str(ddb_port), "DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "run.py")], env=env,
                            capture_output=True, text=True, timeout=60)
    line = one_line(result)
    assert f"port {held_port}" in line and "API on" not in result.stdout
    assert not dynamodb_local.is_listening(ddb_port)


def test_dynamodb_port_held_by_something_else_is_one_line():
    class Hello(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"hello")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Hello)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        line = one_line(preflight(ddb_port=port))
        assert f"port {port}" in line and "not DynamoDB" in line and "DDB_PORT=" in line
    finally:
        server.shutdown()


def test_a_running_dynamodb_local_on_the_port_is_reused(ddb_local_endpoint):
    result = preflight(ddb_port=int(ddb_local_endpoint.rsplit(":", 1)[1]))
    assert result.returncode == 0, result.stderr


def non_loopback_addresses() -> list[str]:
    found = set()
    try:
        found.update(subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5).stdout.split())
    except OSError:
        pass
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:  # the outbound address; sends nothing
        try:
            probe.connect(("192.0.2.1", 9))
            found.add(probe.getsockname()[0])
        except OSError:
            pass
    return sorted(a for a in found if not a.startswith("127.") and a not in ("::1", "0.0.0.0"))


def test_dynamodb_local_is_not_reachable_from_the_network(ddb_local_endpoint):
    addresses = non_loopback_addresses()
    if not addresses:
        pytest.skip("this machine has no non-loopback address to try")
    port = int(ddb_local_endpoint.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        pass  # it does listen
    for address in addresses:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        with socket.socket(family) as s:
            s.settimeout(3)
            assert s.connect_ex((address, port)) != 0, f"DynamoDB Local answers on {address}:{port}"


def test_server_log_has_no_ip_token_query_email_user_agent_or_traceback(local_stack):
    from tests.integration.test_manage import local_manage

    # Its own site with no flood window: this test's comment must not hold back other tests' first post.
    made = local_manage(local_stack, "create-site", "logprobe", "--origin", local_stack.url, "--flood-seconds", "0")
    assert made.returncode == 0, made.stderr
    marker = uuid.uuid4().hex
    token = f"tok{marker}.sig{marker}"
    email = f"log-{marker}@example.com"
    agent = f"LogProbe/{marker}"
    start = os.path.getsize(local_stack.log_path)

    def send(path, data=None, headers=None):
        request = urllib.request.Request(f"{local_stack.url}{path}", data=data,
                                         headers={"User-Agent": agent, **(headers or {})})
        try:
            urllib.request.urlopen(request, timeout=10).read()
        except urllib.error.HTTPError:
            pass

    send(f"/sites/demo/moderation/links/{token}?q={marker}")
    send("/sites/demo/moderation/links/" + token, data=b"", headers={"Content-Type": "application/x-www-form-urlencoded"})
    send(f"/sites/demo/posts/log-{marker}/comments?cursor={marker}")
    body = {"post_id": "log", "author": "Log Probe", "email": email, "content": f"Text {marker}"}
    send("/sites/logprobe/comments", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with socket.create_connection(("127.0.0.1", local_stack.port), timeout=5) as raw:  # http.server's 400
        raw.sendall(f"GARBAGE /{marker} NOT-HTTP\r\n\r\n".encode())
        raw.recv(1024)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with open(local_stack.log_path, encoding="utf-8", errors="replace") as fh:
            fh.seek(start)
            written = fh.read()
        if written.count('"route"') >= 4:
            break
        time.sleep(0.2)
    assert '"route":"/sites/{site}/moderation/links/{token}"' in written  # the app's own line is there
    for secret in ("127.0.0.1", marker, email, agent, "Traceback"):
        assert secret not in written, f"{secret!r} in the server log:\n{written}"


@pytest.mark.skipif(os.geteuid() != 0 or not os.path.exists("/etc/debian_version"),
                    reason="the apt-get path is taken only as root on Debian")
def test_a_failing_apt_get_still_ends_in_the_line_that_says_what_to_install(tmp_path):
    apt = tmp_path / "apt-get"
    apt.write_text("#!/bin/sh\nexit 100\n")
    apt.chmod(0o755)
    result = preflight(path=str(tmp_path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("replybox: Java 17 and Node.js and npm not found")
