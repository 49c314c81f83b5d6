"""Short generated beeps marking the start (rising) and end (falling) of listening. No files."""

from __future__ import annotations

import numpy as np


def _tone(rate: int, freq: float, ms: int, volume: float) -> np.ndarray:
    n = max(1, int(rate * ms / 1000))
    t = np.arange(n) / rate
    tone = np.sin(2 * np.pi * freq * t) * volume
    fade = min(n // 2, int(rate * 0.008))
    if fade:
        ramp = np.linspace(0.0, 1.0, fade)
        tone[:fade] *= ramp
        tone[-fade:] *= ramp[::-1]
    return tone


def _pair(rate: int, first: float, second: float, volume: float) -> np.ndarray:
    gap = np.zeros(int(rate * 0.015))
    audio = np.concatenate([_tone(rate, first, 55, volume), gap, _tone(rate, second, 55, volume)])
    return (audio * 32767).astype(np.int16)


def start_tone(rate: int, volume: float = 0.25) -> np.ndarray:
    """Rising two-note beep (~125 ms), int16 mono at `rate`: "I'm listening"."""
    return _pair(rate, 660.0, 990.0, volume)


def end_tone(rate: int, volume: float = 0.25) -> np.ndarray:
    """Falling two-note beep (~125 ms), int16 mono at `rate`: "got it"."""
    return _pair(rate, 990.0, 660.0, volume)
