"""Few-shot examples for classifying web hosts seen in proxy logs: the AI task category of
an AI service, or not_ai. classify() embeds these next to the texts it labels."""

AI_HOST_EXAMPLES = {
    "ai_chat": [
        "chat.openai.com - ChatGPT",
        "claude.ai - Claude conversation",
        "gemini.google.com - Gemini chat assistant",
        "chat.mistral.ai - Le Chat",
        "copilot.microsoft.com - Microsoft Copilot chat",
    ],
    "ai_coding": [
        "github.com/features/copilot - GitHub Copilot AI pair programmer",
        "cursor.com - Cursor, the AI code editor",
        "codeium.com - AI code completion",
        "tabnine.com - AI coding assistant for developers",
        "replit.com/ai - Replit AI code generation",
    ],
    "ai_image": [
        "midjourney.com - AI image generation",
        "leonardo.ai - generate images with AI",
        "stability.ai - Stable Diffusion image generator",
        "ideogram.ai - AI image and logo generator",
        "firefly.adobe.com - Adobe Firefly generative AI images",
    ],
    "ai_writing": [
        "jasper.ai - AI copywriting assistant",
        "quillbot.com - AI paraphrasing tool",
        "copy.ai - AI writer for marketing copy",
        "writesonic.com - AI article writer",
        "grammarly.com - AI writing assistance",
    ],
    "ai_meeting": [
        "otter.ai - AI meeting notes and transcription",
        "fireflies.ai - AI notetaker for meetings",
        "fathom.video - AI meeting assistant summaries",
        "tldv.io - AI meeting recorder",
        "read.ai - meeting summaries and transcripts",
    ],
    "not_ai": [
        "bbc.co.uk - BBC News home",
        "amazon.com - online shopping",
        "weather.com - local weather forecast",
        "salesforce.com - CRM login",
        "wikipedia.org - the free encyclopedia",
        "linkedin.com - professional network feed",
    ],
}

# Hosts for the demo organisation's first model calls (seed_demo --with-model-calls).
DEMO_HOSTS = [
    "chatgpt.com - ChatGPT",
    "claude.ai - new chat",
    "perplexity.ai - answer engine",
    "copilot.github.com - code suggestions",
    "cursor.com - AI code editor",
    "midjourney.com - imagine",
    "otter.ai - meeting transcript",
    "grammarly.com - document editor",
    "deepl.com - translator",
    "workday.com - timesheet",
    "salesforce.com - opportunities",
    "intranet.acme.example - expense policy",
]
