"""The catalogue's embedding step: one vector per title in `embeddings`, and the coarse (IVF) index.

Runs at `catalog build` time only, with an `Encoder` passed in (the model lives in
`voicerec.rank.embed`; the catalogue never imports the ranker). Vectors are stored as int8
(round(v * 127) of an L2-normalised vector), keyed by a hash of the embedded text and the model
id, so a title whose text did not change keeps its vector across builds: from the catalogue being
replaced, from the seed shipped in data/vectors/, or from the per-user vector cache.

For large catalogues `build_ivf` clusters the vectors with spherical k-means into ~sqrt(n) lists
and stores each title's list (`vector_lists`) and the centroids (`vector_centroids`), which
`voicerec.rank.vectors.VectorIndex` uses to scan only the lists nearest a query. Below `IVF_MIN`
titles no index is built (brute force is a few ms at 25k).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from voicerec.catalog.schema import EMBED_DIM, VECTOR_FILE_DDL

IVF_MIN = 50_000  # below this many vectors brute force is fast enough: no coarse index

Progress = Callable[[int, int], None]

# Vectors shipped with the repository for the shipped catalogue (text_hash -> int8 vector), so a
# fresh build does not spend a quarter of an hour embedding what never changes. Made by
# scripts/export_vectors.py; any title whose text differs is embedded as usual.
SEED_PATH = Path(__file__).resolve().parents[2] / "data" / "vectors" / "minilm-l6-int8.sqlite"


class Encoder(Protocol):
    """What the build needs of a sentence-embedding model (voicerec.rank.embed.Embedder is one)."""

    model_id: str

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """float32 (n, EMBED_DIM), L2-normalised, in the order given."""
        ...


# --- storage -------------------------------------------------------------------------------------

def quantize(v: np.ndarray) -> bytes:
    """A unit vector (or a matrix of them, row by row) as int8 bytes: round(v * 127)."""
    q = np.clip(np.rint(np.asarray(v, dtype=np.float32) * 127.0), -127, 127).astype(np.int8)
    return q.tobytes()


def dequantize(blob: bytes) -> np.ndarray:
    """int8 bytes back to float32 (384,), approximately unit length."""
    return np.frombuffer(blob, dtype=np.int8).astype(np.float32) / 127.0


def title_text(title: str, genres: Iterable[str] | str | None, description: str | None) -> str:
    """What gets embedded for a title: "Title (comedy, drama). Description"."""
    if isinstance(genres, str):
        try:
            genres = json.loads(genres) if genres.strip().startswith("[") else [genres]
        except json.JSONDecodeError:
            genres = [genres]
    g = ", ".join(str(x) for x in (genres or []) if x)
    head = f"{(title or '').strip()} ({g})" if g else (title or "").strip()
    desc = " ".join((description or "").split())
    return f"{head}. {desc}" if desc else head


def text_hash(text: str, model_id: str) -> str:
    """The key of a stored vector: the model id is part of it, so a new model re-embeds everything."""
    return hashlib.sha1(f"{model_id}\n{text}".encode()).hexdigest()


def default_cache_path() -> Path | None:
    """Where vectors are kept across builds, keyed by text hash: $VOICEREC_EMBED_CACHE, else
    $XDG_CACHE_HOME/voicerec/embeddings.db (~/.cache/...). VOICEREC_EMBED_CACHE="" turns it off."""
    env = os.environ.get("VOICEREC_EMBED_CACHE")
    if env is not None:
        return Path(env).expanduser() if env.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "voicerec" / "embeddings.db"


class VectorCache:
    """text_hash -> int8 vector, in its own SQLite file. Written chunk by chunk, so an interrupted
    build resumes where it stopped, and a build from scratch (no old catalog.db) still reuses."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.conn: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, timeout=10)
            self.conn.execute(VECTOR_FILE_DDL)
            self.conn.commit()
        except (OSError, sqlite3.Error):
            self.conn = None  # an unwritable cache only costs time

    def get(self, wanted: set[str]) -> dict[str, bytes]:
        if self.conn is None or not wanted:
            return {}
        try:
            return _pick(self.conn.execute("SELECT text_hash, vec FROM vectors"), wanted)
        except sqlite3.Error:
            return {}

    def put(self, items: list[tuple[str, bytes]]) -> None:
        if self.conn is None:
            return
        try:
            self.conn.executemany("INSERT OR REPLACE INTO vectors(text_hash, vec) VALUES (?, ?)", items)
            self.conn.commit()
        except sqlite3.Error:
            pass

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def _pick(rows: Iterable[tuple[str, bytes]], wanted: set[str]) -> dict[str, bytes]:
    return {h: vec for h, vec in rows if h in wanted and len(vec) == EMBED_DIM}


def _read_only(path: Path | None, sql: str, wanted: set[str]) -> dict[str, bytes]:
    """text_hash -> vec from another SQLite file (read-only, streamed); {} when it has none."""
    if not path or not wanted or not Path(path).is_file():
        return {}
    try:
        other = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
    except sqlite3.Error:
        return {}
    try:
        return _pick(other.execute(sql), wanted)
    except sqlite3.Error:
        return {}  # not a vector file / no embeddings table: embed everything
    finally:
        other.close()


# --- the embedding step ---------------------------------------------------------------------------

_DEFAULT = object()
_INSERT = "INSERT OR REPLACE INTO embeddings(title_id, text_hash, vec) VALUES (?, ?, ?)"


def embed_catalog(
    conn: sqlite3.Connection,
    embedder: Encoder,
    *,
    reuse_from: Path | None = None,
    batch_size: int = 64,
    chunk: int = 2048,
    progress: Progress | None = None,
    build_index: bool = True,
    cache: Path | None | object = _DEFAULT,
) -> int:
    """Fill `embeddings` for every row of `titles`; return how many titles were newly embedded.

    `conn` holds the catalogue schema (schema.DDL). Vectors whose text hash matches a row already in
    `conn`, in `reuse_from` (an older catalog.db, opened read-only), in the shipped seed or in the
    vector cache (`cache`, default `default_cache_path()`; None: no cache) are reused; new vectors
    are added to the cache as they are made. Rows of titles that are gone are deleted. Then the
    coarse index is rebuilt and meta 'embed_model' is recorded. Does not commit `conn`.
    """
    cache_path = default_cache_path() if cache is _DEFAULT else cache
    store = VectorCache(cache_path) if cache_path else None
    try:
        return _embed_catalog(conn, embedder, reuse_from, batch_size, chunk, progress, build_index, store)
    finally:
        if store is not None:
            store.close()


def _embed_catalog(conn: sqlite3.Connection, embedder: Encoder, reuse_from: Path | None, batch_size: int,
                   chunk: int, progress: Progress | None, build_index: bool, store: VectorCache | None) -> int:
    model_id = embedder.model_id
    texts: dict[str, str] = {}
    hashes: dict[str, str] = {}
    for tid, title, genres, desc in conn.execute("SELECT id, title, genres, description FROM titles"):
        texts[tid] = title_text(title, genres, desc)
        hashes[tid] = text_hash(texts[tid], model_id)

    current = dict(conn.execute("SELECT title_id, text_hash FROM embeddings"))
    stale = [tid for tid, h in current.items() if hashes.get(tid) != h]
    conn.executemany("DELETE FROM embeddings WHERE title_id = ?", [(t,) for t in stale])
    todo = [tid for tid in hashes if current.get(tid) != hashes[tid]]

    wanted = {hashes[t] for t in todo}
    reused = _read_only(reuse_from, "SELECT text_hash, vec FROM embeddings", wanted)
    reused.update(_read_only(SEED_PATH, "SELECT text_hash, vec FROM vectors", wanted - set(reused)))
    if store is not None:
        reused.update(store.get(wanted - set(reused)))
    conn.executemany(_INSERT, [(t, hashes[t], reused[hashes[t]]) for t in todo if hashes[t] in reused])
    todo = [t for t in todo if hashes[t] not in reused]

    # sort the whole backlog by text length so each batch holds texts of similar token count
    todo.sort(key=lambda t: len(texts[t]))
    done = 0
    for start in range(0, len(todo), chunk):
        ids = todo[start:start + chunk]
        vecs = embedder.encode([texts[t] for t in ids], batch_size=batch_size)
        made = [(t, hashes[t], quantize(v)) for t, v in zip(ids, vecs, strict=True)]
        conn.executemany(_INSERT, made)
        if store is not None:
            store.put([(h, b) for _, h, b in made])
        done += len(ids)
        if progress:
            progress(done, len(todo))
    conn.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                     [("embed_model", model_id), ("embed_dim", str(EMBED_DIM))])
    if build_index:
        build_ivf(conn)
    return len(todo)


# --- the coarse index -----------------------------------------------------------------------------

def spherical_kmeans(x: np.ndarray, k: int, iters: int = 10, sample: int = 64, seed: int = 0) -> np.ndarray:
    """Centroids (k, d), unit length, trained on at most `sample * k` rows of unit vectors x."""
    rng = np.random.default_rng(seed)
    n = len(x)
    k = max(1, min(k, n))
    train = x[rng.choice(n, size=min(n, sample * k), replace=False)] if n > sample * k else x
    cent = train[rng.choice(len(train), size=k, replace=False)].copy()
    for _ in range(iters):
        assign = assign_lists(train, cent)
        sums = np.zeros_like(cent)
        np.add.at(sums, assign, train)
        counts = np.bincount(assign, minlength=k)
        empty = counts == 0
        if empty.any():  # re-seed empty lists with random training points
            sums[empty] = train[rng.choice(len(train), size=int(empty.sum()), replace=False)]
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        cent = (sums / np.maximum(norms, 1e-12)).astype(np.float32)
    return cent


def assign_lists(x: np.ndarray, cent: np.ndarray, chunk: int = 16384) -> np.ndarray:
    """Index of the nearest centroid (max dot product) for each row of x (int8 or float)."""
    out = np.empty(len(x), dtype=np.int32)
    for s in range(0, len(x), chunk):
        block = x[s:s + chunk].astype(np.float32, copy=False)
        out[s:s + chunk] = np.argmax(block @ cent.T, axis=1)
    return out


def _all_vectors(conn: sqlite3.Connection, n: int) -> tuple[np.ndarray, list[str]]:
    """Stream (vec, title_id) rows into an int8 (n, 384) matrix without holding n bytes objects."""
    mat = np.zeros((n, EMBED_DIM), dtype=np.int8)
    ids: list[str] = []
    cur = conn.execute("SELECT vec, title_id FROM embeddings")
    i = 0
    while rows := cur.fetchmany(8192):
        good = [r for r in rows if r[0] is not None and len(r[0]) == EMBED_DIM]
        if good:
            mat[i:i + len(good)] = np.frombuffer(b"".join(r[0] for r in good), dtype=np.int8).reshape(-1, EMBED_DIM)
            ids.extend(r[1] for r in good)
            i += len(good)
    return mat[:i], ids


def build_ivf(conn: sqlite3.Connection, nlist: int | None = None, min_n: int = IVF_MIN, seed: int = 0) -> int:
    """(Re)build the coarse index from `embeddings`; return the number of lists (0 = none needed)."""
    conn.execute("DELETE FROM vector_lists")
    conn.execute("DELETE FROM vector_centroids")
    n = conn.execute("SELECT count(*) FROM embeddings").fetchone()[0]
    if n < max(min_n, 2):
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('ivf_nlist', '0')")
        return 0
    t0 = time.perf_counter()
    mat, ids = _all_vectors(conn, n)
    x = mat.astype(np.float32)
    x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    k = nlist or max(16, int(round(np.sqrt(len(x)))))
    cent = spherical_kmeans(x, k, seed=seed)
    assign = assign_lists(x, cent)
    del x
    conn.executemany("INSERT INTO vector_lists(title_id, list_no) VALUES (?, ?)",
                     zip(ids, assign.tolist(), strict=True))
    conn.executemany("INSERT INTO vector_centroids(list_no, vec) VALUES (?, ?)",
                     [(i, c.astype(np.float32).tobytes()) for i, c in enumerate(cent)])
    conn.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                     [("ivf_nlist", str(len(cent))), ("ivf_build_s", f"{time.perf_counter() - t0:.1f}")])
    return len(cent)
