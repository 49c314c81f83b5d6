"""The ratio used to turn this machine's CPU time into what a Raspberry Pi 4 would take.

The reference: faster-whisper (CTranslate2) with Whisper tiny, its default settings (beam 5, 30 s
window), 4 threads on a Raspberry Pi 400 (the Pi 4's Cortex-A72 at 1.8 GHz): 3.2 s for a 3.6 s
file and 3.9 s for a 10.8 s one (F. Quirin, SYSTRAN/faster-whisper issue #38, 2023-03-10, "Whisper
CT2 / whisper-tiny-ct2", RTF 0.90 and 0.36). This script makes the same call here, on the bundled
tiny.en (same size as tiny), on a 3.3 s and a 7.1 s LibriVox clip, and prints the CPU seconds it
takes (all threads) and the wall time. Pi seconds per CPU-second here = 3.2 / (CPU s of the 3.3 s
clip): a Pi 4 spends about that many wall seconds on work that costs one CPU-second here.

    .venv/bin/python bench/pi_ratio.py [--threads 2] [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voicerec.speech.decode import load_audio  # noqa: E402
from voicerec.speech.stt import resolve_model  # noqa: E402

PI400 = {"short": (3.6, 3.2), "long": (10.8, 3.9)}  # file seconds, Pi wall seconds (issue #38)
CLIPS = {"short": "sense_and_sensibility_01_austen_64kb-0930.wav", "long": "sense_and_sensibility_01_austen_64kb-0870.wav"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    from faster_whisper import WhisperModel

    model = WhisperModel(resolve_model("bundled"), device="cpu", compute_type="int8", cpu_threads=args.threads)
    for name, clip in CLIPS.items():
        audio = load_audio(ROOT / "tests" / ".audio" / "librivox" / clip, 30).samples
        cpu, wall = [], []
        for _ in range(args.runs + 1):
            c0, t0 = time.process_time(), time.perf_counter()
            list(model.transcribe(audio, language="en")[0])
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - t0)
        c, w = statistics.median(cpu[1:]), statistics.median(wall[1:])
        pi_file, pi_wall = PI400[name]
        print(f"{name}: {len(audio) / 16000:.1f} s clip, here {c:.3f} CPU-s, {w:.3f} s wall ({args.threads} threads); "
              f"Pi 400: {pi_wall} s for a {pi_file} s file -> {pi_wall / c:.1f} Pi seconds per CPU-second here, "
              f"{pi_wall / w:.1f}x this machine's wall time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
