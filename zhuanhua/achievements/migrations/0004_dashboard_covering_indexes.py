"""PostgreSQL only: covering indexes so the dashboard's aggregates are index-only scans.

An achievement row is wide (summary, search tokens, stored tsvector), so a GROUP BY over the
published rows read the whole heap (docs/deploy.md, "Measurements behind the code"). These
indexes carry the few columns the charts group, filter and join on.
"""

from django.db import migrations

FORWARD = [
    "CREATE INDEX IF NOT EXISTS achievement_dash_cover ON achievements_achievement "
    "(status, published_at) INCLUDE (prefecture, ip_type, industry_field, owner_id)",
    "CREATE INDEX IF NOT EXISTS achievement_id_cover ON achievements_achievement "
    "(id) INCLUDE (owner_id, prefecture, status)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS achievement_dash_cover",
    "DROP INDEX IF EXISTS achievement_id_cover",
]


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("achievements", "0003_search_vector")]
    operations = [migrations.RunPython(forwards, backwards)]
