"""Who visits what, when: the traffic model behind the demo logs (no I/O here).

The model is deliberately simple but shaped like real gateway data:

- about 60% of requests are ordinary business and news traffic, never AI;
- catalogued AI tools have a popularity that depends on the department (engineering uses
  coding assistants and model APIs, sales uses meeting recorders and writing tools, ...);
- roughly a third of people never touch an AI tool, and a few heavy users make much of the
  traffic, so "share of people using AI" and "share of traffic" differ as they do in reality;
- a small group uses tools the demo organisation prohibits (DeepSeek, Character.AI);
- some hosts are AI start-ups that are not in the catalogue (for the classifier), and a few
  are look-alike phishing hosts that must not match a catalogue tool;
- office hours on weekdays, little at weekends, and AI use growing over the period.

All randomness comes from the random.Random passed in, so a seed gives the same files.
"""

from __future__ import annotations

import random
import re
from bisect import bisect
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from typing import NamedTuple

# --- hosts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """A destination: the hosts it is reached on and what a request to it looks like."""

    key: str  # catalogue key for AI tools; a short label otherwise
    app: str  # the application name gateways with app detection report
    kind: str  # "ai", "prohibited", "unknown_ai", "lookalike" or "background"
    hosts: tuple[tuple[str, float], ...]  # (host, relative weight)
    paths: tuple[str, ...]  # request paths seen when TLS is inspected
    category: str  # gateway URL category
    weight: float  # base popularity within its kind
    departments: tuple[tuple[str, float], ...] = ()  # (department group, multiplier)
    post_share: float = 0.4  # share of inspected requests that are POSTs (prompts, uploads)


def _s(
    key: str,
    app: str,
    kind: str,
    hosts: list[tuple[str, float]] | list[str],
    paths: list[str],
    category: str,
    weight: float,
    departments: dict[str, float] | None = None,
    post_share: float = 0.4,
) -> Site:
    pairs = tuple((h, 1.0) if isinstance(h, str) else h for h in hosts)
    return Site(
        key, app, kind, pairs, tuple(paths), category, weight,
        tuple((departments or {}).items()), post_share,
    )  # fmt: skip


GENAI = "Generative AI"

# Department groups: the demo departments, and whatever a caller passes, fall into these by
# keyword (see department_group).
GROUPS = ("engineering", "sales", "marketing", "support", "back_office")

AI_SITES: tuple[Site, ...] = (
    _s("chatgpt", "ChatGPT", "ai",
       [("chatgpt.com", 8), ("ab.chatgpt.com", 2), ("cdn.oaistatic.com", 3),
        ("files.oaiusercontent.com", 1), ("chat.openai.com", 0.5)],
       ["/backend-api/conversation", "/c/", "/backend-api/files", "/", "/gpts"], GENAI, 30),
    _s("m365-copilot", "Microsoft 365 Copilot", "ai", ["copilot.cloud.microsoft"],
       ["/chat", "/api/chat", "/"], GENAI, 9, {"back_office": 1.8, "sales": 1.3}),
    _s("copilot", "Microsoft Copilot", "ai", [("copilot.microsoft.com", 5), ("sydney.bing.com", 1)],
       ["/c/api/conversations", "/", "/sydney/ChatHub"], GENAI, 7),
    _s("claude", "Claude", "ai", ["claude.ai"],
       ["/api/organizations/chat_conversations", "/new", "/chat/"], GENAI, 9,
       {"engineering": 2.2, "marketing": 1.3}),
    _s("gemini", "Gemini", "ai", [("gemini.google.com", 5), ("gemini.gstatic.com", 1)],
       ["/app", "/_/BardChatUi/data/batchexecute"], GENAI, 7),
    _s("perplexity", "Perplexity", "ai", [("www.perplexity.ai", 4), ("perplexity.ai", 1)],
       ["/search", "/rest/sse/perplexity_ask", "/"], GENAI, 5, {"sales": 1.5, "marketing": 1.5}),
    _s("github-copilot", "GitHub Copilot", "ai",
       [("api.githubcopilot.com", 4), ("api.individual.githubcopilot.com", 2),
        ("copilot-proxy.githubusercontent.com", 3)],
       ["/chat/completions", "/v1/engines/copilot-codex/completions", "/models"], GENAI, 14,
       {"engineering": 7, "sales": 0, "marketing": 0, "support": 0.05, "back_office": 0.02},
       post_share=0.9),
    _s("cursor", "Cursor", "ai",
       [("api2.cursor.sh", 4), ("repo42.cursor.sh", 1), ("cursor.com", 0.5)],
       ["/aiserver.v1.AiService/StreamChat", "/aiserver.v1.AiService/CppConfig", "/"], GENAI, 6,
       {"engineering": 6, "sales": 0, "marketing": 0, "support": 0, "back_office": 0},
       post_share=0.9),
    _s("openai-api", "OpenAI API", "ai", [("api.openai.com", 6), ("platform.openai.com", 1)],
       ["/v1/chat/completions", "/v1/embeddings", "/v1/responses"], GENAI, 3,
       {"engineering": 6, "sales": 0, "marketing": 0.1, "support": 0.1, "back_office": 0},
       post_share=0.95),
    _s("anthropic-api", "Anthropic API", "ai", ["api.anthropic.com"], ["/v1/messages"], GENAI, 1.5,
       {"engineering": 6, "sales": 0, "marketing": 0, "support": 0, "back_office": 0},
       post_share=0.95),
    _s("aws-bedrock", "Amazon Bedrock", "ai",
       [("bedrock-runtime.eu-west-1.amazonaws.com", 3),
        ("bedrock-runtime.us-east-1.amazonaws.com", 1)],
       ["/model/anthropic.claude-3-5-sonnet/invoke", "/model/amazon.titan-embed-text-v2/invoke"],
       GENAI, 1, {"engineering": 6, "sales": 0, "marketing": 0, "support": 0, "back_office": 0},
       post_share=1.0),
    _s("azure-openai", "Azure OpenAI", "ai", ["acme-prod.openai.azure.com"],
       ["/openai/deployments/gpt-4o/chat/completions"], GENAI, 1,
       {"engineering": 6, "sales": 0, "marketing": 0, "support": 0, "back_office": 0},
       post_share=1.0),
    _s("huggingface", "Hugging Face", "ai", [("huggingface.co", 3), ("cdn-lfs.huggingface.co", 1)],
       ["/models", "/api/models", "/datasets"], GENAI, 1.5,
       {"engineering": 5, "sales": 0, "marketing": 0.1, "support": 0, "back_office": 0},
       post_share=0.1),
    _s("le-chat", "Mistral Le Chat", "ai", ["chat.mistral.ai"], ["/chat", "/api/chat"], GENAI, 1,
       {"engineering": 2}),
    _s("grammarly", "Grammarly", "ai",
       [("capi.grammarly.com", 4), ("gnar.grammarly.com", 1), ("app.grammarly.com", 1)],
       ["/freews", "/api/check", "/"], "Productivity", 8,
       {"sales": 2, "marketing": 2.2, "support": 2, "engineering": 0.4}),
    _s("deepl", "DeepL", "ai", [("www.deepl.com", 3), ("api.deepl.com", 1), ("www2.deepl.com", 1)],
       ["/translator", "/v2/translate", "/jsonrpc"], "Translation", 5,
       {"support": 2.5, "sales": 1.5, "marketing": 1.5}),
    _s("otter", "Otter.ai", "ai", [("otter.ai", 2), ("api.otter.ai", 1)],
       ["/u/", "/forward/api/v1/speeches", "/"], GENAI, 4,
       {"sales": 3.5, "marketing": 1.5, "back_office": 1.2, "engineering": 0.3}),
    _s("fireflies", "Fireflies.ai", "ai", ["app.fireflies.ai"], ["/view/", "/graphql"], GENAI, 2.5,
       {"sales": 4, "support": 1.2, "engineering": 0.1}),
    _s("gong", "Gong", "ai", ["app.gong.io"], ["/call", "/ajax/calls"], "Business/Economy", 3,
       {"sales": 8, "marketing": 0.5, "engineering": 0, "support": 0.2, "back_office": 0}),
    _s("gamma", "Gamma", "ai", ["gamma.app"], ["/docs/", "/api/generate"], GENAI, 2,
       {"marketing": 3, "sales": 2.5, "engineering": 0.2}),
    _s("jasper", "Jasper", "ai", ["app.jasper.ai"], ["/chat", "/api/v1/documents"], GENAI, 1.5,
       {"marketing": 6, "sales": 0.5, "engineering": 0, "support": 0, "back_office": 0}),
    _s("midjourney", "Midjourney", "ai", ["www.midjourney.com"],
       ["/imagine", "/api/app/submit-jobs"], GENAI, 1,
       {"marketing": 7, "sales": 0.2, "engineering": 0.1, "support": 0, "back_office": 0}),
    _s("elevenlabs", "ElevenLabs", "ai", ["elevenlabs.io", "api.elevenlabs.io"],
       ["/app/speech-synthesis", "/v1/text-to-speech"], GENAI, 0.5,
       {"marketing": 6, "engineering": 0.2, "sales": 0, "support": 0, "back_office": 0}),
    _s("quillbot", "QuillBot", "ai", ["quillbot.com"], ["/paraphrasing-tool", "/api/paraphraser"],
       GENAI, 1.5, {"support": 2, "back_office": 1.5}),
    _s("notebooklm", "NotebookLM", "ai", ["notebooklm.google.com"], ["/notebook/", "/"], GENAI, 1.5,
       {"back_office": 1.5, "marketing": 1.2}),
    _s("poe", "Poe", "ai", ["poe.com"], ["/", "/api/gql_POST"], GENAI, 0.6),
)  # fmt: skip

# Tools the demo's policy prohibits (the seeder marks them prohibited); used by few people.
PROHIBITED_SITES: tuple[Site, ...] = (
    _s("deepseek", "DeepSeek", "prohibited",
       [("chat.deepseek.com", 5), ("api.deepseek.com", 1), ("cdn.deepseek.com", 1)],
       ["/api/v0/chat/completion", "/a/chat/s/", "/"], GENAI, 3),
    _s("character-ai", "Character.AI", "prohibited", [("character.ai", 2), ("neo.character.ai", 2)],
       ["/chat/", "/api/trpc/"], GENAI, 1.5),
)  # fmt: skip

# Made-up but plausible AI start-ups: NOT in the catalogue, so the classifier must decide.
UNKNOWN_AI_SITES: tuple[Site, ...] = (
    _s("briefwise", "-", "unknown_ai", ["app.briefwise-ai.com", "api.briefwise-ai.com"],
       ["/api/summarise", "/workspace"], "Technology/Internet", 3,
       {"sales": 2, "back_office": 1.5}),
    _s("synthmind", "-", "unknown_ai", ["api.synthmind.io"], ["/v1/generate", "/v1/chat"],
       "Technology/Internet", 2, {"engineering": 4, "sales": 0, "back_office": 0}),
    _s("deckpilot", "-", "unknown_ai", ["deckpilot.app"], ["/editor", "/api/slides/generate"],
       "Technology/Internet", 2, {"marketing": 3, "sales": 2}),
    _s("transcribly", "-", "unknown_ai", ["app.transcribly.co", "upload.transcribly.co"],
       ["/meetings/", "/api/transcribe"], "Technology/Internet", 2, {"sales": 2, "support": 2}),
    _s("contractlens", "-", "unknown_ai", ["contractlens.ai"], ["/review", "/api/analyse"],
       "Legal", 1, {"back_office": 4, "sales": 1}),
    _s("askrows", "-", "unknown_ai", ["app.askrows.dev"], ["/query", "/api/sql"],
       "Technology/Internet", 1.5, {"engineering": 2, "back_office": 2}),
    _s("replyrocket", "-", "unknown_ai", ["replyrocket.ai"], ["/compose", "/api/draft"],
       "Technology/Internet", 1.5, {"support": 4, "sales": 2}),
)  # fmt: skip

# Phishing-style look-alikes: contain a catalogued name but must not match the catalogue.
LOOKALIKE_SITES: tuple[Site, ...] = (
    _s("lookalike", "-", "lookalike",
       [("openai.com.evil.example", 2), ("chatgpt-login.example", 3),
        ("chatgpt.com-auth.example", 1),
        ("claude-ai.example", 1), ("gemini.google.com.account-verify.example", 1),
        ("copilot-microsoft.example", 1)],
       ["/login", "/auth/session", "/"], "Phishing", 1, post_share=0.5),
)  # fmt: skip

BACKGROUND_SITES: tuple[Site, ...] = (
    _s("m365", "Microsoft 365", "background",
       [("outlook.office365.com", 8), ("login.microsoftonline.com", 6), ("teams.microsoft.com", 6),
        ("graph.microsoft.com", 3), ("www.microsoft.com", 2), ("acme-my.sharepoint.com", 4),
        ("www.office.com", 2)],
       ["/owa/", "/common/oauth2/v2.0/token", "/v1.0/me/messages", "/"], "Business/Economy", 30),
    _s("salesforce", "Salesforce", "background",
       [("acme.my.salesforce.com", 5), ("login.salesforce.com", 1),
        ("acme.lightning.force.com", 3)],
       ["/lightning/o/Opportunity/list", "/services/data/v60.0/query", "/"], "Business/Economy", 9,
       {"sales": 5, "marketing": 2, "support": 2, "engineering": 0.3}),
    _s("google", "Google", "background",
       [("www.google.com", 6), ("fonts.gstatic.com", 2), ("www.gstatic.com", 2),
        ("mail.google.com", 1), ("docs.google.com", 1), ("update.googleapis.com", 1)],
       ["/search", "/", "/complete/search"], "Search Engines/Portals", 12),
    _s("openai-site", "-", "background", ["openai.com", "www.openai.com"], ["/news/", "/index/"],
       "Technology/Internet", 0.5),
    _s("github", "GitHub", "background",
       [("github.com", 4), ("api.github.com", 2), ("objects.githubusercontent.com", 1)],
       ["/acme/platform/pull/", "/repos/acme/platform/commits", "/"], "Technology/Internet", 6,
       {"engineering": 6, "sales": 0.05, "marketing": 0.1, "support": 0.2, "back_office": 0.05}),
    _s("slack", "Slack", "background",
       [("acme.slack.com", 3), ("slack.com", 1), ("edgeapi.slack.com", 2)],
       ["/api/conversations.history", "/"], "Business/Economy", 8),
    _s("zoom", "Zoom", "background", [("zoom.us", 2), ("acme.zoom.us", 2)], ["/j/", "/wc/"],
       "Business/Economy", 4, {"sales": 2}),
    _s("aws", "Amazon Web Services", "background",
       [("s3.eu-west-1.amazonaws.com", 3), ("console.aws.amazon.com", 1), ("sts.amazonaws.com", 1)],
       ["/", "/acme-artifacts/"], "Technology/Internet", 4,
       {"engineering": 6, "sales": 0, "marketing": 0.1, "support": 0, "back_office": 0.1}),
    _s("news", "-", "background",
       [("www.bbc.co.uk", 3), ("www.nytimes.com", 2), ("www.reuters.com", 2), ("www.ft.com", 1),
        ("news.ycombinator.com", 1), ("www.theguardian.com", 2), ("www.lemonde.fr", 0.5)],
       ["/news/", "/business/", "/"], "News", 8),
    _s("misc", "-", "background",
       [("www.linkedin.com", 4), ("www.youtube.com", 3), ("en.wikipedia.org", 2),
        ("stackoverflow.com", 2), ("www.notion.so", 2), ("cdn.jsdelivr.net", 1),
        ("www.atlassian.com", 1), ("acme.atlassian.net", 3), ("www.canva.com", 1),
        ("ctldl.windowsupdate.com", 1), ("www.amazon.com", 1)],
       ["/", "/feed/", "/watch", "/wiki/", "/questions/"], "Technology/Internet", 14),
)  # fmt: skip

# Shares of requests by kind; AI shares are per person (Profile.ai_share, growing over the
# period) and background is the rest, about 60% overall.
UNKNOWN_SHARE = 0.025
LOOKALIKE_SHARE = 0.003
PROHIBITED_SHARE_OF_USERS = 0.08  # people who sometimes use a prohibited tool
PROHIBITED_SHARE_OF_THEIR_AI = 0.15
AI_ADOPTION = {  # share of people in each group who use AI at all
    "engineering": 0.88,
    "marketing": 0.8,
    "sales": 0.72,
    "support": 0.62,
    "back_office": 0.48,
}

USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:132.0) Gecko/20100101 Firefox/132.0",
    "GitHubCopilotChat/0.22.4",
    "python-requests/2.32.3",
)


def department_group(department: str | None) -> str:
    """Which usage profile a department follows, from its name."""
    name = (department or "").lower()
    words = set(re.split(r"[^a-z]+", name))
    if "it" in words or any(w in name for w in ("engineer", "product", "data", "develop", "tech")):
        return "engineering"
    if "sales" in name or "account" in name or "business dev" in name:
        return "sales"
    if "market" in name or "brand" in name or "communication" in name:
        return "marketing"
    if "support" in name or "service" in name or "success" in name:
        return "support"
    return "back_office"


# --- people ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoPerson:
    email: str
    username: str
    ip: str
    department: str


@dataclass
class Profile:
    """A person's (or an unmatched identity's) behaviour in the generated traffic."""

    email: str
    username: str
    ip: str
    department: str
    group: str
    activity: float
    ai_share: float  # share of this person's requests that go to AI tools
    ai_cum: list[float]  # cumulative weights over AI_SITES for this person
    prohibited: bool


def _cum(weights: list[float]) -> list[float]:
    return list(accumulate(weights))


def build_profiles(people: list[DemoPerson], rnd: random.Random) -> list[Profile]:
    profiles = []
    for person in people:
        group = department_group(person.department)
        uses_ai = rnd.random() < AI_ADOPTION[group]
        favourites = set(rnd.sample(range(len(AI_SITES)), 3))
        weights = []
        for i, site in enumerate(AI_SITES):
            w = site.weight * dict(site.departments).get(group, 1.0)
            weights.append(w * (4.0 if i in favourites else 1.0))
        profiles.append(
            Profile(
                email=person.email,
                username=person.username,
                ip=person.ip,
                department=person.department,
                group=group,
                # Heavy-tailed: a few people make much of the traffic.
                activity=rnd.lognormvariate(0, 0.8),
                ai_share=rnd.uniform(0.35, 0.8) if uses_ai else 0.0,
                ai_cum=_cum(weights),
                prohibited=uses_ai and rnd.random() < PROHIBITED_SHARE_OF_USERS,
            )
        )
    return profiles


def unmatched_profiles(rnd: random.Random, count: int = 6) -> list[Profile]:
    """Contractors and a shared kiosk account: identities no member alias will match, so the
    admin has something to map."""
    out = []
    for i in range(count):
        weights = [site.weight for site in AI_SITES]
        out.append(
            Profile(
                email=f"contractor{i + 1:02d}@partner-agency.example",
                username=f"ext-contractor{i + 1:02d}",
                ip=f"10.99.0.{20 + i}",
                department="",
                group="back_office",
                activity=0.6,
                ai_share=0.35,
                ai_cum=_cum(weights),
                prohibited=False,
            )
        )
    return out


def demo_people(
    count: int = 300, *, seed: int = 7, domain: str = "acme.example"
) -> list[DemoPerson]:
    """Synthetic people for tests and benchmarks that have no database at hand."""
    rnd = random.Random(seed)
    departments = ["Engineering", "Product", "Marketing", "Sales", "Customer Support", "People",
                   "Finance", "Operations"]  # fmt: skip
    shares = [0.3, 0.08, 0.1, 0.18, 0.14, 0.06, 0.07, 0.07]
    people = []
    for i in range(count):
        dept = rnd.choices(departments, shares)[0]
        username = f"user{i + 1:04d}"
        people.append(
            DemoPerson(
                email=f"{username}@{domain}",
                username=username,
                ip=f"10.{20 + i // 250}.{(i // 250) % 4}.{i % 250 + 2}",
                department=dept,
            )
        )
    return people


# --- events ----------------------------------------------------------------------------------


class Event(NamedTuple):
    ts: float
    person: Profile
    site: Site
    host: str
    method: str  # GET, POST or CONNECT (decided per format: CONNECT when TLS is not inspected)
    path: str
    bytes_out: int
    bytes_in: int
    blocked: bool


# Hour-of-day weights (UTC is used as local time: the demo company sits in one timezone).
WEEKDAY_HOURS = [0.15, 0.08, 0.05, 0.05, 0.06, 0.15, 0.5, 1.6, 4.2, 7.0, 8.0, 7.4,
                 5.0, 6.6, 7.6, 7.2, 6.1, 4.2, 2.1, 1.3, 1.0, 0.8, 0.5, 0.3]  # fmt: skip
WEEKEND_HOURS = [0.2, 0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.2, 0.5, 0.9, 1.2, 1.3,
                 1.2, 1.1, 1.1, 1.0, 1.0, 0.9, 0.8, 0.8, 0.7, 0.6, 0.4, 0.3]  # fmt: skip
WEEKEND_FACTOR = 0.1  # a weekend day carries about a tenth of a weekday's requests


def day_weights(days: int, end: date) -> list[tuple[date, float]]:
    start = end - timedelta(days=days - 1)
    out = []
    for i in range(days):
        day = start + timedelta(days=i)
        out.append((day, WEEKEND_FACTOR if day.weekday() >= 5 else 1.0))
    return out


class TrafficModel:
    """Draws events for a set of profiles. One instance per output file keeps files
    independent of each other's length while staying deterministic."""

    def __init__(self, profiles: list[Profile], rnd: random.Random) -> None:
        self.rnd = rnd
        self.profiles = profiles
        self.person_cum = _cum([p.activity for p in profiles])
        # For AI-only sources (an AI gateway sees nothing else): people who use AI at all.
        self.ai_people = [p for p in profiles if p.ai_share > 0] or profiles
        self.ai_person_cum = _cum([p.activity for p in self.ai_people])
        self.bg_cum = {
            group: _cum([s.weight * dict(s.departments).get(group, 1.0) for s in BACKGROUND_SITES])
            for group in GROUPS
        }
        self.unknown_cum = {
            group: _cum([s.weight * dict(s.departments).get(group, 1.0) for s in UNKNOWN_AI_SITES])
            for group in GROUPS
        }
        self.prohibited_cum = _cum([s.weight for s in PROHIBITED_SITES])
        self.host_cum = {
            id(site): (_cum([w for _, w in site.hosts]), [h for h, _ in site.hosts])
            for site in (*AI_SITES, *PROHIBITED_SITES, *UNKNOWN_AI_SITES, *LOOKALIKE_SITES,
                         *BACKGROUND_SITES)
        }  # fmt: skip

    def _pick(self, cum: list[float]) -> int:
        return bisect(cum, self.rnd.random() * cum[-1])

    def _host(self, site: Site) -> str:
        cum, hosts = self.host_cum[id(site)]
        return hosts[min(self._pick(cum), len(hosts) - 1)]

    def pick_site(self, person: Profile, growth: float) -> Site:
        """The destination of one request by `person`; growth scales AI use over time."""
        r = self.rnd.random()
        if r < LOOKALIKE_SHARE:
            return LOOKALIKE_SITES[0]
        r -= LOOKALIKE_SHARE
        ai = person.ai_share * growth
        if r < ai:
            if person.prohibited and self.rnd.random() < PROHIBITED_SHARE_OF_THEIR_AI:
                return PROHIBITED_SITES[self._pick(self.prohibited_cum)]
            return AI_SITES[min(self._pick(person.ai_cum), len(AI_SITES) - 1)]
        r -= ai
        if person.ai_share and r < UNKNOWN_SHARE * growth:
            return UNKNOWN_AI_SITES[self._pick(self.unknown_cum[person.group])]
        return BACKGROUND_SITES[
            min(self._pick(self.bg_cum[person.group]), len(BACKGROUND_SITES) - 1)
        ]

    def events(self, n: int, days: int, end: date, *, ai_only: bool = False) -> Iterator[Event]:
        """n events over `days` days ending on `end` (inclusive), in time order. A generator,
        so a file of any size is written without holding its events in memory. ai_only:
        leave out background traffic (for sources that only see AI tools)."""
        people, people_cum = (
            (self.ai_people, self.ai_person_cum) if ai_only else (self.profiles, self.person_cum)
        )
        rnd = self.rnd
        plan = day_weights(days, end)
        total = sum(w for _, w in plan)
        weekday_cum = _cum(WEEKDAY_HOURS)
        weekend_cum = _cum(WEEKEND_HOURS)
        remaining = n
        for index, (day, weight) in enumerate(plan):
            # Spread n over the days by weight; the last day takes the rounding remainder.
            count = remaining if index == len(plan) - 1 else round(n * weight / total)
            count = min(count, remaining)
            remaining -= count
            # AI use grows from 75% to 125% of its average over the period.
            growth = 0.75 + 0.5 * index / max(1, len(plan) - 1)
            midnight = datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()
            hours = weekend_cum if day.weekday() >= 5 else weekday_cum
            times = sorted(
                midnight
                + 3600 * min(23, bisect(hours, rnd.random() * hours[-1]))
                + rnd.random() * 3600
                for _ in range(count)
            )
            for ts in times:
                person = people[min(self._pick(people_cum), len(people) - 1)]
                site = self.pick_site(person, growth)
                tries = 0
                while ai_only and site.kind == "background":
                    tries += 1
                    site = (
                        self.pick_site(person, growth)
                        if tries < 30
                        else AI_SITES[min(self._pick(person.ai_cum), len(AI_SITES) - 1)]
                    )
                post = rnd.random() < site.post_share
                bytes_out = int(rnd.lognormvariate(7.5 if post else 6.2, 1.0))
                bytes_in = int(rnd.lognormvariate(9.0, 1.3))
                blocked = site.kind == "lookalike" and rnd.random() < 0.7
                yield Event(
                    ts=ts,
                    person=person,
                    site=site,
                    host=self._host(site),
                    method="POST" if post else "GET",
                    path=rnd.choice(site.paths),
                    bytes_out=bytes_out,
                    bytes_in=0 if blocked else bytes_in,
                    blocked=blocked,
                )
