"""Word error rate with a light normaliser, for the speech tests and benchmarks.

Both sides are normalised the same way before counting: lower-case ASCII words (voicerec.text.norm),
spelled-out numbers as digits ("two thousands" → "2000s", "seventies" → "70s", "ten" → "10"),
and a few spelling variants Whisper is free to choose ("ok" → "okay").
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz.distance import Levenshtein

from voicerec.text import norm

_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if w != "_"}
_DECADES = {w[:-1] + "ies": n for w, n in _TENS.items()}        # "seventies" → 70
_SCALES = {"hundred": 100, "thousand": 1000}
_VARIANTS = {"ok": "okay", "mr": "mister", "mrs": "missus", "dr": "doctor", "tv": "tv", "vs": "versus"}


def normalize(text: str) -> list[str]:
    """The words WER is counted on."""
    words = [_VARIANTS.get(w, w) for w in norm(text).split()]
    return _numbers(words)


def _numbers(words: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if w in _DECADES:
            out.append(f"{_DECADES[w]}s")
            i += 1
            continue
        if w not in _UNITS and w not in _TENS and not (w.rstrip("s") in _SCALES and out and out[-1].isdigit()):
            out.append(w)
            i += 1
            continue
        total, current, j, plural = 0, 0, i, False
        while j < len(words):
            x = words[j]
            if x in _UNITS:
                current += _UNITS[x]
            elif x in _TENS:
                current += _TENS[x]
            elif x.rstrip("s") in _SCALES and j > i:
                scale = _SCALES[x.rstrip("s")]
                plural = x.endswith("s")
                if scale == 100:
                    current *= 100
                else:
                    total += max(current, 1) * scale
                    current = 0
                j += 1
                if plural:
                    break
                continue
            else:
                break
            j += 1
        out.append(f"{total + current}{'s' if plural else ''}")
        i = j
    return out


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
