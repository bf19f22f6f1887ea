"""Importing a parsed export into a site: deterministic ids, remapped threads, counts, trust, post state."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlsplit

from ..models import MAX_AUTHOR, MAX_CONTENT, MAX_EMAIL, MAX_POST_TITLE, MAX_URL, Comment
from ..moderation import Service, now_iso
from ..storage import ImportEntry
from .parse import Export, ImportedComment
from .text import html_to_text

IMPORT_VERDICT = {"score": 0.0, "decision": "imported", "reasons": [{"rule": "import", "score": 0.0, "detail": ""}]}


@dataclass
class ImportSummary:
    imported: Counter = field(default_factory=Counter)  # status -> how many new
    skipped: Counter = field(default_factory=Counter)  # reason -> how many
    trusted: int = 0
    closed_posts: int = 0

    def lines(self) -> list[str]:
        imported = sum(self.imported.values())
        out = [f"imported {imported} comments" + (f" ({_counts(self.imported)})" if imported else "")]
        if self.skipped:
            out.append(f"skipped {sum(self.skipped.values())}: {_counts(self.skipped)}")
        out.append(f"trusted authors: {self.trusted}; closed posts: {self.closed_posts}")
        return out


def _counts(counter: Counter) -> str:
    return ", ".join(f"{name} {n}" for name, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def imported_id(service: Service, site: str, origin_id: str, created: float) -> str:
    """A ULID whose time is the comment's original date (the public list keeps its order) and whose
    random part is a keyed hash of site and old number: the same comment always gets the same id."""
    from ulid import ULID

    millis = max(0, int(created * 1000)).to_bytes(6, "big")
    randomness = bytes.fromhex(service.keyring.digest("import-id", f"{site}\x00{origin_id}"))[:10]
    return str(ULID.from_bytes(millis + randomness))


def _url(value: str, limit: int = MAX_URL) -> str:
    value = value.strip()
    if not value or len(value) > limit or any(c.isspace() for c in value):
        return ""
    try:
        parts = urlsplit(value)
    except ValueError:
        return ""
    return value if parts.scheme.lower() in ("http", "https") and parts.hostname else ""


def _email(value: str) -> str:
    value = value.strip()
    return value if 3 <= len(value) <= MAX_EMAIL and re.fullmatch(r"[^@\s]+@[^@\s]+", value) else ""


def build_comment(service: Service, site: str, imported: ImportedComment, ids: dict[str, str]) -> Comment:
    email = _email(imported.email)
    created = now_iso(imported.created)
    return Comment(
        site=site,
        id=ids[imported.origin_id],
        post_id=imported.post_id[:200],
        parent_id=ids.get(imported.parent_origin_id or ""),
        author=imported.author[:MAX_AUTHOR],
        email=email,
        url=_url(imported.url),
        content=imported.content[:MAX_CONTENT],
        status=imported.status,
        verdict=IMPORT_VERDICT,
        avatar=service.keyring.avatar(site, email or f"anonymous\x00{imported.author}"),
        email_hash=service.keyring.email_hash(site, email) if email else "",
        created_at=created,
        updated_at=created,
        origin_id=imported.origin_id,
        post_url=_url(imported.post_url, 2000),
        post_title=html_to_text(imported.post_title)[:MAX_POST_TITLE],
    )


def import_export(
    service: Service, site_slug: str, export: Export, progress: Callable[[int, int], None] | None = None
) -> ImportSummary:
    """Write every comment of `export` into the site through the Store; a second run is a no-op."""
    site = service.site(site_slug)
    summary = ImportSummary(skipped=Counter(export.skipped))
    unique: dict[str, ImportedComment] = {}
    for exported in export.comments:
        if exported.origin_id in unique:
            summary.skipped["repeated id"] += 1
        else:
            unique[exported.origin_id] = exported
    ids = {origin: imported_id(service, site_slug, origin, c.created) for origin, c in unique.items()}
    now = service.clock()
    oldest_kept = now - site.retention_days * 86400
    entries: list[ImportEntry] = []
    for imported in unique.values():
        comment = build_comment(service, site_slug, imported, ids)
        # Imported spam and trash expire like any other, counted from the import.
        comment = comment.model_copy(update={"expires_at": service._expiry(site, comment.status, now)})
        network = None
        if (imported.ip or imported.user_agent) and imported.created >= oldest_kept:
            network_expiry = int(imported.created) + site.retention_days * 86400
            network = {
                "ip": imported.ip[:45],
                "user_agent": imported.user_agent[:500],
                "expires_at": min(network_expiry, comment.expires_at or network_expiry),
            }
        entries.append(ImportEntry(comment, network))

    done = 0
    gone: set[str] = set()  # deleted or erased by a moderator since an earlier run: they stay gone
    for start in range(0, len(entries), 100):
        batch = entries[start : start + 100]
        for entry, outcome in zip(batch, service.store.import_comments(batch)):
            if outcome == "new":
                summary.imported[entry.comment.status] += 1
            elif outcome == "present":
                summary.skipped["already imported"] += 1
            else:
                summary.skipped["deleted here"] += 1
                gone.add(entry.comment.id)
        done += len(batch)
        if progress:
            progress(done, len(entries))

    entries = [entry for entry in entries if entry.comment.id not in gone]  # an erased person is not trusted again
    _grant_trust(service, site_slug, entries, summary)
    _post_state(service, site_slug, export, entries, summary)
    return summary


def _grant_trust(service: Service, site: str, entries: list[ImportEntry], summary: ImportSummary) -> None:
    """Regulars: each name + email with an approved comment is trusted, as a moderator's approval would."""
    regulars: dict[str, tuple[str, str]] = {}
    for entry in entries:
        comment = entry.comment
        if comment.status == "approved" and comment.email_hash:
            author_hash = service._author_hash(comment.email_hash, comment.author)  # the Service's trust key
            regulars.setdefault(author_hash, (comment.email_hash, comment.created_at))
    for author_hash, (email_hash, since) in regulars.items():
        service.store.grant_trust(site, author_hash, email_hash, since)
    summary.trusted = len(regulars)


def _post_state(service: Service, site: str, export: Export, entries: list[ImportEntry], summary: ImportSummary) -> None:
    first: dict[str, str] = {}
    for entry in entries:
        post_id = entry.comment.post_id
        if post_id not in first or entry.comment.created_at < first[post_id]:
            first[post_id] = entry.comment.created_at
    for post_id, post in export.posts.items():
        if post.closed:
            service.store.set_post_state(site, post_id, closed=True)
            summary.closed_posts += 1
    for post_id, created_at in first.items():
        service.store.set_post_state(site, post_id, first_comment_at=created_at)
