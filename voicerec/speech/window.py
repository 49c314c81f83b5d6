"""Whisper on a window shorter than 30 seconds for a short request.

faster-whisper pads every segment to Whisper's 30 s window (3000 mel frames), so a 3 s request
pays for 30 s of encoder. CTranslate2's Whisper encoder accepts shorter inputs (its position
embeddings are sliced), and attention makes the cost fall faster than the length: measured here
with tiny.en, 437 ms for 30 s, 171 ms for 20 s, 70 ms for 10 s. Windows much shorter than
Whisper's training window decode worse, though, so the window has a floor (STTSettings.window_s).
Measured with the catalogue prompt and beam 2 (bench/results/stt.md), WER on LibriVox / on all
six spoken voices / latency of a 3 s request: 30 s (faster-whisper) 4.2% / 12.5% / 0.70 s;
20 s 1.4% / 9.8% / 0.50 s; 15 s (default) 4.2% / 10.9% / 0.35 s; 3 s 15.5% on LibriVox, with
repeated phrases.

`ShortWindow` decodes one utterance that way: VAD-trimmed speech, padded by `PAD_S` and rounded
up to whole seconds, encoded once, decoded with the same prompt, beam and token suppression as
faster-whisper's transcribe. It answers only what it can answer well: longer speech, a
multilingual model without a fixed language, or a result that looks like a failed decode
(repetition, very low log-probability) returns None, and the transcriber falls back to
faster-whisper's own path with its temperature fallback.

For hearing while the person still speaks (speech/hearing.py) a decode can also return its words
with their times (Whisper's cross-attention alignment, ~15 ms), take text already heard as
context (after the catalogue prompt, so only the rest of the speech is decoded), and give up
between encoder and decoder when `proceed()` says the result is no longer wanted.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from voicerec.speech.decode import SAMPLE_RATE

FRAMES_PER_SECOND = 100
MAX_SPEECH_S = 20.0        # longer speech goes through faster-whisper's windows
PAD_S = 1.0                # silence after the speech, so the window never ends mid-word
MAX_COMPRESSION = 2.4      # faster-whisper's own thresholds for a failed decode
MIN_AVG_LOGPROB = -1.0
NO_SPEECH = (0.8, -0.7)    # no_speech_prob above and avg_logprob below: not speech


@dataclass(frozen=True)
class Word:
    """One word as Whisper wrote it (leading space and punctuation kept), with its time in the
    decoded speech, in seconds."""

    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Decoded:
    text: str
    avg_logprob: float
    no_speech_prob: float
    window_s: int
    words: list[Word] = field(default_factory=list)  # only when asked for (words=True)
    # the beam's other hypotheses, best first: (text, average log-probability per token)
    alternatives: tuple[tuple[str, float], ...] = ()


class ShortWindow:
    """Decodes short utterances with a request-sized encoder window (see the module doc)."""

    def __init__(self, model: Any, *, language: str | None, beam_size: int, initial_prompt: str | None,
                 min_window_s: int = 15) -> None:
        from faster_whisper.tokenizer import Tokenizer

        self.model = model
        self.beam_size = max(1, int(beam_size))
        self.min_window_s = min(30, max(1, int(min_window_s)))
        multilingual = bool(model.model.is_multilingual)
        self.usable = bool(language) or not multilingual
        self.tokenizer = Tokenizer(model.hf_tokenizer, multilingual, task="transcribe",
                                   language=(language or "en") if multilingual else "en")
        tok = self.tokenizer
        self.initial_prompt = (initial_prompt or "").strip()
        self.prompt = self._prompt("")
        suppress = set(tok.non_speech_tokens) | {tok.transcribe, tok.translate, tok.sot, tok.sot_prev,
                                                 tok.sot_lm, tok.no_speech}
        self.suppress = sorted(suppress)

    def _prompt(self, context: str) -> list[int]:
        """Whisper's prompt: the catalogue prompt and `context` as previous text, then the start."""
        tok = self.tokenizer
        previous = " ".join(p for p in (self.initial_prompt, context.strip()) if p)
        tokens = tok.encode(" " + previous)[-(self.model.max_length // 2 - 1):] if previous else []
        return ([tok.sot_prev, *tokens] if tokens else []) + list(tok.sot_sequence) + [tok.no_timestamps]

    def decode(self, speech: np.ndarray, *, context: str = "", words: bool = False,
               proceed: Callable[[], bool] | None = None) -> Decoded | None:
        """`speech`: 16 kHz mono float32, already trimmed by VAD. None: use the 30 s path instead
        (or `proceed()` said, after the encoder, that the result is no longer wanted)."""
        seconds = len(speech) / SAMPLE_RATE
        if not self.usable or seconds > MAX_SPEECH_S or len(speech) == 0:
            return None
        window = int(min(30, max(self.min_window_s, math.ceil(seconds + PAD_S))))
        audio = np.zeros(window * SAMPLE_RATE, dtype=np.float32)
        audio[: len(speech)] = speech
        features = self.model.feature_extractor(audio)[:, : window * FRAMES_PER_SECOND]
        encoded = self.model.encode(features)
        if proceed is not None and not proceed():
            return None
        prompt = self.prompt if not context.strip() else self._prompt(context)
        result = self.model.model.generate(
            encoded, [prompt], beam_size=self.beam_size, patience=1.0, length_penalty=1.0,
            max_length=self.model.max_length, return_scores=True, return_no_speech_prob=True,
            suppress_blank=True, suppress_tokens=self.suppress, num_hypotheses=self.beam_size,
        )[0]
        from faster_whisper.transcribe import get_compression_ratio

        hypotheses = [self._hypothesis(ids, score) for ids, score in zip(result.sequences_ids, result.scores, strict=True)]
        tokens, text, avg_logprob = hypotheses[0]
        if text and (get_compression_ratio(text) > MAX_COMPRESSION or avg_logprob < MIN_AVG_LOGPROB):
            return None  # looks like a failed decode: let the full path (with its fallbacks) try
        if result.no_speech_prob > NO_SPEECH[0] and avg_logprob < NO_SPEECH[1]:
            return Decoded("", float(avg_logprob), float(result.no_speech_prob), window)
        timed = self._words(tokens, encoded, window) if words and text else []
        others = tuple((t, float(lp)) for _, t, lp in hypotheses[1:] if t and t != text)
        return Decoded(text, float(avg_logprob), float(result.no_speech_prob), window, timed, others)

    def _hypothesis(self, ids: list[int], score: float) -> tuple[list[int], str, float]:
        """A beam hypothesis: its tokens (end of text dropped), text and mean log-probability per token
        (faster-whisper's: the sum over the tokens and the end of text, divided by their count)."""
        tokens = [t for t in ids if t < self.tokenizer.eot]
        return tokens, self.tokenizer.decode(tokens).strip(), score * len(tokens) / (len(tokens) + 1)

    def _words(self, tokens: list[int], encoded: Any, window: int) -> list[Word]:
        """The words of `tokens` with their times; punctuation joins the word before it."""
        found = self.model.find_alignment(self.tokenizer, [tokens], encoded, window * FRAMES_PER_SECOND)[0]
        out: list[Word] = []
        for w in found:
            text = str(w["word"])
            if out and not any(c.isalnum() for c in text):
                last = out[-1]
                out[-1] = Word(last.text + text, last.start, last.end)
            elif text.strip():
                out.append(Word(text, float(w["start"]), float(w["end"])))
        return out
