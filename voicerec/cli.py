"""Command line: argument parsing only; every command is a few lines over the library."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import wave
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from voicerec.config import Settings
from voicerec.errors import VoicerecError

log = logging.getLogger("voicerec")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="voicerec", description="A local-first voice recommender for the living room.")
    p.add_argument("--config", help="a config.toml read after /etc/voicerec and ~/.config/voicerec")
    p.add_argument("--debug", action="store_true", help="debug logging (includes transcripts)")
    sub = p.add_subparsers(dest="command", required=True)

    def answer_opts(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--json", action="store_true", help="print the answer as JSON (see CONTRACT.md)")
        sp.add_argument("--session", help="keep the conversation under this name, for follow-ups")
        sp.add_argument("--speak", action="store_true", help="say the reply through the speakers")
        sp.add_argument("--out", help="write the spoken reply to this WAV file")

    sp = sub.add_parser("ask", help="answer a typed request")
    answer_opts(sp)
    sp.add_argument("text", nargs="*", help="the request, e.g. -- a light comedy from the 2000s")
    sp = sub.add_parser("listen", help="answer a recorded request (WAV/FLAC/OGG/MP3)")
    answer_opts(sp)
    sp.add_argument("file")
    sub.add_parser("run", help="the daemon: push-to-talk, microphone, speakers")
    sp = sub.add_parser("wyoming", help="serve Home Assistant's Assist over the Wyoming protocol")
    sp.add_argument("--uri", help="tcp://HOST:PORT or unix://PATH (default: [wyoming] uri, tcp://127.0.0.1:10700)")
    sp = sub.add_parser("ptt", help="press or release push-to-talk on the running daemon")
    sp.add_argument("action", choices=["press", "release", "toggle", "status"])
    sp = sub.add_parser("catalog", help="build or describe catalog.db")
    csub = sp.add_subparsers(dest="catalog_command", required=True)
    b = csub.add_parser("build", help="(re)build catalog.db from the raw data")
    b.add_argument("--if-stale", action="store_true", help="only when missing or older than the data")
    b.add_argument("--no-embed", action="store_true", help="skip the embeddings (keyword and quality ranking only)")
    s = csub.add_parser("stats", help="titles per service, kind and genre")
    s.add_argument("--json", action="store_true")
    s = csub.add_parser("check", help="data-quality report; exits 1 past its thresholds")
    s.add_argument("--json", action="store_true")
    s = csub.add_parser("import", help="merge a newer listing (CSV/JSON; README: Catalogue) into catalog.db")
    s.add_argument("file")
    s.add_argument("--service", help="the service of a JustWatch titles.csv (else from its file name)")
    s.add_argument("--date", help="when the listing was taken, YYYY-MM[-DD] (a JustWatch titles.csv)")
    s = csub.add_parser("refresh", help="bring availability (and new titles) up to date from TMDB, for your region")
    s.add_argument("--region", help="a country code (default: the region setting, VOICEREC_REGION)")
    s.add_argument("--max-titles", type=int, help="titles to list, most popular first (default: tmdb.max_titles)")
    s.add_argument("--full", action="store_true", help="fetch every title's facts again, not only what changed")
    s.add_argument("--json", action="store_true", help="print the report as JSON")
    sub.add_parser("voices", help="list the Piper voices available")
    sub.add_parser("devices", help="list audio input and output devices")
    sp = sub.add_parser("history", help="show what was asked and suggested (kept locally)")
    sp.add_argument("--clear", action="store_true", help="erase the history and conversations")
    keep = sp.add_mutually_exclusive_group()
    keep.add_argument("--seen", action="store_true", help="with --clear: the seen list too (asked when on a terminal)")
    keep.add_argument("--keep-seen", action="store_true", help="with --clear: keep the seen list, without asking")
    sp.add_argument("--json", action="store_true")
    sp = sub.add_parser("seen", help="the titles you have seen, never suggested again")
    ssub = sp.add_subparsers(dest="seen_command", required=True)
    s = ssub.add_parser("list", help="the seen list, latest first")
    s.add_argument("--json", action="store_true")
    s = ssub.add_parser("add", help="mark a title seen (as you would say it)")
    s.add_argument("title", nargs="+")
    s = ssub.add_parser("remove", help="take a title (its name or id) off the seen list")
    s.add_argument("title", nargs="+")
    ssub.add_parser("clear", help="empty the seen list")
    sp = sub.add_parser("privacy", help="what is stored where, and what is sent where")
    sp.add_argument("--json", action="store_true")
    sp = sub.add_parser("unit", help="the systemd drop-in these settings need (systemd/install.sh writes it)")
    sp.add_argument("--wyoming", action="store_true", help="voicerec-wyoming.service's drop-in")
    sp.add_argument("--root-config", metavar="FILE", help="read this file alone, which root must own "
                    "(install.sh: /etc/voicerec/config.toml); no user config, no environment")
    sp = sub.add_parser("doctor", help="check the microphone, speaker, models, catalogue and servers, one line each")
    sp.add_argument("--seconds", type=float, default=3.0, help="how long to listen to the microphone (default 3)")
    return p


def _utf8(value: str) -> str:
    """An argument whose bytes were not UTF-8 (Python keeps them as lone surrogates), with U+FFFD
    in their place: a request or a session name is text, whatever the terminal sent."""
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if getattr(args, "text", None):
        args.text = [_utf8(t) for t in args.text]
    if getattr(args, "session", None):
        args.session = _utf8(args.session)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        root_config = getattr(args, "root_config", None)
        settings = Settings.load(root_config=root_config) if root_config else Settings.load(args.config)
        return COMMANDS[args.command](args, settings) or 0
    except VoicerecError as e:
        print(f"voicerec: {e.message}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # a bug: one line for the user, the traceback only with --debug
        if args.debug:
            raise
        print(f"voicerec: internal error ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}); "
              "run with --debug for details", file=sys.stderr)
        return 70


def _answer(args: argparse.Namespace, settings: Settings, *, audio: str | None = None) -> int:
    from voicerec.assistant import Assistant

    assistant = Assistant(settings)
    if audio is not None:
        answer = assistant.listen(Path(audio), session=args.session)
    else:
        answer = assistant.answer(" ".join(args.text), session=args.session)
    if args.out:
        _write_wav(Path(args.out), assistant.speak(answer.reply), assistant.speak_rate)
    if args.speak:
        from voicerec.speech.playback import Player

        with Player(settings.audio) as player:
            player.play(assistant.speak(answer.reply), assistant.speak_rate)
    if args.json:
        print(answer.model_dump_json(exclude={"results": {"__all__": {"score", "votes", "popularity"}}}))
    else:
        print(answer.reply)
    return 0


def _write_wav(path: Path, chunks: Iterable[np.ndarray], rate: int) -> None:
    """The spoken reply (int16 chunks) as a 16-bit mono WAV file."""
    try:
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            for chunk in chunks:
                w.writeframes(np.asarray(chunk, dtype="<i2").tobytes())
    except OSError as e:
        raise VoicerecError(f"cannot write {path}: {e.strerror}") from None


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    return _answer(args, settings)


def cmd_listen(args: argparse.Namespace, settings: Settings) -> int:
    return _answer(args, settings, audio=args.file)


def cmd_catalog(args: argparse.Namespace, settings: Settings) -> int:
    from voicerec.catalog.build import build_catalog, is_stale
    from voicerec.catalog.stats import catalog_stats

    if args.catalog_command == "build":
        if args.if_stale and not is_stale(settings.data_dir, settings.catalog_path):
            print(f"{settings.catalog_path} is up to date", file=sys.stderr)
            return 0
        embedder = None
        if not args.no_embed:
            from voicerec.assistant import catalog_embedder

            embedder = catalog_embedder()
        report = build_catalog(settings.data_dir, settings.catalog_path, embedder=embedder)
        print(json.dumps(report, indent=2, default=str))
        return 0
    if args.catalog_command == "check":
        from voicerec.catalog.check import check_catalog

        report = check_catalog(settings.catalog_path)
        print(json.dumps(report, indent=2) if args.json else "\n".join(
            [f"{k}: {json.dumps(v)}" for k, v in report.items() if k not in ("problems", "thresholds")]
            + [f"FAIL: {p}" for p in report["problems"]] + ([] if report["problems"] else ["check passed"])))
        return 1 if report["problems"] else 0
    if args.catalog_command == "import":
        from voicerec.assistant import catalog_embedder
        from voicerec.catalog.refresh import import_listing

        print(json.dumps(import_listing(Path(args.file), settings.data_dir, settings.catalog_path,
                                        embedder=catalog_embedder(), service=args.service, when=args.date), indent=2))
        return 0
    if args.catalog_command == "refresh":
        return _refresh(args, settings)
    stats = catalog_stats(settings.catalog_path)
    if args.json:
        print(json.dumps(stats, indent=2))
    else:
        _print_stats(stats)
    return 0


def _refresh(args: argparse.Namespace, settings: Settings) -> int:
    import signal
    import threading

    from voicerec.assistant import catalog_embedder
    from voicerec.catalog.tmdb.progress import ProgressBar
    from voicerec.catalog.tmdb.run import refresh
    from voicerec.vocab.places import country_code

    region = country_code(args.region) if args.region else settings.region
    if region is None:
        raise VoicerecError(f"--region: {args.region[:20]!r} is not a country (like US, FR or GB)")
    if args.max_titles is not None and args.max_titles < 1:
        raise VoicerecError("--max-titles must be at least 1")
    stop = threading.Event()

    def first_interrupt(signum: int, frame: object) -> None:  # the second Ctrl+C stops at once
        stop.set()
        print("\nvoicerec: stopping after the titles in flight (Ctrl+C again to stop now); "
              "the next refresh goes on from here", file=sys.stderr)
        signal.signal(signal.SIGINT, signal.default_int_handler)

    previous = signal.signal(signal.SIGINT, first_interrupt)
    bar = ProgressBar(f"fetching {region}")
    try:
        report = refresh(settings.catalog_path, settings.tmdb, region, full=args.full, max_titles=args.max_titles,
                         embedder=catalog_embedder(lean=True) if settings.embeddings else None, progress=bar,
                         stop=stop)
    finally:
        bar.close()
        signal.signal(signal.SIGINT, previous)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(_refresh_summary(report))
    return 0


def _refresh_summary(r: dict) -> str:
    on = r["services"]
    came, left = sum(v["came"] for v in on.values()), sum(v["left"] for v in on.values())
    what = "replaced" if r["written"] else "unchanged (nothing new)"
    failed = f"; {r['failed']} titles could not be fetched (kept as they were)" if r["failed"] else ""
    return (f"refresh {r['region']}: {r['titles']['after']} titles on {len(on)} services "
            f"(+{came} -{left} service listings), {r['new_facts']} new; {r['requests']} requests "
            f"({r['rate_limited']} rate-limited) in {r['seconds']} s; catalog.db {what}{failed}. "
            "Data: TMDB, availability by JustWatch.")


def _print_stats(stats: dict) -> None:
    for key, value in stats.items():
        if isinstance(value, dict):
            print(f"{key}:")
            for k, v in value.items():
                if isinstance(v, list):  # listings: one line each
                    v = "; ".join(" ".join(f"{a}={b}" for a, b in item.items()) for item in v)
                print(f"  {k:<14} {v}")
        else:
            print(f"{key}: {value}")


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from voicerec.daemon.run import run_daemon

    return run_daemon(settings, config_file=args.config)


def cmd_wyoming(args: argparse.Namespace, settings: Settings) -> int:
    from voicerec.wyoming.server import serve

    return serve(settings, args.uri)


def cmd_ptt(args: argparse.Namespace, settings: Settings) -> int:
    from voicerec.daemon.control import send_command

    print(send_command(settings.control_socket, args.action))
    return 0


def cmd_voices(args: argparse.Namespace, settings: Settings) -> int:
    from voicerec.speech.voices import available_voices

    for v in available_voices(settings.tts):
        print(json.dumps(v))
    return 0


def cmd_devices(args: argparse.Namespace, settings: Settings) -> int:
    from voicerec.speech.playback import list_devices

    devices = list_devices()
    if not devices:
        print("no audio devices found (is a sound card or PulseAudio available?)", file=sys.stderr)
        return 5
    for d in devices:
        print(json.dumps(d))
    return 0


def cmd_history(args: argparse.Namespace, settings: Settings) -> int:
    from voicerec.privacy import erase, read_history

    if args.clear:
        seen = args.seen
        if not seen and not args.keep_seen and _exists(settings.state_dir / "seen.db"):
            if sys.stdin.isatty():
                seen = input("Clear the seen list too (titles never suggested again)? [y/N] ").strip().lower() \
                    in ("y", "yes")
            else:
                print("voicerec: the seen list is kept (--seen clears it too, or voicerec seen clear)", file=sys.stderr)
        print(erase(settings, seen=seen))
        return 0
    entries = read_history(settings)
    if args.json:
        print(json.dumps(entries, indent=2, ensure_ascii=False))
    else:
        for e in entries:
            asked = repr(e["request"]) if e["request"] else json.dumps(e["query"], ensure_ascii=False)
            picked = f"  (picked: {e['chosen']})" if e.get("chosen") else ""
            print(f"{e['at']}  {asked} → {', '.join(e['results']) or '(nothing)'}{picked}")
    return 0


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # a folder this user cannot read: erase() says so in one line
        return False


def cmd_seen(args: argparse.Namespace, settings: Settings) -> int:
    from voicerec.privacy import seen_clear, seen_entries, seen_remove

    name = " ".join(_utf8(t) for t in getattr(args, "title", []))
    if args.seen_command == "list":
        entries = seen_entries(settings)
        if args.json:
            print(json.dumps(entries, indent=2, ensure_ascii=False))
        for e in [] if args.json else entries:
            print(f"{e['at']}  {e['title']}  ({e['id']})")
        return 0
    if args.seen_command == "add":
        from voicerec.assistant import Assistant

        marked = Assistant(settings).mark_seen(name)
        if marked is None:
            raise VoicerecError(f"no title called {name!r} in the catalogue")
        print(f"seen: {marked}; it will not be suggested again")
        return 0
    if args.seen_command == "remove":
        gone = seen_remove(settings, name)
        if not gone:
            raise VoicerecError(f"{name!r} is not on the seen list (voicerec seen list shows it)")
        print(f"removed from the seen list: {', '.join(gone)}")
        return 0
    print(f"cleared the seen list ({seen_clear(settings)} titles)")
    return 0


def cmd_privacy(args: argparse.Namespace, settings: Settings) -> int:
    from voicerec.privacy import privacy_report, render, with_refresh

    report = with_refresh(privacy_report(settings), settings)
    print(json.dumps(report, indent=2) if args.json else render(report))
    return 0


def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    from voicerec.doctor import run

    return run(settings, args.config, seconds=max(0.5, min(args.seconds, 30.0)))


def cmd_unit(args: argparse.Namespace, settings: Settings) -> int:
    from voicerec.daemon.unit import dropin, wyoming_dropin

    text, notes = wyoming_dropin(settings) if args.wyoming else dropin(settings)
    for note in notes:
        print(f"voicerec: {note}", file=sys.stderr)
    print(text, end="")
    return 0


COMMANDS = {
    "ask": cmd_ask, "listen": cmd_listen, "run": cmd_run, "wyoming": cmd_wyoming, "ptt": cmd_ptt, "catalog": cmd_catalog,
    "voices": cmd_voices, "devices": cmd_devices, "history": cmd_history, "privacy": cmd_privacy,
    "seen": cmd_seen,
    "unit": cmd_unit, "doctor": cmd_doctor,
}

if __name__ == "__main__":
    sys.exit(main())
