"""Markdown to safe HTML, and the re-check of numbers in an edited text.

markdown-it-py renders CommonMark with raw HTML switched off; nh3 (ammonia) then keeps
only an allow-list of tags and attributes, so a script, an event handler or a javascript:
link typed into a section never reaches a reader's browser - also if the parser's
settings change one day.
"""

import nh3
from markdown_it import MarkdownIt

from reports.prose import section_facts
from slm import grounding

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
}


def markdown_html(text: str) -> str:
    return nh3.clean(
        _MARKDOWN.render(text or ""),
        tags=TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def allowed_numbers(document: dict, key: str, extra_texts: list[str]) -> set[str]:
    """Numbers a section may cite: its facts (the whole document's for the summary and the
    recommendations) and those the platform derived from them in its own drafts (a change
    in points, a count of recommendations)."""
    numbers = grounding.allowed_numbers(section_facts(document, key))
    numbers |= grounding.allowed_numbers({"texts": [t for t in extra_texts if t]})
    return numbers


def unknown_numbers(text: str, document: dict, key: str, extra_texts: list[str]) -> list[str]:
    allowed = allowed_numbers(document, key, extra_texts)
    seen, out = set(), []
    for token in grounding.NUMBER.findall(text or ""):
        normalised = grounding._normalise_number(token)
        if normalised is not None and normalised not in allowed and token not in seen:
            seen.add(token)
            out.append(token)
    return out
