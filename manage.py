#!/usr/bin/env python3
"""replybox's admin command line: tables, sites, moderator tokens, and the spam engine offline."""
from __future__ import annotations

import argparse
import json
import sys


def cmd_create_table(args: argparse.Namespace) -> int:
    from chalicelib import wiring

    wiring.setup_store().create_table()
    print(f"table {wiring.get_settings().table} is ready")
    return 0


def cmd_create_site(args: argparse.Namespace) -> int:
    from chalicelib import wiring
    from chalicelib.moderation import origin_of
    from chalicelib.models import Site

    bad = [o for o in args.origin if origin_of(o) is None]
    if bad:
        print(f"error: --origin must be like https://blog.example (got {bad[0]!r})", file=sys.stderr)
        return 2
    site = Site(
        slug=args.site,
        origins=[origin_of(o) for o in args.origin],
        moderation=args.moderation,
        flood_seconds=args.flood_seconds,
        post_url_template=args.post_url_template,
        moderation_keys=args.moderation_key or [],
        disallowed_keys=args.disallowed_key or [],
        retention_days=args.retention_days,
        spam_retention_days=args.spam_retention_days,
    )
    wiring.store().put_site(site)
    print(f"site {site.slug}: origins {', '.join(site.origins)}, moderation {site.moderation}")
    return 0


def cmd_create_token(args: argparse.Namespace) -> int:
    from chalicelib import wiring
    from chalicelib.secrets import new_api_token

    if wiring.store().get_site(args.site) is None:
        print(f"error: no site named {args.site!r}", file=sys.stderr)
        return 1
    token = new_api_token()
    wiring.store().put_token(args.site, args.name, wiring.keyring().token_hash(token))
    print(token)
    return 0


def cmd_revoke_token(args: argparse.Namespace) -> int:
    from chalicelib import wiring

    if not wiring.store().revoke_token(args.site, args.name):
        print(f"error: site {args.site!r} has no token named {args.name!r}", file=sys.stderr)
        return 1
    print(f"revoked {args.name} on {args.site}")
    return 0


def _progress_bar(label: str):
    """A progress bar on stderr when it is a terminal; nothing in a pipe or a log."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def cmd_import(args: argparse.Namespace) -> int:
    """A WordPress WXR or Disqus export into a site; running it again changes nothing."""
    from chalicelib import wiring
    from chalicelib.errors import NotFoundError
    from chalicelib.migrate.importer import import_export
    from chalicelib.migrate.parse import ExportFormatError, parse_export

    try:
        with open(args.file, "rb") as f:
            export = parse_export(f.read())
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 1
    except ExportFormatError as exc:
        print(f"error: {args.file}: {exc}", file=sys.stderr)
        return 1
    try:
        summary = import_export(wiring.service(), args.site, export, _progress_bar("importing"))
    except NotFoundError:
        print(f"error: no site named {args.site!r} (create it with create-site)", file=sys.stderr)
        return 1
    print(f"{args.file}: {'WordPress' if export.format == 'wxr' else 'Disqus'} export, {len(export.posts)} posts")
    for line in summary.lines():
        print(line)
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    """JSON lines in, one verdict per line out, in order; no storage, no site history."""
    from chalicelib import spam

    stream = open(args.file, encoding="utf-8") if args.file and args.file != "-" else sys.stdin
    with stream:
        for line in stream:
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except ValueError:
                data = {}
            if not isinstance(data, dict):
                data = {}
            fields = {k: str(data.get(k) or "") for k in ("author", "email", "url", "content", "ip", "user_agent")}
            print(json.dumps(spam.evaluate(spam.Submission(**fields)).to_dict(), ensure_ascii=False), flush=True)
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from spamtrain.cli import train

    return train(args.rest)


def cmd_eval(args: argparse.Namespace) -> int:
    from spamtrain.cli import evaluate

    return evaluate(args.rest)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="manage.py", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    sub.add_parser("create-table", help="create the DynamoDB table and its indexes").set_defaults(func=cmd_create_table)

    s = sub.add_parser("create-site", help="create or update a site (a blog)")
    s.add_argument("site")
    s.add_argument("--origin", action="append", required=True, help="allowed origin, e.g. https://blog.example")
    s.add_argument("--moderation", choices=["all", "trusted", "auto"], default="trusted")
    s.add_argument("--flood-seconds", type=int, default=15)
    s.add_argument("--post-url-template", default="{origin}/?p={post_id}")
    s.add_argument("--moderation-key", action="append", help="WordPress 'comment moderation' key (repeatable)")
    s.add_argument("--disallowed-key", action="append", help="WordPress 'disallowed comment key' (repeatable)")
    s.add_argument("--retention-days", type=int, default=30, help="days to keep IP and user agent")
    s.add_argument(
        "--spam-retention-days", type=int, default=30, help="days before spam and trash are deleted (0: never)"
    )
    s.set_defaults(func=cmd_create_site)

    t = sub.add_parser("create-token", help="create a moderator token; printed once, only a hash is stored")
    t.add_argument("site")
    t.add_argument("--name", required=True)
    t.set_defaults(func=cmd_create_token)

    r = sub.add_parser("revoke-token", help="revoke a moderator token by name")
    r.add_argument("site")
    r.add_argument("name")
    r.set_defaults(func=cmd_revoke_token)

    im = sub.add_parser("import", help="import a WordPress WXR or Disqus XML export (idempotent)")
    im.add_argument("site")
    im.add_argument("file")
    im.set_defaults(func=cmd_import)

    sc = sub.add_parser("score", help="score JSON lines from FILE or stdin, one verdict per line")
    sc.add_argument("file", nargs="?")
    sc.set_defaults(func=cmd_score)

    for name, func, text in (("train", cmd_train, "train the spam classifier"), ("eval", cmd_eval, "evaluate the engine")):
        c = sub.add_parser(name, help=text, add_help=False)
        c.add_argument("rest", nargs=argparse.REMAINDER)
        c.set_defaults(func=func)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "create-site":
        for option in ("flood_seconds", "spam_retention_days"):
            if getattr(args, option) < 0:
                print(f"error: --{option.replace('_', '-')} must be 0 or more", file=sys.stderr)
                return 2
    from chalicelib.errors import StorageUnavailableError

    try:
        return args.func(args)
    except StorageUnavailableError as exc:
        print(f"error: DynamoDB is not reachable ({exc}); is it running? (make run starts it)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
