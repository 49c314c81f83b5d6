"""The values passed between stages: Query (what the user wants), Title (a catalogue row),
Suggestion (a ranked title with its reason) and Answer (what `ask`/`listen` print).

Every stage takes and returns these, so each can be tested, benchmarked or replaced alone.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

from voicerec.vocab.genres import GENRES
from voicerec.vocab.places import SERVICE_NAMES, SERVICES
from voicerec.vocab.services import service_keys

__all__ = ["GENRES", "SERVICES", "SERVICE_NAMES", "Act", "Query", "Title", "Suggestion", "Answer", "Transcript",
           "Alternative"]

Kind = Literal["movie", "show"]
# choose: "play the second one" (where it is, and the on_choose hook); close: "thanks", "perfect";
# help: "what can you do"; reset: "start over" said alone; greet: "hello" (CONTRACT.md);
# clarify: the hearing was unsure, and the reply asks back ("Did you mean an anime film?")
Intent = Literal["recommend", "describe", "seen", "question", "out_of_domain", "empty", "choose", "close", "help",
                 "reset", "greet", "clarify"]
# what a question about one title asks (intent "question"; CONTRACT.md)
Question = Literal["where", "on_service", "director", "cast", "length", "about", "released", "rating", "suitable",
                   "kind", "tone", "origin"]
# what a turn does to the conversation (Act.kind; CONTRACT.md)
ActKind = Literal["ask", "describe", "more", "refine", "correct", "compare", "reject", "seen", "reset", "choose", "close",
                  "help", "greet"]
# surprise: a good, varied pick; trending: popular and recent; hidden: well rated but little known
Sort = Literal["relevance", "rating", "popularity", "newest", "oldest", "surprise", "trending", "hidden"]


def _clean_list(values: list[str] | None, allowed: tuple[str, ...] | None = None) -> list[str]:
    out: list[str] = []
    for v in values or []:
        v = str(v).strip()
        if allowed is not None:
            v = v.lower()
            if v not in allowed:
                continue
        if v and v not in out:
            out.append(v)
    return out


class Query(BaseModel):
    """A structured request. Hard filters narrow the catalogue in SQL; `mood` ranks by meaning.

    Every field has a neutral default, so an empty Query means "anything good".
    """

    intent: Intent = "recommend"
    kind: Kind | None = None
    genres: list[str] = Field(default_factory=list, description="any of these genres")
    genres_all: list[str] = Field(default_factory=list, description="every one of these genres (a compound)")
    exclude_genres: list[str] = Field(default_factory=list, description="none of these genres")
    year_min: int | None = None
    year_max: int | None = None
    runtime_min: int | None = Field(None, description="minutes")
    runtime_max: int | None = Field(None, description="minutes")
    seasons_min: int | None = None
    seasons_max: int | None = None
    max_age: int | None = Field(None, description="the viewer's age limit: titles with min_age <= this")
    soft_max_age: int | None = Field(None, description="prefer titles for this age or younger (a hedge)")
    min_age_min: int | None = Field(None, description="titles rated for at least this age ('more grown up')")
    services: list[str] = Field(default_factory=list, description="any of these services")
    exclude_services: list[str] = Field(default_factory=list, description="none of these services")
    available_on: list[str] = Field(default_factory=list,
                                    description="the household's services (settings, not speech): on any of these now")
    countries: list[str] = Field(default_factory=list, description="ISO 3166-1 alpha-2, any of these")
    exclude_countries: list[str] = Field(default_factory=list, description="ISO 3166-1 alpha-2, none of these")
    people: list[str] = Field(default_factory=list, description="cast or directors, as the catalogue spells them")
    people_any: list[str] = Field(default_factory=list, description="any one of these people ('X or Y')")
    directors: list[str] = Field(default_factory=list, description="who directed it ('directed by'), as spelled")
    exclude_people: list[str] = Field(default_factory=list, description="none of these people")
    topics: list[str] = Field(default_factory=list,
                              description="what results must be about: topic keys (vocab/topics.py) or free words")
    exclude_topics: list[str] = Field(default_factory=list, description="what results must not be about")
    moods: list[str] = Field(default_factory=list, description="mood and occasion keys (vocab/moods.py)")
    quiet_words: list[str] = Field(default_factory=list,
                                   description="mood, occasion and filler words said: never matched in titles")
    title: str | None = Field(None, description="a title the user named, as the catalogue spells it")
    similar_to: str | None = Field(None, description="catalogue id of a title to find titles like")
    exclude_ids: list[str] = Field(default_factory=list)
    min_rating: float | None = None
    sort: Sort = "relevance"
    mood: str = Field("", description="what remains: moods and topics, ranked by meaning")
    boost_genres: list[str] = Field(default_factory=list, description="genres implied by mood words: ranked up, not filtered")
    avoid_genres: list[str] = Field(default_factory=list, description="genres a mood argues against: ranked down, not filtered")
    describe_index: int | None = Field(None, description="result N (1-based) of the previous turn: describe it, "
                                                          "(intent seen) mark it seen, (intent question) ask about it")
    question: Question | None = Field(None, description="intent 'question': what is asked about the title")
    title_id: str | None = Field(None, description="intent 'question': catalogue id of the title asked about")

    @field_validator("genres", "genres_all", "exclude_genres", "boost_genres", "avoid_genres", mode="before")
    @classmethod
    def _genres(cls, v: list[str] | None) -> list[str]:
        return _clean_list(v, GENRES)

    @field_validator("services", "exclude_services", "available_on", mode="before")
    @classmethod
    def _services(cls, v: list[str] | None) -> list[str]:
        return _clean_list(v, service_keys())  # the shipped seven, the registry's others, and any TMDB taught

    @field_validator("countries", "exclude_countries", mode="before")
    @classmethod
    def _countries(cls, v: list[str] | None) -> list[str]:
        return [c.upper() for c in _clean_list(v) if len(c) == 2 and c.isalpha()]

    def has_filters(self, *, ignore_mood: bool = False) -> bool:
        """True when anything beyond an empty request was understood (beyond leftover words, if asked)."""
        other = Query(intent=self.intent, mood=self.mood if ignore_mood else "", quiet_words=self.quiet_words)
        return self != other


class Act(BaseModel):
    """What a turn did to the conversation, beside the query it led to: asked about the title in focus,
    asked for more of the same, corrected or compared the last request, turned a title down, started
    over, chose one, or closed. `ref` and `title_id` name the one title it was about, if any."""

    kind: ActKind
    ref: int | None = Field(None, description="the title's place (1-based) in the last list, when it is in it")
    title_id: str | None = None
    title: str | None = None
    changed: list[str] = Field(default_factory=list, description="compare / correct: the Query fields changed")


class Title(BaseModel):
    """One catalogue row, as the answer contract prints it."""

    id: str
    title: str
    kind: Kind
    year: int | None = None
    runtime: int | None = None
    seasons: int | None = None
    genres: list[str] = Field(default_factory=list)
    min_age: int | None = None
    countries: list[str] = Field(default_factory=list)
    services: list[str] = Field(default_factory=list)
    available_as_of: dict[str, str] = Field(default_factory=dict, description="service -> month (YYYY-MM) of its newest "
                                            "listing, which has the title; in a refreshed region, the day (YYYY-MM-DD)")
    rating: float | None = None
    votes: int | None = None
    popularity: float | None = None
    cast: list[str] = Field(default_factory=list)
    directors: list[str] = Field(default_factory=list)
    description: str = ""


class Suggestion(Title):
    """A ranked title: the facts plus a short spoken reason and the score that ranked it."""

    why: str = ""
    score: float = 0.0


class Answer(BaseModel):
    """What `voicerec ask --json` / `listen --json` print (see CONTRACT.md)."""

    transcript: str = ""
    query: Query = Field(default_factory=Query)
    results: list[Suggestion] = Field(default_factory=list)
    reply: str = ""
    act: Act | None = Field(None, description="what the turn did to the conversation; None for a fresh request")
    hook: str | None = Field(None, description="choose: what the on_choose hook did, in one line (None: no hook)")
    timings_ms: dict[str, float] = Field(default_factory=dict)


class Alternative(BaseModel):
    """Another way Whisper heard the same speech (a beam hypothesis), names snapped as in `text`."""

    text: str
    confidence: float = Field(0.0, description="mean token probability, 0..1")


class Transcript(BaseModel):
    """What the transcriber heard. Empty text means nothing usable was said."""

    text: str = ""
    raw_text: str = Field("", description="before snapping near-misses to catalogue names")
    confidence: float = Field(0.0, description="mean token probability, 0..1")
    audio_seconds: float = 0.0
    truncated: bool = Field(False, description="the recording was longer than the cap and was cut")
    timings_ms: dict[str, float] = Field(default_factory=dict)
    no_speech_prob: float = Field(0.0, description="Whisper's probability that there was no speech at all")
    alternatives: list[Alternative] = Field(default_factory=list, description="the beam's other hypotheses")
    heard_as: str = Field("", description="Whisper's own first choice, when rescoring chose another")
    doubt: str = Field("", description="why the hearing is unsure of `text` ('' when it is not): "
                                      "'unclear' (Whisper unsure) or 'names nothing' (the words make no request)")
