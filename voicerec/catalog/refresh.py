"""`catalog import`: read and check a listing (imports.py), rebuild with it (build.py), report the change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from voicerec.catalog.build import build_catalog
from voicerec.catalog.embeddings import Encoder
from voicerec.catalog.imports import read_listing
from voicerec.catalog.schema import SCHEMA_VERSION
from voicerec.catalog.stats import catalog_stats, schema_version
from voicerec.errors import CatalogError


def import_listing(file: Path, data_dir: Path, db_path: Path, *, embedder: Encoder | None = None,
                   service: str | None = None, when: str | None = None, strict: bool = True) -> dict[str, Any]:
    """Import one listing file into catalog.db; the report names what changed per service.

    Nothing is written unless the whole file is good and the new catalogue is complete."""
    listing = read_listing(Path(file), service=service, when=when)
    db_path = Path(db_path)
    if db_path.is_file() and schema_version(db_path) != str(SCHEMA_VERSION):
        raise CatalogError(f"{db_path} is from another voicerec version; run `voicerec catalog build` first")
    before = catalog_stats(db_path) if db_path.is_file() else None
    report = build_catalog(data_dir, db_path, embedder=embedder, strict=strict, add=listing)
    after = catalog_stats(db_path)
    services = sorted({r.service for r in listing.records})
    return {
        "file": listing.name,
        "format": listing.format,
        "rows": len(listing.records),
        "listings": sorted({f"{r.service} {r.snapshot}" for r in listing.records}),
        "titles": {"before": before["titles"] if before else None, "after": after["titles"]},
        "on": {s: {"before": before["per_service"][s] if before else None, "after": after["per_service"][s],
                   "as_of": after["as_of"].get(s)} for s in services},
        "seconds": report["seconds"],
    }
