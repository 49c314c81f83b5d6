"""People: one row per name, with credits, and how well known each is (for "a Spielberg film").

fame = the person's credits in well-known titles (IMDb votes at least WELL_KNOWN_VOTES) as a
director or one of the first LEAD_BILLING actors. `name_parts` maps each word of a known person's
name to them, so a surname or a famous first name ("Keanu") resolves with a popularity prior.
"""

from __future__ import annotations

from typing import Any

from voicerec.text import norm

WELL_KNOWN_VOTES = 20_000
LEAD_BILLING = 6
MIN_PART = 3  # name words shorter than this ("jr", "de") are never looked up alone


def people_rows(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(people, credits, name_parts) for the merged title rows."""
    titles_of: dict[str, set[str]] = {}
    fame: dict[str, int] = {}
    for row in rows:
        known = (row.get("votes") or 0) >= WELL_KNOWN_VOTES
        for role, names in (("actor", row["cast"]), ("director", row["directors"])):
            for i, name in enumerate(names):
                titles_of.setdefault(name, set()).add(row["id"])
                if known and (role == "director" or i < LEAD_BILLING):
                    fame[name] = fame.get(name, 0) + 1
    ids = {name: i for i, name in enumerate(sorted(titles_of), start=1)}
    people = [{"id": ids[n], "name": n, "norm_name": norm(n), "n_titles": len(titles_of[n]), "fame": fame.get(n, 0)}
              for n in sorted(titles_of)]
    credits = []
    for row in rows:
        for role, names in (("actor", row["cast"]), ("director", row["directors"])):
            credits += [{"title_id": row["id"], "person_id": ids[n], "role": role, "ord": i}
                        for i, n in enumerate(dict.fromkeys(names))]
    parts = [{"part": part, "person_id": p["id"], "fame": p["fame"]}
             for p in people if p["fame"] > 0
             for part in dict.fromkeys(p["norm_name"].split()) if len(part) >= MIN_PART]
    return people, credits, parts
