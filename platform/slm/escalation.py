"""Escalation to an organisation's OpenAI-compatible endpoint, when one is configured."""

import json
import logging
import urllib.error
import urllib.request

from slm.models import LLMEndpoint

logger = logging.getLogger(__name__)


class EscalationFailed(RuntimeError):
    pass


def endpoint_for_context() -> LLMEndpoint | None:
    """The enabled endpoint of the organisation in context, if any (off by default)."""
    return LLMEndpoint.objects.filter(enabled=True).first()


def chat(endpoint: LLMEndpoint, messages: list[dict], *, max_tokens: int = 64) -> str:
    body = json.dumps(
        {"model": endpoint.model, "messages": messages, "max_tokens": max_tokens, "temperature": 0}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 (the URL is an admin's configured https/http endpoint)
        endpoint.base_url.rstrip("/") + "/chat/completions",
        data=body,
        headers={"Content-Type": "application/json"}
        | ({"Authorization": f"Bearer {endpoint.api_key}"} if endpoint.api_key else {}),
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=endpoint.timeout_seconds) as response:  # noqa: S310
            payload = json.loads(response.read())
        return payload["choices"][0]["message"]["content"].strip()
    except (urllib.error.URLError, TimeoutError, KeyError, IndexError, ValueError) as exc:
        raise EscalationFailed(f"LLM endpoint {endpoint.base_url} failed: {exc}") from exc


def escalate_classification(endpoint: LLMEndpoint, text: str, labels: list[str]) -> str:
    """Ask the larger model to pick one of `labels`; raises EscalationFailed otherwise."""
    answer = chat(
        endpoint,
        [
            {
                "role": "system",
                "content": "Classify the text. Answer with exactly one label from this list "
                "and nothing else: " + ", ".join(labels),
            },
            {"role": "user", "content": text},
        ],
        max_tokens=16,
    )
    cleaned = answer.strip().strip(".").lower()
    for label in labels:
        if cleaned == label.lower():
            return label
    raise EscalationFailed(f"LLM answered {answer!r}, not one of the labels")
