"""Rewrite chalicelib/data/class-code.marshal: the compiled methods of every dataclass and named
tuple a cold start makes (chalicelib/classcode.py says why). Run after changing a dataclass the
spam engine or a request makes at import, or upgrading pydantic; tests/unit/test_classcode.py fails
until it is current. Run: .venv/bin/python scripts/class_code.py
"""
from __future__ import annotations

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# What a cold POST does before its first DynamoDB call, in a fresh interpreter whose recording starts
# as chalicelib is first imported: every module a request imports, the models' schemas, a DynamoDB
# client, a spam verdict. Prints the file's bytes, hex.
COLD_START = """
import chalicelib.classcode as classcode
recorded = classcode.record()
import app, email_validator, chalicelib.api.submission, chalicelib.moderation, chalicelib.notify
import chalicelib.storage, chalicelib.web.render, chalicelib.models as m, chalicelib.views as v
from chalicelib import spam, wiring
for model in (m.CommentIn, m.Comment, m.SubmitResult, v.PublicPage):
    model.model_rebuild()
wiring.aws_session().create_client("dynamodb", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
spam.evaluate(spam.Submission(author="Kim", email="kim@example.org", content="Thanks, the second step worked for me!"))
print(classcode.dumps(recorded).hex())
"""


def cold_start_code(root: str = ROOT, python: str = sys.executable) -> bytes:
    """The file's bytes, recorded by `python` running a cold start from the sources in `root`."""
    env = {**os.environ, "PYTHONPATH": root, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONHASHSEED", None)
    done = subprocess.run([python, "-c", COLD_START], cwd=root, env=env, check=True, capture_output=True, text=True)
    return bytes.fromhex(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    sys.path.insert(0, ROOT)
    from chalicelib import classcode

    classcode.CACHE_PATH.parent.mkdir(exist_ok=True)
    classcode.CACHE_PATH.write_bytes(cold_start_code())
    import marshal

    print(f"{len(marshal.loads(classcode.CACHE_PATH.read_bytes())[1])} methods kept in {os.path.relpath(classcode.CACHE_PATH)}")
