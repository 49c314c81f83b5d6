"""The LLM parser's latency against a real llama-server (SmolLM2-135M), and its fallback times.

Side by side in the same run, on the same requests:
  parser        LLMParser.parse (json_schema): worker thread + time guard + validation + clamping
  baseline      the bare openai call with the same messages and response_format (no guard)
  json_object   LLMParser.parse forced to the json_object fallback
Then every failure mode of the fault server (tests/llm_servers.py), with the default 2.5 s budget
and with 1.0 s: the time until parse returns None — the acceptance is budget + 300 ms.

Usage: .venv/bin/python bench/llm.py [--requests 20] [--out bench/results/llm.md]
(builds llama-server on first use through scripts/build_llama_server.sh)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import openai  # noqa: E402
from llm_servers import closed_port, run_fault_server, run_llama_server  # noqa: E402

from voicerec.config import LLMSettings  # noqa: E402
from voicerec.understand.llm import LLMParser  # noqa: E402

FAULTS = ["refused", "stall", "trickle", "http429", "http500", "badjson", "refusal", "nonsense"]


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]


def texts(n: int) -> list[str]:
    path = ROOT / "tests" / "data" / "dev_requests.jsonl"
    if path.is_file():
        out = [json.loads(line)["text"] for line in open(path) if line.strip()]
    else:
        out = ["a light comedy from the 2000s under two hours", "something scary for a rainy evening"]
    return (out * (n // len(out) + 1))[:n]


def row(name: str, ms: list[float], extra: str = "") -> str:
    return (f"| {name} | {len(ms)} | {statistics.median(ms):.0f} | {pct(ms, 95):.0f} | "
            f"{max(ms):.0f} | {extra} |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=20)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "llm.md")
    a = ap.parse_args()
    requests = texts(a.requests)
    lines = [f"# LLM parser latency ({platform.machine()}, {os.cpu_count()} cores)", "",
             "| path | n | median ms | p95 ms | max ms | notes |", "|---|---|---|---|---|---|"]
    with run_llama_server() as server:
        lines.insert(1, f"\nllama-server (SmolLM2-135M Q4_1) healthy after {server.startup_s:.2f} s\n")
        settings = LLMSettings(base_url=server.base_url, timeout=30)
        parser = LLMParser(settings)
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-no-key", timeout=30, max_retries=0)
        parser.parse(requests[0])  # warm-up
        timings: dict[str, list[float]] = {"parser": [], "baseline": [], "json_object": []}
        got = {"parser": 0, "json_object": 0}
        obj = LLMParser(settings)
        obj.mode = "json_object"
        for text in requests:
            t0 = time.perf_counter()
            got["parser"] += parser.parse(text) is not None
            timings["parser"].append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            try:
                client.chat.completions.create(
                    model="default", messages=parser._messages(text, None), max_tokens=settings.max_tokens,
                    temperature=0, response_format={"type": "json_schema", "json_schema": parser._schema})
            except openai.OpenAIError as e:
                print(f"baseline failed on {text!r}: {type(e).__name__}", file=sys.stderr)
            timings["baseline"].append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            got["json_object"] += obj.parse(text) is not None
            timings["json_object"].append((time.perf_counter() - t0) * 1000)
        lines.append(row("parser (json_schema)", timings["parser"], f"{got['parser']}/{len(requests)} Query"))
        lines.append(row("baseline: bare openai call", timings["baseline"], "same request, no guard"))
        lines.append(row("json_object fallback", timings["json_object"],
                         f"{got['json_object']}/{len(requests)} Query"))
    lines += ["", "## Fallbacks (fault server): time until parse returns", "",
              "| failure | budget s | ms | result | bound ms |", "|---|---|---|---|---|"]
    with run_fault_server() as faults:
        for budget in (2.5, 1.0):
            for mode in FAULTS:
                url = f"http://127.0.0.1:{closed_port()}/v1" if mode == "refused" else faults.url(mode)
                p = LLMParser(LLMSettings(base_url=url, timeout=budget))
                t0 = time.perf_counter()
                result = p.parse("a comedy from the nineties")
                ms = (time.perf_counter() - t0) * 1000
                kind = "None" if result is None else "clamped Query"
                lines.append(f"| {mode} | {budget} | {ms:.0f} | {kind} | {budget * 1000 + 300:.0f} |")
    text = "\n".join(lines) + "\n"
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
