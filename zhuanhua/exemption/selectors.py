"""Reads of exemption cases and unit rules, and who sees what.

A case is seen by the unit's case handlers (机构管理员 of the unit), by the people concerned (their
own parts only) and by the department (reviewers, auditors, platform admins). Everyone else gets
a 404, on pages and in the API.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from django.db.models import Q, QuerySet

from zhuanhua.accounts import scope
from zhuanhua.accounts.choices import Role
from zhuanhua.accounts.http import Visitor
from zhuanhua.accounts.models import User
from zhuanhua.engines import periods
from zhuanhua.engines.exemption import load_articles
from zhuanhua.exemption.choices import RulesKind, Stance
from zhuanhua.exemption.models import CasePerson, CaseRecord, ExemptionCase, UnitRules

WARN_NO_RULES = "本单位尚未登记经集体民主决策审议通过的尽职免责制度（指引第十一条），认定依据不完整"
WARN_RULES_NOT_PUBLICISED = "本单位的尽职免责制度尚未完成公示（指引第十一条）"


def _active(user: Visitor) -> TypeGuard[User]:
    return bool(user.is_authenticated and user.is_active)


def is_department(user: Visitor) -> bool:
    return _active(user) and (user.is_reviewer or user.is_auditor or user.is_platform_admin)


def is_handler(user: Visitor, unit_id: int | None = None) -> bool:
    """A case handler: the 机构管理员 of an approved unit (of `unit_id` if given)."""
    if not _active(user) or user.organisation_id is None or not user.has_role(Role.ORG_ADMIN):
        return False
    if user.organisation is None or not user.organisation.is_approved:
        return False
    return unit_id is None or user.organisation_id == unit_id


@dataclass(frozen=True)
class Access:
    """What one user may see of one case."""

    full: bool  # handler or department: the whole case
    handler: bool  # may write
    person_ids: frozenset[int] = field(default_factory=frozenset)  # own parts of a person concerned

    def sees_person(self, person: CasePerson) -> bool:
        return self.full or person.pk in self.person_ids

    def sees_record(self, record: CaseRecord) -> bool:
        return self.full or (record.person_id is not None and record.person_id in self.person_ids)


def is_supervising(user: Visitor) -> bool:
    """A supervising department's reviewer (主管部门): reads the cases of its own units."""
    return _active(user) and scope.is_supervising_reviewer(user)


def case_visible_to(user: User) -> QuerySet[ExemptionCase]:
    if not _active(user):
        return ExemptionCase.objects.none()
    if is_department(user):
        return ExemptionCase.objects.all()
    condition = Q(persons__user=user)
    if is_handler(user):
        condition |= Q(unit_id=user.organisation_id)
    if is_supervising(user):
        condition |= Q(unit__supervisor_id=user.organisation_id)
    return ExemptionCase.objects.filter(condition).distinct()


def filed_with_me(user: User) -> QuerySet[ExemptionCase]:
    """Decided cases whose dossier was filed with this reviewer's department (queue + count):
    a supervising department's own units; the provincial department those filed with none."""
    if scope.is_provincial_reviewer(user):
        condition = Q(filed_with__isnull=True)
    elif is_supervising(user):
        condition = Q(filed_with_id=user.organisation_id)
    else:
        return ExemptionCase.objects.none()
    return ExemptionCase.objects.filter(condition, filed_at__isnull=False).select_related("unit")


def case_access(user: Visitor, case: ExemptionCase) -> Access | None:
    """None when the user may not see the case at all (→ 404)."""
    if not _active(user):
        return None
    handler = is_handler(user, case.unit_id)
    if handler or is_department(user):
        return Access(full=True, handler=handler)
    if is_supervising(user) and case.unit.supervisor_id == user.organisation_id:
        return Access(full=True, handler=False)
    own = frozenset(case.persons.filter(user=user).values_list("pk", flat=True))
    if own:
        return Access(full=False, handler=False, person_ids=own)
    return None


def case_list_for(user: User) -> QuerySet[ExemptionCase]:
    return case_visible_to(user).select_related("unit").order_by("-created_at", "-id")


# ---------------------------------------------------------------------------- unit rules


def rules_visible_to(user: Visitor) -> QuerySet[UnitRules]:
    """A unit's rules: its own members and the department."""
    if not _active(user):
        return UnitRules.objects.none()
    if is_department(user):
        return UnitRules.objects.all()
    if user.organisation_id is None:
        return UnitRules.objects.none()
    if is_supervising(user):
        return UnitRules.objects.filter(unit__supervisor_id=user.organisation_id)
    return UnitRules.objects.filter(unit_id=user.organisation_id)


def adopted_rules(unit_id: int, kind: str = RulesKind.EXEMPTION_RULES) -> UnitRules | None:
    return (
        UnitRules.objects.filter(unit_id=unit_id, kind=kind, adopted_on__isnull=False)
        .select_related("notice")
        .order_by("-adopted_on", "-id")
        .first()
    )


@dataclass(frozen=True)
class TimeLimit:
    """A time limit the unit's rules set, as the case page shows it."""

    label: str
    days: int
    starts_on: dt.date
    ends_on: dt.date
    done_on: dt.date | None
    today: dt.date

    @property
    def days_left(self) -> int:
        return (self.ends_on - self.today).days

    @property
    def overdue(self) -> bool:
        return (self.done_on or self.today) > self.ends_on

    @property
    def state(self) -> str:
        if self.done_on is not None:
            return "逾期完成" if self.overdue else "按期完成"
        if self.overdue:
            return f"已逾期 {-self.days_left} 天"
        return f"剩余 {self.days_left} 天"


def _limit(
    label: str, days: int, start: dt.date, done: dt.date | None, today: dt.date
) -> TimeLimit:
    ends = periods.period_end(start, days, "working").ends_on
    return TimeLimit(label, days, start, ends, done, today)


def case_time_limits(case: ExemptionCase, today: dt.date) -> list[TimeLimit]:
    """The investigation and review limits of the unit's adopted exemption rules, in working
    days (public holidays and adjusted weekends from the holiday table)."""
    rules = adopted_rules(case.unit_id)
    if rules is None:
        return []
    limits: list[TimeLimit] = []
    if rules.investigation_days:
        done = case.concluded_at.date() if case.concluded_at else None
        limits.append(_limit("调查", rules.investigation_days, case.created_at.date(), done, today))
    if rules.review_days and case.notice is not None:
        reviewed = {r.objection_id: r.reviewed_at.date() for r in case.reviews.all()}
        for objection in case.notice.objections.order_by("filed_on", "pk"):
            limits.append(
                _limit(
                    f"复核（{objection.filed_on:%Y-%m-%d} 异议）",
                    rules.review_days,
                    objection.filed_on,
                    reviewed.get(objection.pk),
                    today,
                )
            )
    return limits


def case_warnings(case: ExemptionCase) -> list[str]:
    """Warnings shown on a case: no adopted exemption rules; rules adopted but not publicised."""
    rules = adopted_rules(case.unit_id)
    if rules is None:
        return [WARN_NO_RULES]
    if rules.notice is None or not rules.notice.is_public:
        return [WARN_RULES_NOT_PUBLICISED]
    return []


# ---------------------------------------------------------------------------- checklist


def applicable_unit_types() -> dict[str, str]:
    return {u["code"]: u["text"] for u in load_articles()["applicability"]["unit_types"]}


def engine_unit_type(org_type: str) -> str:
    """The engine's unit-type code for an organisation type (unknown types → "other")."""
    data = load_articles()["applicability"]
    known = {u["code"] for u in data["unit_types"]} | {u["code"] for u in data["other_unit_types"]}
    return org_type if org_type in known else "other"


def checklist_items(role: str) -> dict[str, Any]:
    """The checklist as the form shows it for one role: conditions, the role's grounds and the
    exclusions whose text names the role."""
    data = load_articles()
    grounds: list[dict[str, Any]] = []
    for article in data["grounds"]:
        if article["role"] == role:
            grounds = [
                {"code": str(i["code"]), "label": i.get("label", ""), "text": i["text"]}
                for i in article.get("items") or []
            ]
    exclusions = [
        {"code": str(i["code"]), "label": i.get("label", ""), "text": i["text"]}
        for i in data["exclusions"]["items"]
        if role in (i.get("roles") or [role])
    ]
    return {
        "conditions": data["diligence"]["conditions"],
        "diligence_text": data["diligence"]["text"],
        "grounds": grounds,
        "exclusions": exclusions,
    }


def article_texts(codes: list[str]) -> list[dict[str, str]]:
    """The texts of cited articles ("2", "6", "7.3", "9", "10.1" …) for the recommendation box."""
    data = load_articles()
    texts: dict[str, str] = {
        "2": data["applicability"]["text"],
        "6": data["diligence"]["text"],
    }
    for article in data["grounds"]:
        number = str(article.get("article", ""))
        if number and article.get("text"):
            texts[number] = article["text"]
        for item in article.get("items") or []:
            texts[str(item["code"])] = f"{item.get('label', '')}{item['text']}"
    texts["10"] = data["exclusions"]["text"]
    for item in data["exclusions"]["items"]:
        texts[str(item["code"])] = f"{item.get('label', '')}{item['text']}"
    return [{"code": c, "label": article_label(c), "text": texts.get(c, "")} for c in codes]


_NUMERALS = "零一二三四五六七八九十"


def article_label(code: str) -> str:
    """``"7.3"`` → ``第七条第（三）项``; ``"10"`` → ``第十条``."""
    main, _, item = code.partition(".")
    try:
        text = f"第{_NUMERALS[int(main)]}条"
        if item:
            text += f"第（{_NUMERALS[int(item)]}）项"
    except (ValueError, IndexError):
        return code
    return text


def recorded_dissents(case: ExemptionCase) -> dict[int, list[Any]]:
    """Leaders' recorded opposing opinions by person id (article 7 item seven needs minutes)."""
    result: dict[int, list[Any]] = {}
    for minutes in case.minutes.prefetch_related("opinions"):
        for opinion in minutes.opinions.all():
            if opinion.stance == Stance.OPPOSE and opinion.person_id:
                result.setdefault(opinion.person_id, []).append((minutes, opinion))
    return result
