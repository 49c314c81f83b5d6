"""Speech out: time from reply text to the first audio sample, with the voice loaded, and RTF.

Side by side in the same run, on the same replies:
  streamed     the shipped path: speakable() → a pre-synthesised opener ("Here are three") when
               the reply starts with one, then sentence by sentence, a first sentence over 50
               characters cut once, at a comma or before a preposition (Speaker(quick_start=True))
  sentence     streamed by whole sentences only (quick_start=False)
  baseline     the whole reply synthesised before anything plays (non-streamed)
"first sample" is when the first int16 chunk is ready for the device. With --device (default when
pulseaudio is installed) the shipped path is also played through a real PortAudio device (a private
PulseAudio null sink) and timed to the first non-silent frame handed to the device callback.

Usage: .venv/bin/python bench/tts.py [--rounds 5] [--no-device] [--out bench/results/tts.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from voicerec.say.speakable import speakable  # noqa: E402
from voicerec.speech.tts import Speaker  # noqa: E402

REPLIES = [
    "Here are three light comedies from the 2000s under two hours. First, Mean Girls, a 97-minute "
    "comedy from 2004, on Netflix. Second, Elf, a 97-minute family comedy from 2003, on Prime Video. "
    "Third, Anchorman, a 94-minute comedy from 2004, on Paramount+. Want something shorter?",
    "Here is one thriller for tonight, Oldboy, a tense 2003 film from South Korea, on Hulu.",
    "Sorry, I can only help with things to watch.",
    "Sure. Kill Bill: Vol. 2 is a 137-minute action film from 2004, rated R, on Netflix & Prime Video.",
]


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]


def first_and_total(speaker: Speaker, text: str, streamed: bool) -> tuple[float, float, float, float]:
    """(ms to first sample, CPU ms to first sample, ms to synthesise all, seconds of audio)."""
    started, cpu = time.perf_counter(), time.process_time()
    if streamed:
        chunks = speaker.stream(text)
        first = next(chunks)
        first_ms, first_cpu = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
        samples = len(first) + sum(len(c) for c in chunks)
    else:
        audio = speaker.synthesize(text)
        first_ms, first_cpu = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
        samples = len(audio)
    total_ms = (time.perf_counter() - started) * 1000
    return first_ms, first_cpu, total_ms, samples / speaker.sample_rate


def bench_device(speaker: Speaker, rounds: int) -> dict[str, float] | None:
    import pulse

    server = pulse.start()
    if server is None:
        print("no device run:", pulse._skip_reason)
        return None
    try:
        from voicerec.speech.playback import Player

        player = Player().open(speaker.sample_rate)
        firsts: list[float] = []
        try:
            for _ in range(rounds):
                for text in REPLIES[1:3]:
                    started = time.perf_counter()
                    player.play(speaker.stream(text), speaker.sample_rate)
                    assert player.first_sound_at is not None
                    firsts.append((player.first_sound_at - started) * 1000)
        finally:
            player.close()
        cold: list[float] = []  # `voicerec ask --speak`: a new Player per reply, voice loaded
        for _ in range(2):
            with Player() as fresh:
                started = time.perf_counter()
                fresh.play(speaker.stream(REPLIES[1]), speaker.sample_rate)
                assert fresh.first_sound_at is not None
                cold.append((fresh.first_sound_at - started) * 1000)
        return {"open_ms": player.open_ms or 0.0, "p50": statistics.median(firsts), "p90": pct(firsts, 90),
                "max": max(firsts), "n": len(firsts), "cold": statistics.median(cold)}
    finally:
        pulse.stop()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--no-device", action="store_true")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "tts.md")
    args = ap.parse_args()

    started = time.perf_counter()
    speaker = Speaker().load()
    load_ms = (time.perf_counter() - started) * 1000
    t = time.perf_counter()
    cold_first = first_and_total(speaker, REPLIES[1], True)[0]
    variants = {
        "streamed (shipped: sentences, a long first one cut once)": (Speaker(quick_start=True), True),
        "sentence (streamed by whole sentences)": (Speaker(quick_start=False), True),
        "baseline (whole reply synthesised before playing)": (Speaker(), False),
    }
    for other, _ in variants.values():
        other._voice, other._syn_config = speaker._voice, speaker._syn_config  # one loaded voice
    shipped = next(iter(variants.values()))[0]
    shipped._openers = speaker._openers  # the shipped Speaker.load() pre-synthesises reply openers
    results: dict[str, dict[str, list[float]]] = {name: {"first": [], "cpu": [], "total": [], "audio": []} for name in variants}
    for _ in range(args.rounds):
        for text in REPLIES:
            for name, (spk, streamed) in variants.items():  # interleaved: same load for each variant
                first, cpu, total, audio = first_and_total(spk, text, streamed)
                results[name]["first"].append(first)
                results[name]["cpu"].append(cpu)
                results[name]["total"].append(total)
                results[name]["audio"].append(audio)
    t = time.perf_counter()
    for _ in range(200):
        for text in REPLIES:
            speakable(text)
    speakable_us = (time.perf_counter() - t) / (200 * len(REPLIES)) * 1e6
    device = None if args.no_device else bench_device(speaker, max(2, args.rounds // 2))

    load = os.getloadavg()
    lines = [
        "# tts: reply text → first audio sample (Piper joe voice, loaded)",
        "",
        f"{len(REPLIES)} replies × {args.rounds} rounds, variants interleaved; {os.cpu_count()} CPUs "
        f"({platform.machine()}), load average during the run {load[0]:.1f} / {load[1]:.1f}. "
        f"Voice load {load_ms:.0f} ms; first reply after load {cold_first:.0f} ms to first sample; "
        f"speakable() {speakable_us:.0f} µs per reply.",
        "",
        "| variant | first sample p50 ms | p90 ms | max ms | CPU ms to first sample, p50 | whole reply p50 ms | RTF (synth s / audio s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        rtf = sum(r["total"]) / 1000 / sum(r["audio"])
        lines.append(
            f"| {name} | {statistics.median(r['first']):.0f} | {pct(r['first'], 90):.0f} | {max(r['first']):.0f} "
            f"| {statistics.median(r['cpu']):.0f} | {statistics.median(r['total']):.0f} | {rtf:.3f} |"
        )
    if device:
        lines += [
            "",
            f"Through a real PortAudio device (private PulseAudio null sink, stream opened once in "
            f"{device['open_ms']:.0f} ms): text → first non-silent frame handed to the device, "
            f"p50 {device['p50']:.0f} ms, p90 {device['p90']:.0f} ms, max {device['max']:.0f} ms ({device['n']} replies). "
            f"With a stream opened for the reply (as `voicerec ask --speak` does): {device['cold']:.0f} ms "
            "(synthesis overlaps the sound server's start-up stall).",
        ]
    lines += [
        "",
        "CPU ms counts all of this process's threads (onnxruntime uses one per core): on a busy machine "
        "wall time grows with the load, CPU time much less. Target: text → first audio sample <= 150 ms "
        "with the voice loaded (issue 6).",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)


if __name__ == "__main__":
    main()
