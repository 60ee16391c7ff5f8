"""Who may read the department dashboard, and the filters a request asks for."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from zhuanhua.core.prefectures import PREFECTURE_CHOICES
from zhuanhua.dashboards.charts import Filters
from zhuanhua.organisations.choices import OrganisationType

ERR_NOT_DEPARTMENT = "数据看板仅向主管部门、审计人员和平台管理员开放"


def check_department(user: Any) -> None:
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
