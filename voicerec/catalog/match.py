"""Which source rows are the same title: the evidence, and the clusters it makes.

Two rows are one title when
  * they share a JustWatch id, or an IMDb id (and kind); two different IMDb ids are never one title;
  * else their titles agree once normalised (`title_key`: case, accents, punctuation, '&'/'and' and a
    trailing qualifier such as "(U.S.)", "(Tamil)", "(4K UHD)" or "(2019)" set aside), their kinds
    agree, and
      - the years are equal and nothing contradicts (below), or
      - the years are one apart and something agrees: a runtime (within RUNTIME_AGREE minutes), a
        director or a lead actor (one of the first LEAD_ACTORS billed), the description (a
        DESCRIPTION_OVERLAP share of its words), or, failing those, the same service listed it
        at another date, or
      - it is a show listed with a later season's year (shivamb often gives the latest season's)
        that falls in the run of the other (first year .. + seasons + 1), with agreement, or as
        the only show of that name whose run covers it.
Contradictions keep rows apart: different IMDb ids; a country qualifier the other title's countries
lack ("The Office (U.S.)" is not the British "The Office"); and, when nothing agrees, runtimes 1.5
times and RUNTIME_CONTRADICTS minutes apart, a film with credits on both sides and no one in common,
or a second row of the same listing (one list naming two titles alike).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from voicerec.catalog import vocab
from voicerec.catalog.sources import SourceRecord
from voicerec.text import norm

RUNTIME_AGREE = 5
RUNTIME_CONTRADICTS = 20
LEAD_ACTORS = 5
DESCRIPTION_OVERLAP = 0.25
_WORD = re.compile(r"[a-z]{4,}")

_QUALIFIER = re.compile(r"\s*[(\[]([^()\[\]]{1,60})[)\]]\s*$")
_COUNTRY_QUALIFIERS = {"us": "US", "u s": "US", "usa": "US", "u s a": "US", "uk": "GB", "u k": "GB"}
_TAG_WORDS = frozenset("""
4k uhd hd dubbed dub subbed subtitled subtitles english spanish hindi tamil telugu malayalam kannada
bengali marathi punjabi gujarati japanese korean french german italian portuguese mandarin cantonese
version ver audio extended edition cut director directors s unrated restored remastered silent
original theatrical special uncut colorized colourized
""".split())


def title_key(title: str) -> tuple[str, str | None]:
    """(matching key, country of a qualifier): 'The Office (U.S.)' → ('the office', 'US')."""
    text, country = title, None
    m = _QUALIFIER.search(text)
    if m:
        q = norm(m.group(1))
        words = q.split()
        if q in _COUNTRY_QUALIFIERS:
            country = _COUNTRY_QUALIFIERS[q]
        if country or (re.fullmatch(r"(19|20)\d\d", q) or (words and all(w in _TAG_WORDS for w in words))):
            text = text[:m.start()]
    key = norm(text.replace("&", " and ")) or " ".join(text.casefold().split())
    return key, country


_MEMO: dict[tuple[str, int], tuple] = {}  # per-record values, for one cluster_records/merge run


def _memo(kind: str, r: SourceRecord, make) -> tuple:  # noqa: ANN001
    key = (kind, id(r))
    hit = _MEMO.get(key)
    if hit is None or hit[0] is not r:
        hit = _MEMO[key] = (r, make(r))
    return hit[1]


def _people(r: SourceRecord) -> tuple[frozenset[str], frozenset[str]]:
    return _memo("people", r, lambda r: (frozenset(norm(n) for n in r.directors),
                                         frozenset(norm(n) for n in r.cast[:LEAD_ACTORS])))


@dataclass
class Cluster:
    """Rows found to be one title, with what the matching compares, gathered from all of them."""

    records: list[SourceRecord] = field(default_factory=list)
    kind: str = ""
    imdb: set[str] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    jw_years: set[int] = field(default_factory=set)
    runtimes: set[int] = field(default_factory=set)
    seasons: int = 0
    directors: set[str] = field(default_factory=set)
    leads: set[str] = field(default_factory=set)
    credited: bool = False
    countries: set[str] = field(default_factory=set)
    listings: set[tuple[str, str, str]] = field(default_factory=set)
    descriptions: list[frozenset[str]] = field(default_factory=list)

    def add(self, r: SourceRecord) -> None:
        self.records.append(r)
        self.kind = self.kind or r.kind
        if r.imdb_id:
            self.imdb.add(r.imdb_id)
        if r.year is not None:
            self.years.add(r.year)
            if r.family == "justwatch":
                self.jw_years.add(r.year)
        if r.runtime:
            self.runtimes.add(r.runtime)
        self.seasons = max(self.seasons, r.seasons or 0)
        directors, leads = _people(r)
        self.directors |= directors
        self.leads |= leads
        self.credited = self.credited or bool(directors or leads)
        self.countries.update(r.countries)
        self.listings.add((r.family, r.service, r.snapshot))
        words = _words(r.description)
        if words and words not in self.descriptions:
            self.descriptions.append(words)

    @property
    def first_year(self) -> int | None:
        years = self.jw_years or self.years
        return min(years) if years else None


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


def _agrees(r: SourceRecord, c: Cluster) -> bool:
    """Positive evidence: an agreeing runtime, a shared director or lead actor, or descriptions
    that share at least DESCRIPTION_OVERLAP of their words."""
    if r.runtime and any(abs(r.runtime - x) <= RUNTIME_AGREE for x in c.runtimes):
        return True
    directors, leads = _people(r)
    if directors & c.directors or leads & c.leads or directors & c.leads or leads & c.directors:
        return True
    words = _words(r.description)
    return bool(words) and any(len(words & w) >= DESCRIPTION_OVERLAP * len(words | w) for w in c.descriptions)


def _runtime_far(r: SourceRecord, c: Cluster) -> bool:
    """Runtimes that cannot be one cut of one title: 1.5 times and 20 minutes apart."""
    return bool(r.runtime and c.runtimes) and all(
        abs(r.runtime - x) > RUNTIME_CONTRADICTS and max(r.runtime, x) >= 1.5 * min(r.runtime, x) for x in c.runtimes)


def relation(r: SourceRecord, c: Cluster, country: str | None) -> tuple[int, int] | None:
    """How well r fits cluster c (lower is better), or None when they are not one title.

    (0, _) same IMDb id · (1, Δyear) equal or adjacent year with agreement · (2, 0) equal year,
    nothing either way · (3, Δyear) a show's later season, with agreement · (4, Δyear) the same,
    without (the caller takes it only when it is the one candidate)."""
    if r.kind != c.kind:
        return None
    if r.imdb_id and r.imdb_id in c.imdb:
        return (0, 0)
    if (r.imdb_id and c.imdb) or (country and c.countries and country not in c.countries):
        return None  # two IMDb ids, or "(U.S.)" against a title made elsewhere
    agrees = _agrees(r, c)
    if (r.family, r.service, r.snapshot) in c.listings and not agrees:
        return None  # this very list already named a different title so
    if not agrees:
        directors, leads = _people(r)
        if _runtime_far(r, c) or (r.kind == "movie" and c.credited and (directors or leads)):
            return None  # runtimes far apart, or both credited and no one in common
        agrees = r.service in {s for _, s, _ in c.listings}  # the same service, another listing
    if r.year is None or not c.years:
        return (1, 9) if agrees else None
    dy = min(abs(r.year - y) for y in c.years)
    if dy <= 1 and agrees:
        return (1, dy)
    if dy == 0:
        return (2, 0)
    first = c.first_year
    if r.kind == "show" and first is not None and first <= r.year <= first + max(c.seasons, r.seasons or 0, 1) + 1:
        return (3, dy) if agrees else (4, dy)
    return None


class Clusters:
    """The growing set of titles, indexed by (title key, kind)."""

    def __init__(self) -> None:
        self.all: list[Cluster] = []
        self.by_key: dict[tuple[str, str], list[Cluster]] = defaultdict(list)
        self.by_imdb: dict[str, Cluster] = {}

    def new(self, records: Iterable[SourceRecord]) -> Cluster:
        c = Cluster()
        self.all.append(c)
        for r in records:
            self.attach(r, c)
        return c

    def attach(self, r: SourceRecord, c: Cluster) -> None:
        c.add(r)
        key = (title_key(r.title)[0], r.kind)
        if c not in self.by_key[key]:
            self.by_key[key].append(c)
        if r.imdb_id:
            self.by_imdb.setdefault(r.imdb_id, c)

    def best(self, r: SourceRecord) -> Cluster | None:
        """The title r belongs to, or None for a title not seen yet."""
        if r.imdb_id and r.imdb_id in self.by_imdb and self.by_imdb[r.imdb_id].kind == r.kind:
            return self.by_imdb[r.imdb_id]
        key, country = title_key(r.title)
        scored = []
        for i, c in enumerate(self.by_key.get((key, r.kind), [])):
            rel = relation(r, c, country)
            if rel is not None:
                scored.append((rel, i, c))
        if not scored:
            return None
        scored.sort(key=lambda t: (t[0], t[1]))
        (rank, _), _, c = scored[0]
        if rank == 4 and sum(1 for s in scored if s[0][0] == 4) > 1:
            return None  # a later-season listing that fits more than one show of that name
        return c


def cluster_records(primary: Iterable[SourceRecord], others: Iterable[SourceRecord]) -> list[Cluster]:
    """Clusters of `primary` rows (JustWatch: each id once, then ids joined by the rules) and
    `others` (shivamb, imports) each joined to its best title or starting one, in a fixed order."""
    by_id: dict[str, list[SourceRecord]] = defaultdict(list)
    for r in primary:
        by_id[r.source_id].append(r)
    clusters = Clusters()
    for sid in sorted(by_id, key=lambda s: (_sid_num(s), s)):
        rows = sorted(by_id[sid], key=precedence)
        _one_imdb_id(rows)
        target = clusters.best(rows[0])
        if target is None:
            clusters.new(rows)
        else:
            for r in rows:
                clusters.attach(r, target)
    for r in sorted(others, key=lambda r: (r.family, vocab.service_rank(r.service), r.snapshot, _sid_num(r.source_id))):
        target = clusters.best(r)
        if target is None:
            clusters.new([r])
        else:
            clusters.attach(r, target)
    return clusters.all


def _one_imdb_id(rows: list[SourceRecord]) -> None:
    """Rows of one JustWatch id that disagree on the IMDb id keep the one most of them give (ties:
    the newest row's); upstream, ts521 'Black Ink Crew New York' once carries its spin-off's id."""
    ids = [r.imdb_id for r in rows if r.imdb_id]
    if len(set(ids)) > 1:
        keep = max(dict.fromkeys(ids), key=ids.count)
        for r in rows:
            if r.imdb_id and r.imdb_id != keep:
                r.imdb_id = None


def precedence(r: SourceRecord) -> tuple:
    """Which row speaks first for a title: JustWatch, then imports, then shivamb; the newer listing
    first; then service order."""
    return _memo("precedence", r, lambda r: (
        {"justwatch": 0, "import": 1}.get(r.family, 2), -int("".join(ch for ch in r.snapshot if ch.isdigit()) or 0),
        vocab.service_rank(r.service), r.file, _sid_num(r.source_id)))


def forget() -> None:
    """Drop the per-record memo (merge.merge_all calls it when done)."""
    _MEMO.clear()


def _sid_num(sid: str) -> tuple[int, str]:
    digits = "".join(ch for ch in sid if ch.isdigit())
    return (int(digits) if digits else 0, sid)
