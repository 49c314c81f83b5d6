"""Make reply text speakable: what a TV listener should hear, not what a screen shows.

Piper reads text through espeak-ng, which gets several things in catalogue text wrong:
"1999" becomes "nineteen hundred ninety nine", "2000s" becomes "two thousand z",
"Rocky II" becomes "Rocky roman two", "#1" becomes "hash one", and the period in
"Vol." or "Mr." ends the sentence (so Piper pauses and starts a new chunk mid-title).
`speakable(text)` rewrites those into plain words. It is pure and cheap (about 1 ms per reply).
"""

from __future__ import annotations

import re
from collections.abc import Callable

_ONES = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_TENS_PLURAL = {
    "ten": "tens", "twenty": "twenties", "thirty": "thirties", "forty": "forties", "fifty": "fifties",
    "sixty": "sixties", "seventy": "seventies", "eighty": "eighties", "ninety": "nineties",
}
_ROMAN = {
    "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10, "XI": 11,
    "XII": 12, "XIII": 13, "XIV": 14, "XV": 15, "XVI": 16, "XVII": 17, "XVIII": 18, "XIX": 19, "XX": 20,
}
_MULTI_ROMAN = "|".join(sorted((k for k in _ROMAN if len(k) > 1), key=len, reverse=True))
# Single-letter numerals are only numbers after these words ("Part V", but "Malcolm X").
_ROMAN_KEYWORDS = r"(?:Part|Episode|Chapter|Volume|Book|Act|Season)"

_ABBREVIATIONS = [  # (pattern, replacement); the period would otherwise end the sentence
    (r"\bMrs\.", "Missus"), (r"\bMr\.", "Mister"), (r"\bMs\.", "Miz"), (r"\bDr\.", "Doctor"),
    (r"\bJr\.", "Junior"), (r"\bSr\.", "Senior"), (r"\bVol\.?(?=\s*\d)", "Volume"),
    (r"\bVol\.", "Volume"), (r"\bPt\.?(?=\s*\d)", "Part"), (r"\bPt\.", "Part"),
    (r"\bEp\.?(?=\s*\d)", "Episode"), (r"\bCh\.(?=\s*\d)", "Chapter"),
    (r"\bNo\.(?=\s*\d)", "Number"), (r"\bvs\.?(?=\s)", "versus"), (r"\bBros\.", "Brothers"),
    (r"\bSt\.(?=\s+[A-Z])", "Saint"), (r"\bMt\.(?=\s+[A-Z])", "Mount"), (r"\betc\.", "et cetera"),
    (r"\bfeat\.", "featuring"), (r"\bInc\.", "Inc"), (r"\bLtd\.", "Limited"),
]
_FRACTIONS = {"½": ("and a half", "half"), "¼": ("and a quarter", "a quarter"),
              "¾": ("and three quarters", "three quarters")}


def number_words(n: int) -> str:
    """0 ≤ n < 1,000,000 in words: 97 → "ninety-seven"."""
    if n < 0:
        return "minus " + number_words(-n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + ("-" + _ONES[ones] if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return _ONES[hundreds] + " hundred" + (" " + number_words(rest) if rest else "")
    if n < 1_000_000:
        thousands, rest = divmod(n, 1000)
        return number_words(thousands) + " thousand" + (" " + number_words(rest) if rest else "")
    return str(n)


def year_words(year: int) -> str:
    """A year as people say it: 1999 → "nineteen ninety-nine", 2004 → "two thousand four",
    2016 → "twenty sixteen", 1905 → "nineteen oh five", 1900 → "nineteen hundred"."""
    if 2000 <= year <= 2009:
        return number_words(year)
    century, rest = divmod(year, 100)
    if rest == 0:
        return number_words(century) + " hundred"
    if rest < 10:
        return number_words(century) + " oh " + _ONES[rest]
    return number_words(century) + " " + number_words(rest)


def decade_words(decade: int) -> str:
    """1990 → "nineteen nineties", 2000 → "two thousands", 2010 → "twenty tens", 80 → "eighties"."""
    if decade < 100:
        return _TENS_PLURAL[_TENS[decade // 10] if decade >= 20 else "ten"]
    if decade % 1000 == 0:
        return number_words(decade // 1000) + " thousands"
    century, rest = divmod(decade, 100)
    if rest == 0:
        return number_words(century) + " hundreds"
    return number_words(century) + " " + _TENS_PLURAL[_TENS[rest // 10] if rest >= 20 else "ten"]


def _sub(pattern: str, repl: str | Callable[[re.Match[str]], str], flags: int = 0) -> Callable[[str], str]:
    compiled = re.compile(pattern, flags)
    return lambda text: compiled.sub(repl, text)


def _acronym(m: re.Match[str]) -> str:
    letters = m.group(1).replace(".", "")
    return letters.upper() + ("." if m.group(2) is not None else "")


def _runtime(m: re.Match[str]) -> str:
    hours, minutes = m.group(1), m.group(2)
    parts = []
    if hours:
        parts.append(f"{hours} hour" + ("" if hours == "1" else "s"))
    if minutes:
        parts.append(f"{minutes} minute" + ("" if minutes == "1" else "s"))
    return " ".join(parts)


def _fraction(m: re.Match[str]) -> str:
    attached, plain = _FRACTIONS[m.group(2)]
    return f"{m.group(1)} {attached}" if m.group(1) else plain


def _roman(m: re.Match[str]) -> str:
    return m.group(1) + number_words(_ROMAN[m.group(2)])


_RULES: list[Callable[[str], str]] = [
    _sub(r"[\u2122\u00ae\u00a9]", ""),  # ™ ® ©
    _sub(r"[\u00b7\u2022]", " "),  # WALL·E → WALL E
    _sub(r"\.\.\.|\u2026", ", "),  # an ellipsis is a pause, not a sentence end
    *[_sub(p, r) for p, r in _ABBREVIATIONS],
    # S.W.A.T. → SWAT; a trailing period at the very end stays a sentence end.
    _sub(r"\b((?:[A-Za-z]\.){2,})(\s*$)?", _acronym),
    _sub(r"(\d)\s*([½¼¾])|([½¼¾])", lambda m: _fraction(m) if m.group(2) else _FRACTIONS[m.group(3)][1]),
    _sub(r"#\s?(\d+)", lambda m: "number " + number_words(int(m.group(1)))),
    _sub(r"\b(?:(\d+)\s?h(?:rs?)?)\s*(?:(\d+)\s?m(?:in)?)?\b(?=\W|$)", _runtime),
    _sub(r"\b(\d+)\s?(?:min|mins)\b\.?(?!-)", lambda m: _runtime_minutes(m.group(1))),
    # decades: 1990s, 2000s, '90s, 80's, 90s
    _sub(r"\b(1[0-9]|20)(\d0)\s?'?s\b", lambda m: decade_words(int(m.group(1) + m.group(2)))),
    _sub(r"(?:[\u2019']|\b)([1-9]0)\s?'?s\b", lambda m: decade_words(int(m.group(1)))),
    # ranges of years or numbers with a dash: 1999–2004 → 1999 to 2004
    _sub(r"\b(\d{4})\s*[\u2013\u2014-]\s*(\d{4})\b", r"\1 to \2"),
    _sub(r"(\d)\s*\u2013\s*(\d)", r"\1 to \2"),
    _sub(r"\b([A-Z])\u2013([A-Z])\b", r"\1 to \2"),
    # years 1100–2099 standing alone (not money, not part of a bigger number or a time)
    _sub(r"(?<![\d$£€.,:])\b(1[1-9]\d\d|20\d\d)\b(?![\d%]|[.,:]\d)", lambda m: year_words(int(m.group(1)))),
    _sub(rf"(\b{_ROMAN_KEYWORDS}\s+)(I)\b(?![\w'\u2019-])", lambda m: m.group(1) + "one"),
    _sub(rf"(\b{_ROMAN_KEYWORDS}\s+)(V|X)\b(?![\w'\u2019-])", _roman),
    _sub(rf"(\b[\w'\u2019]+[:,]?\s+)({_MULTI_ROMAN})\b(?![\w'\u2019-])", _roman),
    _sub(r"\s*&\s*", " and "),
    _sub(r"\s+@\s+", " at "),
    _sub(r"\b24/7\b", "twenty-four seven"),
    _sub(r"\s*[\u2014\u2013]\s*|\s+-\s+|\s*--\s*", ", "),  # dashes used as pauses
    _sub(r"(?<!\d):(?!\d)", ","),  # "Mission: Impossible" → a comma pause; 1:30 stays
    _sub(r"[!?](?=\s*,|\s+[a-z])", ""),  # "Airplane!, a comedy": no sentence break mid-title
    _sub(r"[\"\u201c\u201d]", ""),
    _sub(r"\s+([,.;!?])", r"\1"),
    _sub(r"([,;])(?:\s*[,;])+", r"\1"),
    _sub(r"\s{2,}", " "),
]


def _runtime_minutes(count: str) -> str:
    return f"{count} minute" + ("" if count == "1" else "s")


def speakable(text: str) -> str:
    """Rewrite `text` so a Piper (espeak-ng) voice reads titles, years and runtimes naturally."""
    for rule in _RULES:
        text = rule(text)
    return text.strip()
