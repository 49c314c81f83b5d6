"""Acts on the conversation: what a turn does to the last answer, decided before any parsing of a request.

    read(text, turn, titles)  ─► Heard (the act, the title it points at, the words left) or None

    close     "thanks", "perfect", "that's the one", "never mind"       (a whole turn of closing words)
    help      "what can you do"
    reset     "forget that", "start over", "new idea" (+ a request of its own, read afresh)
    choose    "put it on", "play the second one", "let's watch the Korean one", "play Moana"
    seen      "we've seen that", "watched the first one already"
    describe  "tell me about the Korean one", "what about the show"
    reject    "not that one", "nah", "none of those" (+ what they want instead)
    more      "any others", "what else", "show me more" (+ a refinement: "anything else on Netflix")
    correct   "no, I said Korean", "I meant the seventies", "sorry, a series"
    compare   "anything quicker", "something less intense", "those are all really long"

An act is recognised by its cue and its object, each read by its own small grammar: a cue at the
start (after acknowledgements such as "ok", "hmm", "sounds good"), and an object that is a reference
(understand/focus.py), a title's name, or the words of a request. Everything but close, help, reset
and naming a title to play needs a conversation to act on. conversation.py turns a Heard into the Query.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from voicerec.state.sessions import Turn
from voicerec.types import ActKind, Query
from voicerec.understand import compare, focus, questions
from voicerec.understand.compare import Change
from voicerec.understand.focus import Pick, Ref
from voicerec.vocab.talk import (
    ACK,
    CHOOSE_AROUND,
    CHOOSE_BEFORE,
    CHOOSE_LEAD,
    CLOSING_CORE,
    CLOSINGS,
    CORRECT,
    CORRECT_LEAD,
    GREETINGS,
    HELP,
    MORE,
    NO,
    REJECT,
    RESET,
    SEEN_TAIL,
    SEEN_VERB,
    SEEN_WHO,
)

# a title named in words ("moana") → its facts, or None; the pipeline gives the catalogue's finder
FindTitle = Callable[[str], "dict | None"]
Parse = Callable[[str], Query]

# acknowledgements and no-words around an act ("ok so", "hmm", "nah"); what may trail a choice
_ACKS = rf"(?:(?:{ACK})\b[\s,]*)*"
_NOS = rf"(?:(?:{NO})\b[\s,]*)?"
_TAIL = r"(?:[\s,]+(?:please|now|then|for us|for me|tonight|right now|thanks|thank you|again|already))*"

_SEEN_REST = (r"(?:[\s,]+(?P<rest>(?:so |but )?(?:what else|anything else|something else|got anything else|any others"
               r"|what else you got|what else have you got|show me something else|show me others|next|try again|others)\b.*))?")
_MORE_LEAD = (r"(?:do you have|have you got|you got|are there|is there|can you (?:give me|show me|suggest|find)"
              r"|could you (?:give me|show me|suggest|find)|can i (?:get|have|see)|could i (?:get|have|see)|can we (?:get|"
              r"have|see)|got|give me|show me|let me see|let's see|let's hear|i want|i'd like|we'd like|gimme|find me"
              r"|tell me|suggest|i need|we need|any chance of)")
# every act's grammar, by name (compiled once, below)
_GRAMMAR: dict[str, str] = {
    # closing, greeting and help are whole turns; a closing that picks the focus names it ("that's the one")
    "closing": rf"^(?:(?:{CLOSINGS})\b[\s,]*)+$",
    "closing_core": rf"\b(?:{CLOSING_CORE})\b",
    "picked": r"\b(?:that's the one|that's it|i'll take it|we'll take it|we'll go with that|that's what we'll watch"
              r"|that one will do|that'll do)\b",
    "help": rf"^{_ACKS}(?:(?:can|could) you (?:please )?|please )?(?:{HELP})(?:[\s,]+(?:please|then|exactly|again"
            r"|for me|here|anyway|voicerec))*$",
    "greet": rf"^{_ACKS}(?:{GREETINGS})(?:[\s,]+(?:voicerec|there|again|mate|buddy|everyone|all))*$",
    # starting over, anywhere in the turn; what follows it is a request of its own
    "reset": rf"(?:^{_ACKS}|[\s,])(?:{RESET})\b[\s,]*(?P<rest>.*)$",
    # choosing: "play X", "put X on"; a title named outright only after a verb that plays
    "choose": rf"^{_ACKS}(?:(?:{CHOOSE_LEAD})\s+)*(?:{CHOOSE_BEFORE})\s+(?P<x>.+?){_TAIL}$",
    "choose_around": rf"^{_ACKS}(?:(?:{CHOOSE_LEAD})\s+)*(?:{CHOOSE_AROUND})\s+(?P<x>.+?)\s+on{_TAIL}$",
    "play": r"^(?:.*\s)?(?:play|put on|stick on|throw on|pop on|fire up|queue up|start|stream|watch|put|stick|throw|pop)\b",
    # seen: who, "seen", what (a reference), what may trail it, and what they want next ("seen it, what else")
    "seen_before": rf"^{_ACKS}{_NOS}{_ACKS}(?:{SEEN_WHO}(?:'ve|'s|'d| have| has| had)?(?:\s+(?:already|all|both|just"
                   rf"|also|definitely))*\s+)?(?:already\s+)?{SEEN_VERB}(?:\s+(?P<x>.+?))?(?:\s+(?:{SEEN_TAIL}))*"
                   rf"{_SEEN_REST}$",
    "seen_after": rf"^{_ACKS}{_NOS}(?P<x>.+?)\s+{SEEN_WHO}(?:'ve|'s| have| has)?\s+(?:already\s+)?{SEEN_VERB}"
                  rf"(?:\s+(?:{SEEN_TAIL}))*$",
    # describing one: "tell me about the korean one", "the middle one, what's that", "the last one"
    "describe": rf"^{_ACKS}(?:(?:tell|talk to) (?:me|us) (?:a (?:bit|little) )?(?:more )?about|more (?:info |information "
                r"|details )?(?:on|about)|describe|what about|how about|info on|details on|what's|what is|and)"
                r"\s+(?P<x>.+?)(?:\s+(?:about|like|then|please))*$",
    "whats_that": rf"^{_ACKS}(?P<x>.+?)[\s,]+(?:what's|what is|what about|tell me about|what's the deal with)"
                  r" (?:that|it|this|that one|this one)(?: one)?(?:\s+(?:about|then|again|please|exactly))*$",
    "bare": rf"^{_ACKS}(?P<x>(?:the|that|this|number|option)\b.+?)(?:\s+(?:please|then|again))*$",
    "which": rf"^{_ACKS}which(?:\s+(?:one|ones|of (?:them|those|these|the three)|title|film|movie|show))?(?:'s|\s+is"
             r"|\s+was|\s+are|\s+(?P<with>has|have|stars|features|has got|is with))?\s+(?P<x>.+?)(?:\s+(?:then|again"
             r"|please))*$",
    # turning down: a cue ("nah", "not for me"), or "not" before a reference, then what they want instead
    "reject": rf"^{_ACKS}(?:(?:{NO})\b[\s,]*)*(?:(?:i|we|they|he|she|the kids|my \w+|our \w+)\s+)?(?P<cue>{REJECT})\b"
              r"[\s,.]*(?P<rest>.*)$",
    "not_ref": rf"^{_ACKS}{_NOS}{_ACKS}not\s+(?P<x>.+?)(?P<rest>[\s,]+(?:but|just|how about|what about"
               r"|something|anything|give me|show me|i want|we want|maybe)\b.*)?$",
    # more of the same, asked for in many ways ("have you got any others", "no, show me some different ones")
    "more": rf"^{_ACKS}(?:(?:{NO})\b[\s,]*(?!more\b))?{_ACKS}(?:{_MORE_LEAD}\s+)?(?:(?:some|a few|any)\s+)?"
            rf"(?:{MORE})\b[\s,?]*(?P<rest>.*)$",
    # a correction: its cue ("i meant", "i said") after at most its lead and what was wrong ("sorry not
    # netflix i meant hulu"), or a lead and a comma or an article ("no, italian", "no a war documentary")
    "correct": rf"^(?P<before>.*?)\b(?:{CORRECT})\b[\s,]*(?P<rest>.+)$",
    "before": rf"^(?:(?:{ACK}|{NO}|{CORRECT_LEAD}|not|no)\b[\s,]*)(?:[\w']+[\s,]+){{0,4}}$",
    "correct_comma": rf"^{_ACKS}(?:(?:{NO}|{CORRECT_LEAD})\b[\s,]*)*?(?:{NO}|{CORRECT_LEAD})(?:\s*,\s*|\s+(?=(?:a|an|the|some"
                     r"|one|just|only|make it|in|from|on)\b))(?P<rest>.+)$",
    "needs_lead": r"^(?:(?:i|we) (?:want|need)\b)",
    "contrast": rf"^{_ACKS}(?:(?:{NO})\b[\s,]*)*not (?P<x>.+)$",
    # words left after an act that ask for nothing more
    "empty_rest": rf"^(?:(?:{ACK}|please|thanks|thank you|one|ones|something|anything|maybe|instead|then|though"
                  r"|i guess|i think|perhaps|something else|else)\b[\s,?]*)*$",
}
_RX = {name: re.compile(pattern) for name, pattern in _GRAMMAR.items()}


@dataclass(frozen=True)
class Heard:
    """An act as heard: its kind, the title it points at (`pick`; `unclear` when it pointed at one but
    which is not clear), the words left that ask for something (`rest`), and what a comparison changes."""

    kind: ActKind
    pick: Pick | None = None
    unclear: bool = False
    rest: str = ""
    changes: tuple[Change, ...] = field(default_factory=tuple)


def read(text: str, turn: Turn | None, titles: FindTitle | None = None, parse: Parse | None = None) -> Heard | None:
    """The act this turn is, or None: a request or a question for the rest of the pipeline. `titles`
    finds a title named outright ("play moana"); `parse` reads words as a request (it tells "not the
    eighties, the nineties" from "not on netflix": both sides say the same kind of thing)."""
    raw = focus.clean(text, commas=True)
    t = " ".join(raw.replace(",", " ").split())
    if not t:
        return None
    if len(t.split()) <= 12 and _RX["closing"].match(t) and _RX["closing_core"].search(t):
        picked = turn is not None and turn.focus is not None and _RX["picked"].search(t)
        return Heard("close", pick=focus.resolve(Ref(pronoun=True), turn) if picked else None)
    if _RX["help"].match(t):
        return Heard("help")
    if _RX["greet"].match(t):
        return Heard("greet")
    m = _RX["reset"].search(t)
    if m:
        rest = m.group("rest")
        return Heard("reset", rest="" if _RX["empty_rest"].match(rest) else rest)
    chosen = _choose(t, turn, titles)
    if chosen is not None:
        return chosen
    if turn is None or not (turn.results or turn.focus):
        return None
    heard = _seen(t, turn) or _describe(t, turn) or _which(t, turn) or _not_this(t, turn)
    if heard is not None or _asks_about_one(text):  # "is it ok for the little ones": a question, not a request
        return heard
    return _correct(raw, t, turn) or _contrast(raw, parse) or _reject(t, turn) or _more(t, turn) or _compare(t, turn)


# --- one reader per act ---------------------------------------------------------------------------
def _choose(t: str, turn: Turn | None, titles: FindTitle | None) -> Heard | None:
    m = _RX["choose_around"].match(t) or _RX["choose"].match(t)
    if not m:
        return None
    words = m.group("x")
    ref = focus.read(words)
    if ref is not None:
        return _pointed("choose", ref, turn)
    if titles is None or not _RX["play"].match(t):
        return None
    found = titles(words)  # "play moana": a title by its name (the finder ignores requests: "play something funny")
    return Heard("choose", pick=Pick(found, _index(found, turn), "name")) if found else None


def _seen(t: str, turn: Turn) -> Heard | None:
    """"We've seen that", "the kids have seen all of those", "seen it, what else": the title marked seen;
    a bare "seen it" after a list (which one?) and "seen all of those" leave the list out instead."""
    m = _RX["seen_before"].match(t) or _RX["seen_after"].match(t)
    if not m:
        return None
    words = m.group("x") or "it"
    ref = focus.read(words)
    if ref is None:
        return None  # "we've seen the notebook": a title by name (followup.py)
    rest = (m.groupdict().get("rest") or "") if "rest" in m.re.groupindex else ""
    heard = _pointed("seen", ref, turn)
    if ref.plural or heard.unclear:  # "seen all of those", "seen the first two": those left out; "seen it": all
        return Heard("reject", pick=heard.pick if ref.count else None, rest="" if _RX["empty_rest"].match(rest) else rest)
    return Heard("seen", heard.pick, rest="" if _RX["empty_rest"].match(rest) else rest)


def _asks_about_one(text: str) -> bool:
    """A question about one title of the conversation ("is it ok for a four year old", "the last one, who's in it")."""
    asked = questions.recognise(text)
    return asked is not None and focus.read(asked.words) is not None


def _describe(t: str, turn: Turn) -> Heard | None:
    m = _RX["describe"].match(t) or _RX["whats_that"].match(t)
    ref = focus.read(m.group("x")) if m else None
    if ref is None:  # a reference said on its own: "the last one", "the korean one?"
        bare = _RX["bare"].match(t)
        ref = focus.read(bare.group("x")) if bare else None
        if ref is not None and not ref.narrows:
            return None
    if ref is None or ref.plural or (ref.pronoun and ref.kind is None):
        return None  # "what about it" says nothing new; "what about netflix" refines (followup.py)
    return _pointed("describe", ref, turn)


def _not_this(t: str, turn: Turn) -> Heard | None:
    """"Not that one", "not the second one, something funnier": a title (or the list) turned down."""
    m = _RX["not_ref"].match(t)
    ref = focus.read(m.group("x")) if m else None
    if m is None or ref is None:
        return None
    heard = _pointed("reject", ref, turn)
    rest = (m.group("rest") or "").strip(" ,")
    return Heard("reject", heard.pick, heard.unclear, "" if _RX["empty_rest"].match(rest) else rest)


def _contrast(raw: str, parse: Parse | None) -> Heard | None:
    """"Not the eighties, the nineties", "not horror comedy": a correction by contrast, when what is
    negated and what follows it say the same kind of thing (an era, a genre, a country, a service, a kind)."""
    m = _RX["contrast"].match(raw)
    if m is None or parse is None:
        return None
    words = m.group("x")
    splits = [tuple(words.split(",", 1))] if "," in words else []
    tokens = words.replace(",", " ").split()
    splits += [(" ".join(tokens[:i]), " ".join(tokens[i:])) for i in range(1, len(tokens))]
    for wrong, right in splits:
        said = parse(right)
        if said.intent == "recommend" and _slots(parse(wrong)) & _slots(said):
            return Heard("correct", rest=right.strip(" ,"))
    return None


def _slots(q: Query) -> set[str]:
    """The kinds of thing a request says, of those a contrast can correct."""
    return {name for name, said in (("era", q.year_min or q.year_max), ("genre", q.genres or q.genres_all),
                                    ("country", q.countries), ("service", q.services), ("kind", q.kind),
                                    ("person", q.people), ("age", q.max_age is not None)) if said}


def _reject(t: str, turn: Turn) -> Heard | None:
    m = _RX["reject"].match(t)
    if not m:
        return None
    rest = m.group("rest")
    cue = m.group("cue")
    changes = compare.find(t) if rest else []
    if changes and turn.results:  # "nah too scary", "not quite so long": a comparison, said as a complaint
        left = _RX["reject"].sub(lambda m: m.group("rest"), compare.rest(t, changes))
        return Heard("compare", rest="" if _RX["empty_rest"].match(left) else left, changes=tuple(changes))
    words = re.sub(r"^(?:not|no|don't (?:like|fancy|want)|skip)\s+", "", cue)
    ref = focus.read(words)
    pick = None
    if ref is not None and not ref.plural:
        pick = _pointed("reject", ref, turn).pick
    elif turn.focus and ref is None:  # "nah" after a title was described: that title
        pick = focus.resolve(Ref(pronoun=True), turn)
    return Heard("reject", pick, rest="" if _RX["empty_rest"].match(rest) else rest)


def _more(t: str, turn: Turn) -> Heard | None:
    m = _RX["more"].match(t)
    if not m:
        return None
    rest = m.group("rest")
    like = re.match(r"(?:like|similar to|about)\s+(?P<x>.+)$", rest)
    if like and (rest.startswith("about") or focus.pick(like.group("x"), turn) is not None):
        return None  # "more like the second one", "more about the first one": followup.py / describe
    rest = "" if like else rest  # "anything else like that", "more like those": the same again
    return Heard("more", rest="" if _RX["empty_rest"].match(rest) else rest)


def _correct(raw: str, t: str, turn: Turn) -> Heard | None:
    m = _RX["correct"].match(t)
    if m and m.group("before") and not _RX["before"].match(m.group("before")):
        m = None  # the cue inside a request of its own
    if m and not m.group("before") and _RX["needs_lead"].match(t):
        m = None  # "i want a comedy" is a request; "no, i want a comedy" corrects
    m = m or _RX["correct_comma"].match(raw)
    if not m:
        return None
    rest = m.group("rest").strip(" ,")
    if _RX["empty_rest"].match(rest) or _RX["reject"].match(rest) or _RX["more"].match(rest) or _compare(rest, turn):
        return None  # "nope, not that one", "no, something else", "no, shorter": those acts, not a correction
    ref = focus.read(rest) if re.match(r"(?:the|that|this|number|option)\b", rest) else None
    if ref is not None and ref.narrows and not ref.plural:  # "no wait, the third one": the last act, on that one
        again = "choose" if turn.focus and turn.focus.get("act") == "choose" else "describe"
        return _pointed(again, ref, turn)
    return Heard("correct", rest=rest)


def _which(t: str, turn: Turn) -> Heard | None:
    """"Which one's on hulu", "which is the korean one", "which of them is the longest": that one described."""
    m = _RX["which"].match(t)
    if m is None:
        return None
    x = m.group("x")
    for words in ((f"the one with {x}",) if m.group("with") else (f"the one {x}", f"the {x} one", f"the {x}", x)):
        ref = focus.read(words)
        if ref is not None and ref.narrows:
            return _pointed("describe", ref, turn)
    return None


def _compare(t: str, turn: Turn) -> Heard | None:
    changes = compare.find(t)
    if not changes or not turn.results:
        return None
    rest = compare.rest(t, changes)
    return Heard("compare", rest="" if _RX["empty_rest"].match(rest) else rest, changes=tuple(changes))


# --- helpers --------------------------------------------------------------------------------------
def _pointed(kind: ActKind, ref: Ref, turn: Turn | None) -> Heard:
    """An act about the title `ref` points at; `unclear` when it points at none (or, to play, at several)."""
    pick = focus.resolve(ref, turn)
    if pick is None or (kind == "choose" and ref.plural):
        return Heard(kind, unclear=True)
    return Heard(kind, pick=pick)


def _index(title: dict, turn: Turn | None) -> int | None:
    listed = turn.results if turn else []
    return next((i for i, r in enumerate(listed, 1) if r["id"] == title["id"]), None)
