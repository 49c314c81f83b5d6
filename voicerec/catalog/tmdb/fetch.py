"""One refresh's reading of TMDB for a region: which titles stream there by subscription, their
facts, and on which of the region's services each one is.

    1. watch/providers/regions            the region exists (and the credentials work: a 401 stops here)
    2. watch/providers/{movie,tv}          the region's services (vocab/services.py maps them)
    3. genre/{movie,tv}/list, certification/{movie,tv}/list
    4. discover/{movie,tv}                 watch_region, with_watch_providers (every provider of the
                                           region, |-joined), with_watch_monetization_types=flatrate,
                                           most popular first, until `max_titles`
    5. {movie,tv}/changes                  (incremental runs) what changed since the last refresh
    6. per title: {movie,tv}/{id}?append_to_response=credits,keywords,watch/providers,
                  release_dates|content_ratings,external_ids   for a title new to the catalogue, or
                                                                changed, or on every full run;
                  {movie,tv}/{id}/watch/providers              for the others the region has:
                                                                every known title is checked each run,
                                                                so one that left a service is seen leaving

Answers are kept in the journal as they come (journal.py): an interrupted run resumes. The result,
`Seen`, is what regions.py writes into the catalogue. Adult titles are never asked for
(include_adult=false) and never kept if TMDB sends one anyway.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from voicerec.catalog.tmdb.client import AuthError, Client, NotFound, TmdbError, Unreachable
from voicerec.catalog.tmdb.journal import Journal
from voicerec.catalog.tmdb.mapping import (
    Lists,
    Provider,
    TmdbTitle,
    key_of,
    offers,
    providers_from,
    title_from,
)
from voicerec.errors import CatalogError

APPEND = {"movie": "credits,keywords,watch/providers,release_dates,external_ids",
          "tv": "credits,keywords,watch/providers,content_ratings,external_ids"}
PAGE = 20  # discover's page size
MAX_PAGES = 500  # TMDB serves discover pages 1..500
CHANGES_DAYS = 14  # the longest window one changes query may ask for
CHANGES_MAX_AGE = 56  # a last refresh older than this: refresh in full rather than page through changes
COMMIT_EVERY = 25  # answers per journal commit

Progress = Callable[[int, int], None]


class Interrupted(CatalogError):
    """The person stopped the refresh (Ctrl+C): what was fetched is kept for the next run."""

    exit_code = 130


@dataclass(frozen=True)
class Known:
    """What the catalogue already has from TMDB, read before fetching."""

    region_keys: frozenset[str] = frozenset()  # titles on a service in the region now (checked again)
    records: frozenset[str] = frozenset()  # titles whose facts are stored
    last_at: str | None = None  # the region's last refresh (YYYY-MM-DD)


@dataclass
class Seen:
    """One refresh's view of a region: what regions.apply writes into the catalogue."""

    region: str
    day: str
    full: bool
    providers: list[Provider]
    details: dict[str, TmdbTitle] = field(default_factory=dict)  # facts fetched now
    offers: dict[str, list[Provider]] = field(default_factory=dict)  # every title checked now → its services
    gone: set[str] = field(default_factory=set)  # TMDB has them no more (404)
    failed: dict[str, str] = field(default_factory=dict)  # could not be fetched: keep what was known
    adult: int = 0  # adult titles TMDB sent and we dropped
    listed: int = 0  # titles discover listed
    changed: int = 0  # known titles TMDB's changes named
    resumed: int = 0  # answers taken from an interrupted run's journal
    requests: int = 0
    rate_limited: int = 0


def read_region(client: Client, region: str, known: Known, journal: Journal, *, full: bool, max_titles: int,
                concurrency: int, today: date, progress: Progress | None = None,
                stop: threading.Event | None = None) -> Seen:
    """Fetch what the region streams (see the module doc); raises Interrupted when `stop` is set."""
    stop = stop or threading.Event()
    regions = client.get("watch/providers/regions")
    codes = {str(r.get("iso_3166_1", "")).upper() for r in regions.get("results") or [] if isinstance(r, dict)}
    if codes and region not in codes:
        raise TmdbError(f"TMDB has no streaming data for region {region}; set region to one it has "
                        f"(such as {', '.join(sorted(codes)[:8])})")
    providers = providers_from([client.get(f"watch/providers/{k}", {"watch_region": region}) for k in ("movie", "tv")],
                               region)
    if not providers:
        raise TmdbError(f"TMDB lists no streaming services in {region}")
    lists = Lists.from_answers(region, [_optional(client, f"genre/{k}/list") for k in ("movie", "tv")],
                               {kind: _optional(client, f"certification/{k}/list") for kind, k in (("movie", "movie"),
                                                                                                   ("show", "tv"))})
    full = full or known.last_at is None or (today - date.fromisoformat(known.last_at)).days > CHANGES_MAX_AGE
    seen = Seen(region, journal.get("day") or today.isoformat(), full, providers)
    plan = journal.plan()
    if plan is None:
        listed, adult = _discover(client, region, providers, max_titles, concurrency)
        changed = set() if full else _changes(client, known, today)
        plan = _plan(listed, known, changed, full)
        journal.set_plan(plan)
        journal.set("counts", {"listed": len(listed), "adult": adult, "changed": len(changed & known.region_keys)})
    counts = journal.get("counts") or {}
    seen.listed, seen.adult, seen.changed = counts.get("listed", 0), counts.get("adult", 0), counts.get("changed", 0)
    done = journal.done()
    seen.resumed = len(done)
    for key, (what, body) in done.items():
        _keep(seen, key, what, body)
    todo = [(k, n) for k, n in plan if k not in done]
    total = len(plan)
    if progress:
        progress(total - len(todo), total)
    _fetch_all(client, todo, lists, region, seen, journal, concurrency, total, progress, stop)
    seen.requests, seen.rate_limited = client.requests, client.rate_limited
    return seen


def _optional(client: Client, path: str) -> dict[str, Any]:
    """A reference list the mapping can do without (details name their genres; certificates state
    their ages): {} when this API has no such path."""
    try:
        return client.get(path)
    except NotFound:
        return {}


# --- listing ---------------------------------------------------------------------------------------

def _discover(client: Client, region: str, providers: list[Provider], max_titles: int,
              concurrency: int) -> tuple[list[str], int]:
    """The most popular titles streaming in the region by subscription: up to max_titles keys, films
    and series alternating by popularity; and how many adult titles were dropped. Page 1 of each kind
    says how many pages there are; the rest are asked for `concurrency` at a time."""
    ids = "|".join(str(p.id) for p in providers)

    def page(kind: str, n: int) -> dict[str, Any]:
        params = {"watch_region": region, "with_watch_providers": ids, "with_watch_monetization_types": "flatrate",
                  "sort_by": "popularity.desc", "include_adult": "false", "page": n}
        if kind == "tv":
            params["include_null_first_air_dates"] = "false"
        return client.get(f"discover/{kind}", params)

    found: dict[str, list[tuple[float, str]]] = {"movie": [], "tv": []}
    adult = 0
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="tmdb") as pool:
        for kind in ("movie", "tv"):
            first = page(kind, 1)
            pages = min(int(first.get("total_pages") or 1), MAX_PAGES, -(-max_titles // PAGE) + 1)
            answers = [first, *pool.map(lambda n, k=kind: page(k, n), range(2, pages + 1))]
            for answer in answers:
                for r in answer.get("results") or []:
                    if not isinstance(r, dict) or not isinstance(r.get("id"), int):
                        continue
                    if r.get("adult"):
                        adult += 1
                        continue
                    pop = r.get("popularity")
                    found[kind].append((float(pop) if isinstance(pop, int | float) else 0.0, key_of(kind, r["id"])))
    movies, shows = found["movie"][:max_titles], found["tv"][:max_titles]
    take_movies = min(len(movies), max(max_titles - min(len(shows), max_titles // 2), max_titles // 2))
    chosen = movies[:take_movies] + shows[:max_titles - take_movies]
    chosen.sort(key=lambda x: -x[0])
    return list(dict.fromkeys(k for _, k in chosen)), adult


def _changes(client: Client, known: Known, today: date) -> set[str]:
    """Keys of the titles TMDB's changes name since the region's last refresh (14-day windows)."""
    if not known.last_at or not known.records:
        return set()
    out: set[str] = set()
    start = date.fromisoformat(known.last_at)
    budget = max(10, len(known.records) // 20)  # beyond this many pages, refetching is cheaper
    while start <= today:
        end = min(start + timedelta(days=CHANGES_DAYS - 1), today)
        for kind in ("movie", "tv"):
            page, pages = 1, 1
            while page <= pages:
                try:
                    answer = client.get(f"{kind}/changes", {"start_date": start.isoformat(),
                                                            "end_date": end.isoformat(), "page": page})
                except NotFound:  # no changes to page through: every known title's facts are fetched again
                    return set(known.records)
                pages = min(int(answer.get("total_pages") or 1), MAX_PAGES)
                out |= {key_of(kind, r["id"]) for r in answer.get("results") or []
                        if isinstance(r, dict) and isinstance(r.get("id"), int) and not r.get("adult")}
                page += 1
                budget -= 1
                if budget <= 0:
                    return set(known.records)  # too many changes to page through: refetch every title
        start = end + timedelta(days=1)
    return out


def _plan(listed: list[str], known: Known, changed: set[str], full: bool) -> list[tuple[str, str]]:
    """(key, "details" | "offers") for every title to look at now: the listed ones, then every title
    the region had (to see which left), facts for the new, the changed, or all on a full run."""
    keys = list(dict.fromkeys([*listed, *sorted(known.region_keys)]))
    return [(k, "details" if full or k not in known.records or k in changed else "offers") for k in keys]


# --- fetching --------------------------------------------------------------------------------------

def _fetch_one(client: Client, key: str, need: str, lists: Lists, region: str) -> tuple[str, Any]:
    kind, _, tmdb_id = key.partition("/")
    try:
        if need == "details":
            details = client.get(f"{kind}/{tmdb_id}", {"append_to_response": APPEND[kind]})
            title = title_from(details, kind, lists)
            if title is None:
                return "adult", None
            return "details", {"title": title.to_json(), "offers": [_p(p) for p in offers(details, region)]}
        return "offers", [_p(p) for p in offers(client.get(f"{kind}/{tmdb_id}/watch/providers"), region)]
    except NotFound:
        return "gone", None


def _fetch_all(client: Client, todo: list[tuple[str, str]], lists: Lists, region: str, seen: Seen, journal: Journal,
               concurrency: int, total: int, progress: Progress | None, stop: threading.Event) -> None:
    done = total - len(todo)
    pending: dict[Future, str] = {}
    queue = iter(todo)
    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="tmdb")
    try:
        while True:
            while len(pending) < concurrency * 2 and not stop.is_set():  # a short queue: Ctrl+C stops soon
                item = next(queue, None)
                if item is None:
                    break
                pending[pool.submit(_fetch_one, client, item[0], item[1], lists, region)] = item[0]
            if not pending:
                break
            finished, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for fut in finished:
                key = pending.pop(fut)
                try:
                    what, body = fut.result()
                except TmdbError as e:
                    if isinstance(e, AuthError | Unreachable):
                        raise
                    seen.failed[key] = e.message
                    continue
                journal.put(key, what, body)
                _keep(seen, key, what, body)
                done += 1
                if done % COMMIT_EVERY == 0:
                    journal.commit()
                if progress:
                    progress(done, total)
            if stop.is_set() and not pending:
                break
    finally:
        journal.commit()
        pool.shutdown(wait=False, cancel_futures=True)
    if stop.is_set() and done < total:
        raise Interrupted(f"refresh interrupted after {done} of {total} titles; run `voicerec catalog refresh` "
                          "again to go on from there")


def _p(p: Provider) -> list[Any]:
    return [p.id, p.name, p.service]


def _keep(seen: Seen, key: str, what: str, body: Any) -> None:
    if what == "details":
        seen.details[key] = TmdbTitle.from_json(body["title"])
        seen.offers[key] = [Provider(i, n, s) for i, n, s in body["offers"]]
    elif what == "offers":
        seen.offers[key] = [Provider(i, n, s) for i, n, s in body]
    elif what == "gone":
        seen.gone.add(key)
    elif what == "adult":
        seen.gone.add(key)
        seen.adult += 1
