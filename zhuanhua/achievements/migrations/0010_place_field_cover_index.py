"""PostgreSQL only: a covering index for the hall's most used pair of filters, 州（市）+ 领域.

Both of the page's queries for such a filter (the capped count and the page's ids in any
published/TRL order) become index-only scans of just the matching entries instead of the whole
hall index of 0009 (docs/deploy.md, "Measurements behind the code").
"""

from django.db import migrations

from zhuanhua.core.pgsql import postgres_only

FORWARD = [
    "CREATE INDEX IF NOT EXISTS achievement_place_field_cover ON achievements_achievement "
    "(status, prefecture, industry_field) INCLUDE (trl, published_at, id)",
]
BACKWARD = ["DROP INDEX IF EXISTS achievement_place_field_cover"]


class Migration(migrations.Migration):
    dependencies = [("achievements", "0009_hall_cover_index")]
    operations = [postgres_only(FORWARD, BACKWARD)]
