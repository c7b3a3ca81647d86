"""What a rubric criterion asks for, and whether an answer does it, by pattern.

A criterion's kind comes from its wording ("Defines the output format ..." is `format`), so
an admin writing a new rubric in plain words gets the checks without naming them. Each kind
has a pattern for the answers that meet it; the model worker's similarity is the second
opinion (free_text.prompt_rewrite).
"""

import re

KINDS = ("done", "format", "constraints", "context", "audience", "goal")

# Read from the criterion's wording, first match wins (order matters: "Defines the output
# format" is format, "Sets limits on what the AI may do" is constraints).
_KIND_OF_CRITERION = [
    ("done", r"unsure|missing information|instead of guessing|questions|finished|done|success"),
    ("format", r"format|output|structure"),
    ("constraints", r"constraint|limit|may and may not|leave out|length|tone"),
    ("context", r"context|background"),
    ("audience", r"audience|who the|reader"),
    ("goal", r"goal|purpose|aim"),
]

_NUMBER_UNIT = (
    r"\d+\s*(-\s*)?(slides?|words?|minutes?|mins?|bullets?|pages?|lines?|points?|sentences?|"
    r"characters?|items?|paragraphs?)"
)

PATTERNS = {
    "audience": (
        r"\baudiences?\b|\bfor (all |the |our |my |new |every |each )?(whole |entire )?(staff|"
        r"employees|team|teams|managers|colleagues|board|executives?|customers|starters|joiners|finance|sales|"
        r"everyone|people|department|heads|leaders|leadership|company|workforce|readers)\b|"
        r"\breaders?\b|\battendees\b|\baimed at\b|\bpresent(ing|ed)? (it )?to\b|\bwho (will|are "
        r"going to) (see|watch|read|attend)|\blisteners\b|\bnon-?(experts?|specialists?|finance)"
    ),
    "goal": (
        r"\b(goal|aim|purpose|objective)\b|\bso that\b|\bin order to\b|\bi (want|need)\b|"
        r"\bwe (want|need)\b|\byour (job|task) is\b|\bcounts? as (important|urgent)|\b(important|"
        r"urgent)( messages| emails| ones)? (means?|is|are|if|when)\b|\bpriorit|\bhigh[- ]priority|"
        r"\btreat as (important|urgent)|\bneeds? (action|a person|attention|handling|a reply)\b|"
        r"\bmust be (handled|answered|seen)|\b(find|pick out|flag) (the )?(messages|emails|those)"
        r" (about|from|that|which|with|where)"
    ),
    "context": (
        r"\b(context|background)\b|\bchanged?\b|\bchanges\b|\bwhat'?s new\b|\bwhat is new\b|"
        r"\bnow (requires|needs|has|is|must|says|covers)\b|\bour (customers|clients|users) (are|"
        r"include)\b|\b(most|mostly|many of)\b|\bnew (policy|"
        r"rules?|limits?|process|system)\b|\bprevious(ly)?\b|\bused to\b|\bcurrently\b|\breplac|"
        r"\bintroduc|\breceives?\b|\bwe get\b|\babout \d+|\b\d[\d,]* (emails|messages|tickets|"
        r"people|staff|employees|customers|requests)\b|\bcategor|\bfrom (1|january|february|march|"
        r"april|may|june|july|august|september|october|november|december|next|this)\b|"
        r"\bstarting\b|\bcomes? into (force|effect)|\bmailbox (is|has|gets|receives|contains)\b"
    ),
    "constraints": (
        r"\bno more than\b|\bat most\b|\bmaximum\b|\bup to \d|\bunder \d|\bfewer than\b|"
        r"\bless than \d|\blimit|\bkeep (it|each|them|to)\b|" + _NUMBER_UNIT + r"|\btone\b|"
        r"\bavoid\b|\b(do not|don'?t|must not|mustn'?t|should not|shouldn'?t) (\w+ )?(reply|"
        r"delete|send|include|use|add|mention|contact|answer|forward|move|archive|change|make|"
        r"invent|guess|exceed|go|write|share|touch|open|click|cover|go into|talk)\b|\bnever\b|"
        r"\bonly (use|include|read|look|label|tag|sort|move|draft)\b|\bwithout\b|\bleave out\b|"
        r"\bexclude\b|\bplain "
        r"(english|language|words)\b|\bformal\b|\bfriendly\b|\bconcise\b|\bbrief\b|\bjargon\b|"
        r"\bmay not\b|\bnot allowed\b|\bread-only\b|\bnot (to )?(reply|delete|send|forward|answer)"
    ),
    "format": (
        r"\bformat\b|\boutline\b|\btable\b|\bbullets?\b|\bbullet points\b|\bslide[- ]by[- ]slide\b|"
        r"\bheadings?\b|\btitles?\b|\bspeaker notes\b|\bcolumns?\b|\bjson\b|\bcsv\b|\bmarkdown\b|"
        r"\bsections?\b|\bone[- ]line\b|\bnumbered\b|\btemplate\b|\bstructured?\b|\blist (of|with|"
        r"showing|containing)\b|\bfor each (slide|message|email|item|row)\b|\beach (slide|message|"
        r"email|row|entry|line) (should|with|has|gives|shows)|\b(return|give me|produce|output)"
        r" (a|an|the) (\w+ ){0,2}(list|table|summary|outline|report|digest)\b|\bdigest\b|"
        r"\bfor (each|every) (slide|message|email|item)\b"
    ),
    "done": (
        r"\bdone\b|\bfinished\b|\bcomplete (when|if|once)\b|\bsuccess\b|\bgood (result|answer|"
        r"outcome|version) (is|looks|means|would)\b|\bacceptance\b|\bready to (present|send|use|"
        r"share|go)\b|\bif (you are |you're |it is |it's |you aren't |you are not )?"
        r"(unsure|not sure|uncertain|unclear|in doubt|ambiguous)|"
        r"\bwhen (unsure|uncertain|in doubt)\b|"
        r"\bflags?\b|\bask (me|questions|for|before)\b|\bmissing (information|details|info|facts)"
        r"|\binstead of guessing\b|\bdon'?t guess\b|\bdo not guess\b|\bcheck with me\b|"
        r"\b(person|human|someone|colleague|me) (to )?(review|check|decide)\b|\bfor review\b|"
        r"\bescalat|\bleave (it|them) for\b|\bmark (it|them) for\b|\bneeds? review\b"
    ),
}
_COMPILED = {kind: re.compile(pattern, re.IGNORECASE) for kind, pattern in PATTERNS.items()}


def criterion_kind(criterion: str) -> str:
    lowered = criterion.lower()
    for kind, pattern in _KIND_OF_CRITERION:
        if re.search(pattern, lowered):
            return kind
    return "context"


def rule_evidence(kind: str, text: str) -> str:
    """The words of the answer that meet the criterion, or "" when none do."""
    found = _COMPILED[kind].search(text)
    return found.group(0) if found else ""
