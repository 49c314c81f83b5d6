"""Choose the ranking weights on a labelled set of mood and topic requests (not the dev lines).

bench/data/labelled_moods.jsonl: 36 requests with no hard filters to speak of ("a real
tearjerker", "a movie about sharks"), each with a rule for which results are relevant (genres a
good answer has or must not have, or words its title/description should mention). The score of a
weight setting is mean precision@3 over the set. A grid over the `mood` profile's meaning / keyword /
quality / popularity weights and the mood-genre boost (voicerec/rank/rank.py `Weights`) is searched; the best setting and the shipped one are reported
side by side, with the keyword-and-quality-only baseline (no embeddings) in the same run.

Usage: .venv/bin/python bench/tune_weights.py [--out bench/results/weights.md]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voicerec.catalog.store import Catalog  # noqa: E402
from voicerec.config import Settings  # noqa: E402
from voicerec.rank.rank import WEIGHTS, Ranker, Weights  # noqa: E402
from voicerec.understand.names import NameMatcher  # noqa: E402
from voicerec.understand.rules import RuleParser  # noqa: E402


def relevant(result, rule: dict) -> bool:
    genres = set(result.genres)
    if rule.get("genres_any") and not genres & set(rule["genres_any"]):
        return False
    if rule.get("genres_none") and genres & set(rule["genres_none"]):
        return False
    if rule.get("text_any"):
        text = f"{result.title} {result.description}".lower()
        if not any(w in text for w in rule["text_any"]):
            return False
    return True


def evaluate(ranker: Ranker, cases: list[tuple]) -> float:
    hits = 0
    total = 0
    for q, rule in cases:
        results = ranker.rank(q, 3)
        hits += sum(relevant(r, rule) for r in results)
        total += 3
    return hits / total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "weights.md"))
    args = ap.parse_args()
    catalog = Catalog(Settings.load().catalog_path)
    parser = RuleParser(NameMatcher(catalog.conn), newest_year=catalog.newest_year)
    cases = []
    for line in open(ROOT / "bench" / "data" / "labelled_moods.jsonl"):
        if line.strip():
            d = json.loads(line)
            cases.append((parser.parse(d["text"]), d["relevant"]))

    ranker = Ranker(catalog)
    ranker.warm()
    baseline = Ranker(catalog, use_vectors=False)
    grid = {
        "meaning": [0.3, 0.5, 0.7],
        "keywords": [0.0, 0.1, 0.2, 0.35],
        "quality": [0.15, 0.3, 0.45],
        "popularity": [0.05, 0.12, 0.25],
        "boost": [0.0, 0.12, 0.25],
    }
    rows = []
    for values in itertools.product(*grid.values()):
        chosen = dict(zip(grid, values, strict=True))
        boost = chosen.pop("boost")
        w = replace(WEIGHTS, mood=WEIGHTS.mood.but(**chosen), boost=boost)
        ranker.w = w
        rows.append((evaluate(ranker, cases), w))
    rows.sort(key=lambda r: -r[0])
    ranker.w = WEIGHTS
    shipped = evaluate(ranker, cases)
    base = evaluate(baseline, cases)
    lines = [
        "# Ranking weights, chosen on bench/data/labelled_moods.jsonl", "",
        f"{len(cases)} labelled mood/topic requests; metric: mean precision@3 (a result is relevant when it "
        "meets the request's rule). Grid: " + ", ".join(f"{k} {v}" for k, v in grid.items()) + ".", "",
        "| setting | precision@3 |", "|---|---|",
        f"| shipped WEIGHTS ({_fmt(WEIGHTS)}) | {shipped:.3f} |",
        f"| baseline: no embeddings (keywords + quality) | {base:.3f} |",
    ]
    for p, w in rows[:5]:
        lines.append(f"| grid best: {_fmt(w)} | {p:.3f} |")
    lines.append(f"| grid worst: {_fmt(rows[-1][1])} | {rows[-1][0]:.3f} |")
    text = "\n".join(lines)
    print(text)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text + "\n")


def _fmt(w: Weights) -> str:
    m = w.mood.weights
    return (f"meaning {m['meaning']}, keywords {m['keywords']}, quality {m['quality']}, "
            f"popularity {m['popularity']}, boost {w.boost}")


if __name__ == "__main__":
    main()
