"""Questions about one title: recognised in many phrasings, the title found despite speech-recognition
spellings, answered from the catalogue row (spoken and in JSON), and left alone when they are requests.

Expected titles and facts are read from catalog.db, not written here: a test says which catalogue row a
question should find (by its correct spelling), then checks the answer against that row.
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from voicerec.say import answers
from voicerec.say.phrases import count, minutes
from voicerec.text import norm
from voicerec.types import SERVICE_NAMES, SERVICES, Query, Title
from voicerec.understand.names import NameMatcher
from voicerec.understand.questions import read, recognise
from voicerec.understand.rules import RuleParser

ROOT = Path(__file__).resolve().parent.parent
BANK = ROOT / "tests" / "bank" / "questions_dev.jsonl"


def _checker():
    spec = importlib.util.spec_from_file_location("check_requests", ROOT / "tests" / "data" / "check_requests.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def conn(catalog_path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{catalog_path}?mode=ro", uri=True)


@pytest.fixture(scope="module")
def names(conn: sqlite3.Connection) -> NameMatcher:
    return NameMatcher(conn)


def best_known(conn: sqlite3.Connection, spelling: str, kind: str | None = None) -> tuple[str, str, str]:
    """(id, title, kind) of the best-known catalogue title spelled this way (of this kind)."""
    row = conn.execute(
        "SELECT id, title, kind FROM titles WHERE norm_title = ? AND (? IS NULL OR kind = ?) "
        "ORDER BY coalesce(votes, 0) DESC, coalesce(popularity, 0) DESC LIMIT 1", (norm(spelling), kind, kind)).fetchone()
    assert row, f"{spelling!r} is not in the catalogue"
    return row


# --- recognising the form and the words naming the title ---------------------------------------
@pytest.mark.parametrize("text, form, words", [
    ("where can I watch Inception", "where", "inception"),
    ("where can I stream The Mandalorian?", "where", "the mandalorian"),
    ("Where's the office streaming", "where", "the office"),
    ("what service has Friends", "where", "friends"),
    ("which app is the crown on", "where", "the crown"),
    ("where to watch the dark night", "where", "the dark night"),
    ("how can I watch breaking bad", "where", "breaking bad"),
    ("is Parasite streaming anywhere", "where", "parasite"),
    ("do you know where I can watch up", "where", "up"),
    ("is Encanto on Disney plus", "on_service", "encanto"),
    ("Is Inception on Netflix right now?", "on_service", "inception"),
    ("can I watch the mentalist on HBO Max", "on_service", "the mentalist"),
    ("does netflix have stranger things", "on_service", "stranger things"),
    ("is taboo available on amazon prime video", "on_service", "taboo"),
    ("tell me if friends is on hulu", "on_service", "friends"),
    ("who directed Inception", "director", "inception"),
    ("who's the director of Parasite", "director", "parasite"),
    ("who made time bandits", "director", "time bandits"),
    ("who was the director of a wrinkle in time", "director", "a wrinkle in time"),
    ("Inception was directed by who?", "director", "inception"),
    ("can you tell me who directed jaws", "director", "jaws"),
    ("who stars in stranger thing", "cast", "stranger thing"),
    ("who's in the crown", "cast", "the crown"),
    ("who is in friends", "cast", "friends"),
    ("what actors are in two for the money", "cast", "two for the money"),
    ("who is in the cast of deception", "cast", "deception"),
    ("cast of upload", "cast", "upload"),
    ("what's the breaking bad cast", "cast", "breaking bad"),
    ("who played in titanic", "cast", "titanic"),
    ("who plays the lead in the crown", "cast", "the crown"),
    ("who narrates our planet", "cast", "our planet"),
    ("is avatar a long movie", "length", "avatar"),
    ("how many episodes are in squid game", "length", "squid game"),
    ("how long is Inception", "length", "inception"),
    ("how many seasons does the office have", "length", "the office"),
    ("how many episodes does stranger things have", "length", "stranger things"),
    ("what's the runtime of interstellar", "length", "interstellar"),
    ("how long does the godfather last", "length", "the godfather"),
    ("how many hours is titanic", "length", "titanic"),
    ("how long are the episodes of jackass", "length", "jackass"),
    ("what is Wednesday about", "about", "wednesday"),
    ("what's the plot of the titan", "about", "the titan"),
    ("what happens in time bandits", "about", "time bandits"),
    ("tell me about the mentalist", "about", "the mentalist"),
    ("what kind of movie is heat", "about", "heat"),
    ("give me a summary of bio dome", "about", "bio dome"),
    ("when did titanic come out", "released", "titanic"),
    ("what year is the godfather from", "released", "the godfather"),
    ("when was saturday night fever released", "released", "saturday night fever"),
    ("when did jackass first air", "released", "jackass"),
    ("release date of purple hearts", "released", "purple hearts"),
    ("how old is the movie jaws", "released", "the movie jaws"),
])
def test_recognises_the_form_and_the_title_words(text: str, form: str, words: str) -> None:
    asked = recognise(text)
    assert asked is not None and (asked.question, asked.words) == (form, words)


def test_the_service_asked_about() -> None:
    for text, services in [("is Encanto on Disney plus", ["disney"]), ("is inception on netflix or hulu", ["netflix", "hulu"]),
                           ("can I watch up on amazon prime", ["prime"]), ("does hbo max have friends", ["hbo"]),
                           ("is ted lasso on apple tv plus", ["apple"]), ("is yellowstone on paramount+", ["paramount"])]:
        asked = recognise(text)
        assert asked and asked.question == "on_service" and list(asked.services) == services, text
        assert set(asked.services) <= set(SERVICES)


@pytest.mark.parametrize("text", [
    "who are you", "what's the weather", "what's the weather like tomorrow", "what should I watch tonight",
    "what's good on netflix", "a comedy on netflix", "something like inception", "set a timer for ten minutes",
    "what time is it", "a korean thriller", "recommend a movie", "movies with tom hanks", "surprise me",
    "where can I watch something funny", "is there anything good on netflix", "how old is tom hanks",
    "where can i find adventure movies from the 1940s", "what's new on hulu", "tell me about tom hanks",
    "what movies is brad pitt in", "is there a good horror movie on hulu",
    "who starred in the most romantic comedies in the 2000s", "what is the second one about",
    "tell me more about the first one", "can I watch a comedy on hulu tonight",
])
def test_not_a_question_about_a_title(names: NameMatcher, text: str) -> None:
    assert read(text, names) is None


# --- finding the title ----------------------------------------------------------------------------
@pytest.mark.parametrize("text, spelling", [
    ("who stars in stranger thing", "stranger things"),
    ("who directed the dark night", "the dark knight"),
    ("how long is inseption", "inception"),
    ("is game of throne on hbo", "game of thrones"),
    ("how long is breaking bat", "breaking bad"),
    ("who directed the mandalorean", "the mandalorian"),
    ("who directed the good father", "the godfather"),
    ("who plays in the last of ass", "the last of us"),
    ("who directed oceans 11", "ocean's eleven"),
    ("who directed thirty minutes or less", "30 minutes or less"),
    ("is law and order on hulu", "law & order"),
    ("where can I watch schindlers list", "schindler's list"),
    ("what is one flew over the cuckoo's nest about", "one flew over the cuckoo's nest"),
    ("who directed blade runner 2049", "blade runner 2049"),
    ("who directed Inception from 2010", "inception"),
    ("how long is stranger things season 4", "stranger things"),
    ("when does the new season of stranger things come out", "stranger things"),
    ("who directed 13 hours", "13 hours: the secret soldiers of benghazi"),
    ("what's wall e about", "wall·e"),
])
def test_speech_spellings_find_the_well_known_title(conn, names: NameMatcher, text: str, spelling: str) -> None:
    q = read(text, names)
    assert q is not None and q.intent == "question"
    assert q.title_id == best_known(conn, spelling)[0], (text, q.title)


@pytest.mark.parametrize("word", ["up", "her", "us", "wednesday", "friends", "it", "elf", "jaws", "coco"])
def test_titles_that_are_common_words_resolve_when_asked_about(conn, names: NameMatcher, word: str) -> None:
    want = best_known(conn, word)
    for text in (f"who directed {word}", f"how long is {word}", f"where can I watch {word}", f"what is {word} about"):
        q = read(text, names)
        assert q is not None and q.title_id == want[0], text


def names_of(conn, sql: str) -> list[str]:
    found = [r[0] for r in conn.execute(sql)]
    assert len(found) >= 5, sql  # the property below is not checked on nothing
    return found


def test_the_kind_asked_for_and_then_the_best_known_is_preferred(conn, names: NameMatcher) -> None:
    for name in names_of(conn, "SELECT norm_title FROM titles GROUP BY norm_title HAVING count(DISTINCT kind) = 2 "
                               "AND max(votes) > 20000 AND length(norm_title) > 3 ORDER BY max(votes) DESC LIMIT 12"):
        assert read(f"how many seasons does {name} have", names).title_id == best_known(conn, name, "show")[0], name
        assert read(f"how long is the movie {name}", names).title_id == best_known(conn, name, "movie")[0], name
        assert read(f"when did the {name} series come out", names).kind == "show", name
    for name in names_of(conn, "SELECT norm_title FROM titles WHERE kind = 'movie' GROUP BY norm_title HAVING count(*) >= 3 "
                               "AND max(votes) > 50000 ORDER BY max(votes) DESC LIMIT 10"):
        assert read(f"who directed {name}", names).title_id == best_known(conn, name, "movie")[0], name


def test_a_title_said_without_its_subtitle_or_the_rest_of_its_name(conn, names: NameMatcher) -> None:
    for words in ("lord of the rings", "harry potter", "mission impossible", "13 hours"):
        q = read(f"how long is {words}", names)
        votes, title = conn.execute("SELECT votes, norm_title FROM titles WHERE id = ?", (q.title_id,)).fetchone()
        assert title.removeprefix("the ").startswith(words + " ") or title == words, (words, q.title)
        assert votes >= 5000, (words, q.title)


def test_politeness_and_fillers_do_not_change_the_question(names: NameMatcher) -> None:
    plain = read("who directed inception", names)
    for text in ("hey, who directed inception?", "um who directed inception please", "can you tell me who directed inception",
                 "do you know who directed Inception", "so, who directed inception, by the way"):
        assert read(text, names) == plain, text


def test_a_title_not_in_the_catalogue_is_said_back(names: NameMatcher) -> None:
    q = read("who directed zorblax the destroyer", names)
    assert q is not None and q.intent == "question" and q.title_id is None and q.title == "Zorblax The Destroyer"


# --- the spoken answers -----------------------------------------------------------------------------
def test_where_answers_date_an_old_listing() -> None:
    t = Title(id="x", title="Inception", kind="movie", services=["netflix", "hbo"])
    q = Query(intent="question", question="where")
    today = date(2024, 1, 15)
    old = answers.answer(q, t, as_of={"netflix": "2023-03-01", "hbo": "2023-11-20"}, today=today)
    assert old == "You can watch Inception on Netflix and HBO Max, as of March 2023."
    assert answers.answer(q, t, as_of={"netflix": "2023-12-01", "hbo": "2023-11-20"}, today=today).endswith("HBO Max.")
    assert answers.answer(q, t) == "You can watch Inception on Netflix and HBO Max."
    no = answers.answer(Query(intent="question", question="on_service", services=["hulu"]), t,
                        as_of={"netflix": date(2023, 3, 1)}, today=today)
    assert no == "No, Inception isn't on Hulu; you can watch it on Netflix and HBO Max, as of March 2023."


# --- end to end through Assistant.answer on the real catalogue -----------------------------------------
def facts(assistant, conn, spelling: str, kind: str | None = None) -> Title:
    return assistant.catalog.title(best_known(conn, spelling, kind)[0])


def ask(assistant, text: str, session: str | None = None):
    a = assistant.answer(text, session=session)
    json.loads(a.model_dump_json())  # what `ask --json` prints
    return a


def test_each_form_answers_from_the_catalogue_row(assistant, conn) -> None:
    for name in ("inception", "the color purple", "time bandits", "stranger things", "the crown", "encanto", "talvar"):
        t = facts(assistant, conn, name)
        for text, said in [
            (f"who directed {name}", t.directors[:1]),
            (f"who is in {name}", t.cast[:3]),
            (f"when did {name} come out", [str(t.year)]),
            (f"what is {name} about", [answers.about(t).split(". ", 1)[-1][:60]]),
            (f"where can I watch {name}", [SERVICE_NAMES[s] for s in t.services]),
            (f"how long is {name}", [minutes(t.runtime), f"{t.runtime} minutes in all"] if t.kind == "movie"
             else [f"about {t.runtime} minutes"]),
        ]:
            a = ask(assistant, text)
            assert a.query.intent == "question" and [r.id for r in a.results] == [t.id], text
            assert t.title in a.reply and all(s in a.reply for s in said), (text, a.reply)


def test_a_title_that_left_its_services_says_where_it_was(assistant, conn) -> None:
    a = ask(assistant, "where can i watch inception")
    assert a.results and a.results[0].title == "Inception" and not a.results[0].services
    assert "isn't on" in a.reply and "it was on" in a.reply and "Netflix" in a.reply


def test_is_it_on_a_service_yes_and_no(assistant, conn) -> None:
    for name in ("stranger things", "encanto", "the office", "friends"):
        t = facts(assistant, conn, name)
        on, off = t.services[0], next(s for s in SERVICES if s not in t.services)
        yes = ask(assistant, f"is {name} on {SERVICE_NAMES[on]}")
        assert yes.reply.startswith(f"Yes, {t.title} is on {SERVICE_NAMES[on]}") and [r.id for r in yes.results] == [t.id]
        no = ask(assistant, f"is {name} on {SERVICE_NAMES[off]}")
        assert no.reply.startswith(f"No, {t.title} isn't on {SERVICE_NAMES[off]}")
        assert all(SERVICE_NAMES[s] in no.reply for s in t.services), no.reply


def test_a_show_is_answered_in_seasons(assistant, conn) -> None:
    t = facts(assistant, conn, "the office", "show")
    a = ask(assistant, "how many seasons does the office have")
    assert a.results[0].id == t.id and f"{count(t.seasons)} season" in a.reply
    assert f"about {t.runtime} minutes" in a.reply


def test_not_in_the_catalogue_answers_sorry_and_nothing(assistant) -> None:
    a = ask(assistant, "where can I watch the mandelbrot heist")
    assert a.results == [] and a.reply.startswith("Sorry, I couldn't find The Mandelbrot Heist")


def test_not_questions_answer_as_before(assistant) -> None:
    assert ask(assistant, "who are you").query.intent != "question"
    a = ask(assistant, "what's the weather")
    assert a.query.intent == "out_of_domain" and not a.results and a.reply
    for text, service in (("what should I watch tonight", None), ("what's good on netflix", "netflix")):
        a = ask(assistant, text)
        assert a.query.intent == "recommend" and len(a.results) == 3
        assert service is None or all(service in r.services for r in a.results)


def test_questions_about_the_previous_results(assistant, conn) -> None:
    s = "t-questions"
    recs = ask(assistant, "a Korean thriller", session=s).results
    assert len(recs) == 3
    second = ask(assistant, "who directed the second one", session=s)
    assert [r.id for r in second.results] == [recs[1].id] and recs[1].title in second.reply
    it = ask(assistant, "and how long is it", session=s)  # "it": the one the last turn was about
    assert [r.id for r in it.results] == [recs[1].id]
    third = ask(assistant, "is the third one on netflix", session=s)  # the recommendations are still there
    assert [r.id for r in third.results] == [recs[2].id] and third.reply.startswith(("Yes", "No"))
    more = ask(assistant, "tell me more about the first one", session=s)
    assert more.query.intent == "describe" and [r.id for r in more.results] == [recs[0].id]
    cast = ask(assistant, "who's in it", session=s)
    assert [r.id for r in cast.results] == [recs[0].id]
    fresh = ask(assistant, "a french comedy", session=s)
    assert fresh.query.intent == "recommend" and len(fresh.results) == 3
    vague = ask(assistant, "what is it about", session=s)  # three results, none singled out
    assert vague.results == [] and "which one" in vague.reply.lower()
    named = ask(assistant, "who directed inception", session=s)
    after = ask(assistant, "when did it come out", session=s)
    assert [r.id for r in after.results] == [r.id for r in named.results] and str(named.results[0].year) in after.reply


def test_the_nth_one_without_a_previous_turn_asks_which(assistant) -> None:
    a = ask(assistant, "who directed the second one")
    assert a.results == [] and "which one" in a.reply


def test_the_question_bank(assistant) -> None:
    """tests/bank/questions_dev.jsonl, checked as check_requests.py checks `ask --json`: at least 95% of
    every form."""
    check = _checker().check
    lines = [json.loads(line) for line in BANK.read_text().splitlines() if line.strip()]
    assert len(lines) >= 60
    by_form: dict[str, list[bool]] = {}
    failures = []
    for c in lines:
        fails = check(json.loads(ask(assistant, c["text"]).model_dump_json()), c["checks"])
        by_form.setdefault(c["form"], []).append(not fails)
        failures += [f"{c['id']}: {fails}"] if fails else []
    for form, ok in by_form.items():
        assert sum(ok) / len(ok) >= 0.95, (form, failures)


@pytest.mark.parametrize("text, title", [("what's the new dune movie about", "Dune"), ("who is in the new batman", "The Batman")])
def test_the_new_one_is_a_question_about_that_title(names: NameMatcher, text: str, title: str) -> None:
    q = RuleParser(names).parse(text)
    assert q.intent == "question" and q.title == title


def test_the_new_genre_movie_is_still_a_request(names: NameMatcher) -> None:
    assert RuleParser(names).parse("what is the new comedy movie about").intent == "recommend"
