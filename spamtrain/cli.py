"""Train and evaluate the spam classifier on the YouTube Spam Collection (dev only: needs scikit-learn).

`train` fits a logistic regression on all four videos and writes chalicelib/spam/data/classifier.json.
`evaluate` runs leave-one-video-out: for each video, fit on the other three (without any text that
also occurs in the held-out video) and score the held-out video, with the classifier alone and with
the whole engine, and prints a markdown table.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from chalicelib.spam import Submission, evaluate as evaluate_comment
from chalicelib.spam import classifier
from chalicelib.spam.text import visible_text, words

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "datasets" / "youtube-spam"
DEFAULT_C = 10.0
MIN_DF = 2  # an n-gram seen in one training comment only is that comment's fingerprint, not a pattern
MIN_WEIGHT = 1e-3  # smaller weights change no decision and only grow the file

SOURCE = {
    "dataset": "YouTube Spam Collection (videos: Psy, KatyPerry, LMFAO, Eminem)",
    "citation": 'T. C. Alberto, J. V. Lochter, T. A. Almeida, "TubeSpam: Comment Spam Filtering on YouTube", IEEE ICMLA 2015',
    "url": "https://archive.ics.uci.edu/dataset/380/youtube+spam+collection",
    "license": "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/); these weights are derived from it",
}


@dataclass(frozen=True)
class Example:
    video: str
    author: str
    content: str
    spam: bool


def load_videos(data_dir: Path) -> dict[str, list[Example]]:
    """Every CSV in data_dir (COMMENT_ID,AUTHOR,DATE,CONTENT,label), by video name."""
    videos: dict[str, list[Example]] = {}
    for path in sorted(data_dir.glob("*.csv")):
        video = path.stem.split("-", 1)[-1]
        with path.open(newline="", encoding="utf-8") as handle:
            videos[video] = [
                Example(video, row["AUTHOR"], row["CONTENT"], row["label"].strip() == "1")
                for row in csv.DictReader(handle)
            ]
    if not videos:
        raise FileNotFoundError(f"no CSV files in {data_dir}")
    return videos


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


def fit(examples: Sequence[Example], c: float = DEFAULT_C) -> classifier.Model:
    """Logistic regression over classifier.features(); returns the pure-Python model."""
    from sklearn.feature_extraction import DictVectorizer  # noqa: PLC0415 (dev-only dependency)
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415

    vectors = [classifier.features(e.content) for e in examples]
    df = Counter(key for vector in vectors for key in vector)
    vectors = [{k: v for k, v in vector.items() if df[k] >= MIN_DF} for vector in vectors]
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(vectors)
    model = LogisticRegression(C=c, max_iter=5000)
    model.fit(matrix, [int(e.spam) for e in examples])
    weights = {
        name: round(float(w), 4)
        for name, w in zip(vectorizer.get_feature_names_out(), model.coef_[0])
        if abs(w) >= MIN_WEIGHT
    }
    meta = {
        "trained_on": len(examples),
        "spam": sum(e.spam for e in examples),
        "C": c,
        "min_df": MIN_DF,
        "word_ngrams": list(classifier.WORD_NGRAMS),
        "char_ngrams": list(classifier.CHAR_NGRAMS),
    }
    return classifier.Model(round(float(model.intercept_[0]), 4), weights, meta)


def model_json(model: classifier.Model) -> str:
    import sklearn  # noqa: PLC0415

    meta = {"source": SOURCE, "trainer": f"spamtrain (scikit-learn {sklearn.__version__})", **model.meta}
    data = {"format": classifier.FORMAT, "meta": meta, "bias": model.bias, "weights": dict(sorted(model.weights.items()))}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False) + "\n"


def _parser(prog: str, description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help=f"YouTube Spam Collection CSVs (default {DEFAULT_DATA})")
    parser.add_argument("--C", dest="c", type=float, default=DEFAULT_C, help="inverse regularisation strength")
    return parser


def train(argv: list[str]) -> int:
    """`manage.py train`: fit on every video (deduplicated) and write the shipped model file."""
    parser = _parser("manage.py train", "Train the shipped spam classifier.")
    parser.add_argument("--out", type=Path, default=classifier.MODEL_PATH, help="model file to write")
    args = parser.parse_args(argv)
    videos = load_videos(args.data)
    examples = deduplicated(e for rows in videos.values() for e in rows)
    model = fit(examples, args.c)
    text = model_json(model)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    classifier.reset_shipped_model()
    print(
        f"trained on {len(examples)} distinct comments ({sum(e.spam for e in examples)} spam) "
        f"from {len(videos)} videos; {len(model.weights)} weights, {len(text.encode()) / 1024:.0f} KiB -> {args.out}"
    )
    return 0


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0

    def add(self, spam: bool, flagged: bool) -> None:
        if spam:
            self.tp += flagged
            self.fn += not flagged
        else:
            self.fp += flagged
            self.tn += not flagged

    @property
    def accuracy(self) -> float:
        return (self.tp + self.tn) / max(self.tp + self.tn + self.fp + self.fn, 1)

    @property
    def recall(self) -> float:
        return self.tp / max(self.tp + self.fn, 1)

    @property
    def ham_flagged(self) -> float:
        return self.fp / max(self.fp + self.tn, 1)

    @property
    def mcc(self) -> float:
        tp, fp, tn, fn = self.tp, self.fp, self.tn, self.fn
        denominator = math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
        return (tp * tn - fp * fn) / denominator if denominator else 0.0


METHODS = (  # name, what counts as "flagged spam", what the last column means for ham
    ("classifier alone", "spam when P(spam) >= 0.5", "ham blocked"),
    ("engine", "flagged = decision spam or discard; hold counts as not spam", "ham blocked"),
    ("engine, hold = caught", "flagged = any decision but approve (held comments are not published)", "ham held or blocked"),
)


def evaluate(argv: list[str]) -> int:
    """`manage.py eval`: leave-one-video-out table for the classifier alone and the whole engine."""
    parser = _parser("manage.py eval", "Leave-one-video-out evaluation of the spam classifier and engine.")
    args = parser.parse_args(argv)
    videos = load_videos(args.data)
    results: dict[str, dict[str, Tally]] = {}
    try:
        for video, rows in videos.items():
            test = deduplicated(rows)
            held_out = {normalized(e.content) for e in test}
            train_set = deduplicated((e for v, r in videos.items() if v != video for e in r), exclude=held_out)
            model = fit(train_set, args.c)
            classifier.use_model(model)
            tallies = {name: Tally() for name, _, _ in METHODS}
            for e in test:
                p = model.probability(e.content)
                # As a plain no-JavaScript form sends it: no token, no email/IP/user agent in the data.
                verdict = evaluate_comment(Submission(author=e.author, content=e.content, form_token="missing"))
                tallies["classifier alone"].add(e.spam, p >= 0.5)
                tallies["engine"].add(e.spam, verdict.decision in ("spam", "discard"))
                tallies["engine, hold = caught"].add(e.spam, verdict.decision != "approve")
            results[f"{video} ({len(test)}, trained on {len(train_set)})"] = tallies
    finally:
        classifier.reset_shipped_model()
    print(render_table(results))
    print(community_list_report(videos))
    return 0


def community_list_report(videos: dict[str, list[Example]]) -> str:
    """How often the shipped 62k-key list fires on its own, over every comment's author and content."""
    from chalicelib.spam.keys import comment_fields, default_matcher  # noqa: PLC0415
    from chalicelib.spam.rules import DEFAULT_LIST_POINTS_PER_KEY  # noqa: PLC0415

    to_hold = math.ceil(1.0 / DEFAULT_LIST_POINTS_PER_KEY)
    lines = [
        "\n**community list alone** (62k WordPress keys; share of comments with at least 1 key, "
        f"and with {to_hold}+ keys, enough to hold by itself)\n",
        f"| comments | any key | {to_hold}+ keys |",
        "|---|---:|---:|",
    ]
    for label, want_spam in (("ham", False), ("spam", True)):
        counts = [
            len(default_matcher().find_in_fields(comment_fields(e.author, "", "", e.content, "", "")))
            for rows in videos.values() for e in rows if e.spam == want_spam
        ]
        any_key = sum(n >= 1 for n in counts) / len(counts)
        holds = sum(n >= to_hold for n in counts) / len(counts)
        lines.append(f"| {label} ({len(counts)}) | {any_key:.1%} | {holds:.1%} |")
    return "\n".join(lines)


def render_table(results: dict[str, dict[str, Tally]]) -> str:
    lines = []
    for name, meaning, ham_column in METHODS:
        lines += [
            f"\n**{name}** ({meaning})\n",
            f"| held-out video | accuracy | MCC | spam caught | {ham_column} |",
            "|---|---:|---:|---:|---:|",
        ]
        rows = [(video, tallies[name]) for video, tallies in results.items()]
        for video, t in rows:
            lines.append(f"| {video} | {t.accuracy:.1%} | {t.mcc:.3f} | {t.recall:.1%} | {t.ham_flagged:.1%} |")
        n = len(rows)
        lines.append(
            f"| **mean** | **{sum(t.accuracy for _, t in rows) / n:.1%}** | **{sum(t.mcc for _, t in rows) / n:.3f}** | "
            f"**{sum(t.recall for _, t in rows) / n:.1%}** | **{sum(t.ham_flagged for _, t in rows) / n:.1%}** |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    sys.exit({"train": train, "eval": evaluate}[command](sys.argv[2:]))
