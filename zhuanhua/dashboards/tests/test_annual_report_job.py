"""The annual report off the request (issue 22.5): the department's button queues it, the job
page polls its progress and then links the PDF; a failed report shows its Chinese reason and
leaves no file."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from zhuanhua.core import tasks
from zhuanhua.core.models import BackgroundJob
from zhuanhua.dashboards import report
from zhuanhua.dashboards.charts import CHARTS

pytestmark = pytest.mark.django_db


def test_the_button_queues_the_report_and_the_job_page_offers_the_pdf(
    client: Any, reviewer: Any, published_a: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report, "render_svgs", lambda charts: {})  # no Node: tables only
    seen: list[tuple[int, int, str | None]] = []
    real_progress = tasks.Progress.__call__

    def spy(self: tasks.Progress, done: int, total: int, message: str | None = None) -> None:
        seen.append((done, total, message))
        real_progress(self, done, total, message)

    monkeypatch.setattr(tasks.Progress, "__call__", spy)
    client.force_login(reviewer)
    year = published_a.published_at.year
    page = client.get(reverse("dashboards:department")).content.decode()
    assert f'action="{reverse("dashboards:annual_report_queue", args=[year])}"' in page

    response = client.post(reverse("dashboards:annual_report_queue", args=[year]))

    job = BackgroundJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:job", kwargs={"job_id": job.pk})
    assert (job.kind, job.params, job.created_by) == ("annual_report", {"year": year}, reviewer)
    # The test queue ran it at once: every chart, then the SVGs, then the PDF were reported.
    steps = len(CHARTS) + 2
    assert seen[0] == (0, steps, "正在汇总各图表数据")
    assert seen[-2:] == [
        (len(CHARTS), steps, "正在绘制图表"),
        (len(CHARTS) + 1, steps, "正在生成 PDF"),
    ]
    assert job.status == BackgroundJob.Status.DONE
    assert job.message == f"{year} 年度报告已生成"
    assert job.result_name == f"annual-report-{year}.pdf"
    body = client.get(response["Location"]).content.decode()
    assert "hx-trigger" not in body
    file_url = reverse("core:job_file", kwargs={"job_id": job.pk})
    assert f'href="{file_url}"' in body
    download = client.get(file_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert f'filename="annual-report-{year}.pdf"' in download["Content-Disposition"]


def test_a_failed_report_shows_its_chinese_reason_and_leaves_no_file(
    client: Any, reviewer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(year: int, progress: Any = None) -> bytes:
        raise OSError("fonts missing")

    monkeypatch.setattr(report, "annual_report_pdf", broken)
    client.force_login(reviewer)
    response = client.post(reverse("dashboards:annual_report_queue", args=[2025]), follow=True)
    job = BackgroundJob.objects.get()
    assert job.status == BackgroundJob.Status.FAILED
    assert job.message == tasks.ERR_JOB_CRASHED
    assert not job.result
    body = response.content.decode()
    assert tasks.ERR_JOB_CRASHED in body
    assert "hx-trigger" not in body
    assert client.get(reverse("core:job_file", kwargs={"job_id": job.pk})).status_code == 404


def test_only_the_department_queues_the_report(client: Any, manager_a: Any) -> None:
    client.force_login(manager_a)
    assert client.post(reverse("dashboards:annual_report_queue", args=[2025])).status_code == 403
    assert client.get(reverse("dashboards:annual_report_queue", args=[2025])).status_code == 405
    assert BackgroundJob.objects.count() == 0
