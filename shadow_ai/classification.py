"""Deciding what an unknown host is, and what a prompt was for: the pure rules (no Django).

Two sources of evidence are combined:

1. The model worker (slm.services.classify): the host's text is compared with labelled
   examples - the shipped ones below plus every decision the organisation's reviewers made.
2. The host name itself (`host_evidence`): AI vocabulary in its labels. With a small
   embedding model most hosts are decided here, so these rules are written with care:
   whole labels or hyphen/digit-separated tokens only ("ai", "gpt", "llm", ...), never a
   raw substring ("mail" has "ai" in it, "chatham" has "chat"), and a ".ai" top-level
   domain is weak evidence only (many .ai sites are not AI services).

`decide_host` returns one of three paths, which the service counts: "model" (the model
was confident and the name does not contradict it), "heuristic" (the model was unsure or
unavailable, the name was decisive) and "review" (a person decides; the decision becomes a
labelled example).
"""

import re
from dataclasses import dataclass, field

from shadow_ai.matching import registrable_domain
from slm.examples import AI_HOST_EXAMPLES

NOT_AI = "not_ai"
# The catalogue's categories a discovered host can get (shadow_ai.models.Category values).
HOST_LABELS = (
    "chat",
    "coding",
    "writing",
    "meetings",
    "search",
    "media",
    "model_api",
    "agents",
    NOT_AI,
)
_SLM_LABEL_TO_CATEGORY = {
    "ai_chat": "chat",
    "ai_coding": "coding",
    "ai_image": "media",
    "ai_writing": "writing",
    "ai_meeting": "meetings",
    "not_ai": NOT_AI,
}


def _shipped_examples() -> dict[str, list[str]]:
    examples: dict[str, list[str]] = {label: [] for label in HOST_LABELS}
    for slm_label, texts in AI_HOST_EXAMPLES.items():
        examples[_SLM_LABEL_TO_CATEGORY[slm_label]].extend(texts)
    examples["search"] += [
        "perplexity.ai - AI answer engine search",
        "you.com - AI search assistant",
        "phind.com - AI search engine for developers",
    ]
    examples["model_api"] += [
        "api.openai.com - OpenAI API inference endpoint",
        "api.anthropic.com - Claude API",
        "api.together.xyz - inference API for open models",
        "api-inference.huggingface.co - hosted model inference API",
    ]
    examples["agents"] += [
        "agent.ai - AI agent platform",
        "relevanceai.com - build AI agents",
        "crewai.com - multi-agent automation platform",
    ]
    examples[NOT_AI] += [
        "mail.example.com - webmail",
        "cdn.jsdelivr.net - content delivery",
        "login.microsoftonline.com - sign in",
        "fonts.gstatic.com - web fonts",
        "slack.com - team chat",
    ]
    return examples


SHIPPED_EXAMPLES = _shipped_examples()

# Tokens of a host name that say "AI service", with how strongly (0-1) and the category
# they suggest (None: AI, category unknown).
STRONG_TOKENS: dict[str, tuple[float, str | None]] = {
    "gpt": (0.9, "chat"),
    "chatgpt": (0.95, "chat"),
    "llm": (0.9, "model_api"),
    "llms": (0.9, "model_api"),
    "genai": (0.9, None),
    "openai": (0.95, "model_api"),
    "chatbot": (0.85, "chat"),
    "copilot": (0.8, "coding"),
    "gemini": (0.7, "chat"),
    "claude": (0.8, "chat"),
    "ai": (0.75, None),
    "aiwriter": (0.85, "writing"),
    "inference": (0.7, "model_api"),
    "diffusion": (0.8, "media"),
    "transcribe": (0.5, "meetings"),
    "notetaker": (0.7, "meetings"),
    "agent": (0.5, "agents"),
    "agents": (0.55, "agents"),
}
# Words that refine the category once a host is thought to be AI (not evidence alone).
CATEGORY_HINTS: dict[str, str] = {
    "chat": "chat",
    "ask": "chat",
    "assistant": "chat",
    "code": "coding",
    "coder": "coding",
    "coding": "coding",
    "dev": "coding",
    "write": "writing",
    "writer": "writing",
    "writing": "writing",
    "copy": "writing",
    "essay": "writing",
    "paraphrase": "writing",
    "meet": "meetings",
    "meeting": "meetings",
    "notes": "meetings",
    "transcript": "meetings",
    "search": "search",
    "answer": "search",
    "image": "media",
    "images": "media",
    "art": "media",
    "video": "media",
    "voice": "media",
    "photo": "media",
    "api": "model_api",
    "models": "model_api",
    "agent": "agents",
    "agents": "agents",
}
# Prefixes in a single glued label ("gptzero", "llmhub", "aiwriter") that are still AI
# vocabulary; "ai" is not among them ("aircanada", "airbnb").
GLUED_PREFIXES = ("gpt", "llm", "chatgpt", "openai", "genai")
GLUED_SUFFIXES = ("gpt", "llm", "genai")
WEAK_TLD = {"ai": 0.3}
# Word stems that may mean an AI product when glued into a name ("transcribly",
# "synthmind", "deckpilot", "askrows"): weak on their own - they send a host to review,
# never decide it. Ordinary names rarely carry them.
WEAK_STEMS: dict[str, tuple[float, str | None]] = {
    "transcrib": (0.5, "meetings"),
    "prompt": (0.5, None),
    "neural": (0.5, None),
    "synth": (0.45, None),
    "pilot": (0.4, None),
    "brain": (0.4, None),
    "mind": (0.35, None),
    "bot": (0.45, "chat"),
    "ask": (0.3, "chat"),
}
SPLIT = re.compile(r"[-_.0-9]+")


@dataclass(frozen=True)
class HostEvidence:
    score: float  # 0-1: how strongly the name says AI
    category: str | None
    reasons: tuple[str, ...] = field(default_factory=tuple)


def host_tokens(host: str) -> list[str]:
    """The words of a host name, without its public suffix guess (the last label)."""
    labels = host.lower().strip(".").split(".")
    body = labels[:-1] if len(labels) > 1 else labels
    return [t for label in body for t in SPLIT.split(label) if t]


def host_evidence(host: str) -> HostEvidence:
    host = host.lower().strip(".")
    labels = host.split(".")
    tld = labels[-1] if len(labels) > 1 else ""
    tokens = host_tokens(host)
    score, category, reasons = 0.0, None, []
    for token in tokens:
        strength, suggested = STRONG_TOKENS.get(token, (0.0, None))
        if not strength:
            glued = next(
                (p for p in GLUED_PREFIXES if token.startswith(p) and token != p), None
            ) or next((s for s in GLUED_SUFFIXES if token.endswith(s) and token != s), None)
            if glued:
                strength, suggested = STRONG_TOKENS.get(glued, (0.8, None))
                strength = min(strength, 0.8)
                reasons.append(f"'{glued}' in '{token}'")
        elif token:
            reasons.append(f"'{token}' in the name")
        if not strength:
            stem = next((w for w in WEAK_STEMS if w in token), None)
            if stem == "ask" and not token.startswith("ask"):
                stem = None
            if stem == "bot" and (not token.endswith("bot") or token == "robot"):
                stem = None
            if stem:
                strength, suggested = WEAK_STEMS[stem]
                reasons.append(f"'{stem}' in '{token}' (weak)")
        if strength > score:
            score = strength
        if suggested and category is None:
            category = suggested
    if tld in WEAK_TLD:
        # Weak on its own; it adds to other evidence without reaching certainty.
        score = min(0.95, score + WEAK_TLD[tld]) if score else WEAK_TLD[tld]
        reasons.append(f".{tld} domain (weak)")
    for token in tokens:
        if category is None and token in CATEGORY_HINTS:
            category = CATEGORY_HINTS[token]
    return HostEvidence(round(score, 3), category, tuple(reasons))


def host_text(host: str) -> str:
    """What the embedding model sees for a host: the name and its words."""
    tokens = host_tokens(host)
    return f"{host} - {' '.join(tokens)}" if tokens else host


@dataclass(frozen=True)
class HostDecision:
    path: str  # model | heuristic | review
    is_ai: bool | None
    category: str  # a HOST_LABELS value other than not_ai, or "" when not AI / undecided
    confidence: float
    reasons: tuple[str, ...] = ()


STRONG = 0.75  # name evidence that decides on its own
NO_EVIDENCE = 0.0
# Well-known sites that are not AI services (their AI features, such as gemini.google.com,
# are catalogue entries matched before a host gets here). Also never taken as an AI
# vendor's domain: everyone's content is served from them.
ORDINARY_DOMAINS = frozenset(
    {
        "google.com", "googleapis.com", "gstatic.com", "googleusercontent.com", "youtube.com",
        "microsoft.com", "microsoftonline.com", "office.com", "office365.com", "live.com",
        "sharepoint.com", "windows.net", "windowsupdate.com", "azure.com", "bing.com",
        "github.com", "githubusercontent.com", "github.io", "gitlab.com", "stackoverflow.com",
        "amazon.com", "amazonaws.com", "cloudfront.net", "cloudflare.com", "fastly.net",
        "akamaihd.net", "jsdelivr.net", "apple.com", "icloud.com", "adobe.com",
        "salesforce.com", "force.com", "atlassian.com", "atlassian.net", "slack.com",
        "zoom.us", "webex.com", "notion.so", "canva.com", "dropbox.com", "box.com",
        "linkedin.com", "facebook.com", "instagram.com", "x.com", "twitter.com",
        "wikipedia.org", "ycombinator.com", "nytimes.com", "bbc.co.uk", "ft.com",
        "reuters.com", "theguardian.com", "lemonde.fr", "workday.com", "servicenow.com",
        "vercel.app", "azurewebsites.net", "netflix.com", "ebay.com", "booking.com",
        "espn.com", "bankofamerica.com",
    }
)  # fmt: skip
# Brands whose real domains are in the catalogue: an unknown host that carries one of these
# names is a look-alike (or a phishing page), never auto-discovered as the brand's tool.
BRANDS = (
    "openai",
    "chatgpt",
    "anthropic",
    "claude",
    "gemini",
    "copilot",
    "midjourney",
    "perplexity",
    "deepseek",
    "mistral",
)


def lookalike_brand(host: str, known_domains: frozenset[str] = frozenset()) -> str | None:
    """The brand an unknown host imitates, if its name carries one. A host under a domain
    the catalogue knows (openai.com, the vendor's own site) is not a look-alike."""
    labels = host.lower().strip(".").split(".")
    if any(".".join(labels[i:]) in known_domains for i in range(len(labels) - 1)):
        return None
    return next((b for b in BRANDS for t in host_tokens(host) if b in t), None)


def decide_host(
    host: str,
    *,
    model_label: str | None,
    model_confidence: float | None,
    threshold: float,
    known_domains: frozenset[str] = frozenset(),
) -> HostDecision:
    """Combine the model's answer (None when no model ran) with the name's evidence.
    `known_domains`: registrable domains of the catalogue's tools (their vendors' sites)."""
    evidence = host_evidence(host)
    reasons = list(evidence.reasons)
    labels = host.lower().strip(".").split(".")
    vendor = next(
        (
            ".".join(labels[i:])
            for i in range(len(labels) - 1)
            if ".".join(labels[i:]) in known_domains
        ),
        None,
    )
    if vendor:
        # A host of an AI vendor's own domain that no catalogue pattern covers (its web
        # site, a new product's subdomain): AI, and worth a look.
        return HostDecision(
            "heuristic",
            True,
            evidence.category or (model_label if model_label not in (None, NOT_AI) else "chat"),
            0.9,
            (*reasons, f"under {vendor}, the domain of a catalogued AI tool"),
        )
    domain = registrable_domain(host)
    if domain in ORDINARY_DOMAINS and evidence.score < STRONG:
        return HostDecision(
            "heuristic", False, "", 0.9, (*reasons, f"{domain} is a well-known non-AI site")
        )
    brand = lookalike_brand(host, known_domains)
    if brand:
        # The brand's real domains matched the catalogue before this host got here.
        return HostDecision(
            "review",
            None,
            evidence.category or "chat",
            evidence.score,
            (*reasons, f"carries the name '{brand}' but is not its domain: a look-alike?"),
        )
    if model_label is not None and model_confidence is not None:
        reasons.append(f"model: {model_label} ({model_confidence:.2f})")
        model_ai = model_label != NOT_AI
        contradicted = (model_ai and evidence.score == NO_EVIDENCE and model_confidence < 0.9) or (
            not model_ai and evidence.score >= STRONG
        )
        if model_confidence >= threshold and not contradicted:
            return HostDecision(
                "model",
                model_ai,
                model_label if model_ai else "",
                model_confidence,
                tuple(reasons),
            )
    if evidence.score >= STRONG:
        category = evidence.category or (
            model_label if model_label and model_label != NOT_AI else "chat"
        )
        return HostDecision("heuristic", True, category, evidence.score, tuple(reasons))
    if evidence.score == NO_EVIDENCE and (
        model_label in (None, NOT_AI) or (model_confidence or 0.0) < threshold
    ):
        # Nothing in the name and no model saying otherwise: an ordinary site. Sending
        # every ordinary host to review would bury the few that matter.
        return HostDecision("heuristic", False, "", 0.7, (*reasons, "no AI sign in the name"))
    proposed = (
        model_label
        if model_label and model_label != NOT_AI
        else (evidence.category or "chat")
        if evidence.score
        else ""
    )
    return HostDecision(
        "review",
        None,
        proposed,
        max(evidence.score, model_confidence or 0.0),
        tuple(reasons),
    )


# --- Prompt text --------------------------------------------------------------------------

TASK_CATEGORIES = (
    "writing",
    "coding",
    "analysis",
    "customer_communication",
    "summarisation",
    "translation",
    "other",
)
TASK_KEYWORDS: dict[str, tuple[str, ...]] = {
    "translation": ("translate", "translation", "in french", "in german", "in spanish", "into "),
    "summarisation": ("summarise", "summarize", "summary", "tl;dr", "key points", "recap"),
    "coding": (
        "function",
        "python",
        "javascript",
        "sql",
        "regex",
        "bug",
        "stack trace",
        "code",
        "compile",
        "unit test",
        "def ",
        "class ",
    ),
    "customer_communication": (
        "customer",
        "reply to",
        "complaint",
        "refund",
        "ticket",
        "client",
        "apolog",
    ),
    "analysis": (
        "analyse",
        "analyze",
        "spreadsheet",
        "forecast",
        "trend",
        "compare",
        "revenue",
        "data",
        "chart",
        "kpi",
    ),
    "writing": (
        "write",
        "draft",
        "rewrite",
        "email",
        "blog",
        "post",
        "proposal",
        "cover letter",
        "improve",
    ),
}
TASK_EXAMPLES: dict[str, list[str]] = {
    "writing": [
        "Draft a LinkedIn post announcing our new office",
        "Rewrite this paragraph to sound more professional",
        "Write a short proposal for the team offsite",
    ],
    "coding": [
        "Fix this Python function that throws a KeyError",
        "Write a SQL query that joins orders and customers",
        "Explain this stack trace from our Java service",
    ],
    "analysis": [
        "Analyse this spreadsheet of monthly revenue by region",
        "Compare churn across the three pricing plans",
        "What trends do you see in these support ticket volumes",
    ],
    "customer_communication": [
        "Reply to this customer who is asking for a refund",
        "Write an apology to a client about the delayed shipment",
        "Answer this support ticket politely",
    ],
    "summarisation": [
        "Summarise these meeting notes in five bullet points",
        "Give me the key points of this contract",
        "TL;DR of this long email thread",
    ],
    "translation": [
        "Translate this email into German",
        "Translate the product description to French",
        "How do you say this sentence in Spanish",
    ],
    "other": [
        "What should I cook tonight",
        "Tell me a joke about cats",
        "Plan a weekend trip to Lisbon",
    ],
}

# Kinds of personal data (shadow_ai.scrub counts) by the sensitivity they imply.
RESTRICTED_KINDS = frozenset({"card", "iban", "national_id", "secret"})
CONFIDENTIAL_KINDS = frozenset({"email", "phone", "ip"})
CONFIDENTIAL_WORDS = (
    "confidential",
    "salary",
    "salaries",
    "payroll",
    "contract",
    "patient",
    "diagnosis",
    "password",
    "acquisition",
    "lawsuit",
    "internal only",
    "performance review",
)
INTERNAL_WORDS = ("our team", "our customer", "our company", "internal", "roadmap", "colleague")


@dataclass(frozen=True)
class PromptLabels:
    task_category: str
    sensitivity: str  # public | internal | confidential | restricted
    confidence: float  # of the task category
    path: str  # model | heuristic


def task_by_keywords(text: str) -> tuple[str, float]:
    """The task category with the most keyword hits, and a confidence from the margin."""
    lowered = text.lower()
    hits = {
        category: sum(1 for word in words if word in lowered)
        for category, words in TASK_KEYWORDS.items()
    }
    ranked = sorted(hits.items(), key=lambda kv: (-kv[1], TASK_CATEGORIES.index(kv[0])))
    (best, top), (_, second) = ranked[0], ranked[1]
    if top == 0:
        return "other", 0.3
    return best, min(0.95, 0.5 + 0.15 * (top - second))


def sensitivity_of(text: str, counts: dict[str, int]) -> str:
    """The data-sensitivity level: what the scrubber found decides first, then words."""
    found = {kind for kind, n in counts.items() if n}
    if found & RESTRICTED_KINDS:
        return "restricted"
    lowered = text.lower()
    if found & CONFIDENTIAL_KINDS or any(w in lowered for w in CONFIDENTIAL_WORDS):
        return "confidential"
    if any(w in lowered for w in INTERNAL_WORDS):
        return "internal"
    return "public"


def label_prompt(
    text: str,
    counts: dict[str, int],
    *,
    model_label: str | None = None,
    model_confidence: float | None = None,
    threshold: float = 0.6,
) -> PromptLabels:
    """The prompt's task category (model when confident, else keywords) and sensitivity."""
    sensitivity = sensitivity_of(text, counts)
    if model_label in TASK_CATEGORIES and (model_confidence or 0) >= threshold:
        return PromptLabels(model_label, sensitivity, model_confidence, "model")
    category, confidence = task_by_keywords(text)
    return PromptLabels(category, sensitivity, confidence, "heuristic")
