"""The search change log moves from search to core (same table, no data touched): the apps that
write it sit below search (docs/adr/0001-layers.md)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SearchChange",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[("achievement", "科技成果"), ("need", "技术需求")],
                                max_length=16,
                                verbose_name="类别",
                            ),
                        ),
                        ("object_id", models.PositiveBigIntegerField(verbose_name="对象编号")),
                        (
                            "op",
                            models.CharField(
                                choices=[("upsert", "更新"), ("remove", "移除")],
                                max_length=8,
                                verbose_name="操作",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="时间")),
                    ],
                    options={
                        "verbose_name": "检索变更",
                        "verbose_name_plural": "检索变更",
                        "ordering": ["id"],
                        "db_table": "search_searchchange",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
