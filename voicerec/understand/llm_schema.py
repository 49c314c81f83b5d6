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
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from voicerec.text import norm
from voicerec.types import GENRES, SERVICES, Query

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
    sort: Literal["relevance", "rating", "popularity", "newest", "oldest"] | None = None
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


# --- vocabulary ------------------------------------------------------------------------------

_GENRE_ALIASES = {
    "sci fi": "scifi", "science fiction": "scifi", "sf": "scifi", "space": "scifi",
    "animated": "animation", "cartoon": "animation", "cartoons": "animation",
    "documentaries": "documentary", "docuseries": "documentary", "doc": "documentary",
    "romantic": "romance", "rom com": "romance", "romcom": "romance", "love": "romance",
    "comedies": "comedy", "funny": "comedy", "scary": "horror", "thrillers": "thriller",
    "stand up": "standup", "stand up comedy": "standup", "sports": "sport",
    "musical": "music", "musicals": "music", "historical": "history", "children": "kids",
    "kid": "kids", "childrens": "kids", "suspense": "thriller", "superhero": "action",
    "dramas": "drama", "mysteries": "mystery", "westerns": "western", "reality tv": "reality",
}
_SERVICE_ALIASES = {
    "netflix": "netflix", "prime": "prime", "prime video": "prime", "amazon": "prime",
    "amazon prime": "prime", "amazon prime video": "prime", "disney": "disney",
    "disney plus": "disney", "disney+": "disney", "hulu": "hulu", "hbo": "hbo", "hbo max": "hbo",
    "max": "hbo", "paramount": "paramount", "paramount plus": "paramount", "apple": "apple",
    "apple tv": "apple", "apple tv plus": "apple", "apple tv+": "apple",
}
ISO_COUNTRIES = frozenset("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW
""".split())
_COUNTRY_NAMES = {
    "uk": "GB", "britain": "GB", "great britain": "GB", "united kingdom": "GB", "england": "GB",
    "british": "GB", "english": "GB", "usa": "US", "us": "US", "america": "US",
    "united states": "US", "american": "US", "korea": "KR", "south korea": "KR", "korean": "KR",
    "japan": "JP", "japanese": "JP", "france": "FR", "french": "FR", "india": "IN", "indian": "IN",
    "bollywood": "IN", "germany": "DE", "german": "DE", "spain": "ES", "spanish": "ES",
    "italy": "IT", "italian": "IT", "mexico": "MX", "mexican": "MX", "canada": "CA",
    "canadian": "CA", "china": "CN", "chinese": "CN", "brazil": "BR", "brazilian": "BR",
    "sweden": "SE", "swedish": "SE", "denmark": "DK", "danish": "DK", "norway": "NO",
    "norwegian": "NO", "australia": "AU", "australian": "AU", "turkey": "TR", "turkish": "TR",
    "ireland": "IE", "irish": "IE", "nigeria": "NG", "nigerian": "NG", "egypt": "EG",
    "egyptian": "EG", "thailand": "TH", "thai": "TH", "argentina": "AR", "argentinian": "AR",
    "colombia": "CO", "colombian": "CO", "poland": "PL", "polish": "PL", "belgium": "BE",
    "belgian": "BE", "netherlands": "NL", "dutch": "NL", "russia": "RU", "russian": "RU",
    "philippines": "PH", "filipino": "PH", "indonesia": "ID", "indonesian": "ID",
    "hong kong": "HK", "taiwan": "TW", "taiwanese": "TW", "new zealand": "NZ",
}
_RANGES = {
    "runtime_min": (1, 600), "runtime_max": (1, 600),
    "seasons_min": (1, 100), "seasons_max": (1, 100), "max_age": (0, 18),
}
_SORTS = ("relevance", "rating", "popularity", "newest", "oldest")
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


def _pick(values: Any, allowed: tuple[str, ...], aliases: dict[str, str]) -> list[str]:
    out: list[str] = []
    for raw in _as_list(values)[: MAX_LIST * 2]:
        if not isinstance(raw, str):
            continue
        low = raw.strip().lower()
        key = norm(raw)
        hit = low if low in allowed else key.replace(" ", "") if key.replace(" ", "") in allowed else None
        hit = hit or aliases.get(low) or aliases.get(key)
        if hit and hit not in out:
            out.append(hit)
    return out[:MAX_LIST]


def genres(values: Any) -> list[str]:
    return _pick(values, GENRES, _GENRE_ALIASES)


def services(values: Any) -> list[str]:
    return _pick(values, SERVICES, _SERVICE_ALIASES)


def countries(values: Any) -> list[str]:
    out: list[str] = []
    for raw in _as_list(values)[: MAX_LIST * 2]:
        if not isinstance(raw, str):
            continue
        code = raw.strip().upper()
        if code not in ISO_COUNTRIES:
            code = _COUNTRY_NAMES.get(norm(raw), "")
        if code and code not in out:
            out.append(code)
    return out[:MAX_LIST]


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
    fields["sort"] = sort if sort in _SORTS else "relevance"
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
