"""The shared checker's checks, run in one process: the request banks in seconds instead of minutes.

check_requests.py (the shared checker) starts `voicerec ask` once per request; this loads the
checker's own `check` function and feeds it `Assistant.answer` results, so the pass/fail of each
line is the checker's verdict on the same JSON answer. Use it while tuning; report the final
numbers with the checker itself.

Usage: .venv/bin/python bench/eval_requests.py FILE.jsonl [--conversations CONV.jsonl] [--by family]
                                               [--checker PATH] [--show-fail] [--limit N]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voicerec.assistant import Assistant  # noqa: E402
from voicerec.config import Settings  # noqa: E402

DEFAULT_CHECKER = ROOT.parent / "shared" / "eval" / "check_requests.py"


def load_checker(path: Path):
    spec = importlib.util.spec_from_file_location("check_requests", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def as_json(answer) -> dict:
    return json.loads(answer.model_dump_json(exclude={"results": {"__all__": {"score", "votes", "popularity"}}}))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("requests", nargs="?")
    ap.add_argument("--conversations")
    ap.add_argument("--checker", default=str(DEFAULT_CHECKER))
    ap.add_argument("--by", default="family", help="group the counts by this field of each line")
    ap.add_argument("--show-fail", action="store_true")
    ap.add_argument("--limit", type=int, default=0)
    a = ap.parse_args()
    checker = load_checker(Path(a.checker))
    with tempfile.TemporaryDirectory() as state:
        settings = Settings.load(None).model_copy(update={"state_dir": Path(state)})
        assistant = Assistant(settings)
        assistant.ranker.warm()
        ok, total, groups, fails, t0 = 0, 0, Counter(), [], time.perf_counter()
        cases = [json.loads(x) for x in open(a.requests) if x.strip()] if a.requests else []
        for c in cases[: a.limit or None]:
            errs = checker.check(as_json(assistant.answer(c["text"])), c["checks"])
            key = c.get(a.by, c["id"].rsplit("-", 1)[0])
            groups[(key, not errs)] += 1
            total += 1
            ok += not errs
            if errs:
                fails.append(f"FAIL {c['id']} {c['text']!r}: {'; '.join(errs)}")
        convs = [json.loads(x) for x in open(a.conversations) if x.strip()] if a.conversations else []
        for n, conv in enumerate(convs):
            session, prev, errs = f"eval-{n}-{time.time_ns()}", None, []
            for turn in conv["turns"]:
                ans = as_json(assistant.answer(turn["text"], session=session))
                if "checks" in turn:
                    errs += checker.check(ans, turn["checks"], prev)
                    if turn["checks"].get("same_as_fresh"):
                        fresh = as_json(assistant.answer(turn["text"], session=session + "-fresh"))
                        if [r["id"] for r in ans["results"]] != [r["id"] for r in fresh["results"]]:
                            errs.append("same_as_fresh: differs from a fresh session")
                prev = ans
            key = conv.get(a.by, "conversation")
            groups[(key, not errs)] += 1
            total += 1
            ok += not errs
            if errs:
                fails.append(f"FAIL conv:{conv['id']} {[t['text'] for t in conv['turns']]}: {'; '.join(errs)}")
    for line in fails if a.show_fail else []:
        print(line)
    for key in sorted({k for k, _ in groups}):
        good, bad = groups[(key, True)], groups[(key, False)]
        print(f"{key:<28} {good:>4}/{good + bad:<4}")
    print(f"{ok} passed, {total - ok} failed ({100 * ok / max(total, 1):.1f}%) in {time.perf_counter() - t0:.1f} s")
    return 0 if ok == total else 1


if __name__ == "__main__":
    sys.exit(main())
