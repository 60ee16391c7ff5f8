"""PostgreSQL only: fine-grained statistics on the stored tsvector.

With the default statistics target (100) PostgreSQL keeps ~1,000 most-common tokens and guesses
~400 matches for any other one, so for a rare keyword it walks the (status, published_at) index
in hall order hoping to fill a page early, filtering most of the hall to find a few rows. With
1,000 (~10,000 tokens kept) it knows a rare token is rare and takes the GIN index; 10,000 costs
planning time for no better plan (docs/deploy.md, "Measurements behind the code").
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE achievements_achievement ALTER COLUMN search_vector SET STATISTICS 1000",
    "ANALYZE achievements_achievement",
]
BACKWARD = ["ALTER TABLE achievements_achievement ALTER COLUMN search_vector SET STATISTICS -1"]


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    atomic = False  # ANALYZE of a large table need not hold the migration's transaction
    dependencies = [("achievements", "0004_dashboard_covering_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
