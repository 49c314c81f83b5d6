"""Write the seed vector file shipped in data/vectors/ from a built catalog.db.

Usage: .venv/bin/python scripts/export_vectors.py [catalog.db]
The seed holds text_hash -> int8 vector for every title of the shipped catalogue, so a fresh
`voicerec catalog build` reuses them instead of embedding ~40k descriptions again.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from voicerec.catalog.embeddings import SEED_PATH
from voicerec.catalog.schema import VECTOR_FILE_DDL


def main() -> None:
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "catalog.db")
    con = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    rows = con.execute("SELECT text_hash, vec FROM embeddings ORDER BY text_hash").fetchall()
    con.close()
    SEED_PATH.parent.mkdir(parents=True, exist_ok=True)
    tmp = SEED_PATH.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    out = sqlite3.connect(tmp)
    out.execute(VECTOR_FILE_DDL)
    out.executemany("INSERT OR IGNORE INTO vectors VALUES (?, ?)", rows)
    out.commit()
    out.execute("VACUUM")
    out.close()
    tmp.replace(SEED_PATH)
    print(f"{len(rows)} vectors -> {SEED_PATH} ({SEED_PATH.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
