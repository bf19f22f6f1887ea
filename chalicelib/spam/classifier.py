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
from sys import intern
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import chain, compress, repeat
from operator import add, itemgetter, mul, sub, truediv
from pathlib import Path
from typing import Callable, Iterable, Mapping

from .text import Lazy, Prepared, find_links, visible_text, words

MODEL_PATH = Path(__file__).with_name("data") / "classifier.json"
FORMAT = "replybox-spam-logreg/1"

# A comment is judged on its first 4000 and last 1000 characters: spam shows itself early (or
# late, under a wall of filler), and the cost of a 65 KB comment stays bounded.
_HEAD, _TAIL = 4000, 1000
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (3, 5)
_MARKDOWN_LINK = Lazy(r"\[([^\[\]]{0,300})\]\(([^()\s]{1,2000})\)")
_DIGIT = re.compile(r"\d")


def classifier_text(content: str, prepared: Prepared | None = None) -> str:
    """Lower-case visible text without its links: the link rules judge those, so the classifier's
    evidence stays independent of theirs (a block needs two independent signals).

    `prepared` (the verdict's Prepared for the same content) lends its visible text and links, which
    are the same values as computing them again here for a comment within the head and tail."""
    if len(content) > _HEAD + _TAIL:
        content = content[:_HEAD] + " " + content[-_TAIL:]
        prepared = None
    visible = prepared.visible if prepared is not None else visible_text(content)
    if "](" in visible:  # what a Markdown link needs: without it the substitution changes nothing
        text = _MARKDOWN_LINK.sub(r"\1 \2", visible)
        found = find_links(text)
    else:
        text = visible
        found = prepared.links if prepared is not None else find_links(text)
    for link in found:
        text = text.replace(link, " ")
    return text.lower()


_TOKENS_CACHED = 65536  # distinct words whose n-grams are kept (a few MB at most)


@lru_cache(maxsize=_TOKENS_CACHED)
def _char_grams(token: str) -> tuple[str, ...]:
    """A word's character n-grams (cached: most words of a comment are common words)."""
    padded = f" {_DIGIT.sub('0', token)} "
    lo, hi = CHAR_NGRAMS
    # Interned: the same n-gram of many words is then one object, as is the model's key for it, so
    # counting and weight lookups touch far less memory and compare by identity.
    return tuple(map(intern, ["c" + padded[i:i + n] for n in range(lo, hi + 1) for i in range(max(len(padded) - n + 1, 1))]))


def _tokens(content: str, prepared: Prepared | None = None) -> list[str]:
    return words(classifier_text(content, prepared))


def _word_counts(tokens: list[str]) -> Counter[str]:
    """The word n-gram counts, in the order first seen."""
    if WORD_NGRAMS == (1, 2):  # the same strings in the same order as the general loop below, built in C
        unigrams = list(map("w ".__add__, tokens))
        return Counter(chain(unigrams, map(add, unigrams, map(" ".__add__, tokens[1:]))))
    lo, hi = WORD_NGRAMS
    return Counter("w " + " ".join(tokens[i:i + n]) for n in range(lo, hi + 1) for i in range(len(tokens) - n + 1))


def _counts(content: str, prepared: Prepared | None = None) -> tuple[Counter[str], Counter[str]]:
    """The comment's word n-gram and character n-gram counts, each in the order first seen."""
    tokens = _tokens(content, prepared)
    # words only: punctuation and markup say more about a blog's engine than its spam
    return _word_counts(tokens), Counter(chain.from_iterable(map(_char_grams, tokens)))


# 1 + log(count) for the counts a comment has (almost all are 1 to a few): a table, not a log a key.
_SCALE = [0.0] + [1.0 + math.log(count) for count in range(1, 257)]
_SQUARED = [scale * scale for scale in _SCALE]  # the products _norm takes, so the same floats
_TABLE = _SCALE.__getitem__
_REPEATED = [False, False] + [True] * (len(_SCALE) - 2)  # count -> whether over 1, for counts _SCALE holds


def _scale(count: int) -> float:
    return _SCALE[count] if count < len(_SCALE) else 1.0 + math.log(count)


def _scaler(counts: Counter[str]) -> Callable[[int], float]:
    """_scale for these counts: a table lookup when every count is in the table (almost always)."""
    return _TABLE if not counts or max(counts.values()) < len(_SCALE) else _scale


def _squares(counts: Iterable[int], scale: Callable[[int], float] = _scale) -> float:
    """The sum of the counts' squared scales."""
    if scale is _TABLE:  # the same products as the loop below
        return sum(map(_SQUARED.__getitem__, counts))
    return sum(_scale(count) * _scale(count) for count in counts)


def _norm(counts: Counter[str], scale: Callable[[int], float] = _scale) -> float:
    return math.sqrt(_squares(counts.values(), scale)) or 1.0


def features(content: str) -> dict[str, float]:
    """Sparse feature vector: log-scaled n-gram counts, words and characters each L2-normalised."""
    vector: dict[str, float] = {}
    for counts in _counts(content):
        norm = _norm(counts, _scaler(counts))
        vector.update((key, _scale(count) / norm) for key, count in counts.items())
    return vector


@dataclass(frozen=True)
class Model:
    """Weights of a logistic regression; `probability` is P(spam | text)."""

    bias: float
    weights: Mapping[str, float]
    meta: Mapping[str, object]
    _by_token: dict[str, tuple[tuple[str, ...], float]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def score(self, content: str, prepared: Prepared | None = None) -> tuple[float, list[tuple[str, float]]]:
        """Log-odds of spam, and the word n-grams' contributions to it (`prepared`: see classifier_text)."""
        # features() without building the whole vector: most n-grams carry no weight, but each block's
        # norm still counts them all; map() and filter() do per n-gram work in C. A word n-gram's
        # contribution is features()' value times its weight; the character n-grams, which no one
        # is shown, are summed as weight times scale and normalised once (the same sum, rounded apart).
        weights = self.weights
        tokens = _tokens(content, prepared)
        word_counts = _word_counts(tokens)
        scale = _scaler(word_counts)
        norm = _norm(word_counts, scale)
        keys = list(filter(weights.__contains__, word_counts))
        scaled = map(truediv, map(scale, map(word_counts.__getitem__, keys)), repeat(norm))
        word_terms = list(zip(keys, map(mul, scaled, map(weights.__getitem__, keys))))
        parts = self._char_parts(tokens)
        char_counts = Counter(chain.from_iterable(map(itemgetter(0), parts)))
        # Most n-grams occur once, scaled 1: so the block's weighted sum is the sum of each word's
        # weights (cached per word), less what 1 + log(count) takes off each repeated n-gram's count.
        # Which counts are over 1 by a list lookup per count (cheaper in C than calling (1).__lt__),
        # when every count is in the table, as then every repeated one is in _SCALE's too.
        if max(char_counts.values(), default=0) < len(_REPEATED):
            repeated = list(compress(char_counts, map(_REPEATED.__getitem__, char_counts.values())))
            counts = list(map(char_counts.__getitem__, repeated))
            scale = _TABLE
        else:
            repeated = list(compress(char_counts, map((1).__lt__, char_counts.values())))
            counts = list(map(char_counts.__getitem__, repeated))
            scale = _scale
        excess = sum(map(mul, map(weights.get, repeated, repeat(0.0)), map(sub, counts, map(scale, counts))))
        chars = sum(map(itemgetter(1), parts)) - excess
        squares = len(char_counts) - len(counts) + _squares(counts, scale)
        return self.bias + sum(map(itemgetter(1), word_terms)) + chars / (math.sqrt(squares) or 1.0), word_terms

    def _char_parts(self, tokens: list[str]) -> list[tuple[tuple[str, ...], float]]:
        """Each token's character n-grams and the sum of their weights. Cached per model: a comment's
        words are mostly common ones, and looking each of its ~600 n-grams up among ~6,000 weights
        was the classifier's largest cost."""
        cache = self._by_token
        if not all(map(cache.__contains__, tokens)):
            if len(cache) > _TOKENS_CACHED:
                cache.clear()
            weights = self.weights
            for token in set(tokens).difference(cache):
                grams = _char_grams(token)
                cache[token] = (grams, sum(map(weights.get, grams, repeat(0.0))))
        return list(map(cache.__getitem__, tokens))

    def probability(self, content: str) -> float:
        return _sigmoid(self.score(content)[0])


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
    weights = {intern(str(k)): float(v) for k, v in data["weights"].items()}
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
