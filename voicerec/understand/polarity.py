"""Polarity with scope: which words of a request are wanted, which are ruled out, which are limits.

    "a crime series that isn't about drugs"  → + "a crime series that"    − "about drugs"
    "nothing too long, maybe a comedy"       → ~ "long"                   + "maybe a comedy"
    "anything but horror please"             → − "horror please"
    "a dinosaur movie but not for kids"      → + "a dinosaur movie"       − "for kids"

A negation cue (vocab/words.py) governs what follows it up to the end of its constituent: a scope
break (a comma, "but", "just", "something ...") or the next cue. After the cue, a hedge word
("too", "overly", "very") makes it a soft limit ("~"): "not too scary" still allows horror, it
only prefers milder titles. A cue directly before a comparison ("no longer than", "nothing
before 2000") is not a negation of a constituent: the comparison reads it (eras.py).
Extractors then read each segment and file what they find by its polarity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from voicerec.vocab.words import HEDGE_WORDS, NEGATION_CUES, SCOPE_BREAKS

Polarity = Literal["+", "-", "~"]

_CUE = re.compile(r"(?<![\w'])(?:" + "|".join(re.escape(c) for c in sorted(NEGATION_CUES, key=len, reverse=True))
                  + r")(?![\w'])")
# a cue followed by one of these is part of a comparison ("no more than 90 minutes"), not a negation
_COMPARISON = re.compile(
    r"\s*(?:(?:any|much|a lot|way)\s+)?(?:more|less|longer|shorter|older|newer|earlier|later|fewer|over|under|above|below|before"
    r"|after|past|bigger|smaller|greater|until|til|till|from before|from after|released (?:before|after)|made (?:before|after)"
    r"|than)\b")
_LEAD = re.compile(r"^(?:\s*(?:a|an|the|any|anything|something|stuff|one|ones|more|of|that|that's|thats|is|are|it|its|it's"
                   r"|really|kind of|sort of|at all|even|with|want|like|please|watch(?:ing)?|see|seeing|have|to"
                   r"|movies?|films?|shows?|series)\b)*\s*")
_HEDGE = re.compile(r"^(?:" + "|".join(re.escape(h) for h in sorted(HEDGE_WORDS, key=len, reverse=True)) + r")\s+")
_BREAK = re.compile("|".join(re.escape(b) for b in sorted(SCOPE_BREAKS, key=len, reverse=True)))
_ONE_QUALITY = re.compile(r"[a-z'-]+(?:\s+(?:or|and|nor)\s+(?:too\s+)?[a-z'-]+)*")
# "too scary", "less violence", "a bit less gory": a limit on one quality, as "not too scary" is
_SOFT = re.compile(r"(?<![\w'])(?:(?:a (?:bit|little|lot) )?(?:less|fewer)|too|way too)(?=\s+(?!than\b|much\b|many\b)[a-z])")
_FREE = re.compile(r"\b([a-z]+)[\s-]free\b")  # "gore-free" is "no gore"
MAX_SCOPE_WORDS = 6


@dataclass(frozen=True)
class Segment:
    text: str
    polarity: Polarity


def segments(text: str) -> list[Segment]:
    """The request cut into segments, each with its polarity; positive text keeps its order."""
    t = _FREE.sub(r"no \1,", text)
    out: list[Segment] = []
    pos = 0
    cues = [m for m in _CUE.finditer(t) if not _COMPARISON.match(t, m.end()) and not _idiom(t, m)]
    after_cue = {m.end() + 1 for m in cues}  # "not too scary" is the negation's hedge, read below
    cues = sorted(cues + [m for m in _SOFT.finditer(t) if m.start() not in after_cue], key=lambda m: m.start())
    for i, cue in enumerate(cues):
        if cue.start() < pos:
            continue
        if cue.start() > pos:
            out.append(Segment(t[pos:cue.start()], "+"))
        rest_end = cues[i + 1].start() if i + 1 < len(cues) else len(t)
        rest = t[cue.end():rest_end]
        lead = _LEAD.match(rest)
        body = rest[lead.end():] if lead else rest
        if not body.strip() or _BREAK.match(body):  # "not a series, a movie": the kind is what is negated
            body = rest.strip()
        polarity: Polarity = "-"
        hedge = re.match("", body) if cue.re is _SOFT else _HEDGE.match(body)
        if hedge:  # a hedge limits one quality ("not too old"), and what follows is wanted again
            polarity, body = "~", body[hedge.end():]
            one = _ONE_QUALITY.match(body)
            scope = one.group(0) if one else body
        else:
            brk = _BREAK.search(" " + body + " ", 1)  # a break must follow something: "not for kids" negates "for kids"
            scope = body[: max(0, brk.start() - 1)] if brk else body
        words = scope.split()
        if len(words) > MAX_SCOPE_WORDS:
            scope = " ".join(words[:MAX_SCOPE_WORDS])
        end = t.find(scope, cue.end()) + len(scope) if scope else cue.end()
        if scope.strip():
            out.append(Segment(scope, polarity))
        pos = max(end, cue.end())
    if pos < len(t):
        out.append(Segment(t[pos:], "+"))
    return [s for s in out if s.text.strip()]


def positive_text(segs: list[Segment]) -> str:
    return " ".join(s.text for s in segs if s.polarity == "+")


def _idiom(t: str, m: re.Match[str]) -> bool:
    """Cues that are not negations here: "no matter", "not sure", "never seen", "can't wait", "not only"."""
    after = t[m.end():m.end() + 12]
    if m.group(0) == "non" and re.match(r"[\s-]*stop\b", after):
        return True  # "non-stop action"
    return bool(re.match(r"\s+(?:matter|sure|seen|watched|only|just|yet|bad|to mention|really sure)\b", after)) or (
        m.group(0) in ("no", "not") and bool(re.match(r"\s*(?:one|thanks|problem|idea|worries)\b", after))
        and m.group(0) == "no")
