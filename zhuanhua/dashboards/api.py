"""Dashboard data endpoints: one per chart, department only."""

from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.security import django_auth
from pydantic import BeforeValidator

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.core.inputs import Text
from zhuanhua.dashboards.charts import CHARTS, PUBLIC_CHARTS, ChartData, chart_data
from zhuanhua.dashboards.org_charts import charts_for, org_chart_data
from zhuanhua.dashboards.selectors import (
    check_department,
    filters_from,
    org_filters_from,
    own_dashboard_org,
)

router = Router(tags=["数据看板 dashboards"])


def _blank_is_none(value: Any) -> Any:
    """The dashboard's filter form sends `year=` for 全部年度: blank means no filter, not a 422."""
    return None if isinstance(value, str) and not value.strip() else value


Year = Annotated[int | None, BeforeValidator(_blank_is_none)]


class ChartFilters(Schema):
    year: Year = Field(None, ge=2000, le=2100)
    prefecture: Text = Field("", max_length=6)
    org_type: Text = Field("", max_length=32)


class ChartOut(Schema):
    key: str
    title: str
    kind: str
    columns: list[str]
    rows: list[list[Any]]
    note: str

    @staticmethod
    def resolve_rows(obj: ChartData) -> list[list[Any]]:
        return obj.as_json()["rows"]  # Decimal as a number and dates ISO, for the chart


@router.get("/charts", response=list[str], auth=django_auth, summary="看板图表清单")
def list_charts(request: AuthedHttpRequest) -> list[str]:
    check_department(request.user)
    return list(CHARTS)


@router.get("/charts/{key}", response=ChartOut, auth=django_auth, summary="一个图表的数据")
def get_chart(request: AuthedHttpRequest, key: str, filters: Query[ChartFilters]) -> ChartData:
    check_department(request.user)
    if key not in CHARTS:
        raise Http404
    return chart_data(key, filters_from(filters.dict()))


class PublicChartFilters(Schema):
    year: Year = Field(None, ge=2000, le=2100)
    prefecture: Text = Field("", max_length=6)


@router.get("/public/charts", response=list[str], summary="公开看板图表清单（无需登录）")
def list_public_charts(request: HttpRequest) -> list[str]:
    return list(PUBLIC_CHARTS)


@router.get("/public/charts/{key}", response=ChartOut, summary="公开看板一个图表的数据（无需登录）")
def get_public_chart(
    request: HttpRequest, key: str, filters: Query[PublicChartFilters]
) -> ChartData:
    if key not in PUBLIC_CHARTS:
        raise Http404
    return chart_data(key, filters_from(filters.dict()))


class OrgChartFilters(Schema):
    year: Year = Field(None, ge=2000, le=2100)


@router.get("/mine/charts", response=list[str], auth=django_auth, summary="本机构看板图表清单")
def list_org_charts(request: AuthedHttpRequest) -> list[str]:
    return [c.key for c in charts_for(own_dashboard_org(request.user))]


@router.get(
    "/mine/charts/{key}",
    response=ChartOut,
    auth=django_auth,
    summary="本机构看板一个图表的数据（仅本人所在机构）",
)
def get_org_chart(
    request: AuthedHttpRequest, key: str, filters: Query[OrgChartFilters]
) -> ChartData:
    org = own_dashboard_org(request.user)
    try:
        data = org_chart_data(key, org, org_filters_from(filters.dict()))
    except KeyError:
        raise Http404 from None
    return data
