"""Speech to text on real audio with the real bundled Whisper model (loaded once per session).

Audio: LibriVox read speech and the synthesised spoken dev requests made by scripts/test_assets.sh
(run here if missing); everything else (silence, noise, clipping, other rates and formats, long
and broken files) is derived from those in the test.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from wer import normalize, wer, word_errors

from voicerec.config import STTSettings
from voicerec.errors import AudioInputError, ModelError
from voicerec.speech.bias import Vocabulary
from voicerec.speech.decode import SAMPLE_RATE, load_audio
from voicerec.speech.stt import Transcriber
from voicerec.text import norm

ROOT = Path(__file__).resolve().parent.parent
AUDIO = ROOT / "tests" / ".audio"


@pytest.fixture(scope="session")
def assets() -> Path:
    # quick when up to date; re-makes the spoken set when its texts or VOICEREC_TEST_SEED changed
    subprocess.run(["bash", str(ROOT / "scripts" / "test_assets.sh")], check=True)
    return AUDIO


@pytest.fixture(scope="session")
def vocabulary(request: pytest.FixtureRequest) -> Vocabulary:
    db = ROOT / "catalog.db"
    if not db.is_file():  # only then build it (the shared fixture rebuilds a stale one: minutes)
        db = request.getfixturevalue("catalog_path")
    return Vocabulary.from_catalog(db)


@pytest.fixture(scope="session")
def stt(vocabulary: Vocabulary) -> Transcriber:
    """The app's transcriber: default settings, biased toward the catalogue."""
    t = Transcriber(STTSettings(), vocabulary=vocabulary)
    t.load()
    return t


@pytest.fixture(scope="session")
def spoken_texts(assets: Path) -> dict[str, str]:
    lines = (assets / "spoken" / "texts.jsonl").read_text().splitlines()
    return {r["id"]: r["text"] for r in map(json.loads, lines)}


def read16k(path: Path) -> np.ndarray:
    return load_audio(path, 60.0).samples


def write_with_av(path: Path, samples: np.ndarray, rate: int, channels: int, codec: str) -> None:
    """Encode float samples (mono, at `rate`) into any container PyAV can write."""
    import av

    layout = "stereo" if channels == 2 else "mono"
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=rate, layout=layout)
        fmt = stream.codec_context.codec.audio_formats[0].name
        data = np.clip(np.repeat(samples[None, :], channels, axis=0), -1, 1).astype(np.float32)
        if fmt.startswith("s16"):
            data = (data * 32767).astype(np.int16)
        elif fmt.startswith("s32"):
            data = (data * 2147483647).astype(np.int32)
        if not fmt.endswith("p"):
            data = data.T.reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(data), format=fmt, layout=layout)
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def resample(x: np.ndarray, rate: int) -> np.ndarray:
    n = int(len(x) * rate / SAMPLE_RATE)
    return np.interp(np.linspace(0, len(x) - 1, n), np.arange(len(x)), x).astype(np.float32)


# -- real speech -----------------------------------------------------------------------------

def test_librivox_wer_within_bound(stt: Transcriber, assets: Path) -> None:
    # beam 5: with beam 1 tiny.en hears "ill disposed" as "old-sposed" twice (7.0%, see bench/results/stt.md)
    beam5 = Transcriber(STTSettings(beam_size=5), vocabulary=stt.vocabulary)
    beam5._model = stt._model
    pairs = []
    for wav in sorted((assets / "librivox").glob("*.wav")):
        t = beam5.transcribe(wav)
        pairs.append((wav.with_suffix(".txt").read_text(), t.text))
        assert t.audio_seconds > 2 and not t.truncated and 0 < t.confidence <= 1
    assert len(pairs) == 5
    assert wer(pairs) <= 0.06, pairs


SPOKEN_SETS = ("joe", "joe-noise", "espeak-us", "espeak-us-noise", "espeak-gb", "espeak-gb-noise")


def test_spoken_dev_requests_wer(stt: Transcriber, assets: Path, spoken_texts: dict[str, str]) -> None:
    """The acceptance measure: WER <= 12% over the spoken dev requests in all six sets (the Piper joe
    voice and two espeak-ng voices, clean and noisy). One set alone swings with Piper's take (joe
    alone 3.9-12.4% over ten takes, BENCHMARKS.md), so no single set is held to the bound."""
    dev = {k: v for k, v in spoken_texts.items() if not k.startswith("name-")}
    pairs = [(text, stt.transcribe(assets / "spoken" / s / f"{rid}.wav").text)
             for s in SPOKEN_SETS for rid, text in dev.items()]
    assert len(pairs) == 6 * len(dev) >= 6 * 24
    assert wer(pairs) <= 0.12, [p for p in pairs if word_errors(*p)[0]]


def test_names_come_out_as_the_catalogue_spells_them(stt: Transcriber, assets: Path) -> None:
    for rid, name in [("spielberg", "Steven Spielberg"), ("like-breaking-bad", "Breaking Bad"),
                      ("name-stranger-things", "Stranger Things"), ("name-adam-sandler", "Adam Sandler")]:
        assert name in stt.transcribe(assets / "spoken" / "joe" / f"{rid}.wav").text


def test_goforward_clip(stt: Transcriber, assets: Path) -> None:
    assert word_errors("go forward ten meters", stt.transcribe(assets / "goforward.wav").text)[0] <= 1


# -- the request-sized encoder window ------------------------------------------------------

def test_short_window_matches_the_30s_window(stt: Transcriber, assets: Path, spoken_texts: dict[str, str]) -> None:
    """The short window (the default) and faster-whisper's 30 s window hear the same requests."""
    window30 = Transcriber(STTSettings(window_s=30), vocabulary=stt.vocabulary)
    window30._model = stt._model
    ids = [k for k in spoken_texts if not k.startswith("name-")][:8]
    short = [(spoken_texts[i], stt.transcribe(assets / "spoken" / "joe" / f"{i}.wav").text) for i in ids]
    full = [(spoken_texts[i], window30.transcribe(assets / "spoken" / "joe" / f"{i}.wav").text) for i in ids]
    assert wer(short) <= wer(full) + 0.03, (short, full)


def test_short_window_sizes_and_falls_back(stt: Transcriber, assets: Path) -> None:
    from voicerec.speech.window import MAX_SPEECH_S

    stt.transcribe(assets / "goforward.wav")  # builds the short-window decoder
    window = stt._short
    assert window is not None
    request = read16k(assets / "spoken" / "joe" / "cozy-sunday.wav")
    decoded = window.decode(request)
    assert decoded is not None and decoded.window_s == stt.settings.window_s and "cozy" in decoded.text.lower()
    clips = [read16k(w) for w in sorted((assets / "librivox").glob("*.wav"))]
    long = np.concatenate(clips)[: int((MAX_SPEECH_S + 4) * SAMPLE_RATE)]
    assert window.decode(long) is None  # too long for one short window
    t = stt.transcribe(long)  # so the transcriber takes faster-whisper's path, which copes
    assert len(t.text.split()) >= 30


# -- silence and noise -----------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["zeros", "hiss", "empty", "noise", "hum", "pink_file"])
def test_nothing_said_gives_empty_text(stt: Transcriber, assets: Path, kind: str, tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    n = 3 * SAMPLE_RATE
    if kind == "zeros":
        audio: np.ndarray | Path = np.zeros(n, np.float32)
    elif kind == "hiss":
        audio = (rng.standard_normal(n) * 0.003).astype(np.float32)     # a quiet room's mic noise
    elif kind == "empty":
        audio = np.zeros(0, np.float32)
    elif kind == "noise":
        audio = (rng.standard_normal(n) * 0.2).astype(np.float32)       # loud white noise
    elif kind == "hum":
        t = np.arange(n) / SAMPLE_RATE
        audio = (0.3 * np.sin(2 * np.pi * 50 * t) + 0.05 * rng.standard_normal(n)).astype(np.float32)
    else:
        audio = tmp_path / "pink.wav"
        subprocess.run(["sox", "-R", "-n", "-r", "16000", "-c", "1", str(audio), "synth", "4", "pinknoise",
                        "vol", "0.3"], check=True)
    t = stt.transcribe(audio)
    assert t.text == "" and t.raw_text == ""


def test_header_only_wav_is_an_empty_recording(stt: Transcriber, tmp_path: Path) -> None:
    import wave

    path = tmp_path / "nothing.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
    t = stt.transcribe(path)
    assert t.text == "" and t.audio_seconds == 0


def test_speech_in_noise_survives_vad(stt: Transcriber, assets: Path) -> None:
    t = stt.transcribe(assets / "spoken" / "joe-noise" / "seventies-crime.wav")
    assert "crime" in norm(t.text)


# -- awkward but valid input -----------------------------------------------------------------

def test_clipped_audio(stt: Transcriber, assets: Path) -> None:
    x = read16k(assets / "librivox" / "sense_and_sensibility_01_austen_64kb-0880.wav")
    clipped = np.clip(x * 12.0, -1.0, 1.0)
    assert np.mean(np.abs(clipped) >= 1.0) > 0.05   # really clipped
    ref = (assets / "librivox" / "sense_and_sensibility_01_austen_64kb-0880.txt").read_text()
    assert wer([(ref, stt.transcribe(clipped).text)]) <= 0.3


@pytest.mark.parametrize("rate,channels,codec,suffix", [
    (44100, 2, "pcm_s16le", "wav"), (8000, 1, "pcm_s16le", "wav"), (48000, 2, "flac", "flac"),
    (48000, 2, "libopus", "ogg"), (44100, 1, "libmp3lame", "mp3"),
])
def test_other_rates_channels_and_formats(stt: Transcriber, assets: Path, tmp_path: Path,
                                          rate: int, channels: int, codec: str, suffix: str) -> None:
    src = assets / "spoken" / "joe" / "seventies-crime.wav"
    path = tmp_path / f"req.{suffix}"
    write_with_av(path, resample(read16k(src), rate), rate, channels, codec)
    t = stt.transcribe(path)
    assert abs(t.audio_seconds - read16k(src).size / SAMPLE_RATE) < 0.15
    assert word_errors("a crime film from the seventies", t.text)[0] <= 1, t.text


def test_arrays_int16_and_stereo(stt: Transcriber, assets: Path) -> None:
    """int16 and two-channel arrays are read as the same sound as the mono float array."""
    x = read16k(assets / "spoken" / "joe" / "year-2012.wav")  # from an s16 file: exactly k / 32768
    mono = stt.transcribe(x).text
    assert "2012" in normalize(mono), mono  # heard (take 1 says "Thumbs from 2012": tiny.en's ear)
    as_int16 = np.round(x * 32768).astype(np.int16)
    for audio in (as_int16, np.stack([x, x], axis=1), np.stack([x, x])):
        assert stt.transcribe(audio).text == mono


def test_long_recording_is_cut_at_the_cap(assets: Path, stt: Transcriber) -> None:
    clips = [read16k(w) for w in sorted((assets / "librivox").glob("*.wav"))]
    long = np.concatenate(clips * 2)
    assert len(long) > 40 * SAMPLE_RATE
    short = Transcriber(STTSettings(max_seconds=8.0, bias=False))
    short._model = stt._model  # same weights, a smaller cap
    t = short.transcribe(long)
    assert t.truncated and t.audio_seconds == pytest.approx(8.0)
    assert 5 <= len(t.text.split()) <= 40
    full = load_audio(assets / "librivox" / "sense_and_sensibility_01_austen_64kb-0870.wav", 2.0)
    assert full.truncated and full.seconds == pytest.approx(2.0)


# -- broken input and models -----------------------------------------------------------------

def test_broken_files_raise_audio_input_error(tmp_path: Path, stt: Transcriber, assets: Path) -> None:
    good = (assets / "goforward.wav").read_bytes()
    cases = {
        "header-cut.wav": good[:30],
        "text.wav": b"this is not audio at all\n" * 20,
        "random.mp3": np.random.default_rng(1).bytes(4000),
        "empty.wav": b"",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(AudioInputError) as e:
            stt.transcribe(tmp_path / name)
        assert "\n" not in e.value.message and name in e.value.message
    with pytest.raises(AudioInputError, match="no such audio file"):
        stt.transcribe(tmp_path / "missing.wav")
    with pytest.raises(AudioInputError):
        stt.transcribe(tmp_path)


def test_wav_cut_mid_data_gives_what_is_there(tmp_path: Path, stt: Transcriber, assets: Path) -> None:
    good = (assets / "goforward.wav").read_bytes()
    (tmp_path / "cut.wav").write_bytes(good[: len(good) // 2])
    t = stt.transcribe(tmp_path / "cut.wav")
    assert 1.0 < t.audio_seconds < 2.0


@pytest.mark.parametrize("model,match", [
    ("voicerec-test/no-such-model", "no-such-model"),
    ("not-a-model-size", "unknown Whisper model"),
    ("/nonexistent/whisper-folder", "not found"),
])
def test_unavailable_models_raise_model_error(model: str, match: str, tmp_path: Path) -> None:
    t = Transcriber(STTSettings(model=model))
    with pytest.raises(ModelError, match=match) as e:
        t.transcribe(np.full(SAMPLE_RATE, 0.1, np.float32))
    assert "\n" not in e.value.message


def test_folder_without_model_raises_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="model.bin"):
        Transcriber(STTSettings(model=str(tmp_path))).load()


# -- snapping --------------------------------------------------------------------------------

@pytest.mark.parametrize("heard,expected", [
    ("something like stranger thing", "something like Stranger Things"),
    ("a comedy with adam sandlar", "a comedy with Adam Sandler"),
    ("a steven spielburg movie", "a Steven Spielberg movie"),
    ("an action movie starring Denzel Washinton", "an action movie starring Denzel Washington"),
    ("a show like game of throne", "a show like Game of Thrones"),
])
def test_snapping_fixes_near_misses(vocabulary: Vocabulary, heard: str, expected: str) -> None:
    assert vocabulary.snap(heard) == expected


def test_snapping_leaves_ordinary_words_alone(vocabulary: Vocabulary, assets: Path,
                                              spoken_texts: dict[str, str]) -> None:
    ordinary = [
        *spoken_texts.values(),
        *(p.read_text() for p in (assets / "librivox").glob("*.txt")),
        "something funny to watch tonight", "a scary movie for halloween", "the best show on netflix",
        "a film about a dog", "something with a strong female lead", "a movie my kids would like",
        "nothing too long please", "a feel good movie", "something romantic but not cheesy",
    ]
    for text in ordinary:
        assert norm(vocabulary.snap(text)) == norm(text), text


def test_snapping_off_and_unbiased_settings(vocabulary: Vocabulary) -> None:
    off = Vocabulary(vocabulary.titles, vocabulary.people, snapping=False)
    assert off.snap("something like stranger thing") == "something like stranger thing"
    assert Transcriber(STTSettings(bias=False), vocabulary=vocabulary).vocabulary is None
