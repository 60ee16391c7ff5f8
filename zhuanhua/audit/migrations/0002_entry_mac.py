"""Every entry gets `entry_mac`; entries written before it get theirs computed here.

The MACs of pre-existing entries vouch for those rows as they stood when this migration ran with
the deployment's ZHUANHUA_AUDIT_KEY (docs/audit.md, "Entries older than the key").
"""

from typing import Any

from django.conf import settings
from django.db import migrations, models

from zhuanhua.audit import chain


def sign_existing(apps: Any, schema_editor: Any) -> None:
    AuditEntry = apps.get_model("audit", "AuditEntry")
    key = settings.ZHUANHUA_AUDIT_KEY.encode("utf-8")
    batch = []
    for entry in AuditEntry.objects.using(schema_editor.connection.alias).order_by("seq").iterator(
        chunk_size=2000
    ):
        entry.entry_mac = chain.entry_mac(key, entry.entry_hash)
        batch.append(entry)
        if len(batch) >= 2000:
            AuditEntry.objects.bulk_update(batch, ["entry_mac"])
            batch = []
    if batch:
        AuditEntry.objects.bulk_update(batch, ["entry_mac"])


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="entry_mac",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="密钥签名"),
        ),
        migrations.RunPython(sign_existing, migrations.RunPython.noop),
    ]
