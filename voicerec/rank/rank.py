"""Hybrid ranking: this is where candidate rows become the suggestions, in order.

score = the request's weight profile over its signals (see `Weights`: meaning, keywords, quality,
        popularity, genre overlap with X, year)
      + mood genres (ranked up) − mood anti-genres (ranked down) + a title the user named
then a diversity step (MMR) so three suggestions are not three parts of one franchise.
Every number of the policy is in `WEIGHTS`; how the mood profile was chosen is in
bench/results/weights.md (bench/tune_weights.py).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import numpy as np

from voicerec.catalog.schema import genre_mask
from voicerec.catalog.store import Candidate, Catalog
from voicerec.rank.querytext import keyword_text, meaning_text
from voicerec.types import Query, Suggestion
from voicerec.vocab.moods import MOOD_BY_KEY

log = logging.getLogger(__name__)

PRIOR_POOL = 300  # best-rated titles passing the filters
LEAD_BILLING = 8  # an actor billed among the first eight stars in it
KEYWORD_POOL = 200  # best BM25 hits on the mood words
MEANING_POOL = 200  # nearest titles in meaning


Signal = Literal["meaning", "keywords", "quality", "popularity", "genre_overlap", "year", "chance"]
SIGNALS: tuple[Signal, ...] = ("meaning", "keywords", "quality", "popularity", "genre_overlap", "year", "chance")


@dataclass(frozen=True)
class Profile:
    """One kind of request's score: a weighted sum of signals, each scaled to [0, 1] over the candidates.

    meaning        cosine of the title to the mood (or to X), min-max scaled
    keywords       BM25 of the mood words in title and description, min-max scaled
    quality        the Bayesian rating prior, (quality - quality_floor) / quality_span, clipped
    popularity     TMDB popularity and IMDb votes (log, min-max scaled), mixed by popularity_mix
    genre_overlap  Jaccard of the title's genres with X's ("like X" only)
    year           release year, min-max scaled: + puts the newest first, - the oldest
    chance         a fresh random number per title and request ("surprise me": a varied pick)
    The terms are summed in the order written (float sums depend on it, and so could a tie).
    """

    weights: Mapping[Signal, float]

    def __post_init__(self) -> None:
        unknown = set(self.weights) - set(SIGNALS)
        if unknown:
            raise ValueError(f"unknown ranking signals: {sorted(unknown)}")
        object.__setattr__(self, "weights", MappingProxyType(dict(self.weights)))

    def but(self, **changes: float) -> Profile:
        """This profile with some weights changed (bench/tune_weights.py searches a grid this way)."""
        return Profile({**self.weights, **changes})


def _profile(**weights: float) -> Profile:
    return Profile(weights)


@dataclass(frozen=True)
class Weights:
    """The ranking policy, all of it: one profile per sort / intent, then what every profile shares."""

    # relevance with mood words: chosen by bench/tune_weights.py on bench/data/moods.tune.jsonl (ties to
    # labelled_moods.jsonl), reported on moods.heldout.jsonl (bench/results/weights.md)
    mood: Profile = field(default_factory=lambda: _profile(meaning=0.50, keywords=0.20, quality=0.15, popularity=0.25))
    # relevance with nothing to match ("a movie", "a comedy from the 90s"): the best regarded first
    no_mood: Profile = field(default_factory=lambda: _profile(quality=0.7, popularity=0.3))
    # "the best rated ...": quality first, the mood still counts
    rating: Profile = field(default_factory=lambda: _profile(quality=0.75, popularity=0.15, meaning=0.25, keywords=0.1))
    # "something popular"
    popularity: Profile = field(default_factory=lambda: _profile(popularity=0.6, quality=0.3, meaning=0.2))
    # "the newest ..." / "the oldest ..."
    newest: Profile = field(default_factory=lambda: _profile(year=0.5, quality=0.3, popularity=0.2))
    oldest: Profile = field(default_factory=lambda: _profile(year=-0.5, quality=0.3, popularity=0.2))
    # "surprise me": good titles, a different pick each time
    surprise: Profile = field(default_factory=lambda: _profile(quality=0.5, popularity=0.1, chance=0.6))
    # "what's trending": popular and recent
    trending: Profile = field(default_factory=lambda: _profile(popularity=0.6, year=0.3, quality=0.2, meaning=0.2))
    # "hidden gems": well rated, little known
    hidden: Profile = field(default_factory=lambda: _profile(quality=0.8, popularity=-0.4, meaning=0.2))
    # "something like X": near X in meaning, sharing its genres
    like: Profile = field(default_factory=lambda: _profile(meaning=0.55, genre_overlap=0.20, quality=0.25,
                                                           popularity=0.10))
    boost: float = 0.25        # per request: a genre the mood implies (added once if the title has any)
    avoid: float = 0.45        # a genre the mood argues against (subtracted once)
    named_title: float = 10.0  # the title the user named comes first
    below_floor: float = 0.25  # a mood request: a title rated under the mood's floor (vocab/moods.py)
    too_old_for: float = 0.3   # a hedge ("not too scary"): a title for older viewers than soft_max_age
    cameo: float = 0.6         # a person asked for, billed LEAD_BILLING or lower on this title
    mmr_lambda: float = 0.72   # diversity: score vs likeness to what was already picked
    quality_floor: float = 5.0  # quality signal: a prior of 5.0 or less counts 0 ...
    quality_span: float = 3.5   # ... 8.5 or more counts 1; an unknown prior counts as quality_floor
    popularity_mix: tuple[float, float] = (0.5, 0.5)  # popularity signal: TMDB popularity, IMDb votes

    def profile_for(self, q: Query, like: Candidate | None) -> Profile:
        """The profile a request is ranked by: "like X" first, then an explicit sort, then mood or none."""
        if like is not None:
            return self.like
        if q.sort in ("rating", "popularity", "newest", "oldest", "surprise", "trending", "hidden"):
            return getattr(self, q.sort)
        return self.mood if meaning_text(q) else self.no_mood


WEIGHTS = Weights()


class Ranker:
    """Scores candidates for a query. Vectors and the embedder load once, lazily."""

    def __init__(self, catalog: Catalog, *, weights: Weights = WEIGHTS, use_vectors: bool = True) -> None:
        self.catalog = catalog
        self.w = weights
        self.use_vectors = use_vectors
        self._index = None
        self._index_loaded = False
        self._embedder = None
        self._vpos: tuple[object, np.ndarray] | None = None
        self.load_ms: dict[str, float] = {}  # what loading each part cost, once (for logs)

    def reopened(self, catalog: Catalog) -> Ranker:
        """This ranker over a new catalogue (a refresh replaced the file): the embedder stays loaded,
        the vectors and filter columns are read again from the new file when next needed."""
        other = Ranker(catalog, weights=self.w, use_vectors=self.use_vectors)
        other._embedder = self._embedder
        return other

    # --- lazily loaded parts --------------------------------------------------------------
    @property
    def index(self):  # -> VectorIndex | None
        if not self._index_loaded:
            self._index_loaded = True
            if self.use_vectors:
                try:
                    from voicerec.rank.vectors import VectorIndex

                    t0 = time.perf_counter()
                    self._index = VectorIndex.load(self.catalog.conn)
                    self.load_ms["vectors"] = (time.perf_counter() - t0) * 1000
                except Exception as e:  # a catalogue without vectors still ranks, by keywords and quality
                    log.warning("vector search unavailable: %s", e)
        return self._index

    def embed(self, text: str) -> np.ndarray | None:
        if self.index is None:
            return None
        try:
            if self._embedder is None:
                from voicerec.rank.embed import Embedder

                t0 = time.perf_counter()
                self._embedder = Embedder()
                self._embedder.encode(["warm up"])
                self.load_ms["embedder"] = (time.perf_counter() - t0) * 1000
            return self._embedder.encode([text])[0]
        except Exception as e:  # ranking goes on by keywords and quality
            log.warning("query embedding failed: %s", e)
            return None

    def warm(self) -> None:
        """Load vectors and the embedder now (the daemon calls this at start-up)."""
        self.catalog.facets  # noqa: B018 - loads the filter columns
        if self.index is not None:
            self.embed("warm up")

    def prepare(self, q: Query) -> float:
        """Load what this query needs and is not loaded yet; returns the milliseconds spent."""
        t0 = time.perf_counter()
        self.catalog.facets  # noqa: B018
        if self.index is not None and self._embedder is None and meaning_text(q):
            self.embed("warm up")
        return (time.perf_counter() - t0) * 1000

    # --- ranking --------------------------------------------------------------------------
    def rank(self, q: Query, n: int = 3) -> list[Suggestion]:
        """The n best titles for the query, diverse (their spoken reasons are say/why.py's job)."""
        mask = self.catalog.match(q)  # every hard filter; nothing outside it is ever scored
        if not mask.any():
            return []
        qvec, like = self._query_vector(q)
        pool = set(self.catalog.best(mask, q, PRIOR_POOL).tolist())
        words = keyword_text(q)
        bm25 = self.catalog.keyword_scores(words, mask, KEYWORD_POOL) if words else {}
        pool |= set(bm25)
        if qvec is not None:
            pool |= set(self._nearest(qvec, mask, MEANING_POOL).tolist())
        if like is not None:
            pool.discard(like.rowid)
        cands = self.catalog.candidates(sorted(pool))
        if like is not None:  # never X itself, in any listing of it
            cands = [c for c in cands if c.norm_title != like.norm_title]
        if q.quiet_words and not q.title:  # "something to fall asleep to" is not "Dead Asleep"
            cands = [c for c in cands if not _shares_word(c.norm_title, q.quiet_words)]
        if not cands:
            return []
        for c in cands:
            c.bm25 = bm25.get(c.rowid, 0.0)
        scores, _ = self._score(q, cands, qvec, like)
        order = self._diversify(cands, scores, n)
        facts = self.catalog.titles([cands[i].rowid for i in order])
        out = []
        for i in order:
            t = facts[cands[i].rowid]
            out.append(Suggestion(**t.model_dump(), score=round(float(scores[i]), 4)))
        return out

    def _query_vector(self, q: Query) -> tuple[np.ndarray | None, Candidate | None]:
        like = self.catalog.get(q.similar_to) if q.similar_to else None
        if like is not None and self.index is not None:
            vec = self.index.vector_of(like.rowid)
            if vec is not None:
                return vec.astype(np.float32), like
        text = meaning_text(q)
        if text and self.index is not None:
            return self.embed(text), like
        return None, like

    def _nearest(self, qvec: np.ndarray, mask: np.ndarray, k: int) -> np.ndarray:
        """Rowids of the k titles passing `mask` nearest in meaning: exact on small sets, IVF on large."""
        pos = self._vector_positions()[mask]
        rowids, _ = self.index.nearest(qvec, pos[pos >= 0], k)
        return rowids

    def _vector_positions(self) -> np.ndarray:
        """For each facet row, its row in the vector matrix (-1 without a vector); computed once."""
        facets = self.catalog.facets
        if self._vpos is None or self._vpos[0] is not facets:
            self._vpos = (facets, self.index.positions(facets.rowids))
        return self._vpos[1]

    def _score(self, q: Query, cands: list[Candidate], qvec, like: Candidate | None) -> tuple[np.ndarray, np.ndarray]:
        w = self.w
        n = len(cands)
        profile = w.profile_for(q, like)
        sem = np.zeros(n, dtype=np.float32)
        if qvec is not None and self.index is not None:
            sem = self.index.scores(qvec, np.array([c.rowid for c in cands], dtype=np.int64)).astype(np.float32)
        score: np.ndarray | float = 0.0
        for i, (signal, weight) in enumerate(profile.weights.items()):
            term = weight * self._signal(signal, cands, sem, like)
            score = term if i == 0 else score + term
        masks = np.array([c.genre_mask for c in cands], dtype=np.int64)
        boost = ((masks & genre_mask(q.boost_genres)) != 0).astype(np.float32) if q.boost_genres else np.zeros(n)
        avoid = ((masks & genre_mask(q.avoid_genres)) != 0).astype(np.float32) if q.avoid_genres else np.zeros(n)
        score = score + w.boost * boost - w.avoid * avoid
        floor = max((MOOD_BY_KEY[k].floor for k in q.moods if k in MOOD_BY_KEY), default=None)
        if floor is not None:
            quality = np.array([c.quality if c.quality is not None else 0.0 for c in cands], dtype=np.float32)
            score = score - w.below_floor * (quality < floor)
        asked = [*q.people, *q.people_any, *q.directors]
        if asked:  # "a film with X": X stars in it, not a cameo
            billing = self.catalog.billing([c.rowid for c in cands], asked)
            ords = np.array([billing.get(c.rowid, 0) for c in cands], dtype=np.float32)
            score = score - w.cameo * (ords >= LEAD_BILLING)
        if q.soft_max_age is not None:
            ages = np.array([c.min_age if c.min_age is not None else 0 for c in cands], dtype=np.float32)
            score = score - w.too_old_for * (ages > q.soft_max_age)
        if q.title:
            named = np.array([c.norm_title == _norm(q.title) for c in cands], dtype=np.float32)
            score = score + w.named_title * named
        return score, sem

    def _signal(self, signal: Signal, cands: list[Candidate], sem: np.ndarray, like: Candidate | None) -> np.ndarray:
        """One signal of `Profile` for every candidate, scaled to [0, 1]."""
        w = self.w
        if signal == "meaning":
            return _min_max(sem)
        if signal == "keywords":
            return _min_max(np.array([c.bm25 for c in cands], dtype=np.float32))
        if signal == "quality":
            quality = np.array([c.quality if c.quality is not None else w.quality_floor for c in cands],
                               dtype=np.float32)
            return np.clip((quality - w.quality_floor) / w.quality_span, 0.0, 1.0)
        if signal == "popularity":
            pop = np.array([math.log1p(c.popularity or 0.0) for c in cands], dtype=np.float32)
            votes = np.array([math.log1p(c.votes or 0) for c in cands], dtype=np.float32)
            return w.popularity_mix[0] * _min_max(pop) + w.popularity_mix[1] * _min_max(votes)
        if signal == "genre_overlap":
            if like is None:
                return np.zeros(len(cands), dtype=np.float32)
            return np.array([_jaccard(c.genre_mask, like.genre_mask) for c in cands], dtype=np.float32)
        if signal == "year":
            return _min_max(np.array([c.year or 0 for c in cands], dtype=np.float32))
        if signal == "chance":
            return np.random.default_rng().random(len(cands), dtype=np.float32)
        raise ValueError(f"unknown ranking signal {signal!r}")

    def _diversify(self, cands: list[Candidate], scores: np.ndarray, n: int) -> list[int]:
        """Maximal marginal relevance: each pick trades score against likeness to earlier picks."""
        order = [int(i) for i in np.argsort(-scores)[: max(60, n * 10)]]
        if len(order) <= 1:
            return order[:n]
        vecs: dict[int, np.ndarray | None] = {}
        if self.index is not None:
            mat = self.index.matrix(np.array([cands[i].rowid for i in order], dtype=np.int64))
            vecs = {i: (mat[j] if mat[j].any() else None) for j, i in enumerate(order)}
        floor = float(scores[order[-1]])
        span = float(scores[order[0]]) - floor or 1.0
        lam = self.w.mmr_lambda
        picked: list[int] = []
        while order and len(picked) < n:
            best_j, best_val = 0, -1e9
            for j, i in enumerate(order):
                sim = 0.0
                for p in picked:
                    sim = max(sim, _franchise(cands[i], cands[p]))
                    vi, vp = vecs.get(i), vecs.get(p)
                    if vi is not None and vp is not None:
                        sim = max(sim, float(np.dot(vi, vp)))
                val = lam * (float(scores[i]) - floor) / span - (1 - lam) * sim
                if val > best_val:
                    best_j, best_val = j, val
            picked.append(order.pop(best_j))
        return picked


def _shares_word(title: str, words: list[str]) -> bool:
    """True when a title has one of the words, or a form of it ("sleeping" for "sleep", "rainy" for "rain")."""
    for t in title.split():
        for w in words:
            if t == w or (len(w) >= 4 and t.startswith(w) and len(t) - len(w) <= 3) or (
                    len(t) >= 4 and w.startswith(t) and len(w) - len(t) <= 3):
                return True
    return False


def _min_max(x: np.ndarray) -> np.ndarray:
    """x rescaled to [0, 1] over its own range; all zeros when it has none."""
    if x.size == 0:
        return x
    lo, hi = float(x.min()), float(x.max())
    if hi - lo < 1e-9:
        return np.zeros_like(x)
    return (x - lo) / (hi - lo)


def _jaccard(a: int, b: int) -> float:
    union = bin(a | b).count("1")
    return bin(a & b).count("1") / union if union else 0.0


def _norm(s: str) -> str:
    from voicerec.text import norm

    return norm(s)


def _franchise(a: Candidate, b: Candidate) -> float:
    """1.0 for parts of one franchise ("Toy Story" / "Toy Story 2"), else 0."""
    x, y = a.norm_title.split(), b.norm_title.split()
    if not x or not y:
        return 0.0
    k = min(len(x), len(y), 2)
    if x[:k] == y[:k] and (k >= 2 or len(x) == 1 or len(y) == 1):
        return 1.0
    short, long_ = (a.norm_title, b.norm_title) if len(a.norm_title) <= len(b.norm_title) else (b.norm_title, a.norm_title)
    return 1.0 if len(short) >= 4 and long_.startswith(short + " ") else 0.0
