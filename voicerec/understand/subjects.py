"""What a request is about: genres (composed), topics and moods, each filed by its polarity.

Genres compose: adjacent genre words, or ones joined by "and"/"with", are a conjunction
("romantic comedy", "sci-fi thriller", "action and comedy": every one of them); "or" makes a
disjunction ("a western or a war movie": any). Negated genres are excluded, with their
sub-genres ("nothing animated" rules out anime too); hedged ones ("not too romantic") are
ranked down. Topics the person asks for must show in the results (vocab/topics.py); moods lean
the ranking and never match title words (vocab/moods.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from voicerec.types import Query
from voicerec.understand.polarity import Polarity
from voicerec.vocab.genres import GENRE_RES, SUBGENRES
from voicerec.vocab.moods import MOOD_BY_KEY, MOOD_RES, Mood
from voicerec.vocab.topics import TOPIC_RES
from voicerec.vocab.words import FILLER, QUIET_FILLER

_OR = re.compile(r"\b(?:or|either|nor)\b|/")


def _blank(t: str, start: int, end: int) -> str:
    return t[:start] + " " * (end - start) + t[end:]


def _add(values: list[str], new: list[str] | tuple[str, ...]) -> None:
    values += [v for v in new if v not in values]


# --- genres ------------------------------------------------------------------------------------
def find_genres(t: str) -> tuple[str, list[tuple[int, int, tuple[str, ...]]]]:
    """Genre mentions in text order (longest forms first, no overlap), and the text without them."""
    found: list[tuple[int, int, tuple[str, ...]]] = []
    for rx, genres in GENRE_RES:
        for m in rx.finditer(t):
            found.append((m.start(), m.end(), genres))
            t = _blank(t, m.start(), m.end())
    return t, sorted(found)


def file_genres(t: str, q: Query, polarity: Polarity, mentions: list[tuple[int, int, tuple[str, ...]]]) -> None:
    """File the genre mentions of one segment: + composes, − excludes (with sub-genres), ~ ranks down."""
    if not mentions:
        return
    if polarity == "-":
        for _, _, genres in mentions:
            _add(q.exclude_genres, [x for g in genres for x in (g, *SUBGENRES.get(g, ()))])
        return
    if polarity == "~":
        for _, _, genres in mentions:
            _add(q.avoid_genres, genres)
        return
    groups: list[list[tuple[str, ...]]] = [[mentions[0][2]]]
    for (_, end, _), (start, _, genres) in zip(mentions, mentions[1:], strict=False):
        if _OR.search(t[end:start]):
            groups[-1].append(genres)  # "a western or a war film": either
        else:
            groups.append([genres])  # "romantic comedy", "action and comedy": both
    for group in groups:
        if len(group) > 1 or (len(groups) == 1 and len(group[0]) == 1):
            _add(q.genres, [g for genres in group for g in genres])
        else:
            _add(q.genres_all, [g for genres in group for g in genres])


def settle_genres(q: Query) -> None:
    """One consistent set: what is excluded is not wanted, and a single wanted genre is 'any of'."""
    q.genres = [g for g in q.genres if g not in q.exclude_genres]
    q.genres_all = [g for g in q.genres_all if g not in q.exclude_genres]
    if q.genres_all and q.genres and len(q.genres) == 1 and q.genres[0] not in q.genres_all:
        q.genres_all.append(q.genres.pop())  # "a crime drama" said as "crime ... drama"
    if len(q.genres_all) == 1:
        _add(q.genres, q.genres_all)
        q.genres_all = []
    q.genres = [g for g in q.genres if g not in q.genres_all]
    if "standup" in q.genres_all + q.genres and "comedy" in q.genres_all:
        q.genres_all.remove("comedy")


# --- topics ------------------------------------------------------------------------------------
def extract_topics(t: str, q: Query, polarity: Polarity) -> str:
    for rx, topic in TOPIC_RES:
        m = rx.search(t)
        if not m:
            continue
        if polarity == "+":
            _add(q.topics, [topic.key])
            _add(q.boost_genres, [g for g in topic.lean if g not in q.exclude_genres])
            q.mood = f"{q.mood} {m.group(0)}".strip()  # the word said is the most specific evidence ("bakers")
        elif polarity == "-":  # "a spy thriller that isn't james bond": the words said, when the topic itself is wanted
            _add(q.exclude_topics, [m.group(0) if topic.key in q.topics else topic.key])
        else:
            _add(q.avoid_genres, topic.lean[:1])
        t = rx.sub(" ", t)
    return t


_ABOUT = re.compile(r"\b(?:about|involving|featuring|centered on|centred on|revolving around|set (?:in|on|during|at)"
                    r"|focus(?:ed|ing)? on|with (?:a|an|some|lots of|plenty of|loads of))\s+((?:[a-z][a-z'-]*\s*){1,3})")


# how big or how good, or just somebody, never what about: "with a big twist" is no film about "big"
_DEGREE = frozenset({"big", "huge", "massive", "small", "tiny", "little", "great", "good", "real", "proper", "major",
                     "crazy", "nice", "lot", "lots", "total", "whole", "serious", "amazing", "awesome",
                     "someone", "somebody", "people", "person", "anyone", "everyone"})


def free_topic(t: str, q: Query, polarity: Polarity, known: Callable[[str], bool]) -> str:
    """Subjects no table lists ("about chess players", "set in paris"): their words are the evidence."""
    m = _ABOUT.search(t)
    if not m:
        return t
    words = [w for w in m.group(1).split() if w not in FILLER and w not in _DEGREE and len(w) > 2 and "'" not in w]
    words = [w for w in words if known(w)]  # in the catalogue, and rare enough to say something
    if words:
        (q.topics if polarity == "+" else q.exclude_topics).append(" ".join(words[:3]))
        t = t[: m.start()] + " " + t[m.end():]
    return t


# --- moods -------------------------------------------------------------------------------------
def extract_moods(t: str, q: Query, polarity: Polarity) -> str:
    for rx, mood in MOOD_RES:
        found = [m.group(0) for m in rx.finditer(t)]
        if not found:
            continue
        _add(q.quiet_words, [w for phrase in found for w in quiet_forms(phrase)])
        if polarity == "+":
            _apply_mood(q, mood)
        elif polarity == "-":  # "nothing scary": not its genres, and what is opposite to it
            _add(q.exclude_genres, [g for g in mood.core[:1] if g not in q.genres])
            _add(q.avoid_genres, mood.prefer)
            if mood.opposite:
                _add(q.boost_genres, MOOD_BY_KEY[mood.opposite].prefer)
        else:  # "not too scary", "nothing too heavy": allowed, but milder
            _add(q.avoid_genres, mood.core[:1] or mood.prefer[:1])
            if mood.opposite == "light":  # a hedge on something grim keeps away from the grimmest
                _add(q.avoid_genres, [g for g in _GRIMMEST if g not in q.genres])
            q.soft_max_age = 13 if q.soft_max_age is None else min(q.soft_max_age, 13)
        t = rx.sub(" ", t)
    return t


_GRIMMEST = ("horror", "war")


def _apply_mood(q: Query, mood: Mood) -> None:
    _add(q.moods, [mood.key])
    _add(q.boost_genres, mood.prefer)
    _add(q.avoid_genres, mood.avoid)
    _add(q.exclude_genres, mood.exclude)
    if mood.max_age is not None and q.max_age is None:
        q.max_age = mood.max_age
    if mood.kind and q.kind is None:
        q.kind = mood.kind  # type: ignore[assignment]


def settle_moods(q: Query) -> None:
    """Asked-for genres beat a mood's leanings; a mood that names genres stands for them when none was asked."""
    asked = set(q.genres) | set(q.genres_all)
    q.exclude_genres = [g for g in q.exclude_genres if g not in asked]
    q.avoid_genres = [g for g in q.avoid_genres if g not in asked and g not in q.boost_genres]
    q.boost_genres = [g for g in q.boost_genres if g not in q.exclude_genres]
    if not asked and not q.topics:
        core = [g for key in q.moods for g in MOOD_BY_KEY[key].core if g not in q.exclude_genres]
        _add(q.genres, core)
    elif len(q.genres) == 1 and not q.genres_all:
        # a mood that is a genre in all but name, beside another genre: both ("a scary comedy",
        # "something scary and funny" = comedy and horror or thriller), as a compound is
        for key in q.moods:
            core = [g for g in MOOD_BY_KEY[key].core if g not in q.exclude_genres]
            if 0 < len(core) <= 2 and not set(core) & asked:
                q.genres_all = [*q.genres, core[0]]  # its first genre: "scary" is horror, "sad" drama
                q.genres = []
                break


_A_WORDS = frozenset({"asleep", "awake", "alive", "alone", "afloat", "adrift", "ablaze", "aglow", "afire"})


def quiet_forms(phrase: str) -> list[str]:
    """The words of a mood phrase that must not match titles, with their bare forms ("asleep" → "sleep")."""
    out: list[str] = []
    for w in re.findall(r"[a-z]{3,}", phrase):
        if w not in FILLER or w in QUIET_FILLER:
            out.append(w)
            if w in _A_WORDS:  # "asleep" → "sleep"
                out.append(w[1:])
    return out


# the words that only frame a mood said as a sentence ("my day was hell", "friends are coming round",
# "beating the odds"): they may still say what a film is about ("a film about a school", "a car chase")
_FRAME_WORDS = frozenset({
    "against", "another", "are", "around", "been", "beat", "blows", "chase", "come", "coming", "company",
    "different", "dreams", "entire", "few", "fight", "fights", "gun", "has", "iron", "job", "just", "kind", "kinda",
    "knitt", "little", "loads", "lots", "minds", "outs", "paint", "plenty", "pumping", "quite", "racing", "round",
    "scenes", "school", "second", "shift", "shoot", "stuff", "things", "tidy", "today", "usual", "was", "worlds",
    "odds", "obstacles", "adversity", "disaster", "hell", "guests"})
MOOD_WORDS: frozenset[str] = frozenset(
    w for _, mood in MOOD_RES for w in re.findall(r"[a-z]{3,}", mood.forms)) - _FRAME_WORDS
