"""Before `make run` / `make test` install anything: the tools they need and the ports they use.

Standard library only: it runs with the machine's python3, before the virtualenv exists. On Debian as
root it installs missing tools with apt-get (as .ci/run does); elsewhere it stops with one line saying
what to install. Each problem is one line on stderr and exit status 1.
"""
from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys

CHROMIUM = "/usr/bin/chromium"
# tool -> (what a person installs, the Debian packages that provide it)
TOOLS = {
    "java": ("Java 17", ["openjdk-17-jre-headless"]),
    "npm": ("Node.js and npm", ["nodejs", "npm"]),
    CHROMIUM: ("Chromium at /usr/bin/chromium", ["chromium"]),
}
NEEDS = {"run": ["java", "npm"], "test": ["java", "npm", CHROMIUM]}


def missing_tools(tools: list[str]) -> list[str]:
    return [t for t in tools if not (os.access(t, os.X_OK) if os.path.isabs(t) else shutil.which(t))]


def can_install_with_apt() -> bool:
    return os.geteuid() == 0 and os.path.exists("/etc/debian_version") and shutil.which("apt-get") is not None


def install_with_apt(packages: list[str]) -> None:
    print(f"replybox: installing {' '.join(packages)}", file=sys.stderr, flush=True)
    quiet = {"stdout": subprocess.DEVNULL}
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, **quiet)
    subprocess.run(["apt-get", "install", "-y", "-qq", *packages], check=True, env=env, **quiet)


def tools_problem(tools: list[str]) -> str | None:
    """None when every tool is there (after installing them where that is possible), else one line."""
    missing = missing_tools(tools)
    if missing and can_install_with_apt():
        try:
            install_with_apt([p for t in missing for p in TOOLS[t][1]])
        except (OSError, subprocess.CalledProcessError) as exc:
            # Fall through to the one line below, which says what to install by hand.
            print(f"replybox: apt-get could not install them ({exc})", file=sys.stderr)
        missing = missing_tools(tools)
    if not missing:
        return None
    names = " and ".join(TOOLS[t][0] for t in missing)
    packages = " ".join(p for t in missing for p in TOOLS[t][1])
    return f"replybox: {names} not found; install it first (on Debian/Ubuntu: sudo apt-get install {packages})"


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether a server could bind host:port now (SO_REUSEADDR as http.server sets it)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
        return True


def is_dynamodb(port: int, host: str = "127.0.0.1") -> bool:
    """Whether what listens on host:port answers a DynamoDB ListTables like DynamoDB does."""
    connection = http.client.HTTPConnection(host, port, timeout=3)
    try:
        connection.request("POST", "/", body=b"{}", headers={
            "X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0"})
        answer = connection.getresponse()
        body = answer.read(4096)
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()
    return b"TableNames" in body or b"dynamodb" in body.lower() or answer.getheader("x-amzn-RequestId") is not None


def ports_problem(port: int, ddb_port: int) -> str | None:
    """None when the API port is free and the DynamoDB port is free or holds a DynamoDB, else one line."""
    if not port_is_free(port):
        return (f"replybox: port {port} (the API) is in use by another program; stop it, "
                f"or choose another port: make run PORT={port + 10}")
    if not port_is_free(ddb_port) and not is_dynamodb(ddb_port):
        return (f"replybox: port {ddb_port} (DynamoDB Local) is in use by a program that is not DynamoDB; "
                f"stop it, or choose another port: make run DDB_PORT={ddb_port + 10}")
    return None


def main(argv: list[str]) -> int:
    mode = argv[1] if len(argv) > 1 else "run"
    problems = []
    if sys.version_info < (3, 11):
        version = ".".join(map(str, sys.version_info[:3]))
        problems.append(f"replybox: Python 3.11 or newer is needed ({sys.executable} is {version}); "
                        "run make with PYTHON=python3.11")
    problems.append(tools_problem(NEEDS[mode]))
    if mode == "run":
        problems.append(ports_problem(int(os.environ.get("PORT", "8000")), int(os.environ.get("DDB_PORT", "8001"))))
    problems = [p for p in problems if p]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
