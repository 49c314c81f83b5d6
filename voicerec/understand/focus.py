"""What a turn points at: "it", "that one", "the last one", "the middle one", "that first one", "the
Korean one", "the show", "the one on Netflix", "the Paddington one" → one title of the conversation.

    read(words)          ─► Ref (a referring phrase, parsed) or None (the words name no reference)
    resolve(ref, turn)   ─► Pick (the title's facts, its place in the last list, how it was found) or None
    pick(words, turn)    ─► both at once

The one resolver every act calls (questions, describe, choose, seen, reject, and whatever comes next:
"I loved that", "the second one was great"). The conversation is a plain value (state/sessions.Turn):
its last list and its focus, the one title it is about when it is about one.

A referring phrase is a determiner, modifiers and a head, read word by word, never matched whole:
  determiner  it · that · this · the · that there
  modifiers   a position (first, second, last, middle, number two), a kind (show, film, documentary,
              cartoon), a place (Korean), a genre (the scary one, the animated one), a service (the Netflix
              one, the one on Netflix), a superlative (the longest, the newest), a year, a word of a title
              (the Paddington one) or of a name in its cast (the one with Tom Hanks)
  head        one · movie · film · show · series · title · pick · option ...
Each modifier narrows the candidates (the last list, or the focus when there is no list). A bare
pronoun is the focus, else the only title (of its kind: "the show"); after a list of several with
none singled out it points at none, and the caller asks which one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from voicerec.state.sessions import Turn
from voicerec.text import norm
from voicerec.vocab.genres import GENRE_RES
from voicerec.vocab.places import COUNTRY_RES, SERVICE_RES
from voicerec.vocab.talk import (
    HEADS,
    KIND_OF_HEAD,
    NUMBERED,
    PLURAL_REFS,
    POSITIONS,
    PRONOUNS,
    SUPERLATIVES,
    TONE_GENRES,
)

# the parts of a referring phrase, in the order `read` tries them
_PHRASE = {
    "determiner": r"^(?:(?:and|so|what about|how about|ok|okay|then|oh|um|uh|hmm|well|maybe)\s+)*"
                  r"(?:(?:the|that|this|those|these)\s+(?:there\s+)?)?",
    "indefinite": r"^(?:a|an|some|any|another|other|more|something|anything)\b",  # a request, never a reference
    "head": rf"\s*\b(?:{'|'.join(HEADS)})$",
    "post": r"^(?:the )?(?:one|ones|movie|film|show|series|title|pick|option)\s+(?:(?:that(?:'s| is| was)|which(?:'s| is"
            r"| was)|that are|which are)\s+)?(?P<prep>on|from|with|starring|about|set in|in|by|where|called|named)\s+"
            r"(?P<rest>.+)$",  # "the one on netflix"
    "some": r"^(?:both of |all of )?(?:the )?(first|top|last) (two|three|2|3)(?: (?:ones|of them|of those|movies|films"
            r"|shows|series))?$",  # "the first two"
    "number": r"^(?:number|no|option|#)\s*(\w+)$",
    "year": r"\b((?:19|20)\d\d)\b",
}
_DETERMINER, _INDEFINITE, _HEAD, _POST, _SOME, _NUMBER, _YEAR = (
    re.compile(_PHRASE[k]) for k in ("determiner", "indefinite", "head", "post", "some", "number", "year"))
_STOP = frozenset({"the", "a", "an", "of", "and", "one", "ones", "that", "this", "with", "on", "in", "from",
                   "about", "there", "thing"})


@dataclass(frozen=True)
class Ref:
    """A referring phrase, parsed. `position`: 1-based, -1 the last, 0 the middle."""

    pronoun: bool = False
    plural: bool = False
    count: int = 0  # "the first two": how many from `position`
    other: bool = False
    position: int | None = None
    kind: str | None = None
    genres: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    superlative: str | None = None
    year: int | None = None
    words: tuple[str, ...] = ()  # words of a title or of a name in its cast

    @property
    def narrows(self) -> bool:
        return bool(self.position is not None or self.kind or self.genres or self.countries or self.services
                    or self.superlative or self.year or self.words or self.other)


@dataclass(frozen=True)
class Pick:
    """The title a reference found: its facts (state.sessions.FACTS), its place in the last list (1-based,
    None when only the focus had it) and how it was found."""

    title: dict
    index: int | None
    how: str
    titles: list[dict] = field(default_factory=list)  # a plural reference: every title it named


def read(words: str) -> Ref | None:
    """The words as a referring phrase, or None when they are not one (a title's name, a request)."""
    t = clean(words)
    t = re.sub(r"\b(?:please|thanks|thank you|then|again|instead|too)$", "", t).strip()
    if not t:
        return None
    if t in PRONOUNS:
        kind = next((KIND_OF_HEAD[w] for w in t.split() if w in KIND_OF_HEAD), None)
        return Ref(pronoun=True, kind=kind)
    if t in PLURAL_REFS:
        return Ref(pronoun=True, plural=True)
    m = _SOME.match(t)
    if m:  # "the first two", "the last three ones"
        return Ref(plural=True, position=POSITIONS[m.group(1)], count=NUMBERED[m.group(2)])
    post = _POST.match(t)
    if post:  # "the one on netflix", "the film with tom hanks", "the one set in korea"
        mods = post.group("rest")
        head = t[: post.start("prep")].split()
        kind = next((KIND_OF_HEAD[w] for w in head if w in KIND_OF_HEAD), None)
        return _modifiers(mods.split(), kind, require_all=True, prep=post.group("prep"))
    m = _NUMBER.match(t)
    if m and m.group(1) in NUMBERED:
        return Ref(position=NUMBERED[m.group(1)])
    if _INDEFINITE.match(t):
        return None  # "a korean drama", "some comedies": a request, never a reference
    det = _DETERMINER.match(t)
    body = t[det.end():] if det else t
    determined = bool(re.search(r"\b(?:the|that|this|those|these)\s*$", det.group(0))) if det else False
    head = _HEAD.search(body)
    if head:
        kind = KIND_OF_HEAD.get(head.group(0).strip())
        mods = body[: head.start()].split()
        if not mods:  # "the show", "that movie", "the one": the kind alone, with a determiner
            return Ref(pronoun=True, kind=kind) if determined else None
        positioned = any(w in POSITIONS for w in mods)
        if not (determined or positioned or head.group(0).strip() in ("one", "ones")):
            return None  # "korean drama series" asks for some; "the korean series" points at one
        return _modifiers(mods, kind, require_all=determined or positioned)
    tokens = body.split()
    if determined and len(tokens) == 1 and tokens[0] in POSITIONS:
        return Ref(position=POSITIONS[tokens[0]])  # "the third", "and the last"
    return None


def clean(words: str | None, *, commas: bool = False) -> str:
    """Lower case, apostrophes kept (curly ones straightened), other punctuation gone (commas too unless
    asked: "no, italian" is a correction where "no italian" is not), single spaces."""
    t = (words or "")[:2000].lower().translate({0x2019: "'", 0x2018: "'"})
    t = re.sub(r"[^\w\s',]" if commas else r"[^\w\s']", " ", t)
    t = re.sub(r"\s*,[\s,]*", ", ", t)
    return " ".join(re.sub(r"(?<!\w)'|'(?!\w)", " ", t).split()).strip(" ,")


def _modifiers(mods: list[str], kind: str | None, *, require_all: bool, prep: str | None = None) -> Ref | None:
    """Modifiers word by word; a word nothing knows is a word of a title or a name ("the paddington one"),
    allowed only where the phrase is plainly a reference (a determiner before it, or a head after)."""
    text = " ".join(mods)
    position = other = superlative = year = None
    genres: list[str] = []
    countries: list[str] = []
    services: list[str] = []
    for rx, service in SERVICE_RES:
        if rx.search(text):
            services.append(service)
            text = rx.sub(" ", text)
    for rx, codes in COUNTRY_RES:
        if rx.search(text):
            countries += codes
            text = rx.sub(" ", text)
    for word, genre in TONE_GENRES.items():
        if re.search(rf"\b{word}\b", text):
            genres.append(genre)
            text = re.sub(rf"\b{word}\b", " ", text)
    for rx, named in GENRE_RES:
        if rx.search(text):
            genres += named
            text = rx.sub(" ", text)
    for phrase, key in SUPERLATIVES:
        if re.search(rf"\b{phrase}\b", text):
            superlative = key
            text = re.sub(rf"\b{phrase}\b", " ", text)
    if (y := _YEAR.search(text)) is not None:
        year = int(y.group(1))
        text = text.replace(y.group(1), " ")
    words = []
    for w in text.split():
        if w in POSITIONS and position is None:
            position = POSITIONS[w]
        elif w == "other":
            other = True
        elif w in KIND_OF_HEAD:
            kind = kind or KIND_OF_HEAD[w]
        elif w not in _STOP:
            words.append(w)
    if (words and not require_all) or len(words) > 3:
        return None  # a word nothing knows is a title's only where the phrase is plainly a reference
    if prep in ("where", "about", "called", "named"):
        words = [w for w in words if w not in ("it's", "its", "is", "they", "he", "she")]
    ref = Ref(position=position, other=bool(other), kind=kind, genres=tuple(dict.fromkeys(genres)),
              countries=tuple(dict.fromkeys(countries)), services=tuple(dict.fromkeys(services)),
              superlative=superlative, year=year, words=tuple(words))
    return ref if ref.narrows else None


def resolve(ref: Ref, turn: Turn | None) -> Pick | None:
    """The title `ref` points at in the conversation `turn`, or None (nothing fits, or several do)."""
    if turn is None:
        return None
    focus = turn.focus
    listed = [dict(r) for r in turn.results]
    pool = listed or ([focus] if focus else [])
    if not pool:
        return None
    if ref.plural:  # "those", "all of them"; "the first two"
        some = pool if not ref.count else pool[:ref.count] if ref.position == 1 else pool[-ref.count:]
        return Pick(some[0], _picked(some[0], listed, "all").index, "all", some)
    if ref.pronoun:
        if focus and (ref.kind is None or focus.get("kind") == ref.kind):
            return _picked(focus, listed, "focus")
        fits = [r for r in pool if ref.kind is None or r.get("kind") == ref.kind]
        if len(fits) == 1:
            return _picked(fits[0], listed, "only" if len(pool) == 1 else "kind")
        return None  # "it" after a list of several, none singled out: which one? (the caller asks)
    if ref.other:
        others = [r for r in pool if not focus or r["id"] != focus["id"]]
        return _picked(others[0], listed, "other") if focus and len(others) == 1 else None
    fits = [r for r in pool if _fits(ref, r)]
    if ref.superlative and fits:
        fits = [_superlative(ref.superlative, fits)]
    if ref.position is not None:
        if not fits:
            return None
        n = len(fits) if ref.position == -1 else (len(fits) + 1) // 2 if ref.position == 0 else ref.position
        if not 1 <= n <= len(fits) or (ref.position == 0 and len(fits) % 2 == 0):
            return None
        return _picked(fits[n - 1], listed, "position")
    if len(fits) == 1:
        return _picked(fits[0], listed, _how(ref))
    return None


def pick(words: str, turn: Turn | None) -> Pick | None:
    ref = read(words)
    return resolve(ref, turn) if ref else None


# ---------------------------------------------------------------------------------------------
def _fits(ref: Ref, r: dict) -> bool:
    if ref.kind and r.get("kind") != ref.kind:
        return False
    genres = set(r.get("genres") or [])
    if ref.genres and not genres & set(ref.genres):
        return False
    if ref.countries and not set(r.get("countries") or []) & set(ref.countries):
        return False
    if ref.services and not set(r.get("services") or []) & set(ref.services):
        return False
    if ref.year and r.get("year") != ref.year:
        return False
    if ref.words:
        said = set(ref.words)
        title = set(norm(r.get("title") or "").split())
        names = {w for name in r.get("cast") or [] for w in norm(name).split()}
        if not (said <= title or said <= names or (len(said) > 1 and len(said & title) >= len(said) - 1)):
            return False
    return True


def _superlative(key: str, fits: list[dict]) -> dict:
    field_, most = {"longest": ("runtime", True), "shortest": ("runtime", False), "newest": ("year", True),
                    "oldest": ("year", False), "best": ("rating", True), "worst": ("rating", False)}[key]
    known = [r for r in fits if r.get(field_) is not None] or fits
    return (max if most else min)(known, key=lambda r: r.get(field_) or 0)


def _picked(title: dict, listed: list[dict], how: str) -> Pick:
    index = next((i for i, r in enumerate(listed, 1) if r["id"] == title["id"]), None)
    return Pick(title, index, how)


def _how(ref: Ref) -> str:
    for name in ("countries", "services", "genres", "kind", "superlative", "year", "words"):
        if getattr(ref, name):
            return {"countries": "place", "services": "service", "genres": "genre", "words": "word"}.get(name, name)
    return "position"
