"""A title's genres from its sources' votes: genres a viewer would agree with.

Each source that labels a title is one voice: JustWatch (its newest row: the same TMDB-based list in
every JustWatch file), each shivamb service, each imported listing with genres. A voice says a
genre outright ("Dramas" → drama) or weakly, as half of a combined label ("Sci-Fi & Fantasy",
"Action & Adventure"): a weak half counts only with support, from another voice or from the
description (`DESCRIPTION_CUES`). A voice that labels the title, and gives titles of this kind that
genre elsewhere, but not this one, votes against it; a voice that never uses a genre (JustWatch has
no 'mystery', 'anime', 'kids', 'adventure') says nothing about it.

A genre is kept when its votes for outnumber those against, and dropped when they are fewer. On a
tie (JustWatch says it, the one shivamb service does not) it is kept when the description supports
it, or when it goes with the genres the sources agree on: when titles of those genres have it at
least as often as titles in general (`GenreStats.lift` >= 1, over every source row). So Breaking Bad
(drama, crime, thriller agreed) is no comedy, Inception (action, scifi, thriller) no music, Hunter x
Hunter (action, animation) no documentary, while an animated film keeps JustWatch's 'family'.
A title left with no genre when its only labels are unsupported combined ones keeps the first half
of the first (Netflix's "Action & Adventure" films are mostly action).
Then two derivations: `anime` for Japanese animation, and `mystery` for a crime or thriller title
whose description speaks of one. Genres are ordered by votes, then by the order the voices give
them (the first is the title's main genre). The raw labels stay in titles.raw_genres and per source
in title_sources.raw_genres.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from voicerec.catalog import vocab
from voicerec.catalog.sources import SourceRecord
from voicerec.types import GENRES

# Words in a description that support a genre (never add one alone, except mystery; see above).
DESCRIPTION_CUES: dict[str, str] = {
    "action": r"action|fight\w*|battle\w*|martial arts|kung fu|assassins?|mercenar\w+|commandos?|shootouts?"
              r"|explosi\w+|heist|special forces|vigilante|warriors?|combat|gunfight\w*|chases?|missions?"
              r"|terroris\w+|rescue\w*|revenge|vengeance|hit ?m[ae]n|bodyguards?|agents?|cia|navy seals?"
              r"|soldiers?|guns?|shoot\w*|weapons?|bomb\w*|disasters?|apocalyp\w+|catastroph\w+|outrun\w*",
    "adventure": r"adventur\w+|quest|journey\w*|expedition|treasure|voyage|explor\w+|jungle|pirates?"
                 r"|lost (?:city|world)|odyssey",
    "animation": r"animated|animation|cartoons?|claymation",
    "anime": r"anime|manga",
    "comedy": r"comed\w*|comic\w*|funny|hilari\w+|laughs?|sitcom|spoof|parody|mockumentary|satir\w+|antics"
              r"|wacky|zany|hijinks|misadventures?",
    "crime": r"crim\w+|detectives?|police|cops?|heist|gangs?(?:ter)?s?|mob(?:ster)?s?|mafia|drugs?|cartel"
             r"|murder\w*|robber\w*|thie(?:f|ves)|fbi|con (?:artist|man)|prison|investigat\w+|outlaws?",
    "documentary": r"documentar\w+|docuseries|footage|interviews|archival|real[- ]life|behind the scenes",
    "drama": r"drama\w*",
    "family": r"famil(?:y|ies)[- ]friendly|for the whole family|kids|children",
    "fantasy": r"fantas\w+|magic\w*|wizards?|witch\w*|sorcer\w+|dragons?|fair(?:y|ies)|enchant\w+|kingdoms?"
               r"|spells?|myth\w*|supernatural|demons?|vampires?|werewol\w+|elves|elf|gods?|spirits?"
               r"|superpowers?|superhero\w*|monsters?|curse[sd]?|prophecy|realm|devils?|hell|heaven\w*|angels?"
               r"|underworld|afterlife",
    "history": r"histor\w+|centur(?:y|ies)|world war|ancient|empire|biograph\w+|true story|dynasty|medieval",
    "horror": r"horror|terrif\w+|haunt\w*|ghosts?|demon\w*|possess\w+|evil|slasher|zombies?|monsters?"
              r"|creatures?|nightmar\w+|sinister|supernatural|vampires?|curse[sd]?|gruesome|bloody|killer",
    "kids": r"kids|children|preschool\w*|toddlers?|young viewers|little ones",
    "music": r"music\w*|singers?|songs?|bands?|concerts?|rappers?|hip[- ]hop|rock ?(?:star|'n'|and)|pop star"
             r"|dance\w*|album|orchestra|opera",
    "mystery": r"myster\w+|whodunn?it|sleuth\w*|detectives?|unsolved|clues?|disappear\w+|vanish\w+",
    "reality": r"reality|contestants?|competition|compete\w*|makeover|dating show|elimination",
    "romance": r"romanc\w+|romantic|(?:fall|falls|falling|fell) (?:in love|for)|love stor\w+|lovers?|sweetheart"
               r"|wedding|marry|marriage|affair|dating|soulmates?",
    "scifi": r"sci[- ]?fi|science fiction|aliens?|space\w*|planet\w*|galax\w+|futur\w+|dystop\w+|robot\w*"
             r"|androids?|cyborgs?|time travel\w*|time machine|astronaut\w*|extraterrestrial|clones?|mutants?"
             r"|artificial intelligence|parallel (?:universe|world)|interstellar|experiments?|apocalyp\w+"
             r"|replicants?|virtual reality",
    "sport": r"sports?|football|soccer|basketball|baseball|boxe?r?s?|boxing|coach\w*|championship|athlet\w+"
             r"|olympi\w+|racing|racer|wrestl\w+|tennis|golf|hockey|rugby|cricket|surf\w*|skat\w+",
    "standup": r"stand[- ]up|comedian|comedy special",
    "thriller": r"thriller|suspense\w*|conspiracy|kidnap\w+|abduct\w+|hostage|stalk\w+|cat[- ]and[- ]mouse"
                r"|on the run|race against time|deadly|assassins?|spy|spies|espionage|psychopath\w*|killers?"
                r"|danger\w*|threat\w*|hunt\w*|pursu\w+|trap\w*|escap\w+|twisted|murder\w*|terroris\w+",
    "war": r"war|wartime|soldiers?|army|armies|military|platoon|troops|wwii|ww2|nazis?|battlefield",
    "western": r"western|cowboys?|sheriff|frontier|ranch\w*|gunslinger|wild west|outlaws?",
}
_CUES = {g: re.compile(rf"\b(?:{rx})\b", re.IGNORECASE) for g, rx in DESCRIPTION_CUES.items()}
MYSTERY_HOSTS = ("crime", "thriller")  # a title of these genres whose description speaks of a mystery is one
_MYSTERY = re.compile(r"\b(?:myster(?:y|ies)|whodunn?it|murder myster\w+|sleuth\w*|unsolved)\b", re.IGNORECASE)


@lru_cache(maxsize=128)
def label_genres(label: str, family: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(said outright, weak halves) for one source label."""
    genres = tuple(vocab.canonical_genres([label], family))
    if family == "shivamb" and label in vocab.COMBINED_LABELS:
        return (), genres
    return genres, ()


@dataclass
class Voice:
    name: str
    strong: list[str] = field(default_factory=list)
    weak: list[str] = field(default_factory=list)
    can_say: frozenset[str] = frozenset()

    def says(self, genre: str) -> bool:
        return genre in self.strong or genre in self.weak


def voice_key(r: SourceRecord) -> tuple[str, str, str]:
    """Whose vocabulary a row's labels come from: JustWatch is one source whatever the service."""
    return (r.family, "*" if r.family == "justwatch" else r.service, r.kind)


def vocabularies(records: Iterable[SourceRecord]) -> dict[tuple[str, str, str], frozenset[str]]:
    """The genres each source gives any title of a kind: what its silence can be taken to deny."""
    out: dict[tuple[str, str, str], set[str]] = {}
    for r in records:
        out.setdefault(voice_key(r), set()).update(r.genres)
    return {k: frozenset(v) for k, v in out.items()}


def voices(records: list[SourceRecord], vocab_of: dict[tuple[str, str, str], frozenset[str]]) -> list[Voice]:
    """One voice per source of a title's rows (rows in precedence order: JustWatch's newest first)."""
    out: dict[tuple[str, str, str], Voice] = {}
    for r in records:
        key = voice_key(r)
        if key in out and key[0] == "justwatch":
            continue  # the newest JustWatch row speaks for JustWatch
        voice = out.setdefault(key, Voice(f"{r.family}:{key[1]}", can_say=vocab_of.get(key, frozenset())))
        for label in (r.raw_genres if r.family in ("shivamb", "justwatch") else r.genres):
            if r.family in ("shivamb", "justwatch"):
                strong, weak = label_genres(label, r.family)
            else:  # an imported listing gives canonical genres
                strong, weak = ((label,) if label in GENRES else ()), ()
            voice.strong += [g for g in strong if g not in voice.strong]
            voice.weak += [g for g in weak if g not in voice.weak and g not in voice.strong]
        voice.weak = [g for g in voice.weak if g not in voice.strong]
    return [v for v in out.values() if v.strong or v.weak]


class GenreStats:
    """How often genres go together, over every source row's genres (for the tie rule)."""

    def __init__(self, genre_sets: Iterable[Iterable[str]]) -> None:
        self.n = 0
        self.count: dict[str, int] = {}
        self.pair: dict[tuple[str, str], int] = {}
        for gs in genre_sets:
            gs = sorted(set(gs))
            if not gs:
                continue
            self.n += 1
            for i, g in enumerate(gs):
                self.count[g] = self.count.get(g, 0) + 1
                for h in gs[i + 1:]:
                    self.pair[(g, h)] = self.pair.get((g, h), 0) + 1

    def lift(self, genre: str, given: Iterable[str]) -> float:
        """Geometric mean over h in `given` of P(genre | h) / P(genre) (add-one smoothed); 1.0 for none."""
        given = [h for h in given if h != genre]
        if not given or not self.n:
            return 1.0
        base = (self.count.get(genre, 0) + 1) / (self.n + 2)
        logs = 0.0
        for h in given:
            both = self.pair.get((min(genre, h), max(genre, h)), 0)
            logs += math.log(((both + 1) / (self.count.get(h, 0) + 2)) / base)
        return math.exp(logs / len(given))


def cue(genre: str, text: str) -> bool:
    rx = _CUES.get(genre)
    return bool(rx and rx.search(text))


def decide(vs: list[Voice], description: str, countries: Iterable[str], stats: GenreStats) -> list[str]:
    """The title's genres, main genre first."""
    order: list[str] = []
    for v in vs:
        order += [g for g in v.strong + v.weak if g not in order]
    if len(vs) == 1 and not vs[0].weak:  # one source, nothing to weigh (most titles)
        return derive(list(vs[0].strong), description, countries)
    won: dict[str, int] = {}
    tied: dict[str, int] = {}
    for g in order:
        strong = sum(g in v.strong for v in vs)
        weak = sum(g in v.weak and g not in v.strong for v in vs)
        support = strong + (weak if weak and (strong + weak >= 2 or cue(g, description)) else 0)
        against = sum(1 for v in vs if g in v.can_say and not v.says(g))
        if support > against:
            won[g] = support
        elif support == against and support > 0:
            tied[g] = support
    won.update({g: n for g, n in tied.items() if cue(g, description) or stats.lift(g, won) >= 1.0})
    kept = sorted(won, key=lambda g: (g in tied, -won[g], order.index(g)))
    if not kept:  # only combined labels, none of it supported: the first half rather than nothing
        kept = next(([v.weak[0]] for v in vs if v.weak and not v.strong), [])
    return derive(kept, description, countries)


def derive(genres: list[str], description: str, countries: Iterable[str]) -> list[str]:
    """anime for Japanese animation (and animation for anime); mystery for a crime or thriller
    whose description speaks of a mystery."""
    out = list(genres)
    if "animation" in out and "JP" in set(countries) and "anime" not in out:
        out.insert(out.index("animation") + 1, "anime")
    if "anime" in out and "animation" not in out:
        out.insert(out.index("anime"), "animation")
    if "mystery" not in out and any(g in out for g in MYSTERY_HOSTS) and _MYSTERY.search(description):
        out.append("mystery")
    return out
