"""Understanding one turn: its words (and the conversation so far) → the Query to answer.

    RuleParser.parse ─► followup.resolve (against the session's last turn)
                     ─► LLMParser.parse, when an LLM is configured and the turn is a fresh request
                     ─► merge.merge (the rules' constraints are never dropped)

`Understanding.read` is the one entry point; it never raises for what a person says, reads a turn
only as far as 30 s of speech (`spoken_part`), and an LLM that fails or is slow only costs its time
budget (the built-in parse stands).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from voicerec.config import LLMSettings
from voicerec.state.sessions import Turn
from voicerec.types import Query
from voicerec.understand import followup
from voicerec.understand.merge import merge
from voicerec.understand.rules import RuleParser

# What a person says in 30 s of speech (a fast 180 words a minute): a turn is read this far and no
# further, so that what a peer sends cannot make the work of one request unbounded.
MAX_WORDS = 90
MAX_CHARS = 500


def spoken_part(text: str) -> str:
    """`text` up to MAX_WORDS words and MAX_CHARS characters, cut between words."""
    words = str(text or "")[: MAX_CHARS * 4].split()[:MAX_WORDS]
    out = " ".join(words)
    if len(out) > MAX_CHARS:
        out = out[:MAX_CHARS].rsplit(" ", 1)[0] if " " in out[:MAX_CHARS] else out[:MAX_CHARS]
    return out


@dataclass(frozen=True)
class Reading:
    """The query for a turn, and what each step took (milliseconds)."""

    query: Query
    timings_ms: dict[str, float] = field(default_factory=dict)


class Understanding:
    """Rules → follow-up → optional LLM → merge. One per process; the LLM client is built once."""

    def __init__(self, parser: RuleParser, llm: LLMSettings | None = None) -> None:
        self.parser = parser
        self.llm_settings = llm
        self._llm = None

    @property
    def llm(self):  # -> LLMParser | None
        if self._llm is None and self.llm_settings is not None and self.llm_settings.enabled:
            from voicerec.understand.llm import LLMParser

            self._llm = LLMParser(self.llm_settings)
        return self._llm

    def warm(self) -> None:
        """Load the parser's tables and build the LLM client now, so a bad setting shows at start-up."""
        self.parser.parse("a light comedy from the 2000s under two hours")
        self.parser.parse("who directed the dark night")  # the titles' names for near-misses (questions.py)
        _ = self.llm

    def read(self, text: str, prev: Turn | None = None) -> Reading:
        t0 = time.perf_counter()
        text = spoken_part(text)
        parsed = self.parser.parse(text)
        query = followup.resolve(text, parsed, prev)
        timings = {"parse": (time.perf_counter() - t0) * 1000}
        if query is parsed and parsed.intent == "recommend" and self.llm is not None:
            t1 = time.perf_counter()
            reading = self.llm.parse(text, previous=prev.query if prev else None)
            query = merge(parsed, reading, resolve_title=self._title, resolve_person=self._person)
            timings["llm"] = (time.perf_counter() - t1) * 1000
        return Reading(query, timings)

    # the catalogue decides which names the LLM gave count (merge keeps only resolved ones)
    def _title(self, name: str) -> str | None:
        names = self.parser.names
        ref = names.find_title(name) if names else None
        return ref.title if ref else None

    def _person(self, name: str) -> str | None:
        names = self.parser.names
        return next((p.name for p in names.find_people(name)), None) if names else None
