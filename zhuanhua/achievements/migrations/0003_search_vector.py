"""PostgreSQL only: store the tsvector of `search_text` in a generated column with its GIN index.

Recomputing `to_tsvector` for every row a query touches dominated keyword counts; the stored
column removes that cost (figures: docs/deploy.md, "Measurements behind the code"). The column
stays out of the Django model, so SQLite never sees it.
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE achievements_achievement ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
    "CREATE INDEX IF NOT EXISTS achievement_search_vector_gin ON achievements_achievement "
    "USING GIN (search_vector)",
    "DROP INDEX IF EXISTS achievement_search_gin",
]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS achievement_search_gin ON achievements_achievement "
    "USING GIN (to_tsvector('simple', search_text))",
    "DROP INDEX IF EXISTS achievement_search_vector_gin",
    "ALTER TABLE achievements_achievement DROP COLUMN IF EXISTS search_vector",
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
    dependencies = [("achievements", "0002_search_index")]
    operations = [migrations.RunPython(forwards, backwards)]
