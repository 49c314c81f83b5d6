"""The household through the one pipeline: its services, its age ceiling, what it has seen, what it
is not in the mood for. Real catalogue, real state files."""

from __future__ import annotations

import json

import pytest

from voicerec.assistant import Assistant


@pytest.fixture
def home(settings):
    def make(**changes) -> Assistant:
        return Assistant(settings.model_copy(update=changes))
    return make


def test_a_seen_title_never_comes_back(home) -> None:
    a = home()
    first = a.answer("a family movie for tonight", session="s")
    second_title = first.results[1]
    after = a.answer("we've already seen the second one", session="s")
    assert second_title.title in after.reply and after.results
    assert second_title.id not in {r.id for r in after.results}
    assert second_title.id in a.seen.ids()
    for text in ("a family movie for tonight", "something like " + first.results[0].title, "a family comedy"):
        assert second_title.id not in {r.id for r in a.answer(text).results}


def test_my_services_are_respected(home) -> None:
    a = home(my_services=["disney", "hulu"])
    for text in ("a comedy", "something scary", "a korean thriller", "a documentary about space"):
        answer = a.answer(text)
        assert answer.results and all({"disney", "hulu"} & set(r.services) for r in answer.results), text
    other = a.answer("a comedy on netflix")
    assert other.results and all("netflix" in r.services for r in other.results)
    assert "not one of your services" in other.reply


def test_the_household_age_ceiling_is_not_lifted_by_voice(home) -> None:
    a = home(max_age=7)
    for text in ("a horror film for adults", "an r rated thriller", "a movie for a 16 year old", "something dark"):
        answer = a.answer(text)
        assert all(r.min_age is not None and r.min_age <= 7 for r in answer.results), text


def test_not_in_the_mood_for_lasts_the_conversation(home) -> None:
    a = home()
    first = a.answer("i'm not in the mood for horror, something exciting", session="m")
    assert first.results and not any("horror" in r.genres for r in first.results)
    later = a.answer("a movie from the eighties", session="m")
    assert later.results and not any("horror" in r.genres for r in later.results)
    elsewhere = a.answer("a scary movie from the eighties", session="other")
    assert any("horror" in r.genres for r in elsewhere.results)


def test_the_seen_list_from_the_command_line(tmp_path, catalog_path) -> None:
    """`voicerec seen add|list|remove|clear`, and `history --clear` keeping or clearing it."""
    from test_ask import run_cli

    state = tmp_path / "state"
    env = {"VOICEREC_CATALOG_PATH": str(catalog_path)}

    def cli(*args: str):
        return run_cli(*args, env=env, state=state)

    added = cli("seen", "add", "inseption")  # as typed, misspelt
    assert added.returncode == 0 and "Inception (2010)" in added.stdout
    assert cli("seen", "add", "zzqx plorv").returncode == 1
    listed = json.loads(cli("seen", "list", "--json").stdout)
    assert [e["title"] for e in listed] == ["Inception"]
    asked = json.loads(cli("ask", "--json", "--", "a christopher nolan film").stdout)
    assert asked["results"] and "Inception" not in [r["title"] for r in asked["results"]]
    kept = cli("history", "--clear")  # not a terminal: the seen list is kept, and it says so
    assert kept.returncode == 0 and "seen list is kept" in kept.stderr
    assert json.loads(cli("seen", "list", "--json").stdout)
    assert cli("seen", "remove", "the matrix").returncode == 1
    assert cli("seen", "remove", "INCEPTION").returncode == 0
    assert json.loads(cli("seen", "list", "--json").stdout) == []
    cli("seen", "add", "the dark knight")
    cleared = cli("history", "--clear", "--seen")
    assert cleared.returncode == 0 and "1 titles from the seen list" in cleared.stdout
    assert json.loads(cli("seen", "list", "--json").stdout) == []
    assert "voicerec seen clear" in cli("privacy").stdout


def test_titles_that_left_the_services_fill_up_and_are_said_to(home) -> None:
    """Rather than one title or none: those only older listings have, said as no longer streaming."""
    a = home()
    answer = a.answer("a western with clint eastwood")
    streaming = [r for r in answer.results if r.services]
    gone = [r for r in answer.results if not r.services]
    assert len(answer.results) == 3 and gone, answer.results
    assert answer.results[: len(streaming)] == streaming  # what streams now comes first
    assert "no longer streaming" in answer.reply
    assert all("western" in r.genres and "Clint Eastwood" in r.cast + r.directors for r in answer.results)
    full = a.answer("a comedy")  # enough streams now: nothing that left is suggested
    assert all(r.services for r in full.results) and "no longer" not in full.reply
