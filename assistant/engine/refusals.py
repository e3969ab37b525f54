"""Every reason the assistant gives for not answering, in one place.

Each refusal carries one of these codes: in the API reply (`debug.reason`), in the JSON log
line of the request, and in `assistant eval`'s failures. The detail (which words, which
score) goes with it as `debug.detail`.
"""

from __future__ import annotations

# Decided before any search (assistant.engine.understanding).
PERSONAL = "personal"  # age, family, religion, health: not a portfolio's business
INSTRUCTION = "instruction"  # "ignore your instructions", "write a poem", "rate him"
OFF_TOPIC = "off_topic"  # the weather, a joke
NOT_ENGLISH = "not_english"  # another language, naming nothing the portfolio has

# Decided from the question's words (assistant.engine.abstention).
UNKNOWN_NAME = "unknown_name"  # names a technology, company, place the portfolio never does
UNKNOWN_TOPICS = "unknown_topics"  # every topic word is absent from the portfolio
MOSTLY_UNKNOWN = "mostly_unknown"  # most topic words are absent
NOT_DONE = "not_done"  # "has he managed ...": the portfolio never says he did that

# Decided from what retrieval found (assistant.engine, assistant.engine.abstention).
NO_PASSAGE = "no_passage"  # nothing in the portfolio is close
LOW_SCORE = "low_score"  # the closest passage is not close enough
OFF_THE_POINT = "off_the_point"  # the closest sentences do not mention what is asked
NOT_TOGETHER = "not_together"  # no one entry holds everything a yes/no question names
NOT_OWN_WORK = "not_own_work"  # found only in notes that are not evidence of the owner's work
# Compares counts of something the portfolio never counts ("most users"), or asks whether the
# owner did something of an amount no answering sentence states ("a budget of over a million").
NO_COUNT = "no_count"

REASONS = {
    PERSONAL: "asks about personal matters",
    INSTRUCTION: "gives the assistant instructions instead of asking about the portfolio",
    OFF_TOPIC: "is about something other than the portfolio",
    NOT_ENGLISH: "is in another language and names nothing the portfolio has",
    UNKNOWN_NAME: "names something the portfolio never mentions",
    UNKNOWN_TOPICS: "asks about topics the portfolio never mentions",
    MOSTLY_UNKNOWN: "asks mostly about topics the portfolio never mentions",
    NOT_DONE: "asks whether the owner did something the portfolio never mentions",
    NO_PASSAGE: "no passage is close enough",
    LOW_SCORE: "the closest passage is not close enough",
    OFF_THE_POINT: "the closest passages do not mention what the question asks about",
    NOT_TOGETHER: "no entry holds everything the yes/no question names together",
    NOT_OWN_WORK: "found only in sections that are not evidence of the owner's own work",
    NO_COUNT: "asks for or compares numbers the portfolio never states",
}
