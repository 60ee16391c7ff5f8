"""`zhuanhua demo` ends with a signed checkpoint, so on a fresh demo database deleting the newest
audit entry makes `zhuanhua audit verify` exit non-zero (issue 17)."""

from io import StringIO

import pytest
from django.core.management import call_command

from zhuanhua.audit import chain
from zhuanhua.audit.models import AuditEntry
from zhuanhua.audit.tests.tamper import trigger_off


@pytest.mark.django_db
def test_deleting_the_newest_entry_after_demo_fails_verify(settings, tmp_path, capsys):
    path = tmp_path / "audit-checkpoints.jsonl"
    settings.ZHUANHUA_AUDIT_CHECKPOINT_PATH = str(path)
    out = StringIO()
    call_command("demo", "--size", "20", stdout=out)
    newest = AuditEntry.objects.order_by("-seq").first()
    point = chain.Checkpoint.from_json(path.read_text(encoding="utf-8").splitlines()[-1])
    assert (point.count, point.head_hash) == (newest.seq, newest.entry_hash)
    assert f"检查点已写入 {path}：共 {newest.seq} 条记录" in out.getvalue()
    call_command("audit", "verify")  # intact before the deletion

    with trigger_off():
        AuditEntry.objects.filter(seq=newest.seq).delete()
    with pytest.raises(SystemExit) as exc:
        call_command("audit", "verify")
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert f"现只有 {newest.seq - 1} 条：第 {newest.seq} 条记录缺失（末尾被删除）" in err
