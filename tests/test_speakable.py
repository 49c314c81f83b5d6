"""speakable(): titles, years, runtimes and ratings rewritten so Piper reads them naturally."""

from __future__ import annotations

import pytest

from voicerec.say.speakable import decade_words, number_words, speakable, year_words

CASES = [
    # symbols in titles
    ("Fast & Furious", "Fast and Furious"),
    ("Mr. & Mrs. Smith", "Mister and Missus Smith"),
    ("Mission: Impossible", "Mission, Impossible"),
    ("Rocky II, a drama", "Rocky two, a drama"),
    ("The Godfather Part III", "The Godfather Part three"),
    ("Star Wars: Episode IV", "Star Wars, Episode four"),
    ("Star Wars: Episode V", "Star Wars, Episode five"),
    ("Star Wars: Episode I", "Star Wars, Episode one"),
    ("Saving Private Ryan is about World War II.", "Saving Private Ryan is about World War two."),
    ("Then I saw it, and I liked it.", "Then I saw it, and I liked it."),
    ("Malcolm X", "Malcolm X"),
    ("Kill Bill: Vol. 2", "Kill Bill, Volume 2"),
    ("Guardians of the Galaxy Vol. 3", "Guardians of the Galaxy Volume 3"),
    ("S.W.A.T. is on Netflix.", "SWAT is on Netflix."),
    ("First, S.W.A.T.", "First, SWAT."),
    ("Harry Potter Pt. 2", "Harry Potter Part 2"),
    ("Pt. 1", "Part 1"),
    ("#1 Cheerleader Camp", "number one Cheerleader Camp"),
    ("Two and a Half Men", "Two and a Half Men"),
    ("2½ Men", "2 and a half Men"),
    ("Batman — The Movie", "Batman, The Movie"),
    ("Airplane!, a comedy.", "Airplane, a comedy."),
    ("What's Up, Doc? is a comedy.", "What's Up, Doc is a comedy."),
    ("Dr. Strangelove", "Doctor Strangelove"),
    ("WALL·E", "WALL E"),
    ("Tick, Tick... Boom!", "Tick, Tick, Boom!"),
    ("Apple TV+ and Disney+", "Apple TV+ and Disney+"),
    ("Alien vs. Predator", "Alien versus Predator"),
    ("St. Elmo's Fire", "Saint Elmo's Fire"),
    ("Pokémon™", "Pokémon"),
    # years, decades, ranges
    ("a comedy from 1999.", "a comedy from nineteen ninety-nine."),
    ("from 2004, on Netflix", "from two thousand four, on Netflix"),
    ("from 2016", "from twenty sixteen"),
    ("from 1905", "from nineteen oh five"),
    ("light comedies from the 2000s", "light comedies from the two thousands"),
    ("thrillers from the 1990s", "thrillers from the nineteen nineties"),
    ("the '90s", "the nineties"),
    ("the 80's", "the eighties"),
    ("the 70s", "the seventies"),
    ("the 2010s", "the twenty tens"),
    ("ran 1999–2004", "ran nineteen ninety-nine to two thousand four"),
    ("ran 1999-2004", "ran nineteen ninety-nine to two thousand four"),
    ("costs $1999", "costs $1999"),
    ("at 12:30", "at 12,30".replace(",", ":")),
    # runtimes
    ("a 97-minute comedy", "a 97-minute comedy"),
    ("1h 30m", "1 hour 30 minutes"),
    ("2h 5m long", "2 hours 5 minutes long"),
    ("runs 2h.", "runs 2 hours."),
    ("97 min", "97 minutes"),
    ("45 mins", "45 minutes"),
    ("a $5m budget", "a $5m budget"),  # a bare m is not minutes
    # ratings are read letter by letter already
    ("rated TV-MA", "rated TV-MA"),
    ("rated PG-13", "rated PG-13"),
]


@pytest.mark.parametrize(("text", "spoken"), CASES)
def test_speakable(text: str, spoken: str) -> None:
    assert speakable(text) == spoken


@pytest.mark.parametrize(
    ("n", "words"),
    [(0, "zero"), (7, "seven"), (19, "nineteen"), (20, "twenty"), (97, "ninety-seven"),
     (100, "one hundred"), (342, "three hundred forty-two"), (2004, "two thousand four")],
)
def test_number_words(n: int, words: str) -> None:
    assert number_words(n) == words


@pytest.mark.parametrize(
    ("year", "words"),
    [(1999, "nineteen ninety-nine"), (1900, "nineteen hundred"), (2000, "two thousand"),
     (2009, "two thousand nine"), (2010, "twenty ten"), (2024, "twenty twenty-four"), (1908, "nineteen oh eight")],
)
def test_year_words(year: int, words: str) -> None:
    assert year_words(year) == words


@pytest.mark.parametrize(
    ("decade", "words"),
    [(1990, "nineteen nineties"), (2000, "two thousands"), (2010, "twenty tens"), (1900, "nineteen hundreds"),
     (80, "eighties"), (10, "tens")],
)
def test_decade_words(decade: int, words: str) -> None:
    assert decade_words(decade) == words


def test_whole_reply_keeps_sentences() -> None:
    reply = ("Here are three light comedies from the 2000s under two hours. "
             "First, Mean Girls, a 97-minute comedy from 2004, on Netflix. Want something shorter?")
    assert speakable(reply) == (
        "Here are three light comedies from the two thousands under two hours. "
        "First, Mean Girls, a 97-minute comedy from two thousand four, on Netflix. Want something shorter?"
    )
