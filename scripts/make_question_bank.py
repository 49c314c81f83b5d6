#!/usr/bin/env python3
"""Write tests/bank/questions_dev.jsonl: questions about one title, their checks taken from catalog.db.

Each request below was written by hand with the catalogue id of the title it is about (well-known and
less-known titles, films and shows, speech-recognition spellings, titles that are common words); the
checks come from that title's row, so the bank follows a rebuilt catalogue:
  first_title   that title;  min_results 1
  reply_any     where: its services;  on_service: "yes"/"no" (and reply_none the other);
                director: its directors;  cast: its first three actors;  length: its runtime (film) or
                season count (show);  released: its year;  about: long words of its description
Requests whose title is not in the catalogue expect no results and a reply ("ood").

Usage: .venv/bin/python scripts/make_question_bank.py [--db catalog.db] [--out tests/bank/questions_dev.jsonl]
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voicerec.vocab.places import SERVICE_NAMES  # noqa: E402
from voicerec.vocab.words import UNITS  # noqa: E402

# (id, text, form ("on_service:<the service asked about>"), the catalogue id of the title meant)
BANK: list[tuple[str, str, str, str | None]] = [
    # where can I watch X
    ("where-stranger-things", "where can I watch Stranger Things", "where", "ts38796"),
    ("where-office", "where's the office streaming", "where", "ts21621"),
    ("where-friends", "what service has Friends", "where", "ts21698"),
    ("where-breaking-bad", "where can i stream breaking bad", "where", "ts4"),
    ("where-movie-up", "where can I watch the movie Up", "where", "tm153612"),
    ("where-mandalorian-app", "which app is the mandalorian on", "where", "ts84392"),
    ("where-dark-night", "where to watch the dark night", "where", "tm56184"),
    ("where-talvar", "how can I watch Talvar", "where", "tm219817"),
    ("where-lost-in-space", "where can I find lost in space", "where", "ts77398"),
    ("where-color-purple", "is the color purple streaming anywhere", "where", "tm126527"),
    ("where-odd-man-out", "where do I watch odd man out", "where", "tm94100"),
    ("where-hard-candy", "um where could I stream hard candy", "where", "pr-s2255"),
    # is X on <service>
    ("on-inception-netflix", "is Inception on Netflix", "on_service:netflix", "tm92641"),
    ("on-encanto-hulu", "is Encanto on Hulu", "on_service:hulu", "tm858873"),
    ("on-mentalist-hbo", "can I watch the mentalist on hbo max", "on_service:hbo", "ts21218"),
    ("on-crown-netflix", "does netflix have the crown", "on_service:netflix", "ts42069"),
    ("on-workaholics-paramount", "is workaholics on paramount plus", "on_service:paramount", "ts20672"),
    ("on-taboo-prime", "is taboo on amazon prime", "on_service:prime", "ts42051"),
    ("on-legend-netflix", "can i stream legend on netflix right now", "on_service:netflix", "tm195209"),
    ("on-911-hulu", "is 9-1-1 on Hulu", "on_service:hulu", "ts76876"),
    ("on-missy-disney", "is the wrong missy on disney plus", "on_service:disney", "tm886464"),
    ("on-got-hbo", "is game of throne on hbo", "on_service:hbo", "ts2"),
    ("on-parasite-hulu", "hey is parasite available on hulu", "on_service:hulu", "tm414170"),
    # who directed X
    ("dir-color-purple", "who directed The Color Purple", "director", "tm126527"),
    ("dir-adaptation", "who's the director of Adaptation", "director", "tm116191"),
    ("dir-time-bandits", "who made time bandits", "director", "tm130453"),
    ("dir-her", "who directed the movie her", "director", "nf-s6959"),
    ("dir-inseption", "who directed inseption", "director", "tm92641"),
    ("dir-wrinkle", "who was the director of a wrinkle in time", "director", "tm266646"),
    ("dir-saturday-night-fever", "who directed saturday night fever", "director", "tm97794"),
    ("dir-thirty-minutes", "who directed thirty minutes or less", "director", "tm163842"),
    ("dir-talvar", "who is the director of talvar", "director", "tm219817"),
    ("dir-up", "who directed up", "director", "tm153612"),
    ("dir-it", "who directed It", "director", "tm244208"),
    ("dir-stealing-harvard", "do you know who directed stealing harvard", "director", "tm107901"),
    # who is in X
    ("cast-stranger-thing", "who stars in stranger thing", "cast", "ts38796"),
    ("cast-crown", "who's in the crown", "cast", "ts42069"),
    ("cast-friends", "who is in friends", "cast", "ts21698"),
    ("cast-bloodline", "who plays in bloodline", "cast", "ts18010"),
    ("cast-two-for-money", "what actors are in two for the money", "cast", "tm186683"),
    ("cast-deception", "who is in the cast of deception", "cast", "tm27160"),
    ("cast-saturday-night-fever", "who starred in saturday night fever", "cast", "tm97794"),
    ("cast-upload", "cast of upload", "cast", "ts87778"),
    ("cast-friends-with-money", "who's in friends with money", "cast", "tm29555"),
    ("cast-encanto", "who is in encanto", "cast", "tm858873"),
    ("cast-laal-kaptaan", "who are the actors in laal kaptaan", "cast", "tm813824"),
    ("cast-one-i-love", "who stars in the one i love", "cast", "nf-s8444"),
    # how long is X / how many seasons
    ("len-inception", "how long is inception", "length", "tm92641"),
    ("len-office-seasons", "how many seasons does the office have", "length", "ts21621"),
    ("len-godfather", "how long is the godfather", "length", "tm155580"),
    ("len-mentalist-seasons", "how many seasons of the mentalist are there", "length", "ts21218"),
    ("len-movie-up", "how long is the movie up", "length", "tm153612"),
    ("len-interstellar-runtime", "what's the runtime of interstellar", "length", "tm157099"),
    ("len-stranger-episodes", "how many episodes does stranger things have", "length", "ts38796"),
    ("len-let-it-snow", "how long is let it snow", "length", "tm120072"),
    ("len-jackass-episodes", "how long are the episodes of jackass", "length", "ts21555"),
    ("len-ala-vaikuntha", "how long is ala vaikunthapurramuloo", "length", "tm844250"),
    ("len-workaholics", "how many seasons is workaholics", "length", "ts20672"),
    ("len-titanic-hours", "how many hours is titanic", "length", "tm191110"),
    # what is X about
    ("about-wednesday", "what's wednesday about", "about", "ts274631"),
    ("about-titan", "what's the plot of the titan", "about", "tm368040"),
    ("about-lost-in-space", "what is lost in space about", "about", "ts77398"),
    ("about-mentalist", "tell me about the mentalist", "about", "ts21218"),
    ("about-time-bandits", "what happens in time bandits", "about", "tm130453"),
    ("about-homecoming", "what's homecoming about", "about", "ts81912"),
    ("about-encanto", "what is encanto about", "about", "tm858873"),
    ("about-friends", "what is friends about", "about", "ts21698"),
    ("about-talvar", "what is the story of talvar", "about", "tm219817"),
    ("about-dear-ex", "what's dear ex about", "about", "tm414447"),
    ("about-bio-dome", "give me a summary of bio dome", "about", "tm104194"),
    ("about-sunderland", "what is sunderland til i die about", "about", "ts86296"),
    # when did X come out
    ("rel-dark-night", "when did the dark night come out", "released", "tm56184"),
    ("rel-titanic", "what year did titanic come out", "released", "tm191110"),
    ("rel-saturday-night-fever", "when was saturday night fever released", "released", "tm97794"),
    ("rel-color-purple", "what year is the color purple from", "released", "tm126527"),
    ("rel-stranger-things", "when did stranger things come out", "released", "ts38796"),
    ("rel-jackass", "when did jackass first air", "released", "ts21555"),
    ("rel-miracle", "when was miracle released", "released", "tm90577"),
    ("rel-jaws", "how old is the movie jaws", "released", "nf-s42"),
    ("rel-supergirl-movie", "what year was the supergirl movie made", "released", "tm174462"),
    ("rel-purple-hearts", "release date of purple hearts", "released", "tm1137705"),
    ("rel-upload", "when did upload come out", "released", "ts87778"),
    ("rel-odd-man-out", "in what year was odd man out released", "released", "tm94100"),
    # not in the catalogue
    ("nf-zorblax", "who directed zorblax the destroyer", "not_found", None),
    ("nf-mandelbrot", "where can I watch the mandelbrot heist", "not_found", None),
    ("nf-quizzleflop", "how long is quizzleflop", "not_found", None),
    ("nf-grumblewick", "is grumblewick on netflix", "not_found", None),
]

_NUMBER_WORDS = {n: w for w, n in UNITS.items() if w not in ("a", "an")}


def facts(conn: sqlite3.Connection, tid: str) -> dict:
    row = conn.execute('SELECT title, kind, year, runtime, seasons, services, directors, "cast", description '
                       "FROM titles WHERE id = ?", (tid,)).fetchone()
    if row is None:
        raise SystemExit(f"{tid}: not in the catalogue")
    keys = ("title", "kind", "year", "runtime", "seasons", "services", "directors", "cast", "description")
    f = dict(zip(keys, row, strict=True))
    for k in ("services", "directors", "cast"):
        f[k] = json.loads(f[k])
    return f


def checks(form: str, f: dict) -> dict:
    c: dict = {"first_title": [f["title"]], "min_results": 1}
    form, _, service = form.partition(":")
    if form == "where":  # a title on no service now: the answer says it isn't, and where it was
        c["reply_any"] = [SERVICE_NAMES[s] for s in f["services"]] or ["isn't on", "was on"]
    elif form == "on_service":
        yes = service in f["services"]
        c["reply_any"] = ["yes"] if yes else ["no"]
        c["reply_none"] = ["No"] if yes else ["Yes"]
    elif form == "director":
        c["reply_any"] = f["directors"][:3]
    elif form == "cast":
        c["reply_any"] = f["cast"][:3]
    elif form == "length":
        if f["kind"] == "show":
            n = f["seasons"]
            noun = "season" if n == 1 else "seasons"
            c["reply_any"] = [f"{_NUMBER_WORDS.get(n, n)} {noun}", f"{n} {noun}"]
        else:
            h, m = divmod(f["runtime"], 60)
            c["reply_any"] = [str(f["runtime"]), f"{_NUMBER_WORDS.get(h, h)} hours and {m} minutes",
                              f"an hour and {m} minutes", f"{_NUMBER_WORDS.get(h, h)} hours"]
    elif form == "released":
        c["reply_any"] = [str(f["year"])]
    elif form == "about":
        first = re.split(r"(?<=[.!?])\s", f["description"])[0]
        c["reply_any"] = [w for w in dict.fromkeys(re.findall(r"[A-Za-z]{7,}", first))][:5]
    return c


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(ROOT / "catalog.db"))
    ap.add_argument("--out", default=str(ROOT / "tests" / "bank" / "questions_dev.jsonl"))
    a = ap.parse_args()
    conn = sqlite3.connect(f"file:{a.db}?mode=ro", uri=True)
    lines = []
    for rid, text, form, tid in BANK:
        c = {"ood": True} if tid is None else checks(form, facts(conn, tid))
        lines.append(json.dumps({"id": f"q-{rid}", "text": text, "form": form.split(":")[0], "checks": c}))
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text("\n".join(lines) + "\n")
    print(f"{len(lines)} requests → {a.out}")


if __name__ == "__main__":
    main()
