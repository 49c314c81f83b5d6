"""Sound-alike keys: heard words that sound like a name the catalogue knows, or a word of the
vocabulary, when Whisper's spelling is close in sound but not in letters.

    index = SoundIndex(people=[...], titles=[...], words=[...])
    index.respell("something with kid on the reeds", unexplained=["reeds"])
        → [Respelling(text="something with Keanu Reeves", name="Keanu Reeves", similarity=0.67, words=3)]

A key is the metaphone code (jellyfish) of each word, joined, with the vowels after the first
letter dropped and the sounds metaphone keeps apart but a far microphone does not (T/D, S/Z, F/V,
TH/T) merged: "kid on the reeds" → KTNRTS, "Keanu Reeves" → KNRS. Keys are compared by Levenshtein
similarity (rapidfuzz), the spelling too, and the better of the two counts.

Only spans that hold a word nothing else accounts for are respelled (rescore/covered.py), a person
only after a cue that introduces one ("with", "starring", "by"), a title only after one that
introduces a title ("like", "called", "watch"), and a vocabulary word anywhere but in place of
everyday words only (words the Whisper tokenizer spells whole: "loud" is not a misheard "light"). Respelling proposes;
whether a respelling wins is choose.py's decision, on what the parser makes of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from voicerec.text import norm
from voicerec.vocab.genres import GENRES, MODIFIER
from voicerec.vocab.moods import MOODS
from voicerec.vocab.places import SERVICE_NAMES
from voicerec.vocab.topics import TOPICS

MAX_SPAN = 4            # words replaced at most
MIN_SIMILARITY = 0.66   # key (or spelling) similarity for a name to be proposed
MIN_WORD_SIMILARITY = 0.8  # ... for a word of the vocabulary (short: many sound alike)
MAX_PROPOSALS = 3
SKIP = frozenset({"the", "a", "an", "of", "and"})
PERSON_CUES = frozenset({"with", "starring", "featuring", "by", "stars", "actor", "actress", "director"})
TITLE_CUES = frozenset({"like", "called", "named", "watch", "stream", "than", "is", "about"})
_MERGE = str.maketrans({"D": "T", "Z": "S", "V": "F", "0": "T", "G": "K", "Q": "K", "C": "K", "B": "P"})


@lru_cache(maxsize=20000)
def word_key(word: str) -> str:
    import jellyfish

    return jellyfish.metaphone(word).upper().translate(_MERGE)


def key(phrase: str) -> str:
    """The phrase's sound: its words' codes joined, the vowels after the first letter dropped."""
    code = "".join(word_key(w) for w in norm(phrase).split() if w not in SKIP)
    return code[:1] + re.sub("[AEIOUY]", "", code[1:])


def vocabulary_words() -> list[str]:
    """The vocabulary's own words a heard word may sound like: genres, moods, topics, services."""
    words = [*GENRES, *MODIFIER.values(), *SERVICE_NAMES.values()]
    words += [m.key.replace("_", " ") for m in MOODS] + [t.key.replace("_", " ") for t in TOPICS]
    return list(dict.fromkeys(w for w in words if len(w) >= 4))


@dataclass(frozen=True)
class Respelling:
    text: str          # the transcript with the span replaced
    name: str          # what it was replaced with
    similarity: float  # 0..1, how close in sound (or spelling)
    words: int         # how many heard words it replaced


class SoundIndex:
    """Keys of the catalogue's popular people and titles and of the vocabulary's words."""

    def __init__(self, people: list[str], titles: list[str], words: list[str]) -> None:
        from voicerec.speech.bias import common_words

        self._common = common_words()
        self._kinds: dict[str, tuple[list[str], list[str], list[str]]] = {}
        for kind, names in (("person", people), ("title", titles), ("word", words)):
            kept = [n for n in dict.fromkeys(names) if len(key(n)) >= 2]
            self._kinds[kind] = (kept, [key(n) for n in kept], [norm(n).replace(" ", "") for n in kept])

    def respell(self, text: str, unexplained: list[str]) -> list[Respelling]:
        """Respellings of spans holding an unexplained word, best first (at most MAX_PROPOSALS)."""
        if not unexplained:
            return []
        matches = list(re.finditer(r"[A-Za-z0-9'’]+", text))
        words = [norm(m.group()) for m in matches]
        odd = set(unexplained)
        found: dict[str, Respelling] = {}
        for i in range(len(words)):
            for n in range(1, min(MAX_SPAN, len(words) - i) + 1):
                span = words[i:i + n]
                if not odd & set(span) or span[0] in SKIP or span[-1] in SKIP:
                    continue
                cue = words[i - 1] if i else ""
                kinds = ["word"] + (["person"] if cue in PERSON_CUES else []) + (["title"] if cue in TITLE_CUES else [])
                for kind in kinds:
                    if kind == "word" and (n > 2 or all(w in self._common for w in span)):
                        continue  # everyday words heard clearly ("laugh out loud") are not a mood word misheard
                    hit = self._best(kind, " ".join(span))
                    if hit is None:
                        continue
                    name, sim = hit
                    new = text[: matches[i].start()] + name + text[matches[i + n - 1].end():]
                    if new not in found or found[new].similarity < sim:
                        found[new] = Respelling(new, name, round(sim, 3), n)
        return sorted(found.values(), key=lambda r: -r.similarity)[:MAX_PROPOSALS]

    def _best(self, kind: str, span: str) -> tuple[str, float] | None:
        names, keys, spellings = self._kinds[kind]
        k, spelled = key(span), norm(span).replace(" ", "")
        if len(k) < 2 or not names:
            return None
        cutoff = MIN_WORD_SIMILARITY if kind == "word" else MIN_SIMILARITY
        by_key = process.extractOne(k, keys, scorer=Levenshtein.normalized_similarity, score_cutoff=cutoff)
        by_spelling = process.extractOne(spelled, spellings, scorer=fuzz.ratio, score_cutoff=cutoff * 100)
        best: tuple[str, float] | None = None
        if by_key is not None and keys[by_key[2]][:1] == k[:1]:
            best = (names[by_key[2]], float(by_key[1]))
        if by_spelling is not None and (best is None or by_spelling[1] / 100 > best[1]):
            best = (names[by_spelling[2]], float(by_spelling[1]) / 100)
        if best is not None and norm(best[0]) == norm(span):
            return None  # already spelled that way
        return best
