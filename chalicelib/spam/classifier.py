"""The shipped text classifier: logistic regression over word and character n-grams, in pure Python.

`spamtrain` fits the weights (scikit-learn, dev only) on the YouTube Spam Collection and the shared
blog comments, calibrates them, and writes `data/classifier.json`; at request time this module only
reads that file (lazily, once) and sums weights. The same `features()` runs at training and at request
time, so the two cannot drift. Features are format-blind (markup, Markdown and punctuation are gone
before counting) and each block is L2-normalised, so a long comment is not more spam than a short one.
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import chain
from pathlib import Path
from typing import Mapping

from .text import find_links, visible_text, words

MODEL_PATH = Path(__file__).with_name("data") / "classifier.json"
FORMAT = "replybox-spam-logreg/1"

# A comment is judged on its first 4000 and last 1000 characters: spam shows itself early (or
# late, under a wall of filler), and the cost of a 65 KB comment stays bounded.
_HEAD, _TAIL = 4000, 1000
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (3, 5)
_MARKDOWN_LINK = re.compile(r"\[([^\[\]]{0,300})\]\(([^()\s]{1,2000})\)")
_DIGIT = re.compile(r"\d")


def classifier_text(content: str) -> str:
    """Lower-case visible text without its links: the link rules judge those, so the classifier's
    evidence stays independent of theirs (a block needs two independent signals)."""
    if len(content) > _HEAD + _TAIL:
        content = content[:_HEAD] + " " + content[-_TAIL:]
    text = _MARKDOWN_LINK.sub(r"\1 \2", visible_text(content))
    for link in find_links(text):
        text = text.replace(link, " ")
    return text.lower()


@lru_cache(maxsize=65536)
def _char_grams(token: str) -> tuple[str, ...]:
    """A word's character n-grams (cached: most words of a comment are common words)."""
    padded = f" {_DIGIT.sub('0', token)} "
    lo, hi = CHAR_NGRAMS
    return tuple("c" + padded[i:i + n] for n in range(lo, hi + 1) for i in range(max(len(padded) - n + 1, 1)))


def _counts(content: str) -> tuple[Counter[str], Counter[str]]:
    """The comment's word n-gram and character n-gram counts, each in the order first seen."""
    tokens = words(classifier_text(content))
    lo, hi = WORD_NGRAMS
    word_counts = Counter("w " + " ".join(tokens[i:i + n]) for n in range(lo, hi + 1) for i in range(len(tokens) - n + 1))
    # words only: punctuation and markup say more about a blog's engine than its spam
    char_counts = Counter(chain.from_iterable(map(_char_grams, tokens)))
    return word_counts, char_counts


# 1 + log(count) for the counts a comment has (almost all are 1 to a few): a table, not a log a key.
_SCALE = [0.0] + [1.0 + math.log(count) for count in range(1, 257)]


def _scale(count: int) -> float:
    return _SCALE[count] if count < len(_SCALE) else 1.0 + math.log(count)


def _norm(counts: Counter[str]) -> float:
    return math.sqrt(sum(_scale(count) * _scale(count) for count in counts.values())) or 1.0


def features(content: str) -> dict[str, float]:
    """Sparse feature vector: log-scaled n-gram counts, words and characters each L2-normalised."""
    vector: dict[str, float] = {}
    for counts in _counts(content):
        norm = _norm(counts)
        vector.update((key, _scale(count) / norm) for key, count in counts.items())
    return vector


@dataclass(frozen=True)
class Model:
    """Weights of a logistic regression; `probability` is P(spam | text)."""

    bias: float
    weights: Mapping[str, float]
    meta: Mapping[str, object]

    def score_terms(self, content: str) -> tuple[float, list[tuple[str, float]]]:
        """Log-odds of spam and the per-feature contributions that make it up."""
        # features() without building the whole vector: most n-grams carry no weight, but each block's
        # norm still counts them all. The same values in the same order as features(), so the same sum.
        weight = self.weights.get
        terms: list[tuple[str, float]] = []
        for counts in _counts(content):
            norm = _norm(counts)
            terms.extend((key, _scale(count) / norm * w) for key, count in counts.items() if (w := weight(key)) is not None)
        return self.bias + sum(c for _, c in terms), terms

    def probability(self, content: str) -> float:
        return _sigmoid(self.score_terms(content)[0])


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def model_from_json(raw: str | bytes) -> Model:
    """Parse a model file; refuses a file of another format (JSON only: nothing in it can execute)."""
    data = json.loads(raw)
    if data.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} model file")
    weights = {str(k): float(v) for k, v in data["weights"].items()}
    return Model(float(data["bias"]), weights, data.get("meta", {}))


NO_MODEL = Model(0.0, {}, {"missing": True})


@cache
def _read_shipped() -> Model:
    try:
        return model_from_json(MODEL_PATH.read_bytes())
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return NO_MODEL


_swapped_in: Model | None = None  # an evaluation fold's model (use_model)


def shipped_model() -> Model | None:
    """The model in data/classifier.json, read on first use (unless an evaluation swapped one in);
    None when the file is absent or bad."""
    model = _swapped_in if _swapped_in is not None else _read_shipped()
    return None if model.meta.get("missing") else model


def reset_shipped_model() -> None:
    """Forget the loaded model (after `train` rewrites the file, and for load-time benchmarks)."""
    global _swapped_in
    _swapped_in = None
    _read_shipped.cache_clear()


def use_model(model: Model | None) -> None:
    """Score with `model` instead of the shipped file (evaluation folds); None means no classifier."""
    global _swapped_in
    _swapped_in = model if model is not None else NO_MODEL
