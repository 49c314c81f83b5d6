"""`voicerec catalog refresh` of 200 titles against a TMDB stand-in on 127.0.0.1 that answers in 50 ms.

    .venv/bin/python bench/refresh.py [--titles 200] [--delay 0.05] [--region FR] [--answers]

The stand-in (tests/tmdb_server.py) serves the generated fixture (several hundred titles across US,
FR and GB, the shipped catalogue's best-known titles among them). Each run is the real CLI in its
own process, on a copy of catalog.db, with the default settings (concurrency 8, at most 40 requests
a second, embeddings on: the new titles are embedded inside the time measured). Peak RSS is the
child's own (wait4; these children start while this process is still small). In the same run:

  baseline   `voicerec catalog stats` on the same copy: starting voicerec and reading the catalogue
  refresh    the first refresh of the region: discover, every title's details, the write, the vectors
  again      a second refresh at once: incremental (changes + where each title streams), nothing new
  no delay   the first refresh again, the stand-in answering at once: what the 50 ms cost

With --answers, an Assistant in this process answers requests while the refresh runs (what the
daemon does), against the same requests answered with no refresh running: latency and failures.
Results go to bench/results/refresh.md (with the machine's load).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "tests"))

from tmdb_server import TOKEN, Fixture, StandIn  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "refresh.md"
VOICEREC = str(Path(sys.executable).parent / "voicerec")
REQUESTS = ["a comedy", "a french drama on netflix", "something funny for tonight", "a thriller from the nineties",
            "anything on canal plus", "a crime series"]


def run_measured(args: list[str], env: dict[str, str]) -> tuple[float, float, str, str]:
    """(seconds, peak RSS MB, stdout, stderr) of one voicerec command in its own process (wait4's rusage)."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen([VOICEREC, *args], env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        o, e = out.read(), err.read()
    if proc.returncode != 0:
        raise SystemExit(f"voicerec {' '.join(args)} failed ({proc.returncode}): {e.strip()[-300:]}")
    return seconds, usage.ru_maxrss / 1024, o, e


def answers(db: Path, region: str, during: subprocess.Popen | None) -> tuple[list[float], int]:
    """Latencies (ms) of the bench requests, in a loop while `during` runs (or once round when None)."""
    from voicerec.assistant import Assistant
    from voicerec.config import Settings

    a = Assistant(Settings(catalog_path=db, state_dir=Path(tempfile.mkdtemp()) / "state", region=region))
    a.warm(hear=False)  # vectors, filter columns and the query embedder loaded, as in the daemon
    for text in REQUESTS:
        a.answer(text)
    times, failed = [], 0
    i = 0
    while (during is not None and during.poll() is None) or (during is None and i < 3 * len(REQUESTS)):
        t0 = time.perf_counter()
        try:
            if not a.answer(REQUESTS[i % len(REQUESTS)]).reply:
                failed += 1
        except Exception:  # noqa: BLE001 - counted, that is the measurement
            failed += 1
        times.append((time.perf_counter() - t0) * 1000)
        i += 1
    return times, failed


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--titles", type=int, default=200)
    p.add_argument("--delay", type=float, default=0.05)
    p.add_argument("--region", default="FR")
    p.add_argument("--answers", action="store_true", help="also answer requests during the refresh")
    a = p.parse_args()
    load = os.getloadavg()
    fixture = Fixture.generate(catalog=ROOT / "catalog.db")
    work = Path(tempfile.mkdtemp(prefix="voicerec-bench-refresh-"))
    rows: list[tuple[str, float, float, str]] = []
    lat: tuple[list[float], list[float], int] | None = None
    try:
        db = work / "catalog.db"
        shutil.copyfile(ROOT / "catalog.db", db)
        env = {**os.environ, "VOICEREC_CATALOG_PATH": str(db), "VOICEREC_TMDB__TOKEN": TOKEN,
               "VOICEREC_EMBED_CACHE": "", "VOICEREC_REGION": a.region}
        refresh = ["catalog", "refresh", "--max-titles", str(a.titles), "--json"]
        with StandIn(fixture, delay_s=a.delay) as server:
            env["VOICEREC_TMDB__API_BASE"] = server.url
            s, mb, _, _ = run_measured(["catalog", "stats", "--json"], env)
            rows.append(("baseline: catalog stats", s, mb, "start voicerec, read catalog.db"))
            s, mb, out, _ = run_measured(refresh, env)
            r = json.loads(out)
            rows.append((f"refresh {a.region}, {a.titles} titles, {a.delay * 1000:.0f} ms answers", s, mb,
                         f"{r['requests']} requests, fetching {r['seconds_fetching']} s, {r['fetched']} titles' facts, "
                         f"{r['embedded']} embedded, {r['titles']['after']} on {len(r['services'])} services"))
            s, mb, out, _ = run_measured(refresh, env)
            r2 = json.loads(out)
            rows.append(("again at once (incremental)", s, mb,
                         f"{r2['requests']} requests, written: {r2['written']}"))
        with StandIn(fixture, delay_s=0.0) as server:
            env["VOICEREC_TMDB__API_BASE"] = server.url
            shutil.copyfile(ROOT / "catalog.db", db)
            s, mb, out, _ = run_measured(refresh, env)
            r3 = json.loads(out)
            rows.append(("no delay (same refresh, instant answers)", s, mb, f"fetching {r3['seconds_fetching']} s"))
        lat = None
        if a.answers:  # last: the Assistant makes this process large, and a child's peak RSS counts the fork
            with StandIn(fixture, delay_s=a.delay) as server:
                env["VOICEREC_TMDB__API_BASE"] = server.url
                shutil.copyfile(ROOT / "catalog.db", db)
                idle, _ = answers(db, a.region, None)
                proc = subprocess.Popen([VOICEREC, *refresh], env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
                during, failed = answers(db, a.region, proc)
                proc.wait()
                lat = (idle, during, failed)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = [f"# catalog refresh ({time.strftime('%Y-%m-%d %H:%M')}, load average {load[0]:.2f} {load[1]:.2f} "
             f"{load[2]:.2f}, {os.cpu_count()} CPUs)", "",
             "| run | wall s | peak RSS MB | notes |", "|---|---:|---:|---|"]
    lines += [f"| {name} | {s:.1f} | {mb:.0f} | {note} |" for name, s, mb, note in rows]
    if lat:
        idle, during, failed = lat
        q = lambda xs, p: statistics.quantiles(xs, n=100)[p - 1] if len(xs) > 1 else xs[0]  # noqa: E731
        lines += ["", "| Assistant.answer | requests | p50 ms | p95 ms | failed |", "|---|---:|---:|---:|---:|",
                  f"| no refresh running | {len(idle)} | {q(idle, 50):.0f} | {q(idle, 95):.0f} | 0 |",
                  f"| during the refresh | {len(during)} | {q(during, 50):.0f} | {q(during, 95):.0f} | {failed} |"]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text)


if __name__ == "__main__":
    main()
