"""`make package`: `chalice package` with replybox's CloudFormation merged in, checked, under build/.

Usage: python scripts/package.py [--stage dev|prod] [--out build] [--snapstart]
Writes OUT/sam.json (the template to deploy) and OUT/deployment.zip (the code). --snapstart turns on
Lambda SnapStart for the API function; it needs a Python runtime that has it (python3.12+), and
Chalice packages for the Python it runs under.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from deploy.template import NOTIFY_EVENT, NOTIFY_FUNCTION, TABLE, merge_template, snapstart  # noqa: E402


def chalice_command() -> list[str]:
    local = os.path.join(os.path.dirname(sys.executable), "chalice")
    return [local] if os.path.exists(local) else ["chalice"]


def package(stage: str, out: str, *, with_snapstart: bool = False) -> dict:
    """Run `chalice package --merge-template`, check the wiring it cannot express, return the template."""
    env = dict(os.environ)
    env.setdefault("AWS_DEFAULT_REGION", "us-east-1")  # chalice wants one; the template uses AWS::Region
    with tempfile.TemporaryDirectory() as tmp:
        merge = os.path.join(tmp, "replybox-merge.json")
        with open(merge, "w") as fh:
            json.dump(merge_template(stage), fh, indent=2)
        subprocess.run(
            [*chalice_command(), "package", "--stage", stage, "--merge-template", merge, out],
            cwd=ROOT, env=env, check=True,
        )
    path = os.path.join(out, "sam.json")
    with open(path) as fh:
        template = json.load(fh)
    stream = template["Resources"][NOTIFY_FUNCTION]["Properties"]["Events"][NOTIFY_EVENT]["Properties"]["Stream"]
    if stream != {"Fn::GetAtt": [TABLE, "StreamArn"]}:
        raise SystemExit(f"the notifier is not wired to the table's stream: {stream!r}")
    if with_snapstart:
        try:
            template = snapstart(template)
        except ValueError as exc:
            raise SystemExit(str(exc)) from None
        with open(path, "w") as fh:
            json.dump(template, fh, indent=2)
    return template


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default="dev")
    parser.add_argument("--out", default=os.path.join(ROOT, "build"))
    parser.add_argument("--snapstart", action="store_true", help="Lambda SnapStart for the API (python3.12+)")
    args = parser.parse_args(argv)
    package(args.stage, os.path.abspath(args.out), with_snapstart=args.snapstart)
    size = os.path.getsize(os.path.join(args.out, "deployment.zip"))
    print(f"{args.out}/sam.json and deployment.zip ({size / 1e6:.1f} MB) for stage {args.stage}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
