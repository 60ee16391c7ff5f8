"""The search change log now belongs to core (core 0002 took over the same table)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("core", "0002_search_change_log"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SearchChange")],
            database_operations=[],
        ),
    ]
