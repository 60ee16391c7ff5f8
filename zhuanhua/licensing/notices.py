"""Who is told what in a 先使用后付费 deal.

Every step one side takes is told to the other side's people who act on it — the licensor's
成果管理员 and 机构管理员, the licensee's 被许可方经办人 and 机构管理员 — never to the person who took
it. The services call these functions inside their transaction: the centre's message is written
with the step and its e-mail leaves after commit (``notifications.services.notify``), so a
refused or rolled-back step tells nobody.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from zhuanhua.accounts.choices import ACHIEVEMENT_EDITOR_ROLES, Role
from zhuanhua.accounts.models import User
from zhuanhua.core.labels import percent, yuan
from zhuanhua.engines.licensing import DEFAULT_REPORT_WITHIN_DAYS
from zhuanhua.licensing.choices import DEAL_WORDS, LICENSEE_ROLES, DealKind, Side
from zhuanhua.licensing.models import (
    ContractRegistration,
    Inquiry,
    Licence,
    Message,
    Payment,
    RevenueReport,
    ShareRegistration,
    TermVersion,
)
from zhuanhua.notifications.choices import NotificationKind
from zhuanhua.notifications.models import Notification
from zhuanhua.notifications.services import notify

SIDE_ROLES: dict[str, set[Role]] = {
    Side.LICENSOR: ACHIEVEMENT_EDITOR_ROLES,
    Side.LICENSEE: LICENSEE_ROLES,
}


@dataclass(frozen=True)
class _Held:
    users: tuple[User, ...]
    kind: str
    title: str
    body: str
    url: str
    batch_title: str  # the title of n such messages told as one: "{n}" is replaced (not
    # str.format: an achievement's title may hold braces)


# The messages a bulk service (an Excel import) would send row by row, gathered to be told once.
_HELD: ContextVar[list[_Held] | None] = ContextVar("licensing_notices_held", default=None)
_F = TypeVar("_F", bound=Callable[..., Any])


def one_message_per_batch(func: _F) -> _F:
    """Decorate a bulk service: each person is told once about all its rows (forty imported
    payments are one message listing them, not forty). A refused batch records nothing and so
    tells nobody."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = _HELD.set([])
        try:
            result = func(*args, **kwargs)
            held = _HELD.get() or []
        finally:
            _HELD.reset(token)
        _flush(held)
        return result

    return wrapper  # type: ignore[return-value]


def _flush(held: list[_Held]) -> None:
    groups: dict[tuple[Any, ...], list[_Held]] = {}
    for h in held:
        key = (h.kind, h.url, h.batch_title, tuple(u.pk for u in h.users))
        groups.setdefault(key, []).append(h)
    for items in groups.values():
        first = items[0]
        title = (
            first.title if len(items) == 1 else first.batch_title.replace("{n}", str(len(items)))
        )
        body = "\n".join(h.body for h in items)
        notify(users=first.users, kind=first.kind, title=title, body=body, url=first.url)


def side_people(org_id: int, side: str, *, exclude: User | None = None) -> list[User]:
    """The active members of ``org_id`` who act for it on ``side`` of a deal."""
    roles = SIDE_ROLES[side]
    people = User.objects.filter(organisation_id=org_id, is_active=True).order_by("pk")
    if exclude is not None:
        people = people.exclude(pk=exclude.pk)
    return [u for u in people if u.has_role(*roles)]


def _other(side: str) -> str:
    return Side.LICENSEE if side == Side.LICENSOR else Side.LICENSOR


def _inquiry_url(inquiry: Inquiry) -> str:
    return f"/licensing/inquiries/{inquiry.pk}/"


def _licence_url(licence: Licence) -> str:
    return f"/licensing/licences/{licence.pk}/"


def _org_of(inquiry: Inquiry | Licence, side: str) -> int:
    return inquiry.licensor_id if side == Side.LICENSOR else inquiry.licensee_id


def _tell(
    *,
    deal: Inquiry | Licence,
    side: str,
    actor: User | None,
    title: str,
    body: str,
    url: str,
    kind: str = NotificationKind.LICENCE,
    batch_title: str = "",
) -> list[Notification]:
    users = side_people(_org_of(deal, side), side, exclude=actor)
    held = _HELD.get()
    if held is not None:
        held.append(_Held(tuple(users), kind, title, body, url, batch_title or title))
        return []
    return notify(users=users, kind=kind, title=title, body=body, url=url)


# How a taker takes the achievement, per deal kind (the new-inquiry notice).
_HOW: dict[str, str] = {
    DealKind.LICENSE: "先使用后付费",
    DealKind.ASSIGNMENT: "转让",
    DealKind.EQUITY_CONTRIBUTION: "作价投资",
}


def inquiry_opened(*, inquiry: Inquiry, actor: User, message: str) -> None:
    """A new 承接意向: the licensor's editors."""
    title = inquiry.offer.achievement.title
    how = _HOW.get(inquiry.offer.deal_kind, _HOW[DealKind.LICENSE])
    body = f"{inquiry.licensee.name}希望以{how}方式承接“{title}”。"
    if message.strip():
        body += f"\n留言：{message.strip()}"
    _tell(
        deal=inquiry,
        side=Side.LICENSOR,
        actor=actor,
        title=f"新的承接意向：{title}",
        body=body,
        url=_inquiry_url(inquiry),
    )


def message_posted(*, message: Message) -> None:
    """A message in the negotiation: the other side."""
    inquiry = message.inquiry
    sender = inquiry.licensor if message.side == Side.LICENSOR else inquiry.licensee
    _tell(
        deal=inquiry,
        side=_other(message.side),
        actor=message.author,
        title=f"商洽新消息：{inquiry.offer.achievement.title}",
        body=f"{sender.name}：{message.body[:500]}",
        url=_inquiry_url(inquiry),
    )


def version_proposed(*, version: TermVersion) -> None:
    """A new version of the terms: the other side, who may accept it or answer with another."""
    inquiry = version.inquiry
    proposer = inquiry.licensor if version.side == Side.LICENSOR else inquiry.licensee
    body = (
        f"{proposer.name}提出了第 {version.number} 版条款，请查看与上一版的差异后接受或提出新版本。"
    )
    if version.note:
        body += f"\n说明：{version.note}"
    _tell(
        deal=inquiry,
        side=_other(version.side),
        actor=version.proposed_by,
        title=f"第 {version.number} 版条款待确认：{inquiry.offer.achievement.title}",
        body=body,
        url=_inquiry_url(inquiry),
    )


def version_accepted(*, licence: Licence, actor: User, side: str) -> None:
    """The other side's version was accepted: the licence is drafted and ready to sign."""
    version = licence.accepted_version
    title = licence.achievement.title
    acceptor = licence.licensor if side == Side.LICENSOR else licence.licensee
    w = DEAL_WORDS.get(licence.deal_kind, DEAL_WORDS[DealKind.LICENSE])
    contract = "许可合同" if licence.deal_kind == DealKind.LICENSE else w["contract"]
    _tell(
        deal=licence,
        side=_other(side),
        actor=actor,
        title=f"第 {version.number} 版条款已被接受，{contract}待签：{title}",
        body=(
            f"{acceptor.name}接受了第 {version.number} 版条款，商洽结束。"
            f"请下载{contract}文本，双方线下签字盖章后，由{w['grantor']}在平台登记签订并上传扫描件。"
        ),
        url=_licence_url(licence),
    )


def inquiry_withdrawn(*, inquiry: Inquiry, actor: User, side: str, reason: str) -> None:
    """A side withdrew from the negotiation (its pending version falls with it)."""
    who = inquiry.licensor if side == Side.LICENSOR else inquiry.licensee
    body = f"{who.name}撤回了本次商洽，未接受的条款版本随之失效。"
    if reason.strip():
        body += f"\n原因：{reason.strip()}"
    _tell(
        deal=inquiry,
        side=_other(side),
        actor=actor,
        title=f"商洽已撤回：{inquiry.offer.achievement.title}",
        body=body,
        url=_inquiry_url(inquiry),
    )


_AFTER_SIGNING: dict[str, str] = {
    DealKind.LICENSE: "付款计划自此生效，请按计划付款并按期报送收入。",
    DealKind.ASSIGNMENT: "成果权利自此转让，请按约定支付转让价款。",
    DealKind.EQUITY_CONTRIBUTION: "请办理工商变更登记，出资方登记股权后将通知贵方。",
}


def licence_signed(*, licence: Licence, actor: User) -> None:
    """The licensor recorded the signed contract: the licensee's plan is now in force."""
    assert licence.signed_on is not None
    kind = licence.deal_kind
    contract = "许可合同" if kind == DealKind.LICENSE else DEAL_WORDS[kind]["contract"]
    after = _AFTER_SIGNING.get(kind, "")
    _tell(
        deal=licence,
        side=Side.LICENSEE,
        actor=actor,
        title=f"{contract}已签订：{licence.achievement.title}",
        body=(f"{licence.licensor.name}已登记合同签订（{licence.signed_on:%Y-%m-%d}），{after}"),
        url=_licence_url(licence),
    )


def licence_registered(*, registration: ContractRegistration, actor: User) -> None:
    """The contract's 认定登记 was recorded by the licensor."""
    licence = registration.licence
    _tell(
        deal=licence,
        side=Side.LICENSEE,
        actor=actor,
        title=f"技术合同已认定登记：{licence.achievement.title}",
        body=(
            f"登记编号 {registration.registration_number}（{registration.registry}，"
            f"{registration.registered_on:%Y-%m-%d}），成交额 "
            f"{yuan(registration.transaction_amount)} 元。"
        ),
        url=_licence_url(licence),
    )


def shares_registered(*, registration: ShareRegistration, actor: User) -> None:
    """The unit recorded the shares of an equity deal (工商变更登记): the company's people."""
    licence = registration.licence
    _tell(
        deal=licence,
        side=Side.LICENSEE,
        actor=actor,
        title=f"作价投资股权已登记：{licence.achievement.title}",
        body=(
            f"{licence.licensor.name}登记了 {registration.company_name} 的股权："
            f"{yuan(registration.shares)} 股（{percent(registration.share_percent)}），"
            f"工商变更登记日期 {registration.registered_on:%Y-%m-%d}。"
        ),
        url=_licence_url(licence),
    )


def report_filed(*, report: RevenueReport, actor: User) -> None:
    """The licensee reported a period's revenue: the licensor sees the royalty it gives."""
    licence = report.licence
    _tell(
        deal=licence,
        side=Side.LICENSOR,
        actor=actor,
        title=f"收到收入报告：{licence.achievement.title}",
        batch_title=f"收到 {{n}} 份收入报告：{licence.achievement.title}",
        body=(
            f"{licence.licensee.name}报送了 {report.period_start:%Y-%m-%d} 至 "
            f"{report.period_end:%Y-%m-%d} 的收入 {yuan(report.revenue_amount)} 元，"
            "提成金额见付款计划。"
        ),
        url=_licence_url(licence),
    )


def payment_recorded(*, payment: Payment, actor: User) -> None:
    """The licensor recorded money received: the licensee checks it against its own books."""
    licence = payment.licence
    ref = f"（凭证号 {payment.ref}）" if payment.ref else ""
    _tell(
        deal=licence,
        side=Side.LICENSEE,
        actor=actor,
        title=f"许可方已登记到账 {yuan(payment.amount)} 元：{licence.achievement.title}",
        batch_title=f"许可方已登记 {{n}} 笔到账：{licence.achievement.title}",
        body=(
            f"{licence.licensor.name}登记了 {payment.paid_on:%Y-%m-%d} 到账 "
            f"{yuan(payment.amount)} 元{ref}。如有异议请联系许可方。"
        ),
        url=_licence_url(licence),
    )


def alert_raised(*, licence: Licence, title: str, body: str) -> list[Notification]:
    """A daily alert of the plan (report due or missing, overdue, default risk): both sides."""
    sent: list[Notification] = []
    for side in (Side.LICENSOR, Side.LICENSEE):
        sent += _tell(
            deal=licence,
            side=side,
            actor=None,
            title=title,
            body=body,
            url=_licence_url(licence),
            kind=NotificationKind.LICENCE_ALERT,
        )
    return sent


def provider_told(*, org_ids: Iterable[int], title: str, body: str, url: str) -> None:
    """A cover provider's administrators (they handle the claim)."""
    people = User.objects.filter(organisation_id__in=list(org_ids), is_active=True)
    notify(
        users=[u for u in people.order_by("pk") if u.has_role(Role.ORG_ADMIN)],
        kind=NotificationKind.LICENCE_ALERT,
        title=title,
        body=body,
        url=url,
    )


def report_due_on(licence: Licence, period_end: dt.date) -> dt.date:
    """The last day the licensee may report a period's revenue without it counting missing."""
    royalty = licence.terms.get("royalty") or {}
    days = royalty.get("report_within_days", DEFAULT_REPORT_WITHIN_DAYS)
    return period_end + dt.timedelta(days=int(days))
