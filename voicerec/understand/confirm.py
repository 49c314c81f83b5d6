"""An answer to an ask-back ("Did you mean an anime film?"): yes, no, or the request said again.

    reply_to_ask_back("yeah")                   → ("yes", "")
    reply_to_ask_back("no")                     → ("no", "")
    reply_to_ask_back("no, a horror movie")     → ("again", "a horror movie")
    reply_to_ask_back("a horror movie please")  → ("again", "a horror movie please")
"""

from __future__ import annotations

from typing import Literal

from voicerec.text import norm
from voicerec.vocab.words import NO_WORDS, YES_WORDS

Confirmation = Literal["yes", "no", "again"]
_FILLER = ("please", "thanks", "thank you", "i did", "i do", "that s what i said", "that is what i said", "it is", "that is",
           "that s", "thing")


_YES = sorted({norm(w) for w in YES_WORDS}, key=len, reverse=True)
_NO = sorted({norm(w) for w in NO_WORDS}, key=len, reverse=True)


def _only(words: str, phrases: list[str]) -> bool:
    """Whether `words` is nothing but these phrases (and politeness)."""
    rest = f" {words} "
    for p in [*phrases, *_FILLER]:
        rest = rest.replace(f" {p} ", " ").replace(f" {p} ", " ")
    return bool(words) and not rest.strip()


def reply_to_ask_back(text: str) -> tuple[Confirmation, str]:
    """What the words answer to "Did you mean ...?", and the request in them when said again. A
    request after "no" counts as said again only when a pause (a comma) follows the "no": "no horror
    please" is a request of its own."""
    words = norm(text)
    if _only(words, _YES):
        return "yes", ""
    if _only(words, _NO):
        return "no", ""
    head, sep, rest = text.partition(",")
    if sep and _only(norm(head), _NO) and norm(rest):
        return "again", rest.strip(" ,.!")
    return "again", text
