"""A labelled set for the classifier: web hosts with page titles, as a proxy log shows them.

EXAMPLES are the few-shot examples given to classify(); TEST_SET is held out (none of its
hosts appear in EXAMPLES). Labels: the AI task category, or not_ai for ordinary sites.
"""

from slm.examples import AI_HOST_EXAMPLES

EXAMPLES = AI_HOST_EXAMPLES

TEST_SET = [
    # ai_chat
    ("perplexity.ai - ask anything, AI answer engine", "ai_chat"),
    ("poe.com - chat with AI bots", "ai_chat"),
    ("pi.ai - Pi, your personal AI", "ai_chat"),
    ("chat.deepseek.com - DeepSeek chat", "ai_chat"),
    ("huggingface.co/chat - HuggingChat", "ai_chat"),
    ("character.ai - chat with AI characters", "ai_chat"),
    ("you.com - AI chat assistant and search", "ai_chat"),
    ("meta.ai - Meta AI assistant chat", "ai_chat"),
    ("grok.com - Grok AI chatbot", "ai_chat"),
    ("chatgpt.com - ChatGPT new chat", "ai_chat"),
    # ai_coding
    ("codewhisperer.aws - Amazon CodeWhisperer AI code suggestions", "ai_coding"),
    ("sourcegraph.com/cody - Cody AI coding assistant", "ai_coding"),
    ("windsurf.com - AI-native code editor", "ai_coding"),
    ("bolt.new - AI web app code generator", "ai_coding"),
    ("v0.dev - generate UI code with AI", "ai_coding"),
    ("phind.com - AI search for developers and code", "ai_coding"),
    ("codegpt.co - AI agents for software development", "ai_coding"),
    ("blackbox.ai - AI code completion and chat for developers", "ai_coding"),
    ("continue.dev - open-source AI code assistant", "ai_coding"),
    ("lovable.dev - build apps by chatting with AI coding", "ai_coding"),
    # ai_image
    ("dall-e openai labs - create images from text with AI", "ai_image"),
    ("runwayml.com - AI video and image generation", "ai_image"),
    ("playground.com - AI image editor and generator", "ai_image"),
    ("nightcafe.studio - AI art generator", "ai_image"),
    ("craiyon.com - free AI image generator", "ai_image"),
    ("krea.ai - real-time AI image generation", "ai_image"),
    ("canva.com/ai-image-generator - text to image AI", "ai_image"),
    ("lexica.art - Stable Diffusion AI art search and generation", "ai_image"),
    ("pika.art - AI video generator", "ai_image"),
    ("dreamstudio.ai - generate images with Stable Diffusion", "ai_image"),
    # ai_writing
    ("wordtune.com - AI writing companion, rewrite sentences", "ai_writing"),
    ("rytr.me - AI writing assistant", "ai_writing"),
    ("hyperwrite.ai - AI writing tool", "ai_writing"),
    ("sudowrite.com - AI writing for fiction authors", "ai_writing"),
    ("anyword.com - AI copywriting for marketing", "ai_writing"),
    ("writer.com - enterprise AI writing platform", "ai_writing"),
    ("copysmith.ai - AI content generation for ecommerce copy", "ai_writing"),
    ("shortlyai.com - AI essay and article writer", "ai_writing"),
    ("paraphraser.io - AI paraphrasing and rewriting", "ai_writing"),
    ("notion.so/product/ai - Notion AI writing assistant", "ai_writing"),
    # ai_meeting
    ("krisp.ai - AI meeting transcription and notes", "ai_meeting"),
    ("avoma.com - AI meeting assistant and notes", "ai_meeting"),
    ("sembly.ai - AI meeting summaries", "ai_meeting"),
    ("airgram.io - AI meeting notes and transcription", "ai_meeting"),
    ("notta.ai - AI transcription of meetings", "ai_meeting"),
    ("supernormal.com - AI meeting notes", "ai_meeting"),
    ("grain.com - AI notetaker records meetings", "ai_meeting"),
    ("meetgeek.ai - AI meeting recorder and summaries", "ai_meeting"),
    ("tactiq.io - live meeting transcription with AI summaries", "ai_meeting"),
    ("jamie.ai - AI meeting notes without a bot", "ai_meeting"),
    # not_ai
    ("nytimes.com - The New York Times breaking news", "not_ai"),
    ("ebay.com - buy and sell electronics", "not_ai"),
    ("booking.com - hotels and flights", "not_ai"),
    ("zoom.us - join a video meeting", "not_ai"),
    ("github.com/acme/payroll - pull requests", "not_ai"),
    ("stackoverflow.com - questions tagged python", "not_ai"),
    ("office.com - Outlook mail inbox", "not_ai"),
    ("netflix.com - watch TV shows online", "not_ai"),
    ("maps.google.com - directions", "not_ai"),
    ("bankofamerica.com - online banking sign in", "not_ai"),
    ("workday.com - submit timesheet", "not_ai"),
    ("espn.com - football scores", "not_ai"),
]
