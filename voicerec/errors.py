"""Errors a user can cause. Each carries a one-line message fit for stderr or for speaking.

Anything else that escapes is a bug. The CLI prints `voicerec: <message>` and exits with
`exit_code`; the daemon logs it and speaks `spoken` (a short "sorry, ...").
"""

from __future__ import annotations


class VoicerecError(Exception):
    exit_code = 1
    spoken = "Sorry, something went wrong."

    def __init__(self, message: str, spoken: str | None = None) -> None:
        super().__init__(message)
        if spoken:
            self.spoken = spoken

    @property
    def message(self) -> str:
        return str(self).splitlines()[0] if str(self) else self.__class__.__name__


class ConfigError(VoicerecError):
    exit_code = 2
    spoken = "Sorry, my settings have a problem."


class CatalogError(VoicerecError):
    exit_code = 3
    spoken = "Sorry, I can't read the catalogue right now."


class AudioInputError(VoicerecError):
    """A recording that cannot be used: unreadable, not audio, or too long."""

    exit_code = 4
    spoken = "Sorry, I couldn't use that recording."


class DeviceError(VoicerecError):
    """No microphone or speaker, or it went away."""

    exit_code = 5
    spoken = "Sorry, I can't reach the microphone."


class ModelError(VoicerecError):
    """A speech or voice model that cannot be found or loaded."""

    exit_code = 6
    spoken = "Sorry, a speech model is missing."
