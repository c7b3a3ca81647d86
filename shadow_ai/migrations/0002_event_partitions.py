"""The Event table, partitioned by month on ts, and the two functions that manage its
partitions (docs/shadow_ai_ingest.md, "Partitions").

Why functions: partitions are created while ingesting (a file may hold any month since
2000) and dropped by retention, but the runtime role owns nothing and may not CREATE or
DROP tables. So the owner creates two SECURITY DEFINER functions:

- shadow_ai_ensure_partition(month date): creates that month's partition (bounded to
  2000-01 .. next month + 1, so it cannot be used to make tables at will) with row-level
  security enabled, FORCEd and the tenant policy, like every tenant table. EXECUTE goes to
  the runtime and system roles. Rows reach partitions through the parent, whose policy
  binds them; the partitions' own policy binds direct access.
- shadow_ai_drop_partitions_before(cutoff date): drops partitions that end on or before
  cutoff (never one younger than 30 days). EXECUTE only to the system role (BYPASSRLS,
  which can already delete every row, so this gives it no new power); the retention task
  computes the cutoff from the longest retention of all organisations.

The runtime role also gets TEMPORARY on the database for the COPY staging table.
"""

from django.conf import settings
from django.db import migrations

from tenancy.rls import ORG_MATCH, quote

CREATE_TABLE = """
CREATE SEQUENCE shadow_ai_event_id_seq;
CREATE TABLE shadow_ai_event (
    id bigint NOT NULL DEFAULT nextval('shadow_ai_event_id_seq'),
    organization_id bigint NOT NULL,
    ts timestamptz NOT NULL,
    tool_id bigint,
    host varchar(253) NOT NULL,
    identity_id bigint,
    membership_id bigint,
    department_id bigint,
    bytes bigint NOT NULL DEFAULT 0,
    action varchar(40) NOT NULL DEFAULT '',
    url_path text NOT NULL DEFAULT '',
    task_category varchar(30) NOT NULL DEFAULT '',
    sensitivity varchar(20) NOT NULL DEFAULT '',
    event_hash uuid NOT NULL,
    upload_id bigint
) PARTITION BY RANGE (ts);
ALTER SEQUENCE shadow_ai_event_id_seq OWNED BY shadow_ai_event.id;
CREATE UNIQUE INDEX shadow_ai_event_dedupe ON shadow_ai_event (organization_id, event_hash, ts);
CREATE INDEX shadow_ai_event_identity ON shadow_ai_event (organization_id, identity_id);
"""

ENSURE_FUNCTION = r"""
CREATE OR REPLACE FUNCTION shadow_ai_ensure_partition(month date) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
    first date := date_trunc('month', month)::date;
    name text := 'shadow_ai_event_' || to_char(date_trunc('month', month), 'YYYY_MM');
BEGIN
    IF first < date '2000-01-01' OR first > (date_trunc('month', now()) + interval '2 months')::date THEN
        RAISE EXCEPTION 'no partition for %: months from 2000-01 to next month only', first;
    END IF;
    IF to_regclass(name) IS NOT NULL THEN
        RETURN name;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext(name));
    IF to_regclass(name) IS NOT NULL THEN
        RETURN name;
    END IF;
    EXECUTE format('CREATE TABLE %I PARTITION OF shadow_ai_event FOR VALUES FROM (%L) TO (%L)',
                   name, first, (first + interval '1 month')::date);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', name);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', name);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (__ORG_MATCH__) WITH CHECK (__ORG_MATCH__)', name);
    RETURN name;
END
$fn$;
REVOKE ALL ON FUNCTION shadow_ai_ensure_partition(date) FROM PUBLIC;
"""

DROP_FUNCTION = r"""
CREATE OR REPLACE FUNCTION shadow_ai_drop_partitions_before(cutoff date) RETURNS text[]
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
    part record;
    dropped text[] := '{}';
BEGIN
    IF cutoff > (now() - interval '30 days')::date THEN
        RAISE EXCEPTION 'refusing to drop partitions younger than 30 days (cutoff %)', cutoff;
    END IF;
    FOR part IN
        SELECT c.relname
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'shadow_ai_event'::regclass
          AND c.relname ~ '^shadow_ai_event_\d{4}_\d{2}$'
        ORDER BY c.relname
    LOOP
        IF (to_date(substr(part.relname, 17), 'YYYY_MM') + interval '1 month')::date <= cutoff THEN
            EXECUTE format('DROP TABLE %I', part.relname);
            dropped := dropped || part.relname::text;
        END IF;
    END LOOP;
    RETURN dropped;
END
$fn$;
REVOKE ALL ON FUNCTION shadow_ai_drop_partitions_before(date) FROM PUBLIC;
"""


def roles() -> tuple[str, str]:
    return settings.DATABASES["default"]["USER"], settings.DATABASES["system"]["USER"]


def forwards(apps, schema_editor):
    runtime, system = roles()
    owner = schema_editor.connection.settings_dict["USER"]
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(CREATE_TABLE)
        cursor.execute(ENSURE_FUNCTION.replace("__ORG_MATCH__", ORG_MATCH.replace("'", "''")))
        cursor.execute(DROP_FUNCTION)
        for role in {runtime, system} - {owner}:
            cursor.execute(
                f"GRANT EXECUTE ON FUNCTION shadow_ai_ensure_partition(date) TO {quote(role)}"
            )
        if system != owner:
            cursor.execute(
                f"GRANT EXECUTE ON FUNCTION shadow_ai_drop_partitions_before(date) "
                f"TO {quote(system)}"
            )
        if runtime != owner:
            # The COPY staging table is a session-private TEMP table (services/ingest.py).
            cursor.execute(
                f"GRANT TEMPORARY ON DATABASE {quote(schema_editor.connection.settings_dict['NAME'])} "
                f"TO {quote(runtime)}"
            )
        # The last 13 months and the next one exist from the start; others on demand.
        cursor.execute(
            "SELECT shadow_ai_ensure_partition(m::date) FROM generate_series("
            "date_trunc('month', now()) - interval '13 months', "
            "date_trunc('month', now()) + interval '1 month', interval '1 month') AS m"
        )


def backwards(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "DROP FUNCTION IF EXISTS shadow_ai_drop_partitions_before(date);"
            "DROP FUNCTION IF EXISTS shadow_ai_ensure_partition(date);"
            "DROP TABLE IF EXISTS shadow_ai_event CASCADE;"
        )


class Migration(migrations.Migration):
    dependencies = [("shadow_ai", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
