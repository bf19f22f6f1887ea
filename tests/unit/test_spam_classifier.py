"""The shipped classifier: a small JSON file, read lazily, scored in pure Python."""
from __future__ import annotations

import json

import pytest

from chalicelib.spam import classifier
from chalicelib.spam.classifier import model_from_json, shipped_model


def test_model_file_is_small_json_with_its_source_and_license():
    raw = classifier.MODEL_PATH.read_bytes()
    assert len(raw) < 1_000_000
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


def test_training_writes_a_model_the_engine_loads(tmp_path):
    pytest.importorskip("sklearn")
    from spamtrain.cli import DEFAULT_DATA, train

    if not DEFAULT_DATA.exists():
        pytest.skip("dataset not present")
    out = tmp_path / "model.json"
    assert train(["--out", str(out)]) == 0
    model = model_from_json(out.read_bytes())
    assert model.probability("subscribe to my channel please") > 0.5
