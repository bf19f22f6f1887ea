"""Reading WordPress WXR and Disqus XML exports into plain records (pure: bytes in, records out).

The XML is read by expat with every DOCTYPE refused: no entity can be declared, so neither a
billion-laughs bomb nor an external entity (a file or URL) can be expanded. WordPress and Disqus
never write a DOCTYPE.
"""
from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import NoReturn
from xml.etree.ElementTree import Element, TreeBuilder
from xml.parsers import expat

from .text import html_to_text

WXR, DISQUS = "wxr", "disqus"
MAX_ORIGIN_ID = 40


class ExportFormatError(ValueError):
    """The file is not a WordPress WXR or Disqus export we can read (or it is unsafe XML)."""


@dataclass
class ImportedPost:
    post_id: str
    post_url: str = ""
    title: str = ""
    closed: bool = False


@dataclass
class ImportedComment:
    origin_id: str
    post_id: str
    parent_origin_id: str | None
    author: str
    email: str
    url: str
    content: str
    created: float  # seconds since the epoch, UTC
    status: str  # approved | pending | spam
    post_url: str = ""
    post_title: str = ""
    ip: str = ""
    user_agent: str = ""


@dataclass
class Export:
    format: str
    posts: dict[str, ImportedPost] = field(default_factory=dict)
    comments: list[ImportedComment] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # reason -> how many


# ---- safe XML -------------------------------------------------------------------------------------
def _refuse(*_args: object) -> NoReturn:
    raise ExportFormatError("the file declares a DOCTYPE or entities; exports never do, so it is refused")


def read_xml(data: bytes | str) -> Element:
    """Parse XML into an ElementTree with namespaces dropped from names (`wp:post_id` -> `post_id`)."""
    builder = TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True

    def local(name: str) -> str:
        return name.rsplit("}", 1)[-1]

    parser.StartElementHandler = lambda name, attrs: builder.start(
        local(name), {local(k): v for k, v in attrs.items()}
    )
    parser.EndElementHandler = lambda name: builder.end(local(name))
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise ExportFormatError(f"the file is not well-formed XML ({exc})") from None
    return builder.close()


# ---- shared helpers ------------------------------------------------------------------------------
def _text(element: Element | None, name: str) -> str:
    child = element.find(name) if element is not None else None
    return (child.text or "").strip() if child is not None else ""


def _epoch(value: str) -> float | None:
    """'2007-04-11 23:18:48' (UTC) or '2016-01-31T02:03:22Z' -> epoch seconds; None when unusable."""
    value = value.strip().replace("T", " ").rstrip("Z")
    value = re.sub(r"\.\d+$", "", value)
    if not value or value.startswith("0000"):
        return None
    try:
        return float(_timegm(time.strptime(value, "%Y-%m-%d %H:%M:%S")))
    except ValueError:
        return None


def _timegm(parts: time.struct_time) -> int:
    import calendar

    return calendar.timegm(parts)


def _origin(value: str) -> str:
    value = value.strip()
    return value if value and len(value) <= MAX_ORIGIN_ID and re.fullmatch(r"[0-9A-Za-z_-]+", value) else ""


def _name(value: str) -> str:
    return html_to_text(value)[:245].strip() or "Anonymous"


# ---- WordPress --------------------------------------------------------------------------------------
_WXR_STATUS = {"1": "approved", "approve": "approved", "0": "pending", "hold": "pending", "spam": "spam"}
_WXR_KINDS = {"", "comment"}


def _parse_wxr(root: Element) -> Export:
    export = Export(WXR)
    channel = root.find("channel")
    for item in channel.iter("item") if channel is not None else ():
        post_id = _text(item, "post_id")
        if not post_id:
            continue
        post = ImportedPost(
            post_id=post_id,
            post_url=_text(item, "link"),
            title=_text(item, "title"),
            closed=_text(item, "comment_status") == "closed",
        )
        export.posts[post_id] = post
        for element in item.findall("comment"):
            comment = _wxr_comment(element, post, export.skipped)
            if comment:
                export.comments.append(comment)
    return export


def _wxr_comment(element: Element, post: ImportedPost, skipped: Counter) -> ImportedComment | None:
    kind = _text(element, "comment_type").lower()
    if kind not in _WXR_KINDS:
        skipped[kind if kind in ("pingback", "trackback") else f"type {kind}"] += 1
        return None
    status = _WXR_STATUS.get(_text(element, "comment_approved").lower())
    if status is None:
        skipped[_text(element, "comment_approved").lower() or "no status"] += 1  # trash, post-trashed
        return None
    origin_id = _origin(_text(element, "comment_id"))
    created = _epoch(_text(element, "comment_date_gmt")) or _epoch(_text(element, "comment_date"))
    content = html_to_text(_text(element, "comment_content"))
    if not origin_id or created is None:
        skipped["no id or date"] += 1
        return None
    if not content:
        skipped["empty"] += 1
        return None
    parent = _origin(_text(element, "comment_parent"))
    return ImportedComment(
        origin_id=origin_id,
        post_id=post.post_id,
        parent_origin_id=parent if parent and parent != "0" else None,
        author=_name(_text(element, "comment_author")),
        email=_text(element, "comment_author_email"),
        url=_text(element, "comment_author_url"),
        content=content,
        created=created,
        status=status,
        post_url=post.post_url,
        post_title=post.title,
        ip=_text(element, "comment_author_IP"),
        user_agent=_text(element, "comment_agent"),
    )


# ---- Disqus -----------------------------------------------------------------------------------------
def disqus_post_id(identifier: str, link: str, thread_id: str) -> str:
    """The post a Disqus thread belongs to: the blog's own disqus_identifier (WordPress's Disqus
    plugin writes "198 http://blog/?p=198": the number is what the theme's form sends as
    comment_post_ID), else the path of the thread's link, else Disqus's thread id."""
    wordpress = re.match(r"^(\d+) https?://", identifier)
    if wordpress:
        return wordpress.group(1)
    if identifier and len(identifier) <= 200:
        return identifier
    from urllib.parse import urlsplit

    path = urlsplit(link).path if link else ""
    return path if path and len(path) <= 200 else thread_id


def _true(value: str) -> bool:
    return value.strip().lower() == "true"


def _parse_disqus(root: Element) -> Export:
    export = Export(DISQUS)
    threads: dict[str, ImportedPost] = {}
    for thread in root.findall("thread"):
        thread_id = thread.get("id", "")
        link = _text(thread, "link")
        post = ImportedPost(
            post_id=disqus_post_id(_text(thread, "id"), link, thread_id),
            post_url=link,
            title=_text(thread, "title"),
            closed=_true(_text(thread, "isClosed")),
        )
        threads[thread_id] = post
        existing = export.posts.get(post.post_id)
        if existing is None or post.closed:
            export.posts[post.post_id] = post
    for element in root.findall("post"):
        thread_ref = element.find("thread")
        found = threads.get(thread_ref.get("id", "") if thread_ref is not None else "")
        if found is None:
            export.skipped["no thread"] += 1
            continue
        if _true(_text(element, "isDeleted")):
            export.skipped["deleted"] += 1
            continue
        if _true(_text(element, "isSpam")):
            status = "spam"
        elif _text(element, "isApproved") and not _true(_text(element, "isApproved")):
            status = "pending"
        else:
            status = "approved"
        origin_id = _origin(element.get("id", ""))
        created = _epoch(_text(element, "createdAt"))
        content = html_to_text(_text(element, "message"))
        if not origin_id or created is None:
            export.skipped["no id or date"] += 1
            continue
        if not content:
            export.skipped["empty"] += 1
            continue
        parent = element.find("parent")
        author = element.find("author")
        export.comments.append(
            ImportedComment(
                origin_id=origin_id,
                post_id=found.post_id,
                parent_origin_id=_origin(parent.get("id", "")) or None if parent is not None else None,
                author=_name(_text(author, "name") or _text(author, "username")),
                email=_text(author, "email"),
                url="",
                content=content,
                created=created,
                status=status,
                post_url=post.post_url,
                post_title=post.title,
                ip=_text(element, "ipAddress"),
            )
        )
    return export


def parse_export(data: bytes | str) -> Export:
    """A WordPress WXR or a Disqus export, told apart by the root element and its namespaces."""
    head = data[:4096].decode("utf-8", "replace") if isinstance(data, bytes) else data[:4096]
    root = read_xml(data)
    if root.tag == "rss" and "wordpress.org/export" in head:
        export = _parse_wxr(root)
    elif root.tag == "disqus":
        export = _parse_disqus(root)
    else:
        raise ExportFormatError("this is neither a WordPress export (WXR) nor a Disqus export")
    _drop_orphans(export)
    export.comments.sort(key=lambda c: (c.created, c.origin_id))
    return export


def _drop_orphans(export: Export) -> None:
    """A reply whose parent is not imported (trashed, deleted, a pingback) becomes top-level: WordPress
    shows such a reply at the top too, and replybox needs every parent present and approved."""
    known = {c.origin_id: c for c in export.comments}
    for comment in export.comments:
        parent = known.get(comment.parent_origin_id or "")
        if comment.parent_origin_id and (parent is None or parent.post_id != comment.post_id):
            comment.parent_origin_id = None
