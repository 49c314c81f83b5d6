"""Saying it: titles and facts → the sentences voicerec speaks.

    reply.py      the spoken reply for each kind of answer
    why.py        a short reason for each suggestion
    speakable.py  numbers, years, Roman numerals and abbreviations as a voice should read them
"""
