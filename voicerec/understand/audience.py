"""Who is watching: an age ceiling from "for my grandson, he's five", "my 10 year old", "the kids".

The youngest age said is the ceiling (titles whose minimum age is at most it). A child mentioned
without an age ("something for my daughter") still restricts, to a child's ceiling: when an age is
meant but not understood, restrict rather than drop. "Not for kids" and "for adults" rule out
kids' titles without setting any ceiling.
"""

from __future__ import annotations

import re

from voicerec.types import Query
from voicerec.understand.polarity import Polarity
from voicerec.vocab.words import ORDINAL_WORDS

_CHILD = (r"(?:grand)?(?:sons?|daughters?|kids?|child(?:ren)?)|grand ?kids|grandchild(?:ren)?|nephews?|nieces?"
          r"|boys?|girls?|little ones?|toddlers?|bab(?:y|ies)|infants?|preschoolers?|youngsters?|tots?"
          r"|step ?(?:sons?|daughters?|kids)|twins|brothers?|sisters?|siblings?|cousins?")
# "a girls' night", "boys night out" are friends, not children
_RELATION = re.compile(rf"\b(?:my|our|the|his|her|their|a|two|three)\s+(?:\w+\s+)?(?:{_CHILD})\b(?!'?\s*(?:night|nite))"
                       rf"|\b(?:{_CHILD})\b(?!'?\s*(?:night|nite))")
_AGE_PATTERNS = (
    re.compile(r"\b(\d{1,2})[\s-]*(?:(?:years?|yrs?)[\s-]*olds?|yo|y/o)\b"),
    re.compile(r"\b(?:who|that|which)(?:'s|'re| is| are| are both| just turned| turned| is turning)\s+(?:only\s+)?(\d{1,2})\b"),
    re.compile(r"\b(?:he|she|they|both|kids|children|boys|girls)(?:'s|'re| is| are| are both| just turned| turned)"
               r"\s+(?:only\s+|about\s+|around\s+)?(\d{1,2})\b"),
    re.compile(r"\b(?:aged?|ages|turning|turned)\s+(\d{1,2})\b"),
)
# a school year says an age too: "she's in first grade" (6-7), "in year 3" (UK, 7-8), "in kindergarten"
_GRADE_WORDS = {w.lower(): i + 1 for i, w in enumerate(ORDINAL_WORDS)} | {"1st": 1, "2nd": 2, "3rd": 3}
_SCHOOL = re.compile(r"\b(?:in|at|starting|started|just started)\s+(?:the\s+)?(?:(?P<k>pre[\s-]?k|pre[\s-]?school|nursery|kindergarten|"
                     r"reception)|(?P<g>\w+)\s+grade|grade\s+(?P<n>\d{1,2})|year\s+(?P<y>\d{1,2})|(?P<s>elementary|primary|"
                     r"middle|junior high|high)\s+school)\b")
_PRONOUN = re.compile(r"\b(?:he|she|they)(?:'s|'re| is| are)\b")
_SCHOOL_AGE = {"elementary": 7, "primary": 7, "middle": 11, "junior high": 12, "high": 14}
_AND_AGE = re.compile(r"\b(\d{1,2})\s*(?:and|&|to|-)\s*(\d{1,2})\b")
_GENERIC = (
    (re.compile(r"\b(?:toddlers?|bab(?:y|ies)|infants?|pre[\s-]?school(?:ers?)?|little ones?|tiny tots?|very young)\b"), 0),
    (re.compile(r"\b(?:kids?|children|child|kid[\s-]friendly|grand ?kids|little kids|young kids|for the kids)\b"), 7),
    (re.compile(r"\b(?:(?:grand)?sons?|(?:grand)?daughters?|nephews?|nieces?|grandchild(?:ren)?|little (?:boy|girl)s?)\b"), 7),
    (re.compile(r"\b(?:for (?:my |a |the |our )?(?:teens?|teenagers?|tweens?)|teenage (?:son|daughter)s?|young adults?"
                r"|(?:my|our) (?:teens?|teenagers?|tweens?))\b"), 13),
)
_ADULT = re.compile(r"\b(?:adults? only|for adults|grown[\s-]?ups?|mature(?: audiences)?|18\+)\b")
# a certificate said ("rated pg 13", "an r rated thriller", "tv-14"): titles rated that or milder
_CERT = re.compile(r"\b(?:(?:rated|rating(?: of)?|certificate|certified)\s+(?P<a>nc[\s-]?17|pg[\s-]?13|pg|g|r|tv[\s-]?(?:ma|14|pg|g|y7?)|"
                   r"u|12a?|15|18)\b|(?P<b>nc[\s-]?17|pg[\s-]?13|pg|g|r|tv[\s-]?(?:ma|14|pg|g|y7?))[\s-]rated\b"
                   r"|(?P<c>pg[\s-]?13|nc[\s-]?17|tv[\s-](?:ma|14|pg|y7?))\b)")
_CERT_AGE = {"g": 0, "u": 0, "tvg": 0, "tvy": 0, "tvy7": 7, "pg": 7, "tvpg": 7, "12": 13, "12a": 13, "pg13": 13,
             "tv14": 13, "15": 16, "r": 16, "18": 18, "nc17": 18, "tvma": 18}
_GRAPHIC = re.compile(r"\b(?:violent|violence|gory|gore|graphic|bloody|brutal|explicit|raunchy|sexual|sex(?: scenes)?"
                      r"|nudity|naked|swearing|cursing|bad language|adult content|mature content|smutty|steamy)\b")
_KID_WORDS = re.compile(r"\b(?:for )?(?:the )?(?:kids?|children|child|little ones|family)\b")


def extract_age(t: str, q: Query, polarity: Polarity) -> str:
    if polarity != "+" and _GRAPHIC.search(t):  # "not too violent", "nothing gory": rated for teens at most
        q.max_age = 13 if q.max_age is None else min(q.max_age, 13)
        return _GRAPHIC.sub(" ", t)
    cert = _CERT.search(t)
    if cert:
        age = _CERT_AGE[re.sub(r"[\s-]", "", cert.group("a") or cert.group("b") or cert.group("c"))]
        if polarity == "-":  # "nothing rated r": milder than that
            age = max(0, {18: 16, 16: 13, 13: 7, 7: 0}.get(age, age))
        q.max_age = age if q.max_age is None else min(q.max_age, age)
        t = t[: cert.start()] + " " + t[cert.end():]
    if polarity == "-":
        if _KID_WORDS.search(t):  # "not for kids": grown-up titles, no ceiling
            _no_kids(q)
            return _KID_WORDS.sub(" ", t)
        return t
    if polarity == "~":
        return t
    if _ADULT.search(t):
        _no_kids(q)
        return _ADULT.sub(" ", t)
    ages: list[int] = []
    relation = _RELATION.search(t)
    for rx in _AGE_PATTERNS:
        for m in rx.finditer(t):
            if rx is not _AGE_PATTERNS[0] and not relation and "old" not in m.group(0):
                continue  # "aged 12" needs someone it is said of
            ages.append(int(m.group(1)))
            pair = _AND_AGE.search(t, max(0, m.start() - 12))
            if pair:
                ages += [int(pair.group(1)), int(pair.group(2))]
            t = t[: m.start()] + " " * (m.end() - m.start()) + t[m.end():]
    for m in _SCHOOL.finditer(t) if relation or _PRONOUN.search(t) else ():  # not "a film set in high school"
        age = _school_age(m)
        if age is not None:
            ages.append(age)
            t = t[: m.start()] + " " * (m.end() - m.start()) + t[m.end():]
    ages = [a for a in ages if a < 18]
    if ages:
        _ceiling(q, min(ages))
    elif q.max_age is None:
        for rx, age in _GENERIC:
            if rx.search(t):
                _ceiling(q, age)
                break
    for rx, _ in _GENERIC:
        t = rx.sub(" ", t)
    if relation:
        t = _RELATION.sub(" ", t)
    return t


def _school_age(m: re.Match) -> int | None:
    """The age of a child in that school year: the older end, so as not to over-restrict."""
    if m.group("k"):
        return 5
    if m.group("s"):
        return _SCHOOL_AGE[m.group("s")]
    grade = _GRADE_WORDS.get(m.group("g") or "") or int(m.group("n") or 0) or None
    if grade:
        return min(17, grade + 6)
    if m.group("y"):  # England and Wales: year 1 is 5-6
        return min(17, int(m.group("y")) + 5)
    return None


def _ceiling(q: Query, age: int) -> None:
    q.max_age = age if q.max_age is None else min(q.max_age, age)
    if age <= 10:
        q.boost_genres += [g for g in ("kids", "family", "animation") if g not in q.boost_genres]


def _no_kids(q: Query) -> None:
    if "kids" not in q.exclude_genres:
        q.exclude_genres.append("kids")
    q.avoid_genres += [g for g in ("family", "animation") if g not in q.avoid_genres]
