"""Who may read the department dashboard, and the filters a request asks for."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from zhuanhua.accounts.models import User
from zhuanhua.core.prefectures import PREFECTURE_CHOICES
from zhuanhua.dashboards.charts import Filters
from zhuanhua.dashboards.org_charts import OrgFilters
from zhuanhua.organisations.choices import OrganisationType

ERR_NOT_DEPARTMENT = "数据看板仅向主管部门、审计人员和平台管理员开放"
ERR_NO_ORG_DASHBOARD = "机构看板仅向科研单位和企业的用户开放"


def check_department(user: User) -> None:
    if not getattr(user, "is_authenticated", False) or not (
        user.is_reviewer or user.is_auditor or user.is_platform_admin
    ):
        raise PermissionDenied(ERR_NOT_DEPARTMENT)


def filters_from(params: Any) -> Filters:
    """Unknown or malformed values are ignored rather than refused: a dashboard link stays usable."""
    year_text = str(params.get("year") or "")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None
    prefecture = str(params.get("prefecture") or "")
    if prefecture not in dict(PREFECTURE_CHOICES):
        prefecture = ""
    org_type = str(params.get("org_type") or "")
    if org_type not in OrganisationType.values:
        org_type = ""
    return Filters(year=year, prefecture=prefecture, org_type=org_type)


def own_dashboard_org(user: User) -> Any:
    """The organisation whose dashboard ``user`` reads: always their own, and only a research
    unit or an enterprise has one (403 otherwise)."""
    from zhuanhua.dashboards.org_charts import audience_of

    org = getattr(user, "organisation", None) if getattr(user, "is_authenticated", False) else None
    if org is None or audience_of(org) is None:
        raise PermissionDenied(ERR_NO_ORG_DASHBOARD)
    return org


def org_filters_from(params: Any) -> OrgFilters:
    return OrgFilters(year=filters_from(params).year)
