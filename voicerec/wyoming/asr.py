"""asr: `Transcribe`? `AudioStart` `AudioChunk`... `AudioStop` → `Transcript`, with voicerec's Whisper
(biased toward the catalogue's titles and names), heard as the daemon hears: `Assistant.hear` cleans
the audio when `stt.clean` is on and picks among Whisper's hypotheses by what the catalogue knows.
(An ask-back needs the hearing's doubt beside the words; Home Assistant passes the conversation
agent only the words, so over Wyoming the best hypothesis is answered.)

Audio arrives in whatever format the client has (any rate, 1-4 byte samples, any number of
channels; each chunk says its own) and is turned, chunk by chunk, into 16 kHz mono: channels are
averaged, samples scaled to 16 bits, and the rate converted with the `wyoming` library's own
converter, on a worker thread (not the event loop other clients wait on). Only that 16 kHz copy is
kept, in memory, and only up to `stt.max_seconds`: what lies past it is dropped by its duration
before it is converted (as `voicerec listen` drops it); nothing is written to disk. A client that leaves
mid-stream leaves nothing queued.
"""

from __future__ import annotations

import logging
import math
import threading
import time

import numpy as np
from wyoming.asr import Transcript
from wyoming.audio import AudioChunk, AudioChunkConverter
from wyoming.event import Event

from voicerec.wyoming.service import Service

log = logging.getLogger(__name__)

RATE = 16000
MAX_CHANNELS = 64
MAX_RATE = 384_000


class BadAudio(ValueError):
    """A chunk whose format cannot be read (its message is sent back in an error event)."""


def to_mono16(audio: bytes, width: int, channels: int) -> bytes:
    """Interleaved PCM of `width` bytes per sample (8-bit unsigned, else signed little-endian)
    → 16-bit mono, channels averaged."""
    frame = width * channels
    audio = audio[: len(audio) - len(audio) % frame]
    if width == 1:
        x = np.frombuffer(audio, np.uint8).astype(np.int32) - 128 << 8
    elif width == 2:
        x = np.frombuffer(audio, "<i2").astype(np.int32)
    elif width == 3:
        b = np.frombuffer(audio, np.uint8).reshape(-1, 3).astype(np.int32)
        x = (b[:, 0] | b[:, 1] << 8 | b[:, 2] << 16) << 8 >> 16  # sign from the top byte, then 16 bits
    else:
        x = np.frombuffer(audio, "<i4") >> 16
    if channels > 1:
        x = x.reshape(-1, channels).mean(axis=1)
    return np.asarray(x, dtype="<i2").tobytes()


class AudioIn:
    """One utterance, arriving in chunks: kept as 16 kHz mono 16-bit, up to `max_seconds`."""

    def __init__(self, max_seconds: float) -> None:
        self.limit = int(max_seconds * RATE) * 2
        self._parts: list[bytes] = []
        self._have = 0
        self._converter: AudioChunkConverter | None = None
        self._format: tuple[int, int, int] | None = None
        self.truncated = False
        self.chunks = 0

    def add(self, chunk: AudioChunk) -> None:
        """Convert and keep `chunk` (CPU work: the connection runs it off the event loop). What lies
        past the limit is cut by its duration before anything is converted, so a chunk costs at
        most the limit's worth of work and memory, however long it says it is."""
        rate, width, channels = chunk.rate, chunk.width, chunk.channels
        check_format(rate, width, channels)
        self.chunks += 1
        if self._have >= self.limit:
            self.truncated = True
            return
        frame = width * channels
        room = math.ceil((self.limit - self._have) / 2 / RATE * rate) + 1  # frames; one for rounding
        audio = chunk.audio
        if len(audio) > room * frame:
            audio = audio[: room * frame]
            self.truncated = True
        if self._format != (rate, width, channels) or self._converter is None:
            self._format = (rate, width, channels)
            self._converter = AudioChunkConverter(rate=RATE, width=2, channels=1)
        mono = AudioChunk(rate=rate, width=2, channels=1, audio=to_mono16(audio, width, channels))
        pcm = self._converter.convert(mono).audio
        if self._have + len(pcm) > self.limit:
            pcm = pcm[: self.limit - self._have]
            self.truncated = True
        self._parts.append(pcm)
        self._have += len(pcm)

    def samples(self) -> np.ndarray:
        """float32 in [-1, 1] at 16 kHz: what `Assistant.hear` takes."""
        pcm = b"".join(self._parts)
        return np.frombuffer(pcm[: len(pcm) // 2 * 2], "<i2").astype(np.float32) / 32768.0

    @property
    def seconds(self) -> float:
        return self._have / 2 / RATE


def check_format(rate: object, width: object, channels: object) -> None:
    for name, value, top in (("rate", rate, MAX_RATE), ("channels", channels, MAX_CHANNELS)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
            raise BadAudio(f"audio {name} must be a whole number from 1 to {top}, not {value!r}")
    if isinstance(width, bool) or width not in (1, 2, 3, 4):
        raise BadAudio(f"audio width must be 1, 2, 3 or 4 bytes, not {width!r}")
    if rate < 1000:  # type: ignore[operator]
        raise BadAudio(f"audio rate {rate} Hz is too low for speech")


async def transcribe(service: Service, audio: AudioIn, context: dict | None, cancel: threading.Event) -> Event:
    """The Transcript of what was said (empty text when nothing usable was); Busy/Gone from the lane."""
    samples = audio.samples()
    started = time.perf_counter()
    heard = await service.asr.run(lambda _cancel: service.assistant.hear(samples), cancel)
    service.served += 1
    log.info("asr: %.1f s of audio in %d chunks%s, transcribed in %.0f ms", audio.seconds, audio.chunks,
             " (cut at the limit)" if audio.truncated else "", (time.perf_counter() - started) * 1000)
    log.debug("asr: heard %r", heard.text)
    return Transcript(text=heard.text, language="en", context=context).event()
