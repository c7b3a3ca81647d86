"""Rollup rows are inserted by the thousand per chunk: a cached sequence spares a WAL
record per row."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shadow_ai", "0006_rollup_lean_org")]

    operations = [
        migrations.RunSQL(
            "ALTER SEQUENCE shadow_ai_dailyrollup_id_seq CACHE 1000",
            "ALTER SEQUENCE shadow_ai_dailyrollup_id_seq CACHE 1",
        )
    ]
