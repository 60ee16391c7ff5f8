"""Checks on uploaded files: size, and that the content is what the name says."""

from __future__ import annotations

import hashlib
import os
from typing import Any, TypeVar

import filetype
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.http import FileResponse

ERR_TOO_LARGE = "文件超过 20 MB 上限"
ERR_EMPTY = "文件为空"
ERR_TYPE = "不支持的文件类型，请上传 PDF、图片、Word、Excel 或压缩包"
ERR_MISMATCH = "文件内容与扩展名不符"

# extension -> the MIME types its content may sniff as (filetype's guesses).
ALLOWED: dict[str, set[str]] = {
    ".pdf": {"application/pdf"},
    ".png": {"image/png"},
    ".jpg": {"image/jpeg"},
    ".jpeg": {"image/jpeg"},
    ".docx": {
        "application/zip",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    },
    ".xlsx": {
        "application/zip",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    },
    ".zip": {"application/zip"},
}


def check_upload(upload: UploadedFile, allowed: dict[str, set[str]] | None = None) -> str:
    """Validate an upload; return its sha256. Raises ValidationError with a Chinese message."""
    allowed = allowed or ALLOWED
    if upload.size is not None and upload.size > settings.ZHUANHUA_MAX_UPLOAD_BYTES:
        raise ValidationError(ERR_TOO_LARGE, code="too_large")
    if not upload.size:
        raise ValidationError(ERR_EMPTY, code="empty")
    ext = os.path.splitext(upload.name or "")[1].lower()
    if ext not in allowed:
        raise ValidationError(ERR_TYPE, code="type")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in allowed[ext]:
        raise ValidationError(ERR_MISMATCH, code="mismatch")
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest()


def check_upload_as(
    upload: UploadedFile, field: str, allowed: dict[str, set[str]] | None = None
) -> str:
    """check_upload whose refusal names the form field the file came in (how services report a
    bad file, e.g. ``{"evidence": ["文件为空"]}``); return its sha256."""
    try:
        return check_upload(upload, allowed)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


Stored = TypeVar("Stored", bound=models.Model)


def store_upload(
    model: type[Stored],
    upload: UploadedFile,
    *,
    sha256: str,
    user: AbstractBaseUser,  # accounts.User; core sits below accounts
    **owner: Any,
) -> Stored:
    """Save a checked upload as a row of a StoredFile model (the file under the model's
    upload_to). `owner` names its other fields (the record it belongs to, its kind). The caller
    holds the lock on the owner and audits in the same transaction."""
    # `objects` is declared on each concrete StoredFile model, not on Model (the TypeVar's bound).
    return model.objects.create(  # type: ignore[attr-defined]
        **owner,
        file=upload,
        original_name=(upload.name or "")[:200],
        content_type=upload.content_type or "application/octet-stream",
        size=upload.size or 0,
        sha256=sha256,
        uploaded_by=user,
    )


def download_response(stored: Any) -> FileResponse:
    """Serve a StoredFile as a download that the browser will neither sniff nor run.

    The caller has already checked that the user may see the record the file belongs to.
    """
    response = FileResponse(
        stored.file.open("rb"), as_attachment=True, filename=stored.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
