"""Dashboard data endpoints on PostgreSQL with 100,000 achievements and 20,000 licences.

Reuses bench/hall.py's database (zhuanhua_bench, 100,000 achievements loaded by COPY) and adds
20,000 licences with registrations, payments and alerts plus 先用后转 entries, then times every
department chart's data endpoint (/api/dashboards/charts/<key>) in process through Django's test
client as a department reviewer — unfiltered, with a year, and with a prefecture — and prints
p50 and max per endpoint against the 300 ms target (issue 8).

    .venv/bin/python bench/dashboard.py [--licences 20000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import hall  # noqa: E402  (bench/hall.py: database set-up and the 100k achievements)

TARGET_MS = 300.0


def load_licences(count: int, seed: int) -> None:
    from django.db import connection

    from zhuanhua.achievements.models import Achievement
    from zhuanhua.core.uscc import make_uscc
    from zhuanhua.licensing.factories import bulk_licences
    from zhuanhua.licensing.models import ContractRegistration, Licence, LicenceAlert, Payment
    from zhuanhua.organisations.models import Organisation
    from zhuanhua.transfer.models import UseFirstListEntry

    have = Licence.objects.count()
    if have >= count:
        print(f"复用已加载的许可：{have} 项")
        return
    rng = random.Random(seed)
    t0 = time.perf_counter()
    firms = list(
        Organisation.objects.filter(org_type="enterprise", name__startswith="看板基准企业")
    )
    if not firms:
        prefectures = ["530100", "530300", "530400", "532900", "532500", "530800"]
        firms = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"看板基准企业{i:03d}",
                    org_type="enterprise",
                    status="approved",
                    uscc=make_uscc(f"91530000MB{i:07d}"),
                    prefecture=rng.choice(prefectures),
                    is_sme=True,
                )
                for i in range(200)
            ]
        )
    achievements = list(
        Achievement.objects.filter(status="published")
        .select_related("owner")
        .order_by("?")[: count - have]
    )
    specs = []
    for a in achievements:
        start = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(0, 1300))
        signed = start - dt.timedelta(days=rng.randrange(5, 40)) if rng.random() < 0.8 else None
        specs.append(
            {
                "achievement": a,
                "licensee": rng.choice(firms),
                "fee_model": rng.choice(["royalty", "staged", "staged_royalty"]),
                "license_mode": rng.choice(["exclusive", "sole", "non_exclusive"]),
                "start": start,
                "end": start + dt.timedelta(days=3 * 365),
                "signed_on": signed,
            }
        )
    licences = bulk_licences(specs)
    regs, pays, alerts = [], [], []
    for n, lic in enumerate(licences):
        if lic.signed_on and rng.random() < 0.6:
            amount = Decimal(rng.randrange(50_000, 5_000_000)).quantize(Decimal("0.01"))
            regs.append(
                ContractRegistration(
                    licence=lic,
                    contract_type="license",
                    registration_number=f"BENCH-{lic.pk}",
                    registry="云南省技术市场",
                    registered_on=lic.signed_on + dt.timedelta(days=10),
                    transaction_amount=amount,
                    technical_income_amount=amount * Decimal("0.8"),
                )
            )
        for k in range(rng.randrange(0, 5)):
            pays.append(
                Payment(
                    licence=lic,
                    amount=Decimal(rng.randrange(1_000, 200_000)),
                    paid_on=lic.start + dt.timedelta(days=90 * (k + 1)),
                    ref=f"P{n}-{k}",
                )
            )
        if rng.random() < 0.1:
            alerts.append(
                LicenceAlert(
                    licence=lic,
                    code=rng.choice(["overdue", "default_risk"]),
                    ref="",
                    first_seen_on=lic.start + dt.timedelta(days=200),
                )
            )
    ContractRegistration.objects.bulk_create(regs, batch_size=2000)
    Payment.objects.bulk_create(pays, batch_size=5000)
    LicenceAlert.objects.bulk_create(alerts, batch_size=2000)
    entries = []
    for a in Achievement.objects.filter(fiscally_funded=True, status="published").order_by("?")[
        :8000
    ]:
        joined = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(0, 1000))
        left = joined + dt.timedelta(days=rng.randrange(30, 400)) if rng.random() < 0.3 else None
        entries.append(UseFirstListEntry(achievement=a, joined_on=joined, left_on=left))
    UseFirstListEntry.objects.bulk_create(entries, batch_size=2000, ignore_conflicts=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"加载许可 {len(licences)} 项、登记 {len(regs)}、付款 {len(pays)}、提醒 {len(alerts)}、"
        f"先用后转 {len(entries)}，用时 {time.perf_counter() - t0:.1f} 秒"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--licences", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", hall.DEFAULT_URL)
    hall.ensure_database(url, reload=False)
    env = hall.settings_env(url)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    env["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ.update(
        {
            k: env[k]
            for k in (
                "DATABASE_URL",
                "DJANGO_SETTINGS_MODULE",
                "DJANGO_SECRET_KEY",
                "ZHUANHUA_AUDIT_KEY",
                "DJANGO_DEBUG",
                "DJANGO_LOG_LEVEL",
                "DJANGO_ALLOWED_HOSTS",
            )
        }
    )
    import django

    django.setup()
    hall.load(100_000, 20260101)
    load_licences(args.licences, args.seed)

    from django.test import Client

    from zhuanhua.accounts.models import User
    from zhuanhua.achievements.models import Achievement
    from zhuanhua.dashboards.charts import CHARTS
    from zhuanhua.licensing.models import Licence
    from zhuanhua.organisations.models import Organisation

    department = Organisation.objects.filter(org_type="department").first()
    reviewer, _ = User.objects.get_or_create(
        username="bench_reviewer",
        defaults={"organisation": department, "roles": ["department_reviewer"]},
    )
    client = Client()
    client.force_login(reviewer)
    print(f"\n数据规模：成果 {Achievement.objects.count()} 项，许可 {Licence.objects.count()} 项")
    variants = {"全省": "", "2026 年": "?year=2026", "昆明市": "?prefecture=530100"}
    worst = 0.0
    print(f"\n{'图表':<28}{'筛选':<10}{'p50 ms':>10}{'max ms':>10}")
    for key in CHARTS:
        for label, query in variants.items():
            path = f"/api/dashboards/charts/{key}{query}"
            assert client.get(path).status_code == 200, path  # warm-up
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - t) * 1000)
            worst = max(worst, max(times))
            print(f"{key:<28}{label:<10}{statistics.median(times):>10.1f}{max(times):>10.1f}")
    verdict = "达标" if worst <= TARGET_MS else "未达标"
    print(f"\n最慢一次 {worst:.1f} ms，目标每个接口 ≤ {TARGET_MS:.0f} ms：{verdict}")
    return 0 if worst <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
