"""Model worker throughput, next to a naive one-call-per-text loop measured in the same run.

    PYTHONPATH=platform .venv/bin/python bench/slm_throughput.py [--texts 256]
        [--random-generator qwen2-0.5b]

Prints: embeddings per second at batch sizes 1, 8, 32 and 128 and for the naive loop;
generated tokens per second one prompt at a time and batched; the time to draft one grounded
report section; and the process's peak resident memory with both models loaded.

--random-generator qwen2-0.5b replaces the generator by a randomly initialised model with the
configuration of a 0.5B instruct model (for GPU machines, where the weights cannot travel).
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

import torch  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402

from slm import runtime, services  # noqa: E402
from tenancy.models import Organization  # noqa: E402

SENTENCES = [
    "Summarise the customer's ticket about a failed invoice payment and propose a reply.",
    "chat.openai.com - ChatGPT",
    "Draft a job description for a data engineer who builds pipelines.",
    "Which of our suppliers raised prices more than ten percent this quarter?",
    "github.com/features/copilot - GitHub Copilot",
    "Rewrite this paragraph so that a new employee understands the expense policy.",
    "Translate the release notes into German and keep the product names.",
    "otter.ai - meeting notes",
]


def texts(n: int) -> list[str]:
    return [f"{SENTENCES[i % len(SENTENCES)]} (item {i})" for i in range(n)]


def naive_embed(embedder, items: list[str]) -> None:
    """The baseline: one model call per text, no batching, autograd left on."""
    for text in items:
        batch = embedder.tokenizer(text, return_tensors="pt").to(embedder.device)
        hidden = embedder.model(**batch).last_hidden_state
        hidden.mean(dim=1)


HOSTS = [
    "chatgpt.com",
    "claude.ai",
    "copilot.github.com",
    "midjourney.com",
    "otter.ai",
    "workday.com",
    "salesforce.com",
    "intranet.acme.local",
    "perplexity.ai",
    "deepl.com",
]


def embed_workload(embedder, label: str, items: list[str]) -> None:
    embedder.embed(items[:8])  # warm-up
    print(f"\nembeddings, {len(items)} {label}")
    baseline_items = items[: max(32, len(items) // 4)]
    t = time.perf_counter()
    naive_embed(embedder, baseline_items)
    naive = time.perf_counter() - t
    print(f"  baseline: naive loop        {rate(len(baseline_items), naive)}")
    for batch_size in (1, 8, 32, 128):
        settings.SLM_BATCH_SIZE = batch_size
        settings.SLM_TOKEN_BUDGET = 1 << 20
        t = time.perf_counter()
        embedder.embed(items)
        seconds = time.perf_counter() - t
        speedup = (len(items) / seconds) / (len(baseline_items) / naive)
        print(
            f"  batch size {batch_size:<4}             {rate(len(items), seconds)}  "
            f"{speedup:4.1f}x the naive loop"
        )


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:10.1f}/s  ({seconds:6.2f} s)"


def random_generator(name: str):
    from transformers import AutoModelForCausalLM, AutoTokenizer, Qwen2Config

    configs = {
        "qwen2-0.5b": Qwen2Config(
            hidden_size=896,
            intermediate_size=4864,
            num_hidden_layers=24,
            num_attention_heads=14,
            num_key_value_heads=2,
            vocab_size=151936,
            max_position_embeddings=32768,
            tie_word_embeddings=True,
        ),
    }
    device, dtype = runtime.choose_device()
    generator = runtime.get_generator()  # reuse its tokenizer (vocabulary ids fit the config)
    model = AutoModelForCausalLM.from_config(configs[name], dtype=dtype).to(device).eval()
    generator.model = model
    generator.tokenizer = AutoTokenizer.from_pretrained(
        str(generator.spec.directory), gguf_file=generator.spec.gguf_file
    )
    generator.tokenizer.padding_side = "left"
    generator.tokenizer.pad_token = generator.tokenizer.eos_token
    return generator


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=256)
    parser.add_argument("--prompts", type=int, default=8)
    parser.add_argument("--new-tokens", type=int, default=48)
    parser.add_argument("--random-generator", choices=["qwen2-0.5b"])
    args = parser.parse_args()

    started = time.perf_counter()
    embedder = runtime.get_embedder()
    generator = (
        random_generator(args.random_generator)
        if args.random_generator
        else runtime.get_generator()
    )
    print(
        f"models loaded in {time.perf_counter() - started:.1f} s on {embedder.device}, "
        f"{torch.get_num_threads()} CPU threads; generator: "
        f"{args.random_generator or generator.spec.name}"
    )
    print(
        f"peak resident memory with both models: "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )

    hosts = [f"{HOSTS[i % len(HOSTS)]}.example{i}" for i in range(args.texts)]
    for label, items in (("proxy-log hosts", hosts), ("sentences", texts(args.texts))):
        embed_workload(embedder, label, items)

    prompts = [
        [{"role": "user", "content": f"Give one tip for using AI at work ({i})."}]
        for i in range(args.prompts)
    ]
    settings.SLM_BATCH_SIZE = 32
    print(f"\ngeneration, {args.prompts} prompts x {args.new_tokens} new tokens")
    t = time.perf_counter()
    tokens = sum(
        r.output_tokens
        for p in prompts
        for r in generator.generate([p], max_new_tokens=args.new_tokens)
    )
    one = time.perf_counter() - t
    print(f"  one at a time               {rate(tokens, one)} tokens")
    t = time.perf_counter()
    tokens_batched = sum(
        r.output_tokens for r in generator.generate(prompts, max_new_tokens=args.new_tokens)
    )
    batched = time.perf_counter() - t
    print(
        f"  batched ({args.prompts})                 {rate(tokens_batched, batched)} tokens  "
        f"{(tokens_batched / batched) / (tokens / one):4.1f}x one at a time"
    )

    if not args.random_generator:
        facts = {
            "share_capable_or_above": "64%",
            "previous_share": "51%",
            "campaign": "Q3 assessment",
            "departments_improved": 6,
        }
        with transaction.atomic():
            org = Organization.objects.create(name="Bench", slug="bench-slm")
            t = time.perf_counter()
            draft = services.draft_grounded(
                facts,
                "Write two sentences on how AI fluency changed this quarter.",
                organization=org,
            )
            seconds = time.perf_counter() - t
            transaction.set_rollback(True)
        print(
            f"\ngrounded report section: {seconds:.1f} s, outcome {draft.outcome}: {draft.text!r}"
        )
    print(
        f"\npeak resident memory at the end: "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main()
