"""The replies of a conversation that are not suggestions: choosing a title, closing, help, starting
over, and asking which one was meant. Short, warm, one breath; a title is always named.

    chosen(title, mine)   "Toy Story is on Disney Plus."
    closing(title)        "You're welcome. Enjoy!" / "Great choice. Enjoy Toy Story!"
    which(titles, verb)   "Which one would you like to watch: Shrek, Up or Coco?"
"""

from __future__ import annotations

from voicerec.say.phrases import join, services_phrase
from voicerec.types import Title

HELP = ("I suggest things to watch on your streaming services: ask for a mood, a genre, an actor, an era or a "
        "length, like a light comedy from the 2000s under two hours. Then you can ask about one of them, say "
        "shorter, newer or any others, correct me, or say play the second one, and I'll tell you where it is.")
RESET = "Okay, let's start over. What would you like to watch?"
CLOSING = "You're welcome. Enjoy!"
GREETING = "Hello! What would you like to watch? You could say something like: a light comedy from the 2000s."


def chosen(t: Title, mine: list[str] | None = None) -> str:
    """Where the chosen title is: voicerec cannot start it, so it says plainly where to find it."""
    if not t.services:
        return f"{t.title} isn't on any of the streaming services I know right now."
    yours = [s for s in t.services if not mine or s in mine]
    if not yours:
        return f"{t.title} is on {services_phrase(t.services, 'and')}, which isn't one of your services."
    return f"{t.title} is on {services_phrase(yours[:2], 'and')}. Enjoy!"


def closing(title: str | None = None) -> str:
    """A short, warm closing; the title picked, when the closing picked one ("that's the one")."""
    return f"Great choice. Enjoy {title}!" if title else CLOSING


def which(titles: list[str], verb: str = "do you mean") -> str:
    """Which one of the last list was meant (a guess would act on the wrong title)."""
    if not titles:
        return "Sorry, I don't know which one you mean. Ask me for something to watch first."
    if len(titles) == 1:
        return f"Do you mean {titles[0]}?"
    return f"Which one {verb}: {join(titles[:5], 'or')}?"


def hook_failed() -> str:
    return " Sorry, I couldn't start it for you."
