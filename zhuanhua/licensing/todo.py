"""What waits for a person in 先使用后付费 deals (the workbench's "需要处理"): each a Chinese label,
a count and where to act. Counted, not listed: a few COUNT queries per workbench visit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery

from zhuanhua.accounts.http import Visitor
from zhuanhua.engines import licensing as engine
from zhuanhua.licensing.choices import InquiryStatus, LicenceStatus, Side
from zhuanhua.licensing.models import Inquiry, Licence, RevenueReport, TermVersion
from zhuanhua.licensing.notices import report_due_on
from zhuanhua.licensing.selectors import unregistered_contracts
from zhuanhua.licensing.services import is_licensee_agent

MINE_URL = "/licensing/"  # licensing:mine, where both sides see their inquiries and licences


def _open_with_last_side(**where: int) -> QuerySet[Inquiry]:
    last_side = TermVersion.objects.filter(inquiry=OuterRef("pk")).order_by("-number")
    return Inquiry.objects.filter(status=InquiryStatus.OPEN, **where).annotate(
        last_side=Subquery(last_side.values("side")[:1])
    )


def reports_waiting(org_id: int, today: dt.date) -> int:
    """Ended royalty periods of the licensee's active licences with no revenue report yet."""
    licences = Licence.objects.filter(licensee_id=org_id, status=LicenceStatus.ACTIVE).only(
        "id", "terms", "start", "end"
    )
    reported = set(
        RevenueReport.objects.filter(licence__in=licences).values_list("licence_id", "period_start")
    )
    waiting = 0
    for licence in licences:
        royalty = licence.terms.get("royalty")
        if not royalty:
            continue
        for start, end in engine.royalty_periods(licence.start, licence.end, royalty["period"]):
            if end < today and (licence.pk, start) not in reported:
                waiting += 1
    return waiting


def waiting_for(user: Visitor, today: dt.date) -> list[tuple[str, int, str]]:
    """(label, count, url) of each licensing task waiting for ``user``'s side; zero counts
    are left out."""
    if not user.is_authenticated or user.organisation_id is None:
        return []
    org_id = user.organisation_id
    items: list[tuple[str, int, str]] = []
    if user.can_edit_achievements:
        answer = _open_with_last_side(licensor_id=org_id).filter(
            Q(last_side=Side.LICENSEE) | Q(last_side__isnull=True)
        )
        items += [
            ("承接意向与条款待回应", answer.count(), MINE_URL),
            (
                "许可合同待登记签订",
                Licence.objects.filter(
                    licensor_id=org_id, status=LicenceStatus.DRAFT_CONTRACT
                ).count(),
                MINE_URL,
            ),
            ("技术合同待认定登记", unregistered_contracts(org_id).count(), MINE_URL),
        ]
    if is_licensee_agent(user, org_id):
        answer = _open_with_last_side(licensee_id=org_id).filter(Q(last_side=Side.LICENSOR))
        items += [
            ("许可方条款待确认", answer.count(), MINE_URL),
            ("收入报告待报送", reports_waiting(org_id, today), MINE_URL),
        ]
    return [item for item in items if item[1]]


@dataclass(frozen=True)
class NextReport:
    """The licensee's next revenue report: the first royalty period without one."""

    period_start: dt.date
    period_end: dt.date
    opens_on: dt.date  # the day after the period ends: the form is offered from then
    due_on: dt.date  # the last day before the report counts as missing
    is_open: bool
    is_late: bool


def next_report(licence: Licence, today: dt.date) -> NextReport | None:
    """When the licence's next revenue report opens and falls due (None without royalties or
    once every period is reported)."""
    royalty = licence.terms.get("royalty")
    if not royalty:
        return None
    reported = set(licence.revenue_reports.values_list("period_start", flat=True))
    for start, end in engine.royalty_periods(licence.start, licence.end, royalty["period"]):
        if start in reported:
            continue
        due = report_due_on(licence, end)
        return NextReport(
            start, end, end + dt.timedelta(days=1), due, is_open=end < today, is_late=due < today
        )
    return None
