"""The model worker's part of the demo: a few real calls for Acme's model-operations page."""

from django.db import transaction

from tenancy.context import org_context
from tenancy.seeding import DemoSeed


def seed_model_calls(demo: DemoSeed) -> None:
    """With `seed_demo --with-model-calls`: the model worker classifies a few hosts and
    drafts a grounded sentence for Acme, once (skipped when Acme has calls already)."""
    if not demo.model_calls:
        return
    from slm.examples import AI_HOST_EXAMPLES, DEMO_HOSTS
    from slm.models import ModelInvocation
    from slm.tasks import classify_task, draft_grounded_task

    acme = demo.organizations["acme"]
    with org_context(acme):
        if ModelInvocation.objects.exists():
            return

    def enqueue() -> None:
        classify_task.delay(acme.pk, DEMO_HOSTS, AI_HOST_EXAMPLES, item_type="demo.host")
        draft_grounded_task.delay(
            acme.pk,
            {"people": 300, "departments": 8, "organisation": "Acme Corp"},
            "Write one sentence introducing the organisation's AI readiness programme.",
            title="Introduction",
        )

    transaction.on_commit(enqueue)
