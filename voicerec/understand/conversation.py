"""An act on the conversation (acts.py) → the Query to answer and the Act to report.

    query(heard, turn, parse)  ─► (Query, Act)

The last request is the base of every act that asks for titles again: more of the same leaves out
what was shown; a rejection leaves out the title (or the list) turned down; a correction lays the
corrected words over it; a comparison changes one quality (compare.py). Anything said beside the act
("anything else on Netflix", "not that one, something funnier") is parsed and laid over it as a
refinement (followup.overlay). Starting over parses what follows as a fresh request. A conversation
that began with one title ("tell me about Ratatouille", then "any others") asks for titles like it
(followup.base).
"""

from __future__ import annotations

from collections.abc import Callable

from voicerec.state.sessions import Turn
from voicerec.types import Act, Query
from voicerec.understand import compare, followup
from voicerec.understand.acts import Heard

Parse = Callable[[str], Query]
_TAKEN = frozenset({"describe", "choose", "seen"})  # acts about one title: its id goes in the query


def query(heard: Heard, turn: Turn | None, parse: Parse) -> tuple[Query, Act]:
    act = Act(kind=heard.kind)
    pick = heard.pick
    if pick is not None:
        act = Act(kind=heard.kind, ref=pick.index, title_id=pick.title["id"], title=pick.title.get("title"))
    if heard.kind in ("close", "help", "greet"):  # a closing that picked a title ("that's the one") names it
        return Query(intent=heard.kind, title=pick.title.get("title") if pick else None), act
    if heard.kind == "reset":
        return (parse(heard.rest) if heard.rest else Query(intent="reset")), act
    if heard.kind in _TAKEN:
        q = Query(intent=heard.kind)  # type: ignore[arg-type]
        if heard.kind == "seen" and turn is not None:  # what to suggest once it is marked: the request again
            q = followup.base(turn).model_copy(update={"intent": "seen"})
        if pick is not None:
            q = q.model_copy(update={"describe_index": pick.index, "title_id": pick.title["id"],
                                     "title": pick.title.get("title")})
            q = q if heard.kind == "seen" else q.model_copy(update={"kind": pick.title.get("kind")})
        return q, act
    if turn is None:
        return parse(heard.rest), act
    base = followup.base(turn)
    if heard.kind == "correct":
        said = parse(heard.rest)
        if said.intent != "recommend":
            return said, act  # "sorry, who directed it": what was said, as it is
        q = followup.overlay(base, said)
        return q, act.model_copy(update={"changed": _changed(base, q)})
    if heard.kind == "compare":
        changed = compare.apply(list(heard.changes), base, turn, heard.rest)
        q = _with_rest(base, heard.rest, parse)
        return q, act.model_copy(update={"changed": changed})
    # more of the same, or a rejection: the next titles, none of those turned down (or, for more, shown)
    gone = ([t["id"] for t in pick.titles] or [pick.title["id"]]) if pick is not None else list(turn.shown)
    if heard.kind == "reject" and pick is None and turn.focus and not heard.unclear:
        gone = [turn.focus["id"]]
    base.exclude_ids = list(dict.fromkeys([*base.exclude_ids, *gone]))
    return _with_rest(base, heard.rest, parse), act


def _with_rest(base: Query, rest: str, parse: Parse) -> Query:
    if not rest:
        return base
    said = parse(rest)
    return followup.overlay(base, said) if said.intent == "recommend" else base


def _changed(before: Query, after: Query) -> list[str]:
    a, b = before.model_dump(), after.model_dump()
    return [k for k in b if a[k] != b[k] and k not in ("exclude_ids", "quiet_words", "mood")]
