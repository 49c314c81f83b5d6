"""`voicerec listen` on bad audio: a clear one-line error or a short "Sorry, ..." answer, never a
traceback, and the catalogue unchanged. (Transcriber-level cases are in test_stt.py.)"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

VOICEREC = str(Path(sys.executable).parent / "voicerec")


def write_wav(path: Path, samples: np.ndarray, rate: int = 16000, channels: int = 1) -> Path:
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return path


def listen(path: Path, state: Path, catalog: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "VOICEREC_STATE_DIR": str(state), "VOICEREC_CATALOG_PATH": str(catalog)}
    return subprocess.run([VOICEREC, "listen", "--json", str(path)], capture_output=True, text=True,
                          timeout=300, env=env)


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("bad-audio")
    rng = np.random.default_rng(7)
    out = {
        "empty-file": d / "empty.wav",
        "not-audio": d / "notes.wav",
        "silence": write_wav(d / "silence.wav", np.zeros(16000 * 3)),
        "noise": write_wav(d / "noise.wav", rng.normal(0, 0.05, 16000 * 3)),
        "clipped-noise": write_wav(d / "clipped.wav", np.sign(rng.normal(0, 1, 16000 * 2))),
        "8k-silence": write_wav(d / "8k.wav", np.zeros(8000 * 2), rate=8000),
        "48k-stereo-silence": write_wav(d / "48k.wav", np.zeros(48000 * 2 * 2), rate=48000, channels=2),
        "ten-minutes-quiet": write_wav(d / "long.wav", rng.normal(0, 0.001, 16000 * 600)),
    }
    out["empty-file"].write_bytes(b"")
    out["not-audio"].write_text("this is a shopping list, not a recording\n" * 20)
    good = out["noise"].read_bytes()
    truncated = d / "truncated.wav"
    truncated.write_bytes(good[:30])  # a header cut in the middle
    out["truncated-header"] = truncated
    return out


@pytest.mark.parametrize("name, kind", [
    ("empty-file", "error"), ("not-audio", "error"), ("truncated-header", "error"),
    ("silence", "sorry"), ("noise", "sorry"), ("clipped-noise", "sorry"), ("8k-silence", "sorry"),
    ("48k-stereo-silence", "sorry"), ("ten-minutes-quiet", "sorry"),
])
def test_bad_audio(cases: dict[str, Path], tmp_path: Path, catalog_path: Path, name: str, kind: str) -> None:
    before = hashlib.sha256(catalog_path.read_bytes()).hexdigest()
    p = listen(cases[name], tmp_path / "state", catalog_path)
    assert "Traceback" not in p.stderr
    if kind == "error":
        assert p.returncode == 4, p.stderr
        assert p.stderr.startswith("voicerec: ") and p.stderr.count("\n") == 1
    else:
        assert p.returncode == 0, p.stderr
        answer = json.loads(p.stdout)
        assert answer["transcript"] == "" and answer["results"] == []
        assert answer["reply"].startswith("Sorry")
        assert "stt" in answer["timings_ms"]
    assert hashlib.sha256(catalog_path.read_bytes()).hexdigest() == before
    assert not list((tmp_path / "state").rglob("*.wav")), "no audio is kept unless keep_audio is set"
