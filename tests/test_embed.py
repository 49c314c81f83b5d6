"""Embeddings: the real int8 MiniLM ONNX model, int8 storage, and embed_catalog on a real SQLite file."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from voicerec.catalog.embeddings import dequantize, embed_catalog, quantize, title_text
from voicerec.catalog.schema import DDL, EMBED_DIM, genre_mask
from voicerec.rank.embed import MODEL_ID, Embedder

ROOT = Path(__file__).resolve().parent.parent
CSV = ROOT / "data" / "catalog" / "justwatch" / "netflix_titles.csv"


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return Embedder(threads=2).load()


DOCS = {
    "horror": "A family moves into an old farmhouse where a malevolent spirit terrorises their youngest daughter at night.",
    "cooking": "A chef travels through Italy learning traditional pasta recipes from grandmothers in small villages.",
    "romance": "Two strangers meet on a train and fall in love during one long night walking through Vienna.",
    "space": "Astronauts travel through a wormhole near Saturn in search of a new home for humanity.",
    "sport": "An underdog boxer from Philadelphia gets a once-in-a-lifetime shot at the heavyweight title.",
    "documentary": "This documentary follows penguins through an Antarctic winter as they protect their eggs.",
}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("a scary movie", "horror"),
        ("something about food and cooking", "cooking"),
        ("a romantic film for date night", "romance"),
        ("science fiction in outer space", "space"),
        ("an inspiring sports story", "sport"),
        ("nature and wildlife", "documentary"),
    ],
)
def test_query_lands_on_matching_description(embedder: Embedder, query: str, expected: str) -> None:
    keys = list(DOCS)
    docs = embedder.encode([DOCS[k] for k in keys])
    sims = docs @ embedder.encode_one(query)
    assert keys[int(np.argmax(sims))] == expected, dict(zip(keys, np.round(sims, 3), strict=True))



@pytest.fixture(autouse=True)
def no_seed(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """These tests count what gets embedded: the shipped seed vectors would answer for them."""
    import voicerec.catalog.embeddings as embeddings

    monkeypatch.setattr(embeddings, "SEED_PATH", tmp_path_factory.mktemp("noseed") / "none.sqlite")


def test_encode_shape_norm_order_and_batching(embedder: Embedder) -> None:
    texts = ["short", "a much longer sentence about a detective solving a murder in a small town " * 3, "", "mid length text here"]
    one_batch = embedder.encode(texts, batch_size=64)
    small_batches = embedder.encode(texts, batch_size=1)
    assert one_batch.shape == (4, EMBED_DIM) and one_batch.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(one_batch, axis=1), 1.0, atol=1e-4)
    # sorting by length inside encode must not change which vector belongs to which text
    np.testing.assert_allclose(one_batch, small_batches, atol=2e-3)
    assert embedder.encode([]).shape == (0, EMBED_DIM)


def test_long_text_is_truncated_not_rejected(embedder: Embedder) -> None:
    long = "word " * 2000
    v = embedder.encode([long, long + "extra tail words that fall beyond the token limit"])
    assert np.allclose(v[0], v[1], atol=1e-5)


def test_quantize_round_trip() -> None:
    rng = np.random.default_rng(1)
    v = rng.standard_normal(EMBED_DIM).astype(np.float32)
    v /= np.linalg.norm(v)
    blob = quantize(v)
    assert isinstance(blob, bytes) and len(blob) == EMBED_DIM
    back = dequantize(blob)
    assert back.dtype == np.float32
    assert np.abs(back - v).max() <= 0.5 / 127 + 1e-6
    assert float(back @ v) / float(np.linalg.norm(back)) > 0.999
    assert quantize(np.full(EMBED_DIM, 5.0)) == bytes([127]) * EMBED_DIM  # clipped, not wrapped


def test_title_text_has_title_genres_description() -> None:
    assert title_text("Alien", '["horror", "scifi"]', "  In space   no one can hear you scream. ") == (
        "Alien (horror, scifi). In space no one can hear you scream."
    )
    assert title_text("Up", [], "") == "Up"


# --- embed_catalog on a real SQLite file -----------------------------------------------------------

def _real_rows(n: int) -> list[dict]:
    """Real titles and descriptions from the shipped JustWatch CSV (no dependency on the catalogue build)."""
    rows = []
    with CSV.open(newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["description"] and r["title"] and r["id"]:
                genres = [g.strip(" '") for g in r["genres"].strip("[]").split(",") if g.strip(" '")]
                rows.append({"id": r["id"], "title": r["title"], "kind": "show" if r["type"] == "SHOW" else "movie",
                             "genres": genres, "description": r["description"]})
            if len(rows) == n:
                break
    return rows


def _make_db(path: Path, rows: list[dict]) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.executescript(DDL)
    conn.executemany(
        "INSERT INTO titles(id, title, norm_title, kind, genres, genre_mask, description) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(r["id"], r["title"], r["title"].lower(), r["kind"], json.dumps(r["genres"]), genre_mask(r["genres"]),
          r["description"]) for r in rows],
    )
    return conn


def test_embed_catalog_fills_and_reuses_on_rebuild(tmp_path: Path, embedder: Embedder) -> None:
    rows = _real_rows(40)
    old_path = tmp_path / "old.db"
    conn = _make_db(old_path, rows)
    assert embed_catalog(conn, embedder, cache=None) == 40
    conn.commit()
    n, bad = conn.execute("SELECT count(*), sum(length(vec) != 384) FROM embeddings").fetchone()
    assert (n, bad) == (40, 0)
    assert dict(conn.execute("SELECT key, value FROM meta"))["embed_model"] == MODEL_ID
    # the stored vector is the title's own text, embedded
    vec = dequantize(conn.execute("SELECT vec FROM embeddings WHERE title_id = ?", (rows[3]["id"],)).fetchone()[0])
    fresh = embedder.encode_one(title_text(rows[3]["title"], rows[3]["genres"], rows[3]["description"]))
    assert float(vec @ fresh) / float(np.linalg.norm(vec)) > 0.999
    old_vecs = dict(conn.execute("SELECT title_id, vec FROM embeddings"))
    conn.close()

    # rebuild into a fresh file: 3 descriptions changed, 1 title gone, 2 titles new
    new_rows = [dict(r) for r in rows[1:]] + _real_rows(42)[40:]
    for r in new_rows[:3]:
        r["description"] += " Now remastered."
    new = _make_db(tmp_path / "new.db", new_rows)
    assert embed_catalog(new, embedder, reuse_from=old_path, cache=None) == 5
    got = dict(new.execute("SELECT title_id, vec FROM embeddings"))
    assert set(got) == {r["id"] for r in new_rows}
    unchanged = [r["id"] for r in new_rows[3:39]]
    assert all(got[t] == old_vecs[t] for t in unchanged)
    assert all(got[r["id"]] != old_vecs[r["id"]] for r in new_rows[:3])
    # in place: a second run over the same file embeds nothing and drops rows of deleted titles
    new.execute("DELETE FROM titles WHERE id = ?", (new_rows[-1]["id"],))
    assert embed_catalog(new, embedder, cache=None) == 0
    assert new.execute("SELECT count(*) FROM embeddings").fetchone()[0] == len(new_rows) - 1
    new.close()


def test_embed_catalog_reuse_from_missing_or_foreign_file(tmp_path: Path, embedder: Embedder) -> None:
    rows = _real_rows(5)
    conn = _make_db(tmp_path / "a.db", rows)
    junk = tmp_path / "junk.db"
    sqlite3.connect(junk).execute("CREATE TABLE other(x)").connection.close()
    assert embed_catalog(conn, embedder, reuse_from=junk, cache=None) == 5
    conn2 = _make_db(tmp_path / "b.db", rows)
    assert embed_catalog(conn2, embedder, reuse_from=tmp_path / "missing.db", cache=None) == 5


def test_vector_cache_survives_a_build_from_scratch(tmp_path: Path, embedder: Embedder, monkeypatch) -> None:
    rows = _real_rows(12)
    cache = tmp_path / "cache" / "embeddings.db"
    first = _make_db(tmp_path / "first.db", rows[:8])
    assert embed_catalog(first, embedder, cache=cache) == 8
    # a new catalogue with no old catalog.db to reuse: only the 4 titles never seen are embedded
    second = _make_db(tmp_path / "second.db", rows)
    assert embed_catalog(second, embedder, cache=cache) == 4
    a = dict(first.execute("SELECT title_id, vec FROM embeddings"))
    b = dict(second.execute("SELECT title_id, vec FROM embeddings"))
    assert all(b[t] == a[t] for t in a)
    # the default cache location follows VOICEREC_EMBED_CACHE; "" turns the cache off
    monkeypatch.setenv("VOICEREC_EMBED_CACHE", str(cache))
    assert embed_catalog(_make_db(tmp_path / "third.db", rows), embedder) == 0
    monkeypatch.setenv("VOICEREC_EMBED_CACHE", "")
    assert embed_catalog(_make_db(tmp_path / "fourth.db", rows[:2]), embedder) == 2
