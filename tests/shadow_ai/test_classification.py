"""Unknown hosts and prompt texts: the name rules, the decision, and a real model worker."""

import pytest

from shadow_ai.classification import (
    decide_host,
    host_evidence,
    label_prompt,
    sensitivity_of,
    task_by_keywords,
)
from tenancy.context import org_context
from tests.ops.conftest import celery_worker_process  # noqa: F401  (a real worker process)
from tests.shadow_ai.ingest_helpers import catalogue, upload_dir  # noqa: F401  (fixtures)


@pytest.mark.parametrize(
    ("host", "ai"),
    [
        ("llmhub.io", True),  # glued 'llm'
        ("gptzero.me", True),  # glued 'gpt'
        ("ai-writer.net", True),  # 'ai' as a token
        ("chat.genai-tools.com", True),
        ("mail.google.com", False),  # 'ai' inside 'mail' is not a token
        ("airbnb.com", False),
        ("chatham-house.org", False),  # 'chat' inside a word
        ("intranet.acme.example", False),
    ],
)
def test_name_evidence_uses_whole_tokens_only(host, ai):
    assert (host_evidence(host).score >= 0.75) is ai


def test_an_ai_tld_is_weak_evidence_only():
    evidence = host_evidence("novacraft.ai")
    assert 0 < evidence.score < 0.75
    assert ".ai domain (weak)" in evidence.reasons


def test_a_confident_model_decides_when_the_name_does_not_contradict_it():
    decision = decide_host(
        "novacraft.ai", model_label="writing", model_confidence=0.9, threshold=0.6
    )
    assert (decision.path, decision.is_ai, decision.category) == ("model", True, "writing")


def test_an_unsure_model_and_a_strong_name_decide_by_the_name():
    decision = decide_host("llmhub.io", model_label="chat", model_confidence=0.3, threshold=0.6)
    assert (decision.path, decision.is_ai) == ("heuristic", True)


def test_no_sign_in_the_name_and_no_model_is_an_ordinary_site():
    decision = decide_host(
        "intranet.acme.example", model_label=None, model_confidence=None, threshold=0.6
    )
    assert (decision.path, decision.is_ai) == ("heuristic", False)


def test_weak_evidence_with_an_unsure_model_goes_to_review():
    decision = decide_host(
        "novacraft.ai", model_label="not_ai", model_confidence=0.4, threshold=0.6
    )
    assert decision.path == "review" and decision.is_ai is None


def test_a_look_alike_of_a_brand_is_never_auto_discovered():
    for host in ("chatgpt-login.example", "openai.com.evil.example"):
        decision = decide_host(host, model_label="chat", model_confidence=0.99, threshold=0.6)
        assert decision.path == "review", host
        assert any("look-alike" in r for r in decision.reasons)


def test_prompt_task_and_sensitivity():
    assert task_by_keywords("Translate this email into German")[0] == "translation"
    assert task_by_keywords("Fix this python function, it throws")[0] == "coding"
    assert task_by_keywords("hello there")[0] == "other"
    assert sensitivity_of("Reply to [EMAIL]", {"email": 1}) == "confidential"
    assert sensitivity_of("Charge [CARD]", {"card": 1}) == "restricted"
    assert sensitivity_of("Summarise the salary review", {}) == "confidential"
    assert sensitivity_of("Write a poem about spring", {}) == "public"
    labels = label_prompt("Summarise these notes", {}, model_label="writing", model_confidence=0.3)
    assert (labels.task_category, labels.path) == ("summarisation", "heuristic")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, databases=["default", "system"])
def test_unknown_hosts_are_classified_through_a_real_model_worker(
    celery_worker_process,  # noqa: F811
    live_cast,
):
    """The task runs in a separate worker process on the models queue: AI hosts become
    discovered tools (with their past events), ordinary ones not, look-alikes go to review,
    and a review decision becomes a labelled example."""
    from shadow_ai.classification_tasks import classify_hosts_task
    from shadow_ai.models import HostClassification, Tool
    from shadow_ai.services.classification import REVIEW_ITEM_TYPE, host_examples
    from slm.models import ModelInvocation, ReviewItem
    from slm.review import review_item_decide
    from tenancy.context import org_context

    org = live_cast.org_a
    hosts = ["llmhub.io", "intranet.acme.example", "chatgpt-login.example", "weather.com"]
    with org_context(org):
        ids = [
            HostClassification.objects.create(organization=org, host=h, events=3).pk for h in hosts
        ]
    paths = classify_hosts_task.delay(org.pk, ids).get(timeout=300)
    assert sum(paths.values()) == 4
    with org_context(org):
        rows = {r.host: r for r in HostClassification.objects.all()}
        assert rows["llmhub.io"].is_ai is True
        tool = Tool.objects.get(name="llmhub.io")
        assert (tool.status, tool.source) == ("unreviewed", "discovered")
        assert rows["intranet.acme.example"].is_ai is False
        assert rows["weather.com"].is_ai is False
        assert rows["chatgpt-login.example"].is_ai is None
        item = ReviewItem.objects.get(item_type=REVIEW_ITEM_TYPE)
        assert item.item_id == str(rows["chatgpt-login.example"].pk)
        # The model really ran, in the worker.
        assert ModelInvocation.objects.filter(task="classify_hosts").exists()
        # Classified once: a second run does nothing.
    assert classify_hosts_task.delay(org.pk, ids).get(timeout=120) == {}
    with org_context(org):
        review_item_decide(item=item, reviewer=live_cast.alice, status="rejected")
        row = HostClassification.objects.get(host="chatgpt-login.example")
        assert (row.is_ai, row.decided_by) == (False, "review")
        assert "chatgpt-login.example - chatgpt login" in host_examples()["not_ai"]


def test_a_well_known_ordinary_site_is_not_ai_whatever_the_model_says():
    decision = decide_host(
        "api.github.com", model_label="coding", model_confidence=0.85, threshold=0.6
    )
    assert (decision.path, decision.is_ai) == ("heuristic", False)


def test_an_ai_vendors_own_domain_is_ai_not_a_look_alike():
    decision = decide_host(
        "www.openai.com",
        model_label=None,
        model_confidence=None,
        threshold=0.6,
        known_domains=frozenset({"openai.com"}),
    )
    assert (decision.path, decision.is_ai) == ("heuristic", True)
    # Without the catalogue saying so, the same name is a look-alike.
    assert (
        decide_host("www.openai.com", model_label=None, model_confidence=None, threshold=0.6).path
        == "review"
    )


def test_a_confident_model_on_a_silent_name_goes_to_review_below_certainty():
    decision = decide_host(
        "synthmind-labs.io", model_label="coding", model_confidence=0.8, threshold=0.6
    )
    assert decision.path in {"model", "review"}
    silent = decide_host("quietplace.io", model_label="coding", model_confidence=0.8, threshold=0.6)
    assert silent.path == "review"
    sure = decide_host("quietplace.io", model_label="coding", model_confidence=0.95, threshold=0.6)
    assert (sure.path, sure.is_ai) == ("model", True)


@pytest.mark.usefixtures("catalogue", "upload_dir")
def test_a_discovered_host_brings_its_past_events_into_the_inventory(cast):
    from shadow_ai.models import HostClassification, Tool
    from shadow_ai.selectors.inventory import inventory
    from shadow_ai.services.classification import hosts_classify
    from tests.shadow_ai.ingest_helpers import make_source, rollup_total, squid_log, upload

    source = make_source(cast.org_a, cast.alice)
    content = squid_log(20, hosts=("llmhub.io", "chatgpt.com"), users=("alice@example.com",))
    upload(cast.org_a, cast.alice, cast.member("alice"), source, content)
    assert rollup_total(cast.org_a) == 10
    with org_context(cast.org_a):
        ids = list(HostClassification.objects.values_list("pk", flat=True))
    hosts_classify(org_id=cast.org_a.pk, host_ids=ids)
    assert rollup_total(cast.org_a) == 20
    hosts_classify(org_id=cast.org_a.pk, host_ids=ids)  # once only
    assert rollup_total(cast.org_a) == 20
    with org_context(cast.org_a):
        tool = Tool.objects.get(name="llmhub.io")
        assert tool.status == "unreviewed" and tool.source == "discovered"
        assert tool.pk in {r.tool.pk for r in inventory(organization=cast.org_a).rows}


@pytest.mark.usefixtures("catalogue", "upload_dir")
def test_prompts_get_a_task_and_a_sensitivity_and_their_event_and_rollup_follow(cast):
    """A pushed prompt with an email address (scrubbed at ingestion) is customer
    communication at confidential level; its event carries the labels and the day's rollup
    counts it as sensitive once."""
    from django.utils import timezone

    from shadow_ai.models import PromptRecord
    from shadow_ai.services.classification import prompts_classify
    from shadow_ai.services.ingest import events_push
    from tests.shadow_ai.ingest_helpers import sql

    with org_context(cast.org_a):
        events_push(
            organization=cast.org_a,
            actor=cast.alice,
            membership=cast.member("alice"),
            records=[
                {
                    "id": "p1",
                    "ts": timezone.now().timestamp() - 60,
                    "user": "alice@example.com",
                    "host": "chatgpt.com",
                    "prompt": "Reply to the customer jane@example.org about her refund complaint",
                }
            ],
        )
    with org_context(cast.org_a):
        prompt = PromptRecord.objects.get()
        assert "jane@example.org" not in prompt.text
    paths = prompts_classify(org_id=cast.org_a.pk, prompt_ids=[prompt.pk])
    assert sum(paths.values()) == 1
    with org_context(cast.org_a):
        prompt.refresh_from_db()
        assert (prompt.task_category, prompt.sensitivity) == (
            "customer_communication",
            "confidential",
        )
        assert prompt.classified_at is not None
    with org_context(cast.org_a):
        assert sql("SELECT task_category, sensitivity FROM shadow_ai_event") == [
            ("customer_communication", "confidential")
        ]
        assert sql("SELECT sum(sensitive_events) FROM shadow_ai_dailyrollup") == [(1,)]
    assert prompts_classify(org_id=cast.org_a.pk, prompt_ids=[prompt.pk]) == {}  # once


def test_the_sweep_sends_waiting_prompts_and_lost_hosts_by_name(cast, monkeypatch):
    from datetime import timedelta

    from celery import current_app
    from django.utils import timezone

    from shadow_ai.classification_tasks import classify_hosts_task, classify_prompts_task
    from shadow_ai.models import HostClassification, PromptRecord
    from shadow_ai.services.classification import classification_requeue

    sent = []
    monkeypatch.setattr(current_app, "send_task", lambda name, kwargs: sent.append((name, kwargs)))
    with org_context(cast.org_a):
        prompt = PromptRecord.objects.create(organization=cast.org_a, ts=timezone.now(), text="x")
        old = HostClassification.objects.create(organization=cast.org_a, host="old.example")
        HostClassification.objects.filter(pk=old.pk).update(
            first_seen=timezone.now() - timedelta(hours=1)
        )
        HostClassification.objects.create(organization=cast.org_a, host="new.example")
    assert classification_requeue() == 2
    assert sorted(sent) == sorted(
        [
            (classify_prompts_task.name, {"org_id": cast.org_a.pk, "prompt_ids": [prompt.pk]}),
            (classify_hosts_task.name, {"org_id": cast.org_a.pk, "host_ids": [old.pk]}),
        ]
    )
