"""The item codec: DynamoDB attribute values <-> Python values, and items <-> models."""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .schema import (
    KINDS,
    LEARNED_DOCS,
    LEARNED_KEY_PREFIX,
    LEARNED_PARTS,
    comment_key,
    email_pk,
    learned_key,
    learned_part_key,
    network_key,
    public_pk,
    queue_pk,
    queue_shard,
    subscription_key,
    trust_key,
)

if TYPE_CHECKING:  # pydantic loads only where a comment or site is built, not for the stream handler
    from ..models import Comment, Site
    from ..spam.verdict import LearnedCounts
    from .records import Lesson


def _to_ddb(value: Any) -> dict:
    if isinstance(value, bool):
        return {"BOOL": value}
    if value is None:
        return {"NULL": True}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, (int, float, Decimal)):
        return {"N": str(Decimal(str(value)))}
    if isinstance(value, dict):
        return {"M": {str(k): _to_ddb(v) for k, v in value.items()}}
    if isinstance(value, (list, tuple)):
        return {"L": [_to_ddb(v) for v in value]}
    if isinstance(value, (set, frozenset)) and value and all(isinstance(v, str) for v in value):
        return {"SS": sorted(value)}  # read back as a set (below); DynamoDB has no empty set
    raise TypeError(f"cannot store {type(value).__name__}")


def _from_ddb(value: dict) -> Any:
    (kind, inner), = value.items()
    if kind == "S":
        return inner
    if kind == "N":
        number = Decimal(inner)
        return int(number) if number == number.to_integral_value() and "." not in inner else float(number)
    if kind == "BOOL":
        return inner
    if kind == "NULL":
        return None
    if kind == "M":
        return {k: _from_ddb(v) for k, v in inner.items()}
    if kind == "L":
        return [_from_ddb(v) for v in inner]
    if kind == "SS":
        return set(inner)
    raise TypeError(f"unexpected DynamoDB type {kind}")


def marshal(item: dict) -> dict:
    return {k: _to_ddb(v) for k, v in item.items() if v is not None}


def unmarshal(item: dict) -> dict:
    return {k: _from_ddb(v) for k, v in item.items()}


def comment_item(comment: Comment) -> dict:
    """The COMMENT item of a comment, with the index keys its status calls for."""
    data = comment.model_dump(exclude={"ip", "user_agent", "network_expires_at"})
    data["pk"], data["sk"] = comment_key(comment.site, comment.id).values()
    data["gsi2pk"], data["gsi2sk"] = queue_pk(comment.site, comment.status, queue_shard(comment.id)), comment.id
    if comment.email_hash:  # an imported comment may have no email (anonymous Disqus posts)
        data["gsi3pk"], data["gsi3sk"] = email_pk(comment.site, comment.email_hash), comment.id
    if comment.status == "approved":
        data["gsi1pk"], data["gsi1sk"] = public_pk(comment.site, comment.post_id), comment.id
    return data


def network_item(comment: Comment, ip: str, user_agent: str, expires_at: int | None) -> dict:
    """The NET item of a comment: its IP and user agent, kept apart so no index projects them."""
    return {**network_key(comment.site, comment.id), "ip": ip, "user_agent": user_agent, "expires_at": expires_at}


def comment_from_item(item: dict, network: dict | None = None) -> Comment:
    from ..models import Comment

    data = {k: v for k, v in item.items() if not k.startswith("gsi") and k not in ("pk", "sk")}
    if network:
        data["ip"] = network.get("ip", "")
        data["user_agent"] = network.get("user_agent", "")
        data["network_expires_at"] = network.get("expires_at")
    return Comment.model_validate(data)


def trust_item(site: str, author_hash: str, email_hash: str, since: str) -> dict:
    return {
        **trust_key(site, author_hash),
        "since": since,
        "gsi3pk": email_pk(site, email_hash),  # erasure finds it by the email alone
        "gsi3sk": f"TRUST#{author_hash}",
    }


def merged_learned(by_key: dict, site: str) -> dict | None:
    """The site's LEARNED counters: the parts and the item from before them, added up; None if none."""
    merged: dict[str, int] = {}
    found = False
    for key in (learned_key(site), *(learned_part_key(site, n) for n in range(LEARNED_PARTS))):
        item = by_key.get(tuple(key.values()))
        if item:
            found = True
            for name, value in item.items():
                if name not in ("pk", "sk") and isinstance(value, (int, float)):
                    merged[name] = merged.get(name, 0) + int(value)
    return merged if found else None


def site_from_item(item: dict) -> Site:
    from ..models import Site

    return Site.model_validate({k: v for k, v in item.items() if k not in ("pk", "sk")})


def item_kind(item: dict) -> str | None:
    """What a decoded item (or its key) is, by its sort key: "comment", "subscription", ...; None for others."""
    sort_key = item.get("sk")
    return KINDS.get(sort_key) if isinstance(sort_key, str) else None


def comment_id_of(key: dict) -> str:
    """The comment a COMMENT, NET or SUB item belongs to: the last part of its pk."""
    return str(key["pk"]).rsplit("#", 1)[-1]


def subscription_item(site: str, comment: Comment, email_hash: str, expires_at: int) -> dict:
    """The unconfirmed SUB item written with a subscribing comment."""
    return {
        **subscription_key(site, comment.id),
        "site": site,
        "comment_id": comment.id,
        "email": comment.email,
        "email_hash": email_hash,
        "author": comment.author,
        "post_id": comment.post_id,
        "post_url": comment.post_url,
        "confirmed": False,
        "created_at": comment.created_at,
        "gsi3pk": email_pk(site, email_hash),
        "gsi3sk": f"SUB#{comment.id}",
        "expires_at": expires_at,
    }


def lesson_counters(lesson: Lesson) -> dict[str, int]:
    """A spam/ham decision as deltas on LEARNED counters: +1 on the verdict's document count and on
    each learning key under it; -1 on the other verdict's when it takes an earlier lesson back."""
    other = "ham" if lesson.verdict == "spam" else "spam"
    deltas = {LEARNED_DOCS[lesson.verdict]: 1, **{LEARNED_KEY_PREFIX[lesson.verdict] + key: 1 for key in lesson.keys}}
    if lesson.takes_back:
        deltas[LEARNED_DOCS[other]] = -1
        deltas.update({LEARNED_KEY_PREFIX[other] + key: -1 for key in lesson.keys})
    return deltas


def learned_counts(counters: dict | None) -> LearnedCounts | None:
    """The engine's view of a site's LEARNED counters (never below zero); None when nothing was taught."""
    if not counters:
        return None
    from ..spam.verdict import LearnedCounts

    keys: dict[str, list[int]] = {}
    for name, value in counters.items():
        for slot, verdict in enumerate(("spam", "ham")):
            if name.startswith(LEARNED_KEY_PREFIX[verdict]):
                keys.setdefault(name[len(LEARNED_KEY_PREFIX[verdict]) :], [0, 0])[slot] = max(int(value), 0)
    return LearnedCounts(
        spam_docs=max(int(counters.get(LEARNED_DOCS["spam"], 0)), 0),
        ham_docs=max(int(counters.get(LEARNED_DOCS["ham"], 0)), 0),
        tokens={k: (v[0], v[1]) for k, v in keys.items()},
    )
