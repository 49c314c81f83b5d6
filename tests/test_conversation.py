"""A real conversation (issue 23): what is in focus, acts on the last answer, choosing, closings.

The resolver and the act reader on their own (plain values, no catalogue), then the whole pipeline on
the real catalogue: the probe conversations (tests/data/probe_conversations.jsonl, written before any
answer was seen) through the shared checker's own `check`, metamorphic tests (fillers and politeness
change no act) and a property test ("it" after "tell me about X" is X whatever question follows).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from voicerec.state.sessions import Turn
from voicerec.types import Query
from voicerec.understand import acts, compare, focus
from voicerec.understand.pipeline import Understanding
from voicerec.understand.rules import RuleParser

DATA = Path(__file__).resolve().parent / "data"
_spec = importlib.util.spec_from_file_location("check_requests", DATA / "check_requests.py")
checker = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(checker)  # type: ignore[union-attr]

LIST = [
    {"id": "p", "title": "Parasite", "kind": "movie", "year": 2019, "runtime": 132, "genres": ["thriller", "drama"],
     "countries": ["KR"], "services": ["hulu"], "min_age": 16, "rating": 8.5, "cast": ["Song Kang-ho"]},
    {"id": "s", "title": "Stranger Things", "kind": "show", "year": 2016, "runtime": 61, "seasons": 5,
     "genres": ["scifi", "horror"], "countries": ["US"], "services": ["netflix"], "min_age": 13, "rating": 8.7,
     "cast": ["Winona Ryder"]},
    {"id": "b", "title": "Paddington", "kind": "movie", "year": 2014, "runtime": 95, "genres": ["comedy", "family"],
     "countries": ["GB", "FR"], "services": ["netflix"], "min_age": 7, "rating": 7.3, "cast": ["Ben Whishaw"]},
]


def listed(focus_on: str | None = None, query: Query | None = None) -> Turn:
    q = query or Query(kind=None, genres=["thriller"])
    f = next((r for r in LIST if r["id"] == focus_on), None)
    return Turn(q, [dict(r) for r in LIST], [r["id"] for r in LIST], focus=f)


# --- the focus: one resolver ---------------------------------------------------------------------
@pytest.mark.parametrize("words, title", [
    ("the korean one", "p"), ("the show", "s"), ("the series", "s"), ("the one on hulu", "p"), ("the hulu one", "p"),
    ("the last one", "b"), ("the middle one", "s"), ("that first one", "p"), ("number two", "s"), ("the third", "b"),
    ("the paddington one", "b"), ("the one with winona ryder", "s"), ("the longest one", "p"), ("the newest one", "p"),
    ("the british film", "b"), ("the one from 2014", "b"), ("the scary one", "s"), ("the second movie", "b"),
])
def test_a_reference_points_at_one_title_of_the_list(words: str, title: str) -> None:
    pick = focus.pick(words, listed())
    assert pick is not None and pick.title["id"] == title, words
    assert pick.index == [r["id"] for r in LIST].index(title) + 1


@pytest.mark.parametrize("words", ["the one on netflix", "the movie", "it", "that one"])
def test_a_reference_that_fits_several_points_at_none(words: str) -> None:
    assert focus.read(words) is not None and focus.pick(words, listed()) is None


@pytest.mark.parametrize("words", ["it", "that", "that one", "this one", "the one", "all of it"])
def test_it_is_the_focus_when_there_is_one(words: str) -> None:
    pick = focus.pick(words, listed(focus_on="s"))
    assert pick is not None and pick.title["id"] == "s" and pick.how == "focus"


def test_the_other_one_of_two() -> None:
    turn = Turn(Query(), [dict(LIST[0]), dict(LIST[2])], ["p", "b"], focus=dict(LIST[0]))
    assert focus.pick("the other one", turn).title["id"] == "b"


@pytest.mark.parametrize("words", ["the office", "inception", "the crown", "a korean drama", "some comedies",
                                   "korean drama series", "the dark knight", "something funny"])
def test_a_title_or_a_request_is_no_reference(words: str) -> None:
    assert focus.read(words) is None


def test_without_a_list_the_focus_is_the_only_title() -> None:
    turn = Turn(Query(intent="question"), [], [], focus=dict(LIST[2]))
    for words in ("it", "the first one", "that film", "the last one"):
        assert focus.pick(words, turn).title["id"] == "b", words
    assert focus.pick("it", None) is None


# --- acts: read from their cue and object, not from a list of sentences ---------------------------
ACTS = {
    "close": ["thanks", "perfect thank you", "that's the one", "never mind", "ok cool", "brilliant cheers",
              "great thanks", "lovely thank you so much", "that'll do nicely"],
    "help": ["what can you do", "how does this work", "what can i ask you", "help"],
    "greet": ["hello", "hi there", "good evening"],
    "choose": ["put the first one on", "play the second one", "let's watch the last one", "start that first one",
               "stick the korean one on", "we'll go with the middle one", "i'll take the third one"],
    "more": ["any others", "what else have you got", "show me more", "got anything else", "keep going",
             "different ones please"],
    "reject": ["nah", "none of those", "not those", "meh not for us", "the kids have seen all of those"],
    "correct": ["no i said korean", "sorry i meant the seventies", "actually i meant a film", "no, italian",
                "sorry not netflix i meant hulu", "no a war documentary"],
    "compare": ["anything quicker", "something less intense", "a bit older", "those are all really long",
                "something with fewer seasons", "a bit more grown up", "less violent"],
    "reset": ["forget that", "start over", "new idea, a western", "scratch that, something with dinosaurs"],
    "seen": ["we've seen the second one", "watched the korean one already", "my wife's seen the last one"],
    "describe": ["tell me about the korean one", "the middle one, what's that", "which one's on hulu",
                 "which is the longest", "which one stars winona ryder", "the last one"],
}
FILLERS = [("um ", ""), ("ok so ", ""), ("hmm ", ""), ("", " please"), ("oh ", " then"), ("well ", "")]


@pytest.mark.parametrize("kind, text", [(k, t) for k, texts in ACTS.items() for t in texts])
def test_each_act_is_read_from_its_words(kind: str, text: str) -> None:
    heard = acts.read(text, listed())
    assert heard is not None and heard.kind == kind, (text, heard)


@pytest.mark.parametrize("kind, text", [(k, t) for k, texts in ACTS.items() for t in texts if k not in ("close", "greet")])
def test_fillers_and_politeness_change_no_act(kind: str, text: str) -> None:
    bare = acts.read(text, listed())
    for lead, tail in FILLERS:
        wrapped = acts.read(lead + text + tail, listed())
        assert wrapped is not None and (wrapped.kind, wrapped.pick) == (bare.kind, bare.pick), (lead + text + tail)


@pytest.mark.parametrize("text", ["a korean thriller", "something funny with jim carrey", "a documentary about space",
                                  "who directed inception", "is there anything good on netflix", "no horror please",
                                  "no more horror", "i want a comedy", "something like stranger things",
                                  "what should we watch tonight", "play some music"])
def test_a_request_or_question_of_its_own_is_no_act(text: str) -> None:
    assert acts.read(text, listed()) is None, text


def test_no_the_third_one_redoes_the_last_act_on_that_one() -> None:
    played = listed(focus_on="p")
    played.focus = {**played.focus, "act": "choose"}
    heard = acts.read("no wait the third one", played)
    assert heard.kind == "choose" and heard.pick.title["id"] == "b"
    heard = acts.read("no i meant the second one", listed(focus_on="p"))
    assert heard.kind == "describe" and heard.pick.title["id"] == "s"
    assert acts.read("no not the second one", listed(focus_on="p")).kind == "reject"


def test_acts_that_need_a_conversation_wait_for_one() -> None:
    for text in ("any others", "not that one", "anything quicker", "no i said korean"):
        assert acts.read(text, None) is None
    assert acts.read("thanks", None).kind == "close" and acts.read("start over", None).kind == "reset"


# --- comparatives change one quality and keep the rest ---------------------------------------------
BASE = Query(kind="movie", genres=["thriller"], year_min=1990, year_max=2019, max_age=16)


@pytest.mark.parametrize("text, field, kept", [
    ("anything quicker", "runtime_max", ("kind", "genres", "year_min", "year_max")),
    ("something shorter please", "runtime_max", ("kind", "genres", "year_min", "year_max")),
    ("those are all really long", "runtime_max", ("kind", "genres", "year_min", "year_max")),
    ("a bit longer", "runtime_min", ("kind", "genres", "year_min", "year_max")),
    ("a bit older", "year_max", ("kind", "genres")),
    ("something more recent", "year_min", ("kind", "genres")),
    ("less violent", "max_age", ("kind", "genres", "year_min", "year_max")),
    ("something less intense", "max_age", ("kind", "genres", "year_min", "year_max")),
    ("better reviews", "min_rating", ("kind", "genres", "year_min", "year_max")),
    ("a bit more grown up", "min_age_min", ("kind", "genres", "year_min", "year_max")),
])
def test_a_comparative_changes_one_quality(text: str, field: str, kept: tuple[str, ...]) -> None:
    turn = Turn(BASE, [dict(r, kind="movie", min_age=16) for r in LIST], [r["id"] for r in LIST])
    q = Understanding(RuleParser()).read(text, turn).query
    assert getattr(q, field) != getattr(BASE, field), (text, q)
    for name in kept:
        assert getattr(q, name) == getattr(BASE, name), (text, name)
    runtimes, years = [132, 61, 95], [2019, 2016, 2014]
    assert q.runtime_max is None or q.runtime_max < sorted(runtimes)[1]
    assert q.runtime_min is None or q.runtime_min > sorted(runtimes)[1]
    assert q.year_max == BASE.year_max or q.year_max < sorted(years)[1]
    assert q.max_age is None or q.max_age <= BASE.max_age


def test_too_x_in_a_request_of_its_own_is_a_hedge_not_a_comparison() -> None:
    changes = compare.find("a comedy that is not too long")
    assert changes and compare.hedged(changes, "a comedy that is not too long")


# --- the whole pipeline on the real catalogue ----------------------------------------------------
@pytest.fixture(scope="module")
def assistant(catalog_path: Path, tmp_path_factory: pytest.TempPathFactory):
    """An Assistant of this module's own: its "we've seen that" turns change only its own seen list."""
    from voicerec.assistant import Assistant
    from voicerec.config import Settings

    return Assistant(Settings(catalog_path=catalog_path, state_dir=tmp_path_factory.mktemp("conversation-state")))


def run_conversation(assistant, conv: dict) -> list[str]:
    session = f"probe-{conv['id']}"
    prev = earlier = None
    fails: list[str] = []
    for turn in conv["turns"]:
        ans = json.loads(assistant.answer(turn["text"], session=session).model_dump_json())
        checks = turn.get("checks")
        if checks:
            fails += [f"{turn['text']!r}: {f}" for f in checker.check(ans, checks, prev, earlier)]
            if checks.get("same_as_fresh"):
                fresh = assistant.answer(turn["text"], session=f"{session}-fresh")
                if [r["id"] for r in ans["results"]] != [r.id for r in fresh.results]:
                    fails.append(f"{turn['text']!r}: not the same as in a fresh session")
        prev, earlier = ans, ans["results"] or earlier
    return fails


PROBES = [json.loads(x) for x in (DATA / "probe_conversations.jsonl").read_text().splitlines() if x.strip()]


@pytest.mark.parametrize("conv", PROBES, ids=[c["id"] for c in PROBES])
def test_probe_conversations(assistant, conv: dict) -> None:
    assert not run_conversation(assistant, conv)


TITLES = ["Toy Story", "Inception", "Paddington", "Stranger Things", "The Crown", "Finding Nemo", "Breaking Bad",
          "Coco", "Squid Game", "The Godfather", "Moana", "Frozen"]
QUESTIONS = ["how long is it", "who's in it", "what's it rated", "is it any good", "where's it streaming",
             "is that a movie or a show", "when did it come out", "is it scary", "is it ok for a ten year old",
             "who directed it", "where's it from", "and how long does it run", "so where can we watch it"]
INTROS = ["tell me about {}", "what is {} about", "what's {} like", "could you tell me about {}"]


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=st.sampled_from(TITLES), intro=st.sampled_from(INTROS), questions=st.lists(st.sampled_from(QUESTIONS),
                                                                                        min_size=1, max_size=3))
def test_it_after_tell_me_about_x_is_x_whatever_question_follows(assistant, title: str, intro: str,
                                                                  questions: list[str]) -> None:
    session = f"it-{title}-{intro}-{'|'.join(questions)}"
    first = assistant.answer(intro.format(title.lower()), session=session)
    assert [r.title for r in first.results] == [title]
    for text in questions:
        a = assistant.answer(text, session=session)
        assert [r.title for r in a.results] == [title], (text, a.reply)
        assert title in a.reply, (text, a.reply)


@pytest.mark.parametrize("text", ACTS["close"])
def test_a_closing_never_suggests(assistant, text: str) -> None:
    session = f"close-{text}"
    assert assistant.answer("a korean thriller", session=session).results
    a = assistant.answer(text, session=session)
    assert a.query.intent == "close" and a.results == [] and a.reply and not a.reply.startswith("Sorry")


@pytest.mark.parametrize("text", [*ACTS["choose"], "put it on", "play it", "let's watch that"])
def test_a_play_never_answers_didnt_catch(assistant, text: str) -> None:
    session = f"play-{text}"
    listed_ = assistant.answer("a korean thriller on netflix", session=session).results
    a = assistant.answer(text, session=session)
    assert a.query.intent == "choose" and "catch" not in a.reply
    if a.results:  # it names the title and where it is ...
        assert a.results[0].id in {r.id for r in listed_} and a.results[0].title in a.reply and "Netflix" in a.reply
    else:  # ... or, for "it" after a list of three, asks which, naming them
        assert all(r.title in a.reply for r in listed_)


def test_the_chosen_title_is_in_the_history(assistant) -> None:
    session = "history-choose"
    listed_ = assistant.answer("a korean thriller on netflix", session=session).results
    assistant.answer("put the second one on", session=session)
    mine = [e for e in assistant.history.entries(20) if e["session"] == session]
    assert mine[0]["chosen"] == listed_[1].title and mine[1]["chosen"] is None


def test_start_over_forgets_what_was_ruled_out(assistant) -> None:
    session = "reset-standing"
    assistant.answer("not in the mood for horror", session=session)
    assistant.answer("start over", session=session)
    assert assistant.sessions.load(session) is None
    a = assistant.answer("a scary movie", session=session)
    assert any("horror" in r.genres for r in a.results)
