"""`make package`: `chalice package` with replybox's CloudFormation merged in, checked, under build/.

Usage: python scripts/package.py [--stage dev|prod] [--out build] [--snapstart]
Writes OUT/sam.json (the template to deploy) and OUT/deployment.zip (the code, with each module's
bytecode beside it: Lambda's code directory is read-only, so without it every cold start compiles
every module it imports). --snapstart turns on Lambda SnapStart for the API function; it needs a
Python runtime that has it (python3.12+), and Chalice packages for the Python it runs under.
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
    add_bytecode(os.path.join(out, "deployment.zip"))
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


# What a cold start of the API imports: the app, a submission, the store, the spam engine, one page.
# Their modules (and everything they import from the zip) get bytecode; the rest of the zip (dnspython,
# pydantic.v1, ...) is never imported by a request and stays source only, which keeps the zip small.
COLD_IMPORTS = (
    "import app, email_validator, chalicelib.api.submission, chalicelib.moderation, chalicelib.notify,"
    " chalicelib.storage, chalicelib.spam, chalicelib.web.render, chalicelib.models as m, chalicelib.views as v;"
    " [model.model_rebuild() for model in (m.CommentIn, m.Comment, m.SubmitResult, v.PublicPage)]"
)


# Installed with email-validator, never imported by replybox: email-validator reads DNS only to check
# deliverability, which replybox never asks for (check_deliverability=False in models and signing).
# Left out of the zip (0.33 MB of the 5 MB budget); tests/deploy/test_template.py checks the two facts.
NEVER_IMPORTED = ("dns/", "dnspython-")


# The spam rules' compiled regular expressions (chalicelib/spam/precompiled.py), kept for one Python's sre.
KEPT_REGEX_CODE = "chalicelib/spam/data/regex-code.marshal"


def kept_regex_code() -> bytes:
    """The kept regular-expression code for the Python packaging (the runtime's, as for the bytecode)."""
    from chalicelib.spam import precompiled

    return precompiled.dumps()


# The methods a cold start's dataclasses and named tuples write (chalicelib/classcode.py), kept compiled
# for one Python, like the bytecode.
KEPT_CLASS_CODE = "chalicelib/data/class-code.marshal"


def add_bytecode(zip_path: str) -> None:
    """Put a compiled .pyc beside each module of the zip that a cold start imports (COLD_IMPORTS),
    leave out what is never imported (NEVER_IMPORTED),
    for the Python packaging it (the runtime Chalice chose). Unchecked-hash pycs: a built package never
    changes, so Python loads them without comparing the source's timestamp (a zip keeps none)."""
    import py_compile
    import zipfile

    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(zip_path) as zipped:
            zipped.extractall(tmp)
            entries = zipped.infolist()
        listing = COLD_IMPORTS + "; import sys; print('\\n'.join(getattr(x, '__file__', None) or '' for x in list(sys.modules.values())))"
        env = {**os.environ, "PYTHONPATH": tmp, "PYTHONDONTWRITEBYTECODE": "1"}
        found = subprocess.run([sys.executable, "-c", listing], cwd=tmp, env=env, check=True, capture_output=True, text=True).stdout
        modules = sorted({f for f in found.splitlines() if f.endswith(".py") and os.path.realpath(f).startswith(os.path.realpath(tmp) + os.sep)})
        with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zipped:
            for entry in entries:  # the same entries (and permissions) as chalice wrote them
                if entry.filename.startswith(NEVER_IMPORTED) or "__pycache__/" in entry.filename:
                    continue  # a checkout's own bytecode (any Python's, any age) is replaced by ours below
                if entry.is_dir():
                    zipped.writestr(entry, b"")
                    continue
                if entry.filename == KEPT_REGEX_CODE:  # written again by the Python that compiles the bytecode
                    zipped.writestr(entry, kept_regex_code(), zipfile.ZIP_DEFLATED, 9)
                    continue
                if entry.filename == KEPT_CLASS_CODE:  # recorded again by that Python, from the package's sources
                    from scripts.class_code import cold_start_code

                    zipped.writestr(entry, cold_start_code(tmp), zipfile.ZIP_DEFLATED, 9)
                    continue
                with open(os.path.join(tmp, entry.filename), "rb") as fh:
                    zipped.writestr(entry, fh.read(), zipfile.ZIP_DEFLATED, 9)
            for source in modules:
                compiled = py_compile.compile(source, doraise=True, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
                zipped.write(compiled, os.path.relpath(compiled, tmp))


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
