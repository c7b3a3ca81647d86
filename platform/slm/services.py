"""The model worker's Python API for the other modules: embed, classify, cluster, generate,
and grounded drafting. Each call runs in the organisation's context, is recorded as a
ModelInvocation, and routes low-confidence outputs to review (or to the organisation's LLM).

These run synchronously wherever they are called (tests, the embedded default); slm.tasks
wraps them as Celery tasks on the model queue.
"""

import logging
import math
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction

from slm import grounding, runtime
from slm.escalation import EscalationFailed, endpoint_for_context, escalate_classification
from slm.models import ModelInvocation, ReviewItem
from tenancy.context import org_context
from tenancy.models import Organization

logger = logging.getLogger(__name__)
TEMPERATURES = (0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5)


@dataclass
class _Call:
    values: dict = field(default_factory=dict)
    invocation: ModelInvocation | None = None


@contextmanager
def _recorded(organization: Organization, task: str, role: str) -> Iterator[_Call]:
    """Time one model call and record it, also when it fails."""
    call = _Call()
    started = time.perf_counter()
    try:
        yield call
    except Exception as exc:
        logger.error("model call failed: %s", exc)  # the operators' copy keeps the paths
        _save_invocation(
            organization, task, role, started, call, outcome="error", error=_without_paths(exc)
        )
        raise
    _save_invocation(organization, task, role, started, call)


# An absolute path at the start of the text or after a space, quote, bracket or '='.
_PATH = re.compile(r"(?<![^\s'\"(=])/[^\s'\"),]+")


def _without_paths(exc: Exception) -> str:
    """The error for the tenant's own record: file paths name the platform's machines
    (where its models live), which are not the tenant's business."""
    return _PATH.sub("<path>", str(exc))


def _save_invocation(organization, task, role, started, call, *, outcome=None, error=""):
    model = runtime._models.get(role)
    values = {
        "batch_size": max(getattr(model, "last_batch_sizes", None) or [1]),
        **call.values,
    }
    if outcome:
        values["outcome"] = outcome
    with org_context(organization):
        call.invocation = ModelInvocation.objects.create(
            organization=organization,
            task=task,
            model=model.spec.name if model else f"{role} (not loaded)",
            device=model.device if model else "-",
            latency_ms=(time.perf_counter() - started) * 1000,
            error=error[:2000],
            **values,
        )


def embed(texts: list[str], *, organization: Organization, task: str = "embed") -> np.ndarray:
    with _recorded(organization, task, "embedder") as call:
        embedder = runtime.get_embedder()
        vectors = embedder.embed(texts)
        call.values.update(items=len(texts), input_tokens=sum(embedder.count_tokens(texts)))
    return vectors


@dataclass
class Classification:
    label: str
    confidence: float
    scores: dict[str, float]
    routed: str = "ok"  # ok | review | escalated
    review_item_id: int | None = None


def _label_scores(
    similarities: np.ndarray, example_labels: list[str], labels: list[str]
) -> np.ndarray:
    """Per text and label: the mean of the (up to) three most similar examples of that label."""
    columns = []
    for label in labels:
        mask = np.array([lbl == label for lbl in example_labels])
        sims = np.sort(similarities[:, mask], axis=1)[:, ::-1][:, :3]
        columns.append(sims.mean(axis=1))
    return np.stack(columns, axis=1)


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def calibrate_temperature(
    example_vectors: np.ndarray, example_labels: list[str], labels: list[str]
) -> float:
    """Temperature scaling fitted by leave-one-out on the labelled examples.

    Each example is scored against all the others; the temperature that minimises the
    negative log-likelihood of its true label makes the softmax a calibrated confidence.
    """
    n = len(example_labels)
    if n < 4 or len(labels) < 2:
        return 0.05
    sims = example_vectors @ example_vectors.T
    np.fill_diagonal(sims, -np.inf)
    scores = np.stack(
        [
            np.where(
                np.isfinite(s := _label_scores(sims[i : i + 1], example_labels, labels)), s, -1.0
            )[0]
            for i in range(n)
        ]
    )
    truth = np.array([labels.index(lbl) for lbl in example_labels])
    best, best_nll = 0.05, math.inf
    for temperature in TEMPERATURES:
        probabilities = _softmax(scores, temperature)[np.arange(n), truth]
        nll = -np.log(np.clip(probabilities, 1e-9, 1)).mean()
        if nll < best_nll:
            best, best_nll = temperature, nll
    return best


def classify(
    texts: list[str],
    examples: dict[str, list[str]],
    *,
    organization: Organization,
    task: str = "classify",
    item_type: str = "",
    item_ids: list[str] | None = None,
    route_low_confidence: bool = True,
) -> list[Classification]:
    """Label each text with the nearest label by example, with a calibrated confidence."""
    labels = list(examples)
    if len(labels) < 2 or any(not e for e in examples.values()):
        raise ValueError("classify needs at least two labels, each with example texts")
    example_texts = [t for label in labels for t in examples[label]]
    example_labels = [label for label in labels for _ in examples[label]]
    with _recorded(organization, task, "embedder") as call:
        embedder = runtime.get_embedder()
        vectors = embedder.embed(list(texts) + example_texts)
        text_vectors, example_vectors = vectors[: len(texts)], vectors[len(texts) :]
        temperature = calibrate_temperature(example_vectors, example_labels, labels)
        scores = _label_scores(text_vectors @ example_vectors.T, example_labels, labels)
        probabilities = _softmax(scores, temperature)
        results = [
            Classification(
                label=labels[int(row.argmax())],
                confidence=float(row.max()),
                scores={label: round(float(p), 4) for label, p in zip(labels, row, strict=True)},
            )
            for row in probabilities
        ]
        call.values.update(
            items=len(texts),
            input_tokens=sum(embedder.count_tokens(list(texts) + example_texts)),
            confidence=float(np.mean([r.confidence for r in results])) if results else None,
        )
        if route_low_confidence:
            routed = _route_low_confidence(
                organization, task, texts, results, labels, item_type, item_ids
            )
            if routed:
                call.values["outcome"] = routed
    return results


def _route_low_confidence(organization, task, texts, results, labels, item_type, item_ids) -> str:
    """Send outputs below the organisation's threshold to its LLM, else to human review.

    Three steps, so that no database transaction is open while the endpoint is called:
    read the endpoint in the organisation's context, call it outside, then save the review
    items in a new context.
    """
    threshold = organization.model_confidence_threshold
    low = [index for index, result in enumerate(results) if result.confidence < threshold]
    if not low:
        return ""
    with org_context(organization):
        endpoint = endpoint_for_context()
    to_review = []
    for index in low:
        if endpoint is not None:
            try:
                results[index].label = escalate_classification(endpoint, texts[index], labels)
                results[index].routed = "escalated"
                continue
            except EscalationFailed as exc:
                logger.warning("escalation failed, sending to review: %s", exc)
        to_review.append(index)
    if to_review:
        with org_context(organization), transaction.atomic():
            for index in to_review:
                result = results[index]
                item = ReviewItem.objects.create(
                    organization=organization,
                    task=task,
                    item_type=item_type,
                    item_id=item_ids[index] if item_ids else "",
                    input_text=texts[index],
                    model_output={"label": result.label, "scores": result.scores},
                    confidence=result.confidence,
                )
                result.routed, result.review_item_id = "review", item.pk
    return "escalated" if len(to_review) < len(low) else "review"


@dataclass
class Cluster:
    size: int
    representatives: list[str]
    members: list[int]


def cluster(texts: list[str], k: int, *, organization: Organization) -> list[Cluster]:
    """k-means on embeddings; each cluster with the texts closest to its centre."""
    from sklearn.cluster import KMeans

    if not 1 <= k <= len(texts):
        raise ValueError(f"k must be between 1 and the number of texts ({len(texts)}), got {k}")
    with _recorded(organization, "cluster", "embedder") as call:
        embedder = runtime.get_embedder()
        vectors = embedder.embed(texts)
        model = KMeans(n_clusters=k, n_init=10, random_state=0).fit(vectors)
        clusters = []
        for index in range(k):
            members = np.flatnonzero(model.labels_ == index)
            distances = np.linalg.norm(vectors[members] - model.cluster_centers_[index], axis=1)
            closest = members[np.argsort(distances)[:3]]
            clusters.append(
                Cluster(
                    size=len(members),
                    representatives=[texts[i] for i in closest],
                    members=members.tolist(),
                )
            )
        call.values.update(items=len(texts), input_tokens=sum(embedder.count_tokens(texts)))
    return sorted(clusters, key=lambda c: -c.size)


def generate(
    conversations: list[list[dict]],
    *,
    organization: Organization,
    max_new_tokens: int = 128,
    task: str = "generate",
) -> list[runtime.Generation]:
    """Generate one reply per conversation (a list of {role, content} messages), batched."""
    results, _ = _generate(conversations, organization, max_new_tokens, task)
    return results


def _generate(conversations, organization, max_new_tokens, task):
    with _recorded(organization, task, "generator") as call:
        generator = runtime.get_generator()
        results = generator.generate(conversations, max_new_tokens=max_new_tokens)
        call.values.update(
            items=len(conversations),
            input_tokens=sum(r.input_tokens for r in results),
            output_tokens=sum(r.output_tokens for r in results),
            confidence=float(np.mean([r.confidence for r in results])) if results else None,
        )
    return results, call.invocation


@dataclass
class Draft:
    text: str
    outcome: str  # accepted | retried | fell_back
    rejected: list[str]  # why earlier attempts were refused


@dataclass
class DraftRequest:
    """One text to draft: its facts, the title of its templated fallback, its length and
    the caller's own check (see draft_grounded)."""

    facts: dict
    title: str = ""
    max_new_tokens: int = 120
    check: Callable[[str], str] | None = None


# When one attempt's texts end differently, the recorded call carries the worst outcome;
# its error lists each text's own.
_SEVERITY = ("accepted", "retried", "rejected", "fell_back")


def draft_grounded(
    facts: dict,
    instructions: str,
    *,
    organization: Organization,
    title: str = "",
    max_new_tokens: int = 120,
    check: Callable[[str], str] | None = None,
    retry_on_check: bool = True,
) -> Draft:
    """A short text whose every number and name appears in `facts`, or a templated one.

    Each attempt is one recorded model call (task "draft"): a refused attempt is marked
    "rejected" with the reason; the last one carries the draft's outcome. `check`, when
    given, is the caller's own test of a draft that passed the validator: it returns why
    the draft is refused ('' to accept), and a refusal counts like the validator's - or,
    with `retry_on_check=False`, ends the drafting at once (the stricter second prompt
    asks for two short sentences, which cannot pass a check that wants a full rewording).
    """
    [draft] = draft_grounded_many(
        [DraftRequest(facts, title, max_new_tokens, check)],
        instructions,
        organization=organization,
        retry_on_check=retry_on_check,
    )
    return draft


def draft_grounded_many(
    requests: list[DraftRequest],
    instructions: str,
    *,
    organization: Organization,
    retry_on_check: bool = True,
) -> list[Draft]:
    """draft_grounded for several texts at once: each attempt generates all the texts
    still open in one batch, so on a CPU six texts cost about a third of six calls (the
    small model is memory-bound; a batch shares each step). One recorded call per attempt.
    The batch runs to the largest max_new_tokens among its texts, so a shorter text may
    run past its own limit; the caller's check judges its length."""
    drafts: list[Draft | None] = [None] * len(requests)
    rejected: list[list[str]] = [[] for _ in requests]
    open_items = list(range(len(requests)))
    for attempt, strict in enumerate((False, True)):
        if not open_items:
            break
        results, invocation = _generate(
            [grounding.prompt(requests[i].facts, instructions, strict=strict) for i in open_items],
            organization,
            max(requests[i].max_new_tokens for i in open_items),
            "draft",
        )
        outcomes: list[tuple[str, str]] = []
        still_open = []
        for i, result in zip(open_items, results, strict=True):
            request = requests[i]
            text = result.text
            grounded = grounding.check_draft(text, request.facts)
            extra = request.check(text) if request.check and grounded.ok and text else ""
            if grounded.ok and text and not extra:
                outcome = "accepted" if attempt == 0 else "retried"
                drafts[i] = Draft(text=text, outcome=outcome, rejected=rejected[i])
                outcomes.append((outcome, ""))
                continue
            reason = (
                "empty draft"
                if not text
                else extra
                or "not in the facts: "
                + ", ".join(grounded.unknown_numbers + grounded.unknown_names)
            )
            rejected[i].append(reason)
            last = attempt == 1 or (bool(extra) and not retry_on_check)
            outcomes.append(("fell_back" if last else "rejected", reason))
            if last:
                drafts[i] = Draft(
                    text=grounding.templated(request.facts, request.title),
                    outcome="fell_back",
                    rejected=rejected[i],
                )
            else:
                still_open.append(i)
        worst = max((o for o, _ in outcomes), key=_SEVERITY.index)
        if len(outcomes) == 1:
            _mark(invocation, worst, outcomes[0][1])
        else:
            _mark(
                invocation,
                worst,
                "; ".join(
                    f"{requests[i].title or i + 1}: {o}" + (f" ({why})" if why else "")
                    for i, (o, why) in zip(open_items, outcomes, strict=True)
                ),
            )
        open_items = still_open
    return [d for d in drafts if d is not None]


def _mark(invocation: ModelInvocation, outcome: str, reason: str) -> None:
    with org_context(invocation.organization_id):
        ModelInvocation.objects.filter(pk=invocation.pk).update(
            outcome=outcome, error=reason[:2000]
        )
