"""Small text helpers shared by the catalogue builder, the parser and the ranker."""

from __future__ import annotations

import re
import unicodedata

_MOJIBAKE = re.compile("Ã.|â€|Â[^A-Za-z0-9]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def norm(s: str | None) -> str:
    """Lower-case ASCII words separated by single spaces (the checker's normal form)."""
    s = unicodedata.normalize("NFKD", s or "").encode("ascii", "ignore").decode().lower()
    return " ".join(_NON_ALNUM.split(s)).strip()


def fix_mojibake(s: str) -> str:
    """Undo UTF-8 read as cp1252 ('â€™' → '’') where that round-trips cleanly."""
    if not s or not _MOJIBAKE.search(s):
        return s
    try:
        fixed = s.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return s.replace("\ufffd", "")
    return fixed


def clean_text(s: str | None) -> str:
    """Source text as it should be shown or spoken: mojibake fixed, whitespace folded."""
    s = fix_mojibake((s or "").replace("\ufffd", ""))
    return " ".join(s.split())
