"""The department dashboard page, each chart's table and its .xlsx download."""

from __future__ import annotations

from io import BytesIO

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.core.prefectures import PREFECTURE_CHOICES
from zhuanhua.core.tasks import enqueue_job
from zhuanhua.core.xlsx import xlsx_safe, xlsx_safe_row
from zhuanhua.dashboards.charts import CHARTS, PUBLIC_CHARTS, ChartData, Filters, chart_data
from zhuanhua.dashboards.org_charts import ENTERPRISE, charts_for, org_chart_data
from zhuanhua.dashboards.selectors import (
    check_department,
    filters_from,
    org_filters_from,
    own_dashboard_org,
)
from zhuanhua.organisations.choices import OrganisationType


@login_required
def department(request: AuthedHttpRequest) -> HttpResponse:
    check_department(request.user)
    filters = filters_from(request.GET)
    this_year = timezone.localdate().year
    context = {
        "charts": list(CHARTS.values()),
        "filters": filters,
        "years": list(range(this_year, this_year - 6, -1)),
        "prefectures": PREFECTURE_CHOICES,
        "org_types": OrganisationType.choices,
        "query": request.GET.urlencode(),
    }
    return render(request, "dashboards/department.html", context)


def public(request: HttpRequest) -> HttpResponse:
    """The province's published figures for anyone (government transparency): the public subset
    of the department's charts, filtered by year and prefecture."""
    given = filters_from(request.GET)
    filters = Filters(year=given.year, prefecture=given.prefecture)
    this_year = timezone.localdate().year
    context = {
        "charts": [CHARTS[key] for key in PUBLIC_CHARTS],
        "filters": filters,
        "years": list(range(this_year, this_year - 6, -1)),
        "prefectures": PREFECTURE_CHOICES,
        "query": f"year={filters.year or ''}&prefecture={filters.prefecture}",
    }
    return render(request, "dashboards/public.html", context)


def _public_chart(request: HttpRequest, key: str) -> ChartData:
    if key not in PUBLIC_CHARTS:
        raise Http404
    given = filters_from(request.GET)
    return chart_data(key, Filters(year=given.year, prefecture=given.prefecture))


def public_table(request: HttpRequest, key: str) -> HttpResponse:
    return render(request, "dashboards/_table.html", {"data": _public_chart(request, key)})


def public_xlsx(request: HttpRequest, key: str) -> FileResponse:
    return _xlsx(_public_chart(request, key))


@login_required
def chart_table(request: AuthedHttpRequest, key: str) -> HttpResponse:
    check_department(request.user)
    if key not in CHARTS:
        raise Http404
    data = chart_data(key, filters_from(request.GET))
    return render(request, "dashboards/_table.html", {"data": data})


@login_required
def chart_xlsx(request: AuthedHttpRequest, key: str) -> FileResponse:
    """Exactly the chart's numbers (Decimal amounts stay exact) as one sheet."""
    check_department(request.user)
    if key not in CHARTS:
        raise Http404
    return _xlsx(chart_data(key, filters_from(request.GET)))


def _xlsx(data: ChartData) -> FileResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = "数据"
    sheet.append([xlsx_safe(data.title)])
    sheet.append(xlsx_safe_row(data.columns))
    for row in data.rows:
        sheet.append(xlsx_safe_row(row))
    for column in "ABCD":
        sheet.column_dimensions[column].width = 22
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=f"{data.title}.xlsx")


@login_required
def mine(request: AuthedHttpRequest) -> HttpResponse:
    """The user's own organisation's dashboard: the unit set or the enterprise set."""
    try:
        org = own_dashboard_org(request.user)
    except PermissionDenied:
        user = request.user
        if user.is_reviewer or user.is_auditor or user.is_platform_admin:
            return redirect("dashboards:department")  # the department reads the province's
        raise
    filters = org_filters_from(request.GET)
    this_year = timezone.localdate().year
    charts = charts_for(org)
    context = {
        "org": org,
        "charts": charts,
        "is_enterprise": charts[0].audience == ENTERPRISE if charts else False,
        "filters": filters,
        "years": list(range(this_year, this_year - 6, -1)),
        "query": request.GET.urlencode(),
    }
    return render(request, "dashboards/mine.html", context)


def _own_chart(request: AuthedHttpRequest, key: str) -> ChartData:
    org = own_dashboard_org(request.user)
    try:
        return org_chart_data(key, org, org_filters_from(request.GET))
    except KeyError:
        raise Http404 from None


@login_required
def mine_table(request: AuthedHttpRequest, key: str) -> HttpResponse:
    return render(request, "dashboards/_table.html", {"data": _own_chart(request, key)})


@login_required
def mine_xlsx(request: AuthedHttpRequest, key: str) -> FileResponse:
    return _xlsx(_own_chart(request, key))


def yunnan_geojson(request: HttpRequest) -> FileResponse:
    """Prefecture boundaries for the map, from the shared data folder when it is there;
    404 otherwise, and the page falls back to a bar chart."""
    path = settings.ZHUANHUA_SHARED_DATA / "geo" / "yunnan_prefectures.geojson"
    if not path.exists():
        raise Http404
    response = FileResponse(path.open("rb"), content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@login_required
def annual_report(request: AuthedHttpRequest, year: int) -> HttpResponse:
    """The year's report as a PDF (department only)."""
    from zhuanhua.dashboards.report import annual_report_pdf

    check_department(request.user)
    if not 2000 <= year <= 2100:
        raise Http404
    response = HttpResponse(annual_report_pdf(year), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="annual-report-{year}.pdf"'
    return response


@login_required
@require_POST
def annual_report_queue(request: AuthedHttpRequest, year: int) -> HttpResponse:
    """Queue the year's report (department only); the job page polls it and then offers the PDF
    (issue 22.5: the report is drawn by the task worker, not inside the request)."""
    check_department(request.user)
    if not 2000 <= year <= 2100:
        raise Http404
    job = enqueue_job(
        kind="annual_report",
        title=f"{year} 年度报告（PDF）",
        params={"year": year},
        created_by=request.user,
    )
    return redirect("core:job", job_id=job.pk)
