"""core.uploads: the one check (check_upload_as) and store (store_upload) path for uploaded files."""

from __future__ import annotations

import hashlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from zhuanhua.core import uploads
from zhuanhua.core.models import AttachedFile, StoredFile

PDF = b"%PDF-1.4\n" + b"0" * 2000


def test_check_upload_as_returns_the_sha256():
    upload = SimpleUploadedFile("合同.pdf", PDF, content_type="application/pdf")
    assert uploads.check_upload_as(upload, "evidence") == hashlib.sha256(PDF).hexdigest()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("合同.pdf", b"", uploads.ERR_EMPTY),
        ("合同.exe", PDF, uploads.ERR_TYPE),
        ("合同.pdf", b"this is not a pdf", uploads.ERR_MISMATCH),
    ],
)
def test_check_upload_as_names_the_field_in_its_refusal(name, content, message):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload_as(upload, "evidence")
    assert refused.value.message_dict == {"evidence": [message]}


def test_check_upload_as_keeps_a_narrower_list_of_types():
    upload = SimpleUploadedFile("合同.pdf", PDF, content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload_as(upload, "sheet", {".xlsx": uploads.ALLOWED[".xlsx"]})
    assert refused.value.message_dict == {"sheet": [uploads.ERR_TYPE]}


def test_store_upload_saves_the_stored_file_columns_and_the_owner(
    manager_a, draft_a, settings, tmp_path
):
    Attachment = apps.get_model("achievements", "Attachment")
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("鉴定证书.pdf", PDF, content_type="application/pdf")
    sha = uploads.check_upload_as(upload, "file")
    before = Attachment.objects.count()
    stored = uploads.store_upload(
        Attachment, upload, sha256=sha, user=manager_a, achievement=draft_a
    )
    stored.refresh_from_db()
    assert Attachment.objects.count() == before + 1
    assert stored.achievement_id == draft_a.pk
    assert stored.original_name == "鉴定证书.pdf"
    assert stored.content_type == "application/pdf"
    assert stored.size == len(PDF)
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert stored.uploaded_by_id == manager_a.pk
    assert stored.uploaded_at is not None
    with stored.file.open("rb") as saved:
        assert saved.read() == PDF


def test_store_upload_without_a_content_type_records_octet_stream(
    manager_a, draft_a, settings, tmp_path
):
    Attachment = apps.get_model("achievements", "Attachment")
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("证书.pdf", PDF, content_type="")
    stored = uploads.store_upload(
        Attachment, upload, sha256="0" * 64, user=None, achievement=draft_a
    )
    assert stored.content_type == "application/octet-stream"
    assert stored.uploaded_by is None


def test_uploaded_file_models_share_core_stored_file():
    for label in ("subsidies.SubsidyEvidence", "vouchers.VoucherDocument", "credit.CreditEvidence"):
        assert issubclass(apps.get_model(label), StoredFile), label
    for label in ("exemption.UnitRules", "exemption.CaseRecord", "transfer.EquityDecision"):
        assert issubclass(apps.get_model(label), AttachedFile), label
