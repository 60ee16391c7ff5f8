"""The Excel import as a queued task (issue 22.5): the page stores the file and queues it, the
worker runs it reporting progress on the job row, the page polls it; a failing import writes
nothing and says why in Chinese."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from zhuanhua.accounts.models import User
from zhuanhua.achievements import excel, services, tasks
from zhuanhua.achievements.models import Achievement, ImportJob
from zhuanhua.achievements.tests.test_excel import (
    BACKEND,
    counts,
    make_org,
    make_user,
    row,
    upload,
    workbook,
)
from zhuanhua.core.tests import hostile_xlsx

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def editor() -> User:
    return make_user(make_org(), ["achievement_manager"])


def rows(n: int) -> bytes:
    return workbook([row(**{"成果名称": f"滇重楼组培快繁技术 {i}"}) for i in range(n)])


@override_settings(TASKS=DB_TASKS)
@pytest.mark.django_db(
    transaction=True
)  # the worker checks its connection's health, as in production
def test_the_page_queues_the_import_and_the_worker_runs_it(client: Any, editor: User) -> None:
    client.force_login(editor, backend=BACKEND)
    response = client.post(reverse("achievements:import"), {"file": upload(rows(2))})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("achievements:import_job", kwargs={"job_id": job.pk})
    # Queued, stored, nothing imported yet: the request did not do the work.
    assert job.status == ImportJob.Status.QUEUED
    assert job.original_name == "成果.xlsx"
    assert job.file.name == f"imports/{job.created_at:%Y/%m}/{job.pk}.xlsx"
    assert str(DBTaskResult.objects.get().id) == job.task_result_id
    assert Achievement.objects.count() == 0
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert "已排队，稍候开始。" in page

    call_command("db_worker", "--batch", "--no-startup-delay")

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.created_count == 2
    assert Achievement.objects.filter(owner=editor.organisation).count() == 2
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    done = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in done
    assert "已导入 2 条成果，均已保存为本单位草稿，请核对后提交审核。" in done


def test_the_import_reports_progress_as_it_reads(editor: User) -> None:
    seen: list[tuple[str, int, int]] = []
    report = excel.achievements_import(
        user=editor,
        upload=upload(rows(120)),
        progress=lambda stage, checked, total: seen.append((stage, checked, total)),
    )
    assert report.created_count == 120
    assert seen == [("checking", 49, 120), ("checking", 99, 120), ("writing", 120, 120)]


def test_the_polled_fragment_shows_the_progress_bar_while_running(
    client: Any, editor: User
) -> None:
    job = ImportJob.objects.create(
        created_by=editor,
        file="imports/x.xlsx",
        original_name="成果.xlsx",
        status=ImportJob.Status.CHECKING,
        rows_checked=49,
        rows_total=120,
    )
    client.force_login(editor, backend=BACKEND)
    url = reverse("achievements:import_job", kwargs={"job_id": job.pk})
    body = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert body.startswith(f'<div id="import-job" hx-get="{url}" hx-trigger="every 1s"')
    assert '<progress class="w-100" max="100" value="36"' in body
    assert "已校验 49 / 120 行。" in body
    assert "<html" not in body


def test_a_row_error_refuses_the_whole_file_and_writes_nothing(client: Any, editor: User) -> None:
    client.force_login(editor, backend=BACKEND)
    before = counts()
    content = workbook([row(), row(**{"技术成熟度": 10})])
    response = client.post(reverse("achievements:import"), {"file": upload(content)}, follow=True)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.REFUSED
    assert job.created_count == 0
    assert job.problems == [{"row": 3, "column": "技术成熟度", "reason": "技术成熟度应为 1–9"}]
    assert "文件未导入：发现 1 处问题" in response.content.decode()
    assert counts() == before


def test_a_crash_while_writing_fails_the_task_and_writes_nothing(
    client: Any, editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_create = services.achievement_create
    calls = {"n": 0}

    def create_then_crash(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real_create(**kwargs)

    monkeypatch.setattr(services, "achievement_create", create_then_crash)
    client.force_login(editor, backend=BACKEND)
    before = counts()
    response = client.post(reverse("achievements:import"), {"file": upload(rows(3))}, follow=True)
    job = ImportJob.objects.get()
    assert calls["n"] == 2
    assert job.status == ImportJob.Status.FAILED
    assert job.error == tasks.ERR_TASK_FAILED
    assert job.finished_at is not None
    assert counts() == before
    body = response.content.decode()
    assert tasks.ERR_TASK_FAILED in body
    assert "hx-trigger" not in body


def test_a_hostile_workbook_is_refused_on_the_request_and_nothing_is_queued(
    client: Any, editor: User
) -> None:
    client.force_login(editor, backend=BACKEND)
    content = hostile_xlsx.shared_strings_bomb([list(excel.HEADERS)], title=excel.DATA_SHEET)
    response = client.post(reverse("achievements:import"), {"file": upload(content)})
    assert response.status_code == 200
    assert "文件未导入：发现 1 处问题" in html.unescape(response.content.decode())
    assert ImportJob.objects.count() == 0


def test_only_the_uploader_sees_the_job(client: Any, editor: User) -> None:
    job = ImportJob.objects.create(
        created_by=editor, file="imports/x.xlsx", original_name="成果.xlsx"
    )
    url = reverse("achievements:import_job", kwargs={"job_id": job.pk})
    assert client.get(url).status_code == 302
    other = make_user(editor.organisation, ["achievement_manager"], username="colleague")
    client.force_login(other, backend=BACKEND)
    assert client.get(url).status_code == 404
    client.force_login(editor, backend=BACKEND)
    assert client.get(url).status_code == 200
