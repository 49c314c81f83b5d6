"""Eras, lengths and seasons: "the 90s", "from before 1960", "under two hours", "a limited series".

Each `extract_*` reads normalised text (numbers already digits, see numbers.py), fills fields
of the Query and returns the text with what it used blanked out.
"""

from __future__ import annotations

import re

from voicerec.types import Query
from voicerec.understand.polarity import Polarity
from voicerec.vocab.words import DECADE_WORDS

_YEAR = r"(19\d\d|20[0-4]\d)"
_MIN = r"(\d{1,3}) minutes(?:[\s-]long)?"
# "nothing before 2000" is "since 2000"; "not after 2010" is "until 2010"
_NOT_BEFORE = re.compile(r"\b(?:nothing|not|no|none)(?:\s+(?:from|made|released|that came out|older))?\s+"
                         r"(?:before|earlier than|older than|prior to|pre)\b[\s-]*")
_NOT_AFTER = re.compile(r"\b(?:nothing|not|no|none)(?:\s+(?:from|made|released|that came out|newer))?\s+"
                        r"(?:after|later than|newer than|past)\b\s*")
_LONG = re.compile(r"\b(?:long|lengthy|epic[\s-]length|drawn[\s-]out|slow|hours? long)\b")
_SHORT = re.compile(r"\b(?:short|quick|brief)\b")
_OLD = re.compile(r"\b(?:old(?:ie)?s?|older|classic|classics|vintage|retro|black and white|dated)\b")
_NEW = re.compile(r"\b(?:new|newer|recent|modern|current)\b")


def _sub(pattern: str, text: str) -> str:
    return re.sub(pattern, " ", text)


def extract_seasons(t: str, q: Query) -> str:
    pats = [
        (r"\b(?:limited|mini)[\s-]?series\b|\bminiseries\b|\b(?:only |just )?(?:1|a single|one) season(?:s)?\b"
         r"|\bsingle[\s-]season\b", lambda m: (None, 1)),
        (r"\b(?:under|less than|fewer than|below)\s+(\d+)\s+seasons?\b", lambda m: (None, int(m.group(1)) - 1)),
        (r"\b(?:no more than|at most|up to|max(?:imum)?|only|just)\s+(\d+)\s+seasons?\b|\b(\d+)\s+seasons? or (?:less|fewer)\b",
         lambda m: (None, int(m.group(1) or m.group(2)))),
        (r"\b(?:at least|over|more than|minimum)\s+(\d+)\s+seasons?\b|\b(\d+)\s+seasons? or more\b",
         lambda m: (int(m.group(1) or m.group(2)) + (1 if "over" in m.group(0) or "more than" in m.group(0) else 0), None)),
        (r"\b(?:long[\s-]running|lots of seasons|many seasons)\b", lambda m: (4, None)),
        (r"\b(\d+)\s+seasons?\b", lambda m: (None, int(m.group(1)))),
    ]
    for pat, fn in pats:
        m = re.search(pat, t)
        if m:
            lo, hi = fn(m)
            if lo is not None:
                q.seasons_min = max(1, lo)
            if hi is not None:
                q.seasons_max = max(1, hi)
            q.kind = "show"
            t = t[: m.start()] + " " + t[m.end():]
            break
    return t


# "long" said of the evening, not the film: "for a long car ride", "after a long day", "a long weekend"
_NOT_FILM = (r"(?!\s+(?:car|drive|ride|flight|plane|trip|journey|day|days|week|weekend|night|evening|haul|commute"
             r"|train|bus|time|running|winter|summer|shift|wait|layover))")


def extract_runtime(t: str, q: Query) -> str:
    le = r"(?:under|less than|shorter than|no longer than|not longer than|nothing longer than|not more than|no more than|at most|max(?:imum)?|up to|within|below|tops|or less|or shorter|nothing over|not over)"
    ge = r"(?:over|more than|longer than|at least|minimum|min|above|no shorter than|nothing shorter than|not shorter than|or more|or longer|plus)"
    for pat, which in ((rf"\b{le}\s+{_MIN}", "max"), (rf"\b{_MIN}\s+{le}\b", "max"), (rf"\b{ge}\s+{_MIN}", "min"),
                       (rf"\b{_MIN}\s+{ge}\b", "min"),
                       (rf"\b(?:about|around|roughly|approximately|circa|~|like|maybe|say)\s+{_MIN}", "about"),
                       (r"\b(\d{1,3}) minutes[\s-]long\b", "about"),
                       (rf"\b{_MIN}(?:[\s-]long)?\b", "bare")):
        for m in list(re.finditer(pat, t)):
            n = int(m.group(1))
            if not 1 <= n <= 900:
                continue
            if which == "max" or (which == "max" and "under" in m.group(0)):
                q.runtime_max = n
            elif which == "min":
                q.runtime_min = n
            elif which == "about":
                q.runtime_min, q.runtime_max = int(n * 0.9), int(n * 1.1)
            elif q.runtime_max is None and q.runtime_min is None:
                q.runtime_max = n + min(10, max(5, n // 6))  # "a half hour show": 35; "a 90 minute film": 100
            t = t.replace(m.group(0), " ", 1)
    if q.runtime_max is None and re.search(r"\b(?:quick|short|brief|bite[\s-]?sized)\b", t):
        q.runtime_max = 30 if q.kind == "show" else 95
        t = _sub(r"\b(?:something |a )?(?:quick|short|brief|bite[\s-]?sized)(?: one)?\b", t)
    if q.runtime_min is None and re.search(rf"\b(?:really long|very long|long|lengthy|epic[\s-]length)\b{_NOT_FILM}", t) \
            and q.kind != "show" and not re.search(r"\blong[\s-]running\b", t):
        q.runtime_min = 140
        t = _sub(rf"\b(?:really |very )?(?:long|lengthy|epic[\s-]length)\b{_NOT_FILM}", t)
    return t


def _decade(m: re.Match[str]) -> tuple[int, int] | None:
    word = m.group("dec")
    if word in DECADE_WORDS:
        d = DECADE_WORDS[word]
        start = 2000 + d if d <= 20 else 1900 + d
    else:
        digits = word.rstrip("s")
        if len(digits) == 4:
            start = int(digits)
        else:
            d = int(digits)
            start = 2000 + d if d <= 20 else 1900 + d
    if start % 10:
        return None
    end = start + 9
    part = m.group("part")
    if part == "early":
        end = start + 4
    elif part == "late":
        start += 5
    elif part in ("mid", "middle"):
        start, end = start + 3, start + 7
    return start, end

_RATING = re.compile(r"\b(?:rated|rating|ratings|score|scored|scoring|imdb|reviews?)\s+(?:of\s+|is\s+)?(?:above|over|at least|more"
                     r" than|higher than|better than|of at least|minimum|min)?\s*(\d{1,2}(?:\.\d)?)(?:\s*(?:\+|or (?:more|higher|above|better)"
                     r"|out of 10|stars?))?\b|\bat least (?:an? )?(\d(?:\.\d)?)(?: out of 10| stars?)?\b(?! minutes| seasons| years)")


def extract_rating(t: str, q: Query) -> str:
    """"rated above eight", "at least a seven", "an imdb score of 7.5 or more" → a rating floor (of 10)."""
    m = _RATING.search(t)
    if m:
        value = float(m.group(1) or m.group(2))
        if 1 <= value <= 10:
            floor = re.search(r"above|over|at least|more than|higher|better|minimum|min\b|\+|or more", m.group(0))
            q.min_rating = value if floor else max(1.0, value - 1.5)  # "a rating of eight": about 8
            t = t[: m.start()] + " " + t[m.end():]
    return t


def soft_length(t: str, q: Query, polarity: Polarity) -> str:
    """Lengths in a negated or hedged segment: "not too long" is a ceiling near a typical film."""
    if _LONG.search(t) and q.runtime_max is None:
        q.runtime_max = 120 if polarity == "~" else 110
        t = _LONG.sub(" ", t)
    elif _SHORT.search(t) and q.runtime_min is None:
        q.runtime_min = 80
        t = _SHORT.sub(" ", t)
    return t


def soft_era(t: str, q: Query, polarity: Polarity, newest_year: int) -> str:
    """Eras in a negated or hedged segment: "nothing old" and "not too old" mean this century's titles."""
    if _OLD.search(t) and q.year_min is None:  # "nothing old", "not too old": this century's
        q.year_min = (newest_year - 23) // 10 * 10
        t = _OLD.sub(" ", t)
    elif _NEW.search(t) and q.year_max is None:
        q.year_max = newest_year - 3
        t = _NEW.sub(" ", t)
    elif polarity == "-" and q.year_min is None and q.year_max is None:
        said = Query()
        rest = extract_years(t, said, newest_year)
        if said.year_min is not None and said.year_max is not None:  # "not from the eighties": one side of it,
            if said.year_max < newest_year - 10:  # the newer side of an old era, the older side of a recent one
                q.year_min = said.year_max + 1
            else:
                q.year_max = said.year_min - 1
            t = rest
    return t


def extract_years(t: str, q: Query, newest_year: int) -> str:
    t = _NOT_AFTER.sub(" until ", _NOT_BEFORE.sub(" since ", t))
    dec = r"(?:(?P<part>early|mid|middle|late)[\s-]+)?(?:the\s+)?(?P<dec>(?:19|20)\d0s|\d0s|" + "|".join(DECADE_WORDS) + r")\b"
    ranged = [
        (rf"\b(?:between|from)\s+{_YEAR}\s+(?:and|to|through|until)\s+{_YEAR}\b|\b{_YEAR}\s*(?:-|to|through)\s*{_YEAR}\b",
         lambda m: (int(m.group(1) or m.group(3)), int(m.group(2) or m.group(4)))),
        (rf"\b(?:before|pre|prior to|earlier than|older than)[\s-]+(?:the year\s+)?{_YEAR}\b", lambda m: (None, int(m.group(1)) - 1)),
        (rf"\b(?:until|up to|no later than|by)\s+{_YEAR}\b|\b{_YEAR} or (?:earlier|before|older)\b",
         lambda m: (None, int(m.group(1) or m.group(2)))),
        (rf"\b(?:after|post|later than|newer than)[\s-]+(?:the year\s+)?{_YEAR}\b", lambda m: (int(m.group(1)) + 1, None)),
        (rf"\b(?:since|from)\s+{_YEAR}\s+(?:on(?:wards?)?|or later|and later|and after|and up)\b|\bsince\s+{_YEAR}\b"
         rf"|\b{_YEAR}\s+(?:or later|or newer|and later|onwards?|and up|or after)\b",
         lambda m: (int(m.group(1) or m.group(2) or m.group(3)), None)),
    ]
    for pat, fn in ranged:
        m = re.search(pat, t)
        if m:
            lo, hi = fn(m)
            q.year_min = lo if lo is not None else q.year_min
            q.year_max = hi if hi is not None else q.year_max
            t = t[: m.start()] + " " + t[m.end():]
    for m in re.finditer(rf"\b(?P<cmp>before|after|since|pre|post|until)[\s-]+{dec}", t):
        span = _decade(m)
        if span:
            if m.group("cmp") in ("before", "pre"):
                q.year_max = span[0] - 1
            elif m.group("cmp") in ("after", "post"):
                q.year_min = span[1] + 1
            elif m.group("cmp") == "until":
                q.year_max = span[1]
            else:
                q.year_min = span[0]
            t = t.replace(m.group(0), " ", 1)
    spans = [s for s in (_decade(m) for m in re.finditer(rf"\b{dec}", t)) if s]
    if spans and q.year_min is None and q.year_max is None:
        q.year_min, q.year_max = min(s[0] for s in spans), max(s[1] for s in spans)
        t = re.sub(rf"\b{dec}", " ", t)
    if q.year_min is None and q.year_max is None:
        years = [int(y) for y in re.findall(rf"\b(?:in|from|of|released in|made in)?\s*{_YEAR}\b", t)]
        if years:
            q.year_min, q.year_max = min(years), max(years)
            t = re.sub(rf"\b(?:in|from|of|released in|made in)?\s*{_YEAR}\b", " ", t)
    ny = newest_year
    rel = [
        (r"\bthis year\b", (ny, None)), (r"\blast year\b", (ny - 1, ny - 1)),
        (r"\b(?:last|past) (?:few|couple(?: of)?) years\b", (ny - 3, None)),
        *[(rf"\b(?:last|past|previous) {n} years\b", (ny - n, None)) for n in range(2, 31)],
        (r"\b(?:last|past) (?:decade|10 years)\b", (ny - 10, None)),
        (r"\b(?:brand[\s-]new|new|recent|recently(?: released| made| out)?|came out recently|latest|modern|current|fresh"
         r"|contemporary|these days|nowadays)\b", (ny - 3, None)),
        (r"\b(?:black and white|golden age|silent (?:film|movie)s?)\b", (None, 1960)),
        (r"\b(?:old(?:ie)?s?|classic|classics|vintage|retro|old[\s-]school)\b", (None, 1989)),
    ]
    if q.year_min is None and q.year_max is None:
        for pat, (lo, hi) in rel:
            if re.search(pat, t):
                q.year_min, q.year_max = lo, hi
                t = _sub(pat, t)
                if "classic" in pat:
                    q.sort = "rating"
                break
    if q.year_min and q.year_max and q.year_min > q.year_max:
        q.year_min, q.year_max = q.year_max, q.year_min
    return t

