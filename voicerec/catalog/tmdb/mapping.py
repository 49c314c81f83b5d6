"""TMDB's answers → the catalogue's vocabulary: one `TmdbTitle` per film or series, and the region's
providers as services.

    Lists.genre_names   genre id → name, from genre/movie/list and genre/tv/list
    Lists.cert_ages     certification → age, for the region (certification/{movie,tv}/list)
    title_from(details) {movie,tv}/{id}?append_to_response=credits,keywords,watch/providers,
                        release_dates|content_ratings,external_ids → TmdbTitle (None for an adult title)
    offers(details)     the providers that stream it by subscription in the region (flatrate)

Genres map by TMDB's English names (catalog/vocab.py TMDB_GENRES: any id a genre list gives works);
certificates by the region's own list, then by the age a certificate states (vocab.certificate_age);
providers by name, then id (vocab/services.py). Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from voicerec.catalog import genres as genre_rules
from voicerec.catalog import vocab
from voicerec.catalog.sources import clean
from voicerec.text import norm
from voicerec.vocab.services import service_for

CAST = 15  # billed actors kept per title
# which release's certificate counts: theatrical, then digital, physical, TV, limited, premiere
RELEASE_TYPES = (3, 4, 5, 6, 2, 1)


@dataclass(frozen=True)
class Provider:
    """A streaming service of a region, as TMDB lists it, and the catalogue's key for it."""

    id: int
    name: str
    service: str
    priority: int | None = None


@dataclass
class TmdbTitle:
    """What the catalogue keeps of one TMDB title (JSON in tmdb_titles.record)."""

    key: str  # "movie/603", "tv/1399"
    kind: str  # movie | show
    title: str
    original_title: str = ""
    year: int | None = None
    runtime: int | None = None
    seasons: int | None = None
    genres: list[str] = field(default_factory=list)
    raw_genres: list[str] = field(default_factory=list)
    age_cert: str | None = None
    min_age: int | None = None
    countries: list[str] = field(default_factory=list)
    description: str = ""
    cast: list[str] = field(default_factory=list)
    directors: list[str] = field(default_factory=list)
    imdb_id: str | None = None
    rating: float | None = None
    votes: int | None = None
    popularity: float | None = None
    keywords: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TmdbTitle:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    @property
    def norm_title(self) -> str:
        return norm(self.title)


@dataclass(frozen=True)
class Lists:
    """The reference lists a refresh reads once: genre names and the region's certificates."""

    region: str
    genre_names: dict[int, str] = field(default_factory=dict)
    cert_ages: dict[str, dict[str, int | None]] = field(default_factory=dict)  # movie|show → cert → age

    @classmethod
    def from_answers(cls, region: str, genre_lists: list[dict[str, Any]], certifications: dict[str, dict[str, Any]]) -> Lists:
        names: dict[int, str] = {}
        for answer in genre_lists:
            for g in answer.get("genres") or []:
                if isinstance(g, dict) and isinstance(g.get("id"), int) and g.get("name"):
                    names[g["id"]] = str(g["name"])
        ages: dict[str, dict[str, int | None]] = {}
        for kind, answer in certifications.items():
            table = (answer.get("certifications") or {}).get(region) or []
            ages[kind] = {str(c.get("certification", "")).strip().upper():
                          vocab.certificate_age(str(c.get("certification", "")), str(c.get("meaning", "")))
                          for c in table if isinstance(c, dict)}
        return cls(region, names, ages)


def key_of(kind: str, tmdb_id: int) -> str:
    """'movie/603' or 'tv/1399': a TMDB title's key (its kind in TMDB's words, and its id)."""
    return f"{'tv' if kind in ('tv', 'show') else 'movie'}/{int(tmdb_id)}"


def providers_from(answers: list[dict[str, Any]], region: str) -> list[Provider]:
    """watch/providers/movie and /tv for a region → its providers, once each, by display priority."""
    seen: dict[int, Provider] = {}
    for answer in answers:
        for p in answer.get("results") or []:
            if not isinstance(p, dict) or not isinstance(p.get("provider_id"), int) or not p.get("provider_name"):
                continue
            pid, name = p["provider_id"], clean(str(p["provider_name"]))
            prio = (p.get("display_priorities") or {}).get(region, p.get("display_priority"))
            if pid not in seen:
                seen[pid] = Provider(pid, name, service_for(pid, name), prio if isinstance(prio, int) else None)
    return sorted(seen.values(), key=lambda p: (p.priority if p.priority is not None else 1 << 30, p.id))


def offers(details: dict[str, Any], region: str) -> list[Provider]:
    """The providers that stream a title by subscription in the region ("flatrate"), from its
    details' watch/providers (or a watch/providers answer itself)."""
    block = details.get("watch/providers", details)
    here = ((block or {}).get("results") or {}).get(region) or {}
    out: dict[int, Provider] = {}
    for p in here.get("flatrate") or []:
        if isinstance(p, dict) and isinstance(p.get("provider_id"), int) and p.get("provider_name"):
            name = clean(str(p["provider_name"]))
            out.setdefault(p["provider_id"], Provider(p["provider_id"], name, service_for(p["provider_id"], name)))
    return list(out.values())


def is_adult(details: dict[str, Any]) -> bool:
    return bool(details.get("adult"))


def title_from(details: dict[str, Any], kind: str, lists: Lists) -> TmdbTitle | None:
    """One title's details → TmdbTitle; None for an adult title or an answer without an id and a name."""
    if is_adult(details) or not isinstance(details.get("id"), int):
        return None
    show = kind in ("tv", "show")
    name = clean(str(details.get("name" if show else "title") or details.get("original_name" if show else
                                                                            "original_title") or ""))
    if not name:
        return None
    original = clean(str(details.get("original_name" if show else "original_title") or ""))
    raw = [str(g.get("name")) for g in details.get("genres") or [] if isinstance(g, dict) and g.get("name")]
    raw = raw or [lists.genre_names[i] for i in details.get("genre_ids") or [] if i in lists.genre_names]
    countries = _countries(details)
    description = clean(str(details.get("overview") or ""))
    genres: list[str] = []
    for label in raw:
        genres += [g for g in vocab.TMDB_GENRES.get(label.strip().lower(), ()) if g not in genres]
    cert, age = _certificate(details, show, lists)
    credits = details.get("credits") or {}
    cast = [clean(str(c.get("name"))) for c in sorted(credits.get("cast") or [], key=_billing)
            if isinstance(c, dict) and c.get("name")]
    directors = [clean(str(c.get("name"))) for c in credits.get("crew") or []
                 if isinstance(c, dict) and c.get("job") == "Director" and c.get("name")]
    if show and not directors:
        directors = [clean(str(c.get("name"))) for c in details.get("created_by") or [] if isinstance(c, dict) and c.get("name")]
    kw = details.get("keywords") or {}
    keywords = [str(k.get("name")) for k in (kw.get("keywords") or kw.get("results") or [])
                if isinstance(k, dict) and k.get("name")]
    imdb = (details.get("external_ids") or {}).get("imdb_id") or details.get("imdb_id")
    votes = details.get("vote_count") if isinstance(details.get("vote_count"), int) else None
    rating = details.get("vote_average") if votes and isinstance(details.get("vote_average"), int | float) else None
    return TmdbTitle(
        key=key_of(kind, details["id"]), kind="show" if show else "movie", title=name,
        original_title=original if original != name else "", year=_year(details, show), runtime=_runtime(details, show),
        seasons=_positive(details.get("number_of_seasons")) if show else None,
        genres=genre_rules.derive(genres, description, countries), raw_genres=raw, age_cert=cert, min_age=age,
        countries=countries, description=description, cast=list(dict.fromkeys(n for n in cast if n))[:CAST],
        directors=list(dict.fromkeys(n for n in directors if n))[:4],
        imdb_id=str(imdb) if isinstance(imdb, str) and imdb.startswith("tt") else None,
        rating=round(float(rating), 1) if rating else None, votes=votes,
        popularity=round(float(details["popularity"]), 3) if isinstance(details.get("popularity"), int | float) else None,
        keywords=list(dict.fromkeys(keywords))[:40],
    )


# --- fields ---------------------------------------------------------------------------------------

def _billing(c: dict[str, Any]) -> int:
    order = c.get("order")
    return order if isinstance(order, int) else 1 << 20


def _positive(value: Any) -> int | None:
    return value if isinstance(value, int) and value > 0 else None


def _year(details: dict[str, Any], show: bool) -> int | None:
    text = str(details.get("first_air_date" if show else "release_date") or "")
    return int(text[:4]) if len(text) >= 4 and text[:4].isdigit() and 1870 <= int(text[:4]) <= 2100 else None


def _runtime(details: dict[str, Any], show: bool) -> int | None:
    if not show:
        return _positive(details.get("runtime"))
    times = [t for t in details.get("episode_run_time") or [] if isinstance(t, int) and t > 0]
    if times:
        return times[0]
    last = details.get("last_episode_to_air") or {}
    return _positive(last.get("runtime")) if isinstance(last, dict) else None


def _countries(details: dict[str, Any]) -> list[str]:
    codes = [c for c in details.get("origin_country") or [] if isinstance(c, str)]
    codes += [c.get("iso_3166_1", "") for c in details.get("production_countries") or [] if isinstance(c, dict)]
    return vocab.country_codes([c for c in codes if c]) if codes else []


def _certificate(details: dict[str, Any], show: bool, lists: Lists) -> tuple[str | None, int | None]:
    """The region's certificate (else the US one) and the age it admits from."""
    by_country: dict[str, str] = {}
    if show:
        for r in (details.get("content_ratings") or {}).get("results") or []:
            if isinstance(r, dict) and r.get("rating"):
                by_country.setdefault(str(r.get("iso_3166_1", "")), str(r["rating"]))
    else:
        for r in (details.get("release_dates") or {}).get("results") or []:
            if not isinstance(r, dict):
                continue
            dated = [d for d in r.get("release_dates") or [] if isinstance(d, dict) and str(d.get("certification") or "").strip()]
            dated.sort(key=lambda d: RELEASE_TYPES.index(d.get("type")) if d.get("type") in RELEASE_TYPES else 99)
            if dated:
                by_country.setdefault(str(r.get("iso_3166_1", "")), str(dated[0]["certification"]))
    table = lists.cert_ages.get("show" if show else "movie", {})
    for country in (lists.region, "US"):
        cert = vocab.clean_cert(by_country.get(country))
        if cert:
            age = table.get(cert) if country == lists.region and cert in table else vocab.certificate_age(cert)
            return cert, age
    return None, None

