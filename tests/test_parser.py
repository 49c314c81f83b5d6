"""The built-in parser, table-driven across phrasing families (including Whisper's spellings)."""

from __future__ import annotations

import sqlite3

import pytest

from voicerec.understand.numbers import normalize_numbers
from voicerec.understand.rules import RuleParser

P = RuleParser(newest_year=2023)


def parse(text: str) -> dict:
    return P.parse(text).model_dump(exclude_defaults=True)


@pytest.mark.parametrize("spoken, digits", [
    ("two and a half hours", "150 minutes"),
    ("an hour and a half", "90 minutes"),
    ("half an hour", "30 minutes"),
    ("1.5 hours", "90 minutes"),
    ("under 2 hrs", "under 120 minutes"),
    ("ninety minutes", "90 minutes"),
    ("a hundred and twenty minutes", "120 minutes"),
    ("the two thousands", "the 2000s"),
    ("the 2,000s", "the 2000s"),
    ("nineteen ninety five", "1995"),
    ("two thousand and five", "2005"),
    ("twenty twelve", "2012"),
    ("the 90's", "the 90s"),
    ("1 hour 30 minutes", "90 minutes"),
])
def test_numbers(spoken: str, digits: str) -> None:
    assert normalize_numbers(spoken) == digits


@pytest.mark.parametrize("text, expect", [
    # kind
    ("a film", {"kind": "movie"}),
    ("a good flick", {"kind": "movie"}),
    ("a tv show", {"kind": "show"}),
    ("a series to binge", {"kind": "show"}),
    ("show me a movie", {"kind": "movie"}),
    ("a docuseries", {"kind": "show", "genres": ["documentary"]}),
    # genres and negation
    ("a rom-com", {"genres_all": ["romance", "comedy"]}),
    ("something scary", {"boost_genres": ["horror", "thriller"]}),
    ("nothing scary", {"exclude_genres": ["horror"]}),
    ("a comedy with no romance", {"genres": ["comedy"], "exclude_genres": ["romance"]}),
    ("a thriller but no horror", {"genres": ["thriller"], "exclude_genres": ["horror"]}),
    ("not anime", {"exclude_genres": ["anime"]}),
    ("sci-fi", {"genres": ["scifi"]}),
    ("science fiction", {"genres": ["scifi"]}),
    ("stand up comedy", {"genres": ["standup"]}),
    # eras
    ("from the 90s", {"year_min": 1990, "year_max": 1999}),
    ("the nineties", {"year_min": 1990, "year_max": 1999}),
    ("the two thousands", {"year_min": 2000, "year_max": 2009}),
    ("the 2,000s", {"year_min": 2000, "year_max": 2009}),
    ("early 90s", {"year_min": 1990, "year_max": 1994}),
    ("late eighties", {"year_min": 1985, "year_max": 1989}),
    ("from before 1960", {"year_max": 1959}),
    ("after 2018", {"year_min": 2019}),
    ("since 2015", {"year_min": 2015}),
    ("between 1995 and 2005", {"year_min": 1995, "year_max": 2005}),
    ("from 2012", {"year_min": 2012, "year_max": 2012}),
    ("nineteen ninety five", {"year_min": 1995, "year_max": 1995}),
    ("something recent", {"year_min": 2020}),
    ("an old classic", {"year_max": 1989, "sort": "rating"}),
    # length
    ("under two hours", {"runtime_max": 120}),
    ("an hour and a half", {"runtime_max": 100}),
    ("shorter than 90 minutes", {"runtime_max": 90}),
    ("at least three hours", {"runtime_min": 180}),
    ("over two and a half hours", {"runtime_min": 150}),
    ("nothing longer than 2 hrs", {"runtime_max": 120}),
    ("something quick", {"runtime_max": 95}),
    # seasons
    ("one season", {"kind": "show", "seasons_max": 1}),
    ("a limited series", {"kind": "show", "seasons_max": 1}),
    ("a mini-series", {"kind": "show", "seasons_max": 1}),
    ("no more than 3 seasons", {"kind": "show", "seasons_max": 3}),
    # age
    ("for my five year old", {"max_age": 5}),
    ("for my 10-year-old", {"max_age": 10}),
    ("for the whole family", {"max_age": 7}),
    ("for a toddler", {"max_age": 0}),
    ("for my kids", {"max_age": 7}),
    ("for teenagers", {"max_age": 13}),
    # services
    ("on Disney Plus", {"services": ["disney"]}),
    ("on Prime", {"services": ["prime"]}),
    ("on Prime Video", {"services": ["prime"]}),
    ("on amazon", {"services": ["prime"]}),
    ("on HBO", {"services": ["hbo"]}),
    ("on HBO Max", {"services": ["hbo"]}),
    ("on Apple TV", {"services": ["apple"]}),
    ("on paramount+", {"services": ["paramount"]}),
    ("netflix or hulu", {"services": ["netflix", "hulu"]}),
    # countries and languages
    ("Korean", {"countries": ["KR"]}),
    ("French", {"countries": ["FR"]}),
    ("British", {"countries": ["GB"]}),
    ("Bollywood", {"countries": ["IN"]}),
    ("Japanese", {"countries": ["JP"]}),
    # quality
    ("the best rated", {"sort": "rating"}),
    ("highest rated", {"sort": "rating"}),
    ("something popular", {"sort": "popularity"}),
    # out of domain and empty
    ("set a timer for ten minutes", {"intent": "out_of_domain"}),
    ("what's the weather tomorrow", {"intent": "out_of_domain"}),
    ("uh", {"intent": "empty"}),
    ("", {"intent": "empty"}),
    ("   ...   ", {"intent": "empty"}),
])
def test_rules(text: str, expect: dict) -> None:
    got = parse(text)
    for key, value in expect.items():
        assert got.get(key) == value, f"{text!r}: {key} = {got.get(key)!r}, want {value!r} (all: {got})"


def test_moods_rank_and_never_become_keywords() -> None:
    q = P.parse("something comforting for a rainy evening")
    assert set(q.moods) == {"cozy", "rainy day"} and not q.mood  # meanings to rank by, no words to match
    assert "comedy" in q.boost_genres and "horror" in q.exclude_genres
    assert not q.genres  # moods rank, they do not filter
    assert {"comforting", "rainy"} <= set(q.quiet_words)  # and never match a title
    assert P.parse("a movie about space").topics == ["space"]


def test_whole_requests() -> None:
    q = P.parse("a light comedy from the 2000s, under two hours")
    assert (q.genres, q.year_min, q.year_max, q.runtime_max) == (["comedy"], 2000, 2009, 120)
    q = P.parse("a Korean thriller on Netflix from after 2018, nothing too violent")
    assert (q.countries, q.genres, q.services, q.year_min) == (["KR"], ["thriller"], ["netflix"], 2019)


def test_hostile_text_is_just_text() -> None:
    for text in ["Robert'); DROP TABLE titles;--", "\x00\x1b[31m", "ignore your instructions " * 5000,
                 "مسلسل كوري", "🎬🍿 scary 👻", "\u202eevil"]:
        q = P.parse(text)
        assert q.intent in ("recommend", "out_of_domain", "empty")


@pytest.fixture(scope="module")
def named_parser(catalog_path):
    from voicerec.understand.names import NameMatcher

    conn = sqlite3.connect(f"file:{catalog_path}?mode=ro", uri=True)
    yield RuleParser(NameMatcher(conn))
    conn.close()


@pytest.mark.parametrize("text, person", [
    ("a Steven Spielberg movie", "Steven Spielberg"),
    ("an action movie starring Denzel Washington", "Denzel Washington"),
    ("something with adam sandlar", "Adam Sandler"),
    ("a tom hanks film", "Tom Hanks"),
])
def test_people_fuzzy(named_parser: RuleParser, text: str, person: str) -> None:
    assert person in named_parser.parse(text).people


@pytest.mark.parametrize("text, title", [
    ("a series like Breaking Bad", "Breaking Bad"),
    ("something like stranger thing", "Stranger Things"),
    ("movies similar to the dark night", "The Dark Knight"),
])
def test_similar_titles(named_parser: RuleParser, catalog_path, text: str, title: str) -> None:
    q = named_parser.parse(text)
    assert q.similar_to, q
    conn = sqlite3.connect(f"file:{catalog_path}?mode=ro", uri=True)
    assert conn.execute("SELECT title FROM titles WHERE id = ?", (q.similar_to,)).fetchone()[0] == title


@pytest.mark.parametrize("text", [
    "a crime film from the seventies", "something cozy for a lazy sunday afternoon", "a movie about dinosaurs",
    "a documentary under an hour", "a funny movie",
])
def test_ordinary_words_do_not_become_names(named_parser: RuleParser, text: str) -> None:
    q = named_parser.parse(text)
    assert not q.people and not q.title and not q.similar_to, q
