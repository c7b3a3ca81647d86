"""Rule-based reading of written answers: the deterministic path.

With a small model (the default embedder cannot tell "every figure is correct" from "the
figure is wrong"), rules decide most answers and the model is a second opinion. Rules here
are about the form of an answer (is it a copy, a list of words, a denial?) and about what it
says (does it state an audience, a format, limits, when the job is done?).
"""

import re

_FUNCTION = """a an the to of and or but for in on at by with from into about as is are was were be
    been being it its this that these those there their they them he she we us our you your
    i me my if then than so not no do does did don't doesn't can could should would will
    shall may might must each every any all some which who whom whose what when where why how
    only also just very more most less such same other before after while until because"""
FUNCTION_WORDS = frozenset(_FUNCTION.split())

_WORD = re.compile(r"[a-z0-9][a-z0-9%'\-]*")
# A sentence ends at . ! ? followed by a space and a capital, a digit or a quote.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in FUNCTION_WORDS and len(w) > 2]


def passage_sentences(passage: str) -> list[str]:
    """A passage split into the numbered sentences a taker marks (1-based on the page)."""
    return [s.strip() for s in _SENTENCE_END.split(passage.strip()) if s.strip()]


def answer_sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+|\n+|;\s*|^\s*[-*\d.)]+\s+", text)
    return [p.strip() for p in parts if p and len(p.strip()) > 3]


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def copied_share(text: str, sources: list[str]) -> float:
    """The share of the answer's content words that appear in the sources (the weak prompt,
    the passage, the question): 1.0 for an answer pasted back."""
    mine = [_stem(w) for w in content_words(text)]
    if not mine:
        return 1.0
    theirs = {_stem(w) for source in sources for w in content_words(source)}
    return sum(w in theirs for w in mine) / len(mine)


def new_content_words(text: str, sources: list[str]) -> int:
    theirs = {_stem(w) for source in sources for w in content_words(source)}
    return len({_stem(w) for w in content_words(text)} - theirs)


def function_share(text: str) -> float:
    tokens = words(text)
    return sum(t in FUNCTION_WORDS for t in tokens) / len(tokens) if tokens else 0.0


def longest_clause(text: str) -> int:
    """Words in the longest run between punctuation: a sentence has one of six or more, a
    list of words does not."""
    return max((len(words(part)) for part in re.split(r"[,;:.!?\n/|]+", text)), default=0)


def is_keyword_list(text: str, vocabulary: set[str]) -> bool:
    """A bare list of words (the rubric's, the question's or prompting jargon) with no
    sentence saying anything: few function words, or no clause longer than a few words, or
    almost nothing but the vocabulary of the question."""
    tokens = words(text)
    if not tokens:
        return True
    if len(tokens) >= 4 and function_share(text) < 0.12:
        return True
    if longest_clause(text) < 5:
        return True
    mine = [_stem(w) for w in content_words(text)]
    vocab = {_stem(w) for w in vocabulary}
    return (
        bool(mine)
        and sum(w in vocab for w in mine) / len(mine) >= 0.8
        and (function_share(text) < 0.25)
    )


_JARGON = """goal goals audience context constraint constraints format output length tone style
    definition done criteria criterion success clear clarity specific specifics detail details
    detailed example examples role persona purpose scope deliverable deliverables requirements
    structure instructions instruction prompt information relevant concise precise outline
    limits limit finished answer quality"""
PROMPTING_JARGON = frozenset(_JARGON.split())

# "The prompt is fine as it is", "there are no errors", "every figure is correct".
_DENIAL = re.compile(
    r"\b(no (errors?|mistakes?|problems?|issues?|changes?( needed)?)|nothing (is )?(wrong|to "
    r"(change|fix|add))|(is|are|looks?|seems?) (all )?(fine|good|ok|okay|correct|accurate|right"
    r"|true|valid|consistent|clear)( enough| already| as it is)?|(all|every|each) (of the )?"
    r"(figures?|numbers?|facts?|claims?|sentences?|statements?|sources?)( \w+)? (is|are) "
    r"(correct|accurate|right|true|fine|valid)|checks? out|leave it as it is|(fine|good|ok) as"
    r" it is|already (clear|good|fine|correct))\b"
)
# Words that turn a denial back into a finding: "the figure is not correct".
_NEGATOR = re.compile(
    r"\b(not|n't|never|incorrect|inaccurate|wrong|false|untrue|invented|made[- ]up|fake|"
    r"contradict\w*|overstat\w*|exaggerat\w*|should be|actually|miscalculat\w*|error|mistake)\b"
)


_BARE_APPROVAL = re.compile(
    r"^\W*(correct|accurate|right|fine|ok|okay|true|valid|good|consistent|no errors?|"
    r"all good|looks (good|fine|right|correct))\W*$"
)


def _denies(sentence: str) -> bool:
    lowered = sentence.lower().replace("\u2019", "'")
    if _BARE_APPROVAL.match(lowered):
        return True
    return bool(_DENIAL.search(lowered)) and not _NEGATOR.search(_DENIAL.sub(" ", lowered))


def is_denial(text: str) -> bool:
    """Every sentence of the text only says that all is well ("every figure is correct")."""
    sentences = answer_sentences(text) or [text]
    return all(_denies(s) for s in sentences)
