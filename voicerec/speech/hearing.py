"""Hearing a request while it is spoken: decode at pauses, keep what stays the same, and after the
release decode only what is left.

    hearing = Hearing(transcriber)      # Assistant.hearing() makes one per utterance
    hearing.feed(block, rate)           # as audio arrives (the audio thread): cheap, never waits on Whisper
    transcript = hearing.finish()       # at the release: usually ready at once, else the tail decoded
    hearing.cancel()                    # a press while it decodes (barge-in): drop everything

A thread of its own (one per utterance, gone after finish or cancel) follows the audio with Silero
VAD, the model faster-whisper's VAD uses, run a few windows at a time with its state carried over,
so its speech probabilities are exactly those of one pass over the whole recording. It decodes
everything heard so far (the same VAD trim and short-window decode as `Transcriber.transcribe`)
when the speech pauses for PAUSE_S, or after STEP_S more audio while the speech goes on: always the
latest audio, so a slow machine never builds a backlog.

Local agreement (LocalAgreement-2, as whisper_streaming does it): the words two successive decodes
agree on, from the start, are committed; the committed words only ever grow, and Whisper's
alignment gives each its time in the recording.

At the release, the first that applies:
  reused  no speech since the last decode, which had already heard the pause after the speech: it
          was a whole-utterance decode, nothing is left to do (it also wins over committed words it
          reads otherwise). The usual case: people let go of the button a moment after they stop
          talking; a decode still running then is waited for, one that missed speech is dropped
          between encoder and decoder;
  tail    released mid-speech, TAIL_MIN_S or more into it: the speech from about OVERLAP_S before
          the end of the committed words, decoded with the words before that as Whisper's previous
          text (after the catalogue prompt); it must hear the overlapped committed words again,
          and what follows them is appended;
  whole   otherwise (a short request, nothing committed, or a tail decode that looks failed or
          did not confirm the overlap): `Transcriber.transcribe` on all of it.
The text then gets the same clean-up as `transcribe` (stock hallucinations, name snapping).
Measured on the six spoken sets and LibriVox (bench/stt.py, config `incremental`): the same WER as
decoding each recording whole.

With `incremental=False` (stt.incremental = false, or settings the short window cannot serve) the
hearing only collects the audio and `finish()` is `transcribe` on all of it: today's path.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from voicerec.speech.clean import Cleaner
from voicerec.speech.decode import SAMPLE_RATE, Audio, resample
from voicerec.speech.stt import Transcriber, audible, speech_chunks
from voicerec.speech.window import Decoded
from voicerec.text import norm
from voicerec.types import Transcript

log = logging.getLogger(__name__)

STEP_S = 1.0          # decode again after this much new audio while the speech goes on
PAUSE_S = 0.2         # ... or as soon as the speech has paused this long
TRAIL_S = 0.15        # a decode is the whole utterance's only if it heard this much after the speech
TAIL_MIN_S = 2.5      # decode just the tail only when it starts this far in (a short request costs
                      # little to decode whole, and its tail alone is heard worse)
OVERLAP_S = 1.0       # the tail decode hears again about this much of the committed words
MAX_OVERLAP = 5       # ... but at most this many of them
CUT_SEARCH_S = 0.12   # the tail starts at the quietest 10 ms this close to a word boundary
VAD_WINDOW = 512      # Silero's window and context at 16 kHz, and faster-whisper's threshold
VAD_CONTEXT = 64
SPEECH_PROB = 0.5


@dataclass(frozen=True)
class HeardWord:
    text: str    # as Whisper wrote it: leading space, punctuation
    key: str     # its normal form, what hypotheses are compared on
    start: int   # sample positions in the recording
    end: int


@dataclass(frozen=True)
class Hypothesis:
    upto: int            # what was decoded: the recording's first `upto` samples
    speech_end: int      # where the last speech the VAD had found ended, at that moment
    text: str
    avg_logprob: float
    words: tuple[HeardWord, ...]
    agrees: bool         # starts with the words committed before it
    decoded: Decoded     # the decode itself (its beam's other hypotheses too)


class StreamingVad:
    """Silero VAD over a growing recording, window by window with its state carried over."""

    def __init__(self) -> None:
        from faster_whisper.vad import get_vad_model

        self._session = get_vad_model().session
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self.done = 0             # samples looked at (whole windows)
        self.speech_end = 0       # the sample after the last window heard as speech; 0: none yet

    def update(self, audio: np.ndarray, final: bool = False) -> None:
        """Look at the windows of `audio` not seen yet; `final`: the last partial one too (padded)."""
        if self.done >= len(audio):
            return
        n = (len(audio) - self.done) // VAD_WINDOW
        end = self.done + n * VAD_WINDOW
        windows = audio[self.done:end].reshape(-1, VAD_WINDOW)
        if final and end < len(audio):
            last = np.zeros(VAD_WINDOW, dtype=np.float32)
            last[: len(audio) - end] = audio[end:]
            windows = np.concatenate([windows, last[None, :]])
        if not len(windows):
            return
        context = np.zeros((len(windows), VAD_CONTEXT), dtype=np.float32)
        if self.done:
            context[0] = audio[self.done - VAD_CONTEXT:self.done]
        context[1:] = windows[:-1, -VAD_CONTEXT:]
        batch = np.concatenate([context, windows], axis=1)
        probs, self._h, self._c = self._session.run(None, {"input": batch, "h": self._h, "c": self._c})
        speech = np.flatnonzero(np.asarray(probs).reshape(-1) >= SPEECH_PROB)
        if len(speech):
            self.speech_end = min(len(audio), self.done + (int(speech[-1]) + 1) * VAD_WINDOW)
        self.done += len(windows) * VAD_WINDOW


class Hearing:
    """One utterance heard as it is spoken (see the module doc). feed/cancel from any thread."""

    def __init__(self, transcriber: Transcriber, *, incremental: bool = True, background: bool = True,
                 step_s: float = STEP_S, pause_s: float = PAUSE_S) -> None:
        self.transcriber = transcriber
        self.incremental = incremental and transcriber.short_window
        self.background = background   # False: decode in feed()'s caller (tests, benchmarks)
        self.step = int(step_s * SAMPLE_RATE)
        self.pause = int(pause_s * SAMPLE_RATE)
        self._cond = threading.Condition()
        self._blocks: list[np.ndarray] = []
        self._rate = 0
        self._fed = 0
        self._cap = 0
        self._truncated = False
        self._new = False
        self._finishing = False
        self._cancelled = False
        self._running = False
        self._thread: threading.Thread | None = None
        self._native = np.zeros(0, dtype=np.float32)   # the hearing thread's copy, at the device rate
        self._audio = self._native                      # the same at 16 kHz, cleaned (speech/clean.py)
        self._cleaner = Cleaner(transcriber.settings)
        self._consumed = 0                              # 16 kHz samples handed to the cleaner
        self._vad: StreamingVad | None = None
        self._last: Hypothesis | None = None
        self._tried = (0, 0)           # (upto, speech_end) of the last decode started, even one that failed
        self._committed: tuple[HeardWord, ...] = ()
        self._committed_logprob = 0.0
        self.how = ""                  # how the transcript was made: reused, tail, whole, empty, cancelled
        self.decodes = 0               # decodes while the person spoke
        self.held_ms = 0.0             # their wall time
        self.commits: list[str] = []   # the committed text after each decode
        self.then: Callable[[Transcript], Transcript] | None = None  # what finish() hands its transcript to

    # -- the caller's side ---------------------------------------------------------------------
    @property
    def committed(self) -> str:
        """The words that will not change (empty until two decodes agree); as the latest decode
        wrote them, so a comma may still move."""
        return _text(self._committed)

    @property
    def partial(self) -> str:
        """The latest decode of everything heard so far."""
        last = self._last
        return last.text if last is not None else ""

    def feed(self, samples: np.ndarray, rate: int = SAMPLE_RATE) -> None:
        """More of the utterance: float32 mono at `rate` (the same for every call). Never blocks on
        decoding; audio past `stt.max_seconds` is dropped (the transcript says `truncated`)."""
        block = np.array(samples, dtype=np.float32).reshape(-1)
        with self._cond:
            if self._finishing or self._cancelled:
                return
            if not self._rate:
                self._rate = int(rate)
                self._cap = int(self.transcriber.settings.max_seconds * self._rate)
            elif int(rate) != self._rate:
                raise ValueError(f"audio fed at {rate} Hz after {self._rate} Hz")
            room = self._cap - self._fed
            if len(block) > room:
                block, self._truncated = block[:max(0, room)], True
            if not len(block):
                return
            self._blocks.append(block)
            self._fed += len(block)
            self._new = True
            if self.incremental and self.background and self._thread is None:
                self._running = True
                self._thread = threading.Thread(target=self._run, name="hearing", daemon=True)
                self._thread.start()
            self._cond.notify_all()
        if self.incremental and not self.background:
            self._step()

    def cancel(self) -> None:
        """Drop the utterance: finish() returns an empty transcript; a decode running ends unused."""
        with self._cond:
            self._cancelled = True
            self._cond.notify_all()

    def finish(self) -> Transcript:
        """The whole utterance's transcript (once the audio is all fed)."""
        t0 = time.perf_counter()
        with self._cond:
            self._finishing = True
            self._cond.notify_all()
            while self._running and not self._cancelled:  # its decode in flight, or given up after encoding
                self._cond.wait()
        transcript = Transcript() if self._cancelled else self._final()
        if self._cancelled:  # before or while the release's decode ran
            self.how, transcript = "cancelled", Transcript()
        transcript.timings_ms = {"stt": round((time.perf_counter() - t0) * 1000, 1)}
        if self.decodes:
            transcript.timings_ms["stt_held"] = round(self.held_ms, 1)
        return self.then(transcript) if self.then is not None and not self._cancelled else transcript

    # -- the hearing thread ----------------------------------------------------------------------
    def _run(self) -> None:
        try:
            while True:
                with self._cond:
                    while not (self._new or self._finishing or self._cancelled):
                        self._cond.wait()
                    if self._finishing or self._cancelled:
                        return
                self._step()
        except Exception:  # noqa: BLE001 - finish() still decodes the whole utterance
            log.warning("hearing while speaking failed; the release decodes it all", exc_info=True)
            self.incremental = False
        finally:
            with self._cond:
                self._running = False
                self._cond.notify_all()

    def _take(self, final: bool = False) -> np.ndarray:
        """Everything fed so far, 16 kHz and cleaned (only the hearing thread, or finish() after it,
        call this); `final`: the cleaner's last partial frame too."""
        with self._cond:
            blocks, self._blocks, self._new = self._blocks, [], False
            rate = self._rate
        if blocks:
            self._native = np.concatenate([self._native, *blocks])
            fresh = self._native if rate in (0, SAMPLE_RATE) else resample(self._native, rate)
            if not self._cleaner.active:
                self._audio = fresh
            elif len(fresh) > self._consumed:
                self._audio = np.concatenate([self._audio if self._consumed else self._audio[:0],
                                              self._cleaner.feed(fresh[self._consumed:])])
                self._consumed = len(fresh)
        if final and self._cleaner.active:
            self._audio = np.concatenate([self._audio, self._cleaner.flush()])
        return self._audio

    def _step(self) -> None:
        """Decode what has been heard if the speech paused or went on long enough since the last."""
        audio = self._take()
        if self._vad is None:
            self._vad = StreamingVad()
        vad = self._vad
        vad.update(audio)
        upto, speech_end = self._tried
        if not vad.speech_end or (vad.speech_end <= speech_end and upto - speech_end >= TRAIL_S * SAMPLE_RATE):
            return  # no speech yet, or the last decode heard all of it and the pause after it
        paused = vad.done - vad.speech_end >= self.pause
        if (paused and upto < vad.done) or (vad.speech_end > speech_end and len(audio) - upto >= self.step):
            self._hypothesis(audio, vad.speech_end)

    def _hypothesis(self, audio: np.ndarray, speech_end: int) -> None:
        self._tried = (len(audio), speech_end)
        speech, chunks = speech_chunks(audio)
        if not len(speech):
            return
        t0 = time.perf_counter()
        decoded = self.transcriber.decode_short(speech, words=True, proceed=self._wanted(speech_end, len(audio)))
        self.decodes += 1
        self.held_ms += (time.perf_counter() - t0) * 1000
        if decoded is None:
            return
        to_recording = _Timeline(chunks, len(audio))
        words = tuple(HeardWord(w.text, norm(w.text), to_recording(w.start), to_recording(w.end))
                      for w in decoded.words if norm(w.text))
        n = len(self._committed)
        agrees = [w.key for w in words[:n]] == [w.key for w in self._committed]
        hyp = Hypothesis(len(audio), speech_end, decoded.text, decoded.avg_logprob, words, agrees, decoded)
        prev, self._last = self._last, hyp
        if not agrees:
            return  # it changed its mind about committed words: they stay; the release decides the rest
        agreed = n
        if prev is not None:
            while agreed < min(len(words), len(prev.words)) and words[agreed].key == prev.words[agreed].key:
                agreed += 1
        self._committed = words[:agreed]  # the same words (or more), with the latest times
        self._committed_logprob = decoded.avg_logprob
        self.commits.append(self.committed)

    def _wanted(self, speech_end: int, upto: int) -> Callable[[], bool]:
        """Checked between encoder and decoder: after the release, a decode that has not heard all
        the speech is not worth finishing."""
        def wanted() -> bool:
            if self._cancelled:
                return False
            if not self._finishing:
                return True
            audio = self._take()
            assert self._vad is not None
            self._vad.update(audio, final=True)
            return self._vad.speech_end <= speech_end and upto - speech_end >= TRAIL_S * SAMPLE_RATE
        return wanted

    # -- at the release ---------------------------------------------------------------------------
    def _final(self) -> Transcript:
        audio = self._take(final=True)
        base = Transcript(audio_seconds=round(len(audio) / SAMPLE_RATE, 3), truncated=self._truncated)
        if not audible(audio):
            self.how = "empty"
            return base
        if not self.incremental:
            self.how = "whole"
            return self.transcriber.transcribe(Audio(audio, self._truncated), cleaned=True)
        vad = self._vad or StreamingVad()
        self._vad = vad
        vad.update(audio, final=True)
        if not vad.speech_end:  # no speech anywhere: what transcribe's VAD would find too
            self.how = "empty"
            return base
        last = self._last
        if last is not None and _heard_all(last, vad.speech_end):
            self.how = "reused"  # a whole-utterance decode: it wins over the words committed before it
            return self.transcriber.finalize(base, last.text, math.exp(last.avg_logprob) if last.text else 0.0,
                                             decoded=last.decoded)
        if self._committed:
            tail = self._tail(audio, base)
            if tail is not None:
                self.how = "tail"
                return tail
        self.how = "whole"
        return self.transcriber.transcribe(Audio(audio, self._truncated), cleaned=True)

    def _tail(self, audio: np.ndarray, base: Transcript) -> Transcript | None:
        """The speech after the committed words, decoded with them as Whisper's previous text.

        The tail starts OVERLAP_S before the committed words end, at a word boundary, so the words
        around the cut are heard with the sound before them; the decode must hear those committed
        words again (that confirms the cut), and only what follows them is new. None: the whole
        utterance has to be decoded instead."""
        words = self._committed
        j = next((i for i, w in enumerate(words) if w.start >= words[-1].end - OVERLAP_S * SAMPLE_RATE), len(words) - 1)
        j = max(j, len(words) - MAX_OVERLAP)
        if j < 1:
            return None  # the overlap reaches back to the start: that is the whole utterance
        cut = _quietest(audio, words[j - 1].end, words[j].start, words[j - 1].start)
        if cut < TAIL_MIN_S * SAMPLE_RATE:
            return None  # a short request: decoding it whole costs little more, and hears it better
        rest = audio[cut:]
        speech = speech_chunks(rest)[0] if audible(rest) else np.zeros(0, dtype=np.float32)
        if not len(speech):
            return None
        decoded = self.transcriber.decode_short(speech, context=_text(words[:j]))
        if decoded is None:
            return None  # looks failed (or too long): the whole utterance, with its fallbacks
        heard = decoded.text.split()
        again = [w.key for w in words[j:]]
        if [norm(w) for w in heard[: len(again)]] != again:
            return None  # the cut did not fall where the committed words say
        more = heard[len(again):]
        n_said, n_more = len(words), len(more)
        logprob = (self._committed_logprob * n_said + decoded.avg_logprob * n_more) / (n_said + n_more)
        text = " ".join([_text(words), *more])
        return self.transcriber.finalize(base, text, math.exp(logprob))


class _Timeline:
    """Seconds in the VAD-trimmed speech → sample positions in the recording."""

    def __init__(self, chunks: list[tuple[int, int]], length: int) -> None:
        self.chunks = chunks
        self.length = length

    def __call__(self, seconds: float) -> int:
        pos = int(seconds * SAMPLE_RATE)
        for start, end in self.chunks:
            if pos < end - start:
                return start + pos
            pos -= end - start
        return self.length


def _quietest(audio: np.ndarray, end: int, following: int, floor: int) -> int:
    """Where the tail starts: the quietest 10 ms near the boundary between the committed words and
    the next, never before the last committed word's start."""
    frame = SAMPLE_RATE // 100
    middle = (end + max(end, following)) // 2
    lo = max(floor, middle - int(CUT_SEARCH_S * SAMPLE_RATE))
    hi = min(len(audio) - frame, middle + int(CUT_SEARCH_S * SAMPLE_RATE))
    if hi <= lo:
        return min(max(middle, 0), len(audio))
    starts = np.arange(lo, hi, frame // 2)
    energy = [float(np.mean(np.square(audio[s:s + frame]))) for s in starts]
    return int(starts[int(np.argmin(energy))])


def _heard_all(hyp: Hypothesis, speech_end: int) -> bool:
    """Whether a decode heard all the speech there is and the pause after it."""
    return speech_end <= hyp.speech_end and hyp.upto - hyp.speech_end >= TRAIL_S * SAMPLE_RATE


def _text(words: tuple[HeardWord, ...]) -> str:
    return "".join(w.text for w in words).strip()

