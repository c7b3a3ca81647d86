"""Escalation to an organisation's OpenAI-compatible endpoint, when one is configured.

The HTTP call never runs inside a database transaction: a slow or hanging endpoint would
hold the transaction (and its locks and pooled connection) for up to its timeout. Callers
read the endpoint with `endpoint_for_context()` inside the organisation's context, leave
it, call, and enter it again to save the outcome; `chat()` refuses to run otherwise.
"""

import http.client
import json
import logging
from dataclasses import dataclass, field

from django.db import connections

from slm import crypto, egress
from slm.models import LLMEndpoint

logger = logging.getLogger(__name__)


class EscalationFailed(RuntimeError):
    """The endpoint could not give a usable answer; the caller falls back to review."""


class EscalationInTransaction(RuntimeError):
    """A programming error: the network call was attempted inside a transaction."""


@dataclass(frozen=True)
class Endpoint:
    """What a call needs, read once inside the organisation's context: plain data, so the
    call itself needs no database access."""

    base_url: str
    model: str
    timeout_seconds: int
    api_key: str = field(default="", repr=False)  # decrypted, never logged
    key_error: str = ""  # why a stored key could not be decrypted


def endpoint_for_context() -> Endpoint | None:
    """The enabled endpoint of the organisation in context, if any (off by default)."""
    stored = LLMEndpoint.objects.filter(enabled=True).first()
    if stored is None:
        return None
    try:
        api_key, key_error = crypto.decrypt(stored.api_key_encrypted), ""
    except crypto.SecretUnreadable as exc:
        api_key, key_error = "", str(exc)
    return Endpoint(
        base_url=stored.base_url,
        model=stored.model,
        timeout_seconds=stored.timeout_seconds,
        api_key=api_key,
        key_error=key_error,
    )


def chat(endpoint: Endpoint, messages: list[dict], *, max_tokens: int = 64) -> str:
    if any(conn.in_atomic_block for conn in connections.all(initialized_only=True)):
        raise EscalationInTransaction(
            "the LLM endpoint is called outside any database transaction: read the endpoint "
            "in org_context, leave it, call, then save the outcome in a new org_context"
        )
    if endpoint.key_error:
        raise EscalationFailed(endpoint.key_error)
    try:
        target = egress.check_url(endpoint.base_url)
    except egress.EndpointRefused as exc:
        raise EscalationFailed(f"LLM endpoint refused: {exc}") from exc
    body = json.dumps(
        {"model": endpoint.model, "messages": messages, "max_tokens": max_tokens, "temperature": 0}
    ).encode()
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if endpoint.api_key:
        headers["Authorization"] = f"Bearer {endpoint.api_key}"
    try:
        response = egress.post(
            target, "/chat/completions", body, headers, timeout=endpoint.timeout_seconds
        )
        if not 200 <= response.status < 300:
            raise EscalationFailed(
                f"LLM endpoint {endpoint.base_url} answered HTTP {response.status}"
            )
        payload = json.loads(response.body)
        return payload["choices"][0]["message"]["content"].strip()
    except (
        OSError,
        http.client.HTTPException,
        AttributeError,
        KeyError,
        IndexError,
        TypeError,
        ValueError,
    ) as exc:
        raise EscalationFailed(f"LLM endpoint {endpoint.base_url} failed: {exc}") from exc


def escalate_classification(endpoint: Endpoint, text: str, labels: list[str]) -> str:
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
