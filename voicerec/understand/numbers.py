"""Spoken numbers to digits, the way people say them and the way Whisper writes them.

"two and a half hours" → "150 minutes"-ready values; "the two thousands" → "the 2000s";
"2,000s" → "2000s"; "nineteen ninety five" → "1995"; "an hour and a half" → "90 minutes".
"""

from __future__ import annotations

import re

from voicerec.vocab.words import DECADE_WORDS, TENS, UNITS

_NUM_WORD = "|".join(sorted([*UNITS, *TENS], key=len, reverse=True))
_SIMPLE = re.compile(
    rf"\b(?:({'|'.join(TENS)})[\s-]({'|'.join(k for k in UNITS if k not in ('a', 'an', 'zero'))})"
    rf"|({'|'.join(TENS)})|({'|'.join(k for k in UNITS if k not in ('a', 'an'))}))\b"
)


def _word_value(m: re.Match[str]) -> str:
    if m.group(1):
        return str(TENS[m.group(1)] + UNITS[m.group(2)])
    if m.group(3):
        return str(TENS[m.group(3)])
    return str(UNITS[m.group(4)])


def normalize_numbers(text: str) -> str:
    """Rewrite spoken numbers and number-ish spellings into digits, keeping other words."""
    t = text
    # Whisper-style separators: "2,000s" → "2000s", "1,995" → "1995"
    t = re.sub(r"\b(\d{1,2}),(\d{3})(?=s?\b)", r"\1\2", t)
    # "the two thousands" / "two thousands" / "the 2000's" / "twenty tens"
    t = re.sub(r"\b(?:the\s+)?two[\s-]thousands\b", " the 2000s ", t)
    t = re.sub(r"\b(?:the\s+)?(?:aughts|noughties|naughties)\b", " the 2000s ", t)
    t = re.sub(r"\b(?:twenty|two thousand(?: and)?)[\s-]tens\b", " 2010s ", t)
    t = re.sub(r"\btwenty[\s-]twenties\b", " 2020s ", t)
    t = re.sub(r"\b(\d{4})'s\b", r"\1s", t)
    t = re.sub(r"'(\d0)s\b", r"\1s", t)
    t = re.sub(r"\b(\d0)'s\b", r"\1s", t)
    # "nineteen ninety five" / "nineteen eighties" / "two thousand and five" / "twenty twelve"
    t = re.sub(
        r"\bnineteen[\s-](" + "|".join(DECADE_WORDS) + r")\b",
        lambda m: f"19{DECADE_WORDS[m.group(1)]}s", t,
    )
    t = re.sub(
        r"\bnineteen[\s-](?:hundred[\s-]and[\s-]|hundred[\s-])?"
        r"(" + "|".join(TENS) + r")(?:[\s-](one|two|three|four|five|six|seven|eight|nine))?\b",
        lambda m: f"19{TENS[m.group(1)] + (UNITS[m.group(2)] if m.group(2) else 0):02d}", t,
    )
    t = re.sub(
        r"\btwo[\s-]thousand(?:[\s-]and)?[\s-](one|two|three|four|five|six|seven|eight|nine|ten|"
        r"eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)\b",
        lambda m: str(2000 + UNITS.get(m.group(1), 0) if m.group(1) in UNITS else 2000), t,
    )
    t = re.sub(
        r"\btwenty[\s-](ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)\b",
        lambda m: str(2000 + UNITS[m.group(1)]), t,
    )
    t = re.sub(
        r"\btwenty[\s-]twenty(?:[\s-](one|two|three|four|five|six|seven|eight|nine))?\b",
        lambda m: str(2020 + (UNITS[m.group(1)] if m.group(1) else 0)), t,
    )
    t = re.sub(r"\btwo[\s-]thousand\b", "2000", t)
    # plain decade words: "the nineties" → "the 1990s" (handled in rules, keep words)
    # "a hundred" / "one hundred and twenty"
    t = re.sub(
        r"\b(?:a|one)[\s-]hundred(?:[\s-]and)?[\s-](" + _NUM_WORD + r")(?:[\s-](" + _NUM_WORD + r"))?\b",
        lambda m: str(100 + _sum_words(m.group(1), m.group(2))), t,
    )
    t = re.sub(r"\b(?:a|one)[\s-]hundred\b", "100", t)
    # "half an hour" / "an hour and a half" / "two and a half hours" / "1.5 hours"
    t = re.sub(r"\bhalf\s+an?\s+hour\b|\bhalf[\s-]hour\b", "30 minutes", t)
    t = re.sub(r"(?<!\d )\bhour[\s-]long\b", "60 minutes long", t)
    t = re.sub(r"\b(an?|one)\s+hour\s+and\s+a\s+half\b", "90 minutes", t)
    t = re.sub(
        r"\b(\w+)\s+and\s+a\s+half\s+hours?\b",
        lambda m: f"{int(_to_number(m.group(1)) * 60 + 30)} minutes" if _to_number(m.group(1)) else m.group(0), t,
    )
    t = re.sub(r"\b(\d+(?:\.\d+)?)\s*(?:hours?|hrs?|h)\b", lambda m: f"{round(float(m.group(1)) * 60)} minutes", t)
    t = _SIMPLE.sub(_word_value, t)
    t = re.sub(r"\b(?:an?|one)\s+hour\b", "60 minutes", t)
    t = re.sub(r"\b(\d+)\s+hours?\b", lambda m: f"{int(m.group(1)) * 60} minutes", t)
    t = re.sub(r"\b(\d+)\s*(?:minutes?|mins?|m)\b", r"\1 minutes", t)
    t = re.sub(r"\b(\d+) minutes (?:and )?(\d+) minutes\b", lambda m: f"{int(m.group(1)) + int(m.group(2))} minutes", t)
    return re.sub(r"\s+", " ", t).strip()


def _to_number(word: str) -> float | None:
    if word.isdigit():
        return float(word)
    if word in UNITS:
        return float(UNITS[word])
    if word in TENS:
        return float(TENS[word])
    return None


def _sum_words(a: str | None, b: str | None) -> int:
    return int(sum(_to_number(w) or 0 for w in (a, b) if w))
