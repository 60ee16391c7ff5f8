"""The demo's assignment (转让) and equity contribution (作价投资) deals, each kind in every
state, all through the services (licensing/deals.py):

- assignment: listed; negotiating (the enterprise proposed the listed terms); signed (the price
  partly due); paid (signed half a year ago, both parts paid);
- equity: listed (with its evaluation report); negotiating; signed (waiting for the company's
  工商变更登记); shares registered.

The completers agreed offline before each listing (guide 7(1)); the signed deals moved their
achievements to 已转让 / 作价入股 and the 先用后转 job takes them off the list.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q

from zhuanhua.accounts.models import User
from zhuanhua.achievements import consent
from zhuanhua.achievements.choices import AchievementStatus, ConsentAnswer, TransferStatus
from zhuanhua.achievements.models import Achievement
from zhuanhua.core.uscc import make_uscc
from zhuanhua.licensing import services as licensing
from zhuanhua.licensing.models import (
    EvaluationReport,
    Licence,
    ShareRegistration,
)
from zhuanhua.licensing.terms import add_months
from zhuanhua.organisations.choices import RESEARCH_UNIT_TYPES
from zhuanhua.organisations.models import Organisation
from zhuanhua.transfer import services as transfer

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
STATES = ("listed", "negotiating", "signed", "paid")
# (unit's editor, taking enterprise's agent) by state: the printed accounts see every state.
PARTIES = {
    "listed": ("ynu_manager", "firm_staff"),
    "negotiating": ("ynu_manager", "firm_staff"),
    "signed": ("kust_manager", "firm_staff2"),
    "paid": ("kust_manager", "firm_staff"),
}
# Days before today each deal's agreement took effect and was signed.
HISTORY = {"signed": (40, 35), "paid": (200, 195)}
EDITORS = ("ynu_manager", "kust_manager", "yaas_manager", "kib_manager")
COMPANIES = ("云南滇储新材料科技有限公司", "昆明绿源生物科技有限公司", "玉溪智造装备有限公司")


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _free(org: Organisation, used: set[int]) -> Achievement | None:
    """A published, untransferred achievement of ``org`` with no listing yet."""
    return (
        Achievement.objects.filter(
            owner=org,
            status=AchievementStatus.PUBLISHED,
            transfer_status=TransferStatus.UNTRANSFERRED,
        )
        .exclude(pk__in=used)
        .exclude(licence_offers__is_active=True)
        .order_by("-pk")
        .first()
    )


def _pick(
    users: dict[str, Any], orgs: dict[str, Organisation], wanted: str, used: set[int]
) -> tuple[User, Achievement] | None:
    """The wanted unit's editor and a free achievement of its unit; another unit's (with its
    achievement manager) when a small demo left the wanted one none; None when none is free
    (a very small demo: the deal is left out)."""
    editors = [users[n] for n in (wanted, *EDITORS) if n in users]
    for org in orgs.values():
        if org.org_type in RESEARCH_UNIT_TYPES:
            editors += [
                u
                for u in User.objects.filter(organisation=org, is_active=True).order_by("pk")
                if u.can_edit_achievements
            ][:1]
    for editor in editors:
        if editor.organisation is None:
            continue
        found = _free(editor.organisation, used)
        if found is not None:
            used.add(found.pk)
            return editor, found
    return None


def _consented(editor: User, achievement: Achievement, kind: str) -> None:
    """The completers agreed before the listing: those on the platform there, the others in
    writing (recorded offline by the unit)."""
    request = consent.consent_request_open(
        user=editor,
        achievement=achievement,
        purpose=kind,
        note="拟挂牌转让或作价投资，完成人书面同意（单位线下征求）。",
    )
    for answer in request.answers.select_related("user"):
        if answer.answer != ConsentAnswer.PENDING:
            continue
        if answer.user is not None:  # a completer on the platform answers there
            consent.consent_answer(user=answer.user, answer=answer, value=ConsentAnswer.AGREE)
        else:
            consent.consent_record_offline(user=editor, answer=answer, value=ConsentAnswer.AGREE)


def _assignment(
    editor: User, agent: User, achievement: Achievement, state: str, today: dt.date
) -> None:
    start_ago, signed_ago = HISTORY.get(state, (0, 0))
    start = today - dt.timedelta(days=start_ago) if start_ago else today
    terms = {
        "upfront_fee": "200000",
        "upfront_due": (start + dt.timedelta(days=15)).isoformat(),
        "installments": [
            {"key": "尾款", "amount": "300000", "due": (start + dt.timedelta(days=90)).isoformat()}
        ],
    }
    _consented(editor, achievement, "assignment")
    offer = licensing.offer_publish(
        user=editor,
        achievement=achievement,
        data={
            "deal_kind": "assignment",
            "summary": f"“{achievement.title[:60]}”专利权转让，单位提供技术资料和一次现场指导。",
            "fee_standard": "转让价款 50 万元：合同生效后 15 日内付 20 万元，90 日内付尾款 30 万元。",
            "fee_model": "staged",
            "terms": terms,
            "term_months": 12,
        },
    )
    if state == "listed":
        return
    inquiry = licensing.inquiry_open(
        user=agent, offer=offer, message="我司拟受让该专利，用于新产线，希望尽快签约。"
    )
    licensing.version_propose(
        user=agent,
        inquiry=inquiry,
        terms={
            "fee_model": "staged",
            "start": start.isoformat(),
            "end": add_months(start, 12).isoformat(),
            **terms,
        },
        note="按挂牌条件受让。",
    )
    if state == "negotiating":
        return
    deal = licensing.version_accept(user=editor, inquiry=inquiry, number=1)
    deal = licensing.licence_activate(
        user=editor,
        licence=deal,
        signed_on=today - dt.timedelta(days=signed_ago),
        signed_pdf=_pdf("技术转让合同（签署版）.pdf"),
    )
    licensing.payment_record(
        user=editor,
        licence=deal,
        amount="200000",
        paid_on=min(start + dt.timedelta(days=12), today),
        ref="转让价款首付",
    )
    if state == "paid":
        licensing.payment_record(
            user=editor,
            licence=deal,
            amount="300000",
            paid_on=start + dt.timedelta(days=85),
            ref="转让价款尾款",
        )


def _equity(
    editor: User, agent: User, achievement: Achievement, state: str, today: dt.date, n: int
) -> None:
    start_ago, signed_ago = HISTORY.get(state, (0, 0))
    start = today - dt.timedelta(days=start_ago) if start_ago else today
    valuation = 800_000 + 200_000 * n
    terms: dict[str, Any] = {
        "company_name": COMPANIES[n % len(COMPANIES)],
        "company_uscc": make_uscc(f"91530100MA6K0DL{n:02d}"),
        "valuation_amount": str(valuation),
        "shares": str(400_000 + 100_000 * n),
        "share_percent": "0.2",
        "evaluation_report": {
            "appraiser": "云南正和资产评估有限公司",
            "number": f"云正评报字〔{today.year}〕第 {n + 11:03d} 号",
            "base_date": (today - dt.timedelta(days=start_ago + 60)).isoformat(),
        },
    }
    _consented(editor, achievement, "equity_contribution")
    offer = licensing.offer_publish(
        user=editor,
        achievement=achievement,
        data={
            "deal_kind": "equity_contribution",
            "summary": f"以“{achievement.title[:60]}”作价向合作企业出资，单位持有股权。",
            "fee_standard": f"评估作价 {valuation // 10_000} 万元，取得 20% 股权。",
            "terms": terms,
        },
        evaluation_report=_pdf("资产评估报告.pdf"),
    )
    if state == "listed":
        return
    inquiry = licensing.inquiry_open(
        user=agent, offer=offer, message="我司愿作为被投资企业的发起股东承接作价投资。"
    )
    licensing.version_propose(
        user=agent, inquiry=inquiry, terms={**terms, "start": start.isoformat()}
    )
    if state == "negotiating":
        return
    deal = licensing.version_accept(user=editor, inquiry=inquiry, number=1)
    deal = licensing.licence_activate(
        user=editor,
        licence=deal,
        signed_on=today - dt.timedelta(days=signed_ago),
        signed_pdf=_pdf("作价投资协议（签署版）.pdf"),
    )
    if state == "paid":  # for equity: the shares registered after the 工商变更登记
        licensing.share_register(
            user=editor, licence=deal, registered_on=today - dt.timedelta(days=150)
        )


def load_deals(
    *, today: dt.date, orgs: dict[str, Organisation], users: dict[str, Any]
) -> dict[str, int]:
    """Assignment and equity deals in each state; the 先用后转 list updated after them."""
    used: set[int] = set()
    for i, state in enumerate(STATES):
        editor_name, agent_name = PARTIES[state]
        agent = users[agent_name]
        picked = _pick(users, orgs, editor_name, used)
        if picked is not None:
            _assignment(picked[0], agent, picked[1], state, today)
        picked = _pick(users, orgs, editor_name, used)
        if picked is not None:
            _equity(picked[0], agent, picked[1], state, today, i)
    transfer.use_first_list_update(today=today)  # the signed deals leave the list
    return {
        "assignments": Licence.objects.filter(deal_kind="assignment").count(),
        "equity": Licence.objects.filter(deal_kind="equity_contribution").count(),
    }


def deals_delete(orgs: Any) -> None:
    """What the processes' delete cannot (it protects): shares and evaluation reports."""
    ShareRegistration.objects.filter(
        Q(licence__licensor__in=orgs) | Q(licence__licensee__in=orgs)
    ).delete()
    EvaluationReport.objects.filter(offer__achievement__owner__in=orgs).delete()
