"""Background jobs (issue 22.5): the page that polls one job, its result file, and the platform
admin's page that lists recent jobs and starts the index rebuild, the weekly digests and the
daily jobs. The annual report is started from the department's dashboard
(dashboards.views.annual_report_queue); every job is run by core/tasks.py."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.accounts.models import User
from zhuanhua.core.models import BackgroundJob
from zhuanhua.core.tasks import enqueue_job

ERR_NOT_PLATFORM_ADMIN = "仅平台管理员可以管理后台任务"
ERR_UNKNOWN_JOB = "请选择要运行的任务"
RECENT_JOBS = 30

# What the platform admin may start from the jobs page: kind -> the title of the job.
ADMIN_KINDS = {
    "search_rebuild": "重建检索索引",
    "weekly_digests": "发送本周周报（未读消息摘要、匹配推荐）",
    "daily_jobs": "运行今日的每日任务",
}


def _visible_job(user: User, job_id: uuid.UUID) -> BackgroundJob:
    """The job, for the person who started it or a platform admin; anyone else gets 404."""
    job = get_object_or_404(BackgroundJob, pk=job_id)
    if job.created_by_id != user.pk and not user.is_platform_admin:
        raise Http404
    return job


@login_required
def job_view(request: AuthedHttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """A job's progress (htmx polls the fragment every second) and, once done, its outcome."""
    job = _visible_job(request.user, job_id)
    if request.headers.get("HX-Request") == "true":
        return render(request, "core/_job_progress.html", {"job": job})
    return render(request, "core/job.html", {"job": job})


@login_required
def job_file(request: AuthedHttpRequest, job_id: uuid.UUID) -> FileResponse:
    job = _visible_job(request.user, job_id)
    if job.status != BackgroundJob.Status.DONE or not job.result:
        raise Http404
    response = FileResponse(
        job.result.open("rb"), as_attachment=True, filename=job.result_name or "result"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _check_platform_admin(user: User) -> None:
    if not user.is_platform_admin:
        raise PermissionDenied(ERR_NOT_PLATFORM_ADMIN)


@login_required
def jobs_admin(request: AuthedHttpRequest) -> HttpResponse:
    _check_platform_admin(request.user)
    jobs = BackgroundJob.objects.select_related("created_by")[:RECENT_JOBS]
    return render(request, "core/jobs.html", {"jobs": jobs, "kinds": ADMIN_KINDS})


@login_required
@require_POST
def job_start(request: AuthedHttpRequest) -> HttpResponse:
    """Queue one of ADMIN_KINDS (a button on the jobs page); then show its progress."""
    _check_platform_admin(request.user)
    kind = request.POST.get("kind", "")
    if kind not in ADMIN_KINDS:
        raise PermissionDenied(ERR_UNKNOWN_JOB)
    today = timezone.localdate()
    params = {} if kind == "search_rebuild" else {"date": today.isoformat()}
    title = ADMIN_KINDS[kind]
    if kind == "weekly_digests":
        monday = today - dt.timedelta(days=today.weekday())
        title = f"{title}（{monday.isoformat()} 一周）"
    job = enqueue_job(kind=kind, title=title, params=params, created_by=request.user)
    return redirect("core:job", job_id=job.pk)
