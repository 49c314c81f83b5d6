"""Hearing with the catalogue in mind: between speech/ (what Whisper heard) and understand/ (what it
means), called from `Assistant.hear`.

    covered.py  which words of a transcript the vocabulary and the parse account for
    sounds.py   sound-alike keys (metaphone) of the vocabulary's words and the catalogue's names, and
                respellings of heard words that sound like one ("kid on the reeds" → Keanu Reeves)
    choose.py   Whisper's beam hypotheses and their respellings, scored by what the parser makes of
                each (a real title, person, genre or mood beats one that names nothing), and how sure
                the hearing is: the `doubt` an ask-back answers ("Did you mean an anime film?")
"""
