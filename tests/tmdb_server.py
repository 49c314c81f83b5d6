"""A stand-in for TMDB's API v3, served by the test itself on 127.0.0.1 (also used by bench/refresh.py).

Shaped by TMDB's documentation: the JSON of watch/providers/regions, watch/providers/{movie,tv},
genre/{movie,tv}/list, certification/{movie,tv}/list, discover/{movie,tv} (watch_region,
with_watch_providers with | for OR, with_watch_monetization_types, include_adult, sort_by,
20 results a page, pages 1..500), {movie,tv}/{id} with append_to_response (credits, keywords,
watch/providers, release_dates | content_ratings, external_ids), {movie,tv}/{id}/watch/providers and
{movie,tv}/changes (at most 14 days, 100 ids a page). Errors carry `success`, `status_code` and
`status_message` (401 code 7, 404 code 34, 429 code 25 with Retry-After, 422 code 20, 400 code 22).
Both auth forms: `Authorization: Bearer <token>` and `?api_key=`.

The fixture is generated (several hundred titles across US, FR and GB, real TMDB provider ids and
genre ids): titles of the shipped catalogue (their IMDb ids), French-only titles on Canal+ and a
provider no registry knows, British-only ones on BBC iPlayer and NOW, US ones, and an adult title.
Tests change it between refreshes (`leave`, `touch`) and read what was asked (`log`).
"""

from __future__ import annotations

import json
import random
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

TOKEN = "test-read-access-token"
API_KEY = "0123456789abcdef0123456789abcdef"

PROVIDERS: dict[str, list[tuple[int, str]]] = {
    "US": [(8, "Netflix"), (9, "Amazon Prime Video"), (337, "Disney Plus"), (15, "Hulu"), (1899, "Max"),
           (531, "Paramount Plus"), (350, "Apple TV Plus"), (386, "Peacock Premium"), (2, "Apple TV"),
           (3, "Google Play Movies")],
    "FR": [(8, "Netflix"), (119, "Amazon Prime Video"), (337, "Disney Plus"), (381, "Canal+"), (350, "Apple TV Plus"),
           (531, "Paramount Plus"), (234, "Arte"), (1967, "Ciné+ OCS"), (2, "Apple TV")],
    "GB": [(8, "Netflix"), (9, "Amazon Prime Video"), (337, "Disney Plus"), (38, "BBC iPlayer"), (41, "ITVX"),
           (103, "Channel 4"), (39, "NOW"), (350, "Apple TV Plus"), (2, "Apple TV")],
}
STORES = {2, 3}  # rent and buy only: never "flatrate"
MOVIE_GENRES = {28: "Action", 12: "Adventure", 16: "Animation", 35: "Comedy", 80: "Crime", 99: "Documentary",
                18: "Drama", 10751: "Family", 14: "Fantasy", 36: "History", 27: "Horror", 10402: "Music",
                9648: "Mystery", 10749: "Romance", 878: "Science Fiction", 10770: "TV Movie", 53: "Thriller",
                10752: "War", 37: "Western"}
TV_GENRES = {10759: "Action & Adventure", 16: "Animation", 35: "Comedy", 80: "Crime", 99: "Documentary", 18: "Drama",
             10751: "Family", 10762: "Kids", 9648: "Mystery", 10763: "News", 10764: "Reality",
             10765: "Sci-Fi & Fantasy", 10766: "Soap", 10767: "Talk", 10768: "War & Politics", 37: "Western"}
CERTS = {
    "movie": {"US": ["G", "PG", "PG-13", "R", "NC-17", "NR"], "FR": ["U", "10", "12", "16", "18"],
              "GB": ["U", "PG", "12A", "12", "15", "18", "R18"]},
    "tv": {"US": ["TV-Y", "TV-Y7", "TV-G", "TV-PG", "TV-14", "TV-MA"], "FR": ["NR", "10", "12", "16", "18"],
           "GB": ["U", "PG", "12", "15", "18"]},
}
REGIONS = [("US", "United States of America"), ("FR", "France"), ("GB", "United Kingdom"), ("DE", "Germany"),
           ("CA", "Canada"), ("ES", "Spain")]

_FR_A = ["Les Ombres", "La Maison", "Le Secret", "Les Enfants", "La Nuit", "Le Dernier Été", "Les Amants", "La Vallée",
         "Le Phare", "Les Rumeurs", "La Promesse", "Le Silence", "Les Héritiers", "La Traversée", "Le Bal"]
_FR_B = ["de Valmorel", "des Cévennes", "du Vercors", "de Kerbriand", "des Aubrac", "de Saint-Aubin-des-Vignes",
         "du Marais Poitevin", "de Montferrand", "des Landes Grises", "de Port-Navalo", "du Lac d'Orvaux"]
_GB_A = ["The Quiet", "The Last", "A Very", "The Crooked", "The Midnight", "Brass", "The Ferryman's", "Slate",
         "The Hollow", "Wexford", "The Cromarty"]
_GB_B = ["Parish", "Lock", "Inheritance", "Tide", "Constable", "Moorings", "Affair", "Assizes", "Allotment",
         "Coronership", "Bletchley Girls"]
_US_A = ["Desert", "Neon", "Rust Belt", "Silver Creek", "Bayou", "Prairie", "Canyon", "Harbor"]
_US_B = ["Requiem", "Protocol", "Heist", "Homecoming", "Frontier", "Syndicate", "Reckoning", "Blues"]
_FIRST = ["Camille", "Julien", "Léa", "Mathis", "Inès", "Hugo", "Chloé", "Omar", "Aurélie", "Bastien", "Oliver", "Amelia",
          "Harry", "Isla", "Callum", "Freya", "Jack", "Sophie", "Maya", "Caleb"]
_LAST = ["Moreau", "Lefèvre", "Girard", "Roux", "Fontaine", "Chevalier", "Marchetti", "Ashworth", "Pemberton",
         "Hollis", "Fairbairn", "Whitlock", "Okafor", "Delacroix", "Brennan", "Castellane"]
_WORDS = ["family", "secret", "small town", "revenge", "friendship", "coming of age", "investigation", "island",
          "winter", "war", "love", "heist", "village", "murder", "betrayal"]


@dataclass
class FakeTitle:
    kind: str  # movie | tv
    id: int
    title: str
    year: int
    genre_ids: list[int]
    overview: str
    countries: list[str]
    popularity: float
    vote_average: float
    vote_count: int
    cast: list[str]
    director: str
    keywords: list[str]
    certs: dict[str, str]
    providers: dict[str, list[int]]  # region → flatrate provider ids
    runtime: int = 100
    seasons: int = 1
    imdb_id: str | None = None
    original_title: str = ""
    adult: bool = False

    @property
    def key(self) -> str:
        return f"{self.kind}/{self.id}"


@dataclass
class Fixture:
    titles: dict[str, FakeTitle] = field(default_factory=dict)

    @classmethod
    def generate(cls, seed: int = 7, n: int = 600, catalog: Path | None = None, id_base: int = 100_000) -> Fixture:
        """n titles: about a third French, a quarter British, the rest American, plus up to 30 titles of
        the shipped catalogue (when `catalog` is given) streaming in every region, and one adult title."""
        rng = random.Random(seed)
        fx = cls()
        next_id = id_base
        shipped = _shipped(catalog) if catalog else []
        for i, (name, kind, year, imdb) in enumerate(shipped):
            kind = "tv" if kind == "show" else "movie"
            fx._add(rng, kind, next_id, name, year, "US", imdb=imdb,
                    providers={"US": [[8, 15, 1899][i % 3]], "FR": [[8, 381][i % 2]], "GB": [[8, 38][i % 2]]})
            next_id += 1
        names: set[str] = set()
        for i in range(n):
            region = "FR" if i % 3 == 0 else "GB" if i % 4 == 1 else "US"
            a, b = {"FR": (_FR_A, _FR_B), "GB": (_GB_A, _GB_B), "US": (_US_A, _US_B)}[region]
            name = f"{rng.choice(a)} {rng.choice(b)}"
            while name in names:
                name = f"{rng.choice(a)} {rng.choice(b)} {rng.choice(['II', 'III', 'Returns', 'Again'])}"
            names.add(name)
            kind = "tv" if rng.random() < 0.35 else "movie"
            ids = [p for p, _ in PROVIDERS[region] if p not in STORES]
            providers = {region: rng.sample(ids, 2 if rng.random() < 0.25 else 1)}
            if region == "US" and rng.random() < 0.3:  # some American titles stream in France too
                providers["FR"] = [rng.choice([8, 119, 337])]
            fx._add(rng, kind, next_id, name, rng.randint(1985, 2026), region, providers=providers,
                    imdb=f"tt{5_000_000_000 + next_id}" if rng.random() < 0.6 else None)  # no real title has such an id
            next_id += 1
        fx._add(rng, "movie", next_id, "Velours Interdit", 2021, "FR", providers={"FR": [8], "US": [8]}, adult=True)
        fx.titles[f"movie/{next_id}"].popularity = 999.0  # first in any listing that lets it in
        return fx

    def _add(self, rng: random.Random, kind: str, tid: int, name: str, year: int, region: str, *,
             providers: dict[str, list[int]], imdb: str | None = None, adult: bool = False) -> None:
        genres = list(MOVIE_GENRES if kind == "movie" else TV_GENRES)
        certs = {r: rng.choice(CERTS[kind][r]) for r in ("US", "FR", "GB") if rng.random() < 0.8}
        self.titles[f"{kind}/{tid}"] = FakeTitle(
            kind=kind, id=tid, title=name, year=year, genre_ids=rng.sample(genres, rng.randint(1, 3)),
            overview=f"A {rng.choice(_WORDS)} story about {rng.choice(_WORDS)} in {name.split()[-1]}.",
            countries=[region], popularity=round(rng.uniform(1, 400), 3), vote_average=round(rng.uniform(4.5, 8.8), 1),
            vote_count=rng.randint(5, 9000), cast=[f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(6)],
            director=f"{rng.choice(_FIRST)} {rng.choice(_LAST)}", keywords=rng.sample(_WORDS, 3), certs=certs,
            providers=providers, runtime=rng.randint(80, 150) if kind == "movie" else rng.randint(22, 60),
            seasons=rng.randint(1, 6), imdb_id=imdb, original_title=name, adult=adult)

    # --- changes a test makes between refreshes ------------------------------------------------
    def leave(self, key: str, region: str, provider_id: int) -> None:
        self.titles[key].providers[region] = [p for p in self.titles[key].providers.get(region, []) if p != provider_id]

    def streaming(self, region: str, provider_id: int | None = None) -> list[FakeTitle]:
        return [t for t in self.titles.values() if not t.adult and any(
            p not in STORES and (provider_id is None or p == provider_id) for p in t.providers.get(region, []))]


def _shipped(catalog: Path) -> list[tuple[str, str, int, str]]:
    conn = sqlite3.connect(f"file:{catalog}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT title, kind, year, imdb_id FROM titles WHERE imdb_id IS NOT NULL AND votes > 300000 "
                            "ORDER BY votes DESC LIMIT 30").fetchall()
    finally:
        conn.close()


# --- the JSON TMDB answers with -----------------------------------------------------------------

def _provider(pid: int, region: str) -> dict[str, Any]:
    name = dict(PROVIDERS[region])[pid]
    return {"logo_path": f"/logo{pid}.jpg", "provider_id": pid, "provider_name": name,
            "display_priority": [p for p, _ in PROVIDERS[region]].index(pid)}


def _watch(t: FakeTitle) -> dict[str, Any]:
    results = {}
    for region, ids in t.providers.items():
        results[region] = {"link": f"https://www.themoviedb.org/{t.kind}/{t.id}/watch?locale={region}",
                           "flatrate": [_provider(p, region) for p in ids if p not in STORES],
                           "rent": [_provider(2, region)], "buy": [_provider(2, region)]}
    return {"id": t.id, "results": results}


def _summary(t: FakeTitle) -> dict[str, Any]:
    base = {"adult": t.adult, "backdrop_path": None, "genre_ids": t.genre_ids, "id": t.id, "original_language": "en",
            "overview": t.overview, "popularity": t.popularity, "poster_path": None, "vote_average": t.vote_average,
            "vote_count": t.vote_count}
    if t.kind == "movie":
        return {**base, "original_title": t.original_title, "release_date": f"{t.year}-03-14", "title": t.title,
                "video": False}
    return {**base, "first_air_date": f"{t.year}-09-01", "name": t.title, "origin_country": t.countries,
            "original_name": t.original_title}


def _details(t: FakeTitle, append: list[str]) -> dict[str, Any]:
    names = MOVIE_GENRES if t.kind == "movie" else TV_GENRES
    out: dict[str, Any] = {**_summary(t), "genres": [{"id": g, "name": names[g]} for g in t.genre_ids],
                           "homepage": "", "status": "Released", "tagline": "", "origin_country": t.countries,
                           "production_countries": [{"iso_3166_1": c, "name": c} for c in t.countries]}
    out.pop("genre_ids")
    if t.kind == "movie":
        out.update({"runtime": t.runtime, "imdb_id": t.imdb_id, "budget": 0, "revenue": 0})
    else:
        out.update({"episode_run_time": [t.runtime], "number_of_seasons": t.seasons, "number_of_episodes": 8 * t.seasons,
                    "created_by": [{"id": 1, "name": t.director}], "in_production": True, "type": "Scripted"})
    for part in append:
        if part == "credits":
            out["credits"] = {"cast": [{"adult": False, "id": 1000 + i, "name": n, "original_name": n, "character": "x",
                                        "order": i, "known_for_department": "Acting"} for i, n in enumerate(t.cast)],
                              "crew": [{"id": 9, "name": t.director, "job": "Director", "department": "Directing"}]
                              if t.kind == "movie" else []}
        elif part == "keywords":
            words = [{"id": 100 + i, "name": w} for i, w in enumerate(t.keywords)]
            out["keywords"] = {"id": t.id, "keywords" if t.kind == "movie" else "results": words}
        elif part == "watch/providers":
            out["watch/providers"] = {"results": _watch(t)["results"]}
        elif part == "release_dates" and t.kind == "movie":
            out["release_dates"] = {"results": [
                {"iso_3166_1": c, "release_dates": [{"certification": cert, "descriptors": [], "iso_639_1": "",
                                                     "note": "", "release_date": f"{t.year}-03-14T00:00:00.000Z",
                                                     "type": 3}]} for c, cert in t.certs.items()]}
        elif part == "content_ratings" and t.kind == "tv":
            out["content_ratings"] = {"results": [{"descriptors": [], "iso_3166_1": c, "rating": r}
                                                  for c, r in t.certs.items()]}
        elif part == "external_ids":
            out["external_ids"] = {"imdb_id": t.imdb_id, "wikidata_id": None, "facebook_id": None}
    return out


# --- the server ----------------------------------------------------------------------------------

class StandIn:
    """TMDB on 127.0.0.1:<free port>. `delay_s` per answer; `burst`: answers allowed per second before
    429s (with Retry-After); `changed`: ids the changes endpoint names."""

    def __init__(self, fixture: Fixture, *, delay_s: float = 0.0, burst: int | None = None,
                 retry_after: int = 1, leak_adult: bool = False, fail_every: int | None = None) -> None:
        self.fixture = fixture
        self.delay_s = delay_s
        self.burst = burst
        self.retry_after = retry_after
        self.leak_adult = leak_adult  # discover lists adult titles whatever include_adult says
        self.fail_every = fail_every  # every Nth title answer is a 500 (once)
        self._served = 0
        self.changed: dict[str, set[int]] = {"movie": set(), "tv": set()}
        self.log: list[tuple[str, dict[str, str], int]] = []
        self._lock = threading.Lock()
        self._window = (0.0, 0)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/3"

    def __enter__(self) -> StandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def count(self, prefix: str = "", status: int | None = None) -> int:
        return sum(1 for path, _, st in list(self.log) if path.startswith(prefix) and (status is None or st == status))

    def _limited(self) -> bool:
        if self.burst is None:
            return False
        with self._lock:
            now = time.monotonic()
            start, n = self._window
            if now - start >= 1.0:
                self._window = (now, 1)
                return False
            self._window = (start, n + 1)
            return n + 1 > self.burst

    def answer(self, path: str, q: dict[str, str], auth: str | None) -> tuple[int, dict[str, Any]]:
        if not ((auth == f"Bearer {TOKEN}") or q.get("api_key") == API_KEY):
            return 401, {"success": False, "status_code": 7, "status_message": "Invalid API key: You must be granted a valid key."}
        if self._limited():
            return 429, {"success": False, "status_code": 25,
                         "status_message": "Your request count (#) is over the allowed limit of (40)."}
        parts = path.strip("/").split("/")
        if parts[:1] != ["3"]:
            return 404, _not_found()
        parts = parts[1:]
        fx = self.fixture
        if parts == ["watch", "providers", "regions"]:
            return 200, {"results": [{"iso_3166_1": c, "english_name": n, "native_name": n} for c, n in REGIONS]}
        if parts[:2] == ["watch", "providers"] and len(parts) == 3 and parts[2] in ("movie", "tv"):
            region = q.get("watch_region", "")
            return 200, {"results": [{**_provider(p, region), "display_priorities": {region: i}}
                                     for i, (p, _) in enumerate(PROVIDERS.get(region, []))]}
        if parts[:1] == ["genre"] and parts[2:] == ["list"]:
            names = MOVIE_GENRES if parts[1] == "movie" else TV_GENRES
            return 200, {"genres": [{"id": i, "name": n} for i, n in names.items()]}
        if parts[:1] == ["certification"] and parts[2:] == ["list"]:
            return 200, {"certifications": {r: [{"certification": c, "meaning": f"{c} rating", "order": i + 1}
                                                for i, c in enumerate(cs)] for r, cs in CERTS[parts[1]].items()}}
        if parts[:1] == ["discover"] and len(parts) == 2:
            return self._discover(parts[1], q)
        if len(parts) == 2 and parts[1] == "changes":
            return self._changes(parts[0], q)
        if len(parts) >= 2 and parts[0] in ("movie", "tv") and parts[1].isdigit():
            t = fx.titles.get(f"{parts[0]}/{parts[1]}")
            if t is None:
                return 404, _not_found()
            if self.fail_every:
                with self._lock:
                    self._served += 1
                    fail = self._served % self.fail_every == 0
                if fail:
                    return 500, {"success": False, "status_code": 11,
                                 "status_message": "Internal error: Something went wrong, contact TMDB."}
            if parts[2:] == ["watch", "providers"]:
                return 200, _watch(t)
            if len(parts) == 2:
                return 200, _details(t, [a for a in q.get("append_to_response", "").split(",") if a])
        return 404, _not_found()

    def _discover(self, kind: str, q: dict[str, str]) -> tuple[int, dict[str, Any]]:
        page = int(q.get("page", "1") or 1)
        if not 1 <= page <= 500:
            return 400, {"success": False, "status_code": 22,
                         "status_message": "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer."}
        region = q.get("watch_region", "")
        wanted = {int(p) for p in q.get("with_watch_providers", "").split("|") if p.isdigit()}
        flatrate = "flatrate" in q.get("with_watch_monetization_types", "flatrate")
        rows = [t for t in self.fixture.titles.values() if t.kind == kind and flatrate
                and any(p in wanted and p not in STORES for p in t.providers.get(region, []))
                and (self.leak_adult or q.get("include_adult", "false") != "false" or not t.adult)]
        rows.sort(key=lambda t: (-t.popularity, t.id))
        total = len(rows)
        chunk = rows[(page - 1) * 20: page * 20]
        return 200, {"page": page, "results": [_summary(t) for t in chunk], "total_pages": max(1, -(-total // 20)),
                     "total_results": total}

    def _changes(self, kind: str, q: dict[str, str]) -> tuple[int, dict[str, Any]]:
        from datetime import date

        try:
            start, end = date.fromisoformat(q["start_date"]), date.fromisoformat(q["end_date"])
        except (KeyError, ValueError):
            return 400, {"success": False, "status_code": 23, "status_message": "Invalid date: Format needs to be YYYY-MM-DD."}
        if (end - start).days > 14 or end < start:
            return 422, {"success": False, "status_code": 20,
                         "status_message": "Invalid date range: Should be a range no longer than 14 days."}
        ids = sorted(self.changed.get(kind, set()))
        page = int(q.get("page", "1") or 1)
        chunk = ids[(page - 1) * 100: page * 100]
        adult = {t.id for t in self.fixture.titles.values() if t.adult}
        return 200, {"results": [{"id": i, "adult": i in adult} for i in chunk] + [{"id": i, "adult": True} for i in adult],
                     "page": page, "total_pages": max(1, -(-len(ids) // 100)), "total_results": len(ids)}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                parts = urlsplit(self.path)
                q = {k: v[0] for k, v in parse_qs(parts.query).items()}
                if outer.delay_s:
                    time.sleep(outer.delay_s)
                status, body = outer.answer(parts.path, q, self.headers.get("Authorization"))
                outer.log.append((parts.path.removeprefix("/3/"), q, status))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                if status == 429:
                    self.send_header("Retry-After", str(outer.retry_after))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def _not_found() -> dict[str, Any]:
    return {"success": False, "status_code": 34, "status_message": "The resource you requested could not be found."}


def serve_main() -> None:
    """`python tests/tmdb_server.py [--delay 0.05] [--port N]`: serve the fixture until interrupted (by hand)."""
    import argparse

    p = argparse.ArgumentParser()
    p.add_argument("--delay", type=float, default=0.0)
    p.add_argument("--catalog", type=Path)
    args = p.parse_args()
    with StandIn(Fixture.generate(catalog=args.catalog), delay_s=args.delay) as s:
        print(s.url, flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    serve_main()
