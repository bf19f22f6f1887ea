"""`make run`: DynamoDB Local on disk, the table, the demo site and its token, then `chalice local`."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from scripts import dynamodb_local  # noqa: E402

ROOT = dynamodb_local.ROOT


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    ddb_port = int(os.environ.get("DDB_PORT", "8001"))
    data_dir = os.path.abspath(os.environ.get("DATA_DIR", os.path.join(ROOT, ".data")))
    os.makedirs(data_dir, exist_ok=True)
    origin = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATA_DIR": data_dir,
        "DYNAMODB_ENDPOINT_URL": f"http://127.0.0.1:{ddb_port}",
        "REPLYBOX_SECRET_FILE": os.environ.get("REPLYBOX_SECRET_FILE") or os.path.join(data_dir, "secret"),
        "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
        "AWS_ACCESS_KEY_ID": os.environ.get("AWS_ACCESS_KEY_ID", "replybox"),
        "AWS_SECRET_ACCESS_KEY": os.environ.get("AWS_SECRET_ACCESS_KEY", "local"),
        "REPLYBOX_PUBLIC_ORIGIN": origin,
    }
    os.environ.update(env)

    from chalicelib import wiring
    from chalicelib.models import Site
    from chalicelib.secrets import create_secret_file, new_api_token

    if create_secret_file(env["REPLYBOX_SECRET_FILE"]):
        print(f"replybox: created the HMAC secret {env['REPLYBOX_SECRET_FILE']}", flush=True)

    ddb = None
    if dynamodb_local.is_listening(ddb_port):
        print(f"replybox: using the DynamoDB already on port {ddb_port}", flush=True)
    else:
        ddb = dynamodb_local.start(
            ddb_port, os.path.join(data_dir, "dynamodb"), log_path=os.path.join(data_dir, "dynamodb.log")
        )
        print(f"replybox: DynamoDB Local on 127.0.0.1:{ddb_port}, data in {data_dir}/dynamodb", flush=True)
    try:
        wiring.reset()
        wiring.setup_store().create_table()
        store = wiring.store()
        site = store.get_site("demo")
        if site is None or origin not in site.origins:
            origins = sorted({*(site.origins if site else []), origin})
            store.put_site(Site(slug="demo", origins=origins, post_url_template="{origin}/demo"))
            print(f"replybox: site demo allows {', '.join(origins)}", flush=True)
        token_file = os.path.join(data_dir, "demo-token")
        if not os.path.exists(token_file):
            token = new_api_token()
            store.put_token("demo", "make-run", wiring.keyring().token_hash(token))
            fd = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(token + "\n")
        print(f"replybox: moderator token for demo is in {token_file}", flush=True)
        print(f"replybox: API on {origin}  (demo page {origin}/demo, moderation {origin}/moderate)", flush=True)
        chalice = os.path.join(os.path.dirname(sys.executable), "chalice")
        server = subprocess.Popen(
            [chalice, "local", "--no-autoreload", "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env
        )
        signal.signal(signal.SIGTERM, lambda *_: server.terminate())
        try:
            return server.wait()
        except KeyboardInterrupt:
            server.terminate()
            server.wait()
            return 0
    finally:
        if ddb is not None:
            dynamodb_local.stop(ddb)
            print("replybox: DynamoDB Local stopped", flush=True)


if __name__ == "__main__":
    sys.exit(main())
