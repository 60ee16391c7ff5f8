"""REST endpoints of technology contracts (技术合同): submission for 认定登记 (multipart with the
signed PDF), the registrar's registration or return, 横向 income, and reward plans with their
filing. The same services and visibility as the pages: a registrar sees only what was submitted
to it; a refusal is a 422 listing {field, message}, a forbidden step a 403, an invisible record
a 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.security import django_auth

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.contracts import selectors, services
from zhuanhua.contracts.choices import ContractType, IncomeKind, PartySide
from zhuanhua.contracts.models import ContractIncome, RewardPlan, TechnologyContract
from zhuanhua.core.inputs import Day, LongText, Money, Text
from zhuanhua.core.pagination import BoundedLimitOffsetPagination
from zhuanhua.organisations.models import Organisation

router = Router(tags=["技术合同 contracts"])


class ContractOut(Schema):
    id: int
    title: str
    submitter_id: int
    submitter_name: str = Field(..., alias="submitter.name")
    submitter_side: str
    counterparty_id: int | None
    counterparty_name: str
    declared_type: str
    contract_type: str  # the registrar's classification; "" until registered
    contract_amount: Decimal
    signed_on: dt.date
    valid_from: dt.date
    valid_to: dt.date
    technology_field: str
    industry_project: bool
    source_kind: str
    source_id: str
    registrar_id: int | None
    status: str
    submitted_on: dt.date | None
    due_on: dt.date | None
    days_left: int | None  # working days to the due day; negative = overdue
    registration_number: str | None
    registered_on: dt.date | None
    transaction_amount: Decimal | None  # 核定技术交易额
    amount_reason: str
    return_reasons: str
    signed_pdf_sha256: str = Field(..., alias="sha256")

    @staticmethod
    def resolve_days_left(obj: TechnologyContract) -> int | None:
        if obj.status != "submitted" or obj.due_on is None:
            return None
        return services.working_days_left(obj.due_on, timezone.localdate())


class ContractIn(Schema):
    title: Text
    declared_type: ContractType
    submitter_side: PartySide
    counterparty_name: Text
    counterparty_id: int | None = None
    contract_amount: Money
    signed_on: Day
    valid_from: Day
    valid_to: Day
    technology_field: Text
    industry_project: bool = False
    registrar_id: int | None = None  # default: the province's registrar
    submit: bool = True  # False: record a 横向 contract without registration


class RegisterIn(Schema):
    contract_type: ContractType
    transaction_amount: Money
    amount_reason: LongText = ""


class ReturnIn(Schema):
    reasons: LongText


class ResubmitIn(Schema):
    registrar_id: int | None = None


class IncomeIn(Schema):
    received_on: Day
    amount: Money
    note: Text = ""


class IncomeOut(Schema):
    id: int
    contract_id: int
    received_on: dt.date
    amount: Decimal
    note: str


class PlanIn(Schema):
    income_kind: IncomeKind
    contract_id: int | None = None
    subject: Text
    income_amount: Money
    costs_amount: Money = Decimal("0.00")
    researcher_amount: Money
    transfer_staff_amount: Money = Decimal("0.00")
    unit_amount: Money
    staff_reward_chosen: bool = False
    decided_on: Day


class Warning(Schema):
    code: str
    message: str


class PlanOut(Schema):
    id: int
    unit_id: int
    unit_name: str = Field(..., alias="unit.name")
    income_kind: str
    contract_id: int | None
    subject: str
    income_amount: Decimal
    costs_amount: Decimal
    net_income_amount: Decimal
    researcher_amount: Decimal
    transfer_staff_amount: Decimal
    unit_amount: Decimal
    staff_reward_chosen: bool
    registered: bool
    contract_type: str
    warnings: list[Warning]
    notes: list[str]
    decided_on: dt.date
    filed_with_id: int
    filed_with_name: str = Field(..., alias="filed_with.name")
    status: str
    filed_on: dt.date
    acknowledged_on: dt.date | None
    acknowledgement_note: str


class AcknowledgeIn(Schema):
    note: LongText = ""


def _org(pk: int | None) -> Organisation | None:
    return None if pk is None else Organisation.objects.filter(pk=pk).first()


def _visible(request: HttpRequest, contract_id: int) -> TechnologyContract:
    return get_object_or_404(selectors.contracts_visible_to(request.user), pk=contract_id)


@router.get("/", response=list[ContractOut], auth=django_auth, summary="可见的技术合同")
@paginate(BoundedLimitOffsetPagination)
def list_contracts(request: AuthedHttpRequest):
    return selectors.contracts_visible_to(request.user)


@router.get("/queue", response=list[ContractOut], auth=django_auth, summary="登记机构的待办队列")
@paginate(BoundedLimitOffsetPagination)
def registrar_queue(request: AuthedHttpRequest):
    if not services.is_registrar_staff(request.user):
        raise PermissionDenied(services.ERR_NOT_REGISTRAR)
    return selectors.registrar_queue(request.user)


@router.get("/plans", response=list[PlanOut], auth=django_auth, summary="可见的奖酬金分配方案")
@paginate(BoundedLimitOffsetPagination)
def list_plans(request: AuthedHttpRequest):
    return selectors.plans_visible_to(request.user)


@router.get("/plans/{plan_id}", response=PlanOut, auth=django_auth, summary="奖酬金分配方案")
def get_plan(request: AuthedHttpRequest, plan_id: int) -> RewardPlan:
    return get_object_or_404(selectors.plans_visible_to(request.user), pk=plan_id)


@router.post(
    "/plans",
    response={201: PlanOut},
    auth=django_auth,
    summary="报备奖酬金分配方案（报主管部门备案；研究单位的机构管理员、成果管理员）",
)
def file_plan(request: AuthedHttpRequest, payload: PlanIn) -> Status:
    contract = (
        TechnologyContract.objects.filter(pk=payload.contract_id).first()
        if payload.contract_id is not None
        else None
    )
    plan = services.reward_plan_file(
        user=request.user,
        data=services.PlanInput(
            income_kind=payload.income_kind,
            subject=payload.subject,
            income_amount=payload.income_amount,
            costs_amount=payload.costs_amount,
            researcher_amount=payload.researcher_amount,
            transfer_staff_amount=payload.transfer_staff_amount,
            unit_amount=payload.unit_amount,
            decided_on=payload.decided_on,
            staff_reward_chosen=payload.staff_reward_chosen,
            contract=contract,
        ),
    )
    return Status(201, plan)


@router.post(
    "/plans/{plan_id}/acknowledge",
    response=PlanOut,
    auth=django_auth,
    summary="确认备案（备案部门的审核员）",
)
def acknowledge_plan(
    request: AuthedHttpRequest, plan_id: int, payload: AcknowledgeIn
) -> RewardPlan:
    plan = get_object_or_404(selectors.plans_visible_to(request.user), pk=plan_id)
    return services.reward_plan_acknowledge(user=request.user, plan=plan, note=payload.note)


@router.get("/{contract_id}", response=ContractOut, auth=django_auth, summary="技术合同")
def get_contract(request: AuthedHttpRequest, contract_id: int) -> TechnologyContract:
    return _visible(request, contract_id)


@router.post(
    "/",
    response={201: ContractOut},
    auth=django_auth,
    summary="提交技术合同认定登记（或登记横向项目合同；单位、企业的经办人）",
)
def submit_contract(
    request: AuthedHttpRequest,
    payload: Form[ContractIn],
    signed_pdf: File[UploadedFile] = None,  # type: ignore[assignment]
) -> Status:
    registrar = (
        _org(payload.registrar_id)
        if payload.registrar_id is not None
        else services.default_registrar()
    )
    contract = services.contract_submit_for_registration(
        user=request.user,
        data=services.ContractInput(
            title=payload.title,
            declared_type=payload.declared_type,
            submitter_side=payload.submitter_side,
            counterparty_name=payload.counterparty_name,
            counterparty=_org(payload.counterparty_id),
            contract_amount=payload.contract_amount,
            signed_on=payload.signed_on,
            valid_from=payload.valid_from,
            valid_to=payload.valid_to,
            technology_field=payload.technology_field,
            industry_project=payload.industry_project,
        ),
        registrar=registrar,
        signed_pdf=signed_pdf,
        submit=payload.submit,
    )
    return Status(201, contract)


@router.post(
    "/{contract_id}/register",
    response=ContractOut,
    auth=django_auth,
    summary="认定登记：认定类型、核定技术交易额、分配登记编号（该登记机构的登记员）",
)
def register_contract(
    request: AuthedHttpRequest, contract_id: int, payload: RegisterIn
) -> TechnologyContract:
    return services.contract_register(
        user=request.user,
        contract=_visible(request, contract_id),
        contract_type=payload.contract_type,
        transaction_amount=payload.transaction_amount,
        amount_reason=payload.amount_reason,
    )


@router.post(
    "/{contract_id}/return",
    response=ContractOut,
    auth=django_auth,
    summary="退回并说明理由（该登记机构的登记员）",
)
def return_contract(
    request: AuthedHttpRequest, contract_id: int, payload: ReturnIn
) -> TechnologyContract:
    return services.contract_return(
        user=request.user, contract=_visible(request, contract_id), reasons=payload.reasons
    )


@router.post(
    "/{contract_id}/resubmit",
    response=ContractOut,
    auth=django_auth,
    summary="重新提交认定登记（退回后或横向项目合同；提交单位）",
)
def resubmit_contract(
    request: AuthedHttpRequest, contract_id: int, payload: ResubmitIn
) -> TechnologyContract:
    contract = _visible(request, contract_id)
    registrar = (
        _org(payload.registrar_id)
        if payload.registrar_id is not None
        else contract.registrar or services.default_registrar()
    )
    return services.contract_resubmit(user=request.user, contract=contract, registrar=registrar)


@router.post(
    "/{contract_id}/incomes",
    response={201: IncomeOut},
    auth=django_auth,
    summary="登记横向项目到账收入（提交单位）",
)
def record_income(request: AuthedHttpRequest, contract_id: int, payload: IncomeIn) -> Status:
    income: ContractIncome = services.income_record(
        user=request.user,
        contract=_visible(request, contract_id),
        received_on=payload.received_on,
        amount=payload.amount,
        note=payload.note,
    )
    return Status(201, income)
