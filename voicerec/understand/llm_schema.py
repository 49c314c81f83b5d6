"""What the LLM is asked to fill in, and how its answer is clamped to the catalogue's vocabulary.

`LLMQuery` is a deliberately small model (capped strings and lists, enums for kind, genres,
services and sort) whose JSON schema goes into `response_format`: tiny models loop without caps.
`to_query` turns whatever JSON came back into a valid `Query`, field by field: unknown genres,
services and countries are dropped, numbers outside sane ranges are dropped (not clamped to the
edge: "year 3000" means nothing, not "next year"), and the result is validated by pydantic.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from voicerec.types import GENRES, SERVICES, Query
from voicerec.vocab.genres import genres_in
from voicerec.vocab.places import country_code, service_of
from voicerec.vocab.words import SORTS

Genre = Literal[GENRES]  # type: ignore[valid-type]
Service = Literal[SERVICES]  # type: ignore[valid-type]

MAX_LIST = 5
MAX_NAME = 60
MAX_MOOD = 120


class LLMQuery(BaseModel):
    """The compact schema sent to the server. Every field may be null or empty."""

    model_config = ConfigDict(extra="ignore")

    intent: Literal["recommend", "out_of_domain"] | None = None
    kind: Literal["movie", "show"] | None = None
    genres: list[Genre] = Field(default_factory=list, max_length=MAX_LIST)
    exclude_genres: list[Genre] = Field(default_factory=list, max_length=MAX_LIST)
    boost_genres: list[Genre] = Field(default_factory=list, max_length=MAX_LIST)
    year_min: int | None = None
    year_max: int | None = None
    runtime_min: int | None = None
    runtime_max: int | None = None
    seasons_min: int | None = None
    seasons_max: int | None = None
    max_age: int | None = None
    services: list[Service] = Field(default_factory=list, max_length=MAX_LIST)
    countries: list[str] = Field(default_factory=list, max_length=MAX_LIST)
    people: list[str] = Field(default_factory=list, max_length=MAX_LIST)
    title: str | None = Field(None, max_length=MAX_NAME)
    sort: Literal[SORTS] | None = None  # type: ignore[valid-type]
    mood: str | None = Field(None, max_length=MAX_MOOD)


def _cap_strings(node: Any) -> None:
    """Add maxLength to strings pydantic left uncapped; drop titles and descriptions (tokens)."""
    if isinstance(node, dict):
        for key in ("title", "description", "default"):
            if not isinstance(node.get(key), dict):
                node.pop(key, None)
        if node.get("type") == "string" and "enum" not in node and "maxLength" not in node:
            node["maxLength"] = MAX_NAME
        for value in node.values():
            _cap_strings(value)
    elif isinstance(node, list):
        for value in node:
            _cap_strings(value)


def json_schema() -> dict[str, Any]:
    """The JSON schema of LLMQuery, with every string and list capped and no extra keys."""
    schema = LLMQuery.model_json_schema()
    schema["additionalProperties"] = False
    _cap_strings(schema)
    for name in ("countries", "people"):
        schema["properties"][name]["items"]["maxLength"] = 2 if name == "countries" else MAX_NAME
    return schema


# --- vocabulary: read from voicerec/vocab, never copied -------------------------------------

_RANGES = {
    "runtime_min": (1, 600), "runtime_max": (1, 600),
    "seasons_min": (1, 100), "seasons_max": (1, 100), "max_age": (0, 18),
}
_WORDS = re.compile(r"[^\w' .-]+")


def year_range() -> tuple[int, int]:
    return 1900, _dt.date.today().year + 1


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in re.split(r"[,;/]| and ", value) if v.strip()]
    if isinstance(value, list | tuple):
        return list(value)
    return []


def _pick(values: Any, read: Callable[[str], list[str]]) -> list[str]:
    out: list[str] = []
    for raw in _as_list(values)[: MAX_LIST * 2]:
        if isinstance(raw, str):
            out += [v for v in read(raw) if v not in out]
    return out[:MAX_LIST]


def genres(values: Any) -> list[str]:
    """Genre names as a model may write them ("Sci-Fi", "rom com", "Comedies") → canonical genres."""
    return _pick(values, genres_in)


def services(values: Any) -> list[str]:
    return _pick(values, lambda raw: [s] if (s := service_of(raw)) else [])


def countries(values: Any) -> list[str]:
    return _pick(values, lambda raw: [c] if (c := country_code(raw)) else [])


def number(value: Any, lo: int, hi: int) -> int | None:
    """An int in lo..hi from an int, a float or a numeric string; anything else is None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip().rstrip("s").replace(",", "")
        try:
            value = float(value)
        except ValueError:
            return None
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        value = round(value)
    if isinstance(value, int) and lo <= value <= hi:
        return value
    return None


def text(value: Any, cap: int) -> str:
    if not isinstance(value, str):
        return ""
    cleaned = " ".join(_WORDS.sub(" ", value).split())
    return cleaned[:cap].strip()


def names(values: Any) -> list[str]:
    out: list[str] = []
    for raw in _as_list(values)[: MAX_LIST * 2]:
        name = text(raw, MAX_NAME)
        if name and any(c.isalpha() for c in name) and name.lower() not in (n.lower() for n in out):
            out.append(name)
    return out[:MAX_LIST]


def _ordered(lo: int | None, hi: int | None) -> tuple[int | None, int | None]:
    if lo is not None and hi is not None and lo > hi:
        return hi, lo
    return lo, hi


def to_query(data: Any) -> Query | None:
    """Clamp an LLM's JSON answer into a Query; None when it is not an object at all."""
    if not isinstance(data, dict):
        return None
    y_lo, y_hi = year_range()
    fields: dict[str, Any] = {
        "genres": genres(data.get("genres")),
        "exclude_genres": genres(data.get("exclude_genres")),
        "boost_genres": genres(data.get("boost_genres")),
        "services": services(data.get("services")),
        "countries": countries(data.get("countries")),
        "people": names(data.get("people")),
        "mood": text(data.get("mood"), MAX_MOOD),
    }
    fields["year_min"], fields["year_max"] = _ordered(
        number(data.get("year_min"), y_lo, y_hi), number(data.get("year_max"), y_lo, y_hi))
    for lo_name in ("runtime_min", "seasons_min"):
        hi_name = lo_name.replace("_min", "_max")
        fields[lo_name], fields[hi_name] = _ordered(
            number(data.get(lo_name), *_RANGES[lo_name]), number(data.get(hi_name), *_RANGES[hi_name]))
    fields["max_age"] = number(data.get("max_age"), *_RANGES["max_age"])
    kind = data.get("kind")
    kind = kind.strip().lower() if isinstance(kind, str) else None
    fields["kind"] = {"movie": "movie", "film": "movie", "show": "show", "series": "show",
                      "tv": "show", "tv show": "show"}.get(kind or "")
    sort = data.get("sort")
    fields["sort"] = sort if sort in SORTS else "relevance"
    fields["intent"] = "out_of_domain" if data.get("intent") == "out_of_domain" else "recommend"
    title = text(data.get("title"), MAX_NAME)
    fields["title"] = title if any(c.isalpha() for c in title) else None
    excluded = set(fields["exclude_genres"])
    fields["genres"] = [g for g in fields["genres"] if g not in excluded]
    fields["boost_genres"] = [g for g in fields["boost_genres"] if g not in excluded]
    try:
        return Query.model_validate(fields)
    except ValidationError:  # pragma: no cover - every field above is already clean
        return None


def loads(content: str | None) -> Any:
    """The first JSON object in a model's answer (tolerates ```json fences and chatter)."""
    if not content:
        raise ValueError("empty answer")
    start = content.find("{")
    if start < 0:
        raise ValueError("no JSON object in the answer")
    value, _ = json.JSONDecoder().raw_decode(content[start:])
    return value
