"""Concurrency on PostgreSQL: requests racing on one record leave one winner and a clear answer
for the others, and nothing half-written.

Each thread has its own database connection (Django's connections are per thread) and closes it
when it ends. A barrier releases the threads together so they really overlap.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable
from typing import Any

import pytest

from tests.security.world import PDF, World, build_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 6


def race(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run work(0..n-1) in n threads started together; each result or the exception raised."""
    from django.db import connection

    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - the caller inspects it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a racing thread hung"
    return results


def _active_licence(world: World) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhuanhua.licensing.services import licence_activate

    return licence_activate(
        user=world.users["a_achievement_manager"],
        licence=world.objects["licence"],
        signed_on=dt.date(2025, 1, 1),
        signed_pdf=SimpleUploadedFile("signed.pdf", PDF, content_type="application/pdf"),
    )


def _post(user: Any, path: str, body: dict[str, Any], key: str | None) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(path, json.dumps(body), content_type="application/json", headers=headers)


@pytest.fixture
def pg_world() -> World:
    world = build_world()
    assert not world.objects.get("_errors"), world.objects.get("_errors")
    return world


def test_parallel_payments_with_one_key_record_once(pg_world: World) -> None:
    from zhuanhua.audit.models import AuditEntry
    from zhuanhua.licensing.models import IdempotencyKey, Payment

    licence = _active_licence(pg_world)
    path = f"/api/licensing/licences/{licence.pk}/payments"
    body = {"amount": "50000.00", "paid_on": "2025-06-01", "ref": "YN-2025-0601"}
    user = pg_world.users["a_achievement_manager"]

    responses = race(THREADS, lambda i: _post(user, path, body, "pay-2025-06-01"))

    assert [r.status_code for r in responses if isinstance(r, Exception)] == []
    assert sorted({r.status_code for r in responses}) in ([201], [200, 201])
    assert len({r.json()["id"] for r in responses}) == 1
    assert Payment.objects.filter(licence=licence).count() == 1
    assert IdempotencyKey.objects.filter(licence=licence, key="pay-2025-06-01").count() == 1
    assert AuditEntry.objects.filter(action="licence.payment").count() == 1


def test_parallel_payments_with_one_key_and_different_bodies(pg_world: World) -> None:
    """The same key with other content: one records, the others get 409 with the Chinese text."""
    from zhuanhua.licensing.models import Payment
    from zhuanhua.licensing.services import ERR_IDEMPOTENCY_CONFLICT

    licence = _active_licence(pg_world)
    path = f"/api/licensing/licences/{licence.pk}/payments"
    user = pg_world.users["a_achievement_manager"]

    responses = race(
        THREADS,
        lambda i: _post(
            user, path, {"amount": f"{1000 + i}.00", "paid_on": "2025-06-01"}, "pay-mixed"
        ),
    )

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (THREADS - 1)
    assert {r.json()["detail"] for r in responses if r.status_code == 409} == {
        ERR_IDEMPOTENCY_CONFLICT
    }
    assert Payment.objects.filter(licence=licence).count() == 1


def _race_revenue_reports(world: World) -> tuple[Any, list[Any]]:
    licence = _active_licence(world)
    path = f"/api/licensing/licences/{licence.pk}/revenue-reports"
    body = {"period_start": "2025-01-01", "revenue_amount": "800000.00"}
    user = world.users["b_licensee_staff"]
    return licence, race(THREADS, lambda i: _post(user, path, body, "rev-2025-q1"))


def test_parallel_revenue_reports_with_one_key_record_once(pg_world: World) -> None:
    from zhuanhua.audit.models import AuditEntry
    from zhuanhua.licensing.models import IdempotencyKey, RevenueReport
    from zhuanhua.licensing.services import ERR_DUPLICATE_REPORT

    licence, responses = _race_revenue_reports(pg_world)

    # The winner and the replays (the stored 201) carry one report.
    assert {r.status_code for r in responses} <= {200, 201, 422}, [r.content for r in responses]
    assert len({r.json()["id"] for r in responses if r.status_code in (200, 201)}) == 1
    for r in responses:
        if r.status_code == 422:
            assert r.json()["detail"] == [
                {"field": "period_start", "message": ERR_DUPLICATE_REPORT}
            ]
    assert RevenueReport.objects.filter(licence=licence).count() == 1
    assert IdempotencyKey.objects.filter(licence=licence, key="rev-2025-q1").count() == 1
    assert AuditEntry.objects.filter(action="licence.revenue_report").count() == 1


def test_parallel_revenue_reports_with_one_key_all_replay(pg_world: World) -> None:
    _, responses = _race_revenue_reports(pg_world)
    assert sorted({r.status_code for r in responses}) in ([201], [200, 201])


def test_parallel_revenue_reports_without_key_one_per_period(pg_world: World) -> None:
    """Without a key the period itself is the guard: one report, the rest a 422 naming it."""
    from zhuanhua.licensing.models import RevenueReport
    from zhuanhua.licensing.services import ERR_DUPLICATE_REPORT

    licence = _active_licence(pg_world)
    path = f"/api/licensing/licences/{licence.pk}/revenue-reports"
    body = {"period_start": "2025-01-01", "revenue_amount": "800000.00"}
    user = pg_world.users["b_licensee_staff"]

    responses = race(THREADS, lambda i: _post(user, path, body, None))

    assert sorted(r.status_code for r in responses) == [201] + [422] * (THREADS - 1)
    for r in responses:
        if r.status_code == 422:
            assert r.json()["detail"] == [
                {"field": "period_start", "message": ERR_DUPLICATE_REPORT}
            ]
    assert RevenueReport.objects.filter(licence=licence).count() == 1


def test_two_reviewers_publish_one_achievement(pg_world: World) -> None:
    from django.core.exceptions import ValidationError

    from tests.security.world import _user
    from zhuanhua.achievements.choices import AchievementStatus
    from zhuanhua.achievements.models import Achievement
    from zhuanhua.achievements.services import ERR_BAD_TRANSITION, achievement_transition
    from zhuanhua.audit.models import AuditEntry

    draft = pg_world.objects["draft"]
    achievement_transition(
        user=pg_world.users["a_achievement_manager"], achievement=draft, action="submit"
    )
    reviewers = [
        pg_world.users["reviewer"],
        _user("mx_reviewer2", pg_world.objects["department"], ["department_reviewer"]),
    ]
    before = AuditEntry.objects.count()

    results = race(
        2,
        lambda i: achievement_transition(
            user=reviewers[i], achievement=Achievement.objects.get(pk=draft.pk), action="publish"
        ),
    )

    winners = [r for r in results if isinstance(r, Achievement)]
    losers = [r for r in results if isinstance(r, ValidationError)]
    assert len(winners) == 1, results
    assert len(losers) == 1, results
    published = AchievementStatus.PUBLISHED.label
    assert losers[0].message_dict == {"status": [ERR_BAD_TRANSITION.format(status=published)]}
    draft.refresh_from_db()
    assert draft.status == AchievementStatus.PUBLISHED
    assert AuditEntry.objects.count() == before + 1


def test_parallel_licence_activation_one_winner(pg_world: World) -> None:
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhuanhua.audit.models import AuditEntry
    from zhuanhua.licensing.choices import LicenceStatus
    from zhuanhua.licensing.models import Licence, SignedContract
    from zhuanhua.licensing.services import ERR_BAD_LICENCE_STATUS, licence_activate

    licence = pg_world.objects["licence"]
    users = [pg_world.users["a_achievement_manager"], pg_world.users["a_org_admin"]]

    results = race(
        2,
        lambda i: licence_activate(
            user=users[i],
            licence=Licence.objects.get(pk=licence.pk),
            signed_on=dt.date(2025, 1, 1),
            signed_pdf=SimpleUploadedFile(f"signed-{i}.pdf", PDF, content_type="application/pdf"),
        ),
    )

    winners = [r for r in results if isinstance(r, Licence)]
    losers = [r for r in results if isinstance(r, ValidationError)]
    assert len(winners) == 1, results
    assert len(losers) == 1, results
    active = LicenceStatus.ACTIVE.label
    assert losers[0].message_dict == {"status": [ERR_BAD_LICENCE_STATUS.format(status=active)]}
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.ACTIVE
    assert SignedContract.objects.filter(licence=licence).count() == 1
    assert AuditEntry.objects.filter(action="licence.activate").count() == 1


def test_parallel_exemption_conclusion_one_winner(pg_world: World) -> None:
    from django.core.exceptions import ValidationError

    from zhuanhua.audit.models import AuditEntry
    from zhuanhua.exemption.choices import CaseStatus
    from zhuanhua.exemption.models import ExemptionCase
    from zhuanhua.exemption.services import (
        ERR_BAD_TRANSITION,
        case_conclude,
        checklist_save,
        person_decide,
    )

    handler = pg_world.users["a_org_admin"]
    person = checklist_save(
        user=handler,
        person=pg_world.objects["person"],
        checklist={
            "diligence": {
                "democratic_procedure": True,
                "reasonable_care": True,
                "supervision": True,
                "no_illegal_gain": True,
            },
            "minor_fault": True,
        },
    )
    person_decide(user=handler, person=person, decision="exempt")
    case = pg_world.objects["case"]
    before = AuditEntry.objects.count()

    results = race(
        THREADS, lambda i: case_conclude(user=handler, case=ExemptionCase.objects.get(pk=case.pk))
    )

    winners = [r for r in results if isinstance(r, ExemptionCase)]
    losers = [r for r in results if isinstance(r, ValidationError)]
    assert len(winners) == 1, results
    assert len(losers) == THREADS - 1, results
    concluded = ERR_BAD_TRANSITION.format(status=CaseStatus.CONCLUDED.label)
    assert {str(exc.message_dict) for exc in losers} == {str({"status": [concluded]})}
    case.refresh_from_db()
    assert case.status == CaseStatus.CONCLUDED
    assert AuditEntry.objects.count() == before + 1
