"""What a person feels after letting go of the button: first audio, first title heard, reply length,
and the work and memory behind them; the daemon hearing while the button is held (stt.incremental,
the default) beside today's path (the whole utterance decoded after the release), in one run.

    .venv/bin/python bench/daemon_latency.py                      # 10 runs of each path
    .venv/bin/python bench/daemon_latency.py --out bench/results/daemon.md
    .venv/bin/python bench/daemon_latency.py --cpus 0 --config docs/pi/pi4.toml    # one core, a Pi profile
    .venv/bin/python bench/pi_ratio.py               # the ratio behind the Pi 4 estimate it prints

Two `voicerec run` processes, each on its own private PulseAudio server with null sinks; a 4 s
request (Piper, a fixed take) is played into the virtual microphone while push-to-talk is held
through the control socket, and the requests alternate between the two daemons. The speaker
monitor is read with `parecord --raw`, every block timestamped on arrival. Per request:

  first audio        release → the first loud block (an upper bound, off by at most one block)
  first title heard  release → the moment the first suggested title starts playing: the captured
                     reply is transcribed afterwards with Whisper's word timestamps and the title
                     (the first of the answer the daemon's history keeps) is found among the words
  reply length       first to last loud block of the reply
  CPU after release  the daemon's own figures: process CPU time from the release until the reply was
                     ready to speak (`cpu=`) and until it had been spoken (`cpu_all=`)
  peak RSS           VmHWM over the request (reset through /proc/PID/clear_refs before each press),
                     and VmRSS when idle after it

Prints a line with "first title" and the median in ms, and one with "peak" and the MB. Record
`uptime` beside the numbers: on a loaded machine they are upper bounds.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from takes import seed_onnx  # noqa: E402
from test_daemon import DaemonProcess, Pulse, last_titles  # noqa: E402

REQUEST = "I'd like a light comedy from the two thousands, under two hours please."
THRESHOLD = 0.02 * 32768
RATE = 16000
BASELINE_NAMES = {"whole": "whole utterance after release", "before-24": "beam 2, no rescoring or ask-back"}
BASELINES = {"whole": {"VOICEREC_STT__INCREMENTAL": "false"},
             "before-24": {"VOICEREC_STT__BEAM_SIZE": "2", "VOICEREC_STT__RESCORE": "false",
                           "VOICEREC_STT__ASK_BACK": "false"}}
# Raspberry Pi 4 wall seconds per CPU-second of this machine, for the same faster-whisper call
# (bench/pi_ratio.py: a cited Pi 400 measurement over the same call measured here)
PI4_RATIO = 8.1


class Monitor:
    """`parecord --raw` of the speaker monitor, each block timestamped when it arrives."""

    def __init__(self, pulse: Pulse) -> None:
        self.proc = subprocess.Popen(
            ["parecord", "--raw", "-d", "spk.monitor", f"--rate={RATE}", "--channels=1",
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

    def first_loud_after(self, t: float, timeout: float = 60.0) -> float | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                for arrived, block in self.blocks:
                    if arrived > t and len(block) and np.abs(block.astype(np.int32)).max() > THRESHOLD:
                        return arrived
            time.sleep(0.01)
        return None

    def take(self, t: float) -> list[tuple[float, np.ndarray]]:
        """The blocks that arrived after `t` (and forget all)."""
        with self._lock:
            kept = [(a, b) for a, b in self.blocks if a > t]
            self.blocks.clear()
        return kept

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=5)


class Way:
    """One daemon (one way of hearing) and its measurements."""

    def __init__(self, name: str, tmp: Path, catalog: Path, env: dict[str, str], cpus: set[int] | None) -> None:
        self.name = name
        self.pulse = Pulse()
        self.monitor = Monitor(self.pulse)
        everything = os.sched_getaffinity(0)
        if cpus:
            os.sched_setaffinity(0, cpus)  # the daemon inherits it (taskset for the child only)
        (tmp / name).mkdir()
        self.state = tmp / name / "state"
        try:
            self.daemon = DaemonProcess(tmp / name, self.pulse, catalog, env)
        finally:
            os.sched_setaffinity(0, everything)
        self.rows: list[dict] = []

    @property
    def pid(self) -> int:
        return self.daemon.proc.pid

    def run(self, wav: Path) -> None:
        d = self.daemon
        d.idle(timeout=300)
        idle_rss = _status(self.pid, "VmRSS")
        Path(f"/proc/{self.pid}/clear_refs").write_text("5")  # the peak from here on
        n = d.ask(wav, release=False)
        released = time.monotonic()
        d.cmd("release")
        first = self.monitor.first_loud_after(released)
        d.wait(lambda s: s["requests"] >= n and not s["busy"], 180, "the reply")
        time.sleep(0.4)
        line = d.request_line(n)
        row = {"idle_rss": idle_rss, "peak_rss": _status(self.pid, "VmHWM"), "released": released,
               "first_audio": (first - released) * 1000 if first else None, "blocks": self.monitor.take(released),
               "title": (last_titles(self.state) or [""])[0], "how": (re.search(r"hear=(\w+)", line) or [None, "-"])[1],
               **{k: _field(line, k) for k in ("stt", "stt_held", "parse", "search", "tts_first", "cpu", "cpu_all")}}
        self.rows.append(row)
        print(f"{self.name} {len(self.rows)}: first audio {row['first_audio'] or 0:.0f} ms, hear={row['how']}, "
              f"stt {row['stt']} ms, cpu {row['cpu']} ms, peak {row['peak_rss']} MB", file=sys.stderr)

    def close(self) -> None:
        self.daemon.close()
        self.monitor.close()
        self.pulse.kill()


def _status(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) // 1024
    return 0


def _field(line: str, name: str) -> float | None:
    m = re.search(rf"\b{name}=([\d.]+)ms", line)
    return float(m.group(1)) if m else None


def locate_titles(rows: list[dict]) -> None:
    """Add `first_title` (ms after release) and `reply_s` to each row, from its captured audio."""
    from faster_whisper import WhisperModel
    from rapidfuzz import fuzz

    from voicerec.speech.stt import resolve_model
    from voicerec.text import norm

    model = WhisperModel(resolve_model("bundled"), device="cpu", compute_type="int8", cpu_threads=2)
    for row in rows:
        blocks = row.pop("blocks")
        row["first_title"] = row["reply_s"] = None
        audio = np.concatenate([b for _, b in blocks]) if blocks else np.zeros(0, np.int16)
        loud = np.flatnonzero(np.abs(audio.astype(np.int32)) > THRESHOLD)
        if not len(loud):
            continue
        start, end = int(loud[0]), int(loud[-1])
        row["reply_s"] = (end - start) / RATE
        heard_at = _sample_time(blocks, start)
        clip = audio[start:start + 45 * RATE].astype(np.float32) / 32768
        segments, _ = model.transcribe(clip, language="en", beam_size=1, word_timestamps=True,
                                       condition_on_previous_text=False)
        words = [(norm(w.word), w.start) for s in segments for w in (s.words or []) if norm(w.word)]
        title = norm(row["title"]).split()
        if not title or not words:
            continue
        best, at = 0.0, None
        for i in range(len(words)):
            for k in {max(1, len(title) - 1), len(title), len(title) + 1}:
                score = fuzz.ratio(" ".join(w for w, _ in words[i:i + k]), " ".join(title))
                if score > best + 1e-9 and score >= 75:
                    best, at = score, words[i][1]
            if best >= 95:
                break
        if at is not None:
            row["first_title"] = (heard_at - row["released"] + at) * 1000


def _sample_time(blocks: list[tuple[float, np.ndarray]], index: int) -> float:
    """When captured sample `index` was heard: its block's arrival, less the samples after it."""
    end = 0
    for arrived, block in blocks:
        end += len(block)
        if index < end:
            return arrived - (end - index) / RATE
    return blocks[-1][0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10, help="requests per path")
    ap.add_argument("--catalog", type=Path, default=ROOT / "catalog.db")
    ap.add_argument("--config", type=Path, help="a config.toml for both daemons (e.g. a Pi profile)")
    ap.add_argument("--cpus", help="run the daemons on these CPUs only, e.g. 0 (taskset -c 0); Whisper then "
                    "gets as many threads as CPUs")
    ap.add_argument("--out", type=Path, help="append a Markdown section here")
    ap.add_argument("--baseline", choices=("whole", "before-24"), default="whole",
                    help="the same-run baseline: the whole utterance decoded after the release (issue 18), or "
                    "the hearing before issue 24 (beam 2, no rescoring, no ask-back)")
    args = ap.parse_args()

    from voicerec.speech.tts import Speaker

    tmp = Path(tempfile.mkdtemp(prefix="voicerec-bench-"))
    seed_onnx("bench.daemon_latency")
    speaker = Speaker().load()
    wav = tmp / "request.wav"
    seconds = speaker.to_wav(REQUEST, wav)
    del speaker
    env = {"VOICEREC_AUDIO__EARCON": "false", **_config_env(args.config)}
    cpus = {int(c) for c in args.cpus.split(",")} if args.cpus else None
    if cpus:
        env["VOICEREC_STT__THREADS"] = str(len(cpus))
    paths = [Way("incremental", tmp, args.catalog, env, cpus),
             Way("baseline", tmp, args.catalog, {**env, **BASELINES[args.baseline]}, cpus)]
    load_before = os.getloadavg()
    try:
        for _ in range(args.runs):
            for p in paths:
                p.run(wav)
    finally:
        for p in paths:
            p.close()
    load_after = os.getloadavg()
    locate_titles([row for p in paths for row in p.rows])
    report = _report(paths, seconds, args, load_before, load_after)
    print(report)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("a") as f:
            f.write(report + "\n")
    return 0


def _config_env(config: Path | None) -> dict[str, str]:
    """A config.toml as VOICEREC_* variables (the daemons read them last, so they win)."""
    if config is None:
        return {}
    out: dict[str, str] = {}

    def walk(prefix: str, table: dict) -> None:
        for key, value in table.items():
            if isinstance(value, dict):
                walk(f"{prefix}{key.upper()}__", value)
            else:
                out[f"{prefix}{key.upper()}"] = str(value).lower() if isinstance(value, bool) else str(value)

    walk("VOICEREC_", tomllib.loads(config.read_text()))
    return out


def _report(paths: list[Way], seconds: float, args: argparse.Namespace, before: tuple, after: tuple) -> str:
    def med(p: Way, key: str) -> float:
        vals = [r[key] for r in p.rows if r.get(key) is not None]
        return statistics.median(vals) if vals else float("nan")

    def found(p: Way, key: str) -> int:
        return sum(1 for r in p.rows if r.get(key) is not None)

    inc, base = paths
    hows: dict[str, int] = {}
    for r in inc.rows:
        hows[r["how"]] = hows.get(r["how"], 0) + 1
    where = f"CPUs {args.cpus} only (taskset)" if args.cpus else f"{os.cpu_count()} CPUs"
    lines = [
        f"## Release → first audio, first title heard ({time.strftime('%Y-%m-%d %H:%M')})",
        "",
        f"Request: Piper joe, {seconds:.1f} s (\"{REQUEST}\"); {args.runs} runs of each path, alternating, "
        f"through PulseAudio null sinks; {where}; config: {args.config or 'defaults'}. "
        f"Load average {before[0]:.1f} before, {after[0]:.1f} after (2 cores{': a loaded machine' if max(before[0], after[0]) > 1.5 else ''}).",
        "",
        f"| median over the runs | shipped | baseline: {BASELINE_NAMES[args.baseline]} |",
        "|---|---:|---:|",
        f"| release → first audio, ms | **{med(inc, 'first_audio'):.0f}** | {med(base, 'first_audio'):.0f} |",
        f"| release → first title heard, ms (found in {found(inc, 'first_title')} / {found(base, 'first_title')} runs) "
        f"| **{med(inc, 'first_title'):.0f}** | {med(base, 'first_title'):.0f} |",
        f"| spoken reply, s | {med(inc, 'reply_s'):.1f} | {med(base, 'reply_s'):.1f} |",
        f"| STT after release (wall), ms | {med(inc, 'stt'):.0f} | {med(base, 'stt'):.0f} |",
        f"| CPU after release until the reply is ready, ms | **{med(inc, 'cpu'):.0f}** | {med(base, 'cpu'):.0f} |",
        f"| CPU after release until the reply was spoken, ms | {med(inc, 'cpu_all'):.0f} | {med(base, 'cpu_all'):.0f} |",
        f"| decoding while the button was held (wall), ms | {med(inc, 'stt_held'):.0f} | - |",
        f"| peak RSS during a request (VmHWM), MB | **{med(inc, 'peak_rss'):.0f}** (max {max((r['peak_rss'] for r in inc.rows), default=0)}) "
        f"| {med(base, 'peak_rss'):.0f} (max {max((r['peak_rss'] for r in base.rows), default=0)}) |",
        f"| idle RSS before a request, MB | {med(inc, 'idle_rss'):.0f} | {med(base, 'idle_rss'):.0f} |",
        "",
        "How the incremental daemon heard each request (how/decodes while held): "
        + ", ".join(f"{k} ×{v}" for k, v in sorted(hows.items())) + ".",
        "",
        f"first title heard: {med(inc, 'first_title'):.0f} ms median (baseline {med(base, 'first_title'):.0f} ms)",
        f"peak RSS during a request: {med(inc, 'peak_rss'):.0f} MB median (baseline {med(base, 'peak_rss'):.0f} MB)",
        f"CPU after release until the reply is ready: {med(inc, 'cpu'):.0f} ms (baseline {med(base, 'cpu'):.0f} ms); "
        f"on a Raspberry Pi 4 ({PI4_RATIO} s per CPU-second here, bench/pi_ratio.py): ~{med(inc, 'cpu') * PI4_RATIO:.0f} ms "
        f"(baseline ~{med(base, 'cpu') * PI4_RATIO:.0f} ms)",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
