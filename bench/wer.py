"""Word error rate with a light normaliser, for the speech tests and benchmarks.

Both sides are normalised the same way before counting: lower-case ASCII words (voicerec.text.norm),
spoken numbers as digits the way the parser reads them (understand/numbers.py: "twenty twelve" →
"2012", "two thousands" → "2000s", "ten" → "10"; and "seventies" → "70s"),
a few spelling variants Whisper is free to choose ("ok" → "okay"), and no fillers ("uh", "um").
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz.distance import Levenshtein

from voicerec.text import norm
from voicerec.understand.numbers import normalize_numbers

_DECADES = {w: f"{10 * i}s" for i, w in enumerate(
    "_ _ twenties thirties forties fifties sixties seventies eighties nineties".split()) if w != "_"}
_VARIANTS = {"ok": "okay", "mr": "mister", "mrs": "missus", "dr": "doctor", "vs": "versus"}
_FILLERS = frozenset({"uh", "um", "uhm", "er", "erm", "hmm", "mm", "mhm"})  # not words (as Whisper's normaliser)


def normalize(text: str) -> list[str]:
    """The words WER is counted on: numbers as the parser reads them ("twenty twelve", "two thousand
    and twelve" and "2,012" are all "2012"; "ten" is "10"), decades as "70s", common variants merged,
    fillers ("uh", "um") dropped."""
    words = norm(normalize_numbers(text.lower())).split()
    return [_DECADES.get(w) or _VARIANTS.get(w, w) for w in words if w not in _FILLERS]


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(edit distance in words, reference length in words)."""
    ref, hyp = normalize(reference), normalize(hypothesis)
    return Levenshtein.distance(ref, hyp), len(ref)


def wer(pairs: Iterable[tuple[str, str]]) -> float:
    """Corpus WER over (reference, hypothesis) pairs: total word edits / total reference words."""
    errors = words = 0
    for ref, hyp in pairs:
        e, n = word_errors(ref, hyp)
        errors += e
        words += n
    return errors / words if words else 0.0
