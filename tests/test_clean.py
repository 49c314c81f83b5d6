"""Audio cleaning before Whisper (speech/clean.py): WebRTC noise suppression and automatic gain on
real recordings from the test audio (scripts/test_assets.sh)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from voicerec.config import STTSettings
from voicerec.speech.clean import Cleaner, clean
from voicerec.speech.decode import SAMPLE_RATE, load_audio

ROOT = Path(__file__).resolve().parent.parent
AUDIO = ROOT / "tests" / ".audio"
WEBRTC = STTSettings(clean="webrtc", noise_suppression=2, auto_gain_dbfs=3)


@pytest.fixture(scope="module")
def noisy() -> np.ndarray:
    subprocess.run(["bash", str(ROOT / "scripts" / "test_assets.sh")], check=True)
    return load_audio(AUDIO / "spoken" / "joe-noise" / "seventies-crime.wav", 30).samples


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


def test_noise_between_words_is_suppressed(noisy: np.ndarray) -> None:
    """The clip ends with 0.3 s of the pink noise alone: cleaned, that noise is well below the speech."""
    out = clean(noisy, WEBRTC)
    tail = slice(len(noisy) - int(0.25 * SAMPLE_RATE), None)
    speech = slice(int(0.5 * SAMPLE_RATE), len(noisy) - int(0.5 * SAMPLE_RATE))
    before = _rms(noisy[speech]) / _rms(noisy[tail])
    after = _rms(out[speech]) / _rms(out[tail])
    assert 20 * np.log10(after / before) > 6, (before, after)


def test_streaming_in_blocks_is_cleaning_the_whole(noisy: np.ndarray) -> None:
    cleaner = Cleaner(WEBRTC)
    parts = [cleaner.feed(noisy[i:i + 331]) for i in range(0, len(noisy), 331)]  # blocks not of 10 ms
    streamed = np.concatenate([*parts, cleaner.flush()])
    assert len(streamed) == len(noisy)
    np.testing.assert_array_equal(streamed, clean(noisy, WEBRTC))


def test_gain_lifts_a_far_quiet_voice(noisy: np.ndarray) -> None:
    quiet = load_audio(AUDIO / "spoken" / "joe" / "seventies-crime.wav", 30).samples * 0.03
    out = clean(quiet, STTSettings(clean="webrtc", noise_suppression=0, auto_gain_dbfs=3))
    assert _rms(out) > 2 * _rms(quiet)


def test_off_is_the_audio_as_recorded(noisy: np.ndarray) -> None:
    off = clean(noisy, STTSettings(clean="off"))
    np.testing.assert_array_equal(off, noisy)
    assert not Cleaner(STTSettings(clean="off")).active
    assert len(clean(np.zeros(0, np.float32), WEBRTC)) == 0
