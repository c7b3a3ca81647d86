"""The destinations in the demo traffic: catalogued AI tools, prohibited tools, AI
start-ups missing from the catalogue, look-alike phishing hosts and ordinary background
traffic, each with its hosts, request paths, gateway category and popularity by department
group (see shadow_ai.demo_logs.traffic for how they are drawn)."""

from __future__ import annotations

from dataclasses import dataclass

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
# keyword (see shadow_ai.demo_logs.traffic.department_group).
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
    # Drawn as background browsing, but ingestion counts it as ChatGPT (a vendor apex, see
    # shadow_ai.catalogue.VENDOR_APEXES), so it never becomes a discovered tool.
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
