"""The item codec: what the service and the stream handler ask by meaning, and what it writes."""
from __future__ import annotations

from chalicelib.storage import Lesson, comment_id_of, item_kind, learned_part, marshal, unmarshal
from chalicelib.storage.codec import learned_counts, lesson_counters


def test_a_lesson_taken_back_moves_the_counts_from_one_verdict_to_the_other():
    stored = {"spam_docs": 1, "s#1a": 1, "s#ff": 1}
    deltas = lesson_counters(Lesson("ham", ["1a", "ff"], takes_back=True))
    taught = learned_counts({name: stored.get(name, 0) + deltas.get(name, 0) for name in {*stored, *deltas}})
    assert taught is not None
    assert (taught.spam_docs, taught.ham_docs) == (0, 1)
    assert taught.tokens == {"1a": (0, 1), "ff": (0, 1)}


def test_learned_counts_never_go_below_zero_and_nothing_taught_is_none():
    counts = learned_counts({"spam_docs": -2, "ham_docs": 3, "s#1a": -1, "h#1a": 2})
    assert counts is not None and (counts.spam_docs, counts.ham_docs, counts.tokens["1a"]) == (0, 3, (0, 2))
    assert learned_counts(None) is None and learned_counts({}) is None


def test_a_lesson_keeps_each_key_in_its_learned_part():
    deltas = lesson_counters(Lesson("spam", ["1f3a"]))
    assert {learned_part(name) for name in deltas} == {0, int("1f3a", 16) % 64}


def test_a_stream_image_is_known_by_its_kind_and_comment():
    image = marshal({"pk": "SUB#blog#01ARZ3NDEKTSV4RRFFQ69G5FAV", "sk": "SUB", "site": "blog", "confirmed": False})
    item = unmarshal(image)
    assert item_kind(item) == "subscription" and comment_id_of(item) == "01ARZ3NDEKTSV4RRFFQ69G5FAV"
    assert item_kind({"pk": "COMMENT#blog#X", "sk": "COMMENT"}) == "comment"
    assert item_kind({"pk": "DISCARDS#blog#2026-12-01#3", "sk": "DISCARDS"}) is None
    assert item_kind({"sk": 7}) is None


def test_importing_storage_loads_no_client_model_or_catalog():
    """The stream handler's cold start: the package alone, no boto3, pydantic, spam engine or gettext."""
    import os
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, chalicelib.storage; print(' '.join(sys.modules))"],
        cwd=root, capture_output=True, text=True, check=True,
    ).stdout.split()
    heavy = {"boto3", "botocore", "pydantic", "chalicelib.models", "chalicelib.spam", "chalicelib.i18n", "gettext"}
    assert heavy.isdisjoint(loaded)
