"""Escalation API keys are stored encrypted (slm.crypto, FIELD_ENCRYPTION_KEY).

Existing plain-text keys are encrypted into the new column, then the plain column is
dropped. The rows are read one organisation at a time with the tenant set for the
transaction, so the copy sees every row whether or not the migrating role is bound by
row-level security (a role bound by it and with no tenant set would see none, and the
plain keys would be dropped without being copied).
"""

from django.db import migrations, models


def encrypt_existing_keys(apps, schema_editor):
    from slm.crypto import encrypt

    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id FROM tenancy_organization ORDER BY id")
        org_ids = [row[0] for row in cursor.fetchall()]
        for org_id in org_ids:
            cursor.execute("SELECT set_config('app.org_id', %s, true)", [str(org_id)])
            cursor.execute(
                "SELECT id, api_key FROM slm_llmendpoint"
                " WHERE organization_id = %s AND api_key <> ''",
                [org_id],
            )
            for endpoint_id, plain in cursor.fetchall():
                cursor.execute(
                    "UPDATE slm_llmendpoint SET api_key_encrypted = %s WHERE id = %s",
                    [encrypt(plain), endpoint_id],
                )
        cursor.execute("SELECT set_config('app.org_id', '', true)")


def decrypt_keys_back(apps, schema_editor):
    from slm.crypto import decrypt

    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id FROM tenancy_organization ORDER BY id")
        org_ids = [row[0] for row in cursor.fetchall()]
        for org_id in org_ids:
            cursor.execute("SELECT set_config('app.org_id', %s, true)", [str(org_id)])
            cursor.execute(
                "SELECT id, api_key_encrypted FROM slm_llmendpoint"
                " WHERE organization_id = %s AND api_key_encrypted <> ''",
                [org_id],
            )
            for endpoint_id, token in cursor.fetchall():
                cursor.execute(
                    "UPDATE slm_llmendpoint SET api_key = %s WHERE id = %s",
                    [decrypt(token), endpoint_id],
                )
        cursor.execute("SELECT set_config('app.org_id', '', true)")


class Migration(migrations.Migration):
    dependencies = [
        ("slm", "0002_alter_modelinvocation_outcome"),
        ("tenancy", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="llmendpoint",
            name="api_key_encrypted",
            field=models.TextField(blank=True, default=""),
            preserve_default=False,
        ),
        migrations.RunPython(encrypt_existing_keys, decrypt_keys_back),
        migrations.RemoveField(model_name="llmendpoint", name="api_key"),
    ]
