#!/usr/bin/env python3
"""Speech-to-text benchmark: WER, name accuracy and real-time factor on the LibriVox clips and the
spoken dev requests, for voicerec's Transcriber (each biasing step on and off) beside
faster-whisper's plain defaults (beam 5, no VAD, no biasing) on the same model, in the same run;
and the latency of one ~3 s request with the model loaded.

The `incremental` configs hear each clip the daemon's way (speech/hearing.py): fed in 20 ms blocks,
decoded while "held", finished at the end of the clip; `-cut` ends each clip 20 ms after the last
speech the VAD finds (a release as the last word ends, no pause heard), beside `prompt-cut`, the
whole-recording decode of the same cut clips. Their RTF counts every decode, held or not; the
latency line gives the work left after the release.

    bench/stt.py [--sets librivox,joe,joe-noise,...] [--configs plain,vad,prompt,...] [--limit N]
                 [--out bench/results/stt.md]
    bench/stt.py --configs prompt,incremental,prompt-cut,incremental-cut     # hearing while held
    bench/stt.py --configs plain,prompt,clean,shipped                        # cleaning and rescoring

Every config but "clean" hears the audio as recorded (stt.clean = "off", the default); "prompt" is the
hearing before issue 24, "shipped" today's (the same decode, snapped and rescored).

Needs the test audio (scripts/test_assets.sh) and catalog.db (for the biased configs).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wer import normalize, word_errors  # noqa: E402

from voicerec.config import STTSettings  # noqa: E402
from voicerec.speech.bias import Vocabulary  # noqa: E402
from voicerec.speech.decode import Audio, load_audio  # noqa: E402
from voicerec.speech.hearing import Hearing, StreamingVad  # noqa: E402
from voicerec.speech.stt import Transcriber  # noqa: E402
from voicerec.text import norm  # noqa: E402
from voicerec.types import SERVICE_NAMES  # noqa: E402

AUDIO = ROOT / "tests" / ".audio"
SPOKEN_SETS = ("joe", "joe-noise", "espeak-us", "espeak-us-noise", "espeak-gb", "espeak-gb-noise")
# name → prompt mode; None = unbiased; "plain" = faster-whisper's own defaults. Every biased config is
# also scored with snapping ("<name>+snap"), and "vad" with snapping alone ("vad+snap").
CONFIGS: dict[str, str | None] = {
    "plain": "plain",
    "vad": None,
    "hotwords": "hotwords",
    "prompt-short": "initial_prompt",   # services and genres only, no names
    "prompt-30s": "initial_prompt",     # the shipped settings but faster-whisper's 30 s window
    "prompt": "initial_prompt",         # the shipped settings (a 15 s window for short requests)
    "incremental": "initial_prompt",    # the same, heard while held (speech/hearing.py)
    "prompt-cut": "initial_prompt",     # clips cut 20 ms after their last speech, decoded whole
    "incremental-cut": "initial_prompt",  # the same cut clips heard while held
    "clean": "initial_prompt",          # "prompt" on audio cleaned first (speech/clean.py, stt.clean = "webrtc")
    "shipped": "initial_prompt",        # "prompt", names snapped, the beam's hypotheses rescored (rescore/)
}


@dataclass
class Score:
    errors: int = 0
    words: int = 0
    names: int = 0
    names_right: int = 0
    audio_s: float = 0.0
    wall_s: float = 0.0
    misses: list[str] = field(default_factory=list)

    @property
    def wer(self) -> float:
        return self.errors / self.words if self.words else 0.0

    @property
    def rtf(self) -> float:
        return self.wall_s / self.audio_s if self.audio_s else 0.0


def load_sets(names: list[str], limit: int | None, spoken: Path) -> dict[str, list[tuple[Path, str]]]:
    sets: dict[str, list[tuple[Path, str]]] = {}
    for name in names:
        if name == "librivox":
            items = [(w, w.with_suffix(".txt").read_text().strip()) for w in sorted((AUDIO / "librivox").glob("*.wav"))]
        else:
            texts = [json.loads(line) for line in (spoken / "texts.jsonl").read_text().splitlines()]
            items = [(spoken / name / f"{t['id']}.wav", t["text"]) for t in texts]
        if not items or not items[0][0].is_file():
            sys.exit(f"bench/stt.py: no audio for {name}; run scripts/test_assets.sh")
        sets[name] = items[:limit] if limit else items
    return sets


def names_in(text: str, vocab: Vocabulary | None) -> list[str]:
    """Catalogue names (2+ words) and service names a reference text contains, in normal form."""
    t = f" {norm(text)} "
    found = [norm(s) for s in SERVICE_NAMES.values() if f" {norm(s)} " in t]
    found += [n for n in ("hulu", "hbo max", "netflix") if f" {n} " in t and n not in found]
    if vocab is not None:
        found += [n for n in vocab.names() if len(n.split()) >= 2 and f" {n} " in t and n not in found]
    return found


def run_config(name: str, stt: Transcriber, plain_model, sets, vocab_all, rescorer=None) -> dict[str, dict[str, Score]]:  # noqa: ANN001
    """Decode every clip once; score the raw text as `name` and, for biased configs, the snapped text
    as `name+snap` (snapping is a post-pass, so both come from the same decode). `rescorer`: the
    transcript as the assistant hears it (snapped, then rescored), scored as `name` alone."""
    out: dict[str, dict[str, Score]] = {name: {}}
    snapper = vocab_all if plain_model is None and rescorer is None else None
    if snapper is not None:
        out[f"{name}+snap"] = {}
    for set_name, items in sets.items():
        sc, sc_snap = Score(), Score()
        for wav, ref in items:
            audio = load_audio(wav, 30.0)
            if name.endswith("-cut"):
                audio = Audio(cut_at_speech_end(audio.samples))
            t0 = time.perf_counter()
            if plain_model is not None:
                segs, _ = plain_model.transcribe(audio.samples, language="en")
                hyp = " ".join(s.text.strip() for s in segs)
            elif rescorer is not None:
                hyp = rescorer.choose(stt.transcribe(audio)).text
            elif name.startswith("incremental"):
                hyp = heard_in_blocks(stt, audio.samples)[0].raw_text
            else:
                hyp = stt.transcribe(audio).raw_text
            wall = time.perf_counter() - t0
            score(sc, wav, ref, hyp, wall, audio.seconds, vocab_all)
            if snapper is not None:
                t1 = time.perf_counter()
                snapped = snapper.snap(hyp)
                score(sc_snap, wav, ref, snapped, wall + time.perf_counter() - t1, audio.seconds, vocab_all)
        out[name][set_name] = sc
        if snapper is not None:
            out[f"{name}+snap"][set_name] = sc_snap
        for label, x in ((name, sc), (f"{name}+snap", sc_snap if snapper else None)):
            if x is not None:
                print(f"  {label:18s} {set_name:16s} WER {x.wer:6.1%}  names {x.names_right}/{x.names}  RTF {x.rtf:.3f}",
                      file=sys.stderr)
    return out


def cut_at_speech_end(samples):  # noqa: ANN001, ANN201
    """The clip up to 20 ms after the last speech Silero finds (a release as the last word ends)."""
    vad = StreamingVad()
    vad.update(samples, final=True)
    return samples[: vad.speech_end + 320] if vad.speech_end else samples


def heard_in_blocks(stt: Transcriber, samples):  # noqa: ANN001, ANN201
    """(transcript, seconds spent in finish(), how) for `samples` fed in 20 ms blocks."""
    hearing = Hearing(stt, background=False)
    for i in range(0, len(samples), 320):
        hearing.feed(samples[i:i + 320])
    t0 = time.perf_counter()
    transcript = hearing.finish()
    return transcript, time.perf_counter() - t0, hearing.how


def score(sc: Score, wav: Path, ref: str, hyp: str, wall: float, seconds: float, vocab: Vocabulary | None) -> None:
    sc.wall_s += wall
    sc.audio_s += seconds
    if not wav.stem.startswith("name-"):  # WER on the dev requests; name requests count names only
        e, n = word_errors(ref, hyp)
        sc.errors += e
        sc.words += n
    hyp_n = f" {' '.join(normalize(hyp))} "
    for nm in names_in(ref, vocab):
        sc.names += 1
        if f" {' '.join(normalize(nm))} " in hyp_n:
            sc.names_right += 1
        else:
            sc.misses.append(f"{nm!r} → {hyp!r}")


def biased(vocab: Vocabulary, config: str, beam: int, model) -> Transcriber:  # noqa: ANN001
    """A transcriber on the shared model for this config; snapping is scored as a post-pass."""
    v = Vocabulary(vocab.titles, vocab.people, prompt_mode=CONFIGS[config], snapping=config == "shipped")
    if config == "prompt-short":
        v.prompt_titles = v.prompt_people = 0
    cleaning = "webrtc" if config == "clean" else "off"  # every other config: as recorded (the default)
    window = 30 if config == "prompt-30s" else STTSettings().window_s
    beam = STTSettings().beam_size if config == "shipped" else beam
    stt = Transcriber(STTSettings(bias=True, beam_size=beam, window_s=window, clean=cleaning), vocabulary=v)
    stt._model = model
    return stt


def rescorer(catalog: Path):  # noqa: ANN201
    """The assistant's rescorer (the rule parser on the catalogue, the sound index)."""
    from voicerec.assistant import Assistant
    from voicerec.config import Settings

    return Assistant(Settings(catalog_path=catalog)).rescorer


def latency(stt: Transcriber, plain_model, wav: Path, runs: int = 7) -> tuple[float, float]:  # noqa: ANN001
    audio = load_audio(wav, 30.0)
    ours, plain = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        stt.transcribe(audio)
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        segs, _ = plain_model.transcribe(audio.samples, language="en")
        list(segs)
        plain.append(time.perf_counter() - t0)
    return statistics.median(ours), statistics.median(plain)


def after_release(stt: Transcriber, wav: Path, runs: int = 7) -> tuple[float, float]:
    """Median seconds finish() takes: released after the clip's own pause, and at its last word."""
    audio = load_audio(wav, 30.0).samples
    whole = [heard_in_blocks(stt, audio)[1] for _ in range(runs)]
    cut = [heard_in_blocks(stt, cut_at_speech_end(audio))[1] for _ in range(runs)]
    return statistics.median(whole), statistics.median(cut)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default="librivox," + ",".join(SPOKEN_SETS))
    ap.add_argument("--configs", default=",".join(CONFIGS))
    ap.add_argument("--limit", type=int, default=None, help="first N clips of each set")
    ap.add_argument("--catalog", type=Path, default=ROOT / "catalog.db")
    ap.add_argument("--out", type=Path, default=None, help="write a markdown table here")
    ap.add_argument("--beam", type=int, default=2, help="beam size for voicerec's configs but 'shipped' (which has "
                    "the shipped default, stt.beam_size); 2 was the default before issue 24")
    ap.add_argument("--misses", action="store_true", help="print names that came out wrong")
    ap.add_argument("--spoken", type=Path, default=AUDIO / "spoken",
                    help="the spoken set (another take: scripts/make_test_speech.py DIR --seed N)")
    a = ap.parse_args()
    sets = load_sets(a.sets.split(","), a.limit, a.spoken)
    configs = a.configs.split(",")
    vocab = Vocabulary.from_catalog(a.catalog) if a.catalog.is_file() else None
    if vocab is None:
        sys.exit(f"bench/stt.py: {a.catalog} not found (build it: voicerec catalog build)")
    base = Transcriber(STTSettings(bias=False, beam_size=a.beam))
    base.load()
    plain_model = base._model  # same weights, faster-whisper's own transcribe() defaults
    results: dict[str, dict[str, Score]] = {}
    for c in configs:
        mode = CONFIGS[c]
        if mode == "plain":
            results.update(run_config(c, base, plain_model, sets, vocab))
            continue
        stt = biased(vocab, c, a.beam, plain_model)
        results.update(run_config(c, stt, None, sets, vocab, rescorer(a.catalog) if c == "shipped" else None))
    if a.misses:
        for c, per_set in results.items():
            for set_name, sc in per_set.items():
                for m in sc.misses:
                    print(f"    miss {c} [{set_name}] {m}", file=sys.stderr)
    req = a.spoken / "joe" / "cozy-sunday.wav"
    best = configs[-1] if CONFIGS[configs[-1]] != "plain" else "vad"
    best = "prompt" if best.startswith("incremental") or best.endswith("-cut") else best
    lat_stt = biased(vocab, best, a.beam, plain_model)
    lat_stt.vocabulary.snapping = True
    ours, plain = latency(lat_stt, plain_model, req)
    window30 = biased(vocab, "prompt-30s", a.beam, plain_model)
    window30.vocabulary.snapping = True
    ours30, _ = latency(window30, plain_model, req)
    best += "+snap"
    req_s = load_audio(req, 30).seconds
    after = after_release(lat_stt, req)
    print(f"latency of a {req_s:.1f} s request: voicerec ({best}) {ours * 1000:.0f} ms, with 30 s windows "
          f"{ours30 * 1000:.0f} ms, plain {plain * 1000:.0f} ms; heard while held, left after the release: "
          f"{after[0] * 1000:.0f} ms ({after[1] * 1000:.0f} ms released at the last word)", file=sys.stderr)
    if a.out:
        write_md(a.out, results, sets, base.load_seconds, (req_s, best, ours, plain, ours30, after), a.beam)
    return 0


def write_md(out: Path, results, sets, load_s: float, lat, beam: int) -> None:  # noqa: ANN001
    set_names = list(sets)
    lines = [
        "# bench/stt.py results", "",
        f"Machine: {platform.machine()}, {platform.processor() or 'cpu'}; model: bundled tiny.en int8, 2 threads, "
        f"beam {beam} for voicerec's configs (plain = faster-whisper defaults: beam 5, no VAD); "
        f"model load {load_s:.2f} s. Clips: "
        + ", ".join(f"{s} {len(sets[s])}" for s in set_names) + ".",
        "", "WER on the dev requests (lower is better) / names right (titles, people and services said in the "
        "dev and name requests) / real-time factor:",
        "", "| config | " + " | ".join(set_names) + " | spoken all |",
        "|---|" + "---|" * (len(set_names) + 1),
    ]
    for c, per_set in results.items():
        cells = []
        for s in set_names:
            sc = per_set[s]
            names = f", {sc.names_right}/{sc.names}" if sc.names else ""
            cells.append(f"{sc.wer:.1%}{names}, RTF {sc.rtf:.2f}")
        spoken = [per_set[s] for s in set_names if s != "librivox"]
        e = sum(x.errors for x in spoken)
        w = sum(x.words for x in spoken)
        nr = sum(x.names_right for x in spoken)
        nn = sum(x.names for x in spoken)
        cells.append(f"{e / w:.1%}, {nr}/{nn}" if w else "-")
        lines.append(f"| {c} | " + " | ".join(cells) + " |")
    req_s, best, ours, plain, ours30, after = lat
    lines += ["", f"Latency of one {req_s:.1f} s request, model loaded (median of 7): voicerec ({best}) "
              f"{ours * 1000:.0f} ms; the same with faster-whisper's 30 s window {ours30 * 1000:.0f} ms; "
              f"faster-whisper plain defaults {plain * 1000:.0f} ms. Heard while held (fed in 20 ms blocks, "
              f"every decode done at once), the work left after the release: {after[0] * 1000:.0f} ms, or "
              f"{after[1] * 1000:.0f} ms released at the last word. Load average at the end: "
              f"{os.getloadavg()[0]:.1f}.", ""]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
