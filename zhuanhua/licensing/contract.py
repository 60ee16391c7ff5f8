"""The contract draft (合同草案) of a licence as PDF: WeasyPrint, Noto Sans CJK SC, amounts in
figures and in capitals (cn2an, e.g. 壹佰万元整), from the accepted version's terms.

A draft for the parties to sign offline (guide article 6(3)); the platform keeps no signature.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import cn2an
from django.template.loader import render_to_string

from zhuanhua.licensing.choices import PERIOD_LABELS, DealKind
from zhuanhua.licensing.deals import price_amount
from zhuanhua.licensing.models import EvaluationReport, Licence

CSS_PATH = Path(__file__).with_name("contract.css")
PERIOD_WORDS = {"quarter": "季度", "half": "半年", "year": "年度"}


def amount_words(value: Any) -> str:
    """``1000000`` → ``壹佰万元整``; ``0`` → ``零元整``."""
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    if not amount:
        return "零元整"
    return cn2an.an2cn(str(amount), "rmb")


def amount_both(value: Any) -> str:
    """``1000000`` → ``1,000,000.00 元（大写：壹佰万元整）``."""
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    return f"{amount:,} 元（大写：{amount_words(amount)}）"


def percent(rate: Any) -> str:
    value = (Decimal(str(rate)) * 100).normalize()
    return f"{value:f}%"


def contract_context(licence: Licence) -> dict[str, Any]:
    terms = licence.terms
    royalty = terms.get("royalty")
    royalty_text = None
    if royalty:
        if royalty.get("rate") is not None:
            basis = f"按实际收入的 {percent(royalty['rate'])} 计付"
        else:
            parts = []
            for tier in royalty["tiers"]:
                if tier["up_to"] is None:
                    parts.append(f"超过部分 {percent(tier['rate'])}")
                else:
                    parts.append(
                        f"累计收入至 {amount_both(tier['up_to'])} 部分 {percent(tier['rate'])}"
                    )
            basis = "按累计实际收入分档计付：" + "；".join(parts)
        royalty_text = {
            "basis": basis,
            "period": PERIOD_WORDS.get(royalty["period"], royalty["period"]),
            "period_label": PERIOD_LABELS.get(royalty["period"], ""),
            "report_within_days": royalty["report_within_days"],
            "pay_within_days": royalty["pay_within_days"],
            "cap": amount_both(royalty["cap_total"]) if royalty.get("cap_total") else None,
        }
    installments = []
    for inst in terms.get("installments") or []:
        when = (
            f"{inst['due']} 前"
            if inst.get("due")
            else f"里程碑“{inst['milestone']}”达成之日起 {inst['days_after']} 日内"
        )
        installments.append(
            {"key": inst["key"], "amount": amount_both(inst["amount"]), "when": when}
        )
    achievement = licence.achievement
    return {
        "licence": licence,
        "achievement": achievement,
        "offer": licence.inquiry.offer,
        "upfront": amount_both(terms.get("upfront_fee") or 0),
        "upfront_due": terms.get("upfront_due") or terms["start"],
        "installments": installments,
        "royalty": royalty_text,
        "grace_days": terms.get("grace_days", 0),
        "version": licence.accepted_version.number,
    }


def assignment_context(licence: Licence) -> dict[str, Any]:
    """A 技术转让合同: the price (upfront plus installments), when each part is due."""
    context = contract_context(licence)
    for row, inst in zip(
        context["installments"], licence.terms.get("installments") or [], strict=True
    ):
        row["amount"] = amount_both(inst["amount"])
    context["price"] = amount_both(price_amount(licence))
    context["has_upfront"] = bool(Decimal(str(licence.terms.get("upfront_fee") or 0)))
    return context


def equity_context(licence: Licence) -> dict[str, Any]:
    """A 作价投资协议: the company, the valuation, the shares and the evaluation report."""
    terms = licence.terms
    offer = licence.inquiry.offer
    report = EvaluationReport.objects.filter(offer=offer).first()
    shares = Decimal(str(terms["shares"]))
    return {
        "licence": licence,
        "achievement": licence.achievement,
        "offer": offer,
        "terms": terms,
        "version": licence.accepted_version.number,
        "valuation": amount_both(terms["valuation_amount"]),
        "shares": f"{shares:,f}".removesuffix(".00"),
        "share_percent": percent(terms["share_percent"]),
        "report_base_date": terms["evaluation_report"]["base_date"],
        "report_file": report.original_name if report is not None else "",
    }


def contract_html(licence: Licence) -> str:
    """The contract text of the deal's kind: licence, 技术转让合同 or 作价投资协议."""
    if licence.deal_kind == DealKind.ASSIGNMENT:
        return render_to_string("licensing/contract_assignment.html", assignment_context(licence))
    if licence.deal_kind == DealKind.EQUITY_CONTRIBUTION:
        return render_to_string("licensing/contract_equity.html", equity_context(licence))
    return render_to_string("licensing/contract.html", contract_context(licence))


def contract_pdf(licence: Licence) -> bytes:
    from weasyprint import CSS, HTML  # heavy import, only when a PDF is asked for

    return HTML(string=contract_html(licence)).write_pdf(stylesheets=[CSS(filename=str(CSS_PATH))])
