"""Run bank files through the shared checker and count PASS/FAIL per file and per family.

Usage: python scripts/bank_report.py FILE... [--checker PATH] [--cmd ".venv/bin/voicerec"] [--db catalog.db]
                                     [--failures] [--keep-state]

Each FILE is a bank file (single requests, questions, moods, or conversations: lines with "turns").
It is passed to check_requests.py (--verbose) as it is, or as --conversations with an empty request
file; the PASS/FAIL lines are matched to the lines' "family" field by id. Prints one table per file
(family, passed, total) and a summary; --failures also prints the checker's reason for each failure
(request texts of a held-out file are never printed, only ids).

voicerec runs with a fresh, empty state directory per file (VOICEREC_STATE_DIR and XDG_DATA_HOME
point at a temporary folder), so the bank's "I've seen that one" turns never reach the user's seen
list and titles someone marked seen do not change the bank's results; --keep-state runs with the
user's own state instead.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKER = Path("/work/shared/eval/check_requests.py")
LINE = re.compile(r"^(PASS|FAIL) (conv:)?(\S+?): ?(.*)$")


def run_file(path: Path, a: argparse.Namespace) -> tuple[dict[str, list[int]], list[str], str]:
    lines = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
    family = {x["id"]: x.get("family", "?") for x in lines}
    conv = any("turns" in x for x in lines)
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as empty:
        pass
    args = [sys.executable, str(a.checker)]
    args += [empty.name, "--conversations", str(path)] if conv else [str(path)]
    args += ["--cmd", a.cmd, "--db", a.db, "--verbose"]
    with tempfile.TemporaryDirectory(prefix="bank-state-") as state:
        env = dict(os.environ)
        if not a.keep_state:
            env.pop("STATE_DIRECTORY", None)
            env.update(VOICEREC_STATE_DIR=state, XDG_DATA_HOME=state)
        p = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env)
    Path(empty.name).unlink()
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    failures = []
    for out in p.stdout.splitlines():
        m = LINE.match(out)
        if not m or m.group(3) not in family:
            continue
        fam = family[m.group(3)]
        counts[fam][1] += 1
        if m.group(1) == "PASS":
            counts[fam][0] += 1
        else:
            failures.append(f"{m.group(3)}: {m.group(4)}")
    seen = sum(t for _, t in counts.values())
    if seen != len(lines):
        sys.exit(f"{path}: the checker reported {seen} of {len(lines)} lines\n{p.stdout[-500:]}\n{p.stderr[-500:]}")
    tail = "; ".join(x for x in p.stdout.splitlines()[-2:])
    return counts, failures, tail


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--checker", type=Path, default=CHECKER)
    ap.add_argument("--cmd", default=".venv/bin/voicerec")
    ap.add_argument("--db", default="catalog.db")
    ap.add_argument("--failures", action="store_true")
    ap.add_argument("--keep-state", action="store_true", help="use the user's state directory (seen list, sessions)")
    a = ap.parse_args()
    summary = []
    for f in a.files:
        path = Path(f)
        counts, failures, tail = run_file(path, a)
        passed = sum(p for p, _ in counts.values())
        total = sum(t for _, t in counts.values())
        print(f"\n### {path.name}: {passed}/{total} passed ({100 * passed / total:.0f}%)  [{tail}]\n")
        print("| family | passed | total |\n|---|---:|---:|")
        for fam in sorted(counts):
            p, t = counts[fam]
            print(f"| {fam} | {p} | {t} |")
        if a.failures:
            print()
            for x in failures:
                print(f"    FAIL {x}")
        summary.append(f"| {path.name} | {passed} | {total} | {100 * passed / total:.0f}% |")
    print("\n| file | passed | total | share |\n|---|---:|---:|---:|")
    print("\n".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
