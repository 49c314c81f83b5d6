"""The one vocabulary: every word list and spoken form voicerec knows, in one place.

    genres.py  the canonical genres, how people say them, and how a reply names them
    services.py  streaming services as a registry: keys, names, spoken forms, TMDB provider ids
    places.py  countries: ISO codes, names, demonyms, spoken forms (and the services, re-exported)
    topics.py  what a title can be about ("heist", "dragons"): evidence words and genre hints
    moods.py   moods, occasions and audiences: genres to prefer or avoid, a meaning to rank by
    words.py   number words, ordinals, sorts, fillers, negation and hedge cues

The rule parser, the LLM schema, the replies and the catalogue build all read these tables; none
keeps a copy. Everything here is data plus small pure helpers: no I/O, no imports from voicerec
(but each other).
"""
