"""Follow-ups on their own: a new request starts fresh, a refinement carries the last turn."""

from __future__ import annotations

import pytest

from voicerec.state.sessions import Turn
from voicerec.types import Query
from voicerec.understand.followup import resolve
from voicerec.understand.pipeline import Understanding
from voicerec.understand.rules import RuleParser

P = RuleParser(newest_year=2023)
U = Understanding(P)  # acts on the last answer first (acts.py), then the parse and followup.resolve
RESULTS = [
    {"id": "a", "title": "A", "kind": "movie", "year": 1995, "runtime": 130, "seasons": None},
    {"id": "b", "title": "B", "kind": "movie", "year": 2001, "runtime": 110, "seasons": None},
    {"id": "c", "title": "C", "kind": "movie", "year": 2010, "runtime": 95, "seasons": None},
]


def turn(text: str) -> Turn:
    return Turn(P.parse(text), list(RESULTS), [r["id"] for r in RESULTS])


def follow(prev_text: str, text: str) -> Query:
    return U.read(text, turn(prev_text)).query


@pytest.mark.parametrize("prev, text", [
    ("a documentary about food from before 2000", "a superhero movie"),
    ("the best shows on disney plus", "a british crime drama"),
    ("a korean thriller", "something funny with jim carrey"),
    ("a comedy from the 90s on netflix", "a scary movie"),
    ("something for my kids", "a tarantino film"),
])
def test_a_complete_new_request_starts_fresh(prev: str, text: str) -> None:
    assert follow(prev, text) == P.parse(text)


@pytest.mark.parametrize("prev, text, check", [
    ("a thriller from the two thousands", "just the ones on prime",
     lambda q: q.services == ["prime"] and q.genres == ["thriller"] and (q.year_min, q.year_max) == (2000, 2009)),
    ("a comedy from the 90s", "what about on netflix", lambda q: q.services == ["netflix"] and q.year_min == 1990),
    ("a comedy from the 90s", "on hulu", lambda q: q.services == ["hulu"] and q.genres == ["comedy"]),
    ("a science fiction movie", "make it a series", lambda q: q.kind == "show" and q.genres == ["scifi"]),
    ("a comedy", "from the eighties", lambda q: q.genres == ["comedy"] and q.year_max == 1989),
    ("a korean drama", "what about comedies", lambda q: q.genres == ["comedy"] and q.countries == ["KR"]),
    ("a drama", "something shorter", lambda q: q.runtime_max == 109 and q.genres == ["drama"]),
    ("a drama", "something newer", lambda q: q.year_min == 2002),
    ("a drama", "something funnier", lambda q: q.genres == ["comedy"]),
])
def test_a_refinement_carries_the_last_turn(prev: str, text: str, check) -> None:
    q = follow(prev, text)
    assert check(q), q


@pytest.mark.parametrize("text, intent, n", [
    ("tell me more about the second one", "describe", 2), ("what's the first one about", "describe", 1),
    ("the third one", "describe", 3), ("more about the last one", "describe", 3),
    ("we've already seen the second one", "seen", 2), ("seen the first one already", "seen", 1),
    ("the kids have seen the last one", "seen", 3), ("my wife's seen the first one like five times", "seen", 1),
])
def test_pointing_back_at_a_result(text: str, intent: str, n: int) -> None:
    q = follow("a family movie for tonight", text)
    assert (q.intent, q.describe_index) == (intent, n)


@pytest.mark.parametrize("text", ["i've seen that one", "already watched it", "we've seen all of those", "seen them"])
def test_seen_without_saying_which_leaves_out_the_whole_list(text: str) -> None:
    """After a list, "seen it" could be any of them: every reading leaves them all out; none is marked seen."""
    q = follow("a family movie for tonight", text)
    assert q.intent == "recommend" and set(q.exclude_ids) >= {"a", "b", "c"}


def test_different_ones_leave_out_what_was_shown() -> None:
    q = follow("a comedy", "show me different ones")
    assert set(q.exclude_ids) >= {"a", "b", "c"} and q.genres == ["comedy"]


def test_more_like_the_nth() -> None:
    q = follow("a comedy", "more like the second one")
    assert q.similar_to == "b" and "b" in q.exclude_ids


def test_without_a_previous_turn_nothing_changes() -> None:
    for text in ("something shorter", "tell me more about the second one", "on netflix"):
        assert resolve(text, P.parse(text), None) == P.parse(text)


@pytest.mark.parametrize("text", ["nah too scary", "too scary", "hmm a bit less scary"])
def test_too_much_of_something_is_a_milder_version_of_the_last_turn(text: str) -> None:
    q = follow("a horror movie", text)
    assert q.genres == ["horror"] and q.kind == "movie"  # still horror films ...
    assert q.soft_max_age is not None and q.soft_max_age <= 13  # ... but milder


def test_too_long_after_a_request_is_a_ceiling_on_length() -> None:
    q = follow("a thriller", "too long")
    assert q.genres == ["thriller"] and q.runtime_max is not None and q.runtime_max <= 120


@pytest.mark.parametrize("prev, text, gone", [
    ("something scary", "something funny instead", {"horror", "thriller"}),
    ("a feel good movie", "make it a thriller", {"horror", "war"}),
])
def test_a_new_genre_takes_the_old_moods_leanings_with_it(prev: str, text: str, gone: set) -> None:
    q = follow(prev, text)
    assert not q.moods
    assert not gone & set(q.boost_genres) and not gone & set(q.exclude_genres)


def test_what_was_ruled_out_by_name_stays_ruled_out() -> None:
    assert "horror" in follow("no horror please", "a comedy instead").exclude_genres
