"""PostgreSQL refuses UPDATE and DELETE on the audit table (migration 0003), while appends and
the restore's TRUNCATE go on working."""

import pytest
from django.db import DatabaseError, connection, transaction

from zhuanhua.audit.models import AuditEntry
from zhuanhua.audit.services import audit_record, audit_verify

pytestmark = pytest.mark.postgres


@pytest.fixture
def entries(db):
    for i in range(3):
        audit_record(actor=None, object_type="test.thing", object_id=i, action="thing.touch")
    return list(AuditEntry.objects.order_by("seq").values_list("seq", "action", "entry_hash"))


def test_update_is_refused(entries):
    with pytest.raises(DatabaseError, match="append-only: UPDATE refused"), transaction.atomic():
        AuditEntry.objects.filter(seq=2).update(action="thing.forged")
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", "action", "entry_hash")) == (
        entries
    )


def test_model_save_is_refused(entries):
    entry = AuditEntry.objects.get(seq=1)
    entry.actor_label = "别人"
    with pytest.raises(DatabaseError, match="append-only: UPDATE refused"), transaction.atomic():
        entry.save()
    assert AuditEntry.objects.get(seq=1).actor_label == "系统"


def test_delete_is_refused(entries):
    with pytest.raises(DatabaseError, match="append-only: DELETE refused"), transaction.atomic():
        AuditEntry.objects.filter(seq=3).delete()
    with pytest.raises(DatabaseError, match="append-only: DELETE refused"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditentry")
    assert AuditEntry.objects.count() == 3
    assert audit_verify() is None


def test_appending_still_works(entries):
    audit_record(actor=None, object_type="test.thing", object_id=9, action="thing.touch")
    assert AuditEntry.objects.count() == 4
    assert audit_verify() is None


def test_trigger_is_installed_and_enabled(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgenabled FROM pg_trigger WHERE tgname = 'audit_auditentry_append_only'"
        )
        assert cursor.fetchall() == [("O",)]
