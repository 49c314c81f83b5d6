"""The one pipeline. The CLI, the daemon and the Wyoming server call these methods and nothing below:

    hear(audio)                    ─► Transcript   (cleaned audio ─► faster-whisper, catalogue-biased
                                                     ─► the beam's hypotheses rescored: rescore/)
    hearing()                      ─► Hearing: feed(samples, rate) while the person speaks,
                                      finish() ─► Transcript at the end, cancel() (speech/hearing.py)
    answer(text, session, cancel, heard)
                                   ─► Answer       (understand ─► rank ─► say ─► state); with the
                                      Transcript in `heard`, a doubtful hearing is asked back about
    speak(text)                    ─► int16 audio chunks (Piper, first sentence first; speak_rate)

`answer` understands the words (an act on the conversation, or rules → follow-up → optional LLM → merge:
understand/pipeline.py), dispatches once on the intent, ranks (rank/), words the reply (say/), keeps
the conversation (its last list and focus) and history (state/), and runs the household's on_choose
hook when a title is chosen (hooks.py). Each stage reports its own milliseconds in the value it returns.

Heavy parts (the catalogue's vectors, the query embedder, Whisper, Piper, the LLM client) load once,
lazily, so `ask` never imports faster-whisper and the daemon never reloads anything per request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from voicerec import hooks
from voicerec.catalog.store import Catalog
from voicerec.config import Settings, TTSSettings
from voicerec.errors import CatalogError
from voicerec.rank.rank import Ranker
from voicerec.rank.suggest import suggest
from voicerec.rescore.choose import Rescorer
from voicerec.say import answers, askback, reply, talk
from voicerec.say.why import reason
from voicerec.state.history import History
from voicerec.state.pending import PendingGuesses
from voicerec.state.seen import SeenList
from voicerec.state.sessions import STANDING, SessionStore, Turn, facts
from voicerec.types import Answer, Query, Suggestion, Title, Transcript
from voicerec.understand.confirm import reply_to_ask_back
from voicerec.understand.names import NameMatcher
from voicerec.understand.pipeline import Understanding
from voicerec.understand.rules import RuleParser
from voicerec.vocab.places import country_name
from voicerec.vocab.services import Spoken

if TYPE_CHECKING:
    from voicerec.speech.hearing import Hearing

log = logging.getLogger(__name__)


class Cancel(Protocol):
    def is_set(self) -> bool: ...


Handler = Callable[[Query, "Turn | None"], tuple[list[Suggestion], str]]

# Intents that change the household's own state (the seen list; later its taste, its settings), with
# what doing so is called. A request from outside the household's own front-ends (`answer(...,
# household=False)`: Wyoming unless `[wyoming] household_changes`) is refused them and writes nothing.
# A new intent joins by being named here.
HOUSEHOLD_CHANGES: dict[str, str] = {"seen": "mark titles as seen"}
NOT_FROM_HERE = "Sorry, I can only {what} at home: that's turned off over the network."


class Assistant:
    """One per process. `answer` is thread-compatible (one request at a time per Assistant)."""

    def __init__(self, settings: Settings, *, catalog: Catalog | None = None) -> None:
        self.settings = settings
        self.catalog = catalog or Catalog(settings.catalog_path, settings.region)
        self.understanding = Understanding(self._parser(), settings.llm)
        self.ranker = Ranker(self.catalog, use_vectors=settings.embeddings)
        self._sessions: SessionStore | None = None
        self._history: History | None = None
        self._seen: SeenList | None = None
        self._transcriber: Any = None
        self._speaker: Any = None
        self._handlers: dict[str, Handler] = {
            "recommend": self._recommend,
            "describe": self._describe,
            "seen": self._mark_seen,
            "question": self._question,
            "out_of_domain": lambda q, prev: ([], reply.OUT_OF_DOMAIN),
            "empty": lambda q, prev: ([], reply.DIDNT_CATCH),
            "choose": self._choose,
            "close": lambda q, prev: ([], talk.closing(q.title)),
            "help": lambda q, prev: ([], talk.HELP),
            "greet": lambda q, prev: ([], talk.GREETING),
            "reset": lambda q, prev: ([], talk.RESET),
        }

    def _parser(self) -> RuleParser:
        """The rule parser over this catalogue: its names, and its region's services as they are said."""
        return RuleParser(NameMatcher(self.catalog.conn), newest_year=self.catalog.newest_year,
                          services=Spoken(self.catalog.services()))

    def _follow_catalog(self) -> None:
        """`catalog refresh` (or build, or import) put a new catalog.db in place: answer from it from
        this request on, never in the middle of one. The embedder and the speech models stay loaded."""
        if not self.catalog.changed():
            return
        try:
            new = Catalog(self.catalog.path, self.catalog.region)
        except CatalogError as e:  # a file being replaced, or a bad one: keep answering from the open one
            log.warning("catalogue changed but cannot be opened (%s); still using the previous one", e.message)
            return
        self.catalog = new
        self.understanding.parser = self._parser()
        self.ranker = self.ranker.reopened(new)
        log.info("catalogue replaced: %d titles, region %s", new.count(), new.region)

    # --- lazily built parts ---------------------------------------------------------------
    @property
    def sessions(self) -> SessionStore:
        if self._sessions is None:
            self._sessions = SessionStore(self.settings.state_dir / "sessions.db", self.settings.session_idle_s)
        return self._sessions

    @property
    def history(self) -> History:
        if self._history is None:
            state = self.settings.state_dir
            self._history = History(state / "history.db", self.settings.history_days,
                                    keep_text=self.settings.history_text, audio_dir=state / "audio")
        return self._history

    @property
    def seen(self) -> SeenList:
        if self._seen is None:
            self._seen = SeenList(self.settings.state_dir / "seen.db")
        return self._seen

    @cached_property
    def pending(self) -> PendingGuesses:
        """The guess each session was asked to confirm ("Did you mean ...?")."""
        return PendingGuesses(self.settings.state_dir / "sessions.db", self.settings.session_idle_s)

    @cached_property
    def rescorer(self) -> Rescorer:
        """Whisper's hypotheses and their sound-alikes, scored by what the parser makes of them."""
        from voicerec.rescore.sounds import SoundIndex, vocabulary_words

        vocab = self.transcriber.vocabulary
        sounds = SoundIndex(vocab.people, vocab.titles, vocabulary_words()) if vocab is not None else None
        return Rescorer(self.understanding.parser.parse, sounds)

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
            if self.settings.stt.rescore:
                self.rescorer.choose(Transcript(text="a comedy with kid on the reeds"))
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
        return self.rescore(transcript)

    def rescore(self, transcript: Transcript) -> Transcript:
        """What Whisper heard → what was most likely said (rescore/): among the beam's hypotheses and
        their sound-alikes, the one the catalogue and the parser make most of; and how sure it is."""
        if not self.settings.stt.rescore or not transcript.text.strip():
            return transcript
        return self.rescorer.choose(transcript)

    def hearing(self) -> Hearing:
        """Speech → text while it is still being spoken: `feed(samples, rate)` as the audio arrives,
        `finish()` → Transcript once it has all come (usually ready at once, rescored as `hear`
        rescores), `cancel()` to drop it. With stt.incremental off, `finish()` is `hear` on the
        whole recording."""
        from voicerec.speech.hearing import Hearing

        hearing = Hearing(self.transcriber, incremental=self.settings.stt.incremental)
        hearing.then = self.rescore
        return hearing

    def answer(self, text: str, session: str | None = None, cancel: Cancel | None = None, *,
               household: bool = True, heard: Transcript | None = None, run_hooks: bool = True) -> Answer:
        """Words → the answer: results and the reply to speak. A cancelled request answers nothing.
        `household=False`: a request from outside the household's own front-ends (a network peer
        it has not allowed to): intents in HOUSEHOLD_CHANGES are refused with a reason, and no
        history is written (the conversation still is, for follow-ups).
        `heard`: the Transcript the words come from; when the hearing doubts it (and stt.ask_back),
        the answer is a question back ("Did you mean an anime film?", intent "clarify"), and the
        session's next turn answers it: "yes" answers the guess, "no" asks again, anything else is
        a request of its own (the ask-back's pending guess: state/pending.py).
        `run_hooks`: a chosen title runs the household's on_choose hook (the Wyoming server passes its
        `[wyoming] run_hooks` setting: off unless the household allowed it)."""
        t0 = time.perf_counter()
        self._follow_catalog()
        guessed = self.pending.take(session) if session else None
        if guessed is not None:
            yes_no, rest = reply_to_ask_back(text)
            if yes_no == "no":
                return Answer(transcript=text, query=Query(intent="clarify"), reply=askback.NOT_THAT)
            text, heard = (guessed if yes_no == "yes" else rest), None
        prev = self.sessions.load(session) if session else None
        reading = self.understanding.read(text, prev)
        if reading.act is not None and reading.act.kind == "reset":
            prev = None  # "start over": nothing of the conversation carries on, not even what it ruled out
        # the household (its services, age ceiling, seen list) shapes the search, every turn; what is
        # kept (the conversation, the history) and sent (an LLM's `previous`) is what was said
        said, timings = reading.query, dict(reading.timings_ms)
        query = self._household(said, prev)
        standing = self._standing(text, query, prev)
        if cancel is not None and cancel.is_set():
            return Answer(transcript=text, query=query, timings_ms=_rounded(timings))
        if heard is not None and heard.doubt and self.settings.stt.ask_back:
            return self._ask_back(text, reading.query, session, timings, t0)
        if query.intent in ("recommend", "seen"):
            load = self.ranker.prepare(query)  # first use in this process: not the request's cost
            if load > 1:
                timings["load"] = load
        t1 = time.perf_counter()
        refused = not household and query.intent in HOUSEHOLD_CHANGES
        if refused:
            results, text_reply = [], NOT_FROM_HERE.format(what=HOUSEHOLD_CHANGES[query.intent])
        else:
            results, text_reply = self._handlers[query.intent](query, prev)
        timings["search"] = (time.perf_counter() - t1) * 1000
        hook = None
        if query.intent == "choose" and results and run_hooks and (cancel is None or not cancel.is_set()):
            t2 = time.perf_counter()
            hook = self._on_choose(results[0])
            timings["hook"] = (time.perf_counter() - t2) * 1000
            text_reply += talk.hook_failed() if hook and not hook.ok else ""
        timings["total"] = (time.perf_counter() - t0) * 1000 - timings.get("load", 0.0) - timings.get("hook", 0.0)
        answer = Answer(transcript=text, query=query, results=results, reply=text_reply, act=reading.act,
                        hook=hook.message if hook and hook.ran else None, timings_ms=_rounded(timings))
        if query.intent != "empty" and not refused and (cancel is None or not cancel.is_set()):
            self._remember(session, said, results, prev, text, standing, history=household)
        return answer

    def tidy(self) -> None:
        """Apply the retention now: conversations idle longer than session_idle_s and history older
        than history_days are deleted. Every request does this; the daemon and the Wyoming server
        also call it on a timer, on the thread that answers, so nothing is kept because all is quiet."""
        state = self.settings.state_dir
        if self._sessions is not None or (state / "sessions.db").exists():
            self.sessions.expire()
        if self._history is not None or (state / "history.db").exists() or (state / "audio").is_dir():
            self.history.prune()

    def _ask_back(self, text: str, guess: Query, session: str | None, timings: dict[str, float],
                  t0: float) -> Answer:
        """"Did you mean ...?" about a doubtful hearing, the guess kept for the session's next turn."""
        asked = askback.question(guess)
        if asked is not None and session:
            self.pending.put(session, text)
        timings["total"] = (time.perf_counter() - t0) * 1000
        query = guess.model_copy(update={"intent": "clarify"})
        return Answer(transcript=text, query=query, reply=asked or askback.SAY_AGAIN, timings_ms=_rounded(timings))

    @property
    def speak_rate(self) -> int:
        return self.speaker.sample_rate

    def speak(self, text: str) -> Iterator[np.ndarray]:
        """Text → int16 mono audio chunks at `speak_rate`, the first sentence first (lazily made)."""
        return self.speaker.stream(text)

    # --- `voicerec listen`: hear, then answer ---------------------------------------------
    def listen(self, audio: np.ndarray | Path | str | Any, session: str | None = None) -> Answer:
        transcript = self.hear(audio)
        answer = self.answer(transcript.text, session=session, heard=transcript)
        stt_ms = transcript.timings_ms["stt"]
        answer.timings_ms = {"stt": stt_ms, **answer.timings_ms}
        answer.timings_ms["total"] = round(answer.timings_ms["total"] + stt_ms, 1)
        if transcript.truncated and transcript.text:
            answer.reply = "That was a long recording, so I only listened to the start. " + answer.reply
        return answer

    # --- one handler per intent -----------------------------------------------------------
    def _recommend(self, q: Query, prev: Turn | None) -> tuple[list[Suggestion], str]:
        found = suggest(self.catalog, self.ranker, q, self.settings.results)
        results = [_credited(s.model_copy(update={"why": reason(s, q)}), q) for s in found.results]
        relaxed = None
        if found.loose:
            gone = q.available_on and not found.loose.available_on  # titles that have left the services
            relaxed = reply.Relaxed(found.strict, reply.describe_query(found.loose, 2) + (" no longer streaming" if gone else ""))
        text = reply.compose(q, results, like_title=found.like_title, verbosity=self.settings.verbosity,
                             relaxed=relaxed)
        return results, text + self._not_yours(q)

    def _describe(self, q: Query, prev: Turn | None) -> tuple[list[Suggestion], str]:
        t = self._nth(q, prev)
        if t is None:
            return [], self._which(prev)
        return [Suggestion(**t.model_dump())], reply.describe_title(t)

    def _question(self, q: Query, prev: Turn | None) -> tuple[list[Suggestion], str]:
        t = self.catalog.title(q.title_id) if q.title_id else None
        if t is None:
            return [], answers.not_found(q.title) if q.title else self._which(prev)
        if q.question in ("where", "on_service") and not self.catalog.availability_known:
            return [Suggestion(**t.model_dump())], answers.no_region_data(t, country_name(self.catalog.region))
        known = self.catalog.availability(t.id)
        return [Suggestion(**t.model_dump())], answers.answer(
            q, t, as_of={**self.catalog.listing_dates(), **t.available_as_of}, today=date.today(),
            was_on=known.was_on if known else None, refreshed=self.catalog.refreshed,
            cert=self.catalog.extra(t.id)["age_cert"])

    def _choose(self, q: Query, prev: Turn | None) -> tuple[list[Suggestion], str]:
        """"Put the second one on": where it is (voicerec cannot start it); the hook runs in `answer`."""
        t = self._nth(q, prev)
        if t is None:
            return [], self._which(prev, "would you like to watch")
        return [Suggestion(**t.model_dump())], talk.chosen(t, self.settings.my_services)

    def _on_choose(self, t: Suggestion) -> hooks.HookRun:
        mine = [s for s in t.services if not self.settings.my_services or s in self.settings.my_services]
        chosen = {"title": t.title, "year": t.year or "", "service": (mine or t.services or [""])[0],
                  "services": ",".join(t.services), "id": t.id, "imdb_id": self.catalog.extra(t.id)["imdb_id"] or "",
                  "kind": t.kind}
        return hooks.on_choose(self.settings.hooks, {k: str(v) for k, v in chosen.items()})

    def _which(self, prev: Turn | None, verb: str = "do you mean") -> str:
        return talk.which([r["title"] for r in prev.results] if prev else [], verb)

    def _mark_seen(self, q: Query, prev: Turn | None) -> tuple[list[Suggestion], str]:
        """"I've seen the second one": remember it, and suggest again without it."""
        t = self._nth(q, prev) if q.describe_index or q.title_id or not q.title else self._named(q.title)
        if t is None:
            return [], self._which(prev, "have you seen") if not q.title else \
                f"Sorry, I couldn't find {q.title} in your catalogue."
        self.seen.add(t.id, t.title)
        if prev is None:  # nothing was asked for to suggest again
            return [], f"Got it, you've seen {t.title}. I won't suggest it again."
        # the request again (the query carries it: understand/followup.base), without the title seen
        again = q.model_copy(update={"intent": "recommend", "describe_index": None, "title_id": None, "title": None,
                                     "exclude_ids": list(dict.fromkeys([*q.exclude_ids, t.id]))})
        results, text = self._recommend(again, prev)
        return results, f"Got it, you've seen {t.title}. {text}"

    def mark_seen(self, name: str) -> str | None:
        """`voicerec seen add NAME`: the title a name says, put on the seen list; its "Title (year)",
        or None when the catalogue has no such title."""
        from voicerec.understand.titles import TitleFinder

        self._follow_catalog()
        found = TitleFinder(self.catalog.conn).find([name])  # near-misses too: "inseption"
        t = self.catalog.title(found.id) if found else None
        if t is None:
            return None
        self.seen.add(t.id, t.title)
        return f"{t.title} ({t.year})" if t.year else t.title

    def _named(self, phrase: str | None) -> Any:
        names = self.understanding.parser.names
        ref = names.find_title(phrase, cued=True) if names and phrase else None
        return self.catalog.title(ref.id) if ref else None

    def _nth(self, q: Query, prev: Turn | None) -> Title | None:
        """The one title a turn is about: by id (a reference the conversation resolved), else by place."""
        if q.title_id:
            return self.catalog.title(q.title_id)
        n = len(prev.results) if prev and q.describe_index == -1 else q.describe_index  # "the last one"
        if not prev or not n or not 1 <= n <= len(prev.results):
            return None
        return self.catalog.title(prev.results[n - 1]["id"])

    # --- the household: its services, its age ceiling, what it has seen and ruled out ---------
    def _household(self, q: Query, prev: Turn | None) -> Query:
        if q.intent not in ("recommend", "seen"):
            return q
        s = self.settings
        update: dict[str, Any] = {}
        if s.max_age is not None:  # only settings lift it, never a request
            update["max_age"] = s.max_age if q.max_age is None else min(q.max_age, s.max_age)
        if not q.services and self.catalog.availability_known:  # what this household can watch now: its
            update["available_on"] = list(s.my_services or self.catalog.services())  # services, or any in its region
        seen = self._seen_ids()
        if seen:
            update["exclude_ids"] = list(dict.fromkeys([*q.exclude_ids, *seen]))
        for name, values in (prev.standing.items() if prev else ()):
            update[name] = list(dict.fromkeys([*getattr(q, name), *values]))
        if "exclude_genres" in update:
            update["genres"] = [g for g in q.genres if g not in update["exclude_genres"]]
        return q.model_copy(update=update) if update else q

    def _seen_ids(self) -> list[str]:
        try:  # an id from an older build of the catalogue is followed to the title's id now
            return [r for i in self.seen.ids() if (r := self.catalog.resolve(i))]
        except Exception as e:  # noqa: BLE001 - an unreadable seen list must not cost the answer
            log.warning("could not read the seen list: %s", e)
            return []

    @staticmethod
    def _standing(text: str, q: Query, prev: Turn | None) -> dict[str, list[str]] | None:
        """"Not in the mood for horror" rules horror out for the rest of the conversation."""
        if "not in the mood for" not in text.lower() and "no more" not in text.lower():
            return None
        standing = {k: list(v) for k, v in (prev.standing.items() if prev else ())}
        for name in STANDING:
            values = getattr(q, name)
            if values:
                standing[name] = list(dict.fromkeys([*standing.get(name, []), *values]))
        return standing

    def _not_yours(self, q: Query) -> str:
        mine = self.settings.my_services
        other = [sv for sv in q.services if mine and sv not in mine]
        if not other:
            return ""
        return f" Note that {reply.services_phrase(other)} {'is' if len(other) == 1 else 'are'} not one of your services."

    def _remember(self, session: str | None, q: Query, results: list[Suggestion], prev: Turn | None,
                  text: str, standing: dict[str, list[str]] | None = None, history: bool = True) -> None:
        """The conversation: a new list (no focus), or the same list with the one title a turn was about
        as the focus; a turn that asked for nothing keeps both. Starting over forgets it all. `history`:
        whether the turn goes in the household's history too."""
        try:
            if self._sessions is not None or session or (self.settings.state_dir / "sessions.db").exists():
                self.sessions.expire()  # every request applies the retention to every conversation
            if session and q.intent == "reset":
                self.sessions.forget(session)
            elif session:
                about_one = q.intent in ("describe", "question", "choose")
                keep = about_one or q.intent in ("close", "help", "greet", "out_of_domain") or (q.intent == "seen" and not results)
                focus = {**facts(results[0]), "act": q.intent} if about_one and results else \
                    (prev.focus if keep and prev else None)  # "act": what set it ("no, the third one" redoes it)
                self.sessions.save(session, q, results, prev, keep_results=keep, standing=standing, focus=focus)
            if history:
                chosen = results[0].title if q.intent == "choose" and results else q.title if q.intent == "close" else None
                self.history.add(session, text, q, results, chosen=chosen)
        except Exception as e:  # a full disk must not cost the user their answer
            log.warning("could not save the conversation: %s", e)


def _credited(s: Suggestion, q: Query) -> Suggestion:
    """The people asked for are named among a result's credits even when billed below the few shown."""
    for person in q.people:
        if person not in s.cast and person not in s.directors:
            s.cast = [person, *s.cast]
    for person in q.directors:
        if person not in s.directors:
            s.directors = [person, *s.directors]
    return s


def catalog_embedder(lean: bool = False) -> Any:
    """The sentence-embedding model `catalog build` stores the title vectors with: the ranker's own
    (voicerec.rank.embed.Embedder), so front-ends hand it to the catalogue without importing rank/.
    `lean`: less memory for slower encoding (`catalog refresh`, which embeds a few hundred titles)."""
    from voicerec.rank.embed import Embedder

    return Embedder(lean=lean)


def _rounded(timings: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 1) for k, v in timings.items()}
