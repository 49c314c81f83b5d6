"""The words of a conversation: pointing at a title, acting on the last answer, closing.

    references   determiners, heads ("one", "show"), positions, superlatives (understand/focus.py)
    acts         closings, help, starting over, choosing, turning down, more, corrections (understand/acts.py)
    qualities    what a comparative changes: "quicker", "less intense", "a bit older" (understand/compare.py)

Patterns are regular expressions over lower-case words (apostrophes kept, other punctuation gone).
"""

from __future__ import annotations

# --- references --------------------------------------------------------------------------------
# what a phrase about one title ends in: "the korean one", "that first movie"
HEADS: tuple[str, ...] = ("one", "ones", "movie", "film", "flick", "show", "series", "tv show", "programme", "program",
                          "title", "pick", "option", "suggestion", "choice", "documentary", "doc", "cartoon",
                          "sitcom", "miniseries")
KIND_OF_HEAD: dict[str, str] = {"movie": "movie", "film": "movie", "flick": "movie", "show": "show", "series": "show",
                                "tv show": "show", "programme": "show", "program": "show", "sitcom": "show",
                                "miniseries": "show"}
# the whole phrase is a pronoun: the focus (or the only title)
PRONOUNS: frozenset[str] = frozenset({
    "it", "that", "this", "that one", "this one", "the one", "that there", "that one there", "this one here",
    "all of it", "the whole thing", "it all", "that whole thing", "every season", "all of that",
    *(f"{d} {h}" for d in ("that", "this", "the") for h in ("movie", "film", "show", "series", "title", "flick")),
})
PLURAL_REFS: frozenset[str] = frozenset({
    "those", "these", "them", "they", "all of them", "all of those", "any of them", "any of those", "the lot",
    "all three", "those ones", "these ones", "those three", "all those", "both", "both of them", "either of them",
    "all of these", "all these", "the three", "all three of them", "every one of them", "them all",
    "those all", "all of them already", "every one of those", "each of them", "each of those",
    "every single one", "every single one of them", "every one", "each one", "them both", "the whole lot", "all of em",
})
# a place in the last list: 1-based, -1 the last, 0 the middle
POSITIONS: dict[str, int] = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "fifth": 5, "5th": 5,
    "last": -1, "final": -1, "middle": 0, "top": 1, "bottom": -1,
}
NUMBERED: dict[str, int] = {**POSITIONS, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                            "1": 1, "2": 2, "3": 3, "4": 4, "5": 5}
# "the longest one", "the most recent one": (pattern, key of focus._superlative)
SUPERLATIVES: tuple[tuple[str, str], ...] = (
    (r"longest", "longest"), (r"shortest|quickest", "shortest"), (r"newest|latest|most recent|recent", "newest"),
    (r"oldest|earliest", "oldest"), (r"best(?: rated)?|highest rated|top rated", "best"),
    (r"worst(?: rated)?|lowest rated", "worst"),
)
# adjectives that point at a title by its genre ("the scary one", "the funny one")
TONE_GENRES: dict[str, str] = {
    "scary": "horror", "creepy": "horror", "funny": "comedy", "animated": "animation", "cartoon": "animation",
    "romantic": "romance", "kids": "kids", "kid's": "kids", "true crime": "crime", "space": "scifi", "sci fi": "scifi",
}

# --- acts on the conversation -------------------------------------------------------------------
# words around an act that say nothing themselves ("oh", "hmm", "ok so")
ACK = (r"oh|ah|ooh|ooo|hmm+|hm|um+|uh+|er+m?|well|so|ok(?:ay)?|alright|all right|right|yeah|yes|yep|sure|cool|great"
       r"|nice|perfect|good|awesome|excellent|brilliant|lovely|sounds good|sounds great|sounds perfect|that sounds good"
       r"|that sounds great|oh nice|ok cool|fine|fair enough|hey|hi|please|actually|and|then|now|wait|hold on|hang on"
       r"|ha|haha|hah|wow|jeez|geez|gosh|blimp|blimey|yay|ugh|urgh|meh|huh|go on then|go on|right then|okey dokey"
       r"|alrighty|mm+|mhm|ya|yah|oops|whoops|sorry|anyway|anyways|look|listen|you know what")
# ... and the no-words before turning something down ("nah not that one", "nope seen it")
NO = r"no|nope|nah|na|naw|no no|nah nah"
# the whole of a closing: thanks, approval, leaving ("perfect thank you", "that's the one", "never mind")
CLOSINGS = (
    r"thanks?(?: (?:a lot|so much|very much|a bunch|a million|heaps|again|loads|mate|buddy|man|for (?:that|the help|"
    r"your help|those|the suggestions?|the ideas?|the recommendations?)))*|thank you(?: (?:so much|very much|kindly|a lot|"
    r"again|for (?:that|the help|your help|those|the suggestions?|the ideas?|the recommendations?)))*|thx|ta|cheers"
    r"|much appreciated|appreciate it|i appreciate (?:it|that)|that's (?:the one|it|all|great|perfect|lovely|fine|brilliant"
    r"|awesome|helpful|really helpful|just what i wanted|exactly what i wanted|what i wanted|good|very helpful|plenty|enough)"
    r"|that(?: one)? will do|that'll do|that'll do nicely|that works|this works|works for me|that is all|that's all for now"
    r"|never ?mind|nevermind|forget it|no worries|all good|all set|we're (?:good|set|all set|sorted)|i'm (?:good|set|sorted)"
    r"|we are (?:good|set)|sorted|done|we're done|i'm done|that's everything|nothing else|nothing more|no more"
    r"|no thanks?|no thank you|nah (?:i'm|we're) good|good ?night|night night|bye(?: bye)?|goodbye|see you|see ya|later"
    r"|perfect|great|awesome|excellent|brilliant|lovely|wonderful|fantastic|amazing|super|cool|nice(?: one)?|good(?: one)?"
    r"|ok(?:ay)? cool|cool beans|sweet|sounds (?:good|great|perfect|lovely)|that sounds (?:good|great|perfect)|got it"
    r"|great stuff|good stuff|you're the best|you're a star|legend|love it|love that|i love it|ok(?:ay)?|alright"
    r"|smashing|brill|ace|champion|spot on|grand|cracking|wicked|sound|magic|top notch|class|belting|nice work"
    r"|all right|fine|sure|right|we'll (?:take it|go with that)|i'll take it|that's what we'll watch|for now|then|so much"
    r"|very much|mate|buddy|again|really|very|so|oh|ah|hmm+|um+|well|yeah|yes|yep|no|nope|nah"
)
# a closing must have one of these (a bare "ok" or "yes" is not one: it may answer a question)
CLOSING_CORE = (
    r"thanks?|thank you|thx|ta|cheers|appreciated?|perfect|great|awesome|excellent|brilliant|lovely|wonderful"
    r"|fantastic|amazing|super|cool|nice|sweet|good ?night|night night|bye|goodbye|see you|see ya|never ?mind|nevermind"
    r"|forget it|no worries|all good|all set|sorted|done|that's (?:the one|it|all|everything)|that will do|that'll do"
    r"|that works|works for me|nothing else|nothing more|no thanks?|no thank you|good|legend|love it|love that"
    r"|got it|we're good|i'm good|i'll take it|we'll take it|we'll go with that|that's what we'll watch|sounds"
    r"|smashing|brill|ace|champion|spot on|grand|cracking|wicked|magic|top notch|belting|nice work"
)
GREETINGS = (
    r"hello|hi|hiya|hey|hey there|hi there|hello there|good (?:morning|afternoon|evening)|evening|morning|howdy|yo"
    r"|hey voicerec|hi voicerec|hello voicerec|how are you(?: doing| today)?|how's it going|what's up|you there"
    r"|are you there|anyone there"
)
HELP = (
    r"what (?:can|do|could) you do|what are you (?:able to do|for|good for)|what can (?:i|we) (?:ask|say|do)(?: you)?"
    r"|what (?:should|do|can) i say|how (?:does|do) (?:this|it|you) work|how do i use (?:this|you|it)|help(?: me)?"
    r"|(?:can you )?help me out|what do you know|what are your (?:options|features|skills)|how can you help(?: me)?"
    r"|what can you help (?:me |us )?with|what kind of (?:things|stuff) can (?:i|you) (?:ask|do)|instructions"
    r"|(?:i'm|i am) (?:lost|confused)|who are you and what do you do|how (?:does|do) (?:this|that|it) (?:thing |box )?work"
    r"|what (?:sort|kind|type)s? of (?:stuff|things|questions|requests) (?:do you know(?: about)?|can (?:you|i) (?:ask|do|say|answer)"
    r"|do you do|are you good (?:at|for))|what else can you do|what can you tell me|how do i talk to you|how do i ask"
    r"|tell me what you (?:can|do) do|tell me what you can do|tell me how (?:this|you|it) works?|what are you|who are you"
)
# starting over: what follows, if anything, is a request of its own
RESET = (
    r"forget (?:that|this|all (?:of )?that|about that|everything|those|what i said)|start (?:over|again|afresh|from scratch)"
    r"|let's start (?:over|again|afresh|fresh)|(?:let's )?start fresh|new (?:idea|search|request|plan|question)"
    r"|scratch that|scrap that|never ?mind (?:that|all that|those)|ignore (?:that|all that|what i said)|from the top"
    r"|clean slate|reset|different idea|change of plan(?:s)?|let's try something (?:completely|totally|entirely) different"
    r"|something (?:completely|totally|entirely) different|on second thought(?:s)?|actually forget (?:that|it)"
)
# choosing: the verb before the title ("play the second one", "let's watch it")
CHOOSE_BEFORE = (
    r"play|start|put on|stick on|throw on|pop on|turn on|whack on|bung on|chuck on|fire up|queue up|queue|load up|load"
    r"|open|launch|watch|go with"
    r"|going with|go for|take|pick|choose|do|try|have|select|run|stream|begin|cue up|we'll do|i'll do"
)
# ... and the verb around it ("put it on", "stick the first one on")
CHOOSE_AROUND = r"put|stick|throw|pop|turn|switch|get|bring|pull|flick|whack|bung|chuck|slap|fire|stick"
# who chooses: "let's", "we'll", "i want to", "can you" (before CHOOSE_BEFORE)
CHOOSE_LEAD = (
    r"let's|let us|lets|we'll|we will|i'll|i will|we're going to|we are going to|i'm going to|we're gonna|i'm gonna"
    r"|we're|i'm|we'd like to|i'd like to|i want to|we want to|i wanna|we wanna|can you|could you|can we|could we"
    r"|please|just|go ahead and|ok|okay|then|yeah|yes|great|perfect|cool|sounds good|nice|alright"
)
# turning a title or the list down, without saying it was seen
REJECT = (
    r"not (?:that|this|those|these|them|it)(?: one| ones| movie| film| show)?|not for (?:me|us)|not (?:really )?(?:my|our)"
    r" (?:thing|cup of tea|taste|style|kind of thing)|no thanks?(?: to (?:that|those))?|nah|nope|meh|no way|pass"
    r"|i'll pass|we'll pass|hard pass|not feeling (?:it|that|those)|not interested|doesn't (?:sound|look) good"
    r"|don't (?:like|fancy|want) (?:that|this|it|those|them|any of (?:them|those))(?: one)?|none of (?:those|these|them)"
    r"|not (?:really|quite)|not really feeling it|boring|skip (?:it|that|that one|those)|next one|something else"
    r"|not any of (?:those|these|them)|no to (?:that|those|all of them)|we don't want (?:that|those)|na|naw"
    r"|(?:don't|do not|doesn't|does not) (?:like|fancy|want|enjoy|watch|do|really like) (?:that|this|those|these|them|any)"
    r"(?: \w+){0,4}"
    r"|(?:they|those|these|that|it|this|them)(?: all| both)? (?:look|sound|seem|looks|sounds|seems)(?: a bit| really| quite"
    r"| so| kind of| pretty| all)* (?:boring|rubbish|awful|bad|terrible|dull|meh|naff|crap|lame|dreadful|poor)"
    r"|(?:that |it |this )?(?:doesn't|does not|don't) (?:sound|look|seem) (?:like )?(?:(?:my|our|his|her) (?:thing|kind of thing"
    r"|cup of tea|sort of thing|style)|good|great|interesting|fun|very good|much fun|any good)|sounds? (?:boring|rubbish|awful|bad"
    r"|terrible|dull|meh)|looks? (?:boring|rubbish|awful|bad|terrible|dull)|not (?:my|our) cup of tea|not keen|not fussed"
    r"|not the (?:\w+ )?(?:one|ones|movie|film|show)|no(?=$)|no no(?=$)"
)
# seen: who ("we", "the kids", "my wife"), then "seen" / "watched" ("my wife's seen it like five times")
SEEN_WHO = (r"(?:i|we|they|he|she|you|us|both of us|all of us|the kids|the children|the family|the boys|the girls"
            r"|my (?:\w+ )?\w+(?: and (?:i|me))?|our \w+)")
SEEN_VERB = r"(?:seen|watched|saw|done|finished|had|been through)"
# what may follow the title seen, saying nothing more ("already", "like five times", "last week")
SEEN_TAIL = (r"already|before|too|yet|recently|last (?:night|week|weekend|month|year|time)|a while ago|ages ago|together"
             r"|(?:like |about |at least )?(?:\w+ times|twice|a million times|loads|so many times|a hundred times)"
             r"|to death|at the cinema|in the cinema|actually|as well|all of it|every season|the whole thing|please|then"
             r"|though|thanks|anyway|sorry")
# more of the same: the same request, the next results
MORE = (
    r"any (?:others|more|other ones|other options|other suggestions|other ideas)|got any (?:others|more|other ones)"
    r"|what else(?: (?:have you got|you got|is there|do you have|ya got|can you suggest))?|anything else"
    r"|show me (?:more|others|some more|a few more|other ones)|more (?:please|of those|like those|like that|options|ideas"
    r"|suggestions|of the same)|some more|a few more|(?:give me |tell me )?(?:three|two|a couple|a few) (?:more|others)"
    r"|other ones|others|keep going|go on|next|next ones|next three|more|the next (?:ones|few|three)"
    r"|what other (?:ones|options|titles|things)|different ones|other options|other suggestions|another (?:few|three|one)"
    r"|something else|some others|more suggestions|further options|anything more|other ideas"
)
# a correction: the cue, then the corrected part ("no, i said korean", "i meant the seventies")
CORRECT = (
    r"(?:i|we) (?:meant|mean|said|wanted|asked for|was asking for|were asking for|was after|were after|was thinking"
    r"|was thinking of|was looking for|were looking for|want|need|did say|did mean)(?: to say)?"
    r"|no no|what i meant (?:was|is)|what i said (?:was|is)|correction|i meant to say"
)
CORRECT_LEAD = r"no|nope|sorry|oops|whoops|wait|actually|no no|no sorry|sorry no|oh sorry|wrong|not quite"

# --- qualities a comparative changes: word → (dimension, +1 when more of the word is more of it) --
QUALITIES: dict[str, tuple[str, int]] = {
    "long": ("runtime", 1), "lengthy": ("runtime", 1), "short": ("runtime", -1), "quick": ("runtime", -1),
    "brief": ("runtime", -1), "fast": ("runtime", -1),
    "new": ("year", 1), "recent": ("year", 1), "modern": ("year", 1), "current": ("year", 1), "late": ("year", 1),
    "old": ("year", -1), "dated": ("year", -1), "early": ("year", -1), "classic": ("year", -1), "vintage": ("year", -1),
    "intense": ("intensity", 1), "violent": ("intensity", 1), "dark": ("intensity", 1), "heavy": ("intensity", 1),
    "gory": ("intensity", 1), "bloody": ("intensity", 1), "brutal": ("intensity", 1), "grim": ("intensity", 1),
    "bleak": ("intensity", 1), "disturbing": ("intensity", 1), "graphic": ("intensity", 1), "gritty": ("intensity", 1),
    "edgy": ("intensity", 1), "serious": ("intensity", 1), "depressing": ("intensity", 1), "sad": ("intensity", 1),
    "stressful": ("intensity", 1), "tense": ("intensity", 1), "creepy": ("intensity", 1), "grown up": ("age", 1),
    "light": ("intensity", -1), "gentle": ("intensity", -1), "soft": ("intensity", -1), "calm": ("intensity", -1),
    "cheerful": ("intensity", -1), "happy": ("intensity", -1), "upbeat": ("intensity", -1), "chill": ("intensity", -1),
    "relaxing": ("intensity", -1), "easy": ("intensity", -1), "wholesome": ("intensity", -1), "mild": ("intensity", -1),
    "lighthearted": ("intensity", -1), "light hearted": ("intensity", -1), "feel good": ("intensity", -1),
    "cheery": ("intensity", -1), "fluffy": ("intensity", -1), "cosy": ("intensity", -1), "cozy": ("intensity", -1),
    "scary": ("scary", 1), "frightening": ("scary", 1), "spooky": ("scary", 1), "funny": ("funny", 1), "silly": ("funny", 1),
    "hilarious": ("funny", 1),
    "good": ("rating", 1), "highly rated": ("rating", 1), "well rated": ("rating", 1), "acclaimed": ("rating", 1),
    "popular": ("popularity", 1), "famous": ("popularity", 1), "well known": ("popularity", 1), "known": ("popularity", 1),
    "mainstream": ("popularity", 1), "obscure": ("popularity", -1), "niche": ("popularity", -1),
    "adult": ("age", 1), "mature": ("age", 1), "grown-up": ("age", 1),
    "kid friendly": ("age", -1), "family friendly": ("age", -1), "child friendly": ("age", -1), "childish": ("age", -1),
    "kiddy": ("age", -1), "young": ("age", -1), "appropriate": ("age", -1), "suitable": ("age", -1),
    "snappy": ("runtime", -1), "slow": ("runtime", 1), "drawn out": ("runtime", 1), "up to date": ("year", 1),
    "up-to-date": ("year", 1), "contemporary": ("year", 1), "old fashioned": ("year", -1), "old-fashioned": ("year", -1),
}
# comparisons said as an idiom, not as a degree and a quality: (pattern, dimension, direction)
IDIOMS: tuple[tuple[str, str, int], ...] = (
    (r"(?:won't|wont|doesn't|does not|will not|not|don't|that won't|that doesn't) (?:take|last|go on|run)"
     r" (?:all night|forever|ages|all evening|hours|three hours|that long)", "runtime", -1),
    (r"(?:fewer|less|not as many|not so many) seasons|(?:a )?(?:shorter|smaller) (?:series|show)|less of a commitment"
     r"|not (?:as much|so much) of a commitment|(?:only )?one or two seasons", "seasons", -1),
    (r"more seasons|(?:a )?longer (?:series|show|running (?:series|show))|something to binge for a while", "seasons", 1),
    (r"shorter episodes|episodes? (?:that are|that's) shorter|quicker episodes", "runtime", -1),
    (r"longer episodes", "runtime", 1),
    (r"better (?:reviews|ratings|reviewed)|(?:higher|better) (?:rated|score|scores)|more acclaimed", "rating", 1),
    (r"(?:something )?(?:for|more for) (?:the )?(?:grown ?ups|adults)|less (?:childish|kiddy|for kids)", "age", 1),
    (r"(?:for|more for) (?:the )?(?:younger|little) (?:ones|kids)|(?:more|less) suitable for (?:the )?kids"
     r"|they're (?:only )?(?:little|small|young)|(?:he's|she's) (?:only )?(?:little|small|young)", "age", -1),
)
# comparative forms that are not the word plus "-er" (or that "-er" would misread)
COMPARATIVES: dict[str, str] = {
    "shorter": "short", "quicker": "quick", "longer": "long", "newer": "new", "older": "old", "later": "late",
    "earlier": "early", "darker": "dark", "lighter": "light", "gentler": "gentle", "softer": "soft", "calmer": "calm",
    "happier": "happy", "cheerier": "cheery", "scarier": "scary", "spookier": "spooky", "funnier": "funny",
    "sillier": "silly", "grittier": "gritty", "edgier": "edgy", "heavier": "heavy", "milder": "mild", "sadder": "sad",
    "easier": "easy", "better": "good", "cosier": "cosy", "cozier": "cozy", "bloodier": "bloody", "gorier": "gory",
    "tenser": "tense", "creepier": "creepy", "fluffier": "fluffy", "younger": "young", "faster": "fast",
    "snappier": "snappy", "slower": "slow",
    "briefer": "brief", "grimmer": "grim", "bleaker": "bleak", "better rated": "highly rated",
    "higher rated": "highly rated", "more highly rated": "highly rated", "better reviewed": "highly rated",
    "more grown up": "grown up", "less well known": "obscure", "lesser known": "obscure",
}
