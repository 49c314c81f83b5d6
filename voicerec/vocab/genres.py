"""The canonical genres (CONTRACT.md), how people say them, and how a reply names them."""

from __future__ import annotations

import re

GENRES: tuple[str, ...] = (
    "action", "adventure", "animation", "anime", "comedy", "crime", "documentary", "drama",
    "family", "fantasy", "history", "horror", "kids", "music", "mystery", "reality", "romance",
    "scifi", "sport", "standup", "thriller", "war", "western",
)

# Spoken forms (regular expressions over lower-case words, numbers as digits) → the genres they
# name. A form naming several genres is a compound: all of them ("rom com" is romance AND comedy).
# Longer forms come first where one contains another. Subject matter ("zombies", "heists",
# "superheroes") is not a genre: it is a topic (topics.py), with evidence in the description.
GENRE_FORMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"rom[\s-]?coms?|romantic[\s-]comed(?:y|ies)|romcoms?", ("romance", "comedy")),
    (r"dramed(?:y|ies)|comedy[\s-]dramas?|comedic dramas?", ("comedy", "drama")),
    (r"stand[\s-]?up(?: comedy| comedians?| specials?| sets?)?|comedy specials?|comedians?", ("standup",)),
    (r"science[\s-]?fiction|sci[\s-]?f[iy]|scify|syfy|skiffy|space operas?", ("scifi",)),
    (r"docu[\s-]?series|docu[\s-]?mentar(?:y|ies)|docs?|documentaries", ("documentary",)),
    (r"animes?|japanese animation", ("anime",)),
    (r"animated|animation|cartoons?|toons?", ("animation",)),
    (r"comed(?:y|ies)|comedic|funny|funniest|hilarious|humou?r(?:ous)?|sitcoms?|laughs?", ("comedy",)),
    (r"horror|horrors|slashers?|scary movies?|frights?", ("horror",)),
    (r"thrillers?|suspense(?:ful)?", ("thriller",)),
    (r"crime|criminal", ("crime",)),
    (r"myster(?:y|ies)|who[\s-]?dunn?its?|detective stor(?:y|ies)", ("mystery",)),
    (r"action(?:[\s-]packed)?", ("action",)),
    (r"adventures?|adventurous", ("adventure",)),
    (r"dramas?|dramatic|melodramas?|melodramatic", ("drama",)),
    (r"fantasy|fantasies|fantastical", ("fantasy",)),
    (r"historical|history|period (?:pieces?|dramas?)|costume dramas?", ("history",)),
    (r"musicals?|music|concerts?", ("music",)),
    (r"reality(?: tv| shows?| television)?", ("reality",)),
    (r"romance|romances|romantic|love stor(?:y|ies)", ("romance",)),
    (r"sports?|sporty", ("sport",)),
    (r"war|wartime|military", ("war",)),
    (r"westerns?|cowboys?", ("western",)),
    (r"family[\s-]friendly|family (?:movies?|films?|shows?)", ("family",)),
    (r"kids'? (?:movies?|films?|shows?)|children'?s (?:movies?|films?|shows?)", ("kids",)),
)
GENRE_RES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = tuple(
    (re.compile(rf"\b(?:{p})\b"), g) for p, g in GENRE_FORMS)

# how a reply says a genre before a noun ("a science fiction film") and on its own, in the plural
MODIFIER: dict[str, str] = {
    "action": "action", "adventure": "adventure", "animation": "animated", "anime": "anime",
    "comedy": "comedy", "crime": "crime", "documentary": "documentary", "drama": "drama",
    "family": "family", "fantasy": "fantasy", "history": "historical", "horror": "horror",
    "kids": "kids'", "music": "music", "mystery": "mystery", "reality": "reality", "romance": "romance",
    "scifi": "science fiction", "sport": "sports", "standup": "stand-up", "thriller": "thriller",
    "war": "war", "western": "western",
}
# as the first of a compound ("romantic comedies", "sci-fi thrillers")
COMPOUND_MODIFIER: dict[str, str] = {**MODIFIER, "romance": "romantic", "scifi": "sci-fi", "comedy": "comic",
                                     "drama": "dramatic", "crime": "crime", "music": "musical"}
# genres that read as a noun on their own ("a comedy"); the others need "film" or "series"
STANDALONE: frozenset[str] = frozenset({"comedy", "documentary", "drama", "thriller", "western", "romance", "mystery"})
PLURAL: dict[str, str] = {
    "comedy": "comedies", "documentary": "documentaries", "drama": "dramas", "thriller": "thrillers",
    "western": "westerns", "romance": "romances", "mystery": "mysteries",
}
# ruling out a genre rules out its narrower forms ("nothing animated" is no anime either)
SUBGENRES: dict[str, tuple[str, ...]] = {"animation": ("anime",), "comedy": ("standup",), "kids": ()}
# genres a title carries beside its main one that say little about it
SECONDARY: frozenset[str] = frozenset({"kids", "family"})


def genres_in(text: str) -> list[str]:
    """Every canonical genre a free phrase names ("sci fi", "Comedies", "rom-com"), in order."""
    t = " ".join(re.sub(r"[^a-z0-9'\s-]", " ", str(text).lower()).split())
    if t in GENRES:
        return [t]
    found: list[str] = []
    for rx, genres in GENRE_RES:
        if rx.search(t):
            found += [g for g in genres if g not in found]
    return found
