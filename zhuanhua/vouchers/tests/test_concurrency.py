"""Concurrent spends on PostgreSQL: each thread has its own connection; the quota row lock
serialises them, so the sum spent never exceeds the quota and every refusal names its reason."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from zhuanhua.vouchers import services
from zhuanhua.vouchers.models import VoucherQuota, VoucherSpend
from zhuanhua.vouchers.selectors import voucher_ledger
from zhuanhua.vouchers.tests.conftest import YEAR

THREADS = 24


def _race(jobs):
    """Run each job in its own thread (own DB connection), released together."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait(timeout=30)
            results[i] = ("ok", job())
        except ValidationError as exc:
            results[i] = ("refused", exc.messages)
        except Exception as exc:  # noqa: BLE001 — reported by the assertion below
            results[i] = ("error", repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_spends_never_exceed_the_quota(quota, spend_kwargs, tech):
    assert connection.vendor == "postgresql"
    amount = Decimal("70000.00")  # 11 fit in 800,000 (770,000), the 12th does not
    jobs = [
        (
            lambda n=n: services.voucher_spend(
                **{**spend_kwargs, "subject_id": f"C{n}", "voucher_amount": amount}
            )
        )
        for n in range(THREADS)
    ]
    results = _race(jobs)
    assert not [r for r in results if r[0] == "error"], results
    ok = [r for r in results if r[0] == "ok"]
    refused = [r for r in results if r[0] == "refused"]
    assert len(ok) == 11
    assert len(refused) == THREADS - 11
    assert all(r[1] == ["超出本年度创新券剩余额度（剩余 30,000.00 元）"] for r in refused)
    q = VoucherQuota.objects.get(enterprise=tech, year=YEAR)
    led = voucher_ledger(tech, YEAR)
    assert q.spent_amount == led.spent_amount == Decimal("770000.00") <= q.issued_amount
    assert VoucherSpend.objects.count() == 11


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_spends_on_one_contract_keep_the_half(quota, spend_kwargs, tech):
    amount = Decimal("30000.00")  # contract 200,000: at most 100,000 → 3 of them
    jobs = [
        (lambda: services.voucher_spend(**{**spend_kwargs, "voucher_amount": amount}))
        for _ in range(16)
    ]
    results = _race(jobs)
    assert not [r for r in results if r[0] == "error"], results
    assert sum(1 for r in results if r[0] == "ok") == 3
    assert all(
        r[1] == [services.ERR_OVER_HALF.format(limit="100,000.00", used="90,000.00")]
        for r in results
        if r[0] == "refused"
    )
    assert voucher_ledger(tech, YEAR).spent_amount == Decimal("90000.00")
    assert VoucherQuota.objects.get(enterprise=tech, year=YEAR).spent_amount == Decimal("90000.00")
