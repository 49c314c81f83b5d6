"""Hybrid ranking: this is where candidate rows become the suggestions, in order.

score = meaning (query mood or "like X" against title embeddings)
      + keywords (FTS5 BM25 on the mood words)
      + quality (rating shrunk toward the catalogue mean by votes)
      + popularity
      + mood genres (ranked up) − mood anti-genres (ranked down)
then a diversity step (MMR) so three suggestions are not three parts of one franchise.
Weights are in `WEIGHTS`; how they were chosen is in bench/results/weights.md.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

import numpy as np

from voicerec.catalog.schema import genre_mask
from voicerec.catalog.store import Candidate, Catalog
from voicerec.types import Query, Suggestion
from voicerec.understand.lexicon import keyword_text, meaning_text

log = logging.getLogger(__name__)

PRIOR_POOL = 300  # best-rated titles passing the filters
KEYWORD_POOL = 200  # best BM25 hits on the mood words
MEANING_POOL = 200  # nearest titles in meaning


@dataclass(frozen=True)
class Weights:
    # chosen by bench/tune_weights.py on bench/data/labelled_moods.jsonl (results: bench/results/weights.md)
    meaning: float = 0.30
    keywords: float = 0.20
    quality: float = 0.15
    popularity: float = 0.12
    boost: float = 0.12
    avoid: float = 0.45
    genre_overlap: float = 0.20
    mmr_lambda: float = 0.72


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
        if q.mood or q.similar_to:
            if self.index is not None and q.mood and self._embedder is None:
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
        if q.mood and self.index is not None:
            return self.embed(meaning_text(q)), like
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
        quality = np.array([c.quality if c.quality is not None else 5.0 for c in cands], dtype=np.float32)
        quality = np.clip((quality - 5.0) / 3.5, 0.0, 1.0)
        pop = np.array([math.log1p(c.popularity or 0.0) for c in cands], dtype=np.float32)
        votes = np.array([math.log1p(c.votes or 0) for c in cands], dtype=np.float32)
        pop = 0.5 * _unit(pop) + 0.5 * _unit(votes)
        sem = np.zeros(n, dtype=np.float32)
        if qvec is not None and self.index is not None:
            sem = self.index.scores(qvec, np.array([c.rowid for c in cands], dtype=np.int64)).astype(np.float32)
        kw = _unit(np.array([c.bm25 for c in cands], dtype=np.float32))
        masks = np.array([c.genre_mask for c in cands], dtype=np.int64)
        boost = ((masks & genre_mask(q.boost_genres)) != 0).astype(np.float32) if q.boost_genres else np.zeros(n)
        avoid = ((masks & genre_mask(q.avoid_genres)) != 0).astype(np.float32) if q.avoid_genres else np.zeros(n)

        if like is not None:
            overlap = np.array([_jaccard(c.genre_mask, like.genre_mask) for c in cands], dtype=np.float32)
            score = 0.55 * _unit(sem) + w.genre_overlap * overlap + 0.25 * quality + 0.10 * pop
        elif q.sort == "rating":
            score = 0.75 * quality + 0.15 * pop + 0.25 * _unit(sem) + 0.1 * kw
        elif q.sort == "popularity":
            score = 0.6 * pop + 0.3 * quality + 0.2 * _unit(sem)
        elif q.sort in ("newest", "oldest"):
            years = np.array([c.year or 0 for c in cands], dtype=np.float32)
            score = (1 if q.sort == "newest" else -1) * _unit(years) * 0.5 + 0.3 * quality + 0.2 * pop
        elif q.mood:
            score = w.meaning * _unit(sem) + w.keywords * kw + w.quality * quality + w.popularity * pop
        else:
            score = 0.7 * quality + 0.3 * pop
        score = score + w.boost * boost - w.avoid * avoid
        if q.title:
            named = np.array([c.norm_title == _norm(q.title) for c in cands], dtype=np.float32)
            score = score + 10.0 * named
        return score, sem

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


def _unit(x: np.ndarray) -> np.ndarray:
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
