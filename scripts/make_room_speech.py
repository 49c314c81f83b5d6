#!/usr/bin/env python3
"""Spoken requests as a living room hears them: every request in every voice, each through several
rooms. Generated, never hand-edited; the same bytes every run (seeded), so a re-run measures the same.

    make_room_speech.py OUT_DIR [--requests A.jsonl B.jsonl ...] [--voices joe,espeak-us,...]
                        [--conditions quiet,tv10,tv5,reverb,room,bargein] [--limit N | --sample N] [--seed 1]

    # the dev requests, reported on (six voices, every room):
    make_room_speech.py tests/.audio/room
    # the bank's tuning requests, chosen on (80 of them, other espeak-ng voices):
    make_room_speech.py tests/.audio/room-tune --requests tests/bank/requests.tune.jsonl --sample 80 \
        --voices joe,espeak-us,espeak-clan,espeak-rp --conditions quiet,tv10,room,bargein

Writes OUT_DIR/<voice>/<condition>/<id>.wav (16 kHz mono s16) and OUT_DIR/texts.jsonl ({"id", "text",
"checks"}: each request line as it was read). Conditions:

  quiet    the voice alone, close to the microphone (-3 dBFS peak, 0.3 s of silence each side)
  tv10     a TV behind the speaker at 10 dB below the speech: real recorded speech (the LibriVox clips
  tv5      of tests/.audio) over a music bed (a chord progression of tones, sox synth), at 5 dB
  reverb   a far microphone: the voice 12 dB quieter through sox reverb (a living room's reverberation)
  room     both: the TV at 10 dB below the speech, the whole room through the reverberation (what the
           issue's held-out requests are judged in)
  bargein  the assistant's own reply (Piper joe) in the air when the button is pressed again: the
           recording starts with PREROLL_S of the reply, the press, the reply going on for STOP_S
           more (the speaker's latency) while the person has already started speaking

The TV's position in its material and the pre-roll's place in the reply are drawn per clip from
--seed and the clip's id (crc32), so a clip does not change when other requests are added.
OUT_DIR/bargein.json says where the press and the end of the reply are in every barge-in clip, and
which part of the reply (OUT_DIR/reply.wav, from `reply_start`, times `reply_gain`) is in it: the
signal an echo canceller gets as its reference.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import wave
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

from make_test_speech import espeak_wav, piper_wav, sox, to_16k  # noqa: E402

from voicerec.speech.decode import load_audio  # noqa: E402

RATE = 16000
# name -> (espeak-ng voice, words per minute); "joe" is Piper's voice
ESPEAK = {
    "espeak-us": ("en-us", 165), "espeak-gb": ("en-gb", 140), "espeak-clan": ("en-gb-x-gbclan", 150),
    "espeak-scot": ("en-gb-scotland", 155), "espeak-carib": ("en-029", 150), "espeak-nyc-f": ("en-us-nyc+f3", 160),
    "espeak-rp": ("en-gb-x-rp", 150), "espeak-wmids": ("en-gb-x-gbcwmd", 150),
}
VOICES = ("joe", *ESPEAK)
CONDITIONS = ("quiet", "tv10", "tv5", "reverb", "room", "bargein")
FAR_DB = -12.0           # a far microphone hears the voice this much quieter
REVERB = ("reverb", "-w", "60", "50", "100", "100", "15", "0")   # wet only: added to the dry below
WET_DB = -4.0            # the reverberant part against the direct sound (far field: close to it)
PREROLL_S = 0.4          # the microphone's pre-roll (AudioSettings.preroll_ms)
STOP_S = 0.25            # the reply goes on this long after the press (output latency)
SPEAK_AFTER_S = 0.05     # the person starts speaking this long after the press
REPLY = ("Here are three. The Grand Budapest Hotel, a comedy from 2014. Paddington 2, a family film "
         "from 2017. And Knives Out, a mystery from 2019, on Prime Video.")


def read_wav(path: Path) -> np.ndarray:
    """Any file sox or a recorder wrote, as 16 kHz mono float32 (voicerec's own reader)."""
    return load_audio(path, 600.0).samples


def write_wav(path: Path, x: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((np.clip(x, -1, 1) * 32767).astype("<i2").tobytes())


def active_rms(x: np.ndarray) -> float:
    """RMS over the 20 ms frames within 40 dB of the loudest (the speech, not its pauses)."""
    frames = x[: len(x) // 320 * 320].reshape(-1, 320)
    rms = np.sqrt(np.mean(frames ** 2, axis=1) + 1e-12)
    loud = rms[rms >= rms.max() * 0.01]
    return float(np.sqrt(np.mean(loud ** 2))) if len(loud) else 0.0


def music_bed(seconds: float, tmp: Path) -> np.ndarray:
    """A TV's music: four chords of three tones each, with a soft beat of brown noise (sox synth)."""
    parts = []
    chords = [("C3", "E4", "G4"), ("A2", "C4", "E4"), ("F2", "A3", "C4"), ("G2", "B3", "D4")]
    for i, (a, b, c) in enumerate(chords):
        out = tmp / f"chord{i}.wav"
        sox("-n", "-r", str(RATE), "-c", "1", str(out), "synth", "2", "pluck", a, "sine", b, "triangle", c,
            "remix", "-", "tremolo", "3", "40", "fade", "0.05", "2", "0.3", "vol", "0.3")
        parts.append(read_wav(out))
    bar = np.concatenate(parts)
    reps = int(np.ceil(seconds * RATE / len(bar))) + 1
    return np.tile(bar, reps)


def tv_material(tmp: Path) -> np.ndarray:
    """Real recorded speech (LibriVox) over the music bed, about 6 dB above it."""
    clips = sorted((ROOT / "tests" / ".audio" / "librivox").glob("*.wav"))
    if not clips:
        sys.exit("make_room_speech: no LibriVox clips; run scripts/test_assets.sh first")
    speech = np.concatenate([read_wav(c) for c in clips])
    music = music_bed(len(speech) / RATE, tmp)[: len(speech)]
    music *= active_rms(speech) / max(active_rms(music), 1e-9) * 10 ** (-6 / 20)
    return speech + music


def reverberate(x: np.ndarray, tmp: Path) -> np.ndarray:
    """The far microphone: the direct sound plus sox's reverberation of it (wet only, WET_DB below)."""
    src, wet = tmp / "dry.wav", tmp / "wet.wav"
    peak = float(np.abs(x).max()) or 1.0
    write_wav(src, x / peak * 0.5)
    sox(str(src), str(wet), *REVERB)
    w = read_wav(wet)[: len(x)] * 2 * peak
    w = np.pad(w, (0, len(x) - len(w)))
    return x + w * 10 ** (WET_DB / 20)


def mix_tv(speech: np.ndarray, tv: np.ndarray, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    start = int(rng.integers(0, len(tv) - len(speech)))
    bed = tv[start:start + len(speech)].copy()
    bed *= active_rms(speech) / max(active_rms(bed), 1e-9) * 10 ** (-snr_db / 20)
    return speech + bed


def barge_in(speech: np.ndarray, reply: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    """PREROLL_S of the reply, the press, the reply for STOP_S more (faded out in 20 ms), and the
    request starting SPEAK_AFTER_S after the press (its leading silence trimmed)."""
    loud = np.flatnonzero(np.abs(speech) > 0.02)
    speech = speech[max(0, int(loud[0]) - 800):] if len(loud) else speech
    n_reply = int((PREROLL_S + STOP_S) * RATE)
    start = int(rng.integers(0, len(reply) - n_reply))
    part = reply[start:start + n_reply].copy()
    fade = int(0.02 * RATE)
    part[-fade:] *= np.linspace(1, 0, fade)
    gain = active_rms(speech) / max(active_rms(part), 1e-9)   # as loud at the mic as the person
    part *= gain
    begin = int((PREROLL_S + SPEAK_AFTER_S) * RATE)
    out = np.zeros(max(n_reply, begin + len(speech)), np.float32)
    out[:n_reply] += part
    out[begin:begin + len(speech)] += speech
    return out, {"press_s": PREROLL_S, "reply_end_s": PREROLL_S + STOP_S, "speech_s": PREROLL_S + SPEAK_AFTER_S,
                 "reply_start": start, "reply_gain": gain}


def normalise(x: np.ndarray, peak_db: float = -3.0) -> np.ndarray:
    return x / max(float(np.abs(x).max()), 1e-9) * 10 ** (peak_db / 20)


def load_requests(paths: list[Path], limit: int | None, sample: int | None) -> list[dict]:
    """Every request of the files (the first `limit` of each), or `sample` of them spread over the
    files' families: the ones whose ids come first by crc32 (stable as lines are added)."""
    out = []
    for path in paths:
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        out += rows[:limit] if limit else rows
    if sample:
        out = sorted(sorted(out, key=lambda r: zlib.crc32(r["id"].encode()))[:sample], key=lambda r: r["id"])
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--requests", type=Path, nargs="+",
                    default=[ROOT / "tests" / "data" / "dev_requests.jsonl", ROOT / "tests" / "data" / "dev_requests2.jsonl"])
    ap.add_argument("--voices", default="joe,espeak-us,espeak-gb,espeak-scot,espeak-carib,espeak-nyc-f")
    ap.add_argument("--conditions", default=",".join(CONDITIONS))
    ap.add_argument("--limit", type=int, default=None, help="the first N requests of each file")
    ap.add_argument("--sample", type=int, default=None, help="N requests drawn by crc32 of their ids")
    ap.add_argument("--seed", type=int, default=1, help="the take of the Piper clips and of the room")
    a = ap.parse_args()
    voices, conditions = a.voices.split(","), a.conditions.split(",")
    for bad in [v for v in voices if v not in VOICES] + [c for c in conditions if c not in CONDITIONS]:
        sys.exit(f"make_room_speech: unknown voice or condition {bad!r} (voices: {', '.join(VOICES)}; "
                 f"conditions: {', '.join(CONDITIONS)})")
    for tool in ("sox", "espeak-ng"):
        if not shutil.which(tool):
            sys.exit(f"make_room_speech: {tool} is not installed (apt-get install {tool})")
    requests = load_requests(a.requests, a.limit, a.sample)
    a.out.mkdir(parents=True, exist_ok=True)
    marks: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as td:
        tmp = Path(td)
        tv = tv_material(tmp)
        raw = tmp / "raw.wav"
        piper_wav(a.seed, "bargein-reply", REPLY, raw)
        to_16k(raw, tmp / "reply.wav")
        reply = read_wav(tmp / "reply.wav")
        for voice in voices:
            for r in requests:
                rid = r["id"]
                if voice == "joe":
                    piper_wav(a.seed, rid, r["text"], raw)
                else:
                    lang, speed = ESPEAK[voice]
                    espeak_wav(lang, speed, r["text"], raw)
                to_16k(raw, tmp / "clean.wav")
                clean = read_wav(tmp / "clean.wav")
                for cond in conditions:
                    rng = np.random.default_rng([a.seed, zlib.crc32(f"{voice}/{rid}/{cond}".encode())])
                    if cond == "quiet":
                        x = clean
                    elif cond in ("tv10", "tv5"):
                        x = normalise(mix_tv(clean, tv, float(cond[2:]), rng))
                    elif cond == "reverb":
                        x = normalise(reverberate(clean, tmp), -3 + FAR_DB)
                    elif cond == "room":
                        x = normalise(reverberate(mix_tv(clean, tv, 10.0, rng), tmp), -3 + FAR_DB)
                    else:
                        x, mark = barge_in(clean, reply, rng)
                        y = normalise(x)
                        mark["reply_gain"] *= float(np.abs(y).max() / max(np.abs(x).max(), 1e-9))
                        marks[f"{voice}/{rid}"] = mark
                        x = y
                    write_wav(a.out / voice / cond / f"{rid}.wav", x)
            print(f"make_room_speech: {voice} done", file=sys.stderr)
    with open(a.out / "texts.jsonl", "w") as f:
        for r in requests:
            f.write(json.dumps(r) + "\n")
    write_wav(a.out / "reply.wav", reply)
    (a.out / "bargein.json").write_text(json.dumps(marks, indent=0, sort_keys=True))
    print(f"make_room_speech: {len(requests)} requests x {len(voices)} voices x {len(conditions)} conditions -> {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
