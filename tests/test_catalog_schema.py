"""Every catalogue table is defined once, in catalog/schema.py (tests/test_layers.py checks the imports)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "voicerec"


def test_only_the_catalogue_schema_defines_catalogue_tables() -> None:
    found = {str(p.relative_to(ROOT)) for p in ROOT.rglob("*.py")
             if "CREATE TABLE" in p.read_text(encoding="utf-8") and p.parent.name in ("catalog", "rank")}
    assert found == {"catalog/schema.py"}
