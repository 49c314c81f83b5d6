"""Audio cleaning before Whisper: noise suppression and automatic gain, as the satellites of Home
Assistant's voice ecosystem do it (wyoming-satellite uses the same library).

    cleaner = Cleaner(settings.stt)          # one per utterance: WebRTC's filters keep state
    out = cleaner.feed(samples)              # 16 kHz mono float32 in, the same out (10 ms frames;
    out = cleaner.flush()                    #   a partial frame waits for the next feed)
    clean(samples, settings.stt)             # a whole recording at once

The one entry point for every front-end: `Transcriber.transcribe` cleans a recording before its VAD
(the CLI's `listen`, the Wyoming ASR service) and `Hearing` cleans the daemon's microphone as it
arrives, so the decodes made while the button is held hear the same cleaned audio.

WebRTC's audio processing (`webrtc-noise-gain`): noise suppression level 0-4 and an automatic gain
controller aiming at `auto_gain_dbfs` below full scale, over 10 ms frames of 16-bit PCM. With
`stt.clean = "off"`, or when the package is missing, the audio passes through unchanged (a warning
once, so a Pi without the wheel still answers).

Off by default, by measurement (bench/room.py on the bank's tuning requests, BENCHMARKS.md "Hearing
a room"): with a TV talking behind the speaker and a far, reverberant microphone, Whisper heard the
cleaned audio worse (WER 57.8% -> 65.4%; quiet speech 19.8% -> 19.7%). The noise it is built for is
steady (a fan, a hum); a TV is speech, which it cannot tell from the person.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

import numpy as np

from voicerec.config import STTSettings

log = logging.getLogger(__name__)

FRAME = 160  # 10 ms at 16 kHz


@lru_cache(maxsize=1)
def _processor_class() -> Any:
    try:
        from webrtc_noise_gain import AudioProcessor
    except ImportError:
        log.warning("stt.clean = 'webrtc' but webrtc-noise-gain is not installed: audio is not cleaned "
                    "(pip install webrtc-noise-gain)")
        return None
    return AudioProcessor


def available() -> bool:
    """Whether the WebRTC cleaner can run here (for `voicerec doctor`)."""
    return _processor_class() is not None


class Cleaner:
    """Streaming cleaner for one utterance (16 kHz mono float32). Not thread-safe: one feeder."""

    def __init__(self, settings: STTSettings | None = None) -> None:
        s = settings or STTSettings()
        cls = _processor_class() if s.clean == "webrtc" else None
        self._proc = cls(s.auto_gain_dbfs, s.noise_suppression) if cls is not None else None
        self._rest = np.zeros(0, dtype=np.float32)

    @property
    def active(self) -> bool:
        return self._proc is not None

    def feed(self, samples: np.ndarray) -> np.ndarray:
        """Clean what can be cleaned now (whole 10 ms frames); the rest waits for more or `flush`."""
        x = np.asarray(samples, dtype=np.float32).reshape(-1)
        if self._proc is None:
            return x
        if len(self._rest):
            x = np.concatenate([self._rest, x])
        n = len(x) // FRAME * FRAME
        self._rest = x[n:].copy()
        if not n:
            return np.zeros(0, dtype=np.float32)
        pcm = (np.clip(x[:n], -1.0, 1.0) * 32767).astype("<i2").tobytes()
        out = bytearray()
        for i in range(0, len(pcm), FRAME * 2):
            out += self._proc.Process10ms(pcm[i:i + FRAME * 2]).audio
        return np.frombuffer(bytes(out), dtype="<i2").astype(np.float32) / 32768.0

    def flush(self) -> np.ndarray:
        """The last partial frame, padded with silence to a frame and cut back to its length."""
        rest, self._rest = self._rest, np.zeros(0, dtype=np.float32)
        if self._proc is None or not len(rest):
            return rest
        padded = np.zeros(FRAME, dtype=np.float32)
        padded[: len(rest)] = rest
        return self.feed(padded)[: len(rest)]


def clean(samples: np.ndarray, settings: STTSettings | None = None) -> np.ndarray:
    """A whole recording, cleaned (the same length); unchanged when cleaning is off or unavailable."""
    cleaner = Cleaner(settings)
    if not cleaner.active or not len(samples):
        return np.asarray(samples, dtype=np.float32)
    return np.concatenate([cleaner.feed(samples), cleaner.flush()])
