"""PostgreSQL only: keep the stored tsvector small and inside the row.

The hall matches keywords with `@@ plainto_tsquery` (every word present, no phrases), so the
vector's word positions are never read: `strip()` drops them (2.4 kB → 1.6 kB a row). STORAGE MAIN
keeps the vector in the row instead of the TOAST table: when PostgreSQL walks the date index for a
common word and tests each row, it no longer fetches and joins TOAST chunks per row. The heap
grows by about 45 % (docs/deploy.md, "Measurements behind the code").

A new STORED generated column is computed while its table is rewritten, before SET STORAGE can
name it, so VACUUM FULL rewrites the rows once more to move the vectors in (seconds at 100,000
rows; it holds an exclusive lock on the table meanwhile: run it in a maintenance window,
docs/deploy.md). Hence atomic = False: VACUUM cannot run inside a transaction.
"""

from django.db import migrations

from zhuanhua.core.pgsql import postgres_only

GIN = (
    "CREATE INDEX IF NOT EXISTS achievement_search_vector_gin ON achievements_achievement "
    "USING GIN (search_vector)"
)


def _column(expression: str, storage: str) -> list[str]:
    return [
        "DROP INDEX IF EXISTS achievement_search_vector_gin",
        "ALTER TABLE achievements_achievement DROP COLUMN IF EXISTS search_vector",
        "ALTER TABLE achievements_achievement ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({expression}) STORED",
        f"ALTER TABLE achievements_achievement ALTER COLUMN search_vector SET STORAGE {storage}",
        "ALTER TABLE achievements_achievement ALTER COLUMN search_vector SET STATISTICS 1000",
        "VACUUM FULL achievements_achievement",
        GIN,
        # Plain VACUUM too: VACUUM FULL leaves the visibility map empty, and without it the
        # covering indexes' index-only scans (workbench, dashboards) visit the heap again.
        "VACUUM (ANALYZE) achievements_achievement",
    ]


FORWARD = _column("strip(to_tsvector('simple', search_text))", "MAIN")
BACKWARD = _column("to_tsvector('simple', search_text)", "EXTENDED")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("achievements", "0006_workbench_indexes")]
    operations = [postgres_only(FORWARD, BACKWARD)]
