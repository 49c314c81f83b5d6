"""The short question back when the hearing was unsure: "Did you mean an anime film?"

Asked instead of three confident suggestions for what may be a mishearing. The question says what
the guess would look for, in the words a reply uses for it, so "yes" has something to confirm; a
guess that looks for nothing gets "say it again" instead.
"""

from __future__ import annotations

from voicerec.say.phrases import article
from voicerec.say.reply import describe_query
from voicerec.types import Query
from voicerec.vocab.genres import MODIFIER
from voicerec.vocab.moods import MOOD_BY_KEY

SAY_AGAIN = "Sorry, I didn't quite catch that. Could you say it again?"
NOT_THAT = "Sorry about that. What would you like to watch?"


def question(q: Query) -> str | None:
    """'Did you mean ...?' for a guess that looks for something; None when there is nothing to confirm."""
    if q.intent == "question" and q.title:
        return f"Did you ask about {q.title}?"
    if q.intent != "recommend":
        return None
    phrase = describe_query(q, 1)
    moods = [MOOD_BY_KEY[k].key.replace("_", " ") for k in q.moods[:1] if k in MOOD_BY_KEY]
    if phrase.startswith("pick"):
        rest = phrase[len("pick"):].strip()
        if not rest and not moods and q.exclude_genres:  # "nothing scary", "not a comedy"
            return f"Did you mean something that isn't {article(MODIFIER[q.exclude_genres[0]])} {MODIFIER[q.exclude_genres[0]]}?"
        if not rest and not moods:
            return None
        phrase = " ".join(["something", *moods, rest]).strip()
        return f"Did you mean {phrase}?"
    if moods:
        phrase = f"{moods[0]} {phrase}"
    return f"Did you mean {article(phrase)} {phrase}?"
