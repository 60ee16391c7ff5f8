"""Excel pages: the import form, the template download and the export of the hall's list."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.achievements import excel, services, tasks
from zhuanhua.achievements.forms import ImportForm
from zhuanhua.achievements.models import ImportJob
from zhuanhua.achievements.selectors import achievement_hall
from zhuanhua.achievements.views import hall_query_from

# The error table stops here; the count above it still says how many there are.
MAX_PROBLEMS_SHOWN = 500


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(
        content,
        content_type=excel.XLSX_CONTENT_TYPE,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@login_required
def import_view(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not user.can_edit_achievements:
        raise PermissionDenied(services.ERR_NOT_EDITOR)
    report = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            # The whole-file checks stay on the request, so a refusal is immediate.
            report = excel.check_file(form.cleaned_data["file"])
            if report.ok:
                job = tasks.enqueue_import(user=user, upload=form.cleaned_data["file"])
                return redirect("achievements:import_job", job_id=job.pk)
    else:
        form = ImportForm()
    context = {
        "form": form,
        "report": report,
        "problems": report.problems[:MAX_PROBLEMS_SHOWN] if report else [],
        "problems_truncated": report is not None and len(report.problems) > MAX_PROBLEMS_SHOWN,
        "max_rows": excel.MAX_ROWS,
        "headers": excel.HEADERS,
    }
    return render(request, "achievements/import.html", context)


@login_required
def import_job_view(request: AuthedHttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """The queued import's progress (htmx polls the fragment) and, once done, its outcome.
    Only the person who uploaded sees it; anyone else gets 404."""
    job = get_object_or_404(ImportJob, pk=job_id, created_by=request.user)
    context = {
        "job": job,
        "problems": job.problems[:MAX_PROBLEMS_SHOWN],
        "problems_truncated": len(job.problems) > MAX_PROBLEMS_SHOWN,
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "achievements/_import_job.html", context)
    return render(request, "achievements/import_job.html", context)


def template_view(request: HttpRequest) -> HttpResponse:
    return _xlsx_response(excel.import_template(), "科技成果导入模板.xlsx")


def export_view(request: HttpRequest) -> HttpResponse:
    """The hall's current filters as .xlsx (published only); `?scope=mine` gives a unit editor
    its own records of every status, narrowed by the same filters."""
    _form, query = hall_query_from(request)
    stamp = timezone.localdate().strftime("%Y%m%d")
    if request.GET.get("scope") == "mine":
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.can_edit_achievements:
            raise PermissionDenied(services.ERR_NOT_EDITOR)
        content = excel.achievements_export(excel.own_achievements(user, query))
        return _xlsx_response(content, f"本单位科技成果_{stamp}.xlsx")
    content = excel.achievements_export(achievement_hall(query))
    return _xlsx_response(content, f"科技成果_{stamp}.xlsx")
