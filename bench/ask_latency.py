"""In-process latency of parse + search + reply (`timings_ms.total` of `ask`) over the dev requests (both sets) and
the first turns of the dev conversations (both sets); and of every turn of the conversation sets (issue 23's acts:
dev_conversations3 and the probe conversations), each conversation in a fresh session.

Side by side in the same run:
  full      the shipped pipeline: built-in parser, SQL filters, hybrid ranking with embeddings
  baseline  the same without meaning (no embeddings: keywords + quality only)
and the built-in parser alone, beside a baseline parser without catalogue name look-ups.

Usage: .venv/bin/python bench/ask_latency.py [--rounds 5] [--out bench/results/ask_latency.md]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voicerec.assistant import Assistant  # noqa: E402
from voicerec.config import Settings  # noqa: E402
from voicerec.rank.rank import Ranker  # noqa: E402
from voicerec.understand.rules import RuleParser  # noqa: E402


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]


def texts() -> list[str]:
    data = ROOT / "tests" / "data"
    out = []
    for name in ("dev_requests.jsonl", "dev_requests2.jsonl"):
        out += [json.loads(line)["text"] for line in open(data / name) if line.strip()]
    for name in ("dev_conversations.jsonl", "dev_conversations2.jsonl"):
        for line in open(data / name):
            if line.strip():
                out.append(json.loads(line)["turns"][0]["text"])
    return out


def conversations() -> list[list[str]]:
    data = ROOT / "tests" / "data"
    out = []
    for name in ("dev_conversations3.jsonl", "probe_conversations.jsonl"):
        out += [[t["text"] for t in json.loads(line)["turns"]] for line in open(data / name) if line.strip()]
    return out


def measure_turns(assistant: Assistant, convs: list[list[str]], rounds: int) -> dict[str, float]:
    """Every turn of every conversation (a fresh session each time): follow-ups, acts, questions about it."""
    totals, n = [], 0
    for r in range(rounds + 1):  # round 0 warms up
        for i, turns in enumerate(convs):
            for t in turns:
                a = assistant.answer(t, session=f"bench-{r}-{i}")
                if r:
                    totals.append(a.timings_ms["total"])
                    n += 1
    return {"p50": statistics.median(totals), "p95": pct(totals, 95), "max": max(totals), "n": n}


def measure(assistant: Assistant, requests: list[str], rounds: int) -> dict[str, float]:
    for t in requests:  # warm-up: first-use costs (regex compilation, page cache, model load)
        assistant.answer(t)
    totals, search = [], []
    for _ in range(rounds):
        for t in requests:
            a = assistant.answer(t)
            totals.append(a.timings_ms["total"])
            search.append(a.timings_ms["search"])
    return {"p50": statistics.median(totals), "p95": pct(totals, 95), "max": max(totals),
            "search_p95": pct(search, 95), "n": len(totals)}


def parser_times(parser: RuleParser, requests: list[str], rounds: int) -> dict[str, float]:
    for t in requests:
        parser.parse(t)
    out = []
    for _ in range(rounds):
        for t in requests:
            t0 = time.perf_counter()
            parser.parse(t)
            out.append((time.perf_counter() - t0) * 1000)
    return {"p50": statistics.median(out), "p95": pct(out, 95), "max": max(out), "n": len(out)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "ask_latency.md"))
    args = ap.parse_args()
    settings = Settings.load()
    settings = settings.model_copy(update={"state_dir": ROOT / "bench" / ".cache" / "state", "history_days": 0})
    requests = texts()

    full = Assistant(settings)
    t0 = time.perf_counter()
    full.ranker.warm()
    warm_ms = (time.perf_counter() - t0) * 1000
    r_full = measure(full, requests, args.rounds)
    base = Assistant(settings, catalog=full.catalog)
    base.ranker = Ranker(full.catalog, use_vectors=False)
    r_base = measure(base, requests, args.rounds)
    convs = conversations()
    c_full = measure_turns(full, convs, max(1, args.rounds // 2))
    c_base = measure_turns(base, convs, max(1, args.rounds // 2))
    p_full = parser_times(full.understanding.parser, requests, args.rounds)
    p_base = parser_times(RuleParser(None, newest_year=full.catalog.newest_year), requests, args.rounds)

    lines = [
        "# ask latency (in-process, warm)", "",
        f"{len(requests)} dev requests and first turns × {args.rounds} rounds; catalogue of {full.catalog.count()} titles; "
        f"vectors + embedder load once: {warm_ms:.0f} ms.", "",
        "| pipeline | p50 ms | p95 ms | max ms | search p95 ms |", "|---|---|---|---|---|",
        f"| full (SQL + hybrid with embeddings) | {r_full['p50']:.1f} | {r_full['p95']:.1f} | {r_full['max']:.1f} | {r_full['search_p95']:.1f} |",
        f"| baseline (no embeddings) | {r_base['p50']:.1f} | {r_base['p95']:.1f} | {r_base['max']:.1f} | {r_base['search_p95']:.1f} |",
        "", f"Conversations: every turn of {len(convs)} conversations ({c_full['n']} turns measured), each in a fresh session:",
        "", "| pipeline | p50 ms | p95 ms | max ms |", "|---|---|---|---|",
        f"| full | {c_full['p50']:.1f} | {c_full['p95']:.1f} | {c_full['max']:.1f} |",
        f"| baseline (no embeddings) | {c_base['p50']:.1f} | {c_base['p95']:.1f} | {c_base['max']:.1f} |",
        "", "| parser | p50 ms | p95 ms | max ms |", "|---|---|---|---|",
        f"| built-in (with catalogue names) | {p_full['p50']:.2f} | {p_full['p95']:.2f} | {p_full['max']:.2f} |",
        f"| baseline (rules only, no name look-ups) | {p_base['p50']:.2f} | {p_base['p95']:.2f} | {p_base['max']:.2f} |",
        "", "Targets: ask total p95 <= 50 ms (issue 2); built-in parser p95 < 10 ms (issue 3).",
    ]
    text = "\n".join(lines)
    print(text)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
