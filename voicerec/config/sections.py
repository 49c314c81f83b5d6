"""The settings' sections ([stt], [tts], [llm], [audio], [ptt], [wyoming], [tmdb], [hooks]): frozen,
unknown keys refused. `voicerec.config.Settings` holds one of each."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from voicerec import trust

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
# what a hook is told about the chosen title ({title} in its command line, VOICEREC_TITLE in its environment)
HOOK_FIELDS = ("title", "year", "service", "services", "id", "imdb_id", "kind")

_SECTION = ConfigDict(frozen=True, extra="forbid")


class STTSettings(BaseModel):
    model_config = _SECTION
    model: str = Field("bundled", description="'bundled' (tiny.en), a CTranslate2 model folder, or a model name")
    device: str = "cpu"
    compute_type: str = "int8"
    beam_size: int = Field(4, ge=1, le=10, description="4: more hypotheses for the rescoring; in a room with a TV, "
                           "WER 50.6% -> 44.7% against 2 on the tuning requests (bench/results/room-tune-beam.md)")
    threads: int = Field(2, ge=1, le=64)
    language: str | None = "en"
    vad: bool = True
    window_s: int = Field(15, ge=5, le=30, description="encoder window for a short request, in seconds: 15 "
                          "decodes a 3 s request in 0.35 s; 20 is more accurate (0.5 s); 30 = faster-whisper's own")
    max_seconds: float = Field(30.0, gt=0, description="longer recordings are cut here, with a message")
    bias: bool = Field(True, description="bias decoding toward catalogue words and snap near-misses")
    incremental: bool = Field(True, description="decode while the button is held (at pauses, every second of "
                              "speech) and keep what stays the same, so little is left to decode at the release")
    clean: Literal["off", "webrtc"] = Field("off", description="clean the audio before Whisper: WebRTC's noise "
                                            "suppression and automatic gain (webrtc-noise-gain). Off by default: "
                                            "measured, it made Whisper worse with a TV and reverberation (BENCHMARKS.md)")
    noise_suppression: int = Field(2, ge=0, le=4, description="WebRTC noise suppression level, 0 (off) to 4 (most)")
    auto_gain_dbfs: int = Field(3, ge=0, le=31, description="WebRTC automatic gain target, dB below full scale "
                                "(0: no gain control)")
    rescore: bool = Field(True, description="choose among Whisper's beam hypotheses by what the catalogue and "
                          "the parser make of each (and sound-alike names), not by Whisper's score alone")
    ask_back: bool = Field(True, description="when unsure what was said, ask 'Did you mean ...?' instead of "
                           "answering a mishearing")


class TTSSettings(BaseModel):
    model_config = _SECTION
    voice: str = Field("joe", description="'joe' (bundled), a voice name in voices/, or a .onnx path")
    voices_dir: Path = PROJECT_ROOT / "voices"
    length_scale: float = Field(1.0, gt=0.2, lt=3.0, description="speech speed: below 1 is faster")


class LLMSettings(BaseModel):
    model_config = _SECTION
    base_url: str | None = Field(None, description="any OpenAI-compatible server; unset = built-in parser only")
    model: str = "default"
    api_key: SecretStr | None = None
    timeout: float = Field(2.5, gt=0, le=60)
    max_retries: int = Field(0, ge=0, le=5)
    max_tokens: int = Field(300, ge=32, le=4000)

    @property
    def enabled(self) -> bool:
        return bool(self.base_url)


class AudioSettings(BaseModel):
    model_config = _SECTION
    input_device: str | int | None = None
    output_device: str | int | None = None
    sample_rate: int = 16000
    preroll_ms: int = Field(400, ge=0, le=3000)
    barge_in_skip_ms: int | None = Field(None, ge=0, le=1000, description="a press while the reply plays (barge-in) "
                                         "drops the pre-roll (the reply's own voice) and this much after the press, "
                                         "while the speakers still play; default: the output's own latency")
    max_utterance_s: float = Field(15.0, gt=0, le=120)
    end_on_silence: bool = False
    silence_ms: int = Field(900, ge=200, le=5000)
    earcon: bool = True


class PTTSettings(BaseModel):
    model_config = _SECTION
    gpio_pin: int | None = Field(None, description="BCM pin of a button to GND, e.g. 17")
    gpio_pull_up: bool = True
    gpio_bounce_ms: int = 30
    evdev_device: str | None = Field(None, description="/dev/input/eventN or a device name")
    evdev_key: str = "KEY_SPACE"
    socket_path: Path | None = Field(None, description="control socket; default <state_dir>/control.sock")

    # both reach the systemd drop-in install.sh writes as root: only what a device and a key look like
    @field_validator("evdev_device")
    @classmethod
    def _device(cls, v: str | None) -> str | None:
        return None if v is None else trust.device(v)

    @field_validator("evdev_key")
    @classmethod
    def _key(cls, v: str) -> str:
        return trust.key(v)


class WyomingSettings(BaseModel):
    """`voicerec wyoming`: the server Home Assistant's Assist pipeline talks to (docs in README)."""

    model_config = _SECTION

    uri: str = Field("tcp://127.0.0.1:10700", description="tcp://HOST:PORT or unix://PATH to listen on")
    allow_lan: bool = Field(False, description="Wyoming has no authentication: only with this set may the "
                            "server listen on an address other machines can reach")
    zeroconf: bool = Field(False, description="advertise _wyoming._tcp so Home Assistant finds the server "
                           "(needs allow_lan and the zeroconf package)")
    zeroconf_name: str = Field("voicerec", min_length=1, max_length=60)
    max_clients: int = Field(64, ge=1, le=4096, description="connections beyond this are answered 'busy'")
    max_clients_per_peer: int = Field(16, ge=1, le=4096, description="connections from one address beyond "
                                      "this are answered 'busy' (Home Assistant opens one per request)")
    idle_s: float = Field(300.0, gt=0, le=86400, description="a connection that asks for nothing this long is "
                          "closed (pings and describe do not count)")
    handle_queue: int = Field(32, ge=0, le=10000, description="typed requests waiting beyond the one running")
    asr_queue: int = Field(8, ge=0, le=1000, description="recordings waiting to be transcribed")
    tts_queue: int = Field(8, ge=0, le=1000, description="replies waiting to be spoken")
    max_wait_s: float = Field(15.0, gt=0, le=600, description="a request not started by then is answered 'busy'")
    max_text_chars: int = Field(1000, ge=10, le=100_000, description="longest request text")
    max_speech_chars: int = Field(5000, ge=10, le=1_000_000, description="longest text to speak")
    max_payload_bytes: int = Field(1 << 20, ge=4096, le=64 << 20, description="largest audio chunk")
    household_changes: bool = Field(False, description="let requests over Wyoming change the household's state "
                                    "(\"I've seen it\": the seen list; taste) and add to its history; off, they are "
                                    "refused with a spoken reason and write nothing")
    run_hooks: bool = Field(False, description="run the household's hooks ([hooks] on_choose) for requests that "
                            "come over Wyoming too; off: Home Assistant gets the answer, the hook does not run")


class TMDBSettings(BaseModel):
    """`voicerec catalog refresh` (catalog/tmdb/): the household's own TMDB credentials; README."""
    model_config = _SECTION
    token: SecretStr | None = Field(None, description="the API read access token, sent as Authorization: Bearer")
    api_key: SecretStr | None = Field(None, description="or the v3 API key, sent as ?api_key=")
    api_base: str = Field("https://api.themoviedb.org/3", description="TMDB's API v3 (checked by the refresh)")
    concurrency: int = Field(8, ge=1, le=32, description="requests in flight at once")
    max_rps: float = Field(40.0, gt=0, le=1000, description="requests per second at most (TMDB allows ~50)")
    timeout: float = Field(20.0, gt=0, le=300, description="seconds to wait for one answer")
    max_titles: int = Field(2000, ge=1, le=100_000, description="titles a refresh lists (most popular first)")



class HooksSettings(BaseModel):
    """Commands the household runs when something happens ("put the second one on"): README, Hooks."""

    model_config = _SECTION

    on_choose: str | None = Field(None, description="a command line run (no shell) when a title is chosen; "
                                  "placeholders {title} {year} {service} {services} {id} {imdb_id} {kind}, "
                                  "the same values in VOICEREC_* environment variables")
    timeout_s: float = Field(5.0, gt=0, le=120, description="the hook is stopped after this long")

    @field_validator("on_choose")
    @classmethod
    def _command(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        try:
            args = shlex.split(v)
        except ValueError as e:
            raise ValueError(f"on_choose is not a command line ({e})") from None
        unknown = sorted({m for a in args for m in re.findall(r"\{(\w*)\}", a)} - set(HOOK_FIELDS))
        if unknown:
            raise ValueError(f"on_choose: unknown placeholder {{{unknown[0]}}} (known: {', '.join(HOOK_FIELDS)})")
        return v
