"""Soak: N push-to-talk cycles through the virtual audio path, good and bad inputs mixed.

`voicerec run` as a process on a private PulseAudio server; each cycle presses through the
control socket, plays one input into the virtual mic, releases and waits for the daemon to be
idle again. Every 10 cycles it records the daemon's RSS (idle), its peak RSS over those 10 cycles
(VmHWM, reset through /proc/PID/clear_refs after each sample), open file descriptors and threads.
Per 10 cycles: 5 good requests (varied), 1 silence, 1 noise, 1 clipped request, 1 tap
(press+release with nothing), 1 barge-in (a press while the reply plays).

    .venv/bin/python bench/soak.py [--cycles 50] [--out bench/results/daemon.md]

With --quick (for hundreds of cycles) each reply is interrupted one second after it starts
playing by the next cycle's press (a real barge-in), so a cycle takes ~5 s instead of ~25 s; the
last cycle of every ten still plays its reply to the end and waits for idle before sampling.

Pass: the daemon never dies; RSS after warm-up (cycle 10) grows < 10% by the end and stays
<= 500 MB; fds and threads do not grow.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_daemon import DaemonProcess, Pulse  # noqa: E402

GOOD = [
    "A horror movie on Hulu.",
    "Something funny for the kids.",
    "A documentary about music.",
    "Something shorter.",
    "A crime show on Netflix.",
    "Tell me more about the first one.",
    "An animated movie from the nineties.",
]


def write_wav(path: Path, audio: np.ndarray, rate: int = 16000) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(audio.astype(np.int16).tobytes())
    return path


def proc_stats(pid: int) -> dict[str, int]:
    """RSS now, its peak since the last call (the high-water mark is reset after reading), fds, threads."""
    status = Path(f"/proc/{pid}/status").read_text()

    def kb(key: str) -> int:
        return next(int(line.split()[1]) for line in status.splitlines() if line.startswith(key + ":"))

    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:  # not ours to reset: the peak is then since start
        pass
    return {"rss_mb": kb("VmRSS") // 1024, "peak_mb": kb("VmHWM") // 1024,
            "fds": len(list(Path(f"/proc/{pid}/fd").iterdir())),
            "threads": len(list(Path(f"/proc/{pid}/task").iterdir()))}


def press(daemon: DaemonProcess) -> None:
    """Press push-to-talk now, whatever the daemon is doing (a press while it speaks is a barge-in)."""
    daemon.wait(lambda s: s["state"] in ("idle", "speaking", "transcribing", "thinking"), 120, "ready for a press")
    assert daemon.cmd("press") == "ok press"
    daemon.wait(lambda s: s["state"] == "listening", 10, "listening")


def speak(daemon: DaemonProcess, wav: Path) -> None:
    """Hold push-to-talk, play `wav` into the virtual mic, release."""
    press(daemon)
    daemon.pulse.play_into_mic(wav)
    time.sleep(0.3)
    daemon.cmd("release")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cycles", type=int, default=50)
    ap.add_argument("--catalog", type=Path, default=ROOT / "catalog.db")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--quick", action="store_true", help="interrupt replies 1 s in (barge-in) to run many cycles")
    args = ap.parse_args()

    from voicerec.speech.tts import Speaker

    tmp = Path(tempfile.mkdtemp(prefix="voicerec-soak-"))
    speaker = Speaker().load()
    good = [tmp / f"good{i}.wav" for i in range(len(GOOD))]
    for path, text in zip(good, GOOD, strict=True):
        speaker.to_wav(text, path)
    rng = np.random.default_rng(7)
    silence = write_wav(tmp / "silence.wav", np.zeros(16000))
    noise = write_wav(tmp / "noise.wav", rng.normal(0, 3000, 32000))
    with wave.open(str(good[0])) as w:
        loud = np.frombuffer(w.readframes(w.getnframes()), np.int16).astype(np.float64) * 8
        clipped = write_wav(tmp / "clipped.wav", np.clip(loud, -32768, 32767), w.getframerate())

    pulse = Pulse()
    daemon = DaemonProcess(tmp, pulse, args.catalog, {"VOICEREC_AUDIO__EARCON": "true"})
    samples: list[tuple[int, dict[str, int]]] = []
    outcomes: dict[str, int] = {}
    t0 = time.monotonic()
    try:
        daemon.idle(timeout=300)
        pid = daemon.proc.pid
        samples.append((0, proc_stats(pid)))
        for cycle in range(1, args.cycles + 1):
            kind = cycle % 10
            if kind == 7:
                press(daemon)
                daemon.cmd("release")
            elif kind == 9:  # barge-in: press while the reply plays, then ask again
                speak(daemon, good[cycle % len(good)])
                daemon.wait(lambda s: s["state"] in ("speaking", "idle"), 60, "speaking")
                speak(daemon, good[(cycle + 1) % len(good)])
            else:
                wav = {5: silence, 6: noise, 8: clipped}.get(kind, good[cycle % len(good)])
                speak(daemon, wav)
            if args.quick and kind != 0:
                daemon.wait(lambda s: s["state"] in ("speaking", "idle"), 120, "an answer")
                time.sleep(1.0)  # a second of the reply, then the next press interrupts it
            else:
                daemon.idle(timeout=120)
            if cycle % 10 == 0:
                samples.append((cycle, proc_stats(pid)))
                print(f"cycle {cycle}: {samples[-1][1]} ({time.monotonic() - t0:.0f} s)", file=sys.stderr)
        for line in daemon.log().splitlines():
            if ": request " in line or " request " in line:
                outcome = line.split(": ", 2)[-1].split(" end=")[0].split(" results=")[0]
                outcome = outcome.split(": ", 1)[-1] if outcome.startswith("request") else outcome
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
        alive = daemon.proc.poll() is None
        tracebacks = daemon.log().count("Traceback")
    finally:
        daemon.close()
        pulse.kill()
    elapsed = time.monotonic() - t0
    base = samples[1][1] if len(samples) > 1 else samples[0][1]
    last = samples[-1][1]
    growth = (last["rss_mb"] - base["rss_mb"]) / max(1, base["rss_mb"]) * 100
    ok = alive and tracebacks == 0 and growth < 10 and last["rss_mb"] <= 500 \
        and last["fds"] <= base["fds"] + 2 and last["threads"] <= base["threads"] + 2
    lines = [
        f"## Soak: {args.cycles} push-to-talk cycles{' (--quick)' if args.quick else ''} ({time.strftime('%Y-%m-%d %H:%M')})",
        "",
        f"{elapsed / 60:.1f} min through PulseAudio null sinks; mix per 10 cycles: 5 good requests, silence, "
        "noise, a clipped request, a tap, a barge-in"
        + (" (--quick: every reply but each tenth interrupted by the next press 1 s after it starts)." if args.quick else "."),
        "",
        "| cycle | RSS MB (idle) | peak RSS MB since the row before | open fds | threads |",
        "|---:|---:|---:|---:|---:|",
        *[f"| {c} | {s['rss_mb']} | {s['peak_mb']} | {s['fds']} | {s['threads']} |" for c, s in samples],
        "",
        f"Outcomes (from the daemon's request lines): {', '.join(f'{k}: {v}' for k, v in sorted(outcomes.items()))}.",
        f"RSS growth after warm-up (cycle {samples[1][0] if len(samples) > 1 else 0} → {samples[-1][0]}): {growth:+.1f}%. "
        f"Daemon alive: {alive}; tracebacks in its log: {tracebacks}. Result: {'PASS' if ok else 'FAIL'}.",
        f"Idle RSS at the end: {last['rss_mb']} MB; peak RSS during the cycles after warm-up: "
        f"{max((s['peak_mb'] for c, s in samples if c > 10), default=0)} MB.",
        "",
    ]
    report = "\n".join(lines)
    print(report)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("a") as f:
            f.write(report + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
