"""Latency from push-to-talk release to the first reply audio, through the real PulseAudio path.

A private PulseAudio server with null sinks; `voicerec run` as a process; a ~3 s request (Piper)
played into the virtual mic while push-to-talk is held through the control socket; the speaker
monitor is read with `parecord --raw` and every block is timestamped on arrival, so the latency
is (arrival of the first loud block) - (release sent): an upper bound, off by at most one block.

Baseline in the same run: the cold path, `voicerec listen --speak` on the same WAV in a fresh
process (load everything, transcribe, answer, speak), timed from launch to first audio; and the
non-streamed figure (the whole reply synthesised before playback starts), derived from the
daemon's own per-stage times and a full synthesis of the same reply.

    .venv/bin/python bench/daemon_latency.py [--runs 10] [--cold 3] [--out bench/results/daemon.md]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_daemon import DaemonProcess, Pulse  # noqa: E402

REQUEST = "I'd like a light comedy from the two thousands, under two hours please."
THRESHOLD = 0.02 * 32768


class Monitor:
    """`parecord --raw` of the speaker monitor, each block timestamped when it arrives."""

    def __init__(self, pulse: Pulse) -> None:
        self.proc = subprocess.Popen(
            ["parecord", "--raw", "-d", "spk.monitor", "--rate=16000", "--channels=1",
             "--format=s16le", "--latency-msec=10"], env=pulse.env, stdout=subprocess.PIPE)
        self.blocks: list[tuple[float, np.ndarray]] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()
        time.sleep(0.3)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        while True:
            data = self.proc.stdout.read1(640)
            if not data:
                return
            now = time.monotonic()
            with self._lock:
                self.blocks.append((now, np.frombuffer(data[: len(data) // 2 * 2], dtype=np.int16)))

    def first_loud_after(self, t: float, timeout: float = 30.0) -> float | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                for arrived, block in self.blocks:
                    if arrived > t and len(block) and np.abs(block.astype(np.int32)).max() > THRESHOLD:
                        return arrived
            time.sleep(0.01)
        return None

    def clear(self) -> None:
        with self._lock:
            self.blocks.clear()

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=5)


def field(line: str, name: str) -> float | None:
    m = re.search(rf"\b{name}=([\d.]+)ms", line)
    return float(m.group(1)) if m else None


def cold_run(pulse: Pulse, wav: Path, monitor: Monitor, tmp: Path, catalog: Path) -> float | None:
    env = {**pulse.env, "VOICEREC_STATE_DIR": str(tmp / "cold-state"), "VOICEREC_CATALOG_PATH": str(catalog),
           "VOICEREC_AUDIO__OUTPUT_DEVICE": "pulse", "VOICEREC_RESULTS": "1", "XDG_CONFIG_HOME": str(tmp / "config")}
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "voicerec.cli", "listen", "--speak", str(wav)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    first = monitor.first_loud_after(t0, timeout=120)
    proc.wait(timeout=180)
    return (first - t0) * 1000 if first else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--cold", type=int, default=3, help="cold-start baseline runs")
    ap.add_argument("--catalog", type=Path, default=ROOT / "catalog.db")
    ap.add_argument("--out", type=Path, help="append a Markdown section here")
    args = ap.parse_args()

    from voicerec.speech.tts import Speaker

    tmp = Path(tempfile.mkdtemp(prefix="voicerec-bench-"))
    speaker = Speaker().load()
    wav = tmp / "request.wav"
    seconds = speaker.to_wav(REQUEST, wav)
    pulse = Pulse()
    monitor = Monitor(pulse)
    daemon = DaemonProcess(tmp, pulse, args.catalog,
                           {"VOICEREC_AUDIO__EARCON": "false", "VOICEREC_RESULTS": "1"})
    rows: list[dict[str, float | None]] = []
    try:
        t_start = time.monotonic()
        daemon.idle(timeout=300)
        startup = time.monotonic() - t_start
        for i in range(args.runs):
            n = daemon.ask(wav, release=False)
            monitor.clear()
            released = time.monotonic()
            daemon.cmd("release")
            first = monitor.first_loud_after(released)
            daemon.wait(lambda s, n=n: s["requests"] >= n and not s["busy"], 120, "the reply")
            line = daemon.request_line(n)
            rows.append({"e2e": (first - released) * 1000 if first else None,
                         **{k: field(line, k) for k in ("stt", "parse", "search", "tts_first", "first_audio")}})
            print(f"run {i + 1}: {rows[-1]}", file=sys.stderr)
        reply = _last_reply(daemon, speaker)
        status = daemon.status()
    finally:
        daemon.close()
    cold = [cold_run(pulse, wav, monitor, tmp, args.catalog) for _ in range(args.cold)]
    monitor.close()
    pulse.kill()

    def med(key: str) -> float:
        vals = [r[key] for r in rows if r[key] is not None]
        return statistics.median(vals) if vals else float("nan")

    t0 = time.perf_counter()
    first_chunk = next(iter(speaker.stream(reply)))
    t_first = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    speaker.synthesize(reply)
    t_full = (time.perf_counter() - t0) * 1000
    del first_chunk
    e2e = med("e2e")
    nonstream = e2e - t_first + t_full
    cold_ok = [c for c in cold if c is not None]
    report = "\n".join([
        f"## Push-to-talk release → first reply audio ({time.strftime('%Y-%m-%d %H:%M')})",
        "",
        f"Request: Piper joe, {seconds:.1f} s (\"{REQUEST}\"); {args.runs} runs through PulseAudio null sinks;",
        "measured from `release` on the control socket to the first loud block on the speaker monitor.",
        f"Daemon start-up to ready: {startup:.1f} s. Machine: {_machine()}.",
        "",
        "| path | median ms | runs |",
        "|---|---:|---:|",
        f"| **daemon, streamed reply (this issue)** | **{e2e:.0f}** | {len([r for r in rows if r['e2e']])} |",
        f"|   of which STT (Whisper tiny.en) | {med('stt'):.0f} | |",
        f"|   of which parse + search | {med('parse') + med('search'):.0f} | |",
        f"|   of which first TTS chunk | {med('tts_first'):.0f} | |",
        f"|   daemon's own release → first chunk handed to the player | {med('first_audio'):.0f} | |",
        f"| baseline: same daemon, whole reply synthesised before playback (derived: +{t_full - t_first:.0f} ms) | {nonstream:.0f} | |",
        f"| baseline: cold `voicerec listen --speak` (launch → first audio) | {statistics.median(cold_ok) if cold_ok else float('nan'):.0f} | {len(cold_ok)} |",
        "",
        f"Target: <= 1200 ms median. Result: {'PASS' if e2e <= 1200 else 'FAIL'}. Daemon status after: mic={status['mic']}, output={status['output']}.",
        "",
    ])
    print(report)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("a") as f:
            f.write(report + "\n")
    return 0


def _last_reply(daemon: DaemonProcess, speaker) -> str:
    """The reply text for the request (the daemon does not log it; ask the same pipeline)."""
    out = subprocess.run([sys.executable, "-m", "voicerec.cli", "ask", "--", "a light comedy from the 2000s under two hours"],
                         capture_output=True, text=True, env={**daemon.pulse.env, "VOICEREC_RESULTS": "1"}, timeout=120)
    return out.stdout.strip() or "Here is a light comedy from the 2000s."


def _machine() -> str:
    import os

    load = os.getloadavg()[0]
    return f"{os.cpu_count()} CPUs, load average {load:.1f} at the end"


if __name__ == "__main__":
    sys.exit(main())
