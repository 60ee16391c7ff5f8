"""The two-level subsidy review in the demo (issue 24): applications at every step, through the
services — waiting for the 昆明市科学技术局's or 教育厅's first check, checked and waiting for the
province, decided above the threshold and waiting for a second provincial reviewer, returned by a
bureau, approved and in settlement lists waiting for the 财政厅's sign-off, signed off waiting for
payment, and paid; a VC firm's investment register with an M13-1 claim whose declared paid-in
date differs from the register; a local measure the Kunming bureau entered itself.

``load_subsidies_review(today=…, users=…, password=…)`` runs inside the demo's transaction;
``subsidies_review_delete(orgs)`` removes the rows before the demo's organisations go.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from zhuanhua.accounts.choices import Role
from zhuanhua.accounts.models import User
from zhuanhua.subsidies import services
from zhuanhua.subsidies.models import (
    Grant,
    LocalMeasure,
    SettlementBatch,
    SubsidyApplication,
    VentureInvestment,
)
from zhuanhua.subsidies.settlement import disbursement_xlsx

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SECOND_REVIEWER = "dept_reviewer2"


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _submit(user: User, measure: str, today: dt.date, evidence: str, **data: Any) -> Any:
    return services.application_submit(
        user=user, measure=measure, data=data, uploads=[("other", _pdf(evidence))], today=today
    )


def _settle(reviewer: User, finance: User | None, today: dt.date, *, paid: bool) -> Any:
    batch = services.settlement_create(user=reviewer, period_from_on=today, period_to_on=today)
    if finance is None:
        return batch
    batch = services.settlement_sign_off(user=finance, batch=batch, opinion="经核对，同意拨付")
    if paid:
        receipt = SimpleUploadedFile("拨付回执.xlsx", disbursement_xlsx(batch), content_type=XLSX)
        services.settlement_mark_paid(user=reviewer, batch=batch, upload=receipt, paid_on=today)
    return batch


def load_subsidies_review(
    *, today: dt.date, users: dict[str, Any], password: str
) -> dict[str, int]:
    """Applications at each step of the two-level review. Returns counts by status."""
    firm, dept = users.get("firm_staff"), users.get("dept_reviewer")
    checker = users.get("km_reviewer")
    if firm is None or dept is None or checker is None:
        return {}
    second, _ = User.objects.get_or_create(
        username=SECOND_REVIEWER,
        defaults={
            "display_name": "钱卫东",
            "organisation": dept.organisation,
            "roles": [Role.DEPARTMENT_REVIEWER],
            "password": password,
            "email": f"{SECOND_REVIEWER}@demo.zhuanhua.local",
        },
    )
    users[SECOND_REVIEWER] = second
    finance = users.get("finance_reviewer")
    try:
        # A local measure the Kunming bureau entered itself (指引第七条（三）).
        services.local_measure_save(
            user=checker,
            data={
                "title": "昆明市科技成果本地转化奖励",
                "issuer": "",
                "document": "昆科发〔2026〕3号",
                "source_text": "对在昆明市实施转化并经技术合同认定登记的科技成果，按实际到账额的 5% 给予不超过 20 万元的奖励。",
                "prefecture": checker.organisation.prefecture,
                "applicant_types": ["enterprise"],
                "amount_kind": "rated",
                "base": "实际到账额",
                "rate_percent": "5",
                "item_cap_amount": "200000",
                "registered": True,
                "effective_from_on": dt.date(today.year, 1, 1),
                "budget_per_year_amount": "5000000",
            },
        )
        # Paid: approved, signed off by the finance department, paid.
        paid = _submit(firm, "M7-3", today, "创办企业营业执照.pdf")
        services.application_check(user=checker, application=paid, opinion="材料齐全，同意报送")
        services.application_approve(user=dept, application=paid)
        _settle(dept, finance, today, paid=True)
        # Signed off, waiting for payment.
        signed = _submit(firm, "M14-1", today, "科技服务合同.pdf", base_amount=Decimal("200000"))
        services.application_check(user=checker, application=signed)
        services.application_approve(user=dept, application=signed)
        _settle(dept, finance, today, paid=False)
        # Approved, its settlement list waiting for the finance department's sign-off.
        issued = _submit(
            firm,
            "M8-2",
            today,
            "国家标准发布公告.pdf",
            subject="高原湖泊水质在线监测技术规范",
            level="national",
        )
        services.application_check(user=checker, application=issued)
        services.application_approve(user=dept, application=issued)
        _settle(dept, None, today, paid=False)
        # Decided above the threshold: waiting for a second provincial reviewer.
        big = _submit(
            firm,
            "M8-1",
            today,
            "研发投入专项审计报告.pdf",
            subject="智慧水务一体化平台",
            base_amount=Decimal("20000000"),
        )
        services.application_check(user=checker, application=big, opinion="研发投入已经审计")
        services.application_approve(user=dept, application=big)
        # Checked by the bureau, waiting for the provincial decision.
        checked = _submit(
            firm,
            "M8-2",
            today,
            "地方标准发布公告.pdf",
            subject="城镇污水厂尾水人工湿地技术规程",
            level="local",
        )
        services.application_check(user=checker, application=checked, opinion="同意报送")
        # Returned by the bureau for more material.
        returned = _submit(firm, "M13-3", today, "科技保险保单.pdf", base_amount=Decimal("60000"))
        services.application_return(
            user=checker, application=returned, reason="请补充保费缴纳凭证（银行回单）"
        )
        # Waiting for the bureau's first check.
        _submit(
            firm,
            "M8-1",
            today,
            "研发费用明细账.pdf",
            subject="高原湖泊蓝藻水华预警系统",
            base_amount=Decimal("3000000"),
        )
    except (ValidationError, PermissionDenied):
        pass  # a firm under an active credit event in some demo run: the rest still loads
    # A university's M7-2: first checked by its supervising department (教育厅); the declared
    # registration number is not one the platform holds, so the reviewer sees both values.
    ynu = users.get("ynu_manager")
    if ynu is not None:
        try:
            _submit(
                ynu,
                "M7-2",
                today,
                "技术转让合同及到账凭证.pdf",
                base_amount=Decimal("1500000"),
                registered=True,
                contract_ref="53010120260099",
            )
        except (ValidationError, PermissionDenied):
            pass
    # A VC firm keeps its register; its M13-1 claim declares a paid-in date the register
    # does not hold.
    vc = users.get("vc_staff")
    if vc is not None:
        try:
            services.investment_save(
                user=vc,
                data={
                    "investee_name": "昆明滇池水务科技有限公司",
                    "investee_uscc": firm.organisation.uscc,
                    "invested_amount": Decimal("8000000"),
                    "paid_in_on": dt.date(today.year - 3, 6, 18),
                },
            )
            services.investment_save(
                user=vc,
                data={
                    "investee_name": "云南某生物医药初创公司",
                    "investee_uscc": "91530100MA6KDEMO01",
                    "invested_amount": Decimal("3000000"),
                    "paid_in_on": dt.date(today.year - 4, 3, 2),
                    "loss_amount": Decimal("2400000"),
                    "loss_confirmed_on": dt.date(today.year, 2, 10),
                    "loss_basis": "清算审计报告（滇会审〔2026〕18号）",
                },
            )
            _submit(
                vc,
                "M13-1",
                today,
                "股权投资协议及出资凭证.pdf",
                counterparty="昆明滇池水务科技有限公司",
                base_amount=Decimal("8000000"),
                paid_in_on=dt.date(today.year - 3, 5, 18),
            )
        except (ValidationError, PermissionDenied):
            pass
    counts: dict[str, int] = {}
    for status in SubsidyApplication.objects.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def subsidies_review_delete(orgs: Any) -> None:
    """The subsidy rows of the demo's organisations (applications, grants, batches, the
    investment register, local measures written by the demo's people)."""
    apps = SubsidyApplication.objects.filter(applicant__in=orgs)
    batch_ids = set(Grant.objects.filter(applicant__in=orgs).values_list("batch_id", flat=True)) - {
        None
    }
    Grant.objects.filter(applicant__in=orgs).delete()
    SettlementBatch.objects.filter(pk__in=batch_ids, grants__isnull=True).delete()
    apps.delete()
    SubsidyApplication.objects.filter(checker_org__in=orgs).delete()
    VentureInvestment.objects.filter(investor__in=orgs).delete()
    LocalMeasure.objects.filter(created_by__organisation__in=orgs, park__isnull=True).delete()
