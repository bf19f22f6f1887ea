#!/usr/bin/env python3
"""replybox's admin command line: tables, sites, moderator tokens, and the spam engine offline."""
from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Iterable


def cmd_create_table(args: argparse.Namespace) -> int:
    from chalicelib import wiring

    wiring.setup_store().create_table()
    print(f"table {wiring.get_settings().table} is ready")
    return 0


def cmd_create_site(args: argparse.Namespace) -> int:
    """A new site from the options given (with defaults), or with --update only those options changed."""
    from chalicelib import wiring
    from chalicelib.models import Site

    origins = _origins(args.origin or [])
    if origins is None:
        return 2
    store = wiring.store()
    existing = store.get_site(args.site)
    if existing is not None and not args.update:
        print(f"error: site {args.site!r} exists; change it with --update (only the options you give) "
              "or add-origin / remove-origin", file=sys.stderr)
        return 1
    if existing is None and args.update:
        print(f"error: no site named {args.site!r} to update", file=sys.stderr)
        return 1
    if existing is None and not origins:
        print("error: a new site needs at least one --origin", file=sys.stderr)
        return 2
    given = {
        "origins": origins or None,
        "moderation": args.moderation,
        "flood_seconds": args.flood_seconds,
        "post_url_template": args.post_url_template,
        "moderation_keys": args.moderation_key,
        "disallowed_keys": args.disallowed_key,
        "retention_days": args.retention_days,
        "spam_retention_days": args.spam_retention_days,
        "close_after_days": args.close_after_days,
        "close_before": None if args.close_before is None else ("" if args.close_before == "never" else args.close_before),
        "spam_memory_days": args.spam_memory_days,
        "lang": args.lang,
        "digest_minutes": args.digest_minutes,
        "digest_after": args.digest_after,
        "expected_scripts": None if args.script is None else [s for s in args.script if s != "any"],
    }
    given = {k: v for k, v in given.items() if v is not None}
    base = existing.model_dump() if existing else {"slug": args.site}
    site = Site.model_validate({**base, **given})
    store.put_site(site)
    print(f"site {site.slug}: origins {', '.join(site.origins)}, moderation {site.moderation}")
    return 0


def cmd_show_site(args: argparse.Namespace) -> int:
    from chalicelib import wiring

    site = wiring.store().get_site(args.site)
    if site is None:
        print(f"error: no site named {args.site!r}", file=sys.stderr)
        return 1
    print(json.dumps(site.model_dump(mode="json"), indent=2, ensure_ascii=False))
    return 0


def cmd_add_origin(args: argparse.Namespace) -> int:
    return _change_origins(args, add=True)


def cmd_remove_origin(args: argparse.Namespace) -> int:
    return _change_origins(args, add=False)


def _change_origins(args: argparse.Namespace, add: bool) -> int:
    from chalicelib import wiring

    origins = _origins([args.url])
    if origins is None:
        return 2
    (origin,) = origins
    store = wiring.store()
    site = store.get_site(args.site)
    if site is None:
        print(f"error: no site named {args.site!r}", file=sys.stderr)
        return 1
    if add and origin in site.origins:
        print(f"site {site.slug} already allows {origin}")
        return 0
    if not add and origin not in site.origins:
        print(f"error: site {site.slug} does not allow {origin} (it allows {', '.join(site.origins)})", file=sys.stderr)
        return 1
    if not add and site.origins == [origin]:
        print(f"error: {origin} is the last origin of site {site.slug}; add another first", file=sys.stderr)
        return 1
    changed = [*site.origins, origin] if add else [o for o in site.origins if o != origin]
    store.put_site(site.model_copy(update={"origins": changed}))
    print(f"site {site.slug}: origins {', '.join(changed)}")
    return 0


def _origins(urls: list[str]) -> list[str] | None:
    """Each URL's origin (https://blog.example), or None after saying which one is not an origin."""
    from chalicelib.moderation import origin_of

    bad = [u for u in urls if origin_of(u) is None]
    if bad:
        print(f"error: an origin must be like https://blog.example (got {bad[0]!r})", file=sys.stderr)
        return None
    return list(dict.fromkeys(origin_of(u) for u in urls))


def cmd_create_token(args: argparse.Namespace) -> int:
    from chalicelib import wiring
    from chalicelib.signing import new_api_token

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


def cmd_reshard_queue(args: argparse.Namespace) -> int:
    from chalicelib import wiring

    moved = wiring.store().reshard_queue(args.site)
    print(f"moved {moved} comments of {args.site} onto the sharded moderation queue")
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


def cmd_export(args: argparse.Namespace) -> int:
    """The whole site (or one person's comments) as JSON lines or a WXR file, on stdout."""
    from chalicelib import wiring
    from chalicelib.errors import NotFoundError, FieldsError
    from chalicelib.migrate.export import site_comments, to_jsonl, to_wxr
    from chalicelib.views import ModeratorComment

    service = wiring.service()
    subscriptions: list[dict] = []
    comments: Iterable[ModeratorComment]
    try:
        if args.email:
            person = service.export_person(args.site, args.email)
            comments = person.comments
            subscriptions = [s.model_dump(mode="json") for s in person.subscriptions]
        else:
            service.site(args.site)  # a missing site fails before anything is written
            comments = site_comments(service, args.site)  # read a page at a time, written as read
    except NotFoundError:
        print(f"error: no site named {args.site!r}", file=sys.stderr)
        return 1
    except FieldsError as exc:
        print(f"error: --email {exc.fields['email']}", file=sys.stderr)
        return 2
    if args.format == "jsonl":
        sys.stdout.writelines(to_jsonl(comments))
        # One person's reply notifications too (a line each, after the comments): right of access.
        sys.stdout.writelines(json.dumps({"subscription": s}, sort_keys=True) + "\n" for s in subscriptions)
    else:
        def closed(post_id: str) -> bool:
            return bool(service.store.get_post_state(args.site, post_id).get("closed"))

        sys.stdout.writelines(to_wxr(service.site(args.site).origins[0], comments, closed))
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
    from chalicelib.i18n import LANGUAGES

    p = argparse.ArgumentParser(prog="manage.py", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    sub.add_parser("create-table", help="create the DynamoDB table and its indexes").set_defaults(func=cmd_create_table)

    s = sub.add_parser("create-site", help="create a site (a blog); with --update change only the options given")
    s.add_argument("site")
    s.add_argument("--update", action="store_true", help="change an existing site: only the options given")
    s.add_argument("--origin", action="append", help="allowed origin, e.g. https://blog.example (repeatable)")
    s.add_argument("--moderation", choices=["all", "trusted", "auto"], help="default trusted")
    s.add_argument("--flood-seconds", type=int, help="default 15")
    s.add_argument("--post-url-template", help="default {origin}/?p={post_id}")
    s.add_argument("--moderation-key", action="append", help="WordPress 'comment moderation' key (repeatable)")
    s.add_argument("--disallowed-key", action="append", help="WordPress 'disallowed comment key' (repeatable)")
    s.add_argument("--retention-days", type=int, help="days to keep IP and user agent (default 30)")
    s.add_argument("--spam-retention-days", type=int, help="days before spam and trash are deleted (0: never; default 30)")
    s.add_argument("--close-after-days", type=int,
                   help="close a post to new comments N days after its first comment (0: never; default 0)")
    s.add_argument("--close-before", metavar="YYYY-MM-DD",
                   help="close every post whose first comment came before this date (UTC), e.g. the day you moved "
                        "in; 'never' removes it (default: none)")
    s.add_argument(
        "--spam-memory-days", type=int,
        help="days the site remembers (by keyed hash) an email, IP or link domain marked spam (0: off; default 90)",
    )
    s.add_argument("--lang", choices=LANGUAGES,
                   help="readers' language: the form, its messages, the pages and mails (default en; docs/i18n.md)")
    s.add_argument("--digest-minutes", type=int,
                   help="moderator mail: once more than --digest-after wait, gather new pending comments for N "
                        "minutes (1..1440) into one digest; 0: a mail per comment at once (default 30)")
    s.add_argument("--digest-after", type=int,
                   help="while at most N comments wait, each new one is mailed at once; the ones arriving while "
                        "more wait go into the digest (default 5; 0: always a digest)")
    s.add_argument("--script", action="append", metavar="SCRIPT",
                   help="a Unicode script the site's comments are written in, e.g. Latin (repeatable): a comment "
                        "mostly in others is held; 'any' (the default) turns it off")
    s.set_defaults(func=cmd_create_site)

    sh = sub.add_parser("show-site", help="print a site's settings as JSON")
    sh.add_argument("site")
    sh.set_defaults(func=cmd_show_site)

    for name, func, text in (("add-origin", cmd_add_origin, "allow one more origin"),
                             ("remove-origin", cmd_remove_origin, "stop allowing an origin (never the last)")):
        o = sub.add_parser(name, help=text)
        o.add_argument("site")
        o.add_argument("url")
        o.set_defaults(func=func)

    t = sub.add_parser("create-token", help="create a moderator token; printed once, only a hash is stored")
    t.add_argument("site")
    t.add_argument("--name", required=True)
    t.set_defaults(func=cmd_create_token)

    r = sub.add_parser("revoke-token", help="revoke a moderator token by name")
    r.add_argument("site")
    r.add_argument("name")
    r.set_defaults(func=cmd_revoke_token)

    rq = sub.add_parser("reshard-queue", help="once after upgrading: put older comments on the sharded queue index")
    rq.add_argument("site")
    rq.set_defaults(func=cmd_reshard_queue)

    im = sub.add_parser("import", help="import a WordPress WXR or Disqus XML export (idempotent)")
    im.add_argument("site")
    im.add_argument("file")
    im.set_defaults(func=cmd_import)

    ex = sub.add_parser("export", help="write a site's comments (or one person's) to stdout as JSON lines or WXR")
    ex.add_argument("site")
    ex.add_argument("--format", choices=["jsonl", "wxr"], default="jsonl")
    ex.add_argument("--email", help="only this person's comments (a GDPR access request)")
    ex.set_defaults(func=cmd_export)

    sc = sub.add_parser("score", help="score JSON lines from FILE or stdin, one verdict per line")
    sc.add_argument("file", nargs="?")
    sc.set_defaults(func=cmd_score)

    for name, func, text in (("train", cmd_train, "train the spam classifier"), ("eval", cmd_eval, "evaluate the engine")):
        c = sub.add_parser(name, help=text, add_help=False)
        c.add_argument("rest", nargs=argparse.REMAINDER)
        c.set_defaults(func=func)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] in (["train"], ["eval"]):  # their own options (--data ...): argparse's REMAINDER drops a leading one
        from spamtrain import cli

        return {"train": cli.train, "eval": cli.evaluate}[argv[0]](argv[1:])
    args = parser().parse_args(argv)
    if args.command == "create-site":
        for option in ("flood_seconds", "spam_retention_days", "close_after_days", "spam_memory_days", "digest_after"):
            if (getattr(args, option) or 0) < 0:
                print(f"error: --{option.replace('_', '-')} must be 0 or more", file=sys.stderr)
                return 2
        if not 0 <= (args.digest_minutes or 0) <= 1440:
            print("error: --digest-minutes must be 0 (a mail per comment) to 1440 (a day)", file=sys.stderr)
            return 2
        bad = [s for s in args.script or [] if not re.fullmatch(r"[A-Za-z]{2,20}", s)]
        if bad:
            print(f"error: --script takes a Unicode script name such as Latin or Cyrillic, or 'any', not {bad[0]!r}",
                  file=sys.stderr)
            return 2
        if args.close_before not in (None, "never"):
            from chalicelib.models import calendar_date

            try:
                calendar_date(args.close_before)
            except ValueError:
                print(f"error: --close-before must be a date YYYY-MM-DD or 'never', not {args.close_before!r}",
                      file=sys.stderr)
                return 2
    from botocore.exceptions import BotoCoreError

    from chalicelib.errors import StorageUnavailableError
    from scripts.local_env import use_local_environment

    use_local_environment()
    try:
        return args.func(args)
    except (StorageUnavailableError, BotoCoreError) as exc:
        from chalicelib.config import get_settings

        settings = get_settings()
        where = settings.endpoint_url or f"AWS in {settings.region}"
        print(f"error: DynamoDB at {where} is not reachable ({type(exc).__name__}: {exc}); "
              "is make run running? (it starts DynamoDB Local)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
