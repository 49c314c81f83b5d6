"""How requests are understood, checked by rules that must hold for any wording, not by single lines.

Metamorphic: negating a genre removes it and never adds it; politeness and fillers change
nothing; spellings of one thing give one query; a hedge is a limit, not an inversion. Then each
family's mechanism on the real catalogue (people, topics, ages, compounds, nonsense).
"""

from __future__ import annotations

import re

import pytest

from voicerec.catalog.store import Catalog
from voicerec.types import Query
from voicerec.understand.names import NameMatcher
from voicerec.understand.polarity import segments
from voicerec.understand.rules import RuleParser
from voicerec.vocab.genres import GENRE_FORMS, SUBGENRES


@pytest.fixture(scope="module")
def parser(catalog_path) -> RuleParser:
    catalog = Catalog(catalog_path)
    return RuleParser(NameMatcher(catalog.conn), newest_year=catalog.newest_year)


def core(q: Query) -> dict:
    """What a query asks, without the words it kept out of title matching."""
    return q.model_dump(exclude={"quiet_words"})


# one plain spoken form per genre (the first alternative of its first pattern is often a regex)
GENRE_WORDS = {
    "comedy": "comedy", "horror": "horror", "thriller": "thriller", "drama": "drama", "romance": "romance",
    "documentary": "documentary", "scifi": "science fiction", "animation": "animated", "anime": "anime",
    "action": "action", "western": "western", "war": "war", "crime": "crime", "mystery": "mystery",
    "fantasy": "fantasy", "musical": "musical", "reality": "reality", "history": "historical", "sport": "sports",
}
NEGATIONS = ["no {g} please", "nothing {g}", "not a {g}", "anything but {g}", "i don't want {g}",
             "something that isn't {g}", "without any {g}", "skip the {g}", "{g} is a no, i mean no {g}",
             "i'm not in the mood for {g}", "except {g}", "i hate {g}"]


@pytest.mark.parametrize("genre, word", sorted(GENRE_WORDS.items()))
def test_negating_a_genre_removes_it_and_never_adds_it(parser: RuleParser, genre: str, word: str) -> None:
    wanted = parser.parse(f"a {word} please")
    target = genre if genre != "musical" else "music"
    assert target in wanted.genres + wanted.genres_all, wanted
    for pattern in NEGATIONS:
        q = parser.parse(pattern.format(g=word))
        assert target in q.exclude_genres, (pattern, q)
        assert target not in q.genres + q.genres_all + q.boost_genres, (pattern, q)
        for sub in SUBGENRES.get(target, ()):
            assert sub in q.exclude_genres


@pytest.mark.parametrize("base", [
    "a light comedy from the 2000s under two hours", "a korean thriller on netflix", "something scary",
    "a documentary about food", "a movie with keanu", "a romantic comedy series", "a show for my kids",
    "nothing with horror", "a spy movie from the nineties", "something like stranger things",
])
@pytest.mark.parametrize("wrap", [
    "could you find me {}", "um {} please", "hey {} thanks", "i'd like {}", "can you recommend {}",
    "so uh {}", "{} if you can", "please {}", "i'm looking for {}", "okay so {} i guess",
])
def test_politeness_and_fillers_change_nothing(parser: RuleParser, base: str, wrap: str) -> None:
    assert core(parser.parse(wrap.format(base))) == core(parser.parse(base))


@pytest.mark.parametrize("forms", [
    ["sci fi", "scifi", "sci-fi", "science fiction", "syfy"],
    ["rom com", "romcom", "rom-com", "romantic comedy"],
    ["documentary", "docu mentary", "doc"],
    ["the 90s", "the nineties", "the 1990s", "the '90s", "nineteen nineties"],
    ["under 2 hours", "under two hours", "less than 120 minutes", "under 2 hrs"],
    ["disney plus", "disney+", "disney"],
    ["hbo max", "hbo", "h b o max"],
])
def test_spellings_of_one_thing_give_one_query(parser: RuleParser, forms: list[str]) -> None:
    queries = [core(parser.parse(f"a movie {f}" if "hour" in f or "90" in f or "ninet" in f else f"a {f} movie"))
               for f in forms]
    assert all(q == queries[0] for q in queries), list(zip(forms, queries, strict=True))


@pytest.mark.parametrize("text, field, bound", [
    ("a comedy that isn't too long", "runtime_max", (100, 130)),
    ("nothing too long please", "runtime_max", (100, 130)),
    ("a film that's not very long", "runtime_max", (100, 130)),
])
def test_a_hedge_on_length_is_a_ceiling_not_an_inversion(parser: RuleParser, text: str, field: str, bound) -> None:
    q = parser.parse(text)
    assert bound[0] <= getattr(q, field) <= bound[1], q
    assert q.runtime_min is None


def test_a_hedged_mood_allows_its_genre_but_prefers_milder(parser: RuleParser) -> None:
    q = parser.parse("something not too scary")
    assert "horror" not in q.exclude_genres and "horror" in q.avoid_genres
    assert q.soft_max_age is not None
    assert "horror" in parser.parse("nothing scary").exclude_genres


@pytest.mark.parametrize("text", ["nothing too heavy tonight", "a mystery that's not too dark",
                                  "something not too grim", "a drama, nothing too dark"])
def test_a_hedge_on_something_grim_keeps_away_from_the_grimmest(parser: RuleParser, text: str) -> None:
    q = parser.parse(text)
    assert {"horror", "war"} <= set(q.avoid_genres) and not q.exclude_genres, q


@pytest.mark.parametrize("text, both", [
    ("something scary and funny", {"horror", "comedy"}), ("a scary comedy", {"horror", "comedy"}),
    ("a funny and scary movie", {"horror", "comedy"}), ("a sad comedy", {"drama", "comedy"}),
    ("a documentary that will make me laugh", {"comedy", "documentary"}),
])
def test_a_genre_mood_beside_a_genre_is_a_compound(parser: RuleParser, text: str, both: set) -> None:
    q = parser.parse(text)
    assert set(q.genres_all) == both and not q.genres, q


@pytest.mark.parametrize("text, genres", [("a scary movie", {"horror", "thriller"}), ("something funny", {"comedy"})])
def test_a_genre_mood_alone_stands_for_its_genres(parser: RuleParser, text: str, genres: set) -> None:
    q = parser.parse(text)
    assert set(q.genres) == genres and not q.genres_all, q


@pytest.mark.parametrize("text, segs", [
    ("a crime series that isn't about drugs", [("+", "crime series"), ("-", "drugs")]),
    ("a movie about dinosaurs but not for kids", [("+", "dinosaurs"), ("-", "kids")]),
    ("no horror, something funny", [("-", "horror"), ("+", "funny")]),
    ("not more than 90 minutes", [("+", "90 minutes")]),
    ("something without swearing for the kids", [("-", "swearing"), ("+", "kids")]),
    ("not a series, a movie", [("-", "series"), ("+", "movie")]),
    ("i'd rather not watch anything violent", [("-", "violent")]),
])
def test_negation_scope_ends_at_its_constituent(text: str, segs: list) -> None:
    got = segments(text)
    for polarity, words in segs:
        assert any(s.polarity == polarity and words in s.text for s in got), got


@pytest.mark.parametrize("text, every, anyof", [
    ("a romantic comedy series", ["romance", "comedy"], []),
    ("a science fiction comedy", ["scifi", "comedy"], []),
    ("a horror comedy film", ["horror", "comedy"], []),
    ("an action and comedy movie", ["action", "comedy"], []),
    ("a crime drama", ["crime", "drama"], []),
    ("a western or a war movie", [], ["western", "war"]),
    ("a fantasy or sci fi series", [], ["fantasy", "scifi"]),
    ("a thriller", [], ["thriller"]),
])
def test_genres_compose(parser: RuleParser, text: str, every: list[str], anyof: list[str]) -> None:
    q = parser.parse(text)
    assert sorted(q.genres_all) == sorted(every) and sorted(q.genres) == sorted(anyof), q


@pytest.mark.parametrize("text, person", [
    ("a film with the rock", "Dwayne Johnson"), ("something with keanu", "Keanu Reeves"),
    ("a kubrick film", "Stanley Kubrick"), ("a spielberg movie", "Steven Spielberg"),
    ("something starring denzel", "Denzel Washington"), ("a tarantino movie", "Quentin Tarantino"),
    ("a movie directed by christopher nolan", "Christopher Nolan"), ("daniel day lewis films", "Daniel Day-Lewis"),
])
def test_people_by_surname_first_name_alias_and_role(parser: RuleParser, text: str, person: str) -> None:
    q = parser.parse(text)
    assert q.people + q.directors == [person] and not q.mood, q
    assert (q.directors == [person]) == ("directed by" in text)  # the role, when it is said


def test_either_person(parser: RuleParser) -> None:
    q = parser.parse("something with tom hanks or meg ryan")
    assert sorted(q.people_any) == ["Meg Ryan", "Tom Hanks"] and not q.people


@pytest.mark.parametrize("text", ["a movie with a rock band", "something with will power", "a show about a king",
                                  "a film about stone age people", "a love story"])
def test_a_common_word_is_not_a_person(parser: RuleParser, text: str) -> None:
    assert parser.parse(text).people == []


@pytest.mark.parametrize("text, age", [
    ("a film for my grandson who is five", 5), ("something for my daughter, she is six", 6),
    ("something for my nephew, he's eight", 8), ("a movie for my 10 year old", 10),
    ("my kids are 4 and 9, what can we watch", 4), ("a cartoon for a toddler", 0),
    ("something for my son", 7), ("a show for teenagers", 13),
    ("something for the twins, they are in first grade", 7), ("a show for my daughter, she's in year 4", 9),
    ("he's in second grade, a cartoon for him", 8), ("my granddaughter is in kindergarten, a movie for her", 5),
])
def test_the_youngest_age_is_the_ceiling(parser: RuleParser, text: str, age: int) -> None:
    q = parser.parse(text)
    assert q.max_age == age, q
    assert not {"she", "he", "she's", "he's", "grandson", "daughter", "son", "kids", "grade", "year"} & set(q.mood.split())


@pytest.mark.parametrize("text", ["a movie set in high school", "a film about a teacher in first grade",
                                  "a comedy from the year 2000", "a series about kindergarten teachers"])
def test_a_school_said_of_nobody_is_no_age(parser: RuleParser, text: str) -> None:
    assert parser.parse(text).max_age is None


def test_not_for_kids_sets_no_ceiling(parser: RuleParser) -> None:
    q = parser.parse("a movie about dinosaurs but not for kids")
    assert q.max_age is None and "kids" in q.exclude_genres and q.topics == ["dinosaurs"]


@pytest.mark.parametrize("text, topic", [
    ("a show with dragons", "dragons"), ("a movie about a bank robbery", "heists"), ("a spy movie", "spies"),
    ("something about time travel", "time travel"), ("a zombie film", "zombies"), ("a superhero movie", "superheroes"),
])
def test_topics_are_constraints(parser: RuleParser, text: str, topic: str) -> None:
    assert topic in parser.parse(text).topics


@pytest.mark.parametrize("text", ["zxqv plorp", "grobble fenwick tarpa", "blorft snee wuggle"])
def test_gibberish_is_not_a_request(parser: RuleParser, text: str) -> None:
    assert parser.parse(text).intent in ("empty", "out_of_domain")


@pytest.mark.parametrize("text", ["call my mom", "turn off the kitchen lights", "set a timer for ten minutes",
                                  "what's the weather tomorrow", "tell me a joke", "how are you", "thank you",
                                  "play some music", "can you recommend a podcast", "play me a song"])
def test_other_assistants_jobs_are_out_of_domain(parser: RuleParser, text: str) -> None:
    assert parser.parse(text).intent == "out_of_domain"


@pytest.mark.parametrize("text, sort", [
    ("surprise me", "surprise"), ("what's trending", "trending"), ("what's popular right now", "trending"),
    ("the most popular comedies", "popularity"),
    ("any hidden gems", "hidden"), ("the best comedies of 2019", "rating"), ("what's new", "newest"),
])
def test_requests_about_the_collection(parser: RuleParser, text: str, sort: str) -> None:
    q = parser.parse(text)
    assert q.sort == sort and "surprise" not in q.mood and not q.topics


def test_mood_words_never_match_titles(parser: RuleParser) -> None:
    q = parser.parse("something to fall asleep to")
    assert {"fall", "asleep", "sleep"} <= set(q.quiet_words) and not q.mood


OCCASIONS = ["something uplifting after a funeral", "a movie for a cozy night in with hot chocolate",
             "something funny for a long car ride", "a feel good movie for when my sister visits",
             "something scary for a slumber party", "a relaxing show for a snowy evening by the fire",
             "something exciting for the train home", "a heartwarming film for a quiet night at the cabin"]


@pytest.mark.parametrize("text", OCCASIONS)
def test_the_occasion_of_a_mood_never_picks_titles_by_their_words(assistant, text: str) -> None:
    """A mood request's other words say when and with whom; no result is there for sharing one."""
    from voicerec.text import norm

    answer = assistant.answer(text)
    said = {w for w in norm(text).split() if len(w) >= 4}
    assert answer.query.moods and answer.results, answer.query
    for r in answer.results:
        title = set(norm(r.title).split())
        assert not {w for w in said for t in title if t == w or (t.startswith(w[:5]) and len(w) >= 5)}, r.title


def test_each_genre_form_is_found(parser: RuleParser) -> None:
    """Every genre the vocabulary knows is reachable by some spoken form."""
    reachable = {g for _, genres in GENRE_FORMS for g in genres}
    assert reachable >= set(GENRE_WORDS) - {"musical"} | {"music", "standup", "kids", "family"}


@pytest.mark.parametrize("text, services, runtime_max", [
    ("a thriller on max", ["hbo"], None), ("what's good on max", ["hbo"], None),
    ("a comedy, max two hours", [], 120), ("something 90 minutes max", [], 90),
    ("a movie on max under 90 minutes", ["hbo"], 90),
])
def test_max_is_the_service_only_where_a_service_is_said(parser: RuleParser, text: str, services, runtime_max) -> None:
    q = parser.parse(text)
    assert (q.services, q.runtime_max) == (services, runtime_max), q


@pytest.mark.parametrize("text, bound", [("a half hour show", 35), ("a 90 minute film", 100), ("a 2 hour movie", 130)])
def test_a_bare_length_allows_a_little_over(parser: RuleParser, text: str, bound: int) -> None:
    assert parser.parse(text).runtime_max == bound


@pytest.mark.parametrize("text, mood", [
    ("a film for when my in laws are over", "parents"), ("something my dad would like", "parents"),
    ("a movie for my mum and me", "parents"), ("a good date movie", "date night"),
    ("something my girlfriend would enjoy", "date night"), ("a girls night movie", "girls night"),
    ("a film for boys night", "friends"), ("something to watch with a few mates", "friends"),
])
def test_who_is_watching_is_an_occasion_however_it_is_said(parser: RuleParser, text: str, mood: str) -> None:
    q = parser.parse(text)
    assert mood in q.moods
    assert not q.topics and not q.people  # nobody is searched for by name or as a subject


@pytest.mark.parametrize("text", ["a girls night movie", "a movie for boys night out", "ladies night film"])
def test_a_night_with_the_girls_or_boys_is_no_childs_age(parser: RuleParser, text: str) -> None:
    q = parser.parse(text)
    assert q.max_age is None and "kids" not in q.boost_genres


@pytest.mark.parametrize("text, mood, subject", [
    ("a documentary to have on while i'm painting", "background", "art"),
    ("i want my heart racing", "thrill", "racing"),
    ("a movie night with the whole gang", "friends", "mafia"),
    ("something to watch while we eat", "background", None),
])
def test_an_occasion_clause_is_never_a_subject(parser: RuleParser, text: str, mood: str, subject: str | None) -> None:
    q = parser.parse(text)
    assert mood in q.moods
    assert subject not in q.topics


@pytest.mark.parametrize("text, subject", [("a documentary about painting", "art"), ("a film about car racing", "racing"),
                                           ("a gang movie", "mafia")])
def test_the_same_words_as_a_subject_still_are_one(parser: RuleParser, text: str, subject: str) -> None:
    assert subject in parser.parse(text).topics


def test_a_word_of_degree_is_no_subject(parser: RuleParser) -> None:
    assert parser.parse("a film with a big twist at the end").topics == []
    assert parser.parse("a movie with a big dog").topics  # the dog still is one


@pytest.mark.parametrize("text, mood", [
    ("work was awful today, i need something to take my mind off it", "bad day"),
    ("my week has been so stressful", "bad day"), ("we're having some friends over tonight", "friends"),
    ("something romantic for our anniversary", "date night"), ("a film about beating the odds", "inspiring"),
    ("something with lots of explosions", "action"), ("something kind hearted", "feel good"),
])
def test_a_mood_said_as_a_sentence(parser: RuleParser, text: str, mood: str) -> None:
    q = parser.parse(text)
    assert mood in q.moods
    said = {w for w in re.findall(r"[a-z]+", text) if len(w) > 3} - {"something", "film", "tonight"}
    assert not set(q.topics) & said and not q.people  # none of its words searched as a subject


def test_every_phrase_of_a_mood_is_quiet(parser: RuleParser) -> None:
    q = parser.parse("something with loads of explosions and big stunts")
    assert {"explosions", "stunts"} <= set(q.quiet_words)


def test_a_negated_subject_is_a_subject_even_where_a_title_has_its_name(parser: RuleParser) -> None:
    q = parser.parse("a thriller but nothing with serial killers")
    assert q.exclude_topics and not q.exclude_ids


@pytest.mark.parametrize("text", ["a spy thriller that isn't james bond", "a spy movie but no james bond"])
def test_negating_part_of_a_wanted_subject_rules_out_only_that_part(parser: RuleParser, text: str) -> None:
    q = parser.parse(text)
    assert "spies" in q.topics and "spies" not in q.exclude_topics
    assert q.exclude_topics == ["james bond"]


def test_in_english_is_the_language_not_england(parser: RuleParser) -> None:
    assert {"US", "GB"} <= set(parser.parse("something in english please").countries)
    assert parser.parse("an english comedy").countries == ["GB"]


@pytest.mark.parametrize("text", ["a movie that won an oscar", "something that won lots of awards", "an emmy winning show"])
def test_awards_ask_for_the_best_not_for_a_word(parser: RuleParser, text: str) -> None:
    q = parser.parse(text)
    assert q.sort == "rating" and not q.topics and "oscar" not in q.mood


@pytest.mark.parametrize("text", ["a scary movie that isn't a slasher", "a horror film but no slashers"])
def test_negating_a_kind_of_a_genre_keeps_the_genre(parser: RuleParser, text: str) -> None:
    q = parser.parse(text)
    assert "horror" in q.genres and "horror" not in q.exclude_genres and q.exclude_topics


def test_a_contraction_is_no_subject(parser: RuleParser) -> None:
    assert parser.parse("a movie about a dog that doesn't die").topics == ["dogs"]


def test_a_one_word_title_is_ruled_out_beside_its_star(parser: RuleParser) -> None:
    q = parser.parse("anything with jennifer aniston but not friends")
    assert q.people == ["Jennifer Aniston"] and len(q.exclude_ids) == 1
    assert parser.parse("anything but friends").exclude_ids == []  # alone, a word is not a title


def test_a_black_comedy_is_a_dark_one_not_a_word(parser: RuleParser) -> None:
    q = parser.parse("a black comedy")
    assert "comedy" in q.genres and "dark" in q.moods and "black" in q.quiet_words


@pytest.mark.parametrize("text, word", [("a film about a school", "school"), ("a movie about a boxing match", "boxing")])
def test_words_that_frame_a_mood_still_say_what_a_film_is_about(parser: RuleParser, text: str, word: str) -> None:
    q = parser.parse(text)
    assert word in q.mood or q.topics


@pytest.mark.parametrize("text, genres", [("a music documentary", {"music", "documentary"}), ("a scify film", {"scifi"})])
def test_a_genre_said_for_something_to_watch_is_still_one(parser: RuleParser, text: str, genres: set) -> None:
    q = parser.parse(text)
    assert q.intent == "recommend" and genres <= set(q.genres) | set(q.genres_all)


def test_boredom_is_a_mood_not_a_title_word(parser: RuleParser) -> None:
    q = parser.parse("i'm bored")
    assert q.moods and "bored" in q.quiet_words


@pytest.mark.parametrize("text, kind", [("not a series, a movie", "movie"), ("not a movie", "show"),
                                        ("a film that is not a series", "movie")])
def test_a_negated_kind_is_the_other_kind(parser: RuleParser, text: str, kind: str) -> None:
    assert parser.parse(text).kind == kind


def test_who_it_is_for_is_outside_what_is_ruled_out(parser: RuleParser) -> None:
    q = parser.parse("something without swearing for the kids")
    assert q.max_age is not None and q.max_age <= 7 and "kids" not in q.exclude_genres


@pytest.mark.parametrize("text, year_min, year_max", [("something not from the eighties", 1990, None),
                                                      ("a comedy but nothing from the 2010s", None, 2009)])
def test_a_negated_era_is_the_side_of_it_people_mean(parser: RuleParser, text: str, year_min, year_max) -> None:
    q = parser.parse(text)
    assert (q.year_min, q.year_max) == (year_min, year_max)
