"""The shadow-AI demo seeder: Acme's statuses, settings, declarations and logs ingested
through the real pipeline (3,000 events under the test settings)."""

from django.core.management import call_command

from shadow_ai.models import Declaration, ShadowSettings, Tool, Upload
from shadow_ai.selectors.inventory import inventory
from tenancy.context import org_context
from tenancy.models import Membership, Organization


def test_seed_demo_gives_acme_an_inventory_with_statuses_declarations_and_ingested_logs(
    db, settings, tmp_path
):
    settings.SHADOW_AI_UPLOAD_DIR = tmp_path
    call_command("seed_demo", employees=40)
    acme = Organization.objects.get(slug="acme")
    with org_context(acme):
        statuses = dict(Tool.objects.values_list("name", "status"))
        assert statuses["ChatGPT"] == "approved"
        assert statuses["DeepSeek"] == statuses["Character.AI"] == "prohibited"
        assert statuses["GitHub Copilot"] == "approved_with_conditions"
        assert "under_review" in statuses.values()
        assert ShadowSettings.objects.get().leadership_estimate_pct == 25
        members = Membership.objects.count()
        declarers = Declaration.objects.values("membership").distinct().count()
        assert abs(declarers - 0.3 * members) <= 1
        uploads = list(Upload.objects.values_list("status", flat=True))
        assert len(uploads) == 8 and set(uploads) == {"done"}
        rows = inventory(organization=acme).rows
        assert any(r.tool.status == "prohibited" for r in rows)
        counts = {r.tool.name: r.users for r in rows if not r.suppressed}
        assert counts.get("ChatGPT", 0) > 5  # identities were mapped to members
    # Idempotent: seeding again adds no uploads or declarations.
    call_command("seed_demo", employees=40)
    with org_context(acme):
        assert Upload.objects.count() == 8
        assert Declaration.objects.values("membership").distinct().count() == declarers
