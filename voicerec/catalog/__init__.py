"""The catalogue: `build` turns the raw CSVs into catalog.db; `store` reads it.

`build_catalog`, `is_stale` and `catalog_stats` are exported lazily, so importing the read side
does not pull in the builder (and sqlite-utils).
"""

from __future__ import annotations

from typing import Any

__all__ = ["build_catalog", "catalog_stats", "is_stale"]


def __getattr__(name: str) -> Any:
    if name in ("build_catalog", "is_stale"):
        from voicerec.catalog import build

        return getattr(build, name)
    if name == "catalog_stats":
        from voicerec.catalog import stats

        return stats.catalog_stats
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
