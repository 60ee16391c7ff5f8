"""Entries written before the MAC existed get theirs from migration 0002 (docs/audit.md)."""

import importlib
from types import SimpleNamespace

from django.apps import apps
from django.db import connection

from zhuanhua.audit.models import AuditEntry
from zhuanhua.audit.services import audit_record, audit_verify
from zhuanhua.audit.tests.tamper import trigger_off

migration = importlib.import_module("zhuanhua.audit.migrations.0002_entry_mac")


def test_migration_signs_entries_written_before_the_mac(db):
    for i in range(3):
        audit_record(actor=None, object_type="test.thing", object_id=i, action="thing.touch")
    with trigger_off():
        AuditEntry.objects.update(entry_mac="")  # as the rows stood before 0002
        assert audit_verify().kind == "forged"
        migration.sign_existing(apps, SimpleNamespace(connection=connection))
    assert audit_verify() is None
    assert AuditEntry.objects.filter(entry_mac="").count() == 0
