"""One cap per money (issue 24.4): measure 14's yearly ceiling per technology enterprise counts
every path that pays innovation-voucher support — voucher spends here, and M14-1 subsidy grants
in the subsidies app. Vouchers imports nothing of subsidies: subsidies registers a function in
its ``AppConfig.ready()`` that says how much of the ceiling its grants use in a year."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

# (enterprise, year) -> the amount of measure 14's yearly ceiling used outside vouchers.
SHARED_CAP_USES: list[Callable[[Any, int], Decimal]] = []


def register_shared_cap_use(fn: Callable[[Any, int], Decimal]) -> None:
    if fn not in SHARED_CAP_USES:
        SHARED_CAP_USES.append(fn)


def used_elsewhere(enterprise: Any, year: int) -> Decimal:
    return sum((fn(enterprise, year) for fn in SHARED_CAP_USES), Decimal("0.00"))
