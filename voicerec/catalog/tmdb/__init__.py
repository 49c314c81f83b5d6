"""`voicerec catalog refresh`: the catalogue kept current from The Movie Database (TMDB), per region.

    client.py   HTTP: credentials, politeness (rate, 429 Retry-After, retries), typed errors
    mapping.py  TMDB's JSON → the catalogue's vocabulary (genres, certificates, providers → services)
    fetch.py    what a region streams: providers, discover, changes, details (bounded concurrency)
    journal.py  what an unfinished refresh fetched, so the next run resumes it
    run.py      the command: fetch, then catalog/regions.py writes it and swaps the file in

Watch-provider data is JustWatch's, through TMDB: attribution is in `catalog stats`, the README and
`voicerec privacy`. Nothing here runs unless the household runs `voicerec catalog refresh`.
"""
