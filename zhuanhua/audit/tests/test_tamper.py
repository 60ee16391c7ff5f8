"""`zhuanhua audit verify` against the three tampering cases of issue 17: an edited entry, an
edited entry re-hashed onward (caught by the MAC whose key is not in the database), and the newest
entries deleted (caught by the signed checkpoint kept outside the database)."""

import json

import pytest
from django.core.management import call_command

from zhuanhua.audit import chain
from zhuanhua.audit.models import AuditEntry
from zhuanhua.audit.services import (
    ERR_CHAIN_BROKEN,
    AuditChainBroken,
    _hashed_fields,
    audit_checkpoint,
    audit_record,
    audit_verify,
)
from zhuanhua.audit.tests.tamper import rehash_from, trigger_off


def _append(n, start=0):
    for i in range(start, start + n):
        audit_record(
            actor=None, object_type="test.thing", object_id=i, action="thing.touch", after={"i": i}
        )


@pytest.fixture
def checkpoints(settings, tmp_path):
    path = tmp_path / "audit" / "checkpoints.jsonl"
    settings.ZHUANHUA_AUDIT_CHECKPOINT_PATH = str(path)
    return path


@pytest.fixture
def five(db, checkpoints):
    _append(5)
    audit_checkpoint()
    with trigger_off():
        yield checkpoints


def _verify_fails(capsys):
    with pytest.raises(SystemExit) as exc:
        call_command("audit", "verify")
    assert exc.value.code == 1
    return capsys.readouterr().err


def test_intact_chain_with_checkpoint_verifies(five, capsys):
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "审计链完好：共 5 条记录。" in out
    assert f"与 1 个检查点一致（{five}）。" in out


def test_edited_entry_fails_verify(five, capsys):
    AuditEntry.objects.filter(seq=3).update(actor_label="别人")
    err = _verify_fails(capsys)
    assert "审计链损坏：edited 第 3 条 — 第 3 条记录的内容与其哈希不符（被修改）" in err


def test_edited_entry_rehashed_onward_fails_verify_by_its_mac(five, capsys):
    AuditEntry.objects.filter(seq=3).update(actor_label="别人")
    rehash_from(3)
    problem = audit_verify()
    assert (problem.seq, problem.kind) == (3, "forged")
    err = _verify_fails(capsys)
    assert "审计链损坏：forged 第 3 条 — 第 3 条记录的密钥签名不符" in err


def test_rehashed_chain_verifies_without_the_mac_check(five):
    # The re-hash is good enough to fool the keyless chain: only the MAC catches it.
    AuditEntry.objects.filter(seq=3).update(actor_label="别人")
    rehash_from(3)
    rows = [(e.seq, e, e.prev_hash, e.entry_hash) for e in AuditEntry.objects.order_by("seq")]
    for seq, entry, prev_hash, stored in rows:
        assert chain.entry_hash(_hashed_fields(entry), prev_hash) == stored, seq
    assert [r[2] for r in rows[1:]] == [r[3] for r in rows[:-1]]


def test_deleted_newest_entries_fail_verify_against_the_checkpoint(five, capsys):
    AuditEntry.objects.filter(seq__gte=4).delete()
    problem = audit_verify()
    assert (problem.seq, problem.kind) == (4, "truncated")
    err = _verify_fails(capsys)
    assert "第 4 条至第 5 条记录缺失（末尾被删除）" in err
    assert "记录链上有 5 条，现只有 3 条" in err


def test_deleted_newest_entry_passes_without_a_checkpoint(db, settings, capsys):
    # What the checkpoint adds: without one, a clean cut at the end leaves a valid chain.
    settings.ZHUANHUA_AUDIT_CHECKPOINT_PATH = ""
    _append(5)
    with trigger_off():
        AuditEntry.objects.filter(seq=5).delete()
    call_command("audit", "verify")
    captured = capsys.readouterr()
    assert "审计链完好：共 4 条记录。" in captured.out
    assert "无法发现末尾记录被删除" in captured.err


def test_truncation_followed_by_new_entries_and_checkpoint_still_fails(five, capsys):
    AuditEntry.objects.filter(seq__gte=4).delete()
    _append(4, start=100)  # the platform goes on: seq 4..7 are new entries
    with pytest.raises(AuditChainBroken):
        audit_checkpoint()  # refused: the chain no longer matches the first checkpoint
    problem = audit_verify()
    assert (problem.seq, problem.kind) == (5, "truncated")
    assert "该检查点之后链的末尾被删除并由新记录接续" in _verify_fails(capsys)


def test_emptied_table_fails_verify(five):
    AuditEntry.objects.all().delete()
    problem = audit_verify()
    assert (problem.seq, problem.kind) == (1, "truncated")


def test_forged_checkpoint_line_fails_verify(five):
    line = json.loads(five.read_text(encoding="utf-8").splitlines()[-1])
    line["count"] = 3
    five.write_text(json.dumps(line) + "\n", encoding="utf-8")
    problem = audit_verify()
    assert (problem.kind, problem.seq) == ("checkpoint", 3)
    assert "检查点文件被改动" in problem.message


def test_unparsable_checkpoint_file_fails_verify(five, capsys):
    with five.open("a", encoding="utf-8") as handle:
        handle.write("not json\n")
    err = _verify_fails(capsys)
    assert f"检查点文件 {five} 第 2 行无法解析" in err


def test_another_key_fails_verify_at_the_first_entry(five, settings):
    settings.ZHUANHUA_AUDIT_KEY = "another-key-another-key-another-key"
    problem = audit_verify()
    assert (problem.seq, problem.kind) == (1, "forged")


def test_emptied_table_written_anew_fails_verify(five, capsys):
    # The table emptied, then the platform goes on: a new chain with valid MACs from entry 1.
    AuditEntry.objects.all().delete()
    _append(7, start=50)
    problem = audit_verify()
    assert (problem.seq, problem.kind) == (1, "replaced")
    assert "检查点文件中有 1 个检查点属于另一条审计链" in _verify_fails(capsys)


def test_demo_settings_let_a_recreated_database_start_a_new_chain(five, settings):
    # `rm var/db.sqlite3 && make run`: the dev settings ignore the old chain's checkpoints.
    settings.ZHUANHUA_AUDIT_IGNORE_OTHER_CHAINS = True
    AuditEntry.objects.all().delete()
    _append(2, start=50)
    assert audit_verify() is None
    with five.open("a", encoding="utf-8") as handle:  # a forged line still counts
        handle.write(
            five.read_text(encoding="utf-8").splitlines()[0].replace('"count": 5', '"count": 6')
            + "\n"
        )
    assert audit_verify().kind == "checkpoint"


def test_checkpoint_refused_on_a_broken_chain_writes_nothing(five):
    before = five.read_text(encoding="utf-8")
    AuditEntry.objects.filter(seq=2).update(action="thing.forged")
    with pytest.raises(AuditChainBroken) as exc:
        audit_checkpoint()
    assert str(exc.value) == ERR_CHAIN_BROKEN.format(
        message="第 2 条记录的内容与其哈希不符（被修改）"
    )
    assert five.read_text(encoding="utf-8") == before


def test_checkpoint_command_appends_a_signed_line_and_logs_it(db, checkpoints, capsys, caplog):
    _append(3)
    caplog.set_level("INFO", logger="zhuanhua.audit")
    call_command("audit", "checkpoint")
    call_command("audit", "checkpoint")
    lines = checkpoints.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    point = chain.Checkpoint.from_json(lines[-1])
    head = AuditEntry.objects.get(seq=3)
    assert (point.count, point.head_hash) == (3, head.entry_hash)
    assert point.first_hash == AuditEntry.objects.get(seq=1).entry_hash
    assert point.is_genuine(b"test-only-audit-key")
    assert not point.is_genuine(b"another key")
    assert "检查点已写入" in capsys.readouterr().out
    assert lines[-1] in caplog.text


def test_daily_job_writes_a_checkpoint(db, checkpoints, settings):
    assert settings.ZHUANHUA_DAILY_JOBS[-1] == "zhuanhua.audit.jobs.audit_checkpoint_daily"
    _append(2)
    call_command("jobs", "run-due", "--date", "2026-12-01")
    point = chain.Checkpoint.from_json(checkpoints.read_text(encoding="utf-8").splitlines()[-1])
    assert point.count >= 2
    with trigger_off():
        AuditEntry.objects.filter(seq=point.count).delete()
    assert audit_verify().kind == "truncated"


def test_after_a_key_change_older_entries_verify_under_the_previous_key(five, settings):
    settings.ZHUANHUA_AUDIT_KEY = "the-new-key-the-new-key-the-new-key"
    assert audit_verify().kind == "forged"  # the old entries, without the retired key
    settings.ZHUANHUA_AUDIT_PREVIOUS_KEYS = ["test-only-audit-key"]
    _append(2, start=10)
    audit_checkpoint()
    assert audit_verify() is None
    assert AuditEntry.objects.get(seq=7).entry_mac == chain.entry_mac(
        b"the-new-key-the-new-key-the-new-key", AuditEntry.objects.get(seq=7).entry_hash
    )


def test_a_retired_key_cannot_sign_an_entry_after_the_new_keys(five, settings):
    settings.ZHUANHUA_AUDIT_KEY = "the-new-key-the-new-key-the-new-key"
    settings.ZHUANHUA_AUDIT_PREVIOUS_KEYS = ["test-only-audit-key"]
    _append(2, start=10)
    # Whoever holds the retired key rewrites the newest entry and signs it with that key.
    AuditEntry.objects.filter(seq=7).update(actor_label="别人")
    rehash_from(7)
    entry = AuditEntry.objects.get(seq=7)
    AuditEntry.objects.filter(seq=7).update(
        entry_mac=chain.entry_mac(b"test-only-audit-key", entry.entry_hash)
    )
    problem = audit_verify()
    assert (problem.seq, problem.kind) == (7, "forged")
    assert (
        problem.message == "第 7 条记录由已停用的旧密钥签名，却排在新密钥签名的记录之后（被改写）"
    )
