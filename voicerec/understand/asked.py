"""How a question about one title is said: its form and the words that name the title.

    recognise(text, spoken)  ─► Asked(question, words, weak, kind, services, detail) or None

Forms by question, earlier ones first (`_FORMS`), tried on the words as said after the lead-ins
people put before a question ("quick question", "do you know") and, failing that, without what may
trail it ("please", "right now"). A title pointed at first ("the last one, how long is it") and a
question with its object left out ("who's the director", "how many seasons") are asked about the
title in focus. questions.py turns an Asked into a Query, finding the title in the catalogue.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from voicerec.understand import focus
from voicerec.vocab.services import SPOKEN, Spoken

MAX_CHARS = 400

_X = r"(?P<x>.+?)"
_SVC = "(?:@SVC@)"  # the services a parser understands (vocab/services.py Spoken), filled in by _compiled
_S = rf"(?:the )?(?P<s>(?:{_SVC})(?:(?:,| or| and| nor)+ (?:on )?(?:{_SVC}))*)(?: (?:app|service|subscription))?"
_WHO_IS = r"who(?:'s| is|s| was|'re| are| were)"
_WHAT_IS = r"what(?:'s| is|s| was|'re| are| were)"
_THE = r"(?:the |an? )?"
_ON = r"(?:(?:still|currently|also|now|even) )?(?:(?:available|streaming|playing|showing|included|free) )?(?:on|in|at|with|through|via|part of)"
_RELEASE = (r"(?:first )?(?:come out|came out|get released|released|release|out|made|filmed|shot|produced|premiere"
            r"|premiered|air|aired|debut|debuted|start|started|begin|began|launch|launched|hit (?:theaters|theatres|cinemas)"
            r"|come to (?:theaters|theatres|cinemas)|from|come|arrive|arrived)")

# form → patterns, earlier ones first. "(?#weak)": the words could as well be a request, so the form
# only counts when its title is found; "(?#show)": the wording says the title is a show; "(?#last)":
# tried after every other form. (All are regex comments and match nothing.)
_OK = (r"(?:ok|okay|alright|all right|suitable|appropriate|safe|fine|good|too (?:scary|much|old|grown up|adult|violent"
       r"|mature|intense|frightening|rude)|right)")
_WHO = r"(?:an? |my |our |the |your )?(?:\w+ )?(?:\w+ )?(?:year olds?|kids?|children|child|toddlers?|teens?|teenagers?|family|families|son|daughter|boys?|girls?|little ones?|grand ?kids|grandchildren|\d+|\w+ year old)"
_TONE = (r"(?:an? )?(?:scary|frightening|creepy|funny|sad|violent|gory|romantic|dark|depressing|intense|animated|happy"
         r"|upbeat|feel good|heavy|light|gentle)(?: (?:one|movie|film|show|series))?"
         r"|an? (?:comedy|horror|thriller|drama|documentary|romance|western|musical|cartoon|action (?:movie|film)|tear ?jerker"
         r"|weepie)(?: (?:movie|film|show|series))?|a kids(?: movie| show)?")
_FORMS: dict[str, tuple[str, ...]] = {
    "suitable": (  # is X ok for a ten year old
        rf"(?:is|would|will|'s) {_X} (?:be )?{_OK}(?: to (?:watch|show|see))? (?:for|with) (?P<d>.+)",
        rf"(?:can|could|should) (?P<d>{_WHO}) (?:watch|see) {_X}",
        rf"(?:is|are) {_X} (?:kid|kids|family|child|children)[\s-]?(?:friendly|safe|appropriate|ok|okay)",
        rf"(?:is|are) {_X} (?:suitable|appropriate|safe|ok|okay|fine)(?: for (?P<d>{_WHO}))?",
        rf"(?:is|are) {_X} (?:for|aimed at) (?P<d>kids|children|adults|grown ?ups|families|the family|teens|teenagers)",
        rf"(?:for )?what age (?:is|'s) {_X}(?: (?:for|suitable for|ok for|appropriate for|aimed at|rated))?",
        rf"what age (?:rating|certificate) (?:does|is) {_X}(?: have)?",
    ),
    "kind": (  # is that a movie or a show
        rf"(?#weak)(?:is|was) {_X} (?:a |an )?(?:movie|film|show|series|tv show|tv series) or (?:a |an )?(?:movie|film"
        rf"|show|series|tv show|tv series)",
        rf"(?#weak){_WHAT_IS} {_X} (?:a |an )?(?:movie|film) or (?:a |an )?(?:show|series|tv show)",
        rf"(?#weak)(?:is|was) {_X} (?:a|an) (?:movie|film|tv show|tv series|series|show)",
    ),
    "tone": (  # is it scary
        rf"(?#weak)(?:is|was) {_X} (?:too |very |really |that |at all |a bit |kind of |kinda |quite |super |actually )?"
        rf"(?P<d>{_TONE})(?: at all)?",
        rf"(?#weak)is there (?:much |a lot of |any |lots of )?(?P<d>violence|gore|swearing|blood) in {_X}",
    ),
    "rating": (  # what's it rated, is it any good
        rf"{_WHAT_IS} {_X} rated(?: as)?",
        rf"{_WHAT_IS} (?:the )?(?:age )?(?:rating|score|certificate|imdb rating|imdb score) (?:of|on|for) {_X}",
        rf"how (?:is|was|'s|well is|highly is|well was) {_X} rated",
        rf"how good (?:is|was) {_X}",
        rf"what (?:rating|score) (?:does|did) {_X} (?:have|get)",
        rf"what do (?:people|critics|viewers|reviewers|folks) (?:think|say) (?:of|about) {_X}",
        rf"(?:are|were) (?:the )?reviews (?:for|of|on) {_X} (?:good|any good|ok)",
        rf"(?:how|what) (?:are|were) (?:the )?reviews (?:like )?(?:for|of|on) {_X}",
        rf"(?#weak)(?:is|was) {_X} (?:any good|good|worth (?:it|watching|a watch|seeing)|rated well|well rated"
        rf"|highly rated|decent|well reviewed)",
        rf"(?#weak)(?:does|did) {_X} have good (?:reviews|ratings)",
        rf"(?:would|will|do you think|d'you think) (?:i|we|he|she|they|my \w+|our \w+|the kids|the family|(?:my|our) \w+ and"
        rf" (?:i|me)) (?:would |will )?(?:like|enjoy|love|be into|get into) {_X}(?: do you think)?",
        rf"(?:is|was) {_X} (?:any good for|good for|worth it for|a good (?:pick|choice|one) for) .+",
        rf"(?:is|was) {_X} (?:a good (?:pick|choice|one|watch)|worth a (?:look|go|try))",
    ),
    "origin": (  # where is it from
        rf"where(?:'s| is| was|s) {_X} (?:from|made|filmed|set|shot)(?: originally)?",
        rf"(?:what|which) (?:country|countries|language) (?:is|was|'s) {_X}(?: (?:from|made in|in|filmed in|set in))?",
        rf"where (?:was|were|did) {_X} (?:made|filmed|shot|produced|come from)",
        rf"(?:what|which) country (?:made|produced) {_X}",
        rf"(?:is|was) {_X} (?:a )?(?P<d>foreign|american|british|english|korean|japanese|french|spanish|indian|german|italian"
        rf"|chinese|mexican|australian|canadian|irish|scottish|swedish|danish|norwegian|turkish|brazilian)(?: (?:movie|film|show"
        rf"|series|one))?",
    ),
    "on_service": (  # is X on <service>
        rf"(?:is|was|are) {_X} {_ON} {_S}",
        rf"(?:if|whether) {_X} (?:is|are) {_ON} {_S}",
        rf"(?:can|could|do|will|would|may) (?:i|we|you) (?:be able to )?(?:watch|stream|see|find|get|catch|rent)"
        rf" {_X} (?:on|with|through|via|in) {_S}",
        rf"(?:does|do|did|will|has|is) {_S} (?:still |currently |even )?(?:have|has|got|carry|carries|stream|streams"
        rf"|show|shows|offer|offers|include|includes|having|carrying|streaming) {_X}",
        rf"(?#weak)(?:is|are) there {_X} on {_S}",
        rf"(?#weak)(?:is|are) {_X} (?:an? )?{_S} (?:show|movie|film|series|original|exclusive)",
    ),
    "director": (  # who directed X
        rf"who (?:directed|direct|directs|helmed|filmed|shot|was directing|did direct|is directing|made|created"
        rf"|produced) {_X}",
        rf"{_WHO_IS} (?:the )?(?:directors?|filmmakers?|film ?makers?|creators?|person|people|man|woman|guy|mind|brains)"
        rf" (?:of|for|on|behind|that (?:made|directed)|who (?:made|directed)|who did) {_X}(?: is| was)?",
        rf"(?:what|which) (?:director|filmmaker) (?:made|directed|did|is behind|was behind|shot) {_X}",
        rf"(?:who|whom) (?:is|was|were) {_X} (?:directed|made|created)(?: by)?",
        rf"(?:who (?:is|was) )?{_X} (?:was |is )?(?:directed|made) by (?:who|whom|what director|which director)",
        rf"(?:by )?who(?:m)? (?:directed|made) {_X}",
        rf"{_WHO_IS} behind (?:the camera (?:on|for|of) )?{_X}",
        rf"(?#weak)(?:the )?directors? (?:of|for) {_X}",
        rf"(?#weak){_X} directors?",
    ),
    "cast": (  # who is in X
        rf"{_WHO_IS} (?:(?:in|on) the cast of|in|starring in|acting in|appearing in|featured in|playing in) {_X}",
        rf"who (?:stars|starred|star|acts|acted|act|plays|played|play|appears|appeared|performs|performed"
        rf"|is starring|was starring|voices|voiced|narrates|narrated|hosts|hosted) (?:in|on) {_X}",
        rf"who (?:narrates|narrated|hosts|hosted|presents|presented) {_X}",
        rf"who (?:plays|played|is|was|'s|s) (?:the )?(?:lead|main character|main role|main part|star|hero|protagonist"
        rf"|title role)(?: role)? (?:in|of|on) {_X}",
        rf"{_WHO_IS} (?:the )?(?:main |lead |leading |starring |principal |voice )?(?:stars?|actors?|actresses"
        rf"|cast(?: members)?|leads?|main characters?|characters|people|voices?|voice actors?|voice cast|performers)"
        rf" (?:of|in|on|from|for) {_X}(?: are| is)?",
        rf"(?:what|which) (?:actors?|actresses|stars?|celebrities|famous people|people) (?:are|is|were|was|star"
        rf"|starred|play|played|appear|appeared|act|acted) in {_X}",
        rf"(?:{_WHAT_IS} )?(?:the )?(?:full |main )?cast (?:of|for|in|list (?:of|for)) {_X}(?: like)?",
        rf"who (?:do|does|did) {_X} (?:star|feature|have in it)",
        rf"(?#weak)(?:(?:{_WHAT_IS}|{_WHO_IS}|who are) (?:the )?)?{_X} (?:cast|actors|cast list|cast members)",
    ),
    "length": (  # how long is X / how many seasons
        rf"(?#show)how many (?:seasons|series|episodes|parts|chapters)(?: (?:does|do|did|of|has|have|are there (?:of|in|for)"
        rf"|is there (?:of|in)|(?:is|are|were) (?:there )?(?:in|of|on)|is|are|in|for))? {_X}(?: (?:have|has|got|there|out|so far|are there|now"
        rf"|run|last|go on|go on for|go for|air|been on|running|in total|altogether))*",
        rf"(?#show)how long (?:is|are) (?:an? |the |each )?(?:episodes?|seasons?) (?:of|in|for) {_X}",
        rf"how long (?:is|was|are|'s|s) {_X}(?: (?:in minutes|in hours|exactly|long|roughly|approximately))?",
        rf"how long {_X} (?:is|was|runs|lasts)",
        rf"how long (?:does|do|did|will) {_X} (?:last|run|take|go on|go for|play for|run for)",
        rf"how (?:many|much) (?:minutes|hours|time) (?:is|does|are|long is|will|do i need for) {_X}"
        rf"(?: (?:take|last|run|long|have|need))?",
        rf"(?:{_WHAT_IS} )?(?:the )?(?:run ?time|running time|length|duration|play ?time|running length)"
        rf" (?:of|for|on) {_X}",
        rf"(?#weak){_X} (?:runtime|run time|running time|length|duration)",
        rf"(?#weak)(?:is|was) {_X} (?:very |too |really |a |an? (?:very |really )?)?(?:long|short)(?: (?:one|movie|film|show"
        rf"|series|watch))?",
    ),
    "released": (  # when did X come out
        rf"when (?:did|does|was|is|were|will|do) {_X} {_RELEASE}(?: out)?",
        rf"when {_X} (?:came out|was released|was made|premiered|first aired|aired)",
        rf"(?:in )?(?:what|which) year (?:did|was|is|does|were) {_X}(?: {_RELEASE})?",
        rf"(?:in )?(?:what|which) year {_X} (?:came out|was released|was made|premiered|is from|was from)",
        rf"(?:{_WHAT_IS} )?(?:the )?release (?:date|year) (?:of|for) {_X}",
        rf"how old is {_X}",
        rf"(?#weak){_X} release (?:date|year)",
        rf"(?#weak)(?:is|was) {_X} (?:new|old|recent)",
    ),
    "about": (  # what is X about
        rf"{_WHAT_IS} {_X}(?: all| even| really| actually| basically)? about",
        rf"what {_X} is about",
        rf"{_WHAT_IS} (?:the )?(?:plot|story|storyline|premise|synopsis|summary|gist|idea|concept|setup|deal)"
        rf" (?:of|for|in|behind|to|with) {_X}",
        rf"what happens in {_X}",
        rf"(?:give me |tell me |read me )?(?:the |a )?(?:quick |short |brief )?(?:plot|story|storyline|synopsis"
        rf"|summary|premise|rundown|description) (?:of|for|on) {_X}",
        rf"what (?:kind|sort|type) of (?:an? )?(?:movie|film|show|series|thing|story) is {_X}",
        rf"(?#weak)(?:(?:can|could|would|will) you (?:please )?)?(?:tell me|tell us|talk to me) (?:a (?:bit|little) |more "
        rf"|something |all )?about {_X}",
        rf"(?#weak)what (?:do|can) you (?:know|tell me|tell us) about {_X}",
        rf"(?#weak)(?:i|we) (?:want|'d like|would like|wanna) to (?:know|hear) (?:more |a bit |a little )?about {_X}",
        rf"(?#weak)(?:do you )?know anything about {_X}",
        rf"(?#weak)(?:describe|summarize|summarise) {_X}",
        rf"(?#weak){_WHAT_IS} {_X} like",
        rf"(?#weak)(?#last){_WHAT_IS} {_X}",
    ),
    "where": (  # where can I watch X
        rf"where (?:can|could|do|would|should|might|will|may) (?:i|we|you|one|people) (?:go to |be able to )?"
        rf"(?:watch|stream|see|find|view|get|catch|rent|buy) {_X}",
        rf"where (?:i|we) (?:can|could) (?:watch|stream|see|find|view|get) {_X}",
        rf"where to (?:watch|stream|find|see) {_X}",
        rf"(?:how|where) (?:can|could|do) (?:i|we) (?:watch|stream|get) {_X}",
        rf"(?:what|which) (?:streaming )?(?:services?|apps?|platforms?|channels?|sites?|networks?|streamers?"
        rf"|streaming services?) (?:is|are|has|have|carries|carry|streams|stream|shows|show|offers?|can i (?:watch"
        rf"|stream|find|see)|do i need (?:for|to watch)|should i use (?:for|to watch)) {_X}"
        rf"(?: (?:on|streaming on|available on|in|streaming))?",
        rf"(?:is|are) {_X} (?:streaming|available|on|playing|showing)(?: (?:anywhere|online|somewhere|to stream"
        rf"|to watch|for streaming))?",
        rf"(?:can|could) (?:i|we) (?:watch|stream|see|find|get) {_X} (?:anywhere|online|somewhere|streaming)",
        rf"who (?:has|streams|carries|is streaming|shows) {_X}",
        rf"where(?:'s| is|s| are) {_X} (?:streaming|playing|showing|available|on)(?: (?:at|now|online))?",
        rf"(?#weak){_WHAT_IS} {_X} (?:streaming )?on",
        rf"(?#weak)where(?:'s| is|s) {_X}",
    ),
}


@lru_cache(maxsize=8)
def _compiled(services: str) -> list[tuple[str, bool, str | None, re.Pattern[str]]]:
    """Every form, compiled, with these services' names (an alternation) where a form names a service;
    "(?#last)" forms after every other."""
    def rx(p: str) -> re.Pattern[str]:
        return re.compile(rf"^{p.replace('@SVC@', services)}$")
    return [(question, "(?#weak)" in p, "show" if "(?#show)" in p else None, rx(p))
            for question, patterns in _FORMS.items() for p in patterns if "(?#last)" not in p] \
        + [(question, "(?#weak)" in p, None, rx(p))
           for question, patterns in _FORMS.items() for p in patterns if "(?#last)" in p]


_STUB = re.compile(r"^(?:who|what|how|when|where|which|is|does|did)\b(?:\s+\S+){0,4}$")
_TOPIC = re.compile(r"^(?P<ref>.+?)\s+(?P<q>(?:what|who|how|when|where|is|does|did|can|could|would|which|was)\b.+)$")
_LEAD = re.compile(r"^(?:(?:hey|hi|ok|okay|so|um+|uh+|er|erm|well|please|quick question|question|and|oh|alright|all right"
                   r"|excuse me|sorry|actually|also|then|jeez|geez|gosh|wow|ooh|ooo|ah|ha|haha|hmm+|huh|right|cool|great|nice"
                   r"|perfect|lovely|wait|hang on|hold on|mm+|yeah|yes|yep|interesting|sounds good|go on|but|ok so|and so)\s+)+")
_ASK = re.compile(
    r"^(?:(?:can|could|would|will) you (?:please )?(?:tell me|let me know|find out|check|look up|say|check for me|remind me)"
    r"|(?:do|does) (?:you|anyone|anybody) (?:happen to )?(?:know|remember)|i (?:want|need|would like|'d like|d like) to know"
    r"|i (?:was )?wonder(?:ing)?|tell me|let me know|remind me|any idea|you know|i forgot|i can't remember|i don't remember"
    r"|quick question)\s+(?:please\s+)?(?=(?:who|whom|where|what|when|how|which|if|whether|is|are|was|does|do|can)\b)")
# what may trail a question and names nothing ("please", "right now")
TAIL = re.compile(r"(?:\s+(?:please|thanks|thank you|right now|now|currently|at the moment|today|tonight|these days|anymore|do you think"
                  r"|again|exactly|by any chance|do you know|actually|then|by the way|still|at all|anywhere|online|for free"
                  r"|in minutes|in hours|long|roughly|approximately|though|too|as well|you know|or not|ever|originally|first))+$")
# a pronoun for the title: the conversation says which (understand/focus.py)
PRONOUN = re.compile(r"^(?:it|that|this|that one|this one|the one|those|these|that (?:movie|film|show|series)"
                     r"|this (?:movie|film|show|series)|the (?:movie|film|show|series))$")


@dataclass(frozen=True)
class Asked:
    """A question's form and the words that name its title (as said)."""

    question: str
    words: str                # the title as said, e.g. "the movie up", "the second one"
    weak: bool = False        # the form could as well be a request: only a found title makes it a question
    kind: str | None = None   # what the wording says: "how many seasons" is about a show
    services: tuple[str, ...] = ()
    detail: str = ""          # who it is for ("a ten year old"), the tone asked ("scary")


def clean(text: str) -> str:
    """Lower case, punctuation out (apostrophes, "disney+" and "&" kept), single spaces."""
    s = unicodedata.normalize("NFKC", str(text or ""))[:MAX_CHARS * 4].lower()
    s = s.translate({0x2019: "'", 0x2018: "'", 0x201C: " ", 0x201D: " "})
    s = re.sub(r"[^\w\s'+&]", " ", s)
    s = re.sub(r"\b(what|where|when|who|how|which|year|age|how long|how old|how good|how much|how many|how big)'s\b",
               r"\1 is", s)
    s = re.sub(r"(?<!\w)'|'(?!\w)", " ", s)
    return " ".join(s.split())[:MAX_CHARS]


def recognise(text: str, spoken: Spoken = SPOKEN) -> Asked | None:
    """The form of a question about one title, or None when the words are not such a question. A title
    pointed at first and asked about after ("that second one, what's it about") is asked about."""
    s = _ASK.sub("", _LEAD.sub("", clean(text)))
    if not s:
        return None
    m = _TOPIC.match(s)
    if m and focus.read(m.group("ref")) is not None:  # "the last one, how long is it"; "number three how many seasons"
        for q in _implied(m.group("q")):
            asked = _form(q, spoken)
            if asked is not None and PRONOUN.match(asked.words):
                return Asked(asked.question, m.group("ref"), asked.weak, asked.kind, asked.services, asked.detail)
    asked = _form(s, spoken)
    if (asked is None or asked.weak) and _STUB.match(s):  # "who's the director", "how many seasons": of the focus
        for q in _implied(s)[1:]:
            implied = _form(q, spoken)
            if implied is not None and implied.words == "it" and not (asked and implied.weak):
                return Asked(implied.question, "that one", implied.weak, implied.kind, implied.services, implied.detail)
    return asked


def _implied(q: str) -> list[str]:
    """A question with its object left out, completed with "it" the ways people leave it out."""
    return [q, f"{q} it", f"{q} is it", f"{q} of it", f"{q} in it", f"{q} does it have", f"{q} did it come out"]


def _form(s: str, spoken: Spoken = SPOKEN) -> Asked | None:
    tail_free = TAIL.sub("", s)
    for candidate in dict.fromkeys((s, tail_free)):
        for question, weak, kind, rx in _compiled(spoken.alternation):
            m = rx.match(candidate)
            if not m or not m.group("x").strip():
                continue
            services: tuple[str, ...] = ()
            if "s" in rx.groupindex and m.group("s"):
                services = tuple(dict.fromkeys(s for p, s in spoken.res if p.search(m.group("s"))))
            detail = (m.group("d") or "") if "d" in rx.groupindex else ""
            return Asked(question, m.group("x").strip(), weak, kind, services, detail)
    return None
