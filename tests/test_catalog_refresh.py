"""`voicerec catalog refresh` against a TMDB stand-in served by the test on 127.0.0.1 (tests/tmdb_server.py).

Every refresh here runs for real: HTTP to the stand-in, the mapping, a copy of the real catalog.db
written and swapped in, and the Assistant answering from it. Nothing leaves this machine."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from tmdb_server import API_KEY, PROVIDERS, TOKEN, Fixture, StandIn

from voicerec.catalog.store import Catalog
from voicerec.catalog.tmdb.journal import journal_path
from voicerec.catalog.tmdb.run import refresh
from voicerec.config import Settings, TMDBSettings
from voicerec.errors import CatalogError
from voicerec.vocab.services import service_for, service_name

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _no_vector_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOICEREC_EMBED_CACHE", "")  # new titles' vectors stay in the test's catalogue


def tmdb(url: str, **kw) -> TMDBSettings:
    return TMDBSettings(**{"token": TOKEN, "api_base": url, "max_rps": 1000, **kw})


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def copy_catalog(src: Path, dst: Path) -> Path:
    dst.write_bytes(src.read_bytes())
    return dst


def assistant_for(db: Path, tmp: Path, region: str):
    from voicerec.assistant import Assistant

    return Assistant(Settings(catalog_path=db, state_dir=tmp / "state", region=region, embeddings=False))


def availability(db: Path, region: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT key, title_id, service, as_of, here FROM availability WHERE region = ? "
                            "ORDER BY key, service", (region,)).fetchall()
    finally:
        conn.close()


def keys_of(db: Path) -> dict[str, str]:
    """title id → TMDB key."""
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT title_id, key FROM tmdb_titles").fetchall())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def fixture(catalog_path: Path) -> Fixture:
    return Fixture.generate(catalog=catalog_path)


@pytest.fixture(scope="module")
def fr(tmp_path_factory: pytest.TempPathFactory, catalog_path: Path, fixture: Fixture) -> tuple[Path, dict]:
    """The real catalogue refreshed for France from the stand-in (every title streaming there)."""
    db = copy_catalog(catalog_path, tmp_path_factory.mktemp("fr") / "catalog.db")
    with StandIn(fixture) as server:
        report = refresh(db, tmdb(server.url), "FR", max_titles=1000)
    return db, report


# --- a refreshed region answers from what TMDB says streams there ------------------------------------

def test_every_french_only_title_is_found_and_said_to_be_on_its_french_services(fr, fixture, tmp_path) -> None:
    db, report = fr
    assert report["written"] and report["failed"] == 0 and report["titles"]["after"] > 250
    french_only = [t for t in fixture.streaming("FR") if "US" not in t.providers]
    assert len(french_only) > 150
    a = assistant_for(db, tmp_path, "FR")
    names = dict(PROVIDERS["FR"])
    for t in french_only:
        answer = a.answer(f"where can I watch {t.title}")
        assert answer.results and answer.results[0].title == t.title, (t.title, answer.reply)
        expected = {service_for(p, names[p]) for p in t.providers["FR"]}
        assert set(answer.results[0].services) == expected, (t.title, answer.results[0].services)
        assert all(service_name(s) in answer.reply for s in expected), answer.reply
        assert "as of" in answer.reply and set(answer.results[0].available_as_of.values()) == {date.today().isoformat()}


def test_a_service_filter_answers_only_with_what_tmdb_says_streams_on_it_there(fr, fixture, tmp_path) -> None:
    db, _ = fr
    a = assistant_for(db, tmp_path, "FR")
    key = keys_of(db)
    for request, provider in (("a comedy on netflix", 8), ("anything on canal plus", 381),
                              ("a drama on cine plus ocs", 1967), ("a thriller on amazon prime", 119)):
        answer = a.answer(request)
        assert answer.results, request
        for r in answer.results:
            t = fixture.titles[key[r.id]]  # every suggestion is a title TMDB listed ...
            assert provider in t.providers["FR"], (request, r.title, t.providers)  # ... on that service in France
    suggested = {r.id for q in ("a comedy", "a thriller", "something funny") for r in a.answer(q).results}
    assert suggested and all(fixture.titles[key[i]].providers.get("FR") for i in suggested)  # nothing US-only


def test_a_second_refresh_changes_nothing(fr, fixture, tmp_path) -> None:
    db = copy_catalog(fr[0], tmp_path / "catalog.db")
    before = sha(db)
    with StandIn(fixture) as server:
        report = refresh(db, tmdb(server.url), "FR", max_titles=1000)
        assert server.count("movie/changes") and server.count("discover/")  # an incremental run ...
        assert _details(server) == 0 and server.count("tv/") > 0  # ... checks where titles are, asks no facts again
    assert not report["written"] and sha(db) == before
    assert not journal_path(db, "FR").exists()


# --- errors: one line, nothing written ---------------------------------------------------------------

def _cli(args: list[str], env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from voicerec import cli

    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        code = cli.main(args)
    finally:
        for k, v in old.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_bad_token_exits_with_one_line_and_leaves_the_catalogue_byte_for_byte(fixture, catalog_path, tmp_path,
                                                                                capsys) -> None:
    db = copy_catalog(catalog_path, tmp_path / "catalog.db")
    before = sha(db)
    with StandIn(fixture) as server:
        env = {"VOICEREC_CATALOG_PATH": str(db), "VOICEREC_TMDB__TOKEN": "not-the-token",
               "VOICEREC_TMDB__API_BASE": server.url, "VOICEREC_EMBEDDINGS": "false"}
        code, _, err = _cli(["catalog", "refresh", "--region", "FR"], env, capsys)
        assert server.count() == 1  # stopped at the first answer
    assert code != 0 and err.count("\n") == 1 and "401" in err and "tmdb.token" in err, err
    assert "not-the-token" not in err and "Traceback" not in err
    assert sha(db) == before and not journal_path(db, "FR").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog.db"]


@pytest.mark.parametrize("base, setting", [("http://127.0.0.1:9/3", "tmdb.api_base"), ("ftp://example.org/3", "tmdb.api_base")])
def test_a_bad_url_exits_with_one_line_naming_the_setting(catalog_path, tmp_path, capsys, base, setting) -> None:
    db = copy_catalog(catalog_path, tmp_path / "catalog.db")
    before = sha(db)
    env = {"VOICEREC_CATALOG_PATH": str(db), "VOICEREC_TMDB__TOKEN": TOKEN, "VOICEREC_TMDB__API_BASE": base}
    code, _, err = _cli(["catalog", "refresh"], env, capsys)
    assert code != 0 and err.count("\n") == 1 and setting in err and "Traceback" not in err, err
    assert sha(db) == before and sorted(p.name for p in tmp_path.iterdir()) == ["catalog.db"]


def test_the_api_key_form_works_and_no_credentials_is_one_line(fixture, catalog_path, tmp_path) -> None:
    db = copy_catalog(catalog_path, tmp_path / "catalog.db")
    with StandIn(fixture) as server:
        report = refresh(db, TMDBSettings(api_key=API_KEY, api_base=server.url, max_rps=1000), "GB", max_titles=30)
        assert all(q.get("api_key") == API_KEY for _, q, _ in server.log)
    assert report["written"] and report["titles"]["after"] == 30
    with pytest.raises(CatalogError, match="tmdb.token"):
        refresh(db, TMDBSettings(api_base="http://127.0.0.1:9/3"), "GB")


# --- a good client --------------------------------------------------------------------------------

def test_rate_limiting_is_survived_without_a_failed_title(fixture, catalog_path, tmp_path) -> None:
    calm, busy = (copy_catalog(catalog_path, tmp_path / f"{n}.db") for n in ("calm", "busy"))
    with StandIn(fixture) as server:
        refresh(calm, tmdb(server.url), "GB", max_titles=60)
    with StandIn(fixture, burst=25, retry_after=1) as server:
        report = refresh(busy, tmdb(server.url, concurrency=8), "GB", max_titles=60)
        assert server.count(status=429) > 0
    assert report["rate_limited"] > 0 and report["failed"] == 0
    assert availability(busy, "GB") == availability(calm, "GB")


def test_server_errors_are_asked_again(fixture, catalog_path, tmp_path) -> None:
    db = copy_catalog(catalog_path, tmp_path / "catalog.db")
    with StandIn(fixture, fail_every=7) as server:
        report = refresh(db, tmdb(server.url), "GB", max_titles=40)
        assert server.count(status=500) >= 4
    assert report["failed"] == 0 and report["titles"]["after"] == 40


def test_a_title_that_leaves_a_service_between_two_refreshes(catalog_path, tmp_path) -> None:
    fx = Fixture.generate(catalog=catalog_path)
    both = next(t for t in fx.streaming("FR", 8) if len(t.providers["FR"]) == 2 and "US" not in t.providers)
    only = next(t for t in fx.streaming("FR", 8) if t.providers["FR"] == [8] and "US" not in t.providers)
    db = copy_catalog(catalog_path, tmp_path / "catalog.db")
    with StandIn(fx) as server:
        refresh(db, tmdb(server.url), "FR", max_titles=1000)
        a = assistant_for(db, tmp_path, "FR")
        assert a.answer(f"is {both.title} on netflix").reply.startswith(f"Yes, {both.title} is on Netflix")
        fx.leave(both.key, "FR", 8)
        fx.leave(only.key, "FR", 8)
        report = refresh(db, tmdb(server.url), "FR", max_titles=1000)
    assert report["written"] and report["services"]["netflix"]["left"] == 2
    answer = a.answer(f"is {both.title} on netflix")  # the same Assistant: it follows the new file
    assert answer.reply.startswith(f"No, {both.title} isn't on Netflix; you can watch it on"), answer.reply
    assert "netflix" not in answer.results[0].services
    answer = a.answer(f"where can I watch {only.title}")
    assert "isn't on any of the streaming services I know now; it was on Netflix" in answer.reply, answer.reply
    assert all(only.title != r.title for r in a.answer("a film on netflix").results)


def test_an_adult_title_is_never_imported(fixture, catalog_path, tmp_path) -> None:
    db = copy_catalog(catalog_path, tmp_path / "catalog.db")
    adult = next(t for t in fixture.titles.values() if t.adult)
    with StandIn(fixture, leak_adult=True) as server:  # discover lists it whatever include_adult says
        first = refresh(db, tmdb(server.url), "FR", max_titles=40)
        server.changed["movie"].add(adult.id)  # and the changes name it
        refresh(db, tmdb(server.url), "FR", max_titles=40)
        assert all(q.get("include_adult") == "false" for p, q, _ in server.log if p.startswith("discover/"))
    assert first["adult_dropped"] >= 1
    conn = sqlite3.connect(db)
    try:
        assert not conn.execute("SELECT 1 FROM titles WHERE title = ?", (adult.title,)).fetchone()
        assert not conn.execute("SELECT 1 FROM tmdb_titles WHERE key = ?", (adult.key,)).fetchone()
        assert not conn.execute("SELECT 1 FROM availability WHERE key = ?", (adult.key,)).fetchone()
    finally:
        conn.close()


def test_an_interrupted_refresh_resumes_where_it_stopped(fixture, catalog_path, tmp_path) -> None:
    """Ctrl+C twice: the first stops after the titles in flight, the second at once; the next run
    fetches only what is missing and ends where an uninterrupted run ends."""
    db, whole = (copy_catalog(catalog_path, tmp_path / n) for n in ("catalog.db", "whole.db"))
    before = sha(db)
    with StandIn(fixture, delay_s=0.05) as server:
        env = {**os.environ, "VOICEREC_CATALOG_PATH": str(db), "VOICEREC_TMDB__TOKEN": TOKEN,
               "VOICEREC_TMDB__API_BASE": server.url, "VOICEREC_TMDB__CONCURRENCY": "2",
               "VOICEREC_TMDB__MAX_RPS": "1000", "VOICEREC_EMBEDDINGS": "false", "VOICEREC_EMBED_CACHE": ""}
        proc = subprocess.Popen([sys.executable, "-m", "voicerec.cli", "catalog", "refresh", "--region", "FR",
                                 "--max-titles", "200"], env=env, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while _details(server) < 40 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        err = proc.communicate(timeout=60)[1]
        first = _details(server)
        assert proc.returncode == 130, err
        assert "Traceback" not in err and "again" in err.splitlines()[-1], err
        assert sha(db) == before and journal_path(db, "FR").exists()
        report = refresh(db, tmdb(server.url), "FR", max_titles=200)
        second = _details(server) - first
    assert report["resumed"] >= 30 and report["written"]
    assert second <= report["listed"] - report["resumed"] + 2  # what was journaled is not asked again
    with StandIn(fixture) as server:
        refresh(whole, tmdb(server.url), "FR", max_titles=200)
    assert availability(db, "FR") == availability(whole, "FR")
    assert not journal_path(db, "FR").exists()


def _details(server: StandIn) -> int:
    return sum(1 for p, q, st in list(server.log) if "append_to_response" in q and st == 200)


def test_the_assistant_answers_during_a_refresh_and_follows_the_new_catalogue(fixture, catalog_path, tmp_path) -> None:
    """What the daemon and the Wyoming server do: one Assistant answering while `catalog refresh`
    runs in another process, then answering from the new catalog.db without a restart."""
    db = copy_catalog(catalog_path, tmp_path / "catalog.db")
    a = assistant_for(db, tmp_path, "FR")
    french = max((t for t in fixture.streaming("FR", 381) if "US" not in t.providers), key=lambda t: t.popularity)
    assert not a.answer(f"where can I watch {french.title}").results
    with StandIn(fixture, delay_s=0.02) as server:
        env = {**os.environ, "VOICEREC_CATALOG_PATH": str(db), "VOICEREC_TMDB__TOKEN": TOKEN,
               "VOICEREC_TMDB__API_BASE": server.url, "VOICEREC_TMDB__MAX_RPS": "1000", "VOICEREC_EMBEDDINGS": "false",
               "VOICEREC_EMBED_CACHE": ""}
        proc = subprocess.Popen([sys.executable, "-m", "voicerec.cli", "catalog", "refresh", "--region", "FR",
                                 "--max-titles", "200"], env=env, stderr=subprocess.PIPE, stdout=subprocess.PIPE,
                                text=True)
        answered = 0
        while proc.poll() is None:
            answer = a.answer("a comedy from the nineties")
            assert answer.results and answer.reply
            answered += 1
        out, err = proc.communicate()
    assert proc.returncode == 0, err
    assert answered >= 5 and "catalog.db replaced" in out
    answer = a.answer(f"where can I watch {french.title}")
    assert answer.results and answer.results[0].title == french.title and "Canal+" in answer.reply


def test_the_wyoming_server_answers_during_a_refresh_and_then_from_the_new_catalogue(fixture, catalog_path, tmp_path,
                                                                                     monkeypatch) -> None:
    """The real `voicerec wyoming` process (the front-end a timer-driven refresh runs beside): every
    request during the refresh is handled, and afterwards it answers from the refreshed file, unrestarted."""
    from test_wyoming import Server, ask, run
    from wyoming.handle import Handled

    db = copy_catalog(catalog_path, tmp_path / "catalog.db")
    french = max((t for t in fixture.streaming("FR", 381) if "US" not in t.providers), key=lambda t: t.popularity)
    monkeypatch.setenv("VOICEREC_REGION", "FR")  # the server's environment
    (tmp_path / "wyoming").mkdir()
    server = Server(tmp_path / "wyoming", db)
    try:
        assert french.title not in run(ask(server, f"where can I watch {french.title}", "before")).data["text"]
        with StandIn(fixture, delay_s=0.02) as tmdb_server:
            env = {**os.environ, "VOICEREC_CATALOG_PATH": str(db), "VOICEREC_TMDB__TOKEN": TOKEN,
                   "VOICEREC_TMDB__API_BASE": tmdb_server.url, "VOICEREC_TMDB__MAX_RPS": "1000",
                   "VOICEREC_EMBEDDINGS": "false", "VOICEREC_EMBED_CACHE": "", "VOICEREC_REGION": "FR"}
            proc = subprocess.Popen([sys.executable, "-m", "voicerec.cli", "catalog", "refresh", "--max-titles", "150"],
                                    env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            handled = 0
            while proc.poll() is None:
                answer = run(ask(server, "a comedy from the nineties", f"during-{handled}"))
                assert Handled.is_type(answer.type) and answer.data["text"], answer
                handled += 1
            assert proc.wait() == 0, proc.stderr.read() if proc.stderr else ""
        assert handled >= 2
        after = Handled.from_event(run(ask(server, f"where can I watch {french.title}", "after"))).text
        assert after.startswith(f"You can watch {french.title} on") and "Canal+" in after, after
        assert server.proc.poll() is None  # the same process all along
    finally:
        server.stop()


# --- the region setting --------------------------------------------------------------------------

def test_a_region_no_refresh_has_reached_claims_nothing(catalog_path, tmp_path) -> None:
    a = assistant_for(catalog_path, tmp_path, "FR")
    answer = a.answer("where can I watch Inception")
    assert answer.results and "don't know where Inception streams in France" in answer.reply
    assert all(not r.services for q in ("a comedy", "a comedy on netflix") for r in a.answer(q).results)
    assert Catalog(catalog_path, "US").view is None  # US without a refresh: the shipped listings, as before


def test_a_us_refresh_supersedes_the_shipped_listings(fixture, catalog_path, tmp_path) -> None:
    db = copy_catalog(catalog_path, tmp_path / "catalog.db")
    with StandIn(fixture) as server:
        refresh(db, tmdb(server.url), "US", max_titles=80)
    shipped, fresh = Catalog(catalog_path), Catalog(db, "US")
    unseen = "ts4"  # Breaking Bad: on Netflix in the shipped listings, not in this refresh
    assert unseen not in keys_of(db)
    assert shipped.title(unseen).services and not fresh.title(unseen).services
    assert fresh.availability(unseen).was_on == shipped.availability(unseen).on  # where it was, as of then
    assert set(fresh.services()) <= {"netflix", "prime", "disney", "hulu", "hbo", "paramount", "apple", "peacock"}


def test_stats_and_a_rebuild_keep_what_was_refreshed(fr, tmp_path) -> None:
    from voicerec.catalog.build import build_catalog
    from voicerec.catalog.stats import catalog_stats

    data = tmp_path / "data"
    (data / "justwatch").mkdir(parents=True)
    (data / "justwatch" / "apple_tv_plus_titles_2023.csv").write_bytes(
        (ROOT / "data" / "catalog" / "justwatch" / "apple_tv_plus_titles_2023.csv").read_bytes())
    db = copy_catalog(fr[0], tmp_path / "catalog.db")
    stats = catalog_stats(db)
    assert stats["regions"]["FR"]["titles"] == fr[1]["titles"]["after"] and "JustWatch" in stats["attribution"]
    before = availability(db, "FR")
    report = build_catalog(data, db, strict=False)  # a rebuild from other data: the refresh is carried
    assert report["refreshed_regions"] == ["FR"]
    after = availability(db, "FR")
    assert len(after) == len(before)
    assert {(k, s, d, h) for k, _, s, d, h in after} == {(k, s, d, h) for k, _, s, d, h in before}
    a = assistant_for(db, tmp_path, "FR")
    assert a.answer("anything on canal plus").results


def test_new_titles_get_vectors(fixture, catalog_path, tmp_path) -> None:
    from voicerec.assistant import catalog_embedder

    db = copy_catalog(catalog_path, tmp_path / "catalog.db")
    with StandIn(fixture) as server:
        report = refresh(db, tmdb(server.url), "GB", max_titles=25, embedder=catalog_embedder())
    conn = sqlite3.connect(db)
    try:
        own = conn.execute("SELECT count(*) FROM titles WHERE id GLOB 'tmdb-*'").fetchone()[0]
        with_vec = conn.execute("SELECT count(*) FROM embeddings WHERE title_id GLOB 'tmdb-*'").fetchone()[0]
    finally:
        conn.close()
    assert own == report["own_titles"] > 0 and with_vec == own and report["embedded"] == own


def test_cli_summary_is_one_line_and_json_has_the_report(fixture, catalog_path, tmp_path, capsys) -> None:
    db = copy_catalog(catalog_path, tmp_path / "catalog.db")
    with StandIn(fixture) as server:
        env = {"VOICEREC_CATALOG_PATH": str(db), "VOICEREC_TMDB__TOKEN": TOKEN, "VOICEREC_TMDB__API_BASE": server.url,
               "VOICEREC_TMDB__MAX_RPS": "1000", "VOICEREC_EMBEDDINGS": "false", "VOICEREC_REGION": "GB"}
        code, out, err = _cli(["catalog", "refresh", "--max-titles", "20"], env, capsys)
        assert code == 0 and "fetching GB" in err and "20/" in err
        assert out.count("\n") == 1 and "refresh GB: 20 titles" in out and "JustWatch" in out, out
        code, out, _ = _cli(["catalog", "refresh", "--max-titles", "20", "--json"], env, capsys)
    report = json.loads(out)
    assert code == 0 and report["region"] == "GB" and not report["written"]
    assert threading.active_count() < 20


# --- the weekly timer -------------------------------------------------------------------------------

SYSTEMD = ROOT / "systemd"


def test_the_refresh_unit_is_sandboxed_like_the_daemon_with_only_tmdb_out(tmp_path) -> None:
    import shutil

    unit = (SYSTEMD / "voicerec-refresh.service").read_text()
    settings = [line for line in unit.splitlines() if "=" in line and not line.startswith("#")]
    assert "IPAddressDeny=any" in settings and "IPAddressAllow=localhost" in settings
    assert "ExecStartPre=+/opt/voicerec/systemd/refresh-allow.sh" in settings  # adds tmdb.api_base's addresses only
    assert "User=voicerec" in settings and "ExecStart=/opt/voicerec/.venv/bin/voicerec catalog refresh" in settings
    assert "EnvironmentFile=/etc/voicerec/tmdb.env" in settings  # the token never sits in config.toml
    timer = (SYSTEMD / "voicerec-refresh.timer").read_text()
    assert "OnCalendar=weekly" in timer
    install = (SYSTEMD / "install.sh").read_text()
    assert '[ "$REFRESH" -eq 1 ] && "$PREFIX/systemd/install-refresh.sh"' in install and "REFRESH=0" in install
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    p = subprocess.run([analyze, "security", "--offline=yes", "--no-pager", str(SYSTEMD / "voicerec-refresh.service")],
                       capture_output=True, text=True, timeout=120)
    score = float(p.stdout.rsplit("Overall exposure level for voicerec-refresh.service: ", 1)[1].split()[0])
    assert score <= 2.0, p.stdout[-2000:]


# --- the vocabulary and the mapping: general, not shaped to the fixture ---------------------------------

def test_services_are_parsed_from_the_registry_and_local_words_only_where_the_catalogue_has_them() -> None:
    from voicerec.understand.rules import RuleParser
    from voicerec.vocab.services import Spoken

    plain = RuleParser()
    assert plain.parse("a comedy on canal plus").services == ["canal"]
    assert plain.parse("something on bbc iplayer").services == ["bbc"]
    assert plain.parse("anything good on now").services == []  # "now" is a time, unless the catalogue has NOW
    assert plain.parse("a drama on now tv").services == ["now"]
    uk = RuleParser(services=Spoken(["netflix", "now", "bbc", "itv"]))
    assert uk.parse("anything good on now").services == ["now"]
    assert uk.parse("a crime drama on itv").services == ["itv"]
    assert plain.parse("a comedy on netflix").services == ["netflix"]  # the shipped seven as before


def test_providers_map_by_name_then_id_and_unknown_ones_are_learned() -> None:
    from voicerec.catalog.tmdb.mapping import providers_from
    from voicerec.vocab.services import service_keys

    answer = {"results": [
        {"provider_id": 4242, "provider_name": "Netflix", "display_priorities": {"DE": 1}},  # another id, same name
        {"provider_id": 381, "provider_name": "Some Renamed Service", "display_priority": 2},  # Canal+'s id, new name
        {"provider_id": 9999, "provider_name": "Joyn Plus+", "display_priority": 3},  # a tier of a known one
        {"provider_id": 9998, "provider_name": "Kinoklub Ö+", "display_priority": 3},
        {"provider_id": 777, "provider_name": "Filmtastic Amazon Channel", "display_priority": 4},
        {"provider_id": 582, "provider_name": "Paramount+ Amazon Channel", "display_priority": 5},
    ]}
    got = {p.id: p.service for p in providers_from([answer], "DE")}
    assert got[4242] == "netflix" and got[381] == "canal" and got[582] == "paramount"
    assert got[9999] == "joyn" and got[9998] == "kinoklub-o-plus" and got[777] == "filmtastic-amazon-channel"
    from voicerec.vocab.services import learn, service_name

    learn("filmtastic-amazon-channel", "Filmtastic Amazon Channel")
    assert service_name("filmtastic-amazon-channel") == "Filmtastic Amazon Channel"
    assert "filmtastic-amazon-channel" in service_keys()


def test_genres_and_certificates_map_from_any_list() -> None:
    from voicerec.catalog.tmdb.mapping import Lists, title_from

    lists = Lists.from_answers("DE", [{"genres": [{"id": 5001, "name": "Comedy"}, {"id": 5002, "name": "Sci-Fi & Fantasy"},
                                                  {"id": 5003, "name": "Animation"}]}],
                               {"movie": {"certifications": {"DE": [{"certification": "0", "meaning": "", "order": 1},
                                                                    {"certification": "FSK 16", "meaning": "", "order": 4},
                                                                    {"certification": "Frei", "meaning": "for all ages",
                                                                     "order": 0}]}}})
    base = {"id": 1, "title": "Ein Film", "genre_ids": [5001, 5002], "origin_country": ["DE"]}
    t = title_from({**base, "release_dates": {"results": [
        {"iso_3166_1": "DE", "release_dates": [{"certification": "FSK 16", "type": 3}]}]}}, "movie", lists)
    assert t.genres[:3] == ["comedy", "scifi", "fantasy"] and t.min_age == 16 and t.age_cert == "FSK 16"
    t = title_from({**base, "release_dates": {"results": [
        {"iso_3166_1": "DE", "release_dates": [{"certification": "Frei", "type": 3}]}]}}, "movie", lists)
    assert t.min_age == 0
    anime = title_from({**base, "genre_ids": [5003], "origin_country": ["JP"]}, "movie", lists)
    assert anime.genres == ["animation", "anime"]
    assert title_from({**base, "adult": True}, "movie", lists) is None


def test_region_and_tmdb_settings_are_checked(tmp_path) -> None:
    from voicerec.errors import ConfigError

    cfg = tmp_path / "config.toml"
    cfg.write_text('region = "fr"\n[tmdb]\ntoken = "secret-token"\n')
    cfg.chmod(0o644)
    with pytest.raises(ConfigError, match="chmod 600"):  # a token makes the file secret
        Settings.load(cfg)
    cfg.chmod(0o600)
    s = Settings.load(cfg)
    assert s.region == "FR" and s.tmdb.token.get_secret_value() == "secret-token"
    assert "secret-token" not in json.dumps(s.redacted())
    cfg.write_text('region = "Frankreich"\n')
    with pytest.raises(ConfigError, match="bad setting region"):
        Settings.load(cfg)


def test_privacy_says_what_a_refresh_sends_and_attributes_tmdb(tmp_path, capsys) -> None:
    env = {"VOICEREC_TMDB__TOKEN": "do-not-print-me", "VOICEREC_REGION": "FR", "VOICEREC_STATE_DIR": str(tmp_path)}
    code, out, _ = _cli(["privacy", "--json"], env, capsys)
    report = json.loads(out)
    assert code == 0 and "do-not-print-me" not in out
    assert report["summary"].startswith("Nothing leaves this machine, except when `voicerec catalog refresh` runs")
    refresh_item = next(s for s in report["sent"] if s.get("when") == "catalog refresh")
    assert refresh_item["to"] == "https://api.themoviedb.org/3" and "(FR)" in refresh_item["what"]
    assert "not endorsed or certified by TMDB" in report["attribution"] and "JustWatch" in report["attribution"]
    code, out, _ = _cli(["privacy"], {"VOICEREC_STATE_DIR": str(tmp_path)}, capsys)
    assert out.startswith("Nothing leaves this machine.") and "Data: " in out  # no credentials: nothing sent
