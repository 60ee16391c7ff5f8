"""Long work off the request: the Excel import runs in a `db_worker` and reports progress on its
ImportJob row, which the import page polls."""

from __future__ import annotations

import logging
from dataclasses import asdict

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django_tasks import task

from zhuanhua.accounts.models import User
from zhuanhua.achievements import excel, services
from zhuanhua.achievements.models import ImportJob

logger = logging.getLogger(__name__)

ERR_TASK_FAILED = "导入任务意外出错，未写入任何数据；请重新上传，如仍出错请联系平台管理员"


def _set_progress(job: ImportJob, stage: str, checked: int, total: int) -> None:
    job.status = stage
    job.rows_checked = checked
    job.rows_total = total
    job.save(update_fields=["status", "rows_checked", "rows_total"])


@task()
def import_achievements(job_id: str) -> int:
    """Run one stored import; return how many drafts it created (0 when refused or failed).

    The import itself is all-or-nothing (excel.achievements_import); an unexpected error leaves
    the job failed with a Chinese reason, and nothing was written."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        with job.file.open("rb") as stored:
            upload = File(stored, name=job.original_name)
            report = excel.achievements_import(
                user=job.created_by,
                upload=upload,  # type: ignore[arg-type]  # a File is what the reader needs
                progress=lambda stage, checked, total: _set_progress(job, stage, checked, total),
            )
    except Exception:
        logger.exception("achievements import %s failed", job_id)
        job.status = ImportJob.Status.FAILED
        job.error = ERR_TASK_FAILED
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        raise
    job.status = ImportJob.Status.DONE if report.ok else ImportJob.Status.REFUSED
    job.created_count = report.created_count
    job.problems = [asdict(p) for p in report.problems]
    job.rows_checked = job.rows_total = report.rows_read
    job.finished_at = timezone.now()
    job.save(update_fields=[*_OUTCOME_FIELDS])
    return report.created_count


_OUTCOME_FIELDS = (
    "status",
    "created_count",
    "problems",
    "rows_checked",
    "rows_total",
    "finished_at",
)


def enqueue_import(*, user: User, upload: UploadedFile) -> ImportJob:
    """Store the upload (MEDIA, for the worker to read) and queue its import.

    The caller has already run excel.check_file, so a hostile or wrong file never gets here."""
    if not user.can_edit_achievements:
        raise PermissionDenied(services.ERR_NOT_EDITOR)
    job = ImportJob(created_by=user, original_name=(upload.name or "")[:255])
    job.file.save(f"{job.pk}.xlsx", upload, save=False)
    job.save()
    result = import_achievements.enqueue(str(job.pk))
    # update(), not save(): the worker may already be writing this row's progress.
    ImportJob.objects.filter(pk=job.pk).update(task_result_id=str(result.id))
    job.refresh_from_db()
    return job
