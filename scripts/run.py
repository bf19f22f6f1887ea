"""`make run`: DynamoDB Local on disk, the table, the demo site and its token, then Chalice's local server.

The server is Chalice's LocalDevServer (what `chalice local` runs), started here with a request handler
that writes no access log: http.server's line carries the client's IP and the raw path (a moderation
link's token, query strings). The app's own JSON request log (method, route pattern, status, time) is
the server's log, and no log line carries a traceback.
"""
from __future__ import annotations

import logging
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from scripts import dynamodb_local, preflight  # noqa: E402
from scripts.local_env import use_local_environment  # noqa: E402

ROOT = dynamodb_local.ROOT
# Sites are cached 60 s per Lambda; locally a change (manage.py, or this script) applies at once.
LOCAL_SITE_CACHE_SECONDS = "0"


def main() -> int:
    sys.stdout.reconfigure(line_buffering=True)  # each log line at once, also through a pipe or a file
    port = int(os.environ.get("PORT", "8000"))
    ddb_port = int(os.environ.get("DDB_PORT", "8001"))
    problem = preflight.ports_problem(port, ddb_port)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    origin = f"http://127.0.0.1:{port}"
    os.environ.setdefault("DDB_PORT", str(ddb_port))
    env = use_local_environment()
    data_dir = env["DATA_DIR"]
    os.makedirs(data_dir, exist_ok=True)
    os.environ.update(REPLYBOX_SITE_CACHE_SECONDS=LOCAL_SITE_CACHE_SECONDS)

    from chalicelib.signing import create_secret_file

    if create_secret_file(env["REPLYBOX_SECRET_FILE"]):
        print(f"replybox: created the HMAC secret {env['REPLYBOX_SECRET_FILE']}", flush=True)

    ddb = None
    if not preflight.port_is_free(ddb_port):
        print(f"replybox: using the DynamoDB already on port {ddb_port}", flush=True)
    else:
        try:
            ddb = dynamodb_local.start(
                ddb_port, os.path.join(data_dir, "dynamodb"), log_path=os.path.join(data_dir, "dynamodb.log")
            )
        except RuntimeError as exc:
            print(f"replybox: {exc}", file=sys.stderr)
            return 1
        print(f"replybox: DynamoDB Local on 127.0.0.1:{ddb_port}, data in {data_dir}/dynamodb", flush=True)
    try:
        set_up_demo(data_dir, origin)
        server = local_server(port)
        print(f"replybox: API on {origin}  (demo page {origin}/demo, moderation {origin}/moderate)", flush=True)
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        return 0
    except OSError as exc:  # the API port was taken between the check and the bind
        print(f"replybox: cannot listen on {origin}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    finally:
        if ddb is not None:
            for signum in (signal.SIGINT, signal.SIGTERM):  # a second Ctrl-C must not leave Java running
                signal.signal(signum, signal.SIG_IGN)
            dynamodb_local.stop(ddb)
            print("replybox: DynamoDB Local stopped", flush=True)


def set_up_demo(data_dir: str, origin: str) -> None:
    """The table, the site `demo` allowing this server's origin, and its moderator token (once)."""
    from chalicelib import wiring
    from chalicelib.models import Site
    from chalicelib.signing import new_api_token

    wiring.reset()
    wiring.setup_store().create_table()
    store = wiring.store()
    site = store.get_site("demo")
    if site is None:
        store.put_site(Site(slug="demo", origins=[origin], post_url_template="{origin}/demo"))
        print(f"replybox: site demo allows {origin}", flush=True)
    elif origin not in site.origins:  # keep every other setting an admin gave the demo
        store.put_site(site.model_copy(update={"origins": [*site.origins, origin]}))
        print(f"replybox: site demo allows {', '.join([*site.origins, origin])}", flush=True)
    token_file = os.path.join(data_dir, "demo-token")
    if not os.path.exists(token_file):
        token = new_api_token()
        store.put_token("demo", "make-run", wiring.keyring().token_hash(token))
        fd = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(token + "\n")
    print(f"replybox: moderator token for demo is in {token_file}", flush=True)
    wiring.reset()  # the server builds its own, with the local site cache


def local_server(port: int):
    """Chalice's LocalDevServer on 127.0.0.1:port with no access log and no tracebacks."""
    from chalice.cli.factory import CLIFactory
    from chalice.local import ChaliceRequestHandler, CustomLocalChalice, LocalChalice, LocalDevServer, ThreadedHTTPServer

    from chalicelib.logs import log_event

    class QuietRequestHandler(ChaliceRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's name
            """No access line: it names the client's IP and the raw path."""

    class QuietServer(ThreadedHTTPServer):
        def handle_error(self, request: object, client_address: object) -> None:
            """One JSON line instead of socketserver's traceback with the client's address."""
            log_event("error", route="-", error=type(sys.exc_info()[1]).__name__)

    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(message)s")
    config = CLIFactory(project_dir=ROOT).create_config_obj(chalice_stage_name="dev")
    app = config.chalice_app
    for logger, line in ((logging.getLogger(), "%(message)s"), (app.log, "%(name)s - %(levelname)s - %(message)s")):
        for handler in logger.handlers:
            handler.setFormatter(_NoTraceback(line))
    # What chalice.local.create_local_server does first: a current_request per server thread.
    CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
    app.__class__ = CustomLocalChalice
    return LocalDevServer(app, config, "127.0.0.1", port, handler_cls=QuietRequestHandler, server_cls=QuietServer)


class _NoTraceback(logging.Formatter):
    """A log line without the traceback a record may carry (its frames can quote what a person sent)."""

    def formatException(self, ei: object) -> str:  # noqa: N802 - logging's name
        return ""

    def formatStack(self, stack_info: str) -> str:  # noqa: N802
        return ""


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
