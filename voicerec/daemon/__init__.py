"""The daemon: push-to-talk sources, one open microphone, the request state machine, systemd.

    run.py      Daemon / run_daemon: idle → listening → transcribing → thinking → speaking → idle
    worker.py   RequestWorker: the thread that takes each utterance through the Assistant to the speakers
    mic.py      AudioInput: one input stream, pre-roll ring buffer, VAD end, reopen with backoff
    ptt.py      push-to-talk sources (GPIO button, evdev key) feeding one event queue
    control.py  the local control socket (press/release/toggle/status) and its client
    notify.py   systemd sd_notify (READY, WATCHDOG, STATUS, STOPPING), no dependency
    earcon.py   the short generated beeps at the start and end of listening
    malloc.py   glibc malloc trimming and arena limits (resident memory of a long-lived daemon)
"""
