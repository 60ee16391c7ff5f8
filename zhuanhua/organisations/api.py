"""REST endpoints for organisations: the public directory of approved organisations."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from zhuanhua.core.inputs import Text
from zhuanhua.core.pagination import BoundedLimitOffsetPagination
from zhuanhua.organisations.choices import OrganisationStatus, OrganisationType
from zhuanhua.organisations.models import Organisation

router = Router(tags=["机构 organisations"])


class OrganisationOut(Schema):
    id: int
    name: str
    org_type: str
    uscc: str
    prefecture: str
    is_sme: bool
    is_tech_enterprise: bool
    is_national_transfer_agency: bool


class OrganisationFilters(Schema):
    org_type: OrganisationType | None = None
    prefecture: Text = Field("", max_length=6)


@router.get("/", response=list[OrganisationOut], summary="机构名录（已审核通过）")
@paginate(BoundedLimitOffsetPagination)
def list_organisations(request: HttpRequest, filters: Query[OrganisationFilters]):
    qs = Organisation.objects.filter(status=OrganisationStatus.APPROVED)
    if filters.org_type:
        qs = qs.filter(org_type=filters.org_type)
    if filters.prefecture:
        qs = qs.filter(prefecture=filters.prefecture)
    return qs.order_by("name", "id")


@router.get("/{organisation_id}", response=OrganisationOut, summary="机构详情")
def get_organisation(request: HttpRequest, organisation_id: int) -> Organisation:
    return get_object_or_404(
        Organisation.objects.filter(status=OrganisationStatus.APPROVED), pk=organisation_id
    )
