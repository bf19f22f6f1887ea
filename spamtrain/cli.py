"""Train and evaluate the spam classifier and engine on every shared source (dev only: scikit-learn).

`train` fits a calibrated logistic regression on every source (the YouTube Spam Collection's videos
and each blog of `blog-comments/`) and writes chalicelib/spam/data/classifier.json (weights only).
`evaluate` runs leave-one-source-out: each video and each blog file is scored by a model fitted on
the other sources without any text that also occurs in the held-out one, with the whole engine, the
classifier alone and a plain TF-IDF + LinearSVC baseline, per source and per length bucket.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from chalicelib.spam import Submission, classifier, keys
from chalicelib.spam import evaluate as evaluate_comment
from chalicelib.spam.text import visible_text, words

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "datasets"
DEFAULT_C = 2.0
MIN_DF = 2  # an n-gram seen in one training comment only is that comment's fingerprint, not a pattern
MAX_WEIGHTS = 9000  # the largest weights only: the file stays near 250 KB (the Lambda zip < 5 MB)
LENGTH_BUCKETS = ((0, 10), (10, 25), (25, 50), (50, 100), (100, None))

SOURCES = {
    "youtube": {
        "dataset": "YouTube Spam Collection (videos: Psy, KatyPerry, LMFAO, Eminem)",
        "citation": 'T. C. Alberto, J. V. Lochter, T. A. Almeida, "TubeSpam: Comment Spam Filtering on YouTube", IEEE ICMLA 2015',
        "url": "https://archive.ics.uci.edu/dataset/380/youtube+spam+collection",
        "license": "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/); these weights are derived from it",
    },
    "blog": {
        "dataset": "blog-comments (shared set, Dec 2026): published and moderator/Akismet-marked spam comments "
                   "of public blog repositories; each row names its github:owner/repo@commit:path",
        "repositories": [
            "travisdowns/travisdowns.github.io", "willymcallister/willymcallister.github.io (spinningnumbers)",
            "bloggerbust (Staticman)", "cc-archive/labs", "MichaelKentBurns/MichaelKentBurns.com",
            "midonet/midonet-blog", "dagnamusic (wp_comments dump)",
        ],
        "license": "comments are their authors' words, published on those sites; only derived weights are "
                   "shipped, no rows (see chalicelib/spam/SOURCES.md)",
    },
}


@dataclass(frozen=True)
class Example:
    source: str
    author: str
    content: str
    spam: bool
    email: str = ""
    url: str = ""

    @property
    def is_blog(self) -> bool:
        return self.source.startswith("blog:")


def load_sources(data_dir: Path) -> dict[str, list[Example]]:
    """Every video CSV of youtube-spam/ and every blog-comments/ file, by source name."""
    sources: dict[str, list[Example]] = {}
    for path in sorted((data_dir / "blog-comments").glob("*.jsonl")):
        name = f"blog:{path.stem}"
        with path.open(encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle if line.strip()]
        sources[name] = [
            Example(name, r.get("author") or "", r.get("content") or "", r.get("label") == "spam", r.get("email") or "", r.get("url") or "")
            for r in rows
        ]
    for path in sorted((data_dir / "youtube-spam").glob("*.csv")):
        name = f"video:{path.stem.split('-', 1)[-1]}"
        with path.open(newline="", encoding="utf-8") as handle:
            sources[name] = [
                Example(name, row["AUTHOR"], row["CONTENT"], row["label"].strip() == "1")
                for row in csv.DictReader(handle)
            ]
    if not sources:
        raise FileNotFoundError(f"no youtube-spam/*.csv or blog-comments/*.jsonl under {data_dir}")
    return sources


def normalized(text: str) -> str:
    """The form two comments must share to count as the same text (case, markup, punctuation ignored)."""
    return " ".join(words(visible_text(text)))


def deduplicated(examples: Iterable[Example], exclude: set[str] = frozenset()) -> list[Example]:
    """First example of each normalized text, leaving out texts in `exclude`."""
    seen = set(exclude)
    kept = []
    for example in examples:
        key = normalized(example.content)
        if key not in seen:
            seen.add(key)
            kept.append(example)
    return kept


def _sample_weights(examples: Sequence[Example]) -> list[float]:
    """Each (kind of site, class) weighs the same in total: the videos' thousand short comments must
    not drown the blogs' few hundred long ones, nor one class the other."""
    groups = Counter((e.is_blog, e.spam) for e in examples)
    total = len(examples) / max(len(groups), 1)
    return [total / groups[(e.is_blog, e.spam)] for e in examples]


_FEATURES: dict[str, dict[str, float]] = {}


def _features(content: str) -> dict[str, float]:
    """classifier.features, computed once per text across the evaluation's folds."""
    if content not in _FEATURES:
        _FEATURES[content] = classifier.features(content)
    return _FEATURES[content]


def fit(examples: Sequence[Example], c: float = DEFAULT_C) -> classifier.Model:
    """Calibrated logistic regression over classifier.features(); returns the pure-Python model.

    Platt scaling (fitted on 5-fold out-of-fold scores) is folded into the weights, so at request time
    the calibrated log-odds are still one sum."""
    from sklearn.calibration import CalibratedClassifierCV  # noqa: PLC0415 (dev-only dependency)
    from sklearn.feature_extraction import DictVectorizer  # noqa: PLC0415
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415

    vectors = [_features(e.content) for e in examples]
    df = Counter(key for vector in vectors for key in vector)
    vectors = [{k: v for k, v in vector.items() if df[k] >= MIN_DF} for vector in vectors]
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(vectors)
    labels = [int(e.spam) for e in examples]
    weights = _sample_weights(examples)
    base = LogisticRegression(C=c, max_iter=5000)
    calibrated = CalibratedClassifierCV(base, method="sigmoid", cv=5, ensemble=False)
    calibrated.fit(matrix, labels, sample_weight=weights)
    fitted = calibrated.calibrated_classifiers_[0]
    lr, platt = fitted.estimator, fitted.calibrators[0]
    a, b = -float(platt.a_), -float(platt.b_)  # sklearn's sigmoid is 1 / (1 + exp(a_ * f + b_))
    ranked = sorted(zip(vectorizer.get_feature_names_out(), lr.coef_[0]), key=lambda kv: -abs(kv[1]))
    kept = {name: round(a * float(w), 4) for name, w in ranked[:MAX_WEIGHTS] if round(a * float(w), 4)}
    meta = {
        "trained_on": len(examples),
        "spam": sum(e.spam for e in examples),
        "sources": sorted({e.source for e in examples}),
        "C": c,
        "min_df": MIN_DF,
        "calibration": "Platt (sigmoid, 5-fold), folded into bias and weights",
        "word_ngrams": list(classifier.WORD_NGRAMS),
        "char_ngrams": list(classifier.CHAR_NGRAMS),
    }
    return classifier.Model(round(a * float(lr.intercept_[0]) + b, 4), kept, meta)


def ham_keys(examples: Iterable[Example]) -> list[str]:
    """Community-list keys that occur in any published (ham) comment: they hit ordinary comments."""
    from chalicelib.spam.keys import DEFAULT_LIST_PATH, KeyMatcher, comment_fields, read_key_list  # noqa: PLC0415

    matcher = KeyMatcher(read_key_list(DEFAULT_LIST_PATH))
    found = set()
    for e in examples:
        if not e.spam:
            found.update(m.key for m in matcher.find_in_fields(comment_fields(e.author, e.email, e.url, e.content, "", ""), limit=10_000))
    return sorted(found)


def fold_matcher(examples: Iterable[Example]):
    """The community-list matcher as `train` would ship it from these examples only."""
    from chalicelib.spam.keys import DEFAULT_LIST_PATH, KeyMatcher, read_key_list  # noqa: PLC0415

    drop = set(ham_keys(examples))
    return KeyMatcher(k for k in read_key_list(DEFAULT_LIST_PATH) if k.strip().lower() not in drop)


def model_json(model: classifier.Model) -> str:
    import sklearn  # noqa: PLC0415

    meta = {"source": SOURCES["youtube"], "datasets": SOURCES, "trainer": f"spamtrain (scikit-learn {sklearn.__version__})", **model.meta}
    data = {"format": classifier.FORMAT, "meta": meta, "bias": model.bias, "weights": dict(sorted(model.weights.items()))}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False) + "\n"


def _parser(prog: str, description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help=f"the shared datasets folder (default {DEFAULT_DATA})")
    parser.add_argument("--C", dest="c", type=float, default=DEFAULT_C, help="inverse regularisation strength")
    return parser


def train(argv: list[str]) -> int:
    """`manage.py train`: fit on every source (deduplicated) and write the shipped model file."""
    parser = _parser("manage.py train", "Train the shipped spam classifier.")
    parser.add_argument("--out", type=Path, default=classifier.MODEL_PATH, help="model file to write")
    args = parser.parse_args(argv)
    sources = load_sources(args.data)
    examples = deduplicated(e for rows in sources.values() for e in rows)
    model = fit(examples, args.c)
    text = model_json(model)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    classifier.reset_shipped_model()
    dropped = ham_keys(e for rows in sources.values() for e in rows)
    keys.HAM_KEYS_PATH.write_text("".join(f"{k}\n" for k in dropped), encoding="utf-8")
    keys.use_default_matcher(None)
    print(f"{len(dropped)} community-list keys occur in published comments -> {keys.HAM_KEYS_PATH}")
    print(
        f"trained on {len(examples)} distinct comments ({sum(e.spam for e in examples)} spam) "
        f"from {len(sources)} sources; {len(model.weights)} weights, {len(text.encode()) / 1024:.0f} KiB -> {args.out}"
    )
    return 0


@dataclass
class Tally:
    """Outcomes of one method on one group of comments: blocked = spam/discard, held = hold."""

    ham: Counter = field(default_factory=Counter)
    spam: Counter = field(default_factory=Counter)

    def add(self, spam: bool, outcome: str) -> None:
        (self.spam if spam else self.ham)[outcome] += 1

    def share(self, side: Counter, outcome: str) -> str:
        total = sum(side.values())
        return f"{side[outcome] / total:.1%}" if total else "–"

    @property
    def mcc(self) -> float:
        tp, fn = self.spam["blocked"], self.spam["held"] + self.spam["published"]
        fp, tn = self.ham["blocked"], self.ham["held"] + self.ham["published"]
        denominator = math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
        return (tp * tn - fp * fn) / denominator if denominator else 0.0

    def row(self, label: str) -> str:
        mcc = f"{self.mcc:.3f}" if self.ham and self.spam else "–"
        return (
            f"| {label} | {sum(self.ham.values())}/{sum(self.spam.values())} | {self.share(self.ham, 'blocked')} | "
            f"{self.share(self.ham, 'held')} | {self.share(self.spam, 'published')} | {self.share(self.spam, 'blocked')} | {mcc} |"
        )


METHODS = (
    ("engine", "the whole engine at default thresholds, no form token"),
    ("classifier alone", "blocked when P(spam) >= 0.5, otherwise published: it has no hold of its own"),
    ("baseline", "TF-IDF (word 1-2 grams) + LinearSVC on the content: blocked or published, no hold"),
)


def _outcome(decision: str) -> str:
    return {"approve": "published", "hold": "held"}.get(decision, "blocked")


def _bucket(content: str) -> str:
    n = len(words(visible_text(content)))
    for lo, hi in LENGTH_BUCKETS:
        if hi is None or n < hi:
            return f"{lo}-{hi}" if hi else f"{lo}+"
    return "?"


def _baseline(train_set: Sequence[Example]):
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415
    from sklearn.pipeline import make_pipeline  # noqa: PLC0415
    from sklearn.svm import LinearSVC  # noqa: PLC0415

    model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), LinearSVC())
    model.fit([e.content for e in train_set], [int(e.spam) for e in train_set])
    return model


def evaluate(argv: list[str]) -> int:
    """`manage.py eval`: leave-one-source-out tables for the engine, the classifier and a baseline."""
    parser = _parser("manage.py eval", "Leave-one-source-out evaluation of the spam engine and classifier.")
    parser.add_argument("--only", action="append", help="evaluate only these held-out sources (repeatable)")
    args = parser.parse_args(argv)
    sources = load_sources(args.data)
    by_source: dict[str, dict[str, Tally]] = {}
    by_bucket: dict[str, dict[str, Tally]] = {}
    try:
        for name, rows in sources.items():
            if args.only and name not in args.only:
                continue
            test = deduplicated(rows)
            held_out = {normalized(e.content) for e in test}
            train_set = deduplicated((e for s, r in sources.items() if s != name for e in r), exclude=held_out)
            model = fit(train_set, args.c)
            baseline = _baseline(train_set)
            classifier.use_model(model)
            keys.use_default_matcher(fold_matcher(train_set))
            flagged = baseline.predict([e.content for e in test])
            tallies = by_source.setdefault(f"{name} (trained on {len(train_set)})", {m: Tally() for m, _ in METHODS})
            kind = "blog" if name.startswith("blog:") else "video"
            for e, base in zip(test, flagged):
                # As a plain form sends it: no token; the email and URL fields the data has.
                verdict = evaluate_comment(Submission(author=e.author, email=e.email, url=e.url, content=e.content))
                p = model.probability(e.content)
                outcomes = {
                    "engine": _outcome(verdict.decision),
                    "classifier alone": "blocked" if p >= 0.5 else "published",
                    "baseline": "blocked" if base else "published",
                }
                bucket = by_bucket.setdefault(f"{kind} {_bucket(e.content)}", {m: Tally() for m, _ in METHODS})
                for method, outcome in outcomes.items():
                    tallies[method].add(e.spam, outcome)
                    bucket[method].add(e.spam, outcome)
    finally:
        classifier.reset_shipped_model()
        keys.use_default_matcher(None)
    print(render_table(by_source, by_bucket))
    print(community_list_report(sources))
    return 0


def _bucket_order(label: str) -> tuple[str, int]:
    kind, _, span = label.partition(" ")
    return (kind, int(span.split("-")[0].rstrip("+")))


def render_table(by_source: dict[str, dict[str, Tally]], by_bucket: dict[str, dict[str, Tally]]) -> str:
    header = ["| {} | ham/spam | ham blocked | ham held | spam published | spam blocked | MCC |", "|---|---:|---:|---:|---:|---:|---:|"]
    lines = []
    for method, meaning in METHODS:
        lines += [f"\n**{method}** ({meaning}), each source held out\n", header[0].format("held-out source"), header[1]]
        lines += [tallies[method].row(label) for label, tallies in by_source.items()]
        lines += ["", header[0].format("length (words)"), header[1]]
        lines += [by_bucket[label][method].row(label) for label in sorted(by_bucket, key=_bucket_order)]
    return "\n".join(lines)


def community_list_report(sources: dict[str, list[Example]]) -> str:
    """How often the shipped 62k-key list fires, and its points, over every comment's fields."""
    from chalicelib.spam.keys import comment_fields, default_matcher  # noqa: PLC0415
    from chalicelib.spam.rules import community_list_points  # noqa: PLC0415

    lines = [
        "\n**community list alone** (62k WordPress keys; share of comments with any key, and with "
        "enough weighted points to hold by itself)\n",
        "| comments | any key | holds alone |",
        "|---|---:|---:|",
    ]
    for kind in ("blog", "video"):
        for label, want_spam in (("ham", False), ("spam", True)):
            matches = [
                default_matcher().find_in_fields(comment_fields(e.author, e.email, e.url, e.content, "", ""))
                for name, rows in sources.items() if name.startswith(kind) for e in rows if e.spam == want_spam
            ]
            if not matches:
                continue
            any_key = sum(bool(m) for m in matches) / len(matches)
            holds = sum(community_list_points(m) >= 1.0 for m in matches) / len(matches)
            lines.append(f"| {kind} {label} ({len(matches)}) | {any_key:.1%} | {holds:.1%} |")
    return "\n".join(lines)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    sys.exit({"train": train, "eval": evaluate}[command](sys.argv[2:]))
