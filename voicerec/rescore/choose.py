"""Choosing what was said among what Whisper might have heard, and knowing when it did not hear.

    rescorer = Rescorer(parser.parse, SoundIndex(...))
    transcript = rescorer.choose(transcript)     # text: the best candidate; heard_as, doubt, timings

Candidates: Whisper's first choice, the beam's other hypotheses (Transcript.alternatives) and
respellings of each by sound (sounds.py). Each is parsed by the rule parser (no LLM: ~1 ms) and
scored

    score = whisper × log(confidence) + named × things named − unexplained × words left over
            − respelled × (words replaced × (1 − similarity) + 1)

so a hypothesis that names a real title, person, genre or mood the catalogue knows beats one that
names nothing, unless Whisper was much surer of the other; a candidate must name more than Whisper's
first choice to replace it. The weights are data (`Weights`), chosen
on the bank's tuning requests spoken in rooms (bench/room.py --tune), not on the dev requests.

Doubt (`Doubts`): the chosen text gets `doubt = "unclear"` when Whisper itself was unsure (mean
token probability below `min_confidence`, or no-speech probability above `max_no_speech`), and
`"names nothing"` when the parse found nothing to look for but left words unexplained. The
assistant then asks back instead of answering (say/askback.py).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from voicerec.rescore.covered import named_count, unexplained
from voicerec.rescore.sounds import SoundIndex
from voicerec.types import Query, Transcript


# Chosen on the bank's tuning requests (80, spoken by Piper joe and two espeak-ng voices the
# reports do not use, quiet and in the room: bench/room.py --tune, bench/results/room-tune.md), for
# the most right answers and useful questions with fewer than 1 in 20 quiet requests asked back.
@dataclass(frozen=True)
class Weights:
    whisper: float = 1.0        # × log of the mean token probability (≤ 0)
    named: float = 0.3          # per thing the parse found
    unexplained: float = 0.15   # per content word nothing accounts for
    respelled: float = 0.3      # a respelling's cost: (words replaced × (1 − similarity) + 1) × this


@dataclass(frozen=True)
class Doubts:
    # asking on Whisper's confidence alone costs more right answers than it saves wrong ones on the
    # tuning set (0.0 and 0.3 tie there; 0.5 asks 3× as often): only a very unsure hearing is asked
    min_confidence: float = 0.3   # Whisper's mean token probability below this: unclear
    max_no_speech: float = 0.6    # Whisper's no-speech probability above this: unclear (not tuned)


MAX_UNEXPLAINED = 1  # a hypothesis replacing Whisper's own must read as a request: this many odd words at most


@dataclass(frozen=True)
class Candidate:
    text: str
    confidence: float
    source: str              # "whisper" (its first choice), "beam" (another hypothesis), "sound" (respelled)
    query: Query
    named: int
    unexplained: int
    respelled_words: int = 0
    similarity: float = 1.0

    def score(self, w: Weights) -> float:
        s = w.whisper * math.log(max(self.confidence, 1e-4)) + w.named * self.named - w.unexplained * self.unexplained
        if self.source == "sound":
            s -= w.respelled * (self.respelled_words * (1 - self.similarity) + 1)
        return s


class Rescorer:
    """One per process (the sound index is built once); `choose` is thread-safe."""

    def __init__(self, parse: Callable[[str], Query], sounds: SoundIndex | None = None,
                 weights: Weights | None = None, doubts: Doubts | None = None) -> None:
        self.parse = parse
        self.sounds = sounds
        self.weights = weights or Weights()
        self.doubts = doubts or Doubts()

    def candidates(self, transcript: Transcript) -> list[Candidate]:
        """Whisper's first choice, its beam's other hypotheses, and their respellings by sound."""
        heard = [(transcript.text, transcript.confidence, "whisper")]
        heard += [(a.text, a.confidence, "beam") for a in transcript.alternatives]
        out: list[Candidate] = []
        seen: set[str] = set()
        for text, confidence, source in heard:
            if not text.strip() or text in seen:
                continue
            seen.add(text)
            cand = self._candidate(text, confidence, source)
            out.append(cand)
            if self.sounds is None or not cand.unexplained or cand.query.intent == "out_of_domain":
                continue  # a request for something else, heard clearly, is not respelled into one
            for r in self.sounds.respell(text, unexplained(text, cand.query)):
                if r.text not in seen:
                    seen.add(r.text)
                    out.append(self._candidate(r.text, confidence, "sound", r.words, r.similarity))
        return out

    def _candidate(self, text: str, confidence: float, source: str, words: int = 0, similarity: float = 1.0) -> Candidate:
        q = self.parse(text)
        return Candidate(text, confidence, source, q, named_count(q), len(unexplained(text, q)), words, similarity)

    def best(self, candidates: list[Candidate]) -> Candidate:
        """The best-scoring candidate among Whisper's first choice and those that read as a request:
        naming more than it and leaving at most MAX_UNEXPLAINED words unexplained. Leaving fewer words
        unexplained alone never overrules Whisper, nor does a genre or an era found in speech that is
        no request (read speech: "Had he married ..." is not "A comedy married ...")."""
        top = candidates[0]
        better = [c for c in candidates
                  if c is top or (c.named > top.named and c.unexplained <= MAX_UNEXPLAINED)]
        return max(better, key=lambda c: c.score(self.weights))  # ties: Whisper's order

    def doubt(self, chosen: Candidate, transcript: Transcript) -> str:
        q = chosen.query
        if q.intent == "empty" or (q.intent == "recommend" and not chosen.named and chosen.unexplained):
            return "names nothing"
        if chosen.confidence < self.doubts.min_confidence or transcript.no_speech_prob > self.doubts.max_no_speech:
            return "unclear"
        return ""

    def choose(self, transcript: Transcript) -> Transcript:
        """The transcript with the best candidate as its text, Whisper's own choice in `heard_as`
        when that differs, and the doubt; `timings_ms["rescore"]` is what it took."""
        if not transcript.text.strip():
            return transcript
        t0 = time.perf_counter()
        cands = self.candidates(transcript)
        chosen = self.best(cands)
        update = {"doubt": self.doubt(chosen, transcript),
                  "timings_ms": {**transcript.timings_ms, "rescore": round((time.perf_counter() - t0) * 1000, 1)}}
        if chosen.text != transcript.text:
            update |= {"text": chosen.text, "heard_as": transcript.text, "confidence": chosen.confidence}
        return transcript.model_copy(update=update)
