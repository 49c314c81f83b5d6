"""`voicerec catalog refresh [--region XX] [--max-titles N] [--full]`: fetch (fetch.py), then write and
swap the catalogue (catalog/regions.py), resuming an interrupted run (journal.py).

The catalogue must exist (`catalog build` first). A bad setting or a 401 stops before anything is
written; an interruption keeps what was fetched for the next run; the file is replaced atomically,
or, when TMDB said nothing new, not at all.
"""

from __future__ import annotations

import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

from voicerec.catalog import regions
from voicerec.catalog.embeddings import Encoder
from voicerec.catalog.stats import ATTRIBUTION
from voicerec.catalog.tmdb.client import Client
from voicerec.catalog.tmdb.fetch import Progress, read_region
from voicerec.catalog.tmdb.journal import Journal
from voicerec.config import TMDBSettings, redact_url
from voicerec.daemon import malloc
from voicerec.errors import CatalogError


def refresh(db_path: Path, tmdb: TMDBSettings, region: str, *, full: bool = False, max_titles: int | None = None,
            embedder: Encoder | None = None, progress: Progress | None = None, stop: threading.Event | None = None,
            today: date | None = None) -> dict[str, Any]:
    """Refresh the region's availability (and the facts of new titles) from TMDB; a report."""
    db_path = Path(db_path)
    t0 = time.perf_counter()
    if not db_path.is_file():
        raise CatalogError(f"no catalogue at {db_path}; build it first: voicerec catalog build")
    today = today or date.today()
    max_titles = max_titles or tmdb.max_titles
    malloc.limit_arenas(2)  # the fetch's threads would each keep an arena of freed memory
    client = Client(tmdb)  # no credentials: stops here
    old = regions.read_state(db_path)
    journal = Journal(db_path, region).open({"region": region, "full": full, "max_titles": max_titles,
                                             "api_base": redact_url(tmdb.api_base), "day": today.isoformat()})
    try:
        seen = read_region(client, region, old.known(region), journal, full=full, max_titles=max_titles,
                           concurrency=tmdb.concurrency, today=today, progress=progress, stop=stop)
        fetched_s = time.perf_counter() - t0
        report = regions.apply(db_path, seen, embedder=embedder if seen.details else None)
    except BaseException:
        empty = journal.conn is not None and not journal.done()
        journal.discard() if empty else journal.close()
        raise
    finally:
        client.close()
    journal.discard()
    return {
        **report, "full": seen.full, "listed": seen.listed, "fetched": len(seen.details), "checked": len(seen.offers),
        "changed": seen.changed, "gone": len(seen.gone - {k for k in seen.gone if k in seen.details}),
        "adult_dropped": seen.adult, "failed": len(seen.failed), "resumed": seen.resumed, "requests": seen.requests,
        "rate_limited": seen.rate_limited, "seconds_fetching": round(fetched_s, 2),
        "seconds": round(time.perf_counter() - t0, 2), "attribution": ATTRIBUTION,
    }
