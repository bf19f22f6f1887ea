"""The shipped classifier: a small JSON file, read lazily, scored in pure Python."""
from __future__ import annotations

import json

import pytest

from chalicelib.spam import classifier
from chalicelib.spam.classifier import model_from_json, shipped_model


def test_model_file_is_small_json_with_its_source_and_license():
    raw = classifier.MODEL_PATH.read_bytes()
    assert len(raw) < 400_000
    meta = json.loads(raw)["meta"]
    assert "CC BY 4.0" in meta["source"]["license"]
    assert "Alberto" in meta["source"]["citation"]
    sources = (classifier.MODEL_PATH.parent.parent / "SOURCES.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in sources and "MIT" in sources


def test_obvious_spam_and_ham_are_told_apart():
    model = shipped_model()
    assert model is not None
    assert model.probability("Check out my channel and subscribe!! http://bit.ly/free-views") > 0.9
    assert model.probability("This song brings back so many memories of my dad") < 0.2


def test_a_file_of_another_format_is_refused():
    with pytest.raises(ValueError):
        model_from_json(json.dumps({"format": "pickle", "bias": 0, "weights": {}}))


def test_features_are_bounded_for_a_huge_comment():
    assert len(classifier.features("spam " * 13_000)) < 50
    assert len(classifier.features("".join(chr(0x4E00 + i % 5000) for i in range(65_000)))) < 20_000


HAM = ["Thanks, the second stretch helped my back", "Does this work on a Raspberry Pi 4?", "I got a different result with gcc 12",
       "Great explanation of the cache effects", "My physio says the same about posture", "Could you share the benchmark code?"]
SPAM = ["subscribe to my channel please", "check out my channel for free views", "buy cheap jerseys online free shipping",
        "payday loans online fast approval", "visit my site for cheap replica watches", "subscribe and like my new video please"]


def _write_tiny_datasets(root):
    """A made-up miniature of the shared layout: one video CSV and one blog file (no real rows)."""
    import csv

    (root / "youtube-spam").mkdir(parents=True)
    (root / "blog-comments").mkdir()
    with (root / "youtube-spam" / "Youtube09-Tiny.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["COMMENT_ID", "AUTHOR", "DATE", "CONTENT", "label"])
        for i, text in enumerate(HAM[:3] + SPAM[:3]):
            writer.writerow([i, f"user{i}", "", text, int(text in SPAM)])
    with (root / "blog-comments" / "tiny-blog.jsonl").open("w", encoding="utf-8") as handle:
        for text in HAM[3:] + SPAM[3:]:
            row = {"author": "A", "email": "", "url": "", "content": text, "label": "spam" if text in SPAM else "ham", "source": "made up"}
            handle.write(json.dumps(row) + "\n")


def test_training_writes_a_model_the_engine_loads(tmp_path, monkeypatch):
    pytest.importorskip("sklearn")
    from chalicelib.spam import keys
    from spamtrain import cli

    _write_tiny_datasets(tmp_path / "data")
    monkeypatch.setattr(cli, "MIN_DF", 1)  # six comments: every n-gram is rare
    monkeypatch.setattr(keys, "HAM_KEYS_PATH", tmp_path / "ham-keys.txt")
    out = tmp_path / "model.json"
    try:
        assert cli.train(["--data", str(tmp_path / "data"), "--out", str(out)]) == 0
    finally:
        keys.use_default_matcher(None)
    model = model_from_json(out.read_bytes())
    assert model.meta["sources"] == ["blog:tiny-blog", "video:Tiny"]
    assert model.probability("please subscribe to my channel") > model.probability("the benchmark code on a Raspberry Pi")


def test_the_shipped_model_was_trained_on_blogs_and_videos_and_names_them():
    meta = shipped_model().meta
    assert any(s.startswith("blog:") for s in meta["sources"]) and any(s.startswith("video:") for s in meta["sources"])
    assert "midonet/midonet-blog" in json.dumps(meta) and "CC BY 4.0" in json.dumps(meta)


def test_the_classifier_scale_does_not_grow_with_length():
    """The same ordinary sentences, once or repeated ten times: no more spam for being long."""
    model = shipped_model()
    short = "I measured the same latency on my laptop, thanks for the detailed write up."
    assert model.probability(" ".join([short] * 10)) <= model.probability(short) + 0.05


@pytest.mark.parametrize("text", [
    "Great post, great post, thanks for the great post!",
    "the the the the banana bandana cabana",
    "aaa " * 300,  # one n-gram counted over 256 times: past the scale table
    "x",
    "",
])
def test_score_is_the_weights_dot_the_feature_vector(text):
    # Model.score sums the character block from per-word caches and the repeated n-grams alone: it
    # must give what the plain vector gives (floats summed in another order, so nearly to the bit).
    model = shipped_model()
    assert model is not None
    plain = model.bias + sum(value * model.weights.get(key, 0.0) for key, value in classifier.features(text).items())
    assert model.score(text)[0] == pytest.approx(plain, rel=1e-12, abs=1e-12)
