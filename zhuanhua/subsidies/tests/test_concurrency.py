"""No cap is ever exceeded however many reviewers approve at once (PostgreSQL row locks).

40 applications of one enterprise under M7-1, each worth 200,000 yuan, are approved by 40
threads at the same moment, each on its own database connection. The annual cap per enterprise
is 3,000,000: exactly 15 approvals may succeed and the rest must be refused; the sum of the
grants must equal the cap, never exceed it.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from zhuanhua.subsidies import services
from zhuanhua.subsidies.models import Grant, SubsidyApplication

THREADS = 40


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_never_exceed_the_annual_cap(submit: Any, reviewer: Any) -> None:
    assert connection.vendor == "postgresql"
    apps = [submit(base_amount=Decimal("1000000.00")) for _ in range(THREADS)]
    assert {a.engine_amount for a in apps} == {Decimal("200000.00")}
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def approve(app: SubsidyApplication, explicit: bool) -> None:
        from django.db import connection as conn

        try:
            barrier.wait()
            services.application_approve(
                user=reviewer, application=app, amount=Decimal("200000.00") if explicit else None
            )
            result = "ok"
        except ValidationError as exc:
            result = exc.messages[0]
        except Exception as exc:  # noqa: BLE001 – reported by the assertion below
            result = f"error: {exc!r}"
        finally:
            conn.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=approve, args=(a, i % 2 == 0)) for i, a in enumerate(apps)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(outcomes) == THREADS
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    total = sum((g.amount for g in Grant.objects.all()), Decimal("0.00"))
    assert total <= Decimal("3000000.00")
    assert total == Decimal("3000000.00")
    assert outcomes.count("ok") == 15
    refused = {o for o in outcomes if o != "ok"}
    assert refused <= {
        services.ERR_NOTHING_LEFT_APPROVE,
        services.ERR_ABOVE_ENGINE.format(max="0.00"),
    }
    assert SubsidyApplication.objects.filter(status="approved").count() == 15
