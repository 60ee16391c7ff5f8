"""PostgreSQL: the audit table refuses UPDATE and DELETE, whoever asks (SQLite: nothing).

The SQL has no percent sign: schema_editor.execute passes it through the DB-API placeholders.

TRUNCATE is not refused: `zhuanhua restore --force` and the test runner's flush empty the table
that way, and a truncation is what the signed checkpoint detects (docs/audit.md).
"""

from django.db import migrations

from zhuanhua.core.pgsql import postgres_only

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION zhuanhua_audit_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION USING
            MESSAGE = 'zhuanhua audit log is append-only: ' || TG_OP || ' refused on audit_auditentry',
            ERRCODE = 'insufficient_privilege';
    END;
    $$
    """,
    """
    CREATE TRIGGER audit_auditentry_append_only
        BEFORE UPDATE OR DELETE ON audit_auditentry
        FOR EACH ROW EXECUTE FUNCTION zhuanhua_audit_append_only()
    """,
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry",
    "DROP FUNCTION IF EXISTS zhuanhua_audit_append_only()",
]


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_entry_mac")]

    operations = [postgres_only(FORWARD, BACKWARD)]
