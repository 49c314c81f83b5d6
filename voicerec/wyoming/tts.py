"""tts: text → speech in the configured Piper voice, first sentence first.

    Synthesize(text)                     → AudioStart, AudioChunk..., AudioStop
    SynthesizeStart, SynthesizeChunk...,  → for each sentence as soon as it is complete:
    [Synthesize], SynthesizeStop            AudioStart, AudioChunk..., AudioStop; then SynthesizeStopped

The streaming form is what Home Assistant's Assist uses when the conversation agent's reply
arrives in pieces: the first sentence is spoken while the rest is still being written. (It also
sends the whole text as a `Synthesize` inside the stream, for older servers; that one is ignored.)
The voice's audio goes to the client as 16-bit mono chunks at the voice's own rate, each as soon
as Piper has made it; if the client leaves, synthesis stops at the next piece.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
from collections.abc import Awaitable, Callable

import numpy as np
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.event import Event

from voicerec.wyoming.service import Service

log = logging.getLogger(__name__)

SAMPLES_PER_CHUNK = 1024
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+")

Write = Callable[[Event], Awaitable[None]]


class TextStream:
    """Text arriving in pieces → whole sentences, each handed out as soon as it ends."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self._text = ""
        self.total = 0

    def add(self, piece: str) -> list[str]:
        self.total += len(piece)
        if self.total > self.max_chars:
            raise ValueError(f"text to speak over {self.max_chars} characters")
        self._text += piece
        parts = _SENTENCE_END.split(self._text)
        self._text = parts.pop()
        return [p.strip() for p in parts if p.strip()]

    def finish(self) -> str:
        rest, self._text = self._text.strip(), ""
        return rest


async def speak(service: Service, text: str, write: Write, cancel: threading.Event) -> float:
    """Speak `text` to the client as one audio stream; returns its length in seconds (0 for no text).
    Busy/Gone from the lane; ConnectionError if the client has gone.

    Each piece Piper makes (a sentence, or the first one's first clause) is its own job on the tts
    lane, so replies to several clients take turns sentence by sentence: every client hears its
    first sentence after one sentence of each reply ahead of it, not after whole replies. A reply
    that has started keeps its place (only its first piece can be refused as busy), and the next
    piece is made while the one before is being sent."""
    text = " ".join(text.split())
    if not text:
        return 0.0
    pieces = iter(service.assistant.speak(text))  # lazy: each next() synthesises one piece
    stop = threading.Event()  # this reply's: set when it is abandoned (the connection may go on)

    def next_piece(stopped: threading.Event) -> np.ndarray | None:
        return None if stopped.is_set() or cancel.is_set() else next(pieces, None)

    started = time.perf_counter()
    rate = int(service.assistant.speak_rate)
    samples = 0
    first_ms = None
    job = asyncio.ensure_future(service.tts.run(next_piece, stop))
    try:
        while (audio := await job) is not None:
            job = asyncio.ensure_future(service.tts.run(next_piece, stop, admitted=True))
            if samples == 0:
                first_ms = (time.perf_counter() - started) * 1000
                await write(AudioStart(rate=rate, width=2, channels=1).event())
            pcm = _int16(audio)
            for i in range(0, len(pcm), SAMPLES_PER_CHUNK):
                await write(AudioChunk(rate=rate, width=2, channels=1,
                                       audio=pcm[i:i + SAMPLES_PER_CHUNK].tobytes()).event())
            samples += len(pcm)
    except BaseException:
        stop.set()  # busy, the client has gone, or a failure: no more pieces of this reply
        job.cancel()
        raise
    if samples:
        await write(AudioStop().event())
        service.served += 1
        log.info("tts: %.1f s of speech, first audio after %.0f ms, all in %.0f ms", samples / rate,
                 first_ms or 0.0, (time.perf_counter() - started) * 1000)
    return samples / rate


def _int16(audio: np.ndarray) -> np.ndarray:
    if audio.dtype == np.int16:
        return audio.reshape(-1)
    return (np.clip(audio.reshape(-1), -1.0, 1.0) * 32767).astype("<i2")
