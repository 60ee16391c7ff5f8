"""One cap per money (issue 24.4): measure 14's ≤ 800,000 yuan per technology enterprise per
year counts voucher spends and M14-1 subsidy grants together, whichever path comes first."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from zhuanhua.subsidies import services as subsidy_services
from zhuanhua.vouchers.services import voucher_spend
from zhuanhua.vouchers.tests.conftest import YEAR

CLAIM_DAY = dt.date(YEAR, 6, 1)


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("合同.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def _m14_claim(user: Any, contract_amount: str) -> Any:
    return subsidy_services.application_submit(
        user=user,
        measure="M14-1",
        data={"base_amount": Decimal(contract_amount)},
        uploads=[("contract", _pdf())],
        today=CLAIM_DAY,
    )


def _spend_all(spend_kwargs: dict[str, Any], contracts: list[str]) -> None:
    for cid in contracts:
        voucher_spend(**{**spend_kwargs, "subject_id": cid})


def test_vouchers_800000_then_an_m14_1_grant_is_refused(
    quota: Any, spend_kwargs: dict[str, Any], tech_staff: Any
) -> None:
    _spend_all(spend_kwargs, [f"C{i}" for i in range(8)])  # 8 × 100,000 = 800,000
    with pytest.raises(ValidationError) as exc:
        _m14_claim(tech_staff, "1600000")
    assert exc.value.messages == ["按政策上限和已获补助测算，本次可得补助为 0 元，不能提交申请"]


def test_an_m14_1_grant_of_800000_then_vouchers_are_refused(
    quota: Any, spend_kwargs: dict[str, Any], tech_staff: Any, reviewer: Any
) -> None:
    app = _m14_claim(tech_staff, "1600000")
    grant = subsidy_services.application_approve(user=reviewer, application=app, today=CLAIM_DAY)
    assert grant is not None
    assert grant.amount == Decimal("800000.00")
    with pytest.raises(ValidationError) as exc:
        voucher_spend(**spend_kwargs)
    assert exc.value.messages == [
        "超出每家科技型企业年度 800,000.00 元上限（措施十四）：本年度已使用创新券 0.00 元，"
        "已获科技创新券补助（M14-1）800,000.00 元，还可使用 0.00 元"
    ]


def test_both_paths_share_what_is_left(
    quota: Any, spend_kwargs: dict[str, Any], tech_staff: Any, reviewer: Any
) -> None:
    _spend_all(spend_kwargs, [f"C{i}" for i in range(5)])  # 500,000 in vouchers
    app = _m14_claim(tech_staff, "1600000")
    assert app.engine_amount == Decimal("300000.00")
    assert "annual_cap" in app.engine_binding
    grant = subsidy_services.application_approve(user=reviewer, application=app, today=CLAIM_DAY)
    assert grant is not None
    assert grant.amount == Decimal("300000.00")
    with pytest.raises(ValidationError):
        voucher_spend(**{**spend_kwargs, "subject_id": "C9", "voucher_amount": Decimal("1.00")})
