"""Deployment size: the zipped package `make package` builds (build/deployment.zip when present, else a
fresh `chalice package` into a temporary folder with the same bytecode added), unzipped size
and what takes the room. Run: .venv/bin/python bench/bench_size.py [--fresh]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import common  # noqa: E402

GOAL_MB = 5.0
BUILT = os.path.join(common.ROOT, "build", "deployment.zip")


def build_zip(directory: str) -> str:
    chalice = os.path.join(os.path.dirname(sys.executable), "chalice")
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1")}
    subprocess.run([chalice, "package", directory], cwd=common.ROOT, env=env, check=True, capture_output=True)
    path = os.path.join(directory, "deployment.zip")
    from scripts.package import add_bytecode  # what `make package` adds: the bytecode a cold start reads

    add_bytecode(path)
    return path


def top_level(name: str) -> str:
    """The package an archive member belongs to (site-packages are at the root of a Lambda zip)."""
    first = name.split("/", 1)[0]
    if first.endswith(".dist-info"):
        return "(dist-info metadata)"
    return first


def measure(fresh: bool = False) -> dict:
    source = "build/deployment.zip (make package)"
    path = BUILT
    if fresh or not os.path.exists(BUILT):
        path = build_zip(tempfile.mkdtemp(prefix="replybox-package-"))
        source = "chalice package + bytecode, as make package (fresh, temporary folder)"
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
    by_package: dict[str, list[int]] = {}
    for member in members:
        sizes = by_package.setdefault(top_level(member.filename), [0, 0])
        sizes[0] += member.compress_size
        sizes[1] += member.file_size
    largest = sorted(by_package.items(), key=lambda kv: -kv[1][0])[:8]
    return {
        "source": source,
        "built": time.strftime("%Y-%m-%d %H:%M", time.localtime(os.path.getmtime(path))),
        "zip_mb": os.path.getsize(path) / 1e6,
        "unzipped_mb": sum(m.file_size for m in members) / 1e6,
        "files": len(members),
        "has_pyc": any(m.filename.endswith(".pyc") for m in members),
        "largest": [[name, zipped / 1e6, unzipped / 1e6] for name, (zipped, unzipped) in largest],
    }


def markdown(r: dict) -> str:
    rows = [[name, f"{zipped:.2f} MB", f"{unzipped:.2f} MB"] for name, zipped, unzipped in r["largest"]]
    return (
        f"Deployment package ({r['source']}, built {r['built']}): **{r['zip_mb']:.2f} MB** zipped, "
        f"{r['unzipped_mb']:.1f} MB unzipped, {r['files']} files. Goal < {GOAL_MB:g} MB: "
        f"{common.verdict(r['zip_mb'], GOAL_MB)}."
        + (" It holds no .pyc files: Lambda compiles every module of the package on each cold start."
           if not r["has_pyc"] else "")
        + "\n\n" + common.table(["largest parts", "zipped", "unzipped"], rows) + "\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="package now even if build/deployment.zip exists")
    args = parser.parse_args(argv)
    result = measure(args.fresh)
    print(markdown(result))
    common.emit(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
