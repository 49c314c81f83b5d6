"""The merge rules alone, on hand-made source rows: when rows are one title, and how genres are voted."""

from __future__ import annotations

import pytest

from voicerec.catalog.genres import GenreStats, Voice, decide, voices
from voicerec.catalog.match import cluster_records, title_key
from voicerec.catalog.sources import SourceRecord

JW_VOCAB = frozenset({"action", "animation", "comedy", "crime", "documentary", "drama", "family", "fantasy",
                      "history", "horror", "music", "reality", "romance", "scifi", "sport", "thriller", "war",
                      "western"})
NF_VOCAB = frozenset({"action", "adventure", "animation", "anime", "comedy", "crime", "documentary", "drama", "music",
                      "fantasy", "horror", "kids", "mystery", "reality", "romance", "scifi", "standup", "thriller"})
# co-occurrence: comedy rarely goes with crime thrillers, family often with animation
STATS = GenreStats([["drama", "crime", "thriller"]] * 40 + [["comedy", "romance"]] * 40 + [["comedy", "drama"]] * 10
                   + [["animation", "family", "comedy"]] * 30 + [["action", "scifi", "thriller"]] * 30
                   + [["music", "drama"]] * 10 + [["documentary"]] * 20)


def _row(family: str, sid: str, title: str, kind: str = "movie", year: int | None = 2007, **kw) -> SourceRecord:
    service = kw.pop("service", "netflix")
    snapshot = kw.pop("snapshot", "2023-03" if family == "justwatch" else "2021-09")
    return SourceRecord(family=family, source_id=sid, service=service, snapshot=snapshot, file=f"{family}/x.csv",
                        title=title, kind=kind, year=year, **kw)


def _clusters(rows: list[SourceRecord]) -> set[frozenset[str]]:
    jw = [r for r in rows if r.family == "justwatch"]
    others = [r for r in rows if r.family != "justwatch"]
    return {frozenset(r.source_id for r in c.records) for c in cluster_records(jw, others)}


def _sets(*groups: set[str]) -> set[frozenset[str]]:
    return {frozenset(g) for g in groups}


def test_title_key_sets_qualifiers_aside() -> None:
    assert title_key("The Office (U.S.)") == ("the office", "US")
    assert title_key("The Office (U.K.)") == ("the office", "GB")
    assert title_key("Thunder Alley (1967)") == ("thunder alley", None)
    assert title_key("Baahubali (Tamil)")[0] == title_key("Baahubali (4K UHD)")[0] == "baahubali"
    assert title_key("Fast & Furious") == title_key("Fast and Furious")
    assert title_key("Star Wars (A New Hope)")[0] == "star wars a new hope"  # not a qualifier: kept


def test_a_year_apart_joins_only_with_evidence() -> None:
    jw = _row("justwatch", "tm1", "There Will Be Blood", year=2008, runtime=158, service="paramount")
    same_runtime = _row("shivamb", "s1", "There Will Be Blood", year=2007, runtime=158)
    shared_director = _row("justwatch", "tm2", "V for Vendetta", year=2006, runtime=128, directors=["James McTeigue"])
    sb_director = _row("shivamb", "s2", "V for Vendetta", year=2005, runtime=140, directors=["James McTeigue"])
    nothing = _row("justwatch", "tm3", "Gold", year=2018, runtime=120, service="hbo")
    sb_nothing = _row("shivamb", "s3", "Gold", year=2017, runtime=None)
    assert _clusters([jw, same_runtime, shared_director, sb_director, nothing, sb_nothing]) == _sets(
        {"s3"}, {"tm1", "s1"}, {"tm2", "s2"}, {"tm3"})


def test_contradictions_keep_rows_apart() -> None:
    rows = [
        _row("justwatch", "tm1", "Sergio", year=2020, runtime=118, imdb_id="tt4669264", cast=["Wagner Moura"]),
        _row("justwatch", "tm2", "Sergio", year=2020, runtime=94, imdb_id="tt9033054", cast=["Sergio Vieira"]),
        # a second row of the same list with nothing in common is another title
        _row("shivamb", "s1", "What If", kind="show", year=2019, cast=["Renée Zellweger"]),
        _row("shivamb", "s2", "What If", kind="show", year=2019, cast=["Someone Else"]),
        # a country qualifier against the other's countries
        _row("justwatch", "ts1", "The Office", kind="show", year=2001, countries=["GB"], seasons=2, service="hulu"),
        _row("shivamb", "s3", "The Office (U.S.)", kind="show", year=2012, countries=["US"], seasons=9),
        _row("shivamb", "s4", "The Office (U.K.)", kind="show", year=2001, countries=["GB"], service="hulu",
             snapshot="2021-10"),
        # runtimes that cannot be one cut, and films credited on both sides with no one in common
        _row("justwatch", "tm3", "Two Wrongs", year=2016, runtime=4, service="prime"),
        _row("shivamb", "s5", "Two Wrongs", year=2016, runtime=88, service="prime", snapshot="2021-10"),
        _row("justwatch", "tm4", "Delirium", year=2018, runtime=96, directors=["A"], cast=["B", "C"]),
        _row("shivamb", "s6", "Delirium", year=2018, runtime=110, directors=["D"], cast=["E", "F"]),
    ]
    assert _clusters(rows) == _sets({"s1"}, {"s2"}, {"s3"}, {"s5"}, {"s6"}, {"tm1"}, {"tm2"}, {"tm3"}, {"tm4"},
                                    {"ts1", "s4"})


def test_a_show_under_a_later_seasons_year_joins_the_run_that_covers_it() -> None:
    rows = [
        _row("justwatch", "ts1", "Shameless", kind="show", year=2011, seasons=11, countries=["US"],
             cast=["William H. Macy"]),
        _row("justwatch", "ts2", "Shameless", kind="show", year=2004, seasons=11, countries=["GB"], service="hulu"),
        _row("shivamb", "s1", "Shameless (U.S.)", kind="show", year=2019, countries=["US"], cast=["William H. Macy"]),
        _row("justwatch", "ts3", "Breaking Bad", kind="show", year=2008, seasons=5),
        _row("shivamb", "s2", "Breaking Bad", kind="show", year=2013, seasons=5),
    ]
    assert _clusters(rows) == _sets({"ts1", "s1"}, {"ts2"}, {"ts3", "s2"})


# --- genres ----------------------------------------------------------------------------------------

def _jw(*genres: str) -> Voice:
    return Voice("justwatch:*", strong=list(genres), can_say=JW_VOCAB)


def _nf(strong: list[str], weak: list[str] | None = None) -> Voice:
    return Voice("shivamb:netflix", strong=strong, weak=weak or [], can_say=NF_VOCAB)


def test_a_single_sources_odd_genre_goes_when_the_other_source_disagrees() -> None:
    # Breaking Bad: JustWatch adds comedy, Netflix's labels say crime, drama, thriller
    genres = decide([_jw("drama", "comedy", "crime", "thriller"), _nf(["crime", "drama", "thriller"])],
                    "A chemistry teacher diagnosed with cancer enters the dangerous world of drugs.", [], STATS)
    assert "comedy" not in genres and set(genres) == {"drama", "crime", "thriller"}
    # the same genre is kept when the description speaks for it
    funny = decide([_jw("drama", "comedy", "crime"), _nf(["crime", "drama"])], "A hilarious heist.", [], STATS)
    assert "comedy" in funny
    # and when it goes with what the sources agree on (an animated film's 'family')
    assert "family" in decide([_jw("animation", "family"), _nf(["animation", "comedy"])], "", [], STATS)


def test_silence_counts_against_a_genre_only_where_the_source_uses_it() -> None:
    # JustWatch has no 'mystery': Netflix's mystery label stands
    genres = decide([_jw("drama", "scifi", "fantasy", "horror"), _nf(["horror", "mystery"], ["scifi", "fantasy"])],
                    "A boy vanishes; secret experiments.", [], STATS)
    assert "mystery" in genres and genres[0] == "scifi"  # the genres both give lead; horror is not the main one
    assert "drama" not in genres  # a tie with nothing for it


def test_combined_labels_split_only_with_support() -> None:
    inception = decide([_jw("action", "scifi", "music", "thriller"),
                        _nf(["thriller"], ["action", "adventure", "scifi", "fantasy"])],
                       "A thief infiltrates the subconscious of his targets.", [], STATS)
    assert inception[:3] == ["action", "scifi", "thriller"] and not {"music", "adventure", "fantasy"} & set(inception)
    # a lone "Sci-Fi & Fantasy" label: the half the description supports
    assert decide([_nf([], ["scifi", "fantasy"])], "A young witch learns magic.", [], STATS) == ["fantasy"]
    # no support at all: the first half rather than no genre
    assert decide([_nf([], ["action", "adventure"])], "Two brothers.", [], STATS) == ["action"]


def test_anime_and_mystery_are_derived() -> None:
    assert decide([_jw("fantasy", "animation", "family")], "", ["JP"], STATS) == ["fantasy", "animation", "anime", "family"]
    assert "anime" not in decide([_jw("animation", "family")], "", ["US"], STATS)
    assert decide([_jw("crime", "drama")], "A detective untangles a murder mystery.", [], STATS)[-1] == "mystery"
    assert "mystery" not in decide([_jw("comedy")], "The mystery of the missing cake.", [], STATS)


def test_voices_from_rows_one_per_source() -> None:
    recs = [
        _row("justwatch", "tm1", "X", raw_genres=["drama", "comedy"], genres=["drama", "comedy"]),
        _row("justwatch", "tm1", "X", snapshot="2022-07", raw_genres=["music"], genres=["music"]),
        _row("shivamb", "s1", "X", raw_genres=["Sci-Fi & Fantasy", "Dramas", "International Movies"],
             genres=["scifi", "fantasy", "drama"]),
    ]
    vocab = {("justwatch", "*", "movie"): JW_VOCAB, ("shivamb", "netflix", "movie"): NF_VOCAB}
    vs = voices(recs, vocab)
    assert [(v.name, v.strong, v.weak) for v in vs] == [
        ("justwatch:*", ["drama", "comedy"], []), ("shivamb:netflix", ["drama"], ["scifi", "fantasy"])]


@pytest.mark.parametrize(("genre", "given", "above_one"), [
    ("comedy", ["crime", "thriller"], False), ("family", ["animation"], True), ("music", ["action", "scifi"], False)])
def test_genre_lift(genre: str, given: list[str], above_one: bool) -> None:
    assert (STATS.lift(genre, given) >= 1.0) is above_one
