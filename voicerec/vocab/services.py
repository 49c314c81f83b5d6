"""Streaming services as data: one registry of keys, the names replies say, the words people use,
and TMDB's provider ids and spellings.

    Service          key, name, forms (always understood), local (understood only where the
                     household's catalogue has the service: "now", "sky" are ordinary words
                     elsewhere), TMDB provider ids and names
    BUILTIN          every service voicerec knows by itself; the first seven are the shipped
                     catalogue's services, in the order their bits have in titles.service_mask
    service_for()    a TMDB provider (id, name) → a service key: a built-in one by its name or id,
                     else a key made from the provider's name (learned by `catalog refresh`)
    learn()          a provider the registry does not know becomes a service with TMDB's name
    Spoken           the services a parser understands: every built-in's forms, plus the local
                     forms and learned names of the services the catalogue has (one per parser)

Pure data and helpers; no I/O. `learn` only adds (a key always means the same provider name), so
what one catalogue taught stays true for any other.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Service:
    key: str
    name: str  # how a reply names it
    forms: str = ""  # spoken forms (a regex over normalised words), understood everywhere
    local: str = ""  # forms understood only where the catalogue has this service
    tmdb_ids: tuple[int, ...] = ()
    tmdb_names: tuple[str, ...] = ()  # other spellings of TMDB's provider_name


BUILTIN: tuple[Service, ...] = (
    # the shipped catalogue's seven, in service_mask bit order; forms exactly as before the registry
    Service("netflix", "Netflix", r"net[\s-]?fli(?:x|cks)", tmdb_ids=(8, 1796, 175),
            tmdb_names=("Netflix basic with Ads", "Netflix Kids", "Netflix Standard with Ads")),
    Service("prime", "Prime Video", r"amazon(?: prime)?(?: video)?|prime(?: video)?", tmdb_ids=(9, 119),
            tmdb_names=("Amazon Prime Video", "Amazon Prime Video with Ads")),
    Service("disney", "Disney Plus", r"disney(?:\s*(?:plus|\+))?", tmdb_ids=(337,), tmdb_names=("Disney+",)),
    Service("hulu", "Hulu", r"hulu|who lou", tmdb_ids=(15,)),
    Service("hbo", "HBO Max", r"hbo(?:\s*max)?|h\.?\s?b\.?\s?o\.?(?:\s*max)?"
            # HBO Max is "Max" since 2023: "on max", "streaming on max", but not "max two hours", "at max"
            r"|(?:(?<=\bon )|(?<=\bfrom )|(?<=\bover on )|^)max(?!\s+(?:of|\d|one|two|three|four|five|an?|ninety"
            r"|hour|hours)\b)", tmdb_ids=(384, 1899), tmdb_names=("Max", "HBO Max", "HBO")),
    Service("paramount", "Paramount Plus", r"paramount(?:\s*(?:plus|\+))?", tmdb_ids=(531,),
            tmdb_names=("Paramount+", "Paramount Plus Premium", "Paramount Plus Essential")),
    Service("apple", "Apple TV Plus", r"apple(?:\s*tv)?(?:\s*(?:plus|\+))?", tmdb_ids=(350,),
            tmdb_names=("Apple TV+", "Apple TV Plus")),
    # more services, found by `catalog refresh` in the household's region
    Service("canal", "Canal+", r"canal\s*(?:plus|\+)", r"canal", tmdb_ids=(381,),
            tmdb_names=("Canal Plus", "Canal+ Séries", "Canal+ Ciné Séries")),
    Service("bbc", "BBC iPlayer", r"(?:bbc|b\.?\s?b\.?\s?c\.?)\s*i\s*player|iplayer|i player", r"bbc|b b c",
            tmdb_ids=(38,)),
    Service("itv", "ITVX", r"itv\s*x|itv hub", r"itv|i t v", tmdb_ids=(41,), tmdb_names=("ITV Hub",)),
    Service("channel4", "Channel 4", r"channel (?:4|four)|all (?:4|four)|4od", tmdb_ids=(103,), tmdb_names=("All 4",)),
    Service("now", "NOW", r"now tv|now (?:entertainment|cinema)", r"now", tmdb_ids=(39,),
            tmdb_names=("Now TV", "NOW TV", "Now TV Cinema")),
    Service("sky", "Sky Go", r"sky go", r"sky(?: tv| atlantic| cinema)?", tmdb_ids=(29,), tmdb_names=("Sky",)),
    Service("britbox", "BritBox", r"brit\s*box", tmdb_ids=(151,)),
    Service("peacock", "Peacock", "", r"peacock", tmdb_ids=(386, 387),
            tmdb_names=("Peacock Premium", "Peacock Premium Plus")),
    Service("mubi", "MUBI", "", r"mubi", tmdb_ids=(11,)),
    Service("crunchyroll", "Crunchyroll", r"crunchy\s*roll", tmdb_ids=(283,)),
    Service("starz", "Starz", "", r"starz", tmdb_ids=(43,)),
    Service("showtime", "Showtime", "", r"showtime", tmdb_ids=(37,)),
    Service("amc", "AMC Plus", r"amc\s*(?:plus|\+)", r"amc", tmdb_ids=(526,), tmdb_names=("AMC+",)),
    Service("shudder", "Shudder", "", r"shudder", tmdb_ids=(99,)),
    Service("arte", "Arte", "", r"arte", tmdb_ids=(234,)),
    Service("francetv", "France TV", r"france\s*tv|france\s*television", tmdb_ids=(236,), tmdb_names=("france.tv",)),
    Service("ocs", "OCS", "", r"ocs|o c s"),
    Service("tubi", "Tubi", "", r"tubi", tmdb_ids=(73,), tmdb_names=("Tubi TV",)),
    Service("pluto", "Pluto TV", r"pluto\s*tv", tmdb_ids=(300,)),
    Service("skyshowtime", "SkyShowtime", r"sky\s*showtime"),
    Service("rtl", "RTL Plus", r"rtl\s*(?:plus|\+)", tmdb_names=("RTL+",)),
    Service("joyn", "Joyn", "", r"joyn"),
    Service("wow", "WOW", "", r"wow"),
    Service("viaplay", "Viaplay", r"via\s*play"),
    Service("stan", "Stan", "", r"stan"),
    Service("crave", "Crave", "", r"crave"),
    Service("hotstar", "Hotstar", r"(?:disney\s*(?:plus|\+)\s*)?hot\s*star"),
)
CLASSIC = 7  # BUILTIN[:CLASSIC] are the shipped catalogue's services

SERVICES: tuple[str, ...] = tuple(s.key for s in BUILTIN[:CLASSIC])
SERVICE_NAMES: dict[str, str] = {s.key: s.name for s in BUILTIN[:CLASSIC]}
# spoken forms, as people and Whisper say them ("disney+", "amazon", "h b o max", "netflicks")
SERVICE_FORMS: tuple[tuple[str, str], ...] = tuple((s.forms, s.key) for s in BUILTIN[:CLASSIC])
SERVICE_RES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"(?<![\w+])(?:{p})(?![\w+])"), s) for p, s in SERVICE_FORMS)

BY_KEY: dict[str, Service] = {s.key: s for s in BUILTIN}
_LEARNED: dict[str, Service] = {}
_CHANNEL = re.compile(r"\s+(?:amazon|apple tv|roku premium|prime video)\s+channels?$|\s+(?:basic|standard)?\s*with ads$"
                      r"|\s+premium(?: plus)?$|\s+essential$|\s+kids$", re.IGNORECASE)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()


def squash(name: str) -> str:
    """'Disney+' / 'disney plus' / 'Disney Plus' → 'disneyplus': how provider names are compared."""
    return re.sub(r"[^a-z0-9]", "", _ascii(name).replace("+", "plus").replace("&", "and"))


def _spellings() -> dict[str, str]:
    out: dict[str, str] = {}
    for s in BUILTIN:
        for spelling in (s.key, s.name, *s.tmdb_names):
            out.setdefault(squash(spelling), s.key)
    return out


_BY_SPELLING = _spellings()
_BY_TMDB_ID = {i: s.key for s in BUILTIN for i in s.tmdb_ids}


def service_keys() -> tuple[str, ...]:
    """Every key a Query may name: the built-in services, then those learned from TMDB."""
    return (*BY_KEY, *_LEARNED)


def service_name(key: str) -> str:
    """How a reply names a service: 'Disney Plus', 'Canal+', or TMDB's name for one learned."""
    known = BY_KEY.get(key) or _LEARNED.get(key)
    return known.name if known else key


def service_of(value: str | None) -> str | None:
    """A spoken or written service name ("Disney+", "amazon prime video", "canal plus") → its key, or None."""
    v = " ".join(str(value or "").lower().split())
    if v in BY_KEY or v in _LEARNED:
        return v
    for rx, key in SERVICE_RES:
        if rx.fullmatch(v):
            return key
    for s in BUILTIN[CLASSIC:]:
        for forms in (s.forms, s.local):
            if forms and re.fullmatch(forms, v):
                return s.key
    return _BY_SPELLING.get(squash(v)) or next((k for k, s in _LEARNED.items() if squash(s.name) == squash(v)), None)


def builtin_for(provider_id: int | None, provider_name: str) -> str | None:
    """The built-in service a TMDB provider is: by its name (channel and ad-tier variants are their
    service: "Paramount+ Amazon Channel" is Paramount Plus), else by its id; None when neither."""
    name = " ".join((provider_name or "").split())
    for candidate in (name, _CHANNEL.sub("", name)):
        key = _BY_SPELLING.get(squash(candidate))
        if key:
            return key
    words = squash(_CHANNEL.sub("", name))
    for spelling, key in sorted(_BY_SPELLING.items(), key=lambda kv: -len(kv[0])):  # "Canal+ Séries" → canal
        if len(spelling) >= 4 and words.startswith(spelling):
            return key
    return _BY_TMDB_ID.get(provider_id) if provider_id is not None else None


def learned_key(provider_name: str) -> str:
    """The key of a provider no built-in service covers: its name in lower-case words ('filmo', 'cine-plus-ocs')."""
    text = _ascii(provider_name).replace("+", " plus ").replace("&", " and ")
    words = re.findall(r"[a-z0-9]+", text) or ["provider"]
    key = "-".join(words)[:40].strip("-")
    return key if key not in BY_KEY else f"{key}-tmdb"


def service_for(provider_id: int | None, provider_name: str) -> str:
    """The service key of a TMDB provider: a built-in one, else one made from its name."""
    return builtin_for(provider_id, provider_name) or learned_key(provider_name)


def learn(key: str, name: str) -> None:
    """A service only TMDB named (a key from `learned_key`), so replies and the parser know it."""
    if key not in BY_KEY and key not in _LEARNED and name.strip():
        _LEARNED[key] = Service(key, " ".join(name.split()), forms=_spoken_name(name))


def _spoken_name(name: str) -> str:
    """A learned provider's name as said: 'Ciné+ OCS' → 'cine (?:plus|\\+) ocs'."""
    words = re.findall(r"[a-z0-9]+|\+", _ascii(name).replace("+", " + "))
    return r"\s*".join("(?:plus|\\+)" if w == "+" else re.escape(w) for w in words)


class Spoken:
    """The service names one parser understands: every built-in's forms, and the local forms and
    learned names of `active` (the services the household's catalogue has in its region). With no
    active services this is exactly the shipped catalogue's vocabulary plus the new unmistakable names."""

    def __init__(self, active: Iterable[str] = ()) -> None:
        active = set(active)
        forms: list[tuple[str, str]] = list(SERVICE_FORMS)
        for s in BUILTIN[CLASSIC:]:
            parts = [p for p in (s.forms, s.local if s.key in active else "") if p]
            if parts:
                forms.append(("|".join(parts), s.key))
        forms += [(s.forms, k) for k, s in sorted(_LEARNED.items()) if k in active and s.forms]
        self.forms: tuple[tuple[str, str], ...] = tuple(forms)
        self.res: tuple[tuple[re.Pattern[str], str], ...] = tuple(
            (re.compile(rf"(?<![\w+])(?:{p})(?![\w+])"), key) for p, key in forms)
        self.alternation = "|".join(f"(?:{p})" for p, _ in forms)


SPOKEN = Spoken()  # no catalogue: the built-in names every parser understands
