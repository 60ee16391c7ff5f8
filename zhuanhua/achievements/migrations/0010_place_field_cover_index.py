"""PostgreSQL only: a covering index for the hall's most used pair of filters, 州（市）+ 领域.

Both of the page's queries for such a filter (the capped count and the page's ids in any
published/TRL order) become index-only scans of just the matching entries: "昆明市 + 新材料, by
TRL" took 10 ms for the count and 10 ms for the ids scanning the whole hall index (0009), and now
takes 0.4 ms and 1.9 ms on bench/hall.py's 100,000 rows.
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
