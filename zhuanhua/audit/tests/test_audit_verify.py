import pytest
from django.core.management import call_command

from zhuanhua.audit.models import AuditEntry
from zhuanhua.audit.services import audit_record, audit_verify
from zhuanhua.audit.tests.tamper import trigger_off
from zhuanhua.cli import main


@pytest.fixture
def chain(db):
    for i in range(5):
        audit_record(
            actor=None, object_type="test.thing", object_id=i, action="thing.touch", after={"i": i}
        )
    with trigger_off():
        yield list(AuditEntry.objects.order_by("seq"))


def test_intact_chain_verifies(chain):
    assert audit_verify() is None


def test_verify_command_exits_zero_on_intact_chain(chain, capsys):
    call_command("audit", "verify")
    assert "审计链完好：共 5 条记录" in capsys.readouterr().out


def test_edited_entry_is_reported_at_its_seq(chain):
    AuditEntry.objects.filter(seq=3).update(action="thing.forged")
    problem = audit_verify()
    assert (problem.seq, problem.kind) == (3, "edited")


def test_deleted_entry_is_reported_after_the_gap(chain):
    AuditEntry.objects.filter(seq=2).delete()
    problem = audit_verify()
    assert (problem.seq, problem.kind) == (3, "deleted")


def test_deleted_last_entries_renumbered_are_reported(chain):
    # Delete entry 2 and renumber the rest to hide the gap: the link from 3 to 1 breaks.
    AuditEntry.objects.filter(seq=2).delete()
    for seq in (3, 4, 5):
        AuditEntry.objects.filter(seq=seq).update(seq=seq - 1)
    problem = audit_verify()
    assert (problem.seq, problem.kind) == (2, "deleted")


def test_reordered_entries_are_reported(chain):
    AuditEntry.objects.filter(seq=2).update(seq=100)
    AuditEntry.objects.filter(seq=3).update(seq=2)
    AuditEntry.objects.filter(seq=100).update(seq=3)
    problem = audit_verify()
    assert (problem.seq, problem.kind) == (2, "reordered")


def test_verify_command_exits_non_zero_naming_the_entry(chain, capsys):
    AuditEntry.objects.filter(seq=4).update(after_digest="0" * 64)
    with pytest.raises(SystemExit) as exc:
        call_command("audit", "verify")
    assert exc.value.code == 1
    assert "第 4 条" in capsys.readouterr().err


def test_console_script_runs_audit_verify(chain):
    AuditEntry.objects.filter(seq=1).update(actor_label="someone else")
    with pytest.raises(SystemExit) as exc:
        main(["audit", "verify"])
    assert exc.value.code == 1
