"""The texts a query is ranked by: what it means (for the embedding) and its words (for keywords).

Mood and occasion words never become keywords ("something to fall asleep to" must not find
"Dead Asleep"): the parser keeps them out of `Query.mood` and files them as `Query.moods`, whose
meanings (vocab/moods.py) are embedded instead. Topics add their meaning and evidence words.
"""

from __future__ import annotations

from voicerec.types import Query
from voicerec.vocab.moods import MOOD_BY_KEY
from voicerec.vocab.topics import TOPIC_BY_KEY


def meaning_text(q: Query) -> str:
    """The text to embed for a query: its leftover words, what its topics and moods mean."""
    parts = [q.mood] if q.mood else []
    for key in q.topics:
        topic = TOPIC_BY_KEY.get(key)
        parts.append(topic.meaning if topic else f"a story about {key}")
    parts += [MOOD_BY_KEY[key].meaning for key in q.moods if key in MOOD_BY_KEY]
    return ". ".join(dict.fromkeys(parts))


def keyword_text(q: Query) -> str:
    """The words worth a full-text search: the leftover words and the topics' own words."""
    words = q.mood.split()
    for key in q.topics:
        topic = TOPIC_BY_KEY.get(key)
        words += [e for e in topic.evidence if " " not in e][:4] if topic else key.split()
    return " ".join(dict.fromkeys(words))
