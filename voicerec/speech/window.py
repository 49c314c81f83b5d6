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
"""

from __future__ import annotations

import math
from dataclasses import dataclass
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
class Decoded:
    text: str
    avg_logprob: float
    no_speech_prob: float
    window_s: int


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
        prompt: list[int] = []
        if initial_prompt and initial_prompt.strip():
            prompt = tok.encode(" " + initial_prompt.strip())[-(model.max_length // 2 - 1):]
        self.prompt = ([tok.sot_prev, *prompt] if prompt else []) + list(tok.sot_sequence) + [tok.no_timestamps]
        suppress = set(tok.non_speech_tokens) | {tok.transcribe, tok.translate, tok.sot, tok.sot_prev,
                                                 tok.sot_lm, tok.no_speech}
        self.suppress = sorted(suppress)

    def decode(self, speech: np.ndarray) -> Decoded | None:
        """`speech`: 16 kHz mono float32, already trimmed by VAD. None: use the 30 s path instead."""
        seconds = len(speech) / SAMPLE_RATE
        if not self.usable or seconds > MAX_SPEECH_S or len(speech) == 0:
            return None
        window = int(min(30, max(self.min_window_s, math.ceil(seconds + PAD_S))))
        audio = np.zeros(window * SAMPLE_RATE, dtype=np.float32)
        audio[: len(speech)] = speech
        features = self.model.feature_extractor(audio)[:, : window * FRAMES_PER_SECOND]
        encoded = self.model.encode(features)
        result = self.model.model.generate(
            encoded, [self.prompt], beam_size=self.beam_size, patience=1.0, length_penalty=1.0,
            max_length=self.model.max_length, return_scores=True, return_no_speech_prob=True,
            suppress_blank=True, suppress_tokens=self.suppress,
        )[0]
        from faster_whisper.transcribe import get_compression_ratio

        tokens = [t for t in result.sequences_ids[0] if t < self.tokenizer.eot]
        text = self.tokenizer.decode(tokens).strip()
        avg_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1)
        if text and (get_compression_ratio(text) > MAX_COMPRESSION or avg_logprob < MIN_AVG_LOGPROB):
            return None  # looks like a failed decode: let the full path (with its fallbacks) try
        if result.no_speech_prob > NO_SPEECH[0] and avg_logprob < NO_SPEECH[1]:
            text = ""
        return Decoded(text, float(avg_logprob), float(result.no_speech_prob), window)
