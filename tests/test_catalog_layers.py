"""The catalogue is the bottom layer: nothing in voicerec/catalog imports a layer above it, and the
ranker's model (rank/embed.py) and index (rank/vectors.py) do not import each other."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "voicerec"
ABOVE_CATALOG = ("voicerec.rank", "voicerec.understand", "voicerec.say", "voicerec.state", "voicerec.speech",
                 "voicerec.daemon", "voicerec.wyoming", "voicerec.assistant", "voicerec.cli", "voicerec.reply",
                 "voicerec.history")


def _imports(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return out


def test_catalog_imports_nothing_above_it() -> None:
    modules = sorted((ROOT / "catalog").glob("*.py"))
    assert len(modules) >= 8
    bad = {p.name: sorted(m for m in _imports(p) if m.startswith(ABOVE_CATALOG)) for p in modules}
    assert not {k: v for k, v in bad.items() if v}


def test_rank_model_and_index_do_not_import_each_other() -> None:
    assert not {m for m in _imports(ROOT / "rank" / "embed.py") if m.startswith("voicerec.rank")}
    assert not {m for m in _imports(ROOT / "rank" / "vectors.py") if m.startswith("voicerec.rank")}


def test_only_the_catalogue_defines_tables() -> None:
    """CREATE TABLE appears in catalog/schema.py only (every catalogue table defined once)."""
    found = {str(p.relative_to(ROOT)) for p in ROOT.rglob("*.py")
             if "CREATE TABLE" in p.read_text(encoding="utf-8") and p.parent.name in ("catalog", "rank")}
    assert found == {"catalog/schema.py"}
