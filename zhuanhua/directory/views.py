"""Pages of the service directory and the technology-manager registry. Thin: parse, call one
service or selector, render. A request outside the user's reach is a 404; only the provider's
admin answers it (403)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhuanhua.accounts.http import AuthedHttpRequest
from zhuanhua.accounts.models import User
from zhuanhua.core.labels import yuan
from zhuanhua.directory import services
from zhuanhua.directory.choices import ProviderKind, RequestStatus
from zhuanhua.directory.forms import (
    AcceptForm,
    AttendanceForm,
    BrokerForm,
    CertificateForm,
    CourseForm,
    DeclineForm,
    DeliverForm,
    ManagerForm,
    OfferForm,
    ProviderForm,
    RequestForm,
    VoucherPayForm,
    YearForm,
)
from zhuanhua.directory.models import (
    BrokeredDeal,
    ServiceOffer,
    TechnologyManager,
    TrainingBase,
)
from zhuanhua.directory.selectors import (
    REVENUE_KINDS,
    agency_brokered_amounts,
    delivered_in_year,
    manager_deals,
    managers_public,
    managers_visible_to,
    platform_service_revenues,
    provider_redeemed_vouchers,
    provider_yearly_revenue,
    providers_public,
    providers_visible_to,
    request_voucher_spends,
    request_vouchers_by_id,
    requests_visible_to,
    training_base_year,
    training_hours_by_base,
)
from zhuanhua.licensing.models import Licence
from zhuanhua.licensing.selectors import licences_visible_to
from zhuanhua.organisations.models import Organisation
from zhuanhua.vouchers.choices import COUNTED_STATES
from zhuanhua.vouchers.forms import ClaimForm
from zhuanhua.vouchers.selectors import voucher_ledger, voucher_spend_visible_to
from zhuanhua.vouchers.services import contract_limit, is_provider_staff

ERR_NOT_DEPARTMENT = "只有主管部门审核员、审计员可以查看平台服务性收入汇总"
ERR_NOT_AGENCY = "只有服务机构本单位的机构管理员或主管部门可以查看经纪成交汇总"


def _messages_from(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, str(message))


def _this_year() -> int:
    return timezone.localdate().year


# --------------------------------------------------------------------------------------------
# Providers


def home(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind") or ""
    enclave = request.GET.get("enclave") == "1"
    providers = providers_public(
        kind if kind in ProviderKind.values else None, enclave=True if enclave else None
    ).prefetch_related("offers")
    user = request.user
    return render(
        request,
        "directory/home.html",
        {
            "providers": providers[:300],
            "kinds": ProviderKind.choices,
            "kind": kind,
            "enclave": enclave,
            "can_publish": services.is_org_admin(user, getattr(user, "organisation_id", None)),
            "is_department": user.is_authenticated and (user.is_reviewer or user.is_auditor),
        },
    )


@login_required
def provider_create(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not services.is_org_admin(user, user.organisation_id):
        raise PermissionDenied(services.ERR_NOT_ORG_ADMIN)
    form = ProviderForm(request.POST or None, initial={"is_public": True})
    if request.method == "POST" and form.is_valid():
        try:
            provider = services.provider_create(user=user, data=form.cleaned_data)
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, "服务机构信息已发布。")
            return redirect("directory:provider_detail", pk=provider.pk)
    return render(request, "directory/provider_form.html", {"form": form})


def provider_detail(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_object_or_404(providers_visible_to(request.user), pk=pk)
    user = request.user
    is_owner = services.is_org_admin(user, provider.organisation_id)
    offers = provider.offers.all() if is_owner else provider.offers.filter(is_active=True)
    year = _this_year()
    context: dict[str, Any] = {
        "provider": provider,
        "offers": offers,
        "is_owner": is_owner,
        "can_request": services.is_requester(user)
        and user.organisation_id != provider.organisation_id,  # type: ignore[union-attr]
        "request_form": RequestForm(),
        "offer_form": OfferForm(),
    }
    if is_owner and provider.kind in REVENUE_KINDS:
        context["revenue_year"] = year
        context["revenue_amount"] = provider_yearly_revenue(provider, year)
        context["revenue_voucher_amount"] = provider_redeemed_vouchers(provider, year)
    return render(request, "directory/provider_detail.html", context)


@login_required
@require_POST
def offer_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    provider = get_object_or_404(providers_visible_to(request.user), pk=pk)
    form = OfferForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
    else:
        try:
            services.offer_create(user=request.user, provider=provider, data=form.cleaned_data)
        except ValidationError as exc:
            _messages_from(request, exc)
        else:
            messages.success(request, "服务项目已发布。")
    return redirect("directory:provider_detail", pk=pk)


@login_required
@require_POST
def request_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(
        ServiceOffer.objects.select_related("provider"),
        pk=pk,
        provider__in=providers_visible_to(request.user),
    )
    form = RequestForm(request.POST)
    text = form.cleaned_data["description"] if form.is_valid() else ""
    try:
        req = services.request_create(user=request.user, offer=offer, description=text)
    except ValidationError as exc:
        _messages_from(request, exc)
        return redirect("directory:provider_detail", pk=offer.provider_id)
    messages.success(request, "服务委托已提交，等待服务机构受理。")
    return redirect("directory:request_detail", pk=req.pk)


@login_required
def request_list(request: AuthedHttpRequest) -> HttpResponse:
    return render(
        request,
        "directory/request_list.html",
        {"requests": requests_visible_to(request.user)[:300]},
    )


def _voucher_context(user: User, req: Any, is_requester: bool) -> dict[str, Any]:
    """The request's innovation vouchers: what was spent on it, the enterprise's room to pay
    more (50% of the contract, this year's quota left) and the provider's claim forms."""
    spends = request_voucher_spends(req)
    contracted = req.status in services.CONTRACTED_STATES and req.contract_amount is not None
    context: dict[str, Any] = {"voucher_spends": spends, "can_pay_vouchers": False}
    if contracted:
        limit = contract_limit(req.contract_amount)
        used = sum(
            (s.voucher_amount for s in spends if s.status in COUNTED_STATES), Decimal("0.00")
        )
        context.update(voucher_limit=limit, voucher_used=used)
        if is_requester:
            ledger = voucher_ledger(req.requester, timezone.localdate().year)
            room = max(Decimal("0.00"), min(limit - used, ledger.left_amount))
            context.update(
                voucher_ledger=ledger,
                voucher_room=room,
                can_pay_vouchers=ledger.quota is not None and room > 0,
                voucher_form=VoucherPayForm(initial={"voucher_amount": room}),
            )
    context["claimable"] = [
        (s, ClaimForm(prefix=f"s{s.pk}"))
        for s in spends
        if s.status == "spent" and is_provider_staff(user, s)
    ]
    context["delivered"] = req.status == RequestStatus.DELIVERED
    return context


@login_required
def request_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(requests_visible_to(request.user), pk=pk)
    user = request.user
    is_requester = services.is_requester(user) and user.organisation_id == req.requester_id
    return render(
        request,
        "directory/request_detail.html",
        {
            "req": req,
            "is_provider": services.is_org_admin(user, req.provider.organisation_id),
            "is_requester": is_requester,
            "accept_form": AcceptForm(initial={"contract_signed_on": timezone.localdate()}),
            "decline_form": DeclineForm(),
            "deliver_form": DeliverForm(initial={"delivered_on": timezone.localdate()}),
            "statuses": RequestStatus,
            **_voucher_context(user, req, is_requester),
        },
    )


def _voucher_action(request: AuthedHttpRequest, req: Any, action: str) -> None:
    """Pay with vouchers (the enterprise) or claim their redemption (the provider)."""
    if action == "vouchers":
        form = VoucherPayForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, str(message))
            return
        spend = services.request_pay_with_vouchers(
            user=request.user, request=req, voucher_amount=form.cleaned_data["voucher_amount"]
        )
        messages.success(
            request,
            f"已使用创新券支付 {yuan(spend.voucher_amount)} 元，服务交付后由服务机构申请兑付。",
        )
        return
    spend_id = request.POST.get("spend", "")
    if not spend_id.isdigit():
        raise Http404
    spend = get_object_or_404(voucher_spend_visible_to(request.user), pk=int(spend_id))
    claim_form = ClaimForm(request.POST, request.FILES, prefix=f"s{spend.pk}")
    if not claim_form.is_valid():
        for errors in claim_form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return
    data = claim_form.cleaned_data
    services.request_claim_vouchers(
        user=request.user,
        request=req,
        spend=spend,
        contract_file=data["contract"],
        invoice_file=data["invoice"],
        payment_file=data["payment_proof"],
        invoice_number=data["invoice_number"],
    )
    messages.success(request, "创新券兑付申请已提交，等待主管部门审核。")


@login_required
@require_POST
def request_action(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponse:
    req = get_object_or_404(requests_visible_to(request.user), pk=pk)
    if action in ("vouchers", "claim"):
        try:
            _voucher_action(request, req, action)
        except ValidationError as exc:
            _messages_from(request, exc)
        return redirect("directory:request_detail", pk=pk)
    forms = {"accept": AcceptForm, "decline": DeclineForm, "deliver": DeliverForm}
    if action not in {*forms, "cancel"}:
        raise Http404
    data: dict[str, Any] = {}
    if action in forms:
        form = forms[action](request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, str(message))
            return redirect("directory:request_detail", pk=pk)
        data = form.cleaned_data
    calls = {
        "accept": lambda: services.request_accept(user=request.user, request=req, **data),
        "decline": lambda: services.request_decline(user=request.user, request=req, **data),
        "deliver": lambda: services.request_deliver(user=request.user, request=req, **data),
        "cancel": lambda: services.request_cancel(user=request.user, request=req),
    }
    done = {
        "accept": "已受理并登记合同金额。",
        "decline": "已记录未受理。",
        "deliver": "已登记服务交付。",
        "cancel": "服务委托已撤回。",
    }
    try:
        calls[action]()
    except ValidationError as exc:
        _messages_from(request, exc)
    else:
        messages.success(request, done[action])
    return redirect("directory:request_detail", pk=pk)


@login_required
def revenue(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not (user.is_reviewer or user.is_auditor or user.is_platform_admin):
        raise PermissionDenied(ERR_NOT_DEPARTMENT)
    year = YearForm(request.GET).year_or(_this_year() - 1)
    return render(
        request, "directory/revenue.html", {"year": year, "rows": platform_service_revenues(year)}
    )


@login_required
def provider_revenue(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    provider = get_object_or_404(providers_visible_to(request.user), pk=pk)
    user = request.user
    if not (
        services.is_org_admin(user, provider.organisation_id) or user.is_reviewer or user.is_auditor
    ):
        raise Http404
    year = YearForm(request.GET).year_or(_this_year())
    delivered = delivered_in_year(provider, year)
    redeemed = request_vouchers_by_id(delivered, "redeemed")
    return render(
        request,
        "directory/provider_revenue.html",
        {
            "provider": provider,
            "year": year,
            "amount": provider_yearly_revenue(provider, year),
            "voucher_amount": provider_redeemed_vouchers(provider, year),
            "requests": [(r, redeemed.get(r.pk)) for r in delivered],
        },
    )


# --------------------------------------------------------------------------------------------
# Technology managers


def manager_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    can_register = user.is_authenticated and (
        services.is_org_admin(user, user.organisation_id) or user.has_role("technology_manager")
    )
    return render(
        request,
        "directory/manager_list.html",
        {"managers": managers_public()[:500], "can_register": can_register},
    )


@login_required
def manager_create(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    form = ManagerForm(request.POST or None, initial={"is_public": True})
    if request.method == "POST" and form.is_valid():
        own_admin = services.is_org_admin(user, user.organisation_id)
        try:
            manager = services.manager_register(
                user=user,
                data=form.cleaned_data,
                employer=user.organisation if own_admin else None,
            )
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, "技术经理人已登记。")
            return redirect("directory:manager_detail", pk=manager.pk)
    return render(request, "directory/manager_form.html", {"form": form})


def manager_detail(request: HttpRequest, pk: int) -> HttpResponse:
    manager = get_object_or_404(managers_visible_to(request.user), pk=pk)
    return render(
        request,
        "directory/manager_detail.html",
        {
            "manager": manager,
            "certificates": manager.certificates.all(),
            "training": training_hours_by_base(manager),
            "deals": manager_deals(manager),
            "can_edit": services.can_edit_manager(request.user, manager),
            "certificate_form": CertificateForm(),
        },
    )


@login_required
@require_POST
def certificate_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    manager = get_object_or_404(managers_visible_to(request.user), pk=pk)
    form = CertificateForm(request.POST)
    if form.is_valid():
        try:
            services.certificate_add(user=request.user, manager=manager, data=form.cleaned_data)
        except ValidationError as exc:
            _messages_from(request, exc)
        else:
            messages.success(request, "证书已登记。")
    else:
        messages.error(request, "请完整填写证书信息")
    return redirect("directory:manager_detail", pk=pk)


# --------------------------------------------------------------------------------------------
# Training bases


def base_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "directory/base_list.html",
        {"bases": TrainingBase.objects.select_related("organisation").order_by("name")},
    )


def base_detail(request: HttpRequest, pk: int) -> HttpResponse:
    base = get_object_or_404(TrainingBase.objects.select_related("organisation"), pk=pk)
    year = YearForm(request.GET).year_or(_this_year())
    is_admin = services.is_org_admin(request.user, base.organisation_id)
    return render(
        request,
        "directory/base_detail.html",
        {
            "base": base,
            "year": year,
            "report": training_base_year(base, year),
            "is_admin": is_admin,
            "course_form": CourseForm(),
            "attendance_form": AttendanceForm(),
            "courses": base.courses.all()[:200] if is_admin else [],
        },
    )


@login_required
@require_POST
def course_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    base = get_object_or_404(TrainingBase, pk=pk)
    form = CourseForm(request.POST)
    if form.is_valid():
        try:
            services.course_create(user=request.user, base=base, data=form.cleaned_data)
        except ValidationError as exc:
            _messages_from(request, exc)
        else:
            messages.success(request, "课程已登记。")
    else:
        messages.error(request, "请完整填写课程信息")
    return redirect("directory:base_detail", pk=pk)


@login_required
@require_POST
def attendance_record(request: AuthedHttpRequest, pk: int, course_pk: int) -> HttpResponse:
    base = get_object_or_404(TrainingBase, pk=pk)
    course = get_object_or_404(base.courses, pk=course_pk)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写技术经理人登记编号")
        return redirect("directory:base_detail", pk=pk)
    manager = TechnologyManager.objects.filter(pk=form.cleaned_data["manager"]).first()
    if manager is None:
        messages.error(request, "未找到该登记编号的技术经理人")
        return redirect("directory:base_detail", pk=pk)
    try:
        services.attendance_record(
            user=request.user,
            course=course,
            manager=manager,
            hours=form.cleaned_data.get("hours"),
            passed=form.cleaned_data.get("passed", False),
        )
    except ValidationError as exc:
        _messages_from(request, exc)
    else:
        messages.success(request, "培训记录已登记。")
    return redirect("directory:base_detail", pk=pk)


# --------------------------------------------------------------------------------------------
# Brokered deals


@login_required
def deal_create(request: AuthedHttpRequest, licence_pk: int) -> HttpResponse:
    visible = licences_visible_to(request.user).values("pk")
    licence = get_object_or_404(
        Licence.objects.filter(pk__in=visible)
        .select_related("licensor", "licensee", "achievement")
        .only(
            "id",
            "licensor",
            "licensee",
            "achievement",
            "status",
            "signed_on",
            "licensor__name",
            "licensee__name",
            "achievement__title",
        ),
        pk=licence_pk,
    )
    existing = (
        BrokeredDeal.objects.filter(licence_id=licence.pk)
        .select_related("broker", "agency")
        .first()
    )
    form = BrokerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        broker = TechnologyManager.objects.filter(pk=form.cleaned_data["broker"]).first()
        if broker is None:
            form.add_error("broker", "未找到该登记编号的技术经理人")
        else:
            try:
                services.deal_name_broker(
                    user=request.user,
                    licence=licence,
                    broker=broker,
                    contract_amount=form.cleaned_data["contract_amount"],
                    is_related_party=form.cleaned_data["is_related_party"],
                )
            except ValidationError as exc:
                form.apply_errors(exc)
            else:
                messages.success(request, "已登记技术经纪人（三方成交记录）。")
                return redirect("directory:deal_create", licence_pk=licence.pk)
    return render(
        request, "directory/deal_form.html", {"licence": licence, "deal": existing, "form": form}
    )


@login_required
def agency_brokerage(request: AuthedHttpRequest, org_pk: int) -> HttpResponse:
    agency = get_object_or_404(Organisation, pk=org_pk)
    user = request.user
    if not (services.is_org_admin(user, agency.pk) or user.is_reviewer or user.is_auditor):
        raise Http404
    year = YearForm(request.GET).year_or(_this_year() - 1)
    return render(
        request,
        "directory/agency_brokerage.html",
        {"result": agency_brokered_amounts(agency, year), "year": year},
    )
