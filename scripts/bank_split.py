"""Split the request bank once into a tuning part and a held-out third, deterministically.

Sources (every line has an "id" and a "family"):
  tests/bank/src/requests.jsonl       -> tests/bank/requests.{tune,heldout}.jsonl
  tests/bank/src/conversations.jsonl  -> tests/bank/conversations.{tune,heldout}.jsonl
  tests/bank/src/questions.jsonl      -> tests/bank/questions.{tune,heldout}.jsonl
  tests/bank/src/moods.jsonl          -> bench/data/moods.{tune,heldout}.jsonl
  tests/bank/src/conversations2.jsonl -> tests/bank/conversations2.{tune,heldout}.jsonl (issue 23's bank)

Rule: per file, one `random.Random(12)`; families are taken in sorted order, each family's lines
(in source order) are shuffled with it, and the first ceil(n / 3) go to the held-out file, the
rest to the tuning file. Both outputs keep the source order.
Running it twice writes the same bytes; `--check` exits 1 if the files on disk differ.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 12
SPLITS = {
    "tests/bank/src/requests.jsonl": "tests/bank/requests",
    "tests/bank/src/conversations.jsonl": "tests/bank/conversations",
    "tests/bank/src/questions.jsonl": "tests/bank/questions",
    "tests/bank/src/moods.jsonl": "bench/data/moods",
    "tests/bank/src/conversations2.jsonl": "tests/bank/conversations2",
}


def split(lines: list[dict]) -> tuple[list[dict], list[dict]]:
    """(tune, heldout): one third of each family, rounded up, held out."""
    rng = random.Random(SEED)
    by_family: dict[str, list[int]] = defaultdict(list)
    for i, line in enumerate(lines):
        by_family[line["family"]].append(i)
    held: set[int] = set()
    for family in sorted(by_family):
        idx = list(by_family[family])
        rng.shuffle(idx)
        held.update(idx[: math.ceil(len(idx) / 3)])
    tune = [x for i, x in enumerate(lines) if i not in held]
    heldout = [x for i, x in enumerate(lines) if i in held]
    return tune, heldout


def render(lines: list[dict]) -> str:
    return "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="only verify the split files are up to date")
    a = ap.parse_args()
    stale = 0
    for src, dst in SPLITS.items():
        lines = [json.loads(x) for x in (ROOT / src).read_text().splitlines() if x.strip()]
        ids = [x["id"] for x in lines]
        if len(ids) != len(set(ids)):
            print(f"{src}: duplicate ids", file=sys.stderr)
            return 1
        tune, heldout = split(lines)
        for suffix, part in (("tune", tune), ("heldout", heldout)):
            path = ROOT / f"{dst}.{suffix}.jsonl"
            text = render(part)
            if a.check:
                if not path.exists() or path.read_text() != text:
                    print(f"stale: {path.relative_to(ROOT)}")
                    stale += 1
            else:
                path.write_text(text)
        families = len({x["family"] for x in lines})
        print(f"{src}: {len(lines)} lines, {families} families -> {len(tune)} tune, {len(heldout)} held out")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
