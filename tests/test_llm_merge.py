"""Merging the LLM's Query onto the built-in parse, and clamping LLM answers: table-driven."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from voicerec.types import Query
from voicerec.understand import llm_schema
from voicerec.understand.merge import merge

Q = Query
CATALOGUE_TITLES = {"stranger things": "Stranger Things", "the office": "The Office"}
CATALOGUE_PEOPLE = {"adam sandler": "Adam Sandler"}


def resolve_title(name: str) -> str | None:
    return CATALOGUE_TITLES.get(name.lower())


def resolve_person(name: str) -> str | None:
    return CATALOGUE_PEOPLE.get(name.lower())


MERGES: list[tuple[str, Query, Query | None, dict[str, Any]]] = [
    ("no llm: rules as they are", Q(year_min=1990, mood="cosy"), None, {"year_min": 1990, "mood": "cosy"}),
    ("rules' numbers win", Q(year_min=1990, year_max=1999, runtime_max=120),
     Q(year_min=2000, year_max=2009, runtime_max=90), {"year_min": 1990, "year_max": 1999, "runtime_max": 120}),
    ("llm fills empty numbers", Q(year_min=1990), Q(runtime_max=100, max_age=7, seasons_max=1),
     {"year_min": 1990, "runtime_max": 100, "max_age": 7, "seasons_max": 1}),
    ("llm bound that empties a range is dropped", Q(year_min=2010), Q(year_max=1999),
     {"year_min": 2010, "year_max": None}),
    ("llm bound that keeps a range is kept", Q(year_min=1990), Q(year_max=1999),
     {"year_min": 1990, "year_max": 1999}),
    ("rules' kind wins", Q(kind="show"), Q(kind="movie"), {"kind": "show"}),
    ("llm fills kind", Q(), Q(kind="movie"), {"kind": "movie"}),
    ("llm 'movie' against rules' seasons becomes a show", Q(seasons_max=1), Q(kind="movie"),
     {"kind": "show", "seasons_max": 1}),
    ("llm seasons against rules' movie are dropped", Q(kind="movie"), Q(seasons_max=2),
     {"kind": "movie", "seasons_max": None}),
    ("rules' genres win", Q(genres=["comedy"]), Q(genres=["drama"]), {"genres": ["comedy"]}),
    ("llm fills genres", Q(), Q(genres=["drama", "crime"]), {"genres": ["drama", "crime"]}),
    ("exclusions are a union", Q(exclude_genres=["horror"]), Q(exclude_genres=["romance"]),
     {"exclude_genres": ["horror", "romance"]}),
    ("llm cannot exclude what rules asked for", Q(genres=["comedy"]), Q(exclude_genres=["comedy", "horror"]),
     {"genres": ["comedy"], "exclude_genres": ["horror"]}),
    ("llm genres the rules excluded are dropped", Q(exclude_genres=["horror"]), Q(genres=["horror", "thriller"]),
     {"genres": ["thriller"], "exclude_genres": ["horror"]}),
    ("boosts are a union minus exclusions", Q(boost_genres=["comedy"], exclude_genres=["drama"]),
     Q(boost_genres=["drama", "family"]), {"boost_genres": ["comedy", "family"]}),
    ("llm cannot exclude a rules boost", Q(boost_genres=["comedy"]), Q(exclude_genres=["comedy"]),
     {"boost_genres": ["comedy"], "exclude_genres": []}),
    ("rules' services and countries win", Q(services=["netflix"], countries=["KR"]),
     Q(services=["hulu"], countries=["JP"]), {"services": ["netflix"], "countries": ["KR"]}),
    ("llm fills services and countries", Q(), Q(services=["hulu"], countries=["JP"]),
     {"services": ["hulu"], "countries": ["JP"]}),
    ("rules' mood wins", Q(mood="rainy evening"), Q(mood="cosy"), {"mood": "rainy evening"}),
    ("llm fills mood", Q(), Q(mood="about space"), {"mood": "about space"}),
    ("rules' sort wins", Q(sort="rating"), Q(sort="newest"), {"sort": "rating"}),
    ("llm fills sort", Q(), Q(sort="popularity"), {"sort": "popularity"}),
    ("unverified llm title is dropped", Q(), Q(title="Something Funny"), {"title": None}),
    ("verified llm title is kept, spelled as the catalogue", Q(), Q(title="stranger things"),
     {"title": "Stranger Things"}),
    ("rules' title wins", Q(title="The Office"), Q(title="stranger things"), {"title": "The Office"}),
    ("no llm title next to a similar_to", Q(similar_to="tm1"), Q(title="stranger things"),
     {"title": None, "similar_to": "tm1"}),
    ("llm people only when the catalogue knows them", Q(), Q(people=["adam sandler", "Nobody Atall"]),
     {"people": ["Adam Sandler"]}),
    ("rules' people win", Q(people=["Meryl Streep"]), Q(people=["adam sandler"]), {"people": ["Meryl Streep"]}),
    ("rules' exclude_ids and describe_index stay", Q(exclude_ids=["tm1"], describe_index=2), Q(genres=["drama"]),
     {"exclude_ids": ["tm1"], "describe_index": 2}),
    ("describe turns are the rules' alone", Q(intent="describe", describe_index=1), Q(genres=["drama"]),
     {"intent": "describe", "genres": []}),
    ("out of domain by the rules stays", Q(intent="out_of_domain"), Q(genres=["drama"]),
     {"intent": "out_of_domain", "genres": []}),
    ("llm may flag out of domain when rules found only mood", Q(mood="weather tomorrow"),
     Q(intent="out_of_domain"), {"intent": "out_of_domain", "mood": "weather tomorrow"}),
    ("llm may not flag out of domain over a rules constraint", Q(kind="movie"),
     Q(intent="out_of_domain"), {"intent": "recommend", "kind": "movie"}),
    ("avoid_genres stay the rules'", Q(avoid_genres=["horror"]), Q(), {"avoid_genres": ["horror"]}),
]


@pytest.mark.parametrize(("rules", "llm", "expect"), [m[1:] for m in MERGES], ids=[m[0] for m in MERGES])
def test_merge(rules: Query, llm: Query | None, expect: dict[str, Any]) -> None:
    before = (rules.model_copy(deep=True), llm.model_copy(deep=True) if llm else None)
    out = merge(rules, llm, resolve_title=resolve_title, resolve_person=resolve_person)
    for name, value in expect.items():
        assert getattr(out, name) == value, name
    assert (rules, llm) == before  # pure: inputs untouched


@pytest.mark.parametrize(("rules", "llm"), [m[1:3] for m in MERGES], ids=[m[0] for m in MERGES])
def test_merge_never_drops_a_rules_constraint(rules: Query, llm: Query | None) -> None:
    out = merge(rules, llm, resolve_title=resolve_title, resolve_person=resolve_person)
    for name in ("kind", "year_min", "year_max", "runtime_min", "runtime_max", "seasons_min",
                 "seasons_max", "max_age", "title", "similar_to", "describe_index", "min_rating"):
        if getattr(rules, name) is not None:
            assert getattr(out, name) == getattr(rules, name), name
    for name in ("genres", "exclude_genres", "services", "countries", "people", "exclude_ids"):
        assert set(getattr(rules, name)) <= set(getattr(out, name)), name
    assert not set(out.genres) & set(out.exclude_genres)


def test_merge_without_resolvers_keeps_no_llm_names() -> None:
    out = merge(Q(), Q(title="stranger things", people=["adam sandler"]))
    assert out.title is None and out.people == []


# --- clamping an LLM's answer ----------------------------------------------------------------

NEXT_YEAR = dt.date.today().year + 1
CLAMPS: list[tuple[str, Any, dict[str, Any]]] = [
    ("not an object", [1, 2], {}),
    ("empty object", {}, {"genres": [], "kind": None, "intent": "recommend", "sort": "relevance"}),
    ("genre synonyms and unknowns", {"genres": ["Sci-Fi", "gardening", "Romantic", 3, None]},
     {"genres": ["scifi", "romance"]}),
    ("genres as a string", {"genres": "comedy, drama"}, {"genres": ["comedy", "drama"]}),
    ("excluded genres leave genres", {"genres": ["horror", "comedy"], "exclude_genres": ["horror"]},
     {"genres": ["comedy"], "exclude_genres": ["horror"]}),
    ("services by spoken name", {"services": ["Disney+", "Prime Video", "myspace", "HBO Max"]},
     {"services": ["disney", "prime", "hbo"]}),
    ("countries: codes, names, demonyms; junk dropped", {"countries": ["kr", "UK", "French", "ZZ", "Atlantis"]},
     {"countries": ["KR", "GB", "FR"]}),
    ("years in range", {"year_min": 1990, "year_max": "2005"}, {"year_min": 1990, "year_max": 2005}),
    ("years out of range dropped", {"year_min": 1850, "year_max": 3000}, {"year_min": None, "year_max": None}),
    ("next year allowed", {"year_min": NEXT_YEAR}, {"year_min": NEXT_YEAR}),
    ("reversed range is ordered", {"year_min": 2005, "year_max": 1995}, {"year_min": 1995, "year_max": 2005}),
    ("runtimes", {"runtime_min": -90, "runtime_max": 100.4}, {"runtime_min": None, "runtime_max": 100}),
    ("runtime too long", {"runtime_max": 601}, {"runtime_max": None}),
    ("seasons", {"seasons_min": 0, "seasons_max": 101}, {"seasons_min": None, "seasons_max": None}),
    ("age", {"max_age": 5}, {"max_age": 5}),
    ("age out of range", {"max_age": 21}, {"max_age": None}),
    ("booleans are not numbers", {"year_min": True, "max_age": False}, {"year_min": None, "max_age": None}),
    ("nan and inf", {"runtime_max": float("nan"), "runtime_min": float("inf")},
     {"runtime_max": None, "runtime_min": None}),
    ("kind words", {"kind": "Series"}, {"kind": "show"}),
    ("unknown kind", {"kind": "podcast"}, {"kind": None}),
    ("unknown sort", {"sort": "random"}, {"sort": "relevance"}),
    ("intent only out_of_domain or recommend", {"intent": "describe"}, {"intent": "recommend"}),
    ("out of domain", {"intent": "out_of_domain"}, {"intent": "out_of_domain"}),
    ("mood capped and cleaned", {"mood": "cosy <b>rainy</b> " + "x" * 500}, {"mood_len": llm_schema.MAX_MOOD}),
    ("people capped, junk dropped", {"people": ["Adam Sandler", "", "123", "adam sandler", 5]},
     {"people": ["Adam Sandler"]}),
    ("title without letters dropped", {"title": "!!!"}, {"title": None}),
    ("extra keys ignored", {"base_url": "http://evil.invalid", "api_key": "x", "genres": ["drama"]},
     {"genres": ["drama"]}),
]


@pytest.mark.parametrize(("data", "expect"), [c[1:] for c in CLAMPS], ids=[c[0] for c in CLAMPS])
def test_to_query(data: Any, expect: dict[str, Any]) -> None:
    q = llm_schema.to_query(data)
    if not isinstance(data, dict):
        assert q is None
        return
    assert isinstance(q, Query)
    for name, value in expect.items():
        if name == "mood_len":
            assert len(q.mood) <= value and q.mood.startswith("cosy b rainy")
        else:
            assert getattr(q, name) == value, name


@pytest.mark.parametrize(("content", "ok"), [
    ('{"genres": ["drama"]}', True), ('```json\n{"genres": []}\n```', True),
    ("Here you go: {\"kind\": \"movie\"} hope it helps", True), ("", False), ("no json", False),
    ('{"genres": ["dra', False), (None, False),
])
def test_loads(content: str | None, ok: bool) -> None:
    if ok:
        assert isinstance(llm_schema.loads(content), dict)
    else:
        with pytest.raises(ValueError):
            llm_schema.loads(content)


def test_schema_is_capped() -> None:
    """Every string and list in the schema sent to the server has a cap; no extra keys allowed."""
    schema = llm_schema.json_schema()
    assert schema["additionalProperties"] is False

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "string":
                assert "enum" in node or "maxLength" in node, node
            if node.get("type") == "array":
                assert "maxItems" in node, node
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(schema)
    assert set(schema["properties"]) <= set(Query.model_fields)
