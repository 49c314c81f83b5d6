"""What voicerec says: one breath, the first title first, people's words for places and genres."""

from __future__ import annotations

import re

import pytest

from voicerec.say import reply
from voicerec.say.phrases import article, minutes
from voicerec.say.why import reason
from voicerec.types import Query, Suggestion
from voicerec.vocab.places import ISO_CODES


def s(title: str, services: list[str], **kw) -> Suggestion:
    return Suggestion(id=title, title=title, kind=kw.pop("kind", "movie"), services=services, **kw)


THREE = [s("Shrek", ["netflix"], runtime=90, year=2001, genres=["animation", "comedy"]),
         s("The Hangover", ["hbo"], runtime=100, year=2009, genres=["comedy"]),
         s("Mean Girls", ["prime"], runtime=97, year=2004, genres=["comedy"])]


def words(text: str) -> int:
    return len(re.findall(r"[A-Za-z0-9']+", text))


def test_the_first_title_comes_first_and_the_reply_is_one_breath() -> None:
    q = Query(kind="movie", genres=["comedy"], year_min=2000, year_max=2009, runtime_max=120)
    text = reply.compose(q, THREE)
    assert text.startswith("How about Shrek")
    assert words(text) <= 32  # about 12 s of Piper at its default speed
    assert "comedies from the 2000s under two hours" in text  # what narrowed it is confirmed
    for r in THREE:
        assert r.title in text


def test_one_service_shared_by_all_is_said_once() -> None:
    same = [s("A", ["netflix", "hulu"]), s("B", ["netflix"]), s("C", ["netflix", "prime"])]
    assert reply.compose(Query(), same).count("Netflix") == 1


@pytest.mark.parametrize("code, word", [("KR", "Korean"), ("ES", "Spanish"), ("GB", "British"), ("JP", "Japanese")])
def test_countries_are_spoken_as_people_say_them(code: str, word: str) -> None:
    text = reply.compose(Query(kind="show", countries=[code]), THREE)
    assert word in text
    assert not set(re.findall(r"\b[A-Z]{2}\b", text)) & ISO_CODES - {"US", "OK"}


@pytest.mark.parametrize("every, spoken", [
    (["romance", "comedy"], "romantic comedies"), (["horror", "comedy"], "horror comedies"),
    (["scifi", "thriller"], "sci-fi thrillers"), (["crime", "drama"], "crime dramas"),
])
def test_compound_genres_are_named_as_one(every: list[str], spoken: str) -> None:
    assert spoken in reply.compose(Query(kind="movie", genres_all=every), THREE)


def test_verbosity() -> None:
    q = Query(genres=["comedy"])
    brief, normal, detailed = (reply.compose(q, THREE, verbosity=v) for v in ("brief", "normal", "detailed"))
    assert words(brief) < words(normal) < words(detailed)
    assert "Netflix" not in brief and "Netflix" in normal
    assert detailed.startswith("Here are three comedies") and "First, Shrek" in detailed


def test_a_loosened_answer_says_so() -> None:
    q = Query(kind="movie", genres_all=["horror", "comedy"])
    text = reply.compose(q, THREE, relaxed=reply.Relaxed(1, "comedies"))
    assert text.startswith("I found only one horror comedy") and "Shrek" in text and "comedies" in text


def test_nothing_found_says_why() -> None:
    assert reply.compose(Query(title="Nowhere Film"), []).startswith("Sorry, I couldn't find Nowhere Film")
    assert reply.compose(Query(genres=["western"]), []).startswith("Sorry")


def test_the_genre_said_is_the_one_asked_for() -> None:
    t = s("Breaking Bad", ["netflix"], kind="show", seasons=5, genres=["drama", "crime", "thriller"])
    assert "crime series" in reason(t, Query(genres=["crime"]))
    assert "drama series" in reason(t, Query())
    assert "thriller series" in reason(t, Query(genres_all=["crime", "thriller"]))


@pytest.mark.parametrize("n, spoken", [(90, "an hour and a half"), (120, "two hours"), (148, "two hours and 28 minutes"),
                                       (45, "45 minutes"), (61, "an hour and 1 minute")])
def test_minutes(n: int, spoken: str) -> None:
    assert minutes(n) == spoken


@pytest.mark.parametrize("phrase, art", [("8-minute film", "an"), ("11-season series", "an"), ("110-minute film", "a"),
                                         ("one-season series", "a"), ("animated film", "an"), ("comedy", "a")])
def test_article(phrase: str, art: str) -> None:
    assert article(phrase) == art


def test_describe_title_gives_the_facts() -> None:
    t = s("Inception", ["netflix", "hbo"], runtime=148, year=2010, genres=["scifi", "action"],
          directors=["Christopher Nolan"], cast=["Leonardo DiCaprio"], description="A thief steals secrets. More.")
    text = reply.describe_title(t)
    for fact in ("Inception", "2010", "two hours and 28 minutes", "Christopher Nolan", "Leonardo DiCaprio",
                 "A thief steals secrets.", "Netflix"):
        assert fact in text
