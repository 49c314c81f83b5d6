"""Canonical vocabularies (CONTRACT.md): source genre labels, age certificates, country names and
service keys, mapped onto what the catalogue stores.

Every label found in the shipped data is listed here, either with its canonical genres or as a
label that carries no genre (an empty tuple). A test walks the data and checks that.
"""

from __future__ import annotations

import re

from voicerec.types import GENRES, SERVICES
from voicerec.vocab.places import country_code

# --- genres -------------------------------------------------------------------------------------

# JustWatch (victorsoeiro) genre keys, lower case as in the files.
JUSTWATCH_GENRES: dict[str, tuple[str, ...]] = {
    "action": ("action",), "animation": ("animation",), "comedy": ("comedy",), "crime": ("crime",),
    "documentation": ("documentary",), "drama": ("drama",), "european": (), "family": ("family",),
    "fantasy": ("fantasy",), "history": ("history",), "horror": ("horror",), "music": ("music",),
    "reality": ("reality",), "romance": ("romance",), "scifi": ("scifi",), "sport": ("sport",),
    "thriller": ("thriller",), "war": ("war",), "western": ("western",),
}

# TMDB's genre names (genre/movie/list and genre/tv/list, in English), matched case-insensitively;
# a name not here carries no genre (kept in raw_genres). "Sci-Fi & Fantasy" is TMDB's one genre for both.
TMDB_GENRES: dict[str, tuple[str, ...]] = {
    "action": ("action",), "adventure": ("adventure",), "action & adventure": ("action", "adventure"),
    "animation": ("animation",), "comedy": ("comedy",), "crime": ("crime",), "documentary": ("documentary",),
    "drama": ("drama",), "family": ("family",), "fantasy": ("fantasy",), "history": ("history",),
    "horror": ("horror",), "kids": ("kids",), "music": ("music",), "mystery": ("mystery",),
    "news": ("documentary",), "reality": ("reality",), "romance": ("romance",), "science fiction": ("scifi",),
    "sci-fi & fantasy": ("scifi", "fantasy"), "soap": ("drama",), "talk": (), "thriller": ("thriller",),
    "tv movie": (), "war": ("war",), "war & politics": ("war",), "western": ("western",),
}

# shivamb `listed_in` labels from all four files (Netflix, Prime, Disney+, Hulu), exact spelling.
# Choices worth knowing: 'Biographical' → history; 'Cooking & Food', 'Lifestyle & Culture',
# 'Health & Wellness' and 'Fitness' carry no genre (their co-labels such as 'Reality' or
# 'Documentaries' do); 'News' and 'Travel' → documentary; 'Late Night' → comedy.
SHIVAMB_GENRES: dict[str, tuple[str, ...]] = {
    "Action": ("action",),
    "Action & Adventure": ("action", "adventure"),
    "Action-Adventure": ("action", "adventure"),
    "Adult Animation": ("animation",),
    "Adventure": ("adventure",),
    "Animals & Nature": ("documentary",),
    "Animation": ("animation",),
    "Anime": ("anime", "animation"),
    "Anime Features": ("anime", "animation"),
    "Anime Series": ("anime", "animation"),
    "Biographical": ("history",),
    "Buddy": ("comedy",),
    "Cartoons": ("animation", "kids"),
    "Children & Family Movies": ("family", "kids"),
    "Comedies": ("comedy",),
    "Comedy": ("comedy",),
    "Coming of Age": ("drama",),
    "Concert Film": ("music",),
    "Crime": ("crime",),
    "Crime TV Shows": ("crime",),
    "Dance": ("music",),
    "Disaster": ("action",),
    "Documentaries": ("documentary",),
    "Documentary": ("documentary",),
    "Docuseries": ("documentary",),
    "Drama": ("drama",),
    "Dramas": ("drama",),
    "Family": ("family",),
    "Fantasy": ("fantasy",),
    "Game Show / Competition": ("reality",),
    "Game Shows": ("reality",),
    "Historical": ("history",),
    "History": ("history",),
    "Horror": ("horror",),
    "Horror Movies": ("horror",),
    "Kids": ("kids",),
    "Kids' TV": ("kids",),
    "Late Night": ("comedy",),
    "Medical": ("drama",),
    "Military and War": ("war",),
    "Music": ("music",),
    "Music & Musicals": ("music",),
    "Music Videos and Concerts": ("music",),
    "Musical": ("music",),
    "Mystery": ("mystery",),
    "News": ("documentary",),
    "Parody": ("comedy",),
    "Police/Cop": ("crime",),
    "Reality": ("reality",),
    "Reality TV": ("reality",),
    "Romance": ("romance",),
    "Romantic Comedy": ("romance", "comedy"),
    "Romantic Movies": ("romance",),
    "Romantic TV Shows": ("romance",),
    "Sci-Fi & Fantasy": ("scifi", "fantasy"),
    "Science & Nature TV": ("documentary",),
    "Science & Technology": ("documentary",),
    "Science Fiction": ("scifi",),
    "Sitcom": ("comedy",),
    "Sketch Comedy": ("comedy",),
    "Soap Opera / Melodrama": ("drama",),
    "Sports": ("sport",),
    "Sports Movies": ("sport",),
    "Spy/Espionage": ("thriller",),
    "Stand Up": ("standup", "comedy"),
    "Stand-Up Comedy": ("standup", "comedy"),
    "Stand-Up Comedy & Talk Shows": ("standup", "comedy"),
    "Superhero": ("action", "adventure", "scifi"),
    "Survival": ("adventure",),
    "Suspense": ("thriller",),
    "TV Action & Adventure": ("action", "adventure"),
    "TV Comedies": ("comedy",),
    "TV Dramas": ("drama",),
    "TV Horror": ("horror",),
    "TV Mysteries": ("mystery",),
    "TV Sci-Fi & Fantasy": ("scifi", "fantasy"),
    "TV Thrillers": ("thriller",),
    "Thriller": ("thriller",),
    "Thrillers": ("thriller",),
    "Travel": ("documentary",),
    "Unscripted": ("reality",),
    "Western": ("western",),
}

# Labels that are not genres (formats, audiences, regions, collections). Kept as raw labels only.
SHIVAMB_NON_GENRE: frozenset[str] = frozenset({
    "Anthology", "Arthouse", "Arts, Entertainment, and Culture", "Black Stories", "British TV Shows",
    "Classic & Cult TV", "Classic Movies", "Classics", "Cooking & Food", "Cult Movies",
    "Faith & Spirituality", "Faith and Spirituality", "Fitness", "Health & Wellness",
    "Independent Movies", "International", "International Movies", "International TV Shows",
    "Korean TV Shows", "LGBTQ", "LGBTQ Movies", "LGBTQ+", "Latino", "Lifestyle",
    "Lifestyle & Culture", "Movies", "Series", "Spanish-Language TV Shows", "Special Interest",
    "TV Shows", "Talk Show", "Talk Show and Variety", "Teen", "Teen TV Shows", "Variety",
    "Young Adult Audience",
})
SHIVAMB_GENRES.update({label: () for label in SHIVAMB_NON_GENRE})

# Labels that join two genres with "&": a title under one is one or the other (or both), so each
# half counts only with support (genres.py).
COMBINED_LABELS: frozenset[str] = frozenset({
    "Action & Adventure", "Action-Adventure", "TV Action & Adventure", "Sci-Fi & Fantasy", "TV Sci-Fi & Fantasy",
})

# A label that names where a title comes from: a hint used only when a row has no country.
LABEL_COUNTRY_HINTS: dict[str, str] = {"Korean TV Shows": "KR", "British TV Shows": "GB"}

# shivamb labels that themselves contain commas, so `listed_in` cannot simply be split on ','.
_COMMA_LABELS = ("Arts, Entertainment, and Culture",)


def split_shivamb_labels(listed_in: str) -> list[str]:
    """'Arts, Entertainment, and Culture, Comedy' → ['Arts, Entertainment, and Culture', 'Comedy']."""
    text = listed_in or ""
    found: list[str] = []
    for label in _COMMA_LABELS:
        if label in text:
            found.append(label)
            text = text.replace(label, "")
    found += [part.strip() for part in text.split(",") if part.strip()]
    return found


def canonical_genres(labels: list[str], family: str) -> list[str]:
    """Source labels → canonical genres, in first-seen order, without duplicates."""
    table = JUSTWATCH_GENRES if family == "justwatch" else SHIVAMB_GENRES
    out: list[str] = []
    for label in labels:
        key = label.strip().lower() if family == "justwatch" else label.strip()
        for genre in table.get(key, ()):
            if genre in GENRES and genre not in out:
                out.append(genre)
    return out


# --- age certificates ---------------------------------------------------------------------------

_AGE: dict[str, int | None] = {
    "G": 0, "TV-G": 0, "TV-Y": 0, "ALL": 0, "ALL_AGES": 0,
    "PG": 7, "TV-PG": 7, "TV-Y7": 7, "TV-Y7-FV": 7, "7+": 7,
    "PG-13": 13, "TV-14": 13, "13+": 13,
    "R": 16, "16+": 16, "16": 16, "AGES_16_": 16,
    "NC-17": 18, "TV-MA": 18, "18+": 18, "AGES_18_": 18,
    "NR": None, "TV-NR": None, "UR": None, "UNRATED": None, "NOT RATED": None, "NOT_RATE": None,
}
DURATION_RE = re.compile(r"^\s*(\d+)\s*(min|Seasons?)\s*$", re.IGNORECASE)


def clean_cert(cert: str | None) -> str | None:
    """A certificate as stored: upper case, None for blanks and for durations in the wrong column."""
    c = (cert or "").strip().upper()
    if not c or DURATION_RE.match(c):
        return None
    return c


def min_age(cert: str | None) -> int | None:
    """'PG-13' → 13, 'TV-MA' → 18, 'NR'/blank/unknown → None (CONTRACT.md)."""
    c = clean_cert(cert)
    return _AGE.get(c) if c else None


_ALL_AGES = frozenset({"U", "TP", "ALL", "L", "AL", "G", "0+", "T", "BTL", "KT", "SEMUA"})
_AGE_IN = re.compile(r"(\d{1,2})")


def certificate_age(cert: str | None, meaning: str = "") -> int | None:
    """Any region's certificate → the age it admits from (TMDB's certification lists, any country):
    the shipped table first ('PG-13' → 13, 'TV-MA' → 18), then the age it states ('12', '16+', '12A',
    'MA15+', 'R18' → 12, 16, 12, 15, 18), the all-ages marks ('U', 'TP', 'L' → 0), then the first age its
    meaning gives; None when it says nothing (NR, blank)."""
    c = clean_cert(cert)
    if not c:
        return None
    if c in _AGE:
        return _AGE[c]
    if m := _AGE_IN.search(c):
        return min(int(m.group(1)), 18)
    if c in _ALL_AGES:
        return 0
    if m := _AGE_IN.search(meaning or ""):
        return min(int(m.group(1)), 18)
    return 0 if re.search(r"\ball ages\b|\bgeneral\b|\beveryone\b|\btous publics\b", (meaning or "").lower()) else None


# --- countries ----------------------------------------------------------------------------------
# ISO codes, the codes sources use that are not ISO, and every country name in the data: the one
# table in voicerec/vocab/places.py (`country_code` reads a name, a demonym or a code).


def country_codes(values: list[str]) -> list[str]:
    """Names/codes → ISO codes in first-seen order, unknowns dropped, no duplicates."""
    out: list[str] = []
    for v in values:
        code = country_code(v)
        if code and code not in out:
            out.append(code)
    return out


# --- services -----------------------------------------------------------------------------------

# File-name stems (before `_titles` / `_credits`) → service keys.
SERVICE_FILE_KEYS: dict[str, str] = {
    "netflix": "netflix", "amazon_prime": "prime", "disney_plus": "disney", "hulu": "hulu",
    "hbo_max": "hbo", "paramount_plus": "paramount", "apple_tv_plus": "apple",
}
# Short prefixes for ids of titles known only from shivamb (`nf-s123`).
SERVICE_ID_PREFIX: dict[str, str] = {
    "netflix": "nf", "prime": "pr", "disney": "dp", "hulu": "hu", "hbo": "hb", "paramount": "pp",
    "apple": "ap",
}
assert set(SERVICE_FILE_KEYS.values()) == set(SERVICES)


def norm_service(name: str) -> str:
    """'Prime Video' / 'amazon_prime' / 'Disney+' → 'primevideo' / 'amazonprime' / 'disneyplus'."""
    return re.sub(r"[^a-z0-9]", "", (name or "").lower().replace("+", "plus"))


def service_rank(service: str) -> int:
    """Position in SERVICES (the deterministic tie-break order)."""
    return SERVICES.index(service) if service in SERVICES else len(SERVICES)
