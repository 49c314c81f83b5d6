"""VectorIndex: in-memory int8 vectors from a real SQLite file; brute force and the IVF coarse index."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from voicerec.catalog.embeddings import build_ivf, quantize
from voicerec.catalog.schema import DDL, EMBED_DIM
from voicerec.rank.vectors import VectorIndex


def _clustered(n: int, clusters: int, seed: int = 0, noise: float = 0.9) -> np.ndarray:
    """Unit vectors around `clusters` topics, like titles around genres and themes."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, EMBED_DIM)).astype(np.float32)
    x = centres[rng.integers(0, clusters, n)] + noise * rng.standard_normal((n, EMBED_DIM)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _db(path: Path, vecs: np.ndarray, missing: set[int] = frozenset()) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.executescript(DDL)
    ids = [f"t{i}" for i in range(len(vecs))]
    conn.executemany("INSERT INTO titles(id, title, norm_title, kind) VALUES (?, ?, ?, 'movie')",
                     [(t, t, t) for t in ids])
    conn.executemany("INSERT INTO embeddings(title_id, text_hash, vec) VALUES (?, 'h', ?)",
                     [(t, quantize(v)) for i, (t, v) in enumerate(zip(ids, vecs, strict=True)) if i not in missing])
    conn.commit()
    return conn


def _rowid_of(conn: sqlite3.Connection) -> dict[str, int]:
    return dict(conn.execute("SELECT id, rowid FROM titles"))


def _stored(vecs: np.ndarray) -> np.ndarray:
    """The vectors as stored (int8), renormalised: what exact search compares against."""
    qv = np.clip(np.rint(vecs * 127), -127, 127) / 127
    return qv / np.linalg.norm(qv, axis=1, keepdims=True)


def _brute(stored: np.ndarray, q: np.ndarray, rowids: np.ndarray, k: int) -> list[int]:
    s = stored[rowids - 1] @ q
    return [int(r) for r in rowids[np.argsort(-s)[:k]]]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory):
    vecs = _clustered(3000, 30, seed=1)
    conn = _db(tmp_path_factory.mktemp("v") / "small.db", vecs, missing={5, 17})
    return conn, vecs


def test_load_none_without_embeddings(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "empty.db")
    assert VectorIndex.load(conn) is None
    conn.executescript(DDL)
    assert VectorIndex.load(conn) is None


def test_scores_match_exact_cosine_and_missing_is_zero(small) -> None:
    conn, vecs = small
    idx = VectorIndex.load(conn)
    assert idx is not None and len(idx) == 2998
    q = vecs[100] + 0.3 * vecs[200]
    q /= np.linalg.norm(q)
    rowids = np.array([1, 6, 18, 101, 201, 2999, 99999], dtype=np.int64)  # 6 and 18 have no vector; 99999 no title
    s = idx.scores(q, rowids)
    assert s.dtype == np.float32 and s.shape == (7,)
    assert s[1] == 0 and s[2] == 0 and s[6] == 0
    for j in (0, 3, 4, 5):
        exact = float(vecs[rowids[j] - 1] @ q)
        assert abs(float(s[j]) - exact) < 0.02
    assert np.all(np.abs(s) <= 1.0)
    assert idx.vector_of(6) is None
    v = idx.vector_of(101)
    assert v is not None and abs(float(np.linalg.norm(v)) - 1) < 1e-3 and float(v @ vecs[100]) > 0.99
    m = idx.matrix(np.array([101, 6]))
    assert m.shape == (2, EMBED_DIM) and np.allclose(m[0], v) and not m[1].any()


def test_top_agrees_with_brute_force(small) -> None:
    conn, vecs = small
    idx = VectorIndex.load(conn)
    rng = np.random.default_rng(3)
    stored = _stored(vecs)
    have = np.array([r for r in range(1, 3001) if r not in (6, 18)], dtype=np.int64)
    for _ in range(5):
        q = vecs[rng.integers(0, 3000)]
        got, scores = idx.top(q, 10)
        assert list(got) == _brute(stored, q, have, 10)
        assert np.all(np.diff(scores) <= 1e-7)
        allowed = rng.choice(have, 400, replace=False)
        got, _ = idx.top(q, 10, allowed_rowids=np.concatenate([allowed, [6, 18]]))
        assert list(got) == _brute(stored, q, np.sort(allowed), 10)
    assert len(idx.top(vecs[0], 5, allowed_rowids=np.array([6, 18]))[0]) == 0


def test_ivf_recall_at_10(tmp_path: Path) -> None:
    # many loose topics, so neighbours often straddle list borders (recall 1.0 would prove nothing)
    vecs = _clustered(40_000, 1000, seed=2, noise=1.2)
    stored = _stored(vecs)
    conn = _db(tmp_path / "ivf.db", vecs)
    nlist = build_ivf(conn, min_n=0)
    conn.commit()
    assert nlist == 200
    assert conn.execute("SELECT count(DISTINCT list_no) FROM vector_lists").fetchone()[0] > 150
    idx = VectorIndex.load(conn)
    assert idx.offsets is not None and idx.offsets[-1] == 40_000
    rng = np.random.default_rng(4)
    all_rowids = np.arange(1, 40_001, dtype=np.int64)
    queries = []
    for _ in range(40):
        q = vecs[rng.integers(0, 40_000)] + 0.5 * rng.standard_normal(EMBED_DIM).astype(np.float32) / np.sqrt(EMBED_DIM)
        queries.append(q / np.linalg.norm(q))
    exact = [set(_brute(stored, q, all_rowids, 10)) for q in queries]

    def recall(nprobe: int | None) -> float:
        return float(np.mean([len(set(idx.top(q, 10, nprobe=nprobe)[0].tolist()) & e) / 10
                              for q, e in zip(queries, exact, strict=True)]))

    assert recall(None) >= 0.9
    assert recall(2) < recall(48) <= recall(nlist) == 1.0
    # a large allowed set goes through the index too, and every result is allowed
    allowed = all_rowids[all_rowids % 3 == 0]
    got, _ = idx.top(vecs[9], 10, allowed_rowids=allowed)
    assert len(got) == 10 and all(int(r) % 3 == 0 for r in got)
    # rowids agree with what the titles table says
    assert _rowid_of(conn)["t9"] == 10
