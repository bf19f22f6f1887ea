"""Writing a site's comments out: JSON lines of the moderator's view, and a WXR WordPress imports."""
from __future__ import annotations

import html
import json
from typing import Callable, Iterable, Iterator

from ..models import STATUSES
from ..moderation import Service
from ..views import ModeratorComment

WXR_STATUS = {"approved": "1", "pending": "0", "spam": "spam", "trash": "trash"}


def site_comments(service: Service, slug: str) -> Iterator[ModeratorComment]:
    """Every comment of the site in every status, oldest first within a status (one Query page at a time)."""
    service.site(slug)
    for status in STATUSES:
        cursor = None
        while True:
            page = service.queue(slug, status, limit=100, cursor=cursor)
            yield from page.comments
            cursor = page.next_cursor
            if not cursor:
                break


def to_jsonl(comments: Iterable[ModeratorComment]) -> Iterator[str]:
    for comment in comments:
        yield json.dumps(comment.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":")) + "\n"


def wxr_number(comment: ModeratorComment) -> str:
    """The comment's number in WordPress: its old number when imported, else one made from its ULID
    (milliseconds x 1000 + three digits of its random part) that fits WordPress's bigint ids."""
    if comment.origin_id and comment.origin_id.isdigit():
        return comment.origin_id
    from ulid import ULID

    ulid = ULID.from_str(comment.id)
    return str(int(ulid.milliseconds) * 1000 + int.from_bytes(ulid.bytes[6:], "big") % 1000)


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _gmt(iso: str) -> str:
    return iso[:19].replace("T", " ")


def to_wxr(
    site_url: str, comments: Iterable[ModeratorComment], closed: Callable[[str], bool] = lambda post_id: False
) -> Iterator[str]:
    """A WXR 1.2 file: one item per post (its id, permalink and title), its comments inside with
    their numbers, parents, dates, statuses and text (HTML-escaped, as WordPress stores comments).

    WordPress wants each post's comments inside its one item, and the comments come by status, so
    each comment is written as it is read to a spool (memory, then a temporary file past 8 MB);
    what stays in memory is an index of about 100 bytes a comment: post, id, parent, number, where."""
    import tempfile

    posts: dict[str, list[tuple[str, str, str, int, int]]] = {}  # post -> (id, date, parent id, offset, length)
    links: dict[str, tuple[str, str]] = {}  # post -> (title, permalink), the first the comments carry
    numbers: dict[str, str] = {}
    with tempfile.SpooledTemporaryFile(max_size=8 << 20) as spool:
        for c in comments:
            block = _wxr_comment(c, numbers.setdefault(c.id, wxr_number(c))).encode()
            posts.setdefault(c.post_id, []).append((c.id, c.created_at, c.parent_id or "", spool.tell(), len(block)))
            title, link = links.get(c.post_id, ("", ""))
            links[c.post_id] = (title or c.post_title or "", link or c.post_url or "")
            spool.write(block)
        yield (
            '<?xml version="1.0" encoding="UTF-8" ?>\n'
            "<!-- generator=\"replybox\" -->\n"
            '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"'
            ' xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n'
            f"<channel>\n<link>{html.escape(site_url)}</link>\n<wp:wxr_version>1.2</wp:wxr_version>\n"
            f"<wp:base_site_url>{html.escape(site_url)}</wp:base_site_url>\n<wp:base_blog_url>{html.escape(site_url)}</wp:base_blog_url>\n"
        )
        for post_id, thread in posts.items():
            thread.sort()
            title, link = links[post_id]
            parts = [
                "<item>\n",
                f"<title>{_cdata(title or post_id)}</title>\n<link>{html.escape(link)}</link>\n",
                f"<wp:post_id>{html.escape(post_id)}</wp:post_id>\n<wp:post_date_gmt>{_cdata(_gmt(thread[0][1]))}</wp:post_date_gmt>\n",
                f"<wp:comment_status>{_cdata('closed' if closed(post_id) else 'open')}</wp:comment_status>\n",
                f"<wp:post_type>{_cdata('post')}</wp:post_type>\n<wp:status>{_cdata('publish')}</wp:status>\n",
            ]
            for _, _, parent_id, offset, length in thread:
                spool.seek(offset)
                parts.append(spool.read(length).decode())
                parts.append(f"<wp:comment_parent>{numbers.get(parent_id, '0')}</wp:comment_parent>\n</wp:comment>\n")
            parts.append("</item>\n")
            yield "".join(parts)
    yield "</channel>\n</rss>\n"


def _wxr_comment(c: ModeratorComment, number: str) -> str:
    """A comment's WXR but its parent's number, written with its item (the parent may come later)."""
    return (
        "<wp:comment>\n"
        f"<wp:comment_id>{number}</wp:comment_id>\n"
        f"<wp:comment_author>{_cdata(c.author)}</wp:comment_author>\n"
        f"<wp:comment_author_email>{_cdata(c.email)}</wp:comment_author_email>\n"
        f"<wp:comment_author_url>{_cdata(c.url)}</wp:comment_author_url>\n"
        f"<wp:comment_author_IP>{_cdata(c.ip)}</wp:comment_author_IP>\n"
        f"<wp:comment_date>{_cdata(_gmt(c.created_at))}</wp:comment_date>\n"
        f"<wp:comment_date_gmt>{_cdata(_gmt(c.created_at))}</wp:comment_date_gmt>\n"
        f"<wp:comment_content>{_cdata(html.escape(c.content, quote=False))}</wp:comment_content>\n"
        f"<wp:comment_approved>{_cdata(WXR_STATUS[c.status])}</wp:comment_approved>\n"
        f"<wp:comment_agent>{_cdata(c.user_agent)}</wp:comment_agent>\n"
        f"<wp:comment_type>{_cdata('comment')}</wp:comment_type>\n"
    )
