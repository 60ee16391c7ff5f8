"""PostgreSQL only: a covering index for the hall's browse pages (filters and sorts, no keyword).

The hall reads a page's ids first when no keyword is given (`selectors.achievement_cards`), and
this index holds every column such a page filters and sorts on, so the ids come from an
index-only scan instead of a bitmap heap scan of wide rows (docs/deploy.md, "Measurements behind
the code").
"""

from django.db import migrations

from zhuanhua.core.pgsql import postgres_only

FORWARD = [
    "CREATE INDEX IF NOT EXISTS achievement_hall_cover ON achievements_achievement "
    "(status, published_at DESC, id DESC) "
    "INCLUDE (trl, ip_type, prefecture, industry_field, transfer_status)",
]
BACKWARD = ["DROP INDEX IF EXISTS achievement_hall_cover"]


class Migration(migrations.Migration):
    dependencies = [("achievements", "0008_returned_drafts_index")]
    operations = [postgres_only(FORWARD, BACKWARD)]
