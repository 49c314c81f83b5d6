"""The room audio generator (scripts/make_room_speech.py): the same bytes every run, and the rooms it
says: the TV really 10 / 5 dB below the speech, the barge-in's reply where bargein.json says."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from voicerec.speech.decode import SAMPLE_RATE, load_audio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from make_room_speech import active_rms  # noqa: E402


@pytest.fixture(scope="module")
def rooms(tmp_path_factory) -> list[Path]:
    subprocess.run(["bash", str(ROOT / "scripts" / "test_assets.sh")], check=True)  # the LibriVox "TV"
    outs = []
    for n in (1, 2):
        out = tmp_path_factory.mktemp(f"rooms{n}")
        subprocess.run([sys.executable, str(ROOT / "scripts" / "make_room_speech.py"), str(out), "--limit", "1",
                        "--voices", "espeak-us", "--requests", str(ROOT / "tests" / "data" / "dev_requests.jsonl")],
                       check=True, capture_output=True, timeout=300)
        outs.append(out)
    return outs


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*.wav"))}


def test_the_same_bytes_every_run(rooms: list[Path]) -> None:
    first, second = (_digest(r) for r in rooms)
    assert len(first) == 7 and first == second  # six rooms and the reply


@pytest.mark.parametrize("cond,snr", [("tv10", 10.0), ("tv5", 5.0)])
def test_the_tv_is_as_far_below_the_speech_as_said(rooms: list[Path], cond: str, snr: float) -> None:
    rid = json.loads((rooms[0] / "texts.jsonl").read_text().splitlines()[0])["id"]
    clean = load_audio(rooms[0] / "espeak-us" / "quiet" / f"{rid}.wav", 60).samples
    mixed = load_audio(rooms[0] / "espeak-us" / cond / f"{rid}.wav", 60).samples
    scale = float(mixed @ clean / (clean @ clean))  # the speech's share of the mix (the TV is another sound)
    speech, tv = scale * clean, mixed - scale * clean
    measured = 20 * np.log10(active_rms(speech) / active_rms(tv))
    assert abs(measured - snr) < 1.0, measured


def test_the_barge_in_starts_with_the_reply(rooms: list[Path]) -> None:
    marks = json.loads((rooms[0] / "bargein.json").read_text())
    (key, mark), = marks.items()
    rid = key.split("/")[1]
    audio = load_audio(rooms[0] / "espeak-us" / "bargein" / f"{rid}.wav", 60).samples
    reply = load_audio(rooms[0] / "reply.wav", 600).samples
    n = int(mark["press_s"] * SAMPLE_RATE)
    part = reply[mark["reply_start"]:mark["reply_start"] + n]
    # the pre-roll is the reply itself, at the gain bargein.json gives
    np.testing.assert_allclose(audio[:n], part * mark["reply_gain"], atol=2e-3)
    assert mark["press_s"] < mark["speech_s"] < mark["reply_end_s"]  # the person speaks over the reply's end
