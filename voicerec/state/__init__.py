"""What voicerec keeps on this machine, and nothing else: conversations, history, the seen list.

    sessions.py  the conversation per session name, for follow-ups (expires when idle)
    history.py   requests and suggestions, kept `history_days` days, erasable
    seen.py      titles the household has seen, never suggested again, erasable
    listeners.py which network servers of voicerec are running now, and where (for `voicerec privacy`)
"""
