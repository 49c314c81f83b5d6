"""Understanding one turn: its words (and the conversation so far) → the Query to answer, and the Act.

    acts.read (an act on the conversation: "any others", "put it on", "thanks") ─► conversation.query
    or RuleParser.parse ─► followup.resolve (against the session's last turn; "it" by focus.py)
                        ─► LLMParser.parse, when an LLM is configured and the turn is a fresh request
                        ─► merge.merge (the rules' constraints are never dropped)

`Understanding.read` is the one entry point; it never raises for what a person says, reads a turn
only as far as 30 s of speech (`spoken_part`), and an LLM that fails or is slow only costs its time
budget (the built-in parse stands). An act is decided before the LLM: the LLM only ever parses a
fresh request.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from voicerec.config import LLMSettings
from voicerec.state.sessions import Turn
from voicerec.types import Act, Query
from voicerec.understand import acts, conversation, followup, questions
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
    """The query for a turn, what the turn did to the conversation (None: a fresh request), and what
    each step took (milliseconds)."""

    query: Query
    timings_ms: dict[str, float] = field(default_factory=dict)
    act: Act | None = None


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
        heard = acts.read(text, prev, self._named, self.parser.parse)
        if heard is not None:  # an act on the conversation; starting over reads what follows afresh
            query, act = conversation.query(heard, None if heard.kind == "reset" else prev, self.read_fresh)
            return Reading(query, {"parse": (time.perf_counter() - t0) * 1000}, act)
        parsed = self.parser.parse(text)
        query = followup.resolve(text, parsed, prev)
        act = _act(query, parsed, prev)
        timings = {"parse": (time.perf_counter() - t0) * 1000}
        if query is parsed and parsed.intent == "recommend" and self.llm is not None:
            t1 = time.perf_counter()
            reading = self.llm.parse(text, previous=prev.query if prev else None)
            query = merge(parsed, reading, resolve_title=self._title, resolve_person=self._person)
            timings["llm"] = (time.perf_counter() - t1) * 1000
        return Reading(query, timings, act)

    def read_fresh(self, text: str) -> Query:
        """The words after an act ("forget that, a western"; "no, I said Korean") as a request of their own."""
        parsed = self.parser.parse(text)
        return followup.resolve(text, parsed, None)

    def _named(self, words: str) -> dict | None:
        """"play moana": the title a name says (None for a request: "play something funny")."""
        names = self.parser.names
        found = questions.title_named(words, names) if names else None
        return {"id": found.id, "title": found.title, "kind": found.kind, "year": found.year} if found else None

    # the catalogue decides which names the LLM gave count (merge keeps only resolved ones)
    def _title(self, name: str) -> str | None:
        names = self.parser.names
        ref = names.find_title(name) if names else None
        return ref.title if ref else None

    def _person(self, name: str) -> str | None:
        names = self.parser.names
        return next((p.name for p in names.find_people(name)), None) if names else None


def _act(query: Query, parsed: Query, prev: Turn | None) -> Act | None:
    """What a turn that is not one of acts.py's did to the conversation: a question about a title of it
    ("how long is it"), a title of the list marked seen by name, or a refinement ("only on Netflix")."""
    if prev is None or query is parsed:
        return None
    if query.intent in ("question", "seen", "describe"):
        kind = {"question": "ask"}.get(query.intent, query.intent)
        return Act(kind=kind, ref=query.describe_index, title_id=query.title_id, title=query.title)  # type: ignore[arg-type]
    return Act(kind="refine")
