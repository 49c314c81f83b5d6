"""The one pipeline. The CLI, the daemon and the Wyoming server call these methods and nothing below:

    hear(audio)                    ─► Transcript   (faster-whisper, catalogue-biased)
    hearing()                      ─► Hearing: feed(samples, rate) while the person speaks,
                                      finish() ─► Transcript at the end, cancel() (speech/hearing.py)
    answer(text, session, cancel)  ─► Answer       (understand ─► rank ─► say ─► state)
    speak(text)                    ─► int16 audio chunks (Piper, first sentence first; speak_rate)

`answer` understands the words (rules → follow-up → optional LLM → merge: understand/pipeline.py),
dispatches once on the intent, ranks (rank/), words the reply (say/) and keeps the conversation and
history (state/). Each stage reports its own milliseconds in the value it returns.

Heavy parts (the catalogue's vectors, the query embedder, Whisper, Piper, the LLM client) load once,
lazily, so `ask` never imports faster-whisper and the daemon never reloads anything per request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from voicerec.catalog.store import Catalog
from voicerec.config import Settings, TTSSettings
from voicerec.rank.rank import Ranker
from voicerec.say import reply
from voicerec.say.why import reason
from voicerec.state.history import History
from voicerec.state.sessions import SessionStore, Turn
from voicerec.types import Answer, Query, Suggestion, Transcript
from voicerec.understand.names import NameMatcher
from voicerec.understand.pipeline import Understanding
from voicerec.understand.rules import RuleParser

if TYPE_CHECKING:
    from voicerec.speech.hearing import Hearing

log = logging.getLogger(__name__)


class Cancel(Protocol):
    def is_set(self) -> bool: ...


Handler = Callable[[Query, "Turn | None"], tuple[list[Suggestion], str]]


class Assistant:
    """One per process. `answer` is thread-compatible (one request at a time per Assistant)."""

    def __init__(self, settings: Settings, *, catalog: Catalog | None = None) -> None:
        self.settings = settings
        self.catalog = catalog or Catalog(settings.catalog_path)
        self.understanding = Understanding(
            RuleParser(NameMatcher(self.catalog.conn), newest_year=self.catalog.newest_year), settings.llm)
        self.ranker = Ranker(self.catalog, use_vectors=settings.embeddings)
        self._sessions: SessionStore | None = None
        self._history: History | None = None
        self._transcriber: Any = None
        self._speaker: Any = None
        self._handlers: dict[str, Handler] = {
            "recommend": self._recommend,
            "describe": self._describe,
            "out_of_domain": lambda q, prev: ([], reply.OUT_OF_DOMAIN),
            "empty": lambda q, prev: ([], reply.DIDNT_CATCH),
        }

    # --- lazily built parts ---------------------------------------------------------------
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
    def transcriber(self) -> Any:
        if self._transcriber is None:
            from voicerec.speech.stt import Transcriber

            self._transcriber = Transcriber.from_settings(self.settings)
        return self._transcriber

    @property
    def speaker(self) -> Any:
        if self._speaker is None:
            from voicerec.speech.tts import Speaker

            self._speaker = Speaker(self.settings.tts)
        return self._speaker

    def warm(self, *, hear: bool = True, speak: bool = False) -> None:
        """Load everything a request needs now (the daemon and the Wyoming server call this once)."""
        self.ranker.warm()
        self.understanding.warm()
        if hear:
            self.transcriber.warm()
        if speak:
            self.speaker.load()

    def use_voice(self, tts: TTSSettings) -> None:
        """Swap the voice (a settings reload that changed only [tts])."""
        from voicerec.speech.tts import Speaker

        self._speaker = Speaker(tts).load()

    # --- the three stages -----------------------------------------------------------------
    def hear(self, audio: np.ndarray | Path | str | Any) -> Transcript:
        """Speech → text: a float32 16 kHz mono array, or a WAV/FLAC/OGG/MP3 path."""
        t0 = time.perf_counter()
        transcript: Transcript = self.transcriber.transcribe(audio)
        transcript.timings_ms = {"stt": round((time.perf_counter() - t0) * 1000, 1)}
        return transcript

    def hearing(self) -> Hearing:
        """Speech → text while it is still being spoken: `feed(samples, rate)` as the audio arrives,
        `finish()` → Transcript once it has all come (usually ready at once), `cancel()` to drop it.
        With stt.incremental off, `finish()` is `hear` on the whole recording."""
        from voicerec.speech.hearing import Hearing

        return Hearing(self.transcriber, incremental=self.settings.stt.incremental)

    def answer(self, text: str, session: str | None = None, cancel: Cancel | None = None) -> Answer:
        """Words → the answer: results and the reply to speak. A cancelled request answers nothing."""
        t0 = time.perf_counter()
        prev = self.sessions.load(session) if session else None
        reading = self.understanding.read(text, prev)
        query, timings = reading.query, dict(reading.timings_ms)
        if cancel is not None and cancel.is_set():
            return Answer(transcript=text, query=query, timings_ms=_rounded(timings))
        if query.intent == "recommend":
            load = self.ranker.prepare(query)  # first use in this process: not the request's cost
            if load > 1:
                timings["load"] = load
        t1 = time.perf_counter()
        results, text_reply = self._handlers[query.intent](query, prev)
        timings["search"] = (time.perf_counter() - t1) * 1000
        timings["total"] = (time.perf_counter() - t0) * 1000 - timings.get("load", 0.0)
        answer = Answer(transcript=text, query=query, results=results, reply=text_reply,
                        timings_ms=_rounded(timings))
        if query.intent != "empty" and (cancel is None or not cancel.is_set()):
            self._remember(session, query, results, prev, text)
        return answer

    @property
    def speak_rate(self) -> int:
        return self.speaker.sample_rate

    def speak(self, text: str) -> Iterator[np.ndarray]:
        """Text → int16 mono audio chunks at `speak_rate`, the first sentence first (lazily made)."""
        return self.speaker.stream(text)

    # --- `voicerec listen`: hear, then answer ---------------------------------------------
    def listen(self, audio: np.ndarray | Path | str | Any, session: str | None = None) -> Answer:
        transcript = self.hear(audio)
        answer = self.answer(transcript.text, session=session)
        stt_ms = transcript.timings_ms["stt"]
        answer.timings_ms = {"stt": stt_ms, **answer.timings_ms}
        answer.timings_ms["total"] = round(answer.timings_ms["total"] + stt_ms, 1)
        if transcript.truncated and transcript.text:
            answer.reply = "That was a long recording, so I only listened to the start. " + answer.reply
        return answer

    # --- one handler per intent -----------------------------------------------------------
    def _recommend(self, q: Query, prev: Turn | None) -> tuple[list[Suggestion], str]:
        results, like_title = self._search(q)
        results = [s.model_copy(update={"why": reason(s, q)}) for s in results]
        return results, reply.compose(q, results, like_title=like_title)

    def _describe(self, q: Query, prev: Turn | None) -> tuple[list[Suggestion], str]:
        if not prev or not q.describe_index or not 1 <= q.describe_index <= len(prev.results):
            return [], reply.WHICH_ONE
        t = self.catalog.title(prev.results[q.describe_index - 1]["id"])
        if t is None:
            return [], reply.WHICH_ONE
        return [Suggestion(**t.model_dump())], reply.describe_title(t)

    def _search(self, q: Query) -> tuple[list[Suggestion], str | None]:
        n = self.settings.results
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
            head = [Suggestion(**facts.model_dump())] if fits else []
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


def _rounded(timings: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 1) for k, v in timings.items()}
