"""catalog build: the real CSVs → catalog.db (merging, vocabularies, repairs, atomic failure)."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from voicerec.catalog import vocab
from voicerec.catalog.build import build_catalog, is_stale
from voicerec.catalog.schema import SCHEMA_VERSION
from voicerec.catalog.stats import catalog_stats
from voicerec.errors import CatalogError, ModelError
from voicerec.types import GENRES, SERVICES

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "catalog"


def _csv(rel: str) -> list[dict[str, str]]:
    with (DATA / rel).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A fresh full build from the shipped CSVs (no embeddings)."""
    db = tmp_path_factory.mktemp("catalog") / "catalog.db"
    report = build_catalog(DATA, db)
    return db, report


@pytest.fixture(scope="session")
def conn(built: tuple[Path, dict]) -> sqlite3.Connection:
    c = sqlite3.connect(f"file:{built[0]}?mode=ro", uri=True, check_same_thread=False)
    c.row_factory = sqlite3.Row
    return c


def _row(conn: sqlite3.Connection, tid: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM titles WHERE id = ?", (tid,)).fetchone()
    assert row is not None, tid
    return row


# --- size and shape -----------------------------------------------------------------------------

def test_catalogue_has_20000_titles_from_7_services(built: tuple[Path, dict]) -> None:
    db, report = built
    stats = catalog_stats(db)
    assert report["titles"] == stats["titles"] >= 20_000
    assert all(stats["per_service"][s] > 100 for s in SERVICES), stats["per_service"]
    assert set(stats["per_kind"]) == {"movie", "show"}
    assert stats["per_kind"]["movie"] > stats["per_kind"]["show"] > 5_000
    assert sum(stats["per_genre"].values()) > stats["titles"]
    share = stats["share"]
    assert share["description"] > 0.95 and share["runtime"] > 0.8
    assert 0.5 < share["rating"] < 1 and 0.5 < share["people"] < 1


def test_ids_unique_kinds_valid_and_each_source_row_used_once(conn: sqlite3.Connection) -> None:
    assert conn.execute("SELECT count(*) - count(DISTINCT id) FROM titles").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM titles WHERE kind NOT IN ('movie', 'show')").fetchone()[0] == 0
    seen: set[str] = set()
    for (sources,) in conn.execute("SELECT sources FROM titles"):
        for src in json.loads(sources):
            assert src not in seen, src
            seen.add(src)
    # every shivamb row and every (service, snapshot, id) JustWatch row lands somewhere
    assert sum(1 for s in seen if s.startswith("shivamb:")) == 8807 + 9668 + 1450 + 3073


def test_masks_match_json_columns(conn: sqlite3.Connection) -> None:
    for row in conn.execute("SELECT genres, genre_mask, services, service_mask, was_on FROM titles LIMIT 3000"):
        genres, services = json.loads(row["genres"]), json.loads(row["services"])
        assert set(genres) <= set(GENRES) and set(services) <= set(SERVICES)
        assert services or json.loads(row["was_on"])  # on a service now, or on one before
        assert row["genre_mask"] == sum(1 << GENRES.index(g) for g in genres)
        assert row["service_mask"] == sum(1 << SERVICES.index(s) for s in services)


# --- merging ------------------------------------------------------------------------------------

def test_justwatch_id_on_four_services_is_one_row(conn: sqlite3.Connection) -> None:
    rows = conn.execute("SELECT * FROM titles WHERE norm_title = 'catch me if you can' AND year = 2002").fetchall()
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == "tm111828" and row["kind"] == "movie"
    # on the services whose newest listing has it; the others had it in an older listing
    newest = {"netflix": "netflix_titles_2023", "prime": "amazon_prime_titles", "hbo": "hbo_max_titles_2023",
              "paramount": "paramount_plus_titles_2023", "disney": "disney_plus_titles_2023", "hulu": "hulu_titles"}
    on = [s for s in SERVICES if s in newest and any(r["id"] == "tm111828" for r in _csv(f"justwatch/{newest[s]}.csv"))]
    listed = {src.split(":")[1] for src in json.loads(row["sources"])}
    assert json.loads(row["services"]) == on and {"netflix", "prime", "hbo", "paramount"} <= listed
    assert row["service_mask"] == sum(1 << SERVICES.index(s) for s in on)
    assert set(json.loads(row["was_on"])) == listed - set(on)


def test_shivamb_and_justwatch_netflix_rows_merge(conn: sqlite3.Connection) -> None:
    row = _row(conn, "tm157121")  # The Interview (2014): JustWatch Netflix + shivamb Netflix and Hulu
    sources = json.loads(row["sources"])
    assert "shivamb:netflix:2021-09:s179" in sources and "shivamb:hulu:2021-10:s304" in sources
    assert any(s.startswith("justwatch:netflix:") for s in sources)
    assert {s.split(":")[1] for s in sources} == {"netflix", "hulu"}
    assert set(json.loads(row["services"])) | set(json.loads(row["was_on"])) == {"netflix", "hulu"}
    assert conn.execute("SELECT count(*) FROM titles WHERE norm_title = 'the interview' AND year = 2014").fetchone()[0] == 1
    shivamb = next(r for r in _csv("shivamb/netflix_titles.csv") if r["show_id"] == "s179")
    # cast/director/country/date added come from shivamb; scores from JustWatch
    assert json.loads(row["cast"])[0] == shivamb["cast"].split(",")[0].strip()
    assert row["date_added"] and row["imdb_score"] is not None and row["votes"] > 100_000
    assert json.loads(row["countries"]) == ["US"]


def test_shivamb_only_titles_get_prefixed_ids(conn: sqlite3.Connection) -> None:
    for prefix in ("nf-s", "pr-s", "dp-s", "hu-s"):
        assert conn.execute("SELECT count(*) FROM titles WHERE id LIKE ?", (prefix + "%",)).fetchone()[0] > 100


def test_a_show_listed_with_its_latest_season_year_is_one_title(conn: sqlite3.Connection) -> None:
    # shivamb lists Breaking Bad as 2013 (its last season), JustWatch as 2008: one title, both sources
    rows = conn.execute("SELECT * FROM titles WHERE norm_title = 'breaking bad' AND kind = 'show'").fetchall()
    assert len(rows) == 1, [dict(r) for r in rows]
    assert rows[0]["year"] == 2008 and "shivamb:netflix:2021-09:s5941" in json.loads(rows[0]["sources"])
    # ... but a show of the same name whose years do not fit stays apart (Shameless UK 2004 / US 2011)
    years = {r[0] for r in conn.execute("SELECT year FROM titles WHERE norm_title = 'shameless' AND kind = 'show'")}
    assert {2004, 2011} <= years


def test_distinct_titles_sharing_a_name_stay_apart(conn: sqlite3.Connection) -> None:
    # 'Sergio' (2020): a drama and a documentary, two JustWatch ids on Netflix
    assert conn.execute("SELECT count(*) FROM titles WHERE norm_title = 'sergio' AND year = 2020").fetchone()[0] == 2
    # 'What If' (2019): two different Netflix shows in shivamb
    assert conn.execute(
        "SELECT count(*) FROM titles WHERE norm_title = 'what if' AND year = 2019 AND kind = 'show'").fetchone()[0] >= 2


def test_newest_snapshot_wins(conn: sqlite3.Connection) -> None:
    old = {r["id"]: r for r in _csv("justwatch/netflix_titles.csv")}
    checked = 0
    for new in _csv("justwatch/netflix_titles_2023.csv"):
        before = old.get(new["id"])
        if before and new["imdb_votes"] and before["imdb_votes"] and new["imdb_votes"] != before["imdb_votes"]:
            row = _row(conn, new["id"])
            assert row["votes"] == int(float(new["imdb_votes"])), new["id"]
            checked += 1
            if checked >= 20:
                break
    assert checked == 20


def test_field_missing_in_newest_snapshot_comes_from_older(conn: sqlite3.Connection) -> None:
    old = {r["id"]: r for r in _csv("justwatch/paramount_plus_titles.csv")}
    new = next(r for r in _csv("justwatch/paramount_plus_titles_2023.csv")
               if not r["imdb_score"] and r["id"] in old and old[r["id"]]["imdb_score"])
    assert _row(conn, new["id"])["imdb_score"] == float(old[new["id"]]["imdb_score"])
    old = {r["id"]: r for r in _csv("justwatch/netflix_titles.csv")}
    new = next(r for r in _csv("justwatch/netflix_titles_2023.csv")
               if not r["age_certification"] and old.get(r["id"], {}).get("age_certification"))
    assert _row(conn, new["id"])["age_cert"] == old[new["id"]]["age_certification"]


# --- repairs ------------------------------------------------------------------------------------

def test_damaged_id_is_repaired(conn: sqlite3.Connection) -> None:
    row = _row(conn, "ts86205")
    assert row["title"] == "Starhunter ReduX" and row["kind"] == "show"
    assert conn.execute("SELECT count(*) FROM titles WHERE id = 's86205'").fetchone()[0] == 0


def test_mojibake_is_fixed(conn: sqlite3.Connection) -> None:
    assert "fast—except Harold" in _row(conn, "tm674374")["description"]
    assert "marathon — and" in _row(conn, "tm935941")["description"]
    assert "\ufffd" not in _row(conn, "tm101684")["description"]
    assert "one’s a little boy" in _row(conn, "ts291963")["description"]
    bad = conn.execute(
        "SELECT count(*) FROM titles WHERE title || description || \"cast\" || directors"
        " GLOB '*[\ufffd]*' OR description LIKE '%â€%' OR title LIKE '%â€%' OR \"cast\" LIKE '%Ã%'").fetchone()[0]
    assert bad == 0
    assert conn.execute("SELECT count(*) FROM people WHERE name = 'Jordi Mollà'").fetchone()[0] == 1


def test_upstream_duplicate_ids_and_junk_names_dropped(conn: sqlite3.Connection) -> None:
    row = _row(conn, "tm89134")  # listed twice in justwatch/amazon_prime_titles.csv
    assert json.loads(row["sources"]).count("justwatch:prime:2022-07:tm89134") == 1
    assert conn.execute(
        "SELECT count(*) FROM people WHERE name LIKE '%\\_%' ESCAPE '\\' OR name = 'Not Available'").fetchone()[0] == 0


def test_duration_in_rating_column(conn: sqlite3.Connection) -> None:
    src = next(r for r in _csv("shivamb/hulu_titles.csv") if r["rating"].endswith(" min") and not r["duration"])
    row = conn.execute("SELECT * FROM titles WHERE sources LIKE ?", (f'%"shivamb:hulu:2021-10:{src["show_id"]}"%',)).fetchone()
    assert row["age_cert"] != src["rating"]
    if row["id"].startswith("hu-"):  # shivamb-only: runtime comes from that column
        assert row["runtime"] == int(src["rating"].split()[0]) and row["min_age"] is None


def test_shivamb_show_seasons(conn: sqlite3.Connection) -> None:
    src = next(r for r in _csv("shivamb/netflix_titles.csv")
               if r["duration"] == "4 Seasons" and r["show_id"] and r["type"] == "TV Show")
    row = conn.execute("SELECT * FROM titles WHERE sources LIKE ?", (f'%"shivamb:netflix:2021-09:{src["show_id"]}"%',)).fetchone()
    assert row["kind"] == "show" and row["seasons"] is not None
    if row["id"].startswith("nf-"):
        assert row["seasons"] == 4 and row["runtime"] is None


# --- vocabularies -------------------------------------------------------------------------------

def test_every_genre_label_in_the_data_is_mapped_or_listed_as_non_genre() -> None:
    missing = set()
    for path in sorted((DATA / "shivamb").glob("*.csv")):
        for r in _csv(f"shivamb/{path.name}"):
            missing |= {lb for lb in vocab.split_shivamb_labels(r["listed_in"]) if lb not in vocab.SHIVAMB_GENRES}
    for path in sorted((DATA / "justwatch").glob("*_titles*.csv")):
        for r in _csv(f"justwatch/{path.name}"):
            for g in r["genres"].strip("[]").replace("'", "").split(","):
                if g.strip() and g.strip() not in vocab.JUSTWATCH_GENRES:
                    missing.add(g.strip())
    assert not missing
    for genres in list(vocab.SHIVAMB_GENRES.values()) + list(vocab.JUSTWATCH_GENRES.values()):
        assert set(genres) <= set(GENRES)


@pytest.mark.parametrize(("label", "genres"), [
    ("Sci-Fi & Fantasy", ["scifi", "fantasy"]), ("Stand-Up Comedy", ["standup", "comedy"]),
    ("Anime Features", ["anime", "animation"]), ("Children & Family Movies", ["family", "kids"]),
    ("Docuseries", ["documentary"]), ("TV Thrillers", ["thriller"]), ("Romantic Movies", ["romance"]),
    ("Kids' TV", ["kids"]), ("Korean TV Shows", []), ("Suspense", ["thriller"]),
    ("Military and War", ["war"]), ("Action-Adventure", ["action", "adventure"]),
    ("Science Fiction", ["scifi"]), ("Game Show / Competition", ["reality"]), ("Unscripted", ["reality"]),
    ("Adult Animation", ["animation"]), ("Cartoons", ["animation", "kids"]), ("Sitcom", ["comedy"]),
    ("International Movies", []), ("Independent Movies", []), ("TV Shows", []),
])
def test_shivamb_genre_mapping(label: str, genres: list[str]) -> None:
    assert vocab.canonical_genres([label], "shivamb") == genres


def test_justwatch_genre_mapping_and_comma_label() -> None:
    assert vocab.canonical_genres(["documentation", "european", "scifi", "sport"], "justwatch") == [
        "documentary", "scifi", "sport"]
    assert vocab.split_shivamb_labels("Arts, Entertainment, and Culture, Comedy") == [
        "Arts, Entertainment, and Culture", "Comedy"]


@pytest.mark.parametrize(("cert", "age"), [
    ("G", 0), ("TV-G", 0), ("TV-Y", 0), ("ALL", 0), ("ALL_AGES", 0), ("PG", 7), ("TV-PG", 7),
    ("TV-Y7", 7), ("TV-Y7-FV", 7), ("7+", 7), ("PG-13", 13), ("TV-14", 13), ("13+", 13), ("R", 16),
    ("16+", 16), ("16", 16), ("AGES_16_", 16), ("NC-17", 18), ("TV-MA", 18), ("18+", 18), ("AGES_18_", 18),
    ("NR", None), ("TV-NR", None), ("UR", None), ("UNRATED", None), ("NOT RATED", None), ("NOT_RATE", None),
    ("", None), (None, None), ("74 min", None), ("1 Season", None),
])
def test_min_age(cert: str | None, age: int | None) -> None:
    assert vocab.min_age(cert) == age


def test_every_certificate_in_the_data_is_known() -> None:
    certs = {r["rating"] for p in sorted((DATA / "shivamb").glob("*.csv")) for r in _csv(f"shivamb/{p.name}")}
    certs |= {r["age_certification"] for p in sorted((DATA / "justwatch").glob("*_titles*.csv"))
              for r in _csv(f"justwatch/{p.name}")}
    unknown = {c for c in certs if vocab.clean_cert(c) and vocab.clean_cert(c) not in vocab._AGE}
    assert not unknown


def test_country_names_map_to_iso() -> None:
    assert vocab.country_codes(["United States", "South Korea", "West Germany", "Soviet Union", "Atlantis"]) == [
        "US", "KR", "DE", "SU"]
    assert vocab.country_codes(["SUHH", "XX", "gb", "Lebanon", "United States of America"]) == ["SU", "GB", "LB", "US"]
    names = {c.strip() for p in sorted((DATA / "shivamb").glob("*.csv"))
             for r in _csv(f"shivamb/{p.name}") for c in r["country"].split(",") if c.strip()}
    assert {n for n in names if vocab.country_code(n) is None} == set()


def test_countries_and_age_in_rows(conn: sqlite3.Connection) -> None:
    rows = conn.execute("SELECT countries FROM titles WHERE countries != '[]'").fetchall()
    assert len(rows) > 25_000
    assert all(len(c) == 2 and c.isupper() for r in rows for c in json.loads(r["countries"]))
    kr = conn.execute("SELECT count(*) FROM title_countries WHERE country = 'KR'").fetchone()[0]
    assert kr > 300
    n_json = sum(len(json.loads(r["countries"])) for r in rows)
    assert conn.execute("SELECT count(*) FROM title_countries").fetchone()[0] == n_json
    for cert, age in conn.execute("SELECT DISTINCT age_cert, min_age FROM titles WHERE age_cert IS NOT NULL"):
        assert vocab.min_age(cert) == age


# --- people, search, scores ---------------------------------------------------------------------

def test_credits_keep_billing_order_and_people_counts(conn: sqlite3.Connection) -> None:
    # an HBO title known only from JustWatch: cast comes from hbo_max_credits.csv, in file order
    row = conn.execute(
        "SELECT * FROM titles WHERE sources NOT LIKE '%shivamb%' AND sources LIKE '%justwatch:hbo:2022-07%'"
        " AND \"cast\" != '[]' ORDER BY id LIMIT 1").fetchone()
    actors = [r["name"] for r in _csv("justwatch/hbo_max_credits.csv") if r["id"] == row["id"] and r["role"] == "ACTOR"]
    assert json.loads(row["cast"]) == list(dict.fromkeys(actors))
    names = [r[0] for r in conn.execute(
        "SELECT p.name FROM credits c JOIN people p ON p.id = c.person_id"
        " WHERE c.title_id = ? AND c.role = 'actor' ORDER BY c.ord", (row["id"],))]
    assert names == json.loads(row["cast"])
    bad = conn.execute(
        "SELECT count(*) FROM people p WHERE n_titles != (SELECT count(DISTINCT title_id) FROM credits WHERE person_id = p.id)"
    ).fetchone()[0]
    assert bad == 0
    assert conn.execute("SELECT n_titles FROM people WHERE name = 'Samuel L. Jackson'").fetchone()[0] > 30


def test_fts_index_finds_titles_and_descriptions(conn: sqlite3.Connection) -> None:
    hits = conn.execute(
        "SELECT t.id FROM titles_fts f JOIN titles t ON t.rowid = f.rowid WHERE titles_fts MATCH ?",
        ('"catch me if you can"',)).fetchall()
    assert "tm111828" in {h[0] for h in hits}
    assert conn.execute("SELECT count(*) FROM titles_fts WHERE titles_fts MATCH 'heist'").fetchone()[0] > 50


def test_quality_is_a_bayesian_average(conn: sqlite3.Connection) -> None:
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    c, m = float(meta["mean_rating"]), float(meta["vote_prior"])
    assert 5.5 < c < 7.5 and m > 100 and meta["schema_version"] == str(SCHEMA_VERSION)
    for row in conn.execute("SELECT rating, votes, imdb_score, quality FROM titles WHERE votes > 0 AND imdb_score IS NOT NULL LIMIT 500"):
        v, r = row["votes"], row["rating"]
        assert row["quality"] == pytest.approx((v * r + m * c) / (v + m), abs=1e-3)
    unrated = conn.execute("SELECT DISTINCT quality FROM titles WHERE rating IS NULL").fetchall()
    assert len(unrated) == 1 and unrated[0][0] < c
    top = conn.execute("SELECT id, votes FROM titles ORDER BY quality DESC LIMIT 20").fetchall()
    assert all(t["votes"] and t["votes"] > m for t in top)
    assert "ts4" in {t["id"] for t in top}  # Breaking Bad


# --- staleness, determinism, failures -----------------------------------------------------------

def _copy_data(dst: Path, files: list[str] | None = None) -> Path:
    if files is None:
        shutil.copytree(DATA, dst)
    else:
        for rel in files:
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(DATA / rel, dst / rel)
    return dst


SUBSET = ["justwatch/hulu_titles.csv", "justwatch/hulu_credits.csv", "shivamb/hulu_titles.csv",
          "justwatch/apple_tv_plus_titles_2023.csv"]


def _dump(db: Path) -> list[str]:
    c = sqlite3.connect(db)
    try:
        return [line for line in c.iterdump() if "built_at" not in line]
    finally:
        c.close()


def test_subset_build_is_deterministic_and_staleness(tmp_path: Path) -> None:
    data = _copy_data(tmp_path / "data", SUBSET)
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    with pytest.raises(CatalogError, match="missing"):
        build_catalog(data, a)  # strict by default: the shipped set is incomplete here
    assert is_stale(data, a)
    orphan = tmp_path / ".a.db.building-4194999"  # left by a killed build (no such pid)
    orphan.write_bytes(b"half a database")
    build_catalog(data, a, strict=False)
    assert not orphan.exists()
    build_catalog(data, b, strict=False)
    assert _dump(a) == _dump(b)
    assert catalog_stats(a)["per_service"]["apple"] == 170
    assert not is_stale(data, a)
    os.utime(data / SUBSET[0], (a.stat().st_mtime + 10, a.stat().st_mtime + 10))
    assert is_stale(data, a)
    assert is_stale(data, tmp_path / "missing.db")


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_failed_build_leaves_existing_catalogue_untouched(tmp_path: Path, built: tuple[Path, dict]) -> None:
    existing = tmp_path / "catalog.db"
    shutil.copy2(built[0], existing)
    before = _sha(existing)
    data = _copy_data(tmp_path / "data")
    (data / "justwatch" / "hulu_credits.csv").unlink()
    with pytest.raises(CatalogError) as e1:
        build_catalog(data, existing)
    assert "hulu_credits.csv" in str(e1.value) and "\n" not in str(e1.value)

    shutil.copy2(DATA / "justwatch" / "hulu_credits.csv", data / "justwatch" / "hulu_credits.csv")
    with (data / "justwatch" / "netflix_titles_2023.csv").open("a", encoding="utf-8", newline="") as fh:
        fh.write('tm1,"broken row",MOVIE\r\n')
    with pytest.raises(CatalogError) as e2:
        build_catalog(data, existing)
    assert "netflix_titles_2023.csv:" in str(e2.value) and "\n" not in str(e2.value)

    (data / "justwatch" / "netflix_titles_2023.csv").write_bytes(b"\xff\xfe garbage\n")
    with pytest.raises(CatalogError, match="not UTF-8"):
        build_catalog(data, existing)

    with pytest.raises(CatalogError, match="not found"):
        build_catalog(tmp_path / "nowhere", existing)
    assert _sha(existing) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog.db", "data"]


def test_stats_on_missing_catalogue_is_a_catalog_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="catalog build"):
        catalog_stats(tmp_path / "none.db")


def test_failure_while_writing_removes_the_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure after the tables are written (here: the embedding model file is missing) keeps the old file."""
    import voicerec.catalog.embeddings as embeddings
    from voicerec.rank.embed import Embedder

    data = _copy_data(tmp_path / "data", SUBSET)
    existing = tmp_path / "catalog.db"
    build_catalog(data, existing, strict=False)
    before = _sha(existing)
    # nothing to reuse, so the model must run: no seed vectors, no cache
    monkeypatch.setattr(embeddings, "SEED_PATH", tmp_path / "no-seed.sqlite")
    monkeypatch.setenv("VOICEREC_EMBED_CACHE", "")
    with pytest.raises(ModelError, match="cannot load embedding model"):
        build_catalog(data, existing, embedder=Embedder(model_path=tmp_path / "missing.onnx"), strict=False)
    assert _sha(existing) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog.db", "data"]


def test_name_parts_carry_a_fame_prior(conn: sqlite3.Connection) -> None:
    """A surname or a famous first name points to the best-known person who has it."""
    def best(part: str) -> str:
        return conn.execute("SELECT p.name FROM name_parts n JOIN people p ON p.id = n.person_id WHERE n.part = ? "
                            "ORDER BY n.fame DESC LIMIT 1", (part,)).fetchone()[0]

    assert best("keanu") == "Keanu Reeves" and best("spielberg") == "Steven Spielberg"
    assert best("kubrick") == "Stanley Kubrick"
    unknown = conn.execute("SELECT count(*) FROM name_parts WHERE fame = 0").fetchone()[0]
    assert unknown == 0  # only people with credits in well-known titles are looked up by one word
