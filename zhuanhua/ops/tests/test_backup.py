"""`zhuanhua backup` / `zhuanhua restore`: every row and every uploaded file comes back, the audit
chain still verifies, and a tampered archive or a non-empty database is refused."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import FileField

from zhuanhua.achievements.models import Achievement, Attachment
from zhuanhua.achievements.services import attachment_add
from zhuanhua.audit.models import AuditEntry
from zhuanhua.audit.services import audit_verify
from zhuanhua.core.models import Announcement
from zhuanhua.licensing.models import SignedContract
from zhuanhua.ops import backup as bk

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000185d114090000000049454e44ae426082"
)


def snapshot() -> dict[str, list[dict]]:
    """Every row of every archived model, as stored (values(), in primary-key order)."""
    out = {}
    for model in bk.backup_models():
        out[model._meta.label_lower] = list(model._default_manager.order_by("pk").values())
    for user in get_user_model().objects.order_by("pk"):
        out[f"groups:{user.pk}"] = sorted(user.groups.values_list("pk", flat=True))
    return out


def media_files(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def stored_files() -> set[str]:
    """The names every file field of every archived model holds (the uploads the rows point to)."""
    names: set[str] = set()
    for model in bk.backup_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, FileField):
                names.update(
                    model._default_manager.exclude(**{field.name: ""})
                    .exclude(**{f"{field.name}__isnull": True})
                    .values_list(field.name, flat=True)
                )
    return names


@pytest.fixture
def populated(settings, tmp_path, manager_a, draft_a, published_a):
    """The demo (size 40) plus uploaded attachments on two achievements."""
    from zhuanhua.ops.demo import load_demo

    settings.MEDIA_ROOT = tmp_path / "media-before"
    load_demo(size=40)
    attachment_add(
        user=manager_a,
        achievement=draft_a,
        upload=SimpleUploadedFile("证书.pdf", PDF, content_type="application/pdf"),
    )
    attachment_add(
        user=manager_a,
        achievement=draft_a,
        upload=SimpleUploadedFile("样品照片.png", PNG, content_type="image/png"),
    )
    return settings


@pytest.mark.parametrize("name", ["backup.tar.gz", "backup.zip"])
def test_round_trip_restores_every_row_and_file(populated, tmp_path, name):
    before = snapshot()
    files_before = media_files(Path(populated.MEDIA_ROOT))
    assert SignedContract.objects.exists()  # the demo's signed licences carry their scans
    # Every file on disk is one a row names (scans, contracts, evidence, job results ...), and the
    # two attachments are among them.
    assert set(files_before) == stored_files()
    uploaded = Attachment.objects.filter(original_name__in=["证书.pdf", "样品照片.png"])
    assert {a.file.name for a in uploaded} <= set(files_before)
    assert uploaded.count() == 2
    counts_before = {label: len(rows) for label, rows in before.items() if ":" not in label}
    assert counts_before["achievements.achievement"] >= 40
    assert counts_before["audit.auditentry"] > 0
    archive = tmp_path / name
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "备份完成" in out.getvalue()

    # A fresh database and an empty media directory.
    bk.wipe()
    assert bk.existing_rows()[0] == 0
    populated.MEDIA_ROOT = tmp_path / "media-after"

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    text = out.getvalue()
    assert "备份文件校验通过" in text
    assert f"已恢复上传文件 {len(files_before)} 个" in text
    assert "恢复完成，审计链校验通过。" in text

    after = snapshot()
    assert {label: len(rows) for label, rows in after.items() if ":" not in label} == counts_before
    # Field-level: a sample of the interesting models explicitly, then everything.
    for label in (
        "achievements.achievement",
        "audit.auditentry",
        "accounts.user",
        "achievements.attachment",
        "organisations.organisation",
    ):
        for row_before, row_after in zip(before[label][::7], after[label][::7], strict=True):
            assert row_before == row_after, label
    assert after == before
    assert media_files(Path(populated.MEDIA_ROOT)) == files_before
    attachment = Attachment.objects.get(original_name="证书.pdf")
    with attachment.file.open("rb") as handle:
        assert handle.read() == PDF
    assert audit_verify() is None
    first = AuditEntry.objects.order_by("seq").first()
    assert first.at == before["audit.auditentry"][0]["at"]
    assert first.at.microsecond == before["audit.auditentry"][0]["at"].microsecond

    # New rows after the restore get fresh ids (the PostgreSQL sequences were reset).

    assert Announcement.objects.create(
        title="恢复后新增", body="正文", published_on=dt.date(2026, 1, 5)
    ).pk > max(row["id"] for row in before["core.announcement"])
    assert Achievement.objects.count() == counts_before["achievements.achievement"]


def _tamper(archive: Path, target: Path, member: str) -> None:
    """Copy a tar.gz, changing one byte of `member` but keeping the manifest."""
    with tarfile.open(archive, "r:gz") as src, tarfile.open(target, "w:gz") as dst:
        for info in src:
            member_file = src.extractfile(info)
            assert member_file is not None, info.name  # the archive holds regular files only
            data = member_file.read()
            if info.name == member:
                data = data.replace(b'"', b"'", 1) if data.startswith(b"{") else b"X" + data[1:]
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))


def test_tampered_archive_is_refused_before_touching_the_database(populated, tmp_path):
    archive = tmp_path / "good.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    for member in (
        "data/audit.auditentry.jsonl",
        "media/" + next(iter(media_files(Path(populated.MEDIA_ROOT)))),
    ):
        bad = tmp_path / "bad.tar.gz"
        _tamper(archive, bad, member)
        bk.wipe()
        with pytest.raises(CommandError) as caught:
            call_command("restore", str(bad), stdout=io.StringIO())
        assert str(caught.value) == bk.ERR_CHECKSUM.format(name=member)
        assert bk.existing_rows()[0] == 0


def test_missing_and_extra_members_are_refused(populated, tmp_path):
    archive = tmp_path / "good.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    dropped = tmp_path / "dropped.tar.gz"
    extra = tmp_path / "extra.tar.gz"
    with (
        tarfile.open(archive, "r:gz") as src,
        tarfile.open(dropped, "w:gz") as d,
        tarfile.open(extra, "w:gz") as e,
    ):
        for info in src:
            data = src.extractfile(info).read()
            if info.name != "data/achievements.attachment.jsonl":
                d.addfile(info, io.BytesIO(data))
            e.addfile(info, io.BytesIO(data))
        planted = tarfile.TarInfo("media/evil.html")
        planted.size = 4
        e.addfile(planted, io.BytesIO(b"<p/>"))
    with pytest.raises(CommandError, match="缺少 data/achievements.attachment.jsonl"):
        call_command("restore", str(dropped), "--force", stdout=io.StringIO())
    with pytest.raises(CommandError) as caught:
        call_command("restore", str(extra), "--force", stdout=io.StringIO())
    assert str(caught.value) == bk.ERR_EXTRA_MEMBER.format(name="media/evil.html")


def test_unsafe_member_name_is_refused(tmp_path):
    bad = tmp_path / "traversal.tar.gz"
    with tarfile.open(bad, "w:gz") as tar:
        info = tarfile.TarInfo("media/../../etc/x")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(bk.BackupError) as caught:
        bk.read_verified(bad, tmp_path / "out")
    assert str(caught.value) == bk.ERR_UNSAFE_NAME.format(name="media/../../etc/x")


def test_non_empty_database_is_refused_unless_forced(populated, tmp_path):
    archive = tmp_path / "b.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    before = snapshot()
    with pytest.raises(CommandError, match="目标数据库不为空"):
        call_command("restore", str(archive), stdout=io.StringIO())
    Achievement.objects.filter(pk=before["achievements.achievement"][0]["id"]).update(title="改过")
    out = io.StringIO()
    call_command("restore", str(archive), "--force", stdout=out)
    assert "已清空目标数据库原有的" in out.getvalue()
    assert snapshot() == before
    assert audit_verify() is None


def test_cli_exits_non_zero_with_a_chinese_message_on_a_tampered_archive(populated, tmp_path):
    archive = tmp_path / "good.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    bad = tmp_path / "bad.tar.gz"
    _tamper(archive, bad, "data/achievements.achievement.jsonl")
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{tmp_path / 'never-touched.sqlite3'}",
        DJANGO_SETTINGS_MODULE="config.settings.test",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(bad)],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert bk.ERR_CHECKSUM.format(name="data/achievements.achievement.jsonl") in result.stderr
