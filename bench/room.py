#!/usr/bin/env python3
"""Hearing a room: WER, request pass rate and ask-backs per voice and condition, for the shipped
hearing (audio cleaning, rescoring of Whisper's hypotheses, ask-back) beside today's pipeline as the
baseline, in one run; and the typed pass rate of the same requests.

    bench/room.py                                   # the dev requests (scripts/make_room_speech.py)
    bench/room.py --out bench/results/room.md
    bench/room.py --tune                            # choose settings on the bank's tuning requests
    bench/room.py --audio tests/.audio/room-tune --configs baseline,clean-ns1,clean-ns2,...

Stage 1 (Whisper, the slow part) decodes every clip once per way of cleaning and keeps each
transcript (text, the beam's alternatives, confidences) in bench/.cache/room/; stage 2 rescores,
answers and checks in-process with the shared checker's `check` (as bench/eval_requests.py does).
A barge-in clip is heard whole by the baseline and, by the shipped daemon, from the end of the
pre-roll plus `--guard` (the reply stopped at the press; the person's words after it are kept).

Per request: "pass" is the first answer passing the checker; an ask-back ("Did you mean ...?") is
no pass, and "asked, right guess" counts those whose guess passes once confirmed with "yes".
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from eval_requests import DEFAULT_CHECKER, as_json, load_checker  # noqa: E402
from wer import word_errors  # noqa: E402

from voicerec.assistant import Assistant  # noqa: E402
from voicerec.config import Settings, STTSettings  # noqa: E402
from voicerec.rescore.choose import Doubts, Rescorer, Weights  # noqa: E402
from voicerec.speech.decode import SAMPLE_RATE, Audio, load_audio  # noqa: E402
from voicerec.speech.stt import Transcriber  # noqa: E402
from voicerec.types import Transcript  # noqa: E402

CACHE = ROOT / "bench" / ".cache" / "room"
# how each config hears: stt settings for the decode; rescoring and ask-back on the way to the answer
CLEANING = {  # beam 2 was the default before issue 24; the shipped hearing is raw-b4
    "raw": {"clean": "off", "beam_size": 2},
    "ns1": {"clean": "webrtc", "noise_suppression": 1, "auto_gain_dbfs": 3, "beam_size": 2},
    "ns2": {"clean": "webrtc", "noise_suppression": 2, "auto_gain_dbfs": 3, "beam_size": 2},
    "ns3": {"clean": "webrtc", "noise_suppression": 3, "auto_gain_dbfs": 3, "beam_size": 2},
    "ns2-noagc": {"clean": "webrtc", "noise_suppression": 2, "auto_gain_dbfs": 0, "beam_size": 2},
    "agc": {"clean": "webrtc", "noise_suppression": 0, "auto_gain_dbfs": 3, "beam_size": 2},
    "raw-b4": {"clean": "off", "beam_size": 4},   # a wider beam: more hypotheses to rescore
}
CONFIGS = {  # name: (cleaning, rescore, ask_back, how a barge-in clip is heard: whole, discard, aec)
    "baseline": ("raw", False, False, "whole"),
    "clean": (None, False, False, "discard"),
    "clean+rescore": (None, True, False, "discard"),
    "rescore": ("raw", True, False, "discard"),   # the beam-2 decode, rescored
    "shipped": (None, True, True, "discard"),
    "shipped+aec": (None, True, True, "aec"),
    "shipped@b2": ("raw", True, True, "discard"),      # the shipped hearing on the beam-2 decode
    "shipped@b2+aec": ("raw", True, True, "aec"),      # ... with the barge-in through the echo canceller
}


class Cell(Counter):
    """Counts for one voice and condition: errors and words (WER), n, passed, asked, asked_right,
    asked_clear; and the failures, for --fails."""

    def __init__(self) -> None:
        super().__init__()
        self.fails: list[str] = []

    def text(self) -> str:
        wer = self["errors"] / self["words"] if self["words"] else 0.0
        clear = f", {self['asked_clear']} heard right" if self["asked_clear"] else ""
        asked = f", asked {self['asked']} ({self['asked_right']} right{clear})" if self["asked"] else ""
        return f"{wer:.1%} / {self['passed']}/{self['n']}{asked}"


def clips(audio: Path, voices: list[str], conditions: list[str]) -> list[tuple[str, str, dict]]:
    texts = [json.loads(line) for line in (audio / "texts.jsonl").read_text().splitlines() if line.strip()]
    return [(v, c, r) for v in voices for c in conditions for r in texts]


def decode_all(name: str, stt: Transcriber, audio: Path, items, marks: dict, barge: str, guard: float) -> dict:
    """Stage 1: every clip's Transcript for this way of hearing (cached on disk). `barge`: a barge-in
    clip heard whole, from `guard` s after the press (discard: the daemon's way), or through
    speexdsp's echo canceller with the reply as its reference (aec)."""
    out = {}
    tag = name if barge == "whole" else f"{name}-{barge}{guard:g}"
    for voice, cond, r in items:
        path = CACHE / audio.name / (tag if cond == "bargein" else name) / voice / cond / f"{r['id']}.json"
        if path.is_file():
            out[(voice, cond, r["id"])] = Transcript.model_validate_json(path.read_text())
            continue
        samples = load_audio(audio / voice / cond / f"{r['id']}.wav", 60.0).samples
        if cond == "bargein" and barge == "discard":
            mark = marks[f"{voice}/{r['id']}"]
            samples = samples[int((mark["press_s"] + guard) * SAMPLE_RATE):]
        elif cond == "bargein" and barge == "aec":
            samples = cancel_echo(samples, marks[f"{voice}/{r['id']}"], audio / "reply.wav")
        t = stt.transcribe(Audio(samples))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(t.model_dump_json())
        out[(voice, cond, r["id"])] = t
    print(f"  decoded {tag}: {len(out)} clips", file=sys.stderr)
    return out


def cancel_echo(samples, mark: dict, reply_wav: Path):  # noqa: ANN001, ANN201
    """speexdsp's AEC on a barge-in clip, converged first on the reply as it played before the clip
    (the microphone hearing only the reply then): an upper bound, since the echo here is the reply
    itself, scaled, without a loudspeaker's or a room's response."""
    import numpy as np
    from speexdsp import EchoCanceller

    reply = load_audio(reply_wav, 600.0).samples
    start, gain = int(mark["reply_start"]), float(mark["reply_gain"])
    played = int(mark["reply_end_s"] * SAMPLE_RATE)
    ref = np.concatenate([reply[:start + played], np.zeros(len(samples), np.float32)])[: start + len(samples)]
    mic = np.concatenate([reply[:start] * gain, samples])
    frame = 160
    aec = EchoCanceller.create(frame, 2048, SAMPLE_RATE)

    def pcm(x):  # noqa: ANN001, ANN202
        return (np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()

    out = bytearray()
    for i in range(0, len(mic) - frame + 1, frame):
        out += aec.process(pcm(mic[i:i + frame]), pcm(ref[i:i + frame]))
    return np.frombuffer(bytes(out), "<i2").astype(np.float32)[start:] / 32768


def evaluate(assistant: Assistant, checker, heard: dict, items, rescorer: Rescorer | None, ask: bool,
             rescore_ms: list[tuple[float, float]] | None = None) -> dict[tuple[str, str], Cell]:
    """Stage 2: rescore (or not), answer, check; a Cell per (voice, condition)."""
    cells: dict[tuple[str, str], Cell] = {}
    for voice, cond, r in items:
        t = heard[(voice, cond, r["id"])]
        if rescorer is not None and t.text.strip():
            t0, c0 = time.perf_counter(), time.thread_time()
            t = rescorer.choose(t)
            if rescore_ms is not None:  # wall and this thread's CPU (the CPU does not grow with the load)
                rescore_ms.append(((time.perf_counter() - t0) * 1000, (time.thread_time() - c0) * 1000))
        ans = assistant.answer(t.text, heard=t if ask else None)
        cell = cells.setdefault((voice, cond), Cell())
        e, n = word_errors(r["text"], t.text)
        cell.update(errors=e, words=n, n=1)
        if ans.query.intent == "clarify":
            cell["asked"] += 1
            cell["asked_clear"] += e == 0  # a request heard word for word, asked back all the same
            cell["asked_right"] += not checker.check(as_json(assistant.answer(t.text)), r["checks"])
            cell.fails.append(f"ASK {voice}/{cond}/{r['id']}: {t.text!r} -> {ans.reply!r}")
        elif not checker.check(as_json(ans), r["checks"]):
            cell["passed"] += 1
        else:
            cell.fails.append(f"FAIL {voice}/{cond}/{r['id']}: {t.text!r}")
    return cells


def typed(assistant: Assistant, checker, items) -> tuple[int, int]:
    seen = {r["id"]: r for _, _, r in items}
    ok = sum(1 for r in seen.values() if not checker.check(as_json(assistant.answer(r["text"])), r["checks"]))
    return ok, len(seen)


def transcriber(cleaning: str, model, vocab) -> Transcriber:  # noqa: ANN001
    stt = Transcriber(STTSettings(**CLEANING[cleaning]), vocabulary=vocab)
    stt._model = model
    return stt


# what an outcome is worth to the person, for choosing settings: a right answer 1; a question back
# whose guess was right (one "yes" more) 0.6; one whose guess was wrong (say it again, but no wrong
# suggestions) 0.3; three confident suggestions for a mishearing 0
ASKED_RIGHT, ASKED_WRONG = 0.6, 0.3


def tune(assistant: Assistant, checker, heard: dict, items, quiet: set[str]) -> list[tuple]:
    """Grid over the rescoring weights and the doubt thresholds on cached transcripts: the utility
    above, with the ask-back rate on the quiet clips under 5%. Candidates
    are parsed once and each text answered once (the weights only choose among them)."""
    base = assistant.rescorer
    cands = {k: base.candidates(t) if t.text.strip() else [] for k, t in heard.items()}
    ok: dict[str, bool] = {}

    def passes(text: str, r: dict) -> bool:
        key = f"{r['id']}\n{text}"
        if key not in ok:
            ok[key] = not checker.check(as_json(assistant.answer(text)), r["checks"])
        return ok[key]

    rows = []
    grid = itertools.product((0.0, 0.1, 0.2, 0.3), (0.0, 0.15, 0.3), (0.3, 0.6, 1.0), (0.0, 0.3, 0.4, 0.5, 0.6))
    for named, unexplained, respelled, min_conf in grid:
        resc = Rescorer(base.parse, base.sounds, Weights(1.0, named, unexplained, respelled), Doubts(min_conf, 0.6))
        score = [0, 0, 0, 0, 0]  # passed, asked, asked right, quiet asked, quiet n
        for voice, cond, r in items:
            key = (voice, cond, r["id"])
            t, options = heard[key], cands[key]
            text, doubt = (t.text, "")
            if options:
                best = resc.best(options)
                text, doubt = best.text, resc.doubt(best, t)
            if cond in quiet:
                score[4] += 1
                score[3] += bool(doubt)
            if doubt:
                score[1] += 1
                score[2] += passes(text, r)
            else:
                score[0] += passes(text, r)
        utility = score[0] + ASKED_RIGHT * score[2] + ASKED_WRONG * (score[1] - score[2])
        rows.append((round(utility, 1), score[0], score[1], score[3] / max(score[4], 1),
                     named, unexplained, respelled, min_conf))
        print(f"  named {named} unexpl {unexplained} resp {respelled} conf {min_conf}: pass {score[0]}, "
              f"asked {score[1]} ({score[2]} right), quiet asked {score[3]}/{score[4]}", file=sys.stderr)
    return sorted(rows, key=lambda r: (r[3] < 0.05, r[0], r[1]), reverse=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--audio", type=Path, default=ROOT / "tests" / ".audio" / "room")
    ap.add_argument("--voices", default=None, help="default: every voice in the folder")
    ap.add_argument("--conditions", default="quiet,tv10,tv5,reverb,room,bargein")
    ap.add_argument("--configs", default=",".join(CONFIGS))
    ap.add_argument("--cleaning", default="raw-b4", help="how the shipped configs decode (a CLEANING key)")
    ap.add_argument("--compare-cleaning", default="", help="also score these cleanings with rescoring and ask-back")
    ap.add_argument("--guard", type=float, default=0.0, help="seconds discarded after the press (barge-in)")
    ap.add_argument("--tune", action="store_true", help="grid over weights and thresholds (tuning audio)")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--fails", action="store_true")
    a = ap.parse_args()
    voices = a.voices.split(",") if a.voices else sorted(p.name for p in a.audio.iterdir() if p.is_dir())
    conditions = [c for c in a.conditions.split(",") if (a.audio / voices[0] / c).is_dir()]
    items = clips(a.audio, voices, conditions)
    marks = json.loads((a.audio / "bargein.json").read_text()) if (a.audio / "bargein.json").is_file() else {}
    places = (DEFAULT_CHECKER, ROOT.parent.parent / "shared" / "eval" / "check_requests.py",
              ROOT / "tests" / "data" / "check_requests.py")  # a clone beside shared/, a worktree, the copy
    checker = load_checker(next(p for p in places if p.is_file()))
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as state:
        settings = Settings.load(None).model_copy(update={"state_dir": Path(state)})
        assistant = Assistant(settings)
        assistant.ranker.warm()
        model = assistant.transcriber
        model.load()
        vocab = model.vocabulary
        typed_ok, typed_n = typed(assistant, checker, items)
        print(f"typed: {typed_ok}/{typed_n}", file=sys.stderr)
        results: dict[str, dict[tuple[str, str], Cell]] = {}
        rescore_ms: list[tuple[float, float]] = []
        configs = [(n, *CONFIGS[n]) for n in a.configs.split(",")]
        configs += [(f"shipped@{c}", c, True, True, "discard") for c in a.compare_cleaning.split(",") if c]
        if a.tune:
            heard = decode_all(a.cleaning, transcriber(a.cleaning, model._model, vocab), a.audio, items, marks,
                               "discard", a.guard)
            rows = tune(assistant, checker, heard, items, {"quiet"})
            print("best (utility, passes, asked, quiet ask rate, named, unexplained, respelled, min_confidence):")
            for row in rows[:10]:
                print("  ", row)
            return 0
        for name, cleaning, rescore, ask, barge in configs:
            cleaning = cleaning or a.cleaning
            heard = decode_all(cleaning, transcriber(cleaning, model._model, vocab), a.audio, items, marks, barge, a.guard)
            resc = assistant.rescorer if rescore else None
            results[name] = evaluate(assistant, checker, heard, items, resc, ask, rescore_ms if name == "shipped" else None)
            total = Cell()
            for c in results[name].values():
                total.update(c)
            print(f"{name}: {total.text()}", file=sys.stderr)
    report = write_report(results, voices, conditions, (typed_ok, typed_n), rescore_ms, a, load_before)
    print(report)
    if a.fails:
        for name, cells in results.items():
            for c in cells.values():
                for f in c.fails:
                    print(f"  [{name}] {f}", file=sys.stderr)
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(report)
    return 0


def write_report(results, voices, conditions, typed_, rescore_ms, a, load_before) -> str:  # noqa: ANN001
    names = list(results)
    lines = [f"# bench/room.py ({time.strftime('%Y-%m-%d %H:%M')})", "",
             f"Audio: {a.audio} ({len(voices)} voices x {len(conditions)} conditions); typed pass rate of the same "
             f"requests: {typed_[0]}/{typed_[1]} ({typed_[0] / typed_[1]:.0%}). Shipped cleaning: {a.cleaning}; "
             f"barge-in guard {a.guard:.2f} s. Load average {load_before[0]:.1f} at the start, "
             f"{os.getloadavg()[0]:.1f} at the end (accuracy does not depend on it).", "",
             "Each cell: WER / requests passed (first answer), asked back (of which the guess was right; and "
             "heard right: the transcript was word for word the request, asked back all the same).", ""]
    lines += ["## Per condition, all voices", "", "| condition | " + " | ".join(names) + " |",
              "|---|" + "---|" * len(names)]
    for cond in conditions:
        row = []
        for n in names:
            cell = Cell()
            for v in voices:
                cell.update(results[n].get((v, cond), Cell()))
            row.append(cell.text())
        lines.append(f"| {cond} | " + " | ".join(row) + " |")
    lines += ["", "## Per voice and condition", "", "| voice | condition | " + " | ".join(names) + " |",
              "|---|---|" + "---|" * len(names)]
    for v in voices:
        for cond in conditions:
            lines.append(f"| {v} | {cond} | " + " | ".join(results[n].get((v, cond), Cell()).text() for n in names) + " |")
    if rescore_ms:
        wall, cpu = [w for w, _ in rescore_ms], [c for _, c in rescore_ms]
        lines += ["", f"Rescoring time per request (shipped), over {len(wall)} requests: wall p50 "
                  f"{statistics.median(wall):.1f} ms, p95 {statistics.quantiles(wall, n=20)[18]:.1f} ms; "
                  f"CPU p50 {statistics.median(cpu):.1f} ms, p95 {statistics.quantiles(cpu, n=20)[18]:.1f} ms "
                  f"(load average {os.getloadavg()[0]:.1f})."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
