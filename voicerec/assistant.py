"""The pipeline: text or audio in, Answer out. `ask`, `listen` and the daemon all call this.

    words ─► RuleParser.parse (+ LLMParser, when configured) ─► followup.resolve ─► Query
    Query ─► Ranker.rank (Catalog.candidates: SQL hard filters, then hybrid scoring) ─► [Suggestion]
    [Suggestion] ─► reply.compose ─► Answer (+ session and history kept locally)

Heavy parts (the catalogue's vectors, the query embedder, Whisper, the LLM client) load once,
lazily, so `ask` never imports faster-whisper and the daemon never reloads anything.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from voicerec import reply
from voicerec.catalog.store import Catalog
from voicerec.config import Settings
from voicerec.history import History
from voicerec.rank.rank import Ranker
from voicerec.rank.why import reason
from voicerec.types import Answer, Query, Suggestion, Transcript
from voicerec.understand import followup
from voicerec.understand.names import NameMatcher
from voicerec.understand.rules import RuleParser
from voicerec.understand.session import SessionStore, Turn

log = logging.getLogger(__name__)


class Assistant:
    """Wires the stages together. One per process; thread-compatible (one request at a time)."""

    def __init__(self, settings: Settings, *, catalog: Catalog | None = None) -> None:
        self.settings = settings
        self.catalog = catalog or Catalog(settings.catalog_path)
        self.parser = RuleParser(NameMatcher(self.catalog.conn), newest_year=self.catalog.newest_year)
        self.ranker = Ranker(self.catalog)
        self._sessions: SessionStore | None = None
        self._history: History | None = None
        self._llm = None
        self._transcriber = None

    # --- lazily built parts -------------------------------------------------------------
    @property
    def sessions(self) -> SessionStore:
        if self._sessions is None:
            self._sessions = SessionStore(self.settings.state_dir / "sessions.db", self.settings.session_idle_s)
        return self._sessions

    @property
    def history(self) -> History:
        if self._history is None:
            self._history = History(self.settings.state_dir / "history.db", self.settings.history_days)
        return self._history

    @property
    def llm(self):
        if self._llm is None and self.settings.llm.enabled:
            from voicerec.understand.llm import LLMParser

            names = self.parser.names
            self._llm = LLMParser(
                self.settings.llm,
                resolve_title=lambda name: (ref.title if (ref := names.find_title(name)) else None),
                resolve_person=lambda name: next((p.name for p in names.find_people(name)), None),
            )
        return self._llm

    @property
    def transcriber(self):
        if self._transcriber is None:
            from voicerec.speech.stt import Transcriber

            self._transcriber = Transcriber.from_settings(self.settings)
        return self._transcriber

    def warm(self) -> None:
        """Load everything a request needs (the daemon calls this once at start-up)."""
        self.ranker.warm()
        self.parser.parse("a light comedy from the 2000s under two hours")
        self.transcriber.load()

    # --- entry points -------------------------------------------------------------------
    def listen(self, audio: Path | str | object, session: str | None = None) -> Answer:
        t0 = time.perf_counter()
        transcript: Transcript = self.transcriber.transcribe(audio)
        stt_ms = (time.perf_counter() - t0) * 1000
        answer = self.ask(transcript.text, session=session)
        answer.transcript = transcript.text
        answer.timings_ms = {"stt": round(stt_ms, 1), **answer.timings_ms}
        answer.timings_ms["total"] = round(answer.timings_ms["total"] + stt_ms, 1)
        if transcript.truncated and transcript.text:
            answer.reply = "That was a long recording, so I only listened to the start. " + answer.reply
        return answer

    def ask(self, text: str, session: str | None = None) -> Answer:
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        prev = self.sessions.load(session) if session else None
        query = self.understand(text, prev, timings)
        if query.intent == "recommend":
            load = self.ranker.prepare(query)  # first use in this process: not the request's cost
            if load > 1:
                timings["load"] = load
        t1 = time.perf_counter()
        results, like_title = self.search(query, prev)
        t2 = time.perf_counter()
        if query.intent == "describe":
            text_reply = reply.describe_title(results[0]) if results else "Sorry, I don't know which one you mean."
        else:
            text_reply = reply.compose(query, results, like_title=like_title)
        t3 = time.perf_counter()
        timings.update(search=(t2 - t1) * 1000, reply=(t3 - t2) * 1000,
                       total=(t3 - t0) * 1000 - timings.get("load", 0.0))
        timings.update({k: v for k, v in self.ranker.timings.items()})
        self.ranker.timings.clear()
        answer = Answer(transcript=text, query=query, results=results, reply=text_reply,
                        timings_ms={k: round(v, 1) for k, v in timings.items()})
        self._remember(session, query, results, prev, text)
        return answer

    # --- stages ---------------------------------------------------------------------------
    def understand(self, text: str, prev: Turn | None, timings: dict[str, float]) -> Query:
        t0 = time.perf_counter()
        parsed = self.parser.parse(text)
        query = followup.resolve(text, parsed, prev)
        timings["parse"] = (time.perf_counter() - t0) * 1000
        if self.llm is not None and query is parsed and parsed.intent == "recommend":
            t1 = time.perf_counter()
            # the LLM's reading merged onto the built-in parse (which wins on hard numbers); None on any failure
            query = self.llm.parse(text, previous=prev.query if prev else None, hint=parsed) or parsed
            timings["llm"] = (time.perf_counter() - t1) * 1000
        return query

    def search(self, q: Query, prev: Turn | None) -> tuple[list[Suggestion], str | None]:
        n = self.settings.results
        if q.intent == "describe":
            if not prev or not q.describe_index or not 1 <= q.describe_index <= len(prev.results):
                return [], None
            t = self.catalog.title(prev.results[q.describe_index - 1]["id"])
            return ([Suggestion(**t.model_dump())] if t else []), None
        if q.intent != "recommend":
            return [], None
        like_title = None
        if q.similar_to:
            like = self.catalog.title(q.similar_to)
            like_title = like.title if like else None
        if q.title and not q.similar_to:
            named = self.catalog.find_by_title(q.title, q.kind)
            if named is None:
                return [], None
            base = q.model_copy(update={"title": None})
            fits = self.catalog.passes(named.rowid, base)
            facts = self.catalog.titles([named.rowid])[named.rowid]
            head = [Suggestion(**facts.model_dump(), why=reason(facts, q))] if fits else []
            similar = base.model_copy(update={"similar_to": named.id, "exclude_ids": [*q.exclude_ids, named.id]})
            return head + self.ranker.rank(similar, n - len(head)), None
        return self.ranker.rank(q, n), like_title

    def _remember(self, session: str | None, q: Query, results: list[Suggestion], prev: Turn | None,
                  text: str) -> None:
        try:
            if session:
                self.sessions.save(session, q, results, prev, keep_results=q.intent == "describe")
            self.history.add(session, text, q, results)
        except Exception as e:  # a full disk must not cost the user their answer
            log.warning("could not save the conversation: %s", e)
