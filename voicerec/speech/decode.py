"""Audio in: any file PyAV/FFmpeg reads (WAV, FLAC, OGG, MP3, ...) or an array → 16 kHz mono float32.

One entry point, `load_audio(source, max_seconds)`. Longer recordings are cut at the cap (and say
so with `truncated=True`); unreadable, corrupt or non-audio files raise AudioInputError with a
one-line message. Decoding stops at the cap, so an hour-long file costs no more than the cap.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voicerec.errors import AudioInputError

SAMPLE_RATE = 16000


@dataclass(frozen=True)
class Audio:
    """Samples ready for Whisper: float32 in [-1, 1], 16 kHz, mono."""

    samples: np.ndarray
    truncated: bool = False

    @property
    def seconds(self) -> float:
        return len(self.samples) / SAMPLE_RATE


def load_audio(source: np.ndarray | str | Path, max_seconds: float) -> Audio:
    """A file path or an array (already 16 kHz; int16 or float; mono or (n, channels)) → Audio."""
    if isinstance(source, np.ndarray):
        return _cap(_from_array(source), max_seconds)
    return _from_file(Path(source), max_seconds)


def resample(audio: np.ndarray, src: int, dst: int = SAMPLE_RATE) -> np.ndarray:
    """float32 mono from `src` Hz to `dst` Hz (polyphase with scipy, else linear)."""
    if src == dst or len(audio) == 0:
        return audio.astype(np.float32, copy=False)
    try:
        from math import gcd

        from scipy.signal import resample_poly

        g = gcd(src, dst)
        out = resample_poly(audio, dst // g, src // g)
    except ImportError:
        n = int(round(len(audio) * dst / src))
        out = np.interp(np.linspace(0, len(audio) - 1, n), np.arange(len(audio)), audio)
    return out.astype(np.float32)


def _cap(samples: np.ndarray, max_seconds: float) -> Audio:
    limit = int(max_seconds * SAMPLE_RATE)
    if len(samples) > limit:
        return Audio(np.ascontiguousarray(samples[:limit]), truncated=True)
    return Audio(samples)


def _from_array(a: np.ndarray) -> np.ndarray:
    if a.ndim == 2:
        # (n, channels) as sounddevice gives it; (channels, n) when the short side is first
        a = a.mean(axis=1) if a.shape[1] <= a.shape[0] else a.mean(axis=0)
    elif a.ndim != 1:
        raise AudioInputError(f"audio array must be 1-D or 2-D, not {a.ndim}-D")
    if a.dtype == np.int16:
        a = a.astype(np.float32) / 32768.0
    elif a.dtype.kind == "i":
        a = a.astype(np.float32) / float(np.iinfo(a.dtype).max)
    elif a.dtype.kind != "f":
        raise AudioInputError(f"audio array has an unusable dtype: {a.dtype}")
    a = np.nan_to_num(a.astype(np.float32, copy=False), nan=0.0, posinf=1.0, neginf=-1.0)
    return np.clip(a, -1.0, 1.0)


def _from_file(path: Path, max_seconds: float) -> Audio:
    if not path.exists():
        raise AudioInputError(f"no such audio file: {path}")
    if not path.is_file():
        raise AudioInputError(f"not an audio file: {path}")
    if path.stat().st_size == 0:
        raise AudioInputError(f"{path.name} is empty (0 bytes), not a recording")
    import av  # PyAV, installed with faster-whisper; imported here so `ask` never loads it

    limit = int(max_seconds * SAMPLE_RATE)
    chunks: list[np.ndarray] = []
    have = 0
    truncated = False
    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise AudioInputError(f"{path.name} has no audio in it")
            stream = container.streams.audio[0]
            resampler = av.audio.resampler.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
            for frame in _frames(container, stream):
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().reshape(-1)
                    chunks.append(chunk)
                    have += len(chunk)
                if have > limit:
                    truncated = True
                    break
            if not truncated:
                for out in resampler.resample(None):
                    chunks.append(out.to_ndarray().reshape(-1))
    except AudioInputError:
        raise
    except (av.error.FFmpegError, OSError, ValueError, IndexError) as e:
        reason = str(e).split(":")[0].split("] ")[-1].strip() or type(e).__name__
        raise AudioInputError(f"cannot read {path.name} as audio ({reason})") from None
    samples = np.concatenate(chunks) if chunks else np.zeros(0, np.int16)
    samples = samples.astype(np.float32) / 32768.0
    audio = _cap(samples, max_seconds)
    return Audio(audio.samples, truncated=audio.truncated or truncated)


def _frames(container, stream):  # noqa: ANN001, ANN202 - PyAV objects
    """Decoded frames; a damaged packet in the middle is skipped rather than failing the file."""
    import av

    for packet in container.demux(stream):
        try:
            yield from packet.decode()
        except av.error.InvalidDataError:
            continue
