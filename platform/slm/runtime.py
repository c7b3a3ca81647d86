"""Loading and running the small models, once per worker process.

The device is chosen once: CUDA with bf16 where available, else CPU with fp32 (SLM_DEVICE
overrides). Requests are batched by count and by a token budget; on a CUDA out-of-memory
error a batch is halved and retried. Everything runs under torch.inference_mode.
"""

import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from django.conf import settings

from slm.registry import ModelSpec, ModelUnavailable, embedder_spec, generator_spec

logger = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")

_lock = threading.Lock()
_models: dict[str, object] = {}
_errors: dict[str, str] = {}


def choose_device() -> tuple[str, "object"]:
    import torch

    wanted = settings.SLM_DEVICE
    if wanted == "cuda" or (wanted == "auto" and torch.cuda.is_available()):
        if not torch.cuda.is_available():
            raise ModelUnavailable("SLM_DEVICE=cuda but no CUDA device is available")
        dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return "cuda", dtype
    return "cpu", torch.float32


def configure_threads() -> int:
    import torch

    threads = settings.SLM_CPU_THREADS or os.cpu_count() or 1
    torch.set_num_threads(threads)
    return threads


def plan_batches(lengths: Sequence[int], *, max_batch: int, token_budget: int) -> list[list[int]]:
    """Group item indices into batches of similar length.

    A batch holds at most `max_batch` items and at most `token_budget` padded tokens
    (items x longest item), so one long text never drags a large batch to its length.
    """
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    longest = 0
    for index in order:
        candidate = max(longest, lengths[index])
        if current and (len(current) >= max_batch or candidate * (len(current) + 1) > token_budget):
            batches.append(current)
            current, candidate = [], lengths[index]
        current.append(index)
        longest = candidate
    if current:
        batches.append(current)
    return batches


def run_halving_on_oom(run: Callable[[list[T]], list[R]], items: list[T]) -> list[R]:
    """Run `run` on the whole batch; on CUDA out-of-memory, halve it and try each half."""
    import torch

    try:
        return run(items)
    except torch.OutOfMemoryError:
        if len(items) == 1:
            raise
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
        middle = len(items) // 2
        logger.warning("out of memory on a batch of %d; halving", len(items))
        return run_halving_on_oom(run, items[:middle]) + run_halving_on_oom(run, items[middle:])


@dataclass
class Generation:
    text: str
    input_tokens: int
    output_tokens: int
    confidence: float  # mean probability of the chosen tokens


class Embedder:
    """Sentence embeddings: mean-pooled, L2-normalised hidden states."""

    def __init__(self, spec: ModelSpec, device: str, dtype) -> None:
        from transformers import AutoModel, AutoTokenizer

        self.spec, self.device = spec, device
        self.tokenizer = AutoTokenizer.from_pretrained(str(spec.directory), local_files_only=True)
        self.model = (
            AutoModel.from_pretrained(str(spec.directory), local_files_only=True, dtype=dtype)
            .to(device)
            .eval()
        )
        self.max_length = min(self.tokenizer.model_max_length, 256)
        self.last_batch_sizes: list[int] = []

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        encoded = self.tokenizer(list(texts), truncation=True, max_length=self.max_length)
        return [len(ids) for ids in encoded["input_ids"]]

    def _forward(self, texts: list[str]) -> list[np.ndarray]:
        import torch

        batch = self.tokenizer(
            texts, padding=True, truncation=True, max_length=self.max_length, return_tensors="pt"
        ).to(self.device)
        with torch.inference_mode():
            hidden = self.model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            pooled = torch.nn.functional.normalize(pooled.float(), dim=-1)
        self.last_batch_sizes.append(len(texts))
        return list(pooled.cpu().numpy())

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.model.config.hidden_size), dtype=np.float32)
        self.last_batch_sizes = []
        lengths = self.count_tokens(texts)
        out: list[np.ndarray | None] = [None] * len(texts)
        for indices in plan_batches(
            lengths, max_batch=settings.SLM_BATCH_SIZE, token_budget=settings.SLM_TOKEN_BUDGET
        ):
            vectors = run_halving_on_oom(self._forward, [texts[i] for i in indices])
            for i, vector in zip(indices, vectors, strict=True):
                out[i] = vector
        return np.stack(out)


class Generator:
    """A small instruction-tuned causal LM for rubric scoring and drafting."""

    def __init__(self, spec: ModelSpec, device: str, dtype) -> None:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.spec, self.device = spec, device
        kwargs = {"local_files_only": True}
        if spec.gguf_file:
            kwargs["gguf_file"] = spec.gguf_file
        self.tokenizer = AutoTokenizer.from_pretrained(str(spec.directory), **kwargs)
        # Batched generation pads on the left so every prompt ends where generation starts.
        self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.model = (
            AutoModelForCausalLM.from_pretrained(str(spec.directory), dtype=dtype, **kwargs)
            .to(device)
            .eval()
        )
        self.last_batch_sizes: list[int] = []

    def _prompt(self, messages: list[dict]) -> str:
        return self.tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, tokenize=False
        )

    def _forward(self, prompts: list[str], max_new_tokens: int) -> list[Generation]:
        import torch

        batch = self.tokenizer(prompts, return_tensors="pt", padding=True).to(self.device)
        with torch.inference_mode():
            output = self.model.generate(
                **batch,
                max_new_tokens=max_new_tokens,
                do_sample=False,
                return_dict_in_generate=True,
                output_scores=True,
                pad_token_id=self.tokenizer.pad_token_id,
            )
            scores = self.model.compute_transition_scores(
                output.sequences, output.scores, normalize_logits=True
            )
        prompt_length = batch["input_ids"].shape[1]
        results = []
        for row, logprobs in zip(output.sequences, scores, strict=True):
            generated = row[prompt_length:]
            keep = generated != self.tokenizer.pad_token_id
            count = int(keep.sum())
            confidence = float(logprobs[keep].float().exp().mean()) if count else 0.0
            results.append(
                Generation(
                    text=self.tokenizer.decode(generated, skip_special_tokens=True).strip(),
                    input_tokens=0,
                    output_tokens=count,
                    confidence=confidence,
                )
            )
        input_counts = batch["attention_mask"].sum(1).tolist()
        for result, count in zip(results, input_counts, strict=True):
            result.input_tokens = int(count)
        self.last_batch_sizes.append(len(prompts))
        return results

    def generate(
        self, conversations: Sequence[list[dict]], *, max_new_tokens: int
    ) -> list[Generation]:
        prompts = [self._prompt(messages) for messages in conversations]
        self.last_batch_sizes = []
        lengths = [len(ids) for ids in self.tokenizer(prompts)["input_ids"]]
        out: list[Generation | None] = [None] * len(prompts)
        budget = settings.SLM_TOKEN_BUDGET
        for indices in plan_batches(
            [n + max_new_tokens for n in lengths],
            max_batch=settings.SLM_BATCH_SIZE,
            token_budget=budget,
        ):
            results = run_halving_on_oom(
                lambda items: self._forward(items, max_new_tokens), [prompts[i] for i in indices]
            )
            for i, result in zip(indices, results, strict=True):
                out[i] = result
        return out


def _load(role: str):
    spec = embedder_spec() if role == "embedder" else generator_spec()
    device, dtype = choose_device()
    configure_threads()
    started = time.monotonic()
    try:
        model = (
            Embedder(spec, device, dtype) if role == "embedder" else Generator(spec, device, dtype)
        )
    except ModelUnavailable:
        raise
    except Exception as exc:  # a corrupt or incompatible model directory
        raise ModelUnavailable(f"{role} model {spec.reference!r} failed to load: {exc}") from exc
    logger.info(
        "model loaded",
        extra={
            "role": role,
            "model": spec.name,
            "device": device,
            "seconds": round(time.monotonic() - started, 1),
        },
    )
    return model


def get_model(role: str):
    """The process's single copy of a model, loaded on first use."""
    with _lock:
        if role not in _models:
            try:
                _models[role] = _load(role)
                _errors.pop(role, None)
            except ModelUnavailable as exc:
                _errors[role] = str(exc)
                raise
        return _models[role]


def get_embedder() -> Embedder:
    return get_model("embedder")


def get_generator() -> Generator:
    return get_model("generator")


def load_all() -> dict[str, str]:
    """Load every model now (worker start). Failures are reported, not raised: the worker
    stays up, says what is wrong on the status page, and fails model tasks clearly."""
    for role in ("embedder", "generator"):
        try:
            get_model(role)
        except ModelUnavailable as exc:
            logger.error("model unavailable: %s", exc)
    return model_status()


def model_status() -> dict[str, str]:
    status = {}
    for role in ("embedder", "generator"):
        if role in _models:
            model = _models[role]
            status[role] = f"loaded: {model.spec.name} on {model.device}"
        elif role in _errors:
            status[role] = f"error: {_errors[role]}"
        else:
            status[role] = "not loaded"
    return status


def loaded_count(role: str) -> int:
    """How many copies of the role's model this process holds (one, once loaded)."""
    return 1 if role in _models else 0
