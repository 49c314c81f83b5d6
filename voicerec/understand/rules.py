"""The built-in parser: spoken words → Query, deterministic, offline, a few milliseconds.

This is where a request becomes a query. Each `_extract_*` step reads the text, fills fields
of the Query and blanks out what it used; what is left over (moods and topics such as
"comforting", "rainy evening", "about space") becomes `Query.mood` for ranking by meaning.
"""

from __future__ import annotations

import re
import unicodedata

from voicerec.types import Query
from voicerec.understand.eras import extract_runtime, extract_seasons, extract_years
from voicerec.understand.lexicon import (
    COUNTRY_PATTERNS,
    DOMAIN_CUES,
    FILLER,
    GENRE_PATTERNS,
    MOODS,
    NEGATION,
    OOD_CUES,
    SERVICE_PATTERNS,
)
from voicerec.understand.names import NameMatcher
from voicerec.understand.numbers import normalize_numbers

MAX_CHARS = 400
_CTRL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_STRONG_DOMAIN = re.compile(
    r"\b(?:watch\w*|movies?|films?|flicks?|shows?|series|documentar\w+|docuseries|sitcoms?|anime|cartoons?"
    r"|netflix|hulu|disney|hbo|prime video|paramount|episodes?|seasons?)\b"
)
_NEG_MOOD = {
    "scary": "horror", "spooky": "horror", "creepy": "horror", "gory": "horror", "frightening": "horror",
    "violent": "war", "sad": "", "depressing": "", "animated": "animation", "cartoon": "animation",
    "cartoons": "animation", "subtitles": "", "subtitled": "", "foreign": "",
}


def _sub(pattern: str | re.Pattern[str], text: str) -> str:
    return re.sub(pattern, " ", text)


def _words(p: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{p})\b")


# compiled once at import: a request pays only for matching
_OOD = _words(OOD_CUES)
_DOMAIN = _words(DOMAIN_CUES)
_GENRES = [(_words(p), re.compile(rf"(?:{p})\b"), g) for p, g in GENRE_PATTERNS]
_ANY_GENRE = _words("|".join(p for p, _ in GENRE_PATTERNS))
_SERVICES = [(_words(p), re.compile(rf"\b(?:on |from |via )?(?:{p})\b"), s) for p, s in SERVICE_PATTERNS]
_COUNTRIES = [(re.compile(rf"\b(?:{p})(?:[\s-]language)?\b"), c) for p, c in COUNTRY_PATTERNS]
_MOODS = [(_words(p), boost, avoid) for p, boost, avoid in MOODS]


class RuleParser:
    """Understands a request without any network; `parse(text)` is the one entry point."""

    def __init__(self, names: NameMatcher | None = None, *, newest_year: int = 2023) -> None:
        self.names = names
        self.newest_year = newest_year

    # ------------------------------------------------------------------------------------
    def parse(self, text: str) -> Query:
        t = self.prepare(text)
        q = Query()
        if not re.search(r"[a-z0-9]", t) or all(w in FILLER for w in re.findall(r"[a-z0-9']+", t)):
            if not self._domain(t):
                return Query(intent="empty")
        if _OOD.search(t) and not _STRONG_DOMAIN.search(t) and not _ANY_GENRE.search(t):
            return Query(intent="out_of_domain")
        t = self._extract_named_title(t, q)
        t = self._extract_similar(t, q)
        t = self._extract_people(t, q)
        t = extract_seasons(t, q)
        t = self._extract_kind(t, q)
        t = extract_runtime(t, q)
        t = self._extract_age(t, q)
        t = extract_years(t, q, self.newest_year)
        t = self._extract_services(t, q)
        t = self._extract_countries(t, q)
        t = self._extract_quality(t, q)
        t = self._extract_negations(t, q)
        t = self._extract_genres(t, q)
        t = self._extract_moods(t, q)
        if q.kind is None and q.seasons_max is None and max(q.runtime_max or 0, q.runtime_min or 0) >= 70:
            q.kind = "movie"  # "under two hours" is about a film; episodes are not measured in hours
        q.mood = self._residue(t)
        self._bare_title(q)
        if not q.has_filters() and not self._domain(self.prepare(text)):
            q.intent = "out_of_domain" if len(q.mood.split()) >= 2 else "empty"
            q.mood = ""
        return q

    @staticmethod
    def prepare(text: str) -> str:
        t = unicodedata.normalize("NFKC", str(text or ""))[:MAX_CHARS * 4]
        t = _CTRL.sub(" ", t).lower()
        t = t.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
        t = re.sub(r"\s+", " ", t).strip()[:MAX_CHARS]
        return normalize_numbers(t)

    @staticmethod
    def _domain(t: str) -> bool:
        return bool(_DOMAIN.search(t) or _ANY_GENRE.search(t))

    # --- titles and people --------------------------------------------------------------
    def _extract_named_title(self, t: str, q: Query) -> str:
        m = re.search(r"\b(?:named|called|titled|the (?:movie|film|show|series))\s+\"?([^\"]{2,80})\"?", t)
        if not m:
            m = re.search(r"\"([^\"]{2,80})\"", t)
        if not m:
            return t
        phrase = m.group(1).strip(" .,!?")
        ref = self.names.find_title(phrase, cued=True) if self.names else None
        q.title = ref.title if ref else phrase[:120]
        if ref:
            q.kind = q.kind or ref.kind  # type: ignore[assignment]
        return t[: m.start()] + " " + t[m.end():]

    def _extract_similar(self, t: str, q: Query) -> str:
        m = re.search(
            r"\b(?:(?:something |anything |one |ones )?(?:just |kind of |a bit )?like"
            r"|similar to|in the vein of|the same vein as|along the lines of|reminds? me of|if i liked|if i loved)\s+"
            r"(?:the (?:movie|film|show|series) )?(.+?)(?=\s+(?:but|with|on|from|that|which|and|or|for|in|starring|under|over)\b|[,.!?]|$)",
            t,
        )
        if not m or not self.names:
            return t
        phrase = m.group(1)
        words = phrase.split()
        ref = None
        for n in range(min(len(words), 8), 0, -1):  # longest leading phrase that names a title
            lead = words[:n]
            if n < len(words) and sum(w not in FILLER for w in lead) < 2:
                break  # "the dark" of "the dark night" is not a title on its own
            ref = self.names.find_title(" ".join(lead), cued=True)
            if ref:
                break
        if not ref:
            return t
        q.similar_to = ref.id
        if not re.search(r"\b(?:movies?|films?|flicks?|shows?|series|tv)\b", t):
            q.kind = ref.kind  # type: ignore[assignment]
        if ref.id not in q.exclude_ids:
            q.exclude_ids.append(ref.id)
        return t[: m.start()] + " " + t[m.end():]

    def _extract_people(self, t: str, q: Query) -> str:
        if not self.names:
            return t
        for ref in self.names.find_people(t):
            if ref.name not in q.people:
                q.people.append(ref.name)
        if q.people:
            for name in q.people:
                parts = [re.escape(p) for p in name.lower().split()]
                t = re.sub(r"\b" + r"\W+".join(parts) + r"\b", " ", t)
            t = re.sub(r"\b(?:starring|featuring|with|directed by|by|from director|actor|actress)\b", " ", t)
        return t

    def _bare_title(self, q: Query) -> None:
        """A request that is only a title ("stranger things") names that title."""
        words = q.mood.split()
        if not self.names or q.title or q.similar_to or not 2 <= len(words) <= 6 or q.genres:
            return
        ref = self.names.find_title(q.mood, cued=False, kind=q.kind)
        if ref:
            q.title = ref.title
            q.kind = q.kind or ref.kind  # type: ignore[assignment]
            q.mood = ""

    # --- kind, seasons, runtime ---------------------------------------------------------
    def _extract_kind(self, t: str, q: Query) -> str:
        show = r"\b(?:tv shows?|tv series|shows?(?!\s+(?:me|us|them|something|anything|some|what|off)\b)|series|sitcoms?|docuseries|episodes?|seasons?|tv|telly|k[\s-]?dramas?|anime series)\b"
        movie = r"\b(?:movies?|films?|flicks?|feature films?|motion pictures?|cinema)\b"
        has_show, has_movie = re.search(show, t), re.search(movie, t)
        if has_show and not has_movie:
            q.kind = q.kind or "show"
        elif has_movie and not has_show:
            q.kind = q.kind or "movie"
        elif has_movie and has_show:
            q.kind = q.kind or ("movie" if has_movie.start() < has_show.start() else "show")
        if re.search(r"\bdocuseries\b", t):
            q.kind = "show"
            q.genres.append("documentary") if "documentary" not in q.genres else None
        return _sub(show, _sub(movie, t))

    # --- audience, services, countries, quality ------------------------------------------
    def _extract_age(self, t: str, q: Query) -> str:
        m = re.search(r"\b(\d{1,2})[\s-]*(?:years?|yrs?)[\s-]*olds?\b|\b(?:aged?|ages)\s+(\d{1,2})\b", t)
        if m:
            age = int(m.group(1) or m.group(2))
            if age < 18:
                q.max_age = age
                if age <= 10:
                    q.boost_genres += ["kids", "family", "animation"]
            t = t.replace(m.group(0), " ")
        if q.max_age is None:
            for pat, age, boost in (
                (r"\b(?:toddlers?|bab(?:y|ies)|infants?|pre[\s-]?school(?:ers?)?|little ones?|tiny tots?|very young)\b", 0,
                 ["kids", "family", "animation"]),
                (r"\b(?:kids?|children|child|my son|my daughter|grand ?kids|little kids|young kids|kid[\s-]friendly)\b", 7,
                 ["kids", "family", "animation"]),
                (r"\b(?:whole family|all the family|family[\s-]friendly|for the family|all ages|family)\b", 7, ["family"]),
                (r"\b(?:teens?|teenagers?|tweens?|young adults?)\b", 13, []),
            ):
                if re.search(pat, t):
                    q.max_age = age
                    q.boost_genres += boost
                    t = _sub(pat, t)
                    break
        if re.search(r"\b(?:adults? only|for adults|grown[\s-]?ups?|mature|r[\s-]rated|not for kids)\b", t):
            q.avoid_genres += ["kids", "family"]
            t = _sub(r"\b(?:adults? only|for adults|grown[\s-]?ups?|mature|r[\s-]rated|not for kids)\b", t)
        return t

    def _extract_services(self, t: str, q: Query) -> str:
        for rx, full, service in _SERVICES:
            if rx.search(t):
                q.services.append(service)
                t = _sub(full, t)
        return t

    def _extract_countries(self, t: str, q: Query) -> str:
        for full, codes in _COUNTRIES:
            if full.search(t):
                q.countries = [*q.countries, *[c for c in codes if c not in q.countries]]
                t = _sub(full, t)
        return t

    def _extract_quality(self, t: str, q: Query) -> str:
        best = (r"\b(?:best(?:[\s-]rated)?|top[\s-]rated|highest[\s-]rated|highly[\s-]rated|acclaimed|critically acclaimed"
                r"|award[\s-]winning|oscar[\s-]winning|masterpieces?|must[\s-]see|greatest|well[\s-]reviewed|top|finest)\b")
        pop = r"\b(?:popular|most popular|trending|everyone(?:'s| is) watching|blockbusters?|hits?|famous|well[\s-]known)\b"
        if re.search(best, t):
            q.sort = "rating"
            t = _sub(best, t)
        elif re.search(pop, t):
            q.sort = "popularity"
            t = _sub(pop, t)
        if re.search(r"\b(?:newest|latest)\b", t) and q.sort == "relevance":
            q.sort = "newest"
        return t

    # --- genres and moods ---------------------------------------------------------------
    def _extract_negations(self, t: str, q: Query) -> str:
        neg = re.compile(rf"\b{NEGATION}\s+(?:(?:too|very|so|a|an|any|more|of|the|that|is|are|it|overly|really|kind of)\s+)*"
                         r"([a-z][a-z'\-]+(?:\s[a-z][a-z'\-]+)?)")
        for m in list(neg.finditer(t)):
            target = m.group(1)
            hit = False
            for _, head, genres in _GENRES:
                if head.match(target):
                    q.exclude_genres += list(genres)
                    hit = True
                    break
            first = target.split()[0]
            if not hit and first in _NEG_MOOD:
                if _NEG_MOOD[first]:
                    q.exclude_genres.append(_NEG_MOOD[first])
                hit = True
            if hit:
                t = t.replace(m.group(0), " ", 1)
        q.exclude_genres = list(dict.fromkeys(q.exclude_genres))
        return t

    def _extract_genres(self, t: str, q: Query) -> str:
        if not _ANY_GENRE.search(t):
            return t
        for full, _, genres in _GENRES:
            if full.search(t):
                for g in genres:
                    if g not in q.genres and g not in q.exclude_genres:
                        q.genres.append(g)
                t = _sub(full, t)
        if "standup" in q.genres and "comedy" in q.genres:
            q.genres.remove("comedy")
        return t

    def _extract_moods(self, t: str, q: Query) -> str:
        for full, boost, avoid in _MOODS:
            if full.search(t):
                q.boost_genres += [g for g in boost if g not in q.exclude_genres]
                q.avoid_genres += [g for g in avoid if g not in q.genres]
        q.boost_genres = list(dict.fromkeys(q.boost_genres))
        q.avoid_genres = list(dict.fromkeys(g for g in q.avoid_genres if g not in q.boost_genres))
        return t

    @staticmethod
    def _residue(t: str) -> str:
        words = re.findall(r"[a-z0-9][a-z0-9'\-]*", t)
        keep = [w for w in words if w not in FILLER and not w.isdigit()]
        return " ".join(keep)[:200]
