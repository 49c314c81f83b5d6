"""Feasibility of the request bank against catalog.db: can a CORRECT answer exist for each line?

For every single request (tests/bank/src/requests.jsonl and moods.jsonl, or the files given), the
title-level checks of check_requests.py are turned into one SQL query over `titles`
(kind, genres any/none/all, years, runtime, seasons, countries, people, services, rating, min_age,
text_any on title + description) plus `title_words_none` on the normalised title, and the titles
that pass all of them are counted. A line is reported when fewer than max(3, min_results) titles
are feasible (an error), or fewer than `--margin` (default 6: a thin line, warned).

`--strict` counts against what the cleaned catalogue (issue 14) is expected to say, to keep a
margin for that work: services only from each service's newest listing; a genre only when at least
half of the title's source rows carry it (plus `anime` for Japanese animation); same-name titles of
one kind counted once.

Question lines (a `fact` field) are checked against the best-known catalogue row of their
`first_title`: the fact must be true of that row, and one of `reply_any` must state it.
Conversation lines: every title named in a `titles` field must exist.

Usage: python scripts/bank_feasible.py [FILES...] [--db catalog.db] [--strict] [--margin 6] [--all]
Exit status 1 when any line is infeasible or any fact is wrong.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILES = [
    "tests/bank/src/requests.jsonl",
    "tests/bank/src/conversations.jsonl",
    "tests/bank/src/questions.jsonl",
    "tests/bank/src/moods.jsonl",
]
TITLE_LEVEL = {"kind", "genres_any", "genres_none", "genres_all", "year_min", "year_max", "runtime_min",
               "runtime_max", "seasons_max", "country_any", "person_any", "service_any", "rating_min",
               "min_age_max", "text_any", "title_words_none", "not_title", "sorted_by_score"}

def norm(s: str | None) -> str:
    """The checker's normal form: lower-case ASCII words separated by single spaces."""
    s = unicodedata.normalize("NFKD", s or "").encode("ascii", "ignore").decode().lower()
    return " ".join("".join(c if c.isalnum() else " " for c in s).split())


class Catalogue:
    def __init__(self, db: Path, strict: bool) -> None:
        self.conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        self.conn.create_function("norm", 1, norm, deterministic=True)
        self.strict = strict
        self.genres: dict[str, list[str]] = {}
        self.services: dict[str, list[str]] = {}
        if strict:
            self._strict_labels()

    def _strict_labels(self) -> None:
        newest: dict[str, str] = {}
        rows = self.conn.execute("select id, sources, genres, countries from titles").fetchall()
        for _, sources, _, _ in rows:
            for s in json.loads(sources):
                fam, service, snap, _ = s.split(":", 3)
                newest[service] = max(newest.get(service, ""), snap)
        records = _source_genres()
        for tid, sources, genres, countries in rows:
            srcs = [s.split(":", 3) for s in json.loads(sources)]
            self.services[tid] = sorted({svc for _, svc, snap, _ in srcs if snap == newest[svc]})
            if records is None:
                continue
            votes: Counter[str] = Counter()
            n = 0
            for fam, svc, snap, sid in srcs:
                g = records.get((fam, svc, snap, sid))
                if g is not None:
                    n += 1
                    votes.update(set(g))
            kept = [g for g in json.loads(genres) if n == 0 or votes[g] * 2 >= n]
            if "animation" in kept and "JP" in json.loads(countries) and "anime" not in kept:
                kept.append("anime")
            self.genres[tid] = kept

    def feasible(self, checks: dict) -> list[tuple]:
        """Rows (id, title, kind, year, rating) passing every title-level check."""
        where, args = ["1"], []
        c = checks
        if "kind" in c:
            where.append("t.kind = ?")
            args.append(c["kind"])
        for key, op, col in (("year_min", ">=", "year"), ("year_max", "<=", "year"),
                             ("runtime_min", ">=", "runtime"), ("runtime_max", "<=", "runtime"),
                             ("seasons_max", "<=", "seasons"), ("rating_min", ">=", "rating"),
                             ("min_age_max", "<=", "min_age")):
            if key in c:
                where.append(f"t.{col} is not null and t.{col} {op} ?")
                args.append(c[key])
        if c.get("sorted_by_score"):
            where.append("t.rating >= 7.0")
        if "country_any" in c:
            where.append(f"exists (select 1 from json_each(t.countries) j where j.value in ({_qs(c['country_any'])}))")
            args += c["country_any"]
        if "person_any" in c:
            names = [norm(n) for n in c["person_any"]]
            where.append("exists (select 1 from json_each(t.\"cast\") j where norm(j.value) in "
                         f"({_qs(names)}) union all select 1 from json_each(t.directors) j "
                         f"where norm(j.value) in ({_qs(names)}))")
            args += names + names
        if "not_title" in c:
            banned = [norm(x) for x in c["not_title"]]
            where.append(f"norm(t.title) not in ({_qs(banned)})")
            args += banned
        if "text_any" in c:
            ors = " or ".join("instr(lower(t.title || ' ' || t.description), ?) > 0" for _ in c["text_any"])
            where.append(f"({ors})")
            args += [w.lower() for w in c["text_any"]]
        if not self.strict:
            if "genres_any" in c:
                where.append(f"exists (select 1 from json_each(t.genres) j where j.value in ({_qs(c['genres_any'])}))")
                args += c["genres_any"]
            if "genres_none" in c:
                where.append(f"not exists (select 1 from json_each(t.genres) j where j.value in ({_qs(c['genres_none'])}))")
                args += c["genres_none"]
            for g in c.get("genres_all", []):
                where.append("exists (select 1 from json_each(t.genres) j where j.value = ?)")
                args.append(g)
            if "service_any" in c:
                where.append(f"exists (select 1 from json_each(t.services) j where j.value in ({_qs(c['service_any'])}))")
                args += c["service_any"]
        sql = f"select t.id, t.title, t.kind, t.year, t.rating, t.votes from titles t where {' and '.join(where)}"
        rows = self.conn.execute(sql, args).fetchall()
        banned_words = {norm(w) for w in c.get("title_words_none", [])}
        if banned_words:
            rows = [r for r in rows if not banned_words & set(norm(r[1]).split())]
        if self.strict:
            rows = [r for r in rows if self._strict_ok(r[0], c)]
            once: dict[tuple, tuple] = {}
            for r in rows:
                once.setdefault((norm(r[1]), r[2]), r)
            rows = list(once.values())
        return rows

    def _strict_ok(self, tid: str, c: dict) -> bool:
        g = set(self.genres.get(tid) or self._genres(tid))
        if "genres_any" in c and not g & set(c["genres_any"]):
            return False
        if "genres_none" in c and g & set(c["genres_none"]):
            return False
        if "genres_all" in c and not set(c["genres_all"]) <= g:
            return False
        return not ("service_any" in c and not set(self.services.get(tid, [])) & set(c["service_any"]))

    def _genres(self, tid: str) -> list[str]:
        return json.loads(self.conn.execute("select genres from titles where id = ?", (tid,)).fetchone()[0])

    def title_rows(self, title: str, kind: str | None = None) -> list[dict]:
        sql = ("select id, title, kind, year, runtime, seasons, services, directors, \"cast\", description, "
               "votes, rating, sources from titles where norm(title) = ?")
        args: list = [norm(title)]
        if kind:
            sql += " and kind = ?"
            args.append(kind)
        cols = ["id", "title", "kind", "year", "runtime", "seasons", "services", "directors", "cast",
                "description", "votes", "rating", "sources"]
        rows = [dict(zip(cols, r, strict=True)) for r in self.conn.execute(sql + " order by coalesce(votes, 0) desc", args)]
        for r in rows:
            for k in ("services", "directors", "cast", "sources"):
                r[k] = json.loads(r[k])
            if self.strict:
                r["services"] = self.services.get(r["id"], [])
        return rows


def _qs(values: list) -> str:
    return ", ".join("?" for _ in values)


def _source_genres() -> dict[tuple, list[str]] | None:
    """(family, service, snapshot, source id) -> canonical genres of that source row."""
    try:
        sys.path.insert(0, str(ROOT))
        from voicerec.catalog.sources import read_justwatch, read_shivamb
    except ImportError:
        print("note: voicerec.catalog.sources not importable; --strict keeps the catalogue's genres")
        return None
    data = ROOT / "data" / "catalog"
    out = {}
    for r in read_justwatch(data / "justwatch") + read_shivamb(data / "shivamb"):
        out[(r.family, r.service, r.snapshot, r.source_id)] = r.genres
    return out


def check_question(cat: Catalogue, line: dict) -> list[str]:
    """The named title exists, its fact is true of the best-known row, and reply_any states it."""
    checks, fact = line["checks"], line.get("fact") or {}
    title = checks["first_title"][0]
    rows = cat.title_rows(title, fact.get("kind"))
    if not rows:
        return [f"no catalogue title {title!r}"]
    r = rows[0]
    errs = []
    said = {norm(x) for x in checks.get("reply_any", [])}
    for key, want in fact.items():
        if key == "kind":
            continue
        if key in ("year", "runtime", "seasons"):
            if r[key] != want:
                errs.append(f"{key}: catalogue says {r[key]}, line says {want}")
            elif str(want) not in said:
                errs.append(f"{key}: reply_any lacks {want}")
        elif key in ("director", "cast"):
            names = r["directors"] if key == "director" else r["cast"]
            if norm(want) not in {norm(n) for n in names}:
                errs.append(f"{key}: {want!r} not in {names[:6]}")
            elif not said & ({norm(want)} | set(norm(want).split()[-1:])):
                errs.append(f"{key}: reply_any does not name {want}")
        elif key == "on":  # {"on": {"netflix": true}}
            for svc, yes in want.items():
                if (svc in r["services"]) != yes:
                    errs.append(f"on {svc}: catalogue services {r['services']}, line says {yes}")
        elif key == "services":
            if set(want) != set(r["services"]):
                errs.append(f"services: catalogue {r['services']}, line {want}")
        elif key == "about":
            low = r["description"].lower()
            missing = [w for w in want if w.lower() not in low]
            if missing:
                errs.append(f"about: description lacks {missing}")
        else:
            errs.append(f"unknown fact {key}")
    if len(rows) > 1 and rows[1]["votes"] and (rows[0]["votes"] or 0) < 10 * rows[1]["votes"]:
        errs.append(f"note: {len(rows)} rows named {title!r}: "
                    + ", ".join(f"{x['kind']} {x['year']} votes={x['votes']}" for x in rows[:3]))
    return errs


def judge(cat: Catalogue, checks: dict, where: str, text: str, margin: int, show_all: bool) -> str:
    """'bad', 'thin' or 'ok' for one set of checks, printing the line unless it is ok (or --all)."""
    rows = cat.feasible(checks)
    need = max(3, checks.get("min_results", 3))
    names = [r[1] for r in rows[:6]]
    if len(rows) < need:
        print(f"ERROR {where}: {len(rows)} feasible < {need}: {text!r} {names}")
        return "bad"
    if len(rows) < margin:
        print(f"THIN  {where}: {len(rows)} feasible: {text!r} {names}")
        return "thin"
    if show_all:
        print(f"ok    {where}: {len(rows)} feasible: {text!r}")
    return "ok"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="*")
    ap.add_argument("--db", default=str(ROOT / "catalog.db"))
    ap.add_argument("--strict", action="store_true")
    ap.add_argument("--margin", type=int, default=6)
    ap.add_argument("--all", action="store_true", help="print the count of every line")
    a = ap.parse_args()
    cat = Catalogue(Path(a.db), a.strict)
    files = a.files or [str(ROOT / f) for f in DEFAULT_FILES]
    verdicts: Counter[str] = Counter()
    total = 0
    for f in files:
        for n, raw in enumerate(open(f), 1):
            if not raw.strip():
                continue
            line = json.loads(raw)
            total += 1
            where = f"{Path(f).name}:{n} {line.get('id', '')}"
            if "turns" in line:
                for t in line.get("titles", []):
                    if not cat.title_rows(t):
                        print(f"ERROR {where}: no catalogue title {t!r}")
                        verdicts["bad"] += 1
                for i, turn in enumerate(line["turns"], 1):
                    if TITLE_LEVEL & turn.get("checks", {}).keys():
                        verdicts[judge(cat, turn["checks"], f"{where} turn {i}", turn["text"], a.margin, a.all)] += 1
                continue
            checks = line.get("checks", {})
            if "fact" in line or "first_title" in checks:
                errs = check_question(cat, line)
                for e in errs:
                    print(f"{'NOTE' if e.startswith('note') else 'ERROR'} {where}: {e}")
                verdicts["bad"] += any(not e.startswith("note") for e in errs)
                continue
            if checks.get("ood") or not TITLE_LEVEL & checks.keys() and "min_results" not in checks:
                continue
            if "relevant" in line:  # a mood line: what its checks allow AND its label calls relevant
                checks = {**line["relevant"], **checks}
            verdicts[judge(cat, checks, where, line["text"], a.margin, a.all)] += 1
    print(f"{total} lines; {verdicts['bad']} infeasible or wrong; {verdicts['thin']} thin (< {a.margin}); "
          f"strict={a.strict}")
    return 1 if verdicts["bad"] else 0


if __name__ == "__main__":
    sys.exit(main())
