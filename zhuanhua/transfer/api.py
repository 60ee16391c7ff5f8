"""REST endpoints of the transfer app: the public 先用后转 list and the pure rule as a service."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from zhuanhua.achievements.choices import IndustryField, IpType
from zhuanhua.core.inputs import Text
from zhuanhua.core.pagination import BoundedLimitOffsetPagination
from zhuanhua.engines import messages, transfer_deadline
from zhuanhua.engines.common import InputError, loads
from zhuanhua.transfer.models import UseFirstListEntry
from zhuanhua.transfer.selectors import UseFirstQuery, use_first_public

router = Router(tags=["限时转化 transfer"])


class UseFirstOut(Schema):
    achievement_id: int
    title: str = Field(..., alias="achievement.title")
    owner_id: int = Field(..., alias="achievement.owner_id")
    owner_name: str = Field(..., alias="achievement.owner.name")
    prefecture: str = Field(..., alias="achievement.prefecture")
    industry_field: str = Field(..., alias="achievement.industry_field")
    ip_type: str = Field(..., alias="achievement.ip_type")
    ip_acquired_on: dt.date | None = Field(..., alias="achievement.ip_acquired_on")
    joined_on: dt.date
    use_first_pay_later: bool = True
    url: str

    @staticmethod
    def resolve_url(obj: UseFirstListEntry) -> str:
        return f"/achievements/{obj.achievement_id}/"


class UseFirstFilters(Schema):
    prefecture: Text = Field("", max_length=6)
    industry_field: IndustryField | None = None
    ip_type: IpType | None = None


class CheckResult(Schema):
    id: str | int
    joins_list_on: dt.date | None
    on_list: bool


class CheckOut(Schema):
    results: list[CheckResult]


@router.get("/use-first", response=list[UseFirstOut], summary="先用后转清单（公开，已发布成果）")
@paginate(BoundedLimitOffsetPagination)
def list_use_first(request: HttpRequest, filters: Query[UseFirstFilters]):
    return use_first_public(
        UseFirstQuery(
            prefecture=filters.prefecture,
            industry_field=filters.industry_field or "",
            ip_type=filters.ip_type or "",
        )
    )


@router.post(
    "/check",
    response=CheckOut,
    summary="限时转化规则计算（与 `zhuanhua transfer-deadline check` 同一输入）",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["as_of", "achievements"],
                        "properties": {
                            "as_of": {"type": "string", "format": "date"},
                            "achievements": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["id", "fiscally_funded", "is_applied_technology"],
                                    "properties": {
                                        "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                                        "fiscally_funded": {"type": "boolean"},
                                        "is_applied_technology": {"type": "boolean"},
                                        "ip_acquired_on": {
                                            "type": "string",
                                            "format": "date",
                                            "nullable": True,
                                        },
                                        "transferred_on": {
                                            "type": "string",
                                            "format": "date",
                                            "nullable": True,
                                        },
                                    },
                                },
                            },
                        },
                    }
                }
            },
        }
    },
)
def check(request: HttpRequest) -> dict[str, Any]:
    """Runs the pure rule on the body; bad input is a 422 naming the field path, as the CLI does."""
    try:
        doc = loads(request.body.decode("utf-8") or "null")
    except (UnicodeDecodeError, ValueError):
        raise ValidationError({"(document)": ["请求体不是有效的 JSON"]}) from None
    try:
        return transfer_deadline.run(doc)
    except InputError as exc:
        raise ValidationError({exc.path: [messages.chinese(exc)]}) from None
