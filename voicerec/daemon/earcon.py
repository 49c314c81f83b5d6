"""Short generated beeps marking the start (rising) and end (falling) of listening. No files."""

from __future__ import annotations

import numpy as np

from voicerec.speech.playback import earcon


def _pair(rate: int, first: float, second: float, volume: float) -> np.ndarray:
    gap = np.zeros(int(rate * 0.015), dtype=np.int16)
    return np.concatenate([earcon(rate, first, 55, volume), gap, earcon(rate, second, 55, volume)])


def start_tone(rate: int, volume: float = 0.25) -> np.ndarray:
    """Rising two-note beep (~125 ms), int16 mono at `rate`: "I'm listening"."""
    return _pair(rate, 660.0, 990.0, volume)


def end_tone(rate: int, volume: float = 0.25) -> np.ndarray:
    """Falling two-note beep (~125 ms), int16 mono at `rate`: "got it"."""
    return _pair(rate, 990.0, 660.0, volume)
