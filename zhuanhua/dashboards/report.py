"""The department's annual report: key figures, every dashboard chart (rendered server-side by
ECharts under Node, zhuanhua/dashboards/ssr.js) and its table, as a Chinese PDF (WeasyPrint)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from zhuanhua.achievements.models import Achievement
from zhuanhua.core.models import BackgroundJob
from zhuanhua.core.tasks import JobOutcome, Progress
from zhuanhua.dashboards.charts import CHARTS, ChartData, Filters, chart_data
from zhuanhua.licensing.models import ContractRegistration, Licence, Payment
from zhuanhua.transfer.models import UseFirstListEntry

SSR_SCRIPT = Path(__file__).with_name("ssr.js")
SSR_TIMEOUT_SECONDS = 60


def annual_figures(year: int) -> list[tuple[str, str]]:
    """The report's headline numbers for a calendar year, each one aggregate query."""
    published = Achievement.objects.filter(status="published")
    zero = Decimal("0.00")
    contract = (
        ContractRegistration.objects.filter(registered_on__year=year).aggregate(
            s=Sum("transaction_amount")
        )["s"]
        or zero
    )
    received = Payment.objects.filter(paid_on__year=year).aggregate(s=Sum("amount"))["s"] or zero
    year_end = dt.date(year, 12, 31)
    on_list = (
        UseFirstListEntry.objects.filter(joined_on__lte=year_end)
        .exclude(left_on__lte=year_end)
        .count()
    )
    return [
        ("当年新发布成果", f"{published.filter(published_at__year=year).count()} 项"),
        ("年末累计已发布成果", f"{published.filter(published_at__year__lte=year).count()} 项"),
        (
            "当年签订“先使用后付费”许可",
            f"{Licence.objects.filter(signed_on__year=year).count()} 项",
        ),
        ("当年认定登记合同成交额", f"{contract:,.2f} 元"),
        ("当年许可费实际到账额", f"{received:,.2f} 元"),
        ("年末先用后转清单在列成果", f"{on_list} 项"),
    ]


def render_svgs(charts: list[ChartData]) -> dict[str, str]:
    """Every chart as SVG through Node; {} when Node is unavailable (the report keeps its
    tables, so nothing is lost)."""
    node = shutil.which("node")
    if node is None:
        return {}
    geojson = settings.ZHUANHUA_SHARED_DATA / "geo" / "yunnan_prefectures.geojson"
    doc = {
        "charts": [c.as_json() for c in charts],
        "width": 680,
        "height": 300,
        "geojson": str(geojson) if geojson.exists() else None,
    }
    try:
        done = subprocess.run(  # noqa: S603 - fixed script, JSON on stdin
            [node, str(SSR_SCRIPT)],
            input=json.dumps(doc, ensure_ascii=False),
            capture_output=True,
            text=True,
            timeout=SSR_TIMEOUT_SECONDS,
            cwd=settings.BASE_DIR,
            check=True,
        )
    except (subprocess.SubprocessError, OSError):
        return {}
    return dict(json.loads(done.stdout))


def annual_report_html(year: int, progress: Progress | None = None) -> str:
    """The report as HTML; ``progress(done, total, message)`` hears of each chart drawn."""
    steps = len(CHARTS) + 2  # the charts' data, their SVGs, the PDF
    charts = []
    for i, key in enumerate(CHARTS):
        if progress is not None:
            progress(i, steps, "正在汇总各图表数据")
        charts.append(chart_data(key, Filters(year=year)))
    if progress is not None:
        progress(len(CHARTS), steps, "正在绘制图表")
    svgs = render_svgs(charts)
    sections = [
        {"data": c, "svg": mark_safe(svgs[c.key]) if c.key in svgs else None}  # noqa: S308
        for c in charts
    ]
    return render_to_string(
        "dashboards/annual_report.html",
        {
            "year": year,
            "figures": annual_figures(year),
            "sections": sections,
            "generated_at": timezone.localtime(),
        },
    )


def annual_report_pdf(year: int, progress: Progress | None = None) -> bytes:
    from weasyprint import HTML

    html = annual_report_html(year, progress)
    if progress is not None:
        progress(len(CHARTS) + 1, len(CHARTS) + 2, "正在生成 PDF")
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def annual_report_job(job: BackgroundJob, progress: Progress) -> JobOutcome:
    """The annual report as a background job (the department's button): ``params["year"]``;
    the PDF is the job's result file. Reads only: a failure leaves nothing behind."""
    year = int(job.params["year"])
    pdf = annual_report_pdf(year, progress)
    return JobOutcome(
        message=f"{year} 年度报告已生成", file_name=f"annual-report-{year}.pdf", content=pdf
    )


__all__ = [
    "annual_figures",
    "annual_report_html",
    "annual_report_job",
    "annual_report_pdf",
    "render_svgs",
]
