"""Cover that pays (issue 20.5, guide article 7(2)): a claim on an overdue obligation, the
guarantor's or insurer's decision, and the payout as a payment to the plan.

The licensor opens a claim on any overdue obligation of a covered licence (not only after the
90-day default-risk alert, which still opens claims by itself, ``services.claims_open_for_alert``).
The provider decides: it pays — at most what the obligation still has overdue, its share of that,
and what is left of its limit — or declines with its reason. A payout is a ``Payment`` of the
licence with the provider as ``payer``: the engine allocates it oldest-due first like any
payment, so the claim shows what the payout actually covered (``claim_coverage``).

Lock order: the licence row, then the cover, then the claim (as ``payment_record``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from zhuanhua.accounts.choices import Role
from zhuanhua.accounts.http import Visitor
from zhuanhua.accounts.models import User
from zhuanhua.audit.services import audit_record
from zhuanhua.core.inputs import clean_date, clean_money
from zhuanhua.core.labels import yuan
from zhuanhua.engines import licensing as engine
from zhuanhua.licensing import notices, selectors
from zhuanhua.licensing import terms as terms_mod
from zhuanhua.licensing.choices import SIGNED_LICENCE_STATES, ClaimStatus, Side
from zhuanhua.licensing.models import Licence, Payment, RiskClaim, RiskCover
from zhuanhua.licensing.services import is_cover_provider, is_licensor_editor
from zhuanhua.notifications.choices import NotificationKind
from zhuanhua.notifications.services import notify

ERR_NOT_CLAIMANT = "只有许可方的成果管理员或机构管理员可以发起理赔"
ERR_LICENCE_NOT_SIGNED = "许可合同尚未签订，不能发起理赔"
ERR_COVER_NOT_IN_FORCE = "该保障在 {on} 不在保障期内（{starts} 至 {ends}）"
ERR_NOT_OVERDUE = "所选义务当前未逾期，不能发起理赔"
ERR_CLAIM_OPEN = "该义务已有待处理的理赔"
ERR_NOT_CLAIM_HANDLER = "只有提供该保障的机构管理员可以处理理赔"
ERR_CLAIM_DECIDED = "该理赔已处理"
ERR_DECISION = "请选择“赔付”或“不予赔付”"
ERR_RESOLUTION_EMPTY = "请填写处理意见"
ERR_PAYOUT_POSITIVE = "赔付金额必须大于 0"
ERR_PAYOUT_ABOVE_OVERDUE = "赔付金额（{amount} 元）超过该义务当前逾期未付的金额（{overdue} 元）"
ERR_PAYOUT_ABOVE_SHARE = "赔付金额（{amount} 元）超过按分担比例（{share}%）计算的上限（{cap} 元）"
ERR_PAYOUT_ABOVE_LIMIT = "赔付金额（{amount} 元）超过保障限额的剩余额度（{left} 元）"
ERR_PAYOUT_DATE = "赔付日期不能早于发起理赔的日期，也不能晚于今天"

DECISION_PAY = "pay"
DECISION_REJECT = "reject"
DECISIONS = {DECISION_PAY: "赔付", DECISION_REJECT: "不予赔付"}
CENT = Decimal("0.01")


def obligation_ref(o: engine.Obligation) -> str:
    """An obligation's name in the plan, as alerts name it: the installment's key (the upfront
    fee's is ``engine.UPFRONT_KEY``) or a royalty period's start."""
    if o.key:
        return o.key
    return o.period_start.isoformat() if o.period_start else ""


def obligation_words(o: engine.Obligation) -> str:
    if o.kind == engine.UPFRONT:
        return "门槛费"
    if o.kind == engine.ROYALTY:
        return f"收入提成（{o.period_start} 至 {o.period_end}）"
    return f"阶段性支付“{o.key}”"


def overdue_obligations(licence: Licence, as_of: dt.date) -> list[engine.Obligation]:
    """The plan's overdue lines on ``as_of``: what a claim may be opened on."""
    schedule = selectors.licence_schedule(licence, as_of)
    return [o for o in schedule.obligations if o.status == engine.OVERDUE and o.outstanding]


def _overdue_line(licence: Licence, ref: str, as_of: dt.date) -> engine.Obligation | None:
    for o in overdue_obligations(licence, as_of):
        if obligation_ref(o) == ref:
            return o
    return None


def claim_state(claim: RiskClaim) -> dict[str, Any]:
    return {
        "cover": claim.cover_id,
        "status": claim.status,
        "obligation_ref": claim.obligation_ref,
        "overdue_amount": None if claim.overdue_amount is None else str(claim.overdue_amount),
        "payout_amount": None if claim.payout_amount is None else str(claim.payout_amount),
        "payment": claim.payment_id,
        "resolution": claim.resolution,
    }


def _provider_admins(cover: RiskCover) -> list[User]:
    people = User.objects.filter(organisation_id=cover.provider_id, is_active=True)
    return [u for u in people.order_by("pk") if u.has_role(Role.ORG_ADMIN)]


def claim_open(
    *, user: User, cover: RiskCover, obligation_ref: str, today: dt.date | None = None
) -> RiskClaim:
    """The licensor claims on ``cover`` for one overdue obligation of the licence (named by its
    ref in the plan); the provider's administrators and the licensee are told."""
    today = today or timezone.localdate()
    if not is_licensor_editor(user, cover.licence.licensor_id):
        raise PermissionDenied(ERR_NOT_CLAIMANT)
    with transaction.atomic():
        licence = Licence.objects.select_for_update().get(pk=cover.licence_id)
        locked = RiskCover.objects.select_for_update().select_related("provider").get(pk=cover.pk)
        if licence.status not in SIGNED_LICENCE_STATES:
            raise ValidationError({"licence": [ERR_LICENCE_NOT_SIGNED]})
        if not locked.starts_on <= today <= locked.ends_on:
            raise ValidationError(
                {
                    "cover": [
                        ERR_COVER_NOT_IN_FORCE.format(
                            on=today, starts=locked.starts_on, ends=locked.ends_on
                        )
                    ]
                }
            )
        line = _overdue_line(licence, obligation_ref, today)
        if line is None:
            raise ValidationError({"obligation_ref": [ERR_NOT_OVERDUE]})
        if RiskClaim.objects.filter(
            cover=locked, obligation_ref=obligation_ref, status=ClaimStatus.OPEN
        ).exists():
            raise ValidationError({"obligation_ref": [ERR_CLAIM_OPEN]})
        claim = RiskClaim.objects.create(
            cover=locked,
            obligation_ref=obligation_ref,
            obligation_label=obligation_words(line)[:200],
            overdue_amount=line.outstanding,
            opened_on=today,
            opened_by=user,
        )
        audit_record(actor=user, obj=claim, action="licence.claim_open", after=claim_state(claim))
        what = f"{obligation_words(line)}逾期未付 {yuan(line.outstanding)} 元"
        title = f"理赔申请：{licence.achievement.title}"
        body = (
            f"{licence.licensor.name} 就许可编号 {licence.pk}（被许可方 {licence.licensee.name}）"
            f"向 {locked.provider.name} 发起{locked.get_kind_display()}理赔：{what}。"
        )
        notify(
            users=_provider_admins(locked),
            kind=NotificationKind.LICENCE_ALERT,
            title=title,
            body=body + "请在平台记录处理结果。",
            url="/licensing/covers/",
        )
        notify(
            users=notices.side_people(licence.licensee_id, Side.LICENSEE),
            kind=NotificationKind.LICENCE_ALERT,
            title=title,
            body=body,
            url=f"/licensing/licences/{licence.pk}/",
        )
    return claim


def _cap(amount: Decimal, share: Decimal) -> Decimal:
    return (amount * share).quantize(CENT, rounding=ROUND_HALF_UP)


def paid_out(cover: RiskCover, *, exclude: RiskClaim | None = None) -> Decimal:
    qs = cover.claims.filter(status=ClaimStatus.PAID)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.aggregate(total=Sum("payout_amount"))["total"] or Decimal("0.00")


def claim_decide(
    *,
    user: User,
    claim: RiskClaim,
    decision: str,
    resolution: str,
    payout_amount: Any = None,
    paid_on: Any = None,
    today: dt.date | None = None,
) -> RiskClaim:
    """The provider pays the claim (a payment to the plan with itself as payer) or declines it.

    A payout is at most what the obligation still has overdue on the decision day, the cover's
    share of that, and the cover's limit less its earlier payouts.
    """
    today = today or timezone.localdate()
    if not is_cover_provider(user, claim.cover.provider_id):
        raise PermissionDenied(ERR_NOT_CLAIM_HANDLER)
    errors: dict[str, list[str]] = {}
    if decision not in DECISIONS:
        errors["decision"] = [ERR_DECISION]
    resolution = (resolution or "").strip()[:5000]
    if not resolution:
        errors["resolution"] = [ERR_RESOLUTION_EMPTY]
    amount = Decimal("0.00")
    day = today
    if decision == DECISION_PAY:
        try:
            amount = clean_money(payout_amount, "payout_amount") or Decimal("0.00")
        except ValidationError as exc:
            errors.update(exc.message_dict)
        else:
            if amount <= 0:
                errors["payout_amount"] = [ERR_PAYOUT_POSITIVE]
        if paid_on not in (None, ""):
            try:
                day = clean_date(paid_on, "paid_on") or today
            except ValidationError as exc:
                errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        licence = Licence.objects.select_for_update().get(pk=claim.cover.licence_id)
        cover = RiskCover.objects.select_for_update().get(pk=claim.cover_id)
        locked = RiskClaim.objects.select_for_update().get(pk=claim.pk)
        if locked.status != ClaimStatus.OPEN:
            raise ValidationError({"status": [ERR_CLAIM_DECIDED]})
        before = claim_state(locked)
        payment = None
        if decision == DECISION_PAY:
            if not locked.opened_on <= day <= today:
                raise ValidationError({"paid_on": [ERR_PAYOUT_DATE]})
            payment = _pay(
                user=user, licence=licence, cover=cover, claim=locked, amount=amount, day=day
            )
            locked.status = ClaimStatus.PAID
            locked.payout_amount = amount
            locked.payment = payment
        else:
            locked.status = ClaimStatus.REJECTED
        locked.handled_on = today
        locked.handled_by = user
        locked.resolution = resolution
        locked.save(
            update_fields=[
                "status",
                "payout_amount",
                "payment",
                "handled_on",
                "handled_by",
                "resolution",
            ]
        )
        audit_record(
            actor=user,
            obj=locked,
            action="licence.claim_decide",
            before=before,
            after=claim_state(locked),
            detail={"decision": decision},
        )
        _notify_decision(licence=licence, cover=cover, claim=locked)
    return locked


def _pay(
    *,
    user: User,
    licence: Licence,
    cover: RiskCover,
    claim: RiskClaim,
    amount: Decimal,
    day: dt.date,
) -> Payment:
    """Check the payout against the overdue amount, the share and the limit; record it."""
    line = _overdue_line(licence, claim.obligation_ref, day)
    overdue = line.outstanding if line is not None and line.outstanding else Decimal("0.00")
    if amount > overdue:
        raise ValidationError(
            {
                "payout_amount": [
                    ERR_PAYOUT_ABOVE_OVERDUE.format(amount=yuan(amount), overdue=yuan(overdue))
                ]
            }
        )
    cap = _cap(overdue, cover.share)
    if amount > cap:
        share = (cover.share * 100).normalize()
        raise ValidationError(
            {
                "payout_amount": [
                    ERR_PAYOUT_ABOVE_SHARE.format(
                        amount=yuan(amount), share=f"{share:f}", cap=yuan(cap)
                    )
                ]
            }
        )
    left = cover.limit_amount - paid_out(cover, exclude=claim)
    if amount > left:
        raise ValidationError(
            {"payout_amount": [ERR_PAYOUT_ABOVE_LIMIT.format(amount=yuan(amount), left=yuan(left))]}
        )
    payment = Payment.objects.create(
        licence=licence,
        amount=amount,
        paid_on=day,
        ref=f"理赔#{claim.pk}",
        payer_id=cover.provider_id,
        recorded_by=user,
    )
    audit_record(
        actor=user,
        obj=payment,
        action="licence.payment",
        after={
            "licence": licence.pk,
            "amount": str(amount),
            "paid_on": day.isoformat(),
            "ref": payment.ref,
            "payer": cover.provider_id,
        },
        detail={"claim": claim.pk},
    )
    return payment


def _notify_decision(*, licence: Licence, cover: RiskCover, claim: RiskClaim) -> None:
    if claim.status == ClaimStatus.PAID:
        title = f"理赔已赔付：{licence.achievement.title}"
        body = (
            f"{cover.provider.name} 就 {claim.obligation_label} 赔付 {yuan(claim.payout_amount)} 元，"
            f"已作为付款记入许可编号 {licence.pk} 的付款计划（付款方：{cover.provider.name}）。"
        )
    else:
        title = f"理赔不予赔付：{licence.achievement.title}"
        body = (
            f"{cover.provider.name} 对 {claim.obligation_label} 的理赔不予赔付：{claim.resolution}"
        )
    people = notices.side_people(licence.licensor_id, Side.LICENSOR) + notices.side_people(
        licence.licensee_id, Side.LICENSEE
    )
    notify(
        users=people,
        kind=NotificationKind.LICENCE_ALERT,
        title=title,
        body=body,
        url=f"/licensing/licences/{licence.pk}/",
    )


# --------------------------------------------------------------------------------------------
# Reads


@dataclass
class Covered:
    label: str
    amount: Decimal


def claim_coverage(claim: RiskClaim, as_of: dt.date | None = None) -> list[Covered]:
    """What the payout paid, oldest-due first: each obligation's paid amount with every payment
    against the same without this payout (payments pool in the engine; the payout counts last)."""
    if claim.payment_id is None:
        return []
    licence = claim.cover.licence
    as_of = as_of or timezone.localdate()
    with_payout = selectors.licence_schedule(licence, as_of)
    contract_payments = [p for p in licence.payments.all() if p.pk != claim.payment_id]
    from_terms = licence_schedule_without(licence, as_of, contract_payments)
    out = []
    for a, b in zip(with_payout.obligations, from_terms.obligations, strict=True):
        if a.paid > b.paid:
            out.append(Covered(obligation_words(a), a.paid - b.paid))
    return out


def licence_schedule_without(
    licence: Licence, as_of: dt.date, payments: list[Payment]
) -> engine.Schedule:
    """The licence's schedule with only ``payments`` (the rest as ``licence_schedule``)."""
    contract = terms_mod.licence_contract(licence.pk, selectors.licence_terms(licence))
    reports = selectors.engine_reports(list(licence.revenue_reports.all()))
    milestones = [engine.Milestone(m.key, m.achieved_on) for m in licence.milestones.all()]
    paid = [engine.Payment(p.paid_on, p.amount, p.ref or None, p.reversed_on) for p in payments]
    return engine.compute_schedule(contract, milestones, reports, paid, as_of)


@dataclass
class Exposure:
    cover: RiskCover
    claims: int
    open_claims: int
    paid_out: Decimal

    @property
    def left(self) -> Decimal:
        return self.cover.limit_amount - self.paid_out


def provider_exposure(user: Visitor) -> tuple[list[Exposure], dict[str, Any]]:
    """A guarantor's or insurer's covers with their claims and payouts, and the totals."""
    if not user.is_authenticated or not user.organisation_id:
        return [], {}
    covers: QuerySet[RiskCover] = (
        RiskCover.objects.filter(provider_id=user.organisation_id)
        .select_related("licence", "licence__achievement", "licence__licensor", "licence__licensee")
        .annotate(
            n_claims=Count("claims"),
            n_open=Count("claims", filter=Q(claims__status=ClaimStatus.OPEN)),
            payouts=Sum("claims__payout_amount", filter=Q(claims__status=ClaimStatus.PAID)),
        )
        .order_by("starts_on", "id")
    )
    rows = [
        Exposure(
            cover=c,
            claims=c.n_claims,  # type: ignore[attr-defined]
            open_claims=c.n_open,  # type: ignore[attr-defined]
            paid_out=c.payouts or Decimal("0.00"),  # type: ignore[attr-defined]
        )
        for c in covers
    ]
    totals = {
        "covered": sum((r.cover.limit_amount for r in rows), Decimal("0.00")),
        "claims": sum(r.claims for r in rows),
        "open_claims": sum(r.open_claims for r in rows),
        "paid_out": sum((r.paid_out for r in rows), Decimal("0.00")),
    }
    return rows, totals
