"""The built-in parser: spoken words → Query, deterministic, offline, a few milliseconds.

    prepare (numbers as digits) ─► out of domain? ─► the collection ("surprise me", "what's new")
      ─► cued titles ("like Alien", "called ...") ─► polarity segments (polarity.py)
      ─► per segment, filed by its polarity: people, seasons, kind, length, audience, era,
         services, countries, moods, topics, genres (composed), subjects after "about"
      ─► settle (asked-for genres beat mood leanings) ─► what is left ranks by meaning

Every table comes from voicerec/vocab; every step reads the text and blanks what it used.
"""

from __future__ import annotations

import re
import unicodedata

from voicerec.text import norm
from voicerec.types import Query
from voicerec.understand import domain, questions
from voicerec.understand.audience import extract_age
from voicerec.understand.eras import (
    extract_rating,
    extract_runtime,
    extract_seasons,
    extract_years,
    soft_era,
    soft_length,
)
from voicerec.understand.names import NameMatcher
from voicerec.understand.numbers import normalize_numbers
from voicerec.understand.polarity import Polarity, Segment, segments
from voicerec.understand.subjects import (
    MOOD_WORDS,
    extract_moods,
    extract_topics,
    file_genres,
    find_genres,
    free_topic,
    settle_genres,
    settle_moods,
)
from voicerec.vocab.genres import GENRE_RES
from voicerec.vocab.moods import OCCASION_WORDS
from voicerec.vocab.places import COUNTRY_RES
from voicerec.vocab.services import SPOKEN, Spoken
from voicerec.vocab.topics import TOPIC_RES
from voicerec.vocab.words import FILLER, POLITENESS, QUIET_FILLER

MAX_CHARS = 400
COMMON_SUBJECT_DOCS = 1000  # word_frequency counts up to 1000: a word that common is no subject ("family")
_CTRL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_SHOW = re.compile(r"\b(?:tv shows?|tv series|shows?(?!\s+(?:me|us|them|something|anything|some|what|off)\b)|series"
                   r"|sitcoms?|docuseries|episodes?|seasons?|tv|telly|k[\s-]?dramas?|anime series|miniseries|programmes?)\b")
_MOVIE = re.compile(r"\b(?:movies?|films?|flicks?|feature films?|motion pictures?|cinema|documentary films?)\b")
_ENGLISH = ("US", "GB", "CA", "AU", "IE", "NZ")
# a kind of a genre, negated, rules out what it is about rather than the whole genre
_SUBGENRE_SUBJECT = {"slasher": "serial killers", "slashers": "serial killers"}
_SUBGENRE = re.compile(r"\b(slashers?)(?: (?:movies?|films?|flicks?))?\b")
_IN_ENGLISH = re.compile(r"\b(?:in english|english[\s-](?:speaking|language))\b")
_FOREIGN = re.compile(r"\b(?:subtitles?|subtitled|subs|foreign(?: language)?|dubbed|reading)\b")
_SIMILAR = re.compile(
    r"\b(?:(?:something |anything |one |ones |more )?(?:just |kind of |a bit |sort of )?like"
    r"|similar to|in the vein of|the same vein as|along the lines of|reminds? me of|if i liked|if i loved"
    r"|in the style of|comparable to)\s+"
    r"(?:the (?:movie|film|show|series) )?(.+?)(?=\s+(?:but|with|on|from|that|which|and|or|for|in|starring|under|over"
    r"|except|without|not|only|just|if|i|please|thanks|maybe|so|because)\b|[,.!?]|$)")
# filler too common in titles to say anything ("The Man from Nowhere"): never used to rule a title out
_FUNCTION_WORDS = frozenset({"that", "this", "with", "from", "have", "what", "some", "about", "into", "than", "more",
                             "less", "your", "their", "them", "they", "there", "here", "which", "where", "when",
                             "just", "also", "only", "over", "under", "been", "were", "will", "then", "each", "both",
                             "show", "shows", "movie", "movies", "film", "films", "series"})
_POLITENESS = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in POLITENESS) + r")\b")
_POLITE_END = frozenset({"please", "thanks", "thank", "you", "tonight", "now", "maybe", "then", "ok", "okay",
                         "perhaps", "instead", "too", "again"})
_WISH = re.compile(r"\b(?:i'?d|i|we'?d|we|you|would|also|really|do|don'?t)\s*$")
_ROLE = re.compile(r"\b(?:starring|featuring|with|directed by|by|from director|actor|actress|director|film by|movie by)\b")


class RuleParser:
    """Understands a request without any network; `parse(text)` is the one entry point."""

    def __init__(self, names: NameMatcher | None = None, *, newest_year: int = 2023, services: Spoken = SPOKEN) -> None:
        self.names = names
        self.newest_year = newest_year
        self.services = services  # the services' names: the catalogue's region adds its own (vocab/services.py)

    # ------------------------------------------------------------------------------------
    def parse(self, text: str) -> Query:
        if (asked := questions.read(text, self.names, self.services)) is not None:
            return asked  # a question about one title ("who directed Inception"): questions.py
        t = self.prepare(text)
        if not re.search(r"[a-z0-9]", t):
            return Query(intent="empty")
        rest = domain.OOD.sub(" ", t)  # a genre word inside another job ("play some music") asks for no genre
        if domain.OOD.search(t) and not domain.STRONG.search(t) and not any(rx.search(rest) for rx, _ in GENRE_RES):
            return Query(intent="out_of_domain")
        q = Query()
        t = self._collection(t, q)
        t = self._named_title(t, q)
        t = self._similar(t, q)
        residue: list[str] = []
        for seg in sorted(segments(t), key=lambda sg: sg.polarity != "+"):  # explicit values before soft limits
            residue.append(self._read(seg, q))
        settle_genres(q)
        settle_moods(q)
        if q.kind is None and q.seasons_max is None and max(q.runtime_max or 0, q.runtime_min or 0) >= 70:
            q.kind = "movie"  # "under two hours" is about a film; episodes are not measured in hours
        q.mood = self._residue(" ".join([q.mood, *residue]))
        said = set(re.findall(r"[a-z]+", t))  # said, less any title or name: occasion and filler words
        quiet = said & (OCCASION_WORDS | QUIET_FILLER) | {w for w in said if w in FILLER and len(w) >= 4
                                                            and w not in _FUNCTION_WORDS}
        about = {w for topic in q.topics for w in re.findall(r"[a-z]+", topic)}  # what it is about is never quiet
        if q.moods and not q.title and not q.similar_to:
            # the rest of a mood request is its occasion ("uplifting after a funeral", "a cozy night
            # in with hot chocolate"): ranked by meaning, never a title's words
            quiet |= {w for w in re.findall(r"[a-z]{3,}", q.mood) if w not in _FUNCTION_WORDS}
        quiet -= about
        q.quiet_words += [w for w in sorted(quiet) if w not in q.quiet_words]
        q.quiet_words += [p for w in list(q.quiet_words) if w not in FILLER for p in self._parts(w) if p not in q.quiet_words]
        self._bare_title(q)
        if not q.has_filters(ignore_mood=True) and domain.CHAT.search(t) and not domain.STRONG.search(t):
            q.intent, q.mood = "out_of_domain", ""  # "thank you", "how are you"
        elif not q.has_filters() and not domain.DOMAIN.search(t):
            q.intent = "out_of_domain" if q.mood and self._sounds_like_words(q.mood) else "empty"
            q.mood = ""
        elif q.mood and not (q.has_filters(ignore_mood=True)) and not self._sounds_like_words(q.mood):
            q.intent, q.mood = "empty", ""  # "zxqv plorp": nothing a person would say
        return q

    @staticmethod
    def prepare(text: str) -> str:
        t = unicodedata.normalize("NFKC", str(text or ""))[:MAX_CHARS * 4]
        t = _CTRL.sub(" ", t).lower()
        t = t.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
        t = re.sub(r"\s+", " ", t).strip()[:MAX_CHARS]
        t = _POLITENESS.sub(" ", t)
        return normalize_numbers(re.sub(r"\s+", " ", t).strip())

    # --- one segment, by its polarity ----------------------------------------------------
    def _read(self, seg: Segment, q: Query) -> str:
        t, pol = seg.text, seg.polarity
        before = q.model_copy(deep=True)
        kinds = self._kinds(t)  # noted first, blanked last: "family movie", "game show" are genre forms too
        if pol == "+" and kinds and q.kind is None:
            q.kind = kinds[0]  # type: ignore[assignment]
        if pol == "-":
            t = self._negated_title(t, q)
            t = _SUBGENRE.sub(lambda m: _SUBGENRE_SUBJECT[m.group(1)], t)  # "not a slasher": its subject, not all horror
        t = self._people(t, q, pol)
        t = extract_seasons(t, q) if pol == "+" else t
        t = extract_rating(t, q) if pol == "+" else t
        t = extract_runtime(t, q) if pol == "+" else soft_length(t, q, pol)
        t = extract_age(t, q, pol)
        t = extract_years(t, q, self.newest_year) if pol == "+" else soft_era(t, q, pol, self.newest_year)
        t = extract_moods(t, q, pol)  # before subjects: "while i'm painting", "my heart racing" are occasions
        t = extract_topics(t, q, pol)  # before places: "the vietnam war" is a subject, not a country
        t = self._services(t, q, pol)
        if pol == "+" and _IN_ENGLISH.search(t):  # the language, not England: "something in english"
            q.countries += [c for c in _ENGLISH if c not in q.countries]
            t = _IN_ENGLISH.sub(" ", t)
        t = self._countries(t, q, pol)
        t, mentions = find_genres(t)
        file_genres(t, q, pol, mentions)
        t = free_topic(t, q, pol, self._known)
        t = _MOVIE.sub(" ", _SHOW.sub(" ", t))
        if kinds and pol != "+" and q.kind is None:  # "no horror movies" is about movies; a bare "not a movie" flips
            q.kind = kinds[0] if q != before else {"movie": "show", "show": "movie"}[kinds[0]]  # type: ignore[assignment]
        if pol == "-" and _FOREIGN.search(t):
            q.countries = [*q.countries, *[c for c in _ENGLISH if c not in q.countries]]
            t = _FOREIGN.sub(" ", t)
        return t if pol == "+" else ""

    def _negated_title(self, t: str, q: Query) -> str:
        """"A fantasy series other than Game of Thrones": a title of two words or more, ruled out."""
        phrase = " ".join(w for w in re.findall(r"[a-z0-9']+", t) if w not in _POLITE_END)
        if not self.names:
            return t
        if len([w for w in phrase.split() if w not in FILLER]) < 2:  # one word names a title only beside its star
            ref = self.names.credited_title(phrase, q.people + q.directors)
            if ref is not None:
                q.exclude_ids.append(ref.id)
                return " "
            return t
        if any(rx.search(phrase) for rx, _ in TOPIC_RES):
            return t  # "nothing with serial killers" is a subject, even where a title is called that
        ref = self.names.find_title(phrase, cued=False)
        if ref is None:
            return t
        q.exclude_ids.append(ref.id)
        return " "

    @staticmethod
    def _kinds(t: str) -> list[str]:
        show, movie = _SHOW.search(t), _MOVIE.search(t)
        return [k for _, k in sorted((m.start(), k) for m, k in ((show, "show"), (movie, "movie")) if m)]

    def _services(self, t: str, q: Query, pol: Polarity) -> str:
        for rx, service in self.services.res:
            m = rx.search(t)
            if m:
                target = q.services if pol == "+" else q.exclude_services
                if service not in target:
                    target.append(service)
                t = re.sub(rf"\b(?:on |from |via |in )?{re.escape(m.group(0))}", " ", t)
        return t

    def _countries(self, t: str, q: Query, pol: Polarity) -> str:
        for rx, codes in COUNTRY_RES:
            if rx.search(t):
                target = q.countries if pol == "+" else q.exclude_countries
                target += [c for c in codes if c not in target]
                t = rx.sub(" ", t)
        return t

    def _collection(self, t: str, q: Query) -> str:
        for rx, sort, back in domain.COLLECTION_RES:
            m = rx.search(t)
            if m and q.sort == "relevance":
                q.sort = sort  # type: ignore[assignment]
                if back is not None:
                    q.year_min = self.newest_year - back
                t = rx.sub(" ", t)
        return t

    # --- titles and people --------------------------------------------------------------
    def _named_title(self, t: str, q: Query) -> str:
        """"A film called Heat", "the show Dark", a quoted title: that title. "The movie with X" is no title."""
        m = re.search(r"\b(?:named|called|titled)\s+\"?([^\"]{2,80})\"?", t) or re.search(r"\"([^\"]{2,80})\"", t)
        cued = m is not None
        if not m:
            m = re.search(r"\bthe (?:movie|film|show|series)\s+(?!(?:with|that|where|in|from|about|starring|which|who"
                          r"|when|i|we|you|they|he|she|it|of|for|on|by|is|was|and|or)\b)([^\",.?!]{2,80})", t)
        if not m:
            return t
        phrase = m.group(1).strip(" .,!?")
        ref = self.names.find_title(phrase, cued=True) if self.names else None
        if ref is None and not cued:
            return t
        q.title = ref.title if ref else phrase[:120]
        if ref:
            q.kind = q.kind or ref.kind  # type: ignore[assignment]
        return t[: m.start()] + " " + t[m.end():]

    def _similar(self, t: str, q: Query) -> str:
        m = _SIMILAR.search(t)
        while m and _WISH.search(t[: m.start()] + m.group(0).split("like")[0]):
            m = _SIMILAR.search(t, m.start() + 1)  # "i'd like something like inception": the second one
        if not m or not self.names:
            return t  # "i'd like a comedy" is a wish, not a comparison
        words = m.group(1).split()
        while words and words[-1] in _POLITE_END:  # "like stranger things please"
            words.pop()
        ref = None
        for n in range(min(len(words), 8), 0, -1):  # the longest leading phrase that names a title
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

    def _people(self, t: str, q: Query, pol: Polarity) -> str:
        if not self.names:
            return t
        found = self.names.find_people(t, cued=bool(_ROLE.search(t)))
        if pol == "+" and len(found) > 1 and re.search(r"\bor\b", t):  # "tom hanks or meg ryan": either
            q.people_any += [ref.name for ref in found if ref.name not in q.people_any]
            for ref in found:
                t = ref.blank(t)
            return _ROLE.sub(" ", t)
        for ref in found:
            directed = pol == "+" and re.search(rf"\b(?:directed by|director|film by|movie by|from director)\s+"
                                                rf"(?:the\s+)?{re.escape(ref.spoken.split()[0])}", norm(t))
            target = q.exclude_people if pol != "+" else q.directors if directed else q.people
            if ref.name not in target:
                target.append(ref.name)
            t = ref.blank(t)
        if found:
            t = _ROLE.sub(" ", t)
        return t

    def _bare_title(self, q: Query) -> None:
        """A request that is only a title ("stranger things") names that title."""
        words = q.mood.split()
        if not self.names or q.title or q.similar_to or not 2 <= len(words) <= 6 or q.genres or q.topics:
            return
        ref = self.names.find_title(q.mood, cued=False, kind=q.kind)
        if ref:
            q.title = ref.title
            q.kind = q.kind or ref.kind  # type: ignore[assignment]
            q.mood = ""

    # --- what is left -------------------------------------------------------------------
    @staticmethod
    def _residue(t: str) -> str:
        words = re.findall(r"[a-z0-9][a-z0-9'\-]*", t)
        keep = [w for w in words if w not in FILLER and w not in OCCASION_WORDS and w not in MOOD_WORDS
                and not w.isdigit()]
        return " ".join(keep)[:200]

    def _parts(self, word: str) -> list[str]:
        """The words a compound is made of ("heartwarming" → "heart", "warming"), when both are words."""
        if not self.names or len(word) < 8:
            return []
        for i in range(4, len(word) - 3):
            a, b = word[:i], word[i:]
            if self.names.word_frequency(a) >= 3 and self.names.word_frequency(b) >= 3:
                return [a, b]
        return []

    def _known(self, word: str) -> bool:
        """A word that can be evidence of a subject: found in the catalogue, and not in nearly everything."""
        return 0 < self.names.word_frequency(word) < COMMON_SUBJECT_DOCS if self.names else True

    def _sounds_like_words(self, text: str) -> bool:
        """False for gibberish: most of its words appear nowhere in the catalogue's titles and descriptions."""
        words = [w for w in text.split() if len(w) > 2]
        if not words or not self.names:
            return True
        known = sum(self.names.word_frequency(w) >= 3 for w in words)
        return known * 2 >= len(words)
