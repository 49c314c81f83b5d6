"""Where titles stream in the household's region, as the catalogue's reader sees it.

`RegionView.load(conn, region)`:
  * None when the shipped listings answer: region US with no refresh of its own. Everything then
    reads titles.services / available_as_of / was_on, exactly as a catalogue without refreshes.
  * a refreshed region: the `availability` rows of that region (regions.py), and nothing else. A
    title the region's refresh did not see is on no service there, whatever the shipped (US)
    listings say; for US the shipped listings still say where a title *was*.
  * a region never refreshed (not US): nothing is known to stream there (`known` is False).

For the in-memory filters, each service of the region gets a bit (`bit`); the shipped seven keep
theirs, so a query's mask means the same in every region. Past 63 services the rest share the last
bit (a filter on one of them is then approximate). Read-only, like the rest of the reader.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

import numpy as np

from voicerec.vocab.services import BY_KEY, SERVICES, learn

MAX_BITS = 63


@dataclass(frozen=True)
class Availability:
    """Where a title is (`on`: service → as of) and was (`was_on`: service → last listed there)."""

    on: dict[str, str]
    was_on: dict[str, str]


@dataclass
class RegionView:
    region: str
    known: bool  # a refresh of this region has run
    on: dict[str, dict[str, str]] = field(default_factory=dict)  # title id → service → as of (YYYY-MM-DD)
    was: dict[str, dict[str, str]] = field(default_factory=dict)  # title id → service → last seen there
    services: list[str] = field(default_factory=list)  # the filter bits' order: the shipped seven, then the region's
    present: list[str] = field(default_factory=list)  # the services something streams on here, in that order
    dates: dict[str, str] = field(default_factory=dict)  # service → the region's last refresh that saw it
    refreshed: str | None = None  # the last refresh (YYYY-MM-DD)

    @classmethod
    def load(cls, conn: sqlite3.Connection, region: str) -> RegionView | None:
        has = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'refreshes'").fetchone()
        last = conn.execute("SELECT last_at FROM refreshes WHERE region = ?", (region,)).fetchone() if has else None
        if last is None:
            return None if region == "US" else cls(region, known=False)
        view = cls(region, known=True, refreshed=last[0])
        counts: dict[str, int] = {}
        for tid, service, as_of, here in conn.execute(
                "SELECT title_id, service, as_of, here FROM availability WHERE region = ? ORDER BY title_id, service",
                (region,)):
            (view.on if here else view.was).setdefault(tid, {})[service] = as_of
            if here:
                counts[service] = counts.get(service, 0) + 1
                view.dates[service] = max(view.dates.get(service, ""), as_of)
        for service, name in conn.execute("SELECT DISTINCT service, name FROM providers WHERE region = ?", (region,)):
            learn(service, name)
        view.services = order(counts)
        view.present = [s for s in view.services if counts.get(s)]
        return view

    def bit(self, service: str) -> int:
        """The filter bit of a service in this region (0 for one it does not have)."""
        try:
            i = self.services.index(service)
        except ValueError:
            return 0
        return 1 << min(i, MAX_BITS - 1)

    def mask(self, services: list[str]) -> int:
        m = 0
        for s in services:
            m |= self.bit(s)
        return m

    def masks(self, ids: list[str]) -> np.ndarray:
        """The service mask of each title id (in order) for the in-memory filters."""
        return np.fromiter((self.mask(list(self.on.get(t, {}))) for t in ids), dtype=np.int64, count=len(ids))

    def availability(self, title_id: str, shipped: Availability) -> Availability:
        """A title's availability in this region; for US, the shipped listings still say where it was."""
        on = self.title_on(title_id)
        was = dict(self.was.get(title_id, {}))
        if self.region == "US":
            for service, month in {**shipped.was_on, **shipped.on}.items():
                if service not in on and service not in was:
                    was[service] = month
        return Availability(on=on, was_on=was)

    def title_on(self, title_id: str) -> dict[str, str]:
        """service → as of, in the region's service order."""
        on = self.on.get(title_id, {})
        return {s: on[s] for s in sorted(on, key=self._rank)}

    def _rank(self, service: str) -> int:
        return self.services.index(service) if service in self.services else len(self.services)


def order(counts: dict[str, int]) -> list[str]:
    """The shipped seven in their order, then the region's other services, the most titles first."""
    classic = list(SERVICES)
    rest = sorted((s for s in counts if s not in classic), key=lambda s: (-counts[s], s not in BY_KEY, s))
    return classic + rest
