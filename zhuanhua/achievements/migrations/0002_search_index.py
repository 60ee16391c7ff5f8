"""PostgreSQL only: a GIN full-text index over the jieba tokens of `search_text`.

The tokens are already segmented, so the 'simple' configuration indexes them as they are.
SQLite has no such index; the hall's token match runs on it directly (small demo data).
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS achievement_search_gin ON achievements_achievement "
    "USING GIN (to_tsvector('simple', search_text))"
)
DROP = "DROP INDEX IF EXISTS achievement_search_gin"


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("achievements", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
