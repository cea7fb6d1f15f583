"""The messages of the feedback forum and the context each needs (registered with the notifications app). Each
tells a post's author, by first name, what the program did with their post, with a link to it."""

from typing import Final

from .choices import Status

POST: Final[dict[str, type]] = {"first_name": str, "title": str, "link": str}

# An answer tells the author where their post stands now: one message for each status an answer sets.
ANSWERED: Final[dict[str, str]] = {
    Status.ANSWERED: "feedback_answered",
    Status.PLANNED: "feedback_planned",
    Status.DONE: "feedback_done",
}

MESSAGES: Final[dict[str, dict[str, type]]] = {
    **dict.fromkeys(ANSWERED.values(), POST),
    "feedback_hidden": {**POST, "reason": str},
    "feedback_shown": {**POST, "reason": str},
}
