"""The Wyoming server (`voicerec wyoming`): voicerec for Home Assistant's Assist, on the `wyoming` library.

    server.py     start-up, address check, systemd notify/watchdog, shutdown
    handler.py    one client connection: events in order, answered or ignored, never a crash
    wire.py       reading an event with size limits (the library's framing, checked)
    lanes.py      CPU-bound work off the event loop: a thread and a bounded queue per kind of work
    service.py    what all connections share: one Assistant (models loaded once), lanes, limits,
                  connection slots, the retention timer
    peers.py      the peer's address: who may connect, slots per address, a log a flood cannot fill
    handle.py     Transcript → Handled / NotHandled, the conversation id as the session
    asr.py        audio in any format → 16 kHz mono → Transcript
    tts.py        text → Piper audio, sentence by sentence, streaming or whole
    info.py       the `info` answer: handle, asr and tts programs, English
    advertise.py  optional zeroconf `_wyoming._tcp` advertisement
"""
